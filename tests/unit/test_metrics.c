/* rec_metrics: the Prometheus text, label escaping, per-rule counts and the
 * hook for extra sources. */
#include <stdlib.h>
#include <string.h>

#include "../../record/rec_metrics.c"
#include "../tap.h"

static void extra(void *ctx, struct rec_metrics_text *t)
{
	rec_metrics_printf(t, "x_output_sent_total{output=\"%s\"} 7\n", (const char *)ctx);
}

TEST(metrics_render)
{
	static struct rec_metrics m;
	struct rec_metrics_text t = {0};

	rec_metrics_init(&m);
	CHECK_EQ_INT(rec_metrics_add_source(&m, extra, "file"), 0);
	rec_metrics_set(&m.events, 1234);
	rec_metrics_set(&m.drops[0], 5);
	rec_metrics_set(&m.bytes, 100);
	rec_metrics_set(&m.raw_bytes, 450);
	rec_metrics_set(&m.ncpus, 2);
	rec_metrics_set(&m.fill_ppm[1], 250000);
	rec_metrics_set(&m.ring_deleted, 4);
	rec_metrics_set(&m.ring_deleted_space, 1);
	rec_metrics_rule_match(&m, "a \"quoted\" \\ rule", "Warning");
	rec_metrics_rule_match(&m, "b", "Error");
	rec_metrics_rule_match(&m, "a \"quoted\" \\ rule", "Warning");
	rec_metrics_render(&m, &t);
	CHECK(!t.oom);
	CHECK(t.buf && strstr(t.buf, "\nfalcosecurity_scap_n_evts_total 1234\n"));
	CHECK(t.buf && strstr(t.buf, "# TYPE falcosecurity_scap_n_evts_total counter\n"));
	CHECK(t.buf && strstr(t.buf, "falcosecurity_scap_n_drops_total{reason=\"ring_full\"} 5\n"));
	CHECK(t.buf && strstr(t.buf, "falcosecurity_falco_rules_matches_total{rule_name=\"a "
				     "\\\"quoted\\\" \\\\ rule\",priority=\"Warning\","
				     "source=\"syscall\"} 2\n"));
	CHECK(t.buf && strstr(t.buf, "rule_name=\"b\",priority=\"Error\",source=\"syscall\"} 1\n"));
	CHECK(t.buf && strstr(t.buf, "sysrec_compression_ratio 4.500\n"));
	CHECK(t.buf && strstr(t.buf, "sysrec_ring_fill_ratio{cpu=\"1\"} 0.250000\n"));
	CHECK(t.buf && !strstr(t.buf, "cpu=\"2\""));
	CHECK(t.buf && strstr(t.buf, "sysrec_ring_files_deleted_total{reason=\"retention\"} 3\n"));
	CHECK(t.buf && strstr(t.buf, "sysrec_ring_files_deleted_total{reason=\"space\"} 1\n"));
	/* the hook's lines come last */
	CHECK(t.buf && strstr(t.buf, "x_output_sent_total{output=\"file\"} 7\n") ==
			   t.buf + t.len - strlen("x_output_sent_total{output=\"file\"} 7\n"));
	free(t.buf);
	rec_metrics_stop(&m);
}

TEST(metrics_sources_limit)
{
	static struct rec_metrics m;

	rec_metrics_init(&m);
	for (int i = 0; i < REC_METRICS_SOURCES; i++)
		CHECK_EQ_INT(rec_metrics_add_source(&m, extra, "x"), 0);
	CHECK_EQ_INT(rec_metrics_add_source(&m, extra, "x"), SR_ELIMIT);
}
