/* rpl_fleet_evidence: the fleet's evidence captures for the analyst.
 *
 * `sysreplay hosts --evidence URL` lists them (host, id, the file's name on
 * the recorder, chunks, events, time range, closed); any command reads one
 * as nats://HOST:PORT/STREAM?evidence=ID; `sysreplay fetch URL -o OUT`
 * writes what a nats:// source rebuilds (an evidence file, or captures)
 * into files of one's own, byte for byte as the recorder wrote them, so
 * `sysreplay verify` and a SHA-256 compare them with the originals. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/sr_file.h"
#include "../fleet/fleet.h"
#include "rpl.h"

void rpl_fleet_evidence_list(const struct fleet_fetch *f)
{
	printf("HOST ID NAME CHUNKS EVENTS FIRST LAST CLOSED\n");
	for (size_t i = 0; i < f->nevidence; i++) {
		const struct fleet_evidence_info *e = &f->evidence[i];

		printf("%s %s %s %llu %llu", e->host, e->id, e->name, (unsigned long long)e->chunks,
		       (unsigned long long)e->events);
		rpl_fleet_print_time(e->first_ts);
		rpl_fleet_print_time(e->last_ts);
		printf(" %s\n", e->closed ? "yes" : "no");
	}
}

/* Copies from into a new file to (refused when to exists, unless force). */
static int copy_file(const char *from, const char *to, int force, struct sr_err *err)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n = 0;

	if (in < 0)
		return sr_err_set(err, SR_EIO, "%s: %s", from, strerror(errno));
	out = sr_file_create(to, force ? SR_FILE_REPLACE : 0, err);
	if (out < 0) {
		close(in);
		return out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (n < 0 || fsync(out)) {
		sr_file_discard(out, to);
		return sr_err_set(err, SR_EIO, "%s: write failed: %s", to, strerror(errno));
	}
	if (close(out))
		return sr_err_set(err, SR_EIO, "%s: %s", to, strerror(errno));
	return 0;
}

int rpl_cmd_fetch(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, 'F'},
	    {"host", required_argument, NULL, 'H'},
	    {NULL, 0, NULL, 0},
	};
	const char *out = NULL;
	struct sr_err err;
	char **paths;
	size_t n;
	int c, force = 0, rc = 0;

	sr_err_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 'F')
			force = 1;
		else if (c != 'H')
			return rpl_usage_error("fetch", "unknown option");
		else if (rpl_fleet_opt_host(optarg))
			return RPL_EXIT_BAD;
	}
	if (!out || optind + 1 != argc || !fleet_is_url(argv[optind]))
		return rpl_usage_error("fetch", "one nats://HOST:PORT/STREAM source and -o OUT");
	if (rpl_fleet_fetch(argv[optind], &paths, &n, &err)) {
		fprintf(stderr, "sysreplay: %s\n", err.msg);
		return 2;
	}
	if (n == 1) {
		rc = copy_file(paths[0], out, force, &err);
		if (!rc)
			printf("%s\n", out);
	} else {
		if (mkdir(out, 0700) && errno != EEXIST)
			rc = sr_err_set(&err, SR_EIO, "%s: %s", out, strerror(errno));
		for (size_t i = 0; i < n && !rc; i++) {
			const char *b = strrchr(paths[i], '/');
			char to[4600];

			snprintf(to, sizeof(to), "%s/%s", out, b ? b + 1 : paths[i]);
			rc = copy_file(paths[i], to, force, &err);
			if (!rc)
				printf("%s\n", to);
		}
	}
	if (rc) {
		fprintf(stderr, "sysreplay: fetch: %s\n", err.msg);
		return 2;
	}
	return 0;
}
