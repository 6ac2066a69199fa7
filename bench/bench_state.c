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
 * Usage: bench_state [EVENTS [MIX]] (default 2000000, all mixes). Prints a table; best of 3. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/evt.h"
#include "state/st.h"

#define NPROC 1000
#define NFD 16

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
	static const char *paths[] = { "/etc/passwd", "data/cache.db", "../lib/x.so",
				       "/var/log/app.log", "/proc/self/status", "tmp/./f" };
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
	evt_builder_add(&B, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 80);
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
	uint8_t t[14] = { 2, 10, 0, 0, 1, 0x40, 0x9c, 93, 184, 216, 34, 0xbb, 0x01, 6 };
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

enum mix { MIX_MIXED, MIX_IO, MIX_OPENCLOSE, MIX_LIFE };

static void build(struct stream *s, enum mix m, size_t nev)
{
	memset(s, 0, sizeof(*s));
	snapshot(s);
	while (s->n < nev) {
		struct proc *p = &procs[rnd() % NPROC];
		unsigned r = (unsigned)(rnd() % 100);

		switch (m) {
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
		case MIX_MIXED:
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
static double pass(const struct stream *s, struct st_state *st, uint8_t *chunk)
{
	size_t off = 0;
	double total = 0;
	volatile uint64_t sink = 0;

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

static double run(const struct stream *s, struct st_stats *out, uint8_t *chunk)
{
	struct st_state *st = st_new();
	double t = pass(s, st, chunk);

	st_get_stats(st, out);
	st_free(st);
	return t;
}

int main(int argc, char **argv)
{
	size_t nev = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000000;
	static const char *names[] = { "mixed", "io", "open_close", "lifecycle" };
	cpu_set_t cs;
	uint8_t *chunk = malloc(CHUNK + 65536);

	CPU_ZERO(&cs);
	CPU_SET(0, &cs);
	sched_setaffinity(0, sizeof(cs), &cs); /* one core; best effort */
	evt_builder_init(&B);
	printf("bench_state: st_event_begin+st_event_end, %d processes primed by snapshot, best of 3\n",
	       NPROC);
	printf("%-11s %10s %12s %12s %12s %9s %8s\n", "mix", "events", "ns/event", "decode ns",
	       "Mevents/s", "threads", "fds");
	for (int m = 0; m < 4; m++) {
		struct stream s;

		if (argc > 2 && strcmp(argv[2], names[m]) != 0)
			continue;
		{
		struct st_stats stats;
		double best = 1e9, dbest = 1e9;

		build(&s, (enum mix)m, nev);
		for (int k = 0; k < 3; k++) {
			double t = run(&s, &stats, chunk), d = pass(&s, NULL, chunk);
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
	}
	evt_builder_free(&B);
	free(chunk);
	return 0;
}
