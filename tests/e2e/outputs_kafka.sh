#!/bin/sh
# Kafka output against librdkafka's mock cluster (3 brokers; no broker
# package exists here): the partition leader is made unavailable mid-burst
# through the mock API and brought back; a consumer group then reads every
# alert, in order. The output produces each alert once; librdkafka's
# idempotent producer itself can still write one twice while the leader
# changes (rarely), so up to 1% repeats are reported, not failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.inc
. tests/e2e/outputs.inc
# the largest burst: the outage has to fall inside it
BURST_CAPS=$(ls tests/fixtures/*.sysrec)
need_replay outputs_kafka
KM="$TOOLS/kafka_mock"
[ -x "$KM" ] || { skip outputs_kafka "no $KM (make tools; needs librdkafka-dev)"; exit 0; }
T=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; cleanup_pids; rm -rf "$T"' EXIT
mkfifo "$T/cmd"
"$KM" sysrec-alerts <"$T/cmd" >"$T/km.out" 2>"$T/km.err" & PIDS="$!"
exec 3>"$T/cmd"
ask() { # CMD: one command, waits for its answer line
	n=$(wc -l <"$T/km.out")
	echo "$1" >&3
	for i in $(seq 1 600); do [ "$(wc -l <"$T/km.out")" -gt "$n" ] && break; sleep 0.1; done
	tail -1 "$T/km.out"
}
for i in $(seq 1 50); do [ -s "$T/km.out" ] && break; sleep 0.1; done
BOOT=$(head -1 "$T/km.out")
[ -n "$BOOT" ] || { fail outputs_kafka "the mock cluster did not start: $(cat "$T/km.err")"; exit 0; }
want=$(burst_expected)
cat >"$T/out.yaml" <<EOC
outputs:
  spool_dir: $T/spool
  drain_timeout: 60s
  kafka:
    enabled: true
    brokers: $BOOT
    topic: sysrec-alerts
EOC
"$R" alerts --all --no-progress -r "$BURST_RULES" --outputs "$T/out.yaml" $BURST_CAPS \
	>/dev/null 2>"$T/err" & rp=$!
# mid-burst: once the spool's cursor shows a first delivery
for i in $(seq 1 500); do
	off=$(od -An -tu8 -j8 -N8 "$T/spool/kafka/cursor" 2>/dev/null | tr -d ' ')
	[ "${off:-0}" -gt 0 ] && break
	sleep 0.01
done
down=$(ask "down 1")
sleep 2
up=$(ask "up 1")
wait "$rp"; rc=$?
got=$(ask "consume $want 60 $T/got.jsonl")
# the outage must have been felt: some alert waited for it
lat=$(sed -n 's/.*output kafka: .*max \([0-9]*\)\..*/\1/p' "$T/err")
if [ "$rc" -ne 0 ] || [ "$down" != ok ] || [ "$up" != ok ]; then
	fail outputs_kafka "sysreplay exit $rc, mock down/up: $down/$up: $(tail -2 "$T/err")"
elif [ "${lat:-0}" -lt 1000 ]; then
	fail outputs_kafka "no alert waited for the broker (max latency ${lat:-?} ms): burst over before the outage"
elif msg=$(check_jsonl x "$T/got.jsonl" "$want" $((want / 100))); then
	pass "outputs_kafka ($want alerts consumed in order${msg:+, $msg}, leader broker down 2 s mid-burst; max latency $lat ms)"
else
	fail outputs_kafka "$msg ($got); $(grep output "$T/err")"
fi
