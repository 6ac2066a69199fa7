/* st_snap.c: snapshot records in (PROCINFO, FDINFO, USERINFO, GROUPINFO between
 * SNAP_BEGIN and SNAP_END) and out (st_snapshot_emit).
 *
 * A complete snapshot replaces the table: entries not listed between BEGIN
 * and END are dropped at END, and a listed process keeps only the fds listed
 * for it. A snapshot cut short (no END) only adds and updates. */
#include "st_int.h"

#include "../format/evt_container.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../common/sr_err.h"
#include "../format/evt_snap.h"

static void set_param_str(struct st_state *st, const char **slot, const struct evt *ev, unsigned i)
{
	uint32_t len;
	const char *s = st_param_str(ev, i, &len);

	st_str_set(st, slot, s, len);
}

/* Strings of a PT_STRARRAY without the final NUL(s); *len set. */
static const char *strarray(const struct evt *ev, unsigned i, size_t *len)
{
	uint32_t l;
	const char *s = st_param_str(ev, i, &l);

	while (l && s[l - 1] == '\0')
		l--;
	*len = l;
	return s;
}

static struct st_proc *snap_proc(struct st_state *st, uint32_t pid)
{
	struct st_thr *t;
	struct st_proc *p = st->in_snap ? st_map_get(&st->snap_procs, pid) : NULL;

	if (p)
		return p;
	t = st_thr_find(st, pid);
	if (t && t->proc->pid == pid && !t->pub.exited)
		return t->proc;
	return NULL;
}

static void snap_remember(struct st_state *st, struct st_proc *p)
{
	if (!st->in_snap || p->snap_gen == st->snap_gen)
		return;
	p->snap_gen = st->snap_gen;
	st_map_put(&st->snap_procs, p->pid, p, NULL);
}

static void set_container(struct st_state *st, struct st_proc *p, const struct evt *ev)
{
	char id[65], pod[64];
	uint32_t len;
	const char *s;

	if (p->cgroup && st_container_from_cgroup(p->cgroup, id, pod)) {
		st_str_set(st, &p->container_full_id, id, 64);
		st_str_set(st, &p->container_id, id, 12);
		st_str_set(st, &p->pod_uid, pod, strlen(pod));
	} else if (st_param_has(ev, 10)) {
		/* No container in the cgroup path: trust what the writer derived. */
		s = st_param_str(ev, 10, &len);
		st_str_set(st, &p->container_full_id, s, len);
		st_str_set(st, &p->container_id, s, len > 12 ? 12 : len);
	} else {
		st_str_set(st, &p->container_full_id, "host", 4);
		st_str_set(st, &p->container_id, "host", 4);
	}
	if (st_param_has(ev, 11))
		set_param_str(st, &p->pod_uid, ev, 11);
	else if (!p->pod_uid)
		st_str_set(st, &p->pod_uid, "", 0);
}

/* A description outside a snapshot is a thread met at its birth (a scap
 * clone event): a new process starts where its parent is, so with no cwd
 * of its own it takes the parent's, as sysdig does. */
static void inherit_cwd(struct st_state *st, struct st_proc *p, uint32_t ppid)
{
	const struct st_thr *pt = ppid && ppid != p->pid ? st_thr_find(st, ppid) : NULL;

	if (pt && pt->proc->pid == ppid && pt->proc->cwd && pt->proc->cwd[0])
		st_str_set(st, &p->cwd, pt->proc->cwd, strlen(pt->proc->cwd));
}

static void procinfo(struct st_state *st, const struct evt *ev)
{
	const struct evt_rec *r = ev->rec;
	struct st_thr *t = st_thr_find(st, r->tid);
	struct st_proc *p;
	const char *s;
	size_t n;

	if (t && (t->proc->pid != r->pid || t->pub.exited))
		t = NULL;
	if (!t) {
		p = snap_proc(st, r->pid);
		t = st_thr_create(st, r->tid, r->pid, p);
		if (!t) {
			st->cur = st_thr_from_header(st, r); /* table full: scratch slot */
			return;
		}
	}
	st->cur = t;
	p = t->proc;
	snap_remember(st, p);
	/* Listed means alive now: not stale, not least recently seen. */
	t->seen = st_seen_of(r->ts);
	p->last_ts = r->ts;
	t->snap_gen = st->snap_gen;
	t->partial = 0;
	memcpy(t->pub.comm, r->comm, sizeof(t->pub.comm));
	t->pub.comm[sizeof(t->pub.comm) - 1] = '\0';
	t->pub.cgroup_id = r->cgroup_id;
	t->pub.start_ts = evt_param_u64(ev, 8);
	t->pub.vtid = st_param_has(ev, 13) ? (uint32_t)evt_param_u64(ev, 13) : r->tid;
	p->ppid = r->ppid;
	p->uid = r->uid;
	p->gid = r->gid;
	p->euid = st_param_has(ev, 6) ? (uint32_t)evt_param_u64(ev, 6) : r->uid;
	p->egid = st_param_has(ev, 7) ? (uint32_t)evt_param_u64(ev, 7) : r->gid;
	p->tty = (uint32_t)evt_param_u64(ev, 4);
	p->loginuid = st_param_has(ev, 5) ? (uint32_t)evt_param_u64(ev, 5) : UINT32_MAX;
	p->vpid = st_param_has(ev, 12) ? (uint32_t)evt_param_u64(ev, 12) : r->pid;
	p->pidns = evt_param_u64(ev, 14);
	p->mntns = evt_param_u64(ev, 15);
	p->netns = evt_param_u64(ev, 16);
	p->flags = (uint32_t)evt_param_u64(ev, 17);
	set_param_str(st, &p->exe, ev, 0);
	set_param_str(st, &p->exepath, ev, 1);
	s = strarray(ev, 2, &n);
	st_str_set(st, &p->args, s, n);
	p->args_len = n;
	/* Threads share their process's working directory; an empty one is
	 * a describer that could not read it (a scap clone event of a new
	 * thread), never a directory: it does not replace a known one. */
	if (st_param_has(ev, 3) || !p->cwd)
		set_param_str(st, &p->cwd, ev, 3);
	if ((!p->cwd || !p->cwd[0]) && !st->in_snap)
		inherit_cwd(st, p, r->ppid);
	set_param_str(st, &p->cgroup, ev, 9);
	set_container(st, p, ev);
	/* Later headers naming the same id need no lookup; headers of other
	 * processes in that cgroup find it in the map. */
	p->cg_id = r->cgroup_id;
	st_cg_learn(st, p, r->cgroup_id);
	s = strarray(ev, 18, &n);
	st_str_set(st, &p->env, n ? s : NULL, n);
	p->env_len = n;
}

static void fdinfo(struct st_state *st, const struct evt *ev)
{
	const struct evt_rec *r = ev->rec;
	struct st_thr *t = st_thr_find(st, r->tid);
	struct st_proc *p = t && t->proc->pid == r->pid ? t->proc : snap_proc(st, r->pid);
	struct st_fdent *e;
	uint32_t len;
	const char *name;
	int64_t fd = evt_param_s64(ev, 0);

	if (!p) {
		t = st_thr_from_header(st, r);
		t->snap_gen = st->snap_gen; /* listed, if only through its fds */
		p = t->proc;
	}
	st->cur = t && t->proc == p ? t : p->threads;
	snap_remember(st, p);
	if (fd < 0 || !evt_param_present(ev, 0))
		return;
	name = st_param_str(ev, 2, &len);
	e = st_fd_add(st, p, fd, (enum evt_fdtype)evt_param_u64(ev, 1), name, len);
	if (!e)
		return;
	e->pub.flags = (uint32_t)evt_param_u64(ev, 4);
	if (st_param_has(ev, 3)) {
		st_fd_set_tuple(st, &e->pub, ev->p[3], ev->plen[3]);
		if ((e->pub.family == AF_INET || e->pub.family == AF_INET6)) {
			static const uint8_t z[16];
			/* Unconnected: bound or listening means server; the role of a
			 * connected socket is inferred at SNAP_END from listeners. */
			if (e->pub.rport == 0 && memcmp(e->pub.rip, z, 16) == 0)
				e->pub.is_server = e->pub.lport ? 1 : 2;
		}
	}
	if (st_param_has(ev, 5))
		e->pub.ino = evt_param_u64(ev, 5);
	st->curfd = e;
	st->curfd_num = fd;
}

static void userinfo(struct st_state *st, const struct evt *ev)
{
	uint32_t uid = (uint32_t)evt_param_u64(ev, 0);
	struct st_user *u = st_map_get(&st->users, uid);

	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return;
		int oom = 0;
		st_map_put(&st->users, uid, u, &oom);
		if (oom) {
			free(u);
			return;
		}
	}
	u->uid = uid;
	u->gid = (uint32_t)evt_param_u64(ev, 1);
	set_param_str(st, &u->name, ev, 2);
	set_param_str(st, &u->home, ev, 3);
	set_param_str(st, &u->shell, ev, 4);
}

static void groupinfo(struct st_state *st, const struct evt *ev)
{
	uint32_t gid = (uint32_t)evt_param_u64(ev, 0);
	struct st_group *g = st_map_get(&st->groups, gid);

	if (!g) {
		int oom = 0;
		g = calloc(1, sizeof(*g));
		if (!g)
			return;
		st_map_put(&st->groups, gid, g, &oom);
		if (oom) {
			free(g);
			return;
		}
	}
	g->gid = gid;
	set_param_str(st, &g->name, ev, 1);
}

/* Listeners are matched within a network namespace: the same port may be
 * listened on in one namespace and be a client's local port in another
 * (containers). The holder's netns stands for the socket's; namespace
 * inodes are 32-bit, and 0 (unknown, e.g. imported captures) is one more
 * namespace. */
static uint64_t listen_key(const struct st_proc *p, const struct st_fd *f)
{
	return (uint64_t)(uint32_t)p->netns << 32 | (uint64_t)f->l4proto << 16 | f->lport;
}

static void snap_end(struct st_state *st)
{
	struct st_map listen = {0};
	size_t n;
	void **v;

	if (!st->in_snap)
		return;
	/* Threads the snapshot did not list are gone (still in_snap: a process
	 * freed with them leaves snap_procs). */
	v = st_map_sorted(&st->thr, &n);
	for (size_t i = 0; i < n; i++) {
		struct st_thr *t = v[i];
		if (t->snap_gen != st->snap_gen)
			st_thr_reap(st, t);
	}
	free(v);
	st->in_snap = 0;
	/* Listed processes keep only their listed fds. */
	v = st_map_sorted(&st->snap_procs, &n);
	for (size_t i = 0; i < n; i++) {
		struct st_proc *p = v[i];
		size_t nf;
		void **f;

		if (!p->fds.n)
			continue;
		f = st_map_sorted(&p->fds, &nf);
		for (size_t k = 0; k < nf; k++) {
			struct st_fdent *e = f[k];
			if (e->snap_gen != st->snap_gen)
				st_fd_remove(st, p, e->pub.fd);
			else if (e->pub.is_server == 1 && e->pub.rport == 0 && e->pub.lport)
				st_map_put(&listen, listen_key(p, &e->pub), e, NULL);
		}
		free(f);
	}
	/* A connected socket whose local port something listens on is the
	 * server side (accepted); otherwise the client. */
	for (size_t i = 0; i < n; i++) {
		struct st_proc *p = v[i];
		int owned = 0;

		for (uint32_t k = 0; k < p->fds.cap; k++) {
			struct st_fdent *e = p->fds.slots[k].val;
			if (!e || e->pub.is_server != 2 || e->pub.rport == 0 ||
			    (e->pub.family != AF_INET && e->pub.family != AF_INET6))
				continue;
			if (!owned) {
				/* About to change entries: make the table this process's own
				 * (same capacity, same slots) and look again. */
				if (st_fdtab_w(st, p))
					break;
				owned = 1;
				e = p->fds.slots[k].val;
			}
			e->pub.is_server = st_map_get(&listen, listen_key(p, &e->pub)) ? 1 : 0;
			if (!e->pub.name || !e->pub.name[0])
				st_fd_rename_socket(st, &e->pub);
		}
	}
	free(v);
	st_map_free(&listen);
	st_map_free(&st->snap_procs);
}

void st_snap_forget(struct st_state *st, struct st_proc *p)
{
	if (st_map_get(&st->snap_procs, p->pid) == p)
		st_map_del(&st->snap_procs, p->pid);
}

void st_snap_apply(struct st_state *st, const struct evt *ev)
{
	switch (ev->rec->type) {
	case EVT_SNAP_BEGIN:
		st->snap_gen++;
		if (!st->snap_gen)
			st->snap_gen = 1; /* 0 is what entries made outside snapshots carry */
		st->in_snap = 1;
		st_map_free(&st->snap_procs);
		break;
	case EVT_SNAP_END:
		snap_end(st);
		break;
	case EVT_PROCINFO:
		procinfo(st, ev);
		break;
	case EVT_FDINFO:
		fdinfo(st, ev);
		break;
	case EVT_USERINFO:
		userinfo(st, ev);
		break;
	case EVT_GROUPINFO:
		groupinfo(st, ev);
		break;
	default:
		break;
	}
}

/* ---- emit ---- */

struct emit_ctx {
	const struct st_state *st;
	struct evt_builder b;
	uint64_t ts;
	int (*emit)(void *ctx, const void *rec, size_t len);
	void *ctx;
	int rc;
};

static int finish(struct emit_ctx *c)
{
	size_t len;
	const void *rec;

	if (c->rc)
		return c->rc;
	rec = evt_builder_finish(&c->b, &len);
	if (!rec)
		return c->rc = SR_ENOMEM;
	c->rc = c->emit(c->ctx, rec, len);
	return c->rc;
}

static void hdr_of(struct emit_ctx *c, struct evt_rec *h, const struct st_thr *t)
{
	const struct st_thread *v = st_thr_view(c->st, t);

	memset(h, 0, sizeof(*h));
	h->ts = c->ts;
	h->pid = v->pid;
	h->tid = v->tid;
	h->ppid = v->ppid;
	h->uid = v->uid;
	h->gid = v->gid;
	h->cgroup_id = v->cgroup_id;
	memcpy(h->comm, v->comm, sizeof(h->comm));
}

/* A string array for the wire, where every string ends with a NUL: st
 * stores it without the final one. *own gets the copy to free (NULL when
 * none was made; an allocation failure gives an empty parameter). */
static struct evt_bytes wire_strarray(const char *s, size_t len, char **own)
{
	struct evt_bytes v = {"", 0};

	*own = NULL;
	if (!s || !len || !(*own = malloc(len + 1)))
		return v;
	memcpy(*own, s, len);
	(*own)[len] = '\0';
	v.p = *own;
	v.len = len + 1;
	return v;
}

static int emit_thread(struct emit_ctx *c, const struct st_thr *t)
{
	struct evt_rec h;
	const struct st_thread *v;
	struct evt_procinfo r;
	char *args, *env;
	int rc;

	hdr_of(c, &h, t);
	v = st_thr_view(c->st, t);
	r = (struct evt_procinfo){
	    .exe = evt_str(v->exe),
	    .exepath = evt_str(v->exepath),
	    .args = wire_strarray(v->args, v->args_len, &args),
	    .cwd = evt_str(v->cwd),
	    .tty = v->tty,
	    .loginuid = v->loginuid,
	    .euid = v->euid,
	    .egid = v->egid,
	    .start_ts = v->start_ts,
	    .cgroup = evt_str(v->cgroup),
	    .container_id = evt_str(t->proc->container_full_id),
	    .pod_uid = evt_str(v->pod_uid),
	    .vpid = v->vpid,
	    .vtid = v->vtid,
	    .pidns = v->pidns,
	    .mntns = v->mntns,
	    .netns = v->netns,
	    .flags = v->flags,
	    .env = wire_strarray(v->env, v->env_len, &env),
	};
	evt_build_procinfo(&c->b, &h, &r);
	rc = finish(c);
	free(args);
	free(env);
	return rc;
}

static int emit_fd(struct emit_ctx *c, const struct evt_rec *h, const struct st_fd *f)
{
	uint8_t tuple[64];
	struct evt_fdinfo r = {
	    .fd = f->fd,
	    .type = f->type,
	    .name = evt_str(f->name),
	    .tuple = {tuple, st_fd_tuple_encode(f, tuple, sizeof(tuple))},
	    .flags = f->flags,
	    .ino = f->ino,
	};

	evt_build_fdinfo(&c->b, h, &r);
	return finish(c);
}

static int emit_fds(struct emit_ctx *c, const struct st_thr *t)
{
	struct evt_rec h;
	size_t n;
	void **v = st_map_sorted(&t->proc->fds, &n);

	if (t->proc->fds.n && !v)
		return c->rc = SR_ENOMEM;
	hdr_of(c, &h, t);
	for (size_t i = 0; i < n && !c->rc; i++)
		emit_fd(c, &h, &((struct st_fdent *)v[i])->pub);
	free(v);
	return c->rc;
}

static int emit_marker(struct emit_ctx *c, unsigned type, uint64_t n)
{
	struct evt_rec h;

	memset(&h, 0, sizeof(h));
	h.ts = c->ts;
	evt_builder_begin(&c->b, type, &h);
	evt_builder_add_u64(&c->b, n);
	return finish(c);
}

/* CONTAINERINFO as it was read, for the containers live threads are in: a
 * seek into the middle of a file knows them from the snapshot before it. */
static int emit_container(void *ctx, const struct st_container *k)
{
	struct emit_ctx *c = ctx;
	struct evt_rec h = {.ts = c->ts};
	struct evt_container d = {
	    .id = k->id,
	    .name = k->name,
	    .image = k->image,
	    .image_repo = k->image_repo,
	    .image_tag = k->image_tag,
	    .image_digest = k->image_digest,
	    .image_id = k->image_id,
	    .type = k->type,
	    .runtime = k->runtime,
	    .user = k->user,
	    .privileged = k->privileged,
	    .host_network = k->host_network,
	    .host_pid = k->host_pid,
	    .start_ts = k->start_ts,
	    .labels = k->labels,
	    .labels_len = k->labels_len,
	    .mounts = k->mounts,
	    .mounts_len = k->mounts_len,
	    .pod_labels = k->pod_labels,
	    .pod_labels_len = k->pod_labels_len,
	};

	evt_builder_begin(&c->b, EVT_CONTAINERINFO, &h);
	evt_container_add(&c->b, &d);
	finish(c);
	return c->rc != 0;
}

int st_snapshot_emit(const struct st_state *st, uint64_t ts_ns,
		     int (*emit)(void *ctx, const void *rec, size_t len), void *ctx)
{
	struct emit_ctx c = {.st = st, .ts = ts_ns, .emit = emit, .ctx = ctx};
	struct st_map done = {0};
	size_t n, live = 0;
	void **v = st_map_sorted(&st->thr, &n);

	if (st->thr.n && !v)
		return SR_ENOMEM;
	evt_builder_init(&c.b);
	for (size_t i = 0; i < n; i++)
		live += !((struct st_thr *)v[i])->pub.exited;
	emit_marker(&c, EVT_SNAP_BEGIN, live);
	/* Grouped by process, leader first, fds right after the process's threads,
	 * so a reader meets each process before its fds. */
	for (size_t i = 0; i < n && !c.rc; i++) {
		struct st_thr *t = v[i], *leader;
		struct st_proc *p = t->proc;
		int oom = 0;

		if (t->pub.exited || st_map_get(&done, (uint64_t)(uintptr_t)p))
			continue;
		st_map_put(&done, (uint64_t)(uintptr_t)p, p, &oom);
		if (oom) {
			c.rc = SR_ENOMEM;
			break;
		}
		leader = st_thr_find(st, p->pid);
		if (leader && leader->proc == p && !leader->pub.exited)
			emit_thread(&c, leader);
		else
			leader = NULL;
		for (struct st_thr *o = p->threads; o && !c.rc; o = o->pnext)
			if (o != leader && !o->pub.exited)
				emit_thread(&c, o);
		if (!c.rc)
			emit_fds(&c, leader ? leader : t);
	}
	free(v);
	st_map_free(&done);
	v = st_map_sorted(&st->users, &n);
	for (size_t i = 0; i < n && !c.rc; i++) {
		const struct st_user *u = v[i];
		struct evt_rec h = {.ts = ts_ns};
		evt_builder_begin(&c.b, EVT_USERINFO, &h);
		evt_builder_add_u64(&c.b, u->uid);
		evt_builder_add_u64(&c.b, u->gid);
		evt_builder_add_str(&c.b, u->name);
		evt_builder_add_str(&c.b, u->home);
		evt_builder_add_str(&c.b, u->shell);
		finish(&c);
	}
	free(v);
	v = st_map_sorted(&st->groups, &n);
	for (size_t i = 0; i < n && !c.rc; i++) {
		const struct st_group *g = v[i];
		struct evt_rec h = {.ts = ts_ns};
		evt_builder_begin(&c.b, EVT_GROUPINFO, &h);
		evt_builder_add_u64(&c.b, g->gid);
		evt_builder_add_str(&c.b, g->name);
		finish(&c);
	}
	free(v);
	if (!c.rc)
		st_container_foreach_live(st, emit_container, &c);
	if (!c.rc)
		emit_marker(&c, EVT_SNAP_END, live);
	evt_builder_free(&c.b);
	return c.rc;
}

int st_describe_emit(const struct st_state *st, uint32_t tid, const struct st_fd *fd,
		     uint64_t ts_ns, int (*emit)(void *ctx, const void *rec, size_t len), void *ctx)
{
	struct emit_ctx c = {.st = st, .ts = ts_ns, .emit = emit, .ctx = ctx};
	const struct st_thr *t = st_thr_find(st, tid);
	struct evt_rec h;

	if (!t)
		return 0;
	evt_builder_init(&c.b);
	if (fd) {
		hdr_of(&c, &h, t);
		emit_fd(&c, &h, fd);
	} else {
		emit_thread(&c, t);
	}
	evt_builder_free(&c.b);
	return c.rc;
}
