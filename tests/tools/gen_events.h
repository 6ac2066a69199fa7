/* gen_events.h: a synthetic but plausible stream of syscall records, for
 * tests/tools/gen_capture.c and bench/bench_format.c (header only: each
 * tool is one .c file in the Makefile).
 *
 * A small simulated host: a few dozen processes with real-looking comms,
 * each with its own open fds; events follow a mix measured roughly on busy
 * servers (reads and writes dominate, then opens/closes, mmap, network,
 * occasional process creation). Deterministic for a given seed.
 */
#ifndef GEN_EVENTS_H
#define GEN_EVENTS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "format/evt.h"
#include "format/fmt_writer.h"

/* Long-lived daemons and, beside them, short-lived children: a daemon
 * forks (procfork + clone), the child execs a small program (cat, id, grep,
 * curl...), does a few dozen syscalls and exits (exit_group + procexit). Files
 * and sockets get the lowest free fd, as the kernel hands them out, and are
 * closed again: no process holds more than GEN_FDS. So the set of live
 * processes and fds stays bounded however long the capture, as on a real
 * host, and a replay's state stays small. */
#define GEN_DAEMONS 40
#define GEN_KIDS    16 /* children alive at once, at most */
#define GEN_PROCS   (GEN_DAEMONS + GEN_KIDS)
#define GEN_FDS	    16

struct gen_fd {
	int fd;
	int8_t sock;	 /* 1: an IPv4 TCP socket; 0: a file */
	uint8_t path;	 /* index in gen_paths for files */
	uint8_t cloexec; /* O_CLOEXEC / FD_CLOEXEC: closed by exec */
};

struct gen_proc {
	uint32_t pid, ppid, uid;
	const char *comm, *exe;
	struct gen_fd fds[GEN_FDS];
	int nfds;
	int live;      /* a slot in use (daemons always) */
	int kid;       /* a short-lived child */
	uint32_t left; /* kid: events before it exits */
	int execd;     /* kid: execve done */
	unsigned prog; /* kid: index in gen_progs */
};

struct gen {
	uint64_t rng;
	uint64_t ts, ts_step;
	struct gen_proc p[GEN_PROCS];
	unsigned nkids;
	uint32_t next_pid;
	uint64_t forks, exits;
	/* lifecycle events waiting to go out after the current one (procexit
	 * after exit_group, clone after procfork) */
	int pending;
	struct gen_proc *pend_p;
	struct evt_builder b;
	/* --mixed-paths: some opens name their path relative to the cwd or
	 * to an open fd, or absolute with "." and ".." in it */
	int mixed_paths;
};

static const char *const gen_comms[][2] = {
    {"nginx", "/usr/sbin/nginx"},
    {"python3", "/usr/bin/python3.11"},
    {"bash", "/usr/bin/bash"},
    {"sshd", "/usr/sbin/sshd"},
    {"postgres", "/usr/lib/postgresql/15/bin/postgres"},
    {"systemd-journal", "/lib/systemd/systemd-journald"},
    {"cron", "/usr/sbin/cron"},
    {"node", "/usr/bin/node"},
    {"java", "/usr/lib/jvm/java-17/bin/java"},
    {"containerd", "/usr/bin/containerd"},
    {"cat", "/usr/bin/cat"},
    {"curl", "/usr/bin/curl"},
};
#define GEN_NCOMMS (sizeof(gen_comms) / sizeof(gen_comms[0]))

static const char *const gen_paths[] = {
    "/etc/passwd",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/nsswitch.conf",
    "/usr/lib/x86_64-linux-gnu/libc.so.6",
    "/usr/lib/x86_64-linux-gnu/libssl.so.3",
    "/var/log/nginx/access.log",
    "/var/lib/postgresql/15/main/base/16384/2619",
    "/proc/self/status",
    "/proc/meminfo",
    "/sys/fs/cgroup/cpu.max",
    "/tmp/tmp.k2J9d1",
    "/home/alice/.bashrc",
    "/srv/www/index.html",
    "/srv/www/static/app.js",
    "/usr/share/zoneinfo/UTC",
    "/etc/ld.so.cache",
    "/dev/null",
    "/dev/urandom",
    "/var/lib/dpkg/status",
    "/run/systemd/journal/socket",
    "/etc/ssl/certs/ca.pem",
};
#define GEN_NPATHS (sizeof(gen_paths) / sizeof(gen_paths[0]))

static const char gen_text[] =
    "GET /static/app.js HTTP/1.1\r\nHost: example.internal\r\nUser-Agent: curl/7.88\r\n"
    "Accept: */*\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/javascript\r\n"
    "{\"level\":\"info\",\"msg\":\"request served\",\"status\":200,\"ms\":3}\n"
    "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";

/* Programs the short-lived children exec: comm, executable, argv
 * (NUL-separated, NUL-terminated); cat twice, it is the commonest. */
static const char *const gen_progs[][3] = {
    {"cat", "/usr/bin/cat", "cat\0/etc/hosts\0"},
    {"cat", "/usr/bin/cat", "cat\0/var/log/nginx/access.log\0"},
    {"id", "/usr/bin/id", "id\0-u\0"},
    {"grep", "/usr/bin/grep", "grep\0-q\0root\0/etc/passwd\0"},
    {"curl", "/usr/bin/curl", "curl\0-s\0https://example.internal/health\0"},
    {"sh", "/usr/bin/dash", "sh\0-c\0/usr/bin/id -u\0"},
    {"date", "/usr/bin/date", "date\0+%s\0"},
    {"ls", "/usr/bin/ls", "ls\0-l\0/srv/www\0"},
};
#define GEN_NPROGS (sizeof(gen_progs) / sizeof(gen_progs[0]))

static size_t gen_args_len(const char *a)
{
	size_t n = 0;

	while (a[n]) /* each string then its NUL; an empty one ends the list */
		n += strlen(a + n) + 1;
	return n;
}

static inline uint64_t gen_rand(struct gen *g)
{
	/* xorshift64*: fast, deterministic, good enough for a workload mix */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 0x2545F4914F6CDD1Dull;
}

static inline unsigned gen_below(struct gen *g, unsigned n)
{
	return (unsigned)((gen_rand(g) >> 32) % n);
}

static void gen_init(struct gen *g, uint64_t seed, uint64_t start_ts, uint64_t ts_step)
{
	memset(g, 0, sizeof(*g));
	g->rng = seed * 0x9E3779B97F4A7C15ull + 1;
	g->ts = start_ts;
	g->ts_step = ts_step ? ts_step : 1000;
	g->next_pid = 20000;
	evt_builder_init(&g->b);
	for (unsigned i = 0; i < GEN_DAEMONS; i++) {
		struct gen_proc *p = &g->p[i];
		unsigned c = i % GEN_NCOMMS;

		/* spaced pids: a daemon's extra threads (pid + 1, + 2) collide with nobody */
		p->pid = 1000 + 8 * i;
		p->ppid = i ? g->p[gen_below(g, i)].pid : 1;
		p->uid = c == 3 || c == 5 || c == 6 ? 0 : (c == 4 ? 107 : 1000 + i % 3);
		p->comm = gen_comms[c][0];
		p->exe = gen_comms[c][1];
		p->live = 1;
	}
}

static void gen_free(struct gen *g)
{
	evt_builder_free(&g->b);
}

static void gen_hdr(struct gen *g, struct gen_proc *p, struct evt_rec *h, int64_t res)
{
	memset(h, 0, sizeof(*h));
	h->ts = g->ts;
	h->latency = 200 + gen_below(g, 20000);
	h->res = res;
	h->pid = p->pid;
	/* daemons run a few threads; children one */
	h->tid = p->pid + (!p->kid && gen_below(g, 8) == 0 ? 1 + gen_below(g, 2) : 0);
	h->ppid = p->ppid;
	h->uid = p->uid;
	h->gid = p->uid;
	h->cpu = (uint16_t)gen_below(g, 8);
	h->cgroup_id = 4242 + (p->pid % 5);
	snprintf(h->comm, sizeof(h->comm), "%s", p->comm);
}

static void gen_add32(struct evt_builder *b, int64_t v)
{
	int32_t x = (int32_t)v;
	evt_builder_add(b, &x, 4);
}

static void gen_bytes(struct gen *g, size_t n)
{
	size_t off = gen_below(g, (unsigned)(sizeof(gen_text) - 1 - 80));

	if (n > 80)
		n = 80; /* snaplen */
	evt_builder_add(&g->b, gen_text + off, n);
}

static void gen_tuple(struct gen *g)
{
	uint8_t t[13] = {2, 10, 0, 0, 5, 0, 0, 10, 0, 0, 9, 0, 0};
	uint16_t sport = (uint16_t)(32768 + gen_below(g, 28000)),
		 dport = gen_below(g, 2) ? 443 : 5432;

	t[4] = (uint8_t)(1 + gen_below(g, 200));
	memcpy(t + 5, &sport, 2);
	memcpy(t + 11, &dport, 2);
	evt_builder_add(&g->b, t, sizeof(t));
}

/* The lowest fd number the process does not use (the kernel's rule). */
static int gen_fd_free(const struct gen_proc *p)
{
	for (int fd = 3;; fd++) {
		int used = 0;

		for (int i = 0; i < p->nfds && !used; i++)
			used = p->fds[i].fd == fd;
		if (!used)
			return fd;
	}
}

/* A random open fd of the wanted kind (1 socket, 0 file, -1 any), or -1. */
static int gen_fd_pick(struct gen *g, const struct gen_proc *p, int sock)
{
	int idx[GEN_FDS], n = 0;

	for (int i = 0; i < p->nfds; i++)
		if (sock < 0 || p->fds[i].sock == sock)
			idx[n++] = i;
	return n ? idx[gen_below(g, (unsigned)n)] : -1;
}

static void gen_fd_drop(struct gen_proc *p, int i)
{
	p->fds[i] = p->fds[--p->nfds];
}

static struct gen_proc *gen_pick(struct gen *g)
{
	if (g->nkids && gen_below(g, 100) < 35) {
		unsigned k = gen_below(g, GEN_KIDS);

		for (unsigned i = 0; i < GEN_KIDS; i++) {
			struct gen_proc *p = &g->p[GEN_DAEMONS + (k + i) % GEN_KIDS];

			if (p->live)
				return p;
		}
	}
	return &g->p[gen_below(g, GEN_DAEMONS)];
}

/* close(fd) of one of p's fds (or of a bad fd when it has none). */
static void gen_close(struct gen *g, struct gen_proc *p, struct evt_rec *h)
{
	int i = gen_fd_pick(g, p, -1);

	gen_hdr(g, p, h, i < 0 ? -9 : 0);
	evt_builder_begin(&g->b, EVT_CLOSE, h);
	gen_add32(&g->b, i < 0 ? 3 + (int)gen_below(g, 20) : p->fds[i].fd);
	if (i >= 0)
		gen_fd_drop(p, i);
}

/* Lifecycle: parent forks a child (procfork now, the parent's clone next). */
static void gen_fork(struct gen *g, struct gen_proc *parent, struct evt_rec *h)
{
	struct evt_builder *b = &g->b;
	struct gen_proc *c = NULL;

	for (unsigned i = 0; i < GEN_KIDS && !c; i++)
		if (!g->p[GEN_DAEMONS + i].live)
			c = &g->p[GEN_DAEMONS + i];
	memset(c, 0, sizeof(*c));
	c->pid = g->next_pid;
	g->next_pid = g->next_pid >= 4000000 ? 20000 : g->next_pid + 1;
	c->ppid = parent->pid;
	c->uid = parent->uid;
	c->comm = parent->comm;
	c->exe = parent->exe;
	c->live = c->kid = 1;
	c->left = 10 + gen_below(g, 60);
	c->prog = gen_below(g, GEN_NPROGS);
	/* a forked process starts with a copy of its parent's fds */
	memcpy(c->fds, parent->fds, sizeof(c->fds));
	c->nfds = parent->nfds;
	g->nkids++;
	g->forks++;
	gen_hdr(g, parent, h, 0);
	h->latency = 0;
	h->tid = parent->pid;
	evt_builder_begin(b, EVT_PROC_FORK, h);
	gen_add32(b, parent->pid);
	gen_add32(b, c->pid);
	gen_add32(b, c->pid);
	evt_builder_add_u64(b, 0x1200011);
	gen_add32(b, c->pid);
	gen_add32(b, c->pid);
	g->pending = 1;
	g->pend_p = parent;
	parent->left = c->pid; /* the clone's result, for the pending record */
}

static void gen_exec(struct gen *g, struct gen_proc *p, struct evt_rec *h)
{
	struct evt_builder *b = &g->b;
	const char *const *pr = gen_progs[p->prog];

	p->comm = pr[0];
	p->exe = pr[1];
	p->execd = 1;
	/* O_CLOEXEC fds (sockets, most files here) do not survive exec */
	for (int i = p->nfds - 1; i >= 0; i--)
		if (p->fds[i].cloexec)
			gen_fd_drop(p, i);
	gen_hdr(g, p, h, 0);
	evt_builder_begin(b, EVT_EXECVE, h);
	evt_builder_add_str(b, pr[1]);
	evt_builder_add(b, pr[2], gen_args_len(pr[2]));
	evt_builder_add_str(b, pr[1]);
	evt_builder_add_str(b, "/srv/www");
	evt_builder_add_u64(b, 0);
	gen_add32(b, p->uid);
	gen_add32(b, p->uid);
	gen_add32(b, p->uid);
	gen_add32(b, p->uid);
	evt_builder_add_str(b, "PATH=/usr/bin:/bin");
	gen_add32(b, 0);
	evt_builder_add_u64(b, 0);
}

/* Ordinary syscalls, the same mix for daemons and children. */
static void gen_syscall(struct gen *g, struct gen_proc *p, struct evt_rec *h)
{
	struct evt_builder *b = &g->b;
	unsigned r = gen_below(g, 1000);
	int i;

	if (r < 270) { /* read */
		unsigned n = 1 + gen_below(g, 4096);
		i = gen_fd_pick(g, p, 0);
		gen_hdr(g, p, h, n);
		evt_builder_begin(b, EVT_READ, h);
		gen_add32(b, i < 0 ? 0 : p->fds[i].fd);
		evt_builder_add_u64(b, 4096);
		gen_bytes(g, n);
	} else if (r < 440) { /* write */
		unsigned n = 1 + gen_below(g, 512);
		i = gen_fd_pick(g, p, -1);
		gen_hdr(g, p, h, n);
		evt_builder_begin(b, EVT_WRITE, h);
		gen_add32(b, i < 0 ? 1 : p->fds[i].fd);
		evt_builder_add_u64(b, n);
		gen_bytes(g, n);
	} else if (r < 565) { /* openat (or close when the table is full) */
		int fail = gen_below(g, 10) == 0, nfd;
		unsigned path = gen_below(g, GEN_NPATHS);

		if (p->nfds >= GEN_FDS) {
			gen_close(g, p, h);
			return;
		}
		unsigned form = g->mixed_paths ? gen_below(g, 4) : 0;
		char spelled[256];

		nfd = gen_fd_free(p);
		gen_hdr(g, p, h, fail ? -2 : nfd);
		evt_builder_begin(b, EVT_OPENAT, h);
		i = form == 2 && p->nfds ? (int)gen_below(g, p->nfds) : -1;
		/* 1: relative to the cwd, 2: to an open fd, 3: absolute, not normal */
		gen_add32(b, form == 2 && i >= 0 ? p->fds[i].fd : -100);
		if (form == 3)
			snprintf(spelled, sizeof(spelled), "/srv/./www/..%s", gen_paths[path]);
		else
			snprintf(spelled, sizeof(spelled), "%s",
				 gen_paths[path] + (form == 1 || form == 2));
		evt_builder_add_str(b, spelled);
		/* path % 3 != 0: opened O_CLOEXEC (see gen_exec) */
		gen_add32(b, path % 3 ? 0x80000 : 0x241);
		gen_add32(b, path % 3 ? 0 : 0644);
		if (!fail) {
			p->fds[p->nfds].fd = nfd;
			p->fds[p->nfds].sock = 0;
			p->fds[p->nfds].path = (uint8_t)path;
			p->fds[p->nfds].cloexec = path % 3 != 0;
			p->nfds++;
		}
	} else if (r < 690) { /* close */
		gen_close(g, p, h);
	} else if (r < 795) { /* other syscalls: fstat, futex, epoll_wait ... */
		static const uint16_t nrs[] = {5, 202, 232, 7, 39, 318, 228, 16};
		gen_hdr(g, p, h, 0);
		evt_builder_begin(b, EVT_GENERIC, h);
		evt_builder_add_u64(b, nrs[gen_below(g, 8)]);
		for (int k = 0; k < 6; k++)
			evt_builder_add_u64(b, k < 3 ? gen_rand(g) & 0x7fffffffffffull : 0);
	} else if (r < 845) { /* mmap */
		i = gen_fd_pick(g, p, 0);
		gen_hdr(g, p, h, (int64_t)(0x7f0000000000ull + (gen_rand(g) & 0xffffff000ull)));
		evt_builder_begin(b, EVT_MMAP, h);
		evt_builder_add_u64(b, 0);
		evt_builder_add_u64(b, 4096u << gen_below(g, 8));
		gen_add32(b, gen_below(g, 4) ? 3 : 5);
		gen_add32(b, i < 0 || gen_below(g, 2) ? 0x22 : 0x2);
		gen_add32(b, i < 0 ? -1 : p->fds[i].fd);
		evt_builder_add_u64(b, 0);
	} else if (r < 915) { /* sendto / recvfrom */
		unsigned n = 1 + gen_below(g, 1400);
		i = gen_fd_pick(g, p, 1);
		if (i < 0)
			i = gen_fd_pick(g, p, -1);
		gen_hdr(g, p, h, n);
		evt_builder_begin(b, gen_below(g, 2) ? EVT_SENDTO : EVT_RECVFROM, h);
		gen_add32(b, i < 0 ? 1 : p->fds[i].fd);
		evt_builder_add_u64(b, n);
		evt_builder_add(b, NULL, 0);
		gen_bytes(g, n);
	} else if (r < 955) { /* socket, or connect on one */
		i = gen_fd_pick(g, p, 1);
		if (i < 0 || gen_below(g, 2)) {
			int nfd;

			if (p->nfds >= GEN_FDS) {
				gen_close(g, p, h);
				return;
			}
			nfd = gen_fd_free(p);
			gen_hdr(g, p, h, nfd);
			evt_builder_begin(b, EVT_SOCKET, h);
			gen_add32(b, 2);
			gen_add32(b, 0x80001);
			gen_add32(b, 0);
			p->fds[p->nfds].fd = nfd;
			p->fds[p->nfds].sock = 1;
			p->fds[p->nfds].path = 0;
			p->fds[p->nfds].cloexec = 1; /* SOCK_CLOEXEC */
			p->nfds++;
		} else {
			uint8_t sa[7] = {2, 10, 0, 0, 9, 0, 0};
			uint16_t port = 443;
			memcpy(sa + 5, &port, 2);
			gen_hdr(g, p, h, gen_below(g, 5) ? 0 : -111);
			evt_builder_begin(b, EVT_CONNECT, h);
			gen_add32(b, p->fds[i].fd);
			evt_builder_add(b, sa, sizeof(sa));
			gen_tuple(g);
		}
	} else if (r < 985) { /* fcntl(fd, F_SETFD, FD_CLOEXEC) */
		i = gen_fd_pick(g, p, -1);
		gen_hdr(g, p, h, i < 0 ? -9 : 0);
		evt_builder_begin(b, EVT_FCNTL, h);
		gen_add32(b, i < 0 ? 3 : p->fds[i].fd);
		gen_add32(b, 2);
		evt_builder_add_u64(b, 1);
		if (i >= 0)
			p->fds[i].cloexec = 1;
	} else { /* unlinkat / renameat2 / kill */
		unsigned k = gen_below(g, 3);
		gen_hdr(g, p, h, 0);
		if (k == 0) {
			evt_builder_begin(b, EVT_UNLINKAT, h);
			gen_add32(b, -100);
			evt_builder_add_str(b, "/tmp/tmp.k2J9d1");
			gen_add32(b, 0);
		} else if (k == 1) {
			evt_builder_begin(b, EVT_RENAMEAT2, h);
			gen_add32(b, -100);
			evt_builder_add_str(b, "/var/log/app.log");
			gen_add32(b, -100);
			evt_builder_add_str(b, "/var/log/app.log.1");
			gen_add32(b, 0);
		} else {
			evt_builder_begin(b, EVT_KILL, h);
			gen_add32(b, g->p[gen_below(g, GEN_DAEMONS)].pid);
			gen_add32(b, 15);
		}
	}
}

/* Builds the next event; returns the record (valid until the next call). */
static const void *gen_next(struct gen *g, size_t *len)
{
	struct evt_builder *b = &g->b;
	struct gen_proc *p;
	struct evt_rec h;

	g->ts += g->ts_step / 2 + gen_below(g, (unsigned)g->ts_step + 1);
	if (g->pending) {
		/* the second record of a lifecycle pair */
		p = g->pend_p;
		g->pending = 0;
		if (p->kid && !p->live) { /* procexit after exit_group */
			gen_hdr(g, p, &h, 0);
			h.latency = 0;
			evt_builder_begin(b, EVT_PROC_EXIT, &h);
			gen_add32(b, 0);
			evt_builder_add_u64(b, 1);
		} else { /* the parent's clone returns the child's pid */
			gen_hdr(g, p, &h, p->left);
			h.tid = p->pid;
			evt_builder_begin(b, EVT_CLONE, &h);
			evt_builder_add_u64(b, 0x1200011);
			p->left = 0;
		}
		return evt_builder_finish(b, len);
	}
	p = gen_pick(g);
	if (p->kid && !p->execd) {
		gen_exec(g, p, &h);
	} else if (p->kid && p->left == 0) {
		gen_hdr(g, p, &h, 0);
		h.flags = EVT_RF_NORET;
		evt_builder_begin(b, EVT_EXIT_GROUP, &h);
		gen_add32(b, 0);
		p->live = 0;
		p->nfds = 0;
		g->nkids--;
		g->exits++;
		g->pending = 1;
		g->pend_p = p;
	} else {
		if (p->kid)
			p->left--;
		if (!p->kid && g->nkids < GEN_KIDS && gen_below(g, 1000) < 15)
			gen_fork(g, p, &h);
		else
			gen_syscall(g, p, &h);
	}
	return evt_builder_finish(b, len);
}

/* Writes a state snapshot of the simulated host (procinfo + fdinfo of every
 * live process). */
static int gen_snapshot(struct gen *g, struct fmt_writer *w, struct sr_err *err)
{
	struct evt_builder *b = &g->b;
	struct evt_rec h;
	const void *rec;
	unsigned live = 0;
	size_t len;
	int rc;

	for (unsigned i = 0; i < GEN_PROCS; i++)
		live += g->p[i].live != 0;
	rc = fmt_writer_snapshot_begin(w, err);
	memset(&h, 0, sizeof(h));
	h.ts = g->ts;
	evt_builder_begin(b, EVT_SNAP_BEGIN, &h);
	evt_builder_add_u64(b, live);
	rec = evt_builder_finish(b, &len);
	rc = rc ? rc : fmt_writer_append(w, rec, len, err);
	for (unsigned i = 0; i < GEN_PROCS && !rc; i++) {
		struct gen_proc *p = &g->p[i];
		char args[128];
		int n;

		if (!p->live)
			continue;
		if (p->kid && p->execd) {
			const char *a = gen_progs[p->prog][2];
			size_t al = gen_args_len(a) - strlen(a) - 1; /* after argv[0] */

			n = (int)(al < sizeof(args) ? al : sizeof(args));
			memcpy(args, a + strlen(a) + 1, (size_t)n);
		} else {
			n = snprintf(args, sizeof(args), "--config%c/etc/%s.conf%c", 0, p->comm, 0);
		}
		gen_hdr(g, p, &h, 0);
		h.latency = 0;
		h.tid = p->pid;
		evt_builder_begin(b, EVT_PROCINFO, &h);
		evt_builder_add_str(b, p->comm);
		evt_builder_add_str(b, p->exe);
		evt_builder_add(b, args, (size_t)n);
		evt_builder_add_str(b, "/");
		evt_builder_add_u64(b, 0);
		gen_add32(b, p->uid);
		gen_add32(b, p->uid);
		gen_add32(b, p->uid);
		evt_builder_add_u64(b, g->ts - (p->kid ? 1000000ull : 3600000000000ull));
		evt_builder_add_str(b, "/system.slice/app.service");
		evt_builder_add_str(b, "");
		evt_builder_add_str(b, "");
		gen_add32(b, p->pid);
		gen_add32(b, p->pid);
		evt_builder_add_u64(b, 4026531836ull);
		evt_builder_add_u64(b, 4026531841ull);
		evt_builder_add_u64(b, 4026531840ull);
		gen_add32(b, 0);
		evt_builder_add_str(b, "LANG=C.UTF-8");
		rec = evt_builder_finish(b, &len);
		rc = fmt_writer_append(w, rec, len, err);
		for (int f = 0; f < p->nfds && !rc; f++) {
			const struct gen_fd *fd = &p->fds[f];

			evt_builder_begin(b, EVT_FDINFO, &h);
			gen_add32(b, fd->fd);
			if (fd->sock) {
				gen_add32(b, FDT_IPV4);
				evt_builder_add_str(b, "");
				gen_tuple(g);
				gen_add32(b, 0x80002);
			} else {
				gen_add32(b, FDT_FILE);
				evt_builder_add_str(b, gen_paths[fd->path]);
				evt_builder_add(b, NULL, 0);
				gen_add32(b, fd->cloexec ? 0x80000 : 0x241);
			}
			evt_builder_add_u64(b, 1000 + (unsigned)fd->fd);
			rec = evt_builder_finish(b, &len);
			rc = fmt_writer_append(w, rec, len, err);
		}
	}
	if (!rc) {
		memset(&h, 0, sizeof(h));
		h.ts = g->ts;
		evt_builder_begin(b, EVT_SNAP_END, &h);
		evt_builder_add_u64(b, live);
		rec = evt_builder_finish(b, &len);
		rc = fmt_writer_append(w, rec, len, err);
	}
	if (!rc)
		rc = fmt_writer_snapshot_end(w, err);
	return rc;
}

#endif
