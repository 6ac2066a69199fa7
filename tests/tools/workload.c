/* workload: makes known syscalls with unique arguments, for recorder tests.
 *
 *   workload TAG [DIR]
 *
 * Every name and payload contains TAG, so a test can find exactly these
 * events in a whole-machine capture. Syscalls are made through syscall(2)
 * where libc might pick another variant (mkdir vs mkdirat), so the recorded
 * event type is known. Prints "key=value" lines (pids, ports) the test needs
 * to check the events; exits 0 when every step worked.
 *
 *   workload --every DIR
 *
 * makes every syscall the probe decodes at least once (harmless arguments;
 * privileged calls fail as they should), so a test can check that each
 * decoded type is recorded and matches the schema. Exits 0.
 *
 *   workload --types
 *
 * prints the names of those types, one per line, from the schema
 * (evt_type_is_syscall, less the generic record): the list --every covers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "format/evt.h"

static int failures;

#define STEP(cond, what)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "workload: %s failed: %s\n", what, strerror(errno));       \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static void files(const char *tag, const char *dir)
{
	char d[512], a[600], b[600], data[128], buf[128];
	long fd;
	ssize_t n;

	snprintf(d, sizeof(d), "%s/sysrec-wl-%s", dir, tag);
	snprintf(a, sizeof(a), "%s/file-%s", d, tag);
	snprintf(b, sizeof(b), "%s/renamed-%s", d, tag);
	snprintf(data, sizeof(data), "payload-%s", tag);
	STEP(syscall(SYS_mkdir, d, 0750) == 0, "mkdir");
	fd = syscall(SYS_openat, AT_FDCWD, a, O_WRONLY | O_CREAT | O_EXCL, 0640);
	STEP(fd >= 0, "openat(create)");
	STEP(syscall(SYS_write, fd, data, strlen(data)) == (long)strlen(data), "write");
	STEP(syscall(SYS_close, fd) == 0, "close");
	fd = syscall(SYS_openat, AT_FDCWD, a, O_RDONLY, 0);
	STEP(fd >= 0, "openat(read)");
	n = syscall(SYS_read, fd, buf, sizeof(buf));
	STEP(n == (ssize_t)strlen(data), "read");
	syscall(SYS_close, fd);
	STEP(syscall(SYS_rename, a, b) == 0, "rename");
	STEP(syscall(SYS_unlink, b) == 0, "unlink");
	STEP(syscall(SYS_rmdir, d) == 0, "rmdir");
	printf("dir=%s\nfile=%s\nrenamed=%s\n", d, a, b);
}

static void tcp(const char *tag)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	char msg[128], buf[128];
	int ls, cs, as;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	STEP(ls >= 0, "socket");
	STEP(bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind");
	STEP(listen(ls, 4) == 0, "listen");
	STEP(getsockname(ls, (struct sockaddr *)&sa, &sl) == 0, "getsockname");
	cs = socket(AF_INET, SOCK_STREAM, 0);
	STEP(connect(cs, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect");
	as = (int)syscall(SYS_accept4, ls, NULL, NULL, 0);
	STEP(as >= 0, "accept4");
	snprintf(msg, sizeof(msg), "ping-%s", tag);
	STEP(sendto(cs, msg, strlen(msg), 0, NULL, 0) == (ssize_t)strlen(msg), "sendto");
	STEP(recvfrom(as, buf, sizeof(buf), 0, NULL, NULL) == (ssize_t)strlen(msg), "recvfrom");
	sl = sizeof(sa);
	{
		struct sockaddr_in ca;
		socklen_t cl = sizeof(ca);

		getsockname(cs, (struct sockaddr *)&ca, &cl);
		printf("tcp_port=%d\ntcp_client_port=%d\n", ntohs(sa.sin_port), ntohs(ca.sin_port));
	}
	printf("tcp_listen_fd=%d\ntcp_client_fd=%d\ntcp_accept_fd=%d\n", ls, cs, as);
	close(as);
	close(cs);
	close(ls);
}

static void exec_child(const char *tag)
{
	char arg[128];
	pid_t c;
	int st;

	snprintf(arg, sizeof(arg), "exec-arg-%s", tag);
	c = fork();
	if (c == 0) {
		char *argv[] = {"/bin/true", arg, NULL};
		char *envp[] = {"SYSREC_WL=1", NULL};

		syscall(SYS_execve, "/bin/true", argv, envp);
		_exit(127);
	}
	STEP(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && !WEXITSTATUS(st), "execve");
	printf("exec_pid=%d\n", c);
}

/* Fileless exec: /bin/true copied into a memfd named after the tag, run
 * once through /proc/self/fd/N (execve) and once with execveat(fd, "",
 * AT_EMPTY_PATH). The kernel names such an executable "/memfd:NAME (deleted)". */
static pid_t memfd_exec(const char *tag, int at)
{
	char name[128], path[64], arg[128], buf[65536];
	pid_t c;
	int st;

	snprintf(name, sizeof(name), "payload-%s", tag);
	snprintf(arg, sizeof(arg), "memfd-arg-%s", tag);
	c = fork();
	if (c == 0) {
		char *argv[] = {"payload", arg, NULL};
		char *envp[] = {NULL};
		int src = open("/bin/true", O_RDONLY);
		int mfd = (int)syscall(SYS_memfd_create, name, 0);
		ssize_t n;

		if (src < 0 || mfd < 0)
			_exit(126);
		while ((n = read(src, buf, sizeof(buf))) > 0)
			if (write(mfd, buf, (size_t)n) != n)
				_exit(126);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
		if (at)
			syscall(SYS_execveat, mfd, "", argv, envp, AT_EMPTY_PATH);
		else
			syscall(SYS_execve, path, argv, envp);
		_exit(127);
	}
	STEP(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && !WEXITSTATUS(st),
	     at ? "execveat(memfd)" : "execve(memfd)");
	return c;
}

static void ptrace_child(void)
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		pause();
		_exit(0);
	}
	STEP(c > 0, "fork(ptrace)");
	STEP(ptrace(PTRACE_ATTACH, c, NULL, NULL) == 0, "ptrace(attach)");
	waitpid(c, &st, 0);
	STEP(ptrace(PTRACE_DETACH, c, NULL, NULL) == 0, "ptrace(detach)");
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	printf("ptrace_pid=%d\n", c);
}

/* A child in a new pid namespace: pid 1 inside, followed by the recorder. */
static void pidns_child(const char *tag)
{
	pid_t c;
	int st;

	c = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0);
	if (c == 0) {
		char p[256];

		snprintf(p, sizeof(p), "/nonexistent-ns-%s", tag);
		/* fails with ENOENT, but is recorded with the name */
		syscall(SYS_openat, AT_FDCWD, p, O_RDONLY, 0);
		_exit(getpid() == 1 ? 0 : 3);
	}
	STEP(c > 0, "clone(CLONE_NEWPID)");
	STEP(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "pid 1 in new ns");
	printf("ns_pid=%d\n", c);
}

static void setuid_child(void)
{
	pid_t c = fork();
	int st;

	if (c == 0)
		_exit(syscall(SYS_setuid, 65534) == 0 ? 0 : 1);
	STEP(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && !WEXITSTATUS(st), "setuid");
	printf("setuid_pid=%d\n", c);
}

static void fds(const char *tag)
{
	int p[2], sp[2], d, m;
	char name[64];

	STEP(syscall(SYS_pipe2, p, O_CLOEXEC) == 0, "pipe2");
	d = (int)syscall(SYS_dup2, p[0], 100);
	STEP(d == 100, "dup2");
	m = (int)syscall(SYS_fcntl, p[1], F_DUPFD_CLOEXEC, 200);
	STEP(m >= 200, "fcntl(F_DUPFD_CLOEXEC)");
	STEP(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0, "socketpair");
	snprintf(name, sizeof(name), "memfd-%s", tag);
	STEP(syscall(SYS_memfd_create, name, MFD_CLOEXEC) >= 0, "memfd_create");
	printf("pipe_fds=%d,%d\nsocketpair_fds=%d,%d\nfcntl_fd=%d\n", p[0], p[1], sp[0], sp[1], m);
	close(p[0]);
	close(p[1]);
	close(d);
	close(m);
	close(sp[0]);
	close(sp[1]);
}

/* Every decoded syscall once; results do not matter, only the records. */
static void every(const char *dir)
{
	char a[512], b[512], buf[64] = "x";
	struct iovec iov = {buf, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	struct open_how how = {.flags = O_RDONLY};
	int fd, sp[2], p[2], st;
	pid_t c;
	void *m;

	snprintf(a, sizeof(a), "%s/every-a", dir);
	snprintf(b, sizeof(b), "%s/every-b", dir);
	fd = (int)syscall(SYS_creat, a, 0600);
	syscall(SYS_write, fd, "x", 1);
	syscall(SYS_pwrite64, fd, "y", 1, 1);
	syscall(SYS_writev, fd, &iov, 1);
	syscall(SYS_fchmod, fd, 0640);
	syscall(SYS_fchown, fd, -1, -1);
	syscall(SYS_ftruncate, fd, 1);
	syscall(SYS_fcntl, fd, F_GETFL);
	syscall(SYS_close, syscall(SYS_dup, fd));
	syscall(SYS_dup2, fd, 90);
	syscall(SYS_dup3, fd, 91, O_CLOEXEC);
	syscall(SYS_close, 90);
	syscall(SYS_close, 91);
	m = (void *)syscall(SYS_mmap, NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	syscall(SYS_mprotect, m, 4096, PROT_NONE);
	syscall(SYS_close, fd);
	fd = (int)syscall(SYS_open, a, O_RDONLY);
	syscall(SYS_read, fd, buf, 1);
	syscall(SYS_pread64, fd, buf, 1, 0);
	syscall(SYS_readv, fd, &iov, 1);
	syscall(SYS_fchdir, fd); /* ENOTDIR */
	syscall(SYS_close, fd);
	syscall(SYS_close, syscall(SYS_openat, AT_FDCWD, a, O_RDONLY));
	syscall(SYS_close, syscall(SYS_openat2, AT_FDCWD, a, &how, sizeof(how)));
	syscall(SYS_chmod, a, 0600);
	syscall(SYS_fchmodat, AT_FDCWD, a, 0600);
	syscall(SYS_chown, a, -1, -1);
	syscall(SYS_lchown, a, -1, -1);
	syscall(SYS_fchownat, AT_FDCWD, a, -1, -1, 0);
	syscall(SYS_truncate, a, 0);
	syscall(SYS_link, a, b);
	syscall(SYS_unlink, b);
	syscall(SYS_linkat, AT_FDCWD, a, AT_FDCWD, b, 0);
	syscall(SYS_rename, b, a);
	syscall(SYS_symlink, a, b);
	syscall(SYS_renameat, AT_FDCWD, b, AT_FDCWD, b);
	syscall(SYS_renameat2, AT_FDCWD, b, AT_FDCWD, b, 0);
	syscall(SYS_unlinkat, AT_FDCWD, b, 0);
	syscall(SYS_symlinkat, a, AT_FDCWD, b);
	syscall(SYS_unlink, b);
	syscall(SYS_unlink, a);
	syscall(SYS_mkdir, a, 0700);
	syscall(SYS_rmdir, a);
	syscall(SYS_mkdirat, AT_FDCWD, a, 0700);
	syscall(SYS_chdir, a);
	syscall(SYS_chdir, "/");
	syscall(SYS_rmdir, a);
	syscall(SYS_chroot, "/nonexistent-every");
	syscall(SYS_mount, "none", "/nonexistent-every", "tmpfs", 0, NULL);
	syscall(SYS_umount2, "/nonexistent-every", 0);

	syscall(SYS_pipe, p);
	syscall(SYS_close, p[0]);
	syscall(SYS_close, p[1]);
	syscall(SYS_pipe2, p, O_CLOEXEC);
	syscall(SYS_close, p[0]);
	syscall(SYS_close, p[1]);
	syscall(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, sp);
	syscall(SYS_sendto, sp[0], "x", 1, 0, NULL, 0);
	syscall(SYS_recvfrom, sp[1], buf, 1, 0, NULL, NULL);
	syscall(SYS_sendmsg, sp[0], &mh, 0);
	syscall(SYS_recvmsg, sp[1], &mh, 0);
	syscall(SYS_close, sp[0]);
	syscall(SYS_close, sp[1]);
	fd = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	{
		struct sockaddr_in sa = {.sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t sl = sizeof(sa);
		int cs;

		syscall(SYS_bind, fd, &sa, sizeof(sa));
		syscall(SYS_listen, fd, 1);
		getsockname(fd, (struct sockaddr *)&sa, &sl);
		cs = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
		syscall(SYS_connect, cs, &sa, sizeof(sa));
		syscall(SYS_close, syscall(SYS_accept, fd, NULL, NULL));
		syscall(SYS_close, cs);
		cs = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
		syscall(SYS_connect, cs, &sa, sizeof(sa));
		syscall(SYS_close, syscall(SYS_accept4, fd, NULL, NULL, SOCK_CLOEXEC));
		syscall(SYS_close, cs);
	}
	syscall(SYS_close, fd);
	syscall(SYS_close, syscall(SYS_memfd_create, "every", MFD_CLOEXEC));

	syscall(SYS_setuid, geteuid());
	syscall(SYS_setgid, getegid());
	syscall(SYS_setreuid, -1, -1);
	syscall(SYS_setregid, -1, -1);
	syscall(SYS_setresuid, -1, -1, -1);
	syscall(SYS_setresgid, -1, -1, -1);
	syscall(SYS_capset, NULL, NULL); /* EFAULT */
	syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
	syscall(SYS_ptrace, PTRACE_PEEKDATA, 1, NULL, NULL); /* EPERM or ESRCH */
	syscall(SYS_kill, getpid(), 0);
	syscall(SYS_tkill, (pid_t)syscall(SYS_gettid), 0);
	syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), 0);
	syscall(SYS_init_module, NULL, 0, ""); /* EFAULT or EPERM */
	syscall(SYS_finit_module, -1, "", 0);  /* EBADF */
	syscall(SYS_delete_module, "nonexistent_every", 0);
	syscall(SYS_bpf, -1, NULL, 0); /* EINVAL */
	syscall(SYS_unshare, 0);
	syscall(SYS_setns, -1, 0);	      /* EBADF */
	syscall(SYS_userfaultfd, -1);	      /* EINVAL */
	syscall(SYS_io_uring_setup, 0, NULL); /* EINVAL or EFAULT */

	/* process lifecycle: each child ends at once */
	if ((c = (pid_t)syscall(SYS_fork)) == 0)
		syscall(SYS_exit, 0);
	waitpid(c, &st, 0);
	if ((c = (pid_t)syscall(SYS_vfork)) == 0)
		syscall(SYS_exit_group, 0);
	waitpid(c, &st, 0);
	if ((c = (pid_t)syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0)) == 0)
		syscall(SYS_exit_group, 0);
	waitpid(c, &st, 0);
	{
		struct clone_args3 {
			uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
			    stack_size, tls;
		} ca = {.exit_signal = SIGCHLD};

		if ((c = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca))) == 0)
			syscall(SYS_exit_group, 0);
		if (c > 0)
			waitpid(c, &st, 0);
	}
	if ((c = (pid_t)syscall(SYS_fork)) == 0) {
		char *argv[] = {"true", NULL}, *envp[] = {NULL};

		syscall(SYS_execve, "/bin/true", argv, envp);
		syscall(SYS_exit, 127);
	}
	waitpid(c, &st, 0);
	if ((c = (pid_t)syscall(SYS_fork)) == 0) {
		char *argv[] = {"true", NULL}, *envp[] = {NULL};

		syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, envp, 0);
		syscall(SYS_exit, 127);
	}
	waitpid(c, &st, 0);
}

int main(int argc, char **argv)
{
	const char *tag = argc > 1 ? argv[1] : "notag";
	const char *dir = argc > 2 ? argv[2] : "/tmp";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "--types") == 0) {
		for (unsigned t = 0; t < EVT_TYPE_MAX; t++)
			if (t != EVT_GENERIC && evt_type_is_syscall(t))
				printf("%s\n", evt_info_get(t)->name);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--every") == 0) {
		every(argv[2]);
		return 0;
	}
	printf("pid=%d\n", getpid());
	files(tag, dir);
	tcp(tag);
	fds(tag);
	exec_child(tag);
	printf("memfd_exec_pid=%d\n", memfd_exec(tag, 0));
	printf("memfd_execat_pid=%d\n", memfd_exec(tag, 1));
	ptrace_child();
	if (geteuid() == 0) {
		pidns_child(tag);
		setuid_child();
	}
	printf("failures=%d\n", failures);
	return failures ? 1 : 0;
}
