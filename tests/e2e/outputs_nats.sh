#!/bin/sh
# NATS outputs against real nats-server processes: (a) core publish seen by
# subscribers, on the subject template's subjects; (b) JetStream on a 3-node
# cluster, stream of replicas 3, the stream leader SIGKILLed as the burst starts and
# started again: every alert in the stream exactly once (Nats-Msg-Id = uuid).
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.inc
. tests/e2e/outputs.inc
need_replay outputs_nats
NT="$TOOLS/nats_tool"
command -v nats-server >/dev/null || { skip outputs_nats "no nats-server (apt-get install nats-server)"; exit 0; }
[ -x "$NT" ] || { skip outputs_nats "no $NT (make tools)"; exit 0; }
T=$(mktemp -d)
trap 'cleanup_pids; rm -rf "$T"' EXIT

# ---- (a) core publish ----
P=$(free_port)
nats-server -a 127.0.0.1 -p "$P" >"$T/ns.log" 2>&1 & PIDS="$!"
want=$(burst_expected)
half=$(( want / 2 ))
for i in $(seq 1 50); do "$NT" leader "nats://127.0.0.1:$P" none >/dev/null 2>&1; [ $? -ne 2 ] && break; sleep 0.1; done
"$NT" sub "nats://127.0.0.1:$P" 'sysrec.alerts.>' "$T/all.jsonl" "$want" 30 >"$T/s1" & s1=$!
"$NT" sub "nats://127.0.0.1:$P" 'sysrec.alerts.notice.*' "$T/notice.jsonl" "$half" 30 >"$T/s2" & s2=$!
for i in $(seq 1 50); do grep -q ready "$T/s1" && grep -q ready "$T/s2" && break; sleep 0.1; done
"$R" alerts --all --no-progress -r "$BURST_RULES" --alert-nats "nats://127.0.0.1:$P" \
	--alert-spool "$T/spool" $BURST_CAPS >/dev/null 2>"$T/err"
wait "$s1"; r1=$?
wait "$s2"; r2=$?
if [ "$r1" -eq 0 ] && [ "$r2" -eq 0 ] && msg=$(check_jsonl x "$T/all.jsonl" "$want") &&
	[ "$(grep -c '"rule":"Burst two"' "$T/notice.jsonl")" -eq "$half" ]; then
	pass "outputs_nats_core ($want alerts to a subscriber, $half on sysrec.alerts.notice.*)"
else
	fail outputs_nats_core "subscribers $r1/$r2, $(wc -l <"$T/all.jsonl") received: ${msg:-} $(grep output "$T/err")"
fi
cleanup_pids

# ---- (b) JetStream, 3-node cluster ----
C1=$(free_port); C2=$(free_port); C3=$(free_port)
P1=$(free_port); P2=$(free_port); P3=$(free_port)
ROUTES="nats://127.0.0.1:$C1,nats://127.0.0.1:$C2,nats://127.0.0.1:$C3"
node() { # N CLIENTPORT CLUSTERPORT: starts node N, its PID in NPID_N
	nats-server -n "n$1" -a 127.0.0.1 -p "$2" -js -sd "$T/store$1" --cluster_name C \
		--cluster "nats://127.0.0.1:$3" --routes "$ROUTES" >>"$T/n$1.log" 2>&1 &
	eval "NPID_$1=$!"
	PIDS="$PIDS $!"
}
node 1 "$P1" "$C1"; node 2 "$P2" "$C2"; node 3 "$P3" "$C3"
URLS="nats://127.0.0.1:$P1,nats://127.0.0.1:$P2,nats://127.0.0.1:$P3"
ok=0
for i in $(seq 1 100); do
	"$NT" stream-add "$URLS" ALERTS "sysrec.alerts.>" 3 2>"$T/add.err" && { ok=1; break; }
	sleep 0.2
done
[ "$ok" = 1 ] || { fail outputs_nats_js "the cluster did not form: $(tail -1 "$T/add.err")"; exit 0; }
leader=$("$NT" leader "$URLS" ALERTS)
case "$leader" in n1 | n2 | n3) ;; *) fail outputs_nats_js "no stream leader ($leader)"; exit 0 ;; esac
n=${leader#n}
cat >"$T/js.yaml" <<EOC
outputs:
  spool_dir: $T/jsspool
  drain_timeout: 90s
  nats:
    enabled: true
    servers: [nats://127.0.0.1:$P1, nats://127.0.0.1:$P2, nats://127.0.0.1:$P3]
    jetstream: true
    timeout: 2s
EOC
jswant=$("$R" alerts --all --no-progress -r "$BURST_RULES" tests/fixtures/benign.sysrec 2>/dev/null | wc -l)
# the leader dies just before the alerts go out (they all go within a second
# now that publishing is asynchronous): the first window meets a stream
# without a leader until the others elect one (seconds), and is sent again
eval "kill -9 \$NPID_$n"
"$R" alerts --all --no-progress -r "$BURST_RULES" --outputs "$T/js.yaml" \
	tests/fixtures/benign.sysrec >/dev/null 2>"$T/jserr" & rp=$!
sleep 2
eval "node $n \$P$n \$C$n"
wait "$rp"; rc=$?
"$NT" stream-dump "$URLS" ALERTS "$T/stream.jsonl"
if [ "$rc" -ne 0 ]; then
	fail outputs_nats_js "sysreplay exit $rc: $(tail -2 "$T/jserr")"
elif grep -q " 0 retried" "$T/jserr"; then
	fail outputs_nats_js "the leader's death caused no retry: $(grep output "$T/jserr")"
elif msg=$(check_jsonl x "$T/stream.jsonl" "$jswant"); then
	pass "outputs_nats_js ($jswant alerts exactly once in a replicas-3 stream, leader $leader killed; $(sed -n 's/.*output nats: .* \([0-9]* retried\).*/\1/p' "$T/jserr"))"
else
	fail outputs_nats_js "$msg; $(grep output "$T/jserr")"
fi
