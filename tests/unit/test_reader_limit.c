/* test_reader_limit: a reader opened over a descriptor with a size limit
 * (fmt_reader_open_fd) reads a capture being written as it was when its
 * size was taken: the records written later are neither listed nor
 * delivered, also after a refresh; a limit inside a chunk reads as a
 * capture cut there. The descriptor is the reader's, also when the open
 * fails. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "format/fmt_reader.h"
#include "format/fmt_writer.h"
#include "tests/tap.h"
#include "tests/tools/gen_events.h"

#define HALF	5000
#define TS_STEP 1000ull

struct written {
	uint64_t size_half; /* file size once the first half was on disk */
	uint64_t last_ts_half;
	uint64_t events_half, events; /* events (not meta records) in it, in all */
};

static int is_event(unsigned type)
{
	const struct evt_info *ei = evt_info_get(type);

	return ei && ei->category != EC_META;
}

/* A capture of two halves of HALF events; the first is flushed to disk and
 * measured before the second is written, as the recorder does at an alert. */
static struct written write_halves(const char *path)
{
	struct fmt_writer_opts o = {.chunk_raw = 64 * 1024};
	struct fmt_writer_stats st;
	struct written wr = {0};
	struct fmt_writer *w = NULL;
	struct sr_err err;
	struct gen g;

	sr_err_clear(&err);
	gen_init(&g, 3, 1700000000000000000ull, TS_STEP);
	CHECK(fmt_writer_open(&w, path, NULL, &o, &err) == 0);
	CHECK(gen_snapshot(&g, w, &err) == 0);
	for (int half = 0; half < 2; half++) {
		for (int i = 0; i < HALF; i++) {
			size_t len;
			const struct evt_rec *rec = gen_next(&g, &len);

			CHECK(fmt_writer_append(w, rec, len, &err) == 0);
			wr.events += is_event(rec->type);
			if (!half) {
				wr.last_ts_half = rec->ts;
				wr.events_half += is_event(rec->type);
			}
		}
		CHECK(fmt_writer_tick(w, 0, &err) == 0);
		if (!half) {
			fmt_writer_get_stats(w, &st);
			wr.size_half = st.bytes;
		}
	}
	CHECK(fmt_writer_close(w, &err) == 0);
	gen_free(&g);
	return wr;
}

/* Events delivered by a reader over path's first limit bytes. */
static uint64_t events_within(const char *path, uint64_t limit, uint64_t *last_ts,
			      struct fmt_file_info *info)
{
	struct fmt_reader *r = NULL;
	struct sr_err err;
	struct evt ev;
	uint64_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	sr_err_clear(&err);
	CHECK(fd >= 0);
	CHECK(fmt_reader_open_fd(&r, fd, path, limit, &err) == 0);
	if (!r)
		return 0;
	*last_ts = 0;
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1) {
		n += is_event(ev.rec->type);
		*last_ts = ev.rec->ts;
	}
	CHECK_EQ_INT(rc, 0);
	/* the file is complete now; the limit still holds */
	CHECK(fmt_reader_refresh(r, &err) >= 0);
	CHECK_EQ_INT(fmt_reader_next(r, &ev, &err), 0);
	*info = *fmt_reader_info(r);
	fmt_reader_close(r);
	return n;
}

TEST(a_limit_reads_the_file_as_it_was)
{
	char path[] = "/tmp/test_reader_limit.XXXXXX";
	int fd = mkstemp(path);
	struct fmt_file_info info;
	struct written wr;
	uint64_t last;

	CHECK(fd >= 0);
	close(fd);
	unlink(path); /* the writer creates it (O_EXCL) */
	wr = write_halves(path);
	CHECK(wr.size_half > 0);

	CHECK(wr.events_half > HALF / 2);
	CHECK_EQ_INT(events_within(path, wr.size_half, &last, &info), wr.events_half);
	CHECK_EQ_INT(last, wr.last_ts_half);
	CHECK(!info.complete);
	CHECK(!info.damaged && !info.truncated);
	CHECK_EQ_INT(info.file_bytes, wr.size_half);

	/* the limit inside the next chunk: that chunk is cut, the rest read */
	CHECK_EQ_INT(events_within(path, wr.size_half + 100, &last, &info), wr.events_half);
	CHECK(info.truncated && !info.damaged);

	/* no limit: the whole file, through its index */
	CHECK_EQ_INT(events_within(path, UINT64_MAX, &last, &info), wr.events);
	CHECK(info.complete);
	unlink(path);
}

TEST(the_descriptor_is_closed_when_the_open_fails)
{
	char path[] = "/tmp/test_reader_limit.XXXXXX";
	struct fmt_reader *r = (struct fmt_reader *)&r;
	struct sr_err err;
	int fd = mkstemp(path), dir;

	CHECK(fd >= 0);
	CHECK(write(fd, "not a capture at all, but long enough to read a header from", 60) == 60);
	sr_err_clear(&err);
	CHECK(fmt_reader_open_fd(&r, fd, path, UINT64_MAX, &err) != 0);
	CHECK(r == NULL);
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF);

	dir = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(dir >= 0);
	CHECK(fmt_reader_open_fd(&r, dir, "/tmp", UINT64_MAX, &err) != 0);
	CHECK(fcntl(dir, F_GETFD) == -1 && errno == EBADF);
	unlink(path);
}
