#!/bin/bash
# Every line `sysreplay events -j` (also with -p), `alerts -j`, `stats -j`,
# `verify -j` and `info -j` print is one valid JSON object, whatever bytes
# the capture holds: the fixtures (sysrec, recorded here), a synthetic
# capture, and the public .scap captures when present.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_json_valid
command -v python3 >/dev/null || { skip replay_json_valid "no python3 to parse JSON"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# Reads JSON lines on stdin; prints "<lines> <first bad line or 0>".
cat >"$T/check.py" <<'PY'
import json, sys
n = bad = 0
for raw in sys.stdin.buffer:
    n += 1
    try:
        o = json.loads(raw.decode("utf-8"))
        if not isinstance(o, dict):
            raise ValueError("not an object")
    except Exception:
        bad = bad or n
print(n, bad)
PY

check() { # name command...
	local name=$1 n bad
	shift
	read -r n bad < <("$@" 2>/dev/null | python3 "$T/check.py")
	if [ "${n:-0}" -eq 0 ]; then skip "$name" "the capture holds no events"
	elif [ "$bad" != 0 ]; then fail "$name" "line $bad of $n is not one JSON object"
	else pass "$name"; fi
}

caps=()
for f in tests/fixtures/*.sysrec; do caps+=("$f"); done
if [ -x "$GEN" ] && "$GEN" -o "$T/gen.sysrec" -n 20000 --seed 11 >/dev/null 2>&1; then
	caps+=("$T/gen.sysrec")
fi
if [ -d "$REF/scap" ]; then
	for f in "$REF"/scap/*.scap; do caps+=("$f"); done
else
	skip json_scap "no reference captures at $REF/scap"
fi

for f in "${caps[@]}"; do
	b=$(basename "$f")
	check "events_json/$b" "$R" events -j "$f"
	check "events_json_format/$b" "$R" events -j -p '%proc.name %proc.cmdline %fd.name %evt.args' "$f"
	check "stats_json/$b" "$R" stats -j "$f"
	check "verify_json/$b" "$R" verify -j "$f"
done
# Alerts: only captures where the default rules fire (empty output is fine
# elsewhere and says nothing about JSON).
for f in "${caps[@]}"; do
	b=$(basename "$f")
	if [ -n "$("$R" alerts -j "$f" 2>/dev/null | head -1)" ]; then
		check "alerts_json/$b" "$R" alerts -j "$f"
	fi
done
# info -j: the file name (and header text) may hold bytes that are not UTF-8.
odd="$T/cap-$(printf '\xff\xfe')-name.sysrec"
if cp tests/fixtures/benign.sysrec "$odd" 2>/dev/null; then
	check "info_json/odd_file_name" "$R" info -j "$odd"
else
	skip "info_json/odd_file_name" "this file system refuses such a name"
fi
