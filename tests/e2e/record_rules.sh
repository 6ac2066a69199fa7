#!/bin/bash
# Live rules (-r): the alert printed while recording is the one
# `sysreplay alerts` gives on the file written at the same time.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_rules "$why"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/r.yaml" <<'YAML'
- rule: Marker File Opened
  desc: a file whose name holds the test's marker was opened
  condition: evt.type in (open, openat) and fd.name contains "rulemark"
  output: "marker opened (file=%fd.name proc=%proc.name cmdline=%proc.cmdline)"
  priority: WARNING
YAML
touch "$tmp/rulemark-$$"
"$BIN/sysrec" -q -r "$tmp/r.yaml" -w "$tmp/r.sysrec" -- cat "$tmp/rulemark-$$" >"$tmp/live" 2>"$tmp/err"
rc=$?
live=$(grep 'marker opened' "$tmp/live")
replay=$("$BIN/sysreplay" alerts -r "$tmp/r.yaml" "$tmp/r.sysrec" 2>/dev/null | grep 'marker opened')
if [ "$rc" -ne 0 ]; then
	fail record_rules_live "exit $rc: $(cat "$tmp/err")"
elif [ "$(echo "$live" | grep -c .)" -ne 1 ] || ! echo "$live" | grep -q "file=$tmp/rulemark-$$ proc=cat"; then
	fail record_rules_live "live alerts: '$live'"
elif [ "$live" != "$replay" ]; then
	fail record_rules_live "live '$live' != replay '$replay'"
else
	pass record_rules_live
fi
# a broken rules file: one line, exit 2, before anything is recorded
echo "- rule: [" >"$tmp/bad.yaml"
err=$("$BIN/sysrec" -q -r "$tmp/bad.yaml" -w "$tmp/b.sysrec" -M 1 2>&1)
rc=$?
[ "$rc" -eq 2 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] && pass record_rules_bad_file ||
	fail record_rules_bad_file "exit $rc: $err"
