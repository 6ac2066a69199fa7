#!/bin/bash
# The recorder is SIGKILLed while its HTTP target is down: the alerts wait
# in the spool on disk; a new sysrec with the same spool delivers them when
# the target is back, each once.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
. tests/e2e/outputs.inc
why=$(record_can_run) || { skip outputs_restart "$why"; exit 0; }
SINK="$TOOLS/http_sink"
[ -x "$SINK" ] || { skip outputs_restart "no $SINK (make tools)"; exit 0; }
T=$(mktemp -d)
trap 'cleanup_pids; [ -s "$T/cmd.pid" ] && kill -9 "$(cat "$T/cmd.pid")" 2>/dev/null; rm -rf "$T"' EXIT
cat >"$T/r.yaml" <<'YAML'
- rule: Spool Marker
  desc: a file whose name holds the test's marker was opened
  condition: evt.type in (open, openat) and fd.name contains "spoolmark"
  output: "spool marker opened (file=%fd.name proc=%proc.name)"
  priority: WARNING
YAML
touch "$T/spoolmark"
PORT=$(free_port)
N=40
# nothing listens on PORT: every alert goes to the spool and stays there
rec_bg "$T/err1" -r "$T/r.yaml" -w "$T/a.sysrec" --alert-http "http://127.0.0.1:$PORT/" \
	--alert-spool "$T/spool" -- sh -c "echo \$\$ >$T/cmd.pid; for i in \$(seq $N); do cat $T/spoolmark; done; sleep 60" >"$T/live1" ||
	{ fail outputs_restart "sysrec did not start: $(tail -2 "$T/err1")"; exit 0; }
for i in $(seq 1 200); do [ "$(grep -c 'spool marker' "$T/live1")" -ge "$N" ] && break; sleep 0.05; done
sleep 0.5 # the spool thread writes within milliseconds
kill -9 "$rp"
wait "$rp" 2>/dev/null
kill -9 "$(cat "$T/cmd.pid")" 2>/dev/null
seg=$(cat "$T"/spool/http/*.seg 2>/dev/null | wc -c)
"$SINK" "$PORT" "$T/got.jsonl" & PIDS="$!"
sleep 0.3
"$BIN/sysrec" -q -r "$T/r.yaml" -w "$T/b.sysrec" --alert-http "http://127.0.0.1:$PORT/" \
	--alert-spool "$T/spool" -- true >/dev/null 2>"$T/err2"
rc=$?
live=$(grep -c 'spool marker' "$T/live1")
if [ "$live" -lt "$N" ] || [ "$seg" -eq 0 ]; then
	fail outputs_restart "before the kill: $live alerts printed, spool $seg bytes"
elif [ "$rc" -ne 0 ]; then
	fail outputs_restart "second sysrec exit $rc: $(tail -2 "$T/err2")"
elif ! grep -q "$live alerts from an earlier run" "$T/err2"; then
	fail outputs_restart "spool not found at start: $(cat "$T/err2")"
elif msg=$(check_jsonl x "$T/got.jsonl" "$live"); then
	pass "outputs_restart ($live alerts spooled by a SIGKILLed sysrec, delivered by the next)"
else
	fail outputs_restart "$msg"
fi

# SIGUSR1 reopens the alert file: after logrotate's move, the next alerts
# go to a new file at the configured path, none lost.
rm -f "$T/cmd.pid"
rec_bg "$T/err3" -q -r "$T/r.yaml" -w "$T/c.sysrec" --alert-file "$T/alerts.log" -- \
	sh -c "echo \$\$ >$T/cmd.pid; for i in \$(seq 30); do cat $T/spoolmark; sleep 0.1; done" >/dev/null ||
	{ fail outputs_file_reopen "sysrec did not start: $(tail -2 "$T/err3")"; exit 0; }
for i in $(seq 1 100); do [ -s "$T/alerts.log" ] && break; sleep 0.05; done
mv "$T/alerts.log" "$T/alerts.log.1"
kill -USR1 "$rp"
wait "$rp"; rc=$?
a=$(grep -c 'spool marker' "$T/alerts.log.1"); b=$(grep -c 'spool marker' "$T/alerts.log" 2>/dev/null)
if [ "$rc" -eq 0 ] && [ "${a:-0}" -gt 0 ] && [ "${b:-0}" -gt 0 ] && [ $((a + b)) -eq 30 ]; then
	pass "outputs_file_reopen ($a alerts before the move, $b after SIGUSR1 in the new file)"
else
	fail outputs_file_reopen "exit $rc, $a + ${b:-0} alerts (30 expected): $(tail -2 "$T/err3")"
fi
