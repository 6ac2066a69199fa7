#!/bin/bash
# Golden outputs: every case of tests/fixtures/golden/cases.txt over the inputs
# of its scope (synth, fixtures or all) gives exactly the stored output
# (regenerate deliberately with tests/fixtures/update-golden.sh and review the
# diff). Stale goldens (of a fixture no longer there, or of a case no longer
# listed for that input) fail too: they would otherwise rot unnoticed.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
export TZ=UTC LC_ALL=C
need_replay replay_golden
. tests/fixtures/golden/inputs.sh
G=tests/fixtures/golden
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
golden_inputs "$T" || { fail golden_inputs "could not make the synthetic capture"; exit 0; }
[ ${#GOLDEN_INPUTS[@]} -gt 0 ] || { skip replay_golden "no inputs (no gen_capture, no fixtures)"; exit 0; }
golden_cases >"$T/cases"
while IFS=$'\t' read -r case scope args; do
	[ "$scope" = bad ] && fail "golden_cases_$case" "unknown scope in $G/cases.txt (synth, fixtures or all)"
done <"$T/cases"
: >"$T/expected"
for input in "${GOLDEN_INPUTS[@]}"; do
	name=$(golden_name "$input")
	while IFS=$'\t' read -r case scope args; do
		golden_in_scope "$scope" "$input" || continue
		g="$G/$name/$case.out"
		echo "$g" >>"$T/expected"
		if [ ! -f "$g" ]; then
			skip "golden_${name}_$case" "no $g (run tests/fixtures/update-golden.sh)"
			continue
		fi
		golden_run "$input" "$args" >"$T/got"
		if cmp -s "$T/got" "$g"; then pass "golden_${name}_$case"
		else fail "golden_${name}_$case" "differs from $g: $(diff "$g" "$T/got" | head -4 | tr '\n' ' ')"; fi
	done <"$T/cases"
done
# Goldens nobody compares: a removed fixture or case. The synthetic capture's
# folder is left alone when gen_capture is not built.
stale=""
for g in "$G"/*/*.out; do
	[ -f "$g" ] || continue
	case "$g" in "$G/synth/"*) [ -x "$GEN" ] || continue ;; esac
	grep -qxF "$g" "$T/expected" || stale="$stale $g"
done
if [ -n "$stale" ]; then fail golden_stale "goldens no case produces (run tests/fixtures/update-golden.sh):$stale"
else pass golden_stale; fi
exit 0
