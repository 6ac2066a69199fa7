/* test_evidence_ring: evidence captures written by their own thread, from a
 * real file ring (rec_out): the pre window comes from files opened when the
 * alert fired, so rotating the ring and deleting every ring file right
 * after the alert loses nothing; the caller's thread writes no chunk of it; pre window, alert and
 * post window are in the file in that order, each record once; records the full queue refuses are
 * counted and named in the closing line. */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../format/evt.h"
#include "../../format/fmt_layout.h"
#include "../../format/fmt_reader.h"
#include "../../record/rec_evidence.h"
#include "../../record/rec_out.h"
#include "../../rules/rule.h"
#include "../tap.h"

#define MS 1000000ull

/* Chunks written to an evidence file by the thread that asked for them
 * (the recording thread, in the recorder): counted by this program's own
 * pwrite(), which the writers' calls resolve to. */
static pthread_t test_thread;
static int evidence_chunks_here;

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	uint32_t magic = 0;

	if (len >= 4)
		memcpy(&magic, buf, 4);
	if (magic == FMT_CHUNK_MAGIC && pthread_equal(pthread_self(), test_thread)) {
		char link[64], target[512];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0 && (target[n] = 0, strstr(target, ".evidence.")))
			evidence_chunks_here++;
	}
	return syscall(SYS_pwrite64, fd, buf, len, off);
}

struct fixture {
	char dir[64], path[128], report_path[160];
	struct fmt_host_info host;
	struct rec_out out;
	struct evt_builder b;
	struct rule_set *rs;
	struct rec_evidence ev;
	FILE *report;
	uint64_t base;
};

static const char *rules_yaml = "- rule: Cap\n"
				"  desc: t\n"
				"  condition: evt.type = close\n"
				"  output: \"captured\"\n"
				"  priority: WARNING\n"
				"  capture: true\n";

/* A close record at base + ms; the ring gets it, and the evidence too. */
static const void *make_rec(struct fixture *f, uint64_t ms, size_t *len)
{
	struct evt_rec hdr = {0};

	hdr.ts = f->base + ms * MS;
	hdr.pid = hdr.tid = 4242;
	evt_builder_begin(&f->b, EVT_CLOSE, &hdr);
	evt_builder_add_s64(&f->b, (int64_t)ms);
	return evt_builder_finish(&f->b, len);
}

static void ring_put(struct fixture *f, uint64_t ms, int evidence)
{
	struct sr_err err;
	size_t len;
	const void *rec = make_rec(f, ms, &len);

	sr_err_clear(&err);
	CHECK_EQ_INT(rec_out_append(&f->out, rec, len, &err), 0);
	if (evidence)
		rec_evidence_record(&f->ev, rec, len);
}

/* 3000 records a millisecond apart over two ring files; capture pre 2 s. */
static void setup(struct fixture *f, size_t queue_max)
{
	struct fmt_writer_opts wo = {0};
	struct rec_evidence_opts eo = {
	    .mode = REC_EV_RULES, .pre_ns = 2000 * MS, .post_ns = 500 * MS, .queue_max = queue_max};
	struct sr_err err;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_evidence_ring.XXXXXX");
	CHECK(mkdtemp(f->dir) != NULL);
	snprintf(f->path, sizeof(f->path), "%s/cap.sysrec", f->dir);
	snprintf(f->report_path, sizeof(f->report_path), "%s.report", f->dir);
	fmt_host_info_local(&f->host);
	/* event times a while back, as a ring's are when an alert comes: the
	 * ring files' mtimes (now) are after the window's start */
	f->base = f->host.start_ns - 10000 * MS;
	evt_builder_init(&f->b);
	sr_err_clear(&err);
	CHECK_EQ_INT(
	    rec_out_open(&f->out, f->path, &f->host, &wo, &(struct rec_out_ring){.keep = 10}, &err),
	    0);
	f->rs = rule_set_new();
	CHECK_EQ_INT(rule_set_load_string(f->rs, "t.yaml", rules_yaml, &err), 0);
	CHECK_EQ_INT(rule_set_finalize(f->rs, &err), 0);
	f->report = fopen(f->report_path, "w+");
	CHECK(f->report != NULL);
	rec_evidence_init(&f->ev, &eo, &f->out, &f->host, 0, f->report);
	for (uint64_t ms = 0; ms < 3000; ms++) {
		ring_put(f, ms, 0);
		if (ms == 1500)
			CHECK_EQ_INT(rec_out_rotate(&f->out, &err), 0);
	}
}

/* The alert on an event at 3000 ms: its window is [1000, 3500) ms. */
static void alert(struct fixture *f, struct rec_evidence_ref *ref)
{
	const struct rule *r = rule_set_find(f->rs, "Cap");
	struct sr_err err;
	struct evt ev;
	size_t len;
	const void *rec = make_rec(f, 3000, &len);

	CHECK(r != NULL);
	CHECK_EQ_INT(evt_decode(&ev, rec, len), 0);
	ev.num = 3001;
	sr_err_clear(&err);
	CHECK_EQ_INT(rec_evidence_alert(&f->ev, r, &ev, "captured", ref, &err), 1);
}

/* Every file of the ring directory but the evidence file goes. */
static void delete_ring(struct fixture *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *de;
	char p[400];

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && !strstr(de->d_name, ".evidence.")) {
			snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
}

static void teardown(struct fixture *f)
{
	struct sr_err err;
	char cmd[200];

	rec_out_close(&f->out, &err);
	rule_set_free(f->rs);
	evt_builder_free(&f->b);
	evt_builder_free(&f->ev.b);
	fclose(f->report);
	unlink(f->report_path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	CHECK_EQ_INT(system(cmd), 0);
}

/* The evidence file's close records (their ms), alerts, and whether the
 * records came in order: pre window < alert < post window. */
static void read_evidence(const char *path, int *closes, int *alerts, int *ordered,
			  uint64_t *first_ms, uint64_t *last_ms)
{
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	int64_t prev = -1;
	int after_alert = 0;

	*closes = *alerts = 0;
	*ordered = 1;
	*first_ms = *last_ms = 0;
	sr_err_clear(&err);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	if (!r)
		return;
	CHECK(fmt_reader_info(r)->complete);
	while (fmt_reader_next(r, &ev, &err) == 1) {
		if (ev.rec->type == EVT_ALERT) {
			++*alerts;
			after_alert = 1;
			if (prev >= 3000)
				*ordered = 0;
		} else if (ev.rec->type == EVT_CLOSE) {
			int64_t ms = evt_param_s64(&ev, 0);

			if (ms <= prev || (after_alert && ms < 3000) ||
			    (!after_alert && ms >= 3000))
				*ordered = 0;
			if (!*closes)
				*first_ms = (uint64_t)ms;
			*last_ms = (uint64_t)ms;
			prev = ms;
			++*closes;
		}
	}
	fmt_reader_close(r);
}

TEST(pre_window_survives_ring_deletion)
{
	struct fixture f;
	struct rec_evidence_ref ref;
	int closes, alerts, ordered;
	uint64_t first, last;
	char line[600] = "";

	setup(&f, 0);
	test_thread = pthread_self();
	evidence_chunks_here = 0;
	alert(&f, &ref);
	/* the alert only started the file: its 2000 records of pre window
	 * are written by the evidence writer thread, not the caller's */
	CHECK_EQ_INT(evidence_chunks_here, 0);
	/* right away, before the writer thread may have read anything */
	delete_ring(&f);
	for (uint64_t ms = 3000; ms < 3400; ms++)
		ring_put(&f, ms, 1);
	rec_evidence_close(&f.ev);
	CHECK_EQ_INT(evidence_chunks_here, 0);
	read_evidence(ref.path, &closes, &alerts, &ordered, &first, &last);
	CHECK_EQ_INT(alerts, 1);
	CHECK(ordered);
	CHECK_EQ_INT(first, 1000);
	CHECK_EQ_INT(last, 3399);
	CHECK_EQ_INT(closes, 2400); /* 2000 before the alert, 400 after */
	CHECK_EQ_INT((int)f.ev.lost, 0);
	CHECK_EQ_INT((int)f.ev.files, 1);
	rewind(f.report);
	CHECK(fgets(line, sizeof(line), f.report) != NULL);
	CHECK(strstr(line, "sysrec: evidence closed: ") == line);
	CHECK(strstr(line, "(1 alert(s), 2400 events)\n") != NULL);
	teardown(&f);
}

/* A queue too small for any record: every post-window record and the
 * alert record are refused, counted, and the closing line says so. */
TEST(full_queue_is_counted)
{
	struct fixture f;
	struct rec_evidence_ref ref;
	const struct rule *r;
	struct sr_err err;
	struct evt ev;
	size_t len;
	const void *rec;
	char line[600] = "";

	setup(&f, 16);
	r = rule_set_find(f.rs, "Cap");
	rec = make_rec(&f, 3000, &len);
	CHECK_EQ_INT(evt_decode(&ev, rec, len), 0);
	sr_err_clear(&err);
	CHECK(rec_evidence_alert(&f.ev, r, &ev, "captured", &ref, &err) < 0);
	CHECK(strstr(err.msg, "queue is full") != NULL);
	for (uint64_t ms = 3000; ms < 3100; ms++)
		ring_put(&f, ms, 1);
	rec_evidence_close(&f.ev);
	CHECK_EQ_INT((int)f.ev.lost, 101); /* the alert and 100 records */
	rewind(f.report);
	CHECK(fgets(line, sizeof(line), f.report) != NULL);
	CHECK(strstr(line, "events not kept: the evidence queue was full") != NULL);
	teardown(&f);
}
