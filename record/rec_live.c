/* rec_live.c: state engine and Falco rules over the live stream. */
#include "rec_live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fields/fld.h"
#include "../outputs/out.h"
#include "../rules/rule.h"
#include "../state/st.h"
#include "rec_action.h"
#include "rec_evidence.h"
#include "rec_metrics.h"

/* A finalized rule set from the files, or an error (with a non-NULL
 * err_prefix, printed on stderr after it: the message, the failing line and
 * a caret, before the set goes). */
static int load_rules(struct rule_set **out, const char *const *rules, size_t nrules,
		      const char *err_prefix, struct sr_err *err)
{
	struct rule_set *rs = rule_set_new();
	int rc = 0;

	*out = NULL;
	if (!rs)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	rule_set_match_mode(rs, RULE_MATCH_ALL);
	for (size_t i = 0; i < nrules && !rc; i++)
		rc = rule_set_load_file(rs, rules[i], err);
	if (!rc)
		rc = rule_set_finalize(rs, err);
	if (rc) {
		if (err_prefix) {
			fputs(err_prefix, stderr);
			rule_set_error_print(rs, stderr, err);
		}
		rule_set_free(rs);
		return rc;
	}
	if (!rule_set_count(rs))
		fprintf(stderr, "sysrec: warning: the rules files define no enabled rule\n");
	*out = rs;
	return 0;
}

int rec_live_init(struct rec_live *l, const char *const *rules, size_t nrules, const char *hostname,
		  struct sr_err *err)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->hostname, sizeof(l->hostname), "%s", hostname);
	l->st = st_new();
	if (!l->st)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	if (!nrules)
		return 0;
	l->fc = calloc(1, sizeof(*l->fc));
	if (!l->fc)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	l->fc->hostname = l->hostname;
	return load_rules(&l->rs, rules, nrules, NULL, err);
}

int rec_live_reload(struct rec_live *l, const char *const *rules, size_t nrules)
{
	struct rule_set *rs;
	struct sr_err err;

	if (!nrules || !l->rs)
		return 0;
	sr_err_clear(&err);
	if (load_rules(&rs, rules, nrules,
		       "sysrec: rules reload failed, the previous rules stay in force: ", &err)) {
		l->reload_failures++;
		return err.code ? err.code : SR_ESYNTAX;
	}
	rule_set_free(l->rs);
	l->rs = rs;
	l->reloads++;
	fprintf(stderr, "sysrec: rules reloaded: %zu rules\n", rule_set_count(rs));
	return 0;
}

/* The alert to the outputs, rendered in the formats they use. */
/* Adds what the recorder did about the alert (actions taken, its evidence
 * capture) to a rendered line, text or Falco JSON. */
static void annotate(struct rec_live *l, char *buf, size_t cap, int json,
		     const struct rec_evidence_ref *ev)
{
	if (l->act)
		rec_action_annotate(l->act, buf, cap, json);
	if (ev)
		rec_evidence_annotate(buf, strnlen(buf, cap), cap, json, ev);
}

static void rec_live_emit(struct rec_live *l, const struct rule *r, struct fld_ctx *c,
			  const struct rec_evidence_ref *ev)
{
	char text[8192], json[16384];
	struct out_alert a;

	/* held back by the rate limit or taken by no output: not rendered */
	if (!out_set_admit(l->outs, rule_name(r), (int)rule_priority(r), rule_source(r)))
		return;
	a.rule = rule_name(r);
	a.priority = (int)rule_priority(r);
	a.source = rule_source(r);
	a.hostname = l->hostname;
	a.ts_ns = c->ev->rec->ts;
	a.text = a.json = NULL;
	if (out_set_wants_text(l->outs)) {
		rule_alert_text(r, c, text, sizeof(text));
		annotate(l, text, sizeof(text), 0, ev);
		a.text = text;
	}
	if (out_set_wants_json(l->outs)) {
		rule_alert_json(r, c, json, sizeof(json));
		annotate(l, json, sizeof(json), 1, ev);
		a.json = json;
	}
	out_set_emit(l->outs, &a);
}

/* The alert's evidence capture, when its rule captures: 1 and ref set. */
static int evidence_for(struct rec_live *l, const struct rule *r, struct fld_ctx *c,
			struct rec_evidence_ref *ref)
{
	char text[8192];
	struct sr_err err;
	int rc;

	/* the text is rendered only for an alert that gets a capture */
	if (!l->evidence || !rec_evidence_wants(l->evidence, r))
		return 0;
	rule_alert_text(r, c, text, sizeof(text));
	sr_err_clear(&err);
	rc = rec_evidence_alert(l->evidence, r, c->ev, text, ref, &err);
	if (rc < 0)
		fprintf(stderr, "sysrec: evidence capture failed: %s\n",
			err.msg[0] ? err.msg : sr_code_name(rc));
	return rc > 0;
}

static void on_alert(void *ctx, const struct rule *r, struct fld_ctx *c)
{
	struct rec_live *l = ctx;
	struct rec_evidence_ref ref;
	int has_ev;
	char buf[8192];

	l->alerts++;
	/* before anything is printed: a kill races the offender */
	if (l->act)
		rec_action_alert(l->act, r, c);
	if (l->metrics)
		rec_metrics_rule_match(l->metrics, rule_name(r),
				       rule_priority_name(rule_priority(r)));
	has_ev = evidence_for(l, r, c, &ref);
	if (l->outs) {
		rec_live_emit(l, r, c, has_ev ? &ref : NULL);
		return;
	}
	if (l->quiet)
		return;
	if (l->json)
		rule_alert_json(r, c, buf, sizeof(buf));
	else
		rule_alert_text(r, c, buf, sizeof(buf));
	annotate(l, buf, sizeof(buf), l->json, has_ev ? &ref : NULL);
	printf("%s\n", buf);
	fflush(stdout);
}

void rec_live_event(struct rec_live *l, const struct evt *ev)
{
	st_event_begin(l->st, ev);
	if (l->rs) {
		fld_ctx_reset(l->fc, ev, l->st);
		rule_set_match(l->rs, l->fc, on_alert, l);
	}
	st_event_end(l->st, ev);
}

void rec_live_free(struct rec_live *l)
{
	if (l->rs)
		rule_set_free(l->rs);
	free(l->fc);
	if (l->st)
		st_free(l->st);
	memset(l, 0, sizeof(*l));
}
