/* test_reader_keep: a keep test run by the loading workers gives the
 * reader's thread what one thread gives: the same records in the same
 * order, with the same marks and numbers; the parameters of every record
 * delivered whole; a record the test hands over header only comes without
 * them from a worker's chunk (workers store its header only); none of the
 * records the test skips or counts. The same again when a worker cannot grow a chunk's kept
 * list: it expands that chunk again whole, untested. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/evt_source.h"
#include "format/fmt_reader.h"
#include "format/fmt_writer.h"
#include "tests/tap.h"
#include "tests/tools/gen_events.h"

#define EVENTS	30000
#define TS_STEP 1000ull

/* The kept list's first allocation (1024 entries of 4 bytes, from NULL)
 * fails on the workers while fail_kept is set: this program's realloc,
 * which the library's calls resolve to. */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) ||                               \
    __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1 /* the sanitizer's allocator is not glibc's: no refusals */
#else
#define SANITIZED 0
#endif
static pthread_t test_thread;
static atomic_int fail_kept, kept_refused;

#if !SANITIZED
extern void *__libc_realloc(void *p, size_t n);

void *realloc(void *p, size_t n)
{
	if (!p && n == 1024 * sizeof(uint32_t) && atomic_load(&fail_kept) &&
	    !pthread_equal(pthread_self(), test_thread)) {
		atomic_fetch_add(&kept_refused, 1);
		return NULL;
	}
	return __libc_realloc(p, n);
}
#endif

/* The verdict of a record, from its time alone (any thread may ask). */
static enum fmt_keep verdict(const struct evt_rec *r)
{
	static const enum fmt_keep by[] = {FMT_KEEP_SKIP,     FMT_KEEP,	      FMT_KEEP_MARK,
					   FMT_KEEP_MARK_HDR, FMT_KEEP_MARK2, FMT_KEEP_COUNT};

	return by[(r->ts / TS_STEP) % (sizeof(by) / sizeof(by[0]))];
}

static int keep(void *ctx, const struct evt *ev)
{
	(void)ctx;
	return verdict(ev->rec);
}

struct seen {
	uint64_t ts, num, header; /* header: a hash of its bytes */
	uint64_t params;	  /* a hash of their bytes, 0 when none were read */
	uint16_t type, nparams;
	uint8_t mark;
};

static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static uint64_t hash_params(const struct evt *ev)
{
	uint64_t h = 1469598103934665603ull;

	for (unsigned k = 0; k < ev->nparams; k++) {
		h = hash_bytes(h, ev->p[k], ev->plen[k]);
		h = (h ^ 0xff) * 1099511628211ull;
	}
	return h;
}

static void write_capture(const char *path)
{
	struct fmt_writer_opts o = {.chunk_raw = 64 * 1024};
	struct fmt_writer *w;
	struct sr_err err;
	struct gen g;

	gen_init(&g, 7, 1700000000000000000ull, TS_STEP);
	CHECK(fmt_writer_open(&w, path, NULL, &o, &err) == 0);
	CHECK(gen_snapshot(&g, w, &err) == 0);
	for (int i = 0; i < EVENTS; i++) {
		size_t len;
		const void *rec = gen_next(&g, &len);

		CHECK(fmt_writer_append(w, rec, len, &err) == 0);
	}
	CHECK(fmt_writer_close(w, &err) == 0);
	gen_free(&g);
}

/* Reads path with the keep test, workers loading (0: none); n records. */
static struct seen *read_capture(const char *path, unsigned workers, size_t *n, uint64_t *counted)
{
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	struct seen *s = calloc(EVENTS + 16, sizeof(*s));
	int rc;

	*n = 0;
	evt_source_set_threads(workers, 4);
	if (fmt_reader_open(&r, path, &err)) {
		TAP_FAIL("open: %s", err.msg);
		return s;
	}
	fmt_reader_set_keep(r, keep, NULL);
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1 && *n < EVENTS + 16) {
		struct seen *x = &s[(*n)++];

		x->ts = ev.rec->ts;
		x->header =
		    hash_bytes(1469598103934665603ull, (const uint8_t *)ev.rec, EVT_REC_HDR);
		x->num = ev.num;
		x->type = ev.rec->type;
		x->mark = (uint8_t)ev.mark;
		x->nparams = (uint16_t)ev.nparams;
		x->params = ev.nparams ? hash_params(&ev) : 0;
	}
	CHECK_EQ_INT(rc, 0);
	*counted = fmt_reader_counted(r);
	fmt_reader_close(r);
	evt_source_set_threads(0, 4);
	return s;
}

/* b (workers) against a (one thread). */
static void same_records(const struct seen *a, size_t na, const struct seen *b, size_t nb)
{
	size_t hdr = 0, whole = 0;

	CHECK_EQ_INT(nb, na);
	for (size_t i = 0; i < na && i < nb; i++) {
		struct evt_rec h = {.ts = a[i].ts};
		int header_only = verdict(&h) == FMT_KEEP_MARK_HDR;

		if (a[i].ts != b[i].ts || a[i].type != b[i].type || a[i].num != b[i].num ||
		    a[i].mark != b[i].mark || a[i].header != b[i].header) {
			TAP_FAIL("record %zu: ts %" PRIu64 "/%" PRIu64 " num %" PRIu64 "/%" PRIu64
				 " mark %u/%u",
				 i, a[i].ts, b[i].ts, a[i].num, b[i].num, a[i].mark, b[i].mark);
			return;
		}
		/* header only: from a worker's chunk; a chunk the reader's
		 * thread loads without the pipeline (the first) gives it whole */
		if (header_only && !b[i].nparams) {
			hdr++;
			continue;
		}
		if (a[i].nparams != b[i].nparams || a[i].params != b[i].params) {
			TAP_FAIL("record %zu: parameters differ", i);
			return;
		}
		whole++;
	}
	/* both kinds were there to compare */
	CHECK(hdr > 1000);
	CHECK(whole > 1000);
}

/* A capture in a fresh file (path: "/tmp/test_reader_keep.XXXXXX") and
 * what one thread reads of it. */
static struct seen *fixture(char *path, size_t *n, uint64_t *counted)
{
	int fd = mkstemp(path);
	struct seen *one;

	test_thread = pthread_self();
	CHECK(fd >= 0);
	close(fd);
	unlink(path); /* the writer creates it (O_EXCL) */
	write_capture(path);
	one = read_capture(path, 0, n, counted);
	CHECK(*n > EVENTS / 2);
	CHECK(*counted > EVENTS / 10);
	return one;
}

TEST(workers_deliver_what_one_thread_does)
{
	char path[] = "/tmp/test_reader_keep.XXXXXX";
	size_t n1, n2;
	uint64_t c1, c2;
	struct seen *one = fixture(path, &n1, &c1), *two = read_capture(path, 1, &n2, &c2);

	same_records(one, n1, two, n2);
	CHECK_EQ_INT(c2, c1);
	free(one);
	free(two);
	unlink(path);
}

TEST(a_kept_list_that_cannot_grow)
{
	char path[] = "/tmp/test_reader_keep.XXXXXX";
	size_t n1, n3;
	uint64_t c1, c3;
	struct seen *one;

	if (SANITIZED) {
		SKIP("a sanitizer's allocator: the kept list cannot be refused");
		return;
	}
	one = fixture(path, &n1, &c1);
	/* until a worker met the refusal (the reader's thread may load every
	 * chunk itself on a busy machine): 20 reads at most */
	atomic_store(&fail_kept, 1);
	for (int k = 0; k < 20 && !atomic_load(&kept_refused); k++) {
		struct seen *refused = read_capture(path, 1, &n3, &c3);

		same_records(one, n1, refused, n3);
		CHECK_EQ_INT(c3, c1);
		free(refused);
	}
	atomic_store(&fail_kept, 0);
	CHECK(atomic_load(&kept_refused) > 0);
	free(one);
	unlink(path);
}
