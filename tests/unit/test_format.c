/* test_format: the capture writer and reader (format/fmt_writer.c, fmt_reader.c). */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "common/sr_hash.h"
#include "format/fmt_chunk.h"
#include "format/fmt_reader_int.h"
#include "format/fmt_seal.h"
#include "format/fmt_tail.h"
#include "tests/tap.h"
#include "tests/unit/test_format_util.h"

/* Builds a record of any schema type with a value of the right shape per parameter. */
static const void *build_any(struct evt_builder *b, unsigned type, uint64_t ts, size_t *len)
{
	const struct evt_info *info = evt_info_get(type);
	struct evt_rec h;

	memset(&h, 0, sizeof(h));
	h.ts = ts;
	h.latency = 1234;
	h.res = -13;
	h.pid = 4321;
	h.tid = 4322;
	h.ppid = 1;
	h.uid = 1000;
	h.gid = 1000;
	h.cpu = 3;
	h.cgroup_id = 77;
	snprintf(h.comm, sizeof(h.comm), "t%u", type);
	evt_builder_begin(b, type, &h);
	for (unsigned i = 0; i < info->nparams; i++) {
		static const uint8_t sa[] = {2, 127, 0, 0, 1, 0x50, 0};
		static const uint8_t st[] = {2, 10, 0, 0, 1, 1, 2, 10, 0, 0, 2, 0x50, 0, 6};
		switch (info->params[i].type) {
		case PT_PATH:
			evt_builder_add_str(b, "/etc/passwd");
			break;
		case PT_STR:
			evt_builder_add_str(b, "text");
			break;
		case PT_BYTES:
			evt_builder_add(b, "ab\0\x01\xff", 5);
			break;
		case PT_STRARRAY:
			evt_builder_add(b, "ls\0-l\0", 6);
			break;
		case PT_SOCKADDR:
			evt_builder_add(b, sa, sizeof(sa));
			break;
		case PT_SOCKTUPLE:
			evt_builder_add(b, st, sizeof(st));
			break;
		default:
			evt_builder_add_u64(b, 0x0102030405060708ull + i);
			break;
		}
	}
	return evt_builder_finish(b, len);
}

static int is_event(const struct evt *ev)
{
	const struct evt_info *ei = evt_info_get(ev->rec->type);

	return ei && ei->category != EC_META;
}

/* Reads everything from path; compares with rs byte for byte. Returns records
 * read. evt.num counts events from 1 (state records carry the number of the
 * event before them). */
static size_t read_compare(const char *path, const struct tfu_recs *rs, int *rc_out)
{
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	size_t n = 0;
	uint64_t events = 0;
	int rc;

	*rc_out = fmt_reader_open(&r, path, &err);
	if (*rc_out)
		return 0;
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1) {
		if (!rs || n >= rs->n || ev.rec->len != rs->len[n] ||
		    memcmp(ev.rec, rs->rec[n], rs->len[n]) != 0) {
			*rc_out = -100; /* a record that is not the original */
			break;
		}
		events += is_event(&ev);
		CHECK_EQ_INT(ev.num, events);
		n++;
	}
	if (rc <= 0)
		*rc_out = rc;
	fmt_reader_close(r);
	return n;
}

TEST(roundtrip_every_type)
{
	const char *path = tfu_path("all.sysrec");
	struct fmt_writer_opts o = {.chunk_raw = 2048};
	struct tfu_recs rs = {0};
	struct evt_builder b;
	struct fmt_writer *w;
	struct sr_err err;
	unsigned types = 0;
	int rc;

	evt_builder_init(&b);
	CHECK_EQ_INT(fmt_writer_open(&w, path, NULL, &o, &err), 0);
	for (int rep = 0; rep < 3; rep++)
		for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
			const void *rec;
			size_t len;

			if (!evt_info_get(t))
				continue;
			types += rep == 0;
			rec = build_any(&b, t, 1000 + rs.n, &len);
			CHECK(rec != NULL);
			CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
			tfu_recs_add(&rs, rec, len);
		}
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	CHECK(types > 90);
	CHECK_EQ_INT(read_compare(path, &rs, &rc), rs.n);
	CHECK_EQ_INT(rc, 0);
	tfu_recs_free(&rs);
	evt_builder_free(&b);
}

TEST(host_metadata_roundtrip)
{
	const char *path = tfu_path("host.sysrec");
	struct fmt_host_info h, *got;
	struct fmt_writer *w;
	struct fmt_reader *r;
	struct sr_err err;

	fmt_host_info_local(&h);
	snprintf(h.hostname, sizeof(h.hostname), "web-01.example");
	snprintf(h.options, sizeof(h.options), "-w x.sysrec -s 80");
	h.snaplen = 80;
	h.start_ns = 1700000000123456789ull;
	h.clock_offset_ns = -5;
	CHECK_EQ_INT(fmt_writer_open(&w, path, &h, NULL, &err), 0);
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	got = (struct fmt_host_info *)fmt_reader_host(r);
	CHECK_STR(got->hostname, "web-01.example");
	CHECK_STR(got->options, "-w x.sysrec -s 80");
	CHECK_STR(got->kernel, h.kernel);
	CHECK_STR(got->machine, h.machine);
	CHECK_EQ_INT(got->snaplen, 80);
	CHECK_EQ_INT(got->start_ns, 1700000000123456789ull);
	CHECK_EQ_INT(got->clock_offset_ns, -5);
	CHECK_EQ_INT(fmt_reader_info(r)->complete, 1);
	CHECK_EQ_INT(fmt_reader_info(r)->chunks, 0);
	fmt_reader_close(r);
}

TEST(chunks_bounded_by_size)
{
	const char *path = tfu_path("size.sysrec");
	struct fmt_reader *r;
	struct sr_err err;
	uint64_t total = 0;

	CHECK_EQ_INT(tfu_make(path, 2000, 1, 10, 4096, 0, NULL), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	CHECK(fmt_reader_chunk_count(r) > 10);
	for (size_t i = 0; i < fmt_reader_chunk_count(r); i++) {
		const struct fmt_chunk_info *ci = fmt_reader_chunk(r, i);
		const uint8_t *recs;
		size_t len;

		/* The bound applies to the records as a reader expands them. */
		CHECK_EQ_INT(fmt_reader_load_chunk(r, i, NULL, &recs, &len, &err), 0);
		CHECK(len <= 4096);
		/* full chunks: another record would not have fit */
		if (i + 1 < fmt_reader_chunk_count(r))
			CHECK(len > 4096 - 200);
		/* and the wire form is smaller */
		CHECK(ci->raw_size < len);
		CHECK_EQ_INT(ci->seq, i);
		total += ci->count;
	}
	CHECK_EQ_INT(total, 2000);
	CHECK_EQ_INT(fmt_reader_info(r)->events, 2000);
	fmt_reader_close(r);
}

TEST(chunks_bounded_by_time)
{
	const char *path = tfu_path("tick.sysrec");
	struct fmt_writer_opts o = {.chunk_ns = 1000};
	struct fmt_writer_stats st;
	struct evt_builder b;
	struct fmt_writer *w;
	struct fmt_reader *r;
	struct sr_err err;
	const void *rec;
	size_t len;

	evt_builder_init(&b);
	CHECK_EQ_INT(fmt_writer_open(&w, path, NULL, &o, &err), 0);
	rec = tfu_simple(&b, EVT_CLOSE, 5000, 1, &len);
	CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
	CHECK_EQ_INT(fmt_writer_tick(w, 5999, &err), 0); /* younger than chunk_ns: kept */
	fmt_writer_get_stats(w, &st);
	CHECK_EQ_INT(st.chunks, 0);
	CHECK_EQ_INT(fmt_writer_tick(w, 6000, &err), 0); /* old enough: flushed */
	fmt_writer_get_stats(w, &st);
	CHECK_EQ_INT(st.chunks, 1);
	CHECK_EQ_INT(fmt_writer_tick(w, 9000, &err), 0); /* nothing open: no empty chunk */
	fmt_writer_get_stats(w, &st);
	CHECK_EQ_INT(st.chunks, 1);
	rec = tfu_simple(&b, EVT_CLOSE, 9000, 1, &len);
	CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
	CHECK_EQ_INT(fmt_writer_tick(w, 0, &err), 0); /* 0: unconditional */
	fmt_writer_get_stats(w, &st);
	CHECK_EQ_INT(st.chunks, 2);
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	CHECK_EQ_INT(fmt_reader_chunk_count(r), 2);
	CHECK_EQ_INT(fmt_reader_chunk(r, 1)->first_ts, 9000);
	fmt_reader_close(r);
	evt_builder_free(&b);
}

/* Seek: the covering snapshot's records, then the first record >= T, at most 2 chunks. */
TEST(seek_time_uses_index_and_snapshot)
{
	const char *path = tfu_path("seek.sysrec");
	struct tfu_recs rs = {0};
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	uint64_t targets[] = {0, 1, 55, 12345, 50000, 99990, 99999, 100000, 250000};

	/* ts = 10*i for i < 10000, a snapshot every 1500 records */
	CHECK_EQ_INT(tfu_make(path, 10000, 0, 10, 2048, 1500, &rs), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	CHECK(fmt_reader_chunk_count(r) > 50);
	for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		uint64_t T = targets[k], before = fmt_reader_chunks_decoded(r);
		int snap_seen = 0, rc;
		uint64_t expect = (T + 9) / 10 * 10; /* first multiple of 10 >= T */

		CHECK_EQ_INT(fmt_reader_seek_time(r, T, &err), 0);
		while ((rc = fmt_reader_next(r, &ev, &err)) == 1 && ev.rec->type == EVT_PROCINFO)
			snap_seen = 1;
		if (expect >= 100000) {
			CHECK_EQ_INT(rc, 0);
			continue;
		}
		CHECK_EQ_INT(rc, 1);
		CHECK_EQ_INT(ev.rec->ts, expect);
		/* the snapshot before the target came first (there is one from ts 0 on) */
		CHECK(snap_seen || expect % 15000 == 0);
		CHECK(fmt_reader_chunks_decoded(r) - before <= 2);
		/* and reading on continues in order */
		if (expect + 10 < 100000) {
			CHECK_EQ_INT(fmt_reader_next(r, &ev, &err), 1);
			CHECK(ev.rec->ts == expect + 10 || ev.rec->type == EVT_PROCINFO);
		}
	}
	fmt_reader_close(r);
	tfu_recs_free(&rs);
}

/* evt.num counts events only, the same whatever the reader skips: chunks
 * mixing events with state records (a drop note every 37 records), snapshot
 * chunks, a seek, and chunks skipped by type. */
TEST(evt_num_counts_events_only)
{
	const char *path = tfu_path("num.sysrec");
	struct fmt_writer_opts o = {.chunk_raw = 2048};
	struct evt_builder b;
	struct fmt_writer *w;
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	uint64_t events = 0, first, last, targets[] = {5, 777, 1234, 2999};
	uint8_t set[32] = {0};
	int rc, found = 0;

	evt_builder_init(&b);
	CHECK_EQ_INT(fmt_writer_open(&w, path, NULL, &o, &err), 0);
	for (unsigned i = 0; i < 3000; i++) {
		size_t len;
		const void *rec;

		if (i % 1000 == 0) {
			CHECK_EQ_INT(fmt_writer_snapshot_begin(w, &err), 0);
			rec = tfu_simple(&b, EVT_PROCINFO, i * 10, 1, &len);
			CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
			CHECK_EQ_INT(fmt_writer_snapshot_end(w, &err), 0);
		}
		if (i % 37 == 0) {
			rec = tfu_simple(&b, EVT_DROP, i * 10, 1, &len);
			CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
		}
		/* event i has number i + 1; one execve at 2500 */
		rec = tfu_simple(&b, i == 2500 ? EVT_EXECVE : EVT_READ, i * 10, 100, &len);
		CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
	}
	{ /* a state record after the last event: not in the events' range */
		size_t len;
		const void *rec = tfu_simple(&b, EVT_DROP, 99999, 1, &len);

		CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
	}
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);

	/* info's count and range: events only, drop notes and snapshots aside */
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	fmt_reader_event_range(r, &events, &first, &last);
	CHECK_EQ_INT(events, 3000);
	CHECK_EQ_INT(first, 0);
	CHECK_EQ_INT(last, 29990);
	fmt_reader_close(r);

	events = 0;
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1) {
		events += is_event(&ev);
		CHECK_EQ_INT(ev.num, events);
		if (is_event(&ev))
			CHECK_EQ_INT(ev.num, ev.rec->ts / 10 + 1);
	}
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(events, 3000);
	fmt_reader_close(r);

	for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
		CHECK_EQ_INT(fmt_reader_seek_time(r, targets[k] * 10, &err), 0);
		while ((rc = fmt_reader_next(r, &ev, &err)) == 1 && !is_event(&ev))
			;
		CHECK_EQ_INT(rc, 1);
		CHECK_EQ_INT(ev.rec->ts, targets[k] * 10);
		CHECK_EQ_INT(ev.num, targets[k] + 1);
		fmt_reader_close(r);
	}

	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	fmt_types_add(set, EVT_EXECVE);
	fmt_reader_set_types(r, set);
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1)
		if (ev.rec->type == EVT_EXECVE) {
			CHECK_EQ_INT(ev.num, 2501);
			found++;
		}
	CHECK_EQ_INT(found, 1);
	fmt_reader_close(r);
	evt_builder_free(&b);
}

TEST(type_set_skips_chunks)
{
	const char *path = tfu_path("types.sysrec");
	struct fmt_writer_opts o = {.chunk_raw = 2048};
	struct evt_builder b;
	struct fmt_writer *w;
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	uint8_t set[32] = {0};
	int found = 0, rc;

	evt_builder_init(&b);
	CHECK_EQ_INT(fmt_writer_open(&w, path, NULL, &o, &err), 0);
	for (unsigned i = 0; i < 3000; i++) {
		size_t len;
		/* one rare execve at i == 2000 */
		const void *rec = tfu_simple(&b, i == 2000 ? EVT_EXECVE : EVT_READ, i, 1, &len);
		CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
	}
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	fmt_types_add(set, EVT_EXECVE);
	fmt_reader_set_types(r, set);
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1)
		found += ev.rec->type == EVT_EXECVE;
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(found, 1);
	CHECK(fmt_reader_chunk_count(r) > 20);
	CHECK_EQ_INT(fmt_reader_chunks_decoded(r), 1);
	fmt_reader_close(r);
	evt_builder_free(&b);
}

TEST(index_rebuilt_without_trailer)
{
	const char *path = tfu_path("cut.sysrec");
	struct tfu_recs rs = {0};
	struct fmt_reader *r;
	struct sr_err err;
	struct stat st;
	int rc;

	CHECK_EQ_INT(tfu_make(path, 3000, 100, 10, 4096, 1000, &rs), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	uint64_t idx_off = fmt_reader_chunk(r, fmt_reader_chunk_count(r) - 1)->offset +
			   FMT_CHUNK_HDR_21 +
			   fmt_reader_chunk(r, fmt_reader_chunk_count(r) - 1)->comp_size;
	size_t nch = fmt_reader_chunk_count(r);
	fmt_reader_close(r);
	stat(path, &st);
	/* trailer only, then index and trailer: both rebuild the same chunk list */
	for (int cut = 0; cut < 2; cut++) {
		CHECK_EQ_INT(truncate(path, cut == 0 ? st.st_size - 64 : (off_t)idx_off), 0);
		CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
		CHECK_EQ_INT(fmt_reader_info(r)->complete, 0);
		CHECK_EQ_INT(fmt_reader_info(r)->damaged, 0);
		CHECK_EQ_INT(fmt_reader_chunk_count(r), nch);
		CHECK_EQ_INT(fmt_reader_chunk(r, 1)->snapshot, 0);
		fmt_reader_close(r);
		CHECK_EQ_INT(read_compare(path, &rs, &rc), rs.n);
		CHECK_EQ_INT(rc, 0);
	}
	tfu_recs_free(&rs);
}

/* A trailer (crc intact) whose index_size leaves no room for the trailer:
 * index_offset = size - 64 - index_size wraps. The reader must fall back to
 * scanning, not read at the wrapped offset. */
TEST(trailer_index_size_wraps)
{
	const char *path = tfu_path("wrap.sysrec");
	struct tfu_recs rs = {0};
	struct fmt_reader *r;
	struct fmt_trailer t;
	struct sr_err err;
	size_t size;
	uint8_t *buf;
	int rc;

	CHECK_EQ_INT(tfu_make(path, 500, 100, 10, 4096, 1000, &rs), 0);
	buf = tfu_read_file(path, &size);
	memcpy(&t, buf + size - sizeof(t), sizeof(t));
	t.index_size = size - 10;
	t.index_offset = (uint64_t)size - sizeof(t) - t.index_size;
	t.crc = sr_crc32c(0, &t, offsetof(struct fmt_trailer, crc));
	memcpy(buf + size - sizeof(t), &t, sizeof(t));
	tfu_write_file(path, buf, size);
	free(buf);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	CHECK_EQ_INT(fmt_reader_info(r)->complete, 0);
	fmt_reader_close(r);
	CHECK_EQ_INT(read_compare(path, &rs, &rc), rs.n);
	CHECK_EQ_INT(rc, 0);
	tfu_recs_free(&rs);
}

static void count_problems(void *ctx, const char *msg)
{
	(void)msg;
	(*(int *)ctx)++;
}

/* Every prefix of a capture: never a crash, records are a prefix of the
 * originals, and verify calls anything short of the whole file a problem. */
TEST(truncation_at_every_offset)
{
	const char *path = tfu_path("small.sysrec"), *cut = tfu_path("prefix.sysrec");
	struct tfu_recs rs = {0};
	struct sr_err err;
	size_t size, last_n = 0;
	uint8_t *buf;
	int monotonic = 1;

	CHECK_EQ_INT(tfu_make(path, 120, 1000, 1, 1024, 50, &rs), 0);
	buf = tfu_read_file(path, &size);
	CHECK(buf && size > 1000);
	for (size_t len = 0; buf && len <= size; len++) {
		int rc, problems = 0;
		size_t n;

		tfu_write_file(cut, buf, len);
		n = read_compare(cut, &rs, &rc);
		if (rc == -100) {
			TAP_FAIL("prefix of %zu bytes: a record differs from the original", len);
			break;
		}
		/* a longer prefix never yields fewer records, except once the index
		 * arrives: records only grow with length */
		if (n < last_n && len < size)
			monotonic = 0;
		last_n = n;
		rc = fmt_verify(cut, count_problems, &problems, &err);
		if (len < size && rc == 0) {
			TAP_FAIL("prefix of %zu bytes: verify found no problem", len);
			break;
		}
		if (len == size)
			CHECK_EQ_INT(rc, 0);
	}
	CHECK(monotonic);
	CHECK_EQ_INT(last_n, rs.n);
	free(buf);
	tfu_recs_free(&rs);
}

/* A flipped bit anywhere is found by verify and never crashes the reader or
 * yields a record that was not written. */
TEST(bit_flips_detected)
{
	const char *path = tfu_path("flip-src.sysrec"), *bad = tfu_path("flip.sysrec");
	struct tfu_recs rs = {0};
	struct sr_err err;
	size_t size;
	uint8_t *buf;

	CHECK_EQ_INT(tfu_make(path, 150, 1000, 1, 1500, 60, &rs), 0);
	buf = tfu_read_file(path, &size);
	CHECK(buf != NULL);
	for (size_t off = 0; buf && off < size; off++) {
		int rc, problems = 0;

		buf[off] ^= (uint8_t)(1u << (off % 8));
		tfu_write_file(bad, buf, size);
		buf[off] ^= (uint8_t)(1u << (off % 8));
		read_compare(bad, &rs, &rc);
		if (rc == -100) {
			TAP_FAIL("flip at %zu: a record differs from the original", off);
			break;
		}
		rc = fmt_verify(bad, count_problems, &problems, &err);
		if (rc == 0) {
			TAP_FAIL("flip at byte %zu: verify found nothing", off);
			break;
		}
	}
	free(buf);
	tfu_recs_free(&rs);
}

TEST(damaged_payload_reports_chunk_and_offset)
{
	const char *path = tfu_path("dmg.sysrec");
	struct tfu_recs rs = {0};
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	size_t size, n = 0;
	uint8_t *buf;
	int rc;
	char want[128];

	CHECK_EQ_INT(tfu_make(path, 1000, 1, 1, 2048, 0, &rs), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	const struct fmt_chunk_info c3 = *fmt_reader_chunk(r, 3);
	uint64_t before = fmt_reader_chunk(r, 3)->seq;
	size_t expect = 0;
	for (size_t i = 0; i < 3; i++)
		expect += fmt_reader_chunk(r, i)->count;
	fmt_reader_close(r);
	buf = tfu_read_file(path, &size);
	buf[c3.offset + FMT_CHUNK_HDR_21 + c3.comp_size / 2] ^= 0x10;
	tfu_write_file(path, buf, size);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1)
		n++;
	CHECK_EQ_INT(rc, SR_ECORRUPT);
	CHECK_EQ_INT(n, expect);
	CHECK_EQ_INT(err.chunk, before);
	CHECK_EQ_INT(err.offset, c3.offset);
	snprintf(want, sizeof(want), "chunk 3 at offset %llu: payload checksum mismatch",
		 (unsigned long long)c3.offset);
	CHECK_STR(err.msg, want);
	/* sticky: the next call says the same */
	CHECK_EQ_INT(fmt_reader_next(r, &ev, &err), SR_ECORRUPT);
	fmt_reader_close(r);
	free(buf);
	tfu_recs_free(&rs);
}

TEST(large_event_roundtrip)
{
	const char *path = tfu_path("large.sysrec");
	struct tfu_recs rs = {0};
	struct evt_builder b;
	struct fmt_writer *w;
	struct sr_err err;
	struct evt_rec h;
	size_t big = 200000, len;
	uint8_t *data = malloc(big);
	const void *rec;
	int rc;

	for (size_t i = 0; i < big; i++)
		data[i] = (uint8_t)(i * 31);
	memset(&h, 0, sizeof(h));
	h.ts = 5;
	evt_builder_init(&b);
	CHECK_EQ_INT(fmt_writer_open(&w, path, NULL, NULL, &err), 0);
	evt_builder_begin(&b, EVT_WRITE, &h);
	evt_builder_add_u64(&b, 3);
	evt_builder_add_u64(&b, big);
	evt_builder_add(&b, data, big);
	rec = evt_builder_finish(&b, &len);
	CHECK(((const struct evt_rec *)rec)->flags & EVT_RF_LARGE);
	CHECK(len > 65536);
	CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
	tfu_recs_add(&rs, rec, len);
	rec = tfu_simple(&b, EVT_CLOSE, 6, 1, &len);
	CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
	tfu_recs_add(&rs, rec, len);
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	CHECK_EQ_INT(read_compare(path, &rs, &rc), 2);
	CHECK_EQ_INT(rc, 0);
	free(data);
	evt_builder_free(&b);
	tfu_recs_free(&rs);
}

TEST(unknown_types_skipped_by_length)
{
	const char *path = tfu_path("unknown.sysrec");
	struct evt_builder b;
	struct fmt_writer *w;
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	size_t len;
	const void *rec;
	int seen_unknown = 0, n = 0;

	CHECK(evt_info_get(250) == NULL);
	evt_builder_init(&b);
	CHECK_EQ_INT(fmt_writer_open(&w, path, NULL, NULL, &err), 0);
	for (int i = 0; i < 10; i++) {
		struct evt_rec h = {.ts = (uint64_t)i};

		/* creat: name, mode */
		evt_builder_begin(&b, i % 2 ? 250 : EVT_CREAT, &h);
		evt_builder_add(&b, "odd-length-payload",
				3 + (size_t)i); /* any length, any padding */
		evt_builder_add_u64(&b, (uint64_t)i);
		rec = evt_builder_finish(&b, &len);
		CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
	}
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	while (fmt_reader_next(r, &ev, &err) == 1) {
		if (!evt_info_get(ev.rec->type)) {
			seen_unknown++;
			continue; /* what a consumer does: skip by length */
		}
		CHECK_EQ_INT(evt_param_u64(&ev, 1), ev.rec->ts);
		n++;
	}
	CHECK_EQ_INT(seen_unknown, 5);
	CHECK_EQ_INT(n, 5);
	fmt_reader_close(r);
	evt_builder_free(&b);
}

/* Rewrites the file header's version (and crc); the chain seed changes with it,
 * so this is only for checks that happen before chunks are read. */
static void set_version(const char *path, uint16_t major, uint16_t minor)
{
	size_t size;
	uint8_t *buf = tfu_read_file(path, &size);
	struct fmt_file_hdr fh;
	uint32_t crc;

	memcpy(&fh, buf, sizeof(fh));
	fh.major = major;
	fh.minor = minor;
	memcpy(buf, &fh, sizeof(fh));
	crc = sr_crc32c(0, buf, fh.hdr_len - 4);
	memcpy(buf + fh.hdr_len - 4, &crc, 4);
	tfu_write_file(path, buf, size);
	free(buf);
}

TEST(major_version_refused)
{
	const char *path = tfu_path("v2.sysrec");
	struct fmt_reader *r;
	struct sr_err err;

	CHECK_EQ_INT(tfu_make(path, 10, 1, 1, 0, 0, NULL), 0);
	set_version(path, FMT_MAJOR + 1, 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), SR_EFORMAT);
	CHECK(strstr(err.msg, "unsupported format version 3.0") != NULL);
	set_version(path, 0, 9);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), SR_EFORMAT);
	CHECK(strstr(err.msg, "unsupported format version 0.9") != NULL);
}

/* Version 1.x files (records stored expanded) still read, and rewriting
 * them in the current version keeps every record byte for byte. The sample
 * is a real recording kept in its original version. */
TEST(version1_reads_and_rewrites)
{
	const char *v1 = "tests/fixtures/compat/v1-ptrace_attach.sysrec";
	const char *v2 = tfu_path("from-v1.sysrec");
	struct fmt_reader *r, *r2;
	struct fmt_writer *w;
	struct sr_err err;
	struct tfu_recs rs = {0};
	struct evt ev;
	size_t i = 0, mismatches = 0;
	int rc;

	if (access(v1, R_OK) != 0) {
		SKIP("tests/fixtures/compat/v1-ptrace_attach.sysrec absent");
		return;
	}
	CHECK_EQ_INT(fmt_reader_open(&r, v1, &err), 0);
	CHECK_EQ_INT(fmt_reader_info(r)->major, 1);
	CHECK_EQ_INT(fmt_writer_open(&w, v2, fmt_reader_host(r), NULL, &err), 0);
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1) {
		tfu_recs_add(&rs, ev.rec, ev.rec->len);
		CHECK_EQ_INT(fmt_writer_append(w, ev.rec, ev.rec->len, &err), 0);
	}
	CHECK_EQ_INT(rc, 0);
	CHECK(rs.n > 100);
	CHECK_EQ_INT(rs.n, fmt_reader_info(r)->events);
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	fmt_reader_close(r);

	CHECK_EQ_INT(fmt_reader_open(&r2, v2, &err), 0);
	CHECK_EQ_INT(fmt_reader_info(r2)->major, FMT_MAJOR);
	while ((rc = fmt_reader_next(r2, &ev, &err)) == 1) {
		if (i >= rs.n || ev.rec->len != rs.len[i] ||
		    memcmp(ev.rec, rs.rec[i], rs.len[i]) != 0)
			mismatches++;
		i++;
	}
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(i, rs.n);
	CHECK_EQ_INT(mismatches, 0);
	fmt_reader_close(r2);
	tfu_recs_free(&rs);
}

/* A newer minor version: unknown TLV tags and longer chunk headers are skipped.
 * Built by re-emitting a capture with both, re-chaining every chunk. */
TEST(minor_newer_read)
{
	const char *path = tfu_path("v10.sysrec"), *out = tfu_path("v11.sysrec");
	struct tfu_recs rs = {0};
	uint8_t dig[FMT_DIGEST_LEN];
	size_t size, o = 0;
	uint8_t *src, *dst;
	struct fmt_file_hdr fh;
	uint32_t crc;
	uint64_t prev, off;
	int rc;

	CHECK_EQ_INT(tfu_make(path, 400, 1, 1, 2048, 100, &rs), 0);
	src = tfu_read_file(path, &size);
	dst = calloc(1, size * 2 + 65536);
	memcpy(&fh, src, sizeof(fh));
	/* header: original TLVs up to the crc, plus an unknown tag 77 before them */
	memcpy(dst, src, sizeof(fh));
	o = sizeof(fh);
	{
		uint16_t tag = 77;
		uint32_t l = 5;
		memcpy(dst + o, &tag, 2);
		memcpy(dst + o + 4, &l, 4);
		memcpy(dst + o + 8, "hello", 5);
		o += 16;
	}
	memcpy(dst + o, src + sizeof(fh), fh.hdr_len - sizeof(fh) - 4);
	o += fh.hdr_len - sizeof(fh) - 4;
	fh.minor = FMT_MINOR + 1;
	fh.hdr_len = (uint32_t)(o + 4);
	memcpy(dst, &fh, sizeof(fh));
	crc = sr_crc32c(0, dst, o);
	memcpy(dst + o, &crc, 4);
	o += 4;
	prev = fmt_chain_seed(crc);
	fmt_seal_file_seed(dst, o, dig);
	/* chunks: each header grows by 16 unknown bytes at its end; both chains
	 * are recomputed; no index (the scan finds them) */
	memcpy(&fh, src, sizeof(fh));
	off = fh.hdr_len; /* chunk 0 of the original */
	for (;;) {
		struct fmt_chunk_hdr h;
		uint32_t old_len;

		if (off + sizeof(h) > size)
			break;
		memcpy(&h, src + off, sizeof(h));
		if (h.magic != FMT_CHUNK_MAGIC)
			break;
		old_len = h.hdr_len;
		h.hdr_len = old_len + 16;
		h.prev_hash = prev;
		fmt_chunk_seal(&h);
		prev = h.hash;
		memcpy(dst + o, src + off, old_len);
		memcpy(dst + o, &h, sizeof(h));
		memcpy(dst + o + sizeof(h), dig, sizeof(dig));
		memset(dst + o + old_len, 0xee, 16);
		memcpy(dst + o + h.hdr_len, src + off + old_len, h.comp_size);
		fmt_seal_chunk_digest(dst + o, h.hdr_len, dst + o + h.hdr_len, h.comp_size, dig);
		memcpy(dst + o + sizeof(h) + sizeof(dig), dig, sizeof(dig));
		o += h.hdr_len + h.comp_size;
		off += old_len + h.comp_size;
	}
	tfu_write_file(out, dst, o);
	CHECK_EQ_INT(read_compare(out, &rs, &rc), rs.n);
	CHECK_EQ_INT(rc, 0);
	free(src);
	free(dst);
	tfu_recs_free(&rs);
}

/* Writes incompressible events until the writer fails; returns its code. */
static int fill_until_error(const char *path, uint64_t *appended, uint64_t max_chunks)
{
	struct fmt_writer_opts o = {.chunk_raw = 16384, .max_chunks = max_chunks};
	struct evt_builder b;
	struct fmt_writer *w;
	struct sr_err err;
	int rc = 0;

	evt_builder_init(&b);
	if (fmt_writer_open(&w, path, NULL, &o, &err))
		return 100;
	for (uint64_t i = 0; i < 1000000 && !rc; i++) {
		uint8_t data[512];
		struct evt_rec h = {.ts = i};
		size_t len;
		const void *rec;

		for (size_t k = 0; k < sizeof(data); k++)
			data[k] = (uint8_t)((i * 2654435761u) >> (k % 24)) ^ (uint8_t)(k * 7);
		evt_builder_begin(&b, EVT_WRITE, &h);
		evt_builder_add_u64(&b, 1);
		evt_builder_add_u64(&b, i);
		evt_builder_add(&b, data, sizeof(data));
		rec = evt_builder_finish(&b, &len);
		rc = fmt_writer_append(w, rec, len, &err);
		if (!rc)
			*appended = i + 1;
	}
	if (fmt_writer_close(w, &err) != rc)
		rc = 101; /* close must repeat the failure */
	evt_builder_free(&b);
	return rc;
}

/* Reads back a capture cut short by a full disk: an ordered prefix, no damage. */
static int check_prefix(const char *path)
{
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	uint64_t n = 0;
	int rc;

	if (fmt_reader_open(&r, path, &err))
		return 20;
	if (fmt_reader_info(r)->damaged || fmt_reader_chunk_count(r) == 0) {
		fmt_reader_close(r);
		return 21;
	}
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1) {
		if (evt_param_u64(&ev, 1) != n || ev.rec->ts != n)
			break;
		n++;
	}
	fmt_reader_close(r);
	return rc == 0 && n > 100 ? 0 : 22;
}

/* Disk full, as a file size limit (fails writes with EFBIG like ENOSPC):
 * the writer returns SR_ENOSPC, and the file reads back to the last complete
 * chunk. Works without root. */
TEST(disk_full_keeps_file_readable)
{
	const char *path = tfu_path("full.sysrec");
	struct stat st;
	pid_t pid;
	int status = 0;

	pid = fork();
	if (pid == 0) {
		struct rlimit rl = {200000, 200000};
		uint64_t n = 0;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		_exit(fill_until_error(path, &n, 0) == SR_ENOSPC ? 0 : 11);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK(st.st_size <= 200000);
	CHECK_EQ_INT(check_prefix(path), 0);
}

/* A file with as many chunks as a file may hold is full: SR_ELIMIT, and it
 * is closed properly (index and trailer) with every chunk written. */
TEST(chunk_limit_closes_file)
{
	const char *path = tfu_path("maxchunks.sysrec");
	struct fmt_reader *r;
	struct sr_err err;
	uint64_t n = 0;

	CHECK_EQ_INT(fill_until_error(path, &n, 5), SR_ELIMIT);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	CHECK_EQ_INT(fmt_reader_info(r)->complete, 1);
	CHECK_EQ_INT(fmt_reader_chunk_count(r), 5);
	CHECK(fmt_reader_info(r)->events > 100 && fmt_reader_info(r)->events < n);
	fmt_reader_close(r);
	CHECK_EQ_INT(check_prefix(path), 0);
}

/* Runs body(dir) in a child, dir a tmpfs mounted with mount_opts in a
 * private mount namespace; returns the child's exit status (0 = pass), or 77
 * when the tmpfs cannot be had (not root, no mount namespace). */
static int in_small_tmpfs(const char *mount_opts, int (*body)(const char *dir))
{
	pid_t pid;
	int status = 0;

	if (geteuid() != 0)
		return 77;
	pid = fork();
	if (pid == 0) {
		char dir[] = "/tmp/sysrec-enospc.XXXXXX";
		int rc;

		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(77);
		if (!mkdtemp(dir) || mount("tmpfs", dir, "tmpfs", 0, mount_opts) != 0)
			_exit(77);
		rc = body(dir);
		umount(dir);
		rmdir(dir);
		_exit(rc);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

static int fill_tmpfs(const char *dir)
{
	char path[64];
	uint64_t n = 0;

	snprintf(path, sizeof(path), "%s/full.sysrec", dir);
	if (fill_until_error(path, &n, 0) != SR_ENOSPC)
		return 30;
	return check_prefix(path);
}

/* A real ENOSPC: a 256 KiB tmpfs (root only). */
TEST(disk_full_on_tmpfs)
{
	int rc = in_small_tmpfs("size=256k", fill_tmpfs);

	if (rc == 77) {
		SKIP("needs root and a mount namespace for a small tmpfs");
		return;
	}
	CHECK_EQ_INT(rc, 0);
}

/* No room even for the file header: open fails with SR_ENOSPC and leaves
 * no (empty) file behind. */
static int open_on_full_tmpfs(const char *dir)
{
	char path[64], block[4096] = {0};
	struct fmt_writer *w;
	struct sr_err err;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/fill", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	while (fd >= 0 && write(fd, block, sizeof(block)) > 0)
		;
	close(fd);
	snprintf(path, sizeof(path), "%s/cap.sysrec", dir);
	rc = fmt_writer_open(&w, path, NULL, NULL, &err);
	if (rc == 0)
		return 10;
	if (rc != SR_ENOSPC)
		return 11;
	return access(path, F_OK) == 0 ? 12 : 0;
}

TEST(disk_full_at_open_leaves_no_file)
{
	int rc = in_small_tmpfs("size=16k", open_on_full_tmpfs);

	if (rc == 77) {
		SKIP("needs root and a mount namespace for a small tmpfs");
		return;
	}
	CHECK_EQ_INT(rc, 0);
}

TEST(drops_counted_per_chunk_and_total)
{
	const char *path = tfu_path("drops.sysrec");
	struct evt_builder b;
	struct fmt_writer *w;
	struct fmt_reader *r;
	struct sr_err err;
	size_t len;
	const void *rec;

	evt_builder_init(&b);
	CHECK_EQ_INT(fmt_writer_open(&w, path, NULL, NULL, &err), 0);
	rec = tfu_simple(&b, EVT_CLOSE, 1, 1, &len);
	CHECK_EQ_INT(fmt_writer_append(w, rec, len, &err), 0);
	fmt_writer_add_drops(w, 5, 2);
	CHECK_EQ_INT(fmt_writer_tick(w, 0, &err), 0);
	fmt_writer_add_drops(w, 1, 0); /* no records after: an empty chunk carries them */
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	CHECK_EQ_INT(fmt_reader_info(r)->drops_ring, 6);
	CHECK_EQ_INT(fmt_reader_info(r)->drops_backlog, 2);
	CHECK_EQ_INT(fmt_reader_chunk_count(r), 2);
	fmt_reader_close(r);
	/* per chunk, as a scan sees them (trailer removed) */
	{
		struct stat st;

		stat(path, &st);
		CHECK_EQ_INT(truncate(path, st.st_size - 64), 0);
		CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
		CHECK_EQ_INT(fmt_reader_info(r)->complete, 0);
		CHECK_EQ_INT(fmt_reader_chunk(r, 0)->drops_ring, 5);
		CHECK_EQ_INT(fmt_reader_chunk(r, 0)->drops_backlog, 2);
		CHECK_EQ_INT(fmt_reader_chunk(r, 1)->drops_ring, 1);
		CHECK_EQ_INT(fmt_reader_chunk(r, 1)->count, 0);
		CHECK_EQ_INT(fmt_reader_info(r)->drops_ring, 6);
		fmt_reader_close(r);
	}
	evt_builder_free(&b);
}

TEST(writer_rejects_bad_records)
{
	const char *path = tfu_path("rej.sysrec");
	struct fmt_writer *w;
	struct sr_err err;
	struct evt_rec h;

	CHECK_EQ_INT(fmt_writer_open(&w, path, NULL, NULL, &err), 0);
	memset(&h, 0, sizeof(h));
	h.len = EVT_REC_HDR;
	h.nparams = 3; /* lens would lie outside the record */
	CHECK_EQ_INT(fmt_writer_append(w, &h, sizeof(h), &err), SR_ECORRUPT);
	h.nparams = 0;
	h.len = 100; /* says more than given */
	CHECK_EQ_INT(fmt_writer_append(w, &h, sizeof(h), &err), SR_ECORRUPT);
	h.len = EVT_REC_HDR;
	h.type = 300;
	CHECK_EQ_INT(fmt_writer_append(w, &h, sizeof(h), &err), SR_ELIMIT);
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
}

TEST(not_a_capture)
{
	const char *path = tfu_path("junk.bin");
	struct fmt_reader *r;
	struct sr_err err;

	tfu_write_file(path, "hello world, not a capture at all", 33);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), SR_EFORMAT);
	tfu_write_file(path, "", 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), SR_EFORMAT);
	CHECK_EQ_INT(fmt_reader_open(&r, tfu_path("missing"), &err), SR_EIO);
}

struct msgs {
	int n;
	char text[8][300];
};

static void collect(void *ctx, const char *msg)
{
	struct msgs *m = ctx;

	if (m->n < 8)
		snprintf(m->text[m->n], sizeof(m->text[0]), "%s", msg);
	m->n++;
}

/* verify lists every damaged chunk (not just the first), each with its place. */
TEST(verify_reports_each_problem)
{
	const char *path = tfu_path("verify.sysrec");
	struct fmt_chunk_info c2, c5;
	struct fmt_reader *r;
	struct msgs m = {0};
	struct sr_err err;
	size_t size;
	uint8_t *buf;
	char want[2][128];

	CHECK_EQ_INT(tfu_make(path, 1000, 1, 1, 2048, 0, NULL), 0);
	CHECK_EQ_INT(fmt_verify(path, collect, &m, &err), 0);
	CHECK_EQ_INT(m.n, 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	c2 = *fmt_reader_chunk(r, 2);
	c5 = *fmt_reader_chunk(r, 5);
	fmt_reader_close(r);
	buf = tfu_read_file(path, &size);
	buf[c2.offset + FMT_CHUNK_HDR_21 + 3] ^= 1;
	buf[c5.offset + 30] ^= 1; /* inside the header: its crc */
	tfu_write_file(path, buf, size);
	CHECK_EQ_INT(fmt_verify(path, collect, &m, &err), 1);
	CHECK_EQ_INT(m.n, 2);
	snprintf(want[0], sizeof(want[0]), "chunk 2 at offset %llu: payload checksum mismatch",
		 (unsigned long long)c2.offset);
	snprintf(want[1], sizeof(want[1]), "chunk 5 at offset %llu: chunk header checksum mismatch",
		 (unsigned long long)c5.offset);
	CHECK_STR(m.text[0], want[0]);
	CHECK_STR(m.text[1], want[1]);
	/* cut the trailer: the missing trailer is a problem of its own */
	memset(&m, 0, sizeof(m));
	tfu_write_file(path, buf, size - 64);
	CHECK_EQ_INT(fmt_verify(path, collect, &m, &err), 1);
	CHECK(m.n >= 2);
	CHECK(strstr(m.text[0], "index not usable") != NULL);
	/* without the index the scan stops at the damaged header of chunk 5 */
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	CHECK_EQ_INT(fmt_reader_info(r)->damaged, 1);
	CHECK_EQ_INT(fmt_reader_info(r)->damage_chunk, 5);
	CHECK_EQ_INT(fmt_reader_info(r)->damage_offset, c5.offset);
	CHECK_EQ_INT(fmt_reader_chunk_count(r), 5);
	fmt_reader_close(r);
	/* not a capture at all: an error, not a finding */
	tfu_write_file(path, "plain text", 10);
	CHECK_EQ_INT(fmt_verify(path, collect, &m, &err), SR_EFORMAT);
	free(buf);
}

/* Records of a killed recorder's last, half-written chunk are not damage. */
TEST(half_written_last_chunk_is_truncation)
{
	const char *path = tfu_path("half.sysrec");
	struct tfu_recs rs = {0};
	struct fmt_chunk_info last;
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	size_t size, n = 0, expect = 0;
	uint8_t *buf;
	int rc;

	CHECK_EQ_INT(tfu_make(path, 500, 1, 1, 2048, 0, &rs), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	last = *fmt_reader_chunk(r, fmt_reader_chunk_count(r) - 1);
	for (size_t i = 0; i + 1 < fmt_reader_chunk_count(r); i++)
		expect += fmt_reader_chunk(r, i)->count;
	fmt_reader_close(r);
	buf = tfu_read_file(path, &size);
	tfu_write_file(path, buf, last.offset + FMT_CHUNK_HDR_21 + last.comp_size / 2);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	CHECK_EQ_INT(fmt_reader_info(r)->truncated, 1);
	CHECK_EQ_INT(fmt_reader_info(r)->damaged, 0);
	CHECK_EQ_INT(fmt_reader_info(r)->damage_chunk, last.seq);
	CHECK_EQ_INT(fmt_reader_info(r)->damage_offset, last.offset);
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1)
		n++;
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(n, expect);
	fmt_reader_close(r);
	free(buf);
	tfu_recs_free(&rs);
}

/* fmt_tail walks a capture's stored pieces as the reader's index lists
 * them, stops at a chunk whose payload is not all there, and still tells
 * how many records that chunk announced. */
TEST(tail_walks_stored_chunks)
{
	const char *path = tfu_path("tail.sysrec");
	struct tfu_recs rs = {0};
	struct fmt_tail_chunk c;
	struct fmt_host_info hi;
	struct fmt_reader *r;
	struct sr_err err;
	size_t nch, size, i = 0;
	uint64_t off, records = 0, cut_off = 0, cut_count = 0;
	uint8_t *hdr = NULL, *buf;
	uint32_t hlen = 0, crc;
	int fd, k;

	CHECK_EQ_INT(tfu_make(path, 500, 1, 1, 2048, 0, &rs), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	nch = fmt_reader_chunk_count(r);
	fd = open(path, O_RDONLY);
	CHECK_EQ_INT(fmt_tail_header(fd, &hdr, &hlen, &crc, &hi), 0);
	CHECK(hi.start_ns > 0);
	free((void *)hi.provenance);
	free(hdr);
	CHECK(nch > 3);
	for (off = hlen; (k = fmt_tail_chunk(fd, off, &c)) == FMT_TAIL_CHUNK; off += c.size, i++) {
		const struct fmt_chunk_info *ci = i < nch ? fmt_reader_chunk(r, i) : NULL;

		CHECK(ci && ci->offset == off && ci->count == c.count &&
		      ci->first_ts == c.first_ts);
		records += c.count;
		if (i == nch - 1) {
			cut_off = off;
			cut_count = c.count;
		}
	}
	CHECK_EQ_INT(k, FMT_TAIL_INDEX);
	CHECK_EQ_INT(i, nch);
	CHECK_EQ_INT(records, rs.n);
	close(fd);
	fmt_reader_close(r);
	/* cut inside the last chunk's payload: not a chunk yet, its count known */
	buf = tfu_read_file(path, &size);
	tfu_write_file(path, buf, cut_off + FMT_CHUNK_HDR_21 + 3);
	fd = open(path, O_RDONLY);
	CHECK_EQ_INT(fmt_tail_chunk(fd, cut_off, &c), FMT_TAIL_NONE);
	CHECK(cut_count > 0);
	CHECK_EQ_INT(fmt_tail_cut_records(fd, cut_off), cut_count);
	CHECK_EQ_INT(fmt_tail_cut_records(fd, cut_off + 1), 0);
	close(fd);
	free(buf);
	tfu_recs_free(&rs);
}

/* The index writer rebuilds a capture from its chunks as stored: with all
 * of them it gives back the recorder's file byte for byte; with one
 * missing, the index lists a hole with no records where it would be and
 * the reader finds every other chunk by it. The chunk-header parse agrees
 * with fmt_tail_chunk() and refuses what is not a chunk header. */
TEST(tail_index_rebuilds_capture)
{
	const char *path = tfu_path("tidx.sysrec"), *copy = tfu_path("tidx-copy.sysrec");
	struct tfu_recs rs = {0};
	struct fmt_tail_chunk c, p;
	struct fmt_host_info hi;
	struct fmt_reader *r;
	struct sr_err err;
	uint8_t *src, *dst, *hdr = NULL, bad[FMT_TAIL_HOLE_SIZE];
	size_t size, size2;
	uint64_t size0 = 0;
	uint32_t hlen = 0, crc;
	int fd;

	CHECK_EQ_INT(tfu_make(path, 500, 1, 1, 2048, 100, &rs), 0);
	src = tfu_read_file(path, &size);
	fd = open(path, O_RDONLY);
	CHECK_EQ_INT(fmt_tail_header(fd, &hdr, &hlen, &crc, &hi), 0);
	free((void *)hi.provenance);
	free(hdr);
	for (int hole = -1; hole <= 1; hole += 2) {
		struct fmt_tail_index *x = fmt_tail_index_new();
		int out = open(copy, O_RDWR | O_CREAT | O_TRUNC, 0600);
		uint64_t in = hlen, o = hlen, i = 0, events = 0, snaps = 0;

		CHECK(x && out >= 0);
		CHECK_EQ_INT(pwrite(out, src, hlen, 0), (ssize_t)hlen);
		while (fmt_tail_chunk(fd, in, &c) == FMT_TAIL_CHUNK) {
			CHECK_EQ_INT(fmt_tail_chunk_parse(src + in, size - in, c.size, &p), 0);
			CHECK(p.seq == i && p.count == c.count && p.size == c.size &&
			      p.snapshot == c.snapshot && p.first_ts == c.first_ts);
			snaps += c.snapshot;
			if (i == 0)
				size0 = c.size;
			if ((int)i == hole) {
				CHECK_EQ_INT(fmt_tail_index_hole(x, o), 0);
				o += FMT_TAIL_HOLE_SIZE;
			} else {
				CHECK_EQ_INT(pwrite(out, src + in, c.size, (off_t)o),
					     (ssize_t)c.size);
				CHECK_EQ_INT(fmt_tail_index_add(x, src + in, c.size, o), 0);
				o += c.size;
				events += c.count;
			}
			in += c.size;
			i++;
		}
		CHECK(i > 3 && snaps > 1);
		CHECK_EQ_INT(fmt_tail_index_count(x), i);
		CHECK_EQ_INT(fmt_tail_index_write(x, out, o), 0);
		fmt_tail_index_free(x);
		close(out);
		if (hole < 0) {
			dst = tfu_read_file(copy, &size2);
			CHECK(size2 == size && !memcmp(src, dst, size));
			free(dst);
			continue;
		}
		CHECK_EQ_INT(fmt_reader_open(&r, copy, &err), 0);
		CHECK(fmt_reader_info(r)->complete);
		CHECK_EQ_INT(fmt_reader_info(r)->events, events);
		CHECK_EQ_INT(fmt_reader_chunk_count(r), i);
		CHECK(fmt_reader_chunk(r, 1)->count == 0 &&
		      fmt_reader_chunk(r, 1)->offset == hlen + size0);
		CHECK(fmt_reader_chunk(r, 2)->offset == hlen + size0 + FMT_TAIL_HOLE_SIZE &&
		      fmt_reader_chunk(r, 2)->count > 0);
		fmt_reader_close(r);
	}
	/* not a chunk header: cut short, another length, a wrong magic */
	CHECK_EQ_INT(fmt_tail_chunk_parse(src + hlen, FMT_TAIL_HOLE_SIZE - 1, 0, &p), SR_EFORMAT);
	CHECK_EQ_INT(fmt_tail_chunk_parse(src + hlen, size - hlen, size0 + 1, &p), SR_EFORMAT);
	memcpy(bad, src + hlen, sizeof(bad));
	bad[0] ^= 1;
	CHECK_EQ_INT(fmt_tail_chunk_parse(bad, sizeof(bad), 0, &p), SR_EFORMAT);
	{
		struct fmt_tail_index *x = fmt_tail_index_new();

		CHECK_EQ_INT(fmt_tail_index_add(x, bad, sizeof(bad), hlen), SR_EFORMAT);
		CHECK_EQ_INT(fmt_tail_index_count(x), 0);
		fmt_tail_index_free(x);
	}
	close(fd);
	free(src);
	tfu_recs_free(&rs);
}
