#!/bin/bash
# Every syscall type the schema decodes (format/evt_schema.def) is recorded
# by the probe when the workload makes it (workload --every), and every
# record matches its type's parameter count (the recorder counts any other
# as a malformed record, and says so).
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_every_type "$why"; exit 0; }
[ -x "$TOOLS/workload" ] || { skip record_every_type "$TOOLS/workload not built"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

"$BIN/sysrec" -w "$T/e.sysrec" -- "$TOOLS/workload" --every "$T" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -ne 0 ]; then fail record_every_type_run "exit $rc: $(tail -2 "$T/err" | tr '\n' ' ')"; exit 0; fi
if grep -q malformed "$T/err"; then fail record_every_type_nparams "$(grep malformed "$T/err")"
else pass record_every_type_nparams; fi

# the decoded syscall types, from the schema (not scheduler, meta or action
# records, not the generic one)
"$TOOLS/workload" --types | sort -u >"$T/want"
"$BIN/sysreplay" events -p '%evt.type' "$T/e.sysrec" | sort -u >"$T/got"
missing=$(comm -23 "$T/want" "$T/got" | tr '\n' ' ')
n=$(wc -l <"$T/want")
if [ "$n" -lt 80 ]; then fail record_every_type_all "only $n decoded types found in the schema"
elif [ -n "$missing" ]; then fail record_every_type_all "not recorded: $missing"
else pass record_every_type_all; fi
