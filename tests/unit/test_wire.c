/* test_wire: the compact record encoding of 2.x chunk payloads (fmt_wire).
 * Every record must come back byte for byte however its values and thread
 * context change, and a damaged payload must be refused, never misread. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sr_buf.h"
#include "common/sr_err.h"
#include "format/evt.h"
#include "format/fmt_chunk.h"
#include "format/fmt_wire.h"
#include "tests/tap.h"

/* A payload under construction: wire bytes plus the records as given. */
struct payload {
	struct fmt_wire_enc enc;
	uint8_t *wire;
	size_t n, cap;
	uint8_t *recs; /* expected expansion, padded */
	size_t rec_size, rec_cap;
	uint32_t count;
};

static void pl_init(struct payload *pl)
{
	memset(pl, 0, sizeof(*pl));
	if (fmt_wire_enc_init(&pl->enc))
		abort();
}

static void pl_free(struct payload *pl)
{
	fmt_wire_enc_free(&pl->enc);
	free(pl->wire);
	free(pl->recs);
}

static void pl_add(struct payload *pl, const void *rec, size_t len)
{
	size_t padded = fmt_rec_padded(len);

	if (sr_grow(&pl->wire, &pl->cap, pl->n + FMT_WIRE_MAX(len), 4096) ||
	    sr_grow(&pl->recs, &pl->rec_cap, pl->rec_size + padded, 4096))
		abort();
	pl->n += fmt_wire_encode(&pl->enc, rec, pl->wire + pl->n);
	memcpy(pl->recs + pl->rec_size, rec, len);
	memset(pl->recs + pl->rec_size + len, 0, padded - len);
	pl->rec_size += padded;
	pl->count++;
}

/* Decodes pl both ways (whole payload, and record by record) and compares
 * with what went in. Returns the number of differences. */
static int pl_check(struct payload *pl)
{
	struct fmt_wire_dec d = {0};
	struct fmt_wire_fault f;
	uint8_t *out = malloc(pl->rec_size ? pl->rec_size : 1);
	size_t o = 0;
	int bad = 0;

	if (fmt_wire_decode(&d, pl->wire, pl->n, pl->count, out, pl->rec_size, &f) != 0 ||
	    memcmp(out, pl->recs, pl->rec_size) != 0)
		bad++;
	fmt_wire_dec_start(&d, pl->wire, pl->n);
	for (uint32_t i = 0; i < pl->count; i++) {
		struct evt ev, want;

		if (fmt_wire_dec_next(&d, &ev, &f) != 0) {
			bad++;
			break;
		}
		if (evt_decode(&want, pl->recs + o, pl->rec_size - o) != 0 ||
		    ev.rec->len != want.rec->len || memcmp(ev.rec, want.rec, want.rec->len) != 0 ||
		    ev.nparams != want.nparams)
			bad++;
		for (unsigned k = 0; k < ev.nparams && k < want.nparams; k++)
			if (ev.plen[k] != want.plen[k] || memcmp(ev.p[k], want.p[k], ev.plen[k]))
				bad++;
		o += fmt_rec_padded(want.rec->len);
	}
	if (fmt_wire_dec_finish(&d, pl->rec_size, &f) != 0)
		bad++;
	fmt_wire_dec_free(&d);
	free(out);
	return bad;
}

static const void *mkrec(struct evt_builder *b, unsigned type, uint32_t tid, uint64_t ts,
			 int64_t res, uint64_t lat, const char *comm, uint32_t uid, size_t *len)
{
	struct evt_rec h;

	memset(&h, 0, sizeof(h));
	h.ts = ts;
	h.latency = lat;
	h.res = res;
	h.pid = tid - tid % 4;
	h.tid = tid;
	h.ppid = 1;
	h.uid = uid;
	h.gid = uid + 1;
	h.cpu = (uint16_t)(tid % 3);
	h.cgroup_id = 0x1234 + tid % 5;
	snprintf(h.comm, sizeof(h.comm), "%s", comm);
	evt_builder_begin(b, type, &h);
	evt_builder_add_s64(b, (int64_t)(tid % 9));
	evt_builder_add_str(b, comm);
	return evt_builder_finish(b, len);
}

/* mkrec then pl_add (one statement each: argument order is unspecified). */
static void addrec(struct payload *pl, struct evt_builder *b, unsigned type, uint32_t tid,
		   uint64_t ts, int64_t res, uint64_t lat, const char *comm, uint32_t uid)
{
	size_t len;
	const void *r = mkrec(b, type, tid, ts, res, lat, comm, uid, &len);

	pl_add(pl, r, len);
}

TEST(roundtrip_values_and_contexts)
{
	struct payload pl;
	struct evt_builder b;
	static const int64_t res[] = {0, 1, -1, 4096, -22, INT64_MIN, INT64_MAX, 1ll << 40};
	static const uint64_t lat[] = {0, 1, 255, 256, 1000000, UINT64_MAX};
	uint64_t ts = 1700000000000000000ull;
	size_t len;

	pl_init(&pl);
	evt_builder_init(&b);
	for (unsigned i = 0; i < 3000; i++) {
		uint32_t tid = 100 + i % 37;
		/* the context changes now and then: exec (comm), setuid (uid) */
		const char *comm = (i / 500) % 2 ? "bash" : "sshd";
		uint32_t uid = i > 1500 && tid % 2 ? 0 : 1000;
		const void *r;

		/* time mostly forward, sometimes back (records of several CPUs) */
		ts += (i % 11 == 0) ? (uint64_t) - (int64_t)(i * 13) : 1 + i * 7;
		r = mkrec(&b, EVT_OPENAT, tid, ts, res[i % 8], lat[i % 6], comm, uid, &len);
		pl_add(&pl, r, len);
	}
	/* extremes of ts: 0 and the largest */
	addrec(&pl, &b, EVT_CLOSE, 7, 0, 0, 0, "x", 0);
	addrec(&pl, &b, EVT_CLOSE, 7, UINT64_MAX, -1, 0, "x", 0);
	CHECK_EQ_INT(pl_check(&pl), 0);
	/* compact: a context once per thread and change, not per record */
	CHECK(pl.n < pl.rec_size * 2 / 3);
	evt_builder_free(&b);
	pl_free(&pl);
}

/* res, latency and the ts delta at every stored width (0 to 8 bytes), in
 * every combination, both in the middle of a payload (where the reader
 * loads values without per-value bounds checks) and at its very end (where
 * it reads them byte by byte). */
TEST(roundtrip_every_value_width)
{
	struct payload pl;
	struct evt_builder b;
	uint64_t ts = 1;

	pl_init(&pl);
	evt_builder_init(&b);
	for (unsigned tail = 0; tail < 2; tail++) {
		for (unsigned i = 0; i < 9 * 9 * 9; i++) {
			unsigned wr = i % 9, wl = i / 9 % 9, wt = i / 81;
			/* the smallest value of width w: its top byte is 1 (zigzag
			 * doubles res and ts deltas, hence the shifts by one less) */
			int64_t res = wr ? (int64_t)(1ull << (8 * wr - 2)) : 0;
			uint64_t lat = wl ? 1ull << (8 * wl - 8) : 0;
			uint64_t dt = wt ? 1ull << (8 * wt - 2) : 0;

			if (tail && i < 9 * 9 * 9 - 3)
				continue; /* the last few again, now ending the payload */
			ts += dt;
			addrec(&pl, &b, EVT_CLOSE, 40 + i % 3, ts, res, lat, "w", 7);
			if (!tail)
				ts -= dt; /* keeps ts from wrapping: deltas go both ways */
		}
	}
	CHECK_EQ_INT(pl_check(&pl), 0);
	evt_builder_free(&b);
	pl_free(&pl);
}

/* More threads in one chunk than the encoder's table holds: contexts are
 * written again instead of looked up, and still decode right. */
TEST(roundtrip_many_threads)
{
	struct payload pl;
	struct evt_builder b;
	size_t len;

	pl_init(&pl);
	evt_builder_init(&b);
	for (unsigned i = 0; i < 3 * FMT_WIRE_SLOTS; i++) {
		const void *r = mkrec(&b, EVT_READ, 1000 + (i * 7919u) % (FMT_WIRE_SLOTS * 2), i, 8,
				      3, "worker", 33, &len);

		pl_add(&pl, r, len);
	}
	CHECK_EQ_INT(pl_check(&pl), 0);
	evt_builder_free(&b);
	pl_free(&pl);
}

/* A new chunk starts with an empty table: the same thread's context is
 * written again, so every chunk decodes on its own. */
TEST(chunks_independent)
{
	struct payload pl;
	struct evt_builder b;
	size_t first;

	pl_init(&pl);
	evt_builder_init(&b);
	addrec(&pl, &b, EVT_READ, 42, 5, 1, 1, "a", 0);
	first = pl.n;
	fmt_wire_enc_reset(&pl.enc);
	pl.n = pl.rec_size = pl.count = 0;
	addrec(&pl, &b, EVT_READ, 42, 6, 1, 1, "a", 0);
	CHECK_EQ_INT(pl.n, first); /* context written out again */
	CHECK_EQ_INT(pl_check(&pl), 0);
	evt_builder_free(&b);
	pl_free(&pl);
}

/* Large records (u32 lengths) and records with no parameters. */
TEST(roundtrip_large_and_empty)
{
	struct payload pl;
	struct evt_builder b;
	struct evt_rec h;
	size_t len, big = 200000;
	char *blob = malloc(big);
	const void *r;

	for (size_t i = 0; i < big; i++)
		blob[i] = (char)(i * 31);
	pl_init(&pl);
	evt_builder_init(&b);
	memset(&h, 0, sizeof(h));
	h.tid = h.pid = 9;
	h.ts = 77;
	evt_builder_begin(&b, EVT_WRITE, &h);
	evt_builder_add_s64(&b, 3);
	evt_builder_add(&b, blob, big);
	r = evt_builder_finish(&b, &len);
	CHECK(((const struct evt_rec *)r)->flags & EVT_RF_LARGE);
	pl_add(&pl, r, len);
	evt_builder_begin(&b, EVT_SNAP_END, &h);
	r = evt_builder_finish(&b, &len);
	CHECK_EQ_INT(((const struct evt_rec *)r)->nparams, 0);
	pl_add(&pl, r, len);
	CHECK_EQ_INT(pl_check(&pl), 0);
	evt_builder_free(&b);
	pl_free(&pl);
	free(blob);
}

/* Every cut of a payload and every single-byte change: decoding fails with
 * a reason or yields well-formed records, and never touches memory outside
 * its buffers (run under ASan by `make SAN=address,undefined test`). */
TEST(damage_refused_or_harmless)
{
	struct payload pl;
	struct evt_builder b;
	struct fmt_wire_dec d = {0};
	struct fmt_wire_fault f;
	uint8_t *copy, *out;
	int cut_refused = 1, flips_ok = 1;

	pl_init(&pl);
	evt_builder_init(&b);
	for (unsigned i = 0; i < 40; i++)
		addrec(&pl, &b, EVT_OPENAT, 10 + i % 3, i * 1000, i, i, "c", 0);
	copy = malloc(pl.n);
	out = malloc(pl.rec_size);
	for (size_t cut = 0; cut < pl.n; cut++) {
		memcpy(copy, pl.wire, cut);
		if (fmt_wire_decode(&d, copy, cut, pl.count, out, pl.rec_size, &f) != SR_ECORRUPT)
			cut_refused = 0;
	}
	for (size_t at = 0; at < pl.n; at++) {
		memcpy(copy, pl.wire, pl.n);
		copy[at] ^= 0x5a;
		if (fmt_wire_decode(&d, copy, pl.n, pl.count, out, pl.rec_size, &f) == 0) {
			/* accepted: then each expanded record must be well formed */
			size_t o = 0;
			struct evt ev;

			for (uint32_t i = 0; i < pl.count; i++) {
				if (evt_decode(&ev, out + o, pl.rec_size - o) != 0) {
					flips_ok = 0;
					break;
				}
				o += fmt_rec_padded(ev.rec->len);
			}
		} else if (!f.why || f.rec > pl.count || f.off > pl.n) {
			flips_ok = 0;
		}
	}
	CHECK(cut_refused);
	CHECK(flips_ok);
	/* a context number never defined */
	memcpy(copy, pl.wire, pl.n);
	{
		uint16_t sizes;

		memcpy(&sizes, copy + 7, 2);
		CHECK_EQ_INT(sizes >> 12, FMT_WIRE_CTX_NEW); /* first record defines one */
		sizes = (uint16_t)((sizes & 0x0fff) | 1u << 12);
		memcpy(copy + 7, &sizes, 2);
		CHECK_EQ_INT(fmt_wire_decode(&d, copy, pl.n, pl.count, out, pl.rec_size, &f),
			     SR_ECORRUPT);
	}
	/* more records claimed than present, and fewer */
	CHECK_EQ_INT(fmt_wire_decode(&d, pl.wire, pl.n, pl.count + 1, out, pl.rec_size, &f),
		     SR_ECORRUPT);
	CHECK_EQ_INT(fmt_wire_decode(&d, pl.wire, pl.n, pl.count - 1, out, pl.rec_size, &f),
		     SR_ECORRUPT);
	CHECK(strstr(f.why, "left") != NULL);
	fmt_wire_dec_free(&d);
	free(copy);
	free(out);
	evt_builder_free(&b);
	pl_free(&pl);
}
