/* out_config.c: the `outputs:` section (sysrec.yaml(5)) and the
 * command-line flags into a struct out_conf. Keys are table-driven: each
 * output accepts the common keys and its own; an unknown key, a wrong type
 * or a missing target is an error at the node, with a caret. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/sr_time.h"
#include "../rules/rule.h"
#include "../rules/rule_yaml.h"
#include "out_int.h"

enum ktype { K_BOOL, K_STR, K_PRIO, K_FORMAT, K_DUR, K_FACILITY, K_PAIRS, K_SERVERS };

struct key {
	const char *name;
	enum ktype type;
	size_t off;
	unsigned kinds; /* bit per enum out_kind */
};

#define B(k)   (1u << (k))
#define ALL    0x7fu
#define OFF(f) offsetof(struct out_target_conf, f)

static const struct key keys[] = {
    {"enabled", K_BOOL, OFF(enabled), ALL},
    {"min_priority", K_PRIO, OFF(min_priority), ALL},
    {"format", K_FORMAT, OFF(json), ALL & ~B(OUT_HTTP)},
    {"path", K_STR, OFF(path), B(OUT_FILE)},
    {"command", K_STR, OFF(command), B(OUT_PROGRAM)},
    {"address", K_STR, OFF(address), B(OUT_SYSLOG)},
    {"facility", K_FACILITY, OFF(facility), B(OUT_SYSLOG)},
    {"url", K_STR, OFF(address), B(OUT_HTTP)},
    {"headers", K_PAIRS, OFF(headers), B(OUT_HTTP)},
    {"insecure", K_BOOL, OFF(insecure), B(OUT_HTTP)},
    {"ca", K_STR, OFF(ca), B(OUT_HTTP) | B(OUT_NATS)},
    {"cert", K_STR, OFF(cert), B(OUT_HTTP) | B(OUT_NATS)},
    {"key", K_STR, OFF(key), B(OUT_HTTP) | B(OUT_NATS)},
    {"timeout", K_DUR, OFF(timeout_ns), B(OUT_HTTP) | B(OUT_NATS) | B(OUT_KAFKA)},
    {"servers", K_SERVERS, OFF(address), B(OUT_NATS)},
    {"subject", K_STR, OFF(subject), B(OUT_NATS)},
    {"jetstream", K_BOOL, OFF(jetstream), B(OUT_NATS)},
    {"credentials", K_STR, OFF(credentials), B(OUT_NATS)},
    {"brokers", K_SERVERS, OFF(address), B(OUT_KAFKA)},
    {"topic", K_STR, OFF(subject), B(OUT_KAFKA)},
    {"options", K_PAIRS, OFF(headers), B(OUT_KAFKA)},
};

/* The key that names each output's target, required when it is enabled. */
static const char *const target_key[OUT_NKINDS] = {NULL,  "path",    "command", NULL,
						   "url", "servers", "brokers"};

static const char *const facilities[] = {
    "kern",   "user",	"mail",	    "daemon", "auth",	"syslog", "lpr",    "news",
    "uucp",   "cron",	"authpriv", "ftp",    "ntp",	"audit",  "alert",  "clock",
    "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};

struct oc {
	struct out_conf *c;
	const struct rule_src *src;
	struct sr_err *err;
};

static int oc_err(struct oc *p, const struct rule_ynode *n, const char *fmt, const char *a)
{
	char what[300];

	snprintf(what, sizeof(what), fmt, a);
	return rule_src_error(p->src, n->line, n->col, what, p->err);
}

void out_conf_init(struct out_conf *c)
{
	memset(c, 0, sizeof(*c));
	for (int k = 0; k < OUT_NKINDS; k++) {
		c->t[k].json = -1;
		c->t[k].min_priority = RP_DEBUG;
		c->t[k].facility = 1; /* user */
	}
	c->t[OUT_STDOUT].enabled = 1;
	c->spool_max = 100000000ull;
	c->queue_len = 16384;
	c->drain_ns = 5000000000ull;
	c->burst = 100;
	c->summary_ns = 60000000000ull;
}

void out_conf_free(struct out_conf *c)
{
	sr_arena_reset(&c->arena);
}

int out_conf_any(const struct out_conf *c)
{
	for (int k = OUT_STDOUT + 1; k < OUT_NKINDS; k++)
		if (c->t[k].enabled)
			return 1;
	return 0;
}

int out_conf_flag(struct out_conf *c, enum out_kind k, const char *value, struct sr_err *err)
{
	struct out_target_conf *t = &c->t[k];

	if (!value || !*value)
		return sr_err_set(err, SR_ESYNTAX, "--alert-%s needs a value", out_kind_name(k));
	switch (k) {
	case OUT_FILE:
		t->path = value;
		break;
	case OUT_PROGRAM:
		t->command = value;
		break;
	default:
		t->address = value;
		break;
	}
	t->enabled = 1;
	return 0;
}

/* "NAME: value" pairs (http headers) or "name=value" (kafka options). */
static int oc_pairs(struct oc *p, const struct rule_ynode *v, struct out_target_conf *t, int kafka)
{
	if (v->kind != RY_MAP)
		return oc_err(p, v, "'%s' must be a map of names to values",
			      kafka ? "options" : "headers");
	t->nheaders = 0;
	for (size_t i = 0; i + 1 < v->nkids; i += 2) {
		const struct rule_ynode *k = v->kids[i], *x = v->kids[i + 1];
		size_t n;
		char *s;

		if (k->kind != RY_SCALAR || x->kind != RY_SCALAR || !k->len)
			return oc_err(p, k, "'%s' entries are name: value",
				      kafka ? "options" : "headers");
		if (t->nheaders == OUT_MAX_HEADERS)
			return oc_err(p, k, "at most 16 entries in '%s'",
				      kafka ? "options" : "headers");
		n = k->len + x->len + 3;
		s = sr_arena_alloc(&p->c->arena, n);
		if (!s)
			return sr_err_set(p->err, SR_ENOMEM, "out of memory");
		snprintf(s, n, kafka ? "%s=%s" : "%s: %s", k->s, x->s);
		t->headers[t->nheaders++] = s;
	}
	return 0;
}

/* A list of URLs, or one comma-separated string. */
static int oc_servers(struct oc *p, const struct rule_ynode *v, const char **out)
{
	size_t len = 0;
	char *s;

	if (v->kind == RY_SCALAR && v->len) {
		*out = v->s;
		return 0;
	}
	if (v->kind != RY_SEQ || !v->nkids)
		return oc_err(p, v, "'%s' must be a URL or a list of them", "servers");
	for (size_t i = 0; i < v->nkids; i++) {
		if (v->kids[i]->kind != RY_SCALAR || !v->kids[i]->len)
			return oc_err(p, v->kids[i], "'%s' items must be URLs", "servers");
		len += v->kids[i]->len + 1;
	}
	s = sr_arena_alloc(&p->c->arena, len);
	if (!s)
		return sr_err_set(p->err, SR_ENOMEM, "out of memory");
	len = 0;
	for (size_t i = 0; i < v->nkids; i++)
		len += (size_t)sprintf(s + len, "%s%s", i ? "," : "", v->kids[i]->s);
	*out = s;
	return 0;
}

static int oc_value(struct oc *p, const struct key *k, const struct rule_ynode *v,
		    struct out_target_conf *t, enum out_kind kind)
{
	void *f = (char *)t + k->off;
	struct sr_err e;
	int b;

	switch (k->type) {
	case K_BOOL:
		b = v->kind == RY_SCALAR && v->style == RYS_PLAIN ? rule_yscalar_bool(v) : -1;
		if (b < 0)
			return oc_err(p, v, "'%s' must be true or false", k->name);
		*(int *)f = b;
		return 0;
	case K_STR:
		if (v->kind != RY_SCALAR || !v->len || strlen(v->s) != v->len)
			return oc_err(p, v, "'%s' must be a non-empty string", k->name);
		*(const char **)f = v->s;
		return 0;
	case K_PRIO:
		b = v->kind == RY_SCALAR ? rule_priority_parse(v->s) : -1;
		if (b < 0)
			return oc_err(p, v, "'%s' must be a Falco priority (emergency ... debug)",
				      k->name);
		*(int *)f = b;
		return 0;
	case K_FORMAT:
		if (v->kind != RY_SCALAR || (strcmp(v->s, "text") && strcmp(v->s, "json")))
			return oc_err(p, v, "'%s' must be text or json", k->name);
		*(int *)f = !strcmp(v->s, "json");
		return 0;
	case K_DUR:
		if (v->kind != RY_SCALAR || sr_duration_parse(v->s, (uint64_t *)f, &e) ||
		    !*(uint64_t *)f)
			return oc_err(p, v, "'%s' must be a duration such as 500ms, 5s or 1m",
				      k->name);
		return 0;
	case K_FACILITY:
		for (size_t i = 0;
		     v->kind == RY_SCALAR && i < sizeof(facilities) / sizeof(*facilities); i++)
			if (!strcmp(v->s, facilities[i])) {
				*(int *)f = (int)i;
				return 0;
			}
		return oc_err(p, v,
			      "'%s' must be a syslog facility name (user, daemon, local0 ...)",
			      k->name);
	case K_PAIRS:
		return oc_pairs(p, v, t, kind == OUT_KAFKA);
	case K_SERVERS:
		return oc_servers(p, v, (const char **)f);
	}
	return 0;
}

static int oc_target(struct oc *p, const struct rule_ynode *m, enum out_kind kind)
{
	struct out_target_conf *t = &p->c->t[kind];
	const char *name = out_kind_name(kind);
	int rc = 0;

	if (m->kind != RY_MAP)
		return oc_err(p, m, "'outputs.%s' must be a map of keys", name);
	for (size_t i = 0; i + 1 < m->nkids && !rc; i += 2) {
		const struct rule_ynode *kn = m->kids[i], *v = m->kids[i + 1];
		size_t j;

		for (j = 0; j < sizeof(keys) / sizeof(*keys); j++)
			if (kn->kind == RY_SCALAR && !strcmp(keys[j].name, kn->s) &&
			    (keys[j].kinds & B(kind)))
				break;
		if (j == sizeof(keys) / sizeof(*keys)) {
			char what[160];

			snprintf(what, sizeof(what), "unknown key '%s' in outputs.%s",
				 kn->kind == RY_SCALAR ? kn->s : "?", name);
			return rule_src_error(p->src, kn->line, kn->col, what, p->err);
		}
		for (size_t d = 0; d < i; d += 2)
			if (!strcmp(m->kids[d]->s, kn->s))
				return oc_err(p, kn, "key '%s' given twice", kn->s);
		if (!rule_ynode_is_null(v))
			rc = oc_value(p, &keys[j], v, t, kind);
	}
	if (!rc && t->enabled && target_key[kind]) {
		const char *have = kind == OUT_FILE	 ? t->path
				   : kind == OUT_PROGRAM ? t->command
							 : t->address;

		if (!have) {
			char what[160];

			snprintf(what, sizeof(what), "outputs.%s is enabled but has no '%s'", name,
				 target_key[kind]);
			return rule_src_error(p->src, m->line, m->col, what, p->err);
		}
	}
	return rc;
}

static int oc_rate(struct oc *p, const struct rule_ynode *m)
{
	if (m->kind != RY_MAP)
		return oc_err(p, m, "'%s' must be a map of keys", "rate_limit");
	for (size_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct rule_ynode *k = m->kids[i], *v = m->kids[i + 1];
		char *end = NULL;
		struct sr_err e;
		double x;

		if (k->kind == RY_SCALAR && !strcmp(k->s, "summary_every")) {
			if (v->kind != RY_SCALAR ||
			    sr_duration_parse(v->s, &p->c->summary_ns, &e) || !p->c->summary_ns)
				return oc_err(p, v, "'%s' must be a duration such as 60s",
					      "summary_every");
			continue;
		}
		if (k->kind != RY_SCALAR || (strcmp(k->s, "rate") && strcmp(k->s, "burst")))
			return oc_err(p, k,
				      "unknown key '%s' in outputs.rate_limit (known: rate, "
				      "burst, summary_every)",
				      k->kind == RY_SCALAR ? k->s : "?");
		errno = 0;
		x = v->kind == RY_SCALAR ? strtod(v->s, &end) : -1;
		if (errno || !end || *end || x <= 0 || x > 1e6)
			return oc_err(p, v, "'%s' must be a number above 0, at most 1000000", k->s);
		if (!strcmp(k->s, "rate"))
			p->c->rate = x;
		else
			p->c->burst = (uint32_t)(x < 1 ? 1 : x);
	}
	return 0;
}

/* Bytes with an optional unit: kB, MB, GB (10^3 steps) or KiB, MiB, GiB. */
static int oc_bytes(struct oc *p, const struct rule_ynode *v, const char *name, uint64_t *out)
{
	static const char units[] = "kMG";
	unsigned long long n;
	char *end;

	errno = 0;
	n = v->kind == RY_SCALAR && v->s[0] >= '0' && v->s[0] <= '9' ? strtoull(v->s, &end, 10) : 0;
	if (!n || errno)
		return oc_err(p, v, "'%s' must be a size such as 100MB or 1GiB", name);
	while (*end == ' ')
		end++;
	if (*end) {
		const char *u = strchr(units, end[0] == 'K' ? 'k' : end[0]);
		int bin = end[1] == 'i';
		uint64_t mul = 1;

		if (!u || strcmp(end + 1 + bin, "B"))
			return oc_err(p, v, "'%s' must be a size such as 100MB or 1GiB", name);
		for (long i = 0; i <= u - units; i++)
			mul *= bin ? 1024 : 1000;
		if (n > UINT64_MAX / mul)
			return oc_err(p, v, "'%s' is too large", name);
		n *= mul;
	}
	*out = n;
	return 0;
}

int out_config_parse(struct out_conf *c, const struct rule_ynode *m, const struct rule_src *src,
		     struct sr_err *err)
{
	struct oc p = {c, src, err};

	if (m->kind != RY_MAP)
		return oc_err(&p, m, "'%s' must be a map of keys", "outputs");
	for (size_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct rule_ynode *k = m->kids[i], *v = m->kids[i + 1];
		uint64_t x;
		struct sr_err e;
		int rc = 0, kind;

		if (k->kind != RY_SCALAR)
			return oc_err(&p, k, "a key of '%s' must be a plain name", "outputs");
		for (size_t d = 0; d < i; d += 2)
			if (!strcmp(m->kids[d]->s, k->s))
				return oc_err(&p, k, "key '%s' given twice in outputs", k->s);
		if (rule_ynode_is_null(v))
			continue;
		for (kind = 0; kind < OUT_NKINDS && strcmp(out_kind_name(kind), k->s); kind++)
			;
		if (kind < OUT_NKINDS) {
			rc = oc_target(&p, v, (enum out_kind)kind);
		} else if (!strcmp(k->s, "json")) {
			struct out_target_conf scratch;

			rc = oc_value(&p, &keys[0], v, &scratch, OUT_STDOUT);
			c->json = rc ? c->json : scratch.enabled;
		} else if (!strcmp(k->s, "spool_dir")) {
			if (v->kind != RY_SCALAR || !v->len)
				return oc_err(&p, v, "'%s' must be a directory", "spool_dir");
			c->spool_dir = v->s;
		} else if (!strcmp(k->s, "spool_max")) {
			rc = oc_bytes(&p, v, "spool_max", &c->spool_max);
		} else if (!strcmp(k->s, "queue")) {
			rc = oc_bytes(&p, v, "queue", &x);
			if (!rc && x > 1000000)
				rc = oc_err(&p, v, "'%s' is at most 1000000 alerts", "queue");
			c->queue_len = (uint32_t)x;
		} else if (!strcmp(k->s, "drain_timeout")) {
			if (v->kind != RY_SCALAR || sr_duration_parse(v->s, &c->drain_ns, &e))
				rc = oc_err(&p, v, "'%s' must be a duration such as 5s",
					    "drain_timeout");
		} else if (!strcmp(k->s, "rate_limit")) {
			rc = oc_rate(&p, v);
		} else {
			rc = oc_err(
			    &p, k,
			    "unknown key '%s' in outputs (known: json, spool_dir, spool_max, "
			    "queue, drain_timeout, rate_limit, stdout, file, program, "
			    "syslog, http, nats, kafka)",
			    k->s);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int out_config_load(struct out_conf *c, const char *path, struct sr_err *err)
{
	struct rule_src src = {path, NULL, 0};
	struct rule_ynode **roots;
	const struct rule_ynode *m;
	size_t nroots, cap = 1u << 20;
	char *text;
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f)
		return sr_err_set(err, SR_EIO, "cannot open %s: %s", path, strerror(errno));
	text = sr_arena_alloc(&c->arena, cap + 1);
	src.len = text ? fread(text, 1, cap + 1, f) : 0;
	fclose(f);
	if (!text)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	if (src.len > cap)
		return sr_err_set(err, SR_ELIMIT, "%s is over 1 MiB", path);
	text[src.len] = '\0';
	src.text = text;
	rc = rule_yaml_parse(&c->arena, &src, &roots, &nroots, err);
	if (rc == SR_ESYNTAX && err) {
		char what[sizeof(err->msg)];

		snprintf(what, sizeof(what), "%s", err->msg);
		return rule_src_error(&src, err->line, err->column, what, err);
	}
	if (rc)
		return rc;
	if (!nroots || !roots[0] || roots[0]->kind != RY_MAP)
		return sr_err_set(err, SR_ESYNTAX, "%s: no 'outputs:' section", path);
	m = rule_ymap_get(roots[0], "outputs");
	if (!m || rule_ynode_is_null(m))
		return sr_err_set(err, SR_ESYNTAX, "%s: no 'outputs:' section", path);
	return out_config_parse(c, m, &src, err);
}

/* lead then s as a double-quoted YAML string */
static void pr_str(FILE *f, const char *lead, const char *s)
{
	fprintf(f, "%s\"", lead);
	for (; *s; s++)
		fprintf(f, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
	fputs("\"\n", f);
}

void out_conf_print(const struct out_conf *c, FILE *f)
{
	struct out_conf def;

	out_conf_init(&def);
	fprintf(f, "outputs:\n  json: %s\n", c->json ? "true" : "false");
	if (c->spool_dir)
		pr_str(f, "  spool_dir: ", c->spool_dir);
	if (c->spool_max != def.spool_max)
		fprintf(f, "  spool_max: %llu\n", (unsigned long long)c->spool_max);
	if (c->queue_len != def.queue_len)
		fprintf(f, "  queue: %u\n", c->queue_len);
	if (c->drain_ns != def.drain_ns)
		fprintf(f, "  drain_timeout: %llums\n",
			(unsigned long long)(c->drain_ns / 1000000u));
	if (c->rate > 0)
		fprintf(f, "  rate_limit:\n    rate: %g\n    burst: %u\n    summary_every: %llus\n",
			c->rate, c->burst, (unsigned long long)(c->summary_ns / 1000000000u));
	for (int k = 0; k < OUT_NKINDS; k++) {
		const struct out_target_conf *t = &c->t[k];

		if (!t->enabled && k != OUT_STDOUT)
			continue;
		fprintf(f, "  %s:\n    enabled: %s\n", out_kind_name(k),
			t->enabled ? "true" : "false");
		if (t->min_priority != RP_DEBUG)
			fprintf(f, "    min_priority: %s\n",
				rule_priority_name((enum rule_priority)t->min_priority));
		if (t->json >= 0)
			fprintf(f, "    format: %s\n", t->json ? "json" : "text");
		for (size_t j = 0; j < sizeof(keys) / sizeof(*keys); j++) {
			const void *v = (const char *)t + keys[j].off;

			if (!(keys[j].kinds & B(k)) || keys[j].kinds == ALL)
				continue;
			if ((keys[j].type == K_STR || keys[j].type == K_SERVERS) &&
			    *(const char *const *)v) {
				char lead[64];

				snprintf(lead, sizeof(lead), "    %s: ", keys[j].name);
				pr_str(f, lead, *(const char *const *)v);
			} else if (keys[j].type == K_BOOL && *(const int *)v) {
				fprintf(f, "    %s: true\n", keys[j].name);
			} else if (keys[j].type == K_DUR && *(const uint64_t *)v) {
				fprintf(f, "    %s: %llums\n", keys[j].name,
					(unsigned long long)(*(const uint64_t *)v / 1000000u));
			} else if (keys[j].type == K_FACILITY && *(const int *)v != 1) {
				fprintf(f, "    %s: %s\n", keys[j].name,
					facilities[*(const int *)v]);
			} else if (keys[j].type == K_PAIRS && t->nheaders) {
				fprintf(f, "    %s:\n", keys[j].name);
				for (size_t h = 0; h < t->nheaders; h++) {
					const char *sep =
					    strpbrk(t->headers[h], k == OUT_KAFKA ? "=" : ":");
					char lead[300];

					snprintf(lead, sizeof(lead), "      %.*s: ",
						 sep ? (int)(sep - t->headers[h]) : 0,
						 t->headers[h]);
					pr_str(f, lead, sep ? sep + 1 + (k != OUT_KAFKA) : "");
				}
			}
		}
	}
}
