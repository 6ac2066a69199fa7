/* bench_format: capture writer and reader speed, size on disk, and seek.
 *
 *   bench_format [--events N] [--big BYTES] [--dir DIR] [--reps R]
 *
 * 1. Writer and reader for several chunk sizes and zstd levels, over the same
 *    N synthetic events (tests/tools/gen_events.h mix), side by side:
 *    append+compress+write rate, bytes/event on disk and decompressed (wire
 *    form), full read rate (fmt_reader_next), and two parts measured apart:
 *    load (every chunk decompressed and expanded whole, records untouched)
 *    and parse (records of an already expanded chunk walked with evt_decode).
 * 2. Seek in a capture of about BYTES (default 1 GiB; 0 skips): a full scan
 *    versus fmt_reader_seek_time to random times (time, chunks decoded).
 *
 * Rates use this thread's CPU time (the machine may be shared; wall time is
 * shown next to it). Best of R repetitions. One core: nothing here is threaded.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format/fmt_reader.h"
#include "format/fmt_reader_int.h"
#include "tests/tools/gen_events.h"

static double clk(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct timer {
	double cpu, wall;
};

static void t_start(struct timer *t)
{
	t->cpu = clk(CLOCK_THREAD_CPUTIME_ID);
	t->wall = clk(CLOCK_MONOTONIC);
}

static void t_stop(struct timer *t)
{
	t->cpu = clk(CLOCK_THREAD_CPUTIME_ID) - t->cpu;
	t->wall = clk(CLOCK_MONOTONIC) - t->wall;
}

static void die(const char *what, const struct sr_err *err)
{
	fprintf(stderr, "bench_format: %s: %s\n", what, err ? err->msg : "");
	exit(1);
}

/* N events generated once, kept as one buffer of records. */
struct recs {
	uint8_t *buf;
	size_t len, n;
	uint64_t first_ts, last_ts;
};

static void make_recs(struct recs *rs, size_t n)
{
	struct gen g;
	size_t cap = n * 200 + (1 << 20);

	gen_init(&g, 42, 1700000000000000000ull, 1000);
	rs->buf = malloc(cap);
	rs->len = 0;
	rs->n = 0;
	rs->first_ts = g.ts;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const void *rec = gen_next(&g, &len);

		if (rs->len + len > cap)
			break;
		memcpy(rs->buf + rs->len, rec, len);
		rs->len += len;
		rs->n++;
	}
	rs->last_ts = g.ts;
	gen_free(&g);
}

static void write_file(const char *path, const struct recs *rs, size_t chunk, int level,
		       struct timer *t)
{
	struct fmt_writer_opts o = {.chunk_raw = chunk, .level = level};
	struct fmt_writer *w;
	struct sr_err err;
	size_t pos = 0;

	t_start(t);
	if (fmt_writer_open(&w, path, NULL, &o, &err))
		die("open for writing", &err);
	while (pos < rs->len) {
		const struct evt_rec *r = (const void *)(rs->buf + pos);

		if (fmt_writer_append(w, r, r->len, &err))
			die("append", &err);
		pos += r->len;
	}
	if (fmt_writer_close(w, &err))
		die("close", &err);
	t_stop(t);
}

static uint64_t read_all(const char *path, struct timer *t, uint64_t *raw_bytes)
{
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	uint64_t n = 0;
	int rc;

	t_start(t);
	if (fmt_reader_open(&r, path, &err))
		die("open", &err);
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1)
		n++;
	if (rc < 0)
		die("read", &err);
	*raw_bytes = fmt_reader_info(r)->raw_bytes;
	fmt_reader_close(r);
	t_stop(t);
	return n;
}

static void decompress_only(const char *path, struct timer *t)
{
	struct fmt_reader *r;
	struct sr_err err;
	const uint8_t *raw;
	size_t len;

	t_start(t);
	if (fmt_reader_open(&r, path, &err))
		die("open", &err);
	for (size_t i = 0; i < fmt_reader_chunk_count(r); i++)
		if (fmt_reader_load_chunk(r, i, NULL, &raw, &len, &err))
			die("load", &err);
	fmt_reader_close(r);
	t_stop(t);
}

/* Walks the records of one decompressed chunk until total bytes are covered. */
static uint64_t parse_only(const char *path, uint64_t total, struct timer *t)
{
	struct fmt_reader *r;
	struct sr_err err;
	const uint8_t *raw;
	uint8_t *copy;
	size_t len, done = 0;
	uint64_t n = 0;

	if (fmt_reader_open(&r, path, &err) || fmt_reader_load_chunk(r, 0, NULL, &raw, &len, &err))
		die("open", &err);
	copy = malloc(len);
	memcpy(copy, raw, len);
	fmt_reader_close(r);
	t_start(t);
	while (done < total) {
		size_t pos = 0;

		while (pos < len) {
			struct evt ev;

			if (evt_decode(&ev, copy + pos, len - pos))
				die("decode", NULL);
			pos += (ev.rec->len + 7u) & ~7u;
			n++;
		}
		done += len;
	}
	t_stop(t);
	free(copy);
	return n;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void best(struct timer *b, const struct timer *t, int first)
{
	if (first || t->cpu < b->cpu)
		*b = *t;
}

static void table(const struct recs *rs, const char *dir, int reps)
{
	/* chunk size and zstd level; 1 MiB and 3 are the writer's defaults, and
	 * level 9 shows the archival trade (slower writes, faster reads) */
	static const struct {
		size_t chunk;
		int level;
	} cfg[] = {
	    {256 << 10, 1}, {256 << 10, 3}, {1 << 20, 1}, {1 << 20, 3},
	    {1 << 20, 9},   {4 << 20, 1},   {4 << 20, 3},
	};
	char path[4096];

	printf("\n%zu events, %.1f raw bytes/event (synthetic mix), best of %d, CPU time (wall)\n",
	       rs->n, (double)rs->len / (double)rs->n, reps);
	/* MB/s count the records' in-memory bytes (what the caller gets);
	 * "wire" is the decompressed payload per event; "load" decompresses and
	 * expands whole chunks; "parse" walks expanded records (evt_decode). */
	printf("%-7s %-5s | %-22s | %-8s | %-7s | %-27s | %-9s | %-12s\n", "chunk", "level",
	       "write Mev/s (MB/s raw)", "disk B/ev", "wire B/ev", "read Mev/s (MB/s raw) wall",
	       "load Mev/s", "parse Mrec/s");
	for (size_t c = 0; c < sizeof(cfg) / sizeof(cfg[0]); c++) {
		{
			struct timer tw = {0}, tr = {0}, td = {0}, tp = {0}, t;
			uint64_t n = 0, raw = 0, np = 0;

			snprintf(path, sizeof(path), "%s/bench-format-%zu-%d.sysrec", dir,
				 cfg[c].chunk, cfg[c].level);
			for (int i = 0; i < reps; i++) {
				write_file(path, rs, cfg[c].chunk, cfg[c].level, &t);
				best(&tw, &t, i == 0);
			}
			for (int i = 0; i < reps; i++) {
				n = read_all(path, &t, &raw);
				best(&tr, &t, i == 0);
				decompress_only(path, &t);
				best(&td, &t, i == 0);
				np = parse_only(path, raw, &t);
				best(&tp, &t, i == 0);
			}
			printf("%5zuK  %-5d | %6.2f (%6.0f)        | %9.1f | %9.1f | %6.2f (%6.0f) "
			       "%6.2fs      | %9.2f | %7.1f\n",
			       cfg[c].chunk >> 10, cfg[c].level, (double)rs->n / tw.cpu / 1e6,
			       (double)rs->len / tw.cpu / 1e6,
			       (double)file_size(path) / (double)rs->n, (double)raw / (double)n,
			       (double)n / tr.cpu / 1e6, (double)rs->len / tr.cpu / 1e6, tr.wall,
			       (double)n / td.cpu / 1e6, (double)np / tp.cpu / 1e6);
			unlink(path);
		}
	}
}

static void seek_bench(const char *dir, uint64_t bytes, int reps)
{
	struct fmt_writer_opts o = {0};
	struct fmt_writer_stats st;
	struct fmt_writer *w;
	struct fmt_reader *r;
	struct sr_err err;
	struct timer tg, tf = {0}, t;
	struct gen g;
	char path[4096];
	uint64_t n = 0, raw = 0, rng = 7;
	double seek_cpu = 0, seek_wall = 0;
	uint64_t max_dec = 0, seeks = 20;

	snprintf(path, sizeof(path), "%s/bench-format-big.sysrec", dir);
	gen_init(&g, 9, 1700000000000000000ull, 1000);
	t_start(&tg);
	if (fmt_writer_open(&w, path, NULL, &o, &err))
		die("open", &err);
	if (gen_snapshot(&g, w, &err))
		die("snapshot", &err);
	for (uint64_t i = 1;; i++) {
		size_t len;
		const void *rec = gen_next(&g, &len);

		if (fmt_writer_append(w, rec, len, &err))
			die("append", &err);
		if ((i & 0xfffff) == 0) {
			/* a snapshot about every million events, as a recorder would */
			if (gen_snapshot(&g, w, &err))
				die("snapshot", &err);
			fmt_writer_get_stats(w, &st);
			if (st.bytes >= bytes)
				break;
		}
	}
	fmt_writer_get_stats(w, &st);
	if (fmt_writer_close(w, &err))
		die("close", &err);
	t_stop(&tg);
	gen_free(&g);
	printf("\nseek: %s, %.2f GB on disk, %" PRIu64 " events, %" PRIu64
	       " chunks (written in %.1fs)\n",
	       path, (double)file_size(path) / 1e9, st.events, st.chunks, tg.wall);

	for (int i = 0; i < reps && i < 2; i++) {
		n = read_all(path, &t, &raw);
		best(&tf, &t, i == 0);
	}
	if (fmt_reader_open(&r, path, &err))
		die("open", &err);
	for (uint64_t k = 0; k < seeks; k++) {
		const struct fmt_file_info *fi = fmt_reader_info(r);
		uint64_t before = fmt_reader_chunks_decoded(r), target;
		struct evt ev;
		int rc;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		target = fi->first_ts + (rng >> 11) % (fi->last_ts - fi->first_ts);
		t_start(&t);
		if (fmt_reader_seek_time(r, target, &err))
			die("seek", &err);
		/* through the snapshot to the first event at or after the target */
		while ((rc = fmt_reader_next(r, &ev, &err)) == 1 && ev.rec->ts < target)
			;
		t_stop(&t);
		if (rc != 1)
			die("seek read", &err);
		seek_cpu += t.cpu;
		seek_wall += t.wall;
		if (fmt_reader_chunks_decoded(r) - before > max_dec)
			max_dec = fmt_reader_chunks_decoded(r) - before;
	}
	printf("%-28s | %-12s | %-12s | %-15s\n", "", "CPU time", "wall", "chunks decoded");
	printf("%-28s | %10.3fs  | %10.3fs  | %15zu\n", "full scan (fmt_reader_next)", tf.cpu,
	       tf.wall, fmt_reader_chunk_count(r));
	printf("%-28s | %10.3fms | %10.3fms | %15" PRIu64 " (max)\n", "seek_time + first event",
	       seek_cpu / (double)seeks * 1e3, seek_wall / (double)seeks * 1e3, max_dec);
	printf("full scan / seek: %.0fx (CPU), %" PRIu64 " events/s scan\n",
	       tf.cpu / (seek_cpu / (double)seeks), (uint64_t)((double)n / tf.cpu));
	fmt_reader_close(r);
	unlink(path);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"events", required_argument, NULL, 'n'},
	    {"big", required_argument, NULL, 'b'},
	    {"dir", required_argument, NULL, 'd'},
	    {"reps", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	size_t n = 2000000;
	uint64_t big = 1ull << 30;
	const char *dir = "/tmp";
	int reps = 3, c;
	struct recs rs;
	struct timer t;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			n = strtoull(optarg, NULL, 0);
			break;
		case 'b':
			big = strtoull(optarg, NULL, 0);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'r':
			reps = atoi(optarg) > 0 ? atoi(optarg) : 1;
			break;
		default:
			fprintf(stderr,
				"usage: bench_format [--events N] [--big BYTES] [--dir DIR] "
				"[--reps R]\n");
			return 2;
		}
	}
	t_start(&t);
	make_recs(&rs, n);
	t_stop(&t);
	printf("generated %zu events in %.2fs CPU\n", rs.n, t.cpu);
	table(&rs, dir, reps);
	free(rs.buf);
	if (big)
		seek_bench(dir, big, reps);
	return 0;
}
