/* rpl_multi: several sinks over one read of a capture (see rpl_multi.h). */
#include <stdlib.h>
#include <string.h>

#include "rpl_multi.h"

#define MULTI_ALERT_CAP (64u << 10)

struct multi {
	struct rpl_sink **sinks;
	size_t nsinks;
	int (*hook)(void *ctx, struct fld_ctx *c);
	void *hook_ctx;
	struct rpl_sink *cur;
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
	struct rpl_sink *s = m->cur;
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
	if (s->keep_text && !(a->text = render(m, r, c, 0)))
		s->oom = 1;
	if (s->keep_json && !(a->json = render(m, r, c, 1)))
		s->oom = 1;
}

/* A rule set remembers results of shared sub-conditions in the context,
 * by slot numbers of its own: before a second set sees the same event
 * the context starts a new generation. The previous event's time is kept
 * so that evt.deltatime reads the same for every sink. */
static void ctx_fresh(struct fld_ctx *c)
{
	uint64_t prev = c->prev_ts;

	fld_ctx_reset(c, c->ev, c->st);
	c->prev_ts = prev;
}

static int multi_emit(void *ctx, struct fld_ctx *c)
{
	struct multi *m = ctx;
	uint64_t ts = c->ev->rec->ts;
	const struct rule_set *last = NULL;

	for (size_t i = 0; i < m->nsinks; i++) {
		struct rpl_sink *s = m->sinks[i];

		if (ts < s->since_ns || ts > s->until_ns)
			continue;
		if (last && last != s->rs)
			ctx_fresh(c);
		if (s->prog && !flt_eval(s->prog, c))
			continue;
		m->cur = s;
		rule_set_match(s->rs, c, on_match, m);
		last = s->rs;
	}
	if (m->hook) {
		if (last)
			ctx_fresh(c);
		return m->hook(m->hook_ctx, c);
	}
	return 0;
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
	m.sinks = sinks;
	m.nsinks = nsinks;
	m.hook = hook;
	m.hook_ctx = hook_ctx;
	m.buf = malloc(MULTI_ALERT_CAP + 1);
	if (!m.buf) {
		rpl_input_close(in);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	memset(&ro, 0, sizeof(ro));
	ro.progress = 1;
	ro.emit = multi_emit;
	ro.emit_ctx = &m;
	r = rpl_run(in, &ro, res, err);
	free(m.buf);
	rpl_input_close(in);
	return r;
}
