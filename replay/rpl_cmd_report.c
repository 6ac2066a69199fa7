/* sysreplay report: one self-contained HTML page about captures (header and
 * integrity, alerts, timeline chart, process tree, connections, file
 * changes, shell sessions, containers). Collected by rpl_report.c, written
 * by rpl_report_html.c. The page holds what the capture holds (command
 * lines, paths, peers): it is created like a capture, mode 0600, never
 * through a link, never over a file without --force. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sr_file.h"
#include "rpl_report.h"

#define REPORT_MAX_RULES 64

enum { OPT_FORCE = RPL_OPT_OWN };

static const struct option long_opts[] = {
    {"output", required_argument, NULL, 'o'},
    {"rules", required_argument, NULL, 'r'},
    {"filter", required_argument, NULL, 'f'},
    {"force", no_argument, NULL, OPT_FORCE},
    RPL_RUN_LONG_OPTS,
    {NULL, 0, NULL, 0},
};

int rpl_cmd_report(int argc, char **argv)
{
	char *rules[REPORT_MAX_RULES];
	size_t nrules = 0;
	const char *out = NULL;
	struct rpl_view_opts o;
	struct rpl_run_opts ro;
	struct rpt *r;
	struct sr_err err;
	int opt, force = 0, fd, rc;
	FILE *f;

	memset(&o, 0, sizeof(o));
	memset(&ro, 0, sizeof(ro));
	o.name = "report";
	o.fd = -1;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:r:f:", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'r':
			if (nrules == REPORT_MAX_RULES)
				return rpl_usage_error("report", "more than %d -r files",
						       REPORT_MAX_RULES);
			rules[nrules++] = optarg;
			break;
		case 'f':
			o.filter = optarg;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		default:
			if (rpl_opt_run("report", opt, argv, &ro))
				return RPL_EXIT_BAD;
			break;
		}
	}
	o.since = ro.since;
	o.until = ro.until;
	if (!out)
		return rpl_usage_error("report", "no -o REPORT.html given");
	if (optind >= argc)
		return rpl_usage_error("report", "no capture FILE given");
	o.files = argv + optind;
	o.nfiles = argc - optind;
	r = calloc(1, sizeof(*r));
	if (!r)
		return rpl_fail("out of memory");
	rc = rpl_report_collect(r, &o, rules, nrules);
	if (rc)
		goto done;
	sr_err_clear(&err);
	fd = sr_file_create(out, force ? SR_FILE_REPLACE : 0, &err);
	if (fd < 0) {
		rc = rpl_fail_err(NULL, &err);
		goto done;
	}
	f = fdopen(fd, "w");
	if (!f) {
		sr_file_discard(fd, out);
		rc = rpl_fail("%s: %s", out, strerror(errno));
		goto done;
	}
	if (rpl_report_html(r, f) || fflush(f)) {
		int e = errno;

		sr_file_discard(dup(fileno(f)), out);
		fclose(f);
		rc = rpl_fail("%s: writing: %s", out, strerror(e ? e : EIO));
		goto done;
	}
	if (fclose(f)) {
		rc = rpl_fail("%s: %s", out, strerror(errno));
		goto done;
	}
	fprintf(stderr,
		"sysreplay: report %s: %llu events, %llu alerts, %zu processes, %zu connections\n",
		out, (unsigned long long)r->events, (unsigned long long)r->alerts_total, r->nprocs,
		r->conns.n);
done:
	rpl_report_free(r);
	free(r);
	return rc;
}
