/* rule_bound.c: what keeps rule_set_finalize linear in its input.
 *
 * Macros are shared sub-trees (a macro's AST is linked into every condition
 * that uses it) and compile to shared program nodes, so a condition's tree
 * with its macros written out can be exponentially larger than the file
 * (`eN: (eN-1 or eN-1)`). Walks that follow the tree rather than the shared
 * nodes (event-type sets, the evaluation of nodes not remembered per event)
 * cost its written-out size: that size, in terms, is what the caps of
 * rule_int.h bound. The count itself is memoized per node, so it costs one
 * visit per distinct node over the whole set.
 */
#include <stdlib.h>

#include "../filter/flt_ast.h"
#include "rule_int.h"

static size_t ptr_slot(const void *k, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)k;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)h & (cap - 1);
}

int rule_ptrmap_get(const struct rule_ptrmap *m, const void *k, size_t *v)
{
	if (!m->cap)
		return 0;
	for (size_t i = ptr_slot(k, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->k[i])
			return 0;
		if (m->k[i] == k) {
			*v = m->v[i];
			return 1;
		}
	}
}

int rule_ptrmap_put(struct rule_ptrmap *m, const void *k, size_t v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		const void **nk = calloc(ncap, sizeof(*nk));
		size_t *nv = calloc(ncap, sizeof(*nv));

		if (!nk || !nv) {
			free(nk);
			free(nv);
			return SR_ENOMEM;
		}
		for (size_t j = 0; j < m->cap; j++) {
			if (!m->k[j])
				continue;
			for (i = ptr_slot(m->k[j], ncap); nk[i]; i = (i + 1) & (ncap - 1))
				;
			nk[i] = m->k[j];
			nv[i] = m->v[j];
		}
		free(m->k);
		free(m->v);
		m->k = nk;
		m->v = nv;
		m->cap = ncap;
	}
	for (i = ptr_slot(k, m->cap); m->k[i] && m->k[i] != k; i = (i + 1) & (m->cap - 1))
		;
	if (!m->k[i])
		m->n++;
	m->k[i] = k;
	m->v[i] = v;
	return 0;
}

void rule_ptrmap_free(struct rule_ptrmap *m)
{
	free(m->k);
	free(m->v);
	m->k = NULL;
	m->v = NULL;
	m->n = m->cap = 0;
}

int rule_cond_terms(struct rule_ptrmap *memo, const struct flt_node *n, size_t limit, size_t *out)
{
	size_t t = 1, k;
	int rc;

	if (rule_ptrmap_get(memo, n, out))
		return 0;
	switch (n->kind) {
	case FLT_N_AND:
	case FLT_N_OR:
	case FLT_N_NOT:
		for (size_t i = 0; i < n->nkids && t <= limit; i++) {
			if ((rc = rule_cond_terms(memo, n->kids[i], limit, &k)))
				return rc;
			t += k;
		}
		break;
	case FLT_N_CMP:
		t += n->nvals;
		break;
	case FLT_N_BOOL:
		break;
	}
	/* saturated: past the limit the exact size no longer matters */
	*out = t > limit ? limit + 1 : t;
	return rule_ptrmap_put(memo, n, *out);
}
