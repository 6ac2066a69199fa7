#!/bin/bash
# Runs every benchmark in turn and prints their tables (`make bench`).
# Benchmarks are not tests: numbers depend on the machine and its load; each
# script measures its comparisons side by side in one run. Select some with
#   bench/run.sh startup format seal state statecost fields filter rules replay scap procfs overhead probeparts
cd "$(dirname "$0")/.." || exit 2
OUT="${OUT:-.output}" BIN="${BIN:-bin}"
export OUT BIN REF="${REF:-$(cd .. && pwd)/shared/reference}"
all="startup format seal state statecost fields filter rules replay scap procfs detections overhead probeparts"
for b in ${*:-$all}; do
	echo "==== $b ===="
	case "$b" in
	startup) bench/startup.sh ;;
	format) "$OUT/bench/bench_format" ;;
	seal) "$OUT/bench/bench_seal" ${SEAL_CAPTURE:-} ;;
	state) "$OUT/bench/bench_state" ;;
	statecost) bench/state_cost.sh ;;
	fields) "$OUT/bench/bench_fields" ;;
	filter) "$OUT/bench/bench_filter" ;;
	rules) "$OUT/bench/bench_rules" ;;
	replay) bench/replay.sh ;;
	scap) bench/scap.sh ;;
	detections) bench/detections.sh ;;
	procfs) bench/procfs_compare.sh ;;
	overhead)
		if [ "$(id -u)" -eq 0 ]; then bench/overhead.sh; else echo "skipped: needs root"; fi ;;
	probeparts)
		if [ "$(id -u)" -eq 0 ]; then bench/probe_parts.sh; else echo "skipped: needs root"; fi ;;
	*) echo "unknown benchmark $b" ;;
	esac
done
