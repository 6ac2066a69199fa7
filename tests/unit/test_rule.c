/* test_rule: the Falco rules loader — append/override, exceptions, enabled,
 * priorities, macro/list resolution and loops, YAML errors with positions,
 * warnings, selection by priority/tags, engine versions. */
#include "tests/tap.h"

#include "filter/flt.h"
#include "filter/flt_ast.h"
#include "rules/rule.h"

/* Loads YAML documents (NULL-terminated) as files t1.yaml, t2.yaml, ... and
 * finalizes. Returns the set (never NULL); *rc the first failure. */
static struct rule_set *load_n(const char *const *docs, int *rc, struct sr_err *err)
{
	struct rule_set *rs = rule_set_new();
	char name[32];

	sr_err_clear(err);
	*rc = 0;
	for (int i = 0; docs[i] && !*rc; i++) {
		snprintf(name, sizeof(name), "t%d.yaml", i + 1);
		*rc = rule_set_load_string(rs, name, docs[i], err);
	}
	if (!*rc)
		*rc = rule_set_finalize(rs, err);
	return rs;
}

static struct rule_set *load1(const char *doc, int *rc, struct sr_err *err)
{
	const char *docs[] = {doc, NULL};

	return load_n(docs, rc, err);
}

/* 1 when the rule's final condition prints like `expect` parsed alone. */
static int cond_is(const struct rule_set *rs, const char *rule, const char *expect)
{
	const struct rule *r = rule_set_find(rs, rule);
	struct flt_arena *a = flt_arena_new();
	struct flt_node *n;
	struct sr_err e;
	char got[4096], want[4096];
	int ok;

	if (!r) {
		printf("# rule '%s' not found\n", rule);
		flt_arena_free(a);
		return 0;
	}
	rule_condition_print(r, got, sizeof(got));
	if (flt_parse(a, expect, &n, &e) != 0) {
		printf("# cannot parse expected text: %s\n", e.msg);
		flt_arena_free(a);
		return 0;
	}
	flt_node_print(n, want, sizeof(want));
	flt_arena_free(a);
	ok = strcmp(got, want) == 0;
	if (!ok)
		printf("# got:  %s\n# want: %s\n", got, want);
	return ok;
}

static int has_warning(const struct rule_set *rs, enum rule_warn_code code, const char *needle)
{
	const struct rule_warning *w;
	size_t n = rule_set_warnings_ex(rs, &w);

	for (size_t i = 0; i < n; i++)
		if (w[i].code == code && (!needle || strstr(w[i].text, needle)))
			return 1;
	return 0;
}

#define RULE(name, cond)                                                                           \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: WARNING\n"

TEST(priority_names_and_aliases)
{
	CHECK_EQ_INT(rule_priority_parse("emergency"), RP_EMERGENCY);
	CHECK_EQ_INT(rule_priority_parse("ALERT"), RP_ALERT);
	CHECK_EQ_INT(rule_priority_parse("Critical"), RP_CRITICAL);
	CHECK_EQ_INT(rule_priority_parse("error"), RP_ERROR);
	CHECK_EQ_INT(rule_priority_parse("WARNING"), RP_WARNING);
	CHECK_EQ_INT(rule_priority_parse("notice"), RP_NOTICE);
	CHECK_EQ_INT(rule_priority_parse("INFORMATIONAL"), RP_INFORMATIONAL);
	CHECK_EQ_INT(rule_priority_parse("Info"), RP_INFORMATIONAL);
	CHECK_EQ_INT(rule_priority_parse("debug"), RP_DEBUG);
	CHECK_EQ_INT(rule_priority_parse("warn"), -1);
	CHECK_EQ_INT(rule_priority_parse(""), -1);
	CHECK_STR(rule_priority_name(RP_WARNING), "Warning");
	CHECK_STR(rule_priority_name(RP_INFORMATIONAL), "Informational");
	CHECK_STR(rule_priority_name(RP_EMERGENCY), "Emergency");
}

TEST(minimal_rule_accessors)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs = load1("- rule: Shell in box\n"
				    "  desc: a shell\n"
				    "  condition: evt.type = execve and proc.name = bash\n"
				    "  output: shell %proc.name\n"
				    "  priority: notice\n"
				    "  tags: [shell, mitre_execution]\n",
				    &rc, &err);
	const struct rule *r;
	const char *const *tags;

	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(rule_set_count(rs), 1);
	r = rule_set_find(rs, "Shell in box");
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(rule_name(r), "Shell in box");
		CHECK_STR(rule_desc(r), "a shell");
		CHECK_STR(rule_output(r), "shell %proc.name");
		CHECK_STR(rule_source(r), "syscall");
		CHECK_EQ_INT(rule_priority(r), RP_NOTICE);
		CHECK_EQ_INT(rule_tags(r, &tags), 2);
		CHECK_STR(tags[1], "mitre_execution");
		CHECK(cond_is(rs, "Shell in box", "evt.type = execve and proc.name = bash"));
	}
	rule_set_free(rs);
}

/* Falco's capture keys: read, replaceable by override, checked. */
TEST(capture_keys)
{
	struct sr_err err;
	int rc;
	uint64_t ms = 1;
	struct rule_set *rs =
	    load1("- rule: a\n  desc: d\n  condition: evt.type = execve\n"
		  "  output: o\n  priority: notice\n  capture: true\n"
		  "  capture_duration: 5000\n"
		  "- rule: b\n  desc: d\n  condition: evt.type = open\n"
		  "  output: o\n  priority: notice\n"
		  "- rule: b\n  capture: true\n  override:\n    capture: replace\n",
		  &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK(rs && rule_capture(rule_set_find(rs, "a"), &ms) == 1);
	CHECK(ms == 5000);
	CHECK(rs && rule_capture(rule_set_find(rs, "b"), &ms) == 1);
	CHECK(ms == 0);
	rule_set_free(rs);
	rs = load1("- rule: a\n  desc: d\n  condition: evt.type = execve\n"
		   "  output: o\n  priority: notice\n  capture_duration: 5s\n",
		   &rc, &err);
	CHECK(rc != 0);
	CHECK(strstr(err.msg, "'capture_duration' must be a number of milliseconds") != NULL);
	rule_set_free(rs);
}

TEST(append_old_style_condition_and_exceptions)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs =
	    load1(RULE("r", "(evt.type=open and fd.name=a)") "- rule: r\n  append: true\n"
							     "  condition: or (evt.type=open and "
							     "fd.name=/dev/null)\n",
		  &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK(cond_is(rs, "r",
		      "(evt.type=open and fd.name=a) or (evt.type=open and fd.name=/dev/null)"));
	rule_set_free(rs);

	/* appending to a rule that does not exist is an error at the entry */
	rs = load1("- rule: ghost\n  append: true\n  condition: and proc.name=x\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "t1.yaml:1:3:") != NULL);
	CHECK(strstr(err.msg, "no rule by that name") != NULL);
	rule_set_free(rs);

	/* an append with neither condition nor exceptions */
	rs =
	    load1(RULE("r", "evt.type=open") "- rule: r\n  append: true\n  output: x\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "must have exceptions or condition") != NULL);
	rule_set_free(rs);
}

TEST(append_across_files_keeps_first_position)
{
	const char *docs[] = {
	    RULE("first", "evt.type=open") RULE("second", "evt.type=open"),
	    "- rule: first\n  append: true\n  condition: and proc.name=cat\n",
	    NULL,
	};
	struct sr_err err;
	int rc;
	struct rule_set *rs = load_n(docs, &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK(cond_is(rs, "first", "evt.type=open and proc.name=cat"));
	rule_set_free(rs);
}

TEST(override_append_and_replace)
{
	struct sr_err err;
	int rc;
	const char *const *tags;
	const struct rule *r;
	struct rule_set *rs =
	    load1("- rule: r\n  desc: d\n  condition: evt.type=open\n  output: o1\n"
		  "  priority: INFO\n  tags: [a]\n"
		  "- rule: r\n  condition: and proc.name=cat\n  output: more\n  tags: [b]\n"
		  "  priority: critical\n"
		  "  override:\n    condition: append\n    output: append\n    tags: append\n"
		  "    priority: replace\n"
		  "- rule: r\n  desc: new desc\n  override:\n    desc: replace\n",
		  &rc, &err);

	CHECK_EQ_INT(rc, 0);
	r = rule_set_find(rs, "r");
	CHECK(r != NULL);
	if (r) {
		CHECK(cond_is(rs, "r", "evt.type=open and proc.name=cat"));
		CHECK_STR(rule_output(r), "o1 more");
		CHECK_STR(rule_desc(r), "new desc");
		CHECK_EQ_INT(rule_priority(r), RP_CRITICAL);
		CHECK_EQ_INT(rule_tags(r, &tags), 2);
	}
	rule_set_free(rs);

	rs = load1(RULE("r", "evt.type=open") "- rule: r\n  condition: evt.type=connect\n  "
					      "override:\n    condition: replace\n",
		   &rc, &err);
	CHECK_EQ_INT(rc, 0);
	CHECK(cond_is(rs, "r", "evt.type=connect"));
	rule_set_free(rs);
}

TEST(override_errors)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs;

	/* a changed key not listed in override */
	rs = load1(RULE("r", "evt.type=open") "- rule: r\n  condition: and a.b=1\n  output: x\n"
					      "  override:\n    condition: append\n",
		   &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "'output'") && strstr(err.msg, "must be listed in 'override'"));
	CHECK(strstr(err.msg, "t1.yaml:8:3:") != NULL);
	rule_set_free(rs);

	/* priority cannot be appended */
	rs = load1(RULE("r", "evt.type=open") "- rule: r\n  priority: ERROR\n  override:\n    "
					      "priority: append\n",
		   &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "cannot be appended") != NULL);
	rule_set_free(rs);

	/* listed in override but absent */
	rs = load1(RULE("r", "evt.type=open") "- rule: r\n  override:\n    output: replace\n", &rc,
		   &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "has no 'output' key") != NULL);
	rule_set_free(rs);

	/* append and override together */
	rs = load1(RULE("r", "evt.type=open") "- rule: r\n  append: true\n  condition: and x.y=1\n"
					      "  override:\n    condition: append\n",
		   &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "both 'append' and 'override'") != NULL);
	rule_set_free(rs);

	/* bad mode word */
	rs = load1(
	    RULE(
		"r",
		"evt.type=open") "- rule: r\n  condition: x\n  override:\n    condition: prepend\n",
	    &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "'append' or 'replace'") != NULL);
	rule_set_free(rs);

	/* override of a missing item */
	rs = load1("- macro: m\n  condition: x.y=1\n  override:\n    condition: append\n", &rc,
		   &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "no macro by that name") != NULL);
	rule_set_free(rs);
}

TEST(macros_append_override_and_order)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs = load1(
	    "- macro: is_cat\n  condition: proc.name = not_cat\n"
	    "- macro: is_cat\n  condition: proc.name = cat\n" /* redefinition replaces */
	    "- macro: m2\n  condition: evt.type = open\n"
	    "- macro: m2\n  append: true\n  condition: or evt.type = openat\n"
	    "- macro: m3\n  condition: fd.name = a\n"
	    "- macro: m3\n  condition: fd.name = b\n  override:\n    condition: replace\n" RULE(
		"r", "m2 and is_cat and m3") "- macro: late\n  condition: proc.pid = 1\n",
	    &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK(cond_is(
	    rs, "r", "(evt.type = open or evt.type = openat) and proc.name = cat and fd.name = b"));
	CHECK(has_warning(rs, RW_UNUSED_MACRO, "'late'"));
	CHECK(!has_warning(rs, RW_UNUSED_MACRO, "'m2'"));
	rule_set_free(rs);
}

TEST(lists_append_nested_and_redefined)
{
	const char *docs[] = {
	    "- list: cat_binaries\n  items: [cat]\n"
	    "- list: cat_capable\n  items: [cat_binaries, tac]\n"
	    "- list: shells\n  items: [bash]\n"
	    "- list: shells\n  append: true\n  items: [zsh, \"sh\"]\n"
	    "- list: empty\n  items: []\n" RULE(
		"r", "proc.name in (cat_capable) and proc.pname in (shells, empty, dash)"),
	    /* a later file redefines the inner list: the outer list sees it */
	    "- list: cat_binaries\n  items: [not-cat, 'with space']\n"
	    "- list: unused_one\n  items: [x]\n",
	    NULL,
	};
	struct sr_err err;
	int rc;
	struct rule_set *rs = load_n(docs, &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK(cond_is(rs, "r",
		      "proc.name in (not-cat, \"with space\", tac) and "
		      "proc.pname in (bash, zsh, sh, dash)"));
	CHECK(has_warning(rs, RW_UNUSED_LIST, "'unused_one'"));
	CHECK(!has_warning(rs, RW_UNUSED_LIST, "'cat_binaries'"));
	rule_set_free(rs);

	rs = load1("- list: l\n  items: [a]\n- list: l\n  items: [b]\n  override:\n"
		   "    items: replace\n" RULE("r", "proc.name in (l)"),
		   &rc, &err);
	CHECK_EQ_INT(rc, 0);
	CHECK(cond_is(rs, "r", "proc.name in (b)"));
	rule_set_free(rs);

	rs = load1("- list: l\n  append: true\n  items: [a]\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "no list by that name") != NULL);
	rule_set_free(rs);

	rs = load1("- list: l\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "no mapping for key 'items'") != NULL);
	rule_set_free(rs);
}

TEST(list_and_macro_loops)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs = load1(
	    "- list: a\n  items: [x, b]\n- list: b\n  items: [a]\n" RULE("r", "proc.name in (a)"),
	    &rc, &err);

	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK_STR(err.msg, "t1.yaml:1:3: list loop: a -> b -> a");
	CHECK_EQ_INT(err.line, 1);
	CHECK_EQ_INT(err.column, 3);
	rule_set_free(rs);

	rs = load1("- macro: m_a\n  condition: evt.type=open and m_b\n"
		   "- macro: m_b\n  condition: >\n    proc.name=x\n    or m_c\n"
		   "- macro: m_c\n  condition: m_a\n" RULE("r", "m_a"),
		   &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK_STR(err.msg, "t1.yaml:1:3: macro 'm_a': macro loop: m_a -> m_b -> m_c -> m_a");
	rule_set_free(rs);

	rs = load1("- macro: self\n  condition: self\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "macro loop: self -> self") != NULL);
	rule_set_free(rs);
}

TEST(condition_errors_point_into_the_file)
{
	struct sr_err err;
	int rc;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;
	struct rule_set *rs = load1("- rule: r1\n"
				    "  desc: d\n"
				    "  condition: >\n"
				    "    evt.type = open\n"
				    "    and proc.name = cat\n"
				    "    and undefined_thing\n"
				    "  output: hi\n"
				    "  priority: WARNING\n",
				    &rc, &err);

	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK_EQ_INT(err.line, 6);
	CHECK_EQ_INT(err.column, 9);
	CHECK(strncmp(err.msg, "t1.yaml:6:9: rule 'r1': ", 24) == 0);
	f = open_memstream(&out, &outlen);
	rule_set_error_print(rs, f, &err);
	fclose(f);
	CHECK(out && strstr(out, "\n    and undefined_thing\n        ^\n") != NULL);
	free(out);
	rule_set_free(rs);

	/* inside a macro used by a rule: reported in the macro */
	rs = load1("- macro: m\n  condition: proc.name = cat and )\n" RULE("r", "m"), &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strncmp(err.msg, "t1.yaml:2:", 10) == 0);
	CHECK(strstr(err.msg, "macro 'm'") != NULL);
	rule_set_free(rs);

	/* a quoted single-line condition: column counts the quote */
	rs = load1("- rule: q\n  desc: d\n  condition: \"evt.type = open and ((\"\n"
		   "  output: o\n  priority: INFO\n",
		   &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK_EQ_INT(err.line, 3);
	CHECK(err.column > 14);
	rule_set_free(rs);
}

TEST(bad_yaml_and_bad_shapes)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs = load1("this : is : not : yaml\n", &rc, &err);

	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK_EQ_INT(err.line, 1);
	CHECK_EQ_INT(err.column, 11);
	CHECK(strncmp(err.msg, "t1.yaml:1:11: ", 14) == 0);
	rule_set_free(rs);

	rs = load1("- rule: r\n  desc: [unclosed\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(err.line >= 2);
	rule_set_free(rs);

	rs = load1("foo: bar\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "not a YAML list") != NULL);
	rule_set_free(rs);

	rs = load1("- foo\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "t1.yaml:1:3:") != NULL);
	rule_set_free(rs);

	rs = load1("- rule:\n  desc: d\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "mapping for key 'rule' is empty") != NULL);
	rule_set_free(rs);

	rs = load1("- rule: r\n  desc: d\n  condition: evt.type=open\n  priority: INFO\n", &rc,
		   &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "no mapping for key 'output'") != NULL);
	rule_set_free(rs);

	rs = load1("- rule: r\n  desc: d\n  condition: evt.type=open\n  output: o\n"
		   "  priority: LOUD\n",
		   &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "t1.yaml:5:13: invalid priority 'LOUD'") != NULL);
	rule_set_free(rs);

	/* empty files and empty documents are fine */
	rs = load1("", &rc, &err);
	CHECK_EQ_INT(rc, 0);
	rule_set_free(rs);
	rs = load1("---\n---\n" RULE("r", "evt.type=open") "---\n" RULE("s", "evt.type=open"), &rc,
		   &err);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(rule_set_count(rs), 2);
	rule_set_free(rs);
}

TEST(unknown_keys_items_and_sources_warn)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs = load1(
	    RULE("r", "evt.type=open") "  colour: blue\n"
				       "- something_else: 1\n"
				       "- rule: audit\n  desc: d\n  condition: ka.verb=create\n"
				       "  output: o\n  priority: INFO\n  source: k8s_audit\n",
	    &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK(has_warning(rs, RW_UNKNOWN_KEY, "t1.yaml:6:3: warning: unknown key 'colour'"));
	CHECK(has_warning(rs, RW_UNKNOWN_ITEM, "something_else"));
	CHECK(has_warning(rs, RW_UNKNOWN_SOURCE, "'audit'"));
	CHECK_EQ_INT(rule_set_count(rs), 1);
	CHECK(rule_set_find(rs, "audit") == NULL);
	rule_set_free(rs);
}

TEST(evttype_warning)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs = load1(
	    RULE("wide", "proc.name = x") RULE("narrow",
					       "evt.type in (open, openat) and proc.name = x")
		RULE("negated", "evt.type != execve") "- rule: quiet\n  desc: d\n  condition: "
						      "proc.name=y\n  output: o\n"
						      "  priority: INFO\n  warn_evttypes: false\n",
	    &rc, &err);
	uint8_t set[32];

	CHECK_EQ_INT(rc, 0);
	CHECK(has_warning(rs, RW_NO_EVTTYPE, "'wide'"));
	CHECK(has_warning(rs, RW_NO_EVTTYPE, "'negated'"));
	CHECK(!has_warning(rs, RW_NO_EVTTYPE, "'narrow'"));
	CHECK(!has_warning(rs, RW_NO_EVTTYPE, "'quiet'"));
	/* narrow rules are indexed only under their types */
	if (rule_set_find(rs, "narrow")) {
		rule_types(rule_set_find(rs, "narrow"), set);
		CHECK((set[EVT_OPENAT / 8] >> (EVT_OPENAT % 8)) & 1);
		CHECK(!((set[EVT_EXECVE / 8] >> (EVT_EXECVE % 8)) & 1));
	}
	/* wide rules skip the recorder's meta records */
	if (rule_set_find(rs, "wide")) {
		rule_types(rule_set_find(rs, "wide"), set);
		CHECK((set[EVT_EXECVE / 8] >> (EVT_EXECVE % 8)) & 1);
		CHECK(!((set[EVT_PROCINFO / 8] >> (EVT_PROCINFO % 8)) & 1));
	}
	rule_set_free(rs);
}

TEST(skip_if_unknown_filter)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs =
	    load1("- rule: skip me\n  desc: d\n  condition: evt.type=open and "
		  "proc.nobody=cat\n  output: o\n  priority: INFO\n"
		  "  skip-if-unknown-filter: true\n" RULE("kept", "evt.type=open"),
		  &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(rule_set_count(rs), 1);
	CHECK(has_warning(rs, RW_UNKNOWN_FILTER, "'skip me'"));
	rule_set_free(rs);

	rs = load1(RULE("strict", "evt.type=open and proc.nobody=cat"), &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "proc.nobody") != NULL);
	CHECK_EQ_INT(err.line, 3);
	rule_set_free(rs);
}

TEST(enabled_flags)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs =
	    load1(RULE("a", "evt.type=open") "- rule: a\n  enabled: false\n" RULE(
		      "b", "evt.type=open") "  enabled: false\n"
					    "- rule: b\n  enabled: true\n" RULE(
						"c", "evt.type=open") "  enabled: false\n",
		  &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(rule_set_count(rs), 1);
	CHECK(rule_set_find(rs, "a") && !rule_enabled(rule_set_find(rs, "a")));
	CHECK(rule_set_find(rs, "b") && rule_enabled(rule_set_find(rs, "b")));
	CHECK(rule_set_find(rs, "c") && !rule_enabled(rule_set_find(rs, "c")));
	rule_set_free(rs);

	rs = load1("- rule: nothere\n  enabled: true\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	rule_set_free(rs);

	rs = load1(RULE("a", "evt.type=open") "  enabled: maybe\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "'enabled' must be true or false") != NULL);
	rule_set_free(rs);
}

TEST(rule_set_enable_by_substring)
{
	struct rule_set *rs = rule_set_new();
	struct sr_err err;

	CHECK_EQ_INT(rule_set_load_string(rs, "t",
					  RULE("open_from_cat", "evt.type=open")
					      RULE("open_from_dog", "evt.type=open")
						  RULE("exec_x", "evt.type=execve"),
					  &err),
		     0);
	CHECK_EQ_INT(rule_set_enable(rs, "open_from", 0), 2);
	CHECK_EQ_INT(rule_set_finalize(rs, &err), 0);
	CHECK_EQ_INT(rule_set_count(rs), 1);
	rule_set_free(rs);
}

TEST(priority_and_tag_selection)
{
	static const char *yaml =
	    "- rule: crit\n  desc: d\n  condition: evt.type=open\n  output: o\n"
	    "  priority: CRITICAL\n  tags: [a, b]\n"
	    "- rule: warn\n  desc: d\n  condition: evt.type=open\n  output: o\n"
	    "  priority: WARNING\n  tags: [b]\n"
	    "- rule: dbg\n  desc: d\n  condition: evt.type=open\n  output: o\n"
	    "  priority: DEBUG\n";
	struct rule_set *rs = rule_set_new();
	struct sr_err err;

	rule_set_min_priority(rs, RP_WARNING);
	CHECK_EQ_INT(rule_set_load_string(rs, "t", yaml, &err), 0);
	CHECK_EQ_INT(rule_set_finalize(rs, &err), 0);
	CHECK_EQ_INT(rule_set_count(rs), 2);
	rule_set_free(rs);

	rs = rule_set_new();
	rule_set_tags(rs, "a,zzz");
	CHECK_EQ_INT(rule_set_load_string(rs, "t", yaml, &err), 0);
	CHECK_EQ_INT(rule_set_finalize(rs, &err), 0);
	CHECK_EQ_INT(rule_set_count(rs), 1);
	rule_set_free(rs);

	rs = rule_set_new();
	rule_set_tags(rs, "b");
	rule_set_min_priority(rs, RP_CRITICAL);
	CHECK_EQ_INT(rule_set_load_string(rs, "t", yaml, &err), 0);
	CHECK_EQ_INT(rule_set_finalize(rs, &err), 0);
	CHECK_EQ_INT(rule_set_count(rs), 1);
	rule_set_free(rs);
}

TEST(engine_versions)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs;

	rs = load1("- required_engine_version: 2\n- required_engine_version: 0.31.0\n"
		   "- required_engine_version: " RULE_ENGINE_VERSION "\n"
		   "- required_plugin_versions:\n    - name: container\n      version: 0.4.0\n",
		   &rc, &err);
	CHECK_EQ_INT(rc, 0);
	rule_set_free(rs);
	rs = load1("- required_engine_version: 0.99.0\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "rules require engine version 0.99.0") != NULL);
	rule_set_free(rs);
	rs = load1("- required_engine_version: 9999999\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	rule_set_free(rs);
	rs = load1("- required_engine_version: not-a-number\n", &rc, &err);
	CHECK_EQ_INT(rc, SR_ESYNTAX);
	CHECK(strstr(err.msg, "not a version number") != NULL);
	rule_set_free(rs);
}

TEST(exceptions_build_conditions)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs = load1(
	    "- list: cat_cmdlines\n  items: [cat /dev/zero, \"cat /dev/null\"]\n"
	    "- rule: r\n  desc: d\n  condition: evt.type=open and proc.name=cat\n"
	    "  output: o\n  priority: WARNING\n"
	    "  exceptions:\n"
	    "    - name: by_name\n      fields: [proc.name]\n" /* no values */
	    "    - name: pair\n      fields: [proc.name, proc.cmdline]\n"
	    "      comps: [=, in]\n"
	    "      values:\n"
	    "        - [cat, (cat_cmdlines)]\n"
	    "        - [dog, cat_cmdlines]\n"
	    "        - [cow, [a b, c]]\n"
	    "    - name: single\n      fields: fd.name\n      values: [/dev/null, cat_cmdlines]\n"
	    "    - name: sw\n      fields: [fd.name]\n      comps: [startswith]\n"
	    "      values:\n        - ['\"/tmp/x y\"']\n"
	    "- rule: r\n  append: true\n  exceptions:\n"
	    "    - name: single\n      values: [/dev/zero]\n"
	    "    - name: added\n      fields: proc.pname\n      comps: pmatch\n"
	    "      values: [/usr]\n",
	    &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK(cond_is(
	    rs, "r",
	    "((((evt.type=open and proc.name=cat) and not "
	    "((proc.name = cat and proc.cmdline in (\"cat /dev/zero\", \"cat /dev/null\")) or "
	    "(proc.name = dog and proc.cmdline in (\"cat /dev/zero\", \"cat /dev/null\")) or "
	    "(proc.name = cow and proc.cmdline in (\"a b\", c))))"
	    " and not fd.name in (/dev/null, \"cat /dev/zero\", \"cat /dev/null\", /dev/zero))"
	    " and not fd.name startswith \"/tmp/x y\")"
	    " and not proc.pname pmatch (/usr)"));
	rule_set_free(rs);
}

TEST(exception_errors)
{
	static const char *head = "- rule: r\n  desc: d\n  condition: evt.type=open\n  output: o\n"
				  "  priority: INFO\n  exceptions:\n";
	static const struct {
		const char *body, *msg;
	} cases[] = {
	    {"    - fields: [proc.name]\n", "has no mapping for key 'name'"},
	    {"    - name: ex1\n", "has no mapping for key 'fields'"},
	    {"    - name: ex1\n      fields: [proc.name, fd.name]\n      comps: [=]\n",
	     "fields and comps lists must have equal length"},
	    {"    - name: ex1\n      fields: [proc.name]\n      comps: [no-comp]\n",
	     "'no-comp' is not a supported comparison operator"},
	    {"    - name: ex1\n      fields: [not.exist]\n",
	     "'not.exist' is not a supported filter field"},
	    {"    - name: ex1\n      fields: [proc.name, fd.name]\n      values:\n"
	     "        - [cat]\n",
	     "fields and values lists must have equal length"},
	    {"    - name: ex1\n      fields: proc.name\n      values:\n        - [a, b]\n",
	     "its values must be strings"},
	    {"    - name: ex1\n      fields: [proc.name]\n    - name: ex1\n      fields: "
	     "[fd.name]\n",
	     "defined twice"},
	};
	char yaml[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sr_err err;
		int rc;
		struct rule_set *rs;

		snprintf(yaml, sizeof(yaml), "%s%s", head, cases[i].body);
		rs = load1(yaml, &rc, &err);
		CHECK_EQ_INT(rc, SR_ESYNTAX);
		if (!strstr(err.msg, cases[i].msg))
			TAP_FAIL("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
		CHECK(err.line >= 7);
		rule_set_free(rs);
	}
	/* appends: new exception without fields; values for a known one
	 * with a width mismatch; fields on an existing exception */
	{
		static const char *apps[] = {
		    "- rule: r\n  append: true\n  exceptions:\n    - name: ex2\n"
		    "      values: [[a]]\n",
		    "- rule: r\n  append: true\n  exceptions:\n    - name: ex1\n"
		    "      values: [[a]]\n",
		    "- rule: r\n  append: true\n  exceptions:\n    - name: ex1\n"
		    "      fields: [fd.name]\n",
		};
		static const char *msgs[] = {
		    "must have fields property",
		    "fields and values lists must have equal length",
		    "an append may only add values",
		};
		for (size_t i = 0; i < 3; i++) {
			struct sr_err err;
			int rc;
			struct rule_set *rs;

			snprintf(yaml, sizeof(yaml),
				 "%s    - name: ex1\n      fields: [proc.name, fd.name]\n%s", head,
				 apps[i]);
			rs = load1(yaml, &rc, &err);
			CHECK_EQ_INT(rc, SR_ESYNTAX);
			if (!strstr(err.msg, msgs[i]))
				TAP_FAIL("append case %zu: '%s' lacks '%s'", i, err.msg, msgs[i]);
			rule_set_free(rs);
		}
	}
}

TEST(redefinition_keeps_place_and_replaces)
{
	struct sr_err err;
	int rc;
	struct rule_set *rs = load1(
	    RULE("a", "evt.type=open")
		RULE("b", "evt.type=open") "- rule: a\n  desc: d2\n  condition: evt.type=connect\n"
					   "  output: o2\n  priority: ERROR\n  append: false\n",
	    &rc, &err);

	CHECK_EQ_INT(rc, 0);
	CHECK(cond_is(rs, "a", "evt.type=connect"));
	CHECK(rule_set_find(rs, "a") && rule_priority(rule_set_find(rs, "a")) == RP_ERROR);
	rule_set_free(rs);
}

TEST(load_file_directory_and_missing)
{
	char dir[] = "/tmp/test_rule_XXXXXX";
	char p[256];
	struct rule_set *rs;
	struct sr_err err;
	FILE *f;

	if (!mkdtemp(dir)) {
		SKIP("cannot create a temporary directory");
		return;
	}
	snprintf(p, sizeof(p), "%s/20-b.yaml", dir);
	f = fopen(p, "w");
	fputs("- rule: r\n  append: true\n  condition: and proc.name=b\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/10-a.yaml", dir);
	f = fopen(p, "w");
	fputs(RULE("r", "evt.type=open"), f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	f = fopen(p, "w");
	fputs("not rules", f);
	fclose(f);
	rs = rule_set_new();
	CHECK_EQ_INT(rule_set_load_file(rs, dir, &err), 0);
	CHECK_EQ_INT(rule_set_finalize(rs, &err), 0);
	CHECK(cond_is(rs, "r", "evt.type=open and proc.name=b"));
	rule_set_free(rs);

	rs = rule_set_new();
	snprintf(p, sizeof(p), "%s/none.yaml", dir);
	CHECK_EQ_INT(rule_set_load_file(rs, p, &err), SR_EIO);
	CHECK(strstr(err.msg, "none.yaml") != NULL);
	rule_set_free(rs);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	CHECK_EQ_INT(system(p), 0);
}
