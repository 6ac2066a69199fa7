/* rpl_testspec: parses the `sysreplay test` spec (see rpl_testspec.h) with
 * libyaml's document loader; positions come from its marks (byte index,
 * line, column), which --update uses to rewrite numbers in place. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "rules/rule.h"
#include "rpl_testspec.h"

#define SPEC_MAX_DEPTH 64

struct sp {
	struct rpl_spec *s;
	yaml_document_t *doc;
	struct sr_err *err;
};

static int sp_err(struct sp *p, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int sp_err(struct sp *p, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	p->err->code = SR_ESYNTAX;
	p->err->line = n ? (int)n->start_mark.line + 1 : 1;
	p->err->column = n ? (int)n->start_mark.column + 1 : 1;
	return SR_ESYNTAX;
}

static struct rpl_spec_pos sp_pos(const yaml_node_t *n)
{
	struct rpl_spec_pos pos = {(int)n->start_mark.line + 1, (int)n->start_mark.column + 1,
				   n->start_mark.index, n->end_mark.index};

	return pos;
}

static yaml_node_t *sp_node(struct sp *p, int id)
{
	return yaml_document_get_node(p->doc, id);
}

static int sp_str(struct sp *p, const yaml_node_t *n, const char *what, const char **out)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return sp_err(p, n, "%s must be a string", what);
	*out = sr_arena_strndup(&p->s->arena, (const char *)n->data.scalar.value,
				n->data.scalar.length);
	if (!*out)
		return SR_ENOMEM;
	if (strlen(*out) != n->data.scalar.length)
		return sp_err(p, n, "%s contains a NUL character", what);
	return 0;
}

static int sp_uint(struct sp *p, const yaml_node_t *n, const char *what, uint64_t *out)
{
	const char *s;
	char *end;
	int rc = sp_str(p, n, what, &s);

	if (rc)
		return rc;
	errno = 0;
	if (*s < '0' || *s > '9' || (*out = strtoull(s, &end, 10), errno || *end))
		return sp_err(p, n, "%s must be a whole number, not '%s'", what, s);
	return 0;
}

static int sp_bool(struct sp *p, const yaml_node_t *n, const char *what, int *out)
{
	const char *s;
	int rc = sp_str(p, n, what, &s);

	if (rc)
		return rc;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
		*out = 1;
	else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
		*out = 0;
	else
		return sp_err(p, n, "%s must be true or false, not '%s'", what, s);
	return 0;
}

static int sp_time(struct sp *p, const yaml_node_t *n, const char *what, struct sr_time_spec *t)
{
	struct sr_err e;
	const char *s;
	int rc = sp_str(p, n, what, &s);

	if (rc)
		return rc;
	sr_err_clear(&e);
	if (sr_time_parse(s, t, &e))
		return sp_err(p, n, "%s: %s", what, e.msg);
	return 0;
}

/* A string or a list of strings. */
static int sp_strs(struct sp *p, const yaml_node_t *n, const char *what, const char ***out,
		   size_t *nout)
{
	size_t cnt;
	int rc;

	if (n && n->type == YAML_SCALAR_NODE) {
		*out = sr_arena_alloc(&p->s->arena, sizeof(**out));
		*nout = 1;
		return *out ? sp_str(p, n, what, &(*out)[0]) : SR_ENOMEM;
	}
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return sp_err(p, n, "%s must be a string or a list of strings", what);
	cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	*out = sr_arena_alloc(&p->s->arena, (cnt + 1) * sizeof(**out));
	if (!*out)
		return SR_ENOMEM;
	*nout = cnt;
	for (size_t i = 0; i < cnt; i++)
		if ((rc = sp_str(p, sp_node(p, n->data.sequence.items.start[i]), what, &(*out)[i])))
			return rc;
	return 0;
}

/* Calls fn for each key/value of a mapping, keys being strings. */
typedef int (*sp_pair_fn)(struct sp *p, void *obj, const char *key, yaml_node_t *k, yaml_node_t *v);

static int sp_map(struct sp *p, const yaml_node_t *n, const char *what, void *obj, sp_pair_fn fn)
{
	int rc;

	if (!n || n->type != YAML_MAPPING_NODE)
		return sp_err(p, n, "%s must be a mapping", what);
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = sp_node(p, pr->key), *v = sp_node(p, pr->value);
		const char *key;

		if (!k || !v)
			return sp_err(p, n, "broken mapping in %s", what);
		if ((rc = sp_str(p, k, "a key", &key)) || (rc = fn(p, obj, key, k, v)))
			return rc;
	}
	return 0;
}

static size_t sp_seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static int field_pair(struct sp *p, void *obj, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	struct rpl_spec_exp *e = obj;
	struct rpl_spec_field *f = &e->fields[e->nfields++];

	(void)k;
	f->name = key;
	return sp_str(p, v, "an output_fields value", &f->value);
}

static int alert_pair(struct sp *p, void *obj, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	struct rpl_spec_exp *e = obj;

	if (!strcmp(key, "rule"))
		return sp_str(p, v, "rule", &e->rule);
	if (!strcmp(key, "output"))
		return sp_str(p, v, "output", &e->output);
	if (!strcmp(key, "output_fields")) {
		size_t n;

		if (v->type != YAML_MAPPING_NODE)
			return sp_err(p, v, "output_fields must be a mapping of field: value");
		n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
		e->fields = sr_arena_alloc(&p->s->arena, (n + 1) * sizeof(*e->fields));
		if (!e->fields)
			return SR_ENOMEM;
		return sp_map(p, v, "output_fields", e, field_pair);
	}
	return sp_err(p, k, "unknown key '%s' in alert (rule, output, output_fields)", key);
}

static int exp_pair(struct sp *p, void *obj, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	struct rpl_spec_exp *e = obj;
	int b, rc;

	if (!strcmp(key, "rule"))
		return sp_str(p, v, "rule", &e->rule);
	if (!strcmp(key, "count")) {
		e->has_count = 1;
		e->count_pos = sp_pos(v);
		return sp_uint(p, v, "count", &e->count);
	}
	if (!strcmp(key, "at_least")) {
		e->has_at_least = 1;
		e->at_least_pos = sp_pos(v);
		return sp_uint(p, v, "at_least", &e->at_least);
	}
	if (!strcmp(key, "total")) {
		e->has_total = 1;
		e->total_pos = sp_pos(v);
		return sp_uint(p, v, "total", &e->total);
	}
	if (!strcmp(key, "never")) {
		if ((rc = sp_bool(p, v, "never", &b)))
			return rc;
		if (!b)
			return sp_err(p, v, "never: false says nothing; remove it or use at_least");
		e->has_count = 1;
		e->count = 0;
		e->count_pos = sp_pos(v);
		return 0;
	}
	if (!strcmp(key, "first_event")) {
		e->has_first_num = 1;
		return sp_uint(p, v, "first_event", &e->first_num);
	}
	if (!strcmp(key, "first_time")) {
		e->has_first_time = 1;
		return sp_time(p, v, "first_time", &e->first_time);
	}
	if (!strcmp(key, "no_priority_at_least")) {
		const char *s;

		if ((rc = sp_str(p, v, "no_priority_at_least", &s)))
			return rc;
		if ((b = rule_priority_parse(s)) < 0)
			return sp_err(p, v,
				      "unknown priority '%s' (emergency, alert, critical, error, "
				      "warning, notice, informational, debug)",
				      s);
		e->no_prio = b + 1;
		return 0;
	}
	if (!strcmp(key, "alert")) {
		e->has_alert = 1;
		return sp_map(p, v, "alert", e, alert_pair);
	}
	return sp_err(p, k,
		      "unknown key '%s' in an expectation (rule, count, at_least, never, "
		      "first_event, first_time, alert, total, no_priority_at_least)",
		      key);
}

static int exp_check(struct sp *p, const yaml_node_t *n, const struct rpl_spec_exp *e)
{
	int per_rule = e->has_count || e->has_at_least || e->has_first_num || e->has_first_time;

	if (e->has_alert && (per_rule || e->has_total || e->no_prio))
		return sp_err(p, n, "an 'alert' expectation stands alone: give the rule inside it");
	if (per_rule && !e->rule)
		return sp_err(p, n,
			      "count, at_least, never, first_event and first_time need 'rule'");
	if (e->rule && !per_rule && !e->has_alert)
		return sp_err(p, n, "'rule' given but nothing to check about it");
	if (!per_rule && !e->has_alert && !e->has_total && !e->no_prio)
		return sp_err(p, n,
			      "expectation checks nothing (count, at_least, never, "
			      "first_event, first_time, alert, total or no_priority_at_least)");
	return 0;
}

static int case_pair(struct sp *p, void *obj, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	struct rpl_spec_case *c = obj;
	int rc;

	if (!strcmp(key, "name"))
		return sp_str(p, v, "name", &c->name);
	if (!strcmp(key, "capture")) {
		c->capture_pos = sp_pos(v);
		return sp_str(p, v, "capture", &c->capture);
	}
	if (!strcmp(key, "rules"))
		return sp_strs(p, v, "rules", &c->rules, &c->nrules);
	if (!strcmp(key, "all"))
		return sp_bool(p, v, "all", &c->all);
	if (!strcmp(key, "since"))
		return sp_time(p, v, "since", &c->since);
	if (!strcmp(key, "until"))
		return sp_time(p, v, "until", &c->until);
	if (!strcmp(key, "filter")) {
		c->filter_pos = sp_pos(v);
		return sp_str(p, v, "filter", &c->filter);
	}
	if (!strcmp(key, "expect")) {
		if (v->type != YAML_SEQUENCE_NODE)
			return sp_err(p, v, "expect must be a list of expectations");
		c->nexps = sp_seq_len(v);
		c->exps = sr_arena_alloc(&p->s->arena, (c->nexps + 1) * sizeof(*c->exps));
		if (!c->exps)
			return SR_ENOMEM;
		for (size_t i = 0; i < c->nexps; i++) {
			yaml_node_t *x = sp_node(p, v->data.sequence.items.start[i]);

			if (!x)
				return sp_err(p, v, "broken list");
			c->exps[i].pos = sp_pos(x);
			if ((rc = sp_map(p, x, "an expectation", &c->exps[i], exp_pair)) ||
			    (rc = exp_check(p, x, &c->exps[i])))
				return rc;
		}
		return 0;
	}
	return sp_err(p, k,
		      "unknown key '%s' in a case (name, capture, rules, all, since, until, "
		      "filter, expect)",
		      key);
}

static int sp_cases(struct sp *p, const yaml_node_t *v)
{
	struct rpl_spec *s = p->s;
	int rc;

	if (v->type != YAML_SEQUENCE_NODE)
		return sp_err(p, v, "cases must be a list");
	s->ncases = sp_seq_len(v);
	s->cases = sr_arena_alloc(&s->arena, (s->ncases + 1) * sizeof(*s->cases));
	if (!s->cases)
		return SR_ENOMEM;
	for (size_t i = 0; i < s->ncases; i++) {
		struct rpl_spec_case *c = &s->cases[i];
		yaml_node_t *x = sp_node(p, v->data.sequence.items.start[i]);

		if (!x)
			return sp_err(p, v, "broken list");
		c->pos = sp_pos(x);
		if ((rc = sp_map(p, x, "a case", c, case_pair)))
			return rc;
		if (!c->capture)
			return sp_err(p, x, "case has no 'capture'");
		if (!c->nexps)
			return sp_err(p, x, "case has no 'expect' list (or an empty one)");
		if (!c->name)
			c->name = c->capture;
	}
	return 0;
}

static int top_pair(struct sp *p, void *obj, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	(void)obj;
	if (!strcmp(key, "rules"))
		return sp_strs(p, v, "rules", &p->s->rules, &p->s->nrules);
	if (!strcmp(key, "cases"))
		return sp_cases(p, v);
	return sp_err(p, k, "unknown top-level key '%s' (rules, cases)", key);
}

static void spec_dir(struct rpl_spec *s)
{
	const char *slash = strrchr(s->path, '/');

	s->dir = slash ? sr_arena_strndup(&s->arena, s->path, (size_t)(slash - s->path) + 1) : "";
	if (!s->dir)
		s->dir = "";
}

int rpl_spec_parse(struct rpl_spec **out, const char *path, const char *text, size_t len,
		   struct sr_err *err)
{
	struct rpl_spec *s = calloc(1, sizeof(*s));
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct sp p;
	int rc;

	*out = NULL;
	if (!s)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	sr_arena_init(&s->arena);
	s->path = sr_arena_strdup(&s->arena, path);
	s->text = sr_arena_strndup(&s->arena, text, len);
	s->len = len;
	if (!s->path || !s->text) {
		rpl_spec_free(s);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	spec_dir(s);
	if (!yaml_parser_initialize(&parser)) {
		rpl_spec_free(s);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)s->text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		sr_err_set(err, SR_ESYNTAX, "%s", parser.problem ? parser.problem : "YAML error");
		err->line = (int)parser.problem_mark.line + 1;
		err->column = (int)parser.problem_mark.column + 1;
		yaml_parser_delete(&parser);
		rpl_spec_free(s);
		return SR_ESYNTAX;
	}
	p.s = s;
	p.doc = &doc;
	p.err = err;
	root = yaml_document_get_root_node(&doc);
	if (!root)
		rc = sp_err(&p, NULL, "empty spec: expected 'cases:' (a list of cases)");
	else if (root->type == YAML_SEQUENCE_NODE)
		rc = sp_cases(&p, root);
	else if (root->type == YAML_MAPPING_NODE)
		rc = sp_map(&p, root, "the spec", NULL, top_pair);
	else
		rc = sp_err(&p, root, "a spec is a mapping with 'cases:' or a list of cases");
	if (!rc && !s->ncases)
		rc = sp_err(&p, root, "spec has no cases");
	if (rc == SR_ENOMEM)
		sr_err_set(err, SR_ENOMEM, "out of memory");
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc) {
		rpl_spec_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void rpl_spec_free(struct rpl_spec *s)
{
	if (!s)
		return;
	sr_arena_reset(&s->arena);
	free(s);
}

void rpl_spec_error_print(FILE *f, const char *path, const char *text, size_t len,
			  const struct sr_err *err)
{
	size_t p = 0, e;
	int line = 1;

	if (err->line <= 0 || !text) {
		fprintf(f, "sysreplay: %s: %s\n", path, err->msg);
		return;
	}
	fprintf(f, "sysreplay: %s:%d:%d: %s\n", path, err->line, err->column, err->msg);
	while (p < len && line < err->line)
		if (text[p++] == '\n')
			line++;
	for (e = p; e < len && text[e] != '\n'; e++)
		;
	fprintf(f, "%.*s\n", (int)(e - p), text + p);
	for (int c = 1; c < err->column && p < e; c++, p++)
		fputc(text[p] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}

int rpl_spec_load(struct rpl_spec **out, const char *path, FILE *diag, struct sr_err *err)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	*out = NULL;
	if (!f) {
		rc = sr_err_set(err, SR_EIO, "cannot open: %s", strerror(errno));
		if (diag)
			fprintf(diag, "sysreplay: %s: %s\n", path, err->msg);
		return rc;
	}
	for (;;) {
		if (len == cap) {
			char *t = realloc(text, cap = cap ? cap * 2 : 4096);

			if (!t) {
				free(text);
				fclose(f);
				return sr_err_set(err, SR_ENOMEM, "out of memory");
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	rc = rpl_spec_parse(out, path, text, len, err);
	if (rc && diag)
		rpl_spec_error_print(diag, path, text, len, err);
	free(text);
	return rc;
}
