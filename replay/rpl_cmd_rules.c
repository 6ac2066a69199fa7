/* sysreplay rules: what a rules file holds and how well captures exercise it.
 *   --list/-L       every rule: priority, enabled, file:line, name, tags
 *   --validate/-V   load and compile only (Falco's -V); every error listed
 *   --coverage DIR  which rules fired on which captures of DIR, which never
 *                   fired, which fields the rules read that no capture fills
 * RULES.yaml arguments (or -r) choose the files; none: the default set. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_multi.h"

enum rules_mode { RM_NONE, RM_LIST, RM_VALIDATE, RM_COVERAGE };

static void list_rule(const struct rule_set *rs, const struct rule *r, int json)
{
	const char *const *tags;
	size_t nt = rule_tags(r, &tags);
	int line;
	const char *file = rule_file(rs, r, &line);
	int on = rule_active(rs, r);

	if (json) {
		cJSON *o = cJSON_CreateObject(), *ta = cJSON_CreateArray();
		char *text;

		if (!o || !ta) {
			cJSON_Delete(o);
			cJSON_Delete(ta);
			return;
		}
		cJSON_AddStringToObject(o, "rule", rule_name(r));
		cJSON_AddStringToObject(o, "priority", rule_priority_name(rule_priority(r)));
		cJSON_AddBoolToObject(o, "enabled", on);
		cJSON_AddStringToObject(o, "file", file ? file : "");
		cJSON_AddNumberToObject(o, "line", line);
		cJSON_AddStringToObject(o, "source", rule_source(r));
		for (size_t i = 0; i < nt; i++)
			cJSON_AddItemToArray(ta, cJSON_CreateString(tags[i]));
		cJSON_AddItemToObject(o, "tags", ta);
		text = cJSON_PrintUnformatted(o);
		if (text)
			printf("%s\n", text);
		free(text);
		cJSON_Delete(o);
		return;
	}
	printf("%-13s %-3s %s:%d\t%s\t", rule_priority_name(rule_priority(r)), on ? "yes" : "no",
	       file ? file : "?", line, rule_name(r));
	for (size_t i = 0; i < nt; i++)
		printf("%s%s", i ? "," : "", tags[i]);
	putchar('\n');
}

static int cmd_list(const struct rpl_rule_opts *sel, int json)
{
	const struct rule *const *rules;
	struct rule_set *rs;
	size_t n, on = 0;

	if (rpl_alerts_load(&rs, sel))
		return RPL_EXIT_BAD;
	n = rule_set_rules(rs, &rules);
	if (!json)
		printf("%-13s %-3s %s\t%s\t%s\n", "PRIORITY", "ON", "FILE:LINE", "RULE", "TAGS");
	for (size_t i = 0; i < n; i++) {
		list_rule(rs, rules[i], json);
		on += rule_active(rs, rules[i]) != 0;
	}
	fflush(stdout);
	fprintf(stderr, "%zu rules, %zu enabled\n", n, on);
	rule_set_free(rs);
	return RPL_EXIT_OK;
}

/* Every error of every file, then those of compiling what did load. */
static int cmd_validate(const struct rpl_rule_opts *sel)
{
	struct rule_set *rs = rule_set_new();
	const char *const *errs;
	size_t nerr, nw, shown = 0, fatal = 0;
	const char *const *w;
	struct sr_err err;
	int rc;

	if (!rs)
		return rpl_fail("out of memory");
	rule_set_collect_errors(rs, 1);
	for (size_t i = 0; i <= sel->nfiles; i++) {
		if (i == sel->nfiles && sel->nfiles)
			break;
		sr_err_clear(&err);
		nerr = rule_set_errors(rs, &errs);
		rc = sel->nfiles ? rule_set_load_file(rs, sel->files[i], &err)
				 : rule_set_load_default(rs, &err);
		/* An error that stops a whole file (unreadable, not YAML) is
		 * not one of the per-item errors the set keeps. */
		if (rc && rule_set_errors(rs, &errs) == nerr) {
			fflush(stdout);
			if (err.line > 0)
				rule_set_error_print(rs, stderr, &err);
			else
				rpl_fail_err(sel->nfiles ? sel->files[i] : "default rules", &err);
			fatal++;
		}
	}
	sr_err_clear(&err);
	rc = rule_set_finalize(rs, &err);
	nerr = rule_set_errors(rs, &errs);
	for (size_t i = 0; i < nerr; i++, shown++)
		fputs(errs[i], stderr);
	if (rc && !nerr && !fatal) {
		rule_set_error_print(rs, stderr, &err);
		shown++;
	}
	shown += fatal;
	nw = rule_set_warnings(rs, &w);
	for (size_t i = 0; i < nw; i++)
		fprintf(stderr, "%s\n", w[i]);
	for (size_t i = 0; i < sel->nfiles; i++)
		printf("%s: %s\n", sel->files[i], shown ? "Invalid" : "Ok");
	if (!sel->nfiles)
		printf("default rules: %s\n", shown ? "Invalid" : "Ok");
	fflush(stdout);
	fprintf(stderr, "%zu error%s, %zu warning%s\n", shown, shown == 1 ? "" : "s", nw,
		nw == 1 ? "" : "s");
	rule_set_free(rs);
	return shown ? RPL_EXIT_BAD : RPL_EXIT_OK;
}

/* ---- coverage ---- */

struct cov_field {
	char *name;
	struct fld_ref ref;
	int resolved, filled;
	char *users; /* first rules reading it */
};

struct cov {
	struct cov_field *f;
	size_t n, cap;
	size_t open; /* fields not filled yet */
	const char *cur_rule;
};

static void cov_field_add(void *ctx, const char *name)
{
	struct cov *cv = ctx;
	struct cov_field *f = NULL;
	struct sr_err e;

	for (size_t i = 0; i < cv->n && !f; i++)
		if (!strcmp(cv->f[i].name, name))
			f = &cv->f[i];
	if (!f) {
		if (cv->n == cv->cap) {
			size_t cap = cv->cap ? cv->cap * 2 : 64;
			struct cov_field *nf = realloc(cv->f, cap * sizeof(*nf));

			if (!nf)
				return;
			cv->f = nf;
			cv->cap = cap;
		}
		f = &cv->f[cv->n];
		memset(f, 0, sizeof(*f));
		if (!(f->name = strdup(name)))
			return;
		cv->n++;
		sr_err_clear(&e);
		f->resolved = fld_resolve(name, &f->ref, &e) == 0;
		if (f->resolved)
			cv->open++;
	}
	if (!f->users || strlen(f->users) < 200) {
		char *u;

		if (asprintf(&u, "%s%s'%s'", f->users ? f->users : "", f->users ? ", " : "",
			     cv->cur_rule) >= 0) {
			free(f->users);
			f->users = u;
		}
	}
}

/* Once a field has a value on some event it is not looked at again: the
 * cost falls to the fields that stay empty. */
static int cov_hook(void *ctx, struct fld_ctx *c)
{
	struct cov *cv = ctx;
	struct fld_value v;

	if (!cv->open)
		return 0;
	for (size_t i = 0; i < cv->n; i++) {
		struct cov_field *f = &cv->f[i];

		if (f->resolved && !f->filled && fld_extract(&f->ref, c, &v)) {
			f->filled = 1;
			cv->open--;
		}
	}
	return 0;
}

static int cmd_coverage(struct rpl_rule_opts *sel, const char *dir)
{
	const struct rule *const *rules;
	struct rule_set *rs = NULL;
	struct rpl_sink sink;
	struct rpl_sink *sinks[1] = {&sink};
	struct cov cv;
	char **paths = NULL;
	size_t npaths = 0, nrules, never = 0, empty = 0;
	uint64_t *fired = NULL, **per = NULL; /* per[capture][rule] */
	struct sr_err err;
	char *dirs[1] = {(char *)dir};
	int rc = RPL_EXIT_OK;

	memset(&cv, 0, sizeof(cv));
	memset(&sink, 0, sizeof(sink));
	/* Every rule that matches counts, not only the first of the file. */
	sel->all = 1;
	if (rpl_alerts_load(&rs, sel))
		return RPL_EXIT_BAD;
	sr_err_clear(&err);
	if (rpl_paths_expand(dirs, 1, &paths, &npaths, &err)) {
		rule_set_free(rs);
		return rpl_fail_err(NULL, &err);
	}
	nrules = rule_set_rules(rs, &rules);
	for (size_t i = 0; i < nrules; i++) {
		if (!rule_active(rs, rules[i]))
			continue;
		cv.cur_rule = rule_name(rules[i]);
		rule_fields(rules[i], cov_field_add, &cv);
	}
	fired = calloc(nrules + 1, sizeof(*fired));
	per = calloc(npaths + 1, sizeof(*per));
	if (!fired || !per) {
		rc = rpl_fail("out of memory");
		goto out;
	}
	sink.rs = rs;
	for (size_t p = 0; p < npaths; p++) {
		struct rpl_run_result res;

		sr_err_clear(&err);
		if (rpl_multi_run(paths[p], sinks, 1, cov_hook, &cv, &res, &err)) {
			rc = rpl_fail_err(paths[p], &err);
			goto out;
		}
		per[p] = calloc(nrules + 1, sizeof(**per));
		if (!per[p]) {
			rc = rpl_fail("out of memory");
			goto out;
		}
		for (size_t a = 0; a < sink.nalerts; a++)
			for (size_t i = 0; i < nrules; i++)
				if (rules[i] == sink.alerts[a].r) {
					per[p][i]++;
					fired[i]++;
					break;
				}
		rpl_sink_reset(&sink);
	}
	printf("Rules fired (alerts per capture):\n");
	for (size_t i = 0; i < nrules; i++) {
		int first = 1;

		if (!fired[i])
			continue;
		printf("  %s:", rule_name(rules[i]));
		for (size_t p = 0; p < npaths; p++) {
			const char *b = strrchr(paths[p], '/');

			if (per[p][i])
				printf("%s %s (%" PRIu64 ")", first ? "" : ",",
				       b ? b + 1 : paths[p], per[p][i]);
			if (per[p][i])
				first = 0;
		}
		putchar('\n');
	}
	for (size_t i = 0; i < nrules; i++)
		never += rule_active(rs, rules[i]) && !fired[i];
	printf("Rules that never fired (%zu):\n", never);
	for (size_t i = 0; i < nrules; i++)
		if (rule_active(rs, rules[i]) && !fired[i])
			printf("  %s\n", rule_name(rules[i]));
	for (size_t i = 0; i < cv.n; i++)
		empty += cv.f[i].resolved && !cv.f[i].filled;
	printf("Fields the rules read that no capture fills (%zu):\n", empty);
	for (size_t i = 0; i < cv.n; i++)
		if (cv.f[i].resolved && !cv.f[i].filled)
			printf("  %s (%s)\n", cv.f[i].name, cv.f[i].users ? cv.f[i].users : "");
	fflush(stdout);
	fprintf(stderr, "%zu capture%s, %zu rules enabled, %zu fields read\n", npaths,
		npaths == 1 ? "" : "s", rule_set_count(rs), cv.n);
out:
	rpl_sink_reset(&sink);
	for (size_t p = 0; per && p < npaths; p++)
		free(per[p]);
	free(per);
	free(fired);
	for (size_t i = 0; i < cv.n; i++) {
		free(cv.f[i].name);
		free(cv.f[i].users);
	}
	free(cv.f);
	rpl_paths_free(paths, npaths);
	rule_set_free(rs);
	return rc;
}

int rpl_cmd_rules(int argc, char **argv)
{
	enum { OPT_COVERAGE = RPL_OPT_OWN };
	static const struct option lo[] = {
	    {"list", no_argument, NULL, 'L'},
	    {"validate", no_argument, NULL, 'V'},
	    {"coverage", required_argument, NULL, OPT_COVERAGE},
	    {"rules", required_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	char **files = calloc((size_t)argc + 1, sizeof(char *));
	enum rules_mode mode = RM_NONE;
	const char *dir = NULL;
	struct rpl_rule_opts sel;
	int json = 0, opt, rc;

	if (!files)
		return rpl_fail("out of memory");
	memset(&sel, 0, sizeof(sel));
	sel.files = files;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":LVr:j", lo, NULL)) != -1) {
		enum rules_mode m = RM_NONE;

		switch (opt) {
		case 'L':
			m = RM_LIST;
			break;
		case 'V':
			m = RM_VALIDATE;
			break;
		case OPT_COVERAGE:
			m = RM_COVERAGE;
			dir = optarg;
			break;
		case 'r':
			files[sel.nfiles++] = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case ':':
			free(files);
			return rpl_usage_error("rules", "%s needs an argument", argv[optind - 1]);
		default:
			free(files);
			return rpl_usage_error("rules", "unknown option '%s'", argv[optind - 1]);
		}
		if (m != RM_NONE && mode != RM_NONE && m != mode) {
			free(files);
			return rpl_usage_error("rules",
					       "give one of --list, --validate, --coverage");
		}
		if (m != RM_NONE)
			mode = m;
	}
	for (int i = optind; i < argc; i++)
		files[sel.nfiles++] = argv[i];
	switch (mode) {
	case RM_LIST:
		rc = cmd_list(&sel, json);
		break;
	case RM_VALIDATE:
		rc = cmd_validate(&sel);
		break;
	case RM_COVERAGE:
		rc = cmd_coverage(&sel, dir);
		break;
	default:
		rc = rpl_usage_error("rules", "give one of --list, --validate, --coverage DIR");
		break;
	}
	free(files);
	return rc;
}
