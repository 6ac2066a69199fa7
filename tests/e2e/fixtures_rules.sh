#!/bin/bash
# Each default rule fires on the recorded fixture of the behaviour it targets
# (tests/fixtures/expect.tsv), and the benign fixture raises no alert at all.
# Fixtures are real sysrec recordings (tests/fixtures/regenerate.sh).
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
while IFS=$'\t' read -r fx rule; do
	[ -z "$fx" ] || [ "${fx:0:1}" = "#" ] && continue
	f="tests/fixtures/$fx.sysrec"
	name="fixture_${fx}:${rule// /_}"
	if [ ! -f "$f" ]; then
		skip "$name" "$f missing (tests/fixtures/regenerate.sh records it)"
		continue
	fi
	[ -f "$T/$fx.json" ] || "$R" alerts --all -j "$f" >"$T/$fx.json" 2>"$T/$fx.err"
	rc=$?
	if [ "$rule" = "-" ]; then
		n=$(grep -c '"rule"' "$T/$fx.json")
		if [ "$n" -eq 0 ]; then pass "$name"
		else fail "$name" "$n alerts on benign activity: $(grep -o '"rule":"[^"]*"' "$T/$fx.json" | sort | uniq -c | tr '\n' ' ')"; fi
	elif grep -qF "\"rule\":\"$rule\"" "$T/$fx.json"; then
		pass "$name"
	else
		fail "$name" "rule did not fire (exit $rc; fired: $(grep -o '"rule":"[^"]*"' "$T/$fx.json" | sort -u | tr '\n' ' '))"
	fi
done <tests/fixtures/expect.tsv
