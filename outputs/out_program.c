/* out_program.c: alerts, one per line, to the standard input of a command
 * run by /bin/sh -c; when it dies (EPIPE, or found reaped), the alert is
 * retried and the next open starts it again. An alert counts as delivered
 * once it is in the pipe (a program has no way to acknowledge), so the
 * alerts in the pipe when the program dies (at most its 4 KiB) are lost. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out_int.h"

struct prog {
	pid_t pid;
	int fd;
};

static int prog_open(struct out_target *t, struct sr_err *err)
{
	struct prog *p = calloc(1, sizeof(*p));
	int pfd[2];

	if (!p)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	if (pipe2(pfd, O_CLOEXEC)) {
		free(p);
		return sr_err_set(err, SR_EIO, "pipe: %s", strerror(errno));
	}
	p->pid = fork();
	if (p->pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		dup2(pfd[0], 0);
		execl("/bin/sh", "sh", "-c", t->c->command, (char *)NULL);
		_exit(127);
	}
	close(pfd[0]);
	/* what sits in the pipe when the program dies is lost with it: the
	 * smallest pipe (one page) keeps that to a few alerts */
	fcntl(pfd[1], F_SETPIPE_SZ, 4096);
	if (p->pid < 0) {
		close(pfd[1]);
		free(p);
		return sr_err_set(err, SR_EIO, "fork: %s", strerror(errno));
	}
	p->fd = pfd[1];
	t->priv = p;
	return 0;
}

static void prog_close(struct out_target *t)
{
	struct prog *p = t->priv;
	int ws;

	if (!p)
		return;
	close(p->fd);
	/* end of input is the program's signal to finish */
	if (p->pid > 0)
		waitpid(p->pid, &ws, 0);
	free(p);
	t->priv = NULL;
}

static int prog_send(struct out_target *t, const struct out_rec *r, const char *body, size_t len,
		     struct sr_err *err)
{
	struct prog *p = t->priv;
	struct iovec iov[2] = {{(void *)body, len}, {"\n", 1}};
	int ws;
	ssize_t w;

	(void)r;
	if (waitpid(p->pid, &ws, WNOHANG) == p->pid) {
		p->pid = -1;
		return sr_err_set(err, SR_EIO, "program '%s' ended; starting it again",
				  t->c->command);
	}
	w = writev(p->fd, iov, 2);
	if (w != (ssize_t)(len + 1))
		return sr_err_set(err, SR_EIO, "program '%s': %s", t->c->command,
				  w < 0 ? strerror(errno) : "short write");
	return 0;
}

const struct out_ops out_ops_program = {.open = prog_open, .send = prog_send, .close = prog_close};
