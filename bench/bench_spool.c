/* bench_spool: the alert spool's own cost per alert (outputs/out_spool.c):
 * append (one write(2) of a framed record), fdatasync of what was appended,
 * and peek + commit (two preads and a cursor pwrite), for records of the
 * size of a Falco JSON alert.
 *   bench_spool [DIR] [COUNT]      DIR default /tmp, COUNT default 100000 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outputs/out_int.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char dir[4096], text[600], cmd[4200];
	long n = argc > 2 ? atol(argv[2]) : 100000;
	struct out_spool *sp;
	uint64_t pending, corrupt = 0;
	struct sr_err err;
	uint8_t *rec, *p;
	size_t len, plen;
	double t0, t1, t2, t3;

	snprintf(dir, sizeof(dir), "%s/bench_spool.%d", argc > 1 ? argv[1] : "/tmp", (int)getpid());
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	{
		struct out_alert a = {"Rule", 4, "syscall", "host", 1, text, NULL};

		rec = out_rec_encode(&a, "00000000-0000-4000-8000-000000000000", text, 2, &len);
	}
	if (!rec || out_spool_open(&sp, dir, 1ull << 40, &pending, &err)) {
		fprintf(stderr, "bench_spool: %s\n", err.msg);
		return 2;
	}
	t0 = now();
	for (long i = 0; i < n; i++)
		out_spool_append(sp, rec, len);
	t1 = now();
	out_spool_sync(sp);
	t2 = now();
	for (long i = 0; i < n && out_spool_peek(sp, &p, &plen, &corrupt) == 1; i++) {
		free(p);
		out_spool_commit(sp);
	}
	t3 = now();
	out_spool_close(sp);
	printf("spool, %ld records of %zu bytes in %s:\n", n, len, argc > 1 ? argv[1] : "/tmp");
	printf("  append          %8.0f ns/record  (%.0f MB/s)\n", (t1 - t0) * 1e9 / (double)n,
	       (double)n * (double)len / (t1 - t0) / 1e6);
	printf("  fdatasync       %8.1f ms for all of them\n", (t2 - t1) * 1e3);
	printf("  peek + commit   %8.0f ns/record\n", (t3 - t2) * 1e9 / (double)n);
	free(rec);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? 1 : 0;
}
