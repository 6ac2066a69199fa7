/* rpl_fleet: nats://HOST:PORT/STREAM[?host=H1,H2] as a FILE argument, and
 * `sysreplay hosts URL`. The captures are rebuilt into a temporary folder
 * (fleet/fleet_fetch.c) that is removed when sysreplay exits; from there on
 * they are ordinary files: merged in time order, each event knowing its
 * host from its file's header. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../fleet/fleet.h"
#include "rpl.h"

/* Each URL is downloaded once per process: the shell opens its inputs
 * again for every query. */
static struct fleet_fetch **fetched;
static char **fetched_url;
static size_t nfetched;

/* --host (every command taking FILE) and the window of --since/--until,
 * both set while options are parsed, before any input opens */
#define RPL_FLEET_MAX_HOSTS 64
static char *opt_hosts[RPL_FLEET_MAX_HOSTS];
static size_t n_opt_hosts;
static uint64_t win_since, win_until;

static void cleanup(void)
{
	for (size_t i = 0; i < nfetched; i++) {
		fleet_fetch_free(fetched[i]);
		free(fetched_url[i]);
	}
	free(fetched);
	free(fetched_url);
	fetched = NULL;
	fetched_url = NULL;
	nfetched = 0;
	for (size_t i = 0; i < n_opt_hosts; i++)
		free(opt_hosts[i]);
	n_opt_hosts = 0;
}

static int cleanup_armed;

static void arm_cleanup(void)
{
	if (!cleanup_armed)
		atexit(cleanup);
	cleanup_armed = 1;
}

/* Adds the host names of a comma list to v; 0 or SR_ELIMIT / SR_ESYNTAX. */
static int hosts_add(const char *list, char **v, size_t *n, size_t vmax, struct sr_err *err)
{
	const char *p = list;

	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!len)
			return sr_err_set(err, SR_ESYNTAX, "'%s': an empty host name", list);
		if (*n == vmax)
			return sr_err_set(err, SR_ELIMIT, "more than %zu hosts", vmax);
		v[*n] = strndup(p, len);
		if (!v[*n])
			return sr_err_set(err, SR_ENOMEM, "out of memory");
		(*n)++;
		if (!e)
			return 0;
		p = e + 1;
	}
}

int rpl_fleet_opt_host(const char *arg)
{
	struct sr_err err;

	sr_err_clear(&err);
	arm_cleanup();
	if (hosts_add(arg, opt_hosts, &n_opt_hosts, RPL_FLEET_MAX_HOSTS, &err))
		return rpl_fail("--host: %s", err.msg);
	return 0;
}

void rpl_fleet_window(const struct sr_time_spec *since, const struct sr_time_spec *until)
{
	/* only absolute times: a relative one needs the capture's range,
	 * known once it is downloaded */
	if (since)
		win_since = since->kind == SR_TIME_ABS ? since->ns : 0;
	if (until)
		win_until = until->kind == SR_TIME_ABS ? until->ns : 0;
}

/* The debug line of tests and measurements: what the window downloaded. */
static void note_fetched(const char *url, const struct fleet_fetch *f)
{
	if (!getenv("SYSREPLAY_DEBUG"))
		return;
	fprintf(stderr,
		"sysreplay: debug: %s: fetched %llu messages, %llu payload bytes; the stream "
		"holds %llu messages, %llu bytes\n",
		url, (unsigned long long)f->fetched_msgs, (unsigned long long)f->fetched_bytes,
		(unsigned long long)f->stream_msgs, (unsigned long long)f->stream_bytes);
}

/* url's base (without the query) and its hosts: ?host=H1,H2 and --host.
 * The hosts are owned by the caller (hosts_free). */
static int url_hosts(const char *url, char *base, size_t cap, char **hosts, size_t *nh,
		     struct sr_err *err)
{
	const char *q = strchr(url, '?');
	int rc = 0;

	*nh = 0;
	snprintf(base, cap, "%.*s", q ? (int)(q - url) : (int)strlen(url), url);
	if (q && strncmp(q, "?host=", 6))
		return sr_err_set(err, SR_ESYNTAX, "%s: the only query is ?host=H1,H2", url);
	if (q)
		rc = hosts_add(q + 6, hosts, nh, RPL_FLEET_MAX_HOSTS, err);
	for (size_t i = 0; !rc && i < n_opt_hosts; i++) {
		if (*nh == RPL_FLEET_MAX_HOSTS)
			rc = sr_err_set(err, SR_ELIMIT, "more than %d hosts", RPL_FLEET_MAX_HOSTS);
		else if (!(hosts[*nh] = strdup(opt_hosts[i])))
			rc = sr_err_set(err, SR_ENOMEM, "out of memory");
		else
			(*nh)++;
	}
	return rc;
}

static void hosts_free(char **hosts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(hosts[i]);
}

int rpl_fleet_fetch(const char *url, char ***paths, size_t *n, struct sr_err *err)
{
	struct fleet_fetch_opts o = {0};
	struct fleet_fetch *f, **nv;
	char *hosts[RPL_FLEET_MAX_HOSTS];
	char base[2048];
	char **nu;
	size_t nh = 0;
	int rc;

	for (size_t i = 0; i < nfetched; i++)
		if (!strcmp(fetched_url[i], url)) {
			f = fetched[i];
			goto done;
		}
	rc = url_hosts(url, base, sizeof(base), hosts, &nh, err);
	o.hosts = (const char **)hosts;
	o.nhosts = nh;
	o.since_ns = win_since;
	o.until_ns = win_until;
	/* tests and measurements shorten the lookback on short captures */
	if (getenv("SYSREPLAY_NATS_LOOKBACK_MS"))
		o.lookback_ns =
		    strtoull(getenv("SYSREPLAY_NATS_LOOKBACK_MS"), NULL, 10) * 1000000ull;
	if (!rc)
		rc = fleet_fetch(base, &o, &f, err);
	hosts_free(hosts, nh);
	if (rc)
		return rc;
	note_fetched(url, f);
	nv = realloc(fetched, (nfetched + 1) * sizeof(*nv));
	if (nv)
		fetched = nv;
	nu = nv ? realloc(fetched_url, (nfetched + 1) * sizeof(*nu)) : NULL;
	if (nu)
		fetched_url = nu;
	if (!nv || !nu || !(nu[nfetched] = strdup(url))) {
		fleet_fetch_free(f);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	arm_cleanup();
	fetched[nfetched++] = f;
done:
	if (!f->npaths)
		return sr_err_set(err, SR_EIO, "%s: no capture on the stream", url);
	*paths = f->paths;
	*n = f->npaths;
	return 0;
}

int rpl_fleet_partial(const char *path)
{
	for (size_t i = 0; i < nfetched; i++)
		for (size_t k = 0; k < fetched[i]->npaths; k++)
			if (!strcmp(fetched[i]->paths[k], path))
				return fetched[i]->partial[k];
	return 0;
}

static void print_time(uint64_t ns)
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
	static const struct option lo[] = {
	    {"host", required_argument, NULL, 'H'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct fleet_fetch_opts o = {0};
	struct fleet_fetch *f;
	struct sr_err err;
	char *hosts[RPL_FLEET_MAX_HOSTS];
	char base[2048];
	size_t nh = 0;
	int opt, rc;

	sr_err_clear(&err);
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		if (opt == 'h') {
			rpl_usage(stdout, "hosts");
			return 0;
		}
		if (opt != 'H')
			return rpl_usage_error("hosts", "%s '%s'",
					       opt == ':' ? "option needs a value:"
							  : "unknown option",
					       argv[optind - 1]);
		if (rpl_fleet_opt_host(optarg))
			return RPL_EXIT_BAD;
	}
	if (argc - optind != 1 || !fleet_is_url(argv[optind]))
		return rpl_usage_error("hosts", "give one nats://HOST:PORT/STREAM");
	rc = url_hosts(argv[optind], base, sizeof(base), hosts, &nh, &err);
	o.hosts = (const char **)hosts;
	o.nhosts = nh;
	o.quiet = 1;
	if (!rc)
		rc = fleet_hosts(base, &o, &f, &err);
	hosts_free(hosts, nh);
	if (rc) {
		fprintf(stderr, "sysreplay: %s\n", err.msg);
		return 2;
	}
	printf("HOST FILES CHUNKS EVENTS FIRST LAST ALERTS LAST_SEEN GAPS DUPS\n");
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host_info *h = &f->hosts[i];

		printf("%s %llu %llu %llu", h->name, (unsigned long long)h->files,
		       (unsigned long long)h->chunks, (unsigned long long)h->events);
		print_time(h->first_ts);
		print_time(h->last_ts);
		printf(" %llu", (unsigned long long)h->alerts);
		print_time(h->last_seen_ns);
		printf(" %llu %llu\n", (unsigned long long)h->gaps, (unsigned long long)h->dups);
	}
	fleet_fetch_free(f);
	return 0;
}
