/* test_st.c: the state engine over synthetic event streams. */
#include <fcntl.h>
#include <sched.h>

#include "tests/tap.h"
#include "tests/unit/test_st_helpers.h"

/* init (1) with a shell (100) under it, from a snapshot. */
static struct st_state *base_state(void)
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

static void do_fork(struct st_state *st, uint32_t ppid_tid, uint32_t ppid_pid, uint32_t child,
		    int thread)
{
	uint32_t cpid = thread ? ppid_pid : child;

	ev_begin(EVT_PROC_FORK, ppid_pid, ppid_tid, 1, 0);
	ev_u(ppid_tid);
	ev_u(child);
	ev_u(cpid);
	ev_u(thread ? (CLONE_THREAD | CLONE_VM | CLONE_FILES) : 0);
	ev_u(child);
	ev_u(cpid);
	ev_run(st);
}

static void do_open(struct st_state *st, uint32_t pid, uint32_t tid, int64_t dirfd,
		    const char *path, uint32_t flags, int64_t res)
{
	ev_begin(EVT_OPENAT, pid, tid, 0, res);
	ev_s(dirfd);
	ev_str(path);
	ev_u(flags);
	ev_u(0644);
	ev_run(st);
}

static void do_close(struct st_state *st, uint32_t pid, uint32_t tid, int64_t fd)
{
	ev_begin(EVT_CLOSE, pid, tid, 0, 0);
	ev_s(fd);
	ev_run(st);
}

static void do_execve(struct st_state *st, uint32_t pid, const char *exepath, const char *argv,
		      size_t argv_len, const char *cwd)
{
	ev_begin(EVT_EXECVE, pid, pid, 100, 0);
	ev_str(exepath); /* filename */
	ev_bytes(argv, argv_len);
	ev_str(exepath); /* exe */
	ev_str(cwd);
	ev_u(0);	 /* tty */
	ev_u(1000);	 /* loginuid */
	ev_u(1000);	 /* uid */
	ev_u(1000);	 /* gid */
	ev_u(1000);	 /* euid */
	ev_bytes("", 0); /* env */
	ev_u(0);	 /* flags */
	ev_u(0);	 /* cap_eff */
	ev_run(st);
}

TEST(snapshot_builds_table)
{
	struct st_state *st = base_state();
	const struct st_thread *t = st_thread_get(st, 100);

	CHECK(t != NULL);
	if (!t)
		goto out;
	CHECK_STR(t->exe, "bash");
	CHECK_STR(t->exepath, "/usr/bin/bash");
	CHECK_EQ_INT(t->args_len, 2);
	CHECK_STR(t->args, "-l");
	CHECK_STR(t->cwd, "/home/u");
	CHECK_STR(t->container_id, "host");
	CHECK_EQ_INT(t->ppid, 1);
	CHECK(st_thread_parent(st, t) != NULL);
	CHECK_EQ_INT(st_thread_parent(st, t)->pid, 1);
	CHECK(st_thread_parent(st, st_thread_parent(st, t)) == NULL);
out:
	st_free(st);
}

TEST(fork_exec_inherits_and_replaces)
{
	struct st_state *st = base_state();
	const struct st_thread *t;
	static const char argv[] = "ls\0-la\0/tmp\0";

	do_open(st, 100, 100, -100, "keep.txt", O_RDONLY, 3);
	do_open(st, 100, 100, -100, "/etc/passwd", O_RDONLY | O_CLOEXEC, 4);
	do_fork(st, 100, 100, 200, 0);
	t = st_thread_get(st, 200);
	CHECK(t != NULL);
	if (!t)
		goto out;
	CHECK_STR(t->exe, "bash");
	CHECK_STR(t->cwd, "/home/u");
	CHECK_EQ_INT(t->ppid, 100);
	CHECK(st_fd_get(st, 200, 3) != NULL);
	CHECK(st_fd_get(st, 200, 4) != NULL);
	do_execve(st, 200, "/usr/bin/ls", argv, sizeof(argv) - 1, "/home/u");
	t = st_thread_get(st, 200);
	CHECK_STR(t->exe, "ls");
	CHECK_STR(t->exepath, "/usr/bin/ls");
	CHECK_EQ_INT(t->args_len, 8);
	CHECK(memcmp(t->args, "-la\0/tmp", 8) == 0);
	CHECK_EQ_INT(t->uid, 1000);
	CHECK_EQ_INT(t->loginuid, 1000);
	/* O_CLOEXEC fds are gone after exec, others stay. */
	CHECK(st_fd_get(st, 200, 3) != NULL);
	CHECK(st_fd_get(st, 200, 4) == NULL);
	/* The parent keeps its own copy. */
	CHECK(st_fd_get(st, 100, 4) != NULL);
	CHECK_STR(st_thread_get(st, 100)->exe, "bash");
	/* Ancestors by ppid. */
	CHECK_EQ_INT(st_thread_parent(st, t)->pid, 100);
	CHECK_EQ_INT(st_thread_parent(st, st_thread_parent(st, t))->pid, 1);
out:
	st_free(st);
}

TEST(clone_syscalls_create_children)
{
	struct st_state *st = base_state();

	/* Parent side of fork(): res is the child. */
	ev_begin(EVT_FORK, 100, 100, 1, 300);
	ev_run(st);
	CHECK(st_thread_get(st, 300) != NULL);
	CHECK_STR(st_thread_get(st, 300)->exe, "bash");
	/* Child side first (child ran before the parent returned). */
	ev_begin(EVT_CLONE, 301, 301, 100, 0);
	ev_u(0x11); /* SIGCHLD */
	ev_run(st);
	CHECK(st_thread_get(st, 301) != NULL);
	CHECK_STR(st_thread_get(st, 301)->cwd, "/home/u");
	/* A thread (CLONE_THREAD) seen from its own first event. */
	ev_begin(EVT_CLONE, 100, 302, 1, 0);
	ev_u(CLONE_THREAD | CLONE_VM);
	ev_run(st);
	CHECK(st_thread_get(st, 302) != NULL);
	CHECK_EQ_INT(st_thread_get(st, 302)->pid, 100);
	CHECK_STR(st_thread_get(st, 302)->exe, "bash");
	st_free(st);
}

TEST(threads_share_fd_table_processes_copy_it)
{
	struct st_state *st = base_state();

	do_fork(st, 100, 100, 101, 1);
	do_open(st, 100, 101, -100, "/var/log/a", O_WRONLY, 5);
	CHECK(st_fd_get(st, 100, 5) != NULL);
	do_fork(st, 100, 100, 400, 0);
	CHECK(st_fd_get(st, 400, 5) != NULL);
	do_close(st, 400, 400, 5);
	CHECK(st_fd_get(st, 400, 5) == NULL);
	CHECK(st_fd_get(st, 100, 5) != NULL);
	/* chdir in one thread moves the whole process. */
	ev_begin(EVT_CHDIR, 100, 101, 1, 0);
	ev_str("../x/./y//");
	ev_run(st);
	CHECK_STR(st_thread_get(st, 100)->cwd, "/home/x/y");
	CHECK_STR(st_thread_get(st, 101)->cwd, "/home/x/y");
	CHECK_STR(st_thread_get(st, 400)->cwd, "/home/u");
	st_free(st);
}

TEST(open_paths_resolve)
{
	struct st_state *st = base_state();
	const struct st_fd *f;

	do_open(st, 100, 100, -100, "a/../b/./c.txt", O_RDONLY, 3);
	f = st_fd_get(st, 100, 3);
	CHECK(f && strcmp(f->name, "/home/u/b/c.txt") == 0);
	CHECK(f && f->type == FDT_FILE);
	do_open(st, 100, 100, -100, "/etc", O_RDONLY | O_DIRECTORY, 4);
	f = st_fd_get(st, 100, 4);
	CHECK(f && f->type == FDT_DIRECTORY);
	do_open(st, 100, 100, 4, "ssh/../shadow", O_RDONLY, 5);
	f = st_fd_get(st, 100, 5);
	CHECK(f && strcmp(f->name, "/etc/shadow") == 0);
	CHECK(f && f->flags == O_RDONLY);
	/* Failed open: no fd. */
	do_open(st, 100, 100, -100, "/nope", O_RDONLY, -2);
	CHECK_EQ_INT(st_fd_get(st, 100, -2) == NULL, 1);
	/* fchdir into the directory fd. */
	ev_begin(EVT_FCHDIR, 100, 100, 1, 0);
	ev_s(4);
	ev_run(st);
	CHECK_STR(st_thread_get(st, 100)->cwd, "/etc");
	/* creat */
	ev_begin(EVT_CREAT, 100, 100, 1, 6);
	ev_str("new");
	ev_u(0600);
	ev_run(st);
	f = st_fd_get(st, 100, 6);
	CHECK(f && strcmp(f->name, "/etc/new") == 0);
	CHECK(f && (f->flags & O_CREAT));
	/* ".." above the root stays at the root. */
	do_open(st, 100, 100, -100, "/../../x", O_RDONLY, 7);
	CHECK_STR(st_fd_get(st, 100, 7)->name, "/x");
	st_free(st);
}

TEST(event_scope_close_sees_fd_until_end)
{
	struct st_state *st = base_state();
	const struct evt *ev;

	do_open(st, 100, 100, -100, "/tmp/x", O_RDWR, 3);
	ev_begin(EVT_CLOSE, 100, 100, 1, 0);
	ev_s(3);
	ev = ev_done();
	st_event_begin(st, ev);
	CHECK(st_event_fd(st) != NULL);
	CHECK_EQ_INT(st_event_fdnum(st), 3);
	CHECK(st_event_fd(st) && strcmp(st_event_fd(st)->name, "/tmp/x") == 0);
	CHECK_EQ_INT(st_event_thread(st)->tid, 100);
	st_event_end(st, ev);
	CHECK(st_fd_get(st, 100, 3) == NULL);
	/* read names its fd param */
	do_open(st, 100, 100, -100, "/tmp/y", O_RDWR, 3);
	ev_begin(EVT_READ, 100, 100, 1, 10);
	ev_s(3);
	ev_u(10);
	ev_bytes("0123456789", 10);
	ev = ev_done();
	st_event_begin(st, ev);
	CHECK(st_event_fd(st) && strcmp(st_event_fd(st)->name, "/tmp/y") == 0);
	st_event_end(st, ev);
	/* openat's fd is res */
	ev_begin(EVT_OPENAT, 100, 100, 1, 9);
	ev_s(-100);
	ev_str("/z");
	ev_u(0);
	ev_u(0);
	ev = ev_done();
	st_event_begin(st, ev);
	CHECK_EQ_INT(st_event_fdnum(st), 9);
	CHECK(st_event_fd(st) && strcmp(st_event_fd(st)->name, "/z") == 0);
	st_event_end(st, ev);
	st_free(st);
}

TEST(dup_and_cloexec)
{
	struct st_state *st = base_state();
	const struct st_fd *f;

	do_open(st, 100, 100, -100, "/tmp/log", O_WRONLY | O_CLOEXEC, 3);
	ev_begin(EVT_DUP2, 100, 100, 1, 1);
	ev_s(3);
	ev_s(1);
	ev_run(st);
	f = st_fd_get(st, 100, 1);
	CHECK(f && strcmp(f->name, "/tmp/log") == 0);
	CHECK(f && !(f->flags & O_CLOEXEC));
	ev_begin(EVT_DUP3, 100, 100, 1, 7);
	ev_s(3);
	ev_s(7);
	ev_u(O_CLOEXEC);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 7) && (st_fd_get(st, 100, 7)->flags & O_CLOEXEC));
	ev_begin(EVT_FCNTL, 100, 100, 1, 10);
	ev_s(1);
	ev_u(1030); /* F_DUPFD_CLOEXEC */
	ev_u(10);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 10) && (st_fd_get(st, 100, 10)->flags & O_CLOEXEC));
	ev_begin(EVT_FCNTL, 100, 100, 1, 0);
	ev_s(1);
	ev_u(2); /* F_SETFD */
	ev_u(1); /* FD_CLOEXEC */
	ev_run(st);
	CHECK(st_fd_get(st, 100, 1)->flags & O_CLOEXEC);
	ev_begin(EVT_DUP, 100, 100, 1, 11);
	ev_s(3);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 11) != NULL);
	do_execve(st, 100, "/bin/true", "true\0", 5, "/");
	CHECK(st_fd_get(st, 100, 1) == NULL);
	CHECK(st_fd_get(st, 100, 3) == NULL);
	CHECK(st_fd_get(st, 100, 7) == NULL);
	CHECK(st_fd_get(st, 100, 10) == NULL);
	CHECK(st_fd_get(st, 100, 11) != NULL);
	st_free(st);
}

TEST(sockets_client_and_server)
{
	struct st_state *st = base_state();
	static const uint8_t me[4] = {10, 0, 0, 1}, srv[4] = {1, 2, 3, 4}, any[4] = {0};
	uint8_t tb_[64];
	size_t n;
	const struct st_fd *f;

	ev_begin(EVT_SOCKET, 100, 100, 1, 3);
	ev_u(2);
	ev_u(1 | O_CLOEXEC); /* SOCK_STREAM | SOCK_CLOEXEC */
	ev_u(0);
	ev_run(st);
	f = st_fd_get(st, 100, 3);
	CHECK(f && f->type == FDT_IPV4 && f->l4proto == 6 && (f->flags & O_CLOEXEC));
	ev_begin(EVT_CONNECT, 100, 100, 1, -115);
	ev_s(3);
	n = sockaddr4(tb_, srv, 80);
	ev_bytes(tb_, n);
	n = tuple4(tb_, me, 40000, srv, 80, 6);
	ev_bytes(tb_, n);
	ev_run(st);
	f = st_fd_get(st, 100, 3);
	CHECK(f && f->is_server == 0);
	CHECK(f && strcmp(f->name, "10.0.0.1:40000->1.2.3.4:80") == 0);
	CHECK(f && f->lport == 40000 && f->rport == 80 && f->rip[3] == 4);

	/* Server: socket, bind, listen, accept. */
	ev_begin(EVT_SOCKET, 100, 100, 1, 4);
	ev_u(2);
	ev_u(1);
	ev_u(0);
	ev_run(st);
	ev_begin(EVT_BIND, 100, 100, 1, 0);
	ev_s(4);
	n = sockaddr4(tb_, any, 8080);
	ev_bytes(tb_, n);
	ev_run(st);
	ev_begin(EVT_LISTEN, 100, 100, 1, 0);
	ev_s(4);
	ev_s(128);
	ev_run(st);
	f = st_fd_get(st, 100, 4);
	CHECK(f && f->is_server == 1 && strcmp(f->name, "0.0.0.0:8080") == 0);
	ev_begin(EVT_ACCEPT4, 100, 100, 1, 5);
	ev_s(4);
	n = tuple4(tb_, me, 8080, srv, 51000, 6);
	ev_bytes(tb_, n);
	ev_u(O_NONBLOCK);
	ev_run(st);
	f = st_fd_get(st, 100, 5);
	CHECK(f && f->type == FDT_IPV4 && f->is_server == 1 && f->l4proto == 6);
	CHECK(f && strcmp(f->name, "1.2.3.4:51000->10.0.0.1:8080") == 0);
	CHECK(f && (f->flags & O_NONBLOCK));

	/* Unix and netlink by domain; udp by type. */
	ev_begin(EVT_SOCKET, 100, 100, 1, 6);
	ev_u(1);
	ev_u(1);
	ev_u(0);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 6) && st_fd_get(st, 100, 6)->type == FDT_UNIX);
	ev_begin(EVT_CONNECT, 100, 100, 1, 0);
	ev_s(6);
	ev_bytes("\x01/run/docker.sock", 17);
	ev_bytes("", 0);
	ev_run(st);
	CHECK_STR(st_fd_get(st, 100, 6)->name, "/run/docker.sock");
	ev_begin(EVT_SOCKET, 100, 100, 1, 7);
	ev_u(16);
	ev_u(3);
	ev_u(0);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 7) && st_fd_get(st, 100, 7)->type == FDT_NETLINK);
	ev_begin(EVT_SOCKET, 100, 100, 1, 8);
	ev_u(10);
	ev_u(2);
	ev_u(0);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 8) && st_fd_get(st, 100, 8)->type == FDT_IPV6 &&
	      st_fd_get(st, 100, 8)->l4proto == 17);
	st_free(st);
}

TEST(pipes_memfd_and_anon_fds)
{
	struct st_state *st = base_state();
	const struct st_fd *f;

	ev_begin(EVT_PIPE2, 100, 100, 1, 0);
	ev_s(3);
	ev_s(4);
	ev_u(O_CLOEXEC);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 3) && st_fd_get(st, 100, 3)->type == FDT_PIPE);
	CHECK(st_fd_get(st, 100, 4) && (st_fd_get(st, 100, 4)->flags & O_CLOEXEC));
	ev_begin(EVT_SOCKETPAIR, 100, 100, 1, 0);
	ev_u(1);
	ev_u(1);
	ev_u(0);
	ev_s(5);
	ev_s(6);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 6) && st_fd_get(st, 100, 6)->type == FDT_UNIX);
	ev_begin(EVT_MEMFD_CREATE, 100, 100, 1, 7);
	ev_str("payload");
	ev_u(1);
	ev_run(st);
	f = st_fd_get(st, 100, 7);
	CHECK(f && f->type == FDT_MEMFD && strcmp(f->name, "memfd:payload") == 0);
	CHECK(f && (f->flags & O_CLOEXEC));
	ev_begin(EVT_USERFAULTFD, 100, 100, 1, 8);
	ev_u(0);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 8) && st_fd_get(st, 100, 8)->type == FDT_USERFAULTFD);
	ev_begin(EVT_IO_URING_SETUP, 100, 100, 1, 9);
	ev_u(8);
	ev_u(0);
	ev_run(st);
	CHECK(st_fd_get(st, 100, 9) && st_fd_get(st, 100, 9)->type == FDT_IOURING);
	ev_begin(EVT_BPF, 100, 100, 1, 10);
	ev_u(5); /* BPF_PROG_LOAD */
	ev_run(st);
	CHECK(st_fd_get(st, 100, 10) && st_fd_get(st, 100, 10)->type == FDT_BPF);
	ev_begin(EVT_BPF, 100, 100, 1, 0);
	ev_u(1); /* BPF_MAP_LOOKUP_ELEM: no fd */
	ev_run(st);
	CHECK(st_fd_get(st, 100, 0) == NULL);
	st_free(st);
}

TEST(exit_reaps_at_end)
{
	struct st_state *st = base_state();
	const struct evt *ev;
	struct st_stats s0, s1;

	do_fork(st, 100, 100, 500, 0);
	do_fork(st, 500, 500, 501, 1);
	do_open(st, 500, 500, -100, "/x", 0, 3);
	st_get_stats(st, &s0);
	ev_begin(EVT_PROC_EXIT, 500, 501, 100, 0);
	ev_s(0);
	ev_u(0);
	ev = ev_done();
	st_event_begin(st, ev);
	CHECK(st_event_thread(st) && st_event_thread(st)->tid == 501);
	st_event_end(st, ev);
	CHECK(st_thread_get(st, 501) == NULL);
	CHECK(st_fd_get(st, 500, 3) != NULL); /* the process lives on */
	ev_begin(EVT_PROC_EXIT, 500, 500, 100, 0);
	ev_s(0);
	ev_u(1);
	ev = ev_done();
	st_event_begin(st, ev);
	CHECK(st_event_thread(st) && strcmp(st_event_thread(st)->exe, "bash") == 0);
	st_event_end(st, ev);
	CHECK(st_thread_get(st, 500) == NULL);
	st_get_stats(st, &s1);
	CHECK_EQ_INT(s1.threads, s0.threads - 2);
	CHECK_EQ_INT(s1.procs, s0.procs - 1);
	CHECK_EQ_INT(s1.fds, s0.fds - 1);
	st_free(st);
}

TEST(exit_group_marks_then_grace_reaps)
{
	struct st_state *st = base_state();

	do_fork(st, 100, 100, 600, 0);
	do_fork(st, 600, 600, 601, 1);
	ev_begin(EVT_EXIT_GROUP, 600, 600, 100, 0);
	ev_s(0);
	ev_run(st);
	CHECK(st_thread_get(st, 600) && st_thread_get(st, 600)->exited);
	CHECK(st_thread_get(st, 601) && st_thread_get(st, 601)->exited);
	tts += 2000000000ull; /* two seconds later */
	do_open(st, 100, 100, -100, "/y", 0, 3);
	CHECK(st_thread_get(st, 600) == NULL);
	CHECK(st_thread_get(st, 601) == NULL);
	CHECK(st_thread_get(st, 100) != NULL);
	st_free(st);
}

TEST(exec_in_thread_kills_siblings)
{
	struct st_state *st = base_state();

	do_fork(st, 100, 100, 700, 0);
	do_fork(st, 700, 700, 701, 1);
	do_fork(st, 700, 700, 702, 1);
	/* Thread 702 execs: procexec reports the leader's tid and the old tid. */
	ev_begin(EVT_PROC_EXEC, 700, 700, 100, 0);
	ev_str("/usr/bin/python3");
	ev_u(702);
	ev_bytes("python3\0x.py\0", 13);
	ev_u(1234);
	ev_u(EVT_EXEC_FROM_MEMFD);
	ev_run(st);
	CHECK(st_thread_get(st, 701) == NULL);
	CHECK(st_thread_get(st, 702) == NULL);
	CHECK(st_thread_get(st, 700) != NULL);
	CHECK_STR(st_thread_get(st, 700)->exe, "python3");
	CHECK_STR(st_thread_get(st, 700)->exepath, "/usr/bin/python3");
	CHECK_EQ_INT(st_thread_get(st, 700)->exe_ino, 1234);
	CHECK(st_thread_get(st, 700)->flags & EVT_EXEC_FROM_MEMFD);
	st_free(st);
}

TEST(setuid_family)
{
	struct st_state *st = base_state();
	const struct st_thread *t;

	do_fork(st, 100, 100, 800, 0);
	do_fork(st, 800, 800, 801, 1);
	ev_begin(EVT_SETRESUID, 800, 801, 100, 0);
	ev_u(UINT32_MAX);
	ev_u(33);
	ev_u(UINT32_MAX);
	ev_run(st);
	t = st_thread_get(st, 800);
	CHECK_EQ_INT(t->uid, 0);
	CHECK_EQ_INT(t->euid, 33);
	ev_begin(EVT_SETUID, 800, 800, 100, 0);
	ev_u(1000);
	ev_run(st);
	t = st_thread_get(st, 801);
	CHECK_EQ_INT(t->euid, 1000);
	ev_begin(EVT_SETGID, 800, 800, 100, -1);
	ev_u(5);
	ev_run(st);
	CHECK_EQ_INT(st_thread_get(st, 800)->gid, 0);
	ev_begin(EVT_SETREGID, 800, 800, 100, 0);
	ev_u(7);
	ev_u(8);
	ev_run(st);
	CHECK_EQ_INT(st_thread_get(st, 801)->gid, 7);
	CHECK_EQ_INT(st_thread_get(st, 801)->egid, 8);
	st_free(st);
}

TEST(unknown_thread_from_header)
{
	struct st_state *st = st_new();
	const struct evt *ev;
	const struct st_thread *t;

	ev_begin(EVT_READ, 4242, 4243, 77, 0);
	ev_s(0);
	ev_u(0);
	ev_bytes("", 0);
	ev = ev_done();
	st_event_begin(st, ev);
	t = st_event_thread(st);
	CHECK(t != NULL);
	if (t) {
		CHECK_EQ_INT(t->tid, 4243);
		CHECK_EQ_INT(t->pid, 4242);
		CHECK_EQ_INT(t->ppid, 77);
		CHECK_STR(t->comm, "c4242");
		CHECK_STR(t->container_id, "host");
	}
	CHECK(st_event_fd(st) == NULL);
	CHECK_EQ_INT(st_event_fdnum(st), 0);
	st_event_end(st, ev);
	CHECK(st_thread_get(st, 4243) != NULL);
	st_free(st);
}

TEST(tid_reuse_replaces_stale_thread)
{
	struct st_state *st = base_state();

	do_fork(st, 100, 100, 900, 0);
	do_open(st, 900, 900, -100, "/old", 0, 3);
	tts += 10000000000ull; /* its exit was lost; much later the tid comes back */
	do_fork(st, 1, 1, 900, 0);
	CHECK(st_thread_get(st, 900) != NULL);
	CHECK_EQ_INT(st_thread_get(st, 900)->ppid, 1);
	CHECK(st_fd_get(st, 900, 3) == NULL);
	st_free(st);
}

TEST(table_cap_evicts_oldest_exited)
{
	struct st_state *st = base_state();
	struct st_stats s;

	st_set_limits(st, 16, 0);
	for (uint32_t i = 0; i < 200; i++) {
		do_fork(st, 100, 100, 1000 + i, 0);
		ev_begin(EVT_EXIT, 1000 + i, 1000 + i, 100, 0);
		ev_s(0);
		ev_run(st);
	}
	st_get_stats(st, &s);
	CHECK(s.threads <= 16);
	CHECK(s.evicted_threads > 0);
	CHECK(st_thread_get(st, 100) != NULL);
	CHECK(st_thread_get(st, 1) != NULL);
	/* All live, table full: the event still gets a thread, not kept. */
	for (uint32_t i = 0; i < 40; i++)
		do_fork(st, 100, 100, 5000 + i, 0);
	st_get_stats(st, &s);
	CHECK(s.threads <= 16);
	{
		const struct evt *ev;
		ev_begin(EVT_READ, 9999, 9999, 1, 0);
		ev_s(0);
		ev_u(0);
		ev_bytes("", 0);
		ev = ev_done();
		st_event_begin(st, ev);
		CHECK(st_event_thread(st) && st_event_thread(st)->tid == 9999);
		st_event_end(st, ev);
	}
	st_free(st);
}

TEST(users_and_groups)
{
	struct st_state *st = st_new();

	ev_begin(EVT_USERINFO, 0, 0, 0, 0);
	ev_u(1000);
	ev_u(1000);
	ev_str("alice");
	ev_str("/home/alice");
	ev_str("/bin/zsh");
	ev_run(st);
	ev_begin(EVT_GROUPINFO, 0, 0, 0, 0);
	ev_u(27);
	ev_str("sudo");
	ev_run(st);
	CHECK_STR(st_user_name(st, 1000), "alice");
	CHECK_STR(st_user_home(st, 1000), "/home/alice");
	CHECK_STR(st_user_shell(st, 1000), "/bin/zsh");
	CHECK_STR(st_group_name(st, 27), "sudo");
	CHECK(st_user_name(st, 1) == NULL);
	CHECK(st_group_name(st, 1) == NULL);
	st_free(st);
}

TEST(containers_from_cgroup)
{
	char id[65], pod[64];
	static const char h[] = "3f4e9d1c2b5a69788796a5b4c3d2e1f001122334455667788990aabbccddeeff";

	struct {
		const char *path;
		int found;
		const char *pod;
	} cases[] = {
	    {"/docker/%s", 1, ""},
	    {"0::/system.slice/docker-%s.scope", 1, ""},
	    {"/kubepods/besteffort/pod1b2c3d4e-0000-1111-2222-333344445555/%s", 1,
	     "1b2c3d4e-0000-1111-2222-333344445555"},
	    {"/kubepods.slice/kubepods-burstable.slice/"
	     "kubepods-burstable-pod1b2c3d4e_0000_1111_2222_333344445555.slice/"
	     "cri-containerd-%s.scope",
	     1, "1b2c3d4e-0000-1111-2222-333344445555"},
	    {"/kubepods.slice/kubepods-pod1b2c3d4e_0000_1111_2222_333344445555.slice/crio-%s.scope",
	     1, "1b2c3d4e-0000-1111-2222-333344445555"},
	    {"/machine.slice/libpod-%s.scope/container", 1, ""},
	    {"/libpod_parent/libpod-%s", 1, ""},
	    {"/user.slice/user-1000.slice/session-2.scope", 0, ""},
	    {"/machine.slice/crio-conmon-%s.scope", 0, ""},
	    {"/", 0, ""},
	    {"", 0, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[512];
		int r;

		snprintf(path, sizeof(path), cases[i].path, h);
		r = st_container_from_cgroup(path, id, pod);
		CHECK_EQ_INT(r, cases[i].found);
		CHECK_STR(id, cases[i].found ? h : "host");
		CHECK_STR(pod, cases[i].pod);
	}
	CHECK_EQ_INT(st_container_from_cgroup(NULL, id, pod), 0);
}

TEST(container_ids_reach_threads)
{
	struct st_state *st = st_new();
	const struct st_thread *t;

	ev_procinfo(
	    st, 50, 50, 1, "nginx", "/usr/sbin/nginx", "", 0, "/",
	    "/system.slice/"
	    "docker-3f4e9d1c2b5a69788796a5b4c3d2e1f001122334455667788990aabbccddeeff.scope");
	t = st_thread_get(st, 50);
	CHECK(t && strcmp(t->container_id, "3f4e9d1c2b5a") == 0);
	CHECK(t && strlen(t->container_full_id) == 64);
	do_fork(st, 50, 50, 51, 0);
	t = st_thread_get(st, 51);
	CHECK(t && strcmp(t->container_id, "3f4e9d1c2b5a") == 0);
	st_free(st);
}

TEST(path_join)
{
	char out[64];

	CHECK_EQ_INT(st_path_join("/a/b", "../c", 4, out, sizeof(out)), 4);
	CHECK_STR(out, "/a/c");
	st_path_join(NULL, "x//y/./", 7, out, sizeof(out));
	CHECK_STR(out, "/x/y");
	st_path_join("/a", "/b/../../..", 11, out, sizeof(out));
	CHECK_STR(out, "/");
	st_path_join("/", "", 0, out, sizeof(out));
	CHECK_STR(out, "/");
	CHECK_EQ_INT(st_path_join("/aaaaaaaaaa", "bbbbbbbbbb", 10, out, 8), -1);
}

/* Which types the engine reads past the header: readers hand it the rest
 * header-only (the .scap reader under rpl_run). */
TEST(type_reads_params)
{
	CHECK_EQ_INT(st_type_reads_params(EVT_READ), 0);
	CHECK_EQ_INT(st_type_reads_params(EVT_WRITE), 0);
	CHECK_EQ_INT(st_type_reads_params(EVT_OPENAT), 1);
	CHECK_EQ_INT(st_type_reads_params(EVT_CLOSE), 1);
	CHECK_EQ_INT(st_type_reads_params(EVT_CLONE), 1);
	CHECK_EQ_INT(st_type_reads_params(EVT_EXECVE), 1);
	CHECK_EQ_INT(st_type_reads_params(EVT_CHDIR), 1);
	CHECK_EQ_INT(st_type_reads_params(EVT_SETUID), 1);
	CHECK_EQ_INT(st_type_reads_params(EVT_PROCINFO), 1);
	CHECK_EQ_INT(st_type_reads_params(EVT_SNAP_END), 1);
	CHECK_EQ_INT(st_type_reads_params(EVT_TYPE_MAX), 1);
}

/* The header's comm replaces the thread's whenever any of its 15 bytes
 * changes (prctl PR_SET_NAME, exec), wherever the change is; a 16th byte
 * that is not NUL (damaged input) never reaches the thread's comm. */
TEST(header_comm_change_at_every_byte)
{
	struct st_state *st = st_new();
	const char *base = "abcdefghijklmno";

	for (unsigned pos = 0; pos <= 15; pos++) {
		const struct evt *ev;
		const struct st_thread *t;
		char want[16];

		ev_begin(EVT_READ, 500, 500, 1, 0);
		memcpy(tb.hdr.comm, base, 16);
		if (pos < 15)
			tb.hdr.comm[pos] = 'Z';
		else
			tb.hdr.comm[15] = 'Q'; /* not NUL-terminated */
		ev_s(0);
		ev_u(0);
		ev_bytes("", 0);
		ev = ev_done();
		st_event_begin(st, ev);
		t = st_event_thread(st);
		snprintf(want, sizeof(want), "%s", base);
		if (pos < 15)
			want[pos] = 'Z';
		CHECK(t != NULL);
		if (t)
			CHECK_STR(t->comm, want);
		st_event_end(st, ev);
	}
	st_free(st);
}

/* Thread views are refreshed per process: a change to one process reaches
 * every thread of it, whose view was copied before, and no other process. */
TEST(views_follow_their_own_process)
{
	struct st_state *st = base_state();
	const struct st_thread *t;

	do_fork(st, 100, 100, 101, 1); /* thread 101 of bash */
	do_fork(st, 100, 100, 400, 0); /* process 400 */
	do_fork(st, 400, 400, 401, 1); /* thread 401 of 400 */
	/* every view copied once */
	CHECK_STR(st_thread_get(st, 101)->cwd, "/home/u");
	CHECK_STR(st_thread_get(st, 401)->cwd, "/home/u");
	CHECK_EQ_INT(st_thread_get(st, 401)->uid, st_thread_get(st, 100)->uid);
	/* setuid in 401 (a thread of 400): process 400 only */
	ev_begin(EVT_SETUID, 400, 401, 100, 0);
	ev_u(4242);
	ev_run(st);
	CHECK_EQ_INT(st_thread_get(st, 400)->uid, 4242);
	CHECK_EQ_INT(st_thread_get(st, 401)->euid, 4242);
	CHECK(st_thread_get(st, 101)->uid != 4242);
	/* chdir in 101 reaches 100, not 400's threads */
	ev_begin(EVT_CHDIR, 100, 101, 1, 0);
	ev_str("/srv");
	ev_run(st);
	CHECK_STR(st_thread_get(st, 100)->cwd, "/srv");
	CHECK_STR(st_thread_get(st, 401)->cwd, "/home/u");
	/* a header naming a new parent (reparenting) reaches the other thread */
	ev_begin(EVT_UNLINK, 400, 400, 1, 0);
	ev_str("/tmp/gone");
	ev_run(st);
	CHECK_EQ_INT(st_thread_get(st, 401)->ppid, 1);
	CHECK_EQ_INT(st_thread_get(st, 101)->ppid, 1);
	/* exec in 400 replaces what 400's threads show, and only theirs */
	do_execve(st, 400, "/usr/bin/curl", "curl\0-s\0", 8, "/tmp");
	t = st_thread_get(st, 400);
	CHECK(t && strcmp(t->exepath, "/usr/bin/curl") == 0 && strcmp(t->cwd, "/tmp") == 0);
	CHECK_STR(st_thread_get(st, 100)->exepath, "/usr/bin/bash");
	/* a child met before its fork event: its view, copied while it was
	 * unknown, takes what it inherited when the fork arrives */
	ev_begin(EVT_UNLINK, 500, 500, 100, 0);
	ev_str("/tmp/gone");
	ev_run(st);
	t = st_thread_get(st, 500);
	CHECK(t && (!t->exepath || !t->exepath[0]));
	do_fork(st, 100, 100, 500, 0);
	t = st_thread_get(st, 500);
	CHECK(t && t->exepath && strcmp(t->exepath, "/usr/bin/bash") == 0);
	CHECK(t && t->cwd && strcmp(t->cwd, "/srv") == 0);
	st_free(st);
}

/* Without fd tables (st_set_fd_tables 0) the engine applies no fd event,
 * while the process fields the tables never feed stay right; the fields
 * they do feed (fd names, proc.cwd after fchdir) are why a caller turns
 * them off only when it reads none of those (fld_format_needs_fds). */
TEST(fd_tables_off)
{
	struct st_state *on = base_state(), *off = base_state();
	struct st_state *sts[2] = {on, off};

	st_set_fd_tables(off, 0);
	CHECK_EQ_INT(st_type_reads_params_ex(EVT_OPENAT, 0), 0);
	CHECK_EQ_INT(st_type_reads_params_ex(EVT_OPENAT, 1), 1);
	CHECK_EQ_INT(st_type_reads_params_ex(EVT_CHDIR, 0), 1);
	CHECK_EQ_INT(st_type_reads_params_ex(EVT_EXECVE, 0), 1);
	/* the same stream into both: a fork, an open, an fchdir, an exec */
	for (int i = 0; i < 2; i++) {
		do_fork(sts[i], 100, 100, 400, 0);
		do_open(sts[i], 400, 400, -100, "/etc", O_RDONLY | O_DIRECTORY, 4);
		ev_begin(EVT_FCHDIR, 400, 400, 100, 0);
		ev_s(4);
		ev_run(sts[i]);
		do_execve(sts[i], 400, "/usr/bin/curl", "curl\0-s\0", 8, "");
	}
	CHECK(st_fd_get(on, 400, 4) != NULL);
	CHECK(st_fd_get(off, 400, 4) == NULL);
	CHECK_STR(st_thread_get(on, 400)->cwd, "/etc");
	CHECK_STR(st_thread_get(off, 400)->cwd, "/home/u");
	for (int i = 0; i < 2; i++) {
		const struct st_thread *t = st_thread_get(sts[i], 400);
		const struct st_thread *p = t ? st_thread_parent(sts[i], t) : NULL;

		CHECK(t && strcmp(t->exe, "curl") == 0 && t->args_len == 2 && t->uid == 1000);
		CHECK(p && p->pid == 100 && strcmp(p->exe, "bash") == 0);
	}
	st_free(on);
	st_free(off);
}

/* What an open's record alone says of the fd it makes equals what the
 * engine records for it (a replay's workers screen opens with it): the
 * same fd, type, flags and name for absolute paths, normal or not; no fd
 * for a failed one; no answer for paths relative to the cwd or a dirfd. */
TEST(open_from_record)
{
	static const struct {
		int64_t dirfd;
		const char *path;
		uint32_t flags;
		int64_t res;
		int want;
	} c[] = {
	    {-100, "/etc/passwd", O_RDONLY, 5, 1},
	    {-100, "/srv/./www//../etc/x/", O_WRONLY | O_CREAT, 6, 1},
	    {-100, "/srv/www", O_RDONLY | O_DIRECTORY, 7, 1},
	    {3, "/abs/ignores/dirfd", O_RDONLY, 8, 1},
	    {-100, "/etc/shadow", O_RDONLY, -13, 2},
	    {-100, "rel/path", O_RDONLY, 9, 0},
	    {3, "under/dirfd", O_RDONLY, 10, 0},
	    {-100, "", O_RDONLY, 11, 0},
	};
	struct st_state *st = st_new();
	char buf[4096];

	do_open(st, 70, 70, -100, "/srv", O_RDONLY | O_DIRECTORY, 3);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const struct evt *ev;
		const struct st_fd *have;
		struct st_fd rec;
		int r;

		ev_begin(EVT_OPENAT, 70, 70, 1, c[i].res);
		ev_s(c[i].dirfd);
		ev_str(c[i].path);
		ev_u(c[i].flags);
		ev_u(0644);
		ev = ev_done();
		r = st_open_from_record(ev, &rec, buf, sizeof(buf));
		CHECK_EQ_INT(r, c[i].want);
		st_event_begin(st, ev);
		have = st_event_fd(st);
		if (r == 1) {
			CHECK(have != NULL);
			if (have) {
				CHECK_EQ_INT(rec.fd, have->fd);
				CHECK_EQ_INT(rec.type, have->type);
				CHECK_EQ_INT(rec.flags, have->flags);
				CHECK_STR(rec.name, have->name);
			}
		} else if (r == 2) {
			CHECK(have == NULL);
		}
		st_event_end(st, ev);
	}
	/* not an open */
	ev_begin(EVT_CLOSE, 70, 70, 1, 0);
	ev_s(5);
	CHECK_EQ_INT(st_open_from_record(ev_done(), &(struct st_fd){0}, buf, sizeof(buf)), 0);
	/* a path that does not fit the caller's buffer */
	ev_begin(EVT_OPENAT, 70, 70, 1, 12);
	ev_s(-100);
	ev_str("/0123456789");
	ev_u(0);
	ev_u(0);
	CHECK_EQ_INT(st_open_from_record(ev_done(), &(struct st_fd){0}, buf, 8), 0);
	/* the one case they differ: the engine's fd limit dropped the fd, which
	 * st_event_fd says (the replay then evaluates the rules itself) */
	st_set_limits(st, 0, 1);
	ev_begin(EVT_OPENAT, 70, 70, 1, 13);
	ev_s(-100);
	ev_str("/over/the/limit");
	ev_u(0);
	ev_u(0);
	{
		const struct evt *ev = ev_done();
		struct st_fd rec;

		CHECK_EQ_INT(st_open_from_record(ev, &rec, buf, sizeof(buf)), 1);
		st_event_begin(st, ev);
		CHECK(st_event_fd(st) == NULL);
		st_event_end(st, ev);
	}
	st_free(st);
}
