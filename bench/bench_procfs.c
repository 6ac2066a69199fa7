/* bench_procfs: the recorder's /proc snapshot over fake /proc trees full of sockets.
 *
 * Each case builds a tree under /tmp (not timed): NS network namespaces, one
 * process each, whose net/tcp lists its share of SOCKETS entries (half
 * listeners, half connected, every other connected one on a listened port)
 * and whose fds hold every one of them. Then rec_procfs_snapshot() runs over
 * it with a no-op emit and no state; best of 3, in milliseconds.
 * Usage: bench_procfs [SOCKETS...] (default 2000 10000 20000; each also with 8
 * namespaces). Prints "case sockets namespaces ms" rows.
 * bench/procfs_compare.sh builds this file against an older rec_procfs.c and
 * prints both side by side. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "record/rec_procfs.c"
#ifndef BENCH_PROCFS_BASE /* the baseline build's rec_procfs.c has no socket module */
#include "record/rec_procfs_sock.c"
#endif

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int null_emit(void *ctx, const void *rec, size_t len)
{
	(*(size_t *)ctx) += len;
	(void)rec;
	return 0;
}

/* Namespace k's process (pid k + 1) with n sockets, inodes from base. */
static int make_proc(const char *root, unsigned k, unsigned n, unsigned base)
{
	char p[512], t[64];
	FILE *f;
	unsigned nl = n / 2;

	snprintf(p, sizeof(p), "%s/%u", root, k + 1);
	if (mkdir(p, 0755))
		return -1;
	snprintf(p, sizeof(p), "%s/%u/ns", root, k + 1);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%u/net", root, k + 1);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%u/fd", root, k + 1);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%u/ns/net", root, k + 1);
	snprintf(t, sizeof(t), "net:[%u]", 4026532000u + k);
	if (symlink(t, p))
		return -1;
	snprintf(p, sizeof(p), "%s/%u/status", root, k + 1);
	if (!(f = fopen(p, "w")))
		return -1;
	fprintf(f, "Name:\tbench\nPPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	fclose(f);
	snprintf(p, sizeof(p), "%s/%u/net/tcp", root, k + 1);
	if (!(f = fopen(p, "w")))
		return -1;
	fprintf(f, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
		   "   uid  timeout inode\n");
	for (unsigned i = 0; i < n; i++) {
		unsigned lport =
		    i < nl ? 1024 + i : (i % 2 ? 1024 + (i - nl) : 40000 + (i - nl) % 20000);

		fprintf(f,
			"%5u: 0100007F:%04X %s %s 00000000:00000000 00:00000000 00000000     0"
			"        0 %u 1 0000000000000000 100 0 0 10 0\n",
			i, lport, i < nl ? "00000000:0000" : "0200000A:9C40", i < nl ? "0A" : "01",
			base + i);
	}
	fclose(f);
	for (unsigned i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%u/fd/%u", root, k + 1, i + 3);
		snprintf(t, sizeof(t), "socket:[%u]", base + i);
		if (symlink(t, p))
			return -1;
	}
	return 0;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void run_case(unsigned sockets, unsigned nns)
{
	char root[] = "/tmp/sysrec-bench-procfs-XXXXXX";
	double best = 0;
	struct sr_err err;
	int rc = 0;

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return;
	}
	for (unsigned k = 0; k < nns && !rc; k++)
		rc = make_proc(root, k, sockets / nns, 100000 + k * (sockets / nns));
	if (rc) {
		fprintf(stderr, "bench_procfs: cannot build the tree in %s\n", root);
	} else {
		rec_procfs_set_roots(root, root);
		for (int r = 0; r < 3; r++) {
			size_t bytes = 0;
			double t0 = now_ms(), dt;

			rc = rec_procfs_snapshot(NULL, 1, null_emit, &bytes, getpid(), &err);
			dt = now_ms() - t0;
			if (rc)
				fprintf(stderr, "bench_procfs: snapshot failed: %s\n", err.msg);
			if (!r || dt < best)
				best = dt;
		}
		rec_procfs_set_roots("/proc", "/etc");
		printf("%-6s %8u %10u %10.1f\n", nns > 1 ? "multi" : "one", sockets, nns, best);
	}
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
	static const unsigned def[] = {2000, 10000, 20000};
	unsigned n = argc > 1 ? (unsigned)argc - 1 : 3;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("%-6s %8s %10s %10s\n", "case", "sockets", "namespaces", "ms");
	for (unsigned i = 0; i < n; i++) {
		unsigned s = argc > 1 ? (unsigned)strtoul(argv[i + 1], NULL, 10) : def[i];

		if (s < 16 || s > 200000) {
			fprintf(stderr, "bench_procfs: SOCKETS between 16 and 200000\n");
			return 2;
		}
		run_case(s, 1);
		run_case(s, 8);
	}
	return 0;
}
