/* out_set.c: the configured outputs together: priority and rate filters,
 * the uuid, the fan-out to each output's worker, counters. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../common/sr_time.h"
#include "../rules/rule.h"

#include "out_int.h"

struct out_set {
	struct out_conf conf; /* a copy: the targets point into it */
	struct out_target t[OUT_NKINDS];
	struct out_worker *w[OUT_NKINDS];
	int on[OUT_NKINDS];
	struct out_rate *rl;
	uint64_t last_sweep;
	int want_json, want_text;
	char hostname[256]; /* of the first alert: for summaries */
};

static const char *const kind_names[OUT_NKINDS] = {"stdout", "file", "program", "syslog",
						   "http",   "nats", "kafka"};

/* The spool root and its parents (one level per '/'), mode 0700. */
static int mkdir_p(const char *dir, struct sr_err *err)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *c = p + 1;; c++) {
		int end = !*c;

		if (*c && *c != '/')
			continue;
		*c = '\0';
		if (mkdir(p, 0700) && errno != EEXIST)
			return sr_err_set(err, SR_EIO, "spool directory %s: %s", p,
					  strerror(errno));
		if (end)
			return 0;
		*c = '/';
	}
}

const char *out_kind_name(enum out_kind k)
{
	return k < OUT_NKINDS ? kind_names[k] : "?";
}

int out_set_open(struct out_set **out, const struct out_conf *conf, const char *spool_root,
		 struct sr_err *err)
{
	struct out_set *s = calloc(1, sizeof(*s));
	const char *root = conf->spool_dir ? conf->spool_dir : spool_root;
	int rc = 0;

	*out = NULL;
	if (!s)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	s->conf = *conf;
	memset(&s->conf.arena, 0, sizeof(s->conf.arena)); /* strings stay the caller's */
	if (conf->rate > 0 && !(s->rl = out_rate_new(conf->rate, conf->burst, conf->summary_ns)))
		rc = sr_err_set(err, SR_ENOMEM, "out of memory");
	if (!rc && out_conf_any(conf) && mkdir_p(root, err))
		rc = err->code ? err->code : SR_EIO;
	for (int k = 0; k < OUT_NKINDS && !rc; k++) {
		struct out_target *t = &s->t[k];
		char dir[4200];

		if (!conf->t[k].enabled)
			continue;
		t->c = &s->conf.t[k];
		t->kind = (enum out_kind)k;
		t->json = t->c->json >= 0				     ? t->c->json
			  : k == OUT_HTTP || k == OUT_NATS || k == OUT_KAFKA ? 1
									     : conf->json;
		if (k == OUT_HTTP)
			t->json = 1;
		s->on[k] = 1;
		if (t->json)
			s->want_json = 1;
		else
			s->want_text = 1;
		if (k == OUT_STDOUT)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, kind_names[k]);
		rc = out_worker_start(&s->w[k], t, &s->conf, dir, err);
	}
	if (rc) {
		out_set_close(s, NULL);
		return rc;
	}
	*out = s;
	return 0;
}

int out_set_wants_json(const struct out_set *s)
{
	return s->want_json;
}

int out_set_wants_text(const struct out_set *s)
{
	return s->want_text;
}

/* json with ,"uuid":"..." before its closing brace (keys stay sorted:
 * "uuid" comes after "time"). malloc'd; NULL when json is not an object. */
static char *json_with_uuid(const char *json, const char *uuid)
{
	size_t n = json ? strlen(json) : 0;
	char *o;

	while (n && json[n - 1] != '}')
		n--;
	if (!n)
		return NULL;
	o = malloc(n + 60);
	if (!o)
		return NULL;
	memcpy(o, json, n - 1);
	snprintf(o + n - 1, 60, "%s\"uuid\":\"%s\"}", n > 2 ? "," : "", uuid);
	return o;
}

/* 1 when output k is on and takes alerts of this priority. */
static int takes(const struct out_set *s, int k, int priority)
{
	return s->on[k] && priority <= s->t[k].c->min_priority;
}

static void fan_out(struct out_set *s, const struct out_alert *a)
{
	char uuid[37], *json;
	uint8_t *rec = NULL;
	size_t len = 0;
	int queued = 0;

	for (int k = OUT_STDOUT + 1; k < OUT_NKINDS; k++)
		queued |= takes(s, k, a->priority);
	if (queued) { /* the uuid and the record only for the queued outputs */
		out_uuid_new(uuid);
		json = json_with_uuid(a->json, uuid);
		rec =
		    out_rec_encode(a, uuid, json ? json : "{}", sr_time_now(CLOCK_REALTIME), &len);
		free(json);
	}
	for (int k = 0; k < OUT_NKINDS; k++) {
		const struct out_target *t = &s->t[k];
		uint8_t *copy;

		if (!takes(s, k, a->priority))
			continue;
		if (k == OUT_STDOUT) {
			/* as Falco prints it: without the uuid */
			out_stdout_write(t->json ? a->json : a->text);
			continue;
		}
		copy = rec ? malloc(len) : NULL;
		if (copy)
			memcpy(copy, rec, len);
		/* a NULL record is an alert too big or no memory: counted dropped */
		out_worker_push(s->w[k], copy, copy ? len : 0);
	}
	free(rec);
}

/* "12,345": the summary's count, as a person reads it */
static void thousands(uint64_t n, char *buf, size_t cap)
{
	char d[32];
	size_t l = (size_t)snprintf(d, sizeof(d), "%" PRIu64, n), o = 0;

	for (size_t i = 0; i < l && o + 2 < cap; i++) {
		if (i && (l - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = '\0';
}

static void emit_summary(void *ctx, const char *rule, int priority, const char *source, uint64_t n,
			 uint64_t window_ns)
{
	struct out_set *s = ctx;
	uint64_t now = sr_time_now(CLOCK_REALTIME);
	char text[1024], num[32], when[64], clock[32], hms[40];
	struct out_alert a;
	cJSON *o, *f;
	char *json;

	thousands(n, num, sizeof(num));
	snprintf(when, sizeof(when), "%.0f s", (double)window_ns / 1e9);
	sr_time_format_rfc3339(now, clock, sizeof(clock));
	{
		time_t sec = (time_t)(now / 1000000000u);
		struct tm tm;

		localtime_r(&sec, &tm);
		snprintf(hms, sizeof(hms), "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned)(now % 1000000000u));
	}
	snprintf(text, sizeof(text), "%s: %s rule %s: %s more alerts suppressed in the last %s",
		 hms, rule_priority_name((enum rule_priority)priority), rule, num, when);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "hostname", s->hostname);
	cJSON_AddStringToObject(o, "output", text);
	f = cJSON_AddObjectToObject(o, "output_fields");
	cJSON_AddNumberToObject(f, "suppressed", (double)n);
	cJSON_AddNumberToObject(f, "window_s", (double)(window_ns / 1000000000u));
	cJSON_AddStringToObject(o, "priority", rule_priority_name((enum rule_priority)priority));
	cJSON_AddStringToObject(o, "rule", rule);
	cJSON_AddStringToObject(o, "source", source);
	cJSON_AddItemToObject(o, "tags",
			      cJSON_CreateStringArray((const char *[]){"rate_limit"}, 1));
	cJSON_AddStringToObject(o, "time", clock);
	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	memset(&a, 0, sizeof(a));
	a.rule = rule;
	a.priority = priority;
	a.source = source;
	a.hostname = s->hostname;
	a.ts_ns = now;
	a.text = text;
	a.json = json;
	fan_out(s, &a);
	free(json);
}

void out_set_tick(struct out_set *s)
{
	uint64_t now = sr_time_now(CLOCK_MONOTONIC);

	if (!s->rl || now - s->last_sweep < 1000000000u)
		return;
	s->last_sweep = now;
	out_rate_sweep(s->rl, now, 0, emit_summary, s);
}

int out_set_admit(struct out_set *s, const char *rule, int priority, const char *source)
{
	struct out_alert a = {rule, priority, source, NULL, 0, NULL, NULL};
	int any = 0;

	for (int k = 0; k < OUT_NKINDS; k++)
		any |= takes(s, k, priority);
	if (!any)
		return 0;
	if (!s->rl)
		return 1;
	out_set_tick(s);
	return out_rate_allow(s->rl, &a, sr_time_now(CLOCK_MONOTONIC));
}

void out_set_emit(struct out_set *s, const struct out_alert *a)
{
	struct out_alert c = *a;

	if (!c.text)
		c.text = "";
	if (!c.hostname)
		c.hostname = "";
	if (!s->hostname[0])
		snprintf(s->hostname, sizeof(s->hostname), "%s", c.hostname);
	fan_out(s, &c);
}

void out_set_reopen(struct out_set *s)
{
	s->t[OUT_FILE].reopen = 1;
}

size_t out_set_stats(struct out_set *s, struct out_stats *st, size_t cap)
{
	size_t n = 0;

	for (int k = 0; k < OUT_NKINDS; k++) {
		if (!s->w[k])
			continue;
		if (n < cap)
			out_worker_stats(s->w[k], &st[n]);
		n++;
	}
	return n;
}

uint64_t out_set_suppressed(const struct out_set *s)
{
	return s->rl ? out_rate_suppressed(s->rl) : 0;
}

void out_set_close(struct out_set *s, FILE *f)
{
	if (!s)
		return;
	if (s->rl)
		out_rate_sweep(s->rl, sr_time_now(CLOCK_MONOTONIC), 1, emit_summary, s);
	for (int k = 0; k < OUT_NKINDS; k++) {
		struct out_stats st;

		if (!s->w[k])
			continue;
		out_worker_stop(s->w[k], s->conf.drain_ns, &st);
		s->w[k] = NULL;
		if (f)
			fprintf(f,
				"%s: output %s: %" PRIu64 " accepted, %" PRIu64 " sent, %" PRIu64
				" retried, %" PRIu64 " spooled, %" PRIu64
				" dropped; latency avg %.1f ms, max %.1f ms\n",
				program_invocation_short_name, st.name, st.accepted, st.sent,
				st.retried, st.spooled, st.dropped,
				st.lat_count ? (double)st.lat_sum_ns / (double)st.lat_count / 1e6
					     : 0.0,
				(double)st.lat_max_ns / 1e6);
	}
	if (f && s->rl && out_rate_suppressed(s->rl))
		fprintf(f, "%s: rate limit: %" PRIu64 " alerts suppressed (summarized)\n",
			program_invocation_short_name, out_rate_suppressed(s->rl));
	out_rate_free(s->rl);
	free(s);
}
