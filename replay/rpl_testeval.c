/* rpl_testeval: a case's expectations against the alerts of its sink. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_test.h"

static void say(struct rpl_unit *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct rpl_unit *u, const char *fmt, ...)
{
	size_t old = u->msg ? strlen(u->msg) : 0;
	char line[1024];
	char *n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	u->ok = 0;
	n = realloc(u->msg, old + strlen(line) + 2);
	if (!n)
		return;
	u->msg = n;
	sprintf(n + old, "%s\n", line);
}

/* The output_fields value as text: strings as they are, numbers in decimal,
 * null as <NA> (Falco's text for a field without a value). */
static int field_equals(const cJSON *v, const char *want)
{
	char num[32];

	if (cJSON_IsString(v))
		return strcmp(v->valuestring, want) == 0;
	if (cJSON_IsNumber(v)) {
		/* integers beyond 2^53 lose digits in a double: compare the text */
		snprintf(num, sizeof(num), "%.0f", v->valuedouble);
		return strcmp(num, want) == 0;
	}
	if (cJSON_IsNull(v))
		return strcmp(want, "<NA>") == 0 || strcmp(want, "null") == 0;
	if (cJSON_IsBool(v))
		return strcmp(want, cJSON_IsTrue(v) ? "true" : "false") == 0;
	return 0;
}

static int alert_matches(const struct rpl_alert_rec *a, const struct rpl_spec_exp *e)
{
	cJSON *j, *of;
	const cJSON *out;
	int ok = 1;

	if (e->rule && strcmp(rule_name(a->r), e->rule))
		return 0;
	if (!e->output && !e->nfields)
		return 1;
	if (!a->json || !(j = cJSON_Parse(a->json)))
		return 0;
	out = cJSON_GetObjectItemCaseSensitive(j, "output");
	if (e->output && !(cJSON_IsString(out) && strstr(out->valuestring, e->output)))
		ok = 0;
	of = cJSON_GetObjectItemCaseSensitive(j, "output_fields");
	for (size_t i = 0; ok && i < e->nfields; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(of, e->fields[i].name);

		if (!v || !field_equals(v, e->fields[i].value))
			ok = 0;
	}
	cJSON_Delete(j);
	return ok;
}

/* The rule named by an expectation must be loaded and alerting, or the
 * expectation tests nothing (a typo, or a rule the selection dropped). */
static int rule_known(struct rpl_unit *u, const struct rpl_spec_exp *e)
{
	const struct rule *r = rule_set_find(u->sink->rs, e->rule);

	if (!r) {
		say(u, "rule '%s' is not loaded (unknown name, or it did not compile)", e->rule);
		return 0;
	}
	if (!rule_active(u->sink->rs, r)) {
		say(u, "rule '%s' is loaded but disabled", e->rule);
		return 0;
	}
	return 1;
}

static void check_rule(struct rpl_unit *u, size_t k, uint64_t first_ts, uint64_t last_ts)
{
	const struct rpl_spec_exp *e = &u->c->exps[k];
	const struct rpl_alert_rec *first = NULL;
	uint64_t n = 0;

	if (!rule_known(u, e))
		return;
	for (size_t i = 0; i < u->sink->nalerts; i++)
		if (!strcmp(rule_name(u->sink->alerts[i].r), e->rule) && !n++)
			first = &u->sink->alerts[i];
	u->actual[k] = n;
	u->actual_set[k] = 1;
	if (e->has_count && n != e->count) {
		if (e->count == 0)
			say(u,
			    "rule '%s': expected never, fired %" PRIu64 " times (first at event "
			    "%" PRIu64 ")",
			    e->rule, n, first->num);
		else
			say(u, "rule '%s': expected %" PRIu64 " alerts, got %" PRIu64, e->rule,
			    e->count, n);
	}
	if (e->has_at_least && n < e->at_least)
		say(u, "rule '%s': expected at least %" PRIu64 " alerts, got %" PRIu64, e->rule,
		    e->at_least, n);
	if ((e->has_first_num || e->has_first_time) && !first) {
		say(u, "rule '%s': expected a first alert, none fired", e->rule);
		return;
	}
	if (e->has_first_num && first->num != e->first_num)
		say(u, "rule '%s': first alert at event %" PRIu64 ", expected %" PRIu64, e->rule,
		    first->num, e->first_num);
	if (e->has_first_time) {
		uint64_t want = sr_time_resolve(&e->first_time, first_ts, last_ts);

		if (first->ts != want) {
			char a[64], b[64];

			sr_time_format_rfc3339(first->ts, a, sizeof(a));
			sr_time_format_rfc3339(want, b, sizeof(b));
			say(u, "rule '%s': first alert at %s, expected %s", e->rule, a, b);
		}
	}
}

static void check_alert(struct rpl_unit *u, const struct rpl_spec_exp *e)
{
	size_t tried = 0;

	if (e->rule && !rule_known(u, e))
		return;
	for (size_t i = 0; i < u->sink->nalerts; i++) {
		const struct rpl_alert_rec *a = &u->sink->alerts[i];

		if (alert_matches(a, e))
			return;
		if (!e->rule || !strcmp(rule_name(a->r), e->rule))
			tried++;
	}
	say(u, "no alert%s%s%s matches (%zu alert%s looked at)%s%s%s", e->rule ? " of '" : "",
	    e->rule ? e->rule : "", e->rule ? "'" : "", tried, tried == 1 ? "" : "s",
	    e->output ? ": output containing '" : "", e->output ? e->output : "",
	    e->output ? "'" : "");
	for (size_t f = 0; f < e->nfields; f++)
		say(u, "  wanted output_fields %s = %s", e->fields[f].name, e->fields[f].value);
}

int rpl_test_eval(struct rpl_unit *u, uint64_t first_ts, uint64_t last_ts)
{
	const struct rpl_spec_case *c = u->c;

	u->ok = 1;
	u->alerts = u->sink->nalerts;
	if (u->sink->oom)
		say(u, "out of memory keeping alerts");
	for (size_t k = 0; k < c->nexps; k++) {
		const struct rpl_spec_exp *e = &c->exps[k];
		size_t before = u->msg ? strlen(u->msg) : 0;

		if (e->has_alert) {
			check_alert(u, e);
			u->failed[k] = (u->msg ? strlen(u->msg) : 0) != before;
			continue;
		}
		if (e->rule)
			check_rule(u, k, first_ts, last_ts);
		if (e->has_total) {
			u->actual[k] = u->sink->nalerts;
			u->actual_set[k] = 1;
			if (u->sink->nalerts != e->total)
				say(u, "expected %" PRIu64 " alerts in all, got %zu", e->total,
				    u->sink->nalerts);
		}
		if (e->no_prio) {
			for (size_t i = 0; i < u->sink->nalerts; i++) {
				const struct rpl_alert_rec *a = &u->sink->alerts[i];

				if ((int)rule_priority(a->r) <= e->no_prio - 1) {
					say(u,
					    "alert of priority %s (>= %s): rule '%s' at event "
					    "%" PRIu64,
					    rule_priority_name(rule_priority(a->r)),
					    rule_priority_name(
						(enum rule_priority)(e->no_prio - 1)),
					    rule_name(a->r), a->num);
					break;
				}
			}
		}
		u->failed[k] = (u->msg ? strlen(u->msg) : 0) != before;
	}
	u->done = 1;
	return u->ok;
}
