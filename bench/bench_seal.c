/* bench_seal: what the 2.1 integrity costs. BLAKE2b-256 chunk digests and
 * SHA-256 (the hand-over hash) in bytes/s, an Ed25519 checkpoint signed
 * and verified (per checkpoint), and, given a capture, reading it through
 * with the digest chain checked and not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "format/fmt_reader.h"
#include "format/fmt_seal.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double read_all(const char *path, int digest, uint64_t *n)
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
	t0 = now();
	*n = 0;
	while (fmt_reader_next(r, &ev, &err) == 1)
		(*n)++;
	t0 = now() - t0;
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
	printf("BLAKE2b-256 chunk digest (1 MiB payloads): %.0f MB/s\n", reps * len / t / 1e6);
	t = now();
	for (int i = 0; i < reps; i++)
		crypto_hash_sha256(d, buf, len);
	t = now() - t;
	printf("SHA-256 (hand-over hash):                  %.0f MB/s\n", reps * len / t / 1e6);
	fmt_sign_key_from_seed(&k, seed);
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
		double on = 1e9, off = 1e9;

		/* alternating, best of 3 each */
		for (int i = 0; i < 3; i++) {
			double a = read_all(argv[1], 1, &n1), b = read_all(argv[1], 0, &n2);

			on = a < on ? a : on;
			off = b < off ? b : off;
		}
		printf("read %s: %llu records, digest chain checked %.3f s (%.2fM/s), "
		       "not checked %.3f s (%.2fM/s): %+.1f%%\n",
		       argv[1], (unsigned long long)n1, on, n1 / on / 1e6, off, n2 / off / 1e6,
		       (on / off - 1) * 100);
	}
	free(buf);
	return 0;
}
