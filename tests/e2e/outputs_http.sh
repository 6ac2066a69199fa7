#!/bin/sh
# HTTP webhook output against a real receiver (libmicrohttpd, tests/tools/
# http_sink): the receiver is killed during a burst of alerts and started
# again; every alert arrives by uuid, in order per rule. A request the
# receiver took just before it died, unanswered, is sent again (at least
# once): up to 1% repeats are reported, not failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.inc
. tests/e2e/outputs.inc
need_replay outputs_http
SINK="$TOOLS/http_sink"
[ -x "$SINK" ] || { skip outputs_http "no $SINK (make tools)"; exit 0; }
T=$(mktemp -d)
trap 'cleanup_pids; rm -rf "$T"' EXIT
PORT=$(free_port)
want=$(burst_expected)
cat >"$T/out.yaml" <<EOC
outputs:
  spool_dir: $T/spool
  drain_timeout: 60s
  http:
    enabled: true
    url: http://127.0.0.1:$PORT/alerts
    headers:
      X-Test: sysrec
    timeout: 2s
EOC
"$SINK" "$PORT" "$T/got.jsonl" & PIDS="$!"
sleep 0.3
"$R" alerts --all --no-progress -r "$BURST_RULES" --outputs "$T/out.yaml" $BURST_CAPS \
	>/dev/null 2>"$T/err" & rp=$!
# the receiver dies after part of the burst, and comes back a second later
for i in $(seq 1 50); do [ "$(wc -l <"$T/got.jsonl")" -gt 200 ] && break; sleep 0.05; done
cleanup_pids
before=$(wc -l <"$T/got.jsonl")
sleep 1
"$SINK" "$PORT" "$T/got.jsonl" & PIDS="$!"
wait "$rp"; rc=$?
if [ "$rc" -ne 0 ]; then
	fail outputs_http "sysreplay exit $rc: $(tail -2 "$T/err")"
elif [ "$before" -ge "$want" ]; then
	fail outputs_http "the receiver had all $want alerts before it was stopped: no outage tested"
elif ! grep -q "retried" "$T/err" || grep -q " 0 retried" "$T/err"; then
	fail outputs_http "no retry counted: $(grep output "$T/err")"
elif msg=$(check_jsonl outputs_http "$T/got.jsonl" "$want" $((want / 100))); then
	pass "outputs_http ($want alerts, $before before the outage, in order${msg:+, $msg})"
else
	fail outputs_http "$msg"
fi
# a receiver answering 500 is not delivery: alerts stay spooled, counted;
# meanwhile the file output beside it gets every alert (a failing output
# holds up no other)
rm -rf "$T/spool2"
cleanup_pids
"$SINK" "$PORT" "$T/none.jsonl" 500 & PIDS="$!"
sleep 0.3
"$R" alerts --no-progress -r "$BURST_RULES" --alert-http "http://127.0.0.1:$PORT/" \
	--alert-file "$T/f.log" --alert-spool "$T/spool2" tests/fixtures/benign.sysrec >/dev/null 2>"$T/err2"
n=$(sed -n 's/.*output http: \([0-9]*\) accepted, \([0-9]*\) sent.* \([0-9]*\) spooled.*/\1 \2 \3/p' "$T/err2")
set -- $n
if [ "${1:-0}" -gt 0 ] && [ "$2" = 0 ] && [ "$3" = "$1" ] && [ "$(wc -l <"$T/f.log")" = "$1" ]; then
	pass "outputs_http_500 ($1 alerts kept in the spool on HTTP 500, all $1 in the file output)"
else
	fail outputs_http_500 "counters: $(grep 'output http' "$T/err2")"
fi
