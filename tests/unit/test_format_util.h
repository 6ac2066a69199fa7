/* test_format_util.h: helpers shared by the format unit tests (header only:
 * each tests/unit/test_*.c is its own program). */
#ifndef TEST_FORMAT_UTIL_H
#define TEST_FORMAT_UTIL_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/evt.h"
#include "format/fmt_reader.h"
#include "format/fmt_writer.h"

static char tfu_dir[256];

/* A fresh scratch folder per program, removed at exit. */
static __attribute__((unused)) void tfu_cleanup(void)
{
	char cmd[300];

	if (tfu_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tfu_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tfu_dir);
	}
}

static __attribute__((unused)) const char *tfu_path(const char *name)
{
	static char buf[4][512];
	static int k;
	char *p = buf[k++ & 3];

	if (!tfu_dir[0]) {
		snprintf(tfu_dir, sizeof(tfu_dir), "/tmp/sysrec-test.XXXXXX");
		if (!mkdtemp(tfu_dir)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(tfu_cleanup);
	}
	snprintf(p, 512, "%s/%s", tfu_dir, name);
	return p;
}

static __attribute__((unused)) uint8_t *tfu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static __attribute__((unused)) int tfu_write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(buf, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* A recorded list of records (their bytes), to compare what comes back. */
struct tfu_recs {
	uint8_t **rec;
	size_t *len;
	size_t n, cap;
};

static __attribute__((unused)) void tfu_recs_add(struct tfu_recs *rs, const void *rec, size_t len)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->rec = realloc(rs->rec, rs->cap * sizeof(*rs->rec));
		rs->len = realloc(rs->len, rs->cap * sizeof(*rs->len));
	}
	rs->rec[rs->n] = malloc(len);
	memcpy(rs->rec[rs->n], rec, len);
	rs->len[rs->n++] = len;
}

static __attribute__((unused)) void tfu_recs_free(struct tfu_recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->rec[i]);
	free(rs->rec);
	free(rs->len);
	memset(rs, 0, sizeof(*rs));
}

/* Builds a complete record of type: each parameter its schema declares,
 * numbers ts * 3 (+ the parameter's index), text and data the file name
 * (a type the schema lacks: one number and the name). */
static __attribute__((unused)) const void *tfu_simple(struct evt_builder *b, unsigned type,
						      uint64_t ts, uint32_t pid, size_t *len)
{
	const struct evt_info *info = evt_info_get(type);
	struct evt_rec h;
	char name[64];

	memset(&h, 0, sizeof(h));
	h.ts = ts;
	h.pid = h.tid = pid;
	h.res = (int64_t)(ts % 7) - 3;
	snprintf(h.comm, sizeof(h.comm), "proc%u", pid % 100);
	snprintf(name, sizeof(name), "/var/tmp/file-%llu", (unsigned long long)ts);
	evt_builder_begin(b, type, &h);
	if (!info) {
		evt_builder_add_u64(b, ts * 3);
		evt_builder_add_str(b, name);
	}
	for (unsigned i = 0; info && i < info->nparams; i++) {
		switch (info->params[i].type) {
		case PT_PATH:
		case PT_STR:
		case PT_BYTES:
		case PT_STRARRAY:
			evt_builder_add_str(b, name);
			break;
		case PT_SOCKADDR:
		case PT_SOCKTUPLE:
			evt_builder_add(b, NULL, 0); /* no address */
			break;
		default:
			evt_builder_add_u64(b, ts * 3 + i);
		}
	}
	return evt_builder_finish(b, len);
}

/* Writes n simple records with ts = t0 + i*step, in chunks of chunk_raw
 * bytes (0: default), with a one-record snapshot chunk before record i for
 * every i that is a multiple of snap_every (0: no snapshots). Every record
 * written is also kept in rs when given. */
static __attribute__((unused)) int tfu_make(const char *path, size_t n, uint64_t t0, uint64_t step,
					    size_t chunk_raw, size_t snap_every,
					    struct tfu_recs *rs)
{
	struct fmt_writer_opts o = {.chunk_raw = chunk_raw};
	struct fmt_writer *w;
	struct evt_builder b;
	struct sr_err err;
	int rc;

	evt_builder_init(&b);
	rc = fmt_writer_open(&w, path, NULL, &o, &err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		const void *rec;
		size_t len;
		unsigned type = (i % 5 == 0) ? EVT_OPENAT : (i % 5 == 1) ? EVT_CLOSE : EVT_READ;

		if (snap_every && i % snap_every == 0) {
			rc = fmt_writer_snapshot_begin(w, &err);
			rec = tfu_simple(&b, EVT_PROCINFO, t0 + i * step, 1, &len);
			if (!rc)
				rc = fmt_writer_append(w, rec, len, &err);
			if (rs && !rc)
				tfu_recs_add(rs, rec, len);
			if (!rc)
				rc = fmt_writer_snapshot_end(w, &err);
		}
		rec = tfu_simple(&b, type, t0 + i * step, 100 + (uint32_t)(i % 13), &len);
		if (!rc)
			rc = fmt_writer_append(w, rec, len, &err);
		if (rs && !rc)
			tfu_recs_add(rs, rec, len);
	}
	if (rc)
		fmt_writer_close(w, NULL);
	else
		rc = fmt_writer_close(w, &err);
	evt_builder_free(&b);
	return rc;
}

#endif
