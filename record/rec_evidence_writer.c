/* rec_evidence_writer.c: the evidence writing thread (see rec_evidence_writer.h).
 *
 * The queue is one buffer the consumer appends messages to under a lock;
 * the thread swaps it for its own empty one and works through what it took
 * without the lock, so a record costs the consumer one copy and no wakeup
 * while the thread is busy. */
#include "rec_evidence_writer.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_buf.h"
#include "../common/sr_time.h"
#include "../format/evt.h"
#include "../format/fmt_reader.h"
#include "../format/fmt_seal.h"

#define REC_EV_KEEP_BUF (1u << 20) /* queue buffers above this are freed after use */

enum { MSG_BEGIN = 1, MSG_REC, MSG_END };

/* Every message: this header, then len bytes, padded to 8 (records stay
 * aligned for the writer's reads of their header). */
struct msg_hdr {
	uint32_t kind, len;
};

struct msg_begin {
	struct fmt_writer *w;
	struct rec_ev_src *src;
	size_t n;
	uint64_t start_ns;
	uint32_t gen; /* the file's number (rec_ev_writer_begin counts them) */
	char path[4200];
};

struct msg_end {
	uint64_t to_ns, lost;
};

struct rec_ev_writer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *q; /* queued messages (under mu) */
	size_t qlen, qcap, cap;
	int waiting;	   /* the thread sleeps on cv (under mu) */
	int stopping;	   /* the thread ends once the queue is empty (under mu) */
	uint64_t lost;	   /* consumer's: records not queued, all files */
	uint64_t lost_now; /* consumer's: ... of the open file */
	uint64_t pre_ns;   /* atomic: the last pre window's delay */
	/* The open file's size for its cap. The consumer numbers the files
	 * (gen) and counts the record bytes it queued for the open one
	 * (put_now); the thread publishes, under mu once per batch, the file
	 * it writes (pub_gen), its size estimate and the record bytes of it
	 * written (pub_done): what is still queued is the difference, and
	 * the previous file's figures never count for the next. */
	uint32_t gen, pub_gen;
	uint64_t put_now, pub_size, pub_done;
	FILE *report;
	int json;
	/* the thread's */
	struct fmt_writer *w;
	char path[4200];
	uint64_t start_ns, alerts, events;
	uint32_t wgen;
	uint64_t est, done_now; /* published as pub_size, pub_done */
	int failed;
};

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Types of a state snapshot chunk: the copy keeps only the first one's. */
static int snap_type(unsigned t)
{
	return t == EVT_PROCINFO || t == EVT_FDINFO || t == EVT_USERINFO || t == EVT_GROUPINFO ||
	       t == EVT_SNAP_BEGIN || t == EVT_SNAP_END;
}

/* The size a cap compares: on disk, plus what the open chunk will add. */
static void measure(struct rec_ev_writer *x)
{
	struct fmt_writer_stats st;

	fmt_writer_get_stats(x->w, &st);
	x->est = st.bytes + st.raw_bytes / 8;
}

/* A write failed: the file ends here (closed at its end message). */
static void failed(struct rec_ev_writer *x, const struct sr_err *err)
{
	fprintf(stderr, "sysrec: evidence capture %s: %s\n", x->path,
		err->msg[0] ? err->msg : sr_code_name(err->code));
	x->failed = 1;
}

/* Copies r's records from start on; the first file also gives the snapshot
 * that covers start (*in_snap: a snapshot chunk is open). */
static int copy_file(struct rec_ev_writer *x, struct fmt_reader *r, int first, uint64_t start,
		     int *in_snap, struct sr_err *err)
{
	struct sr_err rerr;
	struct evt ev;
	int rc = 0, n;

	sr_err_clear(&rerr);
	/* a seek that fails (a damaged chunk) reads the file from its start */
	if (first && fmt_reader_seek_time(r, start, &rerr))
		fmt_reader_seek_time(r, 0, &rerr);
	while (!rc && (n = fmt_reader_next(r, &ev, &rerr)) == 1) {
		unsigned t = ev.rec->type;

		if (*in_snap && (snap_type(t) || t == EVT_CGROUPINFO)) {
			rc = fmt_writer_append(x->w, ev.rec, ev.rec->len, err);
			continue;
		}
		if (*in_snap) {
			rc = fmt_writer_snapshot_end(x->w, err);
			*in_snap = 0;
		}
		if (rc || ev.rec->ts < start || snap_type(t))
			continue;
		rc = fmt_writer_append(x->w, ev.rec, ev.rec->len, err);
		x->events++;
	}
	return rc;
}

static void do_end(struct rec_ev_writer *x, const struct msg_end *m);

static void do_begin(struct rec_ev_writer *x, const struct msg_begin *m)
{
	struct sr_err err;
	int rc, in_snap = 1, first = 1;

	/* a file whose end message was lost (out of memory) ends here */
	if (x->w)
		do_end(x, &(struct msg_end){0, 0});
	sr_err_clear(&err);
	x->w = m->w;
	x->wgen = m->gen;
	x->est = x->done_now = 0;
	snprintf(x->path, sizeof(x->path), "%s", m->path);
	x->start_ns = m->start_ns;
	x->alerts = x->events = 0;
	x->failed = 0;
	rc = fmt_writer_snapshot_begin(x->w, &err);
	for (size_t i = 0; i < m->n; i++) {
		struct fmt_reader *r;
		struct sr_err rerr;

		/* after a failure, the rest are not read (their index or chunk
		 * headers) only to be closed */
		if (rc) {
			close(m->src[i].fd);
			continue;
		}
		sr_err_clear(&rerr);
		/* a file that cannot be read is left out */
		if (fmt_reader_open_fd(&r, m->src[i].fd, "ring file", m->src[i].size, &rerr))
			continue;
		rc = copy_file(x, r, first, m->start_ns, &in_snap, &err);
		first = 0;
		fmt_reader_close(r);
	}
	free(m->src);
	if (!rc && in_snap)
		rc = fmt_writer_snapshot_end(x->w, &err);
	if (rc) {
		failed(x, &err);
		return;
	}
	measure(x);
}

static void do_rec(struct rec_ev_writer *x, const void *rec, size_t len)
{
	const struct evt_rec *h = rec;
	struct sr_err err;

	x->done_now += len;
	if (!x->w || x->failed)
		return;
	sr_err_clear(&err);
	if (fmt_writer_append(x->w, rec, len, &err)) {
		failed(x, &err);
		return;
	}
	if (h->type == EVT_ALERT) {
		/* the pre window and the alert reach the disk together */
		if (!x->alerts++) {
			uint64_t now = sr_time_now(CLOCK_REALTIME);

			if (fmt_writer_tick(x->w, 0, &err)) {
				failed(x, &err);
				return;
			}
			__atomic_store_n(&x->pre_ns, now > h->ts ? now - h->ts : 0,
					 __ATOMIC_RELAXED);
		}
	} else {
		x->events++;
	}
	measure(x);
}

static void do_end(struct rec_ev_writer *x, const struct msg_end *m)
{
	char hex[65] = "";
	struct sr_err err;

	if (!x->w)
		return;
	sr_err_clear(&err);
	if (fmt_writer_close(x->w, &err) && !x->failed)
		failed(x, &err);
	x->w = NULL;
	if (fmt_file_sha256(x->path, hex, NULL))
		snprintf(hex, sizeof(hex), "unknown");
	if (!x->report)
		return;
	if (x->json)
		fprintf(x->report,
			"{\"evidence\":{\"file\":\"%s\",\"sha256\":\"%s\",\"alerts\":%" PRIu64
			",\"events\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"from_ns\":%" PRIu64
			",\"to_ns\":%" PRIu64 "}}\n",
			x->path, hex, x->alerts, x->events, m->lost, x->start_ns, m->to_ns);
	else if (m->lost)
		fprintf(x->report,
			"sysrec: evidence closed: %s sha256=%s (%" PRIu64 " alert(s), %" PRIu64
			" events; %" PRIu64 " events not kept: the evidence queue was full)\n",
			x->path, hex, x->alerts, x->events, m->lost);
	else
		fprintf(x->report,
			"sysrec: evidence closed: %s sha256=%s (%" PRIu64 " alert(s), %" PRIu64
			" events)\n",
			x->path, hex, x->alerts, x->events);
	fflush(x->report);
}

static void run_batch(struct rec_ev_writer *x, const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off + sizeof(struct msg_hdr) <= len) {
		struct msg_hdr h;
		const uint8_t *body = p + off + sizeof(h);

		memcpy(&h, p + off, sizeof(h));
		off += sizeof(h) + pad8(h.len);
		if (h.kind == MSG_BEGIN) {
			struct msg_begin m;

			memcpy(&m, body, sizeof(m));
			do_begin(x, &m);
		} else if (h.kind == MSG_REC) {
			do_rec(x, body, h.len);
		} else if (h.kind == MSG_END) {
			struct msg_end m;

			memcpy(&m, body, sizeof(m));
			do_end(x, &m);
		}
	}
}

static void *thread_main(void *arg)
{
	struct rec_ev_writer *x = arg;
	uint8_t *work = NULL, *tp;
	size_t wcap = 0, tc, len;

	for (;;) {
		pthread_mutex_lock(&x->mu);
		x->pub_gen = x->wgen;
		x->pub_size = x->est;
		x->pub_done = x->done_now;
		while (!x->qlen && !x->stopping) {
			x->waiting = 1;
			pthread_cond_wait(&x->cv, &x->mu);
		}
		x->waiting = 0;
		if (!x->qlen) {
			pthread_mutex_unlock(&x->mu);
			break;
		}
		/* take the queue, leave the empty buffer in its place */
		tp = x->q, tc = x->qcap, len = x->qlen;
		x->q = work, x->qcap = wcap, x->qlen = 0;
		work = tp, wcap = tc;
		pthread_mutex_unlock(&x->mu);
		run_batch(x, work, len);
		/* a burst (the post window while a pre window was copied)
		 * grew it: memory goes back once the burst is written */
		if (wcap > REC_EV_KEEP_BUF) {
			free(work);
			work = NULL;
			wcap = 0;
		}
	}
	free(work);
	return NULL;
}

/* The open file's size estimate: written, plus its records still queued
 * (an eighth: about what they compress to). Under mu. */
static uint64_t size_now(const struct rec_ev_writer *x)
{
	if (x->pub_gen != x->gen)
		return x->put_now / 8; /* the thread has not begun it yet */
	return x->pub_size + (x->put_now - x->pub_done) / 8;
}

/* Appends one message; records (not begin or end) are refused past cap.
 * With size, a record's bytes count for the open file, and *size is its
 * estimate afterwards (whether or not the record was queued). */
static int push(struct rec_ev_writer *x, uint32_t kind, const void *body, size_t len,
		uint64_t *size)
{
	struct msg_hdr h = {kind, (uint32_t)len};
	size_t need = sizeof(h) + pad8(len);

	pthread_mutex_lock(&x->mu);
	if ((kind == MSG_REC && x->qlen + need > x->cap) ||
	    sr_grow(&x->q, &x->qcap, x->qlen + need, 1 << 16)) {
		if (size)
			*size = size_now(x);
		pthread_mutex_unlock(&x->mu);
		return SR_ELIMIT;
	}
	memcpy(x->q + x->qlen, &h, sizeof(h));
	if (len)
		memcpy(x->q + x->qlen + sizeof(h), body, len);
	memset(x->q + x->qlen + sizeof(h) + len, 0, pad8(len) - len);
	x->qlen += need;
	if (kind == MSG_REC)
		x->put_now += len;
	if (size)
		*size = size_now(x);
	if (x->waiting)
		pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
	return 0;
}

int rec_ev_writer_start(struct rec_ev_writer **out, size_t cap, FILE *report, int json,
			struct sr_err *err)
{
	struct rec_ev_writer *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (!x)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	x->cap = cap;
	x->report = report;
	x->json = json;
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cv, NULL);
	if (pthread_create(&x->th, NULL, thread_main, x)) {
		pthread_mutex_destroy(&x->mu);
		pthread_cond_destroy(&x->cv);
		free(x);
		return sr_err_set(err, SR_EIO, "cannot start the evidence writer thread");
	}
	*out = x;
	return 0;
}

void rec_ev_writer_begin(struct rec_ev_writer *x, struct fmt_writer *w, const char *path,
			 struct rec_ev_src *src, size_t n, uint64_t start_ns)
{
	struct msg_begin m = {.w = w, .src = src, .n = n, .start_ns = start_ns};

	snprintf(m.path, sizeof(m.path), "%s", path);
	x->lost_now = 0;
	pthread_mutex_lock(&x->mu);
	m.gen = ++x->gen;
	x->put_now = 0;
	pthread_mutex_unlock(&x->mu);
	/* only out of memory refuses it: then the file is closed here, empty
	 * of its window, rather than left open */
	if (push(x, MSG_BEGIN, &m, sizeof(m), NULL)) {
		for (size_t i = 0; i < n; i++)
			close(src[i].fd);
		free(src);
		fmt_writer_close(w, NULL);
	}
}

int rec_ev_writer_put(struct rec_ev_writer *x, const void *rec, size_t len, uint64_t *size)
{
	if (push(x, MSG_REC, rec, len, size) == 0)
		return 0;
	x->lost++;
	x->lost_now++;
	return SR_ELIMIT;
}

void rec_ev_writer_end(struct rec_ev_writer *x, uint64_t to_ns)
{
	struct msg_end m = {to_ns, x->lost_now};

	push(x, MSG_END, &m, sizeof(m), NULL);
}

void rec_ev_writer_stop(struct rec_ev_writer *x, uint64_t *pre_ns, uint64_t *lost)
{
	/* the thread writes out what is queued first: nothing is cut */
	pthread_mutex_lock(&x->mu);
	x->stopping = 1;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
	pthread_join(x->th, NULL);
	if (x->w)
		fmt_writer_close(x->w, NULL);
	*pre_ns = x->pre_ns;
	*lost = x->lost;
	free(x->q);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->cv);
	free(x);
}
