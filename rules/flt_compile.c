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

#include "flt_ast.h"
#include "flt_int.h"

#define FLT_MAX_COMPILE_DEPTH 1000 /* macro trees nest; stop runaway recursion */

struct compiler {
	struct flt_arena *a;
	struct sr_err *err;
	int depth;
};

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

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
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
			int h = hexval(v->text[i]), lo = hexval(v->text[i + 1]);
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

static int lit_cmp(const void *a, const void *b)
{
	const struct flt_lit *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->s, y->s, x->len);
}

static void regex_free(void *p)
{
	regfree(p);
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
	if (p->op == FLT_OP_REGEX)
		return compile_regex(cc, p, &n->vals[0]);
	type_fast_path(p, n);
	if ((p->op == FLT_OP_IN || p->op == FLT_OP_INTERSECTS) && p->ck == FLT_K_STR &&
	    p->nlits >= FLT_LIST_SORTED_MIN) {
		qsort(p->lits, p->nlits, sizeof(*p->lits), lit_cmp);
		p->sorted = 1;
	}
	return 0;
}

static int compile_node(struct compiler *cc, const struct flt_node *n, struct flt_pnode **out)
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
		break;
	case FLT_N_BOOL:
		p->bval = n->bval;
		break;
	case FLT_N_CMP:
		if ((r = compile_cmp(cc, n, p)) != 0)
			return r;
		break;
	}
	cc->depth--;
	*out = p;
	return 0;
}

int flt_compile(struct flt_arena *a, const struct flt_node *ast, struct flt_prog **out,
		struct sr_err *err)
{
	struct compiler cc = {.a = a, .err = err};
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
