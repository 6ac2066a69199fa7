/* rule_info.c: what a loaded rule set holds, for listings and coverage
 * (sysreplay rules), and the errors kept in validation mode. */
#include <stdlib.h>
#include <string.h>

#include "../filter/flt_ast.h"
#include "rule_int.h"

void rule_set_collect_errors(struct rule_set *rs, int on)
{
	rs->collect = on;
}

size_t rule_set_errors(const struct rule_set *rs, const char *const **out)
{
	*out = (const char *const *)rs->errs;
	return rs->nerrs;
}

int rule_error_keep(struct rule_set *rs, int rc, const struct sr_err *err)
{
	char *text = NULL, **grown;
	size_t n = 0;
	FILE *m;

	if (!rs->collect || rc != SR_ESYNTAX || !err)
		return 0;
	m = open_memstream(&text, &n);
	if (!m)
		return 0;
	rule_set_error_print(rs, m, err);
	fclose(m);
	/* A broken macro is reported where it is written, and again by each
	 * rule that uses it: one line is enough. */
	for (size_t i = 0; text && i < rs->nerrs; i++)
		if (strcmp(rs->errs[i], text) == 0) {
			free(text);
			return 1;
		}
	if (rs->nerrs == rs->errs_cap) {
		size_t cap = rs->errs_cap ? rs->errs_cap * 2 : 8;

		grown = realloc(rs->errs, cap * sizeof(*grown));
		if (!grown) {
			free(text);
			return 0;
		}
		rs->errs = grown;
		rs->errs_cap = cap;
	}
	if (!text)
		return 0;
	rs->errs[rs->nerrs++] = text;
	return 1;
}

size_t rule_set_rules(const struct rule_set *rs, const struct rule *const **out)
{
	*out = (const struct rule *const *)rs->rules.v;
	return rs->rules.n;
}

const char *rule_file(const struct rule_set *rs, const struct rule *r, int *line)
{
	*line = r->pos.line;
	return rule_src_name(rs, r->pos.src);
}

int rule_active(const struct rule_set *rs, const struct rule *r)
{
	for (size_t i = 0; i < rs->nactive; i++)
		if (rs->active[i] == r)
			return 1;
	return 0;
}

/* Field names met so far, so each is reported once per rule. */
struct seen {
	const char *names[256];
	size_t n;
	void (*cb)(void *ctx, const char *field);
	void *ctx;
};

static void seen_add(struct seen *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return;
	if (s->n < sizeof(s->names) / sizeof(s->names[0]))
		s->names[s->n++] = name;
	s->cb(s->ctx, name);
}

static void walk_expr(struct seen *s, const struct flt_expr *e)
{
	for (; e; e = e->arg)
		if (e->field)
			seen_add(s, e->field);
}

static void walk_node(struct seen *s, const struct flt_node *n, int depth)
{
	if (!n || depth > 512)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		walk_node(s, n->kids[i], depth + 1);
	if (n->kind == FLT_N_CMP) {
		walk_expr(s, n->lhs);
		walk_expr(s, n->rhs_field);
	}
}

void rule_fields(const struct rule *r, void (*cb)(void *ctx, const char *field), void *ctx)
{
	struct seen *s;
	const char *name;

	if (!r->compiled || !r->prog)
		return;
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	s->cb = cb;
	s->ctx = ctx;
	walk_node(s, r->ast, 0);
	for (size_t i = 0; r->fmt && (name = fld_format_field_name(r->fmt, i)); i++)
		seen_add(s, name);
	free(s);
}
