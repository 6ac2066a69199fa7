/* rpl_multi: one read of a capture serving several rule sets, windows and
 * filters at once (sysreplay test, rules --coverage, diff-rules).
 *
 * A sink is one (rule set, window, filter) and collects the alerts its
 * rule set raises on the events inside its window that pass its filter,
 * as `sysreplay alerts --since --until` would with the filter applied
 * first. rpl_multi_run reads the capture once through rpl_run (one state
 * engine) and offers each event to every sink. Rule sets are borrowed and
 * may serve sinks of several captures; a sink's results are reset by each
 * run.
 */
#ifndef RPL_MULTI_H
#define RPL_MULTI_H

#include "rpl.h"
#include "rules/rule.h"

struct rpl_alert_rec {
	const struct rule *r;
	uint64_t num, ts;
	char *text; /* Falco text line, when the sink keeps texts */
	char *json; /* Falco JSON object, when the sink keeps JSON */
};

struct rpl_sink {
	/* set by the caller */
	const struct rule_set *rs;
	struct sr_time_spec since, until;
	const struct flt_prog *prog; /* NULL: every event; compiled without sharing */
	int keep_text, keep_json;
	/* results of the last run */
	uint64_t since_ns, until_ns;
	struct rpl_alert_rec *alerts; /* in event order */
	size_t nalerts, cap;
	int oom; /* an alert could not be kept */
};

/* Frees the kept alerts (the sink itself is the caller's). */
void rpl_sink_reset(struct rpl_sink *s);

/* Reads path once. hook (may be NULL) sees every event in the capture after
 * the sinks did, for callers that look at fields themselves. Returns 0 or the
 * input's error (err filled; events before it were delivered). */
int rpl_multi_run(const char *path, struct rpl_sink **sinks, size_t nsinks,
		  int (*hook)(void *ctx, struct fld_ctx *c), void *hook_ctx,
		  struct rpl_run_result *res, struct sr_err *err);

#endif
