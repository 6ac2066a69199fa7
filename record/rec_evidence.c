/* rec_evidence.c: evidence captures around alerts (see rec_evidence.h). */
#include "rec_evidence.h"

#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <string.h>
#include <time.h>

#include "../common/sr_hex.h"
#include "../common/sr_sb.h"
#include "../common/sr_time.h"
#include "../format/fmt_reader.h"
#include "../rules/rule.h"
#include "rec_out.h"

#define NS 1000000000ull
/* records reach the consumer up to the ring's merge horizon late: a window
 * is closed this long after its end */
#define REC_EV_GRACE_NS (200 * 1000000ull)

static uint64_t ev_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

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

/* Types of a state snapshot chunk: the copy keeps only the first one's. */
static int snap_type(unsigned t)
{
	return t == EVT_PROCINFO || t == EVT_FDINFO || t == EVT_USERINFO || t == EVT_GROUPINFO ||
	       t == EVT_SNAP_BEGIN || t == EVT_SNAP_END;
}

/* Copies path's records from start on; the first file also gives the
 * snapshot that covers start (*in_snap: a snapshot chunk is open). */
static int copy_file(struct rec_evidence *e, const char *path, int first, uint64_t start,
		     int *in_snap, struct sr_err *err)
{
	struct fmt_reader *r;
	struct sr_err rerr;
	struct evt ev;
	int rc = 0, n;

	sr_err_clear(&rerr);
	/* deleted by retention meanwhile, or unreadable: what remains still goes */
	if (fmt_reader_open(&r, path, &rerr))
		return 0;
	if (first && fmt_reader_seek_time(r, start, &rerr)) {
		fmt_reader_close(r);
		if (fmt_reader_open(&r, path, &rerr))
			return 0;
	}
	while (!rc && (n = fmt_reader_next(r, &ev, &rerr)) == 1) {
		unsigned t = ev.rec->type;

		if (*in_snap && (snap_type(t) || t == EVT_CGROUPINFO)) {
			rc = fmt_writer_append(e->w, ev.rec, ev.rec->len, err);
			continue;
		}
		if (*in_snap) {
			rc = fmt_writer_snapshot_end(e->w, err);
			*in_snap = 0;
		}
		if (rc || ev.rec->ts < start || snap_type(t))
			continue;
		rc = fmt_writer_append(e->w, ev.rec, ev.rec->len, err);
		e->events++;
	}
	fmt_reader_close(r);
	return rc;
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
	e->alerts++;
	return fmt_writer_append(e->w, rec, len, err);
}

/* STEM.evidence.STAMP[-N].sysrec beside the ring, created new. */
static int ev_open_file(struct rec_evidence *e, uint64_t ts, struct sr_err *err)
{
	struct fmt_writer_opts wo = {.exclusive = 1, .chunk_ns = NS};
	char base[4200];
	size_t n = strlen(e->out->path);
	int rc;

	if (n > 7 && !strcmp(e->out->path + n - 7, ".sysrec"))
		n -= 7;
	snprintf(base, sizeof(base), "%.*s.evidence.sysrec", (int)n, e->out->path);
	rec_out_rotated_name(base, ts, e->path, sizeof(e->path));
	e->host.start_ns = ev_now();
	for (int i = 1;; i++) {
		struct sr_err oerr;

		sr_err_clear(&oerr);
		rc = fmt_writer_open(&e->w, e->path, &e->host, &wo, &oerr);
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

/* A new file: the pre window from the ring, on disk before this returns. */
static int start_file(struct rec_evidence *e, const struct evt *ev, uint64_t post,
		      struct sr_err *err)
{
	uint64_t ts = ev->rec->ts, start = ts > e->o.pre_ns ? ts - e->o.pre_ns : 0;
	int rc, in_snap = 1, first = 1;

	/* everything before the alert's event goes to disk first */
	rc = fmt_writer_tick(e->out->w, 0, err);
	if (!rc)
		rc = ev_open_file(e, ts, err);
	if (rc)
		return rc;
	e->start_ns = start;
	e->end_ns = ts + post;
	e->alerts = e->events = 0;
	rc = fmt_writer_snapshot_begin(e->w, err);
	for (size_t i = 0; !rc && i < e->out->nrotated; i++) {
		if (e->out->rotated[i].mtime_ns < start)
			continue; /* last written before the window */
		rc = copy_file(e, e->out->rotated[i].name, first, start, &in_snap, err);
		first = 0;
	}
	if (!rc)
		rc = copy_file(e, e->out->path, first, start, &in_snap, err);
	if (!rc && in_snap)
		rc = fmt_writer_snapshot_end(e->w, err);
	e->files++;
	e->hour_files++;
	return rc;
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
	if (e->w && ts <= e->end_ns) {
		/* inside the open window: the same file, a longer window */
		if (ts + post > e->end_ns)
			e->end_ns = ts + post;
	} else {
		uint64_t now = ev_now();

		if (e->w && (rc = rec_evidence_close(e, err)))
			return rc;
		if (now - e->hour_start >= 3600 * NS) {
			e->hour_start = now;
			e->hour_files = 0;
		}
		if (e->o.max_per_hour && e->hour_files >= e->o.max_per_hour) {
			e->skipped++;
			return 0;
		}
		rc = start_file(e, ev, post, err);
		if (!rc)
			rc = alert_record(e, r, ev, output, err);
		if (!rc)
			rc = fmt_writer_tick(e->w, 0, err);
		if (rc) {
			if (e->w)
				fmt_writer_close(e->w, NULL);
			e->w = NULL;
			return rc;
		}
		/* the pre window and the alert are on disk */
		e->pre_ns = ev_now() > ts ? ev_now() - ts : 0;
		snprintf(ref->path, sizeof(ref->path), "%s", e->path);
		ref->evt_num = ev->num;
		ref->evt_ts = ts;
		return 1;
	}
	rc = alert_record(e, r, ev, output, err);
	if (rc)
		return rc;
	snprintf(ref->path, sizeof(ref->path), "%s", e->path);
	ref->evt_num = ev->num;
	ref->evt_ts = ts;
	return 1;
}

int rec_evidence_record(struct rec_evidence *e, const void *rec, size_t len, struct sr_err *err)
{
	const struct evt_rec *h = rec;
	struct fmt_writer_stats st;
	int rc;

	if (!e->w || h->ts > e->end_ns)
		return 0;
	rc = fmt_writer_append(e->w, rec, len, err);
	e->events++;
	if (rc || !e->o.max_bytes)
		return rc;
	fmt_writer_get_stats(e->w, &st);
	/* the cap: the window ends here */
	if (st.bytes + st.raw_bytes / 8 >= e->o.max_bytes)
		e->end_ns = h->ts;
	return 0;
}

static int sha256_file(const char *path, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rb");
	size_t n;
	int ok;

	ok = c && f && EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	while (ok && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		ok = EVP_DigestUpdate(c, buf, n);
	ok = ok && !ferror(f) && EVP_DigestFinal_ex(c, md, &mdlen) && mdlen == 32;
	if (ok)
		sr_hex_encode(md, mdlen, hex);
	if (f)
		fclose(f);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

int rec_evidence_close(struct rec_evidence *e, struct sr_err *err)
{
	char hex[65] = "";
	int rc;

	if (!e->w)
		return 0;
	rc = fmt_writer_close(e->w, err);
	e->w = NULL;
	if (sha256_file(e->path, hex))
		snprintf(hex, sizeof(hex), "unknown");
	if (!e->report)
		return rc;
	if (e->json)
		fprintf(e->report,
			"{\"evidence\":{\"file\":\"%s\",\"sha256\":\"%s\",\"alerts\":%" PRIu64
			",\"events\":%" PRIu64 ",\"from_ns\":%" PRIu64 ",\"to_ns\":%" PRIu64 "}}\n",
			e->path, hex, e->alerts, e->events, e->start_ns, e->end_ns);
	else
		fprintf(e->report,
			"sysrec: evidence closed: %s sha256=%s (%" PRIu64 " alert(s), %" PRIu64
			" events)\n",
			e->path, hex, e->alerts, e->events);
	fflush(e->report);
	return rc;
}

int rec_evidence_tick(struct rec_evidence *e, uint64_t now_ns, struct sr_err *err)
{
	if (!e->w || now_ns < e->end_ns + REC_EV_GRACE_NS)
		return 0;
	return rec_evidence_close(e, err);
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
