/* rpl_fleet: nats://HOST:PORT/STREAM[?host=H1,H2] as a FILE argument, and
 * `sysreplay hosts URL`. The captures are rebuilt into a temporary folder
 * (fleet/fleet_fetch.c) that is removed when sysreplay exits; from there on
 * they are ordinary files: merged in time order, each event knowing its
 * host from its file's header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../fleet/fleet.h"
#include "rpl.h"

static struct fleet_fetch **fetched;
static size_t nfetched;

static void cleanup(void)
{
	for (size_t i = 0; i < nfetched; i++)
		fleet_fetch_free(fetched[i]);
	free(fetched);
	fetched = NULL;
	nfetched = 0;
}

/* The value of key in url's query ("?host=a,b&evidence=ID") into out:
 * 1 when there, else 0. */
static int url_param(const char *url, const char *key, char *out, size_t cap)
{
	const char *q = strchr(url, '?');
	size_t kl = strlen(key);

	while (q) {
		q++;
		if (!strncmp(q, key, kl) && q[kl] == '=') {
			snprintf(out, cap, "%.*s", (int)strcspn(q + kl + 1, "&"), q + kl + 1);
			return 1;
		}
		q = strchr(q, '&');
	}
	return 0;
}

/* url without its query into base; the hosts of "host=" into v (pointers
 * into buf) */
static size_t split_url(const char *url, char *base, size_t cap, char *buf, size_t bcap,
			const char **v, size_t vmax)
{
	const char *q = strchr(url, '?');
	size_t n = 0;

	snprintf(base, cap, "%.*s", q ? (int)(q - url) : (int)strlen(url), url);
	if (!url_param(url, "host", buf, bcap))
		return 0;
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t && n < vmax;
	     t = strtok_r(NULL, ",", &save))
		v[n++] = t;
	return n;
}

int rpl_fleet_fetch(const char *url, char ***paths, size_t *n, struct sr_err *err)
{
	struct fleet_fetch_opts o = {0};
	struct fleet_fetch *f, **nv;
	const char *hosts[64];
	char base[2048], buf[2048], ev[128];
	int rc;

	o.hosts = hosts;
	o.nhosts = split_url(url, base, sizeof(base), buf, sizeof(buf), hosts, 64);
	if (url_param(url, "evidence", ev, sizeof(ev)))
		o.evidence = ev;
	rc = fleet_fetch(base, &o, &f, err);
	if (rc)
		return rc;
	nv = realloc(fetched, (nfetched + 1) * sizeof(*nv));
	if (!nv) {
		fleet_fetch_free(f);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	if (!nfetched)
		atexit(cleanup);
	fetched = nv;
	fetched[nfetched++] = f;
	if (!f->npaths)
		return sr_err_set(err, SR_EIO, "%s: no capture on the stream", url);
	*paths = f->paths;
	*n = f->npaths;
	return 0;
}

void rpl_fleet_print_time(uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char b[64];

	if (!ns) {
		fputs(" -", stdout);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	printf(" %s.%03lluZ", b, (unsigned long long)(ns % 1000000000ull / 1000000ull));
}

int rpl_cmd_hosts(int argc, char **argv)
{
	struct fleet_fetch *f;
	struct sr_err err;

	sr_err_clear(&err);
	if (argc == 3 && !strcmp(argv[1], "--evidence") && fleet_is_url(argv[2]))
		return rpl_fleet_evidence_list(argv[2]);
	if (argc != 2 || !fleet_is_url(argv[1])) {
		fprintf(stderr, "usage: sysreplay hosts [--evidence] nats://HOST:PORT/STREAM\n");
		return 2;
	}
	if (fleet_hosts(argv[1], &f, &err)) {
		fprintf(stderr, "sysreplay: %s\n", err.msg);
		return 2;
	}
	printf("HOST FILES CHUNKS EVENTS FIRST LAST ALERTS EVIDENCE LAST_SEEN GAPS DUPS\n");
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host_info *h = &f->hosts[i];

		printf("%s %llu %llu %llu", h->name, (unsigned long long)h->files,
		       (unsigned long long)h->chunks, (unsigned long long)h->events);
		rpl_fleet_print_time(h->first_ts);
		rpl_fleet_print_time(h->last_ts);
		printf(" %llu %llu", (unsigned long long)h->alerts,
		       (unsigned long long)h->evidence);
		rpl_fleet_print_time(h->last_seen_ns);
		printf(" %llu %llu\n", (unsigned long long)h->gaps, (unsigned long long)h->dups);
	}
	fleet_fetch_free(f);
	return 0;
}
