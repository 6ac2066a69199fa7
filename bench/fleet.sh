#!/bin/bash
# The fleet on a 3-node JetStream cluster on loopback (replicas 3): publish
# throughput (sysrec fleet push of synthetic captures, chunks/s, MB/s,
# events/s) and `sysreplay alerts nats://` over HOSTS captures versus the
# same over the local files. Prints a table.
#   EVENTS=3333334 HOSTS=3 bench/fleet.sh
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-bin}
OUT=${OUT:-.output}
EVENTS=${EVENTS:-3333334}
HOSTS=${HOSTS:-3}
command -v nats-server >/dev/null || { echo "fleet: nats-server not installed"; exit 0; }
T=$(mktemp -d)
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT
B=$((24000 + RANDOM % 3000 * 10))
ROUTES="nats://127.0.0.1:$((B + 3)),nats://127.0.0.1:$((B + 4)),nats://127.0.0.1:$((B + 5))"
for n in 0 1 2; do
	mkdir -p "$T/s$n"
	nats-server -n "n$n" -a 127.0.0.1 -p $((B + n)) -m $((B + 6 + n)) -js -sd "$T/s$n" \
		--cluster_name C --cluster "nats://127.0.0.1:$((B + 3 + n))" --routes "$ROUTES" \
		>"$T/n$n.log" 2>&1 &
	PIDS="$PIDS $!"
done
S="--server nats://127.0.0.1:$B --server nats://127.0.0.1:$((B + 1)) --server nats://127.0.0.1:$((B + 2))"
for _ in $(seq 60); do "$BIN/sysrec" fleet init $S --max-bytes 20000000000 >/dev/null 2>&1 && break; sleep 0.5; done
now() { date +%s.%N; }
files=""
for h in $(seq "$HOSTS"); do
	"$OUT/tools/gen_capture" -o "$T/h$h.sysrec" -n "$EVENTS" --seed "$h" >/dev/null
	files="$files $T/h$h.sysrec"
done
bytes=$(cat $files | wc -c)
t0=$(now)
for h in $(seq "$HOSTS"); do
	"$BIN/sysrec" fleet push $S --hostname "h$h" -w "$T/h$h.sysrec" >"$T/push$h.out" || echo "push h$h failed"
done
t1=$(now)
chunks=0
for h in $(seq "$HOSTS"); do chunks=$((chunks + $(awk '{print $2}' "$T/push$h.out"))); done
pub=$(echo "$t1 - $t0" | bc)
printf "%-44s %s\n" "publish: events / chunks / MB" "$((EVENTS * HOSTS)) / $chunks / $((bytes / 1000000))"
printf "%-44s %.1f s: %.0f chunks/s, %.1f MB/s, %.0f events/s\n" "publish time (replicas 3, fleet push)" \
	"$pub" "$(echo "$chunks / $pub" | bc -l)" "$(echo "$bytes / 1000000 / $pub" | bc -l)" \
	"$(echo "$EVENTS * $HOSTS / $pub" | bc -l)"
t0=$(now)
"$BIN/sysreplay" alerts $files >"$T/al.local" 2>/dev/null
t1=$(now)
"$BIN/sysreplay" alerts "nats://127.0.0.1:$B/SYSREC" >"$T/al.nats" 2>/dev/null
t2=$(now)
printf "%-44s %.1f s (%s alerts)\n" "alerts, local files" "$(echo "$t1 - $t0" | bc)" "$(wc -l <"$T/al.local")"
printf "%-44s %.1f s (%s alerts, %s)\n" "alerts, nats:// (download + rebuild + read)" "$(echo "$t2 - $t1" | bc)" \
	"$(wc -l <"$T/al.nats")" "$(cmp -s "$T/al.local" "$T/al.nats" && echo same || echo DIFFERENT)"
