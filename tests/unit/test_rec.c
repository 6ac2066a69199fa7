/* test_rec: the recorder's pure parts — syscall table, options, rotation,
 * linked from librecord.a (record/ without its main); rec_ring.c is built in
 * because the ring tests build its private structures. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../format/evt.h"
#include "../../format/evt_sysnr.h"
#include "../../format/fmt_reader.h"
#include "../../record/rec_cgroup.h"
#include "../../record/rec_config.h"
#include "../../record/rec_opts.h"
#include "../../record/rec_out.h"
#include "../../record/rec_procfs.h"
#include "../../record/rec_retain.h"
#include "../../record/rec_procfs_sock.h"
#include "../../record/rec_ring.c" /* its internals: struct rec_ring, rr_cpu */
#include "../../record/rec_sctab.h"
#include "../../record/rec_sync.h"
#include "../tap.h"

/* rec_ring.c is built in for its parsing of the kernel buffers; the unit
 * tests do not link libbpf, and no probe is loaded: stubs. */
struct perf_buffer *perf_buffer__new_raw(int map_fd, size_t page_cnt, struct perf_event_attr *attr,
					 perf_buffer_event_fn event_cb, void *ctx,
					 const struct perf_buffer_raw_opts *opts)
{
	(void)map_fd, (void)page_cnt, (void)attr, (void)event_cb, (void)ctx, (void)opts;
	return NULL;
}
size_t perf_buffer__buffer_cnt(const struct perf_buffer *pb)
{
	(void)pb;
	return 0;
}
int perf_buffer__epoll_fd(const struct perf_buffer *pb)
{
	(void)pb;
	return -1;
}
int perf_buffer__buffer(struct perf_buffer *pb, int buf_idx, void **buf, size_t *buf_size)
{
	(void)pb, (void)buf_idx, (void)buf, (void)buf_size;
	return -1;
}
void perf_buffer__free(struct perf_buffer *pb)
{
	(void)pb;
}
int rec_probe_flush(struct rec_probe *p)
{
	(void)p;
	return 0;
}
int rec_probe_events_fd(const struct rec_probe *p)
{
	(void)p;
	return -1;
}

TEST(sctab_names)
{
	CHECK_EQ_INT(evt_sysnr_by_name("read"), 0);
	CHECK_EQ_INT(evt_sysnr_by_name("execve"), 59);
	CHECK_EQ_INT(evt_sysnr_by_name("openat"), 257);
	CHECK_EQ_INT(evt_sysnr_by_name("openat2"), 437);
	CHECK_EQ_INT(evt_sysnr_by_name("nosuchcall"), -1);
	CHECK_STR(evt_sysnr_name(231), "exit_group");
	CHECK(evt_sysnr_name(100000) == NULL);
}

TEST(sctab_default_types)
{
	uint8_t t[PRB_SC_MAX];

	rec_sc_table_all(t);
	CHECK_EQ_INT(t[0], EVT_READ);
	CHECK_EQ_INT(t[17], EVT_PREAD64);
	CHECK_EQ_INT(t[257], EVT_OPENAT);
	CHECK_EQ_INT(t[59], EVT_EXECVE);
	CHECK_EQ_INT(t[60], EVT_EXIT);
	CHECK_EQ_INT(t[231], EVT_EXIT_GROUP);
	CHECK_EQ_INT(t[39], EVT_GENERIC); /* getpid: no decoder */
	CHECK_EQ_INT(t[335], 0);	  /* no syscall has this number */
}

/* Every syscall type of the schema must be reachable from a syscall name,
 * or its decoder in the probe is dead code and its events never appear. */
TEST(sctab_covers_schema)
{
	uint8_t t[PRB_SC_MAX];

	rec_sc_table_all(t);
	for (unsigned type = EVT_GENERIC + 1; type < EVT_PROC_FORK; type++) {
		const struct evt_info *in = evt_info_get(type);
		int found = 0;

		if (!in)
			continue;
		for (int nr = 0; nr < PRB_SC_MAX; nr++)
			found |= t[nr] == type;
		if (!found)
			printf("# no syscall records as '%s'\n", in->name);
		CHECK(found);
	}
}

TEST(sctab_parse)
{
	uint8_t t[PRB_SC_MAX];
	struct sr_err err;
	int n = 0;

	sr_err_clear(&err);
	CHECK_EQ_INT(rec_sc_table_parse("openat, execve,pread64", t, &err), 0);
	for (int i = 0; i < PRB_SC_MAX; i++)
		n += t[i] != 0;
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_INT(t[17], EVT_PREAD64);
	CHECK_EQ_INT(rec_sc_table_parse("openat,bogus", t, &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, "'bogus'") != NULL);
	CHECK_EQ_INT(rec_sc_table_parse(" , ", t, &err), SR_ESYNTAX);
}

static int parse(struct rec_opts *o, const char *line, struct sr_err *err)
{
	static char buf[512];
	static char *argv[32]; /* o->cmd points into it after return */
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *tok = strtok(buf, " "); tok && argc < 31; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	sr_err_clear(err);
	return rec_opts_parse(o, argc, argv, err);
}

TEST(opts_parse)
{
	struct rec_opts o;
	struct sr_err err;

	CHECK_EQ_INT(
	    parse(&o, "sysrec -w f.sysrec -M 90s -C 5 -G 1m -W 3 -s 0 -n 10 -q -- ls -l", &err), 0);
	CHECK_STR(o.path, "f.sysrec");
	CHECK(o.max_ns == 90ull * 1000000000ull);
	CHECK(o.rot_bytes == 5000000ull);
	CHECK(o.rot_ns == 60ull * 1000000000ull);
	CHECK_EQ_INT((int)o.ring_count, 3);
	CHECK_EQ_INT((int)o.snaplen, 0);
	CHECK(o.max_events == 10);
	CHECK(o.quiet);
	CHECK(o.cmd && !strcmp(o.cmd[0], "ls") && !strcmp(o.cmd[1], "-l") && !o.cmd[2]);
	/* the command's own options are not sysrec's */
	CHECK_EQ_INT(parse(&o, "sysrec -w f -- sh -c -q", &err), 0);
	CHECK(o.cmd && !strcmp(o.cmd[0], "sh") && !o.quiet);
	CHECK(!o.force);
	CHECK_EQ_INT(parse(&o, "sysrec --force -w f -M 1", &err), 0);
	CHECK(o.force && !o.cmd);
	CHECK_EQ_INT(parse(&o, "sysrec -w f -r a.yaml -r b.yaml --syscalls openat -p 42", &err), 0);
	CHECK_EQ_INT((int)o.nrules, 2);
	CHECK_EQ_INT(o.pid, 42);
	/* durations by default; --no-latency drops the sys_enter program */
	CHECK_EQ_INT(o.entry, PRB_ENTRY_SLOT);
	CHECK_EQ_INT(parse(&o, "sysrec -w f --no-latency", &err), 0);
	CHECK_EQ_INT(o.entry, PRB_ENTRY_NONE);
	CHECK_EQ_INT(parse(&o, "sysrec -w f --entry task", &err), 0);
	CHECK_EQ_INT(o.entry, PRB_ENTRY_TASK);
	CHECK_EQ_INT(o.transport, PRB_TR_RINGBUF);
	CHECK_EQ_INT(parse(&o, "sysrec -w f --transport perf", &err), 0);
	CHECK_EQ_INT(o.transport, PRB_TR_PERF);
}

TEST(opts_errors)
{
	struct rec_opts o;
	struct sr_err err;

	CHECK_EQ_INT(parse(&o, "sysrec -M 5", &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, "-w") != NULL);
	CHECK_EQ_INT(parse(&o, "sysrec -w f -W 3", &err), SR_ESYNTAX);
	CHECK_EQ_INT(parse(&o, "sysrec -w f -s 5000", &err), SR_ESYNTAX);
	CHECK_EQ_INT(parse(&o, "sysrec -w f -M soon", &err), SR_ESYNTAX);
	CHECK_EQ_INT(parse(&o, "sysrec -w f -p 1 -- ls", &err), SR_ESYNTAX);
	CHECK_EQ_INT(parse(&o, "sysrec -w f --buffer-pages 3", &err), SR_ESYNTAX);
	CHECK_EQ_INT(parse(&o, "sysrec -w f --bogus", &err), SR_ESYNTAX);
	CHECK_EQ_INT(parse(&o, "sysrec -w f --entry sometimes", &err), SR_ESYNTAX);
}

/* Only what follows "--" is a command: a stray argument is refused with a
 * hint, never run. */
TEST(opts_stray_arguments)
{
	struct rec_opts o;
	struct sr_err err;

	CHECK_EQ_INT(parse(&o, "sysrec -w f sh -c -q", &err), SR_ESYNTAX);
	CHECK(!o.cmd && strstr(err.msg, "after --") != NULL);
	/* a shell glob after -r: the second file is not a command */
	CHECK_EQ_INT(parse(&o, "sysrec -w x -r a.yaml b.yaml -M 3", &err), SR_ESYNTAX);
	CHECK(!o.cmd && strstr(err.msg, "'b.yaml'") && strstr(err.msg, "use -r for each"));
	/* sysdig's trailing filter */
	CHECK_EQ_INT(parse(&o, "sysrec -w cap proc.name=x", &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, "no event filter") && strstr(err.msg, "--comm"));
	CHECK_EQ_INT(parse(&o, "sysrec -w cap evt.type", &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, "no event filter") != NULL);
	CHECK_EQ_INT(parse(&o, "sysrec -w f --", &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, "COMMAND") != NULL);
	/* "--" as -w's value is a file name, not the separator */
	CHECK_EQ_INT(parse(&o, "sysrec -w -- ls", &err), SR_ESYNTAX);
	CHECK(!o.cmd);
}

/* A directory tree standing in for the cgroup2 mount. */
static uint64_t fake_cgroups(struct rec_cg *c, char *dir)
{
	char p[400];
	struct stat st;

	memset(c, 0, sizeof(*c));
	c->gen = 1;
	if (!mkdtemp(dir))
		return 0;
	snprintf(c->mnt, sizeof(c->mnt), "%s", dir);
	snprintf(p, sizeof(p), "%s/docker", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/docker/abc", dir);
	mkdir(p, 0755);
	return stat(p, &st) ? 0 : (uint64_t)st.st_ino;
}

static void rm_fake_cgroups(const char *dir)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/docker/abc", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/docker", dir);
	rmdir(p);
	rmdir(dir);
}

/* An id whose path could not be found (its process gone before the record
 * was read) is announced again on later records, at most 16 times, and
 * found then when a live process names it. */
TEST(cgroup_retry)
{
	char dir[] = "/tmp/test_rec_cg.XXXXXX";
	struct rec_cg c;
	uint64_t id = fake_cgroups(&c, dir), gone = 987654321ull;
	int n = 0;

	CHECK(id != 0);
	CHECK_EQ_INT(rec_cg_first(&c, gone), 1);
	CHECK(rec_cg_path(&c, gone, 0) == NULL);
	CHECK_EQ_INT(rec_cg_retry(&c, gone), 1);
	/* asked again, until the tries run out */
	while (rec_cg_first(&c, gone) && n < 100) {
		rec_cg_path(&c, gone, 0);
		n++;
	}
	CHECK(n >= 10 && n < 100);
	CHECK_EQ_INT(rec_cg_retry(&c, gone), 0);
	/* a resolved id is announced once, as before */
	CHECK(rec_cg_path(&c, id, 0) != NULL || c.walks);
	CHECK_EQ_INT(rec_cg_first(&c, id), 1);
	CHECK_EQ_INT(rec_cg_first(&c, id), 0);
	rec_cg_free(&c);
	rm_fake_cgroups(dir);
}

/* A path the probe reported when the cgroup was made names the id after
 * the cgroup is gone (no walk, no /proc), and replaces a missed lookup;
 * a path whose directory is another cgroup is not taken. */
TEST(cgroup_learned_from_probe)
{
	char dir[] = "/tmp/test_rec_cg.XXXXXX";
	struct rec_cg c;
	uint64_t id = fake_cgroups(&c, dir), gone = 987654321ull, missed = 987654322ull;
	const char *p;

	CHECK(id != 0);
	rec_cg_learn(&c, gone, "/libpod_parent/libpod-0123456789ab");
	p = rec_cg_path(&c, gone, 0);
	CHECK(p && !strcmp(p, "/libpod_parent/libpod-0123456789ab"));
	CHECK_EQ_INT(c.walks, 0);
	/* missed first, learned later: found, no more retries */
	CHECK(rec_cg_path(&c, missed, 0) == NULL);
	CHECK_EQ_INT(rec_cg_retry(&c, missed), 1);
	rec_cg_learn(&c, missed, "/machine.slice/libpod-fedcba987654.scope");
	p = rec_cg_path(&c, missed, 0);
	CHECK(p && !strcmp(p, "/machine.slice/libpod-fedcba987654.scope"));
	CHECK_EQ_INT(rec_cg_retry(&c, missed), 0);
	/* /docker/abc exists and is id: another id claiming it is refused */
	rec_cg_learn(&c, id + 1, "/docker/abc");
	CHECK_EQ_INT(rec_cg_first(&c, id + 1), 1);
	p = rec_cg_path(&c, id + 1, 0);
	CHECK(!p || strcmp(p, "/docker/abc"));
	/* a relative path or id 0 is no cgroup */
	rec_cg_learn(&c, 5, "docker/abc");
	rec_cg_learn(&c, 0, "/x");
	CHECK(rec_cg_path(&c, 5, 0) == NULL);
	rec_cg_free(&c);
	rm_fake_cgroups(dir);
}

TEST(cgroup_cache)
{
	char dir[] = "/tmp/test_rec_cg.XXXXXX";
	struct rec_cg c;
	uint64_t id = fake_cgroups(&c, dir);
	const char *p;

	CHECK(id != 0);
	/* pid 0: no /proc hint, found by walking the hierarchy */
	p = rec_cg_path(&c, id, 0);
	CHECK(p && !strcmp(p, "/docker/abc"));
	CHECK(c.walks == 1);
	p = rec_cg_path(&c, id, 0);
	CHECK(p && !strcmp(p, "/docker/abc"));
	CHECK(c.walks == 1); /* cached */
	/* an unknown id: NULL, and no second walk within a second */
	CHECK(rec_cg_path(&c, 987654321ull, 0) == NULL);
	CHECK(rec_cg_path(&c, 987654321ull, 0) == NULL);
	CHECK(c.walks == 1);
	/* announced once per file */
	CHECK_EQ_INT(rec_cg_first(&c, id), 1);
	CHECK_EQ_INT(rec_cg_first(&c, id), 0);
	CHECK_EQ_INT(rec_cg_first(&c, 0), 0);
	rec_cg_new_file(&c);
	CHECK_EQ_INT(rec_cg_first(&c, id), 1);
	/* many ids: the table grows and keeps them */
	for (uint64_t i = 1; i <= 2000; i++)
		rec_cg_first(&c, 1000000 + i);
	CHECK_EQ_INT(rec_cg_first(&c, 1000000 + 1234), 0);
	CHECK_EQ_INT(rec_cg_first(&c, id), 0);
	rec_cg_free(&c);
	rm_fake_cgroups(dir);
}

TEST(cgroupinfo_records)
{
	char dir[] = "/tmp/test_rec_cg.XXXXXX", path[300];
	struct fmt_writer_opts wo = {0};
	struct fmt_host_info host;
	struct rec_out o;
	struct rec_cg c;
	struct sr_err err;
	struct evt_builder b;
	struct evt_rec hdr = {0};
	struct fmt_reader *r;
	struct evt ev;
	const void *rec;
	size_t len;
	uint64_t id = fake_cgroups(&c, dir);
	int infos = 0, closes = 0, order_ok = 1;

	snprintf(path, sizeof(path), "%s/c.sysrec", dir);
	fmt_host_info_local(&host);
	sr_err_clear(&err);
	evt_builder_init(&b);
	CHECK_EQ_INT(rec_out_open(&o, path, &host, &wo, NULL, &err), 0);
	o.cg = &c;
	for (int i = 0; i < 3; i++) {
		hdr.ts = host.start_ns + (uint64_t)i;
		hdr.pid = hdr.tid = 4242;
		hdr.cgroup_id = i == 1 ? 0 : id; /* 0: no cgroup, nothing to say */
		evt_builder_begin(&b, EVT_CLOSE, &hdr);
		evt_builder_add_s64(&b, i);
		rec = evt_builder_finish(&b, &len);
		CHECK_EQ_INT(rec_out_append(&o, rec, len, &err), 0);
	}
	CHECK_EQ_INT(rec_out_close(&o, &err), 0);
	CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
	while (r && fmt_reader_next(r, &ev, &err) == 1) {
		if (ev.rec->type == EVT_CGROUPINFO) {
			char s[64] = "";

			infos++;
			order_ok &= closes == 0; /* before the first record naming it */
			CHECK(evt_param_u64(&ev, 0) == id);
			CHECK(ev.rec->pid == 4242 && ev.rec->cgroup_id == id);
			if (ev.plen[1] < sizeof(s))
				memcpy(s, ev.p[1], ev.plen[1]);
			CHECK_STR(s, "/docker/abc");
		} else if (ev.rec->type == EVT_CLOSE) {
			closes++;
		}
	}
	if (r)
		fmt_reader_close(r);
	CHECK_EQ_INT(infos, 1);
	CHECK_EQ_INT(closes, 3);
	CHECK(order_ok);
	unlink(path);
	evt_builder_free(&b);
	rec_cg_free(&c);
	rm_fake_cgroups(dir);
}

TEST(rotated_names)
{
	char buf[256];
	uint64_t t = 1795960701ull * 1000000000ull; /* 2026-11-29T13:58:21Z */

	rec_out_rotated_name("cap.sysrec", t, buf, sizeof(buf));
	CHECK_STR(buf, "cap.20261129T135821Z.sysrec");
	rec_out_rotated_name("/tmp/x", t, buf, sizeof(buf));
	CHECK_STR(buf, "/tmp/x.20261129T135821Z.sysrec");
}

static size_t count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* -W 2: after three rotations one rotated file and the current one remain,
 * every one a valid capture. */
TEST(rotation_ring)
{
	char dir[] = "/tmp/test_rec.XXXXXX", path[300];
	struct fmt_writer_opts wo = {0};
	struct fmt_host_info host;
	struct rec_out o;
	struct sr_err err;
	struct evt_builder b;
	struct evt_rec hdr = {0};
	const void *rec;
	size_t len;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/r.sysrec", dir);
	fmt_host_info_local(&host);
	sr_err_clear(&err);
	evt_builder_init(&b);
	CHECK_EQ_INT(rec_out_open(&o, path, &host, &wo, &(struct rec_out_ring){.keep = 2}, &err),
		     0);
	for (int i = 0; i < 3; i++) {
		hdr.ts = host.start_ns + (uint64_t)i;
		evt_builder_begin(&b, EVT_CLOSE, &hdr);
		evt_builder_add_s64(&b, i);
		rec = evt_builder_finish(&b, &len);
		CHECK_EQ_INT(rec_out_append(&o, rec, len, &err), 0);
		CHECK_EQ_INT(rec_out_rotate(&o, &err), 0);
	}
	CHECK_EQ_INT((int)o.nrotated, 1);
	CHECK_EQ_INT(rec_out_close(&o, &err), 0);
	CHECK_EQ_INT((int)count_files(dir), 2);
	{
		struct fmt_reader *r;
		struct evt ev;
		char rot[4200];

		snprintf(rot, sizeof(rot), "%s", path);
		CHECK_EQ_INT(fmt_reader_open(&r, path, &err), 0);
		fmt_reader_close(r);
		/* the kept rotated file holds the third record */
		{
			DIR *d = opendir(dir);
			struct dirent *de;

			while (d && (de = readdir(d)))
				if (strncmp(de->d_name, "r.2", 3) == 0)
					snprintf(rot, sizeof(rot), "%s/%s", dir, de->d_name);
			if (d)
				closedir(d);
		}
		CHECK(strcmp(rot, path) != 0);
		CHECK_EQ_INT(fmt_reader_open(&r, rot, &err), 0);
		if (r) {
			int got = 0;

			while (fmt_reader_next(r, &ev, &err) == 1)
				if (ev.rec->type == EVT_CLOSE)
					got = (int)evt_param_s64(&ev, 0) + 1;
			CHECK_EQ_INT(got, 3);
			fmt_reader_close(r);
		}
		unlink(rot);
	}
	unlink(path);
	rmdir(dir);
	evt_builder_free(&b);
}

static void close_rec(struct rec_out *o, struct evt_builder *b, uint64_t ts, struct sr_err *err)
{
	struct evt_rec hdr = {0};
	const void *rec;
	size_t len;

	hdr.ts = ts;
	evt_builder_begin(b, EVT_CLOSE, &hdr);
	evt_builder_add_s64(b, 3);
	rec = evt_builder_finish(b, &len);
	CHECK_EQ_INT(rec_out_append(o, rec, len, err), 0);
}

static unsigned file_mode(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0 && S_ISREG(st.st_mode) ? (unsigned)(st.st_mode & 07777) : 0;
}

/* Links planted at the rotated names (one to a file, one dangling) are
 * neither written through nor replaced: the file takes the next free name.
 * Every file comes out 0600 under umask 0, and the totals after close are
 * the sizes on disk. */
TEST(rotation_planted_links)
{
	char dir[] = "/tmp/test_rec_link.XXXXXX", path[300], victim[300], name[4200];
	char base[4200], n1[4300], n2[4300];
	struct fmt_writer_opts wo = {.exclusive = 1};
	struct fmt_host_info host;
	struct rec_out o;
	struct sr_err err;
	struct evt_builder b;
	struct stat st;
	uint64_t sizes = 0;
	mode_t old;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/r.sysrec", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	f = fopen(victim, "w");
	if (f) {
		fputs("precious", f);
		fclose(f);
	}
	fmt_host_info_local(&host);
	sr_err_clear(&err);
	evt_builder_init(&b);
	old = umask(0);
	CHECK_EQ_INT(rec_out_open(&o, path, &host, &wo, NULL, &err), 0);
	rec_out_rotated_name(path, o.file_start_ns, name, sizeof(name));
	snprintf(base, sizeof(base), "%.*s", (int)(strlen(name) - 7), name);
	snprintf(n1, sizeof(n1), "%s-1.sysrec", base);
	snprintf(n2, sizeof(n2), "%s-2.sysrec", base);
	CHECK(symlink(victim, name) == 0);
	CHECK(symlink("/nonexistent/sysrec-test", n1) == 0);
	close_rec(&o, &b, host.start_ns, &err);
	CHECK_EQ_INT(rec_out_rotate(&o, &err), 0);
	close_rec(&o, &b, host.start_ns + 1, &err);
	CHECK_EQ_INT(rec_out_close(&o, &err), 0);
	umask(old);
	CHECK(lstat(name, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(lstat(n1, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK_EQ_INT(file_mode(n2), 0600);
	CHECK_EQ_INT(file_mode(path), 0600);
	f = fopen(victim, "r");
	if (f) {
		char buf[32] = "";

		CHECK(fgets(buf, sizeof(buf), f) && !strcmp(buf, "precious"));
		fclose(f);
	}
	if (stat(n2, &st) == 0)
		sizes += (uint64_t)st.st_size;
	if (stat(path, &st) == 0)
		sizes += (uint64_t)st.st_size;
	CHECK(o.done.bytes == sizes);
	CHECK(o.last_indexed);
	CHECK_EQ_INT((int)o.files, 2);
	unlink(name);
	unlink(n1);
	unlink(n2);
	unlink(path);
	unlink(victim);
	rmdir(dir);
	evt_builder_free(&b);
}

static int ring_count(void *ctx, void *rec, size_t len)
{
	(void)rec;
	(void)len;
	++*(int *)ctx;
	return 0;
}

/* One ringbuf sample (a batch) holding a good record, then one whose len
 * fits the batch but not the reader's stage: the first is handed over, the
 * second skipped and counted, nothing read or written out of bounds. */
TEST(ring_rb_bad_len)
{
	enum { SZ = 1 << 17 };
	struct rec_ring *r = calloc(1, sizeof(*r) + sizeof(struct rr_cpu));
	uint8_t *data = calloc(1, 2 * SZ);
	unsigned long cons = 0, prod;
	struct evt_rec *h;
	uint32_t dlen = 2 * EVT_REC_HDR + RR_REC_MAX + 8;
	int got = 0;

	CHECK(r && data);
	if (!r || !data)
		return;
	r->transport = PRB_TR_RINGBUF;
	r->n = 1;
	r->stage = malloc(RR_REC_MAX);
	r->cpu[0].cons_pos = &cons;
	r->cpu[0].prod_pos = &prod;
	r->cpu[0].data = data;
	r->cpu[0].size = SZ;
	r->cpu[0].mask = SZ - 1;
	memcpy(data, &dlen, 4);
	h = (struct evt_rec *)(data + RR_RB_HDR);
	h->len = EVT_REC_HDR;
	h->type = EVT_CLOSE;
	h = (struct evt_rec *)(data + RR_RB_HDR + EVT_REC_HDR);
	h->len = RR_REC_MAX + 8;
	h->ts = 1;
	prod = (RR_RB_HDR + dlen + 7) & ~7ul;
	CHECK_EQ_INT(rec_ring_drain(r, 1, ring_count, &got), 0);
	CHECK_EQ_INT(got, 1);
	CHECK_EQ_INT((int)rec_ring_bad(r), 1);
	CHECK(cons == prod);
	/* a sample claiming more than the producer committed */
	cons = 0;
	prod = RR_RB_HDR + EVT_REC_HDR;
	got = 0;
	CHECK_EQ_INT(rec_ring_drain(r, 1, ring_count, &got), 0);
	CHECK_EQ_INT(got, 0);
	CHECK_EQ_INT((int)rec_ring_bad(r), 2);
	free(data);
	free(r->stage);
	free(r);
}

/* perf: a sample whose size is not 8-aligned, or past the head, is bad */
TEST(ring_perf_bad_size)
{
	enum { SZ = 1 << 16 };
	struct rec_ring *r = calloc(1, sizeof(*r) + sizeof(struct rr_cpu));
	struct perf_event_mmap_page *meta = calloc(1, sizeof(*meta));
	uint8_t *data = calloc(1, SZ);
	struct perf_event_header eh = {.type = PERF_RECORD_SAMPLE};
	uint32_t raw = EVT_REC_HDR + 4;
	struct evt_rec *h;
	int got = 0;

	CHECK(r && meta && data);
	if (!r || !meta || !data)
		return;
	r->transport = PRB_TR_PERF;
	r->n = 1;
	r->stage = malloc(RR_REC_MAX);
	r->cpu[0].meta = meta;
	r->cpu[0].data = data;
	r->cpu[0].size = SZ;
	r->cpu[0].mask = SZ - 1;
	r->cpu[0].wrap = malloc(RR_REC_MAX);
	/* good sample: header, u32 raw size, record, padding to 8 */
	eh.size = (uint16_t)(sizeof(eh) + 4 + raw);
	memcpy(data, &eh, sizeof(eh));
	memcpy(data + sizeof(eh), &raw, 4);
	h = (struct evt_rec *)(data + sizeof(eh) + 4);
	h->len = EVT_REC_HDR;
	meta->data_head = eh.size;
	CHECK_EQ_INT(rec_ring_drain(r, 1, ring_count, &got), 0);
	CHECK_EQ_INT(got, 1);
	CHECK_EQ_INT((int)rec_ring_bad(r), 0);
	CHECK(meta->data_tail == meta->data_head);
	/* misaligned size */
	meta->data_tail = 0;
	eh.size -= 4;
	memcpy(data, &eh, sizeof(eh));
	got = 0;
	CHECK_EQ_INT(rec_ring_drain(r, 1, ring_count, &got), 0);
	CHECK_EQ_INT(got, 0);
	CHECK_EQ_INT((int)rec_ring_bad(r), 1);
	/* size past what the kernel says it wrote */
	meta->data_tail = 0;
	eh.size += 4;
	memcpy(data, &eh, sizeof(eh));
	meta->data_head = eh.size - 8;
	CHECK_EQ_INT(rec_ring_drain(r, 1, ring_count, &got), 0);
	CHECK_EQ_INT(got, 0);
	CHECK_EQ_INT((int)rec_ring_bad(r), 2);
	free(r->cpu[0].wrap);
	free(data);
	free(meta);
	free(r->stage);
	free(r);
}

struct ring_seen {
	int n;
	uint64_t ts[8];
};

static int ring_note(void *ctx, void *rec, size_t len)
{
	struct ring_seen *w = ctx;

	(void)len;
	if (w->n < 8)
		w->ts[w->n] = ((struct evt_rec *)rec)->ts;
	w->n++;
	return 0;
}

/* Two CPUs' batches merge into one stream in time order. */
TEST(ring_merge_order)
{
	enum { SZ = 1 << 12 };
	static const uint64_t ts[2][3] = {{1, 2, 5}, {3, 4, 6}};
	struct rec_ring *r = calloc(1, sizeof(*r) + 2 * sizeof(struct rr_cpu));
	uint8_t *data = calloc(2, 2 * SZ);
	unsigned long cons[2] = {0, 0}, prod[2];
	struct ring_seen w = {0};

	CHECK(r && data);
	if (!r || !data)
		return;
	r->transport = PRB_TR_RINGBUF;
	r->n = 2;
	r->stage = malloc(RR_REC_MAX);
	for (int c = 0; c < 2; c++) {
		uint8_t *d = data + (size_t)c * 2 * SZ;
		uint32_t dlen = 3 * EVT_REC_HDR;

		r->cpu[c].cons_pos = &cons[c];
		r->cpu[c].prod_pos = &prod[c];
		r->cpu[c].data = d;
		r->cpu[c].size = SZ;
		r->cpu[c].mask = SZ - 1;
		memcpy(d, &dlen, 4);
		for (int i = 0; i < 3; i++) {
			struct evt_rec *h = (struct evt_rec *)(d + RR_RB_HDR + i * EVT_REC_HDR);

			h->len = EVT_REC_HDR;
			h->ts = ts[c][i];
		}
		prod[c] = RR_RB_HDR + dlen;
	}
	CHECK_EQ_INT(rec_ring_drain(r, 1, ring_note, &w), 0);
	CHECK_EQ_INT(w.n, 6);
	for (int i = 0; i < 6 && i < w.n; i++)
		CHECK_EQ_INT((int)w.ts[i], i + 1);
	CHECK_EQ_INT((int)rec_ring_bad(r), 0);
	free(data);
	free(r->stage);
	free(r);
}

TEST(ring_member_names)
{
	CHECK(rec_retain_is_member("/d/cap.sysrec", "cap.20261129T134501Z.sysrec"));
	CHECK(rec_retain_is_member("/d/cap.sysrec", "cap.20261129T134501Z-12.sysrec"));
	CHECK(rec_retain_is_member("cap.bin", "cap.bin.20261129T134501Z.sysrec"));
	CHECK(!rec_retain_is_member("/d/cap.sysrec", "cap.sysrec"));
	CHECK(!rec_retain_is_member("/d/cap.sysrec", "cap.evidence.20261129T134501Z.sysrec"));
	CHECK(!rec_retain_is_member("/d/cap.sysrec", "cap.20261129T134501Z-.sysrec"));
	CHECK(!rec_retain_is_member("/d/cap.sysrec", "cap.20261129X134501Z.sysrec"));
	CHECK(!rec_retain_is_member("/d/cap.sysrec", "cap.20261129T134501Z.sysrec.tmp"));
	CHECK(!rec_retain_is_member("/d/cap.sysrec", "capx.20261129T134501Z.sysrec"));
}

static void put_file(const char *dir, const char *name, size_t bytes, time_t mtime)
{
	char p[400];
	struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	for (size_t i = 0; i < bytes; i++)
		fputc('x', f);
	fclose(f);
	CHECK_EQ_INT(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static int exists_in(const char *dir, const char *name)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

/* A ring opened over an earlier run's set: the rotated files on disk count
 * against the limits, the left-over FILE is renamed into the set (not
 * replaced), the oldest go first by age and by bytes, and a file of
 * another name (evidence) is never touched. */
TEST(ring_continues_set_and_trims)
{
	char dir[] = "/tmp/test_rec_ret.XXXXXX", path[300];
	struct fmt_writer_opts wo = {.exclusive = 1};
	struct rec_out_ring ring = {.max_age_ns = 3600ull * 1000000000ull, .max_bytes = 5000};
	struct fmt_host_info host;
	struct rec_out o;
	struct sr_err err;
	time_t now = time(NULL);
	uint64_t files, bytes;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/cap.sysrec", dir);
	put_file(dir, "cap.20200101T000000Z.sysrec", 100, now - 7200); /* too old */
	put_file(dir, "cap.20200101T010000Z.sysrec", 2000, now - 600);
	put_file(dir, "cap.20200101T020000Z.sysrec", 2000, now - 300);
	put_file(dir, "cap.evidence.20200101T000000Z.sysrec", 100, now - 7200);
	put_file(dir, "cap.sysrec", 1500, now - 60); /* the previous run's FILE */
	fmt_host_info_local(&host);
	sr_err_clear(&err);
	CHECK_EQ_INT(rec_out_open(&o, path, &host, &wo, &ring, &err), 0);
	CHECK_EQ_INT((int)o.nrotated, 4);
	CHECK_EQ_INT((int)o.adopted, 1);
	rec_out_trim(&o, (uint64_t)now * 1000000000ull);
	/* age: the 2-hour-old file; bytes: 2000 + 2000 + 1500 + the new
	 * header > 5000, so the oldest remaining one too */
	CHECK(!exists_in(dir, "cap.20200101T000000Z.sysrec"));
	CHECK(!exists_in(dir, "cap.20200101T010000Z.sysrec"));
	CHECK(exists_in(dir, "cap.20200101T020000Z.sysrec"));
	CHECK(exists_in(dir, "cap.evidence.20200101T000000Z.sysrec"));
	CHECK_EQ_INT((int)o.nrotated, 2);
	CHECK_EQ_INT((int)o.deleted_files, 2);
	rec_out_ring_usage(&o, &files, &bytes);
	CHECK_EQ_INT((int)files, 3);
	CHECK(bytes > 3500 && bytes <= 5000);
	/* the adopted file kept its bytes under a rotated name */
	{
		struct stat st;

		CHECK(stat(o.rotated[1].name, &st) == 0 && st.st_size == 1500);
		CHECK(rec_retain_is_member(path, strrchr(o.rotated[1].name, '/') + 1));
	}
	CHECK_EQ_INT(rec_out_close(&o, &err), 0);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK_EQ_INT(system(cmd), 0);
	}
}
