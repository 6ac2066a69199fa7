/* rpl_usage_detect: help of the detection-testing commands (test, rules,
 * diff-rules); rpl_usage.c asks here first. */
#include <string.h>

#include "rpl.h"

static const char h_test[] =
    "NAME\n"
    "    sysreplay test - run detection tests (YAML specs) over captures\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay test [-j] [--junit FILE] [--update] SPEC...\n"
    "\n"
    "DESCRIPTION\n"
    "    Each SPEC lists cases: a capture (a path relative to the spec, .sysrec or\n"
    "    .scap, or a glob: one test per matching file), the rules files (or the\n"
    "    default set), an optional time window and filter, and expectations:\n"
    "\n"
    "        cases:\n"
    "          - name: writing /etc is caught\n"
    "            capture: captures/write_etc.sysrec\n"
    "            rules: [my_rules.yaml]          # optional; default rules otherwise\n"
    "            expect:\n"
    "              - {rule: Write below /etc, count: 1}\n"
    "              - {rule: Shell spawned by a server process, never: true}\n"
    "              - alert: {rule: Write below /etc,\n"
    "                        output_fields: {fd.name: /etc/sysrec-fixture.conf}}\n"
    "          - name: benign is quiet\n"
    "            capture: benign/*.sysrec\n"
    "            expect: [{no_priority_at_least: warning}]\n"
    "\n"
    "    Expectation keys: rule with count (exactly), at_least, never: true,\n"
    "    first_event (event number) or first_time (T); total (all alerts);\n"
    "    alert (rule, output substring, output_fields values): one alert matches;\n"
    "    no_priority_at_least P. Case keys: name, capture, rules, all (every\n"
    "    matching rule alerts, as alerts --all), since, until, filter, expect.\n"
    "    The full reference is docs/sysreplay-test.md.\n"
    "\n"
    "    Each capture is read once, however many cases and specs use it.\n"
    "\n"
    "OPTIONS\n"
    "    -j, --json       one JSON object per case (spec, case, capture, ok, events,\n"
    "                     alerts, failures) instead of TAP; the summary goes to stderr\n"
    "    --junit FILE     also write JUnit XML (testsuites, a testsuite per spec, a\n"
    "                     testcase per case, failure elements)\n"
    "    --update         rewrite the counts (count, total, a failing at_least) in\n"
    "                     each SPEC from this run, in place: comments, order and\n"
    "                     layout are kept; what cannot be rewritten (never: true\n"
    "                     of a rule that now fires, a glob whose captures disagree,\n"
    "                     alert/first_*/priority checks) is listed on stderr\n"
    "\n"
    "OUTPUT\n"
    "    TAP: \"1..N\", then \"ok I - NAME\" or \"not ok I - NAME\" followed by\n"
    "    \"#   \" lines naming the capture, the spec and each failed expectation,\n"
    "    then \"# N cases, P passed, F failed\".\n"
    "\n"
    "EXIT STATUS\n"
    "    0 every case passed (and after a successful --update), 1 a case failed,\n"
    "    2 a bad spec (FILE:LINE:COL, the line and a caret), rules file or filter,\n"
    "    a missing capture (nothing is run), or a capture that could not be read.\n";

static const char h_rules[] =
    "NAME\n"
    "    sysreplay rules - list, validate and measure the coverage of rules files\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay rules --list|-L [-j] [RULES.yaml...]\n"
    "    sysreplay rules --validate|-V [RULES.yaml...]\n"
    "    sysreplay rules --coverage DIR [RULES.yaml...]\n"
    "\n"
    "DESCRIPTION\n"
    "    RULES.yaml (or -r RULES.yaml) are loaded in order; none: the default set.\n"
    "\n"
    "    --list     every rule defined: priority, ON (yes: loaded, compiled and\n"
    "               selected to alert), FILE:LINE of its definition, name, tags;\n"
    "               -j gives JSON lines (rule, priority, enabled, file, line,\n"
    "               source, tags). A count goes to stderr.\n"
    "    --validate load and compile only (Falco's -V): every error is listed with\n"
    "               FILE:LINE:COL, the line and a caret, not only the first; the\n"
    "               loader goes on with the next list, macro or rule. Prints\n"
    "               \"FILE: Ok\" or \"FILE: Invalid\"; exit 0 or 2.\n"
    "    --coverage DIR\n"
    "               runs the rules (every matching rule, as alerts --all) over\n"
    "               each capture of DIR and prints which rules fired on which\n"
    "               captures (alert counts), the enabled rules that never fired,\n"
    "               and the fields the rules read that no event of any capture\n"
    "               fills (with the rules that read them).\n"
    "\n"
    "EXIT STATUS\n"
    "    0 success, 2 bad usage, a rules file that does not load, unreadable input.\n";

static const char h_diff_rules[] =
    "NAME\n"
    "    sysreplay diff-rules - alerts a rules change adds and removes\n"
    "\n"
    "SYNOPSIS\n"
    "    sysreplay diff-rules OLD.yaml NEW.yaml CAPTURE...\n"
    "\n"
    "DESCRIPTION\n"
    "    Runs both versions of a rules file over each CAPTURE (a file or a\n"
    "    directory of captures; each read once for both) and prints, grouped by\n"
    "    rule, \"rule 'NAME': +ADDED -REMOVED\" then one line per alert:\n"
    "    \"  + CAPTURE #EVENT: ALERT TEXT\" (or -). An alert is unchanged when its\n"
    "    rule, event and output text are the same in both; a changed output shows\n"
    "    as removed and added. A summary goes to stderr.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 no difference, 1 alerts differ, 2 bad input.\n";

const char *rpl_usage_detect(const char *cmd)
{
	if (!cmd)
		return NULL;
	if (!strcmp(cmd, "test"))
		return h_test;
	if (!strcmp(cmd, "rules"))
		return h_rules;
	if (!strcmp(cmd, "diff-rules"))
		return h_diff_rules;
	return NULL;
}
