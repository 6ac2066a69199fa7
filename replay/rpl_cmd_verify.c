/* sysreplay verify: integrity check through the same reader as every command,
 * and on 2.1 captures the signed checkpoints (with --key: authenticity).
 * Exit 0 all intact (with --key: all authenticated), 1 a problem in some
 * file, 2 a file that is not a capture or cannot be read, or a bad key
 * (2 wins over 1: the run could not check everything).
 * -j: one JSON object per file checked: file, format, ok, problems [text],
 * for .sysrec integrity {...} (the chain, signatures, checkpoints), and for
 * .scap records (read before the end or the problem). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "rpl.h"
#include "scap/scap.h"
#include "format/fmt_reader.h"
#include "format/fmt_seal.h"

struct vctx {
	const char *path;
	unsigned problems;
	cJSON *list; /* -j: the problems, else NULL (printed as found) */
};

static void report(void *ctx, const char *msg)
{
	struct vctx *v = ctx;

	v->problems++;
	if (v->list)
		cJSON_AddItemToArray(v->list, cJSON_CreateString(msg));
	else
		printf("%s: %s\n", v->path, msg);
}

/* -j: the object of one file, its problems collected in v->list. */
static cJSON *result_new(struct vctx *v, const char *format)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	rpl_json_add_text(o, "file", v->path);
	cJSON_AddStringToObject(o, "format", format);
	v->list = cJSON_CreateArray();
	return o;
}

static int result_end(cJSON *o, struct vctx *v, int rc)
{
	if (!o)
		return rc;
	cJSON_AddBoolToObject(o, "ok", rc == RPL_EXIT_OK);
	cJSON_AddItemToObject(o, "problems", v->list);
	rpl_json_print(o, stdout);
	return rc;
}

static void fmt_utc(uint64_t ns, char *buf, size_t cap)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!ns || !gmtime_r(&t, &tm)) {
		snprintf(buf, cap, "-");
		return;
	}
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09" PRIu64 "Z", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (uint64_t)(ns % 1000000000u));
}

/* What the chain and signatures prove, after the problems. */
static void print_seal(const char *path, const struct fmt_seal_report *s)
{
	char a[48], b[48];

	if (s->provenance)
		printf("%s: provenance: %s\n", path, s->provenance);
	if (!s->sealed) {
		printf("%s: format before 2.1: CRC-32C and 64-bit hash chain only (no "
		       "cryptographic digest, no signatures)\n",
		       path);
		return;
	}
	printf("%s: digest chain (SHA-256): %s, %" PRIu64 " chunks, %" PRIu64 " records\n", path,
	       s->chain_ok ? "intact" : "problems above", s->chunks, s->events);
	if (!s->signed_file) {
		printf("%s: not signed\n", path);
		return;
	}
	printf("%s: signed: key id %s%s\n", path, s->key_id,
	       s->ratchet ? " (forward-secure: key evolves per checkpoint)" : "");
	for (size_t i = 0; i < s->nranges; i++) {
		const struct fmt_seal_range *g = &s->ranges[i];

		fmt_utc(g->first_ts, a, sizeof(a));
		fmt_utc(g->last_ts, b, sizeof(b));
		if (g->first_chunk >= g->end_chunk) {
			/* back to back with the previous one (e.g. the final at close) */
			printf("%s: checkpoint %" PRIu64 " at chunk %" PRIu64
			       "%s: %s: no new chunks\n",
			       path, g->number, g->chunk, g->final ? " (final)" : "",
			       g->ok ? "valid" : "INVALID");
			continue;
		}
		printf("%s: checkpoint %" PRIu64 " at chunk %" PRIu64 "%s: %s: chunks %" PRIu64
		       "..%" PRIu64 ", %" PRIu64 " records, %s .. %s\n",
		       path, g->number, g->chunk, g->final ? " (final)" : "",
		       g->ok ? "valid" : "INVALID", g->first_chunk, g->end_chunk - 1, g->events, a,
		       b);
	}
	printf("%s: unsigned tail: %" PRIu64 " chunks, %" PRIu64 " records\n", path, s->tail_chunks,
	       s->tail_events);
	if (!s->key_checked)
		printf("%s: authenticity not checked (no --key): the signatures were checked "
		       "against the key the file itself names\n",
		       path);
	else
		printf("%s: %s\n", path, s->authenticated ? "authenticated" : "NOT authenticated");
}

static cJSON *seal_json(const struct fmt_seal_report *s)
{
	cJSON *o = cJSON_CreateObject(), *arr;

	cJSON_AddBoolToObject(o, "digest_chain", s->sealed);
	if (s->provenance) {
		cJSON *p = cJSON_Parse(s->provenance);

		if (p)
			cJSON_AddItemToObject(o, "provenance", p);
		else
			cJSON_AddStringToObject(o, "provenance", s->provenance);
	}
	cJSON_AddBoolToObject(o, "chain_intact", s->chain_ok);
	cJSON_AddBoolToObject(o, "signed", s->signed_file);
	if (s->signed_file) {
		cJSON_AddStringToObject(o, "key_id", s->key_id);
		cJSON_AddStringToObject(o, "public_key", s->pub_text);
		cJSON_AddBoolToObject(o, "ratchet", s->ratchet);
	}
	cJSON_AddBoolToObject(o, "key_checked", s->key_checked);
	cJSON_AddBoolToObject(o, "key_match", s->key_match);
	cJSON_AddBoolToObject(o, "final_checkpoint", s->final_seen);
	cJSON_AddBoolToObject(o, "authenticated", s->authenticated);
	cJSON_AddNumberToObject(o, "unsigned_tail_chunks", (double)s->tail_chunks);
	cJSON_AddNumberToObject(o, "unsigned_tail_events", (double)s->tail_events);
	arr = cJSON_AddArrayToObject(o, "checkpoints");
	for (size_t i = 0; i < s->nranges; i++) {
		const struct fmt_seal_range *g = &s->ranges[i];
		cJSON *c = cJSON_CreateObject();

		cJSON_AddNumberToObject(c, "number", (double)g->number);
		cJSON_AddNumberToObject(c, "chunk", (double)g->chunk);
		cJSON_AddNumberToObject(c, "first_chunk", (double)g->first_chunk);
		cJSON_AddNumberToObject(c, "end_chunk", (double)g->end_chunk);
		cJSON_AddNumberToObject(c, "events", (double)g->events);
		cJSON_AddNumberToObject(c, "first_ts", (double)g->first_ts);
		cJSON_AddNumberToObject(c, "last_ts", (double)g->last_ts);
		cJSON_AddNumberToObject(c, "time_ns", (double)g->time_ns);
		cJSON_AddBoolToObject(c, "final", g->final);
		cJSON_AddBoolToObject(c, "valid", g->ok);
		cJSON_AddStringToObject(c, "key_id", g->key_id);
		cJSON_AddItemToArray(arr, c);
	}
	return o;
}

static int verify_sysrec(const char *path, const uint8_t *key, int json)
{
	struct vctx v = {path, 0, NULL};
	struct fmt_seal_report s;
	struct sr_err err;
	cJSON *o = NULL;
	int r, rc;

	sr_err_clear(&err);
	if (json) {
		o = result_new(&v, "sysrec");
		cJSON_AddItemToObject(o, "problems", v.list);
	}
	r = fmt_verify_sealed(path, key, &s, report, &v, &err);
	if (r < 0) {
		cJSON_Delete(o);
		return rpl_fail_err(path, &err);
	}
	rc = r > 0 || v.problems ? RPL_EXIT_FINDING : RPL_EXIT_OK;
	/* With a key, only authenticated data passes. */
	if (key && !s.authenticated)
		rc = RPL_EXIT_FINDING;
	if (json) {
		cJSON_AddBoolToObject(o, "ok", rc == RPL_EXIT_OK);
		cJSON_AddItemToObject(o, "integrity", seal_json(&s));
		rpl_json_print(o, stdout);
	} else {
		if (r > 0 && !v.problems)
			printf("%s: damaged\n", path);
		print_seal(path, &s);
		printf("%s: %s\n", path, rc == RPL_EXIT_OK ? "ok" : "FAILED");
	}
	fmt_seal_report_free(&s);
	return rc;
}

/* Formats without checksums (.scap) are checked by reading them through. */
static int verify_other(const char *path, int json)
{
	struct vctx v = {path, 0, NULL};
	cJSON *o;
	struct evt_source *s;
	struct sr_err err;
	struct evt ev;
	uint64_t n = 0;
	int r;

	sr_err_clear(&err);
	if (scap_source_open_any(path, &s, &err))
		return rpl_fail_err(path, &err);
	o = json ? result_new(&v, s->kind == SRC_SCAP ? "scap" : "sysrec") : NULL;
	while ((r = evt_source_next(s, &ev, &err)) == 1)
		n++;
	evt_source_close(s);
	if (o)
		rpl_json_add_u64(o, "records", n);
	if (r < 0) {
		if (o)
			report(&v, err.msg);
		else
			printf("%s: after %" PRIu64 " records: %s\n", path, n, err.msg);
		return result_end(o, &v, RPL_EXIT_FINDING);
	}
	if (!o)
		printf("%s: ok (%" PRIu64 " records)\n", path, n);
	return result_end(o, &v, RPL_EXIT_OK);
}

int rpl_cmd_verify(int argc, char **argv)
{
	static const struct option lo[] = {{"key", required_argument, NULL, 'k'},
					   {"json", no_argument, NULL, 'j'},
					   {"host", required_argument, NULL, RPL_OPT_HOST},
					   {NULL, 0, NULL, 0}};
	int rc = RPL_EXIT_OK, opt, json = 0, have_key = 0;
	uint8_t key[FMT_PUB_LEN];
	char **files;
	size_t n;
	struct sr_err err;

	optind = 1;
	opterr = 0;
	sr_err_clear(&err);
	while ((opt = getopt_long(argc, argv, "jk:", lo, NULL)) != -1) {
		if (opt == 'j') {
			json = 1;
		} else if (opt == 'k') {
			if (fmt_key_load_public(optarg, key, &err))
				return rpl_fail_err("--key", &err);
			have_key = 1;
		} else if (opt == RPL_OPT_HOST) {
			if (rpl_fleet_opt_host(optarg))
				return RPL_EXIT_BAD;
		} else {
			return rpl_usage_error("verify", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return rpl_usage_error("verify", "no capture FILE given");
	if (rpl_paths_expand(argv + optind, argc - optind, &files, &n, &err))
		return rpl_fail_err(NULL, &err);
	for (size_t f = 0; f < n; f++) {
		int k = rpl_sniff_sysrec(files[f], &err), r;

		if (k < 0)
			r = rpl_fail_err(NULL, &err);
		else
			r = k ? verify_sysrec(files[f], have_key ? key : NULL, json)
			      : verify_other(files[f], json);
		if (r > rc)
			rc = r;
	}
	rpl_paths_free(files, n);
	rpl_flush_stdout();
	return rc;
}
