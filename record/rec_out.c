/* rec_out.c: the capture writer with size/time rotation and a file ring. */
#include "rec_out.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/sr_file.h"
#include "../common/sr_time.h"
#include "rec_retain.h"

void rec_out_rotated_name(const char *path, uint64_t start_ns, char *buf, size_t cap)
{
	time_t secs = (time_t)(start_ns / 1000000000ull);
	size_t n = strlen(path);
	char stamp[32];
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (n > 7 && !strcmp(path + n - 7, ".sysrec"))
		n -= 7;
	snprintf(buf, cap, "%.*s.%s.sysrec", (int)n, path, stamp);
}

/* With --fsync the directory entries (a new file, a rotation's rename) are
 * made durable too: a synced file that no directory names is lost after a
 * crash all the same. */
static int sync_dir(const struct rec_out *o, struct sr_err *err)
{
	char dir[sizeof(o->path)];
	int fd, rc = 0;

	if (!o->sync)
		return 0;
	snprintf(dir, sizeof(dir), "%s", o->path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		rc = sr_err_set(err, SR_EIO, "sync of the directory of %s: %s", o->path,
				strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

static int open_file(struct rec_out *o, struct sr_err *err)
{
	struct fmt_writer_opts wo = o->wopts;
	int rc;

	/* after a rotation the path was just renamed away: whatever is there
	 * now was put there by someone else, --force or not */
	if (o->files)
		wo.exclusive = 1;
	if (o->cg)
		rec_cg_new_file(o->cg);
	o->file_start_ns = sr_time_now(CLOCK_REALTIME);
	o->host.start_ns = o->file_start_ns;
	rc = fmt_writer_open(&o->w, o->path, &o->host, &wo, err);
	if (rc)
		return rc;
	o->files++;
	o->current = 1;
	if (!o->sync)
		return 0;
	if (rec_sync_file(o->sync, fmt_writer_fd(o->w)))
		return sr_err_set(err, SR_EIO, "--fsync: %s", strerror(errno));
	return sync_dir(o, err);
}

int rec_out_set_sync(struct rec_out *o, struct rec_sync *s, struct sr_err *err)
{
	o->sync = s;
	if (rec_sync_file(s, fmt_writer_fd(o->w)))
		return sr_err_set(err, SR_EIO, "--fsync: %s", strerror(errno));
	return sync_dir(o, err);
}

static int ring_on(const struct rec_out *o)
{
	return o->ring.keep || o->ring.max_bytes || o->ring.max_age_ns || o->ring.min_free;
}

/* Renames the file at path (closed) into the set, after start_ns; never
 * onto an existing name, whatever it is (two rotations in one second, or a
 * link someone planted there): the next -N name instead. */
static int retire(struct rec_out *o, uint64_t start_ns, struct sr_err *err)
{
	char name[4200];

	rec_out_rotated_name(o->path, start_ns, name, sizeof(name));
	for (int i = 1; sr_file_rename_new(o->path, name) != 0; i++) {
		char base[4200];

		if (errno != EEXIST || i == 1000)
			return sr_err_set(err, SR_EIO, "%s: cannot rename to %s: %s", o->path, name,
					  strerror(errno));
		rec_out_rotated_name(o->path, start_ns, base, sizeof(base));
		snprintf(name, sizeof(name), "%.*s-%d.sysrec", (int)(strlen(base) - 7), base, i);
	}
	o->current = 0;
	return rec_retain_add(o, name, err);
}

/* A ring continues the set on disk: a FILE left by an earlier run (a
 * restart) becomes its newest rotated file, named after its last write,
 * which is after the start of every file before it. */
static int adopt_previous(struct rec_out *o, struct sr_err *err)
{
	struct stat st;
	int rc = rec_retain_scan(o, err);

	if (rc || lstat(o->path, &st) || !S_ISREG(st.st_mode) || !st.st_size)
		return rc;
	rc = retire(o, (uint64_t)st.st_mtim.tv_sec * 1000000000ull, err);
	if (!rc)
		o->adopted++;
	return rc;
}

int rec_out_open(struct rec_out *o, const char *path, const struct fmt_host_info *host,
		 const struct fmt_writer_opts *wopts, const struct rec_out_ring *ring,
		 struct sr_err *err)
{
	int rc;

	memset(o, 0, sizeof(*o));
	if (strlen(path) >= sizeof(o->path) - 40)
		return sr_err_set(err, SR_ELIMIT, "output path too long");
	snprintf(o->path, sizeof(o->path), "%s", path);
	o->host = *host;
	o->wopts = *wopts;
	if (ring)
		o->ring = *ring;
	evt_builder_init(&o->cgb);
	/* --force replaces FILE as it always did; otherwise a ring keeps it */
	if (ring_on(o) &&
	    (rc = o->wopts.exclusive ? adopt_previous(o, err) : rec_retain_scan(o, err)))
		return rc;
	return open_file(o, err);
}

/* CGROUPINFO for the record's cgroup, the first time this file sees it;
 * its header is the record's (the first process seen in that cgroup). */
static int announce_cgroup(struct rec_out *o, const struct evt_rec *h, const void **info,
			   size_t *info_len, struct sr_err *err)
{
	struct evt_rec hdr;
	const void *rec;
	const char *path;
	size_t len;

	if (!o->cg || !rec_cg_first(o->cg, h->cgroup_id))
		return 0;
	path = rec_cg_path(o->cg, h->cgroup_id, h->pid);
	if (!path)
		return 0; /* gone before we looked: nothing true to say */
	memset(&hdr, 0, sizeof(hdr));
	hdr.ts = h->ts;
	hdr.pid = h->pid;
	hdr.tid = h->tid;
	hdr.ppid = h->ppid;
	hdr.uid = h->uid;
	hdr.gid = h->gid;
	hdr.cpu = h->cpu;
	hdr.cgroup_id = h->cgroup_id;
	memcpy(hdr.comm, h->comm, sizeof(hdr.comm));
	evt_builder_begin(&o->cgb, EVT_CGROUPINFO, &hdr);
	evt_builder_add_u64(&o->cgb, h->cgroup_id);
	evt_builder_add_str(&o->cgb, path);
	rec = evt_builder_finish(&o->cgb, &len);
	if (!rec)
		return 0;
	o->cgroupinfo++;
	if (info) {
		*info = rec;
		*info_len = len;
	}
	return fmt_writer_append(o->w, rec, len, err);
}

int rec_out_announce(struct rec_out *o, const void *rec, size_t len, const void **info,
		     size_t *info_len, struct sr_err *err)
{
	if (info)
		*info = NULL;
	if (o->cg && len >= sizeof(struct evt_rec))
		return announce_cgroup(o, rec, info, info_len, err);
	return 0;
}

int rec_out_append(struct rec_out *o, const void *rec, size_t len, struct sr_err *err)
{
	int rc = rec_out_announce(o, rec, len, NULL, NULL, err);

	if (rc)
		return rc;
	return fmt_writer_append(o->w, rec, len, err);
}

int rec_out_snapshot_begin(struct rec_out *o, struct sr_err *err)
{
	return fmt_writer_snapshot_begin(o->w, err);
}

int rec_out_snapshot_end(struct rec_out *o, struct sr_err *err)
{
	return fmt_writer_snapshot_end(o->w, err);
}

int rec_out_emit_cb(void *ctx, const void *rec, size_t len)
{
	struct rec_out_emit *e = ctx;
	struct rec_out *o = e->o;
	const struct evt_rec *h = rec;

	e->records++;
	if (e->fix_cgroup && o->cg && len >= sizeof(*h) &&
	    (h->type == EVT_PROCINFO || h->type == EVT_FDINFO)) {
		uint64_t id;

		if (h->pid != e->last_pid) {
			e->last_pid = h->pid;
			e->last_id = rec_cg_id_of_pid(o->cg, h->pid);
		}
		id = e->last_id;
		if (id && id != h->cgroup_id) {
			if (len > o->fix_cap) {
				uint8_t *nb = realloc(o->fix, len);

				if (!nb)
					return sr_err_set(e->err, SR_ENOMEM, "out of memory");
				o->fix = nb;
				o->fix_cap = len;
			}
			memcpy(o->fix, rec, len);
			((struct evt_rec *)o->fix)->cgroup_id = id;
			rec = o->fix;
		}
	}
	return rec_out_append(o, rec, len, e->err);
}

static void add_stats(struct fmt_writer_stats *a, const struct fmt_writer_stats *b)
{
	a->events += b->events;
	a->records += b->records;
	a->chunks += b->chunks;
	a->bytes += b->bytes;
	a->raw_bytes += b->raw_bytes;
	a->drops_ring += b->drops_ring;
	a->drops_backlog += b->drops_backlog;
	a->events_lost += b->events_lost;
}

/* After SR_ENOSPC: the file gets the index the full disk refused it, older
 * files deleted one by one until it fits (0 when it is on disk). */
static int index_with_room(struct rec_out *o)
{
	int rc;

	while ((rc = fmt_writer_index_again(o->w)) == SR_ENOSPC && o->nrotated)
		rec_retain_drop_oldest(o, 1);
	return rc;
}

/* Ends the current file and folds its counters into the totals. A file the
 * full disk cut short still gets its index when a ring has older files to
 * delete for it; one left without (nothing older to delete) is counted. The
 * first error is returned: a caller recovers from SR_ENOSPC. */
static int close_file(struct rec_out *o, struct sr_err *err)
{
	struct fmt_writer_stats st;
	int rc, rc2;

	if (!o->w)
		return 0;
	rc = fmt_writer_end(o->w, err);
	if (rc == SR_ENOSPC && ring_on(o))
		index_with_room(o);
	/* the numbers after close: its last chunk, index and trailer included */
	rc2 = fmt_writer_finish(o->w, &st, rc ? NULL : err);
	o->w = NULL;
	add_stats(&o->done, &st);
	o->last_indexed = st.indexed;
	o->unindexed += !st.indexed;
	return rc ? rc : rc2;
}

static uint64_t current_bytes(const struct rec_out *o)
{
	struct fmt_writer_stats st;

	if (!o->w)
		return 0;
	fmt_writer_get_stats(o->w, &st);
	return st.bytes;
}

/* The current file counts as one of the kept files and its bytes count
 * against max_bytes; it is never deleted. */
void rec_out_trim(struct rec_out *o, uint64_t now_ns)
{
	uint64_t cur = current_bytes(o);

	while (o->nrotated &&
	       ((o->ring.keep && o->nrotated + 1 > o->ring.keep) ||
		(o->ring.max_bytes && o->rotated_bytes + cur > o->ring.max_bytes) ||
		(o->ring.max_age_ns && o->rotated[0].mtime_ns + o->ring.max_age_ns < now_ns)))
		rec_retain_drop_oldest(o, 0);
	while (o->nrotated && o->ring.min_free && rec_retain_free_bytes(o) < o->ring.min_free)
		rec_retain_drop_oldest(o, 1);
}

int rec_out_rotate(struct rec_out *o, struct sr_err *err)
{
	int rc;

	rc = close_file(o, err);
	if (rc)
		return rc;
	if (o->current) {
		rc = retire(o, o->file_start_ns, err);
		if (rc)
			return rc;
	}
	rec_out_trim(o, sr_time_now(CLOCK_REALTIME));
	return open_file(o, err);
}

/* Room a new file needs at least after a disk-full: its header, a snapshot
 * and some chunks, so the next failure is not at once. */
#define REC_OUT_ROOM (4ull << 20)

int rec_out_recover(struct rec_out *o, struct sr_err *err)
{
	uint64_t want = o->ring.min_free > REC_OUT_ROOM ? o->ring.min_free : REC_OUT_ROOM;
	size_t older = o->nrotated, gone = 0;
	int rc;

	if (!ring_on(o) || !older)
		return SR_ENOSPC;
	/* older files go first, so the file that failed (the writer cut it
	 * after its last complete chunk) can get the index the full disk
	 * refused it, then it joins the set; it holds the latest events */
	do
		rec_retain_drop_oldest(o, 1);
	while (++gone < older && rec_retain_free_bytes(o) < want);
	close_file(o, NULL);
	if (o->current) {
		rc = retire(o, o->file_start_ns, err);
		if (rc)
			return rc;
	}
	o->disk_full++;
	return open_file(o, err);
}

void rec_out_ring_usage(const struct rec_out *o, uint64_t *files, uint64_t *bytes)
{
	*files = o->nrotated + (o->w != NULL);
	*bytes = o->rotated_bytes + current_bytes(o);
}

void rec_out_stats(const struct rec_out *o, struct fmt_writer_stats *st)
{
	*st = o->done;
	if (o->w) {
		struct fmt_writer_stats cur;

		fmt_writer_get_stats(o->w, &cur);
		add_stats(st, &cur);
	}
}

int rec_out_close(struct rec_out *o, struct sr_err *err)
{
	int rc = close_file(o, err);

	/* The disk full at the very end, as while recording: once older files
	 * made room for the index the file is whole; what the full disk took
	 * (its last chunk) is counted lost and said with the summary. */
	if (rc == SR_ENOSPC && ring_on(o) && o->last_indexed) {
		o->disk_full++;
		rc = 0;
		if (err)
			sr_err_clear(err);
	}

	rec_retain_free(o);
	evt_builder_free(&o->cgb);
	free(o->fix);
	o->fix = NULL;
	o->fix_cap = 0;
	return rc;
}
