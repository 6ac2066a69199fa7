#!/bin/bash
# -J/--threads benchmark (issue 18), printed as one table: each case at 1 and 2
# threads (THREADS="1 2 4" for a longer curve), runs alternating between thread
# counts, median of REPS (default 5). Columns:
#   wall     median wall seconds            cpu   median user+sys seconds
#   serial   the run thread's CPU seconds (SYSREPLAY_DEBUG): what cannot overlap,
#            and the chunks it loads itself while it would wait
#   x1       wall speedup against -J 1 in the same run
#   bound    J1 cpu / max(serial, cpu / min(J, cores)): the speedup an idle
#            machine would give (the machine here is shared: wall times carry
#            other people's load; the bound does not)
#   x_sd     sysdig wall / ours (the .scap cases; sysdig measured in the same run)
# Cases: the Falco stable ruleset over the 5M-event synthetic capture; a filtered
# state-free scan counted, and listed with -p (the filter runs on the loading
# threads: replay/rpl_keep.c), and a plain count; a directory of three
# overlapping captures (5.1M events) merged, counted and through the rules; the state-dependent filter
# `evt.type=open and proc.name=curl` on sysdiginspect_502Error repeated 40 times
# (895k events, .scap) and on its .sysrec conversion; peak RSS over a 1 GiB
# capture without and with state at each thread count.
#   BENCH_DIR (default /tmp/sysrec-bench-threads) keeps the captures; BIG=0 skips
#   the 1 GiB case.
cd "$(dirname "$0")/.." || exit 2
BIN="${BIN:-bin}" OUT="${OUT:-.output}" REF="${REF:-../shared/reference}"
R="$BIN/sysreplay" GEN="$OUT/tools/gen_capture" MK="$OUT/bench/scap_mkbig"
DIR="${BENCH_DIR:-/tmp/sysrec-bench-threads}" REPS="${REPS:-5}" THREADS="${THREADS:-1 2}"
RULES="$REF/falco-rules/falco_rules.yaml" SRC="$REF/scap/sysdiginspect_502Error.scap"
[ -x "$R" ] && [ -x "$GEN" ] && [ -x "$MK" ] || { echo "bench/threads: make all tools bench first"; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/threads: needs /usr/bin/time"; exit 2; }
mkdir -p "$DIR"
cores=$(nproc)
stamp=$(sha1sum "$GEN" | cut -c1-16)
mk() { # file, gen args...: made once per generator build
	local f="$1"; shift
	if [ ! -s "$f" ] || [ "$(cat "$f.gen" 2>/dev/null)" != "$stamp" ]; then
		echo "making $f..." >&2
		"$GEN" -o "$f" "$@" --seed 1 >&2 || exit 2
		echo "$stamp" >"$f.gen"
	fi
}
mk "$DIR/5m.sysrec" -n 5000000
# a directory of three overlapping captures, merged in time order
mkdir -p "$DIR/set"
for k in 1 2 3; do mk "$DIR/set/host$k.sysrec" -n 1700000 --seed $((k + 10)) --start 1764547200000000000; done
if [ -f "$SRC" ]; then
	n1=$("$MK" "$SRC" "$DIR/one.scap" 1) && "$MK" "$SRC" "$DIR/502x40.scap" $((n1 * 40)) >/dev/null &&
		{ [ -s "$DIR/502x40.sysrec" ] || "$R" convert "$DIR/502x40.scap" "$DIR/502x40.sysrec" >/dev/null; } ||
		{ echo "bench/threads: building the .scap case failed"; exit 2; }
fi

load0=$(cut -d' ' -f1-3 /proc/loadavg)
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# one J CMD...: appends "wall cpu serial rss" of one run to $T/J
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
one() {
	local j="$1"; shift
	local s e
	s=$(date +%s%N)
	SYSREPLAY_DEBUG=1 /usr/bin/time -f '%U %S %M' -o "$T/time" "$@" >/dev/null 2>"$T/err"
	e=$(date +%s%N)
	read -r u sy rss <"$T/time"
	local ser; ser=$(sed -n 's/.*run thread cpu \([0-9.]*\) s.*/\1/p' "$T/err" | tail -1)
	echo "$(( (e - s) / 1000000 )) $u $sy ${ser:-0} $rss" >>"$T/$j"
}
col() { awk -v c="$1" '{print $c}' "$T/$2" | median; }
printf '%-52s %3s %7s %7s %7s %6s %6s %6s %8s\n' case J wall cpu serial x1 bound x_sd rss_MiB
case_() { # name, sysdig-cmd or "", sysreplay args...
	local name="$1" sd="$2"; shift 2
	rm -f "$T"/[0-9]* "$T/sd"
	for _ in $(seq "$REPS"); do
		for j in $THREADS; do one "$j" "$R" "$@" -J "$j"; done
		if [ -n "$sd" ]; then
			local s; s=$(date +%s%N); bash -c "$sd" >/dev/null 2>&1
			echo "$(( ($(date +%s%N) - s) / 1000000 ))" >>"$T/sd"
		fi
	done
	local w1 c1 sdw=""; w1=$(col 1 1); c1=$(awk '{print $2 + $3}' "$T/1" | median)
	[ -n "$sd" ] && sdw=$(median <"$T/sd")
	for j in $THREADS; do
		local w c ser rss
		w=$(col 1 "$j"); c=$(awk '{print $2 + $3}' "$T/$j" | median); ser=$(col 4 "$j"); rss=$(col 5 "$j")
		awk -v n="$name" -v j="$j" -v w="$w" -v c="$c" -v s="$ser" -v w1="$w1" -v c1="$c1" \
			-v sd="$sdw" -v cores="$cores" -v rss="$rss" 'BEGIN {
			k = j < cores ? j : cores; par = c / k; crit = s > par ? s : par
			if (j == 1) crit = c
			printf "%-52s %3d %7.2f %7.2f %7.2f %6.2f %6.2f %6s %8.1f\n", n, j, w / 1000, c, s,
				w1 / w, c1 / crit, sd == "" ? "-" : sprintf("%.2f", sd / w), rss / 1024 }'
	done
}
case_ "alerts, Falco stable rules, 5M synthetic" "" alerts -r "$RULES" "$DIR/5m.sysrec"
case_ "events -c -f 'evt.type=openat and evt.res<0' (no state)" "" \
	events -c -f 'evt.type=openat and evt.res<0' "$DIR/5m.sysrec"
case_ "events -c -f 'evt.type=openat' (no state)" "" \
	events -c -f 'evt.type=openat' "$DIR/5m.sysrec"
case_ "events -f 'evt.type=openat' -p '%evt.num %proc.name %evt.res'" "" \
	events -f 'evt.type=openat' -p '%evt.num %proc.name %evt.res' "$DIR/5m.sysrec"
case_ "events -c, 5M synthetic (no state)" "" events -c "$DIR/5m.sysrec"
case_ "3 files merged: events -c -f 'evt.type=openat'" "" events -c -f 'evt.type=openat' "$DIR/set"
case_ "3 files merged: alerts, Falco stable rules" "" alerts -r "$RULES" "$DIR/set"
if [ -f "$DIR/502x40.scap" ]; then
	F="evt.type=open and proc.name=curl"
	case_ "events -c -f '$F', 895k .scap" \
		"sysdig -r $DIR/502x40.scap -p '%evt.num' '$F and evt.dir=<' | wc -l" \
		events -c -f "$F" "$DIR/502x40.scap"
	case_ "the same on its .sysrec conversion" \
		"sysdig -r $DIR/502x40.scap -p '%evt.num' '$F and evt.dir=<' | wc -l" \
		events -c -f "$F" "$DIR/502x40.sysrec"
fi
if [ "${BIG:-1}" != 0 ]; then
	mk "$DIR/big.sysrec" -b 1G --snap-every 2000000
	REPS=1 THREADS="1 2 4" case_ "1 GiB capture, -f 'proc.name=bash' (no state), RSS" "" \
		events -c -f 'proc.name=bash' "$DIR/big.sysrec"
	REPS=1 THREADS="1 2 4" case_ "1 GiB capture, -f 'proc.pname=bash' (state), RSS" "" \
		events -c -f 'proc.pname=bash' "$DIR/big.sysrec"
fi
echo "cores: $cores; load at start: $load0, at end: $(cut -d' ' -f1-3 /proc/loadavg); targets on 2 cores: rules >= 1.7x, state-free >= 1.8x, RSS <= 100 MiB"
