/* rec_metrics_out.c: the alert outputs' delivery counters on /metrics.
 *
 * A metrics source (rec_metrics_add_source) called on the server thread at
 * each scrape; out_set_stats may be called from any thread (outputs/out.h),
 * so a scrape never waits for an output. */
#include <inttypes.h>
#include <stddef.h>

#include "../outputs/out.h"
#include "rec_metrics.h"

#define MAX_OUTPUTS 32

static void family(struct sr_sb *t, const char *name, const char *type, const char *help,
		   const struct out_stats *st, size_t n, size_t off)
{
	sr_sb_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	for (size_t i = 0; i < n; i++)
		sr_sb_printf(t, "%s{output=\"%s\"} %" PRIu64 "\n", name, st[i].name,
			     *(const uint64_t *)((const char *)&st[i] + off));
}

void rec_metrics_outputs(void *ctx, struct sr_sb *t)
{
	struct out_set *s = ctx;
	struct out_stats st[MAX_OUTPUTS];
	size_t n = out_set_stats(s, st, MAX_OUTPUTS);

	family(t, "sysrec_output_accepted_total", "counter",
	       "Alerts given to each output (after its minimum priority).", st, n,
	       offsetof(struct out_stats, accepted));
	family(t, "sysrec_output_sent_total", "counter",
	       "Alerts delivered by each output (acknowledged where the target acks).", st, n,
	       offsetof(struct out_stats, sent));
	family(t, "sysrec_output_retried_total", "counter",
	       "Failed delivery attempts, each retried later.", st, n,
	       offsetof(struct out_stats, retried));
	family(t, "sysrec_output_spooled", "gauge", "Alerts waiting in each output's spool now.",
	       st, n, offsetof(struct out_stats, spooled));
	family(t, "sysrec_output_dropped_total", "counter",
	       "Alerts lost by each output (spool at its cap or memory queue full).", st, n,
	       offsetof(struct out_stats, dropped));
	family(t, "sysrec_output_latency_seconds_count", "counter",
	       "Deliveries whose latency (emit to acknowledgement) was measured.", st, n,
	       offsetof(struct out_stats, lat_count));
	sr_sb_printf(t, "# HELP sysrec_output_latency_seconds_sum Sum of those latencies.\n"
			"# TYPE sysrec_output_latency_seconds_sum counter\n");
	for (size_t i = 0; i < n; i++)
		sr_sb_printf(t, "sysrec_output_latency_seconds_sum{output=\"%s\"} %.6f\n",
			     st[i].name, (double)st[i].lat_sum_ns / 1e9);
	sr_sb_printf(t,
		     "# HELP sysrec_alerts_suppressed_total Alerts the rate limit held back.\n"
		     "# TYPE sysrec_alerts_suppressed_total counter\n"
		     "sysrec_alerts_suppressed_total %" PRIu64 "\n",
		     out_set_suppressed(s));
}

uint64_t rec_metrics_outputs_dropped(struct out_set *s)
{
	struct out_stats st[MAX_OUTPUTS];
	size_t n = out_set_stats(s, st, MAX_OUTPUTS);
	uint64_t d = 0;

	for (size_t i = 0; i < n; i++)
		d += st[i].dropped;
	return d;
}
