/* test_st_snap.c: table -> snapshot records -> new state gives an equal table. */
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>

#include "tests/tap.h"
#include "tests/unit/test_st_helpers.h"

struct recs {
	uint8_t *buf;
	size_t len, cap, n;
};

static int collect(void *ctx, const void *rec, size_t len)
{
	struct recs *r = ctx;

	if (r->len + len + 8 > r->cap) {
		size_t ncap = (r->cap ? r->cap : 4096) * 2;
		while (ncap < r->len + len + 8)
			ncap *= 2;
		uint8_t *nb = realloc(r->buf, ncap);
		if (!nb)
			return -1;
		r->buf = nb;
		r->cap = ncap;
	}
	memcpy(r->buf + r->len, rec, len);
	/* Records sit 8-byte aligned, as struct evt_rec wants to be read. */
	memset(r->buf + r->len + len, 0, ((len + 7) & ~(size_t)7) - len);
	r->len += (len + 7) & ~(size_t)7;
	r->n++;
	return 0;
}

static int feed(struct st_state *st, const struct recs *r)
{
	size_t off = 0;
	int n = 0;

	while (off < r->len) {
		struct evt ev;
		if (evt_decode(&ev, r->buf + off, r->len - off))
			return -1;
		st_event_begin(st, &ev);
		st_event_end(st, &ev);
		off += (ev.rec->len + 7) & ~(uint32_t)7;
		n++;
	}
	return n;
}

static int streq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

struct cmp_ctx {
	const struct st_state *other;
	int diffs;
	int threads;
	char first[256];
};

static void diff(struct cmp_ctx *c, const char *what, uint32_t tid)
{
	if (!c->diffs++)
		snprintf(c->first, sizeof(c->first), "%s differs for tid %u", what, tid);
}

struct fd_cmp {
	struct cmp_ctx *c;
	uint32_t pid;
	int n;
};

static int cmp_fd(void *ctx, const struct st_fd *a)
{
	struct fd_cmp *f = ctx;
	const struct st_fd *b = st_fd_get(f->c->other, f->pid, a->fd);

	f->n++;
	if (!b) {
		diff(f->c, "fd presence", f->pid);
		return 0;
	}
	if (a->type != b->type || !streq(a->name, b->name) || a->flags != b->flags ||
	    a->ino != b->ino || a->family != b->family || a->l4proto != b->l4proto ||
	    a->is_server != b->is_server || memcmp(a->lip, b->lip, 16) ||
	    memcmp(a->rip, b->rip, 16) || a->lport != b->lport || a->rport != b->rport)
		diff(f->c, "fd fields", f->pid);
	return 0;
}

static int cmp_thread(void *ctx, const struct st_thread *a)
{
	struct cmp_ctx *c = ctx;
	const struct st_thread *b = st_thread_get(c->other, a->tid);

	if (a->exited)
		return 0;
	c->threads++;
	if (!b) {
		diff(c, "presence", a->tid);
		return 0;
	}
	if (a->pid != b->pid || a->ppid != b->ppid || a->vtid != b->vtid || a->vpid != b->vpid)
		diff(c, "ids", a->tid);
	if (a->uid != b->uid || a->gid != b->gid || a->euid != b->euid || a->egid != b->egid ||
	    a->loginuid != b->loginuid)
		diff(c, "uids", a->tid);
	if (a->tty != b->tty || a->flags != b->flags || a->start_ts != b->start_ts ||
	    a->pidns != b->pidns || a->mntns != b->mntns || a->netns != b->netns ||
	    a->cgroup_id != b->cgroup_id)
		diff(c, "misc", a->tid);
	if (strcmp(a->comm, b->comm))
		diff(c, "comm", a->tid);
	if (!streq(a->exe, b->exe) || !streq(a->exepath, b->exepath) || !streq(a->cwd, b->cwd) ||
	    !streq(a->cgroup, b->cgroup) || !streq(a->container_id, b->container_id) ||
	    !streq(a->pod_uid, b->pod_uid))
		diff(c, "strings", a->tid);
	if (a->args_len != b->args_len || (a->args_len && memcmp(a->args, b->args, a->args_len)))
		diff(c, "args", a->tid);
	if (a->env_len != b->env_len || (a->env_len && memcmp(a->env, b->env, a->env_len)))
		diff(c, "env", a->tid);
	return 0;
}

/* Compares a against b both ways (a ⊆ b by fields, and equal counts). */
static int tables_equal(const struct st_state *a, const struct st_state *b, char *why, size_t cap)
{
	struct cmp_ctx c = {.other = b};
	struct st_stats sa, sb;

	st_thread_foreach(a, cmp_thread, &c);
	st_get_stats(a, &sa);
	st_get_stats(b, &sb);
	if (!c.diffs && sa.threads != sb.threads)
		snprintf(c.first, sizeof(c.first), "thread counts %" PRIu64 " vs %" PRIu64,
			 sa.threads, sb.threads),
		    c.diffs++;
	if (!c.diffs && sa.fds != sb.fds)
		snprintf(c.first, sizeof(c.first), "fd counts %" PRIu64 " vs %" PRIu64, sa.fds,
			 sb.fds),
		    c.diffs++;
	snprintf(why, cap, "%s", c.first);
	return c.diffs == 0;
}

struct fds_ctx {
	const struct st_state *a, *b;
	struct cmp_ctx *c;
};

static int cmp_proc_fds(void *ctx, const struct st_thread *t)
{
	struct fds_ctx *x = ctx;
	struct fd_cmp f = {x->c, t->pid, 0};

	if (t->tid == t->pid && !t->exited)
		st_fd_foreach(x->a, t->pid, cmp_fd, &f);
	return 0;
}

static struct st_state *busy_state(void)
{
	struct st_state *st = st_new();
	static const uint8_t me[4] = {127, 0, 0, 1}, peer[4] = {93, 184, 216, 34};
	uint8_t b[64];
	size_t n;

	ev_begin(EVT_SNAP_BEGIN, 0, 0, 0, 0);
	ev_u(0);
	ev_run(st);
	ev_procinfo(st, 1, 1, 0, "/sbin/init", "/usr/lib/systemd/systemd", "splash\0", 7, "/",
		    "/init.scope");
	ev_procinfo(st, 300, 300, 1, "containerd-shim", "/usr/bin/containerd-shim", "", 0, "/",
		    "/kubepods.slice/kubepods-pod1b2c3d4e_0000_1111_2222_333344445555.slice/"
		    "cri-containerd-"
		    "3f4e9d1c2b5a69788796a5b4c3d2e1f001122334455667788990aabbccddeeff.scope");
	ev_begin(EVT_SNAP_END, 0, 0, 0, 0);
	ev_u(0);
	ev_run(st);
	/* A process tree with threads, files, sockets, pipes. */
	for (uint32_t p = 0; p < 20; p++) {
		uint32_t pid = 1000 + p * 10, parent = p ? 1000 + (p - 1) * 10 : (p % 2 ? 300 : 1);
		char argv[64];
		int al;

		ev_begin(EVT_PROC_FORK, parent, parent, 0, 0);
		ev_u(parent);
		ev_u(pid);
		ev_u(pid);
		ev_u(0);
		ev_u(pid);
		ev_u(pid);
		ev_run(st);
		al = snprintf(argv, sizeof(argv), "worker%u%c--id=%u%c-v", p, 0, p, 0);
		ev_begin(EVT_EXECVE, pid, pid, parent, 0);
		ev_str("/opt/w");
		ev_bytes(argv, (size_t)al + 1);
		ev_str("/opt/w");
		ev_str("/srv");
		ev_u(p);
		ev_u(1000 + p);
		ev_u(1000);
		ev_u(100);
		ev_u(p % 3 ? 1000 : 0);
		ev_bytes("HOME=/root\0PATH=/bin\0", 21);
		ev_u(p % 2);
		ev_u(0);
		ev_run(st);
		ev_begin(EVT_PROC_FORK, pid, pid, 0, 0);
		ev_u(pid);
		ev_u(pid + 1);
		ev_u(pid);
		ev_u(CLONE_THREAD);
		ev_u(pid + 1);
		ev_u(pid);
		ev_run(st);
		ev_begin(EVT_OPENAT, pid, pid + 1, parent, 3);
		ev_s(-100);
		ev_str("data/file.db");
		ev_u(O_RDWR | O_CLOEXEC);
		ev_u(0);
		ev_run(st);
		ev_begin(EVT_SOCKET, pid, pid, parent, 4);
		ev_u(2);
		ev_u(1);
		ev_u(0);
		ev_run(st);
		ev_begin(EVT_CONNECT, pid, pid, parent, 0);
		ev_s(4);
		n = sockaddr4(b, peer, 443);
		ev_bytes(b, n);
		n = tuple4(b, me, (uint16_t)(40000 + p), peer, 443, 6);
		ev_bytes(b, n);
		ev_run(st);
		ev_begin(EVT_PIPE, pid, pid, parent, 0);
		ev_s(5);
		ev_s(6);
		ev_run(st);
		if (p == 3) {
			/* A local server and a client of it. */
			ev_begin(EVT_SOCKET, pid, pid, parent, 7);
			ev_u(2);
			ev_u(1);
			ev_u(0);
			ev_run(st);
			ev_begin(EVT_BIND, pid, pid, parent, 0);
			ev_s(7);
			n = sockaddr4(b, me, 8080);
			ev_bytes(b, n);
			ev_run(st);
			ev_begin(EVT_LISTEN, pid, pid, parent, 0);
			ev_s(7);
			ev_s(10);
			ev_run(st);
			ev_begin(EVT_ACCEPT, pid, pid, parent, 8);
			ev_s(7);
			n = tuple4(b, me, 8080, me, 45555, 6);
			ev_bytes(b, n);
			ev_run(st);
		}
	}
	ev_begin(EVT_USERINFO, 0, 0, 0, 0);
	ev_u(0);
	ev_u(0);
	ev_str("root");
	ev_str("/root");
	ev_str("/bin/bash");
	ev_run(st);
	ev_begin(EVT_GROUPINFO, 0, 0, 0, 0);
	ev_u(0);
	ev_str("root");
	ev_run(st);
	return st;
}

TEST(roundtrip_equal)
{
	struct st_state *a = busy_state(), *b = st_new();
	struct recs r = {0};
	char why[256] = "";
	int n;

	CHECK_EQ_INT(st_snapshot_emit(a, 42, collect, &r), 0);
	CHECK(r.n > 40);
	n = feed(b, &r);
	CHECK_EQ_INT(n, (int)r.n);
	CHECK(tables_equal(a, b, why, sizeof(why)));
	if (why[0])
		printf("# a->b: %s\n", why);
	CHECK(tables_equal(b, a, why, sizeof(why)));
	if (why[0])
		printf("# b->a: %s\n", why);
	{
		struct cmp_ctx c = {.other = b};
		struct fds_ctx x = {a, b, &c};
		st_thread_foreach(a, cmp_proc_fds, &x);
		CHECK_EQ_INT(c.diffs, 0);
		if (c.diffs)
			printf("# %s\n", c.first);
	}
	CHECK_STR(st_user_name(b, 0), "root");
	CHECK_STR(st_group_name(b, 0), "root");
	/* Specific values survive: a socket's role and name, a container. */
	CHECK_STR(st_fd_get(b, 1030, 8)->name, "127.0.0.1:45555->127.0.0.1:8080");
	CHECK_EQ_INT(st_fd_get(b, 1030, 8)->is_server, 1);
	CHECK_EQ_INT(st_fd_get(b, 1030, 4)->is_server, 0);
	CHECK_STR(st_thread_get(b, 300)->container_id, "3f4e9d1c2b5a");
	CHECK_STR(st_thread_get(b, 300)->pod_uid, "1b2c3d4e-0000-1111-2222-333344445555");
	CHECK_STR(st_thread_get(b, 1001)->exe, "worker0");
	/* A second round trip is byte-identical to the first. */
	{
		struct recs r2 = {0};
		CHECK_EQ_INT(st_snapshot_emit(b, 42, collect, &r2), 0);
		CHECK_EQ_INT(r2.len, r.len);
		CHECK(r2.len == r.len && memcmp(r.buf, r2.buf, r.len) == 0);
		free(r2.buf);
	}
	/* The comparison itself notices a difference. */
	ev_begin(EVT_CHDIR, 1010, 1011, 1000, 0);
	ev_str("/elsewhere");
	ev_run(b);
	CHECK(!tables_equal(a, b, why, sizeof(why)));
	free(r.buf);
	st_free(a);
	st_free(b);
}

TEST(snapshot_replaces_table)
{
	struct st_state *a = busy_state(), *b = busy_state();
	struct recs r = {0};
	char why[256] = "";

	/* b drifts: an extra process and a stray fd, then gets a's snapshot. */
	ev_begin(EVT_PROC_FORK, 1, 1, 0, 0);
	ev_u(1);
	ev_u(7777);
	ev_u(7777);
	ev_u(0);
	ev_u(7777);
	ev_u(7777);
	ev_run(b);
	ev_begin(EVT_OPENAT, 1000, 1000, 1, 99);
	ev_s(-100);
	ev_str("/stray");
	ev_u(0);
	ev_u(0);
	ev_run(b);
	CHECK(st_thread_get(b, 7777) != NULL);
	CHECK_EQ_INT(st_snapshot_emit(a, 43, collect, &r), 0);
	feed(b, &r);
	CHECK(st_thread_get(b, 7777) == NULL);
	CHECK(st_fd_get(b, 1000, 99) == NULL);
	CHECK(tables_equal(a, b, why, sizeof(why)));
	if (why[0])
		printf("# %s\n", why);
	free(r.buf);
	st_free(a);
	st_free(b);
}

/* One FDINFO record: an IPv4 TCP socket of pid with its tuple. */
static void fdinfo4(struct st_state *st, uint32_t pid, int fd, uint16_t lport, uint16_t rport)
{
	static const uint8_t any[4], me[4] = {10, 0, 0, 1}, peer[4] = {10, 0, 0, 9};
	uint8_t t[32];
	size_t n = tuple4(t, rport ? me : any, lport, rport ? peer : any, rport, 6);

	ev_begin(EVT_FDINFO, pid, pid, 1, 0);
	ev_s(fd);
	ev_u(FDT_IPV4);
	ev_str("");
	ev_bytes(t, n);
	ev_u(0);
	ev_u(5000u + (unsigned)fd);
	ev_run(st);
}

/* A snapshot's connected sockets get their role from listeners of their
 * own network namespace only: port 8080 listened on in namespace A makes
 * A's connection on local port 8080 the server side, not B's. */
TEST(roles_per_network_namespace)
{
	struct st_state *st = st_new();
	const struct st_fd *f;

	ev_begin(EVT_SNAP_BEGIN, 0, 0, 0, 0);
	ev_u(3);
	ev_run(st);
	tnetns = 4026531840ull; /* A: a listener and an accepted connection */
	ev_procinfo(st, 10, 10, 1, "srv", "/usr/bin/srv", "", 0, "/", "/");
	fdinfo4(st, 10, 3, 8080, 0);
	ev_procinfo(st, 30, 30, 1, "srv2", "/usr/bin/srv", "", 0, "/", "/");
	fdinfo4(st, 30, 4, 8080, 5555);
	tnetns = 4026532100ull; /* B: a client whose local port happens to be 8080 */
	ev_procinfo(st, 20, 20, 1, "cli", "/usr/bin/cli", "", 0, "/", "/");
	fdinfo4(st, 20, 5, 8080, 5555);
	tnetns = 4026531840ull;
	ev_begin(EVT_SNAP_END, 0, 0, 0, 0);
	ev_u(3);
	ev_run(st);

	f = st_fd_get(st, 10, 3);
	CHECK(f && f->is_server == 1);
	f = st_fd_get(st, 30, 4);
	CHECK(f && f->is_server == 1);
	f = st_fd_get(st, 20, 5);
	CHECK(f && f->is_server == 0);
	st_free(st);
}

static int fail_emit(void *ctx, const void *rec, size_t len)
{
	int *left = ctx;

	(void)rec;
	(void)len;
	return --*left <= 0 ? -8 : 0;
}

TEST(emit_stops_on_error)
{
	struct st_state *a = busy_state();
	int left = 5;

	CHECK_EQ_INT(st_snapshot_emit(a, 1, fail_emit, &left), -8);
	CHECK_EQ_INT(left, 0);
	st_free(a);
}
