/* out_file.c: alerts appended to a file, one per line; SIGUSR1 (through
 * out_set_reopen) makes the next write open the path again, after
 * logrotate moved the file away. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "out_int.h"

static int file_open(struct out_target *t, struct sr_err *err)
{
	int fd = open(t->c->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0)
		return sr_err_set(err, SR_EIO, "cannot open %s: %s", t->c->path, strerror(errno));
	t->priv = (void *)(intptr_t)(fd + 1);
	t->reopen = 0;
	return 0;
}

static void file_close(struct out_target *t)
{
	if (t->priv)
		close((int)(intptr_t)t->priv - 1);
	t->priv = NULL;
}

static int file_send(struct out_target *t, const struct out_rec *r, const char *body, size_t len,
		     struct sr_err *err)
{
	struct iovec iov[2] = {{(void *)body, len}, {"\n", 1}};
	ssize_t w;

	(void)r;
	if (t->reopen) {
		file_close(t);
		if (file_open(t, err))
			return SR_EIO;
	}
	/* one writev with O_APPEND: a line is never split by another writer */
	w = writev((int)(intptr_t)t->priv - 1, iov, 2);
	if (w != (ssize_t)(len + 1))
		return sr_err_set(err, SR_EIO, "writing %s: %s", t->c->path,
				  w < 0 ? strerror(errno) : "short write");
	return 0;
}

const struct out_ops out_ops_file = {.open = file_open, .send = file_send, .close = file_close};
