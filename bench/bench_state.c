/* bench_state: cost of st_event_begin + st_event_end per event on one core.
 *
 * Streams are built in memory first with evt_builder (so building is not
 * timed), then replayed through a fresh state primed with a snapshot of
 * NPROC processes. Mixes:
 *   mixed      read/write 60%, openat/close 24%, socket+connect 4%, other
 *              syscalls 8%, fork+execve+exit of a child 4% of iterations
 *   io         read/write on open fds only (the hot path)
 *   open_close openat + close pairs
 *   lifecycle  procfork, execve, open, exit_group, procexit
 *   mixed_acc  mixed, plus what a filter does per event: st_event_thread(),
 *              st_event_fd() and a few fields of each
 *   mixed_runs mixed, in runs of 8 events per thread (captures have runs)
 * Usage: bench_state [EVENTS [MIX]] (default 2000000, all mixes). Prints a table; best of 3.
 *        bench_state mem [EVENTS]: bytes per thread and per fd, and the growth of a
 *        stream whose threads never exit and sockets never close (default 3000000 events)
 * The first four mixes build the same streams as earlier versions of this file,
 * so an old binary's numbers compare directly (bench/state_compare.sh). */
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "format/evt.h"
#include "state/st.h"

#define NPROC 1000
#define NFD   16

struct stream {
	uint8_t *buf;
	size_t len, cap, n;
};

static struct evt_builder B;
static uint64_t ts = 1700000000000000000ull;
static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void begin(unsigned type, uint32_t pid, uint32_t tid, uint32_t ppid, int64_t res)
{
	struct evt_rec h;

	memset(&h, 0, sizeof(h));
	h.ts = (ts += 500);
	h.pid = pid;
	h.tid = tid;
	h.ppid = ppid;
	h.res = res;
	h.uid = 1000;
	snprintf(h.comm, sizeof(h.comm), "w%u", pid % 1000);
	evt_builder_begin(&B, type, &h);
}

static void put(struct stream *s)
{
	size_t len, al;
	const void *rec = evt_builder_finish(&B, &len);

	al = (len + 7) & ~(size_t)7;
	if (s->len + al > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1 << 20;
		s->buf = realloc(s->buf, s->cap);
		if (!s->buf) {
			perror("realloc");
			exit(1);
		}
	}
	memcpy(s->buf + s->len, rec, len);
	s->len += al;
	s->n++;
}

struct proc {
	uint32_t pid;
	int fds[NFD];
	int nfd;
};
static struct proc procs[NPROC];
static uint32_t next_pid = 20000;

static void ev_open(struct stream *s, struct proc *p)
{
	static const char *paths[] = {"/etc/passwd",	  "data/cache.db",     "../lib/x.so",
				      "/var/log/app.log", "/proc/self/status", "tmp/./f"};
	int fd = 3 + p->nfd;

	begin(EVT_OPENAT, p->pid, p->pid, 1, fd);
	evt_builder_add_s64(&B, -100);
	evt_builder_add_str(&B, paths[rnd() % 6]);
	evt_builder_add_u64(&B, O_RDONLY | O_CLOEXEC);
	evt_builder_add_u64(&B, 0);
	put(s);
	p->fds[p->nfd++] = fd;
}

static void ev_close(struct stream *s, struct proc *p)
{
	begin(EVT_CLOSE, p->pid, p->pid, 1, 0);
	evt_builder_add_s64(&B, p->fds[--p->nfd]);
	put(s);
}

static void ev_rw(struct stream *s, struct proc *p)
{
	int fd = p->nfd ? p->fds[rnd() % (unsigned)p->nfd] : 1;
	int w = rnd() & 1;

	begin(w ? EVT_WRITE : EVT_READ, p->pid, p->pid, 1, 64);
	evt_builder_add_s64(&B, fd);
	evt_builder_add_u64(&B, 64);
	evt_builder_add(
	    &B, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    80);
	put(s);
}

static void ev_other(struct stream *s, struct proc *p)
{
	begin(EVT_GENERIC, p->pid, p->pid, 1, 0);
	for (int i = 0; i < 7; i++)
		evt_builder_add_u64(&B, (uint64_t)i);
	put(s);
}

static void ev_sock(struct stream *s, struct proc *p)
{
	uint8_t t[14] = {2, 10, 0, 0, 1, 0x40, 0x9c, 93, 184, 216, 34, 0xbb, 0x01, 6};
	int fd = 3 + p->nfd;

	begin(EVT_SOCKET, p->pid, p->pid, 1, fd);
	evt_builder_add_u64(&B, 2);
	evt_builder_add_u64(&B, 1);
	evt_builder_add_u64(&B, 0);
	put(s);
	begin(EVT_CONNECT, p->pid, p->pid, 1, 0);
	evt_builder_add_s64(&B, fd);
	evt_builder_add(&B, t + 6, 0);
	evt_builder_add(&B, t, sizeof(t));
	put(s);
	p->fds[p->nfd++] = fd;
}

static void ev_lifecycle(struct stream *s, struct proc *p)
{
	uint32_t c = next_pid++;
	static const char argv[] = "sh\0-c\0echo hello\0";

	begin(EVT_PROC_FORK, p->pid, p->pid, 1, 0);
	evt_builder_add_u64(&B, p->pid);
	evt_builder_add_u64(&B, c);
	evt_builder_add_u64(&B, c);
	evt_builder_add_u64(&B, 0x11);
	evt_builder_add_u64(&B, c);
	evt_builder_add_u64(&B, c);
	put(s);
	begin(EVT_EXECVE, c, c, p->pid, 0);
	evt_builder_add_str(&B, "/bin/sh");
	evt_builder_add(&B, argv, sizeof(argv) - 1);
	evt_builder_add_str(&B, "/usr/bin/dash");
	evt_builder_add_str(&B, "/srv");
	for (int i = 0; i < 5; i++)
		evt_builder_add_u64(&B, 1000);
	evt_builder_add(&B, "", 0);
	evt_builder_add_u64(&B, 0);
	evt_builder_add_u64(&B, 0);
	put(s);
	begin(EVT_OPENAT, c, c, p->pid, 3);
	evt_builder_add_s64(&B, -100);
	evt_builder_add_str(&B, "/etc/ld.so.cache");
	evt_builder_add_u64(&B, O_RDONLY | O_CLOEXEC);
	evt_builder_add_u64(&B, 0);
	put(s);
	begin(EVT_EXIT_GROUP, c, c, p->pid, 0);
	evt_builder_add_s64(&B, 0);
	put(s);
	begin(EVT_PROC_EXIT, c, c, p->pid, 0);
	evt_builder_add_s64(&B, 0);
	evt_builder_add_u64(&B, 1);
	put(s);
}

static void snapshot(struct stream *s)
{
	begin(EVT_SNAP_BEGIN, 0, 0, 0, 0);
	evt_builder_add_u64(&B, NPROC);
	put(s);
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		p->pid = 10000 + (uint32_t)i;
		p->nfd = 0;
		begin(EVT_PROCINFO, p->pid, p->pid, 1, 0);
		evt_builder_add_str(&B, "worker");
		evt_builder_add_str(&B, "/usr/bin/worker");
		evt_builder_add(&B, "--serve\0", 8);
		evt_builder_add_str(&B, "/srv/app");
		for (int k = 0; k < 4; k++)
			evt_builder_add_u64(&B, 0);
		evt_builder_add_u64(&B, ts);
		evt_builder_add_str(&B, "/system.slice/app.service");
		evt_builder_add_str(&B, "");
		evt_builder_add_str(&B, "");
		for (int k = 0; k < 6; k++)
			evt_builder_add_u64(&B, 0);
		evt_builder_add(&B, "", 0);
		put(s);
	}
	begin(EVT_SNAP_END, 0, 0, 0, 0);
	evt_builder_add_u64(&B, NPROC);
	put(s);
}

enum mix { MIX_MIXED, MIX_IO, MIX_OPENCLOSE, MIX_LIFE, MIX_ACC, MIX_RUNS };

static void build(struct stream *s, enum mix m, size_t nev)
{
	struct proc *last = NULL;
	/* mixed_acc and mixed_runs are the mixed stream (runs: other threads). */
	enum mix k = m == MIX_ACC || m == MIX_RUNS ? MIX_MIXED : m;

	memset(s, 0, sizeof(*s));
	snapshot(s);
	while (s->n < nev) {
		struct proc *p = &procs[rnd() % NPROC];
		unsigned r = (unsigned)(rnd() % 100);

		if (m == MIX_RUNS) {
			/* A new thread only every 8th iteration: captures come in runs. */
			if (!last || s->n % 8 == 0)
				last = p;
			p = last;
		}
		switch (k) {
		case MIX_IO:
			if (!p->nfd)
				ev_open(s, p);
			ev_rw(s, p);
			break;
		case MIX_OPENCLOSE:
			ev_open(s, p);
			ev_close(s, p);
			break;
		case MIX_LIFE:
			ev_lifecycle(s, p);
			break;
		default:
			if (r < 60)
				ev_rw(s, p);
			else if (r < 72 && p->nfd < NFD - 1)
				ev_open(s, p);
			else if (r < 84 && p->nfd)
				ev_close(s, p);
			else if (r < 88 && p->nfd < NFD - 1)
				ev_sock(s, p);
			else if (r < 96)
				ev_other(s, p);
			else
				ev_lifecycle(s, p);
			break;
		}
	}
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* CPU time: fair on a shared machine */
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#define CHUNK (1u << 20)

/* Walks s in windows of about CHUNK bytes copied into a chunk buffer first,
 * as a reader decompresses a chunk before delivering its records (so records
 * are cache-warm, as in real use). Only the per-window loops are timed.
 * With st NULL only the decode runs (to subtract: that is the reader's cost). */
/* What a filter reads per event with acc set: the thread and fd and a few
 * of their fields. */
static uint64_t access_fields(const struct st_state *st)
{
	const struct st_thread *t = st_event_thread(st);
	const struct st_fd *f = st_event_fd(st);
	uint64_t v = 0;

	if (t)
		v += t->pid + (uint64_t)(uintptr_t)t->exe + (uint64_t)(uintptr_t)t->cwd +
		     (unsigned char)t->comm[0];
	if (f)
		v += (uint64_t)(uintptr_t)f->name + f->type;
	return v;
}

static volatile uint64_t sink; /* keeps the untimed work from being optimized away */

static double pass(const struct stream *s, struct st_state *st, uint8_t *chunk, int acc)
{
	size_t off = 0;
	double total = 0;

	while (off < s->len) {
		size_t end = off, n;
		double t0;

		/* Whole records only: scan headers to the window's end. */
		while (end < s->len) {
			uint32_t l;
			memcpy(&l, s->buf + end, 4);
			l = (l + 7) & ~7u;
			if (end + l - off > CHUNK && end > off)
				break;
			end += l;
		}
		n = end - off;
		memcpy(chunk, s->buf + off, n);
		t0 = now();
		for (size_t o = 0; o < n;) {
			struct evt ev;
			if (evt_decode(&ev, chunk + o, n - o)) {
				fprintf(stderr, "bad record\n");
				exit(1);
			}
			if (st) {
				st_event_begin(st, &ev);
				if (acc)
					sink += access_fields(st);
				st_event_end(st, &ev);
			} else {
				sink += ev.nparams;
			}
			o += (ev.rec->len + 7) & ~(uint32_t)7;
		}
		total += now() - t0;
		off = end;
	}
	return total;
}

static double run(const struct stream *s, struct st_stats *out, uint8_t *chunk, int acc)
{
	struct st_state *st = st_new();
	double t = pass(s, st, chunk, acc);

	st_get_stats(st, out);
	st_free(st);
	return t;
}

/* ---- memory ---- */

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * 4;
}

static void apply(struct st_state *st, const struct stream *s)
{
	for (size_t o = 0; o < s->len;) {
		struct evt ev;
		if (evt_decode(&ev, s->buf + o, s->len - o)) {
			fprintf(stderr, "bad record\n");
			exit(1);
		}
		st_event_begin(st, &ev);
		st_event_end(st, &ev);
		o += (ev.rec->len + 7) & ~(uint32_t)7;
	}
}

/* Children forked (and exec'd: own args) from the snapshot's processes;
 * with nfd opens each (distinct 30-byte paths), none ever closes or exits. */
/* n threads (CLONE_THREAD) added to the snapshot's processes. */
static void build_threads(struct stream *s, uint32_t first, uint32_t n)
{
	memset(s, 0, sizeof(*s));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = first + i, pp = procs[i % NPROC].pid;

		begin(EVT_PROC_FORK, pp, pp, 1, 0);
		evt_builder_add_u64(&B, pp);
		evt_builder_add_u64(&B, c);
		evt_builder_add_u64(&B, pp);
		evt_builder_add_u64(&B, 0x10000 | 0x100 | 0x400 | 0x800);
		evt_builder_add_u64(&B, c);
		evt_builder_add_u64(&B, pp);
		put(s);
	}
}

static void build_children(struct stream *s, uint32_t first, uint32_t n, int nfd)
{
	static const char argv[] = "worker\0--id\0000042\0--mode=batch\0";
	char path[64];

	memset(s, 0, sizeof(*s));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = first + i, pp = procs[i % NPROC].pid;

		begin(EVT_PROC_FORK, pp, pp, 1, 0);
		evt_builder_add_u64(&B, pp);
		evt_builder_add_u64(&B, c);
		evt_builder_add_u64(&B, c);
		evt_builder_add_u64(&B, 0x11);
		evt_builder_add_u64(&B, c);
		evt_builder_add_u64(&B, c);
		put(s);
		begin(EVT_EXECVE, c, c, pp, 0);
		evt_builder_add_str(&B, "/usr/bin/worker");
		evt_builder_add(&B, argv, sizeof(argv) - 1);
		evt_builder_add_str(&B, "/usr/bin/worker");
		evt_builder_add_str(&B, "/srv/app/data");
		for (int k = 0; k < 5; k++)
			evt_builder_add_u64(&B, 1000);
		evt_builder_add(&B, "", 0);
		evt_builder_add_u64(&B, 0);
		evt_builder_add_u64(&B, 0);
		put(s);
		for (int k = 0; k < nfd; k++) {
			snprintf(path, sizeof(path), "/var/lib/app/%08u/%06d.db", c, k);
			begin(EVT_OPENAT, c, c, pp, 3 + k);
			evt_builder_add_s64(&B, -100);
			evt_builder_add_str(&B, path);
			evt_builder_add_u64(&B, O_RDWR);
			evt_builder_add_u64(&B, 0);
			put(s);
		}
	}
}

/* The synthetic generator's worst case: new threads keep appearing (seen
 * only through their headers, as with lost fork events) and open sockets
 * that never close; nothing exits. */
static void build_leaky(struct stream *s, size_t nev)
{
	uint8_t t[14] = {2, 10, 0, 0, 1, 0x40, 0x9c, 93, 184, 216, 34, 0xbb, 0x01, 6};
	uint32_t tid = 100000;

	memset(s, 0, sizeof(*s));
	while (s->n < nev) {
		uint32_t pid = 200000 + (uint32_t)(rnd() % 20000);
		int fd = 3 + (int)(rnd() % 400);

		if (rnd() % 40 == 0)
			tid++; /* a thread never seen before */
		begin(EVT_SOCKET, pid, tid, 1, fd);
		evt_builder_add_u64(&B, 2);
		evt_builder_add_u64(&B, 1);
		evt_builder_add_u64(&B, 0);
		put(s);
		t[5] = (uint8_t)fd;
		begin(EVT_CONNECT, pid, tid, 1, 0);
		evt_builder_add_s64(&B, fd);
		evt_builder_add(&B, t, 0);
		evt_builder_add(&B, t, sizeof(t));
		put(s);
		ev_rw(s, &(struct proc){.pid = pid});
		tid = tid > 100000 + 200000 ? 100000 : tid;
	}
}

static void mem_report(size_t nev)
{
	struct stream snap, kids, fds, thr, leaky;
	struct st_stats a, b, c, d;
	struct st_state *st;
	size_t h0, h1, h2, h3, h4;
	const uint32_t NKIDS = 10000; /* x NFDS stays under the default total fd cap */
	const int NFDS = 8;
	long r0, r1;

	memset(&snap, 0, sizeof(snap));
	snapshot(&snap);
	build_children(&kids, 100000, NKIDS, 0);
	build_children(&fds, 200000, NKIDS, NFDS);
	build_threads(&thr, 300000, NKIDS);
	printf("bench_state mem: per-entry cost (heap bytes from mallinfo2, engine bytes from "
	       "st_get_stats)\n");
	h0 = heap_used();
	st = st_new();
	apply(st, &snap);
	h1 = heap_used();
	st_get_stats(st, &a);
	apply(st, &kids);
	h2 = heap_used();
	st_get_stats(st, &b);
	apply(st, &fds);
	h3 = heap_used();
	st_get_stats(st, &c);
	apply(st, &thr);
	h4 = heap_used();
	st_get_stats(st, &d);
	printf("%-44s %10s %10s\n", "", "heap B", "engine B");
	printf("%-44s %10.0f %10.0f\n", "per snapshot process (1 thread, no fds)",
	       (double)(h1 - h0) / NPROC, (double)a.mem_bytes / NPROC);
	printf("%-44s %10.0f %10.0f\n", "per forked+exec'd process (1 thread, no fds)",
	       (double)(h2 - h1) / NKIDS, (double)(b.mem_bytes - a.mem_bytes) / NKIDS);
	printf("%-44s %10.0f %10.0f\n", "per fd (file, 30-byte path)",
	       ((double)(h3 - h2) - (double)(h2 - h1)) / (NKIDS * NFDS),
	       ((double)(c.mem_bytes - b.mem_bytes) - (double)(b.mem_bytes - a.mem_bytes)) /
		   (NKIDS * NFDS));
	printf("%-44s %10.0f %10.0f\n", "per extra thread of a process (CLONE_THREAD)",
	       (double)(h4 - h3) / NKIDS, (double)(d.mem_bytes - c.mem_bytes) / NKIDS);
	printf("  (%llu threads, %llu fds, engine %.1f MiB, heap %.1f MiB)\n",
	       (unsigned long long)d.threads, (unsigned long long)d.fds,
	       (double)d.mem_bytes / 1048576, (double)(h4 - h0) / 1048576);
	st_free(st);
	free(kids.buf);
	free(fds.buf);
	free(thr.buf);

	build_leaky(&leaky, nev);
	printf(
	    "\nleaky stream: %zu events, threads never exit, sockets never close, default limits\n",
	    leaky.n);
	h0 = heap_used();
	r0 = rss_kib();
	st = st_new();
	apply(st, &snap);
	apply(st, &leaky);
	st_get_stats(st, &a);
	h1 = heap_used();
	r1 = rss_kib();
	printf("threads %llu (evicted %llu, stale %llu)  fds %llu (evicted %llu)  engine %.1f MiB  "
	       "heap +%.1f MiB  RSS +%.1f MiB\n",
	       (unsigned long long)a.threads, (unsigned long long)a.evicted_threads,
	       (unsigned long long)a.stale_threads, (unsigned long long)a.fd_entries,
	       (unsigned long long)a.evicted_fds, (double)a.mem_bytes / 1048576,
	       (double)(h1 - h0) / 1048576, (double)(r1 - r0) / 1024);
	st_free(st);
	free(leaky.buf);
	free(snap.buf);
}

int main(int argc, char **argv)
{
	size_t nev = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000000;
	static const char *names[] = {"mixed",	   "io",	"open_close",
				      "lifecycle", "mixed_acc", "mixed_runs"};
	cpu_set_t cs;
	uint8_t *chunk = malloc(CHUNK + 65536);

	CPU_ZERO(&cs);
	CPU_SET(0, &cs);
	sched_setaffinity(0, sizeof(cs), &cs); /* one core; best effort */
	evt_builder_init(&B);
	if (argc > 1 && strcmp(argv[1], "mem") == 0) {
		mem_report(argc > 2 ? strtoull(argv[2], NULL, 10) : 3000000);
		evt_builder_free(&B);
		free(chunk);
		return 0;
	}
	printf("bench_state: st_event_begin+st_event_end, %d processes primed by snapshot, best of "
	       "3\n",
	       NPROC);
	printf("%-11s %10s %12s %12s %12s %9s %8s\n", "mix", "events", "ns/event", "decode ns",
	       "Mevents/s", "threads", "fds");
	for (int m = 0; m < 6; m++) {
		struct stream s;
		struct st_stats stats;
		double best = 1e9, dbest = 1e9;

		if (argc > 2 && strcmp(argv[2], names[m]) != 0)
			continue;
		build(&s, (enum mix)m, nev);
		for (int k = 0; k < 3; k++) {
			double t = run(&s, &stats, chunk, m == MIX_ACC),
			       d = pass(&s, NULL, chunk, 0);
			if (t < best)
				best = t;
			if (d < dbest)
				dbest = d;
		}
		/* Reported: state cost = total - decode (decode is the reader's). */
		printf("%-11s %10zu %12.1f %12.1f %12.2f %9llu %8llu\n", names[m], s.n,
		       (best - dbest) * 1e9 / (double)s.n, dbest * 1e9 / (double)s.n,
		       (double)s.n / (best - dbest) / 1e6, (unsigned long long)stats.threads,
		       (unsigned long long)stats.fds);
		free(s.buf);
	}
	evt_builder_free(&B);
	free(chunk);
	return 0;
}
