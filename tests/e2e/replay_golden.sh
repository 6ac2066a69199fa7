#!/bin/bash
# Golden outputs: every case of tests/fixtures/golden/cases.txt over every
# golden input gives exactly the stored output (regenerate deliberately with
# tests/fixtures/update-golden.sh and review the diff).
cd "$(dirname "$0")/../.." || exit 2
BIN="${BIN:-bin}" OUT="${OUT:-.output}"
export TZ=UTC LC_ALL=C
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
skip() { echo "SKIP: $1: $2"; }
[ -x "$BIN/sysreplay" ] || { skip replay_golden "no $BIN/sysreplay (build with make)"; exit 0; }
. tests/fixtures/golden/inputs.sh
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
golden_inputs "$T" || { fail golden_inputs "could not make the synthetic capture"; exit 0; }
[ ${#GOLDEN_INPUTS[@]} -gt 0 ] || { skip replay_golden "no inputs (no gen_capture, no fixtures)"; exit 0; }
for input in "${GOLDEN_INPUTS[@]}"; do
	name=$(basename "$input"); name=${name%.*}
	while IFS=$'\t' read -r case args; do
		[ -z "$case" ] || [ "${case:0:1}" = "#" ] && continue
		g="tests/fixtures/golden/$name/$case.out"
		if [ ! -f "$g" ]; then
			skip "golden_${name}_$case" "no $g (run tests/fixtures/update-golden.sh)"
			continue
		fi
		golden_run "$input" "$args" >"$T/got"
		if cmp -s "$T/got" "$g"; then pass "golden_${name}_$case"
		else fail "golden_${name}_$case" "differs from $g: $(diff "$g" "$T/got" | head -4 | tr '\n' ' ')"; fi
	done <tests/fixtures/golden/cases.txt
done
exit 0
