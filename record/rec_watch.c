/* rec_watch.c: inotify on the rules files' directories. */
#include "rec_watch.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define WATCH_MASK                                                                                 \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF |   \
	 IN_MOVE_SELF)

static int yaml_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' &&
	       ((l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")));
}

int rec_watch_open(struct rec_watch *w, const char *const *paths, size_t n, struct sr_err *err)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (!n)
		return 0;
	if (n > REC_WATCH_MAX)
		return sr_err_set(err, SR_ELIMIT, "too many rules files to watch");
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return sr_err_set(err, SR_EIO, "inotify: %s", strerror(errno));
	for (size_t i = 0; i < n; i++) {
		char copy[PATH_MAX], *dir = copy;
		struct stat st;
		int is_dir = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode);

		snprintf(copy, sizeof(copy), "%s", paths[i]);
		if (is_dir) {
			w->w[w->n].name[0] = '\0';
		} else {
			snprintf(w->w[w->n].name, sizeof(w->w[w->n].name), "%s", basename(copy));
			snprintf(copy, sizeof(copy), "%s", paths[i]);
			dir = dirname(copy);
		}
		w->w[w->n].wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
		if (w->w[w->n].wd < 0)
			return sr_err_set(err, SR_EIO, "cannot watch %s: %s", dir, strerror(errno));
		w->n++;
	}
	return 0;
}

/* 1 when the event concerns a watched rules file. */
static int relevant(const struct rec_watch *w, const struct inotify_event *e)
{
	for (size_t i = 0; i < w->n; i++) {
		if (w->w[i].wd != e->wd)
			continue;
		if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF))
			return 1;
		if (!e->len)
			continue;
		if (w->w[i].name[0] ? !strcmp(w->w[i].name, e->name) : yaml_name(e->name))
			return 1;
	}
	return 0;
}

int rec_watch_due(struct rec_watch *w, uint64_t now_ns)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	if (w->fd < 0)
		return 0;
	while ((len = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			if (relevant(w, e) || (e->mask & IN_Q_OVERFLOW))
				w->due_ns = now_ns + REC_WATCH_SETTLE_NS;
			p += sizeof(*e) + e->len;
		}
	}
	if (!w->due_ns || now_ns < w->due_ns)
		return 0;
	w->due_ns = 0;
	return 1;
}

void rec_watch_close(struct rec_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
