/* st_table.c: the thread table, process sharing, fork/exit/reap, lookups and stats. */
#include "st_int.h"

#include <stdlib.h>
#include <string.h>

#include "../common/sr_err.h"

static void proc_release_strings(struct st_state *st, struct st_proc *p)
{
	st_str_unref(st, p->exe);
	st_str_unref(st, p->exepath);
	st_str_unref(st, p->args);
	st_str_unref(st, p->cwd);
	st_str_unref(st, p->cgroup);
	st_str_unref(st, p->env);
	st_str_unref(st, p->container_id);
	st_str_unref(st, p->container_full_id);
	st_str_unref(st, p->pod_uid);
}

static struct st_proc *proc_new(struct st_state *st, uint32_t pid)
{
	struct st_proc *p = st_pool_get(&st->proc_pool);

	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->loginuid = UINT32_MAX; /* unset, as the kernel reports it */
	p->last_ts = st->last_ts;
	st->nprocs++;
	return p;
}

static void proc_put(struct st_state *st, struct st_proc *p)
{
	if (--p->ref)
		return;
	st_fd_clear(st, p);
	proc_release_strings(st, p);
	st->nprocs--;
	if (st->in_snap)
		st_snap_forget(st, p);
	st_garbage_kind(st, p, ST_G_PROC);
}

void st_proc_copy_from(struct st_state *st, struct st_proc *dst, const struct st_proc *src)
{
	proc_release_strings(st, dst);
	dst->ppid = src->ppid;
	dst->vpid = src->vpid;
	dst->uid = src->uid;
	dst->gid = src->gid;
	dst->euid = src->euid;
	dst->egid = src->egid;
	dst->loginuid = src->loginuid;
	dst->tty = src->tty;
	dst->flags = src->flags;
	dst->pidns = src->pidns;
	dst->mntns = src->mntns;
	dst->netns = src->netns;
	dst->exe_ino = src->exe_ino;
	dst->cap_eff = src->cap_eff;
	dst->exe = st_str_ref(src->exe);
	dst->exepath = st_str_ref(src->exepath);
	dst->args = st_str_ref(src->args);
	dst->args_len = src->args_len;
	dst->cwd = st_str_ref(src->cwd);
	dst->cgroup = st_str_ref(src->cgroup);
	dst->env = st_str_ref(src->env);
	dst->env_len = src->env_len;
	dst->container_id = st_str_ref(src->container_id);
	dst->container_full_id = st_str_ref(src->container_full_id);
	dst->pod_uid = st_str_ref(src->pod_uid);
	dst->cg_id = src->cg_id;
	st_proc_changed(dst);
}

static void proc_link(struct st_proc *p, struct st_thr *t)
{
	t->proc = p;
	p->ref++;
	t->pprev = NULL;
	t->pnext = p->threads;
	if (p->threads)
		p->threads->pprev = t;
	p->threads = t;
}

static void proc_unlink(struct st_thr *t)
{
	struct st_proc *p = t->proc;

	if (t->pprev)
		t->pprev->pnext = t->pnext;
	else if (p->threads == t)
		p->threads = t->pnext;
	if (t->pnext)
		t->pnext->pprev = t->pprev;
	t->pnext = t->pprev = NULL;
}

const struct st_thread *st_thr_view(const struct st_state *st, const struct st_thr *ct)
{
	/* The process fields live once in st_proc, so a chdir or setuid is
	 * applied once for all its threads; a thread's copy is refreshed when an
	 * event may have changed them since (st->vgen + p->gen), not on every
	 * lookup. */
	struct st_thr *t = (struct st_thr *)(uintptr_t)ct;
	struct st_thread *v = &t->pub;
	const struct st_proc *p = t->proc;
	uint32_t gen = st->vgen + p->gen;

	if (t->vgen == gen)
		return v;
	t->vgen = gen;

	v->pid = p->pid;
	v->ppid = p->ppid;
	v->vpid = p->vpid;
	v->uid = p->uid;
	v->gid = p->gid;
	v->euid = p->euid;
	v->egid = p->egid;
	v->loginuid = p->loginuid;
	v->tty = p->tty;
	v->flags = p->flags;
	v->pidns = p->pidns;
	v->mntns = p->mntns;
	v->netns = p->netns;
	v->exe = p->exe;
	v->exepath = p->exepath;
	v->args = p->args;
	v->args_len = p->args_len;
	v->cwd = p->cwd;
	v->cgroup = p->cgroup;
	v->container_id = p->container_id ? p->container_id : "host";
	v->container_full_id = p->container_full_id ? p->container_full_id : "host";
	v->pod_uid = p->pod_uid;
	v->env = p->env;
	v->env_len = p->env_len;
	v->exe_ino = p->exe_ino;
	v->cap_eff = p->cap_eff;
	return v;
}

static void exited_unlink(struct st_state *st, struct st_thr *t)
{
	if (!t->in_exited)
		return;
	if (t->xprev)
		t->xprev->xnext = t->xnext;
	else
		st->xhead = t->xnext;
	if (t->xnext)
		t->xnext->xprev = t->xprev;
	else
		st->xtail = t->xprev;
	t->xnext = t->xprev = NULL;
	t->in_exited = 0;
}

/* Frees t now (its memory through the garbage list). */
static void thr_destroy(struct st_state *st, struct st_thr *t)
{
	if (t->dead)
		return;
	t->dead = 1;
	exited_unlink(st, t);
	if (st_map_get(&st->thr, t->pub.tid) == t)
		st_map_del(&st->thr, t->pub.tid);
	proc_unlink(t);
	proc_put(st, t->proc);
	if (st->cur == t)
		st->cur = NULL;
	if (st->hot == t)
		st->hot = NULL;
	st->reaped_threads++;
	st_garbage_kind(st, t, ST_G_THR);
}

void st_thr_reap(struct st_state *st, struct st_thr *t)
{
	if (t->scratch)
		return;
	thr_destroy(st, t);
}

struct st_thr *st_thr_create(struct st_state *st, uint32_t tid, uint32_t pid, struct st_proc *proc)
{
	struct st_thr *t, *old;
	int oom = 0;

	t = st_pool_get(&st->thr_pool);
	if (!t)
		return NULL;
	memset(t, 0, sizeof(*t));
	if (!proc) {
		proc = proc_new(st, pid);
		if (!proc) {
			st_pool_put(&st->thr_pool, t);
			return NULL;
		}
	}
	t->pub.tid = tid;
	t->pub.vtid = tid;
	t->seen = st_seen_of(st->last_ts);
	proc_link(proc, t);
	old = st_map_put(&st->thr, tid, t, &oom);
	if (oom) {
		proc_unlink(t);
		proc_put(st, proc);
		st_garbage_kind(st, t, ST_G_THR);
		return NULL;
	}
	/* A tid reused while an old entry lingered: the old one is gone (the map
	 * now holds t, so thr_destroy leaves it alone). */
	if (old)
		thr_destroy(st, old);
	return t;
}

/* The overflow slot: serves one event when the table is full of live threads. */
static struct st_thr *scratch_thread(struct st_state *st, uint32_t tid, uint32_t pid)
{
	struct st_thr *t = &st->ovf;
	struct st_proc *p = &st->ovf_proc;

	st_fd_clear(st, p);
	proc_release_strings(st, p);
	memset(p, 0, sizeof(*p));
	p->ref = 1;
	p->loginuid = UINT32_MAX;
	p->pid = pid;
	memset(&t->pub, 0, sizeof(t->pub));
	t->pub.tid = tid;
	t->proc = p;
	t->vgen = 0; /* st->vgen + p->gen is 0 only after 2^32 changes: the view is refreshed */
	t->scratch = 1;
	t->partial = 1;
	return t;
}

static void fill_from_header(struct st_thr *t, const struct evt_rec *r)
{
	memcpy(t->pub.comm, r->comm, sizeof(t->pub.comm));
	t->pub.comm[sizeof(t->pub.comm) - 1] = '\0';
	t->pub.cgroup_id = r->cgroup_id;
}

/* memcmp(a, b, 15) != 0, as two 8-byte loads (every event asks). */
static inline int comm_differs(const char *ca, const char *cb)
{
	const uint8_t *a = (const uint8_t *)ca, *b = (const uint8_t *)cb;

	_Static_assert(sizeof(((struct st_thread *)0)->comm) == 16, "comm is 16 bytes");
	/* read little-endian: byte 15 is the second word's top byte, left out */
	return ((sr_rd64(a) ^ sr_rd64(b)) |
		((sr_rd64(a + 8) ^ sr_rd64(b + 8)) & 0x00ffffffffffffffull)) != 0;
}

struct st_thr *st_thr_from_header(struct st_state *st, const struct evt_rec *r)
{
	struct st_thr *t = st->hot;

	/* Events come in runs from one thread: try the last one first. */
	if (!t || t->pub.tid != r->tid)
		t = st_thr_find(st, r->tid);
	if (t) {
		struct st_proc *p = t->proc;

		/* Refresh what the header knows better than we do. comm changes
		 * with prctl(PR_SET_NAME) and exec; ppid with reparenting. */
		if (r->comm[0] && comm_differs(t->pub.comm, r->comm))
			fill_from_header(t, r);
		if (r->ppid && r->ppid != UINT32_MAX && p->ppid != r->ppid && p->pid == r->pid) {
			p->ppid = r->ppid;
			st_proc_changed(p);
		}
		if (r->cgroup_id && r->cgroup_id != t->pub.cgroup_id)
			t->pub.cgroup_id = r->cgroup_id;
		/* One compare per event: the container is looked up only when the
		 * process shows up in another cgroup than it was derived for. */
		if (__builtin_expect(r->cgroup_id != p->cg_id, 0) && r->cgroup_id)
			st_cg_header(st, p, r->cgroup_id);
		t->seen = st_seen_of(r->ts);
		p->last_ts = r->ts;
		st->hot = t;
		return t;
	}
	{
		struct st_thr *leader = NULL;
		struct st_proc *p = NULL;

		if (r->pid != r->tid) {
			leader = st_thr_find(st, r->pid);
			if (leader && leader->proc->pid == r->pid)
				p = leader->proc;
		}
		t = st_thr_create(st, r->tid, r->pid, p);
		if (t)
			st->hot = t;
		else
			t = scratch_thread(st, r->tid, r->pid);
		t->partial = 1;
		t->seen = st_seen_of(r->ts);
		t->proc->last_ts = r->ts;
		if (!p) {
			t->proc->ppid = r->ppid;
			t->proc->uid = t->proc->euid = r->uid;
			t->proc->gid = t->proc->egid = r->gid;
			t->proc->vpid = r->pid;
		}
		t->pub.vtid = r->tid;
		t->pub.start_ts = 0; /* unknown: it started before we saw it */
		fill_from_header(t, r);
		if (r->cgroup_id && r->cgroup_id != t->proc->cg_id)
			st_cg_header(st, t->proc, r->cgroup_id);
	}
	return t;
}

struct st_thr *st_thr_fork(struct st_state *st, struct st_thr *parent, uint32_t tid, uint32_t pid,
			   int is_thread, uint64_t ts)
{
	struct st_thr *t;

	if (parent && parent->pub.tid == tid)
		return NULL; /* a thread is not its own child (damaged input) */
	t = st_thr_find(st, tid);
	if (t && !t->partial && !t->pub.exited &&
	    (t->pub.start_ts == 0 || t->pub.start_ts + 5000000000ull > ts))
		return t; /* the same fork, seen from another event (procfork, then clone) */
	if (t && t->partial && !t->pub.exited && t->proc->pid == pid && parent) {
		/* We met the child before its fork event: now we know what it inherited. */
		if (!is_thread && t->proc != parent->proc && t->proc->ref == 1) {
			st_proc_copy_from(st, t->proc, parent->proc);
			if (!st_fd_count(t->proc))
				st_fd_copy_table(st, t->proc, parent->proc);
		}
		t->partial = 0;
		if (!t->pub.start_ts)
			t->pub.start_ts = ts;
		return t;
	}
	if (parent && is_thread && parent->proc->pid == pid && !parent->scratch) {
		t = st_thr_create(st, tid, pid, parent->proc);
	} else {
		t = st_thr_create(st, tid, pid, NULL);
		if (t && parent) {
			st_proc_copy_from(st, t->proc, parent->proc);
			t->proc->pid = pid;
			t->proc->ppid = parent->proc->pid;
			st_fd_copy_table(st, t->proc, parent->proc);
		}
	}
	if (!t)
		return NULL;
	if (parent) {
		memcpy(t->pub.comm, parent->pub.comm, sizeof(t->pub.comm));
		t->pub.cgroup_id = parent->pub.cgroup_id;
	}
	t->pub.start_ts = ts;
	t->partial = parent ? 0 : 1;
	return t;
}

void st_thr_mark_exited(struct st_state *st, struct st_thr *t, uint64_t ts)
{
	if (t->scratch || t->in_exited)
		return;
	t->pub.exited = 1;
	t->pub.exit_ts = ts;
	t->in_exited = 1;
	t->xnext = NULL;
	t->xprev = st->xtail;
	if (st->xtail)
		st->xtail->xnext = t;
	else
		st->xhead = t;
	st->xtail = t;
}

void st_thr_queue_reap(struct st_state *st, struct st_thr *t)
{
	if (t->scratch || t->reap)
		return;
	if (st->nreap == st->reap_cap) {
		size_t ncap = st->reap_cap ? st->reap_cap * 2 : 16;
		struct st_thr **n = realloc(st->reap, ncap * sizeof(*n));
		if (!n)
			return; /* reaped later by the grace sweep instead */
		st->reap = n;
		st->reap_cap = ncap;
	}
	t->reap = 1;
	st->reap[st->nreap++] = t;
}

void st_thr_reap_expired(struct st_state *st, uint64_t now)
{
	/* The list is in exit order, which is event-time order for one stream. */
	while (st->xhead && st->xhead->pub.exit_ts + ST_EXIT_GRACE_NS <= now)
		thr_destroy(st, st->xhead);
}

/* ---- limits: thread cap, fd cap, staleness sweep (at st_event_end only) ---- */

/* How long ago (in seen units) t was last active. A process leader counts as
 * active while any thread of its process is: parent lookups go through it. */
static uint32_t thr_age(const struct st_state *st, const struct st_thr *t)
{
	uint32_t now = st_seen_of(st->last_ts), age = now - t->seen;

	if (t->pub.tid == t->proc->pid) {
		uint32_t pa = now - st_seen_of(t->proc->last_ts);
		if (pa < age)
			age = pa;
	}
	return age;
}

/* Effective ages into t->eage: a thread's own, lowered to that of its
 * youngest descendant, so the ancestors of active threads (proc.aname,
 * apid chains) go last. Each walk up stops at an ancestor already as young:
 * O(threads) overall. */
static void compute_ages(struct st_state *st)
{
	for (uint32_t i = 0; i < st->thr.cap; i++) {
		struct st_thr *t = st->thr.slots[i].val;
		if (t)
			t->eage = thr_age(st, t);
	}
	for (uint32_t i = 0; i < st->thr.cap; i++) {
		struct st_thr *t = st->thr.slots[i].val, *a = t;
		if (!t)
			continue;
		for (int depth = 0; depth < 64; depth++) {
			uint32_t pp = a->proc->ppid;
			if (!pp || pp == a->proc->pid)
				break;
			a = st_thr_find(st, pp);
			if (!a || a->eage <= t->eage)
				break;
			a->eage = t->eage;
		}
	}
}

struct aged {
	uint32_t age;
	void *p;
};

static int cmp_older_first(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;

	return x->age > y->age ? -1 : x->age < y->age;
}

/* All threads, least recently active first (effective ages, compute_ages);
 * *n their number. NULL when out of memory. Caller frees. */
static struct aged *threads_by_age(struct st_state *st, size_t *n)
{
	struct aged *v = malloc((st->thr.n + 1) * sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	compute_ages(st);
	for (uint32_t i = 0; i < st->thr.cap; i++) {
		struct st_thr *t = st->thr.slots[i].val;
		if (t)
			v[(*n)++] = (struct aged){t->eage, t};
	}
	qsort(v, *n, sizeof(*v), cmp_older_first);
	return v;
}

/* Over the thread cap: exited threads go first (oldest exit first), then the
 * least recently seen (ancestors of active threads count as active).
 * Evicting down to 7/8 of the cap makes the O(n log n) ranking a rare,
 * amortised cost. */
static void evict_threads(struct st_state *st)
{
	size_t target = st->max_threads - st->max_threads / 8, n = 0, need;
	struct aged *v;

	while (st->thr.n > st->max_threads && st->xhead) {
		thr_destroy(st, st->xhead);
		st->evicted++;
	}
	if (st->thr.n <= st->max_threads)
		return;
	need = st->thr.n - target;
	v = threads_by_age(st, &n);
	if (!v)
		return;
	for (size_t i = 0; i < n && i < need; i++) {
		thr_destroy(st, v[i].p);
		st->evicted++;
	}
	free(v);
}

/* Over the total fd cap: the fd tables of the least recently seen processes
 * are dropped (their threads stay) until 7/8 of the cap. */
static void evict_fds(struct st_state *st)
{
	size_t target = st->max_fds_total - st->max_fds_total / 8, n = 0;
	uint32_t now = st_seen_of(st->last_ts);
	struct aged *v = malloc(st->thr.n * sizeof(*v));

	if (!v)
		return;
	for (uint32_t i = 0; i < st->thr.cap; i++) {
		struct st_thr *t = st->thr.slots[i].val;
		/* One entry per process: its first thread. */
		if (t && t->proc->threads == t && t->proc->fds.n)
			v[n++] = (struct aged){now - st_seen_of(t->proc->last_ts), t->proc};
	}
	qsort(v, n, sizeof(*v), cmp_older_first);
	for (size_t i = 0; i < n && st->nfd_ents > target; i++) {
		struct st_proc *p = v[i].p;
		st->evicted_fds += st_fd_count(p);
		st_fd_clear(st, p);
	}
	/* What is left is the overflow slot's (or shared beyond reach): clear it too. */
	if (st->nfd_ents > target)
		st_fd_clear(st, &st->ovf_proc);
	free(v);
}

/* Threads not seen for stale_ns of event time lost their exit (drops, a
 * capture started late): drop them, unless an active thread descends from
 * them (its proc.aname chain goes through them). Runs at most once per
 * stale_ns / 4 of event time and once per table-size worth of events, so
 * its O(threads) scan is amortised to O(1) per event. */
static void sweep_stale(struct st_state *st)
{
	uint32_t limit = (uint32_t)((st->stale_ns >> ST_SEEN_SHIFT) < UINT32_MAX / 2
					? st->stale_ns >> ST_SEEN_SHIFT
					: UINT32_MAX / 2);
	struct st_thr **v;
	size_t n = 0;

	st->sweep_events = st->events;
	v = malloc(st->thr.n * sizeof(*v));
	if (!v)
		return;
	compute_ages(st);
	for (uint32_t i = 0; i < st->thr.cap; i++) {
		struct st_thr *t = st->thr.slots[i].val;
		if (t && t->eage > limit)
			v[n++] = t;
	}
	for (size_t i = 0; i < n; i++)
		thr_destroy(st, v[i]);
	st->stale += n;
	free(v);
}

static void sweep_schedule(struct st_state *st)
{
	uint64_t step = st->stale_ns / 4;

	st->sweep_ts = st->last_ts;
	/* No sweep (0), or event time near its end: never due. */
	st->sweep_due =
	    !st->stale_ns || st->last_ts > UINT64_MAX - step ? UINT64_MAX : st->last_ts + step;
}

/* Over the long-string budget: pending releases first, then the least
 * recently seen threads one by one (their processes' args and env go with
 * the last thread) until 7/8 of it. Safe here: the event's pointers are
 * done with when st_event_end() applies the limits. */
static void evict_for_strings(struct st_state *st)
{
	size_t target = st->max_big_bytes - st->max_big_bytes / 8, n = 0;
	struct aged *v;

	st_garbage_flush(st);
	if (st->big_str_bytes <= st->max_big_bytes)
		return;
	v = threads_by_age(st, &n);
	if (!v)
		return;
	for (size_t i = 0; i < n && st->big_str_bytes > target; i++) {
		thr_destroy(st, v[i].p);
		st->evicted++;
		st_garbage_flush(st);
	}
	free(v);
}

void st_enforce_limits_slow(struct st_state *st)
{
	if (st->thr.n > st->max_threads)
		evict_threads(st);
	if (st->big_str_bytes > st->max_big_bytes)
		evict_for_strings(st);
	if (st->nfd_ents > st->max_fds_total)
		evict_fds(st);
	if (st->last_ts < st->sweep_due)
		return;
	if (!st->sweep_ts) {
		sweep_schedule(st); /* the first event: start counting from here */
	} else if (st->stale_ns && st->events - st->sweep_events >= st->thr.n) {
		sweep_stale(st);
		sweep_schedule(st);
	}
}

/* ---- public lookups ---- */

struct st_state *st_new(void)
{
	struct st_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->max_threads = ST_DEFAULT_MAX_THREADS;
	st->max_fds = ST_DEFAULT_MAX_FDS;
	st->max_fds_total = ST_DEFAULT_MAX_FDS_TOTAL;
	st->max_big_bytes = ST_DEFAULT_MAX_BIG_BYTES;
	st->stale_ns = ST_DEFAULT_STALE_NS;
	st->close_fd = -1;
	st->curfd_num = -1;
	st->vgen = 1;
	st_pool_init(&st->thr_pool, sizeof(struct st_thr), 64);
	st_pool_init(&st->proc_pool, sizeof(struct st_proc), 16);
	st_pool_init(&st->fd_pool, sizeof(struct st_fdent), 16);
	for (unsigned k = 1; k <= ST_STR_CLASSES; k++)
		st_pool_init(&st->str_pool[k], 16 * k, 16);
	/* Which parameter names the event's fd (EP_FD), resolved once from the schema. */
	for (unsigned i = 0; i < EVT_TYPE_MAX; i++) {
		int dfi;

		st->tflags[i] = evt_type_flags(i) | (evt_type_is_syscall(i) ? 0 : ST_TF_SCHED);
		st->path_param[i] = (int8_t)evt_param_role(i, EP_PATH, &dfi);
		st->dirfd_param[i] = (int8_t)dfi;
		st->flags_param[i] = (int8_t)evt_param_index(i, "flags");
	}
	st_set_fd_tables(st, 1);
	return st;
}

void st_set_fd_tables(struct st_state *st, int fd_tables)
{
	/* Off, no type is an fd event and none names an fd: st_event_begin
	 * then never touches an fd table, and st_event_fd finds nothing. */
	for (unsigned i = 0; i < EVT_TYPE_MAX; i++) {
		st->fd_param[i] = fd_tables ? (int8_t)evt_param_role(i, EP_FD, NULL) : -1;
		st->fd_event[i] = fd_tables ? (uint8_t)st_is_fd_event(i) : 0;
	}
}

static void free_thr_cb(void *ctx, uint64_t key, void *val)
{
	struct st_state *st = ctx;
	struct st_thr *t = val;

	(void)key;
	proc_unlink(t);
	proc_put(st, t->proc);
	st_garbage_kind(st, t, ST_G_THR);
	st_garbage_flush(st);
}

static void free_user_cb(void *ctx, uint64_t key, void *val)
{
	struct st_state *st = ctx;
	struct st_user *u = val;

	(void)key;
	st_str_unref(st, u->name);
	st_str_unref(st, u->home);
	st_str_unref(st, u->shell);
	st_garbage(st, u);
}

static void free_group_cb(void *ctx, uint64_t key, void *val)
{
	struct st_state *st = ctx;
	struct st_group *g = val;

	(void)key;
	st_str_unref(st, g->name);
	st_garbage(st, g);
}

void st_free(struct st_state *st)
{
	if (!st)
		return;
	st->in_snap = 0;
	st_map_free(&st->snap_procs);
	st_map_each(&st->thr, free_thr_cb, st);
	st_map_free(&st->thr);
	st_fd_clear(st, &st->ovf_proc);
	proc_release_strings(st, &st->ovf_proc);
	st_map_each(&st->users, free_user_cb, st);
	st_map_each(&st->groups, free_group_cb, st);
	st_map_free(&st->users);
	st_map_free(&st->groups);
	st_cg_free_all(st);
	st_ctr_free_all(st);
	st_garbage_flush(st);
	st_map_free(&st->strs);
	st_map_cache_release();
	free(st->garbage);
	free(st->reap);
	st_pool_destroy(&st->thr_pool);
	st_pool_destroy(&st->proc_pool);
	st_pool_destroy(&st->fd_pool);
	for (unsigned k = 1; k <= ST_STR_CLASSES; k++)
		st_pool_destroy(&st->str_pool[k]);
	free(st);
}

void st_set_limits(struct st_state *st, size_t max_threads, size_t max_fds_per_proc)
{
	if (max_threads)
		st->max_threads = max_threads;
	if (max_fds_per_proc)
		st->max_fds = max_fds_per_proc;
}

void st_set_limits_ext(struct st_state *st, const struct st_limits *l)
{
	st_set_limits(st, l->max_threads, l->max_fds_per_proc);
	if (l->max_fds_total)
		st->max_fds_total = l->max_fds_total;
	if (l->max_string_bytes)
		st->max_big_bytes = l->max_string_bytes;
	if (l->stale_ns) {
		st->stale_ns = l->stale_ns == UINT64_MAX ? 0 : l->stale_ns;
		if (st->sweep_ts)
			sweep_schedule(st);
	}
}

const struct st_thread *st_event_thread(const struct st_state *st)
{
	return st->cur ? st_thr_view(st, st->cur) : NULL;
}

const struct st_fd *st_event_fd(const struct st_state *st)
{
	if (st->curfd_lazy) {
		/* The lookup waits for its first reader (most events have none);
		 * its result is cached, so the state stays logically const. */
		struct st_state *w = (struct st_state *)st;

		w->curfd = st_fd_find(st->cur->proc, st->curfd_num);
		w->curfd_lazy = 0;
	}
	return st->curfd ? &st->curfd->pub : NULL;
}

int64_t st_event_fdnum(const struct st_state *st)
{
	return st->curfd_num;
}

const struct st_thread *st_thread_get(const struct st_state *st, uint32_t tid)
{
	struct st_thr *t = st_thr_find(st, tid);

	if (!t && st->cur && st->cur->scratch && st->cur->pub.tid == tid)
		t = st->cur;
	return t ? st_thr_view(st, t) : NULL;
}

const struct st_thread *st_thread_parent(const struct st_state *st, const struct st_thread *t)
{
	struct st_thr *p;

	if (!t || !t->ppid || t->ppid == t->pid)
		return NULL;
	/* ppid is the parent's tgid: its leader's tid. A leader that exited
	 * while other threads live on leaves the entry of any thread of it. */
	p = st_thr_find(st, t->ppid);
	if (!p || p->proc->pid != t->ppid)
		return NULL;
	return st_thr_view(st, p);
}

const struct st_fd *st_fd_get(const struct st_state *st, uint32_t pid, int64_t fd)
{
	struct st_thr *t = st_thr_find(st, pid);
	struct st_fdent *e;

	if (!t && st->cur && st->cur->proc->pid == pid)
		t = st->cur;
	if (!t || t->proc->pid != pid)
		return NULL;
	e = st_fd_find(t->proc, fd);
	return e ? &e->pub : NULL;
}

void st_thread_foreach(const struct st_state *st, int (*cb)(void *ctx, const struct st_thread *t),
		       void *ctx)
{
	size_t n;
	void **v = st_map_sorted(&st->thr, &n);

	for (size_t i = 0; i < n; i++)
		if (cb(ctx, st_thr_view(st, v[i])))
			break;
	free(v);
}

void st_fd_foreach(const struct st_state *st, uint32_t pid,
		   int (*cb)(void *ctx, const struct st_fd *fd), void *ctx)
{
	struct st_thr *t = st_thr_find(st, pid);
	size_t n;
	void **v;

	if (!t || t->proc->pid != pid)
		return;
	v = st_map_sorted(&t->proc->fds, &n);
	for (size_t i = 0; i < n; i++)
		if (cb(ctx, &((struct st_fdent *)v[i])->pub))
			break;
	free(v);
}

/* Slot arrays of all fd tables (each counted once). */
static size_t fd_map_bytes(const struct st_state *st)
{
	size_t b = 0;

	for (uint32_t i = 0; i < st->thr.cap; i++) {
		const struct st_thr *t = st->thr.slots[i].val;
		/* A shared table is counted by each sharer: an upper bound. */
		if (t && t->proc->threads == t)
			b += st_map_bytes(&t->proc->fds);
	}
	return b;
}

void st_get_stats(const struct st_state *st, struct st_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->threads = st->thr.n;
	out->fds = st->nfds;
	out->reaped_threads = st->reaped_threads;
	out->reaped_fds = st->reaped_fds;
	out->procs = st->nprocs;
	out->users = st->users.n;
	out->groups = st->groups.n;
	out->evicted_threads = st->evicted;
	out->events = st->events;
	out->evicted_fds = st->evicted_fds;
	out->stale_threads = st->stale;
	out->fd_entries = st->nfd_ents;
	out->mem_bytes = st_pool_bytes(&st->thr_pool) + st_pool_bytes(&st->proc_pool) +
			 st_pool_bytes(&st->fd_pool) + st->big_str_bytes + st_map_bytes(&st->thr) +
			 fd_map_bytes(st) + st_map_bytes(&st->strs) + st_map_bytes(&st->cgroups) +
			 st->cgroups.n * sizeof(struct st_cg);
	for (unsigned k = 1; k <= ST_STR_CLASSES; k++)
		out->mem_bytes += st_pool_bytes(&st->str_pool[k]);
}

/* ---- users and groups ---- */

const char *st_user_name(const struct st_state *st, uint32_t uid)
{
	const struct st_user *u = st_map_get(&st->users, uid);
	return u ? u->name : NULL;
}

const char *st_user_home(const struct st_state *st, uint32_t uid)
{
	const struct st_user *u = st_map_get(&st->users, uid);
	return u && u->home && u->home[0] ? u->home : NULL;
}

const char *st_user_shell(const struct st_state *st, uint32_t uid)
{
	const struct st_user *u = st_map_get(&st->users, uid);
	return u && u->shell && u->shell[0] ? u->shell : NULL;
}

const char *st_group_name(const struct st_state *st, uint32_t gid)
{
	const struct st_group *g = st_map_get(&st->groups, gid);
	return g ? g->name : NULL;
}
