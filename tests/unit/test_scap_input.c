/* test_scap_input: the .scap reader's byte stream (scap/scap_input.c): blocks
 * are looked at in place in a window that moves and grows with the data. */
#include "tests/tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "scap/scap_input.h"

#define DATA_LEN (3u << 20) /* several windows */

static void tmp_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "/tmp/test_scap_input_%d_%s", (int)getpid(), name);
}

/* Bytes no two windows share: a misplaced window shows as a wrong byte. */
static uint8_t *make_data(void)
{
	uint8_t *d = malloc(DATA_LEN);
	uint32_t x = 12345;

	for (size_t i = 0; d && i < DATA_LEN; i++) {
		x = x * 1103515245u + 12345u;
		d[i] = (uint8_t)(x >> 16);
	}
	return d;
}

static int write_plain(const char *path, const uint8_t *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(d, 1, n, f) == n;

	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

/* Two gzip members: the stream reads across the seam. */
static int write_gzip(const char *path, const uint8_t *d, size_t n)
{
	gzFile g = gzopen(path, "wb");
	int ok = g && gzwrite(g, d, (unsigned)(n / 2)) == (int)(n / 2);

	if (g)
		gzclose(g);
	g = gzopen(path, "ab");
	ok = ok && g && gzwrite(g, d + n / 2, (unsigned)(n - n / 2)) == (int)(n - n / 2);
	if (g)
		gzclose(g);
	return ok ? 0 : -1;
}

/* Walks the stream in steps of varying size, some far bigger than the
 * window, checking every peeked byte; returns bytes matched in order. */
static size_t walk(const char *path, const uint8_t *d, size_t *max_cap)
{
	static const size_t steps[] = {8, 100, 4093, 65536, 700000, 12, 1500000, 3};
	struct scap_in in;
	size_t off = 0, k = 0;

	*max_cap = 0;
	if (scap_in_open(&in, path))
		return 0;
	for (;;) {
		size_t n = steps[k++ % (sizeof(steps) / sizeof(steps[0]))], got;
		const uint8_t *p = scap_in_peek(&in, n, &got);

		if (in.cap > *max_cap)
			*max_cap = in.cap;
		if (!p || off + got > DATA_LEN || memcmp(p, d + off, got) != 0)
			break;
		/* a second look without consuming sees the same bytes */
		if (scap_in_peek(&in, got, &got) != p)
			break;
		scap_in_skip(&in, got);
		off += got;
		if (got < n)
			break;
	}
	if (in.err)
		off = 0;
	scap_in_close(&in);
	return off;
}

TEST(blocks_in_place_across_windows)
{
	char plain[256], gz[256];
	uint8_t *d = make_data();
	size_t cap;

	CHECK(d != NULL);
	if (!d)
		return;
	tmp_path(plain, sizeof(plain), "plain.bin");
	tmp_path(gz, sizeof(gz), "data.gz");
	CHECK_EQ_INT(write_plain(plain, d, DATA_LEN), 0);
	CHECK_EQ_INT(write_gzip(gz, d, DATA_LEN), 0);
	CHECK_EQ_INT(walk(plain, d, &cap), DATA_LEN);
	/* grown for the 1.5 MB step, never past twice what it holds */
	CHECK(cap >= 1500000 && cap <= 2 * 1500000);
	CHECK_EQ_INT(walk(gz, d, &cap), DATA_LEN);
	CHECK(cap >= 1500000 && cap <= 2 * 1500000);
	unlink(plain);
	unlink(gz);
	free(d);
}

TEST(claimed_length_does_not_size_the_window)
{
	char plain[256];
	uint8_t *d = make_data();
	struct scap_in in;
	size_t got;
	const uint8_t *p;

	CHECK(d != NULL);
	if (!d)
		return;
	tmp_path(plain, sizeof(plain), "short.bin");
	CHECK_EQ_INT(write_plain(plain, d, 300000), 0);
	CHECK_EQ_INT(scap_in_open(&in, plain), 0);
	/* a block claiming 64 MiB in a 300 kB file: what is there, no more room */
	p = scap_in_peek(&in, 64u << 20, &got);
	CHECK(p != NULL);
	CHECK_EQ_INT(got, 300000);
	CHECK(p && memcmp(p, d, got) == 0);
	CHECK(in.cap <= 2 * 300000);
	CHECK_EQ_INT(in.err, 0);
	scap_in_close(&in);
	unlink(plain);
	free(d);
}

TEST(copying_read_matches_peek)
{
	char gz[256];
	uint8_t *d = make_data(), *out = malloc(DATA_LEN + 16);
	struct scap_in in;

	CHECK(d && out);
	if (!d || !out)
		goto done;
	tmp_path(gz, sizeof(gz), "read.gz");
	CHECK_EQ_INT(write_gzip(gz, d, DATA_LEN), 0);
	CHECK_EQ_INT(scap_in_open(&in, gz), 0);
	CHECK_EQ_INT(scap_in_read(&in, out, 10), 10);
	CHECK_EQ_INT(scap_in_read(&in, out + 10, DATA_LEN + 16), DATA_LEN - 10);
	CHECK(memcmp(out, d, DATA_LEN) == 0);
	CHECK_EQ_INT(in.err, 0);
	scap_in_close(&in);
	unlink(gz);
done:
	free(d);
	free(out);
}
