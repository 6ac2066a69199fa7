/* flt_arena: the filter layer's arena handle (the allocator itself is the
 * common one, common/sr_arena.c), plus the operator tables and the AST
 * constructors the rules layer uses to build trees in code.
 *
 * struct flt_arena stays a type of its own because filter/flt.h hands it out
 * opaquely; it is nothing but a struct sr_arena.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/sr_arena.h"
#include "flt_ast.h"
#include "flt_int.h"

struct flt_arena {
	struct sr_arena mem;
};

struct flt_arena *flt_arena_new(void)
{
	return calloc(1, sizeof(struct flt_arena));
}

void flt_arena_free(struct flt_arena *a)
{
	if (!a)
		return;
	sr_arena_reset(&a->mem);
	free(a);
}

void *flt_arena_alloc(struct flt_arena *a, size_t size)
{
	return sr_arena_alloc(&a->mem, size);
}

char *flt_arena_strndup(struct flt_arena *a, const char *s, size_t len)
{
	return sr_arena_strndup(&a->mem, s, len);
}

int flt_arena_defer(struct flt_arena *a, void (*fn)(void *), void *ptr)
{
	return sr_arena_defer(&a->mem, fn, ptr);
}

static const char *const op_names[] = {
#define FLT_OP_NAME(e, s, r) s,
    FLT_OPS(FLT_OP_NAME)
#undef FLT_OP_NAME
};
static const unsigned char op_rhs[] = {
#define FLT_OP_RHS(e, s, r) r,
    FLT_OPS(FLT_OP_RHS)
#undef FLT_OP_RHS
};
static const char *const tr_names[] = {"",
#define FLT_TR_NAME(e, s) s,
				       FLT_TRS(FLT_TR_NAME)
#undef FLT_TR_NAME
};

const char *flt_op_name(enum flt_op op)
{
	return (unsigned)op < FLT_OP_COUNT ? op_names[op] : "?";
}

int flt_op_by_name(const char *s, size_t len)
{
	for (int i = 0; i < FLT_OP_COUNT; i++)
		if (strlen(op_names[i]) == len && memcmp(op_names[i], s, len) == 0)
			return i;
	return -1;
}

int flt_op_rhs_arity(enum flt_op op)
{
	return (unsigned)op < FLT_OP_COUNT ? op_rhs[op] : 1;
}

const char *flt_tr_name(enum flt_tr tr)
{
	return (unsigned)tr < FLT_TR_COUNT ? tr_names[tr] : "?";
}

struct flt_node *flt_node_new_bool(struct flt_arena *a, int v)
{
	struct flt_node *n = flt_arena_alloc(a, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = FLT_N_BOOL;
	n->bval = !!v;
	return n;
}

struct flt_node *flt_node_new_not(struct flt_arena *a, struct flt_node *kid)
{
	struct flt_node *n = flt_arena_alloc(a, sizeof(*n));
	struct flt_node **k = flt_arena_alloc(a, sizeof(*k));
	if (!n || !k || !kid)
		return NULL;
	k[0] = kid;
	n->kind = FLT_N_NOT;
	n->kids = k;
	n->nkids = 1;
	n->line = kid->line;
	n->column = kid->column;
	return n;
}

struct flt_node *flt_node_new_logic(struct flt_arena *a, enum flt_node_kind kind,
				    struct flt_node *const *kids, size_t n)
{
	if (n == 0 || (kind != FLT_N_AND && kind != FLT_N_OR))
		return NULL;
	if (n == 1)
		return kids[0];
	struct flt_node *node = flt_arena_alloc(a, sizeof(*node));
	struct flt_node **k = flt_arena_alloc(a, n * sizeof(*k));
	if (!node || !k)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!kids[i])
			return NULL;
		k[i] = kids[i];
	}
	node->kind = kind;
	node->kids = k;
	node->nkids = n;
	node->line = kids[0]->line;
	node->column = kids[0]->column;
	return node;
}

struct flt_expr *flt_expr_new_field(struct flt_arena *a, const char *field)
{
	struct flt_expr *e = flt_arena_alloc(a, sizeof(*e));
	if (!e || !field)
		return NULL;
	e->tr = FLT_TR_NONE;
	e->field = flt_arena_strndup(a, field, strlen(field));
	return e->field ? e : NULL;
}

struct flt_node *flt_node_new_cmp(struct flt_arena *a, struct flt_expr *lhs, enum flt_op op,
				  const char *const *vals, size_t n)
{
	if (!lhs || (unsigned)op >= FLT_OP_COUNT)
		return NULL;
	int arity = flt_op_rhs_arity(op);
	if ((arity == 0 && n != 0) || (arity == 1 && n != 1))
		return NULL;
	struct flt_node *node = flt_arena_alloc(a, sizeof(*node));
	if (!node)
		return NULL;
	node->kind = FLT_N_CMP;
	node->lhs = lhs;
	node->op = op;
	node->line = lhs->line;
	node->column = lhs->column;
	node->rhs_kind = arity == 0 ? FLT_RHS_NONE : arity == 1 ? FLT_RHS_VALUE : FLT_RHS_LIST;
	if (n) {
		node->vals = flt_arena_alloc(a, n * sizeof(*node->vals));
		if (!node->vals)
			return NULL;
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(vals[i]);
			node->vals[i].text = flt_arena_strndup(a, vals[i], len);
			if (!node->vals[i].text)
				return NULL;
			node->vals[i].len = len;
			node->vals[i].quoted = 1;
		}
	}
	node->nvals = n;
	return node;
}
