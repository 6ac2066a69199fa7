/* scenario: performs one suspicious (or benign) behaviour with real syscalls,
 * so tests/fixtures/regenerate.sh can record each default rule's target.
 *
 *   scenario MODE [ARGS]
 * Modes are listed in usage(). Each exits 0 when the behaviour was attempted,
 * whether or not the kernel allowed it: rules fire on the attempt.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr,
		"usage: scenario MODE [ARGS]\n"
		"  read PATH            open and read a file\n"
		"  write PATH           create/truncate and write a file, then keep it\n"
		"  memfd-exec           copy /bin/true into a memfd and execute it\n"
		"  wx-mmap              map anonymous memory writable and executable\n"
		"  wx-mprotect          make a writable mapping executable\n"
		"  kmod                 attempt finit_module and init_module (expected to fail)\n"
		"  setuid0 UID          drop to UID, then try setuid(0)\n"
		"  capset               call capset with the current capabilities\n"
		"  ptrace-attach        fork a child and PTRACE_ATTACH to it\n"
		"  connect              TCP connect to a listener this program opens on loopback\n"
		"  connect-to ADDR PORT TCP connect to an IPv4 address, send a line\n"
		"  listen ADDR PORT SEC accept connections on ADDR:PORT for SEC seconds\n"
		"  reverse-shell        socketpair-free: loopback TCP, dup2 onto 0/1/2, exec "
		"/bin/sh -c true\n"
		"  unix-connect PATH    connect to a unix socket at PATH (listener made first)\n");
	return 2;
}

static int listen_loopback(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 4) ||
	    getsockname(s, (struct sockaddr *)&a, &al))
		return -1;
	*port = ntohs(a.sin_port);
	return s;
}

static int connect_loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return s;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char buf[4096];

	if (!strcmp(mode, "read") && argc > 2) {
		int fd = open(argv[2], O_RDONLY);
		if (fd >= 0) {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
		return 0;
	}
	if (!strcmp(mode, "write") && argc > 2) {
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if (write(fd, "sysrec scenario\n", 16) < 0)
				perror("write");
			close(fd);
		}
		return 0;
	}
	if (!strcmp(mode, "memfd-exec")) {
		int src = open("/bin/true", O_RDONLY);
		int mfd = (int)syscall(SYS_memfd_create, "payload", 0);
		ssize_t n;
		char path[64];
		char *const av[] = {"payload", NULL};

		if (src < 0 || mfd < 0)
			return 1;
		while ((n = read(src, buf, sizeof(buf))) > 0)
			if (write(mfd, buf, (size_t)n) != n)
				return 1;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
		execv(path, av);
		return 1;
	}
	if (!strcmp(mode, "wx-mmap")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED;
	}
	if (!strcmp(mode, "wx-mprotect")) {
		void *p =
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		return mprotect(p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != 0;
	}
	if (!strcmp(mode, "kmod")) {
		/* Invalid images: the kernel refuses, but the attempt is what we record. */
		syscall(SYS_finit_module, -1, "", 0);
		syscall(SYS_init_module, buf, 16, "");
		return 0;
	}
	if (!strcmp(mode, "setuid0") && argc > 2) {
		uid_t u = (uid_t)atoi(argv[2]);
		if (setresuid(u, u, u))
			return 1;
		if (setuid(0) == 0)
			return 1; /* should have been refused */
		return 0;
	}
	if (!strcmp(mode, "capset")) {
		struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
		struct __user_cap_data_struct d[2];
		if (syscall(SYS_capget, &h, d))
			return 1;
		syscall(SYS_capset, &h, d);
		return 0;
	}
	if (!strcmp(mode, "ptrace-attach")) {
		pid_t c = fork();
		if (c == 0) {
			pause();
			_exit(0);
		}
		usleep(20000);
		if (ptrace(PTRACE_ATTACH, c, 0, 0) == 0) {
			waitpid(c, NULL, 0);
			ptrace(PTRACE_DETACH, c, 0, 0);
		}
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		return 0;
	}
	if (!strcmp(mode, "connect")) {
		int port, l = listen_loopback(&port);
		int s = l < 0 ? -1 : connect_loopback(port);
		if (s >= 0) {
			if (write(s, "hello\n", 6) < 0)
				perror("write");
			close(s);
		}
		if (l >= 0)
			close(l);
		return s < 0;
	}
	if (!strcmp(mode, "connect-to") && argc > 3) {
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_port = htons((uint16_t)atoi(argv[3]))};
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0 || inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
			return 1;
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0 && write(s, "hello\n", 6) < 0)
			perror("write");
		close(s);
		return 0;
	}
	if (!strcmp(mode, "listen") && argc > 4) {
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_port = htons((uint16_t)atoi(argv[3]))};
		int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

		if (l < 0 || inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
			return 1;
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 8))
			return 1;
		alarm((unsigned)atoi(argv[4])); /* bounded: the default action ends us */
		for (;;) {
			int c = accept(l, NULL, NULL);
			if (c >= 0)
				close(c);
		}
	}
	if (!strcmp(mode, "reverse-shell")) {
		int port, l = listen_loopback(&port);
		int s = l < 0 ? -1 : connect_loopback(port);
		if (s < 0)
			return 1;
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		execl("/bin/sh", "sh", "-c", "true", (char *)NULL);
		return 1;
	}
	if (!strcmp(mode, "unix-connect") && argc > 2) {
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		int l = socket(AF_UNIX, SOCK_STREAM, 0), s;
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[2]);
		unlink(argv[2]);
		if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
			return 1;
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
			return 1;
		close(s);
		close(l);
		unlink(argv[2]);
		return 0;
	}
	return usage();
}
