/* test_scap_bounds: size limits of the .scap writer and reader.
 *
 * Writer: an event too big for sysdig's 64 KiB event blocks is cut (largest
 * variable parameters first), never dropped. Reader: enter events waiting
 * for their exit are capped; past the cap the oldest are delivered alone.
 * The thread table is capped too: past it the least recently seen thread
 * without a waiting enter is forgotten, and no record is lost. */
#include "tests/tap.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sr_err.h"
#include "format/evt_snap.h"
#include "format/evt_source.h"
#include "format/fmt_writer.h"
#include "scap/scap.h"
#include "scap/scap_int.h"
#include "scap/scap_reader.h"

#define SYSDIG "/usr/bin/sysdig"

static void tmp_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "/tmp/test_scap_bounds_%d_%s", (int)getpid(), name);
}

/* Appends one close event block by hand (scap ids 4 enter, 5 exit: one
 * 8-byte parameter, the fd or the result); tid is the full 64 bits. */
static int put_close_event(FILE *f, uint64_t ts, uint64_t tid, int exit, int64_t v)
{
	uint8_t blk[64] = {0};
	uint32_t type = SCAP_BT_EVF_V2, tl = (12 + 6 + 26 + 2 + 8 + 3) & ~3u;
	uint32_t evlen = 26 + 2 + 8, np = 1;
	uint16_t et = (uint16_t)(4 + !!exit), l8 = 8;
	size_t o = 8 + 6;

	memcpy(blk, &type, 4);
	memcpy(blk + 4, &tl, 4);
	memcpy(blk + o, &ts, 8), o += 8;
	memcpy(blk + o, &tid, 8), o += 8;
	memcpy(blk + o, &evlen, 4), o += 4;
	memcpy(blk + o, &et, 2), o += 2;
	memcpy(blk + o, &np, 4), o += 4;
	memcpy(blk + o, &l8, 2), o += 2;
	memcpy(blk + o, &v, 8);
	memcpy(blk + tl - 4, &tl, 4);
	return fwrite(blk, tl, 1, f) == 1 ? 0 : -1;
}

/* n bytes of text made of NUL-terminated words of word_len characters. */
static uint8_t *make_strings(size_t n, size_t word_len, char c)
{
	uint8_t *p = malloc(n);

	for (size_t i = 0; p && i < n; i++)
		p[i] = (i + 1) % (word_len + 1) == 0 || i == n - 1 ? 0 : (uint8_t)(c + i % 7);
	return p;
}

struct big_exec {
	uint8_t *args, *env;
	size_t args_len, env_len;
	char cwd[30000];
};

/* Writes a .sysrec: snapshot, then four syscalls, two of them with more than
 * 64 KiB of parameters. */
static int write_sysrec(const char *path, const struct big_exec *x1, const struct big_exec *x2,
			const uint8_t *data, size_t data_len)
{
	struct fmt_writer *w;
	struct evt_builder b;
	struct sr_err err;
	struct evt_rec h;
	struct fmt_host_info host;
	const void *r;
	size_t len;
	int rc;

	memset(&host, 0, sizeof(host));
	snprintf(host.hostname, sizeof(host.hostname), "bighost");
	host.ncpus = 1;
	sr_err_clear(&err);
	if (fmt_writer_open(&w, path, &host, NULL, &err))
		return -1;
	evt_builder_init(&b);
	memset(&h, 0, sizeof(h));
	h.ts = 1000;
	h.pid = h.tid = 42;
	h.ppid = 1;
	h.uid = 1000;
	snprintf(h.comm, sizeof(h.comm), "demo");
	rc = fmt_writer_snapshot_begin(w, &err);
	evt_builder_begin(&b, EVT_SNAP_BEGIN, &h);
	evt_builder_add_u64(&b, 1);
	r = evt_builder_finish(&b, &len);
	rc |= fmt_writer_append(w, r, len, &err);
	{
		struct evt_procinfo pi = {.exe = evt_str("demo"),
					  .exepath = evt_str("/usr/bin/demo"),
					  .args = {"-x\0", 3},
					  .cwd = evt_str("/tmp")};

		rc |= evt_build_procinfo(&b, &h, &pi);
	}
	r = evt_builder_finish(&b, &len);
	rc |= fmt_writer_append(w, r, len, &err);
	evt_builder_begin(&b, EVT_SNAP_END, &h);
	evt_builder_add_u64(&b, 1);
	r = evt_builder_finish(&b, &len);
	rc |= fmt_writer_append(w, r, len, &err);
	rc |= fmt_writer_snapshot_end(w, &err);
	for (int i = 0; i < 2 && !rc; i++) {
		const struct big_exec *x = i ? x2 : x1;

		h.ts = 2000 + 1000 * (uint64_t)i;
		h.latency = 10;
		h.res = 0;
		evt_builder_begin(&b, EVT_EXECVE, &h);
		evt_builder_add_str(&b, "/usr/bin/big");
		evt_builder_add(&b, x->args, x->args_len);
		evt_builder_add_str(&b, "/usr/bin/big");
		evt_builder_add_str(&b, x->cwd);
		evt_builder_add_u64(&b, 0);
		evt_builder_add_u64(&b, 1000);
		evt_builder_add_u64(&b, 1000);
		evt_builder_add_u64(&b, 1000);
		evt_builder_add_u64(&b, 1000);
		evt_builder_add(&b, x->env, x->env_len);
		evt_builder_add_u64(&b, 0); /* flags */
		evt_builder_add_u64(&b, 0); /* cap_eff */
		r = evt_builder_finish(&b, &len);
		if (!(((const struct evt_rec *)r)->flags & EVT_RF_LARGE) || len <= 65536)
			rc = -1; /* the test needs records over 64 KiB */
		rc |= fmt_writer_append(w, r, len, &err);
	}
	h.ts = 4000;
	h.res = (int64_t)data_len;
	evt_builder_begin(&b, EVT_WRITE, &h);
	evt_builder_add_s64(&b, 3);
	evt_builder_add_u64(&b, data_len);
	evt_builder_add(&b, data, data_len);
	r = evt_builder_finish(&b, &len);
	rc |= fmt_writer_append(w, r, len, &err);
	h.ts = 5000;
	h.res = 0;
	evt_builder_begin(&b, EVT_CLOSE, &h);
	evt_builder_add_s64(&b, 3);
	r = evt_builder_finish(&b, &len);
	rc |= fmt_writer_append(w, r, len, &err);
	evt_builder_free(&b);
	rc |= fmt_writer_close(w, &err);
	return rc;
}

/* Walks the blocks of a .scap: event blocks counted, the largest block's size. */
static int scan_blocks(const char *path, long *events, uint32_t *largest)
{
	FILE *f = fopen(path, "rb");
	uint32_t hdr[2];

	*events = 0;
	*largest = 0;
	if (!f)
		return -1;
	while (fread(hdr, 4, 2, f) == 2) {
		if (hdr[1] < 12 || fseek(f, (long)hdr[1] - 8, SEEK_CUR)) {
			fclose(f);
			return -1;
		}
		if (hdr[0] == SCAP_BT_EVF_V2 || hdr[0] == SCAP_BT_EV_V2)
			(*events)++;
		if (hdr[0] != SCAP_BT_SHB && hdr[1] > *largest)
			*largest = hdr[1];
	}
	fclose(f);
	return 0;
}

/* The part of param i of ev is a prefix of want (want_len bytes), and shorter. */
static int cut_prefix_of(const struct evt *ev, unsigned i, const uint8_t *want, size_t want_len)
{
	return i < ev->nparams && ev->plen[i] > 0 && ev->plen[i] < want_len &&
	       memcmp(ev->p[i], want, ev->plen[i] - 1) == 0;
}

/* 1 when `bin/sysreplay CMD IN [OUT]` prints want on stderr (the user is
 * told); 1 as well when sysreplay is not built (unit tests alone). */
static int cli_says(const char *cmd, const char *in, const char *out, const char *want)
{
	char line[1024], sh[1024];
	FILE *p;
	int found = 0;

	if (access("bin/sysreplay", X_OK) != 0)
		return 1;
	snprintf(sh, sizeof(sh), "bin/sysreplay %s '%s' %s%s%s 2>&1 >/dev/null", cmd, in,
		 out ? "'" : "", out ? out : "", out ? "'" : "");
	p = popen(sh, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, want))
			found = 1;
	pclose(p);
	if (out)
		unlink(out);
	return found;
}

TEST(export_cuts_oversized_events_instead_of_dropping)
{
	char in[256], out[256];
	struct big_exec *x1 = calloc(1, sizeof(*x1)), *x2 = calloc(1, sizeof(*x2));
	size_t data_len = 200000;
	uint8_t *data = malloc(data_len);
	struct evt_source *s = NULL;
	struct scap_convert_notes notes = {0};
	struct sr_err err;
	struct evt ev;
	int rc, execs = 0, writes = 0, closes = 0;
	long blocks;
	uint32_t largest;

	tmp_path(in, sizeof(in), "big.sysrec");
	tmp_path(out, sizeof(out), "big.scap");
	CHECK(x1 && x2 && data);
	if (!x1 || !x2 || !data)
		goto done;
	for (size_t i = 0; i < data_len; i++)
		data[i] = (uint8_t)(i * 31 + 7);
	/* x1: four long variable parameters (argv[0], the other args, cwd, env):
	 * more than 64 KiB even at the 16 KB a parameter once was cut to. */
	x1->args_len = 20001 + 90000;
	x1->args = make_strings(x1->args_len, 29999, 'a');
	memset(x1->args, 'p', 20000); /* argv[0]: 20000 characters */
	x1->args[20000] = 0;
	x1->env_len = 40000;
	x1->env = make_strings(x1->env_len, 999, 'E');
	x1->cwd[0] = '/';
	memset(x1->cwd + 1, 'c', 25000);
	/* x2: short argv[0] and cwd, medium env, huge args: only args is cut */
	x2->args_len = 4 + 90000;
	x2->args = make_strings(x2->args_len, 29999, 'a');
	memcpy(x2->args, "big", 4);
	x2->env_len = 20000;
	x2->env = make_strings(x2->env_len, 99, 'V');
	snprintf(x2->cwd, sizeof(x2->cwd), "/tmp/work");
	CHECK(x1->args && x1->env && x2->args && x2->env);
	if (!x1->args || !x1->env || !x2->args || !x2->env)
		goto done;
	CHECK_EQ_INT(write_sysrec(in, x1, x2, data, data_len), 0);
	sr_err_clear(&err);
	rc = scap_convert_to_scap(in, out, 0, &notes, &err);
	CHECK_EQ_INT(rc, 0);
	CHECK(notes.cut >= 2); /* x1 and x2 at least: counted, and told by convert */
	{
		char out2[256];

		tmp_path(out2, sizeof(out2), "big_cli.scap");
		CHECK(cli_says("convert", in, out2, "had their largest parameters cut"));
	}
	if (rc) {
		TAP_FAIL("convert: %s", err.msg);
		goto done;
	}
	/* Every event block fits sysdig's 64 KiB read buffer; 4 syscalls, 8 events. */
	CHECK_EQ_INT(scan_blocks(out, &blocks, &largest), 0);
	CHECK_EQ_INT(blocks, 8);
	CHECK(largest <= 65536);
	CHECK(largest > 60000); /* cut to what fits, not far below */

	CHECK_EQ_INT(scap_source_open(out, &s, &err), 0);
	if (!s)
		goto done;
	while ((rc = s->ops->next(s, &ev, &err)) == 1) {
		const struct evt_rec *r = ev.rec;
		uint32_t sum = 0;

		switch (r->type) {
		case EVT_EXECVE:
			execs++;
			CHECK_EQ_INT(r->res, 0);
			CHECK_EQ_INT(r->latency, 10);
			CHECK_EQ_INT(r->uid, 1000);
			CHECK_STR(r->comm, "demo");
			CHECK(!(r->flags & EVT_RF_ENTER_ONLY));
			/* the enter's filename and the exe derived from it are intact */
			CHECK(ev.plen[0] == 12 && memcmp(ev.p[0], "/usr/bin/big", 12) == 0);
			CHECK(ev.plen[2] == 12 && memcmp(ev.p[2], "/usr/bin/big", 12) == 0);
			for (unsigned i = 0; i < ev.nparams; i++)
				sum += ev.plen[i];
			CHECK(sum < 65536);
			/* a cut string array still ends with its NUL */
			CHECK(ev.plen[1] > 0 && ev.p[1][ev.plen[1] - 1] == 0);
			if (r->ts == 2000) {
				/* argv[0] and cwd cut like args and env: a common length */
				CHECK(ev.plen[1] > 20000 && ev.plen[1] < 20000 + 65536);
				CHECK(memcmp(ev.p[1], x1->args, 10000) == 0);
				CHECK(ev.plen[3] > 10000 && ev.plen[3] < 25001);
				CHECK(ev.plen[3] > 10000 &&
				      memcmp(ev.p[3], x1->cwd, ev.plen[3]) == 0);
				CHECK(cut_prefix_of(&ev, 9, x1->env, x1->env_len));
				CHECK_EQ_INT(ev.plen[9], ev.plen[3]);
			} else {
				/* only the largest parameter (args) lost bytes */
				CHECK(cut_prefix_of(&ev, 1, x2->args, x2->args_len));
				CHECK(ev.plen[1] > 40000);
				CHECK_EQ_INT(ev.plen[3], 9);
				CHECK(ev.plen[3] == 9 && memcmp(ev.p[3], "/tmp/work", 9) == 0);
				CHECK_EQ_INT(ev.plen[9], x2->env_len);
				CHECK(ev.plen[9] == x2->env_len &&
				      memcmp(ev.p[9], x2->env, x2->env_len) == 0);
			}
			break;
		case EVT_WRITE:
			writes++;
			CHECK_EQ_INT(r->res, (int64_t)data_len);
			CHECK_EQ_INT(evt_param_s64(&ev, 0), 3);
			CHECK_EQ_INT(evt_param_u64(&ev, 1), data_len);
			/* as much of the buffer as one event holds */
			CHECK(ev.plen[2] > 60000 && ev.plen[2] <= 65535);
			CHECK(ev.plen[2] > 0 && memcmp(ev.p[2], data, ev.plen[2]) == 0);
			break;
		case EVT_CLOSE:
			closes++;
			CHECK_EQ_INT(evt_param_s64(&ev, 0), 3);
			break;
		}
	}
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(execs, 2);
	CHECK_EQ_INT(writes, 1);
	CHECK_EQ_INT(closes, 1);
done:
	if (s)
		s->ops->close(s);
	if (x1) {
		free(x1->args);
		free(x1->env);
	}
	if (x2) {
		free(x2->args);
		free(x2->env);
	}
	free(x1);
	free(x2);
	free(data);
	unlink(in);
	unlink(out);
}

/* The oracle: sysdig reads the exported file to its end, every event. */
TEST(sysdig_reads_every_exported_event)
{
	char in[256], out[256], cmd[700], line[256];
	struct big_exec *x = calloc(1, sizeof(*x));
	size_t data_len = 100000;
	uint8_t *data = malloc(data_len);
	struct sr_err err;
	long blocks = 0, shown = 0;
	uint32_t largest;
	FILE *p;
	int rc;

	if (access(SYSDIG, X_OK) != 0) {
		SKIP("sysdig not installed (" SYSDIG ")");
		free(x);
		free(data);
		return;
	}
	tmp_path(in, sizeof(in), "oracle.sysrec");
	tmp_path(out, sizeof(out), "oracle.scap");
	CHECK(x && data);
	if (!x || !data)
		goto done;
	memset(data, 'd', data_len);
	x->args_len = 70000;
	x->args = make_strings(x->args_len, 20000, 'a');
	x->env_len = 30000;
	x->env = make_strings(x->env_len, 500, 'E');
	x->cwd[0] = '/';
	memset(x->cwd + 1, 'c', 20000);
	CHECK(x->args && x->env);
	if (!x->args || !x->env)
		goto done;
	CHECK_EQ_INT(write_sysrec(in, x, x, data, data_len), 0);
	sr_err_clear(&err);
	rc = scap_convert_to_scap(in, out, 0, NULL, &err);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(scan_blocks(out, &blocks, &largest), 0);
	CHECK_EQ_INT(blocks, 8);
	/* "<num> <dir>" per event; sysdig stops at a block it cannot read, with
	 * a message and no further events */
	snprintf(cmd, sizeof(cmd), SYSDIG " -r '%s' -p '%%evt.num %%evt.dir' 2>&1", out);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!p)
		goto done;
	while (fgets(line, sizeof(line), p)) {
		long num;
		char dir[8];

		if (sscanf(line, "%ld %7s", &num, dir) == 2 && (dir[0] == '>' || dir[0] == '<'))
			shown++;
		else if (strstr(line, "greater than") || strstr(line, "error"))
			TAP_FAIL("sysdig: %s", line);
	}
	CHECK_EQ_INT(pclose(p), 0);
	CHECK_EQ_INT(shown, blocks);
done:
	if (x) {
		free(x->args);
		free(x->env);
	}
	free(x);
	free(data);
	unlink(in);
	unlink(out);
}

/* ---------- the reader's cap on waiting enters ---------- */

/* A .scap with `lonely` enter events on distinct threads that never exit,
 * interleaved with `paired` complete syscalls on one other thread; each
 * enter carries a name of name_len bytes. */
static int write_enters(const char *path, int lonely, int paired, size_t name_len)
{
	struct scap_writer *w;
	struct evt_builder b;
	struct sr_err err;
	struct evt_rec h;
	char *name = malloc(name_len + 1);
	const void *r;
	size_t len;
	int rc = 0;

	if (!name)
		return -1;
	memset(name, 'n', name_len);
	name[0] = '/';
	name[name_len] = 0;
	sr_err_clear(&err);
	if (scap_writer_open(&w, path, NULL, 0, &err)) {
		free(name);
		return -1;
	}
	evt_builder_init(&b);
	for (int i = 0; i < lonely + paired && !rc; i++) {
		int pair = paired && i % ((lonely + paired) / paired) == 0;

		memset(&h, 0, sizeof(h));
		h.ts = 1000000 + 10 * (uint64_t)i;
		h.latency = 0;
		h.tid = h.pid = pair ? 7 : 1000 + (uint32_t)i;
		h.flags = pair ? 0 : EVT_RF_ENTER_ONLY;
		h.res = pair ? 3 : 0;
		evt_builder_begin(&b, EVT_OPENAT, &h);
		evt_builder_add_s64(&b, -100);
		evt_builder_add_str(&b, name);
		evt_builder_add_u64(&b, O_RDONLY);
		evt_builder_add_u64(&b, 0);
		r = evt_builder_finish(&b, &len);
		rc = scap_writer_append(w, r, len, &err);
	}
	evt_builder_free(&b);
	rc |= scap_writer_close(w, &err);
	free(name);
	return rc;
}

/* Bytes the allocator has handed out, heap and mmap alike (0 if it cannot say). */
static size_t heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

struct pend_result {
	long records, enter_only, paired;
	long dups, out_of_order;
	size_t peak_n, peak_bytes;
	uint64_t evicted, unpaired;
	long heap_growth; /* most heap in use while reading, over the start; -1 unknown */
	int rc;
};

/* Reads path with the given limits; checks each lonely thread shows up once. */
static void read_enters(const char *path, size_t max_bytes, size_t max_n, int lonely,
			struct pend_result *res)
{
	size_t save_b = scap_pend_max_bytes, save_n = scap_pend_max_entries;
	uint8_t *seen = calloc(2 * (size_t)lonely + 1, 1); /* tids: 1000 + write order */
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	uint64_t last_ts = 0;
	size_t heap0 = heap_in_use();

	memset(res, 0, sizeof(*res));
	res->heap_growth = -1;
	scap_pend_max_bytes = max_bytes;
	scap_pend_max_entries = max_n;
	res->rc = scap_source_open(path, &src, &err);
	scap_pend_max_bytes = save_b;
	scap_pend_max_entries = save_n;
	if (res->rc || !seen) {
		free(seen);
		return;
	}
	while ((res->rc = src->ops->next(src, &ev, &err)) == 1) {
		const struct evt_rec *r = ev.rec;

		res->records++;
		if (heap0) {
			/* the allocator's own count: independent of the reader's books */
			long g = (long)heap_in_use() - (long)heap0;
			if (g > res->heap_growth)
				res->heap_growth = g;
		}
		if (r->type != EVT_OPENAT)
			continue;
		if (r->flags & EVT_RF_ENTER_ONLY) {
			long k = (long)r->tid - 1000;

			res->enter_only++;
			if (k < 0 || k > 2 * lonely || seen[k]++)
				res->dups++;
			/* enters come out oldest first, evicted or flushed at the end */
			if (r->ts < last_ts)
				res->out_of_order++;
			last_ts = r->ts;
			if (ev.nparams < 2 || ev.plen[1] == 0 || ev.p[1][0] != '/')
				res->dups++; /* its parameters must survive the wait */
		} else if (r->tid == 7 && r->res == 3) {
			res->paired++;
		}
	}
	{
		struct scap_src *s = (struct scap_src *)src;
		res->peak_n = s->pend.peak_n;
		res->peak_bytes = s->pend.peak_bytes;
		res->evicted = s->pend.evicted;
		res->unpaired = src->unpaired;
	}
	src->ops->close(src);
	free(seen);
}

TEST(waiting_enters_capped_by_count)
{
	char path[256];
	struct pend_result r;
	const int lonely = 5000, paired = 50;

	tmp_path(path, sizeof(path), "enters.scap");
	CHECK_EQ_INT(write_enters(path, lonely, paired, 20), 0);
	read_enters(path, 64u << 20, 100, lonely, &r);
	CHECK_EQ_INT(r.rc, 0);
	/* nothing lost: every enter once, every pair merged */
	CHECK_EQ_INT(r.enter_only, lonely);
	CHECK_EQ_INT(r.paired, paired);
	CHECK_EQ_INT(r.dups, 0);
	CHECK_EQ_INT(r.out_of_order, 0);
	/* bounded: never more than the cap waiting (the pair's thread included) */
	CHECK(r.peak_n <= 100);
	CHECK(r.peak_n >= 99);
	CHECK(r.evicted >= (uint64_t)(lonely - 100));
	CHECK_EQ_INT(r.unpaired, r.evicted); /* what readers of the source report */
	/* the defaults hold them all and flush them at the end, still in order */
	read_enters(path, SCAP_PEND_MAX_BYTES_DEFAULT, SCAP_PEND_MAX_ENTRIES_DEFAULT, lonely, &r);
	CHECK_EQ_INT(r.rc, 0);
	CHECK_EQ_INT(r.enter_only, lonely);
	CHECK_EQ_INT(r.paired, paired);
	CHECK_EQ_INT(r.dups, 0);
	CHECK_EQ_INT(r.out_of_order, 0);
	CHECK_EQ_INT(r.evicted, 0);
	CHECK(r.peak_n >= (size_t)lonely);
	unlink(path);
}

TEST(unpaired_enters_reported_to_the_user)
{
	char path[256], out[256];
	const int lonely = (int)SCAP_PEND_MAX_ENTRIES_DEFAULT + 500;

	tmp_path(path, sizeof(path), "many_enters.scap");
	tmp_path(out, sizeof(out), "many_enters.sysrec");
	CHECK_EQ_INT(write_enters(path, lonely, 5, 8), 0);
	/* past the default limits: events and convert both say so */
	CHECK(cli_says("events -c", path, NULL, "enter events read without their exit"));
	CHECK(cli_says("convert", path, out, "enter events read without their exit"));
	unlink(path);
}

TEST(waiting_enters_capped_by_bytes)
{
	char path[256];
	struct pend_result r;
	const int lonely = 4000;
	const size_t cap = 256u << 10, name = 4000;

	tmp_path(path, sizeof(path), "enters_big.scap");
	CHECK_EQ_INT(write_enters(path, lonely, 20, name), 0);
	read_enters(path, cap, 1u << 20, lonely, &r);
	CHECK_EQ_INT(r.rc, 0);
	CHECK_EQ_INT(r.enter_only, lonely);
	CHECK_EQ_INT(r.paired, 20);
	CHECK_EQ_INT(r.dups, 0);
	CHECK_EQ_INT(r.out_of_order, 0);
	/* at most the cap plus the one event that crossed it */
	CHECK(r.peak_bytes <= cap + name + 1024);
	CHECK(r.peak_bytes > cap / 2);
	CHECK(r.evicted > 0);
	/* held all, the enters alone would take 16 MB; the rest is the reader's
	 * buffers and the thread table */
	if (r.heap_growth >= 0)
		CHECK(r.heap_growth < (long)(cap + (3u << 20)));
	/* one entry allowed: each new enter pushes the previous one out */
	read_enters(path, cap, 1, lonely, &r);
	CHECK_EQ_INT(r.rc, 0);
	CHECK_EQ_INT(r.enter_only, lonely);
	CHECK_EQ_INT(r.paired, 20);
	CHECK_EQ_INT(r.dups, 0);
	CHECK_EQ_INT(r.peak_n, 1);
	unlink(path);
}

/* Pairs still merge when their enters sit behind many waiting ones, and an
 * exit whose enter was pushed out still comes through (alone). */
TEST(evicted_enter_exit_still_delivered)
{
	char path[256];
	struct scap_writer *w;
	struct evt_builder b;
	struct evt_source *src;
	struct sr_err err;
	struct evt_rec h;
	struct evt ev;
	const void *r;
	size_t len, save_n = scap_pend_max_entries;
	long closes = 0, enter_only = 0, merged = 0;
	int rc = 0;

	tmp_path(path, sizeof(path), "evict_exit.scap");
	sr_err_clear(&err);
	CHECK_EQ_INT(scap_writer_open(&w, path, NULL, 0, &err), 0);
	if (!w)
		return;
	evt_builder_init(&b);
	/* 40 threads enter close() together (enter-only records write just the
	 * enter), then all of them exit: written by hand as exit events below */
	for (int i = 0; i < 40 && !rc; i++) {
		memset(&h, 0, sizeof(h));
		h.ts = 100 + (uint64_t)i;
		h.tid = h.pid = 500 + (uint32_t)i;
		h.flags = EVT_RF_ENTER_ONLY;
		evt_builder_begin(&b, EVT_CLOSE, &h);
		evt_builder_add_s64(&b, i);
		r = evt_builder_finish(&b, &len);
		rc = scap_writer_append(w, r, len, &err);
	}
	evt_builder_free(&b);
	CHECK_EQ_INT(scap_writer_close(w, &err), 0);
	CHECK_EQ_INT(rc, 0);
	/* append the 40 close exits (id 5: res only) */
	{
		FILE *f = fopen(path, "ab");
		CHECK(f != NULL);
		for (int i = 0; f && i < 40; i++)
			CHECK_EQ_INT(
			    put_close_event(f, 1000 + (uint64_t)i, 500 + (uint64_t)i, 1, 0), 0);
		if (f)
			fclose(f);
	}
	scap_pend_max_entries = 10;
	CHECK_EQ_INT(scap_source_open(path, &src, &err), 0);
	scap_pend_max_entries = save_n;
	if (!src)
		goto out;
	while ((rc = src->ops->next(src, &ev, &err)) == 1) {
		if (ev.rec->type != EVT_CLOSE)
			continue;
		closes++;
		if (ev.rec->flags & EVT_RF_ENTER_ONLY)
			enter_only++;
		else if (ev.nparams && evt_param_s64(&ev, 0) == (int64_t)ev.rec->tid - 500)
			merged++; /* the exit found its enter's fd */
	}
	CHECK_EQ_INT(rc, 0);
	/* 30 enters pushed out (each then an exit alone), the last 10 merged */
	CHECK_EQ_INT(enter_only, 30);
	CHECK_EQ_INT(merged, 10);
	CHECK_EQ_INT(closes, 30 + 30 + 10);
	src->ops->close(src);
out:
	unlink(path);
}

/* ---------- the reader's cap on the thread table ---------- */

/* Records for a test .scap, through the project's writer. */
struct wr {
	struct scap_writer *w;
	struct evt_builder b;
	struct sr_err err;
	int rc;
};

static void wr_hdr(struct evt_rec *h, uint64_t ts, uint32_t tid, uint32_t pid, uint32_t uid,
		   const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->ts = ts;
	h->tid = tid;
	h->pid = pid;
	h->ppid = 1;
	h->uid = uid;
	h->gid = uid;
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
}

static void wr_finish(struct wr *x)
{
	size_t len;
	const void *r = evt_builder_finish(&x->b, &len);

	if (!r)
		x->rc = -1;
	else if (!x->rc)
		x->rc = scap_writer_append(x->w, r, len, &x->err);
}

/* A process-list thread (snapshot record, before the first event). */
static void wr_thread(struct wr *x, uint32_t tid, uint32_t pid, uint32_t uid, const char *comm)
{
	struct evt_rec h;
	struct evt_procinfo pi = {.exe = evt_str("/usr/bin/x"),
				  .exepath = evt_str("/usr/bin/x"),
				  .args = {"", 1},
				  .cwd = evt_str("/")};

	wr_hdr(&h, 1, tid, pid, uid, comm);
	if (evt_build_procinfo(&x->b, &h, &pi))
		x->rc = -1;
	wr_finish(x);
}

/* close(fd) by tid: an enter and an exit event (enter only: the enter alone). */
static void wr_close(struct wr *x, uint64_t ts, uint32_t tid, uint32_t pid, uint32_t uid,
		     const char *comm, int64_t fd, int enter_only)
{
	struct evt_rec h;

	wr_hdr(&h, ts, tid, pid, uid, comm);
	h.flags = enter_only ? EVT_RF_ENTER_ONLY : 0;
	evt_builder_begin(&x->b, EVT_CLOSE, &h);
	evt_builder_add_s64(&x->b, fd);
	wr_finish(x);
}

static void wr_execve(struct wr *x, uint64_t ts, uint32_t tid, uint32_t pid, uint32_t uid,
		      const char *comm)
{
	struct evt_rec h;

	wr_hdr(&h, ts, tid, pid, uid, comm);
	evt_builder_begin(&x->b, EVT_EXECVE, &h);
	evt_builder_add_str(&x->b, "/usr/bin/again");
	evt_builder_add(&x->b, "again\0", 6);
	evt_builder_add_str(&x->b, "/usr/bin/again");
	evt_builder_add_str(&x->b, "/");
	evt_builder_add_u64(&x->b, 0);
	evt_builder_add_u64(&x->b, uid);
	evt_builder_add_u64(&x->b, uid);
	evt_builder_add_u64(&x->b, uid);
	evt_builder_add_u64(&x->b, uid);
	evt_builder_add(&x->b, NULL, 0);
	evt_builder_add_u64(&x->b, 0); /* flags */
	evt_builder_add_u64(&x->b, 0); /* cap_eff */
	wr_finish(x);
}

static int wr_open(struct wr *x, const char *path)
{
	memset(x, 0, sizeof(*x));
	sr_err_clear(&x->err);
	if (scap_writer_open(&x->w, path, NULL, 0, &x->err))
		return -1;
	evt_builder_init(&x->b);
	return 0;
}

static int wr_close_file(struct wr *x)
{
	evt_builder_free(&x->b);
	x->rc |= scap_writer_close(x->w, &x->err);
	return x->rc;
}

static void wr_snap_begin(struct wr *x, unsigned n)
{
	struct evt_rec h;

	wr_hdr(&h, 1, 1, 1, 0, "init");
	evt_builder_begin(&x->b, EVT_SNAP_BEGIN, &h);
	evt_builder_add_u64(&x->b, n);
	wr_finish(x);
}

static void wr_snap_end(struct wr *x, unsigned n)
{
	struct evt_rec h;

	wr_hdr(&h, 1, 1, 1, 0, "init");
	evt_builder_begin(&x->b, EVT_SNAP_END, &h);
	evt_builder_add_u64(&x->b, n);
	wr_finish(x);
}

/* Opens path with the thread limit (and pending-entry limit) given. */
static struct evt_source *open_with(const char *path, size_t thr_max, size_t pend_n)
{
	size_t save_t = scap_thr_max, save_n = scap_pend_max_entries;
	struct evt_source *src = NULL;
	struct sr_err err;

	scap_thr_max = thr_max;
	scap_pend_max_entries = pend_n;
	if (scap_source_open(path, &src, &err))
		src = NULL;
	scap_thr_max = save_t;
	scap_pend_max_entries = save_n;
	return src;
}

#define FRESH_TID 100000u

/* Two named threads from the process list keep busy (every other event)
 * while `fresh` threads each make one close(); with room for 64 threads. */
static int write_many_threads(const char *path, int fresh)
{
	struct wr x;
	uint64_t ts = 1000;

	if (wr_open(&x, path))
		return -1;
	wr_snap_begin(&x, 2);
	wr_thread(&x, 10, 10, 1010, "keep10");
	wr_thread(&x, 11, 10, 1011, "keep11"); /* a second thread of process 10 */
	wr_snap_end(&x, 2);
	for (int i = 0; i < fresh && !x.rc; i++) {
		uint32_t k = 10 + (uint32_t)(i & 1);

		/* the header says nothing the reader uses for a close: comm, uid
		 * and pid come from its thread table */
		wr_close(&x, ts++, FRESH_TID + (uint32_t)i, FRESH_TID + (uint32_t)i, 0, "", i, 0);
		wr_close(&x, ts++, k, 10, 0, "", 1000000 + i, 0);
	}
	return wr_close_file(&x);
}

struct thr_result {
	long closes, fresh, named, named_intact, fd_wrong, enter_only, out_of_order;
	long lost; /* table entries lookups cannot find */
	size_t thr_peak, thr_cap;
	uint64_t thr_evicted;
	long heap_growth;
	int rc;
};

/* Entries of the thread table a lookup would not find (0: consistent). */
static long thr_table_lost(struct scap_src *s)
{
	size_t used = 0;
	long lost = 0;

	for (size_t i = 0; i < s->thr_cap; i++) {
		uint32_t seen = s->thr[i].seen; /* a lookup refreshes it: keep the age */

		if (!s->thr[i].used)
			continue;
		used++;
		if (scap_thr_get(s, s->thr[i].tid, 0) != &s->thr[i])
			lost++;
		s->thr[i].seen = seen;
	}
	return lost + (used != s->thr_n);
}

static void read_many_threads(const char *path, size_t thr_max, int fresh, struct thr_result *res)
{
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	uint64_t last_ts = 0;
	size_t heap0 = heap_in_use();

	memset(res, 0, sizeof(*res));
	res->heap_growth = -1;
	src = open_with(path, thr_max, SCAP_PEND_MAX_ENTRIES_DEFAULT);
	if (!src) {
		res->rc = -1;
		return;
	}
	while ((res->rc = src->ops->next(src, &ev, &err)) == 1) {
		const struct evt_rec *r = ev.rec;
		int64_t fd;

		if (heap0) {
			long g = (long)heap_in_use() - (long)heap0;
			if (g > res->heap_growth)
				res->heap_growth = g;
		}
		/* between evictions too, every entry stays reachable */
		if (thr_max < 1000 && res->closes % 7 == 0)
			res->lost += thr_table_lost((struct scap_src *)src);
		if (r->type != EVT_CLOSE)
			continue;
		res->closes++;
		if (r->ts < last_ts)
			res->out_of_order++;
		last_ts = r->ts;
		if (r->flags & EVT_RF_ENTER_ONLY)
			res->enter_only++;
		fd = evt_param_s64(&ev, 0);
		if (r->tid >= FRESH_TID) {
			res->fresh++;
			if (fd != (int64_t)(r->tid - FRESH_TID))
				res->fd_wrong++;
		} else {
			char want[16];

			res->named++;
			snprintf(want, sizeof(want), "keep%u", r->tid);
			if (fd < 1000000 || fd >= 1000000 + fresh)
				res->fd_wrong++;
			if (strcmp(r->comm, want) == 0 && r->pid == 10 && r->uid == 1000 + r->tid)
				res->named_intact++;
		}
	}
	{
		struct scap_src *s = (struct scap_src *)src;

		res->thr_peak = s->thr_peak;
		res->thr_cap = s->thr_cap;
		res->thr_evicted = s->thr_evicted;
		res->lost += thr_table_lost(s);
	}
	src->ops->close(src);
}

TEST(thread_table_capped_nothing_lost)
{
	char path[256];
	struct thr_result r, big;
	const int fresh = 20000;

	tmp_path(path, sizeof(path), "threads.scap");
	CHECK_EQ_INT(write_many_threads(path, fresh), 0);
	read_many_threads(path, 64, fresh, &r);
	CHECK_EQ_INT(r.rc, 0);
	/* every syscall delivered, in order, merged with its own enter */
	CHECK_EQ_INT(r.closes, 2 * fresh);
	CHECK_EQ_INT(r.fresh, fresh);
	CHECK_EQ_INT(r.named, fresh);
	CHECK_EQ_INT(r.out_of_order, 0);
	CHECK_EQ_INT(r.enter_only, 0);
	CHECK_EQ_INT(r.fd_wrong, 0);
	/* the busy threads were never the least recently seen: intact */
	CHECK_EQ_INT(r.named_intact, fresh);
	/* bounded: 64 threads in at most 128 slots; the rest forgotten */
	CHECK(r.thr_peak <= 64);
	CHECK(r.thr_cap <= 128);
	CHECK(r.thr_evicted >= (uint64_t)(fresh - 64));
	CHECK_EQ_INT(r.lost, 0);
	/* the default limit holds them all: the same records, a far bigger table */
	read_many_threads(path, SCAP_THR_MAX_DEFAULT, fresh, &big);
	CHECK_EQ_INT(big.rc, 0);
	CHECK_EQ_INT(big.closes, 2 * fresh);
	CHECK_EQ_INT(big.named_intact, fresh);
	CHECK_EQ_INT(big.fd_wrong, 0);
	CHECK_EQ_INT(big.thr_evicted, 0);
	CHECK(big.thr_peak >= (size_t)fresh);
	/* the allocator agrees: 20000 threads cost megabytes, 64 do not */
	printf("# heap growth: %ld bytes with 64 threads, %ld with %d\n", r.heap_growth,
	       big.heap_growth, fresh);
	if (r.heap_growth >= 0 && big.heap_growth >= 0) {
		CHECK(big.heap_growth > (long)(fresh * sizeof(struct scap_thr)));
		CHECK(r.heap_growth < big.heap_growth / 4);
		CHECK(r.heap_growth < (long)(1u << 20));
	} else {
		SKIP("mallinfo2 reports nothing");
	}
	unlink(path);
}

/* A forgotten thread's events still come through with what they carry; an
 * execve describes it again. */
TEST(evicted_thread_falls_back_to_event_fields)
{
	char path[256];
	struct wr x;
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	uint64_t ts = 1000;
	int rc, pass;

	tmp_path(path, sizeof(path), "victim.scap");
	CHECK_EQ_INT(wr_open(&x, path), 0);
	wr_snap_begin(&x, 1);
	wr_thread(&x, 50, 49, 1234, "victim");
	wr_snap_end(&x, 1);
	wr_close(&x, ts++, 50, 49, 0, "", 3, 0);
	for (uint32_t i = 0; i < 500; i++)
		wr_close(&x, ts++, FRESH_TID + i, FRESH_TID + i, 0, "", 4, 0);
	wr_close(&x, ts++, 50, 49, 0, "", 5, 0);
	wr_execve(&x, ts++, 50, 49, 77, "again");
	wr_close(&x, ts++, 50, 49, 0, "", 6, 0);
	CHECK_EQ_INT(wr_close_file(&x), 0);
	/* pass 0: room for all (control); pass 1: 16 threads, victim forgotten */
	for (pass = 0; pass < 2; pass++) {
		int seen3 = 0, seen5 = 0, seen6 = 0;

		src = open_with(path, pass ? 16 : SCAP_THR_MAX_DEFAULT,
				SCAP_PEND_MAX_ENTRIES_DEFAULT);
		CHECK(src != NULL);
		if (!src)
			break;
		while ((rc = src->ops->next(src, &ev, &err)) == 1) {
			const struct evt_rec *r = ev.rec;
			int64_t fd;

			if (r->type != EVT_CLOSE || r->tid != 50)
				continue;
			fd = evt_param_s64(&ev, 0);
			if (fd == 3) {
				seen3 = 1;
				CHECK_STR(r->comm, "victim");
				CHECK_EQ_INT(r->uid, 1234);
				CHECK_EQ_INT(r->pid, 49);
			} else if (fd == 5) {
				seen5 = 1;
				if (pass) {
					/* what is lost: comm, uid (unknown, not root) and
					 * the owning process */
					CHECK_STR(r->comm, "");
					CHECK_EQ_INT(r->uid, UINT32_MAX);
					CHECK_EQ_INT(r->pid, 50);
				} else {
					CHECK_STR(r->comm, "victim");
					CHECK_EQ_INT(r->uid, 1234);
					CHECK_EQ_INT(r->pid, 49);
				}
			} else if (fd == 6) {
				/* the execve exit named it again (the reader takes
				 * no uid from an execve: a clone's exit carries it) */
				seen6 = 1;
				CHECK_STR(r->comm, "again");
				CHECK_EQ_INT(r->pid, 49);
			}
		}
		CHECK_EQ_INT(rc, 0);
		CHECK(seen3 && seen5 && seen6);
		if (pass) {
			struct scap_src *s = (struct scap_src *)src;
			CHECK(s->thr_peak <= 16);
			CHECK(s->thr_evicted > 400);
		}
		src->ops->close(src);
	}
	unlink(path);
}

/* A thread whose enter waits for its exit is never forgotten: the exits find
 * their enters however many threads come between. */
TEST(waiting_enters_pin_their_threads)
{
	char path[256];
	struct wr x;
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	uint64_t ts = 1000;
	long merged = 0, alone = 0, closes = 0;
	int rc;

	tmp_path(path, sizeof(path), "pinned.scap");
	CHECK_EQ_INT(wr_open(&x, path), 0);
	for (uint32_t i = 0; i < 30; i++)
		wr_close(&x, ts++, 500 + i, 500 + i, 0, "", 500 + i, 1);
	for (uint32_t i = 0; i < 2000; i++)
		wr_close(&x, ts++, FRESH_TID + i, FRESH_TID + i, 0, "", 4, 0);
	CHECK_EQ_INT(wr_close_file(&x), 0);
	/* the 30 close exits, by hand (the writer writes whole syscalls) */
	{
		FILE *f = fopen(path, "ab");
		CHECK(f != NULL);
		for (int i = 0; f && i < 30; i++)
			CHECK_EQ_INT(put_close_event(f, ts + (uint64_t)i, 500 + (uint64_t)i, 1, 0),
				     0);
		if (f)
			fclose(f);
	}
	src = open_with(path, 64, SCAP_PEND_MAX_ENTRIES_DEFAULT);
	CHECK(src != NULL);
	if (!src)
		goto out;
	while ((rc = src->ops->next(src, &ev, &err)) == 1) {
		if (ev.rec->type != EVT_CLOSE)
			continue;
		closes++;
		if (ev.rec->tid < 500 || ev.rec->tid >= 530)
			continue;
		if (ev.rec->flags & EVT_RF_ENTER_ONLY)
			alone++;
		else if (evt_param_s64(&ev, 0) == (int64_t)ev.rec->tid)
			merged++;
	}
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(closes, 2000 + 30);
	CHECK_EQ_INT(merged, 30);
	CHECK_EQ_INT(alone, 0);
	{
		struct scap_src *s = (struct scap_src *)src;
		CHECK(s->thr_peak <= 64);
		CHECK(s->thr_evicted >= 2000 - 64);
	}
	src->ops->close(src);
out:
	unlink(path);
}

/* The pending limit never exceeds half the thread limit (the rest of the
 * table is what eviction works with). */
TEST(pending_limit_held_to_half_the_threads)
{
	char path[256];
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	long alone = 0;
	int rc;

	tmp_path(path, sizeof(path), "half.scap");
	CHECK_EQ_INT(write_enters(path, 1000, 10, 20), 0);
	src = open_with(path, 64, 1u << 20);
	CHECK(src != NULL);
	if (!src)
		goto out;
	CHECK_EQ_INT(((struct scap_src *)src)->pend.max_n, 32);
	while ((rc = src->ops->next(src, &ev, &err)) == 1)
		if (ev.rec->type == EVT_OPENAT && (ev.rec->flags & EVT_RF_ENTER_ONLY))
			alone++;
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(alone, 1000);
	CHECK(((struct scap_src *)src)->pend.peak_n <= 32);
	CHECK(((struct scap_src *)src)->thr_peak <= 64);
	src->ops->close(src);
out:
	unlink(path);
}

/* ---------- the pending queue's own bookkeeping ---------- */

/* 3000 threads enter close() at once, then all exit, then one thread makes
 * 5000 syscalls: the ring grows with the waiting enters (at most 4 entries
 * each) and shrinks back once they are gone. */
TEST(pending_queue_follows_live_entries)
{
	char path[256];
	struct wr x;
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	uint64_t ts = 1000;
	const uint32_t nthr = 3000;
	long merged = 0;
	int rc;

	tmp_path(path, sizeof(path), "ring.scap");
	CHECK_EQ_INT(wr_open(&x, path), 0);
	for (uint32_t i = 0; i < nthr; i++)
		wr_close(&x, ts++, 500 + i, 500 + i, 0, "", 500 + i, 1);
	CHECK_EQ_INT(wr_close_file(&x), 0);
	{
		FILE *f = fopen(path, "ab");
		CHECK(f != NULL);
		for (uint32_t i = 0; f && i < nthr + 5000; i++) {
			/* an exit for each waiting thread, then enter/exit pairs on tid 7 */
			int pair = i >= nthr;
			/* exit: the result; enter: the fd */
			for (int half = pair ? 0 : 1; half < 2; half++)
				CHECK_EQ_INT(put_close_event(f, ts++, pair ? 7 : 500 + (uint64_t)i,
							     half, half ? 0 : 3),
					     0);
		}
		if (f)
			fclose(f);
	}
	src = open_with(path, SCAP_THR_MAX_DEFAULT, SCAP_PEND_MAX_ENTRIES_DEFAULT);
	CHECK(src != NULL);
	if (!src)
		goto out;
	while ((rc = src->ops->next(src, &ev, &err)) == 1)
		if (ev.rec->type == EVT_CLOSE && !(ev.rec->flags & EVT_RF_ENTER_ONLY))
			merged++;
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(merged, nthr + 5000);
	{
		struct scap_pend *p = &((struct scap_src *)src)->pend;

		CHECK_EQ_INT(p->peak_n, nthr);
		/* grown only while a quarter of it was live */
		CHECK(p->peak_qcap >= nthr);
		CHECK(p->peak_qcap <= 4 * p->peak_n + 32);
		/* back to its smallest sizes once the burst is over */
		CHECK(p->cap <= 64);
		CHECK_EQ_INT(p->n, 0);
	}
	src->ops->close(src);
out:
	unlink(path);
}

/* Thread ids that differ only in their high bits (a file may carry any
 * 64-bit id) still spread over the table: no long probe runs to walk. */
TEST(high_bit_thread_ids_spread_over_the_table)
{
	char path[256];
	struct wr x;
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	const int n = 4096;
	long closes = 0;
	size_t run = 0, longest = 0;
	int rc;
	FILE *f;

	tmp_path(path, sizeof(path), "highbits.scap");
	CHECK_EQ_INT(wr_open(&x, path), 0);
	CHECK_EQ_INT(wr_close_file(&x), 0); /* header and lists only */
	f = fopen(path, "ab");
	CHECK(f != NULL);
	for (int i = 0; f && i < n; i++) {
		uint64_t tid = ((uint64_t)i << 40) | 5;
		CHECK_EQ_INT(put_close_event(f, 1000 + 2 * (uint64_t)i, tid, 0, i), 0);
		CHECK_EQ_INT(put_close_event(f, 1001 + 2 * (uint64_t)i, tid, 1, 0), 0);
	}
	if (f)
		fclose(f);
	src = open_with(path, SCAP_THR_MAX_DEFAULT, SCAP_PEND_MAX_ENTRIES_DEFAULT);
	CHECK(src != NULL);
	if (!src)
		goto out;
	while ((rc = src->ops->next(src, &ev, &err)) == 1)
		closes += ev.rec->type == EVT_CLOSE;
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(closes, n);
	{
		struct scap_src *s = (struct scap_src *)src;

		CHECK_EQ_INT(s->thr_n, (size_t)n);
		/* twice around: a run may wrap past the last slot */
		for (size_t i = 0; i < 2 * s->thr_cap; i++) {
			run = s->thr[i & (s->thr_cap - 1)].used ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
		/* half full with a good hash: runs of tens; one shared home: n */
		printf("# longest probe run: %zu of %d threads\n", longest, n);
		CHECK(longest < 100);
	}
	src->ops->close(src);
out:
	unlink(path);
}

/* A thread the capture never describes has an unknown parent ((uint32_t)-1,
 * sysdig's proc.ppid -1), not 0 (the kernel's); a listed one keeps its own. */
TEST(undescribed_thread_has_unknown_parent)
{
	char path[256];
	struct wr x;
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	int rc, seen_listed = 0, seen_fresh = 0;

	tmp_path(path, sizeof(path), "ppid.scap");
	CHECK_EQ_INT(wr_open(&x, path), 0);
	wr_snap_begin(&x, 1);
	wr_thread(&x, 50, 50, 1000, "listed");
	wr_snap_end(&x, 1);
	wr_close(&x, 1000, 50, 50, 0, "", 3, 0);
	wr_close(&x, 1001, FRESH_TID, FRESH_TID, 0, "", 4, 0);
	CHECK_EQ_INT(wr_close_file(&x), 0);
	src = open_with(path, SCAP_THR_MAX_DEFAULT, SCAP_PEND_MAX_ENTRIES_DEFAULT);
	CHECK(src != NULL);
	if (!src)
		goto out;
	while ((rc = src->ops->next(src, &ev, &err)) == 1) {
		if (ev.rec->type != EVT_CLOSE)
			continue;
		if (ev.rec->tid == 50) {
			seen_listed = 1;
			CHECK_EQ_INT(ev.rec->ppid, 1);
		} else if (ev.rec->tid == FRESH_TID) {
			seen_fresh = 1;
			CHECK_EQ_INT(ev.rec->ppid, UINT32_MAX);
		}
	}
	CHECK_EQ_INT(rc, 0);
	CHECK(seen_listed && seen_fresh);
	src->ops->close(src);
out:
	unlink(path);
}

/* Appends one old-style event block (SCAP_BT_EV: no parameter count, the
 * reader finds it from the lengths): scap type et, n u16 lengths, then
 * dlen bytes of data; evlen covers exactly those. */
static int put_v1_event(FILE *f, uint64_t ts, uint64_t tid, uint16_t et, const uint16_t *lens,
			unsigned n, const void *data, uint32_t dlen)
{
	uint8_t blk[128] = {0};
	uint32_t type = SCAP_BT_EV, evlen = SCAP_EVT_HDR_V1 + 2 * n + dlen;
	uint32_t tl = (12 + 2 + evlen + 3) & ~3u;
	size_t o = 8 + 2;

	if (tl > sizeof(blk))
		return -1;
	memcpy(blk, &type, 4);
	memcpy(blk + 4, &tl, 4);
	memcpy(blk + o, &ts, 8), o += 8;
	memcpy(blk + o, &tid, 8), o += 8;
	memcpy(blk + o, &evlen, 4), o += 4;
	memcpy(blk + o, &et, 2), o += 2;
	memcpy(blk + o, lens, 2 * n), o += 2 * n;
	memcpy(blk + o, data, dlen);
	memcpy(blk + tl - 4, &tl, 4);
	return fwrite(blk, tl, 1, f) == 1 ? 0 : -1;
}

/* Old event blocks carry no parameter count: the reader takes the largest
 * count (up to the table's) whose lengths fill the event exactly, fewer
 * parameters than the table lists included; lengths that fill it at no
 * count are damage, reported after the records before it. */
TEST(old_event_blocks_find_their_parameter_count)
{
	char path[256];
	struct wr x;
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	uint16_t l8 = 8, l4 = 4;
	int64_t fd = 7, res = 0;
	int rc, full = 0, bare = 0;
	FILE *f;

	tmp_path(path, sizeof(path), "v1.scap");
	CHECK_EQ_INT(wr_open(&x, path), 0);
	CHECK_EQ_INT(wr_close_file(&x), 0);
	f = fopen(path, "ab");
	CHECK(f != NULL);
	if (!f)
		goto out;
	/* close enter (fd) and exit (res), each with its one parameter */
	CHECK_EQ_INT(put_v1_event(f, 1000, 77, 4, &l8, 1, &fd, 8), 0);
	CHECK_EQ_INT(put_v1_event(f, 1010, 77, 5, &l8, 1, &res, 8), 0);
	/* a close exit with no parameter at all: no result */
	CHECK_EQ_INT(put_v1_event(f, 1020, 78, 5, NULL, 0, NULL, 0), 0);
	/* 8 data bytes but a length of 4: neither 1 nor 0 parameters fit */
	CHECK_EQ_INT(put_v1_event(f, 1030, 79, 5, &l4, 1, &res, 8), 0);
	fclose(f);
	src = open_with(path, SCAP_THR_MAX_DEFAULT, SCAP_PEND_MAX_ENTRIES_DEFAULT);
	CHECK(src != NULL);
	if (!src)
		goto out;
	sr_err_clear(&err);
	while ((rc = src->ops->next(src, &ev, &err)) == 1) {
		if (ev.rec->type != EVT_CLOSE)
			continue;
		if (ev.rec->tid == 77) {
			full = 1;
			CHECK_EQ_INT(evt_param_s64(&ev, 0), 7);
			CHECK_EQ_INT(ev.rec->latency, 10);
			CHECK(!(ev.rec->flags & EVT_RF_NORES));
		} else if (ev.rec->tid == 78) {
			bare = 1;
			CHECK(ev.rec->flags & EVT_RF_NORES);
		}
		CHECK(ev.rec->tid != 79);
	}
	CHECK(full && bare);
	CHECK_EQ_INT(rc, SR_ECORRUPT);
	CHECK(strstr(err.msg, "parameter lengths") != NULL);
	src->ops->close(src);
out:
	unlink(path);
}

/* An execve's shorter comm replaces the thread's whole comm: the bytes
 * after its NUL are zero in later records, not what the old name left. */
TEST(exec_comm_leaves_no_stale_bytes)
{
	static const char zero[EVT_COMM_LEN];
	char path[256];
	struct wr x;
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	int rc, seen = 0;

	tmp_path(path, sizeof(path), "comm.scap");
	CHECK_EQ_INT(wr_open(&x, path), 0);
	wr_snap_begin(&x, 1);
	wr_thread(&x, 60, 60, 0, "a-long-comm-nam");
	wr_snap_end(&x, 1);
	wr_execve(&x, 1000, 60, 60, 0, "sh");
	wr_close(&x, 1010, 60, 60, 0, "sh", 3, 0);
	CHECK_EQ_INT(wr_close_file(&x), 0);
	src = open_with(path, SCAP_THR_MAX_DEFAULT, SCAP_PEND_MAX_ENTRIES_DEFAULT);
	CHECK(src != NULL);
	if (!src)
		goto out;
	while ((rc = src->ops->next(src, &ev, &err)) == 1) {
		if (ev.rec->type != EVT_CLOSE || ev.rec->tid != 60)
			continue;
		seen = 1;
		CHECK_STR(ev.rec->comm, "sh");
		CHECK(memcmp(ev.rec->comm + 2, zero, EVT_COMM_LEN - 2) == 0);
	}
	CHECK_EQ_INT(rc, 0);
	CHECK(seen);
	src->ops->close(src);
out:
	unlink(path);
}
