/* flt_lex: see flt_lex.h. */
#include <string.h>
#include <stdio.h>

#include "../common/sr_hex.h"
#include "flt_lex.h"

void flt_lex_init(struct flt_lex *lx, struct flt_arena *a, const char *src)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->p = src;
	lx->end = src + strlen(src);
	lx->line = 1;
	lx->col = 1;
	lx->arena = a;
}

/* Moves the cursor n bytes forward, keeping line:column right. */
static void advance(struct flt_lex *lx, size_t n)
{
	while (n-- && lx->p < lx->end) {
		char c = *lx->p++;
		if (c == '\n' || (c == '\r' && (lx->p >= lx->end || *lx->p != '\n'))) {
			lx->line++;
			lx->col = 1;
		} else {
			lx->col++;
		}
	}
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ident_char(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

void flt_lex_skip(struct flt_lex *lx, size_t n)
{
	advance(lx, n);
}

int flt_lex_eof(const struct flt_lex *lx)
{
	return lx->p >= lx->end;
}

int flt_lex_blank(struct flt_lex *lx)
{
	const char *start = lx->p;
	while (lx->p < lx->end && is_blank(*lx->p))
		advance(lx, 1);
	return lx->p != start;
}

static void set_tok(struct flt_lex *lx, const char *s, size_t n)
{
	lx->tok = s;
	lx->tok_len = n;
}

int flt_lex_str(struct flt_lex *lx, const char *s)
{
	size_t n = strlen(s);
	if ((size_t)(lx->end - lx->p) < n || memcmp(lx->p, s, n) != 0)
		return 0;
	set_tok(lx, lx->p, n);
	advance(lx, n);
	return 1;
}

int flt_lex_keyword(struct flt_lex *lx, const char *kw, int allow_end)
{
	size_t n = strlen(kw);
	if ((size_t)(lx->end - lx->p) < n || memcmp(lx->p, kw, n) != 0)
		return 0;
	const char *after = lx->p + n;
	if (after >= lx->end) {
		if (!allow_end)
			return 0;
	} else if (!is_blank(*after) && *after != '(') {
		return 0;
	}
	set_tok(lx, lx->p, n);
	advance(lx, n);
	return 1;
}

/* Length of [A-Za-z][A-Za-z0-9_]* at s, 0 if none. */
static size_t ident_len(const char *s, const char *end)
{
	if (s >= end || !is_alpha(*s))
		return 0;
	const char *p = s + 1;
	while (p < end && is_ident_char(*p))
		p++;
	return (size_t)(p - s);
}

int flt_lex_ident(struct flt_lex *lx)
{
	size_t n = ident_len(lx->p, lx->end);
	if (!n)
		return 0;
	const char *after = lx->p + n;
	if (after < lx->end && (*after == '.' || *after == '['))
		return 0;
	set_tok(lx, lx->p, n);
	advance(lx, n);
	return 1;
}

int flt_lex_field_name(struct flt_lex *lx)
{
	size_t n = ident_len(lx->p, lx->end);
	int parts = 0;
	if (!n)
		return 0;
	for (;;) {
		const char *q = lx->p + n;
		if (q >= lx->end || *q != '.')
			break;
		size_t m = ident_len(q + 1, lx->end);
		if (!m)
			break;
		n += 1 + m;
		parts++;
	}
	if (!parts)
		return 0;
	set_tok(lx, lx->p, n);
	advance(lx, n);
	return 1;
}

static int run_of(struct flt_lex *lx, const char *stop)
{
	const char *q = lx->p;
	while (q < lx->end && !is_blank(*q) && !strchr(stop, *q) && *q != '\0')
		q++;
	if (q == lx->p)
		return 0;
	set_tok(lx, lx->p, (size_t)(q - lx->p));
	advance(lx, (size_t)(q - lx->p));
	return 1;
}

int flt_lex_bare(struct flt_lex *lx)
{
	return run_of(lx, "(),=\"'");
}

int flt_lex_field_arg(struct flt_lex *lx)
{
	return run_of(lx, "[]\"'");
}

int flt_lex_op(struct flt_lex *lx, int *op)
{
	static const struct {
		const char *s;
		enum flt_op op;
	} sym[] = {
	    /* longest first */
	    {"==", FLT_OP_EQ2}, {"!=", FLT_OP_NE}, {"<=", FLT_OP_LE}, {">=", FLT_OP_GE},
	    {"=", FLT_OP_EQ},	{"<", FLT_OP_LT},  {">", FLT_OP_GT},
	};
	for (size_t i = 0; i < sizeof(sym) / sizeof(sym[0]); i++) {
		if (flt_lex_str(lx, sym[i].s)) {
			*op = sym[i].op;
			return 1;
		}
	}
	size_t n = ident_len(lx->p, lx->end);
	if (!n)
		return 0;
	int o = flt_op_by_name(lx->p, n);
	if (o < 0 || o <= FLT_OP_GE)
		return 0;
	set_tok(lx, lx->p, n);
	advance(lx, n);
	*op = o;
	return 1;
}

/* Escapes: \\ \" \' \n \t \r \b \f \0 and \xHH. Any other backslash pair
 * is kept as written, so regex and glob patterns ("a\.b", "\*") survive
 * a quoted string unchanged. */
int flt_lex_quoted(struct flt_lex *lx)
{
	if (lx->p >= lx->end || (*lx->p != '"' && *lx->p != '\''))
		return 0;
	char q = *lx->p;
	const char *s = lx->p + 1;
	const char *e = s;
	while (e < lx->end && *e != q) {
		if (*e == '\\' && e + 1 < lx->end)
			e++;
		e++;
	}
	if (e >= lx->end)
		return -1;
	char *out = flt_arena_alloc(lx->arena, (size_t)(e - s) + 1);
	if (!out)
		return SR_ENOMEM;
	size_t n = 0;
	for (const char *c = s; c < e; c++) {
		if (*c != '\\' || c + 1 >= e) {
			out[n++] = *c;
			continue;
		}
		/* simple escapes: the character after '\\' and what it stands for */
		static const char from[] = "\\\"'ntrbf0", to[] = "\\\"'\n\t\r\b\f";
		const char *e1 = c[1] ? strchr(from, c[1]) : NULL;
		int h1, h2;
		if (e1) {
			out[n++] = to[e1 - from]; /* '0' maps to the terminating NUL of to[] */
			c++;
		} else if (c[1] == 'x' && c + 3 < e && (h1 = sr_hex_digit(c[2])) >= 0 &&
			   (h2 = sr_hex_digit(c[3])) >= 0) {
			out[n++] = (char)(h1 * 16 + h2);
			c += 3;
		} else {
			out[n++] = '\\';
		}
	}
	out[n] = '\0';
	advance(lx, (size_t)(e + 1 - lx->p));
	set_tok(lx, out, n);
	return 1;
}

void flt_lex_describe(const struct flt_lex *lx, char *buf, size_t cap)
{
	if (lx->p >= lx->end) {
		snprintf(buf, cap, "end of input");
		return;
	}
	const char *q = lx->p;
	if (strchr("(),[]", *q) || !(is_ident_char(*q))) {
		/* punctuation and symbols: the run of symbol characters */
		const char *e = q + 1;
		if (!strchr("(),[]\"'", *q))
			while (e < lx->end && !is_blank(*e) && !is_ident_char(*e) &&
			       !strchr("(),[]\"'", *e) && e - q < 16)
				e++;
		snprintf(buf, cap, "'%.*s'", (int)(e - q), q);
		return;
	}
	const char *e = q;
	while (e < lx->end && !is_blank(*e) && !strchr("(),[]\"'=<>!", *e) && e - q < 40)
		e++;
	snprintf(buf, cap, "'%.*s'", (int)(e - q), q);
}
