/* test_st_bounds.c: the state engine's copy-on-write fd tables, lazy thread
 * views and memory bounds (thread cap with least-recently-seen eviction,
 * total fd cap, staleness sweep, shrinking tables), plus regressions found by
 * fuzz_st. */
#include <fcntl.h>
#include <sched.h>

#include "tests/tap.h"
#include "tests/unit/test_st_helpers.h"

/* The seen clock has ~1 ms resolution (2^20 ns): steps between "who was
 * active last" must be larger. */
#define MS 1100000ull

static struct st_state *init_state(void)
{
	struct st_state *st = st_new();

	ev_begin(EVT_SNAP_BEGIN, 0, 0, 0, 0);
	ev_u(2);
	ev_run(st);
	ev_procinfo(st, 1, 1, 0, "/sbin/init", "/usr/lib/systemd/systemd", "", 0, "/",
		    "/init.scope");
	ev_procinfo(st, 100, 100, 1, "bash", "/usr/bin/bash", "-l\0", 3, "/home/u", "/user.slice");
	ev_begin(EVT_SNAP_END, 0, 0, 0, 0);
	ev_u(2);
	ev_run(st);
	return st;
}

static void fork_(struct st_state *st, uint32_t ptid, uint32_t ppid, uint32_t child, int thread)
{
	uint32_t cpid = thread ? ppid : child;

	ev_begin(EVT_PROC_FORK, ppid, ptid, 1, 0);
	ev_u(ptid);
	ev_u(child);
	ev_u(cpid);
	ev_u(thread ? (CLONE_THREAD | CLONE_VM | CLONE_FILES) : 0);
	ev_u(child);
	ev_u(cpid);
	ev_run(st);
}

static void open_(struct st_state *st, uint32_t pid, uint32_t tid, const char *path, uint32_t flags,
		  int64_t res)
{
	ev_begin(EVT_OPENAT, pid, tid, 0, res);
	ev_s(-100);
	ev_str(path);
	ev_u(flags);
	ev_u(0644);
	ev_run(st);
}

static void close_(struct st_state *st, uint32_t pid, uint32_t tid, int64_t fd)
{
	ev_begin(EVT_CLOSE, pid, tid, 0, 0);
	ev_s(fd);
	ev_run(st);
}

static void read_(struct st_state *st, uint32_t pid, uint32_t tid, int64_t fd)
{
	ev_begin(EVT_READ, pid, tid, 0, 0);
	ev_s(fd);
	ev_u(0);
	ev_bytes("", 0);
	ev_run(st);
}

static void execve_(struct st_state *st, uint32_t pid, const char *exepath, const char *argv,
		    size_t argv_len)
{
	ev_begin(EVT_EXECVE, pid, pid, 100, 0);
	ev_str(exepath);
	ev_bytes(argv, argv_len);
	ev_str(exepath);
	ev_str("/");
	for (int i = 0; i < 5; i++)
		ev_u(1000);
	ev_bytes("", 0);
	ev_u(0);
	ev_u(0);
	ev_run(st);
}

static const char *fd_name(struct st_state *st, uint32_t pid, int64_t fd)
{
	const struct st_fd *f = st_fd_get(st, pid, fd);

	return f ? f->name : NULL;
}

TEST(forked_fd_tables_are_copy_on_write)
{
	struct st_state *st = init_state();
	struct st_stats s;

	open_(st, 100, 100, "/a", O_RDONLY, 3);
	open_(st, 100, 100, "/b", O_RDONLY | O_CLOEXEC, 4);
	fork_(st, 100, 100, 200, 0);
	st_get_stats(st, &s);
	/* Two processes see two fds each; the entries exist once. */
	CHECK_EQ_INT(s.fds, 4);
	CHECK_EQ_INT(s.fd_entries, 2);
	CHECK(fd_name(st, 200, 3) && strcmp(fd_name(st, 200, 3), "/a") == 0);
	/* The child's open and close leave the parent's table alone. */
	open_(st, 200, 200, "/c", O_RDONLY, 5);
	close_(st, 200, 200, 3);
	CHECK(fd_name(st, 200, 5) != NULL);
	CHECK(fd_name(st, 200, 3) == NULL);
	CHECK(fd_name(st, 100, 3) && strcmp(fd_name(st, 100, 3), "/a") == 0);
	CHECK(fd_name(st, 100, 5) == NULL);
	/* And the parent's changes leave the child's alone. */
	fork_(st, 100, 100, 201, 0);
	close_(st, 100, 100, 4);
	CHECK(fd_name(st, 201, 4) && strcmp(fd_name(st, 201, 4), "/b") == 0);
	/* exec in a sharing child drops its O_CLOEXEC fds only. */
	fork_(st, 100, 100, 202, 0);
	open_(st, 100, 100, "/d", O_RDONLY | O_CLOEXEC, 6);
	fork_(st, 100, 100, 203, 0);
	execve_(st, 203, "/bin/true", "true\0", 5);
	CHECK(fd_name(st, 203, 3) != NULL);
	CHECK(fd_name(st, 203, 6) == NULL);
	CHECK(fd_name(st, 100, 6) && strcmp(fd_name(st, 100, 6), "/d") == 0);
	/* A socket changed by connect in the child: the parent's stays as it was. */
	{
		uint8_t t[14];
		const uint8_t l[4] = {10, 0, 0, 1}, r[4] = {1, 2, 3, 4};

		ev_begin(EVT_SOCKET, 100, 100, 1, 7);
		ev_u(2);
		ev_u(1);
		ev_u(0);
		ev_run(st);
		fork_(st, 100, 100, 204, 0);
		ev_begin(EVT_CONNECT, 204, 204, 100, 0);
		ev_s(7);
		ev_bytes("", 0);
		ev_bytes(t, tuple4(t, l, 40000, r, 80, 6));
		ev_run(st);
		CHECK(fd_name(st, 204, 7) &&
		      strcmp(fd_name(st, 204, 7), "10.0.0.1:40000->1.2.3.4:80") == 0);
		CHECK(fd_name(st, 100, 7) && fd_name(st, 100, 7)[0] == '\0');
	}
	/* Counts stay consistent through exits of sharing processes. */
	for (uint32_t c = 200; c <= 204; c++) {
		ev_begin(EVT_PROC_EXIT, c, c, 100, 0);
		ev_s(0);
		ev_u(0);
		ev_run(st);
	}
	st_get_stats(st, &s);
	CHECK_EQ_INT(s.fds, 3); /* the parent's 3, 6 and 7 */
	CHECK_EQ_INT(s.fd_entries, s.fds);
	st_free(st);
}

TEST(views_follow_process_changes)
{
	struct st_state *st = init_state();
	const struct st_thread *t;

	fork_(st, 100, 100, 101, 1); /* a thread of bash */
	t = st_thread_get(st, 101);
	CHECK(t && strcmp(t->cwd, "/home/u") == 0);
	/* chdir by the leader shows through the other thread's view. */
	ev_begin(EVT_CHDIR, 100, 100, 1, 0);
	ev_str("/tmp");
	ev_run(st);
	t = st_thread_get(st, 101);
	CHECK(t && strcmp(t->cwd, "/tmp") == 0);
	/* An fd event does not change process data; the view stays right. */
	open_(st, 100, 101, "x", O_RDONLY, 3);
	CHECK(fd_name(st, 100, 3) && strcmp(fd_name(st, 100, 3), "/tmp/x") == 0);
	t = st_thread_get(st, 101);
	CHECK(t && strcmp(t->cwd, "/tmp") == 0 && strcmp(t->exe, "bash") == 0);
	ev_begin(EVT_SETUID, 100, 101, 1, 0);
	ev_u(0);
	ev_run(st);
	CHECK_EQ_INT(st_thread_get(st, 100)->euid, 0);
	/* A ppid change read from a header (reparenting) too. */
	ev_begin(EVT_READ, 100, 100, 77, 0);
	ev_s(3);
	ev_u(0);
	ev_bytes("", 0);
	ev_run(st);
	CHECK_EQ_INT(st_thread_get(st, 101)->ppid, 77);
	st_free(st);
}

TEST(thread_cap_evicts_least_recently_seen)
{
	struct st_state *st = init_state();
	struct st_stats s;

	st_set_limits(st, 16, 0);
	for (uint32_t i = 0; i < 40; i++) {
		tts += MS;
		fork_(st, 100, 100, 1000 + i, 0);
		/* 1000 stays active all along. */
		tts += MS;
		read_(st, 1000, 1000, 0);
		st_get_stats(st, &s);
		CHECK(s.threads <= 16);
	}
	st_get_stats(st, &s);
	CHECK(s.evicted_threads >= 40 + 3 - 16);
	CHECK(st_thread_get(st, 1000) != NULL); /* active */
	CHECK(st_thread_get(st, 1039) != NULL); /* newest */
	CHECK(st_thread_get(st, 1001) == NULL); /* idle since its fork */
	/* Exited threads go before live ones: one over the cap evicts just it. */
	tts += MS;
	ev_begin(EVT_EXIT, 1039, 1039, 100, 0);
	ev_s(0);
	ev_run(st);
	st_get_stats(st, &s);
	for (uint32_t i = 0; s.threads < 16; i++) {
		fork_(st, 100, 100, 2000 + i, 0);
		st_get_stats(st, &s);
	}
	{
		uint64_t ev0 = s.evicted_threads;
		fork_(st, 100, 100, 3000, 0);
		st_get_stats(st, &s);
		CHECK_EQ_INT(s.evicted_threads, ev0 + 1);
	}
	CHECK(st_thread_get(st, 1039) == NULL);
	CHECK(st_thread_get(st, 1038) != NULL);
	st_free(st);
}

TEST(leader_kept_while_its_threads_are_active)
{
	struct st_state *st = init_state();

	st_set_limits(st, 16, 0);
	fork_(st, 100, 100, 500, 0);
	fork_(st, 500, 500, 501, 1); /* 501: a thread of 500 */
	for (uint32_t i = 0; i < 40; i++) {
		tts += MS;
		fork_(st, 100, 100, 1000 + i, 0);
		tts += MS;
		read_(st, 500, 501, 0); /* only the worker thread is active */
	}
	CHECK(st_thread_get(st, 501) != NULL);
	CHECK(st_thread_get(st, 500) != NULL);
	/* Its parent (the helper's headers say init) stays too, though idle. */
	CHECK(st_thread_parent(st, st_thread_get(st, 501)) != NULL);
	st_free(st);
}

TEST(total_fd_cap_drops_least_recently_seen_tables)
{
	struct st_state *st = init_state();
	struct st_limits l = {.max_fds_total = 32};
	struct st_stats s;

	st_set_limits_ext(st, &l);
	for (uint32_t p = 0; p < 8; p++) {
		tts += MS;
		fork_(st, 100, 100, 3000 + p, 0);
		for (int fd = 3; fd < 10; fd++)
			open_(st, 3000 + p, 3000 + p, "/sock", O_RDWR, fd);
		st_get_stats(st, &s);
		CHECK(s.fd_entries <= 32);
	}
	st_get_stats(st, &s);
	CHECK(s.evicted_fds > 0);
	/* The newest process keeps its fds, the oldest lost them; both live on. */
	CHECK(fd_name(st, 3007, 9) != NULL);
	CHECK(fd_name(st, 3000, 3) == NULL);
	CHECK(st_thread_get(st, 3000) != NULL);
	st_free(st);
}

TEST(per_process_fd_cap)
{
	struct st_state *st = init_state();

	st_set_limits(st, 0, 4);
	for (int fd = 3; fd < 10; fd++)
		open_(st, 100, 100, "/f", O_RDONLY, fd);
	CHECK(fd_name(st, 100, 6) != NULL);
	CHECK(fd_name(st, 100, 7) == NULL);
	/* Replacing a tracked fd is allowed at the cap. */
	open_(st, 100, 100, "/g", O_RDONLY, 6);
	CHECK(fd_name(st, 100, 6) && strcmp(fd_name(st, 100, 6), "/g") == 0);
	st_free(st);
}

TEST(stale_threads_swept_in_event_time)
{
	struct st_state *st = init_state();
	struct st_limits l = {.stale_ns = 10000000000ull}; /* 10 s */
	struct st_stats s;

	st_set_limits_ext(st, &l);
	fork_(st, 100, 100, 700, 0); /* idle parent ... */
	fork_(st, 700, 700, 701, 0); /* ... of an active child */
	fork_(st, 100, 100, 800, 0); /* idle, lost its exit */
	/* The helper's headers name 1 as every event's parent: 700 now hangs
	 * under init, and bash (100) goes idle after this. */
	for (int i = 0; i < 200; i++) {
		tts += 500000000ull; /* 100 s of event time in all */
		read_(st, 701, 701, 0);
	}
	st_get_stats(st, &s);
	CHECK(s.stale_threads > 0);
	CHECK(st_thread_get(st, 800) == NULL);
	CHECK(st_thread_get(st, 701) != NULL);
	/* Ancestors of an active thread stay: proc.aname keeps working. */
	CHECK(st_thread_get(st, 700) != NULL);
	CHECK(st_thread_get(st, 1) != NULL);
	CHECK(st_thread_get(st, 100) == NULL);
	/* Off: nothing is swept. */
	l.stale_ns = UINT64_MAX;
	st_set_limits_ext(st, &l);
	fork_(st, 100, 100, 900, 0);
	for (int i = 0; i < 200; i++) {
		tts += 500000000ull;
		read_(st, 701, 701, 0);
	}
	CHECK(st_thread_get(st, 900) != NULL);
	st_free(st);
}

TEST(fd_table_shrinks_after_burst)
{
	struct st_state *st = init_state();
	struct st_stats a, b;

	st_get_stats(st, &a);
	for (int fd = 3; fd < 20003; fd++)
		open_(st, 100, 100, "/f", O_RDONLY, fd);
	st_get_stats(st, &b);
	CHECK_EQ_INT(b.fds, a.fds + 20000);
	for (int fd = 3; fd < 20003; fd++)
		close_(st, 100, 100, fd);
	st_get_stats(st, &a);
	CHECK_EQ_INT(a.fds, 0);
	/* The slot array went back down (pools keep their chunks: reused). */
	CHECK(a.mem_bytes + 20000 * 16 < b.mem_bytes);
	st_free(st);
}

TEST(damaged_input_regressions)
{
	struct st_state *st = init_state();
	const struct evt *ev;

	/* A type id beyond the schema's range (fuzz_st found an out-of-bounds
	 * table read): header-only handling. */
	ev_begin(EVT_READ, 100, 100, 1, 0);
	ev_s(3);
	ev_u(0);
	ev_bytes("", 0);
	ev = ev_done();
	((struct evt_rec *)(uintptr_t)ev->rec)->type = 999;
	st_event_begin(st, ev);
	CHECK(st_event_thread(st) && st_event_thread(st)->tid == 100);
	CHECK(st_event_fd(st) == NULL);
	st_event_end(st, ev);
	/* A fork naming the parent as its own child changes nothing. */
	open_(st, 100, 100, "/keep", O_RDONLY, 3);
	fork_(st, 100, 100, 100, 0);
	CHECK(fd_name(st, 100, 3) && strcmp(fd_name(st, 100, 3), "/keep") == 0);
	CHECK(st_thread_get(st, 100) && strcmp(st_thread_get(st, 100)->exe, "bash") == 0);
	st_free(st);
}

TEST(socket_names)
{
	struct st_fd f;
	char buf[128];

	memset(&f, 0, sizeof(f));
	f.family = 2;
	memcpy(f.lip, (uint8_t[]){192, 168, 0, 10}, 4);
	f.lport = 8080;
	CHECK(st_fd_sockname(&f, buf, sizeof(buf)) == strlen("192.168.0.10:8080"));
	CHECK_STR(buf, "192.168.0.10:8080");
	memcpy(f.rip, (uint8_t[]){1, 0, 0, 255}, 4);
	f.rport = 65535;
	f.is_server = 1;
	st_fd_sockname(&f, buf, sizeof(buf));
	CHECK_STR(buf, "1.0.0.255:65535->192.168.0.10:8080");
	f.is_server = 0;
	st_fd_sockname(&f, buf, sizeof(buf));
	CHECK_STR(buf, "192.168.0.10:8080->1.0.0.255:65535");
	CHECK_EQ_INT(st_fd_sockname(&f, buf, 8), 7);
	CHECK_STR(buf, "192.168");
	memset(&f, 0, sizeof(f));
	f.family = 10;
	f.lip[15] = 1;
	f.lport = 0;
	st_fd_sockname(&f, buf, sizeof(buf));
	CHECK_STR(buf, "::1:0");
}

static void exec_env(struct st_state *st, uint32_t pid, const char *argv, size_t alen,
		     const char *env, size_t elen)
{
	ev_begin(EVT_EXECVE, pid, pid, 100, 0);
	ev_str("/bin/app");
	ev_bytes(argv, alen);
	ev_str("/bin/app");
	ev_str("/");
	for (int i = 0; i < 5; i++)
		ev_u(1000);
	ev_bytes(env, elen);
	ev_u(0);
	ev_u(0);
	ev_run(st);
}

TEST(long_strings_interned_and_bounded)
{
	struct st_state *st = init_state();
	struct st_limits l = {.max_string_bytes = 64 * 1024};
	struct st_stats a, b, c;
	static char env[4096], args[4096];
	const struct st_thread *t1, *t2;

	for (size_t i = 0; i < sizeof(env); i++)
		env[i] = i % 64 == 63 ? '\0' : (char)('A' + i % 26);
	fork_(st, 100, 100, 600, 0);
	fork_(st, 100, 100, 601, 0);
	st_get_stats(st, &a);
	exec_env(st, 600, "app\0", 4, env, sizeof(env));
	st_get_stats(st, &b);
	exec_env(st, 601, "app\0", 4, env, sizeof(env));
	st_get_stats(st, &c);
	/* The second copy of the environment costs nothing. */
	CHECK(b.mem_bytes >= a.mem_bytes + 4000);
	CHECK(c.mem_bytes < b.mem_bytes + 1000);
	t1 = st_thread_get(st, 600);
	t2 = st_thread_get(st, 601);
	CHECK(t1 && t2 && t1->env == t2->env && t1->env_len == sizeof(env) - 1);
	/* The first holder goes; the other keeps it intact. */
	ev_begin(EVT_PROC_EXIT, 600, 600, 100, 0);
	ev_s(0);
	ev_u(0);
	ev_run(st);
	t2 = st_thread_get(st, 601);
	CHECK(t2 && t2->env_len == sizeof(env) - 1 && memcmp(t2->env, env, 64) == 0);
	/* Distinct long argument lists: the budget evicts idle processes. */
	st_set_limits_ext(st, &l);
	for (uint32_t p = 0; p < 60; p++) {
		memset(args, 'a' + p % 26, sizeof(args));
		snprintf(args, 16, "x%u", p);
		tts += MS;
		fork_(st, 100, 100, 4000 + p, 0);
		exec_env(st, 4000 + p, args, sizeof(args), "", 0);
		st_get_stats(st, &c);
		CHECK(c.mem_bytes < b.mem_bytes + 80 * 1024);
	}
	st_get_stats(st, &c);
	CHECK(c.evicted_threads > 0);
	t1 = st_thread_get(st, 4059);
	CHECK(t1 && strcmp(t1->exe, "x59") == 0 && t1->args_len > 4000);
	CHECK(st_thread_get(st, 4000) == NULL);
	st_free(st);
}

/* The straightforward normalizer st_path_join must agree with. */
static int ref_join(const char *base, const char *path, size_t plen, char *out)
{
	char comp[64][16];
	int n = 0;
	const char *srcs[2] = {(plen && path[0] == '/') ? "" : (base ? base : ""), path};
	size_t lens[2] = {strlen(srcs[0]), plen};

	for (int s = 0; s < 2; s++) {
		size_t i = 0;
		while (i < lens[s]) {
			size_t st, cl;
			while (i < lens[s] && srcs[s][i] == '/')
				i++;
			st = i;
			while (i < lens[s] && srcs[s][i] != '/')
				i++;
			cl = i - st;
			if (!cl || (cl == 1 && srcs[s][st] == '.'))
				continue;
			if (cl == 2 && srcs[s][st] == '.' && srcs[s][st + 1] == '.') {
				if (n)
					n--;
				continue;
			}
			memcpy(comp[n], srcs[s] + st, cl);
			comp[n++][cl] = '\0';
		}
	}
	out[0] = '\0';
	if (!n)
		strcpy(out, "/");
	for (int i = 0; i < n; i++) {
		strcat(out, "/");
		strcat(out, comp[i]);
	}
	return (int)strlen(out);
}

TEST(path_join_fast_path_agrees)
{
	static const char alpha[] = "/.a";
	static const char *bases[] = {"/", "/x", "/x/y", "/x/../y", "/x/", "", NULL};
	char path[8], out[64], want[256];
	int bad = 0;

	for (int len = 0; len <= 6; len++) {
		int total = 1;
		for (int i = 0; i < len; i++)
			total *= 3;
		for (int code = 0; code < total; code++) {
			int c = code;
			for (int i = 0; i < len; i++, c /= 3)
				path[i] = alpha[c % 3];
			path[len] = '\0';
			for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
				int n = st_path_join(bases[b], path, (size_t)len, out, sizeof(out));
				int m = ref_join(bases[b], path, (size_t)len, want);
				if (n != m || strcmp(out, want) != 0) {
					if (!bad++)
						printf("# base %s path '%s': got '%s' want '%s'\n",
						       bases[b] ? bases[b] : "(null)", path, out,
						       want);
				}
			}
		}
	}
	CHECK_EQ_INT(bad, 0);
	/* Too small an output buffer still fails cleanly on the fast path. */
	CHECK_EQ_INT(st_path_join("/", "/abc", 4, out, 4), -1);
	CHECK_EQ_INT(st_path_join("/ab", "cd", 2, out, 6), -1);
	CHECK_EQ_INT(st_path_join("/ab", "cd", 2, out, 7), 6);
}
