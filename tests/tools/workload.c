/* workload: makes known syscalls with unique arguments, for recorder tests.
 *
 *   workload TAG [DIR]
 *
 * Every name and payload contains TAG, so a test can find exactly these
 * events in a whole-machine capture. Syscalls are made through syscall(2)
 * where libc might pick another variant (mkdir vs mkdirat), so the recorded
 * event type is known. Prints "key=value" lines (pids, ports) the test needs
 * to check the events; exits 0 when every step worked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	const char *tag = argc > 1 ? argv[1] : "notag";
	const char *dir = argc > 2 ? argv[2] : "/tmp";

	setvbuf(stdout, NULL, _IOLBF, 0);
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
