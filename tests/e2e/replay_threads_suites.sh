#!/bin/bash
# The golden outputs and the sysdig differential tests at 1, 2 and 4 threads
# (issue 18; a plain `make test` runs them at the default, the CPUs
# available, through SYSREPLAY_THREADS unset). Each suite's lines are
# prefixed with the thread count; a suite that passes nothing fails.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_threads_suites
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for t in 1 2 4; do
	for s in replay_golden scap_diff sysdig_fields; do
		SYSREPLAY_THREADS=$t bash "tests/e2e/$s.sh" >"$T/out" 2>&1
		sed -nE "s/^(PASS|FAIL|SKIP): /\1: j$t.$s./p" "$T/out"
		grep -q '^PASS: ' "$T/out" || grep -q '^SKIP: ' "$T/out" ||
			fail "j$t.$s" "no result: $(tail -3 "$T/out" | tr '\n' ' ')"
	done
done
