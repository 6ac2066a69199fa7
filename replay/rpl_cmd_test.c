/* sysreplay test: detection tests from YAML specs (docs/sysreplay-test.md).
 *
 * Every case of every spec becomes one unit per capture (a glob gives
 * several). Units that share a capture, a rule selection, a window and a
 * filter share one sink; each capture is read once for all its sinks
 * (rpl_multi), whatever the number of specs and cases that use it. Rule
 * sets are loaded once per distinct (files, all) and shared by captures.
 *
 * Exit: 0 every case passed, 1 one failed, 2 a bad spec, rules file or
 * filter (nothing is read), or a capture that could not be read. */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rpl_test.h"

struct rset {
	char *key; /* files joined by '\n', then "all" */
	struct rule_set *rs;
};

struct tfilter {
	const char *text;
	struct flt_prog *prog;
};

struct tst {
	struct rpl_spec **specs;
	size_t nspecs;
	struct rpl_unit **units;
	size_t nunits, ucap;
	struct rset *sets;
	size_t nsets;
	struct tfilter *filters;
	size_t nfilters;
	struct flt_arena *fa;
	struct rpl_sink **sinks;
	size_t nsinks;
	char **caps; /* distinct capture paths */
	size_t ncaps;
};

static char *path_join(const char *dir, const char *p)
{
	char *out;

	if (p[0] == '/' || !*dir)
		return strdup(p);
	if (asprintf(&out, "%s%s", dir, p) < 0)
		return NULL;
	return out;
}

static void spec_fail(const struct rpl_spec *s, const struct rpl_spec_pos *pos, const char *msg)
{
	struct sr_err e;

	sr_err_clear(&e);
	e.line = pos->line;
	e.column = pos->col;
	snprintf(e.msg, sizeof(e.msg), "%s", msg);
	fflush(stdout);
	rpl_spec_error_print(stderr, s->path, s->text, s->len, &e);
}

static int unit_add(struct tst *t, const struct rpl_spec *s, const struct rpl_spec_case *c,
		    const char *path, int globbed)
{
	struct rpl_unit *u = calloc(1, sizeof(*u));
	const char *base = strrchr(path, '/');

	if (!u)
		return -1;
	if (t->nunits == t->ucap) {
		size_t cap = t->ucap ? t->ucap * 2 : 64;
		struct rpl_unit **n = realloc(t->units, cap * sizeof(*n));

		if (!n) {
			free(u);
			return -1;
		}
		t->units = n;
		t->ucap = cap;
	}
	t->units[t->nunits++] = u;
	u->spec = s;
	u->c = c;
	u->path = strdup(path);
	u->key = realpath(path, NULL);
	if (!u->key)
		u->key = strdup(path);
	if (globbed) {
		if (asprintf(&u->name, "%s [%s]", c->name, base ? base + 1 : path) < 0)
			u->name = NULL;
	} else {
		u->name = strdup(c->name);
	}
	u->actual = calloc(c->nexps + 1, sizeof(*u->actual));
	u->actual_set = calloc(c->nexps + 1, sizeof(*u->actual_set));
	u->failed = calloc(c->nexps + 1, sizeof(*u->failed));
	if (!u->path || !u->key || !u->name || !u->actual || !u->actual_set || !u->failed)
		return -1;
	return 0;
}

static int has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The captures of a case: a glob's matches (sorted), or the one path. */
static int units_of_case(struct tst *t, const struct rpl_spec *s, const struct rpl_spec_case *c)
{
	char *p = path_join(s->dir, c->capture);
	glob_t g;
	int rc = 0;

	if (!p)
		return rpl_fail("out of memory");
	if (!has_glob(c->capture)) {
		if (access(p, R_OK)) {
			char m[600];

			snprintf(m, sizeof(m), "capture '%s' (%s): %s", c->capture, p,
				 strerror(errno));
			spec_fail(s, &c->capture_pos, m);
			rc = RPL_EXIT_BAD;
		} else if (unit_add(t, s, c, p, 0)) {
			rc = rpl_fail("out of memory");
		}
		free(p);
		return rc;
	}
	if (glob(p, 0, NULL, &g) || g.gl_pathc == 0) {
		char m[600];

		snprintf(m, sizeof(m), "capture glob '%s' (%s) matches no file", c->capture, p);
		spec_fail(s, &c->capture_pos, m);
		free(p);
		return RPL_EXIT_BAD;
	}
	for (size_t i = 0; i < g.gl_pathc && !rc; i++)
		if (unit_add(t, s, c, g.gl_pathv[i], 1))
			rc = rpl_fail("out of memory");
	globfree(&g);
	free(p);
	return rc;
}

/* The rule set of a case, loaded once per distinct files + all. */
static struct rule_set *rules_of_case(struct tst *t, const struct rpl_spec *s,
				      const struct rpl_spec_case *c)
{
	const char **files = c->nrules ? c->rules : s->rules;
	size_t nf = c->nrules ? c->nrules : s->nrules;
	char **paths = calloc(nf + 1, sizeof(*paths));
	char *key = NULL;
	size_t klen = 0;
	FILE *k = open_memstream(&key, &klen);
	struct rule_set *rs = NULL;
	struct rpl_rule_opts ro;

	if (!paths || !k) {
		free(paths);
		if (k)
			fclose(k);
		rpl_fail("out of memory");
		return NULL;
	}
	for (size_t i = 0; i < nf; i++) {
		paths[i] = path_join(s->dir, files[i]);
		fprintf(k, "%s\n", paths[i] ? paths[i] : "");
	}
	fprintf(k, "%s", c->all ? "all" : "first");
	fclose(k);
	for (size_t i = 0; key && i < t->nsets && !rs; i++)
		if (!strcmp(t->sets[i].key, key))
			rs = t->sets[i].rs;
	if (!rs && key) {
		struct rset *n = realloc(t->sets, (t->nsets + 1) * sizeof(*n));

		memset(&ro, 0, sizeof(ro));
		ro.files = paths;
		ro.nfiles = nf;
		ro.all = c->all;
		if (n) {
			t->sets = n;
			if (rpl_alerts_load(&rs, &ro) == 0) {
				t->sets[t->nsets].key = key;
				t->sets[t->nsets++].rs = rs;
				key = NULL;
			} else {
				char m[300];

				snprintf(m, sizeof(m), "rules of case '%s' do not load", c->name);
				spec_fail(s, &c->pos, m);
				rs = NULL;
			}
		}
	}
	for (size_t i = 0; i < nf; i++)
		free(paths[i]);
	free(paths);
	free(key);
	return rs;
}

static struct flt_prog *filter_of_case(struct tst *t, const struct rpl_spec *s,
				       const struct rpl_spec_case *c, int *bad)
{
	struct flt_prog *prog = NULL;
	struct tfilter *n;
	char *diag = NULL;
	size_t dlen = 0;
	FILE *m;
	int rc;

	*bad = 0;
	if (!c->filter)
		return NULL;
	for (size_t i = 0; i < t->nfilters; i++)
		if (!strcmp(t->filters[i].text, c->filter))
			return t->filters[i].prog;
	/* The diagnostic is kept aside: it is printed after the line that
	 * places the filter in the spec. */
	m = open_memstream(&diag, &dlen);
	if (!m) {
		*bad = 1;
		return NULL;
	}
	rc = rpl_filter_compile(t->fa, c->filter, "filter", m, &prog);
	fclose(m);
	if (rc) {
		fflush(stdout);
		fprintf(stderr, "sysreplay: %s:%d:%d: bad filter of case '%s'\n", s->path,
			c->filter_pos.line, c->filter_pos.col, c->name);
		fputs(diag ? diag : "", stderr);
		free(diag);
		*bad = 1;
		return NULL;
	}
	free(diag);
	n = realloc(t->filters, (t->nfilters + 1) * sizeof(*n));
	if (!n) {
		*bad = 1;
		return NULL;
	}
	t->filters = n;
	t->filters[t->nfilters].text = c->filter;
	t->filters[t->nfilters++].prog = prog;
	return prog;
}

static int same_time(const struct sr_time_spec *a, const struct sr_time_spec *b)
{
	return a->kind == b->kind && a->ns == b->ns;
}

/* The sink of a unit: shared with units of the same capture, rules,
 * window and filter. */
static struct rpl_sink *sink_of_unit(struct tst *t, const struct rpl_unit *u,
				     const struct rule_set *rs, const struct flt_prog *prog)
{
	struct rpl_sink *s, **n;

	for (size_t i = 0; i < t->nunits; i++) {
		const struct rpl_unit *o = t->units[i];

		if (o == u || !o->sink || strcmp(o->key, u->key))
			continue;
		s = o->sink;
		if (s->rs == rs && s->prog == prog && same_time(&s->since, &u->c->since) &&
		    same_time(&s->until, &u->c->until))
			return s;
	}
	s = calloc(1, sizeof(*s));
	n = realloc(t->sinks, (t->nsinks + 1) * sizeof(*n));
	if (!s || !n) {
		free(s);
		return NULL;
	}
	t->sinks = n;
	t->sinks[t->nsinks++] = s;
	s->rs = rs;
	s->prog = prog;
	s->since = u->c->since;
	s->until = u->c->until;
	return s;
}

/* Everything a run needs, checked before any capture is read: 0 or 2. */
static int prepare(struct tst *t)
{
	int rc = 0;

	for (size_t i = 0; i < t->nspecs && !rc; i++)
		for (size_t k = 0; k < t->specs[i]->ncases && !rc; k++)
			rc = units_of_case(t, t->specs[i], &t->specs[i]->cases[k]);
	for (size_t i = 0; i < t->nunits && !rc; i++) {
		struct rpl_unit *u = t->units[i];
		struct rule_set *rs = rules_of_case(t, u->spec, u->c);
		struct flt_prog *prog;
		int bad;

		if (!rs)
			return RPL_EXIT_BAD;
		prog = filter_of_case(t, u->spec, u->c, &bad);
		if (bad)
			return RPL_EXIT_BAD;
		if (!(u->sink = sink_of_unit(t, u, rs, prog)))
			return rpl_fail("out of memory");
		for (size_t k = 0; k < u->c->nexps; k++)
			if (u->c->exps[k].has_alert)
				u->sink->keep_json = 1;
	}
	return rc;
}

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads each distinct capture once, then checks the units on it. Returns
 * 0, or 2 when a capture could not be read (its units fail with the
 * error). */
static int run_captures(struct tst *t)
{
	struct rpl_sink **mine = calloc(t->nsinks + 1, sizeof(*mine));
	int rc = 0;

	if (!mine)
		return rpl_fail("out of memory");
	for (size_t i = 0; i < t->nunits; i++) {
		struct rpl_unit *u = t->units[i];
		struct rpl_run_result res;
		struct sr_err err;
		size_t nmine = 0;
		double t0;
		int r;

		if (u->done)
			continue;
		for (size_t k = 0; k < t->nsinks; k++)
			for (size_t j = i; j < t->nunits; j++)
				if (t->units[j]->sink == t->sinks[k] &&
				    !strcmp(t->units[j]->key, u->key)) {
					mine[nmine++] = t->sinks[k];
					break;
				}
		sr_err_clear(&err);
		t0 = now_secs();
		r = rpl_multi_run(u->path, mine, nmine, NULL, NULL, &res, &err);
		t0 = now_secs() - t0;
		for (size_t j = i; j < t->nunits; j++) {
			struct rpl_unit *x = t->units[j];

			if (x->done || strcmp(x->key, u->key))
				continue;
			x->events = res.seen;
			x->secs = t0;
			if (r) {
				x->done = 1;
				x->ok = 0;
				x->input_error = 1;
				if (asprintf(&x->msg, "cannot read the capture: %s\n", err.msg) < 0)
					x->msg = NULL;
				continue;
			}
			rpl_test_eval(x, res.first_ts, res.last_ts);
		}
		if (r) {
			rpl_fail_err(u->path, &err);
			rc = RPL_EXIT_BAD;
		}
		for (size_t k = 0; k < nmine; k++)
			rpl_sink_reset(mine[k]);
	}
	free(mine);
	return rc;
}

static void tst_free(struct tst *t)
{
	for (size_t i = 0; i < t->nunits; i++) {
		free(t->units[i]->path);
		free(t->units[i]->key);
		free(t->units[i]->name);
		free(t->units[i]->msg);
		free(t->units[i]->actual);
		free(t->units[i]->actual_set);
		free(t->units[i]->failed);
		free(t->units[i]);
	}
	free(t->units);
	for (size_t i = 0; i < t->nsinks; i++) {
		rpl_sink_reset(t->sinks[i]);
		free(t->sinks[i]);
	}
	free(t->sinks);
	for (size_t i = 0; i < t->nsets; i++) {
		rule_set_free(t->sets[i].rs);
		free(t->sets[i].key);
	}
	free(t->sets);
	free(t->filters);
	if (t->fa)
		flt_arena_free(t->fa);
	for (size_t i = 0; i < t->nspecs; i++)
		rpl_spec_free(t->specs[i]);
	free(t->specs);
}

int rpl_cmd_test(int argc, char **argv)
{
	enum { OPT_JUNIT = RPL_OPT_OWN, OPT_UPDATE };
	static const struct option lo[] = {
	    {"junit", required_argument, NULL, OPT_JUNIT},
	    {"json", no_argument, NULL, 'j'},
	    {"update", no_argument, NULL, OPT_UPDATE},
	    {NULL, 0, NULL, 0},
	};
	const char *junit = NULL;
	int json = 0, update = 0, opt, rc = 0, rrc;
	size_t failed = 0;
	struct tst t;
	struct sr_err err;

	memset(&t, 0, sizeof(t));
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":j", lo, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case OPT_JUNIT:
			junit = optarg;
			break;
		case OPT_UPDATE:
			update = 1;
			break;
		case ':':
			return rpl_usage_error("test", "%s needs an argument", argv[optind - 1]);
		default:
			return rpl_usage_error("test", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return rpl_usage_error("test", "no SPEC given");
	t.specs = calloc((size_t)(argc - optind), sizeof(*t.specs));
	t.fa = flt_arena_new();
	if (!t.specs || !t.fa) {
		tst_free(&t);
		return rpl_fail("out of memory");
	}
	for (int i = optind; i < argc; i++) {
		sr_err_clear(&err);
		if (rpl_spec_load(&t.specs[t.nspecs], argv[i], stderr, &err)) {
			tst_free(&t);
			return RPL_EXIT_BAD;
		}
		t.nspecs++;
	}
	rc = prepare(&t);
	if (!rc) {
		rc = run_captures(&t);
		for (size_t i = 0; i < t.nunits; i++)
			failed += !t.units[i]->ok;
		if (json)
			rpl_test_json(stdout, t.units, t.nunits);
		else
			rpl_test_tap(stdout, t.units, t.nunits);
		fflush(stdout);
		if (json)
			fprintf(stderr, "%zu case%s, %zu passed, %zu failed\n", t.nunits,
				t.nunits == 1 ? "" : "s", t.nunits - failed, failed);
		if (junit && (rrc = rpl_test_junit(junit, t.units, t.nunits)))
			rc = rrc;
		for (size_t i = 0; update && i < t.nspecs; i++)
			if ((rrc = rpl_test_update(t.specs[i], t.units, t.nunits, stderr)))
				rc = rrc;
		if (!rc && failed && !update)
			rc = RPL_EXIT_FINDING;
	}
	tst_free(&t);
	return rc;
}
