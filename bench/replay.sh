#!/bin/bash
# Replay benchmarks (sysreplay), printed as a table:
#   1. filter throughput: events -c -f 'evt.type=openat and proc.name=cat' over a
#      >= 10M-event capture, pinned to one core (target >= 5M events/s)
#   2. chunk skipping: a type no chunk holds vs a common one, same file
#   3. --since into the middle of a ~1 GB capture vs a full scan of it
#   4. peak RSS while replaying the ~1 GB capture (target <= 100 MiB)
# Captures are made once with gen_capture into $BENCH_DIR (default /tmp/sysrec-bench)
# and reused. EVENTS (default 10M) and BIG (default 1G) size them.
cd "$(dirname "$0")/.." || exit 2
BIN="${BIN:-bin}" OUT="${OUT:-.output}"
R="$BIN/sysreplay" GEN="$OUT/tools/gen_capture"
DIR="${BENCH_DIR:-/tmp/sysrec-bench}"
EVENTS="${EVENTS:-10000000}" BIG="${BIG:-1G}"
[ -x "$R" ] && [ -x "$GEN" ] || { echo "bench/replay: build first (make all tools)"; exit 2; }
mkdir -p "$DIR"
CPU="taskset -c 0"
command -v taskset >/dev/null || CPU=""

make_capture() { # file, gen args...
	local f="$1"; shift
	if [ ! -s "$f" ] || ! "$R" info "$f" >/dev/null 2>&1; then
		echo "making $f ($*)..." >&2
		"$GEN" -o "$f" "$@" --seed 1 >&2 || exit 2
	fi
}
make_capture "$DIR/events.sysrec" -n "$EVENTS"
make_capture "$DIR/big.sysrec" -b "$BIG"

# run LABEL CMD...: seconds and peak RSS (KiB) of one run, into $secs $rss $outv
run() {
	local tf; tf=$(mktemp)
	outv=$(/usr/bin/time -f '%e %M' -o "$tf" "$@" 2>/dev/null)
	local rc=$?
	# time writes "Command terminated by signal N" / "exited with non-zero status" first
	read -r secs rss < <(tail -1 "$tf")
	rm -f "$tf"
	[ $rc -eq 0 ] || { echo "bench/replay: '$*' failed (exit $rc)" >&2; outv="FAILED(exit $rc)"; }
}
info() { "$R" info -j "$1" | python3 -c "import json,sys; o=json.load(sys.stdin); print(o['$2'])"; }

n=$(info "$DIR/events.sysrec" events)
bytes=$(info "$DIR/events.sysrec" bytes)
rows=()
row() { rows+=("$(printf '%-46s %12s %12s %10s  %s' "$@")"); }

# 1. filter throughput, best of 3
best=999999
for i in 1 2 3; do
	run $CPU "$R" events -c --no-progress -f 'evt.type=openat and proc.name=cat' "$DIR/events.sysrec"
	awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a < b)}' && { best=$secs; brss=$rss; matched=$outv; }
done
rate=$(awk -v n="$n" -v s="$best" 'BEGIN{printf "%.2fM", n / s / 1e6}')
row "filter openat+cat, 1 core ($((n / 1000000))M events)" "${best}s" "$rate ev/s" "$((brss / 1024)) MiB" "$matched matched; target >= 5M ev/s"
run $CPU "$R" events -c --no-progress "$DIR/events.sysrec"
rate0=$(awk -v n="$n" -v s="$secs" 'BEGIN{printf "%.2fM", n / s / 1e6}')
row "no filter (read + state only), 1 core" "${secs}s" "$rate0 ev/s" "$((rss / 1024)) MiB" ""

# 2. chunk skipping
run $CPU "$R" events -c --no-progress -f 'evt.type=ptrace' "$DIR/events.sysrec"
skip_s=$secs
reads=$(SYSREPLAY_DEBUG=1 "$R" events -c --no-progress -f 'evt.type=ptrace' "$DIR/events.sysrec" 2>&1 >/dev/null | sed -n 's/.*records read \([0-9]*\).*/\1/p')
run $CPU "$R" events -c --no-progress -f 'evt.type=kill' "$DIR/events.sysrec"
row "rare type (ptrace: in no chunk)" "${skip_s}s" "-" "-" "records read $reads of $n"
row "common type (kill: in most chunks)" "${secs}s" "-" "-" "$(awk -v a="$secs" -v b="$skip_s" 'BEGIN{printf "skipping is %.0fx faster", a / b}')"

# 3. --since into the middle of the big capture vs a full scan
first=$(info "$DIR/big.sysrec" first_ts) last=$(info "$DIR/big.sysrec" last_ts)
bigb=$(info "$DIR/big.sysrec" bytes) bign=$(info "$DIR/big.sysrec" events)
mid=$(((first + last) / 2))
run "$R" events -c --no-progress --since "$mid" --until "$((mid + 1000000))" "$DIR/big.sysrec"
seek_s=$secs seek_n=$outv
# 4. the full scan doubles as the RSS measurement
run "$R" events -c --no-progress "$DIR/big.sysrec"
full_s=$secs full_rss=$rss
row "--since middle of $((bigb / 1048576)) MiB capture (1 ms window)" "${seek_s}s" "-" "-" "$seek_n events in window"
row "full scan of the same capture" "${full_s}s" "$(awk -v n="$bign" -v s="$full_s" 'BEGIN{printf "%.2fM", n / s / 1e6}') ev/s" "$((full_rss / 1024)) MiB" \
	"$(awk -v a="$full_s" -v b="$seek_s" 'BEGIN{printf "seek is %.0fx faster", a / (b > 0 ? b : 0.01)}'); RSS target <= 100 MiB"

echo
echo "sysreplay benchmarks ($(nproc) CPUs; $(uname -r); captures in $DIR)"
printf '%-46s %12s %12s %10s  %s\n' "case" "time" "rate" "peak RSS" "notes"
printf '%s\n' "${rows[@]}"
echo "capture: $n events, $((bytes / 1048576)) MiB; big capture: $bign events, $((bigb / 1048576)) MiB"
