#!/bin/bash
# bench/scap.sh: reading sysdig captures, sysdig vs sysreplay, and the size of converted files.
#
# Builds a .scap of >= 1M events in /tmp by repeating a reference capture's
# event blocks (scap_mkbig), then times in turn, in one run:
#   sysdig -r BIG FILTER (exit events, one short field per match, counted by wc)
#   sysreplay events -c -f FILTER BIG          (our reader on the same .scap)
#   sysreplay convert BIG BIG.sysrec, then events -c -f FILTER BIG.sysrec
# and compares BIG.sysrec's size with `zstd -3` of BIG. Each timing is the best
# of RUNS (default 3); CPU time (user+sys) is shown beside wall time because
# other jobs may share the machine.
#   env: REF (reference data), OUT (build dir), BIN, EVENTS (default 1000000),
#        SRC (capture to repeat), FILTER (default evt.type=open), RUNS
cd "$(dirname "$0")/.." || exit 2
OUT=${OUT:-.output}; BIN=${BIN:-bin}; REF=${REF:-../shared/reference}
EVENTS=${EVENTS:-1000000}; RUNS=${RUNS:-3}
SRC=${SRC:-$REF/scap/libs_curl_google.scap}
FILTER=${FILTER:-evt.type=open}
W=${TMPDIR:-/tmp}/sysrec_scap_bench
mkdir -p "$W"
BIG=$W/big.scap

[ -f "$SRC" ] || { echo "bench/scap: $SRC absent (set REF)"; exit 0; }
[ -x "$OUT/bench/scap_mkbig" ] || { echo "bench/scap: build $OUT/bench/scap_mkbig first"; exit 2; }
n=$("$OUT/bench/scap_mkbig" "$SRC" "$BIG" "$EVENTS") || exit 2

# sysreplay when it works on this tree, else the scap_dump tool (type filter only)
if "$BIN/sysreplay" events -c -f "$FILTER" "$SRC" >/dev/null 2>&1; then
	OURS=("$BIN/sysreplay" events -c -f "$FILTER"); CONV=("$BIN/sysreplay" convert)
	ours_name="sysreplay events -c -f '$FILTER'"
else
	t=${FILTER#evt.type=}
	OURS=("$OUT/tools/scap_dump" -c -t "$t"); CONV=("$OUT/tools/scap_conv")
	ours_name="scap_dump -c -t $t (sysreplay not runnable)"
fi

best() { # prints "wall cpu output" of the fastest of RUNS runs of "$@"
	local b="" bc="" out=""
	for _ in $(seq "$RUNS"); do
		local s e o
		s=$(date +%s.%N)
		/usr/bin/time -o "$W/time" -f '%U %S' "$@" >"$W/out" 2>/dev/null
		o=$(tail -1 "$W/time")
		e=$(date +%s.%N)
		local wall cpu
		wall=$(echo "$e - $s" | bc)
		cpu=$(echo "$o" | awk '{print $1 + $2}')
		# fastest by CPU time: wall time depends on what else runs
		if [ -z "$bc" ] || [ "$(echo "$cpu < $bc" | bc)" = 1 ]; then b=$wall; bc=$cpu; out=$(tail -1 "$W/out"); fi
	done
	echo "$b $bc $out"
}

sd() { sysdig -r "$BIG" -p '%evt.num' "$FILTER and evt.dir=<" | wc -l; }
export -f sd 2>/dev/null
export BIG FILTER

r_sd=$(best bash -c 'sysdig -r "$BIG" -p "%evt.num" "$FILTER and evt.dir=<" | wc -l')
r_scap=$(best "${OURS[@]}" "$BIG")
rm -f "$W/big.sysrec"
"${CONV[@]}" "$BIG" "$W/big.sysrec" || { echo "convert failed"; exit 2; }
r_rec=$(best "${OURS[@]}" "$W/big.sysrec")

size_scap=$(stat -c %s "$BIG")
size_rec=$(stat -c %s "$W/big.sysrec")
size_zstd=$(zstd -3 -c -q "$BIG" | wc -c)

read -r w_sd c_sd m_sd <<<"$r_sd"
read -r w_scap c_scap m_scap <<<"$r_scap"
read -r w_rec c_rec m_rec <<<"$r_rec"
rate() { echo "scale=0; $n / ($1 + 0.0001)" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }

echo "scap benchmark: $n scap events ($(basename "$SRC") repeated), filter '$FILTER', best of $RUNS"
printf '%-48s %8s %8s %13s %8s %9s\n' reader wall_s cpu_s events/cpu_s matches cpu_vs_sd
printf '%-48s %8.3f %8.2f %13s %8s %9s\n' "sysdig 0.29.3 -r BIG (exit events)" "$w_sd" "$c_sd" "$(rate "$c_sd")" "$m_sd" 1.00
printf '%-48s %8.3f %8.2f %13s %8s %9s\n' "$ours_name BIG.scap" "$w_scap" "$c_scap" "$(rate "$c_scap")" "$m_scap" "$(ratio "$c_sd" "$c_scap")"
printf '%-48s %8.3f %8.2f %13s %8s %9s\n' "same on BIG.sysrec (after convert)" "$w_rec" "$c_rec" "$(rate "$c_rec")" "$m_rec" "$(ratio "$c_sd" "$c_rec")"
echo
printf '%-30s %12s %8s\n' file bytes vs_zstd3
printf '%-30s %12s %8s\n' "BIG.scap" "$size_scap" "$(ratio "$size_scap" "$size_zstd")"
printf '%-30s %12s %8s\n' "zstd -3 BIG.scap" "$size_zstd" 1.00
printf '%-30s %12s %8s\n' "BIG.sysrec" "$size_rec" "$(ratio "$size_rec" "$size_zstd")"
echo "targets: >= 3x sysdig on .scap, >= 10x from .sysrec, .sysrec <= 0.80x zstd -3"
