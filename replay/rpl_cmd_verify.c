/* sysreplay verify: integrity check through the same reader as every command.
 * Exit 0 all intact, 1 a problem in some file, 2 a file that is not a capture
 * or cannot be read (2 wins over 1: the run could not check everything). */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "rpl.h"
#include "format/fmt_reader.h"

struct vctx {
	const char *path;
	unsigned problems;
};

static void report(void *ctx, const char *msg)
{
	struct vctx *v = ctx;

	v->problems++;
	printf("%s: %s\n", v->path, msg);
}

static int verify_sysrec(const char *path)
{
	struct vctx v = {path, 0};
	struct sr_err err;
	int r;

	sr_err_clear(&err);
	r = fmt_verify(path, report, &v, &err);
	if (r < 0)
		return rpl_fail_err(path, &err);
	if (r > 0 || v.problems) {
		if (!v.problems)
			printf("%s: damaged\n", path);
		return RPL_EXIT_FINDING;
	}
	printf("%s: ok\n", path);
	return RPL_EXIT_OK;
}

/* Formats without checksums (.scap) are checked by reading them through. */
static int verify_other(const char *path)
{
	struct evt_source *s;
	struct sr_err err;
	struct evt ev;
	uint64_t n = 0;
	int r;

	sr_err_clear(&err);
	if (evt_source_open(path, &s, &err))
		return rpl_fail_err(path, &err);
	while ((r = evt_source_next(s, &ev, &err)) == 1)
		n++;
	evt_source_close(s);
	if (r < 0) {
		printf("%s: after %" PRIu64 " records: %s\n", path, n, err.msg);
		return RPL_EXIT_FINDING;
	}
	printf("%s: ok (%" PRIu64 " records)\n", path, n);
	return RPL_EXIT_OK;
}

int rpl_cmd_verify(int argc, char **argv)
{
	int rc = RPL_EXIT_OK, opt;
	char **files;
	size_t n;
	struct sr_err err;

	optind = 1;
	opterr = 0;
	while ((opt = getopt(argc, argv, "")) != -1)
		return rpl_usage_error("verify", "unknown option '%s'", argv[optind - 1]);
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
			r = k ? verify_sysrec(files[f]) : verify_other(files[f]);
		if (r > rc)
			rc = r;
	}
	rpl_paths_free(files, n);
	rpl_flush_stdout();
	return rc;
}
