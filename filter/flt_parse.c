/* flt_parse: recursive-descent parser, text -> AST (flt_ast.h).
 *
 *   or      := and { "or" and }
 *   and     := not { "and" not }
 *   not     := "not" not | primary
 *   primary := "(" or ")" | check | MACRO
 *   check   := operand OP [rhs]
 *   operand := FIELD [ "[" arg "]" ] | TRANSFORMER "(" operand ")"
 *   rhs     := value | "(" [value {"," value}] ")" | LIST | "val(" operand ")"
 *              | TRANSFORMER "(" operand ")"
 *
 * `and` binds tighter than `or`, `not` tighter than both (Falco's order).
 * Macros and lists are resolved here through the caller's flt_resolver.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "flt_ast.h"
#include "flt_int.h"
#include "flt_lex.h"

struct parser {
	struct flt_lex lx;
	const struct flt_resolver *res;
	struct sr_err *err;
	int depth;
};

/* Records an error at line:col (1-based) and returns SR_ESYNTAX. */
__attribute__((format(printf, 4, 5))) static int fail_at(struct parser *ps, int line, int col,
							 const char *fmt, ...)
{
	if (ps->err) {
		va_list ap;
		va_start(ap, fmt);
		sr_err_clear(ps->err);
		ps->err->code = SR_ESYNTAX;
		vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
		va_end(ap);
		ps->err->line = line;
		ps->err->column = col;
	}
	return SR_ESYNTAX;
}

static int nomem(struct parser *ps)
{
	return sr_err_set(ps->err, SR_ENOMEM, "out of memory parsing filter");
}

/* "expected X, found 'Y'" at the cursor. */
static int fail_expect(struct parser *ps, const char *what)
{
	char found[64];
	flt_lex_blank(&ps->lx); /* point at the offending token, not the space before it */
	flt_lex_describe(&ps->lx, found, sizeof(found));
	return fail_at(ps, ps->lx.line, ps->lx.col, "expected %s, found %s", what, found);
}

static int enter(struct parser *ps)
{
	if (++ps->depth > FLT_MAX_DEPTH)
		return fail_at(ps, ps->lx.line, ps->lx.col, "filter nested too deeply (limit %d)",
			       FLT_MAX_DEPTH);
	return 0;
}

static int parse_or(struct parser *ps, struct flt_node **out);

static struct flt_node *node_new(struct parser *ps, enum flt_node_kind kind, int line, int col)
{
	struct flt_node *n = flt_arena_alloc(ps->lx.arena, sizeof(*n));
	if (n) {
		n->kind = kind;
		n->line = line;
		n->column = col;
	}
	return n;
}

static int tr_by_name(const char *s, size_t n)
{
	for (int t = FLT_TR_NONE + 1; t < FLT_TR_COUNT; t++) {
		const char *name = flt_tr_name(t);
		if (strlen(name) == n && memcmp(name, s, n) == 0)
			return t;
	}
	return -1;
}

/* At the cursor: NAME "(" with NAME a transformer (or "val" when allow_val).
 * Returns the transformer (FLT_TR_NONE for val) and consumes NAME "(", or
 * -1 leaving the cursor alone. */
static int lex_transformer(struct parser *ps, int allow_val)
{
	const char *p = ps->lx.p;
	size_t n = 0;
	while (p + n < ps->lx.end && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9')))
		n++;
	if (!n || p + n >= ps->lx.end || p[n] != '(')
		return -1;
	int t;
	if (allow_val && n == 3 && memcmp(p, "val", 3) == 0)
		t = FLT_TR_NONE;
	else if ((t = tr_by_name(p, n)) < 0)
		return -1;
	flt_lex_skip(&ps->lx, n + 1);
	return t;
}

/* FIELD ["[" arg "]"] */
static int parse_field(struct parser *ps, struct flt_expr **out)
{
	int line = ps->lx.line, col = ps->lx.col;
	if (!flt_lex_field_name(&ps->lx))
		return fail_expect(ps, "a field name");
	const char *name = ps->lx.tok;
	size_t len = ps->lx.tok_len;
	const char *arg = NULL;
	size_t arg_len = 0;
	if (flt_lex_str(&ps->lx, "[")) {
		int r = flt_lex_quoted(&ps->lx);
		if (r == SR_ENOMEM)
			return nomem(ps);
		if (r < 0)
			return fail_at(ps, ps->lx.line, ps->lx.col, "unterminated string");
		if (r == 0 && !flt_lex_field_arg(&ps->lx))
			return fail_expect(ps, "a field argument");
		arg = ps->lx.tok;
		arg_len = ps->lx.tok_len;
		/* the field text goes to fld_resolve as a C string */
		if (memchr(arg, '\0', arg_len))
			return fail_at(ps, line, col, "field argument contains a NUL byte");
		if (!flt_lex_str(&ps->lx, "]"))
			return fail_expect(ps, "']' after the field argument");
	}
	struct flt_expr *e = flt_arena_alloc(ps->lx.arena, sizeof(*e));
	char *text = flt_arena_alloc(ps->lx.arena, len + arg_len + 3);
	if (!e || !text)
		return nomem(ps);
	memcpy(text, name, len);
	if (arg) {
		text[len] = '[';
		memcpy(text + len + 1, arg, arg_len);
		text[len + 1 + arg_len] = ']';
		text[len + 2 + arg_len] = '\0';
	}
	e->tr = FLT_TR_NONE;
	e->field = text;
	e->line = line;
	e->column = col;
	*out = e;
	return 0;
}

/* operand := FIELD | TRANSFORMER "(" operand ")" ; tr >= 0 when the
 * transformer name and "(" were already consumed at line:col. */
static int parse_operand(struct parser *ps, int tr, int line, int col, struct flt_expr **out)
{
	int r = enter(ps);
	if (r)
		return r;
	if (tr < 0) {
		line = ps->lx.line;
		col = ps->lx.col;
		tr = lex_transformer(ps, 0);
		if (tr < 0) {
			r = parse_field(ps, out);
			ps->depth--;
			return r;
		}
	}
	struct flt_expr *inner;
	flt_lex_blank(&ps->lx);
	if ((r = parse_operand(ps, -1, 0, 0, &inner)) != 0)
		return r;
	flt_lex_blank(&ps->lx);
	if (!flt_lex_str(&ps->lx, ")"))
		return fail_expect(ps, "')' closing the transformer");
	if (tr == FLT_TR_NONE) {
		/* val(x): no transformer of its own */
		*out = inner;
	} else {
		struct flt_expr *e = flt_arena_alloc(ps->lx.arena, sizeof(*e));
		if (!e)
			return nomem(ps);
		e->tr = tr;
		e->arg = inner;
		e->line = line;
		e->column = col;
		*out = e;
	}
	ps->depth--;
	return 0;
}

/* A growable array of values inside the arena (old copies are abandoned,
 * which is fine for an arena: lists are built once). */
struct valvec {
	struct flt_value *v;
	size_t n, cap;
};

static int valvec_push(struct parser *ps, struct valvec *vv, const char *s, size_t len, int quoted,
		       int line, int col)
{
	if (vv->n == vv->cap) {
		size_t cap = vv->cap ? vv->cap * 2 : 8;
		struct flt_value *nv = flt_arena_alloc(ps->lx.arena, cap * sizeof(*nv));
		if (!nv)
			return nomem(ps);
		if (vv->n)
			memcpy(nv, vv->v, vv->n * sizeof(*nv));
		vv->v = nv;
		vv->cap = cap;
	}
	struct flt_value *v = &vv->v[vv->n++];
	/* bare tokens point into the source: copy so every value is NUL-terminated */
	v->text = quoted ? s : flt_arena_strndup(ps->lx.arena, s, len);
	if (!v->text)
		return nomem(ps);
	v->len = len;
	v->quoted = (uint8_t)quoted;
	v->line = line;
	v->column = col;
	return 0;
}

/* Splices list `name` into vv. Returns 1 when it was a list, 0 when not. */
static int splice_list(struct parser *ps, struct valvec *vv, const char *name, size_t len, int line,
		       int col)
{
	if (!ps->res || !ps->res->list)
		return 0;
	char buf[256];
	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, name, len);
	buf[len] = '\0';
	size_t n = 0;
	const char *const *items = ps->res->list(ps->res->ctx, buf, &n);
	if (!items)
		return 0;
	/* the items are referenced, not copied: the resolver keeps them as
	 * long as the tree (see struct flt_resolver) */
	for (size_t i = 0; i < n; i++) {
		int r = valvec_push(ps, vv, items[i], strlen(items[i]), 1, line, col);
		if (r)
			return r;
	}
	return 1;
}

static int is_ident_text(const char *s, size_t n)
{
	if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* One value: quoted or bare. Returns 0 with *got = 0 when none is here. */
static int parse_value(struct parser *ps, struct valvec *vv, int in_list, int *got)
{
	int line = ps->lx.line, col = ps->lx.col;
	int r = flt_lex_quoted(&ps->lx);
	*got = 0;
	if (r == SR_ENOMEM)
		return nomem(ps);
	if (r < 0)
		return fail_at(ps, line, col, "unterminated string");
	if (r == 1) {
		*got = 1;
		return valvec_push(ps, vv, ps->lx.tok, ps->lx.tok_len, 1, line, col);
	}
	if (!flt_lex_bare(&ps->lx))
		return 0;
	*got = 1;
	const char *s = ps->lx.tok;
	size_t n = ps->lx.tok_len;
	/* A single value naming a one-item list is that item: Falco substitutes
	 * list names wherever they appear as a word (proc.name=cat_binaries,
	 * its list_sub_bare regression test). */
	if (!in_list && is_ident_text(s, n) && ps->res && ps->res->list && n < 256) {
		char nb[256];
		size_t ni = 0;
		const char *const *items;
		memcpy(nb, s, n);
		nb[n] = '\0';
		items = ps->res->list(ps->res->ctx, nb, &ni);
		if (items && ni == 1) {
			r = splice_list(ps, vv, s, n, line, col);
			return r < 0 ? r : 0;
		}
	}
	/* inside ( ... ) an identifier may name a list whose items are spliced */
	if (in_list && is_ident_text(s, n)) {
		r = splice_list(ps, vv, s, n, line, col);
		if (r < 0)
			return r;
		if (r == 1)
			return 0;
	}
	return valvec_push(ps, vv, s, n, 0, line, col);
}

static int parse_rhs(struct parser *ps, struct flt_node *n)
{
	int arity = flt_op_rhs_arity(n->op);
	struct valvec vv = {0};
	int r, got;

	if (arity == 0) {
		n->rhs_kind = FLT_RHS_NONE;
		return 0;
	}
	flt_lex_blank(&ps->lx);
	int line = ps->lx.line, col = ps->lx.col;
	int tr = lex_transformer(ps, 1);
	if (tr >= 0) {
		flt_lex_blank(&ps->lx);
		n->rhs_kind = FLT_RHS_FIELD;
		return parse_operand(ps, tr, line, col, &n->rhs_field);
	}
	if (arity == 1) {
		if ((r = parse_value(ps, &vv, 0, &got)) != 0)
			return r;
		if (!got)
			return fail_expect(ps, "a value");
		n->rhs_kind = FLT_RHS_VALUE;
		n->vals = vv.v;
		n->nvals = 1;
		return 0;
	}
	/* list operators */
	n->rhs_kind = FLT_RHS_LIST;
	if (flt_lex_str(&ps->lx, "(")) {
		flt_lex_blank(&ps->lx);
		if (!flt_lex_str(&ps->lx, ")")) {
			for (;;) {
				flt_lex_blank(&ps->lx);
				if ((r = parse_value(ps, &vv, 1, &got)) != 0)
					return r;
				if (!got)
					return fail_expect(ps, "a value in the list");
				flt_lex_blank(&ps->lx);
				if (flt_lex_str(&ps->lx, ")"))
					break;
				if (!flt_lex_str(&ps->lx, ","))
					return fail_expect(ps, "',' or ')' in the value list");
			}
		}
		n->vals = vv.v;
		n->nvals = vv.n;
		return 0;
	}
	if (flt_lex_ident(&ps->lx)) {
		const char *s = ps->lx.tok;
		size_t len = ps->lx.tok_len;
		r = splice_list(ps, &vv, s, len, line, col);
		if (r < 0)
			return r;
		if (r == 0)
			return fail_at(ps, line, col, "undefined list '%.*s'", (int)len, s);
		n->vals = vv.v;
		n->nvals = vv.n;
		return 0;
	}
	return fail_expect(ps, "a value list '(...)' or a list name");
}

/* Splices a macro's tree. */
static int use_macro(struct parser *ps, const char *s, size_t len, int line, int col,
		     struct flt_node **out)
{
	char name[256];
	if (len >= sizeof(name))
		return fail_at(ps, line, col, "undefined macro '%.*s'", (int)len, s);
	memcpy(name, s, len);
	name[len] = '\0';
	const struct flt_node *m = NULL;
	if (ps->res && ps->res->macro) {
		struct sr_err merr;
		sr_err_clear(&merr);
		m = ps->res->macro(ps->res->ctx, name, &merr);
		if (!m && merr.code) {
			if (ps->err) {
				*ps->err = merr;
				if (!ps->err->line) {
					ps->err->line = line;
					ps->err->column = col;
				}
			}
			return merr.code;
		}
	}
	if (!m)
		return fail_at(ps, line, col, "undefined macro '%s'", name);
	/* Trees are immutable once built: link, don't copy. */
	*out = (struct flt_node *)m;
	return 0;
}

static int parse_primary(struct parser *ps, struct flt_node **out)
{
	int r;
	flt_lex_blank(&ps->lx);
	int line = ps->lx.line, col = ps->lx.col;

	if (flt_lex_str(&ps->lx, "(")) {
		if ((r = parse_or(ps, out)) != 0)
			return r;
		flt_lex_blank(&ps->lx);
		if (!flt_lex_str(&ps->lx, ")"))
			return fail_expect(ps, "')'");
		return 0;
	}
	int tr = lex_transformer(ps, 0);
	struct flt_expr *lhs = NULL;
	if (tr >= 0) {
		if ((r = parse_operand(ps, tr, line, col, &lhs)) != 0)
			return r;
	} else {
		struct flt_lex save = ps->lx;
		if (flt_lex_ident(&ps->lx)) {
			const char *s = ps->lx.tok;
			size_t n = ps->lx.tok_len;
			/* a dangling keyword ("a=1 and not") is a missing condition */
			if ((n == 3 && (!memcmp(s, "and", 3) || !memcmp(s, "not", 3))) ||
			    (n == 2 && !memcmp(s, "or", 2))) {
				ps->lx = save;
				return fail_expect(ps, "a condition");
			}
			return use_macro(ps, s, n, line, col, out);
		}
		if (!flt_lex_field_name(&ps->lx))
			return fail_expect(ps, "a condition");
		ps->lx = save; /* parse_field scans the name again, with its argument */
		if ((r = parse_field(ps, &lhs)) != 0)
			return r;
	}

	struct flt_node *n = node_new(ps, FLT_N_CMP, line, col);
	if (!n)
		return nomem(ps);
	n->lhs = lhs;
	flt_lex_blank(&ps->lx);
	int op;
	if (!flt_lex_op(&ps->lx, &op)) {
		char what[96];
		snprintf(what, sizeof(what), "an operator after '%s'",
			 lhs->field ? lhs->field : flt_tr_name(lhs->tr));
		return fail_expect(ps, what);
	}
	n->op = op;
	if ((r = parse_rhs(ps, n)) != 0)
		return r;
	*out = n;
	return 0;
}

static int parse_not(struct parser *ps, struct flt_node **out)
{
	int r = enter(ps);
	if (r)
		return r;
	flt_lex_blank(&ps->lx);
	int line = ps->lx.line, col = ps->lx.col;
	if (flt_lex_keyword(&ps->lx, "not", 0)) {
		struct flt_node *kid;
		if ((r = parse_not(ps, &kid)) != 0)
			return r;
		struct flt_node *n = node_new(ps, FLT_N_NOT, line, col);
		struct flt_node **k = flt_arena_alloc(ps->lx.arena, sizeof(*k));
		if (!n || !k)
			return nomem(ps);
		k[0] = kid;
		n->kids = k;
		n->nkids = 1;
		*out = n;
	} else if ((r = parse_primary(ps, out)) != 0) {
		return r;
	}
	ps->depth--;
	return 0;
}

/* A chain of `sub` joined by keyword kw, as one n-ary node. */
static int parse_chain(struct parser *ps, const char *kw, enum flt_node_kind kind,
		       int (*sub)(struct parser *, struct flt_node **), struct flt_node **out)
{
	int r = enter(ps);
	if (r)
		return r;
	flt_lex_blank(&ps->lx);
	int line = ps->lx.line, col = ps->lx.col;
	struct flt_node *first;
	if ((r = sub(ps, &first)) != 0)
		return r;
	struct flt_node **kids = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		flt_lex_blank(&ps->lx);
		/* at the end too, so "a and" reports the missing condition */
		if (!flt_lex_keyword(&ps->lx, kw, 1))
			break;
		struct flt_node *next;
		if ((r = sub(ps, &next)) != 0)
			return r;
		if (n + 2 > cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct flt_node **nk = flt_arena_alloc(ps->lx.arena, ncap * sizeof(*nk));
			if (!nk)
				return nomem(ps);
			if (n)
				memcpy(nk, kids, n * sizeof(*nk));
			kids = nk;
			cap = ncap;
		}
		if (n == 0)
			kids[n++] = first;
		kids[n++] = next;
	}
	if (n == 0) {
		*out = first;
	} else {
		struct flt_node *node = node_new(ps, kind, line, col);
		if (!node)
			return nomem(ps);
		node->kids = kids;
		node->nkids = n;
		*out = node;
	}
	ps->depth--;
	return 0;
}

static int parse_and(struct parser *ps, struct flt_node **out)
{
	return parse_chain(ps, "and", FLT_N_AND, parse_not, out);
}

static int parse_or(struct parser *ps, struct flt_node **out)
{
	return parse_chain(ps, "or", FLT_N_OR, parse_and, out);
}

int flt_parse_ex(struct flt_arena *a, const char *text, const struct flt_resolver *res,
		 struct flt_node **out, struct sr_err *err)
{
	struct parser ps = {.res = res, .err = err};
	if (err)
		sr_err_clear(err);
	*out = NULL;
	if (!text)
		text = "";
	flt_lex_init(&ps.lx, a, text);
	flt_lex_blank(&ps.lx);
	if (flt_lex_eof(&ps.lx))
		return fail_at(&ps, ps.lx.line, ps.lx.col, "empty filter");
	struct flt_node *root;
	int r = parse_or(&ps, &root);
	if (r)
		return r;
	flt_lex_blank(&ps.lx);
	if (!flt_lex_eof(&ps.lx))
		return fail_expect(&ps, "'and', 'or' or the end of the filter");
	*out = root;
	return 0;
}

int flt_parse(struct flt_arena *a, const char *text, struct flt_node **out, struct sr_err *err)
{
	return flt_parse_ex(a, text, NULL, out, err);
}
