/* flt_types: the set of event types a filter can match, for rule indexing
 * and chunk skipping.
 *
 * Each node gets two sets: T, the types for which it can be true, and F, the
 * types for which it can be false. Only evt.type comparisons (=, ==, in, !=)
 * constrain them; everything else can be either for any type. Then
 *   not x:   T = F(x),        F = T(x)
 *   and:     T = ∩ T(kids),   F = ∪ F(kids)
 *   or:      T = ∪ T(kids),   F = ∩ F(kids)
 * which is exact for evt.type tests and conservative for the rest.
 */
#include <string.h>

#include "../format/evt_sysnr.h"
#include "flt_ast.h"
#include "flt_int.h"

struct tset {
	uint8_t t[32], f[32];
};

static void set_all(uint8_t s[32])
{
	memset(s, 0xff, 32);
}

/* Sets the bit of a schema type name and returns 0; a syscall the schema
 * has no type for (evt.type=fstat) is a GENERIC record with that name, which
 * the name alone does not decide: returns 1 and sets nothing. */
static int set_bit_name(uint8_t s[32], const char *name)
{
	int t = evt_type_by_name(name);
	if (t >= 0 && t < EVT_TYPE_MAX) {
		s[t / 8] |= (uint8_t)(1u << (t % 8));
		return 0;
	}
	return evt_sysnr_by_name(name) >= 0;
}

static void compute(const struct flt_node *n, struct tset *out, int depth)
{
	struct tset k;
	set_all(out->t);
	set_all(out->f);
	if (depth > 4096)
		return; /* absurd nesting: stay conservative */
	switch (n->kind) {
	case FLT_N_BOOL:
		memset(n->bval ? out->f : out->t, 0, 32);
		return;
	case FLT_N_NOT:
		compute(n->kids[0], &k, depth + 1);
		memcpy(out->t, k.f, 32);
		memcpy(out->f, k.t, 32);
		return;
	case FLT_N_AND:
	case FLT_N_OR: {
		int is_and = n->kind == FLT_N_AND;
		/* start from the identity of each operation */
		memset(is_and ? out->f : out->t, 0, 32);
		for (size_t i = 0; i < n->nkids; i++) {
			compute(n->kids[i], &k, depth + 1);
			for (int b = 0; b < 32; b++) {
				if (is_and) {
					out->t[b] &= k.t[b];
					out->f[b] |= k.f[b];
				} else {
					out->t[b] |= k.t[b];
					out->f[b] &= k.f[b];
				}
			}
		}
		return;
	}
	case FLT_N_CMP:
		break;
	}
	if (n->lhs->tr != FLT_TR_NONE || !n->lhs->field || strcmp(n->lhs->field, "evt.type") != 0)
		return;
	if (n->rhs_kind != FLT_RHS_VALUE && n->rhs_kind != FLT_RHS_LIST)
		return;
	uint8_t v[32] = {0};
	int generic = 0;
	for (size_t i = 0; i < n->nvals; i++)
		generic |= set_bit_name(v, n->vals[i].text);
	switch (n->op) {
	case FLT_OP_EQ:
	case FLT_OP_EQ2:
	case FLT_OP_IN:
	case FLT_OP_INTERSECTS:
		memcpy(out->t, v, 32);
		for (int b = 0; b < 32; b++)
			out->f[b] = (uint8_t)~v[b];
		if (generic)
			out->t[EVT_GENERIC / 8] |= (uint8_t)(1u << (EVT_GENERIC % 8));
		break;
	case FLT_OP_NE:
		memcpy(out->f, v, 32);
		for (int b = 0; b < 32; b++)
			out->t[b] = (uint8_t)~v[b];
		if (generic)
			out->f[EVT_GENERIC / 8] |= (uint8_t)(1u << (EVT_GENERIC % 8));
		break;
	default:
		break;
	}
}

void flt_types_compute(const struct flt_node *n, uint8_t set[32])
{
	struct tset s;
	compute(n, &s, 0);
	memcpy(set, s.t, 32);
}
