#!/bin/bash
# bench/state_cost.sh: issue 18's "state at half the cost", one table, one run.
#   bench/state_cost.sh [OTHER_SYSREPLAY]
# Cases, each run REPS times (default 5), interleaved (every case of every
# binary once per round, sysdig among them: the machine is shared, so load
# hits all of them alike), medians of wall and CPU (user+sys) seconds:
#   sysdig -r 502x40.scap 'evt.type=open and proc.name=curl' (exit events)
#   sysreplay events -c -f 'evt.type=open and proc.name=curl' -J 1, on the
#     .scap (sysdiginspect_502Error repeated 40 times, 895k events) and on
#     its .sysrec conversion; x_sd: sysdig's median over ours (wall, cpu)
#   state cost per .scap event: the same scan with 'evt.type=open' (no state
#     needed) against 'evt.type=open and proc.name=curl' (state on), CPU
#     difference over the file's events
#   state cost per .sysrec event: events -c -f 'proc.name=bash' over the 5M
#     synthetic capture, with SYSREPLAY_FORCE_STATE=1 against without
#   decode: events -c over the 5M synthetic capture, events per CPU second
# OTHER_SYSREPLAY (say, a build of main in another folder) gets the same
# cases in the same rounds, for a before/after column pair.
#   env: BIN, OUT, REF, REPS, BENCH_DIR (captures kept between runs)
cd "$(dirname "$0")/.." || exit 2
BIN="${BIN:-bin}" OUT="${OUT:-.output}" REF="${REF:-../shared/reference}"
REPS="${REPS:-5}" DIR="${BENCH_DIR:-/tmp/sysrec-bench-state}"
GEN="$OUT/tools/gen_capture" MK="$OUT/bench/scap_mkbig" SRC="$REF/scap/sysdiginspect_502Error.scap"
F='evt.type=open and proc.name=curl'
[ -x "$BIN/sysreplay" ] && [ -x "$GEN" ] && [ -x "$MK" ] ||
	{ echo "bench/state_cost: make all tools bench first"; exit 2; }
[ -f "$SRC" ] || { echo "bench/state_cost: $SRC absent (set REF)"; exit 0; }
command -v sysdig >/dev/null || { echo "bench/state_cost: needs sysdig"; exit 0; }
command -v perf >/dev/null || { echo "bench/state_cost: needs perf (CPU time per run)"; exit 0; }
BINS=("$BIN/sysreplay")
[ -n "$1" ] && BINS+=("$1")
mkdir -p "$DIR"
n1=$("$MK" "$SRC" "$DIR/one.scap" 1) && nscap=$("$MK" "$SRC" "$DIR/502x40.scap" $((n1 * 40))) ||
	{ echo "bench/state_cost: building the .scap failed"; exit 2; }
[ -s "$DIR/502x40.sysrec" ] || "$BIN/sysreplay" convert "$DIR/502x40.scap" "$DIR/502x40.sysrec" \
	>/dev/null || exit 2
[ -s "$DIR/5m.sysrec" ] || "$GEN" -o "$DIR/5m.sysrec" -n 5000000 --seed 1 >/dev/null || exit 2
nsyn=5000000

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# one KEY CMD...: appends "wall_s cpu_s" of one run to $T/KEY, both from perf
# stat: the command's elapsed time (from its start to its exit, without
# perf's own start-up, which is as long as our shortest runs) and its
# task-clock (the command and its children, in ms: /usr/bin/time's 10 ms
# steps are too coarse for runs of tens of ms)
one() {
	local k="$1"
	shift
	perf stat -e task-clock -o "$T/stat" "$@" >/dev/null 2>&1
	awk '/msec task-clock/ { c = $1 / 1e3 } /seconds time elapsed/ { w = $1 }
	     END { printf "%.4f %.4f\n", w, c }' "$T/stat" >>"$T/$k"
}
med() { awk -v c="$2" '{ print $c }' "$T/$1" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for _ in $(seq "$REPS"); do
	one sd bash -c "sysdig -r '$DIR/502x40.scap' -p '%evt.num' '$F and evt.dir=<' | wc -l"
	for i in "${!BINS[@]}"; do
		R=${BINS[$i]}
		one "scap$i" "$R" events -c -J 1 -f "$F" "$DIR/502x40.scap"
		one "rec$i" "$R" events -c -J 1 -f "$F" "$DIR/502x40.sysrec"
		one "scapnost$i" "$R" events -c -J 1 -f 'evt.type=open' "$DIR/502x40.scap"
		one "synst$i" env SYSREPLAY_FORCE_STATE=1 "$R" events -c -J 1 -f 'proc.name=bash' \
			"$DIR/5m.sysrec"
		one "synnost$i" "$R" events -c -J 1 -f 'proc.name=bash' "$DIR/5m.sysrec"
		one "dec$i" "$R" events -c -J 1 "$DIR/5m.sysrec"
	done
done

sdw=$(med sd 1) sdc=$(med sd 2)
echo "issue 18, state cost: medians of $REPS interleaved rounds; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo ".scap: $nscap events (sysdiginspect_502Error x40); synthetic: $nsyn events; filter F = '$F'"
printf '%-50s %10s %10s %10s %10s\n' case "wall_s" "cpu_s" "x_sd_wall" "x_sd_cpu"
printf '%-50s %10.3f %10.3f %10s %10s\n' "sysdig -r .scap F (exit events)" "$sdw" "$sdc" 1.00 1.00
for i in "${!BINS[@]}"; do
	tag=$([ "$i" = 0 ] && echo "this tree" || echo "${BINS[$i]}")
	echo "-- $tag"
	for k in scap rec; do
		w=$(med "$k$i" 1) c=$(med "$k$i" 2)
		name=$([ $k = scap ] && echo "events -c -f F, .scap, -J 1" || echo "events -c -f F, .sysrec conversion, -J 1")
		awk -v n="$name" -v w="$w" -v c="$c" -v sw="$sdw" -v sc="$sdc" \
			'BEGIN { printf "%-50s %10.3f %10.3f %10.2f %10.2f\n", n, w, c, sw / w, sc / c }'
	done
	awk -v a="$(med "scap$i" 2)" -v b="$(med "scapnost$i" 2)" -v n="$nscap" \
		'BEGIN { printf "%-50s %10s %10.3f %21s\n", "state cost, .scap (F vs evt.type=open)", "ns/event", (a - b) * 1e9 / n, "" }'
	awk -v a="$(med "synst$i" 2)" -v b="$(med "synnost$i" 2)" -v n="$nsyn" \
		'BEGIN { printf "%-50s %10s %10.3f %21s\n", "state cost, synthetic .sysrec (forced vs none)", "ns/event", (a - b) * 1e9 / n, "" }'
	awk -v c="$(med "dec$i" 2)" -v n="$nsyn" \
		'BEGIN { printf "%-50s %10s %10.2f %21s\n", "decode, events -c synthetic, -J 1", "Mev/cpu_s", n / c / 1e6, "" }'
done
echo "targets: .scap >= 3x sysdig, .sysrec >= 10x, state cost halved, decode >= 10 Mev/s"
