/* rpl_multi: several sinks over one read of a capture (see rpl_multi.h). */
#include <stdlib.h>
#include <string.h>

#include "rpl_multi.h"

#define MULTI_ALERT_CAP (64u << 10)

struct multi {
	struct rpl_sink **sinks; /* grouped: sinks of one rule set are adjacent */
	size_t nsinks;
	int (*hook)(void *ctx, struct fld_ctx *c);
	void *hook_ctx;
	unsigned char *admit;	  /* per sink, for the current event */
	const struct rule **hits; /* rules matched by the current group */
	size_t nhits, hcap;
	int oom;
	char *buf;
};

void rpl_sink_reset(struct rpl_sink *s)
{
	for (size_t i = 0; i < s->nalerts; i++) {
		free(s->alerts[i].text);
		free(s->alerts[i].json);
	}
	free(s->alerts);
	s->alerts = NULL;
	s->nalerts = s->cap = 0;
	s->oom = 0;
}

static char *render(struct multi *m, const struct rule *r, struct fld_ctx *c, int json)
{
	size_t n = json ? rule_alert_json(r, c, m->buf, MULTI_ALERT_CAP)
			: rule_alert_text(r, c, m->buf, MULTI_ALERT_CAP);

	return strndup(m->buf, n);
}

static void on_match(void *ctx, const struct rule *r, struct fld_ctx *c)
{
	struct multi *m = ctx;

	(void)c;
	if (m->nhits == m->hcap) {
		size_t cap = m->hcap ? m->hcap * 2 : 16;
		const struct rule **n = realloc(m->hits, cap * sizeof(*n));

		if (!n) {
			m->oom = 1;
			return;
		}
		m->hits = n;
		m->hcap = cap;
	}
	m->hits[m->nhits++] = r;
}

static void sink_add(struct rpl_sink *s, const struct rule *r, struct fld_ctx *c, char **text,
		     char **json, struct multi *m)
{
	struct rpl_alert_rec *a;

	if (s->nalerts == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct rpl_alert_rec *n = realloc(s->alerts, cap * sizeof(*n));

		if (!n) {
			s->oom = 1;
			return;
		}
		s->alerts = n;
		s->cap = cap;
	}
	a = &s->alerts[s->nalerts++];
	memset(a, 0, sizeof(*a));
	a->r = r;
	a->num = c->ev->num;
	a->ts = c->ev->rec->ts;
	/* rendered once per event and rule, copied to each sink that keeps it */
	if (s->keep_text) {
		if (!*text)
			*text = render(m, r, c, 0);
		if (!*text || !(a->text = strdup(*text)))
			s->oom = 1;
	}
	if (s->keep_json) {
		if (!*json)
			*json = render(m, r, c, 1);
		if (!*json || !(a->json = strdup(*json)))
			s->oom = 1;
	}
}

/* Per event: each rule set runs once, if one of its sinks takes the event
 * (window, filter); its alerts go to every such sink. */
static int multi_emit(void *ctx, struct fld_ctx *c)
{
	struct multi *m = ctx;
	uint64_t ts = c->ev->rec->ts;

	for (size_t i = 0, j; i < m->nsinks; i = j) {
		const struct rule_set *rs = m->sinks[i]->rs;
		int any = 0;

		for (j = i; j < m->nsinks && m->sinks[j]->rs == rs; j++) {
			struct rpl_sink *s = m->sinks[j];

			m->admit[j] = ts >= s->since_ns && ts <= s->until_ns;
			if (m->admit[j] && s->prog)
				m->admit[j] = (unsigned char)flt_eval(s->prog, c);
			any |= m->admit[j];
		}
		if (!any)
			continue;
		m->nhits = 0;
		rule_set_match(rs, c, on_match, m);
		for (size_t h = 0; h < m->nhits; h++) {
			char *text = NULL, *json = NULL;

			for (size_t k = i; k < j; k++)
				if (m->admit[k])
					sink_add(m->sinks[k], m->hits[h], c, &text, &json, m);
			free(text);
			free(json);
		}
		if (m->oom)
			for (size_t k = i; k < j; k++)
				m->sinks[k]->oom = 1;
	}
	return m->hook ? m->hook(m->hook_ctx, c) : 0;
}

static int by_rs(const void *a, const void *b)
{
	const struct rpl_sink *x = *(struct rpl_sink *const *)a, *y = *(struct rpl_sink *const *)b;

	return x->rs < y->rs ? -1 : x->rs > y->rs;
}

int rpl_multi_run(const char *path, struct rpl_sink **sinks, size_t nsinks,
		  int (*hook)(void *ctx, struct fld_ctx *c), void *hook_ctx,
		  struct rpl_run_result *res, struct sr_err *err)
{
	char *paths[1] = {(char *)path};
	struct rpl_input *in = NULL;
	struct rpl_run_opts ro;
	struct multi m;
	int r;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < nsinks; i++)
		rpl_sink_reset(sinks[i]);
	r = rpl_input_open(&in, paths, 1, err);
	if (r)
		return r;
	for (size_t i = 0; i < nsinks; i++) {
		r = rpl_window(in, &sinks[i]->since, &sinks[i]->until, &sinks[i]->since_ns,
			       &sinks[i]->until_ns, err);
		if (r) {
			rpl_input_close(in);
			return r;
		}
	}
	memset(&m, 0, sizeof(m));
	m.sinks = malloc((nsinks + 1) * sizeof(*m.sinks));
	m.admit = calloc(nsinks + 1, 1);
	m.nsinks = nsinks;
	m.hook = hook;
	m.hook_ctx = hook_ctx;
	m.buf = malloc(MULTI_ALERT_CAP + 1);
	if (!m.buf || !m.sinks || !m.admit) {
		free(m.buf);
		free(m.sinks);
		free(m.admit);
		rpl_input_close(in);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	memcpy(m.sinks, sinks, nsinks * sizeof(*sinks));
	qsort(m.sinks, nsinks, sizeof(*m.sinks), by_rs);
	/* no progress bar: these commands print one line per capture or case */
	memset(&ro, 0, sizeof(ro));
	ro.emit = multi_emit;
	ro.emit_ctx = &m;
	r = rpl_run(in, &ro, res, err);
	free(m.buf);
	free(m.sinks);
	free(m.admit);
	free(m.hits);
	rpl_input_close(in);
	return r;
}
