/* flt_compile: AST -> program (flt_int.h). Everything that can be decided
 * once is decided here: field references resolved, literals converted to
 * the field's type, lowercase copies for case-insensitive operators, hex
 * decoded for b-operators, regexes compiled (anchored), long `in` lists
 * sorted for binary search, the event-type set computed.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../format/evt_sysnr.h"
#include "flt_ast.h"
#include "../common/sr_hex.h"
#include "flt_int.h"

#define FLT_MAX_COMPILE_DEPTH 1000 /* macro trees nest; stop runaway recursion */

struct compiler {
	struct flt_arena *a;
	struct sr_err *err;
	int depth;
	struct flt_shared *sh;
};

static int nomem(struct compiler *cc);

/* ---- sharing between the programs of a set ---- */

struct shared_ent {
	const void *ptr;  /* AST node (and/or/not), or NULL */
	const char *text; /* canonical text (comparisons), or NULL */
	size_t len;
	uint32_t hash;
	struct flt_pnode *p;
};

struct flt_shared {
	struct shared_ent *tab;
	size_t cap, n;
	unsigned slots; /* memo slots handed out */
	struct flt_memo memo;
	char buf[8192];
};

static void shared_free(void *p)
{
	struct flt_shared *sh = p;
	free(sh->tab);
}

struct flt_shared *flt_shared_new(struct flt_arena *a)
{
	struct flt_shared *sh = flt_arena_alloc(a, sizeof(*sh));
	if (!sh || flt_arena_defer(a, shared_free, sh) != 0)
		return NULL;
	return sh;
}

/* The key of a node: comparisons by their canonical text (the same test
 * written in two rules), the rest by identity (the same macro). */
static int shared_key(struct compiler *cc, const struct flt_node *n, struct shared_ent *k)
{
	memset(k, 0, sizeof(*k));
	if (n->kind == FLT_N_BOOL)
		return 0;
	if (n->kind != FLT_N_CMP) {
		k->ptr = n;
		k->hash = flt_hash((const char *)&n, sizeof(n));
		return 1;
	}
	size_t len = flt_node_print(n, cc->sh->buf, sizeof(cc->sh->buf));
	if (len >= sizeof(cc->sh->buf) - 1)
		return 0;
	k->text = cc->sh->buf;
	k->len = len;
	k->hash = flt_hash(cc->sh->buf, len);
	return 1;
}

static struct shared_ent *shared_find(struct flt_shared *sh, const struct shared_ent *k)
{
	if (!sh->cap)
		return NULL;
	for (size_t i = k->hash & (sh->cap - 1);; i = (i + 1) & (sh->cap - 1)) {
		struct shared_ent *e = &sh->tab[i];
		if (!e->p)
			return NULL;
		if (e->hash == k->hash && e->ptr == k->ptr && e->len == k->len &&
		    (!k->text || (e->text && memcmp(e->text, k->text, k->len) == 0)))
			return e;
	}
}

static int shared_put(struct compiler *cc, const struct shared_ent *k, struct flt_pnode *p)
{
	struct flt_shared *sh = cc->sh;
	if ((sh->n + 1) * 2 > sh->cap) {
		size_t ncap = sh->cap ? sh->cap * 2 : 256;
		struct shared_ent *nt = calloc(ncap, sizeof(*nt));
		if (!nt)
			return nomem(cc);
		for (size_t i = 0; i < sh->cap; i++) {
			if (!sh->tab[i].p)
				continue;
			size_t j = sh->tab[i].hash & (ncap - 1);
			while (nt[j].p)
				j = (j + 1) & (ncap - 1);
			nt[j] = sh->tab[i];
		}
		free(sh->tab);
		sh->tab = nt;
		sh->cap = ncap;
	}
	size_t j = k->hash & (sh->cap - 1);
	while (sh->tab[j].p)
		j = (j + 1) & (sh->cap - 1);
	sh->tab[j] = *k;
	if (k->text) {
		char *t = flt_arena_strndup(cc->a, k->text, k->len);
		if (!t)
			return nomem(cc);
		sh->tab[j].text = t;
	}
	sh->tab[j].p = p;
	sh->n++;
	return 0;
}

__attribute__((format(printf, 4, 5))) static int fail_at(struct compiler *cc, int line, int col,
							 const char *fmt, ...)
{
	if (cc->err) {
		va_list ap;
		va_start(ap, fmt);
		sr_err_clear(cc->err);
		cc->err->code = SR_ESYNTAX;
		vsnprintf(cc->err->msg, sizeof(cc->err->msg), fmt, ap);
		va_end(ap);
		cc->err->line = line;
		cc->err->column = col;
	}
	return SR_ESYNTAX;
}

static int nomem(struct compiler *cc)
{
	return sr_err_set(cc->err, SR_ENOMEM, "out of memory compiling filter");
}

static int is_string_type(enum fld_type t)
{
	return t == FT_V_STR || t == FT_V_BYTES || t == FT_V_STRLIST;
}

static const char *type_word(enum fld_type t)
{
	switch (t) {
	case FT_V_STR:
	case FT_V_STRLIST:
		return "string";
	case FT_V_BYTES:
		return "bytes";
	case FT_V_BOOL:
		return "boolean";
	case FT_V_IP:
	case FT_V_NET:
		return "address";
	case FT_V_NONE:
		return "untyped";
	default:
		return "numeric";
	}
}

/* Flattens tr(tr(field)) into ref + transformer list, innermost first. */
static int compile_expr(struct compiler *cc, const struct flt_expr *e, struct flt_pexpr *out)
{
	enum flt_tr trs[FLT_MAX_TR];
	size_t ntr = 0;
	const struct flt_expr *f = e;
	while (f && f->tr != FLT_TR_NONE) {
		if (ntr == FLT_MAX_TR)
			return fail_at(cc, f->line, f->column,
				       "too many nested transformers (limit %d)", FLT_MAX_TR);
		trs[ntr++] = f->tr;
		f = f->arg;
	}
	if (!f || !f->field)
		return fail_at(cc, e->line, e->column, "transformer without a field");
	struct sr_err ferr;
	sr_err_clear(&ferr);
	if (fld_resolve(f->field, &out->ref, &ferr) != 0) {
		int r =
		    fail_at(cc, f->line, f->column, "%s", ferr.msg[0] ? ferr.msg : "unknown field");
		if (cc->err && ferr.msg[0] == 0)
			snprintf(cc->err->msg, sizeof(cc->err->msg), "unknown field '%s'",
				 f->field);
		return r;
	}
	enum fld_type t = out->ref.def ? out->ref.def->type : FT_V_STR;
	out->ntr = (uint8_t)ntr;
	for (size_t i = 0; i < ntr; i++) {
		enum flt_tr tr = trs[ntr - 1 - i]; /* innermost first */
		out->tr[i] = (uint8_t)tr;
		if (!is_string_type(t))
			return fail_at(cc, e->line, e->column,
				       "transformer '%s' needs a string, '%s' is %s",
				       flt_tr_name(tr), f->field, type_word(t));
		t = tr == FLT_TR_LEN ? FT_V_UINT : FT_V_STR;
	}
	out->out_type = t;
	return 0;
}

static enum flt_cmp_kind kind_of(enum fld_type t)
{
	switch (t) {
	case FT_V_INT:
		return FLT_K_INT;
	case FT_V_UINT:
	case FT_V_PORT:
	case FT_V_TIME:
	case FT_V_RELTIME:
		return FLT_K_UINT;
	case FT_V_BOOL:
		return FLT_K_BOOL;
	case FT_V_IP:
	case FT_V_NET:
		return FLT_K_IP;
	default:
		return FLT_K_STR;
	}
}

/* Decimal or 0x-hex integer, optional sign; the whole text must be used. */
int flt_parse_number(const char *s, size_t len, __int128 *out)
{
	size_t i = 0;
	int neg = 0;
	unsigned __int128 v = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return -1;
	if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		for (; i < len; i++) {
			int d = isdigit((unsigned char)s[i]) ? s[i] - '0'
				: isxdigit((unsigned char)s[i])
				    ? (tolower((unsigned char)s[i]) - 'a' + 10)
				    : -1;
			if (d < 0 || v > ((unsigned __int128)1 << 100))
				return -1;
			v = v * 16 + (unsigned)d;
		}
	} else {
		for (; i < len; i++) {
			if (!isdigit((unsigned char)s[i]) || v > ((unsigned __int128)1 << 100))
				return -1;
			v = v * 10 + (unsigned)(s[i] - '0');
		}
	}
	*out = neg ? -(__int128)v : (__int128)v;
	return 0;
}

/* "1.2.3.4", "::1", with an optional "/bits" prefix length. */
int flt_parse_ip(const char *s, size_t len, struct flt_lit *l)
{
	char buf[64];
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *slash = strchr(buf, '/');
	long bits = -1;
	if (slash) {
		char *end;
		*slash = '\0';
		if (!isdigit((unsigned char)slash[1]))
			return -1;
		bits = strtol(slash + 1, &end, 10);
		if (*end)
			return -1;
	}
	memset(l->ip, 0, sizeof(l->ip));
	if (inet_pton(AF_INET, buf, l->ip) == 1) {
		l->family = AF_INET;
		if (bits > 32)
			return -1;
		l->prefix = (uint8_t)(bits < 0 ? 32 : bits);
	} else if (inet_pton(AF_INET6, buf, l->ip) == 1) {
		l->family = AF_INET6;
		if (bits > 128)
			return -1;
		l->prefix = (uint8_t)(bits < 0 ? 128 : bits);
	} else {
		return -1;
	}
	l->is_net = bits >= 0;
	return 0;
}

static int prep_literal(struct compiler *cc, struct flt_pnode *p, const struct flt_value *v,
			struct flt_lit *l, const char *field)
{
	l->s = v->text;
	l->len = v->len;
	switch (p->op) {
	case FLT_OP_ICONTAINS:
	case FLT_OP_IGLOB: {
		char *lw = flt_arena_alloc(cc->a, v->len + 1);
		if (!lw)
			return nomem(cc);
		for (size_t i = 0; i < v->len; i++)
			lw[i] = (char)(v->text[i] >= 'A' && v->text[i] <= 'Z' ? v->text[i] + 32
									      : v->text[i]);
		l->lower = lw;
		break;
	}
	case FLT_OP_BCONTAINS:
	case FLT_OP_BSTARTSWITH: {
		/* Falco writes binary needles as hex digits: bcontains 7f454c46 */
		if (v->len % 2)
			return fail_at(cc, v->line, v->column,
				       "'%s' needs an even number of hex digits, found '%s'",
				       flt_op_name(p->op), v->text);
		uint8_t *b = flt_arena_alloc(cc->a, v->len / 2 + 1);
		if (!b)
			return nomem(cc);
		for (size_t i = 0; i < v->len; i += 2) {
			int h = sr_hex_digit(v->text[i]), lo = sr_hex_digit(v->text[i + 1]);
			if (h < 0 || lo < 0)
				return fail_at(cc, v->line, v->column,
					       "'%s' needs hex digits, found '%s'",
					       flt_op_name(p->op), v->text);
			b[i / 2] = (uint8_t)(h * 16 + lo);
		}
		l->bytes = b;
		l->nbytes = v->len / 2;
		break;
	}
	default:
		break;
	}
	int string_op = p->op >= FLT_OP_CONTAINS && p->op <= FLT_OP_REGEX;
	int order_op = p->op >= FLT_OP_LT && p->op <= FLT_OP_GE;
	switch (p->ck) {
	case FLT_K_STR:
		if (order_op) {
			if (flt_parse_number(v->text, v->len, &l->n) != 0)
				return fail_at(cc, v->line, v->column,
					       "operator '%s' compares numbers, found '%s'",
					       flt_op_name(p->op), v->text);
			l->num_ok = 1;
		}
		break;
	case FLT_K_INT:
	case FLT_K_UINT:
		if (string_op)
			break; /* compared as the number's decimal text */
		if (flt_parse_number(v->text, v->len, &l->n) != 0)
			return fail_at(cc, v->line, v->column,
				       "expected a number for field '%s', found '%s'", field,
				       v->text);
		l->num_ok = 1;
		break;
	case FLT_K_BOOL:
		if (order_op || string_op)
			return fail_at(cc, p->src->line, p->src->column,
				       "operator '%s' is not supported by boolean field '%s'",
				       flt_op_name(p->op), field);
		if (!strcasecmp(v->text, "true") || !strcmp(v->text, "1"))
			l->n = 1;
		else if (!strcasecmp(v->text, "false") || !strcmp(v->text, "0"))
			l->n = 0;
		else
			return fail_at(cc, v->line, v->column,
				       "expected true or false for field '%s', found '%s'", field,
				       v->text);
		l->num_ok = 1;
		break;
	case FLT_K_IP:
		if (order_op)
			return fail_at(cc, p->src->line, p->src->column,
				       "operator '%s' is not supported by address field '%s'",
				       flt_op_name(p->op), field);
		if (string_op)
			break;
		if (flt_parse_ip(v->text, v->len, l) != 0)
			return fail_at(
			    cc, v->line, v->column,
			    "expected an IP address or network for field '%s', found '%s'", field,
			    v->text);
		break;
	}
	return 0;
}

/* Open-addressing set over the literals of a long string `in` list. */
static int build_hash(struct compiler *cc, struct flt_pnode *p)
{
	uint32_t n = 16;
	while (n < p->nlits * 2)
		n <<= 1;
	p->hslots = flt_arena_alloc(cc->a, n * sizeof(*p->hslots));
	if (!p->hslots)
		return nomem(cc);
	p->hmask = n - 1;
	for (size_t i = 0; i < p->nlits; i++) {
		struct flt_lit *l = &p->lits[i];
		l->hash = flt_hash(l->s, l->len);
		uint32_t j = l->hash & p->hmask, k;
		/* a value already in the table is not entered again: lists of
		 * lists repeat items, and a run of equal keys made each insert
		 * walk the whole run (quadratic) */
		while ((k = p->hslots[j]) && (p->lits[k - 1].len != l->len ||
					      memcmp(p->lits[k - 1].s, l->s, l->len) != 0))
			j = (j + 1) & p->hmask;
		if (!k)
			p->hslots[j] = (uint32_t)i + 1;
	}
	p->sorted = 1;
	return 0;
}

static void regex_free(void *p)
{
	regfree(p);
}

/* glibc's regcomp expands repetitions by copying trees: stacked or deeply
 * nested quantifiers ("a+++++", "((a+)+)+...", "(a{1,200}){1,200}") make it
 * allocate without bound. Filters can come from the command line, so refuse
 * such patterns with a message instead of running out of memory. */
#define FLT_REGEX_MAX_LEN   2048
#define FLT_REGEX_MAX_NEST  4	/* repetitions applied to groups that repeat */
#define FLT_REGEX_MAX_BOUND 255 /* {n,m} bounds */

static const char *regex_too_costly(const char *s, size_t len)
{
	int depth_q[64] = {0}; /* per open group: deepest repetition nesting inside */
	int top = 0, last = 0; /* last: nesting of the atom just before, -1 none */
	int prev_quant = 0;
	if (len > FLT_REGEX_MAX_LEN)
		return "regex too long (limit 2048 bytes)";
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int quant = c == '*' || c == '+' || c == '?' || c == '{';
		if (quant) {
			if (prev_quant)
				return "regex stacks repetition operators";
			if (c == '{') {
				long v = 0;
				for (i++; i < len && s[i] != '}'; i++) {
					if (s[i] >= '0' && s[i] <= '9') {
						v = v * 10 + (s[i] - '0');
						if (v > FLT_REGEX_MAX_BOUND)
							return "regex repetition bound too large "
							       "(limit 255)";
					} else if (s[i] == ',') {
						v = 0;
					}
				}
			}
			if (last + 1 > FLT_REGEX_MAX_NEST)
				return "regex nests repetitions too deeply (limit 4)";
			if (top > 0 && last + 1 > depth_q[top - 1])
				depth_q[top - 1] = last + 1;
			prev_quant = 1;
			continue;
		}
		prev_quant = 0;
		last = 0;
		if (c == '\\') {
			i++;
		} else if (c == '[') {
			/* a bracket expression is one atom: skip to its closing ']' */
			size_t j = i + 1;
			if (j < len && s[j] == '^')
				j++;
			if (j < len && s[j] == ']')
				j++;
			while (j < len && s[j] != ']')
				j++;
			i = j;
		} else if (c == '(') {
			if (top == 64)
				return "regex nests groups too deeply (limit 64)";
			depth_q[top++] = 0;
		} else if (c == ')' && top > 0) {
			last = depth_q[--top];
			if (top > 0 && last > depth_q[top - 1])
				depth_q[top - 1] = last;
		}
	}
	return NULL;
}

static int compile_regex(struct compiler *cc, struct flt_pnode *p, const struct flt_value *v)
{
	/* Falco's regex must match the whole value: anchor both ends. */
	char *pat = flt_arena_alloc(cc->a, v->len + 5);
	regex_t *re = flt_arena_alloc(cc->a, sizeof(*re));
	if (!pat || !re)
		return nomem(cc);
	if (memchr(v->text, '\0', v->len))
		return fail_at(cc, v->line, v->column, "regex contains a NUL byte");
	const char *why = regex_too_costly(v->text, v->len);
	if (why)
		return fail_at(cc, v->line, v->column, "%s", why);
	snprintf(pat, v->len + 5, "^(%s)$", v->text);
	int rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[128];
		regerror(rc, re, msg, sizeof(msg));
		return fail_at(cc, v->line, v->column, "bad regex '%s': %s", v->text, msg);
	}
	if (flt_arena_defer(cc->a, regex_free, re) != 0) {
		regfree(re);
		return nomem(cc);
	}
	p->re = re;
	return 0;
}

static int compile_node(struct compiler *cc, const struct flt_node *n, struct flt_pnode **out);

/* Every Falco rule tests evt.type: when the test is plain equality or
 * membership on schema names, compare the record's type id against a
 * bitset instead of extracting and comparing the name. Names outside the
 * schema can never match (evt.type yields schema names, or "unknown(N)"
 * for ids it lacks, which keeps the slow path). */
static void type_fast_path(struct flt_pnode *p, const struct flt_node *n)
{
	if (n->lhs->tr != FLT_TR_NONE || !n->lhs->field || strcmp(n->lhs->field, "evt.type") != 0)
		return;
	if (p->op != FLT_OP_EQ && p->op != FLT_OP_EQ2 && p->op != FLT_OP_IN &&
	    p->op != FLT_OP_INTERSECTS && p->op != FLT_OP_NE)
		return;
	memset(p->typeset, 0, sizeof(p->typeset));
	for (size_t i = 0; i < p->nlits; i++) {
		if (!strncmp(p->lits[i].s, "unknown(", 8) ||
		    memchr(p->lits[i].s, 0, p->lits[i].len))
			return;
		int t = evt_type_by_name(p->lits[i].s);
		/* a syscall without a schema type is a GENERIC record named by its
		 * number: only the name comparison decides */
		if (t < 0 && evt_sysnr_by_name(p->lits[i].s) >= 0)
			return;
		if (t >= 0 && t < EVT_TYPE_MAX)
			p->typeset[t / 8] |= (uint8_t)(1u << (t % 8));
	}
	p->by_type = 1;
}

static int compile_cmp(struct compiler *cc, const struct flt_node *n, struct flt_pnode *p)
{
	int r = compile_expr(cc, n->lhs, &p->lhs);
	if (r)
		return r;
	p->op = n->op;
	p->ck = kind_of(p->lhs.out_type);
	/* FLD_F_MULTI fields without an index yield several values (every
	 * ancestor for proc.aname): the comparison holds when any value matches */
	p->multi = p->lhs.ref.def && (p->lhs.ref.def->flags & FLD_F_MULTI) &&
		   p->lhs.ref.arg_index < 0 && p->lhs.ref.arg_key[0] == '\0';
	const char *field = n->lhs->field;
	for (const struct flt_expr *e = n->lhs; !field && e; e = e->arg)
		field = e->field;
	if (!field)
		field = "?";

	switch (n->rhs_kind) {
	case FLT_RHS_NONE:
		return 0;
	case FLT_RHS_FIELD:
		p->rhs_field = flt_arena_alloc(cc->a, sizeof(*p->rhs_field));
		if (!p->rhs_field)
			return nomem(cc);
		if (p->op == FLT_OP_REGEX || p->op == FLT_OP_BCONTAINS ||
		    p->op == FLT_OP_BSTARTSWITH)
			return fail_at(cc, n->rhs_field->line, n->rhs_field->column,
				       "operator '%s' needs a literal value, not a field",
				       flt_op_name(p->op));
		return compile_expr(cc, n->rhs_field, p->rhs_field);
	case FLT_RHS_VALUE:
	case FLT_RHS_LIST:
		break;
	}
	if (p->op == FLT_OP_PMATCH && p->ck != FLT_K_STR)
		return fail_at(cc, n->line, n->column,
			       "operator 'pmatch' needs a path field, '%s' is %s", field,
			       type_word(p->lhs.out_type));
	p->nlits = n->nvals;
	if (n->nvals) {
		p->lits = flt_arena_alloc(cc->a, n->nvals * sizeof(*p->lits));
		if (!p->lits)
			return nomem(cc);
	}
	for (size_t i = 0; i < n->nvals; i++)
		if ((r = prep_literal(cc, p, &n->vals[i], &p->lits[i], field)) != 0)
			return r;
	p->str_fast = p->ck == FLT_K_STR && p->lhs.ntr == 0 && !p->multi;
	if (p->op == FLT_OP_REGEX)
		return compile_regex(cc, p, &n->vals[0]);
	type_fast_path(p, n);
	if (p->by_type)
		return 0;
	if ((p->op == FLT_OP_IN || p->op == FLT_OP_INTERSECTS) && p->ck == FLT_K_STR &&
	    p->nlits >= FLT_LIST_SORTED_MIN && (r = build_hash(cc, p)) != 0)
		return r;
	if (p->op == FLT_OP_GLOB || p->op == FLT_OP_IGLOB)
		for (size_t i = 0; i < p->nlits; i++) {
			struct flt_lit *l = &p->lits[i];
			l->glob = flt_glob_fast_compile(
			    cc->a, p->op == FLT_OP_IGLOB ? l->lower : l->s, l->len);
		}
	if (p->lhs.ntr == 0 && !p->multi && flt_flags_prepare(cc->a, p) != 0)
		return nomem(cc);
	return 0;
}

/* Expected evaluation cost of a node, in rough units of one field
 * comparison. and/or pay their first operand surely and each later one
 * about half as often (short-circuit), so a subtree led by a cheap test
 * (an evt.type check) stays cheap whatever follows it. */
static unsigned node_units(const struct flt_pnode *p)
{
	unsigned u = 0, w = 1;
	switch (p->kind) {
	case FLT_N_BOOL:
		return 0;
	case FLT_N_NOT:
		return p->kids[0]->units;
	case FLT_N_AND:
	case FLT_N_OR:
		/* kids are compiled first and keep their units: a kid shared by
		 * many parents (a macro) is not walked again at each, which made
		 * doubling macros exponential. Saturates far above any class. */
		for (size_t i = 0; i < p->nkids && w < 1024; i++, w *= 2)
			u += (p->kids[i]->units + w - 1) / w;
		return u > (1u << 30) ? 1u << 30 : u;
	case FLT_N_CMP:
		break;
	}
	if (p->by_type)
		return 1;
	if (p->flagm)
		return 4;
	if (p->re || p->multi || p->lhs.ntr || fld_ref_costly(&p->lhs.ref))
		return 32;
	if (p->rhs_field && (p->rhs_field->ntr || fld_ref_costly(&p->rhs_field->ref)))
		return 32;
	for (size_t i = 0; i < p->nlits; i++)
		if ((p->op == FLT_OP_GLOB || p->op == FLT_OP_IGLOB) && !p->lits[i].glob)
			return 32;
	return 4;
}

/* Cost class of a compiled node (enum flt_cost); keeps its units. */
static uint8_t node_cost(struct flt_pnode *p)
{
	unsigned u = node_units(p);
	p->units = u;
	return u <= 1 ? FLT_COST_CONST : u < 16 ? FLT_COST_CHEAP : FLT_COST_EXPENSIVE;
}

/* and/or: cheaper operands first, written order kept within a class. */
static void order_kids(struct flt_pnode *p)
{
	for (size_t i = 1; i < p->nkids; i++) {
		struct flt_pnode *k = p->kids[i];
		size_t j = i;
		while (j > 0 && p->kids[j - 1]->cost > k->cost) {
			p->kids[j] = p->kids[j - 1];
			j--;
		}
		p->kids[j] = k;
	}
}

static int compile_node1(struct compiler *cc, const struct flt_node *n, struct flt_pnode **out);

static int compile_node(struct compiler *cc, const struct flt_node *n, struct flt_pnode **out)
{
	struct shared_ent k;
	if (!cc->sh || !shared_key(cc, n, &k))
		return compile_node1(cc, n, out);
	struct shared_ent *e = shared_find(cc->sh, &k);
	if (e) {
		/* met again: worth remembering per event, unless it is as cheap
		 * as the lookup (evt.type tests on the record) */
		struct flt_pnode *p = e->p;
		if (!p->memo && !p->by_type && p->kind != FLT_N_BOOL &&
		    cc->sh->slots < FLT_MEMO_SLOTS)
			p->memo = (uint16_t)(1 + cc->sh->slots++);
		*out = p;
		return 0;
	}
	int r = compile_node1(cc, n, out);
	if (r)
		return r;
	/* the text key lives in the shared buffer, which the subtree's
	 * compilation may have reused: take it again */
	if (!shared_key(cc, n, &k))
		return 0;
	return shared_put(cc, &k, *out);
}

static int compile_node1(struct compiler *cc, const struct flt_node *n, struct flt_pnode **out)
{
	if (++cc->depth > FLT_MAX_COMPILE_DEPTH)
		return fail_at(cc, n->line, n->column, "filter nested too deeply (limit %d)",
			       FLT_MAX_COMPILE_DEPTH);
	struct flt_pnode *p = flt_arena_alloc(cc->a, sizeof(*p));
	if (!p)
		return nomem(cc);
	p->kind = n->kind;
	p->src = n;
	int r = 0;
	switch (n->kind) {
	case FLT_N_AND:
	case FLT_N_OR:
	case FLT_N_NOT:
		if (n->nkids == 0)
			return fail_at(cc, n->line, n->column, "empty logical expression");
		p->kids = flt_arena_alloc(cc->a, n->nkids * sizeof(*p->kids));
		if (!p->kids)
			return nomem(cc);
		p->nkids = n->kind == FLT_N_NOT ? 1 : n->nkids;
		for (size_t i = 0; i < p->nkids; i++)
			if ((r = compile_node(cc, n->kids[i], &p->kids[i])) != 0)
				return r;
		if (n->kind != FLT_N_NOT)
			order_kids(p);
		break;
	case FLT_N_BOOL:
		p->bval = n->bval;
		break;
	case FLT_N_CMP:
		if ((r = compile_cmp(cc, n, p)) != 0)
			return r;
		break;
	}
	p->cost = node_cost(p);
	cc->depth--;
	*out = p;
	return 0;
}

int flt_compile(struct flt_arena *a, const struct flt_node *ast, struct flt_prog **out,
		struct sr_err *err)
{
	return flt_compile_shared(a, NULL, ast, out, err);
}

int flt_compile_shared(struct flt_arena *a, struct flt_shared *sh, const struct flt_node *ast,
		       struct flt_prog **out, struct sr_err *err)
{
	struct compiler cc = {.a = a, .err = err, .sh = sh};
	if (err)
		sr_err_clear(err);
	*out = NULL;
	if (!ast)
		return sr_err_set(err, SR_ESYNTAX, "no filter to compile");
	struct flt_prog *prog = flt_arena_alloc(a, sizeof(*prog));
	if (!prog)
		return nomem(&cc);
	int r = compile_node(&cc, ast, &prog->root);
	if (r)
		return r;
	prog->ast = ast;
	prog->memo = sh ? &sh->memo : NULL;
	flt_types_compute(ast, prog->types);
	*out = prog;
	return 0;
}

int flt_compile_text(struct flt_arena *a, const char *text, struct flt_prog **out,
		     struct sr_err *err)
{
	struct flt_node *ast;
	int r = flt_parse(a, text, &ast, err);
	if (r)
		return r;
	return flt_compile(a, ast, out, err);
}

void flt_prog_types(const struct flt_prog *p, uint8_t set[32])
{
	memcpy(set, p->types, 32);
}
