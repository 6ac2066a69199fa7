/* test_rec_diskfull: a full disk at the worst moments of a file ring: the
 * rotation's last chunk or the index refused (SR_ENOSPC), once or until
 * several older files are gone. Every file left on disk must be a complete
 * capture (index and trailer), or be counted as left without one.
 *
 * The disk is "full" through this program's own pwrite(): the writer's
 * calls resolve to it (it is defined in the executable), and it refuses the
 * next writes that start with a chunk or index magic while a budget lasts. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../format/evt.h"
#include "../../format/fmt_layout.h"
#include "../../format/fmt_reader.h"
#include "../../record/rec_out.h"
#include "../tap.h"

static int refuse_chunks, refuse_index; /* writes still to refuse */
static int refused;			/* writes refused so far */

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	uint32_t magic = 0;

	if (len >= 4)
		memcpy(&magic, buf, 4);
	if ((magic == FMT_CHUNK_MAGIC && refuse_chunks > 0 && refuse_chunks--) ||
	    (magic == FMT_INDEX_MAGIC && refuse_index > 0 && refuse_index--)) {
		refused++;
		errno = ENOSPC;
		return -1;
	}
	return syscall(SYS_pwrite64, fd, buf, len, off);
}

struct ring_dir {
	char dir[64], path[128];
	struct fmt_host_info host;
	struct rec_out o;
	struct evt_builder b;
	uint64_t ts;
};

/* Appends the next record (a close); rec_out_append's status. */
static int append_next(struct ring_dir *d, struct sr_err *err)
{
	struct evt_rec hdr = {0};
	const void *rec;
	size_t len;

	hdr.ts = d->host.start_ns + ++d->ts;
	evt_builder_begin(&d->b, EVT_CLOSE, &hdr);
	evt_builder_add_s64(&d->b, (int64_t)d->ts);
	rec = evt_builder_finish(&d->b, &len);
	return rec_out_append(&d->o, rec, len, err);
}

static void append_one(struct ring_dir *d, struct sr_err *err)
{
	CHECK_EQ_INT(append_next(d, err), 0);
}

/* A ring of keep files with `older` rotated files already on disk. */
static void ring_open(struct ring_dir *d, size_t keep, int older)
{
	struct fmt_writer_opts wo = {0};
	struct sr_err err;

	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "/tmp/test_rec_diskfull.XXXXXX");
	CHECK(mkdtemp(d->dir) != NULL);
	snprintf(d->path, sizeof(d->path), "%s/r.sysrec", d->dir);
	fmt_host_info_local(&d->host);
	evt_builder_init(&d->b);
	sr_err_clear(&err);
	CHECK_EQ_INT(
	    rec_out_open(&d->o, d->path, &d->host, &wo, &(struct rec_out_ring){.keep = keep}, &err),
	    0);
	for (int i = 0; i < older; i++) {
		append_one(d, &err);
		CHECK_EQ_INT(rec_out_rotate(&d->o, &err), 0);
	}
	CHECK_EQ_INT((int)d->o.nrotated, older);
}

/* Calls fn with the path of each file in the ring's directory. */
static void each_file(struct ring_dir *d, void (*fn)(const char *path, void *arg), void *arg)
{
	DIR *dh = opendir(d->dir);
	struct dirent *de;

	while (dh && (de = readdir(dh))) {
		char p[400];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", d->dir, de->d_name);
		fn(p, arg);
	}
	if (dh)
		closedir(dh);
}

struct tally {
	int files, complete;
};

static void count_file(const char *path, void *arg)
{
	struct tally *t = arg;
	struct fmt_reader *r;
	struct sr_err err;

	t->files++;
	sr_err_clear(&err);
	if (fmt_reader_open(&r, path, &err) == 0) {
		t->complete += fmt_reader_info(r)->complete;
		fmt_reader_close(r);
	}
}

/* Files in the directory, and how many of them open complete. */
static void check_files(struct ring_dir *d, int *files, int *complete)
{
	struct tally t = {0, 0};

	each_file(d, count_file, &t);
	*files = t.files;
	*complete = t.complete;
}

static void remove_file(const char *path, void *arg)
{
	(void)arg;
	unlink(path);
}

static void ring_remove(struct ring_dir *d)
{
	each_file(d, remove_file, NULL);
	rmdir(d->dir);
	evt_builder_free(&d->b);
}

/* Rotation: the closing file's last chunk and then its index are refused
 * twice: the recovery deletes older files until the index fits, the file
 * joins the set complete, and recording goes on in a new file. */
TEST(rotation_close_refused_gets_index)
{
	struct ring_dir d;
	struct sr_err err;
	int files, complete;

	ring_open(&d, 10, 3);
	append_one(&d, &err);
	refused = 0;
	refuse_chunks = 1;
	refuse_index = 3; /* the writer's own try, then two after deletions */
	sr_err_clear(&err);
	CHECK_EQ_INT(rec_out_rotate(&d.o, &err), SR_ENOSPC);
	CHECK_EQ_INT(refused, 4);
	CHECK_EQ_INT(rec_out_recover(&d.o, &err), 0);
	CHECK(d.o.last_indexed);
	CHECK_EQ_INT((int)d.o.unindexed, 0);
	CHECK(d.o.w != NULL);
	append_one(&d, &err);
	CHECK_EQ_INT(rec_out_close(&d.o, &err), 0);
	check_files(&d, &files, &complete);
	/* 3 older - 2 or 3 deleted, the refused file, the new one */
	CHECK(files >= 2 && files <= 3);
	CHECK_EQ_INT(complete, files);
	ring_remove(&d);
}

/* The index alone refused at rotation (the last chunk fit). */
TEST(rotation_index_refused_gets_index)
{
	struct ring_dir d;
	struct sr_err err;
	int files, complete;

	ring_open(&d, 10, 2);
	append_one(&d, &err);
	refuse_chunks = 0;
	refuse_index = 2;
	sr_err_clear(&err);
	CHECK_EQ_INT(rec_out_rotate(&d.o, &err), SR_ENOSPC);
	CHECK_EQ_INT(rec_out_recover(&d.o, &err), 0);
	CHECK(d.o.last_indexed);
	CHECK_EQ_INT(rec_out_close(&d.o, &err), 0);
	check_files(&d, &files, &complete);
	CHECK_EQ_INT(complete, files);
	CHECK_EQ_INT((int)d.o.done.events_lost, 0);
	ring_remove(&d);
}

/* A chunk refused in the middle of a file: the recovery gives it its index
 * even when the first deletions are not enough. */
TEST(append_refused_gets_index)
{
	struct ring_dir d;
	struct fmt_writer_opts wo = {.chunk_raw = 64};
	struct sr_err err;
	int files, complete, rc = 0;

	ring_open(&d, 10, 3);
	d.o.wopts = wo; /* small chunks for the next files: a write per record */
	CHECK_EQ_INT(rec_out_rotate(&d.o, &err), 0);
	refuse_chunks = 1;
	refuse_index = 2;
	for (int i = 0; i < 20 && !rc; i++)
		rc = append_next(&d, &err);
	CHECK_EQ_INT(rc, SR_ENOSPC);
	CHECK_EQ_INT(rec_out_recover(&d.o, &err), 0);
	CHECK(d.o.last_indexed);
	CHECK_EQ_INT(rec_out_close(&d.o, &err), 0);
	check_files(&d, &files, &complete);
	CHECK_EQ_INT(complete, files);
	ring_remove(&d);
}

/* Nothing older left to delete: the file stays without an index, and that
 * is counted (the recorder says so), never silent. */
TEST(no_room_left_is_counted)
{
	struct ring_dir d;
	struct sr_err err;
	int files, complete;

	ring_open(&d, 10, 1);
	append_one(&d, &err);
	refuse_chunks = 0;
	refuse_index = 100;
	sr_err_clear(&err);
	CHECK_EQ_INT(rec_out_rotate(&d.o, &err), SR_ENOSPC);
	CHECK_EQ_INT((int)d.o.nrotated, 0);
	CHECK(!d.o.last_indexed);
	CHECK_EQ_INT((int)d.o.unindexed, 1);
	refuse_index = 0;
	CHECK_EQ_INT(rec_out_close(&d.o, &err), 0);
	check_files(&d, &files, &complete);
	CHECK_EQ_INT(files, 1);
	CHECK_EQ_INT(complete, 0);
	ring_remove(&d);
}

/* The final close of a recording on a full disk: older files make room,
 * and the recording ends well (the disk filling counted). */
TEST(final_close_refused_gets_index)
{
	struct ring_dir d;
	struct sr_err err;
	int files, complete;

	ring_open(&d, 10, 2);
	append_one(&d, &err);
	refuse_index = 2;
	sr_err_clear(&err);
	CHECK_EQ_INT(rec_out_close(&d.o, &err), 0);
	CHECK(d.o.last_indexed);
	CHECK_EQ_INT((int)d.o.disk_full, 1);
	check_files(&d, &files, &complete);
	CHECK_EQ_INT(complete, files);
	CHECK_EQ_INT(files, 2); /* one older file deleted for the index */
	ring_remove(&d);
}
