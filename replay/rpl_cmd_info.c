/* sysreplay info: what a capture holds, from its header and index.
 *
 * .sysrec files are described from the header and index alone (no chunk is
 * decompressed), so info is instant on any size. .scap files have no index:
 * their counts come from reading every event.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rpl.h"
#include "format/evt_print.h"
#include "format/fmt_reader.h"

struct info {
	const char *path;
	const char *format; /* "sysrec" or "scap" */
	char version[16];
	const struct fmt_host_info *host;
	int complete, damaged;
	/* the last chunk was cut short (writer stopped mid-write): not damage,
	 * the events before it read cleanly; damage_* then say where the cut is */
	int truncated;
	uint64_t damage_chunk, damage_offset;
	char index_note[160]; /* why the trailer/index was not used ("" when it was) */
	char damage_msg[sizeof(((struct sr_err *)0)->msg)];
	uint64_t bytes, raw_bytes, chunks, snap_chunks, events;
	uint64_t first_ts, last_ts, drops_ring, drops_backlog;
};

static const char *status_text(const struct info *i)
{
	if (i->damaged)
		return "damaged";
	return i->complete ? "complete" : "recovered";
}

/* The status line: what a reader gets from this file, and why. */
static void print_status(const struct info *i)
{
	printf("  %-12s %s", "status", status_text(i));
	if (i->damaged) {
		printf(": %s; reading stops there, every event before it is readable\n",
		       i->damage_msg);
		return;
	}
	if (i->complete) {
		printf(": trailer and index valid\n");
		return;
	}
	printf(": %s; index rebuilt by scanning %" PRIu64 " chunks\n",
	       i->index_note[0] ? i->index_note : "no usable trailer", i->chunks);
	if (i->truncated)
		printf("  %-12s yes: %s (recorder stopped mid-write; that chunk's events are "
		       "lost)\n",
		       "truncated", i->damage_msg);
}

static void print_time(const char *label, uint64_t ns)
{
	char b[40];

	if (!ns) {
		printf("  %-12s -\n", label);
		return;
	}
	sr_time_format_rfc3339(ns, b, sizeof(b));
	printf("  %-12s %s\n", label, b);
}

static void print_text(const struct info *i)
{
	const struct fmt_host_info *h = i->host;
	char a[32], b[32], span[32], first[40], last[40];

	printf("%s\n", i->path);
	printf("  %-12s %s %s, %s%s\n", "format", i->format, i->version, status_text(i),
	       i->truncated ? " (truncated)" : "");
	print_status(i);
	if (h) {
		printf("  %-12s %s", "host", h->hostname[0] ? h->hostname : "-");
		if (h->kernel[0])
			printf(", Linux %s", h->kernel);
		if (h->machine[0])
			printf(" %s", h->machine);
		if (h->ncpus)
			printf(", %u CPUs", h->ncpus);
		printf("\n");
		if (h->recorder[0])
			printf("  %-12s %s\n", "recorder", h->recorder);
		if (h->options[0])
			printf("  %-12s %s\n", "options", h->options);
		if (h->source[0])
			printf("  %-12s %s\n", "source", h->source);
		if (h->snaplen)
			printf("  %-12s %u bytes\n", "snaplen", h->snaplen);
		if (h->boot_ns)
			print_time("boot time", h->boot_ns);
		if (h->start_ns)
			print_time("started", h->start_ns);
	}
	if (i->first_ts) {
		sr_time_format_rfc3339(i->first_ts, first, sizeof(first));
		sr_time_format_rfc3339(i->last_ts, last, sizeof(last));
		sr_duration_format(i->last_ts - i->first_ts, span, sizeof(span));
		printf("  %-12s %s .. %s (%s)\n", "time range", first, last, span);
	} else {
		printf("  %-12s -\n", "time range");
	}
	printf("  %-12s %" PRIu64, "events", i->events);
	if (i->chunks)
		printf(" in %" PRIu64 " chunks (%" PRIu64 " with snapshots)", i->chunks,
		       i->snap_chunks);
	printf("\n");
	printf("  %-12s %" PRIu64 " (ring full %" PRIu64 ", backlog %" PRIu64 ")\n", "drops",
	       i->drops_ring + i->drops_backlog, i->drops_ring, i->drops_backlog);
	rpl_fmt_bytes(i->bytes, a, sizeof(a));
	if (i->raw_bytes) {
		rpl_fmt_bytes(i->raw_bytes, b, sizeof(b));
		printf("  %-12s %s on disk, %s raw (%.1fx)\n", "size", a, b,
		       i->bytes ? (double)i->raw_bytes / (double)i->bytes : 0.0);
	} else {
		printf("  %-12s %s on disk\n", "size", a);
	}
}

static void json_u64(cJSON *o, const char *k, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	cJSON_AddRawToObject(o, k, b);
}

/* Text from the file (its name, the header's host metadata) as a JSON
 * string: cJSON would copy bytes that are not UTF-8 as they are and make
 * the line invalid JSON; evt_print_json_string escapes them. */
static void add_text(cJSON *o, const char *key, const char *s)
{
	size_t n = strlen(s), cap = 6 * n + 3;
	char *buf = malloc(cap);

	if (!buf)
		return;
	evt_print_json_string(s, n, 0, buf, cap);
	cJSON_AddRawToObject(o, key, buf);
	free(buf);
}

static void print_json(const struct info *i)
{
	cJSON *o = cJSON_CreateObject();
	const struct fmt_host_info *h = i->host;
	char t[40];
	char *s;

	if (!o)
		return;
	add_text(o, "file", i->path);
	cJSON_AddStringToObject(o, "format", i->format);
	cJSON_AddStringToObject(o, "format_version", i->version);
	cJSON_AddStringToObject(o, "status", status_text(i));
	cJSON_AddBoolToObject(o, "complete", i->complete && !i->damaged);
	cJSON_AddBoolToObject(o, "recovered", !i->complete && !i->damaged);
	cJSON_AddBoolToObject(o, "damaged", i->damaged);
	cJSON_AddBoolToObject(o, "truncated", i->truncated);
	if (!i->complete && i->index_note[0])
		add_text(o, "index_note", i->index_note);
	if (i->damaged || i->truncated) {
		cJSON *d = cJSON_AddObjectToObject(o, i->damaged ? "damage" : "truncation");

		json_u64(d, "chunk", i->damage_chunk);
		json_u64(d, "offset", i->damage_offset);
		add_text(d, "message", i->damage_msg);
	}
	if (h) {
		add_text(o, "hostname", h->hostname);
		add_text(o, "kernel", h->kernel);
		add_text(o, "machine", h->machine);
		add_text(o, "recorder", h->recorder);
		add_text(o, "options", h->options);
		add_text(o, "source", h->source);
		json_u64(o, "boot_ns", h->boot_ns);
		json_u64(o, "start_ns", h->start_ns);
		json_u64(o, "snaplen", h->snaplen);
		json_u64(o, "ncpus", h->ncpus);
	}
	json_u64(o, "events", i->events);
	json_u64(o, "chunks", i->chunks);
	json_u64(o, "snapshot_chunks", i->snap_chunks);
	json_u64(o, "first_ts", i->first_ts);
	json_u64(o, "last_ts", i->last_ts);
	sr_time_format_rfc3339(i->first_ts, t, sizeof(t));
	cJSON_AddStringToObject(o, "first_time", t);
	sr_time_format_rfc3339(i->last_ts, t, sizeof(t));
	cJSON_AddStringToObject(o, "last_time", t);
	json_u64(o, "bytes", i->bytes);
	json_u64(o, "raw_bytes", i->raw_bytes);
	json_u64(o, "drops", i->drops_ring + i->drops_backlog);
	json_u64(o, "drops_ring", i->drops_ring);
	json_u64(o, "drops_backlog", i->drops_backlog);
	s = cJSON_PrintUnformatted(o);
	if (s) {
		puts(s);
		free(s);
	}
	cJSON_Delete(o);
}

static int info_sysrec(const char *path, int json)
{
	struct fmt_reader *r;
	struct sr_err err;
	struct info i;
	const struct fmt_file_info *fi;

	sr_err_clear(&err);
	if (fmt_reader_open(&r, path, &err))
		return rpl_fail_err(path, &err);
	fi = fmt_reader_info(r);
	memset(&i, 0, sizeof(i));
	i.path = path;
	i.format = "sysrec";
	snprintf(i.version, sizeof(i.version), "%u.%u", fi->major, fi->minor);
	i.host = fmt_reader_host(r);
	i.complete = fi->complete;
	i.damaged = fi->damaged;
	i.truncated = fi->truncated;
	snprintf(i.index_note, sizeof(i.index_note), "%s", fmt_reader_index_note(r));
	i.damage_chunk = fi->damage_chunk;
	i.damage_offset = fi->damage_offset;
	snprintf(i.damage_msg, sizeof(i.damage_msg), "%s", fi->damage_msg);
	i.bytes = fi->file_bytes;
	i.raw_bytes = fi->raw_bytes;
	i.chunks = fi->chunks;
	i.events = fi->events;
	i.first_ts = fi->first_ts;
	i.last_ts = fi->last_ts;
	i.drops_ring = fi->drops_ring;
	i.drops_backlog = fi->drops_backlog;
	for (size_t c = 0; c < fmt_reader_chunk_count(r); c++) {
		const struct fmt_chunk_info *ci = fmt_reader_chunk(r, c);

		if (ci && fmt_chunk_is_snapshot(ci))
			i.snap_chunks++;
	}
	if (json)
		print_json(&i);
	else
		print_text(&i);
	fmt_reader_close(r);
	return 0;
}

static int info_other(const char *path, int json)
{
	struct evt_source *s;
	struct sr_err err;
	struct info i;
	struct stat stt;
	struct evt ev;
	int r;

	sr_err_clear(&err);
	if (evt_source_open(path, &s, &err))
		return rpl_fail_err(path, &err);
	memset(&i, 0, sizeof(i));
	i.path = path;
	i.format = s->kind == SRC_SCAP ? "scap" : "sysrec";
	snprintf(i.version, sizeof(i.version), "-");
	i.host = &s->host;
	while ((r = evt_source_next(s, &ev, &err)) == 1) {
		if (rpl_is_meta(&ev))
			continue;
		i.events++;
		if (!i.first_ts || ev.rec->ts < i.first_ts)
			i.first_ts = ev.rec->ts;
		if (ev.rec->ts > i.last_ts)
			i.last_ts = ev.rec->ts;
	}
	i.complete = r == 0;
	if (r < 0) {
		i.damaged = 1;
		i.damage_chunk = err.chunk >= 0 ? (uint64_t)err.chunk : 0;
		i.damage_offset = err.offset;
		snprintf(i.damage_msg, sizeof(i.damage_msg), "%s", err.msg);
	}
	if (!stat(path, &stt))
		i.bytes = (uint64_t)stt.st_size;
	if (json)
		print_json(&i);
	else
		print_text(&i);
	evt_source_close(s);
	return 0;
}

int rpl_cmd_info(int argc, char **argv)
{
	static const struct option lo[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	int json = 0, opt, rc = RPL_EXIT_OK;
	char **files;
	size_t n;
	struct sr_err err;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "j", lo, NULL)) != -1) {
		if (opt == 'j')
			json = 1;
		else
			return rpl_usage_error("info", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return rpl_usage_error("info", "no capture FILE given");
	sr_err_clear(&err);
	if (rpl_paths_expand(argv + optind, argc - optind, &files, &n, &err))
		return rpl_fail_err(NULL, &err);
	for (size_t f = 0; f < n; f++) {
		int k = rpl_sniff_sysrec(files[f], &err);

		if (!json && f)
			printf("\n");
		if (k < 0)
			rc = rpl_fail_err(NULL, &err);
		else if ((k ? info_sysrec : info_other)(files[f], json))
			rc = RPL_EXIT_BAD;
	}
	rpl_paths_free(files, n);
	return rc;
}
