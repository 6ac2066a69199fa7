#!/bin/bash
# Records of syscalls without a decoder (type "syscall" in the schema) are
# named after the syscall in every output: events -j, stats, -p %evt.type,
# and evt.type=NAME selects them (format/evt_sysnr.def is the one table).
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_sysnames
F=tests/fixtures/benign.sysrec
[ -f "$F" ] || { skip replay_sysnames "no $F"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# the fixture has generic records of newfstatat (262) and rt_sigaction (13)
n=$("$R" events -c -f 'evt.type=newfstatat' "$F")
if [ "${n:-0}" -gt 0 ]; then pass filter_by_name; else fail filter_by_name "no newfstatat event ($n)"; fi

"$R" events -j -f 'evt.type=newfstatat' "$F" >"$T/j" || fail json "exit $?"
if [ -s "$T/j" ] && ! grep -qv '"type":"newfstatat"' "$T/j"; then pass json_type_named
else fail json_type_named "$(grep -v '"type":"newfstatat"' "$T/j" | head -1 | cut -c1-160)"; fi
if "$R" events -j "$F" | grep -q '"type":"syscall"'; then
	fail json_no_generic "a record of a known syscall is typed \"syscall\""
else pass json_no_generic; fi

"$R" events -p '%evt.type' "$F" >"$T/p"
if grep -qx newfstatat "$T/p" && ! grep -qx syscall "$T/p"; then pass format_type_named
else fail format_type_named "evt.type printed as syscall"; fi

"$R" stats "$F" >"$T/s"
js=$(grep -c '"type":"newfstatat"' "$T/j")
if grep -qE "^  newfstatat +$js " "$T/s" && ! grep -qE '^  syscall ' "$T/s"; then pass stats_type_named
else fail stats_type_named "$(sed -n '/by type/,/^$/p' "$T/s" | head -4 | tr '\n' '|')"; fi
