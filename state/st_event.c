/* st_event.c: per-event dispatch: process lifecycle, identity, cwd; fd events
 * are in st_evfd.c and snapshot records in st_snap.c. */
#include "st_int.h"

#include <sched.h>
#include <string.h>

#include "../common/sr_err.h"

#ifndef CLONE_THREAD
#define CLONE_THREAD 0x00010000
#endif

/* The clone family of syscalls (the procfork tracepoint carries its child in
 * parameters instead). */
static int is_clone(const struct st_state *st, unsigned type)
{
	return type < EVT_TYPE_MAX && (st->tflags[type] & (EF_FORK | ST_TF_SCHED)) == EF_FORK;
}

/* The clone-family event seen by the child (res 0): the header is the child. */
static void clone_child(struct st_state *st, const struct evt *ev)
{
	const struct evt_rec *r = ev->rec;
	struct st_thr *t = st_thr_find(st, r->tid), *parent;
	int is_thread = r->pid != r->tid;

	if (t && !t->partial && !t->pub.exited)
		return;
	if (is_thread) {
		parent = st_thr_find(st, r->pid);
		if (parent && parent->proc->pid != r->pid)
			parent = NULL;
	} else {
		parent = r->ppid ? st_thr_find(st, r->ppid) : NULL;
		if (parent && parent->proc->pid != r->ppid)
			parent = NULL;
	}
	if (parent)
		st_thr_fork(st, parent, r->tid, r->pid, is_thread, r->ts);
}

/* The clone-family event seen by the parent (res = child tid). */
static void clone_parent(struct st_state *st, struct st_thr *parent, const struct evt *ev)
{
	const struct evt_rec *r = ev->rec;
	/* clone's and clone3's first parameter; fork and vfork have none (0). */
	uint64_t flags = evt_param_u64(ev, 0);
	int is_thread = (flags & CLONE_THREAD) != 0;
	uint32_t child = (uint32_t)r->res;

	/* res is the child's id in the parent's pid namespace: only usable when
	 * that namespace is the initial one (procfork covers the rest). */
	if (parent->proc->vpid && parent->proc->vpid != parent->proc->pid)
		return;
	st_thr_fork(st, parent, child, is_thread ? parent->proc->pid : child, is_thread, r->ts);
}

static void proc_fork(struct st_state *st, const struct evt *ev)
{
	uint32_t ptid = (uint32_t)evt_param_u64(ev, 0), ctid = (uint32_t)evt_param_u64(ev, 1);
	uint32_t cpid = (uint32_t)evt_param_u64(ev, 2);
	uint64_t flags = evt_param_u64(ev, 3);
	struct st_thr *parent, *t;
	int is_thread;

	if (!ctid)
		return;
	if (!cpid)
		cpid = (flags & CLONE_THREAD) ? ev->rec->pid : ctid;
	parent = st_thr_find(st, ptid ? ptid : ev->rec->tid);
	if (!parent)
		parent = st->cur;
	is_thread = cpid != ctid || (flags & CLONE_THREAD);
	t = st_thr_fork(st, parent, ctid, cpid, is_thread, ev->rec->ts);
	if (!t)
		return;
	if (st_param_has(ev, 4))
		t->pub.vtid = (uint32_t)evt_param_u64(ev, 4);
	else
		t->pub.vtid = ctid;
	if (!is_thread) {
		t->proc->vpid = st_param_has(ev, 5) ? (uint32_t)evt_param_u64(ev, 5) : cpid;
		st_proc_changed(t->proc);
	}
}

/* Splits argv (NUL-separated) into argv[0] and the rest. The rest is stored
 * without its final NUL, so args_len counts the bytes between first and last. */
static void set_argv(struct st_state *st, struct st_proc *p, const uint8_t *a, uint32_t len)
{
	const char *s = (const char *)a;
	const char *nul = len ? memchr(s, '\0', len) : NULL;
	size_t l0 = nul ? (size_t)(nul - s) : len;
	size_t rest = nul ? len - l0 - 1 : 0;

	st_str_set(st, &p->exe, s, l0);
	while (rest && s[l0 + rest] == '\0')
		rest--;
	st_str_set(st, &p->args, rest ? s + l0 + 1 : "", rest);
	p->args_len = rest;
}

static void set_env(struct st_state *st, struct st_proc *p, const uint8_t *a, uint32_t len)
{
	while (len && a[len - 1] == '\0')
		len--;
	st_str_set(st, &p->env, (const char *)a, len);
	p->env_len = len;
}

static void exec_common(struct st_state *st, struct st_thr *t, uint32_t old_tid)
{
	struct st_proc *p = t->proc;

	/* A successful exec kills every other thread of the process; the exec'ing
	 * thread takes the leader's tid. */
	for (struct st_thr *o = p->threads; o; o = o->pnext)
		if (o != t)
			st_thr_queue_reap(st, o);
	if (old_tid && old_tid != t->pub.tid) {
		struct st_thr *o = st_thr_find(st, old_tid);
		if (o && o != t)
			st_thr_queue_reap(st, o);
	}
	st_fd_drop_cloexec(st, p);
	t->partial = 0;
}

static void exec_event(struct st_state *st, struct st_thr *t, const struct evt *ev)
{
	const struct evt_rec *r = ev->rec;
	struct st_proc *p = t->proc;
	/* execveat is execve's parameters after a dirfd: o is the filename's index. */
	int dfi, fi = evt_param_role(r->type, EP_PATH, &dfi);
	unsigned o = fi > 0 ? (unsigned)fi : 0;
	uint32_t len;
	const char *s;

	if (r->res != 0)
		return;
	exec_common(st, t, 0);
	if (st_param_has(ev, o + 1))
		set_argv(st, p, ev->p[o + 1], ev->plen[o + 1]);
	if (st_param_has(ev, o + 3)) {
		s = st_param_str(ev, o + 3, &len);
		st_str_set(st, &p->cwd, s, len);
	}
	if (st_param_has(ev, o + 2)) {
		s = st_param_str(ev, o + 2, &len);
		st_str_set(st, &p->exepath, s, len);
	} else if (st_param_has(ev, o)) {
		size_t n;
		int64_t dirfd = dfi >= 0 ? evt_param_s64(ev, (unsigned)dfi) : -100;
		s = st_resolve_path(st, p, dirfd, ev->p[o], ev->plen[o], &n);
		if (s)
			st_str_set(st, &p->exepath, s, n);
	}
	if (!p->exe || !p->exe[0]) {
		/* No argv: name it after the file, as a shell would. */
		const char *e = p->exepath ? strrchr(p->exepath, '/') : NULL;
		if (e)
			st_str_set(st, &p->exe, e + 1, strlen(e + 1));
	}
	if (st_param_has(ev, o + 4))
		p->tty = (uint32_t)evt_param_u64(ev, o + 4);
	if (st_param_has(ev, o + 5))
		p->loginuid = (uint32_t)evt_param_u64(ev, o + 5);
	if (st_param_has(ev, o + 6))
		p->uid = (uint32_t)evt_param_u64(ev, o + 6);
	if (st_param_has(ev, o + 7))
		p->gid = p->egid = (uint32_t)evt_param_u64(ev, o + 7);
	if (st_param_has(ev, o + 8))
		p->euid = (uint32_t)evt_param_u64(ev, o + 8);
	if (st_param_has(ev, o + 9))
		set_env(st, p, ev->p[o + 9], ev->plen[o + 9]);
	if (evt_param_present(ev, o + 10))
		p->flags = (uint32_t)evt_param_u64(ev, o + 10);
	if (st_param_has(ev, o + 11))
		p->cap_eff = evt_param_u64(ev, o + 11);
}

static void proc_exec(struct st_state *st, struct st_thr *t, const struct evt *ev)
{
	struct st_proc *p = t->proc;
	uint32_t len;
	size_t n;
	const char *s;

	exec_common(st, t, (uint32_t)evt_param_u64(ev, 1));
	if (st_param_has(ev, 2))
		set_argv(st, p, ev->p[2], ev->plen[2]);
	if (st_param_has(ev, 0)) {
		s = st_param_str(ev, 0, &len);
		s = st_resolve_path(st, p, -100, (const uint8_t *)s, len, &n);
		if (s)
			st_str_set(st, &p->exepath, s, n);
	}
	if (st_param_has(ev, 3))
		p->exe_ino = evt_param_u64(ev, 3);
	if (evt_param_present(ev, 4))
		p->flags = (uint32_t)evt_param_u64(ev, 4);
}

/* set*id: setuid/setgid carry one id, the others (real, effective, ...). */
static void set_ids(uint32_t *real, uint32_t *eff, const struct evt *ev)
{
	const uint32_t keep = UINT32_MAX; /* -1: "leave unchanged" in set*id calls */
	const struct evt_info *info = evt_info_get(ev->rec->type);
	uint32_t a = (uint32_t)evt_param_u64(ev, 0), b = (uint32_t)evt_param_u64(ev, 1);

	if (info && info->nparams == 1) {
		/* Privileged callers set all ids; others only the effective one. */
		if (*eff == 0 || *real == a)
			*real = a;
		*eff = a;
		return;
	}
	if (a != keep)
		*real = a;
	if (b != keep && evt_param_present(ev, 1))
		*eff = b;
}

/* chdir names a path, fchdir an fd. */
static void set_cwd(struct st_state *st, struct st_proc *p, const struct evt *ev)
{
	int dfi, pi = evt_param_role(ev->rec->type, EP_PATH, &dfi);
	int fi = evt_param_role(ev->rec->type, EP_FD, NULL);

	if (pi >= 0 && st_param_has(ev, (unsigned)pi)) {
		size_t n;
		const char *s = st_resolve_path(st, p, -100, ev->p[pi], ev->plen[pi], &n);
		if (s)
			st_str_set(st, &p->cwd, s, n);
	} else if (fi >= 0) {
		struct st_fdent *e = st_fd_find(p, evt_param_s64(ev, (unsigned)fi));
		if (e && e->pub.name && e->pub.name[0] == '/')
			st_str_set(st, &p->cwd, e->pub.name, st_str_len(e->pub.name));
	}
}
/* Events that change a process or thread (the EF_ flags of ST_TF_LIFE):
 * out of line, as most events are fd or plain syscalls. The scheduler
 * tracepoints carry their subject in parameters, not in the header, so they
 * have handlers of their own. */
static __attribute__((noinline)) void lifecycle(struct st_state *st, struct st_thr *t,
						const struct evt *ev, unsigned f)
{
	const struct evt_rec *r = ev->rec;
	int sched = (f & ST_TF_SCHED) != 0;

	if (f & EF_FORK) {
		if (sched)
			proc_fork(st, ev);
		else if (r->res > 0 && r->res <= INT32_MAX && !(r->flags & EVT_RF_ENTER_ONLY))
			clone_parent(st, t, ev);
	} else if (f & EF_EXEC) {
		if (sched)
			proc_exec(st, t, ev);
		else
			exec_event(st, t, ev);
	} else if (f & EF_EXIT) {
		st_thr_mark_exited(st, t, r->ts);
		/* procexit is the kernel's last word on the thread: reap it. */
		if (sched)
			st_thr_queue_reap(st, t);
	} else if (f & EF_EXIT_GROUP) {
		for (struct st_thr *o = t->proc->threads; o; o = o->pnext)
			st_thr_mark_exited(st, o, r->ts);
	} else if (f & EF_CWD) {
		if (r->res == 0)
			set_cwd(st, t->proc, ev);
	} else if (f & EF_SETUID) {
		if (r->res == 0)
			set_ids(&t->proc->uid, &t->proc->euid, ev);
	} else if (f & EF_SETGID) {
		if (r->res == 0)
			set_ids(&t->proc->gid, &t->proc->egid, ev);
	}
	/* Each case changes the header thread's process at most: other views
	 * stay valid. A fork's child is new (its view not copied yet) or a
	 * thread met earlier whose process st_proc_copy_from fills and marks. */
	st_proc_changed(t->proc);
}

int st_type_reads_params_ex(unsigned type, int fd_tables)
{
	const struct evt_info *ei = evt_info_get(type);
	const unsigned act = EF_FORK | EF_EXEC | EF_EXIT | EF_EXIT_GROUP | EF_CWD | EF_SETUID |
			     EF_SETGID | (fd_tables ? EF_FD_TABLE : 0);

	if (!ei || ei->category == EC_META || (type >= EVT_DROP && type <= EVT_SNAP_END) ||
	    type == EVT_CGROUPINFO)
		return 1;
	return (evt_type_flags(type) & act) != 0;
}

int st_type_reads_params(unsigned type)
{
	return st_type_reads_params_ex(type, 1);
}

void st_event_begin(struct st_state *st, const struct evt *ev)
{
	const struct evt_rec *r = ev->rec;
	struct st_thr *t;
	unsigned type, f;
	int8_t fp;

	st->ev = ev;
	st->cur = NULL;
	st->curfd = NULL;
	st->curfd_num = -1;
	st->curfd_lazy = 0;
	st->close_fd = -1;
	st->events++;
	if (!r)
		return;
	if (r->ts > st->last_ts)
		st->last_ts = r->ts;
	type = r->type;
	if (type >= EVT_DROP && type <= EVT_SNAP_END) {
		st_snap_apply(st, ev);
		st_views_stale(st);
		return;
	}
	if (is_clone(st, type) && r->res == 0 && !(r->flags & EVT_RF_ENTER_ONLY))
		clone_child(st, ev);
	/* Before the header lookup: the record names its own header's cgroup. */
	if (type == EVT_CGROUPINFO)
		st_cg_info(st, ev);
	/* A description of a container, not of a thread: no header lookup. */
	if (type == EVT_CONTAINERINFO) {
		st_ctr_info(st, ev);
		return;
	}
	t = st->cur = st_thr_from_header(st, r);

	/* Dispatch on what the schema says the event does (EF_ flags). */
	if (type >= EVT_TYPE_MAX)
		return; /* a type id the schema cannot have: header only */
	f = st->tflags[type];
	if (__builtin_expect(f & ST_TF_LIFE, 0)) {
		lifecycle(st, t, ev, f);
	} else {
		/* fd events change fd tables only: thread views stay valid. */
		if (st->fd_event[type])
			st_apply_fd_begin(st, ev);
	}
	/* The fd the event names, unless an fd-creating call already set it. */
	fp = st->fd_param[type];
	if (!st->curfd && st->curfd_num < 0 && fp >= 0 && (unsigned)fp < ev->nparams) {
		st->curfd_num = evt_param_s64(ev, (unsigned)fp);
		/* looked up by st_event_fd, if anyone asks */
		st->curfd_lazy = st->cur != NULL;
	}
}

void st_event_end(struct st_state *st, const struct evt *ev)
{
	if (st->close_fd >= 0 && st->cur)
		st_fd_remove(st, st->cur->proc, st->close_fd);
	for (size_t i = 0; i < st->nreap; i++) {
		struct st_thr *t = st->reap[i];
		t->reap = 0;
		st_thr_reap(st, t);
	}
	st->nreap = 0;
	if (ev && ev->rec && st->xhead)
		st_thr_reap_expired(st, ev->rec->ts);
	st_enforce_limits(st);
	st->cur = NULL;
	st->curfd = NULL;
	st->curfd_num = -1;
	st->curfd_lazy = 0;
	st->close_fd = -1;
	st->ev = NULL;
	st_garbage_flush(st);
}
