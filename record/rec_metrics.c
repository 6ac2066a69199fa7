/* rec_metrics.c: counters rendered as Prometheus text, and the HTTP server. */
#include "rec_metrics.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../common/sr_time.h"

#define NS 1000000000ull
/* /healthz fails when the consumer has not gone round its loop for this
 * long: its waits end every 100 ms whatever happens */
#define REC_METRICS_STALL_NS (5 * NS)

void rec_metrics_init(struct rec_metrics *m)
{
	memset(m, 0, sizeof(*m));
}

int rec_metrics_add_source(struct rec_metrics *m, rec_metrics_fn fn, void *ctx)
{
	if (m->daemon || m->nsrc >= REC_METRICS_SOURCES)
		return SR_ELIMIT;
	m->src_fn[m->nsrc] = fn;
	m->src_ctx[m->nsrc] = ctx;
	m->nsrc++;
	return 0;
}

/* The consumer's side: a slot per rule name, published with a release
 * store of nrules once its name is in place; never removed (a reload keeps
 * the counts of rules that stay, as Falco's counters do). */
void rec_metrics_rule_match(struct rec_metrics *m, const char *rule, const char *priority)
{
	uint32_t n = m->nrules; /* only this thread writes it */
	struct rec_metrics_rule *s;

	for (uint32_t i = 0; i < n; i++) {
		s = &m->rules[i];
		if (s->priority == priority && !strcmp(s->name, rule)) {
			rec_metrics_set(&s->matches, s->matches + 1);
			return;
		}
	}
	if (n == REC_METRICS_RULES || !(m->rules[n].name = strdup(rule))) {
		rec_metrics_set(&m->rules_overflow, m->rules_overflow + 1);
		return;
	}
	s = &m->rules[n];
	s->priority = priority;
	s->matches = 1;
	__atomic_store_n(&m->nrules, n + 1, __ATOMIC_RELEASE);
}

/* A label value: \, " and newline escaped (Prometheus text format). */
static void label(struct sr_sb *t, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			sr_sb_putc(t, '\\');
		if (*s == '\n')
			sr_sb_puts(t, "\\n");
		else
			sr_sb_putc(t, *s);
	}
}

static void head(struct sr_sb *t, const char *name, const char *type, const char *help)
{
	sr_sb_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(struct sr_sb *t, const char *name, const char *type, const char *help,
		const uint64_t *c)
{
	head(t, name, type, help);
	sr_sb_printf(t, "%s %llu\n", name, (unsigned long long)rec_metrics_get(c));
}

void rec_metrics_render(struct rec_metrics *m, struct sr_sb *t)
{
	static const char *const reasons[] = {"ring_full", "nomem", "other"};
	uint64_t bytes = rec_metrics_get(&m->bytes), raw = rec_metrics_get(&m->raw_bytes);
	uint64_t ncpus = rec_metrics_get(&m->ncpus);
	uint32_t nrules = __atomic_load_n(&m->nrules, __ATOMIC_ACQUIRE);

	one(t, "falcosecurity_scap_n_evts_total", "counter", "Events recorded.", &m->events);
	head(t, "falcosecurity_scap_n_drops_total", "counter",
	     "Events lost before they were recorded, by reason.");
	for (int i = 0; i < 3; i++)
		sr_sb_printf(t, "falcosecurity_scap_n_drops_total{reason=\"%s\"} %llu\n",
			     reasons[i], (unsigned long long)rec_metrics_get(&m->drops[i]));
	head(t, "falcosecurity_falco_rules_matches_total", "counter",
	     "Alerts, by rule (rules matched since the start, reloads included).");
	for (uint32_t i = 0; i < nrules; i++) {
		sr_sb_printf(t, "falcosecurity_falco_rules_matches_total{rule_name=\"");
		label(t, m->rules[i].name);
		sr_sb_printf(t, "\",priority=\"%s\",source=\"syscall\"} %llu\n",
			     m->rules[i].priority,
			     (unsigned long long)rec_metrics_get(&m->rules[i].matches));
	}
	one(t, "falcosecurity_falco_outputs_queue_num_drops_total", "counter",
	    "Alerts dropped by a full output queue.", &m->outputs_drops);
	one(t, "sysrec_alerts_total", "counter", "Alerts, all rules.", &m->alerts);
	one(t, "sysrec_bytes_written_total", "counter",
	    "Capture bytes written by this run (compressed, headers and indexes included).",
	    &m->bytes);
	one(t, "sysrec_raw_bytes_total", "counter", "Record bytes before compression.",
	    &m->raw_bytes);
	head(t, "sysrec_compression_ratio", "gauge", "Raw record bytes per byte written.");
	sr_sb_printf(t, "sysrec_compression_ratio %.3f\n",
		     bytes ? (double)raw / (double)bytes : 0.0);
	one(t, "sysrec_chunks_written_total", "counter", "Chunks written.", &m->chunks);
	head(t, "sysrec_ring_fill_ratio", "gauge",
	     "How full each CPU's kernel buffer was at the consumer's last look.");
	for (uint64_t c = 0; c < ncpus && c < REC_METRICS_CPUS; c++)
		sr_sb_printf(t, "sysrec_ring_fill_ratio{cpu=\"%llu\"} %.6f\n",
			     (unsigned long long)c, (double)rec_metrics_get(&m->fill_ppm[c]) / 1e6);
	one(t, "sysrec_ring_files", "gauge", "Files of the capture set on disk.", &m->ring_files);
	one(t, "sysrec_ring_bytes", "gauge", "Bytes of the capture set on disk.", &m->ring_bytes);
	head(t, "sysrec_ring_files_deleted_total", "counter",
	     "Rotated files deleted, by reason (retention limits, or disk space).");
	sr_sb_printf(t, "sysrec_ring_files_deleted_total{reason=\"retention\"} %llu\n",
		     (unsigned long long)(rec_metrics_get(&m->ring_deleted) -
					  rec_metrics_get(&m->ring_deleted_space)));
	sr_sb_printf(t, "sysrec_ring_files_deleted_total{reason=\"space\"} %llu\n",
		     (unsigned long long)rec_metrics_get(&m->ring_deleted_space));
	one(t, "sysrec_disk_full_total", "counter",
	    "Times the disk filled and old files made room.", &m->disk_full);
	one(t, "sysrec_evidence_files_total", "counter", "Evidence captures written.",
	    &m->evidence_files);
	one(t, "sysrec_rules_reloads_total", "counter", "Successful rules reloads.", &m->reloads);
	one(t, "sysrec_rules_reload_failures_total", "counter",
	    "Rules reloads that failed (the previous rules stayed).", &m->reload_failures);
	head(t, "sysrec_consumer_lag_seconds", "gauge",
	     "Age of the newest record handed to the writer in the consumer's last round.");
	sr_sb_printf(t, "sysrec_consumer_lag_seconds %.6f\n",
		     (double)rec_metrics_get(&m->lag_ns) / 1e9);
	for (size_t i = 0; i < m->nsrc; i++)
		m->src_fn[i](m->src_ctx[i], t);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **state)
{
	struct rec_metrics *m = cls;

	(void)version;
	(void)upload_data;
	(void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n", 9,
			     MHD_RESPMEM_PERSISTENT);
	if (*upload_data_size)
		return reply(c, MHD_HTTP_BAD_REQUEST, "no body expected\n", 17,
			     MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/metrics")) {
		struct sr_sb t;

		sr_sb_init_grow(&t);
		__atomic_add_fetch(&m->scrapes, 1, __ATOMIC_RELAXED);
		rec_metrics_render(m, &t);
		if (sr_sb_cut(&t)) {
			sr_sb_free(&t);
			return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n", 14,
				     MHD_RESPMEM_PERSISTENT);
		}
		return reply(c, MHD_HTTP_OK, t.p, t.len, MHD_RESPMEM_MUST_FREE);
	}
	if (!strcmp(url, "/healthz")) {
		uint64_t beat = rec_metrics_get(&m->heartbeat_ns);

		if (beat && sr_time_now(CLOCK_MONOTONIC) - beat < REC_METRICS_STALL_NS)
			return reply(c, MHD_HTTP_OK, "ok\n", 3, MHD_RESPMEM_PERSISTENT);
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "recorder stalled\n", 17,
			     MHD_RESPMEM_PERSISTENT);
	}
	return reply(c, MHD_HTTP_NOT_FOUND, "not found: /metrics or /healthz\n", 32,
		     MHD_RESPMEM_PERSISTENT);
}

int rec_metrics_start(struct rec_metrics *m, const char *listen, struct sr_err *err)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	struct addrinfo hints, *ai = NULL;
	size_t hl;
	int rc;

	if (!colon || colon == listen || !colon[1])
		return sr_err_set(err, SR_ESYNTAX, "metrics: listen '%s' is not HOST:PORT", listen);
	hl = (size_t)(colon - listen);
	if (listen[0] == '[' && hl >= 2 && listen[hl - 1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)hl - 2, listen + 1);
	else
		snprintf(host, sizeof(host), "%.*s", (int)hl, listen);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host, colon + 1, &hints, &ai);
	if (rc)
		return sr_err_set(err, SR_ESYNTAX, "metrics: listen '%s': %s", listen,
				  gai_strerror(rc));
	m->daemon = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0), 0,
	    NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!m->daemon)
		return sr_err_set(err, SR_EIO, "metrics: cannot listen on %s (in use?)", listen);
	return 0;
}

void rec_metrics_stop(struct rec_metrics *m)
{
	if (m->daemon)
		MHD_stop_daemon(m->daemon);
	m->daemon = NULL;
	for (uint32_t i = 0; i < m->nrules; i++)
		free((char *)m->rules[i].name);
	m->nrules = 0;
}
