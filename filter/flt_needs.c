/* flt_needs.c: whether a compiled filter reads the state engine, or the
 * events before the one it tests (their order), and which parts of it read
 * neither.
 *
 * A filter needs state when any field it compares does; the per-field
 * answer is fields/fld_needs.c's allow-list, so a field added later counts
 * as needing state until it is listed there. */
#include "../fields/fld_needs.h"
#include "flt_int.h"

static int node_needs(const struct flt_pnode *p, int depth, int mode)
{
	if (!p)
		return 0;
	if (depth > FLT_MAX_DEPTH * 4)
		return 1;
	switch (p->kind) {
	case FLT_N_AND:
	case FLT_N_OR:
	case FLT_N_NOT:
		for (size_t i = 0; i < p->nkids; i++)
			if (node_needs(p->kids[i], depth + 1, mode))
				return 1;
		return 0;
	case FLT_N_CMP:
		/* by_type tests look at the record type only */
		if (!p->by_type && fld_ref_needs_mode(&p->lhs.ref, mode))
			return 1;
		return p->rhs_field && fld_ref_needs_mode(&p->rhs_field->ref, mode);
	case FLT_N_BOOL:
		return 0;
	}
	return 1;
}

int flt_prog_needs_state_ex(const struct flt_prog *p, int strict)
{
	return p ? node_needs(p->root, 0, strict) : 0;
}

int flt_prog_needs_state(const struct flt_prog *p)
{
	return flt_prog_needs_state_ex(p, 0);
}

int flt_prog_needs_order(const struct flt_prog *p)
{
	return p ? node_needs(p->root, 0, 2) : 0;
}

int flt_prog_needs_fds(const struct flt_prog *p)
{
	return p ? node_needs(p->root, 0, FLD_NEEDS_FDS) : 0;
}

static size_t free_parts(const struct flt_pnode *n, const struct flt_pnode **out, size_t k,
			 size_t max, int depth, int mode)
{
	if (n->kind == FLT_N_AND && depth < FLT_MAX_DEPTH) {
		for (size_t i = 0; i < n->nkids; i++)
			k = free_parts(n->kids[i], out, k, max, depth + 1, mode);
		return k;
	}
	if (k < max && !node_needs(n, 0, mode))
		out[k++] = n;
	return k;
}

/* The parts, cheaper first (the compiler's estimate; stable): one false
 * part decides, so the order never changes the answer. */
static size_t by_cost(const struct flt_pnode **out, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		const struct flt_pnode *k = out[i];
		size_t j = i;

		while (j > 0 && out[j - 1]->units > k->units) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = k;
	}
	return n;
}

size_t flt_prog_free_parts(const struct flt_prog *p, const struct flt_pnode **out, size_t max)
{
	return p && p->root ? by_cost(out, free_parts(p->root, out, 0, max, 0, 2)) : 0;
}

size_t flt_prog_open_parts(const struct flt_prog *p, const struct flt_pnode **out, size_t max)
{
	return p && p->root
		   ? by_cost(out, free_parts(p->root, out, 0, max, 0, FLD_NEEDS_ORDER_OPEN_FD))
		   : 0;
}
