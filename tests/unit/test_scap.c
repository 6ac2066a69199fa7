/* test_scap: the .scap reader and writer (format/scap_*). */
#include "tests/tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/sr_err.h"
#include "format/evt_snap.h"
#include "format/evt_source.h"
#include "scap/scap.h"
#include "scap/scap_int.h"

static const char *ref_dir(char *buf, size_t n)
{
	const char *r = getenv("REF");
	snprintf(buf, n, "%s/scap", r ? r : "../shared/reference");
	return buf;
}

/* Reads a whole source; returns records read, *rc the final status. */
static long read_all(const char *path, int *rc, struct sr_err *err, long *syscalls,
		     long *types_seen)
{
	struct evt_source *s;
	struct evt ev;
	long n = 0;
	int r;

	sr_err_clear(err);
	*syscalls = 0;
	if (types_seen)
		*types_seen = 0;
	r = scap_source_open(path, &s, err);
	if (r) {
		*rc = r;
		return -1;
	}
	while ((r = s->ops->next(s, &ev, err)) == 1) {
		const struct evt_info *i = evt_info_get(ev.rec->type);
		n++;
		if (i && i->category != EC_META && !(ev.rec->flags & EVT_RF_ENTER_ONLY))
			(*syscalls)++;
	}
	s->ops->close(s);
	*rc = r;
	return n;
}

TEST(table_matches_schema)
{
	CHECK_EQ_INT(scap_table_errors(), 0);
	/* every pair the writer uses has our type and an exit id */
	for (unsigned t = 1; t < EVT_TYPE_MAX; t++) {
		const struct scap_evdef *d = scap_evdef_for_type(t);
		if (d)
			CHECK_EQ_INT(d->our, t);
	}
	CHECK(scap_evdef_get(3) == scap_evdef_get(2)); /* open exit -> open */
	CHECK_STR(scap_evdef_get(307)->name, "openat");
}

TEST(flag_conversions_round_trip)
{
	uint64_t o = 0x2 | 0x100 | 0x1000; /* PPM: wronly, trunc, cloexec */
	uint64_t n = scap_conv_from_ppm(SV_OFLAGS, o);
	CHECK_EQ_INT(n, O_WRONLY | O_TRUNC | O_CLOEXEC);
	CHECK_EQ_INT(scap_conv_to_ppm(SV_OFLAGS, n), o);
	CHECK_EQ_INT(scap_conv_from_ppm(SV_OFLAGS, 1), O_RDONLY);
	CHECK_EQ_INT(scap_conv_to_ppm(SV_CLONE, scap_conv_from_ppm(SV_CLONE, 0x2000 | 0x8000)),
		     0x2000 | 0x8000);
	CHECK_EQ_INT(scap_conv_from_ppm(SV_FCNTL, 26), F_DUPFD_CLOEXEC);
	CHECK(evt_sysnr_by_name("openat") >= 0);
	CHECK_EQ_INT(scap_sc_to_nr(3), evt_sysnr_by_name("read"));
}

/* Writes a small capture: snapshot, then a few syscalls of several shapes. */
static int write_sample(const char *path, int events)
{
	struct scap_writer *w;
	struct evt_builder b;
	struct sr_err err;
	struct evt_rec h;
	struct fmt_host_info host;
	const void *r;
	size_t len;
	uint8_t tuple[13] = {2, 127, 0, 0, 1, 0x39, 0x30, 10, 0, 0, 2, 0x50, 0};
	int rc;

	memset(&host, 0, sizeof(host));
	snprintf(host.hostname, sizeof(host.hostname), "testhost");
	host.ncpus = 2;
	sr_err_clear(&err);
	if (scap_writer_open(&w, path, &host, 0, &err))
		return -1;
	evt_builder_init(&b);
	memset(&h, 0, sizeof(h));
	h.ts = 1000;
	h.pid = h.tid = 42;
	h.ppid = 1;
	h.uid = 1000;
	snprintf(h.comm, sizeof(h.comm), "demo");
	evt_builder_begin(&b, EVT_SNAP_BEGIN, &h);
	evt_builder_add_u64(&b, 1);
	r = evt_builder_finish(&b, &len);
	rc = scap_writer_append(w, r, len, &err);
	{
		struct evt_procinfo pi = {.exe = evt_str("demo"),
					  .exepath = evt_str("/usr/bin/demo"),
					  .args = {"-x\0", 3},
					  .cwd = evt_str("/tmp")};

		rc |= evt_build_procinfo(&b, &h, &pi);
	}
	r = evt_builder_finish(&b, &len);
	rc |= scap_writer_append(w, r, len, &err);
	evt_builder_begin(&b, EVT_FDINFO, &h);
	evt_builder_add_s64(&b, 3);
	evt_builder_add_u64(&b, FDT_FILE);
	evt_builder_add_str(&b, "/etc/passwd");
	evt_builder_add(&b, NULL, 0);
	evt_builder_add_u64(&b, O_RDONLY);
	evt_builder_add_u64(&b, 77);
	r = evt_builder_finish(&b, &len);
	rc |= scap_writer_append(w, r, len, &err);
	evt_builder_begin(&b, EVT_SNAP_END, &h);
	evt_builder_add_u64(&b, 1);
	r = evt_builder_finish(&b, &len);
	rc |= scap_writer_append(w, r, len, &err);
	for (int i = 0; i < events && !rc; i++) {
		h.ts = 2000 + 100 * (uint64_t)i;
		h.latency = 7;
		switch (i % 4) {
		case 0:
			h.res = 5;
			evt_builder_begin(&b, EVT_OPENAT, &h);
			evt_builder_add_s64(&b, -100);
			evt_builder_add_str(&b, "/etc/shadow");
			evt_builder_add_u64(&b, O_RDWR | O_CREAT);
			evt_builder_add_u64(&b, 0640);
			break;
		case 1:
			h.res = 0;
			evt_builder_begin(&b, EVT_CONNECT, &h);
			evt_builder_add_s64(&b, 5);
			evt_builder_add(&b, tuple, 1);
			evt_builder_add(&b, tuple, sizeof(tuple));
			break;
		case 2:
			h.res = 0;
			evt_builder_begin(&b, EVT_EXECVE, &h);
			evt_builder_add_str(&b, "/bin/ls");
			evt_builder_add(&b, "ls\0-l\0", 6);
			evt_builder_add_str(&b, "/bin/ls");
			evt_builder_add_str(&b, "/home");
			/* tty, loginuid, uid, gid, euid, env, flags, cap_eff */
			for (int k = 0; k < 5; k++)
				evt_builder_add_u64(&b, 0);
			evt_builder_add(&b, NULL, 0);
			evt_builder_add_u64(&b, 0);
			evt_builder_add_u64(&b, 0);
			break;
		default:
			h.res = 12;
			evt_builder_begin(&b, EVT_GENERIC, &h);
			evt_builder_add_s64(&b, evt_sysnr_by_name("getpid"));
			for (int k = 0; k < 6; k++) /* a0..a5 */
				evt_builder_add_u64(&b, 0);
			break;
		}
		r = evt_builder_finish(&b, &len);
		rc |= scap_writer_append(w, r, len, &err);
	}
	evt_builder_free(&b);
	rc |= scap_writer_close(w, &err);
	return rc;
}

TEST(writer_then_reader_round_trip)
{
	char path[] = "/tmp/test_scap_XXXXXX";
	int fd = mkstemp(path), rc, seen_open = 0, seen_exec = 0, seen_conn = 0, seen_gen = 0;
	int seen_proc = 0, seen_fd = 0;
	struct evt_source *s;
	struct sr_err err;
	struct evt ev;

	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ_INT(write_sample(path, 8), 0);
	CHECK_EQ_INT(scap_source_open(path, &s, &err), 0);
	if (!s) {
		unlink(path);
		return;
	}
	CHECK_STR(s->host.hostname, "testhost");
	while ((rc = s->ops->next(s, &ev, &err)) == 1) {
		const struct evt_rec *r = ev.rec;
		switch (r->type) {
		case EVT_PROCINFO:
			seen_proc++;
			CHECK_EQ_INT(r->pid, 42);
			/* PROCINFO args exclude argv[0], which travels in exe */
			CHECK_EQ_INT(ev.plen[2], 3);
			CHECK(memcmp(ev.p[2], "-x\0", 3) == 0);
			break;
		case EVT_FDINFO:
			seen_fd++;
			CHECK_EQ_INT(evt_param_s64(&ev, 0), 3);
			CHECK_EQ_INT(ev.plen[2], 11);
			CHECK_EQ_INT(evt_param_u64(&ev, 5), 77);
			break;
		case EVT_OPENAT:
			seen_open++;
			CHECK_EQ_INT(r->res, 5);
			CHECK_EQ_INT(r->latency, 7);
			CHECK_EQ_INT(evt_param_s64(&ev, 0), -100);
			CHECK_EQ_INT(ev.plen[1], 11);
			CHECK_EQ_INT(evt_param_u64(&ev, 2), O_RDWR | O_CREAT);
			CHECK_EQ_INT(evt_param_u64(&ev, 3), 0640);
			CHECK_STR(r->comm, "demo");
			CHECK_EQ_INT(r->uid, 1000);
			break;
		case EVT_CONNECT:
			seen_conn++;
			CHECK_EQ_INT(ev.plen[2], 13);
			CHECK(ev.plen[2] == 13 && ev.p[2][0] == 2 && ev.p[2][11] == 0x50);
			break;
		case EVT_EXECVE:
			seen_exec++;
			CHECK_EQ_INT(ev.plen[1], 6);
			CHECK(ev.plen[1] == 6 && memcmp(ev.p[1], "ls\0-l\0", 6) == 0);
			CHECK_EQ_INT(ev.plen[3], 5);
			break;
		case EVT_GENERIC:
			seen_gen++;
			CHECK_EQ_INT(evt_param_s64(&ev, 0), evt_sysnr_by_name("getpid"));
			/* scap's generic exit has no return value: it is lost */
			break;
		}
	}
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(seen_proc, 1);
	CHECK_EQ_INT(seen_fd, 1);
	CHECK_EQ_INT(seen_open, 2);
	CHECK_EQ_INT(seen_conn, 2);
	CHECK_EQ_INT(seen_exec, 2);
	CHECK_EQ_INT(seen_gen, 2);
	s->ops->close(s);
	unlink(path);
}

TEST(reference_captures_all_read)
{
	char dir[4096], path[8192];
	DIR *d = opendir(ref_dir(dir, sizeof(dir)));
	struct dirent *e;
	int files = 0;

	if (!d) {
		SKIP("reference captures absent ($REF/scap)");
		return;
	}
	while ((e = readdir(d))) {
		struct sr_err err;
		long sys, n;
		int rc;
		size_t l = strlen(e->d_name);

		if (l < 6 || strcmp(e->d_name + l - 5, ".scap"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = read_all(path, &rc, &err, &sys, NULL);
		files++;
		if (rc != 0)
			TAP_FAIL("%s: %s", e->d_name, err.msg);
		CHECK(n > 0);
		/* these two hold only internal events (sysdig shows 0 and 2 lines) */
		if (!strstr(e->d_name, "empty") && !strstr(e->d_name, "privileged") && sys == 0)
			TAP_FAIL("%s: no syscall records", e->d_name);
	}
	closedir(d);
	CHECK_EQ_INT(files, 17);
}

/* Truncated copies of a capture: every cut gives records, then one error naming
 * the block and its offset (or a clean end exactly at a block boundary). */
TEST(truncation_reports_block_and_offset)
{
	char path[] = "/tmp/test_scap_XXXXXX", cut[] = "/tmp/test_scap_cut_XXXXXX";
	int fd = mkstemp(path), cfd = mkstemp(cut), errors = 0;
	uint8_t buf[1 << 16];
	ssize_t n;

	CHECK(fd >= 0 && cfd >= 0);
	close(fd);
	CHECK_EQ_INT(write_sample(path, 40), 0);
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	CHECK(n > 1000);
	for (ssize_t at = 40; at < n; at += 97) {
		struct sr_err err;
		long sys;
		int rc;

		if (ftruncate(cfd, 0) || pwrite(cfd, buf, (size_t)at, 0) != at)
			break;
		read_all(cut, &rc, &err, &sys, NULL);
		if (rc < 0) {
			errors++;
			CHECK(strstr(err.msg, "block ") != NULL);
			CHECK(strstr(err.msg, "at byte ") != NULL);
		}
	}
	CHECK(errors > 5);
	close(cfd);
	unlink(cut);
	unlink(path);
}

TEST(gzip_damage_is_an_error_after_records)
{
	char path[] = "/tmp/test_scap_XXXXXX", gzp[] = "/tmp/test_scap_gz_XXXXXX";
	int fd = mkstemp(path), gfd = mkstemp(gzp), rc;
	uint8_t buf[1 << 17];
	ssize_t n;
	gzFile g;
	struct sr_err err;
	long sys, recs;

	CHECK(fd >= 0 && gfd >= 0);
	close(fd);
	close(gfd);
	CHECK_EQ_INT(write_sample(path, 400), 0);
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	g = gzopen(gzp, "wb");
	gzwrite(g, buf, (unsigned)n);
	gzclose(g);
	/* intact gzip reads like the plain file */
	recs = read_all(gzp, &rc, &err, &sys, NULL);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(sys, 400);
	/* damage the compressed middle */
	fd = open(gzp, O_RDWR);
	n = read(fd, buf, sizeof(buf));
	for (ssize_t i = n / 2; i < n / 2 + 64 && i < n; i++)
		buf[i] ^= 0x5a;
	CHECK(pwrite(fd, buf, (size_t)n, 0) == n);
	close(fd);
	recs = read_all(gzp, &rc, &err, &sys, NULL);
	CHECK(rc < 0);
	CHECK(recs > 0);
	CHECK(sys < 400);
	unlink(path);
	unlink(gzp);
}

TEST(hostile_lengths_do_not_crash)
{
	char path[] = "/tmp/test_scap_XXXXXX";
	int fd = mkstemp(path), rc;
	uint8_t buf[1 << 16];
	ssize_t n;
	struct sr_err err;
	long sys;

	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ_INT(write_sample(path, 20), 0);
	fd = open(path, O_RDWR);
	n = read(fd, buf, sizeof(buf));
	/* a block claiming to be far larger than the file */
	{
		uint32_t big = 0x7ffffff0;
		memcpy(buf + n - 60, &big, 4);
	}
	CHECK(pwrite(fd, buf, (size_t)n, 0) == n);
	close(fd);
	read_all(path, &rc, &err, &sys, NULL);
	CHECK(rc < 0 || sys <= 20);
	/* not a capture at all */
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(write(fd, "hello world, not scap", 21) == 21);
	close(fd);
	CHECK(read_all(path, &rc, &err, &sys, NULL) < 0);
	CHECK(rc == SR_EFORMAT);
	unlink(path);
}

/* Socket fds of the snapshot: each inet tuple shape survives the fd list
 * (client and server sockets, IPv4 and IPv6; server sockets have no peer). */
TEST(fd_list_socket_tuples_round_trip)
{
	static const uint8_t v4[14] = {2, 10, 0, 0, 1, 0x39, 0x30, 10, 0, 0, 2, 0x50, 0, 6};
	static const uint8_t v4srv[14] = {2, 0, 0, 0, 0, 0x1f, 0x90, 0, 0, 0, 0, 0, 0, 17};
	uint8_t v6[38], v6srv[38];
	const uint8_t *want[4] = {v4, v4srv, v6, v6srv};
	const uint32_t wlen[4] = {14, 14, 38, 38};
	const unsigned ftype[4] = {FDT_IPV4, FDT_IPV4, FDT_IPV6, FDT_IPV6};
	char path[] = "/tmp/test_scap_XXXXXX";
	int fd = mkstemp(path), rc = 0, seen = 0;
	struct scap_writer *w;
	struct evt_builder b;
	struct evt_source *s;
	struct sr_err err;
	struct evt_rec h;
	struct evt ev;
	const void *r;
	size_t len;

	for (int i = 0; i < 38; i++) {
		v6[i] = (uint8_t)(i * 7 + 1);
		v6srv[i] = 0;
	}
	v6[0] = v6srv[0] = 10;
	v6[37] = 6;
	v6srv[17] = 0x22;
	v6srv[18] = 0x11;
	v6srv[37] = 6;
	CHECK(fd >= 0);
	close(fd);
	sr_err_clear(&err);
	CHECK_EQ_INT(scap_writer_open(&w, path, NULL, 0, &err), 0);
	if (!w)
		return;
	evt_builder_init(&b);
	memset(&h, 0, sizeof(h));
	h.ts = 1000;
	h.pid = h.tid = 42;
	evt_builder_begin(&b, EVT_SNAP_BEGIN, &h);
	evt_builder_add_u64(&b, 1);
	r = evt_builder_finish(&b, &len);
	rc |= scap_writer_append(w, r, len, &err);
	for (int i = 0; i < 4; i++) {
		evt_builder_begin(&b, EVT_FDINFO, &h);
		evt_builder_add_s64(&b, 10 + i);
		evt_builder_add_u64(&b, ftype[i]);
		evt_builder_add(&b, NULL, 0);
		evt_builder_add(&b, want[i], wlen[i]);
		evt_builder_add_u64(&b, 0);
		evt_builder_add_u64(&b, 0);
		r = evt_builder_finish(&b, &len);
		rc |= scap_writer_append(w, r, len, &err);
	}
	evt_builder_begin(&b, EVT_SNAP_END, &h);
	evt_builder_add_u64(&b, 1);
	r = evt_builder_finish(&b, &len);
	rc |= scap_writer_append(w, r, len, &err);
	evt_builder_free(&b);
	rc |= scap_writer_close(w, &err);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(scap_source_open(path, &s, &err), 0);
	if (!s) {
		unlink(path);
		return;
	}
	while (s->ops->next(s, &ev, &err) == 1) {
		int i;

		if (ev.rec->type != EVT_FDINFO)
			continue;
		i = (int)evt_param_s64(&ev, 0) - 10;
		CHECK(i >= 0 && i < 4);
		if (i < 0 || i >= 4)
			continue;
		seen++;
		CHECK_EQ_INT(evt_param_u64(&ev, 1), ftype[i]);
		CHECK_EQ_INT(ev.plen[3], wlen[i]);
		CHECK(ev.plen[3] == wlen[i] && memcmp(ev.p[3], want[i], wlen[i]) == 0);
	}
	CHECK_EQ_INT(seen, 4);
	s->ops->close(s);
	unlink(path);
}

/* set_header_types: every record still comes, in the same order with the same
 * header; types outside the set come without parameters (generic records and
 * those the thread table reads keep theirs). */
TEST(header_types_keep_every_header)
{
	char dir[4096], path[8192];
	struct evt_source *a = NULL, *b = NULL;
	struct sr_err err;
	struct evt ea, eb;
	uint8_t set[32] = {0};
	long n = 0, bare = 0, differ = 0;
	int ra, rb;

	snprintf(path, sizeof(path), "%s/sysdiginspect_502Error.scap", ref_dir(dir, sizeof(dir)));
	if (access(path, R_OK)) {
		SKIP("reference capture absent ($REF/scap)");
		return;
	}
	set[EVT_OPENAT >> 3] |= (uint8_t)(1u << (EVT_OPENAT & 7));
	set[EVT_OPEN >> 3] |= (uint8_t)(1u << (EVT_OPEN & 7));
	CHECK_EQ_INT(scap_source_open(path, &a, &err), 0);
	CHECK_EQ_INT(scap_source_open(path, &b, &err), 0);
	if (!a || !b)
		return;
	CHECK(b->ops->set_header_types != NULL);
	if (b->ops->set_header_types)
		b->ops->set_header_types(b, set);
	for (;;) {
		ra = a->ops->next(a, &ea, &err);
		rb = b->ops->next(b, &eb, &err);
		if (ra != 1 || rb != 1)
			break;
		n++;
		if (ea.rec->type != eb.rec->type || ea.rec->ts != eb.rec->ts ||
		    ea.rec->tid != eb.rec->tid || ea.rec->pid != eb.rec->pid ||
		    ea.rec->ppid != eb.rec->ppid || ea.rec->uid != eb.rec->uid ||
		    memcmp(ea.rec->comm, eb.rec->comm, EVT_COMM_LEN) != 0)
			differ++;
		if (ea.rec->type == EVT_OPEN || ea.rec->type == EVT_OPENAT)
			CHECK_EQ_INT(eb.nparams, ea.nparams);
		else if (eb.nparams == 0 && ea.nparams > 0)
			bare++;
	}
	CHECK_EQ_INT(ra, 0);
	CHECK_EQ_INT(rb, 0);
	CHECK(n > 4000);
	CHECK_EQ_INT(differ, 0);
	CHECK(bare > n / 2);
	a->ops->close(a);
	b->ops->close(b);
}
