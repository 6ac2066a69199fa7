/* flt_flags: evt.arg.NAME comparisons decided on the parameter's number.
 *
 * For flag and enum parameters evt.arg.NAME is the rendered names
 * ("O_WRONLY|O_CREAT|O_TRUNC", "PTRACE_ATTACH"), or the decimal number when
 * no name applies. Rendering that text for every comparison costs far more
 * than the comparison. The names are a function of the number, so:
 *  - enums: each table value renders one name; whether the comparison holds
 *    for that name is computed once here, per value. Unnamed values keep the
 *    generic path.
 *  - flags, `contains`/`icontains` of text without '|' and with a non-digit:
 *    the rendered text contains it exactly when one of the printed names
 *    does, and whether a name is printed is a bit test (single-bit names) or
 *    a value test on the low "mode" bits (O_RDONLY/O_WRONLY/O_RDWR,
 *    SOCK_STREAM, MAP_PRIVATE...). The test is checked against the real
 *    renderer on probe values before use; any mismatch keeps the generic
 *    path, so a change in format/evt_print.c cannot make results differ.
 * One test per (flag table, enum or flags, "0 is bare") the name has across
 * event types; the event's parameter picks it.
 */
#include <stdio.h>
#include <string.h>

#include "../format/evt_print.h"
#include "flt_int.h"

/* The low bits format/evt_print.c renders as one value rather than as
 * flags (its field_mask()); verified by probing in build_flags(). */
static uint64_t value_mask(enum evt_ftable t)
{
	switch (t) {
	case FT_OPEN:
	case FT_MMAP:
		return 03;
	case FT_SOCKTYPE:
		return 0xf;
	case FT_CLONE:
		return 0xff;
	default:
		return 0;
	}
}

static int name_match(const struct flt_pnode *p, const char *name)
{
	return flt_match_text(p, name, strlen(name));
}

/* What the generic path decides for value v (the rendered text compared). */
static int generic_result(const struct flt_pnode *p, const struct flt_flagk *k, uint64_t v)
{
	char names[512], num[32];
	size_t n = 0;
	if (!(k->zero_raw && v == 0))
		n = evt_print_flag_names(k->ftable, 0, v, names, sizeof(names));
	if (n >= sizeof(names))
		n = sizeof(names) - 1;
	if (n)
		return flt_match_text(p, names, n);
	n = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	return flt_match_text(p, num, n);
}

static int flags_test(const struct flt_flagk *k, uint64_t v)
{
	if (k->zero_raw && v == 0)
		return 0;
	if (v & k->any)
		return 1;
	if (k->mask)
		for (size_t i = 0; i < k->nmvals; i++)
			if ((v & k->mask) == k->mvals[i])
				return 1;
	return k->zero_hit && v == 0;
}

static int probe(const struct flt_pnode *p, const struct flt_flagk *k, uint64_t v)
{
	return flags_test(k, v) == generic_result(p, k, v);
}

/* A literal the bit test can decide: `contains` text that cannot span two
 * names ('|') nor occur in a bare number (a non-digit). */
static int flags_literal_ok(const struct flt_pnode *p)
{
	if ((p->op != FLT_OP_CONTAINS && p->op != FLT_OP_ICONTAINS) || p->nlits != 1)
		return 0;
	const struct flt_lit *l = &p->lits[0];
	if (!l->len || memchr(l->s, '|', l->len) || memchr(l->s, 0, l->len))
		return 0;
	for (size_t i = 0; i < l->len; i++)
		if (l->s[i] < '0' || l->s[i] > '9')
			return 1;
	return 0;
}

static void build_flags(struct flt_arena *a, const struct flt_pnode *p, struct flt_flagk *k)
{
	size_t n;
	const struct evt_flag_name *tab = evt_ftable_get(k->ftable, &n);
	uint64_t mask = value_mask(k->ftable);
	uint64_t *mv;
	int seen_zero = 0;

	if (!tab || !n || !flags_literal_ok(p))
		return;
	mv = flt_arena_alloc(a, n * sizeof(*mv));
	if (!mv)
		return;
	k->mask = mask;
	k->mvals = mv;
	for (size_t i = 0; i < n; i++) {
		uint64_t f = tab[i].value;
		int hit = name_match(p, tab[i].name), first = 1;
		for (size_t j = 0; j < i; j++)
			if (tab[j].value == f)
				first = 0;
		if (mask && (f & ~mask) == 0) {
			/* a mode value: printed when the low bits equal it */
			if (hit && first)
				mv[k->nmvals++] = f;
		} else if (f == 0) {
			if (hit && !seen_zero)
				k->zero_hit = 1;
			seen_zero = 1;
		} else if (f & mask) {
			continue; /* straddles the mode bits: never printed */
		} else if (hit) {
			/* a flag: printed when its bit is set, unless an earlier
			 * multi-bit name consumed it or it has several bits */
			if (f & (f - 1))
				return;
			for (size_t j = 0; j < i; j++)
				if (tab[j].value && !(tab[j].value & mask) && (tab[j].value & f))
					return;
			k->any |= f;
		}
	}
	/* check against the renderer: every name, every bit, and pairs */
	if (!probe(p, k, 0))
		return;
	for (unsigned b = 0; b < 64; b++)
		if (!probe(p, k, 1ull << b) || !probe(p, k, (1ull << b) | 1) ||
		    !probe(p, k, (1ull << b) | 2))
			return;
	for (size_t i = 0; i < n; i++) {
		if (!probe(p, k, tab[i].value))
			return;
		for (size_t j = 0; j < n; j++)
			if (!probe(p, k, tab[i].value | tab[j].value))
				return;
		for (unsigned b = 0; b < 64; b++)
			if (!probe(p, k, tab[i].value | (1ull << b)))
				return;
	}
	k->ok = 1;
}

static void build_enum(struct flt_arena *a, const struct flt_pnode *p, struct flt_flagk *k)
{
	size_t n;
	const struct evt_flag_name *tab = evt_ftable_get(k->ftable, &n);
	uint64_t *ev;
	uint8_t *hit;

	if (!tab || !n || p->op == FLT_OP_REGEX)
		return;
	ev = flt_arena_alloc(a, n * sizeof(*ev));
	hit = flt_arena_alloc(a, n);
	if (!ev || !hit)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t j;
		for (j = 0; j < k->nevals; j++)
			if (ev[j] == tab[i].value)
				break;
		if (j < k->nevals)
			continue; /* the renderer prints the first name of a value */
		ev[k->nevals] = tab[i].value;
		hit[k->nevals] = (uint8_t)name_match(p, tab[i].name);
		k->nevals++;
	}
	k->evals = ev;
	k->ehit = hit;
	k->ok = 1;
}

int flt_flags_prepare(struct flt_arena *a, struct flt_pnode *p)
{
	int name_id = fld_ref_arg_name_id(&p->lhs.ref);
	struct flt_flagm *m;

	if (name_id < 0 || p->ck != FLT_K_STR || p->rhs_field || !p->nlits || p->op == FLT_OP_REGEX)
		return 0;
	m = flt_arena_alloc(a, sizeof(*m));
	if (!m)
		return SR_ENOMEM;
	m->name_id = name_id;
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		const struct evt_info *info = evt_info_get(t);
		int idx = fld_param_index_by_id(t, name_id);
		if (!info || idx < 0 || (unsigned)idx >= info->nparams)
			continue;
		const struct evt_param_info *pi = &info->params[idx];
		if (pi->type != PT_FLAGS && pi->type != PT_ENUM)
			continue;
		struct flt_flagk key = {
		    .ftable = (uint8_t)pi->ftable,
		    .is_enum = pi->type == PT_ENUM,
		    .zero_raw =
			pi->type == PT_FLAGS && pi->ftable == FT_OPEN && !fld_param_open_like(t),
		};
		size_t i;
		for (i = 0; i < m->nk; i++)
			if (m->k[i].ftable == key.ftable && m->k[i].is_enum == key.is_enum &&
			    m->k[i].zero_raw == key.zero_raw)
				break;
		if (i < m->nk)
			continue;
		if (m->nk == sizeof(m->k) / sizeof(m->k[0]))
			break; /* the rest keep the generic path */
		if (key.is_enum)
			build_enum(a, p, &key);
		else
			build_flags(a, p, &key);
		m->k[m->nk++] = key;
	}
	for (size_t i = 0; i < m->nk; i++)
		if (m->k[i].ok)
			p->flagm = m;
	return 0;
}

int flt_flags_eval(const struct flt_pnode *p, struct fld_ctx *c)
{
	const struct flt_flagm *m = p->flagm;
	const struct evt *ev = c->ev;
	unsigned t = ev->rec->type;
	const struct evt_info *info = evt_info_get(t);
	int idx = fld_param_index_by_id(t, m->name_id);

	/* no such parameter: the field is absent and the comparison false */
	if (!info || idx < 0 || (unsigned)idx >= info->nparams ||
	    !evt_param_present(ev, (unsigned)idx))
		return 0;
	const struct evt_param_info *pi = &info->params[idx];
	if (pi->type != PT_FLAGS && pi->type != PT_ENUM)
		return -1;
	int is_enum = pi->type == PT_ENUM;
	int zr = !is_enum && pi->ftable == FT_OPEN && !fld_param_open_like(t);
	for (size_t i = 0; i < m->nk; i++) {
		const struct flt_flagk *k = &m->k[i];
		if (k->ftable != pi->ftable || k->is_enum != is_enum || k->zero_raw != zr)
			continue;
		if (!k->ok)
			return -1;
		uint64_t v = evt_param_u64(ev, (unsigned)idx);
		if (!is_enum)
			return flags_test(k, v);
		for (size_t j = 0; j < k->nevals; j++)
			if (k->evals[j] == v)
				return k->ehit[j];
		return -1; /* unnamed: rendered as the number */
	}
	return -1;
}
