#!/bin/bash
# A recorder killed while it publishes resumes after a restart without loss
# or duplicates: sysrec records with --fleet-server into a ring (-C), the
# 3-node cluster (real nats-server, started here, stopped by PID) goes away
# so chunks pile up unsent, the recorder is SIGKILLed, the cluster comes
# back, and a new sysrec on the same -w takes the killed one's file into
# its ring and sends what the stream lacks, from FILE.fleet.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.inc
. tests/e2e/record_lib.inc
. tests/e2e/nats_cluster.inc
N=fleet_recorder_restart
command -v nats-server >/dev/null || { skip $N "nats-server not installed"; exit 0; }
why=$(record_can_run) || { skip $N "$why"; exit 0; }
T=$(mktemp -d)
RP=""
cleanup() {
	[ -n "$RP" ] && kill -9 "$RP" 2>/dev/null
	nats_cluster_stop
	rm -rf "$T"
}
trap cleanup EXIT
nats_cluster_start "$T" || { fail $N "fleet init: $(tail -1 "$T/init.out")"; exit 0; }
# the same nodes again, on their ports and stores (after nats_cluster_stop)
nats_cluster_again() {
	local k routes="nats://127.0.0.1:$((NB + 3)),nats://127.0.0.1:$((NB + 4)),nats://127.0.0.1:$((NB + 5))"
	for k in 0 1 2; do
		nats-server -n "n$k" -a 127.0.0.1 -p $((NB + k)) -m $((NB + 6 + k)) -js -sd "$T/s$k" \
			--cluster_name C --cluster "nats://127.0.0.1:$((NB + 3 + k))" --routes "$routes" \
			>>"$T/n$k.log" 2>&1 &
		NATS_PIDS="$NATS_PIDS $!"
	done
}
load() { # SECONDS of syscalls from this host
	local end=$((SECONDS + $1))
	while [ $SECONDS -lt "$end" ]; do
		for _ in $(seq 200); do cat /etc/hostname >/dev/null; done
	done
}
# a restarted cluster elects its leaders before it stores anything: a
# drain time that outlasts that
cat >"$T/f.yaml" <<EOC
fleet:
  servers: [nats://127.0.0.1:$NB, nats://127.0.0.1:$((NB + 1)), nats://127.0.0.1:$((NB + 2))]
  drain: 90s
EOC
mkdir "$T/r"
W="$T/r/cap.sysrec"
"$BIN/sysrec" -q -c "$T/f.yaml" -w "$W" -C 1 -W 100 --hostname kappa 2>"$T/r1.err" &
RP=$!
for _ in $(seq 100); do [ -s "$W.fleet" ] && break; sleep 0.1; done
load 2
acked=$(awk '{print $3}' "$W.fleet" 2>/dev/null)
nats_cluster_stop
load 3
sleep 1.5 # the last chunk flushed (every second)
kill -9 $RP
wait $RP 2>/dev/null
RP=""
local_n=$("$R" events -c "$W" 2>/dev/null)
[ -n "$acked" ] && [ "${local_n:-0}" -gt 0 ] &&
	pass "$N: recorder SIGKILLed with the cluster away ($local_n events on disk, $acked chunks of the first file acknowledged)" ||
	fail "$N: setup" "acked '$acked' local '$local_n' $(tail -2 "$T/r1.err")"

nats_cluster_again
"$BIN/sysrec" -c "$T/f.yaml" -w "$W" -C 1 -W 100 --hostname kappa -- sleep 1 >/dev/null 2>"$T/r2.err"
rc=$?
grep -q "not sent" "$T/r2.err" || [ $rc != 0 ] &&
	fail "$N: restarted recorder" "exit $rc: $(grep -E 'fleet|sysrec:' "$T/r2.err" | head -3)" ||
	pass "$N: the restarted recorder sent the backlog ($(grep 'fleet:' "$T/r2.err" | head -1))"
all_n=$("$R" events -c "$W" 2>/dev/null)
nats_n=$("$R" events -c "$NATS_URL?host=kappa" 2>"$T/ev.err")
"$R" hosts "$NATS_URL" >"$T/hosts.out" 2>&1
# the -w name reads the whole set: one "chunks" line per file
chunks_local=$("$R" info "$W" 2>/dev/null | awk '$1=="chunks"{s+=$2} END{print s+0}')
chunks_nats=$(awk '$1=="kappa"{print $3}' "$T/hosts.out")
if [ -n "$nats_n" ] && [ "$nats_n" = "$all_n" ] && [ "$all_n" -gt "$local_n" ] &&
	[ "$chunks_local" = "$chunks_nats" ] &&
	awk '$1=="kappa"{exit ($(NF-1)!=0 || $NF!=0)}' "$T/hosts.out"; then
	pass "$N: the stream holds both recorders' $all_n events, $chunks_nats chunks, no gap, no duplicate"
else
	fail "$N: after restart" "local $all_n/$chunks_local nats $nats_n/$chunks_nats $(grep kappa "$T/hosts.out") $(head -2 "$T/ev.err")"
fi
