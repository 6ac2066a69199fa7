/* flt_print: canonical text of an AST and the caret rendering of errors.
 *
 * Canonical form: comparisons as `field op value`, every and/or/not in
 * parentheses, single spaces, values bare when the lexer would read them
 * back as the same bare word, otherwise double-quoted with escapes. Parsing
 * the canonical form again gives the same tree (the fuzzer checks this).
 */
#include <stdio.h>
#include <string.h>

#include "flt_ast.h"
#include "flt_int.h"

struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

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
static void put_quoted(struct out *o, const char *s, size_t n)
{
	put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		switch (c) {
		case '\\':
			puts_(o, "\\\\");
			break;
		case '"':
			puts_(o, "\\\"");
			break;
		case '\n':
			puts_(o, "\\n");
			break;
		case '\t':
			puts_(o, "\\t");
			break;
		case '\r':
			puts_(o, "\\r");
			break;
		case '\b':
			puts_(o, "\\b");
			break;
		case '\f':
			puts_(o, "\\f");
			break;
		default:
			if (c < ' ' || c == 0x7f) {
				snprintf(esc, sizeof(esc), "\\x%02x", c);
				puts_(o, esc);
			} else {
				put(o, (const char *)&s[i], 1);
			}
		}
	}
	put(o, "\"", 1);
}

static void put_value(struct out *o, const struct flt_value *v, int in_list)
{
	/* inside a list an identifier-looking word stays bare as written: list
	 * names were spliced at parse time, what remains is a plain value */
	(void)in_list;
	if (bare_ok(v->text, v->len))
		put(o, v->text, v->len);
	else
		put_quoted(o, v->text, v->len);
}

size_t flt_value_print(const struct flt_value *v, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0};
	put_value(&o, v, 0);
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}

static void put_expr(struct out *o, const struct flt_expr *e)
{
	if (e->tr == FLT_TR_NONE) {
		const char *f = e->field ? e->field : "?";
		const char *br = strchr(f, '[');
		size_t n = strlen(f);
		if (!br || n < 2 || f[n - 1] != ']') {
			puts_(o, f);
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
		put(o, f, (size_t)(arg - f));
		if (bare)
			put(o, arg, alen);
		else
			put_quoted(o, arg, alen);
		put(o, "]", 1);
		return;
	}
	puts_(o, flt_tr_name(e->tr));
	put(o, "(", 1);
	if (e->arg)
		put_expr(o, e->arg);
	put(o, ")", 1);
}

static void put_node(struct out *o, const struct flt_node *n)
{
	switch (n->kind) {
	case FLT_N_AND:
	case FLT_N_OR:
		put(o, "(", 1);
		for (size_t i = 0; i < n->nkids; i++) {
			if (i)
				puts_(o, n->kind == FLT_N_AND ? " and " : " or ");
			put_node(o, n->kids[i]);
		}
		put(o, ")", 1);
		break;
	case FLT_N_NOT:
		puts_(o, "(not ");
		put_node(o, n->kids[0]);
		put(o, ")", 1);
		break;
	case FLT_N_BOOL:
		puts_(o, n->bval ? "true" : "false");
		break;
	case FLT_N_CMP:
		put_expr(o, n->lhs);
		put(o, " ", 1);
		puts_(o, flt_op_name(n->op));
		switch (n->rhs_kind) {
		case FLT_RHS_NONE:
			break;
		case FLT_RHS_VALUE:
			put(o, " ", 1);
			put_value(o, &n->vals[0], 0);
			break;
		case FLT_RHS_LIST:
			puts_(o, " (");
			for (size_t i = 0; i < n->nvals; i++) {
				if (i)
					puts_(o, ", ");
				put_value(o, &n->vals[i], 1);
			}
			put(o, ")", 1);
			break;
		case FLT_RHS_FIELD:
			puts_(o, " val(");
			put_expr(o, n->rhs_field);
			put(o, ")", 1);
			break;
		}
		break;
	}
}

size_t flt_node_print(const struct flt_node *n, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0};
	if (n)
		put_node(&o, n);
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
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
