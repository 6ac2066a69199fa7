#!/bin/bash
# A/B overhead of sysrec configurations on one workload, alternating.
#
#   bench/rec_ab.sh [-r ROUNDS] [-w "read 2000000"] [-f FLOOR] 'CONFIG' 'CONFIG' ...
#
# Each CONFIG is "label:sysrec args" ("bare" = no recorder; args starting
# with @PATH run the sysrec binary at PATH instead, e.g. an older build). Per round every
# configuration runs the workload once (rec_storm), in turn; the table gives
# medians of the workload's CPU time (user+sys) per call and of wall time per
# call, and ratios to "bare". With -f FLOOR (a configuration's label), also
# each configuration's excess (CPU per call over bare) and that excess over
# FLOOR's: the recorder's cost against the least a recorder can cost. Needs
# root; run after `make`. VERBOSE=1 also prints every sample.
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-bin}
OUT=${OUT:-.output}
. tests/e2e/record_lib.inc # rec_wait_started
S=$OUT/bench/rec_storm
rounds=5
work="read 2000000"
floor=
while getopts r:w:f: o; do
	case $o in
	r) rounds=$OPTARG ;;
	w) work=$OPTARG ;;
	f) floor=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "$(id -u)" -eq 0 ] || { echo "bench/rec_ab.sh: needs root"; exit 2; }
[ -x "$S" ] && [ -x "$BIN/sysrec" ] || { echo "bench/rec_ab.sh: run make first"; exit 2; }
[ $# -gt 0 ] || set -- bare "default:"
tmp=$(mktemp -d)
rp=
trap '[ -n "$rp" ] && kill $rp 2>/dev/null; rm -rf "$tmp"' EXIT

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minimum() { tr ' ' '\n' | grep . | sort -n | head -1; }
field() { tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }

declare -A cpu wall
labels=()
for c in "$@"; do labels+=("${c%%:*}"); done
for _ in $(seq "$rounds"); do
	for c in "$@"; do
		l=${c%%:*}
		args=
		[[ $c == *:* ]] && args=${c#*:}
		if [ "$l" != bare ]; then
			rm -f "$tmp/r.sysrec"
			rec=$BIN/sysrec
			if [[ $args == @* ]]; then
				rec=${args%% *}
				rec=${rec#@}
				args=${args#@"$rec"}
			fi
			# shellcheck disable=SC2086
			"$rec" -q -v -w "$tmp/r.sysrec" $args 2>"$tmp/r.err" &
			rp=$!
			rec_wait_started "$tmp/r.err" $rp ||
				{ echo "sysrec $args failed: $(grep sysrec: "$tmp/r.err" | head -2)"; exit 1; }
			sleep 0.2
		fi
		# shellcheck disable=SC2086
		line=$($S $work)
		if [ -n "$rp" ]; then
			kill -INT $rp
			wait $rp
			rp=
		fi
		cpu[$l]="${cpu[$l]} $(echo "$line" | field cpu_ns_per_call)"
		wall[$l]="${wall[$l]} $(echo "$line" | field ns_per_call)"
	done
done
bc=$(echo ${cpu[bare]:-0} | median)
bw=$(echo ${wall[bare]:-0} | median)
echo "workload: rec_storm $work; median of $rounds alternating rounds"
bm=$(echo ${cpu[bare]:-0} | minimum)
fx=0
[ -n "$floor" ] && [ "$bc" != 0 ] && fx=$(echo "$(echo ${cpu[$floor]:-0} | median) - $bc" | bc -l)
printf '%-12s %9s %9s %9s %8s %8s %8s' config cpu_ns min_cpu wall_ns cpu_x min_x wall_x
[ -n "$floor" ] && printf ' %9s %8s' excess_ns xs/floor
echo
for l in "${labels[@]}"; do
	c=$(echo ${cpu[$l]} | median)
	m=$(echo ${cpu[$l]} | minimum)
	w=$(echo ${wall[$l]} | median)
	rx=- mx=- wx=- xr=-
	if [ "$bc" != 0 ]; then
		rx=$(printf '%.2fx' "$(echo "$c / $bc" | bc -l)")
		mx=$(printf '%.2fx' "$(echo "$m / $bm" | bc -l)")
		wx=$(printf '%.2fx' "$(echo "$w / $bw" | bc -l)")
	fi
	printf '%-12s %9.1f %9.1f %9.1f %8s %8s %8s' "$l" "$c" "$m" "$w" "$rx" "$mx" "$wx"
	if [ -n "$floor" ]; then
		[ "$(echo "$fx > 0" | bc)" = 1 ] && xr=$(printf '%.2fx' "$(echo "($c - $bc) / $fx" | bc -l)")
		printf ' %9.1f %8s' "$(echo "$c - $bc" | bc -l)" "$xr"
	fi
	echo
	[ -n "$VERBOSE" ] && echo "    samples: ${cpu[$l]}"
done
echo "  cpu_ns: median workload CPU (user+sys) per call; min_cpu: the least noisy run;"
echo "  wall_ns: median wall time per call; _x: ratio to bare (medians; min_x: minimums)."
[ -n "$floor" ] && echo "  excess_ns: cpu_ns over bare; xs/floor: that excess over $floor's."
