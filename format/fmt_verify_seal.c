/* fmt_verify_seal.c: checks the signed checkpoints of a 2.1 capture
 * (FORMAT.md, "What a verifier checks"): each one in sequence, at the
 * chunk it claims, over this file's chain head, signed by the key the
 * previous one certified (the trusted key for the first), and the capture
 * closed by a final one. Data after the last valid checkpoint is the
 * unsigned tail. A checkpoint that fails ends authentication: nothing
 * after it is trusted, whatever later checkpoints say (a verifier that
 * resumes trust after a bad seal accepts re-sealed data). */
#include "fmt_verify_seal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_reader_int.h"

static void vproblem(struct fmt_vseal *s, const struct fmt_chunk_info *ci, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void vproblem(struct fmt_vseal *s, const struct fmt_chunk_info *ci, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->sink.problem(s->sink.ctx, ci, msg);
}

void fmt_vseal_begin(struct fmt_vseal *s, const struct fmt_reader *r, const uint8_t *key,
		     struct fmt_seal_report *rep, const struct fmt_vsink *sink)
{
	const struct fmt_host_info *h = fmt_reader_host(r);

	memset(s, 0, sizeof(*s));
	s->sink = *sink;
	s->rep = rep;
	s->r = r;
	s->range_problems = *sink->problems;
	rep->sealed = fmt_reader_sealed(r);
	s->have_root = h->has_sign_key;
	if (s->have_root) {
		memcpy(s->root, h->sign_pub, FMT_PUB_LEN);
		fmt_seal_key_id(s->root, s->root_id);
		fmt_seal_key_id_hex(s->root, rep->key_id);
		fmt_key_public_text(s->root, rep->pub_text);
		memcpy(s->expect_pub, s->root, FMT_PUB_LEN);
		rep->signed_file = 1;
	}
	if (key) {
		s->have_key = 1;
		memcpy(s->key, key, FMT_PUB_LEN);
		rep->key_checked = 1;
		rep->key_match = s->have_root && memcmp(key, s->root, FMT_PUB_LEN) == 0;
	}
}

static int add_range(struct fmt_seal_report *rep, const struct fmt_seal_range *rg)
{
	void *p = realloc(rep->ranges, (rep->nranges + 1) * sizeof(*rep->ranges));

	if (!p)
		return SR_ENOMEM;
	rep->ranges = p;
	rep->ranges[rep->nranges++] = *rg;
	return 0;
}

/* Every check of one checkpoint; the first failure is reported. */
static const char *ckpt_problem(struct fmt_vseal *s, const struct fmt_ckpt *c, size_t i,
				const uint8_t *chain_head, char *why, size_t cap)
{
	const struct fmt_host_info *h = fmt_reader_host(s->r);
	char host[sizeof(c->host) + 1];

	if (!s->have_root)
		return "checkpoint in a capture that names no signing key";
	if (s->broken)
		return "checkpoint after a failed one: not trusted";
	if (s->after_final)
		return "checkpoint after the final checkpoint";
	if (c->number != s->next_number) {
		snprintf(why, cap,
			 "checkpoint out of order (number %" PRIu64 ", expected %" PRIu64 ")",
			 c->number, s->next_number);
		return why;
	}
	if (c->chunks != i) {
		snprintf(why, cap,
			 "checkpoint sealed %" PRIu64 " chunks but sits at chunk %zu (chunks "
			 "deleted or inserted before it)",
			 c->chunks, i);
		return why;
	}
	if (memcmp(c->file_seed, fmt_reader_file_digest_seed(s->r), FMT_DIGEST_LEN) != 0)
		return "checkpoint belongs to another capture (its file seed differs)";
	if (memcmp(c->digest, chain_head, FMT_DIGEST_LEN) != 0)
		return "checkpoint digest does not match the chain head";
	if (c->events != s->events) {
		snprintf(why, cap,
			 "checkpoint counts %" PRIu64 " records, the chain holds %" PRIu64,
			 c->events, s->events);
		return why;
	}
	if (memcmp(c->key_id, s->root_id, FMT_KEYID_LEN) != 0)
		return "checkpoint names another key id than the capture's";
	if (memcmp(c->pub, s->expect_pub, FMT_PUB_LEN) != 0)
		return s->next_number
			   ? "checkpoint signed by a key the previous checkpoint did not "
			     "certify"
			   : "checkpoint signed by a key other than the capture's";
	if (!!(c->flags & FMT_CKPT_RATCHET) != s->rep->ratchet && s->next_number)
		return "checkpoint ratchet flag changed within the capture";
	if (fmt_ckpt_check_sig(c))
		return "bad signature (the checkpoint or the data it seals was changed)";
	if (c->time_ns < s->last_time)
		return "checkpoint time goes backwards";
	memcpy(host, c->host, sizeof(c->host));
	host[sizeof(c->host)] = '\0';
	if (strncmp(host, h->hostname, sizeof(c->host)) != 0)
		return "checkpoint names another host than the capture header";
	return NULL;
}

static void on_checkpoint(struct fmt_vseal *s, size_t i, const struct fmt_chunk_info *ci,
			  const struct fmt_ckpt *c, const uint8_t *chain_head)
{
	struct fmt_seal_range rg;
	char why[200];
	const char *bad;

	if (s->next_number == 0)
		s->rep->ratchet = !!(c->flags & FMT_CKPT_RATCHET);
	if (!s->first_ckpt_set) {
		s->first_ckpt = *ci;
		s->first_ckpt_set = 1;
	}
	bad = ckpt_problem(s, c, i, chain_head, why, sizeof(why));
	memset(&rg, 0, sizeof(rg));
	rg.number = c->number;
	rg.chunk = i;
	rg.first_chunk = s->range_start;
	rg.end_chunk = i;
	rg.events = s->range_events;
	rg.first_ts = s->range_first;
	rg.last_ts = s->range_last;
	rg.time_ns = c->time_ns;
	rg.final = !!(c->flags & FMT_CKPT_FINAL);
	fmt_seal_key_id_hex(c->pub, rg.key_id);
	/* A chunk problem inside the range (found by the reader) spoils it too. */
	rg.ok = !bad && *s->sink.problems == s->range_problems;
	if (bad) {
		vproblem(s, ci, "%s", bad);
		s->broken = 1;
	}
	if (add_range(s->rep, &rg))
		s->broken = 1;
	if (bad)
		return;
	s->next_number++;
	s->last_time = c->time_ns;
	memcpy(s->expect_pub, c->next_pub, FMT_PUB_LEN);
	if (rg.final) {
		s->after_final = 1;
		s->rep->final_seen = 1;
	}
	s->range_start = i + 1;
	s->range_events = 0;
	s->range_first = s->range_last = 0;
	s->range_problems = *s->sink.problems;
}

void fmt_vseal_chunk(struct fmt_vseal *s, size_t i, const struct fmt_chunk_info *ci, int loaded)
{
	const uint8_t *hdr;
	size_t len;
	struct fmt_ckpt c;

	if (!s->rep->sealed)
		return;
	if (loaded) {
		hdr = fmt_reader_chunk_header(s->r, &len);
		if (len >= FMT_CHUNK_HDR_CKPT) {
			memcpy(&c, hdr + FMT_CHUNK_HDR_21, sizeof(c));
			if (c.magic == FMT_CKPT_MAGIC) {
				on_checkpoint(s, i, ci, &c, hdr + sizeof(struct fmt_chunk_hdr));
				return;
			}
		}
	}
	if (s->after_final && !s->broken) {
		vproblem(s, ci, "chunk after the final checkpoint");
		s->broken = 1;
	}
	s->events += ci->count;
	s->range_events += ci->count;
	if (ci->count) {
		if (!s->range_first || ci->first_ts < s->range_first)
			s->range_first = ci->first_ts;
		if (ci->last_ts > s->range_last)
			s->range_last = ci->last_ts;
	}
}

void fmt_vseal_end(struct fmt_vseal *s, const struct fmt_file_info *fi)
{
	struct fmt_seal_report *rep = s->rep;
	size_t n = fmt_reader_chunk_count(s->r);

	rep->chunks = n;
	rep->events = s->events;
	rep->chain_ok = *s->sink.problems == 0;
	if (!rep->sealed)
		return;
	rep->tail_chunks = n - s->range_start;
	rep->tail_events = s->range_events;
	if (s->have_key && !rep->key_match) {
		char want[2 * FMT_KEYID_LEN + 1];

		fmt_seal_key_id_hex(s->key, want);
		if (s->have_root)
			vproblem(
			    s, s->first_ckpt_set ? &s->first_ckpt : NULL,
			    "wrong key: the capture is signed by key id %s, the trusted key is "
			    "key id %s",
			    rep->key_id, want);
		else
			vproblem(s, NULL, "capture is not signed: nothing is authenticated");
	}
	if (s->have_root && !rep->final_seen && !s->broken) {
		if (fi->complete && rep->tail_chunks == 0 && rep->nranges)
			vproblem(s, NULL,
				 "no final checkpoint, yet the file was closed: chunks after "
				 "checkpoint %" PRIu64 " were removed",
				 rep->ranges[rep->nranges - 1].number);
		else if (s->have_key || fi->complete)
			vproblem(s, NULL,
				 "no final checkpoint: %" PRIu64 " chunks (%" PRIu64
				 " records) after the last checkpoint are not signed (recorder "
				 "stopped before closing the file, or the file was cut)",
				 rep->tail_chunks, rep->tail_events);
	}
	rep->authenticated = s->have_key && rep->key_match && rep->final_seen &&
			     rep->tail_chunks == 0 && *s->sink.problems == 0;
}

void fmt_seal_glance(struct fmt_reader *r, struct fmt_seal_glance *g)
{
	const struct fmt_host_info *h = fmt_reader_host(r);
	size_t n = fmt_reader_chunk_count(r), last = SIZE_MAX;
	uint8_t expect[FMT_PUB_LEN];

	memset(g, 0, sizeof(*g));
	g->sealed = fmt_reader_sealed(r);
	g->signed_file = h->has_sign_key;
	if (!g->sealed)
		return;
	if (g->signed_file) {
		fmt_seal_key_id_hex(h->sign_pub, g->key_id);
		memcpy(expect, h->sign_pub, FMT_PUB_LEN);
	}
	for (size_t i = 0; i < n; i++) {
		const struct fmt_chunk_info *ci = fmt_reader_chunk(r, i);
		const uint8_t *raw, *hdr;
		size_t len, hl;
		struct fmt_ckpt c;

		/* checkpoint chunks hold no records: loading one costs a header */
		if (ci->count || ci->raw_size ||
		    fmt_reader_load_chunk(r, i, NULL, &raw, &len, NULL) != 0)
			continue;
		hdr = fmt_reader_chunk_header(r, &hl);
		if (hl < FMT_CHUNK_HDR_CKPT)
			continue;
		memcpy(&c, hdr + FMT_CHUNK_HDR_21, sizeof(c));
		if (c.magic != FMT_CKPT_MAGIC)
			continue;
		g->checkpoints++;
		g->ratchet = !!(c.flags & FMT_CKPT_RATCHET);
		last = i;
		if (!g->signed_file || memcmp(c.pub, expect, FMT_PUB_LEN) != 0 ||
		    fmt_ckpt_check_sig(&c) != 0) {
			g->bad_checkpoints++;
			continue;
		}
		memcpy(expect, c.next_pub, FMT_PUB_LEN);
		g->final_seen = (c.flags & FMT_CKPT_FINAL) && i == n - 1;
	}
	g->tail_chunks = last == SIZE_MAX ? n : n - 1 - last;
}
