/* rec_evidence.c: evidence captures around alerts (see rec_evidence.h). */
#include "rec_evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/sr_hex.h"
#include "../common/sr_sb.h"
#include "../common/sr_time.h"
#include "../rules/rule.h"
#include "rec_evidence_writer.h"
#include "rec_out.h"

#define NS 1000000000ull
/* records reach the consumer up to the ring's merge horizon late: a window
 * is closed this long after its end */
#define REC_EV_GRACE_NS (200 * 1000000ull)

void rec_evidence_init(struct rec_evidence *e, const struct rec_evidence_opts *o,
		       struct rec_out *out, const struct fmt_host_info *host, int json,
		       FILE *report)
{
	memset(e, 0, sizeof(*e));
	e->o = *o;
	e->out = out;
	e->host = *host;
	e->json = json;
	e->report = report;
	evt_builder_init(&e->b);
}

static int alert_record(struct rec_evidence *e, const struct rule *r, const struct evt *ev,
			const char *output, struct sr_err *err)
{
	struct evt_rec hdr = *ev->rec;
	const void *rec;
	size_t len;

	hdr.latency = 0;
	hdr.res = 0;
	hdr.flags = 0;
	evt_builder_begin(&e->b, EVT_ALERT, &hdr);
	evt_builder_add_str(&e->b, rule_name(r));
	evt_builder_add_u64(&e->b, (uint64_t)rule_priority(r));
	evt_builder_add_str(&e->b, output);
	evt_builder_add_u64(&e->b, ev->num);
	rec = evt_builder_finish(&e->b, &len);
	if (!rec)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	if (rec_ev_writer_put(e->wr, rec, len, NULL))
		return sr_err_set(err, SR_ELIMIT, "%s: the evidence queue is full: alert not kept",
				  e->path);
	return 0;
}

/* STEM.evidence.STAMP[-N].sysrec beside the ring, created new. */
static int ev_open_file(struct rec_evidence *e, uint64_t ts, struct fmt_writer **w,
			struct sr_err *err)
{
	struct fmt_writer_opts wo = {.exclusive = 1, .chunk_ns = NS};
	char base[4200];
	size_t n = strlen(e->out->path);
	int rc;

	if (n > 7 && !strcmp(e->out->path + n - 7, ".sysrec"))
		n -= 7;
	snprintf(base, sizeof(base), "%.*s.evidence.sysrec", (int)n, e->out->path);
	rec_out_rotated_name(base, ts, e->path, sizeof(e->path));
	e->host.start_ns = sr_time_now(CLOCK_REALTIME);
	for (int i = 1;; i++) {
		struct sr_err oerr;

		sr_err_clear(&oerr);
		rc = fmt_writer_open(w, e->path, &e->host, &wo, &oerr);
		if (!rc)
			return 0;
		if (i == 100 || !strstr(oerr.msg, "exists")) {
			*err = oerr;
			return rc;
		}
		rec_out_rotated_name(base, ts, e->path, sizeof(e->path));
		snprintf(e->path + strlen(e->path) - 7, sizeof(e->path) - strlen(e->path) + 7,
			 "-%d.sysrec", i);
	}
}

/* The ring files the window from start may be in, oldest first, opened
 * now: rotation may rename and retention delete them while the writer
 * thread copies. The file being written is read only as far as it is now
 * (everything before the alert's event): what follows comes queued. A file
 * that cannot be opened (deleted meanwhile) is left out. Only opens here:
 * reading indexes and chunk headers is the writer thread's. */
static int open_ring(struct rec_evidence *e, uint64_t start, struct rec_ev_src **out, size_t *n)
{
	struct rec_out *o = e->out;
	struct rec_ev_src *src = calloc(o->nrotated + 1, sizeof(*src));
	struct fmt_writer_stats st = {.bytes = UINT64_MAX};

	*out = src;
	*n = 0;
	if (!src)
		return SR_ENOMEM;
	if (o->w)
		fmt_writer_get_stats(o->w, &st);
	for (size_t i = 0; i <= o->nrotated; i++) {
		const char *p = i < o->nrotated ? o->rotated[i].name : o->path;
		int fd;

		if (i < o->nrotated && o->rotated[i].mtime_ns < start)
			continue; /* last written before the window */
		fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		src[*n].fd = fd;
		src[*n].size = i < o->nrotated ? UINT64_MAX : st.bytes;
		++*n;
	}
	return 0;
}

/* The open window ends: the writer thread closes and reports its file. */
static void end_window(struct rec_evidence *e)
{
	if (!e->open)
		return;
	rec_ev_writer_end(e->wr, e->end_ns);
	e->open = 0;
}

/* A new file: created here, its pre window copied by the writer thread. */
static int start_file(struct rec_evidence *e, const struct evt *ev, uint64_t post,
		      struct sr_err *err)
{
	uint64_t ts = ev->rec->ts, start = ts > e->o.pre_ns ? ts - e->o.pre_ns : 0;
	struct fmt_writer *w = NULL;
	struct rec_ev_src *src;
	size_t n;
	int rc = 0;

	if (!e->wr)
		rc = rec_ev_writer_start(&e->wr, e->o.queue_max ? e->o.queue_max : REC_EV_QUEUE_MAX,
					 e->report, e->json, err);
	/* everything before the alert's event goes to disk first: the readers
	 * opened next see it, and nothing after it */
	if (!rc)
		rc = fmt_writer_tick(e->out->w, 0, err);
	if (!rc)
		rc = ev_open_file(e, ts, &w, err);
	if (rc)
		return rc;
	if (open_ring(e, start, &src, &n)) {
		fmt_writer_close(w, NULL);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	rec_ev_writer_begin(e->wr, w, e->path, src, n, start);
	e->open = 1;
	e->end_ns = ts + post;
	e->files++;
	e->hour_files++;
	return 0;
}

int rec_evidence_wants(const struct rec_evidence *e, const struct rule *r)
{
	uint64_t ms;
	int capture = rule_capture(r, &ms);

	return !(
	    e->o.mode == REC_EV_OFF || (e->o.mode == REC_EV_RULES && !capture) ||
	    (e->o.mode == REC_EV_ALL && (int)rule_priority(r) > e->o.min_priority && !capture));
}

int rec_evidence_alert(struct rec_evidence *e, const struct rule *r, const struct evt *ev,
		       const char *output, struct rec_evidence_ref *ref, struct sr_err *err)
{
	uint64_t ms, post = e->o.post_ns, ts = ev->rec->ts;
	int rc;

	if (!rec_evidence_wants(e, r))
		return 0;
	rule_capture(r, &ms);
	if (ms)
		post = ms * 1000000ull;
	if (e->open && ts <= e->end_ns) {
		/* inside the open window: the same file, a longer window */
		if (ts + post > e->end_ns)
			e->end_ns = ts + post;
	} else {
		uint64_t now = sr_time_now(CLOCK_REALTIME);

		end_window(e);
		if (now - e->hour_start >= 3600 * NS) {
			e->hour_start = now;
			e->hour_files = 0;
		}
		if (e->o.max_per_hour && e->hour_files >= e->o.max_per_hour) {
			e->skipped++;
			return 0;
		}
		rc = start_file(e, ev, post, err);
		if (rc)
			return rc;
	}
	rc = alert_record(e, r, ev, output, err);
	if (rc)
		return rc;
	snprintf(ref->path, sizeof(ref->path), "%s", e->path);
	ref->evt_num = ev->num;
	ref->evt_ts = ts;
	return 1;
}

void rec_evidence_record(struct rec_evidence *e, const void *rec, size_t len)
{
	const struct evt_rec *h = rec;
	uint64_t size;

	if (!e->open || h->ts > e->end_ns)
		return;
	rec_ev_writer_put(e->wr, rec, len, &size);
	/* the cap: the window ends here */
	if (e->o.max_bytes && size >= e->o.max_bytes)
		e->end_ns = h->ts;
}

void rec_evidence_tick(struct rec_evidence *e, uint64_t now_ns)
{
	if (e->open && now_ns >= e->end_ns + REC_EV_GRACE_NS)
		end_window(e);
}

void rec_evidence_close(struct rec_evidence *e)
{
	end_window(e);
	if (!e->wr)
		return;
	rec_ev_writer_stop(e->wr, &e->pre_ns, &e->lost);
	e->wr = NULL;
}

size_t rec_evidence_annotate(char *buf, size_t len, size_t cap, int json,
			     const struct rec_evidence_ref *ref)
{
	char when[64];
	struct sr_sb b;

	sr_time_format_rfc3339(ref->evt_ts, when, sizeof(when));
	if (json) {
		/* a key added inside Falco's object; its own keys stay as they are */
		if (!len || buf[len - 1] != '}')
			return len;
		len--;
	}
	sr_sb_init_at(&b, buf, cap, len);
	if (json)
		sr_sb_printf(&b,
			     ",\"evidence\":{\"file\":\"%s\",\"evt.num\":%" PRIu64
			     ",\"evt.time\":\"%s\"}}",
			     ref->path, ref->evt_num, when);
	else
		sr_sb_printf(&b, " evidence=%s evt.num=%" PRIu64 " evt.time=%s", ref->path,
			     ref->evt_num, when);
	if (!sr_sb_cut(&b))
		return b.len;
	/* no room: the line as it was */
	sr_sb_setlen(&b, len);
	if (json)
		sr_sb_putc(&b, '}');
	return b.len;
}
