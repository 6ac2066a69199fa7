/* rec_container.c: the metadata worker thread and its two queues.
 *
 * Lookups go consumer -> worker through a bounded array (REC_CTR_QUEUE);
 * finished records come back through a list the consumer empties each loop
 * turn. One mutex guards both and the counters; the consumer holds it only
 * to push or to swap the list out, never while anything slow happens.
 */
#include "rec_container.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_time.h"
#include "../format/evt.h"
#include "../state/st.h"
#include "rec_container_http.h"
#include "rec_container_json.h"

#define SET_MAX 65536 /* ids remembered; past that the set starts over */

struct req {
	char id[65];
	char hint[8];
	uint64_t t0; /* CLOCK_MONOTONIC ns of the first record, 0 at start */
};

struct done {
	struct done *next;
	uint64_t t0;
	size_t len;
	unsigned char rec[];
};

/* A set of nonzero u64 keys, open addressing. */
struct set {
	uint64_t *k;
	size_t cap, n;
};

struct rec_ctr {
	pthread_t th;
	int started, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct req q[REC_CTR_QUEUE];
	size_t qh, qn;
	struct done *dhead, **dtail;
	struct rec_ctr_stats st;
	int wake_fd; /* eventfd: readable while descriptions wait (-1: none) */
	/* worker only */
	struct rec_ctr_sock socks[REC_CTR_MAX_SOCKS];
	char paths[REC_CTR_MAX_SOCKS][108];
	size_t nsocks;
	uint64_t backoff_until[REC_CTR_MAX_SOCKS];
	int timeout_ms;
	struct set described;
	struct evt_builder b;
	/* consumer only */
	struct rec_cg *cg;
	uint64_t last_cg;
	struct set cg_seen, id_seen;
};

static uint64_t hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ? h : 1;
}

/* 1 when key was in the set; otherwise adds it and returns 0 (-1 when out
 * of memory: the caller treats the key as new every time). */
static int set_add(struct set *s, uint64_t key)
{
	size_t i;

	if (s->n >= SET_MAX) {
		memset(s->k, 0, s->cap * sizeof(*s->k));
		s->n = 0;
	}
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		uint64_t *nk = calloc(ncap, sizeof(*nk));

		if (!nk)
			return -1;
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->k[j])
				continue;
			for (i = (s->k[j] * 0x9e3779b97f4a7c15ull) >> 40 & (ncap - 1); nk[i];
			     i = (i + 1) & (ncap - 1))
				;
			nk[i] = s->k[j];
		}
		free(s->k);
		s->k = nk;
		s->cap = ncap;
	}
	for (i = (key * 0x9e3779b97f4a7c15ull) >> 40 & (s->cap - 1); s->k[i];
	     i = (i + 1) & (s->cap - 1))
		if (s->k[i] == key)
			return 1;
	s->k[i] = key;
	s->n++;
	return 0;
}

/* Removes key (backward-shift deletion keeps the probe chains whole). */
static void set_del(struct set *s, uint64_t key)
{
	size_t i, j, home;

	if (!s->cap)
		return;
	for (i = (key * 0x9e3779b97f4a7c15ull) >> 40 & (s->cap - 1); s->k[i] && s->k[i] != key;
	     i = (i + 1) & (s->cap - 1))
		;
	if (!s->k[i])
		return;
	s->k[i] = 0;
	s->n--;
	for (j = (i + 1) & (s->cap - 1); s->k[j]; j = (j + 1) & (s->cap - 1)) {
		home = (s->k[j] * 0x9e3779b97f4a7c15ull) >> 40 & (s->cap - 1);
		/* move k[j] into the hole when its home is not between the hole and j */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			s->k[i] = s->k[j];
			s->k[j] = 0;
			i = j;
		}
	}
}

/* Worker: hands a finished record to the consumer. */
static void push_done(struct rec_ctr *c, const void *rec, size_t len, uint64_t t0)
{
	struct done *d = malloc(sizeof(*d) + len);

	if (!d)
		return;
	d->next = NULL;
	d->t0 = t0;
	d->len = len;
	memcpy(d->rec, rec, len);
	/* (a counter that cannot grow is readable already) */
	if (c->wake_fd >= 0)
		eventfd_write(c->wake_fd, 1);
	pthread_mutex_lock(&c->mu);
	*c->dtail = d;
	c->dtail = &d->next;
	c->st.described++;
	pthread_mutex_unlock(&c->mu);
}

static void count(struct rec_ctr *c, uint64_t *what)
{
	pthread_mutex_lock(&c->mu);
	(*what)++;
	pthread_mutex_unlock(&c->mu);
}

/* One GET; 1 answered (body set), 0 not here, counted as it failed. */
static int ask(struct rec_ctr *c, size_t s, const char *path, char **body, size_t *len)
{
	int rc = rec_http_get(c->socks[s].path, path, c->timeout_ms, body, len);

	if (rc == REC_HTTP_TIMEOUT) {
		count(c, &c->st.timeouts);
		c->backoff_until[s] =
		    sr_time_now(CLOCK_MONOTONIC) + REC_CTR_BACKOFF_S * 1000000000ull;
		return 0;
	}
	if (rc == REC_HTTP_BAD)
		count(c, &c->st.bad_answers);
	if (rc == 200)
		return 1;
	free(*body);
	*body = NULL;
	return 0;
}

/* Describes id from socket s: 1 done, 0 not there (or failed, counted). */
static int describe_from(struct rec_ctr *c, size_t s, const char *id, uint64_t t0)
{
	static const char *const docker[] = {"/containers/%s/json", NULL};
	static const char *const podman[] = {"/v4.0.0/libpod/containers/%s/json",
					     "/containers/%s/json", NULL};
	const char *const *paths = strcmp(c->socks[s].type, "podman") ? docker : podman;
	struct evt_rec hdr;
	struct sr_err err;
	char path[256], *body = NULL;
	size_t len;

	for (size_t i = 0; paths[i]; i++) {
		const void *rec;
		size_t rlen;
		int rc;

		if (c->backoff_until[s] > sr_time_now(CLOCK_MONOTONIC)) {
			count(c, &c->st.skipped);
			return 0;
		}
		snprintf(path, sizeof(path), paths[i], id);
		if (!ask(c, s, path, &body, &len))
			continue;
		memset(&hdr, 0, sizeof(hdr));
		hdr.ts = sr_time_now(CLOCK_REALTIME);
		snprintf(hdr.comm, sizeof(hdr.comm), "sysrec");
		rc = rec_ctr_json_record(body, len, c->socks[s].type, id, &hdr, &c->b, &err);
		free(body);
		body = NULL;
		if (rc) {
			count(c, &c->st.bad_answers);
			continue;
		}
		rec = evt_builder_finish(&c->b, &rlen);
		if (!rec)
			return 0;
		push_done(c, rec, rlen, t0);
		return 1;
	}
	return 0;
}

static void describe(struct rec_ctr *c, const struct req *r)
{
	size_t order[REC_CTR_MAX_SOCKS], n = 0;

	if (set_add(&c->described, hash_id(r->id)) == 1)
		return;
	/* the socket the cgroup path points at first */
	for (size_t s = 0; s < c->nsocks; s++)
		if (!strcmp(c->socks[s].type, r->hint))
			order[n++] = s;
	for (size_t s = 0; s < c->nsocks; s++)
		if (strcmp(c->socks[s].type, r->hint))
			order[n++] = s;
	for (size_t i = 0; i < n; i++)
		if (describe_from(c, order[i], r->id, r->t0))
			return;
	set_del(&c->described, hash_id(r->id));
	count(c, &c->st.not_found);
}

struct list_ctx {
	struct rec_ctr *c;
	size_t sock;
};

static void listed(void *ctx, const char *id)
{
	struct list_ctx *l = ctx;

	if (set_add(&l->c->described, hash_id(id)) == 1)
		return;
	if (!describe_from(l->c, l->sock, id, 0))
		set_del(&l->c->described, hash_id(id));
}

/* At start: every running container of every socket. */
static void list_all(struct rec_ctr *c)
{
	for (size_t s = 0; s < c->nsocks && !c->stop; s++) {
		struct list_ctx l = {.c = c, .sock = s};
		char *body = NULL;
		size_t len;

		if (!ask(c, s, "/containers/json", &body, &len))
			continue;
		if (rec_ctr_json_ids(body, len, listed, &l))
			count(c, &c->st.bad_answers);
		free(body);
	}
}

static void *worker(void *arg)
{
	struct rec_ctr *c = arg;

	list_all(c);
	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		struct req r;

		if (!c->qn) {
			pthread_cond_wait(&c->cv, &c->mu);
			continue;
		}
		r = c->q[c->qh];
		c->qh = (c->qh + 1) % REC_CTR_QUEUE;
		c->qn--;
		pthread_mutex_unlock(&c->mu);
		describe(c, &r);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

int rec_ctr_wake_fd(const struct rec_ctr *c)
{
	return c ? c->wake_fd : -1;
}

int rec_ctr_start(struct rec_ctr **out, const struct rec_ctr_sock *socks, size_t n, int timeout_ms,
		  struct rec_cg *cg, struct sr_err *err)
{
	struct rec_ctr *c = calloc(1, sizeof(*c));
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (!c)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->dtail = &c->dhead;
	c->wake_fd = -1;
	c->cg = cg;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 2000;
	evt_builder_init(&c->b);
	for (size_t i = 0; i < n && c->nsocks < REC_CTR_MAX_SOCKS; i++) {
		if (!socks[i].path || !socks[i].path[0] ||
		    strlen(socks[i].path) >= sizeof(c->paths[0]))
			continue;
		strcpy(c->paths[c->nsocks], socks[i].path);
		c->socks[c->nsocks].type = socks[i].type;
		c->socks[c->nsocks].path = c->paths[c->nsocks];
		c->nsocks++;
	}
	*out = c;
	if (!c->nsocks)
		return 0;
	/* without it, descriptions wait for the consumer's next timeout */
	c->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* the worker takes no signal: SIGINT and friends must reach the thread
	 * that waits on the rings, so a stop is seen at once */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->th, NULL, worker, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		rec_ctr_free(c);
		*out = NULL;
		return sr_err_set(err, SR_ENOMEM, "cannot start the container metadata thread");
	}
	c->started = 1;
	return 0;
}

void rec_ctr_note(struct rec_ctr *c, uint64_t cgroup_id, uint32_t pid)
{
	char id[65], pod[64];
	const char *path;
	uint64_t h;

	if (!c || !c->started || cgroup_id == c->last_cg)
		return;
	c->last_cg = cgroup_id;
	if (!cgroup_id || set_add(&c->cg_seen, cgroup_id) == 1)
		return;
	path = rec_cg_path(c->cg, cgroup_id, pid);
	if (!path && rec_cg_retry(c->cg, cgroup_id)) {
		/* not resolvable from this record: from a later one */
		set_del(&c->cg_seen, cgroup_id);
		c->last_cg = 0;
		return;
	}
	if (!path || !st_container_from_cgroup(path, id, pod))
		return;
	h = hash_id(id);
	if (set_add(&c->id_seen, h) == 1)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->qn == REC_CTR_QUEUE) {
		c->st.queue_full++;
		pthread_mutex_unlock(&c->mu);
		/* asked again on a later record of that cgroup */
		set_del(&c->cg_seen, cgroup_id);
		set_del(&c->id_seen, h);
		c->last_cg = 0;
		return;
	}
	struct req *r = &c->q[(c->qh + c->qn) % REC_CTR_QUEUE];
	memcpy(r->id, id, sizeof(r->id));
	snprintf(r->hint, sizeof(r->hint), "%s",
		 strstr(path, "libpod")	  ? "podman"
		 : strstr(path, "docker") ? "docker"
					  : "");
	r->t0 = sr_time_now(CLOCK_MONOTONIC);
	c->qn++;
	c->st.queued++;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

size_t rec_ctr_take(struct rec_ctr *c, int (*fn)(void *ctx, const void *rec, size_t len), void *ctx)
{
	struct done *d, *next;
	uint64_t now;
	size_t n = 0;

	if (!c)
		return 0;
	if (c->wake_fd >= 0) {
		eventfd_t v;

		eventfd_read(c->wake_fd, &v); /* fails when nothing was signalled */
	}
	pthread_mutex_lock(&c->mu);
	d = c->dhead;
	c->dhead = NULL;
	c->dtail = &c->dhead;
	pthread_mutex_unlock(&c->mu);
	now = d ? sr_time_now(CLOCK_MONOTONIC) : 0;
	for (; d; d = next) {
		next = d->next;
		if (d->t0) {
			uint64_t lat = now - d->t0;

			pthread_mutex_lock(&c->mu);
			if (c->st.lat_n < sizeof(c->st.lat_ns) / sizeof(c->st.lat_ns[0]))
				c->st.lat_ns[c->st.lat_n] = lat;
			c->st.lat_n++;
			c->st.lat_sum += lat;
			if (lat > c->st.lat_max)
				c->st.lat_max = lat;
			pthread_mutex_unlock(&c->mu);
		}
		fn(ctx, d->rec, d->len);
		free(d);
		n++;
	}
	return n;
}

void rec_ctr_stop(struct rec_ctr *c)
{
	if (!c || !c->started)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	c->started = 0;
}

void rec_ctr_get_stats(const struct rec_ctr *c, struct rec_ctr_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
	pthread_mutex_lock((pthread_mutex_t *)&c->mu);
	*out = c->st;
	pthread_mutex_unlock((pthread_mutex_t *)&c->mu);
}

void rec_ctr_free(struct rec_ctr *c)
{
	struct done *d, *next;

	if (!c)
		return;
	rec_ctr_stop(c);
	for (d = c->dhead; d; d = next) {
		next = d->next;
		free(d);
	}
	free(c->described.k);
	free(c->cg_seen.k);
	free(c->id_seen.k);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	evt_builder_free(&c->b);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void rec_ctr_report(const struct rec_ctr *c, int verbose)
{
	static struct rec_ctr_stats s;
	size_t n;

	if (!c)
		return;
	rec_ctr_get_stats(c, &s);
	if (!verbose && !s.timeouts && !s.bad_answers && !s.queue_full)
		return;
	fprintf(stderr,
		"sysrec: containers: %llu asked about, %llu described, %llu not found; runtime API "
		"timeouts %llu, "
		"bad answers %llu, lookups skipped after a timeout %llu, queue full %llu\n",
		(unsigned long long)s.queued, (unsigned long long)s.described,
		(unsigned long long)s.not_found, (unsigned long long)s.timeouts,
		(unsigned long long)s.bad_answers, (unsigned long long)s.skipped,
		(unsigned long long)s.queue_full);
	n = s.lat_n < sizeof(s.lat_ns) / sizeof(s.lat_ns[0])
		? s.lat_n
		: sizeof(s.lat_ns) / sizeof(s.lat_ns[0]);
	if (!verbose || !n)
		return;
	qsort(s.lat_ns, n, sizeof(s.lat_ns[0]), cmp_u64);
	fprintf(stderr,
		"sysrec: container description after first sight: %zu containers, p50 %.2f ms, "
		"p99 %.2f ms, max %.2f ms\n",
		n, (double)s.lat_ns[n / 2] / 1e6, (double)s.lat_ns[(n * 99) / 100] / 1e6,
		(double)s.lat_max / 1e6);
}
