#!/bin/bash
# state_compare.sh: the state engine before/after, side by side in one run.
#   bench/state_compare.sh [REV [EVENTS [ROUNDS]]]   (default HEAD, 1000000, 3)
# Builds REV's bench_state.c against REV's common/, format/ and state/ (from
# git, into a temporary folder) and the working tree's bench_state, then runs
# the two alternately ROUNDS times (each run is already best of 3) and prints
# the best ns/event per mix for each, with the ratio. Only mixes both know are
# compared. Optional: CALLGRIND=1 adds instructions per event (stable on a
# noisy machine; 200000 events).
cd "$(dirname "$0")/.." || exit 2
REV=${1:-HEAD}
N=${2:-1000000}
ROUNDS=${3:-3}
OUT=${OUT:-.output}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

CF="-O2 -g -std=gnu11 -I$tmp -I$tmp/.output -D_GNU_SOURCE -w"
git archive "$REV" common format state bench/bench_state.c | tar -x -C "$tmp" || exit 2
mkdir -p "$tmp/.output" "$tmp/obj"
for f in "$tmp"/common/*.c "$tmp"/format/*.c "$tmp"/state/*.c; do
	cc $CF -c "$f" -o "$tmp/obj/$(basename "$(dirname "$f")")_$(basename "$f" .c).o" || exit 2
done
ar rcs "$tmp/old.a" "$tmp"/obj/*.o
cc $CF -o "$tmp/bench_old" "$tmp/bench/bench_state.c" "$tmp/old.a" -lzstd -lyaml -lcjson -lz -lm \
	-lpthread || exit 2
make -s "$OUT/bench/bench_state" || exit 2
new="$OUT/bench/bench_state"

for r in $(seq "$ROUNDS"); do
	"$tmp/bench_old" "$N" | awk '$2 ~ /^[0-9]+$/ {print "old", $1, $3}'
	"$new" "$N" | awk '$2 ~ /^[0-9]+$/ {print "new", $1, $3}'
done >"$tmp/runs"

echo "state engine: $REV vs working tree, $N events per mix, best of $ROUNDS x 3 runs, ns/event"
printf '%-11s %12s %12s %8s\n' mix "$REV" "working" ratio
awk '{ k = $1 SUBSEP $2; if (!(k in best) || $3 < best[k]) best[k] = $3; mixes[$2] = 1; order[NR] = $2 }
     END { for (i = 1; i <= NR; i++) { m = order[i]; if (seen[m]++) continue;
		o = best["old", m]; n = best["new", m];
		if (o == "") printf "%-11s %12s %12.1f %8s\n", m, "-", n, "-";
		else printf "%-11s %12.1f %12.1f %7.2fx\n", m, o, n, o / n } }' "$tmp/runs"

if [ -n "$CALLGRIND" ] && command -v valgrind >/dev/null; then
	echo
	echo "instructions per event in st_event_begin+st_event_end (callgrind, 200000 events)"
	printf '%-11s %12s %12s %8s\n' mix "$REV" "working" ratio
	for m in mixed io open_close lifecycle; do
		for b in "$tmp/bench_old" "$new"; do
			valgrind --tool=callgrind --toggle-collect=st_event_begin \
				--toggle-collect=st_event_end --callgrind-out-file="$tmp/cg" \
				"$b" 200000 "$m" 2>&1 | awk '/refs/ {gsub(",", "", $4); print $4 / 600000}'
		done | paste -sd' ' | awk -v m="$m" '{printf "%-11s %12.0f %12.0f %7.2fx\n", m, $1, $2, $1 / $2}'
	done
fi
