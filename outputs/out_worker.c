/* out_worker.c: one output's memory queue, spool and two threads.
 *
 * The emitter pushes encoded alerts into a bounded ring (never waiting).
 * The spool thread moves them to the spool; the sender thread delivers the
 * spool's oldest alert and moves the cursor only once the target took it,
 * so order holds and nothing is lost while the target is down. A target
 * that pipelines (ops->flush) gets up to SEND_WINDOW alerts read ahead of
 * the cursor, then one flush; the cursor moves past them only when all are
 * acknowledged, else they all go again. Two locks:
 * qlock (the ring, held for a push or a pop) and slock (the spool), so a
 * push never waits for the disk.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "out_int.h"

#define BACKOFF_MIN_NS 50000000ull
#define BACKOFF_MAX_NS 2000000000ull
#define NS	       1000000000ull
#define SEND_WINDOW    256

struct qent {
	uint8_t *p;
	size_t len;
};

struct out_worker {
	struct out_target *t;
	const struct out_ops *ops;
	struct out_spool *sp;
	pthread_t spooler, sender;
	pthread_mutex_t qlock, slock;
	pthread_cond_t qcond, scond;
	struct qent *q;
	uint32_t qcap, qhead, qn;
	uint64_t pending; /* in the spool, under slock */
	int stopping;	  /* under both locks */
	int spool_done;	  /* the spool thread has moved everything */
	uint64_t drain_until;
	struct out_stats st; /* counters: atomics */
	uint64_t corrupt, last_drop_log;
};

static void cond_wait_ns(pthread_cond_t *c, pthread_mutex_t *m, uint64_t ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns += (uint64_t)ts.tv_nsec;
	ts.tv_sec += (time_t)(ns / NS);
	ts.tv_nsec = (long)(ns % NS);
	pthread_cond_timedwait(c, m, &ts);
}

static void count_drop(struct out_worker *w, const char *why)
{
	uint64_t now = sr_time_now(CLOCK_MONOTONIC);
	uint64_t n = __atomic_add_fetch(&w->st.dropped, 1, __ATOMIC_RELAXED);

	/* logged, at most every 10 s per output, with the running total */
	if (now - w->last_drop_log >= 10 * NS || n == 1) {
		w->last_drop_log = now;
		fprintf(stderr, "%s: output %s: alert dropped (%s), %llu dropped so far\n",
			program_invocation_short_name, w->st.name, why, (unsigned long long)n);
	}
}

void out_worker_push(struct out_worker *w, uint8_t *rec, size_t len)
{
	pthread_mutex_lock(&w->qlock);
	if (w->qn == w->qcap || w->stopping) {
		pthread_mutex_unlock(&w->qlock);
		free(rec);
		count_drop(w, "memory queue full");
		return;
	}
	w->q[(w->qhead + w->qn) % w->qcap] = (struct qent){rec, len};
	w->qn++;
	__atomic_add_fetch(&w->st.accepted, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&w->qcond);
	pthread_mutex_unlock(&w->qlock);
}

static void *spool_main(void *arg)
{
	struct out_worker *w = arg;
	uint64_t last_sync = sr_time_now(CLOCK_MONOTONIC);

	pthread_mutex_lock(&w->qlock);
	for (;;) {
		struct qent e;
		int rc;

		if (!w->qn) {
			if (w->stopping)
				break;
			cond_wait_ns(&w->qcond, &w->qlock, NS);
		}
		if (sr_time_now(CLOCK_MONOTONIC) - last_sync >= NS) {
			pthread_mutex_unlock(&w->qlock);
			pthread_mutex_lock(&w->slock);
			out_spool_sync(w->sp);
			pthread_mutex_unlock(&w->slock);
			pthread_mutex_lock(&w->qlock);
			last_sync = sr_time_now(CLOCK_MONOTONIC);
		}
		if (!w->qn)
			continue;
		e = w->q[w->qhead];
		w->qhead = (w->qhead + 1) % w->qcap;
		w->qn--;
		pthread_mutex_unlock(&w->qlock);
		pthread_mutex_lock(&w->slock);
		rc = out_spool_append(w->sp, e.p, e.len);
		if (!rc) {
			w->pending++;
			__atomic_store_n(&w->st.spooled, w->pending, __ATOMIC_RELAXED);
			pthread_cond_signal(&w->scond);
		}
		pthread_mutex_unlock(&w->slock);
		free(e.p);
		if (rc)
			count_drop(w, rc == SR_ELIMIT ? "spool full" : "spool write failed");
		pthread_mutex_lock(&w->qlock);
	}
	pthread_mutex_unlock(&w->qlock);
	pthread_mutex_lock(&w->slock);
	out_spool_sync(w->sp);
	w->spool_done = 1;
	pthread_cond_signal(&w->scond);
	pthread_mutex_unlock(&w->slock);
	return NULL;
}

/* Takes the oldest spooled alert; 0 when the sender should end. */
static int next_alert(struct out_worker *w, struct out_rec **rec)
{
	pthread_mutex_lock(&w->slock);
	for (;;) {
		uint8_t *p;
		size_t n;
		int rc;

		*rec = NULL;
		if (w->stopping && (w->spool_done && !w->pending))
			break;
		if (w->stopping && sr_time_now(CLOCK_MONOTONIC) >= w->drain_until)
			break;
		if (!w->pending) {
			cond_wait_ns(&w->scond, &w->slock, NS / 4);
			continue;
		}
		rc = out_spool_peek(w->sp, &p, &n, &w->corrupt);
		if (rc != 1) {
			/* counted records the files no longer hold (damaged) */
			w->pending = 0;
			continue;
		}
		rc = out_rec_decode(p, n, rec);
		free(p);
		if (rc) {
			w->corrupt++;
			out_spool_commit(w->sp);
			w->pending--;
			continue;
		}
		pthread_mutex_unlock(&w->slock);
		return 1;
	}
	pthread_mutex_unlock(&w->slock);
	return 0;
}

static void count_sent(struct out_worker *w, uint64_t emit_ns)
{
	uint64_t now = sr_time_now(CLOCK_REALTIME), lat = now > emit_ns ? now - emit_ns : 0;

	__atomic_add_fetch(&w->st.sent, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&w->st.lat_count, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&w->st.lat_sum_ns, lat, __ATOMIC_RELAXED);
	if (lat > w->st.lat_max_ns)
		__atomic_store_n(&w->st.lat_max_ns, lat, __ATOMIC_RELAXED);
}

/* first was sent and is in flight (OUT_QUEUED): the alerts spooled after it
 * go too, then one flush. 0: all acknowledged and the cursor past them. */
static int send_window(struct out_worker *w, const struct out_rec *first, struct sr_err *err)
{
	uint64_t emit[SEND_WINDOW];
	size_t k = 1, taken = 1;
	int rc = 0;

	emit[0] = first->emit_ns;
	while (k < SEND_WINDOW && !rc) {
		struct out_rec *r;
		uint8_t *p;
		size_t n;

		pthread_mutex_lock(&w->slock);
		rc = taken < w->pending ? out_spool_peek_more(w->sp, &p, &n) : 0;
		pthread_mutex_unlock(&w->slock);
		if (rc != 1) {
			rc = 0;
			break;
		}
		taken++;
		rc = out_rec_decode(p, n, &r);
		free(p);
		if (rc) {
			w->corrupt++; /* skipped with the others */
			rc = 0;
			continue;
		}
		rc = w->ops->send(w->t, r, w->t->json ? r->json : r->text,
				  w->t->json ? r->json_len : r->text_len, err);
		emit[k++] = r->emit_ns;
		free(r);
		if (rc == OUT_QUEUED || rc == 0)
			rc = 0;
		else if (rc > 0)
			rc = SR_EIO;
	}
	if (!rc)
		rc = w->ops->flush(w->t, err);
	if (rc)
		return rc < 0 ? rc : SR_EIO;
	pthread_mutex_lock(&w->slock);
	out_spool_commit(w->sp);
	w->pending -= taken;
	__atomic_store_n(&w->st.spooled, w->pending, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&w->slock);
	for (size_t i = 0; i < k; i++)
		count_sent(w, emit[i]);
	return 0;
}

static void *send_main(void *arg)
{
	struct out_worker *w = arg;
	uint64_t backoff = BACKOFF_MIN_NS, last_err_log = 0;
	struct out_rec *r;
	int open = 0;

	while (next_alert(w, &r)) {
		const char *body = w->t->json ? r->json : r->text;
		size_t blen = w->t->json ? r->json_len : r->text_len;
		struct sr_err err;
		int rc;

		sr_err_clear(&err);
		rc = open ? 0 : w->ops->open(w->t, &err);
		if (!rc) {
			open = 1;
			rc = w->ops->send(w->t, r, body, blen, &err);
		}
		if (rc == OUT_QUEUED && w->ops->flush) {
			rc = send_window(w, r, &err);
			if (!rc) {
				backoff = BACKOFF_MIN_NS;
				free(r);
				continue;
			}
		}
		if (!rc) {
			pthread_mutex_lock(&w->slock);
			out_spool_commit(w->sp);
			w->pending--;
			__atomic_store_n(&w->st.spooled, w->pending, __ATOMIC_RELAXED);
			pthread_mutex_unlock(&w->slock);
			count_sent(w, r->emit_ns);
			backoff = BACKOFF_MIN_NS;
			free(r);
			continue;
		}
		free(r);
		__atomic_add_fetch(&w->st.retried, 1, __ATOMIC_RELAXED);
		if (sr_time_now(CLOCK_MONOTONIC) - last_err_log >= 10 * NS) {
			last_err_log = sr_time_now(CLOCK_MONOTONIC);
			fprintf(stderr, "%s: output %s: %s; alerts wait in the spool\n",
				program_invocation_short_name, w->st.name,
				err.msg[0] ? err.msg : "delivery failed");
		}
		if (open && rc != OUT_PENDING) {
			w->ops->close(w->t);
			open = 0;
		}
		pthread_mutex_lock(&w->slock);
		if (!w->stopping || sr_time_now(CLOCK_MONOTONIC) < w->drain_until)
			cond_wait_ns(&w->scond, &w->slock, backoff);
		pthread_mutex_unlock(&w->slock);
		backoff = backoff * 2 > BACKOFF_MAX_NS ? BACKOFF_MAX_NS : backoff * 2;
	}
	if (open)
		w->ops->close(w->t);
	return NULL;
}

static const struct out_ops *ops_of(enum out_kind k)
{
	switch (k) {
	case OUT_FILE:
		return &out_ops_file;
	case OUT_PROGRAM:
		return &out_ops_program;
	case OUT_SYSLOG:
		return &out_ops_syslog;
	case OUT_HTTP:
		return &out_ops_http;
	case OUT_NATS:
		return &out_ops_nats;
	case OUT_KAFKA:
		return &out_ops_kafka;
	default:
		return NULL;
	}
}

int out_worker_start(struct out_worker **out, struct out_target *t, const struct out_conf *conf,
		     const char *spool_dir, struct sr_err *err)
{
	struct out_worker *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (!w)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	w->t = t;
	w->ops = ops_of(t->kind);
	w->st.name = out_kind_name(t->kind);
	w->qcap = conf->queue_len ? conf->queue_len : 1;
	w->q = calloc(w->qcap, sizeof(*w->q));
	if (!w->q || !w->ops) {
		free(w->q);
		free(w);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	if (w->ops->prepare && (rc = w->ops->prepare(err))) {
		free(w->q);
		free(w);
		return rc;
	}
	rc = out_spool_open(&w->sp, spool_dir, conf->spool_max, &w->pending, err);
	if (rc) {
		free(w->q);
		free(w);
		return rc;
	}
	w->st.spooled = w->pending;
	if (w->pending)
		fprintf(stderr, "%s: output %s: %llu alerts from an earlier run in the spool\n",
			program_invocation_short_name, w->st.name, (unsigned long long)w->pending);
	pthread_mutex_init(&w->qlock, NULL);
	pthread_mutex_init(&w->slock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->qcond, &ca);
	pthread_cond_init(&w->scond, &ca);
	pthread_condattr_destroy(&ca);
	/* signals stay with the main thread; a write to a dead program's pipe
	 * gives EPIPE in the sender, not a process-wide SIGPIPE */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&w->spooler, NULL, spool_main, w);
	if (!rc && (rc = pthread_create(&w->sender, NULL, send_main, w))) {
		pthread_mutex_lock(&w->qlock);
		w->stopping = 1;
		pthread_cond_signal(&w->qcond);
		pthread_mutex_unlock(&w->qlock);
		pthread_join(w->spooler, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		out_spool_close(w->sp);
		free(w->q);
		free(w);
		return sr_err_set(err, SR_EIO, "cannot start a thread: %s", strerror(rc));
	}
	*out = w;
	return 0;
}

void out_worker_stats(struct out_worker *w, struct out_stats *st)
{
	st->name = w->st.name;
	st->accepted = __atomic_load_n(&w->st.accepted, __ATOMIC_RELAXED);
	st->sent = __atomic_load_n(&w->st.sent, __ATOMIC_RELAXED);
	st->retried = __atomic_load_n(&w->st.retried, __ATOMIC_RELAXED);
	st->spooled = __atomic_load_n(&w->st.spooled, __ATOMIC_RELAXED);
	st->dropped = __atomic_load_n(&w->st.dropped, __ATOMIC_RELAXED);
	st->lat_count = __atomic_load_n(&w->st.lat_count, __ATOMIC_RELAXED);
	st->lat_sum_ns = __atomic_load_n(&w->st.lat_sum_ns, __ATOMIC_RELAXED);
	st->lat_max_ns = __atomic_load_n(&w->st.lat_max_ns, __ATOMIC_RELAXED);
}

void out_worker_stop(struct out_worker *w, uint64_t drain_ns, struct out_stats *final)
{
	pthread_mutex_lock(&w->qlock);
	pthread_mutex_lock(&w->slock);
	w->stopping = 1;
	w->drain_until = sr_time_now(CLOCK_MONOTONIC) + drain_ns;
	pthread_cond_signal(&w->qcond);
	pthread_cond_signal(&w->scond);
	pthread_mutex_unlock(&w->slock);
	pthread_mutex_unlock(&w->qlock);
	pthread_join(w->spooler, NULL);
	pthread_join(w->sender, NULL);
	out_worker_stats(w, final);
	if (w->corrupt)
		fprintf(stderr, "%s: output %s: %llu damaged spool records skipped\n",
			program_invocation_short_name, w->st.name, (unsigned long long)w->corrupt);
	while (w->qn) {
		free(w->q[w->qhead].p);
		w->qhead = (w->qhead + 1) % w->qcap;
		w->qn--;
	}
	out_spool_close(w->sp);
	free(w->q);
	free(w);
}
