#!/bin/bash
# Latency of the kill_process response action, from the offending syscall's
# timestamp to the target's death, both as the kernel stamped them in the
# capture (the openat of a secret file, the target's procexit), and to the
# ACTION record, stamped once SIGKILL was sent: from then on the target runs
# no more code of its own, whenever it is scheduled to finish exiting.
#
#   bench/actions.sh [-n TRIALS] [-l] [POLL ...]
#
# For each POLL (actions.poll of sysrec.yaml(5): the longest wait of the
# ring consumer; default list 1ms 5ms 5ms+rt 100ms; +rt sets
# actions.realtime, the consumer at SCHED_FIFO) a recorder runs with a
# rule whose actions are [kill_process]; TRIALS (100) processes read the
# secret one after another and would then sleep 5 s. -l adds a load: a
# process making about 150k cheap syscalls a second during the trials.
# Prints p50/p99/max per POLL. Needs root; run after `make`.
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-bin}
n=100
load=0
while getopts n:l o; do
	case $o in
	n) n=$OPTARG ;;
	l) load=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- 1ms 5ms 5ms+rt 100ms
[ "$(id -u)" -eq 0 ] || { echo "bench/actions.sh: needs root"; exit 2; }
[ -x "$BIN/sysrec" ] && [ -x "$BIN/sysreplay" ] || { echo "bench/actions.sh: run make first"; exit 2; }
T=$(mktemp -d)
rp= lp=
trap '[ -n "$rp" ] && kill -9 $rp 2>/dev/null; [ -n "$lp" ] && kill -9 $lp 2>/dev/null; rm -rf "$T"' EXIT
echo s3cret >"$T/secret"
cat >"$T/rules.yaml" <<Y
- rule: Secret read
  desc: bench
  condition: evt.type in (open, openat, openat2) and fd.name = $T/secret
  output: secret read by %proc.name (pid %proc.pid)
  priority: critical
  actions: [kill_process]
Y

# pct P: the P-th percentile (nearest rank) of the numbers on stdin
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; print a[i]}'; }

printf '%-8s %6s  %31s  %31s\n' poll trials "syscall->exit p50/p99/max" "syscall->SIGKILL p50/p99/max"
for poll in "$@"; do
	rt=false
	case $poll in *+rt) rt=true ;; esac
	printf 'actions:\n  enabled: true\n  poll: %s\n  realtime: %s\n' "${poll%+rt}" "$rt" >"$T/cfg.yaml"
	rm -f "$T/cap.sysrec"
	"$BIN/sysrec" -v -q -c "$T/cfg.yaml" -r "$T/rules.yaml" -w "$T/cap.sysrec" -M 600 \
		>/dev/null 2>"$T/err" &
	rp=$!
	for _ in $(seq 1200); do grep -q "recording to" "$T/err" && break; sleep 0.05; done
	if [ "$load" = 1 ]; then
		(while :; do cat /proc/self/stat >/dev/null; done) &
		lp=$!
	fi
	for _ in $(seq "$n"); do
		{ sh -c "read x < $T/secret; sleep 5"; } 2>/dev/null
		sleep 0.05
	done
	[ -n "$lp" ] && { kill -9 "$lp"; wait "$lp" 2>/dev/null; lp=; }
	kill -INT "$rp"
	wait "$rp"
	rp=
	"$BIN/sysreplay" events -p '%evt.rawtime %evt.type %proc.pid' \
		-f "(evt.type in (open, openat, openat2) and fd.name = $T/secret) or (evt.type = procexit and proc.name = sh) or evt.type = action" \
		"$T/cap.sysrec" >"$T/ev" 2>/dev/null
	# per pid: the first offending syscall, its death, its ACTION record (ms)
	awk '$2 != "procexit" && $2 != "action" { if (!($3 in o)) o[$3] = $1 }
	     $2 == "procexit" { if (!($3 in d)) d[$3] = $1 }
	     $2 == "action" { if (!($3 in a)) a[$3] = $1 }
	     END { for (p in o) if ((p in d) && (p in a)) printf "%.1f %.1f\n", (d[p] - o[p]) / 1e6, (a[p] - o[p]) / 1e6 }' \
		"$T/ev" >"$T/lat"
	got=$(wc -l <"$T/lat")
	death=$(printf '%s/%s/%s' "$(cut -d' ' -f1 "$T/lat" | pct 50)" "$(cut -d' ' -f1 "$T/lat" | pct 99)" "$(cut -d' ' -f1 "$T/lat" | pct 100)")
	act=$(printf '%s/%s/%s' "$(cut -d' ' -f2 "$T/lat" | pct 50)" "$(cut -d' ' -f2 "$T/lat" | pct 99)" "$(cut -d' ' -f2 "$T/lat" | pct 100)")
	printf '%-8s %6s  %28s ms  %28s ms\n' "$poll" "$got" "$death" "$act"
done
