/* test_falco_traces: Falco's regression suite (falco-test-rules/falco_tests*.yaml)
 * replayed through `sysreplay alerts -j` on the trace files we have.
 *
 * Every case with a trace_file present in $REF/scap (trace_files/X.scap is
 * $REF/scap/falco_X.scap) and a `detect` expectation runs as
 *     sysreplay alerts -j --no-progress -r RULES... [--priority P] [--tags T]
 *                      [--disable-tags T] [-D SUBSTRING]... TRACE
 * Falco's options map one to one: run_tags (-t) to --tags, disable_tags (-T)
 * to --disable-tags, disabled_rules (-D) to -D. (rules_file entries that are
 * directories are expanded, sorted, as Falco does; no rules_file means
 * Falco's stock falco_rules.yaml) and is checked as Falco's own harness
 * checks it:
 *   detect False: no alert; detect True: at least one;
 *   detect_level: each listed priority has at least one alert;
 *   detect_counts: alerts per rule, exactly.
 * Rule matching is Falco's default: the first matching rule per event.
 * A case without `detect` that expects Falco to refuse its options (run_tags
 * with disable_tags or disabled_rules: exit_status 1) expects our bad-usage
 * exit, 2, and the message naming the conflict.
 *
 * What cannot agree is data below, with its reason:
 *   skip_keys:  cases using a Falco option sysreplay does not have (listed
 *               for the lead) or checking Falco's own process (config files,
 *               outputs, drop handling);
 *   counts:     Falco counts events, enter and exit apart; we count syscalls
 *               (one merged record each, see rules/README.md). Where a rule
 *               matches both halves of a syscall Falco's count is twice ours;
 *               our expected count is given with the reason.
 * Any other mismatch fails. One PASS/FAIL/SKIP line per case.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rules/rule.h"
#include "rules/rule_int.h"

#define MAXARGS 64

/* Keys whose case we cannot run, and why. */
static const struct {
	const char *key, *why;
} skip_keys[] = {
    {"conf_file", "uses a Falco configuration file (outputs, drop actions)"},
    {"grpc", "checks Falco's gRPC output"},
    {"json_include_output_property", "Falco JSON output option (json_include_*)"},
    {"json_include_tags_property", "Falco JSON output option (json_include_*)"},
    {"time_iso_8601", "Falco's time format option for text output"},
    {"run_duration", "Falco's run duration option"},
};

/* Where our count differs from Falco's by design. */
static const struct {
	const char *test, *rule;
	int falco, ours;
	const char *why;
} counts[] = {
    {"rule_names_with_regex_chars", "Open From Cat ($\\.*+?()[]{}|^)", 8, 4,
     "cat opens 4 files: Falco matches each open's enter and exit events (the condition "
     "needs neither result nor fd), we match the 4 syscall records"},
    {"multiple_rules_suppress_info", "open_from_cat", 8, 4,
     "cat opens 4 files: enter and exit events in Falco, 4 syscall records here"},
    {"catchall_order", "dev_null", 6, 3,
     "fd.name=/dev/null: Falco matches fstat, read and close of that fd at enter and at exit "
     "(fd known at both), we match each of those 3 syscalls once"},
};

static char refdir[1024], bin[1024];

struct result {
	int n; /* alerts */
	char rules[64][256];
	int rule_n[64];
	int nrules;
	int prio_n[8];
	char err[512];
	char stderr_text[1024]; /* the start of what it printed on stderr */
	int rc;
};

static int run_alerts(char *const argv[], struct result *res)
{
	int pfd[2], status;
	pid_t pid;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;

	FILE *errf = tmpfile();

	memset(res, 0, sizeof(*res));
	if (!errf)
		return -1;
	if (pipe(pfd)) {
		fclose(errf);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fclose(errf);
		return -1;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(fileno(errf), 2);
		close(pfd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (f && getline(&line, &cap, f) > 0) {
		cJSON *j = cJSON_Parse(line);
		const cJSON *r = j ? cJSON_GetObjectItemCaseSensitive(j, "rule") : NULL;
		const cJSON *p = j ? cJSON_GetObjectItemCaseSensitive(j, "priority") : NULL;
		int k, prio;

		if (!cJSON_IsString(r) || !cJSON_IsString(p)) {
			snprintf(res->err, sizeof(res->err), "not a JSON alert: %.200s", line);
			cJSON_Delete(j);
			continue;
		}
		res->n++;
		prio = rule_priority_parse(p->valuestring);
		if (prio >= 0 && prio < 8)
			res->prio_n[prio]++;
		for (k = 0; k < res->nrules; k++)
			if (strcmp(res->rules[k], r->valuestring) == 0)
				break;
		if (k == res->nrules && k < 64)
			snprintf(res->rules[res->nrules++], 256, "%s", r->valuestring);
		if (k < 64)
			res->rule_n[k]++;
		cJSON_Delete(j);
	}
	free(line);
	if (f)
		fclose(f);
	if (waitpid(pid, &status, 0) < 0) {
		fclose(errf);
		return -1;
	}
	rewind(errf);
	res->stderr_text[fread(res->stderr_text, 1, sizeof(res->stderr_text) - 1, errf)] = 0;
	fclose(errf);
	res->rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	return 0;
}

static const char *yscalar(const struct rule_ynode *m, const char *key)
{
	const struct rule_ynode *n = rule_ymap_get(m, key);

	return n && n->kind == RY_SCALAR ? n->s : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends "-r FILE" for path, or for each *.yaml of a directory, sorted. */
static int add_rules(char **argv, int *argc, const char *path, struct sr_arena *a)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char *names[64];
	int n = 0;

	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		if (*argc + 2 >= MAXARGS)
			return -1;
		argv[(*argc)++] = "-r";
		argv[(*argc)++] = sr_arena_strdup(a, path);
		return 0;
	}
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) && n < 64) {
		size_t l = strlen(e->d_name);
		char p[2048];
		if (l < 5 || strcmp(e->d_name + l - 5, ".yaml") != 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		names[n++] = sr_arena_strdup(a, p);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n && *argc + 2 < MAXARGS; i++) {
		argv[(*argc)++] = "-r";
		argv[(*argc)++] = names[i];
	}
	return 0;
}

/* A YAML sequence of scalars (or one scalar) joined with commas into *out. */
static int join_seq(const struct rule_ynode *n, struct sr_arena *a, char **out)
{
	char buf[512] = "";
	size_t l = 0, k = n->kind == RY_SEQ ? n->nkids : 1;

	for (size_t i = 0; i < k; i++) {
		const struct rule_ynode *one = n->kind == RY_SEQ ? n->kids[i] : n;

		if (one->kind != RY_SCALAR || l >= sizeof(buf))
			return -1;
		l += (size_t)snprintf(buf + l, sizeof(buf) - l, "%s%s", i ? "," : "", one->s);
	}
	if (l >= sizeof(buf))
		return -1;
	*out = sr_arena_strdup(a, buf);
	return *out ? 0 : -1;
}

static const char *tests_dir(void)
{
	static char p[1100];

	snprintf(p, sizeof(p), "%s/falco-rules/falco-test-rules", refdir);
	return p;
}

static int count_exception(const char *test, const char *rule, int falco, int *ours,
			   const char **why)
{
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		if (!strcmp(counts[i].test, test) && !strcmp(counts[i].rule, rule) &&
		    counts[i].falco == falco) {
			*ours = counts[i].ours;
			*why = counts[i].why;
			return 1;
		}
	return 0;
}

/* Level names of falco_tests.yaml (WARNING, INFO...) to our priorities. */
static int level_of(const char *s)
{
	return rule_priority_parse(s);
}

static int npass, nfail, nskip;

static void run_case(const char *name, const struct rule_ynode *t, struct sr_arena *a)
{
	const char *trace = yscalar(t, "trace_file"), *detect = yscalar(t, "detect");
	const char *prio = yscalar(t, "priority");
	const struct rule_ynode *rf = rule_ymap_get(t, "rules_file");
	const struct rule_ynode *lv = rule_ymap_get(t, "detect_level");
	const struct rule_ynode *dc = rule_ymap_get(t, "detect_counts");
	const struct rule_ynode *tags = rule_ymap_get(t, "run_tags");
	const struct rule_ynode *dtags = rule_ymap_get(t, "disable_tags");
	const struct rule_ynode *drules = rule_ymap_get(t, "disabled_rules");
	const char *xstatus = yscalar(t, "exit_status");
	int refused = 0;
	char *argv[MAXARGS], tpath[2048], p[2048], why[1024] = "", notes[512] = "";
	int argc = 0, want, bad = 0;
	struct result res;
	const char *base, *dot;

	/* Falco refuses -t with -D/-T before reading the trace. */
	if (trace && !detect && xstatus && strcmp(xstatus, "0") && tags && (dtags || drules))
		refused = 1;
	else if (!trace || !detect)
		return; /* load-only cases: test_rule_falco checks those */
	base = strrchr(trace, '/');
	base = base ? base + 1 : trace;
	dot = strrchr(base, '.');
	snprintf(tpath, sizeof(tpath), "%s/scap/falco_%.*s.scap", refdir,
		 (int)(dot ? dot - base : (long)strlen(base)), base);
	if (access(tpath, R_OK) != 0) {
		printf("SKIP: falco_traces/%s: trace %s not in the reference data\n", name, trace);
		nskip++;
		return;
	}
	for (size_t i = 0; i < sizeof(skip_keys) / sizeof(skip_keys[0]); i++)
		if (rule_ymap_get(t, skip_keys[i].key)) {
			printf("SKIP: falco_traces/%s: %s: %s\n", name, skip_keys[i].key,
			       skip_keys[i].why);
			nskip++;
			return;
		}
	want = refused ? 0 : rule_yscalar_bool(rule_ymap_get(t, "detect"));
	argv[argc++] = bin;
	argv[argc++] = "alerts";
	argv[argc++] = "-j";
	argv[argc++] = "--no-progress";
	if (prio) {
		argv[argc++] = "--priority";
		argv[argc++] = (char *)prio;
	}
	if (tags && tags->kind == RY_SEQ) {
		size_t l = 0;
		char tl[512] = "";
		for (size_t i = 0; i < tags->nkids; i++)
			if (tags->kids[i]->kind == RY_SCALAR)
				l += (size_t)snprintf(tl + l, l < sizeof(tl) ? sizeof(tl) - l : 0,
						      "%s%s", i ? "," : "", tags->kids[i]->s);
		argv[argc++] = "--tags";
		argv[argc++] = sr_arena_strdup(a, tl);
	}
	if (dtags && join_seq(dtags, a, &argv[argc + 1]) == 0) {
		argv[argc] = "--disable-tags";
		argc += 2;
	}
	for (size_t i = 0; drules && drules->kind == RY_SEQ && i < drules->nkids; i++)
		if (drules->kids[i]->kind == RY_SCALAR && argc + 2 < MAXARGS - 2) {
			argv[argc++] = "-D";
			argv[argc++] = sr_arena_strdup(a, drules->kids[i]->s);
		}
	if (!rf) {
		snprintf(p, sizeof(p), "%s/falco-rules/falco_rules.yaml", refdir);
		add_rules(argv, &argc, p, a);
	} else {
		const struct rule_ynode *one = rf;
		size_t n = rf->kind == RY_SEQ ? rf->nkids : 1;
		for (size_t i = 0; i < n; i++) {
			one = rf->kind == RY_SEQ ? rf->kids[i] : rf;
			if (one->kind != RY_SCALAR)
				continue;
			snprintf(p, sizeof(p), "%s/%s", tests_dir(), one->s);
			if (add_rules(argv, &argc, p, a)) {
				printf("SKIP: falco_traces/%s: rules file %s missing\n", name,
				       one->s);
				nskip++;
				return;
			}
		}
	}
	argv[argc++] = tpath;
	argv[argc] = NULL;
	if (rule_ymap_get(t, "stdout_contains"))
		snprintf(notes, sizeof(notes), " (stdout_contains: Falco's text not compared)");

	if (refused) {
		if (run_alerts(argv, &res) != 0 || res.rc != 2 || res.n ||
		    !strstr(res.stderr_text, "cannot be combined")) {
			printf("FAIL: falco_traces/%s: Falco refuses these options (exit 1); we "
			       "exited %d with %d alerts, stderr '%.200s'\n",
			       name, res.rc, res.n, res.stderr_text);
			nfail++;
		} else {
			printf("PASS: falco_traces/%s (refused, exit 2: conflicting rule "
			       "selection)\n",
			       name);
			npass++;
		}
		return;
	}
	if (run_alerts(argv, &res) != 0 || (res.rc != 0 && res.rc != 1)) {
		printf("FAIL: falco_traces/%s: sysreplay alerts exited %d\n", name, res.rc);
		nfail++;
		return;
	}
	if (res.err[0]) {
		snprintf(why, sizeof(why), "%s", res.err);
		bad = 1;
	}
	if (want == 1 && res.n == 0) {
		snprintf(why, sizeof(why), "Falco detects, we emitted no alert");
		bad = 1;
	} else if (want == 0 && res.n > 0) {
		snprintf(why, sizeof(why),
			 "Falco detects nothing, we emitted %d alerts (first rule "
			 "'%s')",
			 res.n, res.rules[0]);
		bad = 1;
	}
	if (!bad && want == 1 && lv) {
		size_t n = lv->kind == RY_SEQ ? lv->nkids : 1;
		for (size_t i = 0; i < n && !bad; i++) {
			const struct rule_ynode *one = lv->kind == RY_SEQ ? lv->kids[i] : lv;
			int l = one->kind == RY_SCALAR ? level_of(one->s) : -1;
			if (l < 0 || l >= 8 || res.prio_n[l] == 0) {
				snprintf(why, sizeof(why), "no alert at level %s",
					 one->kind == RY_SCALAR ? one->s : "?");
				bad = 1;
			}
		}
	}
	if (!bad && dc && dc->kind == RY_SEQ) {
		for (size_t i = 0; i < dc->nkids && !bad; i++) {
			const struct rule_ynode *m = dc->kids[i];
			for (size_t k = 0; m->kind == RY_MAP && k + 1 < m->nkids && !bad; k += 2) {
				const char *rule = m->kids[k]->s;
				int falco = atoi(m->kids[k + 1]->s), expect = falco, got = 0;
				const char *reason = NULL;
				for (int r = 0; r < res.nrules; r++)
					if (!strcmp(res.rules[r], rule))
						got = res.rule_n[r];
				if (count_exception(name, rule, falco, &expect, &reason))
					printf("# %s: %s: Falco %d, ours %d expected: %s\n", name,
					       rule, falco, expect, reason);
				if (got != expect) {
					snprintf(why, sizeof(why),
						 "rule '%s': %d alerts, expected %d%s", rule, got,
						 expect, reason ? " (Falco's count adjusted)" : "");
					bad = 1;
				}
			}
		}
	}
	if (bad) {
		printf("FAIL: falco_traces/%s: %s\n", name, why);
		nfail++;
	} else {
		printf("PASS: falco_traces/%s (%d alerts)%s\n", name, res.n, notes);
		npass++;
	}
}

int main(void)
{
	static const char *specs[] = {"falco_tests.yaml", "falco_tests_exceptions.yaml"};
	const char *r = getenv("REF"), *b = getenv("BIN");

	snprintf(refdir, sizeof(refdir), "%s", r && *r ? r : "../shared/reference");
	snprintf(bin, sizeof(bin), "%s/sysreplay", b && *b ? b : "bin");
	if (access(tests_dir(), R_OK) != 0 || access(refdir, R_OK) != 0) {
		printf("SKIP: falco_traces: no %s\n", tests_dir());
		return 0;
	}
	if (access(bin, X_OK) != 0) {
		printf("SKIP: falco_traces: %s not built\n", bin);
		return 0;
	}
	for (size_t s = 0; s < 2; s++) {
		struct sr_arena a = {0};
		struct rule_src src;
		struct rule_ynode **roots;
		size_t nroots;
		struct sr_err err;
		const struct rule_ynode *cases;
		char p[2048];
		FILE *f;
		char *text;
		long len;

		snprintf(p, sizeof(p), "%s/%s", tests_dir(), specs[s]);
		f = fopen(p, "r");
		if (!f) {
			printf("FAIL: falco_traces: cannot read %s: %s\n", p, strerror(errno));
			nfail++;
			continue;
		}
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		text = calloc(1, (size_t)len + 1);
		if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
			fclose(f);
			free(text);
			printf("FAIL: falco_traces: cannot read %s\n", p);
			nfail++;
			continue;
		}
		fclose(f);
		src.name = p;
		src.text = text;
		src.len = (size_t)len;
		if (rule_yaml_parse(&a, &src, &roots, &nroots, &err) != 0 || nroots == 0 ||
		    !(cases = rule_ymap_get(roots[0], "trace_files")) || cases->kind != RY_MAP) {
			printf("FAIL: falco_traces: cannot parse %s\n", p);
			nfail++;
		} else {
			for (size_t i = 0; i + 1 < cases->nkids; i += 2)
				run_case(cases->kids[i]->s, cases->kids[i + 1], &a);
		}
		sr_arena_reset(&a);
		free(text);
	}
	printf("# falco_traces: %d passed, %d failed, %d skipped\n", npass, nfail, nskip);
	return 0;
}
