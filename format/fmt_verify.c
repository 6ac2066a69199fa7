/* fmt_verify.c: full check of a capture, through the reader's own code
 * (fmt_reader_load_chunk), so verify and every reader agree on what is
 * damage. Each problem is reported with its chunk and byte offset; checking
 * goes on past a bad chunk so one run lists everything. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_chunk.h"
#include "fmt_reader.h"
#include "fmt_reader_int.h"
#include "fmt_verify_seal.h"

struct vctx {
	void (*report)(void *ctx, const char *msg);
	void *ctx;
	unsigned problems;
};

static void problem(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct vctx *v, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->problems++;
	if (v->report)
		v->report(v->ctx, msg);
}

static void chunk_problem(struct vctx *v, const struct fmt_chunk_info *ci, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A problem in one chunk: "chunk 7 at offset 123456: <what>". */
static void chunk_problem(struct vctx *v, const struct fmt_chunk_info *ci, const char *fmt, ...)
{
	char what[500];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	problem(v, "chunk %llu at offset %llu: %s", (unsigned long long)ci->seq,
		(unsigned long long)ci->offset, what);
}

/* Record framing, padding, count, time range and type set of one payload. */
static void check_records(struct vctx *v, const struct fmt_chunk_info *ci, const uint8_t *raw,
			  size_t len)
{
	uint8_t types[32] = {0};
	size_t pos = 0;
	uint32_t n = 0;
	uint64_t lo = UINT64_MAX, hi = 0;

	while (pos < len) {
		struct evt ev;
		size_t plen;

		if (evt_decode(&ev, raw + pos, len - pos) != 0) {
			chunk_problem(v, ci, "record %u at payload byte %zu: bad framing", n, pos);
			return;
		}
		plen = fmt_rec_padded(ev.rec->len);
		if (plen > len - pos) {
			chunk_problem(v, ci, "record %u: padding runs past the payload", n);
			return;
		}
		for (size_t k = ev.rec->len; k < plen; k++)
			if (raw[pos + k]) {
				chunk_problem(v, ci, "record %u: non-zero padding", n);
				break;
			}
		if (ev.rec->type >= EVT_TYPE_MAX)
			chunk_problem(v, ci, "record %u: type %u out of range", n, ev.rec->type);
		else
			fmt_types_add(types, ev.rec->type);
		if (ev.rec->ts < lo)
			lo = ev.rec->ts;
		if (ev.rec->ts > hi)
			hi = ev.rec->ts;
		pos += plen;
		n++;
	}
	if (n != ci->count)
		chunk_problem(v, ci, "payload holds %u records, header says %u", n, ci->count);
	if (n && (lo != ci->first_ts || hi != ci->last_ts))
		chunk_problem(v, ci, "time range %llu..%llu, header says %llu..%llu",
			      (unsigned long long)lo, (unsigned long long)hi,
			      (unsigned long long)ci->first_ts, (unsigned long long)ci->last_ts);
	if (memcmp(types, ci->types, sizeof(types)) != 0)
		chunk_problem(v, ci, "event type set disagrees with the records");
}

static void seal_problem(void *ctx, const struct fmt_chunk_info *ci, const char *msg)
{
	if (ci)
		chunk_problem(ctx, ci, "%s", msg);
	else
		problem(ctx, "%s", msg);
}

void fmt_seal_report_free(struct fmt_seal_report *rep)
{
	if (!rep)
		return;
	free(rep->ranges);
	free(rep->provenance);
	rep->provenance = NULL;
	rep->ranges = NULL;
	rep->nranges = 0;
}

int fmt_verify(const char *path, void (*report)(void *ctx, const char *msg), void *ctx,
	       struct sr_err *err)
{
	return fmt_verify_sealed(path, NULL, NULL, report, ctx, err);
}

int fmt_verify_sealed(const char *path, const uint8_t *key, struct fmt_seal_report *rep,
		      void (*report)(void *ctx, const char *msg), void *ctx, struct sr_err *err)
{
	struct vctx v = {report, ctx, 0};
	struct fmt_seal_report own;
	struct fmt_vseal vs;
	struct fmt_vsink sink = {seal_problem, &v, &v.problems};
	const struct fmt_file_info *fi;
	struct fmt_reader *r;
	uint64_t snap = FMT_NO_SNAPSHOT, drops_ring = 0, drops_backlog = 0, last_hash = 0;
	uint64_t expect_off;
	int rc;

	/* Filled on every return, so the caller may always free it. */
	if (!rep)
		rep = &own;
	memset(rep, 0, sizeof(*rep));
	rc = fmt_reader_open(&r, path, err);
	if (rc == SR_ECORRUPT) {
		/* A damaged file header is a finding, not a usage error. */
		problem(&v, "%s", err ? err->msg : "file header damaged");
		return 1;
	}
	if (rc)
		return rc;
	fi = fmt_reader_info(r);
	if (fmt_reader_host(r)->provenance)
		rep->provenance = strdup(fmt_reader_host(r)->provenance);
	if (!fi->complete)
		problem(&v, "index not usable, chunks found by scanning: %s",
			fmt_reader_index_note(r));
	if (fi->damaged || fi->truncated)
		problem(&v, "%s", fi->damage_msg);

	/* (after the file-wide problems: they spoil no checkpoint's range) */
	fmt_vseal_begin(&vs, r, key, rep, &sink);
	expect_off = fmt_reader_data_start(r);
	for (size_t i = 0; i < fmt_reader_chunk_count(r); i++) {
		const struct fmt_chunk_info *ci = fmt_reader_chunk(r, i);
		struct fmt_chunk_hdr h;
		struct sr_err e;
		const uint8_t *raw;
		size_t len;

		if (expect_off != UINT64_MAX && ci->offset != expect_off)
			problem(
			    &v,
			    "chunk %zu at offset %llu: expected at offset %llu (gap or overlap)", i,
			    (unsigned long long)ci->offset, (unsigned long long)expect_off);
		if (ci->flags & FMT_CHF_SNAPSHOT)
			snap = i;
		if (ci->snapshot != snap)
			problem(
			    &v,
			    "chunk %zu at offset %llu: index names snapshot %lld, expected %lld", i,
			    (unsigned long long)ci->offset, (long long)ci->snapshot,
			    (long long)snap);
		sr_err_clear(&e);
		rc = fmt_reader_load_chunk(r, i, &h, &raw, &len, &e);
		if (rc == SR_ENOMEM || rc == SR_EIO) {
			fmt_reader_close(r);
			fmt_seal_report_free(rep == &own ? rep : NULL);
			return sr_err_set(err, rc, "%s", e.msg);
		}
		fmt_vseal_chunk(&vs, i, ci, rc == 0);
		if (rc) {
			problem(&v, "%s", e.msg);
			/* Its header length is unknown: the next chunk's place is
			 * not checked. */
			expect_off = UINT64_MAX;
			continue;
		}
		expect_off = ci->offset + h.hdr_len + h.comp_size;
		drops_ring += h.drops_ring;
		drops_backlog += h.drops_backlog;
		last_hash = h.hash;
		check_records(&v, ci, raw, len);
	}
	if (fi->complete) {
		const struct fmt_trailer *t = fmt_reader_trailer(r);

		if (expect_off != UINT64_MAX && t->index_offset != expect_off)
			problem(&v, "index at offset %llu, but the chunks end at %llu",
				(unsigned long long)t->index_offset,
				(unsigned long long)expect_off);
		if (t->drops_ring != drops_ring || t->drops_backlog != drops_backlog)
			problem(&v,
				"trailer drop totals (%llu, %llu) disagree with the chunks (%llu, "
				"%llu)",
				(unsigned long long)t->drops_ring,
				(unsigned long long)t->drops_backlog,
				(unsigned long long)drops_ring, (unsigned long long)drops_backlog);
		if (fmt_reader_chunk_count(r) && t->last_hash != last_hash)
			problem(&v, "trailer hash disagrees with the last chunk's hash");
	}
	fmt_vseal_end(&vs, fi);
	fmt_reader_close(r);
	if (rep == &own)
		fmt_seal_report_free(rep);
	return v.problems ? 1 : 0;
}
