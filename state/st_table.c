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
	struct st_proc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->pid = pid;
	p->loginuid = UINT32_MAX; /* unset, as the kernel reports it */
	st->nprocs++;
	return p;
}

static void proc_put(struct st_state *st, struct st_proc *p)
{
	if (--p->ref)
		return;
	st_fd_clear(st, p);
	st_map_free(&p->fds);
	proc_release_strings(st, p);
	st->nprocs--;
	st_garbage(st, p);
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

struct st_thr *st_thr_find(const struct st_state *st, uint32_t tid)
{
	return st_map_get(&st->thr, tid);
}

const struct st_thread *st_thr_view(const struct st_thr *ct)
{
	/* Views are refreshed on every lookup: the process fields live once in
	 * st_proc, so a chdir or setuid is applied once for all its threads. */
	struct st_thr *t = (struct st_thr *)(uintptr_t)ct;
	struct st_thread *v = &t->pub;
	const struct st_proc *p = t->proc;

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
	st->reaped_threads++;
	st_garbage(st, t);
}

void st_thr_reap(struct st_state *st, struct st_thr *t)
{
	if (t->scratch)
		return;
	thr_destroy(st, t);
}

static int make_room(struct st_state *st)
{
	if (st->thr.n < st->max_threads)
		return 0;
	/* Evict the oldest exited thread; live threads are never dropped. */
	if (st->xhead && st->xhead != st->cur) {
		thr_destroy(st, st->xhead);
		st->evicted++;
		return 0;
	}
	return -1;
}

struct st_thr *st_thr_create(struct st_state *st, uint32_t tid, uint32_t pid, struct st_proc *proc)
{
	struct st_thr *t, *old;
	int oom = 0;

	if (make_room(st))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (!proc) {
		proc = proc_new(st, pid);
		if (!proc) {
			free(t);
			return NULL;
		}
	}
	t->pub.tid = tid;
	t->pub.vtid = tid;
	proc_link(proc, t);
	old = st_map_put(&st->thr, tid, t, &oom);
	if (oom) {
		proc_unlink(t);
		proc_put(st, proc);
		free(t);
		return NULL;
	}
	if (old) {
		/* A tid reused while an old entry lingered: the old one is gone. */
		old->dead = 1;
		exited_unlink(st, old);
		proc_unlink(old);
		proc_put(st, old->proc);
		if (st->cur == old)
			st->cur = NULL;
		st->reaped_threads++;
		st_garbage(st, old);
	}
	return t;
}

/* The overflow slot: serves one event when the table is full of live threads. */
static struct st_thr *scratch_thread(struct st_state *st, uint32_t tid, uint32_t pid)
{
	struct st_thr *t = &st->ovf;
	struct st_proc *p = &st->ovf_proc;
	struct st_map fds;

	st_fd_clear(st, p);
	proc_release_strings(st, p);
	fds = p->fds; /* keep the (now empty) fd map's allocation */
	memset(p, 0, sizeof(*p));
	p->fds = fds;
	p->ref = 1;
	p->loginuid = UINT32_MAX;
	p->pid = pid;
	memset(&t->pub, 0, sizeof(t->pub));
	t->pub.tid = tid;
	t->proc = p;
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

struct st_thr *st_thr_from_header(struct st_state *st, const struct evt_rec *r)
{
	struct st_thr *t = st_thr_find(st, r->tid);

	if (t) {
		/* Refresh what the header knows better than we do. comm changes
		 * with prctl(PR_SET_NAME) and exec; ppid with reparenting. */
		if (r->comm[0] && memcmp(t->pub.comm, r->comm, sizeof(t->pub.comm) - 1) != 0)
			fill_from_header(t, r);
		if (r->ppid && t->proc->ppid != r->ppid && t->proc->pid == r->pid)
			t->proc->ppid = r->ppid;
		if (r->cgroup_id && r->cgroup_id != t->pub.cgroup_id)
			t->pub.cgroup_id = r->cgroup_id;
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
		if (!t)
			t = scratch_thread(st, r->tid, r->pid);
		t->partial = 1;
		if (!p) {
			t->proc->ppid = r->ppid;
			t->proc->uid = t->proc->euid = r->uid;
			t->proc->gid = t->proc->egid = r->gid;
			t->proc->vpid = r->pid;
		}
		t->pub.vtid = r->tid;
		t->pub.start_ts = 0; /* unknown: it started before we saw it */
		fill_from_header(t, r);
	}
	return t;
}

struct st_thr *st_thr_fork(struct st_state *st, struct st_thr *parent, uint32_t tid, uint32_t pid,
			   int is_thread, uint64_t ts)
{
	struct st_thr *t = st_thr_find(st, tid);

	if (t && !t->partial && !t->pub.exited &&
	    (t->pub.start_ts == 0 || t->pub.start_ts + 5000000000ull > ts))
		return t; /* the same fork, seen from another event (procfork, then clone) */
	if (t && t->partial && !t->pub.exited && t->proc->pid == pid && parent) {
		/* We met the child before its fork event: now we know what it inherited. */
		if (!is_thread && t->proc != parent->proc && t->proc->ref == 1) {
			st_proc_copy_from(st, t->proc, parent->proc);
			if (!t->proc->fds.n)
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

/* ---- public lookups ---- */

struct st_state *st_new(void)
{
	struct st_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->max_threads = ST_DEFAULT_MAX_THREADS;
	st->max_fds = ST_DEFAULT_MAX_FDS;
	st->close_fd = -1;
	st->curfd_num = -1;
	/* Which parameter names the event's fd, resolved once from the schema. */
	for (unsigned i = 0; i < EVT_TYPE_MAX; i++) {
		const struct evt_info *info = evt_info_get(i);
		st->fd_param[i] = -1;
		if (!info)
			continue;
		for (unsigned k = 0; k < info->nparams; k++)
			if (info->params[k].type == PT_FD && strcmp(info->params[k].name, "fd") == 0) {
				st->fd_param[i] = (int8_t)k;
				break;
			}
	}
	return st;
}

static void free_thr_cb(void *ctx, uint64_t key, void *val)
{
	struct st_state *st = ctx;
	struct st_thr *t = val;

	(void)key;
	proc_unlink(t);
	proc_put(st, t->proc);
	st_garbage(st, t);
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
	st_map_each(&st->thr, free_thr_cb, st);
	st_map_free(&st->thr);
	if (st->ovf_proc.ref) {
		st_fd_clear(st, &st->ovf_proc);
		st_map_free(&st->ovf_proc.fds);
		proc_release_strings(st, &st->ovf_proc);
	}
	st_map_each(&st->users, free_user_cb, st);
	st_map_each(&st->groups, free_group_cb, st);
	st_map_free(&st->users);
	st_map_free(&st->groups);
	st_garbage_flush(st);
	free(st->garbage);
	free(st->reap);
	free(st);
}

void st_set_limits(struct st_state *st, size_t max_threads, size_t max_fds_per_proc)
{
	if (max_threads)
		st->max_threads = max_threads;
	if (max_fds_per_proc)
		st->max_fds = max_fds_per_proc;
}

const struct st_thread *st_event_thread(const struct st_state *st)
{
	return st->cur ? st_thr_view(st->cur) : NULL;
}

const struct st_fd *st_event_fd(const struct st_state *st)
{
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
	return t ? st_thr_view(t) : NULL;
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
	return st_thr_view(p);
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

void st_thread_foreach(const struct st_state *st,
		       int (*cb)(void *ctx, const struct st_thread *t), void *ctx)
{
	size_t n;
	void **v = st_map_sorted(&st->thr, &n);

	for (size_t i = 0; i < n; i++)
		if (cb(ctx, st_thr_view(v[i])))
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
