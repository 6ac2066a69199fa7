/* rec_metrics: the Prometheus text, label escaping, per-rule counts and the
 * hook for extra sources. */
#include <stdlib.h>
#include <string.h>

#include "../../record/rec_metrics.c"
#include "../tap.h"

static void extra(void *ctx, struct sr_sb *t)
{
	sr_sb_printf(t, "x_output_sent_total{output=\"%s\"} 7\n", (const char *)ctx);
}

TEST(metrics_render)
{
	static struct rec_metrics m;
	struct sr_sb t;

	sr_sb_init_grow(&t);
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
	CHECK(!sr_sb_cut(&t));
	CHECK(t.p && strstr(t.p, "\nfalcosecurity_scap_n_evts_total 1234\n"));
	CHECK(t.p && strstr(t.p, "# TYPE falcosecurity_scap_n_evts_total counter\n"));
	CHECK(t.p && strstr(t.p, "falcosecurity_scap_n_drops_total{reason=\"ring_full\"} 5\n"));
	CHECK(t.p && strstr(t.p, "falcosecurity_falco_rules_matches_total{rule_name=\"a "
				 "\\\"quoted\\\" \\\\ rule\",priority=\"Warning\","
				 "source=\"syscall\"} 2\n"));
	CHECK(t.p && strstr(t.p, "rule_name=\"b\",priority=\"Error\",source=\"syscall\"} 1\n"));
	CHECK(t.p && strstr(t.p, "sysrec_compression_ratio 4.500\n"));
	CHECK(t.p && strstr(t.p, "sysrec_ring_fill_ratio{cpu=\"1\"} 0.250000\n"));
	CHECK(t.p && !strstr(t.p, "cpu=\"2\""));
	CHECK(t.p && strstr(t.p, "sysrec_ring_files_deleted_total{reason=\"retention\"} 3\n"));
	CHECK(t.p && strstr(t.p, "sysrec_ring_files_deleted_total{reason=\"space\"} 1\n"));
	/* the hook's lines come last */
	CHECK(t.p && strstr(t.p, "x_output_sent_total{output=\"file\"} 7\n") ==
			 t.p + t.len - strlen("x_output_sent_total{output=\"file\"} 7\n"));
	free(t.p);
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
