/* fmt_pipe.c: the replay pipeline's parallel stage.
 *
 * Design. A .sysrec chunk is an independent zstd frame with its own crc,
 * SHA-256 digest (2.1) and a thread-context table that starts empty, so
 * everything up to expanded records can be done for chunk i + 1..i + depth
 * while the reader's thread consumes chunk i:
 *
 *   workers (shared pool: --threads N - 1,  reader's thread (one per run)
 *   and a reader's thread while it waits)
 *   pread, header checks, crc, digest,  →   hash and digest chain links,
 *   zstd, wire → in-memory records          records in order → merge →
 *                                           state → window → filter → emit
 *
 * What stays serial, and why. The chains link each chunk to the one before
 * it: the worker computes a chunk's own values and the reader compares
 * neighbours (a few bytes each), in the order a one-thread read checks
 * them, so a damaged file gives the same message at every thread count.
 * The state engine is inherently ordered (a close names the fd an earlier
 * open made), and so are the merge of several files, the time window,
 * evt.num, -n and the output order. They all run on the reader's thread.
 *
 * Bounds. Each reader keeps at most `depth` loads in flight and at most
 * FMT_PIPE_BUDGET bytes of them (beyond the first), whatever the chunk
 * sizes; the worker pool is shared by all readers (a rotated set read and
 * merged prefetches from every file at once, with depth split between
 * them by the caller), so threads do not grow with files.
 *
 * 8-64 cores. Measured here (bench/threads.sh, 5M synthetic events, 2
 * cores): a state-free filter or count runs on the loading threads too
 * (replay/rpl_keep.c: each record tested as it is expanded, only the
 * matches handed over, counts summed per chunk), so the run's thread has
 * nothing of its own to do but take chunks and mostly loads, and the scan
 * scales with the threads until the disk or the pool's lock (a few times
 * per chunk of ~7000 events) limits it; listing matches costs the run's
 * thread only their formatting. With state (alerts, state-dependent
 * filters) the run's thread keeps about 0.45 s of the 1.1 s one thread
 * needs for the Falco stable rules: the walk of every record (its first
 * touch of records another core wrote; a record screened out comes header
 * only where state reads no parameter of it), state (about half) and the
 * rules of the 8% of events the workers could not screen out. The workers
 * mark the events no rule can match from the record alone
 * (rule_set_may_match), the fd an open makes included where the record
 * decides it (an absolute path: the fd the state adds is the record's,
 * fld_ctx_fd_from_record; the run's thread checks the state has it); what
 * stays is rules on execve (parent and ancestors) and on connect/sendto
 * (proc.exe). Output formatting is under 1% of it (a few thousand alerts),
 * so moving it buys nothing. Evaluating the remaining rules on workers
 * over a snapshot of the state fields they read (fld_needs) does not pay:
 * measured, an eager snapshot of every state field the candidate rules
 * read (conditions and outputs) costs the run's thread 0.75 s, twice the
 * 0.35 s of rules it would have moved (a rule reads a few fields before
 * its condition fails, a snapshot must take all); sharding rules over
 * threads needs the state as of each event too. At 2 threads the run
 * needs 1.1-1.2x the CPU of one (the screen, and records crossing cores:
 * a record handed over header only is stored header only), spread over
 * both cores: the run's thread loads whenever it would wait, so neither
 * core idles and none is shared by two threads.
 * With more cores the run's thread bounds it, at about 2.4x: the next step
 * is state itself (st_*), then files with disjoint hosts replayed by
 * separate state threads. Memory: one load is about 3 MiB for a 1 MiB
 * chunk; the depth per reader is capped (rpl_threads.c: 2 per thread, at
 * most 32, split between files) and so is the byte budget, so 64 threads
 * stay within the RSS budget (29 MiB peak at -J 2, 38 MiB at -J 4 over a
 * 1 GiB capture).
 */
#include "fmt_pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

enum { SLOT_FREE, SLOT_QUEUED, SLOT_BUSY, SLOT_DONE, SLOT_HELD };

#define PIPE_DEPTH_MAX 64
#define PIPE_KEEP_BUF  (8u << 20) /* larger buffers are freed when a slot is reused */

struct fmt_pipe {
	const struct fmt_pipe_ops *ops;
	void *ctx;
	size_t nitems;
	size_t next;   /* next item the prediction would schedule */
	unsigned cap;  /* slots (depth) */
	unsigned head; /* ring: slots in request order */
	unsigned n;
	struct fmt_load *ring[PIPE_DEPTH_MAX];
	struct fmt_load slot[PIPE_DEPTH_MAX];
	struct fmt_pipe *prev_p, *next_p; /* the pool's list */
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	unsigned want, started, depth;
	uint64_t order;
	struct fmt_pipe *pipes;
} pool = {PTHREAD_MUTEX_INITIALIZER,
	  PTHREAD_COND_INITIALIZER,
	  PTHREAD_COND_INITIALIZER,
	  0,
	  0,
	  2,
	  0,
	  NULL};

void fmt_pipe_configure(unsigned workers, unsigned depth)
{
	pthread_mutex_lock(&pool.mu);
	pool.want = workers;
	pool.depth = depth < 1 ? 1 : depth > PIPE_DEPTH_MAX ? PIPE_DEPTH_MAX : depth;
	pthread_mutex_unlock(&pool.mu);
}

unsigned fmt_pipe_workers(void)
{
	return pool.want;
}

void fmt_load_release(struct fmt_load *l)
{
	ZSTD_freeDCtx(l->dctx);
	free(l->comp);
	free(l->raw);
	free(l->mem);
	free(l->kept);
	fmt_wire_dec_free(&l->wire);
	l->dctx = NULL;
	l->comp = l->raw = l->mem = NULL;
	l->kept = NULL;
	l->comp_cap = l->raw_cap = l->mem_cap = l->kept_cap = 0;
}

/* The oldest queued load over all readers: chunks are consumed roughly in
 * the order they were asked for. Called with the lock held. */
static struct fmt_load *pick(void)
{
	struct fmt_load *best = NULL;

	for (struct fmt_pipe *p = pool.pipes; p; p = p->next_p)
		for (unsigned k = 0; k < p->n; k++) {
			struct fmt_load *l = p->ring[(p->head + k) % p->cap];

			if (l->state == SLOT_QUEUED && (!best || l->order < best->order))
				best = l;
		}
	return best;
}

/* Loads l (picked, queued) outside the lock, on whichever thread calls:
 * a worker, or a take waiting for its chunk. Lock held on entry and exit. */
static void run_load(struct fmt_load *l)
{
	struct fmt_pipe *p = l->owner;

	l->state = SLOT_BUSY;
	pthread_mutex_unlock(&pool.mu);
	p->ops->work(p->ctx, l);
	pthread_mutex_lock(&pool.mu);
	l->state = SLOT_DONE;
	pthread_cond_broadcast(&pool.done);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pool.mu);
	for (;;) {
		struct fmt_load *l = pick();

		if (l)
			run_load(l);
		else
			pthread_cond_wait(&pool.work, &pool.mu);
	}
	return NULL;
}

/* Starts workers up to the configured count (they live as long as the
 * process, blocked when there is nothing to load). Lock held. */
static int pool_start(void)
{
	while (pool.started < pool.want) {
		pthread_attr_t a;
		pthread_t t;
		int rc;

		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		rc = pthread_create(&t, &a, worker, NULL);
		pthread_attr_destroy(&a);
		if (rc)
			return pool.started ? 0 : -1;
		pool.started++;
	}
	return 0;
}

struct fmt_pipe *fmt_pipe_new(const struct fmt_pipe_ops *ops, void *ctx, size_t nitems)
{
	struct fmt_pipe *p;

	if (!pool.want)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->ops = ops;
	p->ctx = ctx;
	p->nitems = nitems;
	pthread_mutex_lock(&pool.mu);
	if (pool_start()) {
		pthread_mutex_unlock(&pool.mu);
		free(p);
		return NULL; /* no threads: the reader loads by itself */
	}
	/* depth in flight plus the one the reader holds */
	p->cap = pool.depth + 1 > PIPE_DEPTH_MAX ? PIPE_DEPTH_MAX : pool.depth + 1;
	for (unsigned k = 0; k < p->cap; k++)
		p->slot[k].owner = p;
	p->next_p = pool.pipes;
	if (pool.pipes)
		pool.pipes->prev_p = p;
	pool.pipes = p;
	pthread_mutex_unlock(&pool.mu);
	return p;
}

static struct fmt_load *free_slot(struct fmt_pipe *p)
{
	for (unsigned k = 0; k < p->cap; k++)
		if (p->slot[k].state == SLOT_FREE)
			return &p->slot[k];
	return NULL;
}

/* Lock held. Queues item i in a free slot (there is one: callers check n). */
static void schedule(struct fmt_pipe *p, size_t i)
{
	struct fmt_load *l = free_slot(p);

	if (l->comp_cap > PIPE_KEEP_BUF || l->raw_cap > PIPE_KEEP_BUF ||
	    l->mem_cap > PIPE_KEEP_BUF || l->kept_cap * sizeof(*l->kept) > PIPE_KEEP_BUF)
		fmt_load_release(l);
	l->idx = i;
	l->cost = p->ops->cost(p->ctx, i);
	l->order = pool.order++;
	l->state = SLOT_QUEUED;
	p->ring[(p->head + p->n) % p->cap] = l;
	p->n++;
	pthread_cond_broadcast(&pool.work);
}

/* Lock held. Predicted items after the last scheduled, while slots and the
 * byte budget allow (always one, however large). */
static void fill(struct fmt_pipe *p)
{
	size_t bytes = 0;

	for (unsigned k = 0; k < p->n; k++)
		bytes += p->ring[(p->head + k) % p->cap]->cost;
	while (p->n < p->cap && p->next < p->nitems) {
		size_t c;

		if (!p->ops->wanted(p->ctx, p->next)) {
			p->next++;
			continue;
		}
		c = p->ops->cost(p->ctx, p->next);
		if (p->n && bytes + c > FMT_PIPE_BUDGET)
			break;
		bytes += c;
		schedule(p, p->next++);
	}
}

/* Lock held. Drops every load of p but keep (NULL: none): queued ones at
 * once, running ones when their worker is done with them. keep, when
 * given, is the head of the ring and stays there alone. */
static void drain(struct fmt_pipe *p, struct fmt_load *keep)
{
	for (;;) {
		int busy = 0;

		for (unsigned k = 0; k < p->cap; k++) {
			struct fmt_load *l = &p->slot[k];

			if (l == keep)
				continue;
			if (l->state == SLOT_BUSY)
				busy = 1;
			else
				l->state = SLOT_FREE;
		}
		if (!busy)
			break;
		pthread_cond_wait(&pool.done, &pool.mu);
	}
	p->head = 0;
	p->n = 0;
	if (keep) {
		p->ring[0] = keep;
		p->n = 1;
	}
}

struct fmt_load *fmt_pipe_take(struct fmt_pipe *p, size_t i)
{
	struct fmt_load *l;

	pthread_mutex_lock(&pool.mu);
	if (p->n && p->ring[p->head]->state == SLOT_HELD) {
		p->ring[p->head]->state = SLOT_FREE;
		p->head = (p->head + 1) % p->cap;
		p->n--;
	}
	if (!p->n || p->ring[p->head]->idx != i) {
		/* Not what was predicted (a seek, a jump to a snapshot): start
		 * over from i, which is loaded whether or not it is "wanted". */
		drain(p, NULL);
		schedule(p, i);
		p->next = i + 1;
	}
	fill(p);
	l = p->ring[p->head];
	/* Until it is loaded, the reader's thread loads too (that chunk when
	 * no worker took it yet, else the oldest one waiting), instead of
	 * leaving its core idle: with one thread fewer than cores in the
	 * pool, no core is shared and none waits while there is work. */
	while (l->state != SLOT_DONE) {
		struct fmt_load *o = pick();

		if (o)
			run_load(o);
		else
			pthread_cond_wait(&pool.done, &pool.mu);
	}
	l->state = SLOT_HELD;
	pthread_mutex_unlock(&pool.mu);
	return l;
}

void fmt_pipe_reset(struct fmt_pipe *p, size_t nitems)
{
	struct fmt_load *held = NULL;

	if (!p)
		return;
	pthread_mutex_lock(&pool.mu);
	if (p->n && p->ring[p->head]->state == SLOT_HELD)
		held = p->ring[p->head];
	drain(p, held);
	p->nitems = nitems;
	p->next = held ? held->idx + 1 : 0;
	pthread_mutex_unlock(&pool.mu);
}

void fmt_pipe_free(struct fmt_pipe *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&pool.mu);
	drain(p, NULL);
	if (p->prev_p)
		p->prev_p->next_p = p->next_p;
	else
		pool.pipes = p->next_p;
	if (p->next_p)
		p->next_p->prev_p = p->prev_p;
	pthread_mutex_unlock(&pool.mu);
	for (unsigned k = 0; k < p->cap; k++)
		fmt_load_release(&p->slot[k]);
	free(p);
}
