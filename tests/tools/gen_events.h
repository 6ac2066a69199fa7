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

#define GEN_PROCS 48
#define GEN_FDS	  16

struct gen_proc {
	uint32_t pid, ppid, uid;
	const char *comm, *exe;
	int fds[GEN_FDS];
	int nfds;
	int next_fd;
};

struct gen {
	uint64_t rng;
	uint64_t ts, ts_step;
	struct gen_proc p[GEN_PROCS];
	uint32_t next_pid;
	struct evt_builder b;
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
	g->next_pid = 1000;
	evt_builder_init(&g->b);
	for (unsigned i = 0; i < GEN_PROCS; i++) {
		struct gen_proc *p = &g->p[i];
		unsigned c = i % GEN_NCOMMS;

		p->pid = g->next_pid++;
		p->ppid = i ? g->p[gen_below(g, i)].pid : 1;
		p->uid = c == 3 || c == 5 || c == 6 ? 0 : (c == 4 ? 107 : 1000 + i % 3);
		p->comm = gen_comms[c][0];
		p->exe = gen_comms[c][1];
		p->next_fd = 3;
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
	h->tid = p->pid + (gen_below(g, 8) == 0 ? 1 : 0);
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

/* Builds the next event; returns the record (valid until the next call). */
static const void *gen_next(struct gen *g, size_t *len)
{
	struct gen_proc *p = &g->p[gen_below(g, GEN_PROCS)];
	struct evt_builder *b = &g->b;
	struct evt_rec h;
	unsigned r = gen_below(g, 1000);
	int fd = p->nfds ? p->fds[gen_below(g, (unsigned)p->nfds)] : 0;

	g->ts += g->ts_step / 2 + gen_below(g, (unsigned)g->ts_step + 1);
	if (r < 260) { /* read */
		unsigned n = 1 + gen_below(g, 4096);
		gen_hdr(g, p, &h, n);
		evt_builder_begin(b, EVT_READ, &h);
		gen_add32(b, fd);
		evt_builder_add_u64(b, 4096);
		gen_bytes(g, n);
	} else if (r < 420) { /* write */
		unsigned n = 1 + gen_below(g, 512);
		gen_hdr(g, p, &h, n);
		evt_builder_begin(b, EVT_WRITE, &h);
		gen_add32(b, fd ? fd : 1);
		evt_builder_add_u64(b, n);
		gen_bytes(g, n);
	} else if (r < 540) { /* openat */
		int nfd = p->next_fd < 60 ? p->next_fd++ : 3 + (int)gen_below(g, 50);
		int fail = gen_below(g, 10) == 0;
		gen_hdr(g, p, &h, fail ? -2 : nfd);
		evt_builder_begin(b, EVT_OPENAT, &h);
		gen_add32(b, -100);
		evt_builder_add_str(b, gen_paths[gen_below(g, GEN_NPATHS)]);
		gen_add32(b, gen_below(g, 3) ? 0x80000 : 0x80241);
		gen_add32(b, gen_below(g, 3) ? 0 : 0644);
		if (!fail && p->nfds < GEN_FDS)
			p->fds[p->nfds++] = nfd;
	} else if (r < 660) { /* close */
		gen_hdr(g, p, &h, 0);
		evt_builder_begin(b, EVT_CLOSE, &h);
		gen_add32(b, fd);
		if (p->nfds) {
			unsigned k = gen_below(g, (unsigned)p->nfds);

			p->nfds--;
			p->fds[k] = p->fds[p->nfds];
		}
	} else if (r < 760) { /* other syscalls: fstat, futex, epoll_wait ... */
		static const uint16_t nrs[] = {5, 202, 232, 7, 39, 318, 228, 16};
		gen_hdr(g, p, &h, 0);
		evt_builder_begin(b, EVT_GENERIC, &h);
		evt_builder_add_u64(b, nrs[gen_below(g, 8)]);
		for (int i = 0; i < 6; i++)
			evt_builder_add_u64(b, i < 3 ? gen_rand(g) & 0x7fffffffffffull : 0);
	} else if (r < 810) { /* mmap */
		gen_hdr(g, p, &h, (int64_t)(0x7f0000000000ull + (gen_rand(g) & 0xffffff000ull)));
		evt_builder_begin(b, EVT_MMAP, &h);
		evt_builder_add_u64(b, 0);
		evt_builder_add_u64(b, 4096u << gen_below(g, 8));
		gen_add32(b, gen_below(g, 4) ? 3 : 5);
		gen_add32(b, gen_below(g, 2) ? 0x22 : 0x2);
		gen_add32(b, gen_below(g, 2) ? -1 : fd);
		evt_builder_add_u64(b, 0);
	} else if (r < 880) { /* sendto / recvfrom */
		unsigned n = 1 + gen_below(g, 1400);
		gen_hdr(g, p, &h, n);
		evt_builder_begin(b, gen_below(g, 2) ? EVT_SENDTO : EVT_RECVFROM, &h);
		gen_add32(b, fd);
		evt_builder_add_u64(b, n);
		evt_builder_add(b, NULL, 0);
		gen_bytes(g, n);
	} else if (r < 920) { /* socket + connect */
		if (gen_below(g, 2)) {
			gen_hdr(g, p, &h, p->next_fd);
			evt_builder_begin(b, EVT_SOCKET, &h);
			gen_add32(b, 2);
			gen_add32(b, 0x80001);
			gen_add32(b, 0);
		} else {
			uint8_t sa[7] = {2, 10, 0, 0, 9, 0, 0};
			uint16_t port = 443;
			memcpy(sa + 5, &port, 2);
			gen_hdr(g, p, &h, gen_below(g, 5) ? 0 : -111);
			evt_builder_begin(b, EVT_CONNECT, &h);
			gen_add32(b, fd);
			evt_builder_add(b, sa, sizeof(sa));
			gen_tuple(g);
		}
	} else if (r < 950) { /* mprotect / fcntl */
		gen_hdr(g, p, &h, 0);
		evt_builder_begin(b, EVT_FCNTL, &h);
		gen_add32(b, fd);
		gen_add32(b, 2);
		evt_builder_add_u64(b, 1);
	} else if (r < 975) { /* clone */
		gen_hdr(g, p, &h, g->next_pid++);
		evt_builder_begin(b, EVT_CLONE, &h);
		evt_builder_add_u64(b, 0x1200011);
	} else if (r < 990) { /* execve */
		static const char args[] = "sh\0-c\0/usr/bin/id -u\0";
		gen_hdr(g, p, &h, 0);
		evt_builder_begin(b, EVT_EXECVE, &h);
		evt_builder_add_str(b, "/bin/sh");
		evt_builder_add(b, args, sizeof(args) - 1);
		evt_builder_add_str(b, "/usr/bin/dash");
		evt_builder_add_str(b, "/srv/www");
		evt_builder_add_u64(b, 0);
		gen_add32(b, p->uid);
		gen_add32(b, p->uid);
		gen_add32(b, p->uid);
		gen_add32(b, p->uid);
		evt_builder_add_str(b, "PATH=/usr/bin:/bin");
		gen_add32(b, 0);
		evt_builder_add_u64(b, 0);
	} else { /* unlinkat / renameat2 / kill */
		unsigned k = gen_below(g, 3);
		gen_hdr(g, p, &h, 0);
		if (k == 0) {
			evt_builder_begin(b, EVT_UNLINKAT, &h);
			gen_add32(b, -100);
			evt_builder_add_str(b, "/tmp/tmp.k2J9d1");
			gen_add32(b, 0);
		} else if (k == 1) {
			evt_builder_begin(b, EVT_RENAMEAT2, &h);
			gen_add32(b, -100);
			evt_builder_add_str(b, "/var/log/app.log");
			gen_add32(b, -100);
			evt_builder_add_str(b, "/var/log/app.log.1");
			gen_add32(b, 0);
		} else {
			evt_builder_begin(b, EVT_KILL, &h);
			gen_add32(b, g->p[gen_below(g, GEN_PROCS)].pid);
			gen_add32(b, 15);
		}
	}
	return evt_builder_finish(b, len);
}

/* Writes a state snapshot of the simulated host (procinfo + fdinfo). */
static int gen_snapshot(struct gen *g, struct fmt_writer *w, struct sr_err *err)
{
	struct evt_builder *b = &g->b;
	struct evt_rec h;
	const void *rec;
	size_t len;
	int rc;

	rc = fmt_writer_snapshot_begin(w, err);
	memset(&h, 0, sizeof(h));
	h.ts = g->ts;
	evt_builder_begin(b, EVT_SNAP_BEGIN, &h);
	evt_builder_add_u64(b, GEN_PROCS);
	rec = evt_builder_finish(b, &len);
	rc = rc ? rc : fmt_writer_append(w, rec, len, err);
	for (unsigned i = 0; i < GEN_PROCS && !rc; i++) {
		struct gen_proc *p = &g->p[i];
		char args[128];
		int n = snprintf(args, sizeof(args), "%s%c--config%c/etc/%s.conf", p->comm, 0, 0,
				 p->comm);

		gen_hdr(g, p, &h, 0);
		h.latency = 0;
		evt_builder_begin(b, EVT_PROCINFO, &h);
		evt_builder_add_str(b, p->comm);
		evt_builder_add_str(b, p->exe);
		evt_builder_add(b, args, (size_t)n + 1);
		evt_builder_add_str(b, "/");
		evt_builder_add_u64(b, 0);
		gen_add32(b, p->uid);
		gen_add32(b, p->uid);
		gen_add32(b, p->uid);
		evt_builder_add_u64(b, g->ts - 3600000000000ull);
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
			evt_builder_begin(b, EVT_FDINFO, &h);
			gen_add32(b, p->fds[f]);
			gen_add32(b, FDT_FILE);
			evt_builder_add_str(b, gen_paths[(unsigned)p->fds[f] % GEN_NPATHS]);
			evt_builder_add(b, NULL, 0);
			gen_add32(b, 0x80000);
			evt_builder_add_u64(b, 1000 + (unsigned)p->fds[f]);
			rec = evt_builder_finish(b, &len);
			rc = fmt_writer_append(w, rec, len, err);
		}
	}
	if (!rc) {
		memset(&h, 0, sizeof(h));
		h.ts = g->ts;
		evt_builder_begin(b, EVT_SNAP_END, &h);
		evt_builder_add_u64(b, GEN_PROCS);
		rec = evt_builder_finish(b, &len);
		rc = fmt_writer_append(w, rec, len, err);
	}
	if (!rc)
		rc = fmt_writer_snapshot_end(w, err);
	return rc;
}

#endif
