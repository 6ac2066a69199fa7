#!/bin/bash
# Capture on alert, before and after: a scripted incident (a server-like
# process reads a file, then spawns a shell that reads a secret) under
# --capture-on-alert rules with retention --max-age 3. One evidence file
# (the second alert falls inside the first one's window) holds the server's
# earlier activity (pre window, from the ring), both alerts (ALERT records),
# the secret read (post window), not what came after the window, and reads
# on its own (process names from its snapshot); the alert lines name it,
# with evt.num, and its SHA-256 is reported when it closes. Ring files
# older than the retention are gone; the evidence file survives them.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_evidence "$why"; exit 0; }
[ -x "$TOOLS/rec_count" ] || { skip record_evidence "$TOOLS/rec_count not built"; exit 0; }

tmp=$(mktemp -d)
rp=""
trap '[ -n "$rp" ] && kill $rp 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/ring"
cp /bin/bash "$tmp/evsrv"
for f in earlier secret late; do echo "$f" >"$tmp/$f"; done
cat >"$tmp/r.yaml" <<Y
- rule: Shell spawned by server
  desc: test
  condition: evt.type = execve and proc.name = sh and proc.pname = evsrv and proc.cmdline contains "$tmp/"
  output: "shell from server (parent=%proc.pname cmdline=%proc.cmdline)"
  priority: CRITICAL
  capture: true
  capture_duration: 2000
- rule: Secret read
  desc: test
  condition: evt.type in (open, openat) and fd.name = "$tmp/secret"
  output: "secret read (proc=%proc.name file=%fd.name)"
  priority: WARNING
  capture: true
- rule: Not captured
  desc: test
  condition: evt.type in (open, openat) and fd.name = "$tmp/late"
  output: "late read"
  priority: WARNING
Y
rec_bg "$tmp/err" -w "$tmp/ring/cap.sysrec" --max-age 3 -r "$tmp/r.yaml" \
	--capture-on-alert rules --capture-pre 3 --capture-post 2 -M 60 >"$tmp/alerts" ||
	{ fail record_evidence "sysrec did not start: $(cat "$tmp/err")"; exit 0; }
"$tmp/evsrv" -c "read x <'$tmp/earlier'; sleep 1.5; sh -c \"cat '$tmp/secret' >/dev/null\"; sleep 4; read x <'$tmp/late'"
sleep 4
kill -INT $rp
wait $rp
rc=$?
rp=""
ev=("$tmp"/ring/cap.evidence.*.sysrec)
n=$(ls "$tmp"/ring/cap.evidence.*.sysrec 2>/dev/null | wc -l)
E=${ev[0]}
q() { "$BIN/sysreplay" events -c -f "$1" "$E" 2>/dev/null; }
if [ "$rc" -ne 0 ]; then
	fail record_evidence "sysrec exit $rc: $(cat "$tmp/err")"
	exit 0
elif [ "$n" -ne 1 ]; then
	fail record_evidence "want one evidence file, got $n: $(ls "$tmp/ring"; cat "$tmp/alerts")"
	exit 0
fi
earlier=$(q "fd.name = $tmp/earlier and proc.name = evsrv")
shell=$(q "evt.type = execve and proc.name = sh and proc.pname = evsrv")
secret=$(q "fd.name = $tmp/secret and proc.name = cat")
late=$(q "fd.name = $tmp/late")
alerts=$("$TOOLS/rec_count" "$E" 2>/dev/null | awk '$1 == "alert" {print $2}')
if ! "$BIN/sysreplay" verify "$E" >/dev/null 2>&1; then
	fail record_evidence "verify: $("$BIN/sysreplay" verify "$E" 2>&1 | tail -2)"
elif [ "${earlier:-0}" -lt 1 ] || [ "${shell:-0}" -lt 1 ] || [ "${secret:-0}" -lt 1 ]; then
	fail record_evidence "earlier $earlier, shell $shell, secret $secret in $E"
elif [ "${late:-0}" -ne 0 ]; then
	fail record_evidence "the read after the window is in the evidence"
elif [ "$alerts" != 2 ]; then
	fail record_evidence "$alerts ALERT records, want 2"
else
	pass record_evidence
fi

# the alert lines name the file and the event number; the closing line its hash
sum=$(sha256sum "$E" | cut -d' ' -f1)
if ! grep -q "Critical shell from server.* evidence=$E evt.num=[0-9]* evt.time=" "$tmp/alerts"; then
	fail record_evidence_alert_line "$(cat "$tmp/alerts")"
elif [ "$(grep -c "evidence=$E" "$tmp/alerts")" -ne 2 ] || grep "late read" "$tmp/alerts" | grep -q evidence=; then
	fail record_evidence_alert_line "$(cat "$tmp/alerts")"
elif ! grep -qx "sysrec: evidence closed: $E sha256=$sum (2 alert(s), [0-9]* events)" "$tmp/alerts"; then
	fail record_evidence_alert_line "no closing line with sha256 $sum: $(cat "$tmp/alerts")"
else
	pass record_evidence_alert_line
fi

# retention: the ring no longer holds the server's earlier read; the evidence does
ring_earlier=$("$BIN/sysreplay" events -c -f "fd.name = $tmp/earlier" "$tmp/ring/cap.sysrec" 2>/dev/null)
if [ "${ring_earlier:-1}" -eq 0 ] && grep -q 'the file ring deleted [1-9]' "$tmp/err" && [ -f "$E" ]; then
	pass record_evidence_survives_retention
else
	fail record_evidence_survives_retention "ring still has $ring_earlier earlier reads: $(tail -3 "$tmp/err")"
fi
