/* rule_compile.c: rule_set_finalize — expands lists, parses macros and
 * conditions (macros/lists resolved through flt_parse_ex's callbacks), adds
 * exceptions as AST, compiles, and builds the per-event-type index.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/sr_sb.h"
#include "../filter/flt.h"
#include "../filter/flt_ast.h"
#include "rule_int.h"

struct cc {
	struct rule_set *rs;
	struct sr_err *err;
	/* macros being parsed (for loop messages) */
	struct rule_macro *stack[256];
	int depth;
	/* the innermost failure inside a macro, reported instead of the outer one */
	int fail_set;
	int fail_loop;
	struct rule_macro *fail_macro;
	struct sr_err fail_err;
	/* macros touched while parsing the current rule (to find compile errors) */
	struct rule_macro **touched;
	size_t ntouched, cap_touched;
	/* bounds (rule_int.h): items copied into lists, list items spliced
	 * into conditions, terms of the rules' written-out conditions */
	size_t list_total, spliced, set_terms;
	const char *splice_over;  /* the list that crossed the bound */
	struct rule_ptrmap terms; /* flt_node -> its term count */
};

/* ---- lists ---- */

static int list_too_big(struct cc *c, const struct rule_list *li, size_t n)
{
	if (n > RULE_MAX_LIST_ITEMS)
		return rule_errf(c->rs, c->err, li->pos.src, li->pos.line, li->pos.col,
				 "list '%s' expands to more than %d items (lists of lists repeat "
				 "their items)",
				 li->name, RULE_MAX_LIST_ITEMS);
	if (c->list_total + n > RULE_MAX_LIST_TOTAL)
		return rule_errf(c->rs, c->err, li->pos.src, li->pos.line, li->pos.col,
				 "list '%s': lists expand to more than %d items in all (lists of "
				 "lists repeat their items)",
				 li->name, RULE_MAX_LIST_TOTAL);
	return 0;
}

static int list_expand(struct cc *c, struct rule_list *li, struct rule_list **path, int depth)
{
	struct rule_set *rs = c->rs;
	struct rule_vec out = {0};

	if (li->state == 2)
		return 0;
	if (li->state == 1 || depth >= 64) {
		char msg[400];
		struct sr_sb b;
		int start = 0;

		for (int i = 0; i < depth; i++)
			if (path[i] == li)
				start = i;
		sr_sb_init(&b, msg, sizeof(msg));
		sr_sb_puts(&b, "list loop: ");
		for (int i = start; i < depth; i++)
			sr_sb_printf(&b, "%s -> ", path[i]->name);
		sr_sb_puts(&b, li->name);
		return rule_errf(rs, c->err, li->pos.src, li->pos.line, li->pos.col, "%s", msg);
	}
	li->state = 1;
	path[depth] = li;
	for (size_t i = 0; i < li->items.n; i++) {
		const char *item = li->items.v[i];
		struct rule_list *ref = rule_hash_get(rs->hlists, item);
		int rc;

		if (ref) {
			if ((rc = list_expand(c, ref, path, depth + 1)))
				return rc;
			ref->used = 1;
			if (li->items.n == 1) {
				/* a list that only names another shares its items */
				li->exp = ref->exp;
				li->nexp = ref->nexp;
				li->state = 2;
				return 0;
			}
			if ((rc = list_too_big(c, li, out.n + ref->nexp)))
				return rc;
			for (size_t k = 0; k < ref->nexp; k++)
				if (rule_vec_push(&rs->arena, &out, (void *)ref->exp[k]))
					return SR_ENOMEM;
			continue;
		}
		if ((rc = list_too_big(c, li, out.n + 1)))
			return rc;
		item = rule_unquote(&rs->arena, item);
		if (!item || rule_vec_push(&rs->arena, &out, (void *)item))
			return SR_ENOMEM;
	}
	c->list_total += out.n;
	li->exp = (const char **)out.v;
	li->nexp = out.n;
	li->state = 2;
	return 0;
}

/* ---- macros and the resolver ---- */

static int macro_parse(struct cc *c, struct rule_macro *m);

/* Remembers the first macro failure (loop or parse error) for the report. */
static void note_fail(struct cc *c, struct rule_macro *m, int loop, const struct sr_err *e)
{
	if (c->fail_set)
		return;
	c->fail_set = 1;
	c->fail_loop = loop;
	c->fail_macro = m;
	c->fail_err = *e;
}

static const struct flt_node *cb_macro(void *ctx, const char *name, struct sr_err *err)
{
	struct cc *c = ctx;
	struct rule_macro *m = rule_hash_get(c->rs->hmacros, name);

	if (!m)
		return NULL;
	m->used = 1;
	if (c->ntouched == c->cap_touched) {
		size_t ncap = c->cap_touched ? c->cap_touched * 2 : 32;
		struct rule_macro **nt = realloc(c->touched, ncap * sizeof(*nt));

		if (nt) {
			c->touched = nt;
			c->cap_touched = ncap;
		}
	}
	if (c->ntouched < c->cap_touched)
		c->touched[c->ntouched++] = m;
	if (m->state == 1) {
		char msg[400];
		struct sr_sb b;
		int start = 0;

		for (int i = 0; i < c->depth; i++)
			if (c->stack[i] == m)
				start = i;
		sr_sb_init(&b, msg, sizeof(msg));
		sr_sb_puts(&b, "macro loop: ");
		for (int i = start; i < c->depth; i++)
			sr_sb_printf(&b, "%s -> ", c->stack[i]->name);
		sr_sb_puts(&b, m->name);
		sr_err_set(err, SR_ESYNTAX, "%s", msg);
		note_fail(c, c->stack[start], 1, err);
		return NULL;
	}
	if (m->state == 0 && macro_parse(c, m) != 0) {
		sr_err_set(err, SR_ESYNTAX, "macro '%s' is invalid", m->name);
		return NULL;
	}
	if (m->state != 2) {
		sr_err_set(err, SR_ESYNTAX, "macro '%s' is invalid", m->name);
		return NULL;
	}
	return m->ast;
}

static const char *const *cb_list(void *ctx, const char *name, size_t *n)
{
	struct cc *c = ctx;
	struct rule_list *li = rule_hash_get(c->rs->hlists, name);

	if (!li || li->state != 2)
		return NULL;
	static const char *const none[1] = {NULL};

	li->used = 1;
	/* Each use copies the items into the condition: bounded over the set.
	 * Past the bound the list reads as empty and the caller reports it. */
	if (c->splice_over || c->spliced + li->nexp > RULE_MAX_SET_TERMS) {
		if (!c->splice_over)
			c->splice_over = li->name;
		*n = 0;
		return none;
	}
	c->spliced += li->nexp;
	*n = li->nexp;
	/* An empty list is still a list: NULL would mean "no such list". */
	return li->exp ? li->exp : none;
}

/* Offset in text of a 1-based (line, column). */
static size_t text_offset(const char *text, int line, int col)
{
	size_t p = 0, n = strlen(text);

	for (int l = 1; l < line && p < n; p++)
		if (text[p] == '\n')
			l++;
	if (col > 1)
		p += (size_t)(col - 1);
	return p > n ? n : p;
}

/* Reports e (from parsing/compiling cond's joined text) at its file position. */
static int cond_error(struct cc *c, const char *what, const char *name,
		      const struct rule_cond *cond, const char *text, const struct sr_err *e)
{
	int src, line, col;

	if (e->line > 0) {
		rule_cond_locate(c->rs, cond, text_offset(text, e->line, e->column), &src, &line,
				 &col);
	} else {
		const struct rule_piece *p = cond->pieces.n ? cond->pieces.v[0] : NULL;

		src = p ? p->src : -1;
		line = p && p->node ? p->node->line : 0;
		col = p && p->node ? p->node->col : 0;
	}
	return rule_errf(c->rs, c->err, src, line, col, "%s '%s': %s", what, name, e->msg);
}

/* The bounds met while parsing cond: lists spliced over the whole set, and
 * (for a rule, ast given) the terms of its written-out condition. */
static int cond_bounds(struct cc *c, const char *what, const char *name,
		       const struct rule_cond *cond, const struct flt_node *ast)
{
	const struct rule_piece *p = cond->pieces.n ? cond->pieces.v[0] : NULL;
	int src = p ? p->src : -1, line = p && p->node ? p->node->line : 0,
	    col = p && p->node ? p->node->col : 0;
	size_t terms;
	int rc;

	if (c->splice_over)
		return rule_errf(c->rs, c->err, src, line, col,
				 "%s '%s': lists used in conditions add up to more than %d items "
				 "(at list '%s')",
				 what, name, RULE_MAX_SET_TERMS, c->splice_over);
	if (!ast)
		return 0;
	if ((rc = rule_cond_terms(&c->terms, ast, RULE_MAX_COND_TERMS, &terms)))
		return rc;
	if (terms > RULE_MAX_COND_TERMS)
		return rule_errf(c->rs, c->err, src, line, col,
				 "%s '%s': condition expands to more than %d terms with its macros "
				 "and lists written out (a macro counts at each use)",
				 what, name, RULE_MAX_COND_TERMS);
	c->set_terms += terms;
	if (c->set_terms > RULE_MAX_SET_TERMS)
		return rule_errf(c->rs, c->err, src, line, col,
				 "%s '%s': the rules' conditions expand to more than %d terms in "
				 "all with their macros and lists written out",
				 what, name, RULE_MAX_SET_TERMS);
	return 0;
}

/* Reports the innermost macro failure recorded during a parse. */
static int macro_fail_report(struct cc *c)
{
	struct rule_macro *m = c->fail_macro;

	if (c->fail_loop)
		return rule_errf(c->rs, c->err, m->pos.src, m->pos.line, m->pos.col,
				 "macro '%s': %s", m->name, c->fail_err.msg);
	return cond_error(c, "macro", m->name, &m->cond, m->text, &c->fail_err);
}

static int macro_parse(struct cc *c, struct rule_macro *m)
{
	struct flt_resolver res = {c, cb_macro, cb_list};
	struct sr_err e;
	int rc;

	if (m->state == 2)
		return 0;
	if (m->state == 3)
		return SR_ESYNTAX;
	if (c->depth >= (int)(sizeof(c->stack) / sizeof(c->stack[0]))) {
		sr_err_set(&e, SR_ESYNTAX, "macros nested too deeply");
		note_fail(c, m, 1, &e);
		return SR_ESYNTAX;
	}
	m->text = rule_cond_join(&c->rs->arena, &m->cond);
	if (!m->text)
		return SR_ENOMEM;
	m->state = 1;
	c->stack[c->depth++] = m;
	sr_err_clear(&e);
	rc = flt_parse_ex(c->rs->flt, m->text, &res, &m->ast, &e);
	c->depth--;
	if (rc) {
		m->state = 3;
		note_fail(c, m, 0, &e);
		return rc;
	}
	m->state = 2;
	return 0;
}

/* ---- exceptions ---- */

static int is_list_op(enum flt_op op)
{
	return op == FLT_OP_IN || op == FLT_OP_INTERSECTS || op == FLT_OP_PMATCH;
}

/* Appends one value to vals: a list name splices the list, otherwise the
 * value loses one level of quotes. */
static int exval_push(struct rule_set *rs, struct rule_vec *vals, const char *v, size_t len)
{
	char *s = sr_arena_strndup(&rs->arena, v, len);
	struct rule_list *li;

	if (!s)
		return SR_ENOMEM;
	li = rule_hash_get(rs->hlists, s);
	if (li && li->state == 2) {
		li->used = 1;
		for (size_t k = 0; k < li->nexp; k++)
			if (rule_vec_push(&rs->arena, vals, (void *)li->exp[k]))
				return SR_ENOMEM;
		return 0;
	}
	return rule_vec_push(&rs->arena, vals, (void *)rule_unquote(&rs->arena, s));
}

/* A scalar written for a list operator: "(a, 'b c', list_name)" or "a". */
static int exval_split(struct rule_set *rs, struct rule_vec *vals, const char *s)
{
	size_t n = strlen(s), b = 0, e = n;

	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e - b >= 2 && s[b] == '(' && s[e - 1] == ')') {
		b++;
		e--;
	}
	while (b < e) {
		size_t t = b, q;
		char quote = 0;

		while (t < e && (s[t] == ' ' || s[t] == '\t'))
			t++;
		for (q = t; q < e; q++) {
			if (quote) {
				if (s[q] == quote)
					quote = 0;
			} else if (s[q] == '"' || s[q] == '\'') {
				quote = s[q];
			} else if (s[q] == ',') {
				break;
			}
		}
		{
			size_t te = q;

			while (te > t && (s[te - 1] == ' ' || s[te - 1] == '\t'))
				te--;
			if (te > t) {
				int rc = exval_push(rs, vals, s + t, te - t);

				if (rc)
					return rc;
			}
		}
		b = q + 1;
	}
	return 0;
}

static struct flt_node *ex_cmp(struct cc *c, const struct rule *r, const struct rule_exception *e,
			       const char *field, enum flt_op op, const struct rule_exval *v,
			       int *rc)
{
	struct rule_set *rs = c->rs;
	struct rule_vec vals = {0};
	struct flt_expr *lhs;
	struct flt_node *n;

	*rc = 0;
	if (v->items) {
		for (size_t i = 0; i < v->nitems && !*rc; i++)
			*rc = exval_push(rs, &vals, v->items[i], strlen(v->items[i]));
	} else if (is_list_op(op)) {
		*rc = exval_split(rs, &vals, v->s);
	} else {
		const char *u = rule_unquote(&rs->arena, v->s);

		*rc = u ? rule_vec_push(&rs->arena, &vals, (void *)u) : SR_ENOMEM;
	}
	if (*rc)
		return NULL;
	if (!is_list_op(op) && vals.n != 1) {
		*rc = rule_errf(rs, c->err, v->pos.src, v->pos.line, v->pos.col,
				"rule '%s' exception '%s': comparison '%s' takes one value, not a "
				"list",
				r->name, e->name, flt_op_name(op));
		return NULL;
	}
	lhs = flt_expr_new_field(rs->flt, field);
	n = lhs ? flt_node_new_cmp(rs->flt, lhs, op, (const char *const *)vals.v, vals.n) : NULL;
	if (!n)
		*rc = SR_ENOMEM;
	return n;
}

/* cond AND NOT (tuple1 OR tuple2 ...) for each exception with values. */
static int add_exceptions(struct cc *c, struct rule *r, struct flt_node **ast)
{
	struct rule_set *rs = c->rs;

	for (size_t i = 0; i < r->exceptions.n; i++) {
		const struct rule_exception *e = r->exceptions.v[i];
		enum flt_op ops[64];
		struct rule_vec alts = {0};
		struct flt_node *kids[2], *any;
		int rc;

		if (e->nfields > 64)
			return rule_errf(rs, c->err, e->pos.src, e->pos.line, e->pos.col,
					 "exception '%s' has more than 64 fields", e->name);
		for (size_t k = 0; k < e->nfields; k++) {
			const char *comp =
			    e->comps_given ? e->comps[k] : (e->fields_is_list ? "=" : "in");
			int op = flt_op_by_name(comp, strlen(comp));
			struct fld_ref ref;
			struct sr_err fe;

			if (op < 0 || op == FLT_OP_EXISTS)
				return rule_errf(
				    rs, c->err, e->pos.src, e->pos.line, e->pos.col,
				    "rule '%s' exception '%s': '%s' is not a supported "
				    "comparison operator",
				    r->name, e->name, comp);
			ops[k] = (enum flt_op)op;
			sr_err_clear(&fe);
			if (fld_resolve(e->fields[k], &ref, &fe) != 0)
				return rule_errf(
				    rs, c->err, e->pos.src, e->pos.line, e->pos.col,
				    "rule '%s' exception '%s': '%s' is not a supported "
				    "filter field",
				    r->name, e->name, e->fields[k]);
		}
		if (!e->fields_is_list && e->values.n) {
			/* One field: every value joins one comparison (Falco builds
			 * "field comp (v1, v2, ...)"), or an OR for one-value ops. */
			struct rule_exval joined = {0};
			const char **items =
			    sr_arena_alloc(&rs->arena, e->values.n * sizeof(*items));

			if (!items)
				return SR_ENOMEM;
			for (size_t t = 0; t < e->values.n; t++)
				items[t] = ((const struct rule_exval *)e->values.v[t])->s;
			joined.pos = ((const struct rule_exval *)e->values.v[0])->pos;
			if (is_list_op(ops[0])) {
				joined.items = items;
				joined.nitems = e->values.n;
				any = ex_cmp(c, r, e, e->fields[0], ops[0], &joined, &rc);
				if (!any)
					return rc;
				if (rule_vec_push(&rs->arena, &alts, any))
					return SR_ENOMEM;
			} else {
				for (size_t t = 0; t < e->values.n; t++) {
					any = ex_cmp(c, r, e, e->fields[0], ops[0], e->values.v[t],
						     &rc);
					if (!any)
						return rc;
					if (rule_vec_push(&rs->arena, &alts, any))
						return SR_ENOMEM;
				}
			}
		} else {
			for (size_t t = 0; t < e->values.n; t++) {
				const struct rule_exval *tv = e->values.v[t];
				struct flt_node *terms[64], *all;

				for (size_t k = 0; k < e->nfields; k++) {
					terms[k] =
					    ex_cmp(c, r, e, e->fields[k], ops[k], &tv[k], &rc);
					if (!terms[k])
						return rc;
				}
				all = flt_node_new_logic(rs->flt, FLT_N_AND, terms, e->nfields);
				if (!all || rule_vec_push(&rs->arena, &alts, all))
					return SR_ENOMEM;
			}
		}
		if (!alts.n)
			continue;
		any =
		    flt_node_new_logic(rs->flt, FLT_N_OR, (struct flt_node *const *)alts.v, alts.n);
		kids[0] = *ast;
		kids[1] = any ? flt_node_new_not(rs->flt, any) : NULL;
		if (!kids[1])
			return SR_ENOMEM;
		*ast = flt_node_new_logic(rs->flt, FLT_N_AND, kids, 2);
		if (!*ast)
			return SR_ENOMEM;
	}
	return 0;
}

/* ---- rules ---- */

static int known_types(uint8_t known[32])
{
	int n = 0;

	memset(known, 0, 32);
	for (unsigned t = 1; t < 256; t++) {
		const struct evt_info *ei = evt_info_get(t);

		if (ei && ei->category != EC_META) {
			known[t / 8] |= (uint8_t)(1u << (t % 8));
			n++;
		}
	}
	return n;
}

static int compile_error_in_macros(struct cc *c, const struct sr_err *e, const char *rule)
{
	for (size_t i = 0; i < c->ntouched; i++) {
		struct rule_macro *m = c->touched[i];
		struct flt_prog *p;
		struct sr_err me;

		if (m->state != 2)
			continue;
		sr_err_clear(&me);
		if (flt_compile(c->rs->flt, m->ast, &p, &me) != 0 && strcmp(me.msg, e->msg) == 0) {
			char what[300];

			snprintf(what, sizeof(what), "rule '%s' uses macro", rule);
			return cond_error(c, what, m->name, &m->cond, m->text, &me);
		}
	}
	return 0;
}

static int is_unknown_field_error(const char *msg)
{
	return strstr(msg, "unknown field") || strstr(msg, "unknown event type") ||
	       strstr(msg, "nonexistent field");
}

static int compile_rule(struct cc *c, struct rule *r, const uint8_t known[32], int nknown)
{
	struct rule_set *rs = c->rs;
	struct flt_resolver res = {c, cb_macro, cb_list};
	struct flt_node *ast;
	const char *text;
	struct sr_err e;
	int rc, cnt = 0;

	if (strcmp(r->source, "syscall") != 0) {
		r->unknown_source = 1;
		rule_warn(rs, RW_UNKNOWN_SOURCE, r->pos.src, r->pos.line, r->pos.col,
			  "rule '%s' is for source '%s': only 'syscall' rules are evaluated "
			  "(skipped)",
			  r->name, r->source);
		return 0;
	}
	text = rule_cond_join(&rs->arena, &r->cond);
	if (!text)
		return SR_ENOMEM;
	c->fail_set = 0;
	c->ntouched = 0;
	sr_err_clear(&e);
	rc = flt_parse_ex(rs->flt, text, &res, &ast, &e);
	if (c->splice_over)
		return cond_bounds(c, "rule", r->name, &r->cond, NULL);
	if (rc) {
		if (c->fail_set)
			return macro_fail_report(c);
		if (r->skip_unknown && is_unknown_field_error(e.msg)) {
			rule_warn(rs, RW_UNKNOWN_FILTER, r->pos.src, r->pos.line, r->pos.col,
				  "rule '%s' skipped (skip-if-unknown-filter): %s", r->name, e.msg);
			return 0;
		}
		return cond_error(c, "rule", r->name, &r->cond, text, &e);
	}
	if ((rc = add_exceptions(c, r, &ast)))
		return rc;
	if ((rc = cond_bounds(c, "rule", r->name, &r->cond, ast)))
		return rc;
	r->ast = ast;
	sr_err_clear(&e);
	if (!rs->flt_shared && !(rs->flt_shared = flt_shared_new(rs->flt)))
		return SR_ENOMEM;
	if (flt_compile_shared(rs->flt, rs->flt_shared, ast, &r->prog, &e) != 0) {
		if (r->skip_unknown && is_unknown_field_error(e.msg)) {
			rule_warn(rs, RW_UNKNOWN_FILTER, r->pos.src, r->pos.line, r->pos.col,
				  "rule '%s' skipped (skip-if-unknown-filter): %s", r->name, e.msg);
			r->prog = NULL;
			return 0;
		}
		if ((rc = compile_error_in_macros(c, &e, r->name)))
			return rc;
		return cond_error(c, "rule", r->name, &r->cond, text, &e);
	}
	sr_err_clear(&e);
	if (fld_format_compile(r->output, &r->fmt, &e) != 0) {
		if (r->skip_unknown) {
			rule_warn(rs, RW_UNKNOWN_FILTER, r->pos.src, r->pos.line, r->pos.col,
				  "rule '%s' skipped (skip-if-unknown-filter): output: %s", r->name,
				  e.msg);
			r->prog = NULL;
			return 0;
		}
		return rule_errf(rs, c->err, r->output_pos.src, r->output_pos.line,
				 r->output_pos.col, "rule '%s': invalid output format: %s", r->name,
				 e.msg);
	}
	flt_prog_types(r->prog, r->types);
	for (int t = 0; t < 256; t++)
		if ((known[t / 8] >> (t % 8)) & 1 && (r->types[t / 8] >> (t % 8)) & 1)
			cnt++;
	if (cnt * 2 > nknown) {
		/* Wide rules would otherwise also run on the recorder's own
		 * snapshot/drop records, which are not syscalls. */
		for (int t = 0; t < 32; t++)
			r->types[t] &= known[t];
		if (r->warn_evttypes)
			rule_warn(rs, RW_NO_EVTTYPE, r->pos.src, r->pos.line, r->pos.col,
				  "rule '%s' matches too many evt.type values (%d of %d); it runs "
				  "on nearly every event",
				  r->name, cnt, nknown);
	}
	r->compiled = 1;
	return 0;
}

static int tag_selected(const struct rule_set *rs, const struct rule *r)
{
	const char *p = rs->tags_filter;

	if (!p)
		return 1;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		for (size_t i = 0; i < r->tags.n; i++) {
			const char *t = r->tags.v[i];

			if (strlen(t) == n && strncmp(t, p, n) == 0)
				return 1;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static int build_index(struct rule_set *rs)
{
	uint16_t fill[256] = {0};
	const struct flt_pnode *part[RULE_FREE_PARTS];
	size_t n;

	rs->active = calloc(rs->rules.n + 1, sizeof(*rs->active));
	if (!rs->active)
		return SR_ENOMEM;
	for (size_t i = 0; i < rs->rules.n; i++) {
		struct rule *r = rs->rules.v[i];

		if (!r->compiled || !r->prog || !r->enabled || r->priority > rs->min_prio ||
		    !tag_selected(rs, r))
			continue;
		rs->active[rs->nactive++] = r;
		r->nfree = flt_prog_free_parts(r->prog, r->free_parts, RULE_FREE_PARTS);
		r->nopen = 0;
		n = flt_prog_open_parts(r->prog, part, RULE_FREE_PARTS);
		for (size_t k = 0; k < n; k++) {
			size_t j = 0;

			while (j < r->nfree && r->free_parts[j] != part[k])
				j++;
			if (j == r->nfree)
				r->open_parts[r->nopen++] = part[k];
		}
		for (int t = 0; t < 256; t++)
			if ((r->types[t / 8] >> (t % 8)) & 1)
				rs->nby_type[t]++;
	}
	for (int t = 0; t < 256; t++) {
		if (!rs->nby_type[t])
			continue;
		rs->by_type[t] = calloc(rs->nby_type[t], sizeof(*rs->by_type[t]));
		if (!rs->by_type[t])
			return SR_ENOMEM;
	}
	/* rs->rules is in file order (redefinitions keep their place), so
	 * each per-type array is too. */
	for (size_t i = 0; i < rs->nactive; i++) {
		struct rule *r = rs->active[i];

		for (int t = 0; t < 256; t++)
			if ((r->types[t / 8] >> (t % 8)) & 1)
				rs->by_type[t][fill[t]++] = r;
	}
	return 0;
}

int rule_set_finalize(struct rule_set *rs, struct sr_err *err)
{
	struct cc c;
	uint8_t known[32];
	int nknown, rc = 0;

	if (rs->finalized)
		return sr_err_set(err, SR_ESYNTAX, "rule set already finalized");
	memset(&c, 0, sizeof(c));
	c.rs = rs;
	c.err = err;
	rs->flt = flt_arena_new();
	if (!rs->flt)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	{
		struct rule_list *path[64];

		for (size_t i = 0; i < rs->lists.n && !rc; i++)
			if ((rc = list_expand(&c, rs->lists.v[i], path, 0)) &&
			    rule_error_keep(rs, rc, err))
				rc = 0;
	}
	/* Every macro is parsed, used or not, so a broken one is reported
	 * where it is written (Falco does the same). */
	for (size_t i = 0; i < rs->macros.n && !rc; i++) {
		struct rule_macro *m = rs->macros.v[i];

		c.fail_set = 0;
		rc = macro_parse(&c, m);
		if (c.splice_over)
			rc = cond_bounds(&c, "macro", m->name, &m->cond, NULL);
		else if (rc && c.fail_set)
			rc = macro_fail_report(&c);
		if (rc && rule_error_keep(rs, rc, err))
			rc = 0;
	}
	nknown = known_types(known);
	for (size_t i = 0; i < rs->rules.n && !rc; i++)
		if ((rc = compile_rule(&c, rs->rules.v[i], known, nknown)) &&
		    rule_error_keep(rs, rc, err))
			rc = 0;
	free(c.touched);
	rule_ptrmap_free(&c.terms);
	if (!rc && rs->nerrs)
		return sr_err_set(err, SR_ESYNTAX, "%zu error%s in rules", rs->nerrs,
				  rs->nerrs == 1 ? "" : "s");
	if (rc) {
		/* every failure names its cause: never the "ok" of a clear err */
		if (rc == SR_ENOMEM)
			sr_err_set(err, SR_ENOMEM, "out of memory compiling rules");
		else if (err && err->code == 0)
			sr_err_set(err, rc, "cannot compile rules (%s)", sr_code_name(rc));
		return rc;
	}
	for (size_t i = 0; i < rs->macros.n; i++) {
		struct rule_macro *m = rs->macros.v[i];

		if (!m->used)
			rule_warn(rs, RW_UNUSED_MACRO, m->pos.src, m->pos.line, m->pos.col,
				  "macro '%s' is not used by any rule or macro", m->name);
	}
	for (size_t i = 0; i < rs->lists.n; i++) {
		struct rule_list *li = rs->lists.v[i];

		if (!li->used)
			rule_warn(rs, RW_UNUSED_LIST, li->pos.src, li->pos.line, li->pos.col,
				  "list '%s' is not used by any rule, macro or list", li->name);
	}
	if ((rc = build_index(rs)))
		return sr_err_set(err, rc, "out of memory indexing rules");
	rs->finalized = 1;
	return 0;
}
