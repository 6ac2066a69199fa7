#!/bin/bash
# Alert outputs: delivered alerts per second through each output, and the
# spool's cost. Prints a table.
#
#   bench/outputs.sh          (after make and make tools; nats-server optional)
#
# Each row: `sysreplay alerts` over every fixture with two rules that alert
# on every event (tests/fixtures/outputs_burst.yaml, 10850 alerts) and one
# output; the time is from start to the last delivery (the run waits for its
# drain), so alerts/s is end to end: render, queue, spool write, spool read,
# send, acknowledgement. "none" is the same run with no output (stdout to
# /dev/null): the replay's own share of the time.
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-bin}
OUT=${OUT:-.output}
R=$BIN/sysreplay
T=$(mktemp -d)
PIDS=""
trap 'for p in $PIDS; do kill -9 $p 2>/dev/null; done; rm -rf "$T"' EXIT
RULES=tests/fixtures/outputs_burst.yaml
CAPS=$(ls tests/fixtures/*.sysrec)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
N=$("$R" alerts --all --no-progress -r $RULES $CAPS 2>/dev/null | wc -l)

row() { # NAME YAML-LINES...
	local name=$1 t0 t1
	shift
	{ echo "outputs:"; echo "  spool_dir: $T/spool-$name"; echo "  drain_timeout: 300s"; printf '%s\n' "$@"; } >"$T/$name.yaml"
	t0=$(date +%s.%N)
	if [ "$name" = none ]; then
		"$R" alerts --all --no-progress -r $RULES $CAPS >/dev/null 2>"$T/$name.err"
	else
		"$R" alerts --all --no-progress -r $RULES --outputs "$T/$name.yaml" $CAPS >/dev/null 2>"$T/$name.err"
	fi
	t1=$(date +%s.%N)
	local sent=$(sed -n 's/.*output [a-z]*: [0-9]* accepted, \([0-9]*\) sent.*/\1/p' "$T/$name.err")
	local lat=$(sed -n 's/.*latency avg \([0-9.]*\) ms.*/\1/p' "$T/$name.err")
	printf '  %-16s %8s %9.2f %10.0f %14s\n' "$name" "${sent:-$N}" "$(echo "$t1 - $t0" | bc)" \
		"$(echo "${sent:-$N} / ($t1 - $t0)" | bc -l)" "${lat:--}"
}

echo "alert outputs: $N alerts (sysreplay alerts over tests/fixtures/*.sysrec), end to end"
printf '  %-16s %8s %9s %10s %14s\n' output sent seconds alerts/s "avg lat ms"
row none
row file "  file: {enabled: true, path: $T/alerts.log, format: json}"
row program "  program: {enabled: true, command: 'cat >/dev/null'}"
if [ -x "$OUT/tools/http_sink" ]; then
	P=$(port)
	"$OUT/tools/http_sink" "$P" "$T/http.jsonl" & PIDS="$PIDS $!"
	sleep 0.3
	row http "  http: {enabled: true, url: 'http://127.0.0.1:$P/'}"
fi
if command -v nats-server >/dev/null && [ -x "$OUT/tools/nats_tool" ]; then
	P=$(port)
	nats-server -a 127.0.0.1 -p "$P" -js -sd "$T/js" >/dev/null 2>&1 & PIDS="$PIDS $!"
	for i in $(seq 50); do "$OUT/tools/nats_tool" stream-add "nats://127.0.0.1:$P" A 'sysrec.alerts.>' 1 2>/dev/null && break; sleep 0.1; done
	row nats_core "  nats: {enabled: true, servers: 'nats://127.0.0.1:$P', subject: 'other.<priority>'}"
	row nats_jetstream "  nats: {enabled: true, servers: 'nats://127.0.0.1:$P', jetstream: true}"
fi
if [ -x "$OUT/tools/kafka_mock" ]; then
	mkfifo "$T/kcmd"
	"$OUT/tools/kafka_mock" sysrec-alerts <"$T/kcmd" >"$T/km.out" 2>/dev/null & PIDS="$PIDS $!"
	exec 3>"$T/kcmd"
	for i in $(seq 50); do [ -s "$T/km.out" ] && break; sleep 0.1; done
	row kafka_mock "  kafka: {enabled: true, brokers: '$(head -1 "$T/km.out")'}"
	exec 3>&-
fi
