/* sysreplay info: what a capture holds, from its header and index.
 *
 * .sysrec files are described from the header and index (only chunks that
 * mix events with state records are decompressed, to count them apart), so
 * info is quick on any size. .scap files have no index: their counts come
 * from reading every event.
 *
 * Events are what `events` lists (and `events -c` counts); state records
 * (process/fd snapshots, cgroup and drop notes) are counted apart. The time
 * range is that of the events; the first snapshot's time is its own line.
 *
 * 2.1 files: the checkpoint chunks give the signature state (no event
 * chunk is decompressed for it); the SHA-256 of the whole file (the
 * hand-over hash) reads it once.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rpl.h"
#include "scap/scap.h"
#include "format/evt_print.h"
#include "format/fmt_reader.h"
#include "format/fmt_seal.h"

struct info {
	const char *path;
	const char *format; /* "sysrec" or "scap" */
	char version[16];
	const struct fmt_host_info *host;
	int complete, damaged;
	int scap; /* no index nor checksums: "complete" only means read to the end */
	/* the last chunk was cut short (writer stopped mid-write): not damage,
	 * the events before it read cleanly; damage_* then say where the cut is */
	int truncated;
	uint64_t damage_chunk, damage_offset;
	char index_note[160]; /* why the trailer/index was not used ("" when it was) */
	char damage_msg[sizeof(((struct sr_err *)0)->msg)];
	uint64_t bytes, raw_bytes, chunks, snap_chunks, events, records;
	uint64_t first_ts, last_ts, snap_ts, drops_ring, drops_backlog;
	char sha256[65]; /* of the whole file, "" when unread */
	int have_seal;
	struct fmt_seal_glance seal;
};

/* The integrity line: what protects the file and what its checkpoints say. */
static void print_seal(const struct info *i)
{
	const struct fmt_seal_glance *g = &i->seal;

	if (i->sha256[0])
		printf("  %-12s %s\n", "sha256", i->sha256);
	if (!i->have_seal)
		return;
	if (!g->sealed) {
		printf("  %-12s CRC-32C and 64-bit hash chain (no cryptographic digest: format "
		       "before 2.1)\n",
		       "integrity");
		return;
	}
	printf("  %-12s SHA-256 digest chain (check it with sysreplay verify)\n", "integrity");
	if (!g->signed_file) {
		printf("  %-12s unsigned\n", "signature");
		return;
	}
	printf("  %-12s key id %s%s, %" PRIu64 " checkpoints (%" PRIu64
	       " with a bad signature), %s, unsigned tail %" PRIu64
	       " chunks; authenticity: sysreplay verify --key\n",
	       "signature", g->key_id, g->ratchet ? " (forward-secure)" : "", g->checkpoints,
	       g->bad_checkpoints,
	       g->final_seen ? "final checkpoint present" : "no final checkpoint", g->tail_chunks);
}

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
		printf(i->scap ? ": read to its end without error (a .scap file has no index or "
				 "checksums to check)\n"
			       : ": trailer and index valid\n");
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
	printf("  %-12s %" PRIu64 "\n", "events", i->events);
	printf("  %-12s %" PRIu64 " records (process/fd snapshots, cgroup and drop notes)\n",
	       "state", i->records - i->events);
	print_time("snapshot", i->snap_ts);
	if (i->chunks)
		printf("  %-12s %" PRIu64 " (%" PRIu64 " with snapshots)\n", "chunks", i->chunks,
		       i->snap_chunks);
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
	print_seal(i);
}

static void print_json(const struct info *i)
{
	cJSON *o = cJSON_CreateObject();
	const struct fmt_host_info *h = i->host;

	if (!o)
		return;
	rpl_json_add_text(o, "file", i->path);
	cJSON_AddStringToObject(o, "format", i->format);
	cJSON_AddStringToObject(o, "format_version", i->version);
	cJSON_AddStringToObject(o, "status", status_text(i));
	cJSON_AddBoolToObject(o, "complete", i->complete && !i->damaged);
	cJSON_AddBoolToObject(o, "recovered", !i->complete && !i->damaged);
	cJSON_AddBoolToObject(o, "damaged", i->damaged);
	cJSON_AddBoolToObject(o, "truncated", i->truncated);
	if (!i->complete && i->index_note[0])
		rpl_json_add_text(o, "index_note", i->index_note);
	if (i->damaged || i->truncated) {
		cJSON *d = cJSON_AddObjectToObject(o, i->damaged ? "damage" : "truncation");

		rpl_json_add_u64(d, "chunk", i->damage_chunk);
		rpl_json_add_u64(d, "offset", i->damage_offset);
		rpl_json_add_text(d, "message", i->damage_msg);
	}
	if (h) {
		rpl_json_add_text(o, "hostname", h->hostname);
		rpl_json_add_text(o, "kernel", h->kernel);
		rpl_json_add_text(o, "machine", h->machine);
		rpl_json_add_text(o, "recorder", h->recorder);
		rpl_json_add_text(o, "options", h->options);
		rpl_json_add_text(o, "source", h->source);
		rpl_json_add_time(o, "boot_ns", "boot_time", h->boot_ns);
		rpl_json_add_time(o, "start_ns", "start_time", h->start_ns);
		rpl_json_add_u64(o, "snaplen", h->snaplen);
		rpl_json_add_u64(o, "ncpus", h->ncpus);
	}
	rpl_json_add_u64(o, "events", i->events);
	rpl_json_add_u64(o, "state_records", i->records - i->events);
	rpl_json_add_u64(o, "records", i->records);
	rpl_json_add_u64(o, "chunks", i->chunks);
	rpl_json_add_u64(o, "snapshot_chunks", i->snap_chunks);
	rpl_json_add_time(o, "first_ts", "first_time", i->first_ts);
	rpl_json_add_time(o, "last_ts", "last_time", i->last_ts);
	rpl_json_add_time(o, "snapshot_ts", "snapshot_time", i->snap_ts);
	rpl_json_add_u64(o, "bytes", i->bytes);
	rpl_json_add_u64(o, "raw_bytes", i->raw_bytes);
	rpl_json_add_u64(o, "drops", i->drops_ring + i->drops_backlog);
	rpl_json_add_u64(o, "drops_ring", i->drops_ring);
	rpl_json_add_u64(o, "drops_backlog", i->drops_backlog);
	if (i->sha256[0])
		cJSON_AddStringToObject(o, "sha256", i->sha256);
	if (i->have_seal) {
		cJSON *g = cJSON_AddObjectToObject(o, "integrity");

		cJSON_AddBoolToObject(g, "digest_chain", i->seal.sealed);
		cJSON_AddBoolToObject(g, "signed", i->seal.signed_file);
		if (i->seal.signed_file)
			cJSON_AddStringToObject(g, "key_id", i->seal.key_id);
		cJSON_AddBoolToObject(g, "ratchet", i->seal.ratchet);
		rpl_json_add_u64(g, "checkpoints", i->seal.checkpoints);
		rpl_json_add_u64(g, "bad_checkpoints", i->seal.bad_checkpoints);
		cJSON_AddBoolToObject(g, "final_checkpoint", i->seal.final_seen);
		rpl_json_add_u64(g, "unsigned_tail_chunks", i->seal.tail_chunks);
	}
	rpl_json_print(o, stdout);
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
	i.records = fi->events;
	fmt_reader_event_range(r, &i.events, &i.first_ts, &i.last_ts);
	i.drops_ring = fi->drops_ring;
	i.drops_backlog = fi->drops_backlog;
	for (size_t c = 0; c < fmt_reader_chunk_count(r); c++) {
		const struct fmt_chunk_info *ci = fmt_reader_chunk(r, c);

		if (ci && fmt_chunk_is_snapshot(ci) && !i.snap_chunks++)
			i.snap_ts = ci->first_ts;
	}
	i.have_seal = 1;
	fmt_seal_glance(r, &i.seal);
	if (fmt_file_sha256(path, i.sha256, &err))
		i.sha256[0] = '\0';
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
	if (scap_source_open_any(path, &s, &err))
		return rpl_fail_err(path, &err);
	memset(&i, 0, sizeof(i));
	i.path = path;
	i.format = s->kind == SRC_SCAP ? "scap" : "sysrec";
	i.scap = s->kind == SRC_SCAP;
	snprintf(i.version, sizeof(i.version), "-");
	i.host = &s->host;
	while ((r = evt_source_next(s, &ev, &err)) == 1) {
		i.records++;
		if (ev.rec->type == EVT_SNAP_BEGIN && !i.snap_ts)
			i.snap_ts = ev.rec->ts;
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
	static const struct option lo[] = {{"json", no_argument, NULL, 'j'},
					   {"host", required_argument, NULL, RPL_OPT_HOST},
					   {NULL, 0, NULL, 0}};
	int json = 0, opt, rc = RPL_EXIT_OK;
	char **files;
	size_t n;
	struct sr_err err;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "j", lo, NULL)) != -1) {
		if (opt == 'j')
			json = 1;
		else if (opt == RPL_OPT_HOST) {
			if (rpl_fleet_opt_host(optarg))
				return RPL_EXIT_BAD;
		} else
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
