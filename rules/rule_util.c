/* rule_util.c: the rules layer's vectors, name hash, messages and
 * source positions. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../common/sr_hash.h"
#include "rule_int.h"

/* ---- vectors ---- */

int rule_vec_push(struct sr_arena *a, struct rule_vec *vec, void *p)
{
	if (vec->n == vec->cap) {
		size_t ncap = vec->cap ? vec->cap * 2 : 8;
		void **nv = sr_arena_alloc(a, ncap * sizeof(*nv));

		if (!nv)
			return SR_ENOMEM;
		if (vec->n)
			memcpy(nv, vec->v, vec->n * sizeof(*nv));
		vec->v = nv;
		vec->cap = ncap;
	}
	vec->v[vec->n++] = p;
	return 0;
}

/* ---- name hash ---- */

struct rule_hash_ent {
	const char *name;
	void *item;
};

struct rule_hash {
	struct rule_hash_ent *e;
	size_t n, cap;
};

struct rule_hash *rule_hash_new(void)
{
	struct rule_hash *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->cap = 64;
	h->e = calloc(h->cap, sizeof(*h->e));
	if (!h->e) {
		free(h);
		return NULL;
	}
	return h;
}

void rule_hash_free(struct rule_hash *h)
{
	if (!h)
		return;
	free(h->e);
	free(h);
}

static size_t rh_slot(const struct rule_hash *h, const char *name)
{
	size_t i = (size_t)sr_hash64(0, name, strlen(name)) & (h->cap - 1);

	while (h->e[i].name && strcmp(h->e[i].name, name) != 0)
		i = (i + 1) & (h->cap - 1);
	return i;
}

void *rule_hash_get(const struct rule_hash *h, const char *name)
{
	size_t i = rh_slot(h, name);

	return h->e[i].name ? h->e[i].item : NULL;
}

int rule_hash_put(struct rule_hash *h, const char *name, void *item)
{
	size_t i;

	if ((h->n + 1) * 2 > h->cap) {
		struct rule_hash_ent *old = h->e;
		size_t ocap = h->cap;

		h->e = calloc(ocap * 2, sizeof(*h->e));
		if (!h->e) {
			h->e = old;
			return SR_ENOMEM;
		}
		h->cap = ocap * 2;
		for (size_t k = 0; k < ocap; k++)
			if (old[k].name)
				h->e[rh_slot(h, old[k].name)] = old[k];
		free(old);
	}
	i = rh_slot(h, name);
	if (!h->e[i].name)
		h->n++;
	h->e[i].name = name;
	h->e[i].item = item;
	return 0;
}

/* ---- messages ---- */

const char *rule_src_name(const struct rule_set *rs, int src)
{
	if (src < 0 || (size_t)src >= rs->srcs.n)
		return "<rules>";
	return ((const struct rule_src *)rs->srcs.v[src])->name;
}

static void rule_warn_add(struct rule_set *rs, enum rule_warn_code code, const char *text)
{
	if (rs->nwarns == rs->warns_cap) {
		size_t ncap = rs->warns_cap ? rs->warns_cap * 2 : 16;
		struct rule_warning *nw = realloc(rs->warns, ncap * sizeof(*nw));
		const char **nt;

		if (!nw)
			return;
		rs->warns = nw;
		nt = realloc(rs->warn_texts, ncap * sizeof(*nt));
		if (!nt)
			return;
		rs->warn_texts = nt;
		rs->warns_cap = ncap;
	}
	rs->warns[rs->nwarns].code = code;
	rs->warns[rs->nwarns].text = text;
	rs->warn_texts[rs->nwarns++] = text;
}

void rule_warn(struct rule_set *rs, enum rule_warn_code code, int src, int line, int col,
	       const char *fmt, ...)
{
	char msg[1024], full[1400];
	const char *t;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(full, sizeof(full), "%s:%d:%d: warning: %s", rule_src_name(rs, src), line,
			 col, msg);
	else
		snprintf(full, sizeof(full), "%s: warning: %s", rule_src_name(rs, src), msg);
	t = sr_arena_strdup(&rs->arena, full);
	if (t)
		rule_warn_add(rs, code, t);
}

int rule_errf(struct rule_set *rs, struct sr_err *err, int src, int line, int col, const char *fmt,
	      ...)
{
	char msg[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rs->err_src = src;
	if (!err)
		return SR_ESYNTAX;
	if (line > 0)
		sr_err_set(err, SR_ESYNTAX, "%s:%d:%d: %s", rule_src_name(rs, src), line, col, msg);
	else
		sr_err_set(err, SR_ESYNTAX, "%s: %s", rule_src_name(rs, src), msg);
	err->line = line;
	err->column = col;
	return SR_ESYNTAX;
}

/* ---- positions ---- */

/* Byte offset of 1-based (line, col), col counted in characters. */
static size_t src_offset(const struct rule_src *s, int line, int col)
{
	size_t p = 0;

	for (int l = 1; l < line && p < s->len; p++)
		if (s->text[p] == '\n')
			l++;
	for (int c = 1; c < col && p < s->len && s->text[p] != '\n'; c++) {
		p++;
		while (p < s->len && ((unsigned char)s->text[p] & 0xc0) == 0x80)
			p++;
	}
	return p;
}

static void src_linecol(const struct rule_src *s, size_t off, int *line, int *col)
{
	int l = 1, c = 1;

	for (size_t p = 0; p < off && p < s->len; p++) {
		if (s->text[p] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)s->text[p] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

void rule_src_locate(const struct rule_set *rs, int src, const struct rule_ynode *node,
		     size_t value_off, int *line, int *col)
{
	const struct rule_src *s;
	const char *v;
	size_t p, i;

	*line = node ? node->line : 0;
	*col = node ? node->col : 0;
	if (!node || src < 0 || (size_t)src >= rs->srcs.n || node->kind != RY_SCALAR)
		return;
	s = rs->srcs.v[src];
	v = node->s;
	if (value_off > node->len)
		value_off = node->len;
	p = src_offset(s, node->line, node->col);
	if (node->style == RYS_LITERAL || node->style == RYS_FOLDED) {
		while (p < s->len && s->text[p] != '\n')
			p++;
	} else if (node->style == RYS_SQUOTE || node->style == RYS_DQUOTE) {
		p++;
	}
	/* Walk the value and the source side by side: folding turned line
	 * breaks and indentation into single spaces, escapes shrank, so match
	 * each visible character to the next equal one in the source. */
	for (i = 0; i <= value_off && i < node->len; i++) {
		char ch = v[i];
		size_t q = p;

		if (isspace((unsigned char)ch)) {
			if (i == value_off)
				break;
			if (p < s->len && isspace((unsigned char)s->text[p]))
				p++;
			continue;
		}
		while (q < s->len && s->text[q] != ch && q - p < 4096)
			q++;
		if (q >= s->len || s->text[q] != ch)
			return; /* lost track: keep the node's own position */
		p = q;
		if (i < value_off)
			p++;
	}
	src_linecol(s, p, line, col);
}

const char *rule_cond_join(struct sr_arena *a, const struct rule_cond *c)
{
	size_t total = 0, o = 0;
	char *t;

	for (size_t i = 0; i < c->pieces.n; i++)
		total += ((struct rule_piece *)c->pieces.v[i])->len + 1;
	t = sr_arena_alloc(a, total + 1);
	if (!t)
		return NULL;
	for (size_t i = 0; i < c->pieces.n; i++) {
		const struct rule_piece *pc = c->pieces.v[i];

		if (i)
			t[o++] = ' ';
		memcpy(t + o, pc->text, pc->len);
		o += pc->len;
	}
	t[o] = '\0';
	return t;
}

void rule_cond_locate(const struct rule_set *rs, const struct rule_cond *c, size_t off, int *src,
		      int *line, int *col)
{
	size_t start = 0;

	*src = -1;
	*line = *col = 0;
	for (size_t i = 0; i < c->pieces.n; i++) {
		const struct rule_piece *pc = c->pieces.v[i];

		if (off <= start + pc->len || i + 1 == c->pieces.n) {
			*src = pc->src;
			rule_src_locate(rs, pc->src, pc->node, off > start ? off - start : 0, line,
					col);
			return;
		}
		start += pc->len + 1;
	}
}

const char *rule_unquote(struct sr_arena *a, const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		return sr_arena_strndup(a, s + 1, n - 2);
	return s;
}

/* ---- error printing with a caret ---- */

void rule_set_error_print(const struct rule_set *rs, FILE *out, const struct sr_err *err)
{
	const struct rule_src *s;
	size_t p, e;

	fprintf(out, "%s\n", err->msg);
	if (err->line <= 0 || rs->err_src < 0 || (size_t)rs->err_src >= rs->srcs.n)
		return;
	s = rs->srcs.v[rs->err_src];
	p = src_offset(s, err->line, 1);
	for (e = p; e < s->len && s->text[e] != '\n'; e++)
		;
	fprintf(out, "%.*s\n", (int)(e - p), s->text + p);
	/* Tabs stay tabs so the caret lines up under them. */
	for (int c = 1; c < err->column && p < e; c++, p++) {
		fputc(s->text[p] == '\t' ? '\t' : ' ', out);
		while (p + 1 < e && ((unsigned char)s->text[p + 1] & 0xc0) == 0x80)
			p++;
	}
	fputs("^\n", out);
}
