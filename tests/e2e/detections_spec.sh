#!/bin/bash
# sysreplay test / rules / diff-rules on the recorded fixtures: the project's
# own expectations (tests/fixtures/detections.yaml, from expect.tsv and the
# golden alerts) pass; a wrong count, a missing rule and a bad spec give the
# documented output and exit codes; JUnit XML is read back by a parser
# (python3's xml.etree); --update rewrites counts and keeps comments;
# rules --validate lists every error; --coverage names the default rules no
# fixture exercises; diff-rules shows what a rules change removes.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay detections_spec
[ -f tests/fixtures/write_etc.sysrec ] || { skip detections_spec "fixtures not recorded"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
FX=$(pwd)/tests/fixtures
SPEC=tests/fixtures/detections.yaml

# ---- the project's own spec passes
"$R" test "$SPEC" >"$T/own.tap" 2>"$T/own.err"; rc=$?
ncases=$(grep -c '^ok ' "$T/own.tap")
plan=$(sed -n 's/^1\.\.//p' "$T/own.tap")
if [ $rc -eq 0 ] && [ "$ncases" -gt 30 ] && [ "$ncases" = "$plan" ] &&
	grep -q "^# $plan cases, $plan passed, 0 failed$" "$T/own.tap"; then
	pass detections_own_spec
else fail detections_own_spec "exit $rc, $ncases ok of plan $plan: $(grep -A3 '^not ok' "$T/own.tap" | head -8) $(head -3 "$T/own.err")"; fi

# every expect.tsv line is a case of the spec
miss=""
while IFS=$'\t' read -r fx rule; do
	[ -z "$fx" ] || [ "${fx:0:1}" = "#" ] && continue
	[ "$rule" = "-" ] && continue
	awk -v n="  - name: expect $fx" -v r="rule: $rule, at_least: 1" \
		'$0==n{c=1;next} /^  - name:/{c=0} c&&index($0,r){f=1} END{exit !f}' "$SPEC" ||
		miss="$miss [$fx: $rule]"
done <tests/fixtures/expect.tsv
[ -z "$miss" ] && pass detections_spec_covers_expect_tsv || fail detections_spec_covers_expect_tsv "$miss"

# ---- failures: a wrong count, a missing rule
# the number of the event the rule fires on, as events numbers it
FIRST=$("$R" events -n 1 -p '%evt.num' \
	-f 'fd.name=/etc/sysrec-fixture.conf and evt.is_open_write=true' "$FX/write_etc.sysrec")
cat >"$T/fail.yaml" <<YAML
cases:
  - name: wrong count
    capture: $FX/write_etc.sysrec
    expect:
      - {rule: Write below /etc, count: 7}
  - name: missing rule
    capture: $FX/write_etc.sysrec
    expect:
      - {rule: No such rule anywhere, at_least: 1}
  - name: right
    capture: $FX/write_etc.sysrec
    expect:
      - {rule: Write below /etc, count: 1}
      - {no_priority_at_least: critical}
  - name: priority
    capture: $FX/write_etc.sysrec
    expect:
      - {no_priority_at_least: error}
  - name: first alert
    capture: $FX/write_etc.sysrec
    expect:
      - {rule: Write below /etc, first_event: $((FIRST - 1)), first_time: +0s}
YAML
"$R" test --junit "$T/j.xml" "$T/fail.yaml" >"$T/fail.tap" 2>"$T/fail.err"; rc=$?
if [ $rc -eq 1 ] && grep -q '^not ok 1 - wrong count$' "$T/fail.tap" &&
	grep -q "^#   rule 'Write below /etc': expected 7 alerts, got 1$" "$T/fail.tap" &&
	grep -q '^not ok 2 - missing rule$' "$T/fail.tap" &&
	grep -q "^#   rule 'No such rule anywhere' is not loaded" "$T/fail.tap" &&
	grep -q '^ok 3 - right$' "$T/fail.tap" && grep -q '^not ok 4 - priority$' "$T/fail.tap" &&
	grep -q "alert of priority Error (>= Error): rule 'Write below /etc'" "$T/fail.tap" &&
	grep -q '^not ok 5 - first alert$' "$T/fail.tap" &&
	grep -q "^#   rule 'Write below /etc': first alert at event $FIRST, expected $((FIRST - 1))$" "$T/fail.tap" &&
	grep -q "^#   rule 'Write below /etc': first alert at 2026-11-29T15:18:06.636459782Z, expected 2026-" "$T/fail.tap" &&
	grep -q '^# 5 cases, 1 passed, 4 failed$' "$T/fail.tap"; then
	pass detections_failing_cases
else fail detections_failing_cases "exit $rc: $(cat "$T/fail.tap")"; fi
# four cases on one capture, and a second spec naming it another way: one read
printf 'cases:\n  - capture: %s/../fixtures/./write_etc.sysrec\n    expect: [{total: 1}]\n' "$FX" >"$T/other.yaml"
SYSREPLAY_DEBUG=1 "$R" test "$T/fail.yaml" "$T/other.yaml" >"$T/two.tap" 2>"$T/two.err"
n=$(grep -c 'debug: records read' "$T/two.err")
[ "$n" = 1 ] && grep -q '^ok 6 - ' "$T/two.tap" && pass detections_capture_read_once ||
	fail detections_capture_read_once "$n reads: $(cat "$T/two.tap")"

# ---- JUnit XML read back
if command -v python3 >/dev/null; then
	out=$(python3 - "$T/j.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
cases = fails = 0
for ts in root:
    assert ts.tag == "testsuite"
    n = f = 0
    for tc in ts:
        assert tc.tag == "testcase" and tc.get("name") and tc.get("classname")
        n += 1
        fl = tc.findall("failure")
        if fl:
            f += 1
            assert fl[0].get("message")
    assert int(ts.get("tests")) == n and int(ts.get("failures")) == f
    cases += n; fails += f
assert int(root.get("tests")) == cases and int(root.get("failures")) == fails
names = [tc.get("name") for tc in root.iter("testcase") if tc.find("failure") is not None]
print(cases, fails, ",".join(names))
PY
)
	[ "$out" = "5 4 wrong count,missing rule,priority,first alert" ] && pass detections_junit ||
		fail detections_junit "parser says: $out"
else skip detections_junit "no python3"; fi
if command -v xmllint >/dev/null; then
	xmllint --noout "$T/j.xml" 2>"$T/xmllint.err" && pass detections_junit_xmllint ||
		fail detections_junit_xmllint "$(head -3 "$T/xmllint.err")"
else skip detections_junit_xmllint "no xmllint (libxml2-utils)"; fi

# ---- JSON lines
"$R" test -j "$T/fail.yaml" >"$T/fail.json" 2>/dev/null
if command -v jq >/dev/null; then
	s=$(jq -r '[.case, .ok, (.failures|length)] | @tsv' "$T/fail.json" | tr '\t\n' ':;')
	[ "$s" = "wrong count:false:1;missing rule:false:1;right:true:0;priority:false:1;first alert:false:2;" ] &&
		pass detections_json || fail detections_json "$s"
else skip detections_json "no jq"; fi

# ---- bad specs: exit 2, FILE:LINE:COL and a caret; nothing run
printf 'cases:\n  - capture: %s/write_etc.sysrec\n    expect:\n      - rule: x\n        cuont: 3\n' "$FX" >"$T/bad1.yaml"
"$R" test "$T/bad1.yaml" >"$T/bad.out" 2>"$T/bad.err"; rc=$?
if [ $rc -eq 2 ] && [ ! -s "$T/bad.out" ] &&
	grep -q "^sysreplay: $T/bad1.yaml:5:9: unknown key 'cuont'" "$T/bad.err" &&
	sed -n 3p "$T/bad.err" | grep -qx '        ^'; then
	pass detections_bad_spec_key
else fail detections_bad_spec_key "exit $rc: $(cat "$T/bad.err")"; fi
printf 'cases:\n  - capture: nowhere.sysrec\n    expect: [{total: 0}]\n' >"$T/bad2.yaml"
"$R" test "$T/bad2.yaml" >/dev/null 2>"$T/bad.err"; rc=$?
[ $rc -eq 2 ] && grep -q "^sysreplay: $T/bad2.yaml:2:14: capture 'nowhere.sysrec'" "$T/bad.err" &&
	pass detections_bad_spec_capture || fail detections_bad_spec_capture "exit $rc: $(cat "$T/bad.err")"
printf 'cases:\n  - capture: %s/write_etc.sysrec\n    filter: evt.type = = open\n    expect: [{total: 0}]\n' "$FX" >"$T/bad3.yaml"
"$R" test "$T/bad3.yaml" >/dev/null 2>"$T/bad.err"; rc=$?
[ $rc -eq 2 ] && grep -q "^sysreplay: $T/bad3.yaml:3:13: bad filter" "$T/bad.err" && grep -q '\^' "$T/bad.err" &&
	pass detections_bad_spec_filter || fail detections_bad_spec_filter "exit $rc: $(cat "$T/bad.err")"
printf 'cases:\n  - capture: [x\n' >"$T/bad4.yaml"
"$R" test "$T/bad4.yaml" >/dev/null 2>"$T/bad.err"; rc=$?
[ $rc -eq 2 ] && grep -q "^sysreplay: $T/bad4.yaml:[0-9]*:[0-9]*: " "$T/bad.err" &&
	pass detections_bad_spec_yaml || fail detections_bad_spec_yaml "exit $rc: $(cat "$T/bad.err")"

# spec errors by table: YAML body | expected "LINE:COL: message" start
while IFS='|' read -r body want; do
	printf "$body" "$FX" >"$T/tab.yaml"
	"$R" test "$T/tab.yaml" >/dev/null 2>"$T/tab.err"; rc=$?
	if [ $rc -eq 2 ] && head -1 "$T/tab.err" | grep -qF "tab.yaml:$want"; then
		pass "detections_bad_spec:${want%%:*}:${want#*: }"
	else fail "detections_bad_spec:$want" "exit $rc: $(head -1 "$T/tab.err")"; fi
done <<'TAB'
cases:\n  - capture: %s/w.sysrec\n    expect:\n      - {rule: x, never: false}\n|4:26: never: false says nothing
cases:\n  - capture: %s/w.sysrec\n    expect:\n      - {rule: x, count: -1}\n|4:26: count must be a whole number, not '-1'
cases:\n  - capture: %s/w.sysrec\n    expect:\n      - {rule: x}\n|4:9: 'rule' given but nothing to check about it
cases:\n  - capture: %s/w.sysrec\n    expect:\n      - {count: 1}\n|4:9: count, at_least, never, first_event and first_time need 'rule'
cases:\n  - capture: %s/w.sysrec\n    expect:\n      - {no_priority_at_least: loud}\n|4:32: unknown priority 'loud'
cases:\n  - capture: %s/w.sysrec\n    since: yesterday\n    expect: [{total: 0}]\n|3:12: since:
cases:\n  - capture: %s/w.sysrec\n|2:5: case has no 'expect' list
cases: []\n|1:1: spec has no cases
just text\n|1:1: a spec is a mapping with 'cases:' or a list of cases
TAB
# a capture that cannot be read: its cases fail, exit 2
printf 'cases:\n  - capture: tab.yaml\n    expect: [{total: 0}]\n' >"$T/unread.yaml"
"$R" test "$T/unread.yaml" >"$T/unread.tap" 2>"$T/unread.err"; rc=$?
[ $rc -eq 2 ] && grep -q '^not ok 1 - tab.yaml$' "$T/unread.tap" &&
	grep -q '^#   cannot read the capture: ' "$T/unread.tap" &&
	pass detections_unreadable_capture || fail detections_unreadable_capture "exit $rc: $(cat "$T/unread.tap" "$T/unread.err")"

# ---- --update: counts rewritten in place, comments kept, never: reported
sed "s|capture: |capture: $FX/|" "$SPEC" >"$T/upd.yaml"
sed -i 's/{rule: Write below \/etc, count: 1}/{rule: Write below \/etc, count: 9}  # was wrong/' "$T/upd.yaml"
sed -i '0,/- total: 2$/s//- total: 11/' "$T/upd.yaml"
cat >>"$T/upd.yaml" <<YAML
  - name: never that fires
    capture: $FX/write_etc.sysrec
    expect:
      - {rule: Write below /etc, never: true}
YAML
"$R" test --update "$T/upd.yaml" >/dev/null 2>"$T/upd.err"; rc=$?
# Against the spec, the updated file differs only by the comment added to the
# wrong line (the wrong total is back to its value) and the appended case.
head -n -4 "$T/upd.yaml" >"$T/upd2.yaml"
d=$(diff <(sed "s|capture: |capture: $FX/|" "$SPEC") "$T/upd2.yaml" | grep '^[<>]' | tr '\n' ';')
want="<       - {rule: Write below /etc, count: 1};>       - {rule: Write below /etc, count: 1}  # was wrong;"
if [ $rc -eq 0 ] && [ "$d" = "$want" ] && grep -q '# Refresh the counts' "$T/upd.yaml" &&
	tail -1 "$T/upd.yaml" | grep -q 'never: true' &&
	grep -q "upd.yaml:[0-9]*:[0-9]*: not updated: 'never' but the rule fired 1 times" "$T/upd.err" &&
	grep -q ': 2 numbers updated, 1 left as written' "$T/upd.err"; then
	pass detections_update
else fail detections_update "exit $rc; diff: $d; $(cat "$T/upd.err")"; fi
"$R" test "$T/upd2.yaml" >/dev/null 2>&1 && pass detections_update_passes ||
	fail detections_update_passes "the updated spec still fails"

# a glob case whose captures give different counts cannot take one number
printf 'cases:\n  - capture: %s/w*.sysrec\n    expect:\n      - {rule: Write below /etc, count: 5}\n' "$FX" >"$T/glob.yaml"
cp "$T/glob.yaml" "$T/glob.orig"
"$R" test --update "$T/glob.yaml" >"$T/glob.tap" 2>"$T/glob.err"
if cmp -s "$T/glob.yaml" "$T/glob.orig" && [ "$(grep -c '^not ok' "$T/glob.tap")" -ge 2 ] &&
	grep -q "glob.yaml:4:41: not updated: the captures of this case give different counts" "$T/glob.err"; then
	pass detections_update_glob_conflict
else fail detections_update_glob_conflict "$(cat "$T/glob.tap" "$T/glob.err")"; fi

# ---- rules --list: file:line of each rule is its definition
"$R" rules -L >"$T/list" 2>"$T/list.err"; rc=$?
bad=""
n=0
while IFS=$'\t' read -r head name tags; do
	loc=${head##* }
	f=${loc%:*}; l=${loc##*:}
	n=$((n + 1))
	sed -n "${l}p" "$f" | grep -qF -- "- rule: $name" || bad="$bad [$name at $loc]"
done < <(tail -n +2 "$T/list")
[ $rc -eq 0 ] && [ $n -ge 15 ] && [ -z "$bad" ] && grep -q "^$n rules, $n enabled" "$T/list.err" &&
	pass detections_rules_list || fail detections_rules_list "exit $rc, $n rules:$bad"

# ---- rules --validate: every error, not the first
cat >"$T/bad_rules.yaml" <<'YAML'
- macro: m1
  condition: evt.type = open and
- rule: r1
  desc: x
  condition: evt.type = openat and proc.nme = x
  output: "%proc.name"
  priority: WARNING
- rule: r2
  desc: x
  condition: evt.type = openat
  output: "%proc.name"
  priority: NOPE
- rule: r4
  desc: ok
  condition: evt.type = openat
  output: "%proc.name"
  priority: INFO
YAML
"$R" rules --validate "$T/bad_rules.yaml" >"$T/v.out" 2>"$T/v.err"; rc=$?
if [ $rc -eq 2 ] && grep -q "bad_rules.yaml: Invalid" "$T/v.out" &&
	grep -q "bad_rules.yaml:12:13: invalid priority 'NOPE'" "$T/v.err" &&
	grep -q "bad_rules.yaml:2:33: macro 'm1'" "$T/v.err" &&
	grep -q "bad_rules.yaml:5:36: rule 'r1': unknown field 'proc.nme'" "$T/v.err" &&
	[ "$(grep -c '^ *\^$' "$T/v.err")" -eq 3 ] && grep -q '^3 errors' "$T/v.err"; then
	pass detections_rules_validate_all_errors
else fail detections_rules_validate_all_errors "exit $rc: $(cat "$T/v.out" "$T/v.err")"; fi
"$R" rules -V rules/default/*.yaml >"$T/v.out" 2>&1 && [ "$(grep -c ': Ok$' "$T/v.out")" -ge 2 ] &&
	pass detections_rules_validate_ok || fail detections_rules_validate_ok "$(cat "$T/v.out")"

# ---- rules --coverage over the fixtures: the never-fired rules are exactly
# the default rules that no fixture fires (with alerts --all)
"$R" rules --coverage tests/fixtures >"$T/cov" 2>/dev/null; rc=$?
for f in tests/fixtures/*.sysrec; do "$R" alerts --all -j "$f" 2>/dev/null; done |
	grep -o '"rule":"[^"]*"' | sed 's/"rule":"//; s/"$//' | sort -u >"$T/fired"
cut -f2 <(tail -n +2 "$T/list") | sort -u >"$T/all"
comm -23 "$T/all" "$T/fired" >"$T/never_want"
sed -n '/^Rules that never fired/,/^Fields/p' "$T/cov" | sed -n 's/^  //p' | sort >"$T/never_got"
if [ $rc -eq 0 ] && cmp -s "$T/never_want" "$T/never_got" &&
	grep -q "^Rules that never fired ($(wc -l <"$T/never_want")):" "$T/cov" &&
	grep -q '^  Write below /etc: write_etc.sysrec (1)$' "$T/cov"; then
	pass "detections_coverage (never fired: $(tr '\n' ';' <"$T/never_got"))"
else fail detections_coverage "exit $rc; want: $(cat "$T/never_want"); got: $(cat "$T/cov")"; fi

# ---- diff-rules: a narrowed condition removes the alert it no longer matches
cat rules/default/*.yaml >"$T/old.yaml"
sed 's|sysrec_open_write and fd.name startswith /etc/|sysrec_open_write and fd.name startswith /etcX/|' "$T/old.yaml" >"$T/new.yaml"
"$R" diff-rules "$T/old.yaml" "$T/new.yaml" tests/fixtures >"$T/diff" 2>"$T/diff.err"; rc=$?
if [ $rc -eq 1 ] && [ "$(head -1 "$T/diff")" = "rule 'Write below /etc': +0 -1" ] &&
	grep -q '^  - tests/fixtures/write_etc.sysrec #[0-9]*: .*File below /etc opened for writing' "$T/diff" &&
	[ "$(wc -l <"$T/diff")" -eq 2 ]; then
	pass detections_diff_rules
else fail detections_diff_rules "exit $rc: $(cat "$T/diff" "$T/diff.err")"; fi
"$R" diff-rules "$T/old.yaml" "$T/old.yaml" tests/fixtures >"$T/diff" 2>/dev/null; rc=$?
[ $rc -eq 0 ] && [ ! -s "$T/diff" ] && pass detections_diff_rules_same || fail detections_diff_rules_same "exit $rc"
