/* rule_load.c: YAML items (rule, macro, list, required_*) → the set's
 * definitions, with Falco's append (old style) and override (new style)
 * semantics. Conditions are kept as text here; rule_compile.c parses them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

struct ld {
	struct rule_set *rs;
	int src;
	struct sr_err *err;
};

#define NPOS(n) (n) ? (n)->line : 0, (n) ? (n)->col : 0

static int ld_err(struct ld *l, const struct rule_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int ld_err(struct ld *l, const struct rule_ynode *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rule_errf(l->rs, l->err, l->src, NPOS(n), "%s", msg);
}

static struct rule_pos ld_pos(struct ld *l, const struct rule_ynode *n)
{
	struct rule_pos p = {l->src, n ? n->line : 0, n ? n->col : 0};

	return p;
}

/* Position of a map's key node (better than the value for "missing" errors). */
static const struct rule_ynode *ld_key(const struct rule_ynode *m, const char *key)
{
	for (size_t i = m->nkids; i >= 2; i -= 2)
		if (m->kids[i - 2]->kind == RY_SCALAR && strcmp(m->kids[i - 2]->s, key) == 0)
			return m->kids[i - 2];
	return NULL;
}

static int ld_scalar(struct ld *l, const struct rule_ynode *n, const char *what, const char *item,
		     const char **out)
{
	if (n->kind != RY_SCALAR)
		return ld_err(l, n, "%s of %s must be a string", what, item);
	*out = n->s;
	return 0;
}

static int ld_bool(struct ld *l, const struct rule_ynode *n, const char *key, int *out)
{
	int b = rule_yscalar_bool(n);

	if (b < 0)
		return ld_err(l, n, "'%s' must be true or false", key);
	*out = b;
	return 0;
}

/* Warns about keys not in the allowed list (NULL-terminated). */
static void ld_unknown_keys(struct ld *l, const struct rule_ynode *m, const char *const *known,
			    const char *what, const char *name)
{
	for (size_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct rule_ynode *k = m->kids[i];
		size_t j;

		if (k->kind != RY_SCALAR)
			continue;
		for (j = 0; known[j]; j++)
			if (strcmp(known[j], k->s) == 0)
				break;
		if (!known[j])
			rule_warn(l->rs, RW_UNKNOWN_KEY, l->src, k->line, k->col,
				  "unknown key '%s' in %s '%s' (ignored)", k->s, what, name);
	}
}

static int ld_piece(struct ld *l, struct rule_cond *c, const struct rule_ynode *n, int replace)
{
	struct rule_piece *p = sr_arena_alloc(&l->rs->arena, sizeof(*p));

	if (!p)
		return SR_ENOMEM;
	p->text = n->s;
	p->len = n->len;
	p->src = l->src;
	p->node = n;
	if (replace)
		c->pieces.n = 0;
	return rule_vec_push(&l->rs->arena, &c->pieces, p);
}

/* The name of an item ("rule: X"): present and a non-empty scalar. */
static int ld_name(struct ld *l, const struct rule_ynode *item, const char *key, const char **name)
{
	const struct rule_ynode *n = rule_ymap_get(item, key);

	if (rule_ynode_is_null(n) || n->kind != RY_SCALAR || n->len == 0)
		return ld_err(l, n ? n : item, "mapping for key '%s' is empty", key);
	*name = n->s;
	return 0;
}

/* override: {key: append|replace}. Validates it against what the item may
 * change and what it actually carries. */
struct ovr {
	const struct rule_ynode *node;
	const char *keys[16];
	int append[16];
	size_t n;
};

static int ld_override(struct ld *l, const struct rule_ynode *item, const char *what,
		       const char *name, const char *const *can_append,
		       const char *const *can_replace, const char *const *meta, struct ovr *o)
{
	const struct rule_ynode *m = rule_ymap_get(item, "override");

	memset(o, 0, sizeof(*o));
	o->node = m;
	if (!m)
		return 0;
	if (m->kind != RY_MAP)
		return ld_err(l, m,
			      "'override' of %s '%s' must be a mapping of key: append|replace",
			      what, name);
	if (rule_ymap_get(item, "append"))
		return ld_err(l, m, "%s '%s' has both 'append' and 'override'; use only 'override'",
			      what, name);
	for (size_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct rule_ynode *k = m->kids[i], *v = m->kids[i + 1];
		const char *const *allowed;
		int app;
		size_t j;

		if (k->kind != RY_SCALAR || v->kind != RY_SCALAR)
			return ld_err(l, k, "'override' entries must be key: append|replace");
		if (strcmp(v->s, "append") == 0)
			app = 1;
		else if (strcmp(v->s, "replace") == 0)
			app = 0;
		else
			return ld_err(l, v,
				      "override of '%s' must be 'append' or 'replace', not '%s'",
				      k->s, v->s);
		allowed = app ? can_append : can_replace;
		for (j = 0; allowed[j]; j++)
			if (strcmp(allowed[j], k->s) == 0)
				break;
		if (!allowed[j])
			return ld_err(l, k, "key '%s' of %s '%s' cannot be %s", k->s, what, name,
				      app ? "appended" : "replaced");
		if (!rule_ymap_get(item, k->s))
			return ld_err(l, k, "override of '%s' given but %s '%s' has no '%s' key",
				      k->s, what, name, k->s);
		if (o->n == 16)
			return ld_err(l, k, "too many override keys");
		o->keys[o->n] = k->s;
		o->append[o->n++] = app;
	}
	/* Every key carried (apart from the item's own name and meta keys)
	 * must say whether it appends or replaces. */
	for (size_t i = 0; i + 1 < item->nkids; i += 2) {
		const struct rule_ynode *k = item->kids[i];
		size_t j;
		int known = 0;

		if (k->kind != RY_SCALAR)
			continue;
		for (j = 0; meta[j]; j++)
			if (strcmp(meta[j], k->s) == 0)
				break;
		if (meta[j])
			continue;
		for (j = 0; can_replace[j]; j++)
			if (strcmp(can_replace[j], k->s) == 0)
				known = 1;
		if (!known)
			continue; /* unknown keys get their own warning */
		for (j = 0; j < o->n; j++)
			if (strcmp(o->keys[j], k->s) == 0)
				break;
		if (j == o->n)
			return ld_err(l, k,
				      "key '%s' of %s '%s' must be listed in 'override' "
				      "(append or replace)",
				      k->s, what, name);
	}
	return 0;
}

static int ovr_mode(const struct ovr *o, const char *key) /* -1 absent, 1 append, 0 replace */
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->append[i];
	return -1;
}

/* ---- lists ---- */

static int ld_items(struct ld *l, const struct rule_ynode *n, struct rule_vec *out, int replace)
{
	if (replace)
		out->n = 0;
	if (rule_ynode_is_null(n))
		return 0;
	if (n->kind != RY_SEQ)
		return ld_err(l, n, "'items' must be a list");
	for (size_t i = 0; i < n->nkids; i++) {
		if (n->kids[i]->kind != RY_SCALAR)
			return ld_err(l, n->kids[i], "list items must be strings");
		if (rule_vec_push(&l->rs->arena, out, (void *)n->kids[i]->s))
			return SR_ENOMEM;
	}
	return 0;
}

static int ld_list(struct ld *l, const struct rule_ynode *item)
{
	static const char *const known[] = {"list", "items", "append", "override", NULL};
	static const char *const can[] = {"items", NULL};
	static const char *const meta[] = {"list", "append", "override", NULL};
	struct rule_set *rs = l->rs;
	const struct rule_ynode *items, *an;
	struct rule_list *li;
	const char *name;
	struct ovr o;
	int append = 0, rc, mode;

	if ((rc = ld_name(l, item, "list", &name)))
		return rc;
	ld_unknown_keys(l, item, known, "list", name);
	items = rule_ymap_get(item, "items");
	if (!ld_key(item, "items"))
		return ld_err(l, item, "list '%s' has no mapping for key 'items'", name);
	if ((an = rule_ymap_get(item, "append")) && (rc = ld_bool(l, an, "append", &append)))
		return rc;
	if ((rc = ld_override(l, item, "list", name, can, can, meta, &o)))
		return rc;
	li = rule_hash_get(rs->hlists, name);
	mode = o.node ? ovr_mode(&o, "items") : (append ? 1 : -1);
	if (mode >= 0) {
		if (!li)
			return ld_err(
			    l, item,
			    "list '%s' has '%s' key but no list by that name already exists", name,
			    o.node ? "override" : "append");
		return ld_items(l, items, &li->items, mode == 0);
	}
	if (!li) {
		li = sr_arena_alloc(&rs->arena, sizeof(*li));
		if (!li || rule_vec_push(&rs->arena, &rs->lists, li) ||
		    rule_hash_put(rs->hlists, name, li))
			return SR_ENOMEM;
		li->name = name;
	}
	/* A redefinition replaces the items but keeps the original place. */
	li->pos = ld_pos(l, item);
	return ld_items(l, items, &li->items, 1);
}

/* ---- macros ---- */

static int ld_macro(struct ld *l, const struct rule_ynode *item)
{
	static const char *const known[] = {"macro", "condition", "append", "override", NULL};
	static const char *const can[] = {"condition", NULL};
	static const char *const meta[] = {"macro", "append", "override", NULL};
	struct rule_set *rs = l->rs;
	const struct rule_ynode *cond, *an;
	struct rule_macro *m;
	const char *name, *tmp;
	struct ovr o;
	int append = 0, rc, mode;

	if ((rc = ld_name(l, item, "macro", &name)))
		return rc;
	ld_unknown_keys(l, item, known, "macro", name);
	cond = rule_ymap_get(item, "condition");
	if (!ld_key(item, "condition"))
		return ld_err(l, item, "macro '%s' has no mapping for key 'condition'", name);
	if (rule_ynode_is_null(cond))
		return ld_err(l, cond, "condition of macro '%s' is empty", name);
	if ((rc = ld_scalar(l, cond, "condition", "macro", &tmp)))
		return rc;
	if ((an = rule_ymap_get(item, "append")) && (rc = ld_bool(l, an, "append", &append)))
		return rc;
	if ((rc = ld_override(l, item, "macro", name, can, can, meta, &o)))
		return rc;
	m = rule_hash_get(rs->hmacros, name);
	mode = o.node ? ovr_mode(&o, "condition") : (append ? 1 : -1);
	if (mode >= 0) {
		if (!m)
			return ld_err(l, item,
				      "macro '%s' has '%s' key but no macro by that name already "
				      "exists",
				      name, o.node ? "override" : "append");
		return ld_piece(l, &m->cond, cond, mode == 0);
	}
	if (!m) {
		m = sr_arena_alloc(&rs->arena, sizeof(*m));
		if (!m || rule_vec_push(&rs->arena, &rs->macros, m) ||
		    rule_hash_put(rs->hmacros, name, m))
			return SR_ENOMEM;
		m->name = name;
	}
	m->pos = ld_pos(l, item);
	return ld_piece(l, &m->cond, cond, 1);
}

/* ---- exceptions ---- */

static int ld_strs(struct ld *l, const struct rule_ynode *n, const char *what, const char ***out,
		   size_t *nout, int *is_list)
{
	const char **v;

	if (n->kind == RY_SCALAR) {
		v = sr_arena_alloc(&l->rs->arena, sizeof(*v));
		if (!v)
			return SR_ENOMEM;
		v[0] = n->s;
		*out = v;
		*nout = 1;
		*is_list = 0;
		return 0;
	}
	if (n->kind != RY_SEQ)
		return ld_err(l, n, "exception %s must be a string or a list of strings", what);
	v = sr_arena_alloc(&l->rs->arena, (n->nkids + 1) * sizeof(*v));
	if (!v)
		return SR_ENOMEM;
	for (size_t i = 0; i < n->nkids; i++) {
		if (n->kids[i]->kind != RY_SCALAR)
			return ld_err(l, n->kids[i], "exception %s must be strings", what);
		v[i] = n->kids[i]->s;
	}
	*out = v;
	*nout = n->nkids;
	*is_list = 1;
	return 0;
}

static int ld_exval(struct ld *l, const struct rule_ynode *n, struct rule_exval *out)
{
	out->pos = ld_pos(l, n);
	if (n->kind == RY_SCALAR) {
		out->s = n->s;
		return 0;
	}
	if (n->kind != RY_SEQ)
		return ld_err(l, n, "exception values must be strings or lists of strings");
	out->items = sr_arena_alloc(&l->rs->arena, (n->nkids + 1) * sizeof(*out->items));
	if (!out->items)
		return SR_ENOMEM;
	for (size_t i = 0; i < n->nkids; i++) {
		if (n->kids[i]->kind != RY_SCALAR)
			return ld_err(l, n->kids[i], "exception values must be strings");
		out->items[i] = n->kids[i]->s;
	}
	out->nitems = n->nkids;
	return 0;
}

/* Adds the values of node `vals` to exception e (checking tuple widths). */
static int ld_exvalues(struct ld *l, struct rule_exception *e, const struct rule_ynode *vals)
{
	if (rule_ynode_is_null(vals))
		return 0;
	if (vals->kind != RY_SEQ)
		return ld_err(l, vals, "exception 'values' must be a list");
	for (size_t i = 0; i < vals->nkids; i++) {
		const struct rule_ynode *t = vals->kids[i];
		size_t width = e->fields_is_list ? e->nfields : 1;
		struct rule_exval *tv = sr_arena_alloc(&l->rs->arena, width * sizeof(*tv));

		if (!tv)
			return SR_ENOMEM;
		if (e->fields_is_list) {
			if (t->kind != RY_SEQ)
				return ld_err(l, t,
					      "exception '%s': each value must be a list with one "
					      "entry per field",
					      e->name);
			if (t->nkids != e->nfields)
				return ld_err(l, t,
					      "exception '%s': fields and values lists must have "
					      "equal length (%zu fields, %zu values)",
					      e->name, e->nfields, t->nkids);
			for (size_t k = 0; k < width; k++) {
				int rc = ld_exval(l, t->kids[k], &tv[k]);

				if (rc)
					return rc;
			}
		} else {
			int rc;

			if (t->kind != RY_SCALAR)
				return ld_err(l, t,
					      "exception '%s' has a single field: its values must "
					      "be strings, not lists",
					      e->name);
			if ((rc = ld_exval(l, t, &tv[0])))
				return rc;
		}
		if (rule_vec_push(&l->rs->arena, &e->values, tv))
			return SR_ENOMEM;
	}
	return 0;
}

static struct rule_exception *rule_exc_find(struct rule *r, const char *name)
{
	for (size_t i = 0; i < r->exceptions.n; i++) {
		struct rule_exception *e = r->exceptions.v[i];

		if (strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

/* Reads `exceptions:` into r. append: names that exist get more values. */
static int ld_exceptions(struct ld *l, struct rule *r, const struct rule_ynode *n, int append)
{
	static const char *const known[] = {"name", "fields", "comps", "values", NULL};

	if (rule_ynode_is_null(n))
		return 0;
	if (n->kind != RY_SEQ)
		return ld_err(l, n, "'exceptions' of rule '%s' must be a list", r->name);
	for (size_t i = 0; i < n->nkids; i++) {
		const struct rule_ynode *x = n->kids[i], *nm, *f, *c, *v;
		struct rule_exception *e;
		int rc, dummy;

		if (x->kind != RY_MAP)
			return ld_err(l, x, "each exception of rule '%s' must be a mapping",
				      r->name);
		nm = rule_ymap_get(x, "name");
		if (rule_ynode_is_null(nm) || nm->kind != RY_SCALAR)
			return ld_err(l, x, "exception of rule '%s' has no mapping for key 'name'",
				      r->name);
		ld_unknown_keys(l, x, known, "exception", nm->s);
		f = rule_ymap_get(x, "fields");
		c = rule_ymap_get(x, "comps");
		v = rule_ymap_get(x, "values");
		e = append ? rule_exc_find(r, nm->s) : NULL;
		if (e) {
			if (f || c)
				return ld_err(
				    l, f ? f : c,
				    "exception '%s' already exists in rule '%s': an append "
				    "may only add values",
				    e->name, r->name);
			if ((rc = ld_exvalues(l, e, v)))
				return rc;
			continue;
		}
		if (!append && rule_exc_find(r, nm->s))
			return ld_err(l, nm, "exception '%s' defined twice in rule '%s'", nm->s,
				      r->name);
		if (rule_ynode_is_null(f))
			return ld_err(l, x,
				      append ? "new exception '%s' appended to rule '%s' must have "
					       "fields property with a list of fields"
					     : "exception '%s' of rule '%s' has no mapping for key "
					       "'fields'",
				      nm->s, r->name);
		e = sr_arena_alloc(&l->rs->arena, sizeof(*e));
		if (!e)
			return SR_ENOMEM;
		e->name = nm->s;
		e->pos = ld_pos(l, x);
		if ((rc = ld_strs(l, f, "fields", &e->fields, &e->nfields, &e->fields_is_list)))
			return rc;
		if (e->nfields == 0)
			return ld_err(l, f, "exception '%s' has an empty fields list", e->name);
		if (!rule_ynode_is_null(c)) {
			if ((rc = ld_strs(l, c, "comps", &e->comps, &e->ncomps, &dummy)))
				return rc;
			if (e->ncomps != e->nfields)
				return ld_err(l, c,
					      "exception '%s': fields and comps lists must have "
					      "equal length",
					      e->name);
			e->comps_given = 1;
		}
		if ((rc = ld_exvalues(l, e, v)))
			return rc;
		if (rule_vec_push(&l->rs->arena, &r->exceptions, e))
			return SR_ENOMEM;
	}
	return 0;
}

/* ---- rules ---- */

/* `tags:` and `actions:`: lists of names, kept once each in file order.
 * Action names are checked here, so a typo in a rules file is an error
 * with its caret, not an action that never happens. */
static int ld_names(struct ld *l, struct rule *r, struct rule_vec *v, const char *key,
		    const struct rule_ynode *n, int append)
{
	if (!append)
		v->n = 0;
	if (rule_ynode_is_null(n))
		return 0;
	if (n->kind != RY_SEQ)
		return ld_err(l, n, "'%s' of rule '%s' must be a list", key, r->name);
	for (size_t i = 0; i < n->nkids; i++) {
		const struct rule_ynode *k = n->kids[i];
		size_t j;

		if (k->kind != RY_SCALAR)
			return ld_err(l, k, "%s must be strings", key);
		if (v == &r->actions && !rule_action_known(k->s))
			return ld_err(l, k,
				      "unknown action '%s' in rule '%s' (known: kill_process, "
				      "freeze_container, kill_container, program)",
				      k->s, r->name);
		for (j = 0; j < v->n; j++)
			if (strcmp(v->v[j], k->s) == 0)
				break;
		if (j == v->n && rule_vec_push(&l->rs->arena, v, (void *)k->s))
			return SR_ENOMEM;
	}
	return 0;
}

static int ld_priority(struct ld *l, const struct rule_ynode *n, enum rule_priority *out)
{
	int p = n->kind == RY_SCALAR ? rule_priority_parse(n->s) : -1;

	if (p < 0)
		return ld_err(l, n, "invalid priority '%s'", n->kind == RY_SCALAR ? n->s : "?");
	*out = (enum rule_priority)p;
	return 0;
}

static const char *ld_concat(struct ld *l, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *t = sr_arena_alloc(&l->rs->arena, la + lb + 2);

	if (!t)
		return NULL;
	memcpy(t, a, la);
	t[la] = ' ';
	memcpy(t + la + 1, b, lb + 1);
	return t;
}

static const char *ld_trim(struct ld *l, const char *s)
{
	size_t b = 0, e = strlen(s);

	while (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')
		b++;
	while (e > b &&
	       (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
		e--;
	if (b == 0 && s[e] == '\0')
		return s;
	return sr_arena_strndup(&l->rs->arena, s + b, e - b);
}

/* Applies a key of an override/append entry to an existing rule. */
static int ld_rule_change(struct ld *l, struct rule *r, const struct rule_ynode *item,
			  const char *key, int append)
{
	const struct rule_ynode *n = rule_ymap_get(item, key);
	const char *s = NULL;
	int rc, b = 0;

	if (strcmp(key, "condition") == 0) {
		if ((rc = ld_scalar(l, n, "condition", "rule", &s)))
			return rc;
		return ld_piece(l, &r->cond, n, !append);
	}
	if (strcmp(key, "output") == 0 || strcmp(key, "desc") == 0) {
		const char **dst = key[0] == 'o' ? &r->output : &r->desc;

		if ((rc = ld_scalar(l, n, key, "rule", &s)))
			return rc;
		/* Folded block scalars end in a newline; Falco trims it. */
		if ((s = ld_trim(l, s)) == NULL)
			return SR_ENOMEM;
		if (key[0] == 'o')
			r->output_pos = ld_pos(l, n);
		*dst = append && *dst ? ld_concat(l, *dst, s) : s;
		return *dst ? 0 : SR_ENOMEM;
	}
	if (strcmp(key, "tags") == 0)
		return ld_names(l, r, &r->tags, "tags", n, append);
	if (strcmp(key, "exceptions") == 0) {
		if (!append)
			r->exceptions.n = 0;
		return ld_exceptions(l, r, n, append);
	}
	if (strcmp(key, "priority") == 0)
		return ld_priority(l, n, &r->priority);
	if (strcmp(key, "actions") == 0)
		return ld_names(l, r, &r->actions, "actions", n, append);
	if (strcmp(key, "enabled") == 0) {
		if ((rc = ld_bool(l, n, key, &b)))
			return rc;
		r->enabled = b;
		return 0;
	}
	if (strcmp(key, "warn_evttypes") == 0) {
		if ((rc = ld_bool(l, n, key, &b)))
			return rc;
		r->warn_evttypes = b;
		return 0;
	}
	if (strcmp(key, "skip-if-unknown-filter") == 0) {
		if ((rc = ld_bool(l, n, key, &b)))
			return rc;
		r->skip_unknown = b;
		return 0;
	}
	if (strcmp(key, "capture") == 0) {
		if ((rc = ld_bool(l, n, key, &b)))
			return rc;
		r->capture = b;
		return 0;
	}
	if (strcmp(key, "capture_duration") == 0) {
		char *end;

		/* milliseconds, as Falco's capture_duration */
		if (n->kind != RY_SCALAR || n->s[0] < '0' || n->s[0] > '9' ||
		    (r->capture_ms = strtoull(n->s, &end, 10), *end))
			return ld_err(l, n, "'capture_duration' must be a number of milliseconds");
		return 0;
	}
	return 0;
}

static int ld_rule(struct ld *l, const struct rule_ynode *item)
{
	static const char *const known[] = {
	    "rule",
	    "desc",
	    "condition",
	    "output",
	    "priority",
	    "enabled",
	    "tags",
	    "exceptions",
	    "source",
	    "warn_evttypes",
	    "skip-if-unknown-filter",
	    "append",
	    "override",
	    "required_engine_version",
	    "actions",
	    "capture",
	    "capture_duration",
	    NULL,
	};
	static const char *const can_append[] = {"condition",  "output",  "desc", "tags",
						 "exceptions", "actions", NULL};
	static const char *const can_replace[] = {
	    "condition", "output",	  "desc",
	    "priority",	 "tags",	  "exceptions",
	    "enabled",	 "warn_evttypes", "skip-if-unknown-filter",
	    "actions",	 "capture",	  "capture_duration",
	    NULL};
	static const char *const meta[] = {
	    "rule", "append", "override", "source", "required_engine_version", NULL};
	struct rule_set *rs = l->rs;
	const struct rule_ynode *an, *n;
	struct rule *r;
	const char *name;
	struct ovr o;
	int append = 0, rc;

	if ((rc = ld_name(l, item, "rule", &name)))
		return rc;
	ld_unknown_keys(l, item, known, "rule", name);
	if ((an = rule_ymap_get(item, "append")) && (rc = ld_bool(l, an, "append", &append)))
		return rc;
	if ((rc = ld_override(l, item, "rule", name, can_append, can_replace, meta, &o)))
		return rc;
	r = rule_hash_get(rs->hrules, name);

	if (o.node) {
		if (!r)
			return ld_err(l, item,
				      "rule '%s' has 'override' key but no rule by that name "
				      "already exists",
				      name);
		for (size_t i = 0; i < o.n; i++)
			if ((rc = ld_rule_change(l, r, item, o.keys[i], o.append[i])))
				return rc;
		/* `enabled` may ride along without being listed. */
		if (ovr_mode(&o, "enabled") < 0 && rule_ymap_get(item, "enabled"))
			return ld_rule_change(l, r, item, "enabled", 0);
		return 0;
	}
	if (append) {
		static const char *const ignored[] = {"output",	       "desc",
						      "priority",      "tags",
						      "warn_evttypes", "skip-if-unknown-filter",
						      "actions",       NULL};

		if (!r)
			return ld_err(l, item,
				      "rule '%s' has 'append' key but no rule by that name already "
				      "exists",
				      name);
		if (!rule_ymap_get(item, "condition") && !rule_ymap_get(item, "exceptions"))
			return ld_err(
			    l, item,
			    "appended rule '%s' must have exceptions or condition property", name);
		for (size_t i = 0; ignored[i]; i++)
			if ((n = ld_key(item, ignored[i])))
				rule_warn(rs, RW_IGNORED_KEY, l->src, n->line, n->col,
					  "key '%s' is ignored when appending to rule '%s' (use "
					  "'override' to change it)",
					  ignored[i], name);
		if (rule_ymap_get(item, "condition") &&
		    (rc = ld_rule_change(l, r, item, "condition", 1)))
			return rc;
		if (rule_ymap_get(item, "exceptions") &&
		    (rc = ld_exceptions(l, r, rule_ymap_get(item, "exceptions"), 1)))
			return rc;
		if (rule_ymap_get(item, "enabled"))
			return ld_rule_change(l, r, item, "enabled", 0);
		return 0;
	}
	/* `- rule: X` with only `enabled:` toggles an existing rule. */
	if (rule_ymap_get(item, "enabled") && !rule_ymap_get(item, "condition") &&
	    !rule_ymap_get(item, "output") && !rule_ymap_get(item, "desc") &&
	    !rule_ymap_get(item, "priority")) {
		if (!r)
			return ld_err(
			    l, item,
			    "rule '%s' has only an 'enabled' key but no rule by that name "
			    "already exists",
			    name);
		return ld_rule_change(l, r, item, "enabled", 0);
	}

	/* A full definition (new, or replacing an earlier one in place). */
	{
		static const char *const req[] = {"condition", "output", "desc", "priority", NULL};
		struct rule *nr;
		const char *source = "syscall";

		for (size_t i = 0; req[i]; i++)
			if (!ld_key(item, req[i]))
				return ld_err(l, item, "rule '%s' has no mapping for key '%s'",
					      name, req[i]);
		if ((n = rule_ymap_get(item, "source")) && !rule_ynode_is_null(n) &&
		    (rc = ld_scalar(l, n, "source", "rule", &source)))
			return rc;
		nr = sr_arena_alloc(&rs->arena, sizeof(*nr));
		if (!nr)
			return SR_ENOMEM;
		nr->name = name;
		nr->pos = ld_pos(l, item);
		nr->enabled = 1;
		nr->warn_evttypes = 1;
		nr->source = source;
		n = rule_ymap_get(item, "condition");
		if (rule_ynode_is_null(n))
			return ld_err(l, n ? n : item, "condition of rule '%s' is empty", name);
		if ((rc = ld_rule_change(l, nr, item, "condition", 0)))
			return rc;
		n = rule_ymap_get(item, "output");
		if (rule_ynode_is_null(n)) {
			nr->output = ""; /* Falco allows an empty output */
			nr->output_pos = ld_pos(l, n ? n : item);
		} else if ((rc = ld_rule_change(l, nr, item, "output", 0))) {
			return rc;
		}
		n = rule_ymap_get(item, "desc");
		nr->desc = rule_ynode_is_null(n) ? "" : NULL;
		if (!nr->desc && (rc = ld_rule_change(l, nr, item, "desc", 0)))
			return rc;
		if ((rc = ld_priority(l, rule_ymap_get(item, "priority"), &nr->priority)))
			return rc;
		for (size_t i = 0; can_replace[i]; i++) {
			const char *k = can_replace[i];

			if (strcmp(k, "condition") == 0 || strcmp(k, "output") == 0 ||
			    strcmp(k, "desc") == 0 || strcmp(k, "priority") == 0)
				continue;
			if (rule_ymap_get(item, k) && (rc = ld_rule_change(l, nr, item, k, 0)))
				return rc;
		}
		if (r) {
			nr->order = r->order;
			*r = *nr;
		} else {
			nr->order = rs->rules.n;
			if (rule_vec_push(&rs->arena, &rs->rules, nr) ||
			    rule_hash_put(rs->hrules, name, nr))
				return SR_ENOMEM;
		}
	}
	return 0;
}

/* ---- versions ---- */

/* "17" means 0.17.0 (the old integer engine versions); else MAJOR.MINOR.PATCH. */
static int parse_version(const char *s, unsigned long v[3])
{
	char *end;
	int i;

	v[0] = v[1] = v[2] = 0;
	if (!*s)
		return -1;
	if (!strchr(s, '.')) {
		v[1] = strtoul(s, &end, 10);
		return *end || *s == '-' ? -1 : 0;
	}
	for (i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		v[i] = strtoul(s, &end, 10);
		s = end;
		if (i < 2) {
			if (*s != '.')
				return i >= 1 && *s == '\0' ? 0 : -1;
			s++;
		}
	}
	return *s ? -1 : 0;
}

static int ld_engine_version(struct ld *l, const struct rule_ynode *n)
{
	unsigned long need[3], have[3];

	if (n->kind != RY_SCALAR || parse_version(n->s, need) < 0)
		return ld_err(l, n, "required_engine_version '%s' is not a version number",
			      n->kind == RY_SCALAR ? n->s : "?");
	parse_version(RULE_ENGINE_VERSION, have);
	for (int i = 0; i < 3; i++) {
		if (need[i] < have[i])
			return 0;
		if (need[i] > have[i])
			return ld_err(l, n,
				      "rules require engine version %s, but engine version is %s",
				      n->s, RULE_ENGINE_VERSION);
	}
	return 0;
}

/* ---- entry ---- */

static int ld_item(struct ld *l, const struct rule_ynode *item)
{
	const struct rule_ynode *n;

	if (item->kind != RY_MAP)
		return ld_err(l, item,
			      "unexpected element type: each element should be a YAML mapping "
			      "(rule, macro or list)");
	if (ld_key(item, "rule"))
		return ld_rule(l, item);
	if (ld_key(item, "macro"))
		return ld_macro(l, item);
	if (ld_key(item, "list"))
		return ld_list(l, item);
	if ((n = rule_ymap_get(item, "required_engine_version")))
		return ld_engine_version(l, n);
	/* Plugins are not loaded here: the fields the stock rules get from the
	 * container plugin are built in, so the requirement is met as is. */
	if (ld_key(item, "required_plugin_versions"))
		return 0;
	n = item->nkids ? item->kids[0] : item;
	rule_warn(l->rs, RW_UNKNOWN_ITEM, l->src, n->line, n->col,
		  "unknown top level object '%s' (ignored)", n->kind == RY_SCALAR ? n->s : "?");
	return 0;
}

int rule_load_text(struct rule_set *rs, const char *name, char *text, size_t len,
		   struct sr_err *err)
{
	struct rule_src *src;
	struct rule_ynode **roots;
	size_t nroots;
	struct ld l;
	int rc;

	if (rs->finalized) {
		free(text);
		return sr_err_set(err, SR_ESYNTAX, "rules loaded after rule_set_finalize");
	}
	src = sr_arena_alloc(&rs->arena, sizeof(*src));
	if (!src) {
		free(text);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	src->name = sr_arena_strdup(&rs->arena, name);
	src->text = sr_arena_strndup(&rs->arena, text, len);
	src->len = len;
	free(text);
	if (!src->name || !src->text || rule_vec_push(&rs->arena, &rs->srcs, src))
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	l.rs = rs;
	l.src = (int)rs->srcs.n - 1;
	l.err = err;
	rs->err_src = l.src;
	rc = rule_yaml_parse(&rs->arena, src, &roots, &nroots, err);
	if (rc) {
		if (rc == SR_ESYNTAX && err) {
			char m[sizeof(err->msg)];

			snprintf(m, sizeof(m), "%s", err->msg);
			return rule_errf(rs, err, l.src, err->line, err->column, "%s", m);
		}
		return rc;
	}
	for (size_t d = 0; d < nroots; d++) {
		const struct rule_ynode *root = roots[d];

		if (rule_ynode_is_null(root))
			continue; /* an empty document is an empty rules file */
		if (root->kind == RY_SCALAR)
			return ld_err(&l, root,
				      "rules content is not YAML (a plain text document)");
		if (root->kind != RY_SEQ)
			return ld_err(&l, root,
				      "rules content is not a YAML list of objects (rule, macro, "
				      "list)");
		for (size_t i = 0; i < root->nkids; i++) {
			rc = ld_item(&l, root->kids[i]);
			/* allocation failures carry no message of their own */
			if (rc == SR_ENOMEM)
				sr_err_set(err, SR_ENOMEM, "%s: out of memory loading rules", name);
			if (rc && (rc == SR_ENOMEM || !rule_error_keep(rs, rc, err)))
				return rc;
		}
	}
	return rs->nerrs ? SR_ESYNTAX : 0;
}
