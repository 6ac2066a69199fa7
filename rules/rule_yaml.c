/* rule_yaml.c: YAML text → a small tree with line:column on every node.
 *
 * libyaml's event API is used instead of its document API because the
 * document API drops the scalar style, and the event marks give the exact
 * start of each node. Anchors and aliases are supported (an alias shares the
 * anchored node); nesting is capped so hostile input cannot exhaust memory
 * through the explicit stack. Sharing keeps the tree linear in the file, but
 * the loader reads an aliased node again at every use (a list's items, a
 * condition's text), so what the aliases of a file repeat is capped too
 * (RY_MAX_ALIAS_BYTES, counted with struct rule_ynode's weight).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "rule_int.h"

#define RY_MAX_DEPTH   128
#define RY_MAX_ANCHORS 4096
/* Content all the aliases of one file may repeat, in weight units (scalar
 * bytes plus 8 per node): a few hundred bytes of aliases could otherwise
 * stand for gigabytes of lists and conditions. Falco's rule files use a
 * handful of small aliases. */
#define RY_MAX_ALIAS_BYTES (4u << 20)
#define RY_NODE_WEIGHT	   8

struct ry_frame {
	struct rule_ynode *node;
	struct rule_ynode **kids; /* malloc'd while building */
	size_t n, cap;
};

struct ry_anchor {
	char *name;
	struct rule_ynode *node;
};

struct ry_build {
	struct sr_arena *a;
	struct ry_frame stack[RY_MAX_DEPTH];
	int depth;
	struct ry_anchor *anchors;
	size_t nanchors;
	struct rule_ynode *root;
	int have_root;
	size_t alias_weight; /* content repeated by aliases so far */
};

static int ry_push_kid(struct ry_frame *f, struct rule_ynode *kid)
{
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 8;
		struct rule_ynode **nk = realloc(f->kids, ncap * sizeof(*nk));

		if (!nk)
			return SR_ENOMEM;
		f->kids = nk;
		f->cap = ncap;
	}
	f->kids[f->n++] = kid;
	return 0;
}

/* Attaches a finished node to its parent (or makes it the document root). */
static int ry_attach(struct ry_build *b, struct rule_ynode *n)
{
	if (b->depth == 0) {
		b->root = n;
		b->have_root = 1;
		return 0;
	}
	return ry_push_kid(&b->stack[b->depth - 1], n);
}

static int ry_anchor_add(struct ry_build *b, const char *name, struct rule_ynode *n)
{
	struct ry_anchor *na;

	if (!name)
		return 0;
	if (b->nanchors >= RY_MAX_ANCHORS)
		return SR_ELIMIT;
	na = realloc(b->anchors, (b->nanchors + 1) * sizeof(*na));
	if (!na)
		return SR_ENOMEM;
	b->anchors = na;
	na[b->nanchors].name = strdup(name);
	if (!na[b->nanchors].name)
		return SR_ENOMEM;
	na[b->nanchors++].node = n;
	return 0;
}

static struct rule_ynode *ry_anchor_find(struct ry_build *b, const char *name)
{
	/* The latest definition of an anchor wins, as YAML says. */
	for (size_t i = b->nanchors; i-- > 0;)
		if (strcmp(b->anchors[i].name, name) == 0)
			return b->anchors[i].node;
	return NULL;
}

static void ry_reset(struct ry_build *b)
{
	for (int i = 0; i < b->depth; i++)
		free(b->stack[i].kids);
	b->depth = 0;
	for (size_t i = 0; i < b->nanchors; i++)
		free(b->anchors[i].name);
	free(b->anchors);
	b->anchors = NULL;
	b->nanchors = 0;
}

static enum rule_ystyle ry_style(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return RYS_SQUOTE;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return RYS_DQUOTE;
	case YAML_LITERAL_SCALAR_STYLE:
		return RYS_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return RYS_FOLDED;
	default:
		return RYS_PLAIN;
	}
}

static int ry_event(struct ry_build *b, yaml_event_t *ev, struct sr_err *err)
{
	struct rule_ynode *n;
	int rc;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		b->root = NULL;
		b->have_root = 0;
		return 0;
	case YAML_SCALAR_EVENT:
		n = sr_arena_alloc(b->a, sizeof(*n));
		if (!n)
			return SR_ENOMEM;
		n->kind = RY_SCALAR;
		n->style = ry_style(ev->data.scalar.style);
		n->line = (int)ev->start_mark.line + 1;
		n->col = (int)ev->start_mark.column + 1;
		n->s = sr_arena_strndup(b->a, (const char *)ev->data.scalar.value,
					ev->data.scalar.length);
		if (!n->s)
			return SR_ENOMEM;
		n->len = strlen(n->s);
		n->weight = n->len + RY_NODE_WEIGHT;
		rc = ry_anchor_add(b, (const char *)ev->data.scalar.anchor, n);
		return rc ? rc : ry_attach(b, n);
	case YAML_ALIAS_EVENT:
		n = ry_anchor_find(b, (const char *)ev->data.alias.anchor);
		if (!n) {
			sr_err_set(err, SR_ESYNTAX, "unknown alias '*%s'", ev->data.alias.anchor);
			err->line = (int)ev->start_mark.line + 1;
			err->column = (int)ev->start_mark.column + 1;
			return SR_ESYNTAX;
		}
		for (int i = 0; i < b->depth; i++)
			if (b->stack[i].node == n) {
				/* the tree would loop back into itself */
				sr_err_set(err, SR_ESYNTAX, "alias '*%s' is inside its own anchor",
					   ev->data.alias.anchor);
				err->line = (int)ev->start_mark.line + 1;
				err->column = (int)ev->start_mark.column + 1;
				return SR_ESYNTAX;
			}
		b->alias_weight += n->weight;
		if (b->alias_weight > RY_MAX_ALIAS_BYTES) {
			sr_err_set(err, SR_ESYNTAX,
				   "YAML aliases repeat more than %u MiB of content (at alias "
				   "'*%s'): write the content out instead",
				   RY_MAX_ALIAS_BYTES >> 20, ev->data.alias.anchor);
			err->line = (int)ev->start_mark.line + 1;
			err->column = (int)ev->start_mark.column + 1;
			return SR_ESYNTAX;
		}
		return ry_attach(b, n);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->depth >= RY_MAX_DEPTH) {
			sr_err_set(err, SR_ELIMIT, "YAML nested deeper than %d levels",
				   RY_MAX_DEPTH);
			err->line = (int)ev->start_mark.line + 1;
			err->column = (int)ev->start_mark.column + 1;
			return SR_ESYNTAX;
		}
		n = sr_arena_alloc(b->a, sizeof(*n));
		if (!n)
			return SR_ENOMEM;
		n->kind = ev->type == YAML_SEQUENCE_START_EVENT ? RY_SEQ : RY_MAP;
		n->line = (int)ev->start_mark.line + 1;
		n->col = (int)ev->start_mark.column + 1;
		rc = ry_anchor_add(b,
				   (const char *)(ev->type == YAML_SEQUENCE_START_EVENT
						      ? ev->data.sequence_start.anchor
						      : ev->data.mapping_start.anchor),
				   n);
		if (rc)
			return rc;
		memset(&b->stack[b->depth], 0, sizeof(b->stack[0]));
		b->stack[b->depth++].node = n;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		struct ry_frame *f;

		if (b->depth == 0)
			return 0;
		f = &b->stack[--b->depth];
		n = f->node;
		n->nkids = f->n;
		n->weight = RY_NODE_WEIGHT;
		for (size_t i = 0; i < f->n; i++)
			n->weight += f->kids[i]->weight;
		if (f->n) {
			n->kids = sr_arena_alloc(b->a, f->n * sizeof(*n->kids));
			if (!n->kids) {
				free(f->kids);
				return SR_ENOMEM;
			}
			memcpy(n->kids, f->kids, f->n * sizeof(*n->kids));
		}
		free(f->kids);
		f->kids = NULL;
		return ry_attach(b, n);
	}
	default:
		return 0;
	}
}

int rule_yaml_parse(struct sr_arena *a, const struct rule_src *src, struct rule_ynode ***roots,
		    size_t *nroots, struct sr_err *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct ry_build b;
	struct rule_vec docs = {0};
	int rc = 0, done = 0;

	memset(&b, 0, sizeof(b));
	b.a = a;
	*roots = NULL;
	*nroots = 0;
	if (!yaml_parser_initialize(&p))
		return sr_err_set(err, SR_ENOMEM, "cannot initialize the YAML parser");
	yaml_parser_set_input_string(&p, (const unsigned char *)src->text, src->len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			sr_err_set(err, SR_ESYNTAX, "YAML: %s%s%s",
				   p.problem ? p.problem : "parse error", p.context ? " " : "",
				   p.context ? p.context : "");
			err->line = (int)p.problem_mark.line + 1;
			err->column = (int)p.problem_mark.column + 1;
			rc = SR_ESYNTAX;
			break;
		}
		rc = ry_event(&b, &ev, err);
		if (ev.type == YAML_DOCUMENT_END_EVENT && !rc)
			rc = rule_vec_push(a, &docs, b.have_root ? b.root : NULL);
		if (ev.type == YAML_STREAM_END_EVENT)
			done = 1;
		yaml_event_delete(&ev);
		if (rc) {
			if (rc == SR_ENOMEM)
				sr_err_set(err, SR_ENOMEM, "out of memory reading YAML");
			break;
		}
	}
	yaml_parser_delete(&p);
	ry_reset(&b);
	if (rc)
		return rc == SR_ENOMEM ? SR_ENOMEM : SR_ESYNTAX;
	*roots = (struct rule_ynode **)docs.v;
	*nroots = docs.n;
	return 0;
}

const struct rule_ynode *rule_ymap_get(const struct rule_ynode *m, const char *key)
{
	if (!m || m->kind != RY_MAP)
		return NULL;
	/* Duplicate keys: the last one wins, as in yaml-cpp. */
	for (size_t i = m->nkids; i >= 2; i -= 2) {
		const struct rule_ynode *k = m->kids[i - 2];

		if (k->kind == RY_SCALAR && strcmp(k->s, key) == 0)
			return m->kids[i - 1];
	}
	return NULL;
}

int rule_yscalar_bool(const struct rule_ynode *n)
{
	static const char *const t[] = {"true", "yes", "on", "y"};
	static const char *const f[] = {"false", "no", "off", "n"};

	if (!n || n->kind != RY_SCALAR)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(n->s, t[i]) == 0)
			return 1;
		if (strcasecmp(n->s, f[i]) == 0)
			return 0;
	}
	return -1;
}

int rule_ynode_is_null(const struct rule_ynode *n)
{
	if (!n)
		return 1;
	if (n->kind != RY_SCALAR || n->style != RYS_PLAIN)
		return 0;
	return n->len == 0 || strcmp(n->s, "~") == 0 || strcasecmp(n->s, "null") == 0;
}

int rule_src_error(const struct rule_src *src, int line, int col, const char *what,
		   struct sr_err *err)
{
	const char *s = src->text, *end = s + src->len, *e;
	int l = 1;

	while (s < end && l < line) {
		if (*s++ == '\n')
			l++;
	}
	for (e = s; e < end && *e != '\n'; e++)
		;
	if (line < 1 || s >= end || col < 1 || e - s > 200) {
		sr_err_set(err, SR_ESYNTAX, "%s:%d:%d: %s", src->name, line, col, what);
	} else {
		if (col > e - s + 1)
			col = (int)(e - s) + 1;
		sr_err_set(err, SR_ESYNTAX, "%s:%d:%d: %s\n    %.*s\n    %*s^", src->name, line,
			   col, what, (int)(e - s), s, col - 1, "");
	}
	if (err) {
		err->line = line;
		err->column = col;
	}
	return SR_ESYNTAX;
}
