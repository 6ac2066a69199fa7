#!/bin/bash
# Replay benchmarks (sysreplay), printed as one table. The cases the issue asks for:
#   1. events -c -f 'evt.type=openat and proc.name=cat' over a >= 10M-event capture,
#      pinned to one core (target >= 5M events/s), with the state engine skipped (the
#      filter reads header fields only) and, for comparison, forced on
#   2. a rare-type filter through chunk skipping (records read of the total)
#   3. --since into the middle of a ~1 GB capture (a 1 ms window) vs a full scan
#   4. peak RSS while replaying the ~1 GB capture with state (target <= 100 MiB)
#
#   BEFORE=/path/to/old/sysreplay bench/replay.sh
# runs every case with both binaries, alternating, in the same run, and adds the
# before column and the ratio (before CPU / after CPU). Times are CPU seconds
# (user + sys, best of REPS; the machine may be shared, CPU time is steadier than
# wall time); rates are events in the capture / CPU seconds.
# Captures are made with gen_capture into $BENCH_DIR (default /tmp/sysrec-bench) and
# reused while the generator binary is unchanged. EVENTS (default 10M) and BIG
# (default 1G) size them; REPS (default 3) repetitions for the 10M cases, 1 for 1 GB.
cd "$(dirname "$0")/.." || exit 2
BIN="${BIN:-bin}" OUT="${OUT:-.output}"
R="$BIN/sysreplay" GEN="$OUT/tools/gen_capture" B="${BEFORE:-}"
DIR="${BENCH_DIR:-/tmp/sysrec-bench}"
EVENTS="${EVENTS:-10000000}" BIG="${BIG:-1G}" REPS="${REPS:-3}"
[ -x "$R" ] && [ -x "$GEN" ] || { echo "bench/replay: build first (make all tools)"; exit 2; }
[ -z "$B" ] || [ -x "$B" ] || { echo "bench/replay: BEFORE=$B is not executable"; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/replay: needs /usr/bin/time (apt install time)"; exit 2; }
mkdir -p "$DIR"
CPU="taskset -c 0"
command -v taskset >/dev/null || CPU=""

# Captures are remade when the generator changes (its mix and lifecycles decide
# what the numbers mean).
stamp=$(sha1sum "$GEN" | cut -c1-16)
make_capture() { # file, gen args...
	local f="$1"; shift
	if [ ! -s "$f" ] || [ "$(cat "$f.gen" 2>/dev/null)" != "$stamp" ] ||
		! "$R" info "$f" >/dev/null 2>&1; then
		echo "making $f ($*)..." >&2
		"$GEN" -o "$f" "$@" --seed 1 >&2 || exit 2
		echo "$stamp" >"$f.gen"
	fi
}
make_capture "$DIR/events.sysrec" -n "$EVENTS" --snap-every 1000000
make_capture "$DIR/big.sysrec" -b "$BIG" --snap-every 2000000

info() { "$R" info -j "$1" | python3 -c "import json,sys; o=json.load(sys.stdin); print(o['$2'])"; }
EV="$DIR/events.sysrec" BG="$DIR/big.sysrec"
n=$(info "$EV" events) bytes=$(info "$EV" bytes)
bign=$(info "$BG" events) bigb=$(info "$BG" bytes)

# one BIN ENV CMD...: one run; sets cpu (user+sys s), wall, rss (KiB), outv, dbg
# (the SYSREPLAY_DEBUG line: records read, state on/skipped)
one() {
	local bin="$1" envv="$2"; shift 2
	local tf ef t0 rc; tf=$(mktemp) ef=$(mktemp)
	t0=$(date +%s%N)
	outv=$(env SYSREPLAY_DEBUG=1 $envv /usr/bin/time -f '%e %U %S %M' -o "$tf" $CPU "$bin" "$@" 2>"$ef")
	rc=$?
	wms=$(( ($(date +%s%N) - t0) / 1000000 ))
	read -r wall u s rss < <(tail -1 "$tf")
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u + s}')
	dbg=$(sed -n 's/^sysreplay: debug: //p' "$ef")
	rm -f "$tf" "$ef"
	[ $rc -eq 0 ] || { echo "bench/replay: '$bin $*' failed (exit $rc)" >&2; outv="FAILED($rc)"; }
}
# best BIN ENV REPS CMD...: best CPU of REPS runs into bcpu bwall brss bout bdbg
best() {
	local bin="$1" envv="$2" reps="$3"; shift 3
	bcpu=""
	for ((k = 0; k < reps; k++)); do
		one "$bin" "$envv" "$@"
		if [ -z "$bcpu" ] || awk -v a="$cpu" -v b="$bcpu" 'BEGIN{exit !(a < b)}'; then
			bcpu=$cpu bwall=$wms brss=$rss bout=$outv bdbg=$dbg
		fi
	done
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN{ if (s > 0) printf "%.2fM", n / s / 1e6; else print "-" }'; }
mib() { echo "$(( $1 / 1024 ))"; }

rows=()
# case LABEL EVENTS REPS ENV NOTE CMD...: runs after (and before), adds a row
case_() {
	local label="$1" nev="$2" reps="$3" envv="$4" note="$5"; shift 5
	local b_cpu="" b_rss="" b_out="" b_wall=""
	if [ -n "$B" ]; then
		best "$B" "$envv" "$reps" "$@"
		b_cpu=$bcpu b_rss=$brss b_out=$bout b_wall=$bwall
	fi
	best "$R" "$envv" "$reps" "$@"
	local ratio="-"
	[ -n "$b_cpu" ] && ratio=$(awk -v a="$b_cpu" -v b="$bcpu" 'BEGIN{ if (b > 0) printf "%.2fx", a / b; else print "-" }')
	local r="-"
	[ "$nev" != "-" ] && r="$(rate "$nev" "$bcpu")"
	local bcol="-"
	[ -n "$b_cpu" ] && bcol="${b_cpu}s ${b_wall}ms $(mib "$b_rss")M"
	rows+=("$(printf '%-42s | %7ss %7sms %5sM %7s | %-15s | %-6s | %s' "$label" "$bcpu" "$bwall" "$(mib "$brss")" "$r" "$bcol" "$ratio" "${note:+$note; }out=$bout; ${bdbg:-}")")
	if [ -n "$B" ] && [ "$b_out" != "$bout" ] && [ "${label#*forced}" = "$label" ]; then
		rows+=("   ^ before printed '$b_out', after '$bout'")
	fi
}

F1='evt.type=openat and proc.name=cat'
case_ "filter openat+cat, 1 core" "$n" "$REPS" "" "target >= 5M ev/s" \
	events -c --no-progress -f "$F1" "$EV"
case_ "  same, state forced on" "$n" "$REPS" "SYSREPLAY_FORCE_STATE=1" \
	"SYSREPLAY_FORCE_STATE=1: what skipping state saves" events -c --no-progress -f "$F1" "$EV"
case_ "  same, digest chain not checked" "$n" "$REPS" "SYSREPLAY_BENCH_NO_DIGEST=1" \
	"2.1: what checking the SHA-256 chain costs (target <= 10%)" events -c --no-progress -f "$F1" "$EV"
case_ "count every event (no filter)" "$n" "$REPS" "" "read + decode only" \
	events -c --no-progress "$EV"
case_ "filter proc.pname=bash (needs state)" "$n" "$REPS" "" "state on" \
	events -c --no-progress -f 'proc.pname=bash' "$EV"
case_ "rare type evt.type=ptrace (chunk skip)" "-" "$REPS" "" "no chunk holds it" \
	events -c --no-progress -f 'evt.type=ptrace' "$EV"
first=$(info "$BG" first_ts) last=$(info "$BG" last_ts)
mid=$(((first + last) / 2))
case_ "--since middle of $((bigb / 1048576)) MiB, 1 ms window" "-" "$REPS" "" \
	"index seek" events -c --no-progress --since "$mid" --until "$((mid + 1000000))" "$BG"
case_ "full scan of it, count (state skipped)" "$bign" 1 "" "" \
	events -c --no-progress "$BG"
case_ "full scan of it, proc.pname=bash (state)" "$bign" 1 "" "RSS target <= 100 MiB" \
	events -c --no-progress -f 'proc.pname=bash' "$BG"

echo
echo "sysreplay benchmarks: $(nproc) CPUs, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "after:  $R${B:+
before: $B}"
echo "capture: $n events, $((bytes / 1048576)) MiB ($EV)"
echo "big:     $bign events, $((bigb / 1048576)) MiB ($BG)"
echo "CPU = user+sys seconds, best of $REPS (1 for full scans of the big capture); wall of that run;"
echo "ev/s = events in the capture / CPU s; ratio = before CPU / after CPU; RSS = peak"
printf '%-42s | %8s %9s %6s %7s | %-15s | %-6s | %s\n' "case" "CPU" "wall" "RSS" "ev/s" "before CPU wall RSS" "ratio" "notes"
printf '%s\n' "${rows[@]}"
