#!/bin/bash
# Runs every test and ends with "N passed, N failed, N skipped".
# Each test program prints lines "PASS: name", "FAIL: name: why", "SKIP: name: why";
# a program that crashes or exits non-zero without a FAIL line counts as one failure.
#   BIN  where sysrec/sysreplay are (default bin)   OUT  build folder (default .output)
#   TESTS_ONLY=regex  runs only programs whose path matches
cd "$(dirname "$0")/.." || exit 2
export BIN="${BIN:-bin}" OUT="${OUT:-.output}"
export SYSREC_ROOT="$PWD"
export REF="${REF:-$(cd .. && pwd)/shared/reference}"
LOG="$OUT/test-log"
mkdir -p "$LOG"
pass=0 fail=0 skip=0

selected() { [ -z "$TESTS_ONLY" ] || [[ "$1" =~ $TESTS_ONLY ]]; }

run_one() { # name, command...
	local name="$1"; shift
	local out="$LOG/$(echo "$name" | tr '/' '_').log"
	local start=$(date +%s)
	timeout "${TEST_TIMEOUT:-600}" "$@" >"$out" 2>&1
	local rc=$? p f s
	p=$(grep -c '^PASS: ' "$out"); f=$(grep -c '^FAIL: ' "$out"); s=$(grep -c '^SKIP: ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name: exited with status $rc (log $out)" >>"$out"; f=1
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	grep -E '^(FAIL|SKIP): ' "$out" | sed 's/^/  /'
	[ "$f" -gt 0 ] && { grep -vE '^(PASS|FAIL|SKIP): ' "$out" | tail -15 | sed 's/^/    | /'; }
	printf '%-40s %3d passed %3d failed %3d skipped  (%ds)\n' "$name" "$p" "$f" "$s" $(( $(date +%s) - start ))
}

for t in "$OUT"/tests/test_*; do
	[ -x "$t" ] || continue
	selected "$t" || continue
	run_one "unit/$(basename "$t")" "$t"
done
for t in "$OUT"/fuzz-replay/fuzz_*; do
	[ -x "$t" ] || continue
	selected "$t" || continue
	n=$(basename "$t")
	run_one "fuzz-corpus/$n" "$t" "tests/fuzz/corpus/$n"
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	selected "$t" || continue
	run_one "e2e/$(basename "$t" .sh)" bash "$t"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
