/* test_rule_falco: Falco's own rule files and its regression-suite
 * expectations, read from $REF/falco-rules (skipped when absent).
 *
 *  - the stable, incubating and sandbox rule files load together with no
 *    error (warnings are printed as "# " lines for the report);
 *  - the legacy 1.0.1 rule file loads;
 *  - every case of falco-test-rules/falco_tests*.yaml that names rule files
 *    we can read: load errors where Falco expects them (naming the item
 *    Falco names), success elsewhere, and Falco's expected warnings.
 */
#include "tests/tap.h"

#include <unistd.h>

#include "rules/rule.h"
#include "rules/rule_int.h"

static char ref_dir[1024];

static const char *ref(void)
{
	const char *r = getenv("REF");

	snprintf(ref_dir, sizeof(ref_dir), "%s/falco-rules", r && *r ? r : "../shared/reference");
	return access(ref_dir, R_OK) == 0 ? ref_dir : NULL;
}

static int load_paths(struct rule_set *rs, const char *dir, const char *const *files, size_t n,
		      struct sr_err *err)
{
	char p[2048];
	int rc = 0;

	sr_err_clear(err);
	for (size_t i = 0; i < n && !rc; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		rc = rule_set_load_file(rs, p, err);
	}
	if (!rc)
		rc = rule_set_finalize(rs, err);
	return rc;
}

TEST(falco_stock_rules_load_together)
{
	static const char *files[] = {"falco_rules.yaml", "falco-incubating_rules.yaml",
				      "falco-sandbox_rules.yaml"};
	const char *dir = ref();
	const struct rule_warning *w;
	struct rule_set *rs;
	struct sr_err err;
	size_t nw;
	int rc;

	if (!dir) {
		SKIP("no $REF/falco-rules");
		return;
	}
	rs = rule_set_new();
	rc = load_paths(rs, dir, files, 3, &err);
	if (rc) {
		rule_set_error_print(rs, stdout, &err);
		TAP_FAIL("loading Falco's rule files: %s", err.msg);
	}
	nw = rule_set_warnings_ex(rs, &w);
	for (size_t i = 0; i < nw; i++)
		printf("# [%s] %s\n", rule_warn_code_name(w[i].code), w[i].text);
	printf("# %zu rules active, %zu warnings\n", rule_set_count(rs), nw);
	CHECK(rule_set_count(rs) > 50);
	/* stock rules that must be there and enabled */
	CHECK(rule_set_find(rs, "Terminal shell in container") != NULL);
	CHECK(rule_set_find(rs, "Read sensitive file untrusted") != NULL);
	rule_set_free(rs);

	/* each file is self-contained too (they carry their own macro copies) */
	for (size_t i = 0; i < 3; i++) {
		rs = rule_set_new();
		if (load_paths(rs, dir, files + i, 1, &err) != 0)
			TAP_FAIL("%s alone: %s", files[i], err.msg);
		rule_set_free(rs);
	}
}

TEST(falco_legacy_rules_load)
{
	static const char *files[] = {"legacy/falco_rules-1.0.1.yaml"};
	const char *dir = ref();
	struct rule_set *rs;
	struct sr_err err;

	if (!dir) {
		SKIP("no $REF/falco-rules");
		return;
	}
	rs = rule_set_new();
	if (load_paths(rs, dir, files, 1, &err) != 0) {
		rule_set_error_print(rs, stdout, &err);
		TAP_FAIL("%s", err.msg);
	}
	CHECK(rule_set_count(rs) > 30);
	rule_set_free(rs);
}

/* ---- falco_tests.yaml driven ---- */

/* Where we knowingly report an error about a different item than Falco. */
static const struct {
	const char *test, *why;
} divergent_item[] = {
    {"invalid_list_loop",
     "we report the list loop at the list; Falco reports the unexpanded name in the rule"},
};

static enum rule_warn_code map_code(const char *falco)
{
	if (strcmp(falco, "LOAD_NO_EVTTYPE") == 0)
		return RW_NO_EVTTYPE;
	if (strcmp(falco, "LOAD_UNUSED_MACRO") == 0)
		return RW_UNUSED_MACRO;
	if (strcmp(falco, "LOAD_UNUSED_LIST") == 0)
		return RW_UNUSED_LIST;
	if (strcmp(falco, "LOAD_UNKNOWN_FIELD") == 0 || strcmp(falco, "LOAD_UNKNOWN_FILTER") == 0)
		return RW_UNKNOWN_FILTER;
	return RW_OTHER;
}

static const char *yscalar(const struct rule_ynode *m, const char *key)
{
	const struct rule_ynode *n = rule_ymap_get(m, key);

	return n && n->kind == RY_SCALAR ? n->s : NULL;
}

static int run_case(const char *dir, const char *name, const struct rule_ynode *t, int *checked)
{
	const struct rule_ynode *files = rule_ymap_get(t, "validate_rules_file");
	const struct rule_ynode *errs = rule_ymap_get(t, "validate_errors");
	const struct rule_ynode *warns = rule_ymap_get(t, "validate_warnings");
	const char *exit_status = yscalar(t, "exit_status");
	const char *paths[16];
	size_t n = 0;
	int want_err, rc, bad = 0;
	struct rule_set *rs;
	struct sr_err err;
	char p[2048];

	if (!files)
		files = rule_ymap_get(t, "rules_file");
	if (!files)
		return 0;
	if (files->kind == RY_SCALAR) {
		paths[n++] = files->s;
	} else if (files->kind == RY_SEQ) {
		for (size_t i = 0; i < files->nkids && n < 16; i++)
			if (files->kids[i]->kind == RY_SCALAR)
				paths[n++] = files->kids[i]->s;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, paths[i]);
		/* plugin and k8s-audit rule files need sources we do not have */
		if (access(p, R_OK) != 0 || strstr(paths[i], "k8s_audit") ||
		    strstr(paths[i], "plugins/"))
			return 0;
	}
	want_err = exit_status && strcmp(exit_status, "1") == 0 && errs;
	rs = rule_set_new();
	rc = load_paths(rs, dir, paths, n, &err);
	(*checked)++;
	if (want_err && rc == 0) {
		TAP_FAIL("%s: Falco rejects these rules, we loaded them", name);
		bad = 1;
	} else if (!want_err && rc != 0) {
		TAP_FAIL("%s: Falco loads these rules, we failed: %s", name, err.msg);
		bad = 1;
	}
	if (want_err && rc != 0 && errs->kind == RY_SEQ) {
		for (size_t i = 0; i < errs->nkids; i++) {
			const char *item = yscalar(errs->kids[i], "item_name");
			int skip = 0;

			for (size_t k = 0; k < sizeof(divergent_item) / sizeof(divergent_item[0]);
			     k++)
				if (strcmp(divergent_item[k].test, name) == 0)
					skip = 1;
			if (skip || !item || !*item)
				continue;
			if (!strstr(err.msg, item)) {
				TAP_FAIL("%s: error '%s' does not name '%s'", name, err.msg, item);
				bad = 1;
			}
		}
	}
	if (!want_err && warns && warns->kind == RY_SEQ) {
		for (size_t i = 0; i < warns->nkids; i++) {
			const char *item = yscalar(warns->kids[i], "item_name");
			const char *code = yscalar(warns->kids[i], "code");
			enum rule_warn_code c = map_code(code ? code : "");
			const struct rule_warning *w;
			size_t nw = rule_set_warnings_ex(rs, &w), k;
			char quoted[512];

			snprintf(quoted, sizeof(quoted), "'%s'", item ? item : "");
			for (k = 0; k < nw; k++)
				if (w[k].code == c && strstr(w[k].text, quoted))
					break;
			if (k == nw) {
				TAP_FAIL("%s: expected warning %s for %s", name, code, quoted);
				bad = 1;
			}
		}
		/* and no NO_EVTTYPE warning Falco does not give */
		if (strcmp(name, "test_warnings") == 0) {
			const struct rule_warning *w;
			size_t nw = rule_set_warnings_ex(rs, &w);

			CHECK_EQ_INT(nw, warns->nkids);
		}
	}
	rule_set_free(rs);
	return bad;
}

TEST(falco_regression_suite_expectations)
{
	static const char *specs[] = {"falco-test-rules/falco_tests.yaml",
				      "falco-test-rules/falco_tests_exceptions.yaml"};
	const char *dir = ref();
	char tdir[1100];
	int checked = 0, bad = 0;

	if (!dir) {
		SKIP("no $REF/falco-rules");
		return;
	}
	snprintf(tdir, sizeof(tdir), "%s/falco-test-rules", dir);
	for (size_t s = 0; s < 2; s++) {
		struct rule_set *holder = rule_set_new(); /* owns the spec's YAML tree */
		struct sr_err err;
		const struct rule_ynode *cases;
		char p[2048];

		snprintf(p, sizeof(p), "%s/%s", dir, specs[s]);
		if (rule_set_load_file(holder, p, &err) == 0 || holder->srcs.n == 0) {
			/* it is not a rules file, so loading it must fail */
			TAP_FAIL("%s loaded as rules?", specs[s]);
			rule_set_free(holder);
			continue;
		}
		{
			struct rule_ynode **roots;
			size_t nroots;
			const struct rule_src *src = holder->srcs.v[holder->srcs.n - 1];

			if (rule_yaml_parse(&holder->arena, src, &roots, &nroots, &err) != 0 ||
			    nroots == 0) {
				TAP_FAIL("cannot parse %s: %s", specs[s], err.msg);
				rule_set_free(holder);
				continue;
			}
			cases = rule_ymap_get(roots[0], "trace_files");
		}
		if (!cases || cases->kind != RY_MAP) {
			TAP_FAIL("%s has no trace_files mapping", specs[s]);
			rule_set_free(holder);
			continue;
		}
		for (size_t i = 0; i + 1 < cases->nkids; i += 2)
			bad += run_case(tdir, cases->kids[i]->s, cases->kids[i + 1], &checked);
		rule_set_free(holder);
	}
	printf("# %d regression cases checked, %d mismatched\n", checked, bad);
	CHECK(checked > 60);
}
