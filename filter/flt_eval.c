/* flt_eval: runs a compiled program over one event.
 *
 * No allocation and no parsing here: values come from fld_extract (strings
 * point into the event, the state or the context's scratch), transformers
 * write into scratch through fld_scratch_alloc, literals were converted by
 * the compiler. and/or short-circuit. A comparison on a field with no value
 * is false (so its negation is true), as in Falco.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "flt_int.h"

#define MULTI_MAX 64 /* values taken from a multi-valued field (ancestors, ...) */

/* ASCII case folding, as Falco's operators do; cheaper than the locale's. */
static inline unsigned char lower_c(unsigned char c)
{
	return (unsigned char)(c + (((unsigned)c - 'A' < 26u) << 5));
}

static inline unsigned char upper_c(unsigned char c)
{
	return (unsigned char)(c - (((unsigned)c - 'a' < 26u) << 5));
}

/* Substring search; glibc's memmem pays a setup cost that dominates for the
 * short needles filters use, so scan for the first byte and compare. */
static int contains(const char *h, size_t hl, const char *n, size_t nl)
{
	if (nl == 0)
		return 1;
	if (nl > hl)
		return 0;
	if (nl > 64)
		return memmem(h, hl, n, nl) != NULL;
	const char *end = h + hl - nl + 1;
	const char *p = h;
	while (p < end && (p = memchr(p, n[0], (size_t)(end - p))) != NULL) {
		if (memcmp(p + 1, n + 1, nl - 1) == 0)
			return 1;
		p++;
	}
	return 0;
}

static const char b64_tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(unsigned char ch)
{
	const char *p = ch ? strchr(b64_tab, ch) : NULL;
	if (p)
		return (int)(p - b64_tab);
	if (ch == '-')
		return 62; /* URL-safe alphabet too */
	if (ch == '_')
		return 63;
	return -1;
}

/* Decodes base64 into out (cap >= len * 3 / 4 + 3); returns -1 on bad input. */
static long b64_decode(const char *s, size_t len, char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	long n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '=')
			break;
		if (ch == '\n' || ch == '\r' || ch == ' ')
			continue;
		int v = b64_val(ch);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	return n;
}

/* Applies one transformer to a string value in place (new text in scratch).
 * Returns 0 when the result is absent (bad base64, no scratch). */
static int apply_tr(enum flt_tr tr, struct fld_value *v, struct fld_ctx *c)
{
	char *o;
	switch (tr) {
	case FLT_TR_TOLOWER:
	case FLT_TR_TOUPPER:
		o = fld_scratch_alloc(c, v->len ? v->len : 1);
		if (!o)
			return 0;
		for (size_t i = 0; i < v->len; i++)
			o[i] = (char)(tr == FLT_TR_TOLOWER ? lower_c((unsigned char)v->s[i])
							   : upper_c((unsigned char)v->s[i]));
		v->s = o;
		v->type = FT_V_STR;
		return 1;
	case FLT_TR_B64: {
		o = fld_scratch_alloc(c, v->len / 4 * 3 + 4);
		if (!o)
			return 0;
		long n = b64_decode(v->s, v->len, o);
		if (n < 0)
			return 0;
		v->s = o;
		v->len = (size_t)n;
		v->type = FT_V_STR;
		return 1;
	}
	case FLT_TR_BASENAME: {
		const char *slash = v->len ? memrchr(v->s, '/', v->len) : NULL;
		if (slash) {
			v->len -= (size_t)(slash + 1 - v->s);
			v->s = slash + 1;
		}
		v->type = FT_V_STR;
		return 1;
	}
	case FLT_TR_LEN:
		v->u = v->len;
		v->i = (int64_t)v->len;
		v->type = FT_V_UINT;
		return 1;
	default:
		return 1;
	}
}

static int transform(const struct flt_pexpr *e, struct fld_value *v, struct fld_ctx *c)
{
	for (unsigned i = 0; i < e->ntr; i++)
		if (!apply_tr(e->tr[i], v, c))
			return 0;
	return 1;
}

/* The value as a signed 128-bit number (bool/int/uint alike). */
static __int128 num_of(const struct fld_value *v)
{
	if (v->type == FT_V_INT)
		return v->i;
	return v->u;
}

/* Text form of any value, for string operators on non-string fields. */
static void text_of(const struct fld_value *v, char *buf, size_t cap, const char **s, size_t *len)
{
	switch (v->type) {
	case FT_V_STR:
	case FT_V_BYTES:
	case FT_V_STRLIST:
	case FT_V_NONE:
		*s = v->s ? v->s : "";
		*len = v->s ? v->len : 0;
		return;
	case FT_V_INT:
		*len = (size_t)snprintf(buf, cap, "%lld", (long long)v->i);
		break;
	case FT_V_BOOL:
		*len = (size_t)snprintf(buf, cap, "%s", (v->u || v->i) ? "true" : "false");
		break;
	case FT_V_IP:
	case FT_V_NET:
		if (!inet_ntop(v->family == AF_INET6 ? AF_INET6 : AF_INET, v->ip, buf,
			       (socklen_t)cap))
			buf[0] = '\0';
		*len = strlen(buf);
		break;
	default:
		*len = (size_t)snprintf(buf, cap, "%llu", (unsigned long long)v->u);
		break;
	}
	*s = buf;
}

static int ip_match(const struct fld_value *v, const struct flt_lit *l)
{
	int fam = v->family == AF_INET6 ? AF_INET6 : AF_INET;
	if (fam != l->family)
		return 0;
	unsigned bits = l->prefix;
	size_t full = bits / 8;
	if (memcmp(v->ip, l->ip, full) != 0)
		return 0;
	if (bits % 8) {
		uint8_t mask = (uint8_t)(0xff00u >> (bits % 8));
		if ((v->ip[full] & mask) != (l->ip[full] & mask))
			return 0;
	}
	return 1;
}

static int icontains(const char *h, size_t hl, const char *lower, size_t nl)
{
	if (nl == 0)
		return 1;
	if (nl > hl)
		return 0;
	for (size_t i = 0; i + nl <= hl; i++) {
		if (lower_c((unsigned char)h[i]) != (unsigned char)lower[0])
			continue;
		size_t j = 1;
		while (j < nl && lower_c((unsigned char)h[i + j]) == (unsigned char)lower[j])
			j++;
		if (j == nl)
			return 1;
	}
	return 0;
}

/* Falco's pmatch: the value is one of the paths or lies below one of them,
 * on a path-component boundary (/etc matches /etc and /etc/x, not /etcx). */
static int path_prefix(const char *s, size_t len, const struct flt_lit *l)
{
	size_t pl = l->len;
	while (pl > 1 && l->s[pl - 1] == '/')
		pl--; /* "/etc/" means the same as "/etc" */
	if (pl > len || memcmp(s, l->s, pl) != 0)
		return 0;
	return pl == len || s[pl] == '/' || (pl == 1 && l->s[0] == '/');
}

static int str_eq_lit(const char *s, size_t len, const struct flt_lit *l)
{
	return len == l->len && memcmp(s, l->s, len) == 0;
}

uint32_t flt_hash(const char *s, size_t len)
{
	/* 8 bytes at a time: list items and values are short paths and names */
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		s += 8;
		len -= 8;
	}
	if (len) {
		uint64_t w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	}
	h ^= h >> 29;
	return (uint32_t)h;
}

static int in_hashed(const struct flt_pnode *p, const char *s, size_t len)
{
	uint32_t h = flt_hash(s, len);
	for (uint32_t i = h & p->hmask;; i = (i + 1) & p->hmask) {
		uint32_t k = p->hslots[i];
		if (!k)
			return 0;
		const struct flt_lit *l = &p->lits[k - 1];
		if (l->hash == h && l->len == len && memcmp(l->s, s, len) == 0)
			return 1;
	}
}

static int order(enum flt_op op, __int128 a, __int128 b)
{
	switch (op) {
	case FLT_OP_LT:
		return a < b;
	case FLT_OP_LE:
		return a <= b;
	case FLT_OP_GT:
		return a > b;
	case FLT_OP_GE:
		return a >= b;
	case FLT_OP_NE:
		return a != b;
	default:
		return a == b;
	}
}

/* String operators against one literal. */
static int str_op(const struct flt_pnode *p, const char *s, size_t len, const struct flt_lit *l)
{
	switch (p->op) {
	case FLT_OP_EQ:
	case FLT_OP_EQ2:
	case FLT_OP_IN:
	case FLT_OP_INTERSECTS:
		return str_eq_lit(s, len, l);
	case FLT_OP_NE:
		return !str_eq_lit(s, len, l);
	case FLT_OP_CONTAINS:
		return contains(s, len, l->s, l->len);
	case FLT_OP_ICONTAINS:
		return icontains(s, len, l->lower, l->len);
	case FLT_OP_BCONTAINS:
		return contains(s, len, (const char *)l->bytes, l->nbytes);
	case FLT_OP_STARTSWITH:
		return len >= l->len && memcmp(s, l->s, l->len) == 0;
	case FLT_OP_BSTARTSWITH:
		return len >= l->nbytes && memcmp(s, l->bytes, l->nbytes) == 0;
	case FLT_OP_ENDSWITH:
		return len >= l->len && memcmp(s + len - l->len, l->s, l->len) == 0;
	case FLT_OP_GLOB:
		if (l->glob)
			return flt_glob_fast_match(l->glob, s, len, 0);
		return flt_glob_match(l->s, l->len, s, len, 0);
	case FLT_OP_IGLOB:
		if (l->glob)
			return flt_glob_fast_match(l->glob, s, len, 1);
		return flt_glob_match(l->s, l->len, s, len, 1);
	case FLT_OP_PMATCH:
		return path_prefix(s, len, l);
	case FLT_OP_LT:
	case FLT_OP_LE:
	case FLT_OP_GT:
	case FLT_OP_GE: {
		/* a string field compared with a number: read the value as one */
		__int128 n;
		if (flt_parse_number(s, len, &n) != 0)
			return 0;
		return order(p->op, n, l->n);
	}
	default:
		return 0;
	}
}

/* A text value against the node's literals. */
static int match_text(const struct flt_pnode *p, const char *s, size_t len)
{
	if (p->op == FLT_OP_REGEX) {
		regmatch_t m = {.rm_so = 0, .rm_eo = (regoff_t)len};
		return regexec(p->re, s, 1, &m, REG_STARTEND) == 0;
	}
	if (p->hslots)
		return in_hashed(p, s, len);
	for (size_t i = 0; i < p->nlits; i++)
		if (str_op(p, s, len, &p->lits[i]))
			return 1;
	return 0;
}

int flt_match_text(const struct flt_pnode *p, const char *s, size_t len)
{
	return match_text(p, s, len);
}

/* One value against the node's literals. */
static int match_value(const struct flt_pnode *p, const struct fld_value *v)
{
	char tmp[64];
	const char *s;
	size_t len;

	if (p->op == FLT_OP_EXISTS)
		return 1;
	int string_op = p->op >= FLT_OP_CONTAINS && p->op <= FLT_OP_REGEX;
	if (p->ck == FLT_K_STR || string_op || p->op == FLT_OP_PMATCH) {
		text_of(v, tmp, sizeof(tmp), &s, &len);
		return match_text(p, s, len);
	}
	if (p->ck == FLT_K_IP) {
		if (v->type != FT_V_IP && v->type != FT_V_NET)
			return 0;
		for (size_t i = 0; i < p->nlits; i++) {
			int m = ip_match(v, &p->lits[i]);
			if (p->op == FLT_OP_NE)
				return !m;
			if (m)
				return 1;
		}
		return 0;
	}
	/* numbers and booleans */
	__int128 n = num_of(v);
	if (p->ck == FLT_K_BOOL)
		n = n != 0;
	for (size_t i = 0; i < p->nlits; i++) {
		enum flt_op op =
		    p->op == FLT_OP_IN || p->op == FLT_OP_INTERSECTS ? FLT_OP_EQ : p->op;
		if (order(op, n, p->lits[i].n))
			return 1;
	}
	return 0;
}

/* lhs value against the rhs field's value (val()). */
static int match_field(const struct flt_pnode *p, const struct fld_value *a,
		       const struct fld_value *b)
{
	char ta[64], tb[64];
	const char *sa, *sb;
	size_t la, lb;
	if (p->ck == FLT_K_STR || (p->op >= FLT_OP_CONTAINS && p->op <= FLT_OP_PMATCH)) {
		struct flt_lit l = {0};
		text_of(a, ta, sizeof(ta), &sa, &la);
		text_of(b, tb, sizeof(tb), &sb, &lb);
		l.s = sb;
		l.len = lb;
		if (p->op == FLT_OP_ICONTAINS) {
			/* the needle must be lowercase: compare both sides folded */
			for (size_t i = 0; i < la; i++)
				for (size_t j = 0;; j++) {
					if (j == lb)
						return 1;
					if (i + j >= la || lower_c((unsigned char)sa[i + j]) !=
							       lower_c((unsigned char)sb[j]))
						break;
				}
			return lb == 0;
		}
		if (p->op == FLT_OP_IGLOB)
			return flt_glob_match(sb, lb, sa, la, 1);
		if (p->op >= FLT_OP_LT && p->op <= FLT_OP_GE) {
			__int128 x, y;
			if (flt_parse_number(sa, la, &x) || flt_parse_number(sb, lb, &y))
				return 0;
			return order(p->op, x, y);
		}
		return str_op(p, sa, la, &l);
	}
	if (p->ck == FLT_K_IP) {
		int same = (a->family == b->family) &&
			   memcmp(a->ip, b->ip, a->family == AF_INET6 ? 16 : 4) == 0;
		return p->op == FLT_OP_NE ? !same : same;
	}
	__int128 x = num_of(a), y = num_of(b);
	if (p->ck == FLT_K_BOOL) {
		x = x != 0;
		y = y != 0;
	}
	enum flt_op op = p->op == FLT_OP_IN || p->op == FLT_OP_INTERSECTS ? FLT_OP_EQ : p->op;
	return order(op, x, y);
}

static int get_value(const struct flt_pexpr *e, struct fld_ctx *c, struct fld_value *v)
{
	if (!fld_extract(&e->ref, c, v) || !v->present)
		return 0;
	return transform(e, v, c);
}

__attribute__((noinline)) static int eval_cmp(const struct flt_pnode *p, struct fld_ctx *c)
{
	struct fld_value v;

	if (p->rhs_field) {
		struct fld_value w;
		char copy[1024];
		if (!get_value(&p->lhs, c, &v))
			return 0;
		/* the rhs extraction may reuse scratch the lhs text lives in */
		int text = v.type == FT_V_STR || v.type == FT_V_BYTES || v.type == FT_V_STRLIST;
		if (text && v.s && v.s >= c->scratch && v.s < c->scratch + sizeof(c->scratch)) {
			size_t n = v.len < sizeof(copy) ? v.len : sizeof(copy);
			memcpy(copy, v.s, n);
			v.s = copy;
			v.len = n;
		}
		if (!get_value(p->rhs_field, c, &w))
			return 0;
		return match_field(p, &v, &w);
	}
	if (p->by_type) {
		unsigned t = c->ev && c->ev->rec ? c->ev->rec->type : 0;
		int in = t < EVT_TYPE_MAX && ((p->typeset[t / 8] >> (t % 8)) & 1);
		return p->op == FLT_OP_NE ? !in : in;
	}
	if (p->flagm) {
		int r = flt_flags_eval(p, c);
		if (r >= 0)
			return r;
	}
	if (p->str_fast) {
		/* a string field, no transformer: its text is the value */
		if (!fld_extract(&p->lhs.ref, c, &v) || !v.present)
			return 0;
		if (p->op == FLT_OP_EXISTS)
			return 1;
		if (v.type == FT_V_STR || v.type == FT_V_BYTES)
			return match_text(p, v.s ? v.s : "", v.s ? v.len : 0);
		return match_value(p, &v);
	}
	if (p->multi) {
		struct fld_value vals[MULTI_MAX];
		size_t n = fld_extract_multi(&p->lhs.ref, c, vals, MULTI_MAX);
		for (size_t i = 0; i < n; i++) {
			if (!vals[i].present || !transform(&p->lhs, &vals[i], c))
				continue;
			if (match_value(p, &vals[i]))
				return 1;
		}
		return 0;
	}
	if (!get_value(&p->lhs, c, &v))
		return 0;
	return match_value(p, &v);
}

static int eval_node1(const struct flt_pnode *p, struct fld_ctx *c, struct flt_memo *m);

static inline int eval_node(const struct flt_pnode *p, struct fld_ctx *c, struct flt_memo *m)
{
	if (!p->memo || !c->gen || !m)
		return eval_node1(p, c, m);
	unsigned k = p->memo - 1u;
	if (m->gen[k] == c->gen)
		return m->val[k];
	int r = eval_node1(p, c, m);
	m->gen[k] = c->gen;
	m->val[k] = (uint8_t)r;
	return r;
}

static int eval_node1(const struct flt_pnode *p, struct fld_ctx *c, struct flt_memo *m)
{
	switch (p->kind) {
	case FLT_N_AND:
		for (size_t i = 0; i < p->nkids; i++)
			if (!eval_node(p->kids[i], c, m))
				return 0;
		return 1;
	case FLT_N_OR:
		for (size_t i = 0; i < p->nkids; i++)
			if (eval_node(p->kids[i], c, m))
				return 1;
		return 0;
	case FLT_N_NOT:
		return !eval_node(p->kids[0], c, m);
	case FLT_N_BOOL:
		return p->bval;
	case FLT_N_CMP:
		return eval_cmp(p, c);
	}
	return 0;
}

int flt_eval(const struct flt_prog *p, struct fld_ctx *c)
{
	return eval_node(p->root, c, p->memo);
}

/* Parts run on the loading workers, and the set's memo belongs to the
 * thread that matches the set: each thread keeps a memo of its own, for
 * the parts of one set at a time (slot numbers are per set): owner is
 * that set's memo. */
static __thread struct {
	const struct flt_memo *owner;
	struct flt_memo m;
} part_memo;

int flt_eval_part(const struct flt_prog *p, const struct flt_pnode *n, struct fld_ctx *c)
{
	if (!p->memo)
		return eval_node(n, c, NULL);
	if (part_memo.owner != p->memo) {
		memset(&part_memo.m, 0, sizeof(part_memo.m));
		part_memo.owner = p->memo;
	}
	return eval_node(n, c, &part_memo.m);
}
