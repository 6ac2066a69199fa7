/* rpl_live: --live, a capture followed while sysrec writes it.
 *
 * The live source wraps the file's own source and, where that one ends,
 * asks it for chunks appended since (evt_source refresh, every
 * RPL_LIVE_POLL_MS) until the file is finished. sysrec -C/-G finishes a file
 * (index written), renames it away and starts a new one under the same
 * name: when the file watched finishes, the source waits up to
 * RPL_LIVE_ROTATE_MS for the name to hold another file and goes on in it.
 * A file that was finished before we opened it just ends at its end, as
 * does everything on Ctrl-C (rpl_interrupted). The name may not exist yet:
 * the source waits for sysrec to create it. A directory follows its newest
 * capture. Latency from a syscall to its line is the recorder's chunk flush
 * interval (1 s) plus one poll.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "rpl.h"
#include "scap/scap.h"

#define RPL_LIVE_POLL_MS   50
#define RPL_LIVE_ROTATE_MS 3000

struct live_source {
	struct evt_source base;
	struct evt_source *cur;
	char name[4096]; /* the file followed (after resolving a directory) */
	dev_t dev;
	ino_t ino;
	uint64_t nbase; /* events of the files before this one, for evt.num */
	uint64_t last_num;
	int done_at_open; /* the file was finished before we opened it */
};

/* Waits for the writer; what was printed so far goes out first (stdout
 * into a pipe is fully buffered, and a watcher must see it now). */
static void nap(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	fflush(stdout);
	nanosleep(&ts, NULL);
}

/* The newest capture in a directory (by modification time), or "". */
static void newest_in(const char *dir, char *out, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct timespec best = {0};

	out[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d))) {
		char p[4096];
		struct stat st;
		size_t n = strlen(e->d_name);

		if (n < 8 || strcmp(e->d_name + n - 7, ".sysrec"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (stat(p, &st) || !S_ISREG(st.st_mode))
			continue;
		if (st.st_mtim.tv_sec > best.tv_sec ||
		    (st.st_mtim.tv_sec == best.tv_sec && st.st_mtim.tv_nsec > best.tv_nsec)) {
			best = st.st_mtim;
			snprintf(out, cap, "%s", p);
		}
	}
	closedir(d);
}

/* Opens name once it exists and holds a capture header; 1 interrupted. */
static int live_open_file(struct live_source *ls, struct sr_err *err)
{
	for (;;) {
		struct stat st;
		int r;

		if (rpl_interrupted)
			return 1;
		if (stat(ls->name, &st) == 0 && st.st_size > 0) {
			r = scap_source_open_any(ls->name, &ls->cur, err);
			if (r == 0) {
				ls->dev = st.st_dev;
				ls->ino = st.st_ino;
				ls->done_at_open = !ls->cur->ops->refresh ||
						   ls->cur->ops->refresh(ls->cur, err) == 2;
				return 0;
			}
			/* a file just created may not hold its whole header yet */
			if (r != SR_EFORMAT && r != SR_ECORRUPT)
				return r;
		}
		nap(RPL_LIVE_POLL_MS);
	}
}

/* 1 when name now holds a file other than the one read (a rotation). */
static int rotated(const struct live_source *ls)
{
	struct stat st;

	return stat(ls->name, &st) == 0 && (st.st_dev != ls->dev || st.st_ino != ls->ino);
}

/* Goes on in the file now under the name: 1, or 0 interrupted, or <0. */
static int live_switch(struct live_source *ls, struct sr_err *err)
{
	int r;

	evt_source_close(ls->cur);
	ls->cur = NULL;
	ls->nbase = ls->last_num;
	r = live_open_file(ls, err);
	return r > 0 ? 0 : r < 0 ? r : 1;
}

static int live_next(struct evt_source *s, struct evt *ev, struct sr_err *err)
{
	struct live_source *ls = (struct live_source *)s;

	for (;;) {
		int r, waited;

		if (rpl_interrupted)
			return 0;
		r = evt_source_next(ls->cur, ev, err);
		if (r != 0) {
			if (r == 1) {
				ev->num += ls->nbase;
				ls->last_num = ev->num;
			}
			return r;
		}
		r = ls->cur->ops->refresh ? ls->cur->ops->refresh(ls->cur, err) : 2;
		if (r < 0)
			return r;
		if (r == 1)
			continue;
		if (r == 0) {
			nap(RPL_LIVE_POLL_MS);
			continue;
		}
		/* Finished while we watched: a rotation puts a new file under the
		 * name shortly. One finished before we came just ends. */
		if (ls->done_at_open)
			return rotated(ls) ? live_switch(ls, err) : 0;
		for (waited = 0; !rotated(ls) && waited < RPL_LIVE_ROTATE_MS && !rpl_interrupted;
		     waited += RPL_LIVE_POLL_MS)
			nap(RPL_LIVE_POLL_MS);
		if (!rotated(ls))
			return 0;
		r = live_switch(ls, err);
		if (r <= 0)
			return r;
	}
}

static void live_close(struct evt_source *s)
{
	struct live_source *ls = (struct live_source *)s;

	evt_source_close(ls->cur);
	free(ls);
}

static const struct evt_source_ops live_ops = {
    .next = live_next,
    .close = live_close,
};

int rpl_live_open(const char *path, struct evt_source **out, struct sr_err *err)
{
	struct live_source *ls = calloc(1, sizeof(*ls));
	struct stat st;
	int r;

	*out = NULL;
	if (!ls)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	snprintf(ls->name, sizeof(ls->name), "%s", path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		newest_in(path, ls->name, sizeof(ls->name));
		if (!ls->name[0]) {
			free(ls);
			return sr_err_set(err, SR_EIO, "%s: no .sysrec capture in this directory",
					  path);
		}
	}
	r = live_open_file(ls, err);
	if (r) {
		free(ls);
		return r > 0 ? sr_err_set(err, SR_EIO, "%s: interrupted", path) : r;
	}
	ls->base.ops = &live_ops;
	ls->base.kind = ls->cur->kind;
	ls->base.host = ls->cur->host;
	snprintf(ls->base.path, sizeof(ls->base.path), "%s", ls->name);
	/* bounds grow while we read: relative times are against the start only */
	ls->base.first_ts = ls->cur->first_ts;
	ls->base.last_ts = 0;
	*out = &ls->base;
	return 0;
}
