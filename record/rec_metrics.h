/* rec_metrics: the recorder's counters, served as Prometheus text.
 *
 *   rec_metrics_init(&m);                    // counters at 0, no server
 *   rec_metrics_add_source(&m, fn, ctx);     // more lines (outputs/...), before start
 *   rec_metrics_start(&m, "127.0.0.1:8765", &err);
 *   ... the consumer: rec_metrics_set(&m.events, n); rec_metrics_rule_match(...) ...
 *   rec_metrics_stop(&m);
 *
 * Threads: the consumer (the thread reading the kernel's buffers) is the
 * only writer of every counter and stores them with relaxed atomics; the
 * HTTP server's thread (libmicrohttpd, internal polling) only loads them.
 * Nothing is locked, so a scrape never makes the consumer wait. A scrape
 * sees each counter as of some moment: two counters may be a few
 * milliseconds apart.
 *
 * GET /metrics: Prometheus text format 0.0.4, Falco's names where the
 * quantity is Falco's (falcosecurity_...), sysrec_ for the rest; the list is
 * in man/sysrec.8. GET /healthz: 200 "ok" while the consumer has gone
 * round its loop within the last 5 s, 503 otherwise.
 */
#ifndef REC_METRICS_H
#define REC_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "../common/sr_sb.h"

#define REC_METRICS_CPUS    256
#define REC_METRICS_RULES   1024
#define REC_METRICS_SOURCES 8

/* A source of extra lines (e.g. per-output counters), appended to a
 * growable builder with sr_sb_printf: called on the server
 * thread at each scrape, so it must only read what it reports (atomics). */
typedef void (*rec_metrics_fn)(void *ctx, struct sr_sb *t);

struct rec_metrics_rule {
	const char *name;     /* owned; set once before the slot is published */
	const char *priority; /* static */
	uint64_t matches;
};

struct rec_metrics {
	/* set by the consumer (rec_metrics_set / _add), read by the server */
	uint64_t events;	   /* events recorded */
	uint64_t drops[3];	   /* ring_full, nomem, other (enum prb_drop) */
	uint64_t bytes, raw_bytes; /* written this run (compressed, raw) */
	uint64_t chunks;
	uint64_t ring_files, ring_bytes; /* the set on disk now */
	uint64_t ring_deleted, ring_deleted_space, disk_full;
	uint64_t evidence_files;
	uint64_t alerts, reloads, reload_failures;
	uint64_t outputs_drops; /* alerts an output queue dropped (none queue yet: 0) */
	uint64_t lag_ns;	/* now - timestamp of the last record drained */
	uint64_t heartbeat_ns;	/* CLOCK_MONOTONIC of the consumer's last round */
	uint64_t ncpus;
	uint64_t fill_ppm[REC_METRICS_CPUS]; /* per-CPU buffer fill, parts per million */
	/* rule matches: slots [0, nrules) published with release */
	struct rec_metrics_rule rules[REC_METRICS_RULES];
	uint32_t nrules;
	uint64_t rules_overflow; /* matches of rules beyond the table */
	/* extra sources, registered before start */
	rec_metrics_fn src_fn[REC_METRICS_SOURCES];
	void *src_ctx[REC_METRICS_SOURCES];
	size_t nsrc;
	void *daemon; /* struct MHD_Daemon */
	uint64_t scrapes;
};

void rec_metrics_init(struct rec_metrics *m);
/* Registers fn (called at every scrape with ctx) before rec_metrics_start;
 * SR_ELIMIT past REC_METRICS_SOURCES. */
int rec_metrics_add_source(struct rec_metrics *m, rec_metrics_fn fn, void *ctx);
/* The alert outputs' source (rec_metrics_out.c): ctx is their struct
 * out_set, which must outlive the server (stop metrics before closing it).
 * And the drops of all outputs, for falcosecurity_falco_outputs_queue_num_drops_total. */
struct out_set;
void rec_metrics_outputs(void *ctx, struct sr_sb *t);
uint64_t rec_metrics_outputs_dropped(struct out_set *s);
/* listen is HOST:PORT (an IPv4 or IPv6 literal, [::1]:PORT, or a name). */
int rec_metrics_start(struct rec_metrics *m, const char *listen, struct sr_err *err);
void rec_metrics_stop(struct rec_metrics *m);
/* The consumer's side. */
static inline void rec_metrics_set(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}
static inline uint64_t rec_metrics_get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}
void rec_metrics_rule_match(struct rec_metrics *m, const char *rule, const char *priority);
/* The /metrics text (for tests, and what the server sends); caller frees
 * t->buf. */
void rec_metrics_render(struct rec_metrics *m, struct sr_sb *t);

#endif
