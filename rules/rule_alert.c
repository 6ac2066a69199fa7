/* rule_alert.c: alert rendering as Falco prints it.
 *
 * Text: "HH:MM:SS.nnnnnnnnn: Priority OUTPUT" with the event's local time
 * (Falco's default prefix "%evt.time: <priority>").
 * JSON: Falco's object {hostname, output, output_fields, priority, rule,
 * source, tags, time}: output is the full text line, output_fields maps each
 * field of the rule's output (plus evt.time from the prefix) to its value or
 * null, tags are sorted (Falco keeps them in a set), time is UTC RFC 3339
 * with nanoseconds.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../format/evt_print.h"
#include "rule_int.h"

#define ALERT_MAX_FIELDS 128

static size_t text_line(const struct rule *r, struct fld_ctx *c, char *buf, size_t cap)
{
	uint64_t ts = c->ev->rec->ts;
	time_t sec = (time_t)(ts / 1000000000u);
	struct sr_sb b;
	struct tm tm;

	if (!cap)
		return 0;
	localtime_r(&sec, &tm);
	sr_sb_init(&b, buf, cap);
	if (sr_sb_printf(&b, "%02d:%02d:%02d.%09u: %s ", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned)(ts % 1000000000u),
			 rule_priority_name(r->priority)) == SR_EFORMAT)
		return 0;
	if (sr_sb_cut(&b))
		return b.len;
	if (r->fmt)
		fld_format_put(r->fmt, c, &b);
	else
		sr_sb_puts(&b, r->output);
	return b.len;
}

size_t rule_alert_text(const struct rule *r, struct fld_ctx *c, char *buf, size_t cap)
{
	size_t n = text_line(r, c, buf, cap);

	return cap ? strlen(buf) : n;
}

/* The field as Falco names it in output_fields: as written in the format. */
static void ref_name(const struct fld_ref *ref, char *out, size_t cap)
{
	const char *name = ref->def ? ref->def->name : "?";

	if (ref->arg_index >= 0)
		snprintf(out, cap, "%s[%lld]", name, (long long)ref->arg_index);
	else if (ref->arg_key[0] &&
		 (strcmp(name, "evt.arg") == 0 || strcmp(name, "evt.rawarg") == 0))
		snprintf(out, cap, "%s.%s", name, ref->arg_key);
	else if (ref->arg_key[0])
		snprintf(out, cap, "%s[%s]", name, ref->arg_key);
	else
		snprintf(out, cap, "%s", name);
}

/* A JSON string for text taken from a capture: cJSON copies bytes as they
 * are, and a comm, path or command line may hold bytes that are not UTF-8,
 * which would make the line invalid JSON. evt_print_json_string escapes them
 * (no byte lost); every byte needs at most 6 output bytes. */
static cJSON *text_json(const char *s)
{
	size_t n = strlen(s), cap = 6 * n + 3;
	char stack[2048], *buf = cap <= sizeof(stack) ? stack : malloc(cap);
	cJSON *j;

	if (!buf)
		return cJSON_CreateNull();
	evt_print_json_string(s, n, 0, buf, cap);
	j = cJSON_CreateRaw(buf);
	if (buf != stack)
		free(buf);
	return j;
}

cJSON *rule_value_json(const struct fld_value *v)
{
	char tmp[1024];

	if (!v->present)
		return cJSON_CreateNull();
	switch (v->type) {
	case FT_V_INT:
	case FT_V_RELTIME:
		/* Raw text keeps 64-bit precision (cJSON numbers are doubles). */
		snprintf(tmp, sizeof(tmp), "%lld", (long long)v->i);
		return cJSON_CreateRaw(tmp);
	case FT_V_UINT:
	case FT_V_PORT:
	case FT_V_TIME:
		snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v->u);
		return cJSON_CreateRaw(tmp);
	case FT_V_BOOL:
		return cJSON_CreateBool(v->i || v->u);
	default:
		fld_value_format(v, tmp, sizeof(tmp));
		return text_json(tmp);
	}
}

struct named_ref {
	char key[160];
	const struct fld_ref *ref;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named_ref *)a)->key, ((const struct named_ref *)b)->key);
}

/* Falco's output_fields (and sysdig's -j -p objects) come out with sorted
 * keys (a JSON object built in a sorted map); for alerts, evt.time (from the
 * "%evt.time: " prefix) is one of them. */
void rule_fields_json(cJSON *fields, const struct fld_ref *const *refs, size_t nf,
		      struct fld_ctx *c, int with_time)
{
	struct named_ref nr[ALERT_MAX_FIELDS + 1];
	uint64_t ts = c->ev->rec->ts;
	size_t n = 0;
	char num[32];

	if (nf > ALERT_MAX_FIELDS)
		nf = ALERT_MAX_FIELDS;
	if (with_time) {
		snprintf(nr[n].key, sizeof(nr[n].key), "evt.time");
		nr[n++].ref = NULL;
	}
	for (size_t i = 0; i < nf; i++) {
		size_t k;

		ref_name(refs[i], nr[n].key, sizeof(nr[n].key));
		for (k = 0; k < n; k++)
			if (strcmp(nr[k].key, nr[n].key) == 0)
				break;
		if (k < n)
			continue; /* a field named twice appears once */
		nr[n++].ref = refs[i];
	}
	qsort(nr, n, sizeof(nr[0]), cmp_named);
	for (size_t i = 0; i < n; i++) {
		struct fld_value v;

		if (!nr[i].ref) {
			snprintf(num, sizeof(num), "%llu", (unsigned long long)ts);
			cJSON_AddItemToObject(fields, nr[i].key, cJSON_CreateRaw(num));
			continue;
		}
		memset(&v, 0, sizeof(v));
		if (fld_extract(nr[i].ref, c, &v) != 1)
			v.present = 0;
		cJSON_AddItemToObject(fields, nr[i].key, rule_value_json(&v));
	}
}

static int cmp_tag(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t rule_alert_json(const struct rule *r, struct fld_ctx *c, char *buf, size_t cap)
{
	char line[8192], host[256], tbuf[64];
	const struct fld_ref *refs[ALERT_MAX_FIELDS];
	uint64_t ts = c->ev->rec->ts;
	time_t sec = (time_t)(ts / 1000000000u);
	cJSON *o, *fields, *tags;
	const char **sorted;
	struct tm tm;
	size_t nf = 0;
	struct sr_sb b;
	char *txt;

	if (cap)
		buf[0] = '\0';
	text_line(r, c, line, sizeof(line));
	o = cJSON_CreateObject();
	if (!o)
		return 0;
	if (c->hostname) {
		snprintf(host, sizeof(host), "%s", c->hostname);
	} else if (gethostname(host, sizeof(host)) != 0) {
		host[0] = '\0';
	}
	host[sizeof(host) - 1] = '\0';
	cJSON_AddItemToObject(o, "hostname", text_json(host));
	cJSON_AddItemToObject(o, "output", text_json(line));
	fields = cJSON_AddObjectToObject(o, "output_fields");
	if (r->fmt)
		nf = fld_format_fields(r->fmt, refs, ALERT_MAX_FIELDS);
	if (fields)
		rule_fields_json(fields, refs, nf, c, 1);
	cJSON_AddStringToObject(o, "priority", rule_priority_name(r->priority));
	cJSON_AddStringToObject(o, "rule", r->name);
	cJSON_AddStringToObject(o, "source", r->source);
	tags = cJSON_AddArrayToObject(o, "tags");
	sorted = r->tags.n ? malloc(r->tags.n * sizeof(*sorted)) : NULL;
	if (sorted && tags) {
		memcpy(sorted, r->tags.v, r->tags.n * sizeof(*sorted));
		qsort(sorted, r->tags.n, sizeof(*sorted), cmp_tag);
		for (size_t i = 0; i < r->tags.n; i++)
			cJSON_AddItemToArray(tags, cJSON_CreateString(sorted[i]));
	}
	free(sorted);
	gmtime_r(&sec, &tm);
	snprintf(tbuf, sizeof(tbuf), "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(ts % 1000000000u));
	cJSON_AddStringToObject(o, "time", tbuf);
	txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!txt)
		return 0;
	sr_sb_init(&b, buf, cap);
	sr_sb_puts(&b, txt);
	free(txt);
	return b.len;
}
