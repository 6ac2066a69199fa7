/* Validation mode of the rules loader (sysreplay rules --validate): every
 * error is kept and loading goes on; without it the first error stops. Also
 * the accessors that list rules and the fields they read. */
#include "tests/tap.h"
#include "rules/rule.h"

static const char three_errors[] = "- macro: m1\n"
				   "  condition: evt.type = open and\n"
				   "- rule: r1\n"
				   "  desc: x\n"
				   "  condition: evt.type = openat and proc.nme = x\n"
				   "  output: \"%proc.name\"\n"
				   "  priority: WARNING\n"
				   "- rule: r2\n"
				   "  desc: x\n"
				   "  condition: evt.type = openat\n"
				   "  output: \"%proc.name\"\n"
				   "  priority: NOPE\n"
				   "- rule: good\n"
				   "  desc: ok\n"
				   "  condition: evt.type = openat and fd.name startswith /etc\n"
				   "  output: \"%proc.name %fd.name %proc.name\"\n"
				   "  priority: INFO\n"
				   "  tags: [a, b]\n";

TEST(collect_keeps_every_error)
{
	struct rule_set *rs = rule_set_new();
	const char *const *errs;
	struct sr_err err;
	size_t n;

	rule_set_collect_errors(rs, 1);
	CHECK(rule_set_load_string(rs, "v.yaml", three_errors, &err) == SR_ESYNTAX);
	CHECK(rule_set_finalize(rs, &err) == SR_ESYNTAX);
	n = rule_set_errors(rs, &errs);
	CHECK_EQ_INT(n, 3);
	if (n == 3) {
		CHECK(strstr(errs[0], "v.yaml:12:13: invalid priority 'NOPE'\n  priority: NOPE\n"));
		CHECK(strstr(errs[1], "v.yaml:2:33: macro 'm1'"));
		CHECK(strstr(errs[2], "v.yaml:5:36: rule 'r1': unknown field 'proc.nme'"));
		CHECK(strstr(errs[2], "\n                                   ^\n"));
	}
	/* what loaded is usable: the good rule compiled */
	CHECK(rule_set_find(rs, "good") != NULL);
	rule_set_free(rs);
}

TEST(without_collect_first_error_stops)
{
	struct rule_set *rs = rule_set_new();
	const char *const *errs;
	struct sr_err err;

	CHECK(rule_set_load_string(rs, "v.yaml", three_errors, &err) == SR_ESYNTAX);
	CHECK(strstr(err.msg, "invalid priority 'NOPE'"));
	CHECK_EQ_INT(rule_set_errors(rs, &errs), 0);
	rule_set_free(rs);
}

static void add_field(void *ctx, const char *f)
{
	char *buf = ctx;

	strcat(buf, f);
	strcat(buf, ";");
}

TEST(list_and_fields)
{
	struct rule_set *rs = rule_set_new();
	const struct rule *const *rules;
	struct sr_err err;
	char fields[256] = "";
	int line = 0;
	size_t n;

	CHECK_EQ_INT(rule_set_load_string(rs, "g.yaml", strstr(three_errors, "- rule: good"), &err),
		     0);
	CHECK_EQ_INT(rule_set_finalize(rs, &err), 0);
	n = rule_set_rules(rs, &rules);
	CHECK_EQ_INT(n, 1);
	if (n == 1) {
		CHECK_STR(rule_file(rs, rules[0], &line), "g.yaml");
		CHECK_EQ_INT(line, 1);
		CHECK(rule_active(rs, rules[0]));
		rule_fields(rules[0], add_field, fields);
		CHECK_STR(fields, "evt.type;fd.name;proc.name;");
	}
	rule_set_free(rs);
}
