/* rec_fleet: `sysrec fleet init` (create the stream) and `sysrec fleet push`
 * (publish an existing capture set, resuming from its state file). */
#include "rec_fleet.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/sr_time.h"
#include "../fleet/fleet.h"
#include "../outputs/out.h"

static void usage(FILE *f)
{
	fputs("usage: sysrec fleet init --server URL... [--stream NAME] [--replicas N]\n"
	      "                         [--max-age DURATION] [--max-bytes BYTES]\n"
	      "       sysrec fleet push --server URL... [--stream NAME] [--hostname NAME] -w FILE\n"
	      "  init  creates (or updates) the JetStream stream: subjects sysrec.>, file\n"
	      "        storage, 3 replicas, max age 7 days unless given (docs/fleet.md)\n"
	      "  push  publishes the capture set written at FILE (rotated files too), from\n"
	      "        where FILE.fleet says the stream stands, and its evidence captures\n"
	      "        not yet sent (FILE.fleet-evidence), and waits for the acks\n",
	      f);
}

int rec_fleet_alerts(struct out_conf *oc, const struct fleet_cfg *f, const char *hostname,
		     struct sr_err *err)
{
	struct out_target_conf *t = &oc->t[OUT_NATS];
	char host[256], subj[320], list[FLEET_MAX_SERVERS * 512] = "";
	size_t n = 0;

	if (!f->nservers || f->alerts_off || t->enabled || t->address)
		return 0;
	for (size_t i = 0; i < f->nservers && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? "," : "",
				      f->servers[i]);
	fleet_subject_host(hostname, host, sizeof(host));
	snprintf(subj, sizeof(subj), "sysrec.%s.alerts", host);
	t->address = sr_arena_strdup(&oc->arena, list);
	t->subject = sr_arena_strdup(&oc->arena, subj);
	if (!t->address || !t->subject)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	t->credentials = f->creds;
	t->jetstream = 1;
	t->json = 1;
	t->enabled = 1;
	return 0;
}

int rec_fleet_main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"server", required_argument, NULL, 's'},
	    {"stream", required_argument, NULL, 't'},
	    {"replicas", required_argument, NULL, 'r'},
	    {"max-age", required_argument, NULL, 'a'},
	    {"max-bytes", required_argument, NULL, 'b'},
	    {"hostname", required_argument, NULL, 'H'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct fleet_cfg cfg;
	const char *path = NULL, *host = NULL, *verb;
	struct sr_err err;
	char name[256];
	int c;

	memset(&cfg, 0, sizeof(cfg));
	sr_err_clear(&err);
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	verb = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "w:h", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (cfg.nservers == FLEET_MAX_SERVERS || strncmp(optarg, "nats://", 7)) {
				fprintf(stderr,
					"sysrec: fleet: --server nats://HOST:PORT (at most %d)\n",
					FLEET_MAX_SERVERS);
				return 2;
			}
			cfg.servers[cfg.nservers++] = optarg;
			break;
		case 't':
			cfg.stream = optarg;
			break;
		case 'r':
			cfg.replicas = atoi(optarg);
			if (cfg.replicas < 1 || cfg.replicas > 5) {
				fprintf(stderr, "sysrec: fleet: --replicas 1..5\n");
				return 2;
			}
			break;
		case 'a':
			if (sr_duration_parse(optarg, &cfg.max_age_ns, &err) || !cfg.max_age_ns) {
				fprintf(stderr, "sysrec: fleet: --max-age: bad duration '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'b':
			cfg.max_bytes = strtoll(optarg, NULL, 10);
			break;
		case 'H':
			host = optarg;
			break;
		case 'w':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!cfg.nservers || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(verb, "init")) {
		if (fleet_stream_init(&cfg, &err)) {
			fprintf(stderr, "sysrec: fleet init: %s\n", err.msg);
			return 1;
		}
		return 0;
	}
	if (!strcmp(verb, "push") && path) {
		struct fleet_pub_stats st;

		if (!host) {
			if (gethostname(name, sizeof(name) - 1))
				snprintf(name, sizeof(name), "localhost");
			name[sizeof(name) - 1] = 0;
			host = name;
		}
		if (fleet_push(&cfg, path, host, &st, &err)) {
			fprintf(stderr, "sysrec: fleet push: %s\n", err.msg);
			return 1;
		}
		printf("fleet: %llu chunks (%llu bytes, %llu records) published, %llu files "
		       "done, %llu evidence captures, %llu retries, %llu files removed before they "
		       "were sent\n",
		       (unsigned long long)st.chunks, (unsigned long long)st.bytes,
		       (unsigned long long)st.events, (unsigned long long)st.files,
		       (unsigned long long)st.evidence, (unsigned long long)st.retries,
		       (unsigned long long)st.lost_files);
		return st.lost_files ? 1 : 0;
	}
	usage(stderr);
	return 2;
}
