/* flt_arena: bump allocator for parse trees and programs, plus the AST
 * constructors the rules layer uses to build trees in code.
 *
 * Why an arena: a rule set holds thousands of small nodes with one lifetime;
 * freeing them one by one would cost code and time for nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "flt_ast.h"
#include "flt_int.h"

#define ARENA_CHUNK (64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct arena_defer {
	struct arena_defer *next;
	void (*fn)(void *);
	void *ptr;
};

struct flt_arena {
	struct arena_chunk *head;
	struct arena_defer *defers;
};

struct flt_arena *flt_arena_new(void)
{
	return calloc(1, sizeof(struct flt_arena));
}

void flt_arena_free(struct flt_arena *a)
{
	if (!a)
		return;
	for (struct arena_defer *d = a->defers; d; d = d->next)
		d->fn(d->ptr);
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	free(a);
}

void *flt_arena_alloc(struct flt_arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (size == 0)
		size = 16;
	struct arena_chunk *c = a->head;
	if (!c || c->cap - c->used < size) {
		/* Big requests get a chunk of their own so the current one keeps
		 * serving small ones. */
		size_t cap = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;
		struct arena_chunk *n = malloc(sizeof(*n) + cap);
		if (!n)
			return NULL;
		n->used = 0;
		n->cap = cap;
		if (c && size > ARENA_CHUNK / 4) {
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			a->head = n;
		}
		c = n;
	}
	void *p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *flt_arena_strndup(struct flt_arena *a, const char *s, size_t len)
{
	char *p = flt_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int flt_arena_defer(struct flt_arena *a, void (*fn)(void *), void *ptr)
{
	/* The record lives in the arena: flt_arena_free runs the list before it
	 * releases any chunk. */
	struct arena_defer *d = flt_arena_alloc(a, sizeof(*d));
	if (!d)
		return SR_ENOMEM;
	d->fn = fn;
	d->ptr = ptr;
	d->next = a->defers;
	a->defers = d;
	return 0;
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
