/* sysreplay verify: integrity check through the same reader as every command.
 * Exit 0 all intact, 1 a problem in some file, 2 a file that is not a capture
 * or cannot be read (2 wins over 1: the run could not check everything).
 * -j: one JSON object per file checked: file, format, ok, problems [text],
 * and for .scap records (read before the end or the problem). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "rpl.h"
#include "format/fmt_reader.h"

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

static int verify_sysrec(const char *path, int json)
{
	struct vctx v = {path, 0, NULL};
	cJSON *o = json ? result_new(&v, "sysrec") : NULL;
	struct sr_err err;
	int r;

	sr_err_clear(&err);
	r = fmt_verify(path, report, &v, &err);
	if (r < 0) {
		cJSON_Delete(o);
		cJSON_Delete(v.list);
		return rpl_fail_err(path, &err);
	}
	if (r > 0 || v.problems) {
		if (!v.problems)
			report(&v, "damaged");
		return result_end(o, &v, RPL_EXIT_FINDING);
	}
	if (!o)
		printf("%s: ok\n", path);
	return result_end(o, &v, RPL_EXIT_OK);
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
	if (evt_source_open(path, &s, &err))
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
	static const struct option lo[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	int rc = RPL_EXIT_OK, opt, json = 0;
	char **files;
	size_t n;
	struct sr_err err;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "j", lo, NULL)) != -1) {
		if (opt == 'j')
			json = 1;
		else
			return rpl_usage_error("verify", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return rpl_usage_error("verify", "no capture FILE given");
	sr_err_clear(&err);
	if (rpl_paths_expand(argv + optind, argc - optind, &files, &n, &err))
		return rpl_fail_err(NULL, &err);
	for (size_t f = 0; f < n; f++) {
		int k = rpl_sniff_sysrec(files[f], &err), r;

		if (k < 0)
			r = rpl_fail_err(NULL, &err);
		else
			r = k ? verify_sysrec(files[f], json) : verify_other(files[f], json);
		if (r > rc)
			rc = r;
	}
	rpl_paths_free(files, n);
	rpl_flush_stdout();
	return rc;
}
