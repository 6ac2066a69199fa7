/* bench_seal: what the 2.1 integrity costs. SHA-256 chunk digests (the
 * hand-over hash uses the same SHA-256) in bytes/s, an Ed25519 checkpoint signed
 * and verified (per checkpoint), and, given a capture, reading it through
 * with the digest chain checked and not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/fmt_reader.h"
#include "format/fmt_seal.h"
#include "format/fmt_seal_async.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the capture through; returns this thread's CPU seconds (with a
 * digest helper thread, the critical path) and the wall seconds in *wall. */
static double read_all(const char *path, int digest, uint64_t *n, double *wall)
{
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	double t0;

	if (fmt_reader_open(&r, path, &err)) {
		fprintf(stderr, "bench_seal: %s\n", err.msg);
		exit(2);
	}
	fmt_reader_set_digest_check(r, digest);
	t0 = thread_cpu();
	*wall = now();
	*n = 0;
	while (fmt_reader_next(r, &ev, &err) == 1)
		(*n)++;
	t0 = thread_cpu() - t0;
	*wall = now() - *wall;
	fmt_reader_close(r);
	return t0;
}

int main(int argc, char **argv)
{
	const size_t len = 1 << 20;
	uint8_t *buf = malloc(len), hdr[FMT_CHUNK_HDR_21] = {0}, d[32];
	struct fmt_sign_key k;
	struct fmt_ckpt c;
	uint8_t seed[32] = {7};
	double t;
	int reps = 400;

	if (!buf || fmt_seal_init())
		return 2;
	memset(buf, 0x5a, len);
	t = now();
	for (int i = 0; i < reps; i++)
		fmt_seal_chunk_digest(hdr, sizeof(hdr), buf, len, d);
	t = now() - t;
	printf("SHA-256 chunk digest (1 MiB payloads):     %.0f MB/s\n", reps * len / t / 1e6);
	if (fmt_sign_key_from_seed(&k, seed))
		return 2;
	memset(&c, 0, sizeof(c));
	c.magic = FMT_CKPT_MAGIC;
	memcpy(c.pub, k.pub, 32);
	reps = 2000;
	t = now();
	for (int i = 0; i < reps; i++) {
		c.number = (uint64_t)i;
		fmt_ckpt_sign(&c, k.seed);
	}
	t = now() - t;
	printf("checkpoint signed (Ed25519):               %.1f us each\n", t / reps * 1e6);
	t = now();
	for (int i = 0; i < reps; i++)
		if (fmt_ckpt_check_sig(&c))
			return 2;
	t = now() - t;
	printf("checkpoint verified:                       %.1f us each\n", t / reps * 1e6);
	t = now();
	for (int i = 0; i < reps; i++)
		fmt_seal_ratchet(seed, seed);
	t = now() - t;
	printf("key ratchet step (+ keypair derivation not included): %.2f us\n", t / reps * 1e6);
	if (argc > 1) {
		uint64_t n1 = 0, n2 = 0;
		double on = 1e9, off = 1e9, won = 1e9, woff = 1e9, w;

		/* alternating, best of 5 each */
		for (int i = 0; i < 5; i++) {
			double a = read_all(argv[1], 1, &n1, &w), b;

			won = w < won ? w : won;
			b = read_all(argv[1], 0, &n2, &w);
			woff = w < woff ? w : woff;
			on = a < on ? a : on;
			off = b < off ? b : off;
		}
		printf("read %s: %llu records; reading thread's CPU: digest chain checked "
		       "%.3f s, not checked %.3f s: %+.1f%%; wall %.3f s vs %.3f s: %+.1f%% "
		       "(digests on a helper thread: %s)\n",
		       argv[1], (unsigned long long)n1, on, off, (on / off - 1) * 100, won, woff,
		       (won / woff - 1) * 100, fmt_seal_async_useful() ? "yes" : "no, one CPU");
	}
	free(buf);
	return 0;
}
