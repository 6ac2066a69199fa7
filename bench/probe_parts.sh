#!/bin/bash
# Where the probe's time goes, part by part: the kernel's own run-time count
# of each BPF program (kernel.bpf_stats_enabled) over a read() storm, with
# the recorder in configurations that each take one part of the work away.
# The difference between two rows is what that part costs per call.
#
#   bench/probe_parts.sh          ROUNDS=3 READS=1000000
#
# The count itself reads the clock twice per program run: the "empty" row
# (programs that return at once) is that overhead, to subtract from every
# other row before comparing with bench/overhead.sh's per-call excess.
# Needs root and BPF, and bpftool; run from the repository after `make`.
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-bin}
OUT=${OUT:-.output}
. tests/e2e/record_lib.inc # rec_wait_started
S=$OUT/bench/rec_storm
ROUNDS=${ROUNDS:-3}
READS=${READS:-1000000}
[ "$(id -u)" -eq 0 ] || { echo "bench/probe_parts.sh: needs root"; exit 2; }
[ -x "$S" ] && [ -x "$BIN/sysrec" ] || { echo "bench/probe_parts.sh: run make first"; exit 2; }
command -v bpftool >/dev/null || { echo "bench/probe_parts.sh: needs bpftool"; exit 2; }
tmp=$(mktemp -d)
was=$(sysctl -n kernel.bpf_stats_enabled)
rp=
trap '[ -n "$rp" ] && kill -INT "$rp" 2>/dev/null; sysctl -q kernel.bpf_stats_enabled="$was"; rm -rf "$tmp"' EXIT
sysctl -q kernel.bpf_stats_enabled=1 || { echo "bench/probe_parts.sh: cannot enable bpf_stats"; exit 2; }

# ns per run of sys_enter and sys_exit (two numbers, "-" when not attached)
# during the storm, for sysrec ARGS
measure() {
	local before after
	# shellcheck disable=SC2086
	"$BIN/sysrec" -q -v --force -w "$tmp/r.sysrec" $1 2>"$tmp/r.err" &
	rp=$!
	rec_wait_started "$tmp/r.err" $rp
	sleep 0.2
	before=$(bpftool prog show -j)
	"$S" read "$READS" >/dev/null
	after=$(bpftool prog show -j)
	kill -INT $rp
	wait $rp
	rp=
	python3 - "$before" "$after" <<'PY'
import json, sys
b = {p["id"]: p for p in json.loads(sys.argv[1])}
per = {}
for p in json.loads(sys.argv[2]):
    q = b.get(p["id"], {})
    n = p.get("run_cnt", 0) - q.get("run_cnt", 0)
    t = p.get("run_time_ns", 0) - q.get("run_time_ns", 0)
    if p.get("name") in ("sys_enter", "sys_exit") and n > 1000:
        per[p["name"]] = t / n
print(" ".join("%.1f" % per[k] if k in per else "-" for k in ("sys_enter", "sys_exit")))
PY
}

configs=(
	"empty|--bench-empty-probe|programs return at once: the count's own cost"
	"floor|--bench-probe 32 --no-latency|exit copies number, arguments, result"
	"floor+ts|--bench-probe 96 --no-latency|+ the exit's clock read"
	"floor+dur|--bench-probe 96|+ sys_enter's entry time, read back at exit"
	"nohdr-noemit-s0|--no-latency --bench-probe 6 -s 0|recorder: parameters only"
	"noemit-s0|--no-latency --bench-probe 2 -s 0|+ header from the task"
	"s0|--no-latency -s 0|+ batching and the ringbuf (transport)"
	"nolat|--no-latency|+ 64 bytes of read data (snaplen 80)"
	"default|-s 80|+ durations: the recorder's default"
)
declare -A ent ext
for _ in $(seq "$ROUNDS"); do
	for c in "${configs[@]}"; do
		IFS='|' read -r label args _ <<<"$c"
		read -r e x < <(measure "$args")
		ent[$label]="${ent[$label]} $e"
		ext[$label]="${ext[$label]} $x"
	done
done
median() { tr ' ' '\n' | grep -v '^-*$' | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
echo "probe run time per call over a read($READS x 64 B) storm, median of $ROUNDS rounds (ns, bpf_stats)"
printf '%-16s %9s %9s %9s  %s\n' config sys_enter sys_exit total what
for c in "${configs[@]}"; do
	IFS='|' read -r label _ what <<<"$c"
	e=$(echo "${ent[$label]}" | median)
	x=$(echo "${ext[$label]}" | median)
	t=$(awk -v e="$e" -v x="$x" 'BEGIN { printf "%.1f", (e == "-" ? 0 : e) + (x == "-" ? 0 : x) }')
	printf '%-16s %9s %9s %9s  %s\n' "$label" "$e" "$x" "$t" "$what"
done
echo "  each row adds one part to the row above it (floor rows: the least any recorder does)."
