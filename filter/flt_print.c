/* flt_print: canonical text of an AST and the caret rendering of errors.
 *
 * Canonical form: comparisons as `field op value`, every and/or/not in
 * parentheses, single spaces, values bare when the lexer would read them
 * back as the same bare word, otherwise double-quoted with escapes. Parsing
 * the canonical form again gives the same tree (the fuzzer checks this).
 */
#include <stdio.h>
#include <string.h>

#include "../common/sr_sb.h"
#include "flt_ast.h"
#include "flt_int.h"

static int bare_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || strchr("(),=\"'\\", c))
			return 0;
	}
	/* a bare identifier in a list would be looked up as a list name; a
	 * value starting like an operator word is fine (values follow one) */
	return 1;
}

/* Double-quoted with escapes: reads back as exactly these bytes. */
static void put_quoted(struct sr_sb *o, const char *s, size_t n)
{
	sr_sb_put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\\':
			sr_sb_puts(o, "\\\\");
			break;
		case '"':
			sr_sb_puts(o, "\\\"");
			break;
		case '\n':
			sr_sb_puts(o, "\\n");
			break;
		case '\t':
			sr_sb_puts(o, "\\t");
			break;
		case '\r':
			sr_sb_puts(o, "\\r");
			break;
		case '\b':
			sr_sb_puts(o, "\\b");
			break;
		case '\f':
			sr_sb_puts(o, "\\f");
			break;
		default:
			if (c < ' ' || c == 0x7f) {
				sr_sb_printf(o, "\\x%02x", c);
			} else {
				sr_sb_put(o, (const char *)&s[i], 1);
			}
		}
	}
	sr_sb_put(o, "\"", 1);
}

static void put_value(struct sr_sb *o, const struct flt_value *v, int in_list)
{
	/* inside a list an identifier-looking word stays bare as written: list
	 * names were spliced at parse time, what remains is a plain value */
	(void)in_list;
	if (bare_ok(v->text, v->len))
		sr_sb_put(o, v->text, v->len);
	else
		put_quoted(o, v->text, v->len);
}

size_t flt_value_print(const struct flt_value *v, char *buf, size_t cap)
{
	struct sr_sb o;

	sr_sb_init(&o, buf, cap);
	put_value(&o, v, 0);
	return o.want; /* what it needs, so callers learn the size */
}

static void put_expr(struct sr_sb *o, const struct flt_expr *e)
{
	if (e->tr == FLT_TR_NONE) {
		const char *f = e->field ? e->field : "?";
		const char *br = strchr(f, '[');
		size_t n = strlen(f);
		if (!br || n < 2 || f[n - 1] != ']') {
			sr_sb_puts(o, f);
			return;
		}
		/* the argument as the lexer reads it back: bare when it can be */
		const char *arg = br + 1;
		size_t alen = (size_t)(f + n - 1 - arg);
		int bare = alen > 0;
		for (size_t i = 0; bare && i < alen; i++) {
			unsigned char c = (unsigned char)arg[i];
			bare = c > ' ' && c < 0x7f && !strchr("[]\"'", c);
		}
		sr_sb_put(o, f, (size_t)(arg - f));
		if (bare)
			sr_sb_put(o, arg, alen);
		else
			put_quoted(o, arg, alen);
		sr_sb_put(o, "]", 1);
		return;
	}
	sr_sb_puts(o, flt_tr_name(e->tr));
	sr_sb_put(o, "(", 1);
	if (e->arg)
		put_expr(o, e->arg);
	sr_sb_put(o, ")", 1);
}

static void put_node(struct sr_sb *o, const struct flt_node *n)
{
	switch (n->kind) {
	case FLT_N_AND:
	case FLT_N_OR:
		sr_sb_put(o, "(", 1);
		for (size_t i = 0; i < n->nkids; i++) {
			if (i)
				sr_sb_puts(o, n->kind == FLT_N_AND ? " and " : " or ");
			put_node(o, n->kids[i]);
		}
		sr_sb_put(o, ")", 1);
		break;
	case FLT_N_NOT:
		sr_sb_puts(o, "(not ");
		put_node(o, n->kids[0]);
		sr_sb_put(o, ")", 1);
		break;
	case FLT_N_BOOL:
		sr_sb_puts(o, n->bval ? "true" : "false");
		break;
	case FLT_N_CMP:
		put_expr(o, n->lhs);
		sr_sb_put(o, " ", 1);
		sr_sb_puts(o, flt_op_name(n->op));
		switch (n->rhs_kind) {
		case FLT_RHS_NONE:
			break;
		case FLT_RHS_VALUE:
			sr_sb_put(o, " ", 1);
			put_value(o, &n->vals[0], 0);
			break;
		case FLT_RHS_LIST:
			sr_sb_puts(o, " (");
			for (size_t i = 0; i < n->nvals; i++) {
				if (i)
					sr_sb_puts(o, ", ");
				put_value(o, &n->vals[i], 1);
			}
			sr_sb_put(o, ")", 1);
			break;
		case FLT_RHS_FIELD:
			sr_sb_puts(o, " val(");
			put_expr(o, n->rhs_field);
			sr_sb_put(o, ")", 1);
			break;
		}
		break;
	}
}

size_t flt_node_print(const struct flt_node *n, char *buf, size_t cap)
{
	struct sr_sb o;

	sr_sb_init(&o, buf, cap);
	if (n)
		put_node(&o, n);
	return o.want; /* what it needs, so callers learn the size */
}

void flt_error_print(FILE *out, const char *file, const char *src, const struct sr_err *err)
{
	if (!file)
		file = "filter";
	if (!err->line) {
		fprintf(out, "%s: %s\n", file, err->msg);
		return;
	}
	fprintf(out, "%s:%d:%d: %s\n", file, err->line, err->column, err->msg);
	if (!src)
		return;
	/* find the line (same break rules as the lexer: \n, \r\n, \r) */
	const char *p = src;
	for (int l = 1; l < err->line && *p; p++) {
		if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
			l++;
	}
	const char *e = p;
	while (*e && *e != '\n' && *e != '\r')
		e++;
	fprintf(out, "%.*s\n", (int)(e - p), p);
	/* the caret keeps the source's tabs so it lines up in any tab width */
	for (int c = 1; c < err->column; c++)
		fputc(p + c - 1 < e && p[c - 1] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}
