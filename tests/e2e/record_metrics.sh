#!/bin/bash
# --metrics: /metrics in Prometheus text format and /healthz, scraped with
# curl during a recording; the counters move between two scrapes, and once
# the recorded process is idle they agree with `sysreplay info` of the file
# and with the alerts printed. Off unless asked; a bad address is refused.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_metrics "$why"; exit 0; }
command -v curl >/dev/null || { skip record_metrics "no curl"; exit 0; }

tmp=$(mktemp -d)
rp=""
trap '[ -n "$rp" ] && kill $rp 2>/dev/null; rm -rf "$tmp"' EXIT
port=$((20000 + $$ % 20000))
# only this program's events are recorded (--comm), so the totals settle
cp /bin/dd "$tmp/mtrx_load"
echo secret >"$tmp/secret"
cat >"$tmp/r.yaml" <<Y
- rule: mtrx secret read
  desc: test
  condition: evt.type in (open, openat) and proc.name = mtrx_load and fd.name = "$tmp/secret"
  output: "secret read (file=%fd.name)"
  priority: WARNING
Y
val() { # FILE METRIC-LINE-PREFIX: the value of the first matching sample
	grep -F "$2" "$1" | grep -v '^#' | head -1 | awk '{print $NF}'
}
rec_bg "$tmp/err" -w "$tmp/m.sysrec" --comm mtrx_load -r "$tmp/r.yaml" \
	--metrics "127.0.0.1:$port" --alert-file "$tmp/alerts.file" -M 30 >"$tmp/alerts"
"$tmp/mtrx_load" if=/dev/zero of=/dev/null bs=64 count=20000 2>/dev/null
sleep 1.3
curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/s1"
for _ in 1 2 3; do "$tmp/mtrx_load" if="$tmp/secret" of=/dev/null 2>/dev/null; done
"$tmp/mtrx_load" if=/dev/zero of=/dev/null bs=64 count=20000 2>/dev/null
sleep 2.5
curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/s2"
health=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")
nf=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope")
kill -INT $rp
wait $rp
rc=$?
rp=""
info=$("$BIN/sysreplay" info "$tmp/m.sysrec" 2>/dev/null)
ev1=$(val "$tmp/s1" 'falcosecurity_scap_n_evts_total ')
ev2=$(val "$tmp/s2" 'falcosecurity_scap_n_evts_total ')
ch2=$(val "$tmp/s2" 'sysrec_chunks_written_total ')
dr2=$(val "$tmp/s2" 'falcosecurity_scap_n_drops_total{reason="ring_full"}')
m2=$(val "$tmp/s2" 'falcosecurity_falco_rules_matches_total{rule_name="mtrx secret read",priority="Warning"')
files=$(val "$tmp/s2" 'sysrec_ring_files ')
file_ev=$(echo "$info" | awk '$1 == "events" {print $2}')
file_dr=$(echo "$info" | awk '$1 == "drops" {print $2}')
alerts=$(grep -c 'secret read' "$tmp/alerts")
if [ "$rc" -ne 0 ]; then
	fail record_metrics "sysrec exit $rc: $(cat "$tmp/err")"
elif [ ! -s "$tmp/s2" ] || ! grep -q '^# TYPE falcosecurity_scap_n_evts_total counter$' "$tmp/s2"; then
	fail record_metrics "no Prometheus text: $(head -3 "$tmp/s2")"
elif [ -z "$ev1" ] || [ -z "$ev2" ] || [ "$ev2" -le "$ev1" ] || [ "$ev1" -lt 20000 ]; then
	fail record_metrics "events did not move: $ev1 then $ev2"
elif [ "$ev2" != "$file_ev" ] || [ "$dr2" != "$file_dr" ]; then
	fail record_metrics "scrape: $ev2 events $dr2 drops; sysreplay info: $file_ev events $file_dr drops"
elif [ "$m2" != 3 ] || [ "$alerts" != 3 ]; then
	fail record_metrics "rule matches $m2, alerts printed $alerts, want 3"
elif [ "$files" != 1 ] || [ "${ch2:-0}" -lt 2 ]; then
	fail record_metrics "ring files $files, chunks $ch2"
elif [ "$health" != 200 ] || [ "$nf" != 404 ]; then
	fail record_metrics "/healthz $health, /nope $nf"
else
	pass record_metrics
fi
# the alert outputs' delivery counters: the file output delivered the 3
# alerts it was given, dropped none, and the Falco drop total agrees
sent=$(val "$tmp/s2" 'sysrec_output_sent_total{output="file"}')
acc=$(val "$tmp/s2" 'sysrec_output_accepted_total{output="file"}')
odr=$(val "$tmp/s2" 'sysrec_output_dropped_total{output="file"}')
qdr=$(val "$tmp/s2" 'falcosecurity_falco_outputs_queue_num_drops_total ')
infile=$(grep -c 'secret read' "$tmp/alerts.file" 2>/dev/null)
if [ "$sent" = 3 ] && [ "$acc" = 3 ] && [ "$odr" = 0 ] && [ "$qdr" = 0 ] && [ "$infile" = 3 ]; then
	pass record_metrics_outputs
else
	fail record_metrics_outputs "file output: accepted $acc sent $sent dropped $odr (queue drops $qdr), $infile in the file"
fi
if grep -q '^sysrec_ring_fill_ratio{cpu="0"} [0-9.]*$' "$tmp/s2" &&
	grep -q '^sysrec_compression_ratio [0-9.]*$' "$tmp/s2" &&
	grep -q '^sysrec_consumer_lag_seconds [0-9.]*$' "$tmp/s2"; then
	pass record_metrics_gauges
else
	fail record_metrics_gauges "$(grep -E 'fill|ratio|lag' "$tmp/s2" | grep -v '^#')"
fi

# off by default: nothing listens
"$BIN/sysrec" -q -w "$tmp/off.sysrec" -M 2 2>/dev/null &
p2=$!
sleep 1
if curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; then
	fail record_metrics_off "something answers on $port without --metrics"
else
	pass record_metrics_off
fi
wait $p2

# a bad address: one line, exit 2, no file
err=$("$BIN/sysrec" -w "$tmp/bad.sysrec" --metrics 256.1.1.1:80 -M 1 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] && [ ! -e "$tmp/bad.sysrec" ]; then
	pass record_metrics_bad_listen
else
	fail record_metrics_bad_listen "exit $rc: $err"
fi
