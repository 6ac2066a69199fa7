#!/bin/bash
# Response actions (record/rec_action*.c, sysrec.yaml(5) actions:): the
# config and rules keys are checked with FILE:LINE:COL; live, a process that
# reads a secret is SIGKILLed before it can write its marker a second later,
# the alert line, the JSON alert and the capture say so, and a `program`
# gets the alert JSON; the guard rails hold: an ancestor of the recorder,
# an allowlisted comm or exe, dry_run, and a recorder without actions
# configured all leave the process alone.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
[ -x "$BIN/sysrec" ] || { skip record_actions "no $BIN/sysrec"; exit 0; }
need_replay record_actions
S="$BIN/sysrec"
T=$(mktemp -d)
PIDS=""
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

cat >"$T/rules.yaml" <<Y
- rule: Secret read
  desc: a process reads the secret
  condition: evt.type in (open, openat, openat2) and fd.name = $T/secret
  output: secret read by %proc.name (pid %proc.pid)
  priority: critical
  actions: [kill_process]
Y
echo s3cret >"$T/secret"

# ---- checked keys (no root needed) ----
cat >"$T/bad.yaml" <<Y
actions:
  enabled: true
  map:
    - rule: Secret read
      actions: [kill_proces]
Y
out=$("$S" -c "$T/bad.yaml" --show-config 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "bad.yaml:5:17: unknown action 'kill_proces'" <<<"$out" && grep -q '\^' <<<"$out"; then
	pass config_unknown_action
else
	fail config_unknown_action "exit $rc: $out"
fi
printf 'actions:\n  map:\n    - priority: notice\n      actions: [program]\n' >"$T/noprog.yaml"
out=$("$S" -c "$T/noprog.yaml" --show-config 2>&1)
if [ $? -eq 2 ] && grep -q "needs actions.program.command" <<<"$out"; then pass config_program_needs_command
else fail config_program_needs_command "$out"; fi
cat >"$T/full.yaml" <<Y
actions:
  enabled: true
  dry_run: true
  poll: 2ms
  map:
    - rule: "Secret read"
      actions: [freeze_container, program]
    - tags: [a, b]
      priority: warning
      actions: [kill_container]
  allowlist: {comm: [sshd], exe: [/usr/sbin/sshd], pid: [77]}
  program: {command: "cat >/dev/null", timeout: 3s, max_running: 2}
Y
if "$S" -c "$T/full.yaml" --show-config >"$T/show" 2>"$T/err" &&
	"$S" -c "$T/show" --show-config 2>>"$T/err" | cmp -s - "$T/show" &&
	grep -q 'actions: \["freeze_container", "program"\]' "$T/show" &&
	grep -q 'pid: \[77\]' "$T/show" && grep -q 'poll: 2000us' "$T/show"; then
	pass config_show_round_trip
else
	fail config_show_round_trip "$(cat "$T/err" "$T/show" | head -20)"
fi
out=$("$R" rules --validate "$T/rules.yaml" 2>&1)
if [ $? -eq 0 ] && ! grep -qi "unknown key" <<<"$out"; then pass rules_key_accepted
else fail rules_key_accepted "$out"; fi
sed 's/\[kill_process\]/[kill_procss]/' "$T/rules.yaml" >"$T/badrules.yaml"
out=$("$R" rules --validate "$T/badrules.yaml" 2>&1)
if [ $? -eq 2 ] && grep -q "badrules.yaml:6:13: unknown action 'kill_procss'" <<<"$out"; then
	pass rules_unknown_action
else
	fail rules_unknown_action "$out"
fi

if ! why=$(record_can_run); then
	skip record_actions_live "$why"
	exit 0
fi

# start_rec NAME [CONFIG]: sysrec with the rules (and CONFIG) into
# $T/NAME.sysrec, alerts in $T/NAME.out; sets rp.
start_rec() {
	local name=$1 cfg=$2
	"$S" -v ${cfg:+-c "$cfg"} -r "$T/rules.yaml" -w "$T/$name.sysrec" -M 90 \
		>"$T/$name.out" 2>"$T/$name.err" &
	rp=$!
	PIDS="$PIDS $rp"
	rec_wait_started "$T/$name.err" "$rp"
}
stop_rec() {
	kill -INT "$rp" 2>/dev/null
	wait "$rp" 2>/dev/null
}
# victim SHELL MARKER: reads the secret, sleeps 1 s, writes MARKER; its
# exit status (137 when SIGKILLed; bash's "Killed" notice is kept quiet).
victim() {
	{ "$1" -c "read x < $T/secret; sleep 1; echo done > $2"; } 2>/dev/null
}

# 1. kill_process, with a program action and an ancestor of the recorder
# doing the same read: the recorder runs under a wrapper shell that reads
# the secret too, then writes its own marker.
cat >"$T/kill.yaml" <<Y
actions:
  enabled: true
  realtime: true
  map:
    - rule: Secret read
      actions: [program]
  program:
    command: "cat >> $T/prog.json; ls /proc/self/fd >> $T/prog.fds"
Y
cat >"$T/wrap.sh" <<'W'
#!/bin/sh
# wrap.sh ERR PIDFILE MARK SECRET -- SYSREC ARGS: the recorder's parent
err=$1 pidf=$2 mark=$3 secret=$4
shift 5
"$@" 2>"$err" &
echo $! >"$pidf"
i=0
while ! grep -q "recording to" "$err" 2>/dev/null && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
read x <"$secret"
sleep 1
echo alive >"$mark"
wait
W
chmod +x "$T/wrap.sh"
"$T/wrap.sh" "$T/kill.err" "$T/kill.pid" "$T/anc.mark" "$T/secret" -- \
	"$S" -v -c "$T/kill.yaml" -r "$T/rules.yaml" -w "$T/kill.sysrec" -M 90 >"$T/kill.out" &
wp=$!
PIDS="$PIDS $wp"
for _ in $(seq 1200); do [ -s "$T/kill.pid" ] && break; sleep 0.05; done
rp=$(cat "$T/kill.pid" 2>/dev/null)
PIDS="$PIDS $rp"
if rec_wait_started "$T/kill.err" "$rp"; then
	pol=$(chrt -p "$rp" 2>&1)
	if grep -q 'SCHED_FIFO|SCHED_RESET_ON_FORK' <<<"$pol"; then pass realtime_consumer
	else fail realtime_consumer "$pol"; fi
	victim sh "$T/kill.mark"
	st=$?
	sleep 1.5 # the marker would be there by now
	for _ in $(seq 100); do [ -e "$T/anc.mark" ] && break; sleep 0.05; done
	stop_rec
	wait "$wp" 2>/dev/null
	if [ $st -eq 137 ] && [ ! -e "$T/kill.mark" ]; then pass kill_before_marker
	else fail kill_before_marker "exit $st, marker $(ls "$T/kill.mark" 2>&1)"; fi
	if grep -q 'secret read by sh .*(action: kill_process, result: ok; action: program, result: started)' "$T/kill.out"; then
		pass alert_text_names_action
	else
		fail alert_text_names_action "$(grep -i secret "$T/kill.out" | head -3)"
	fi
	ev=$("$R" events -p '%proc.name %evt.arg.action %evt.arg.result %evt.arg.rule' -f 'evt.type=action' "$T/kill.sysrec" 2>&1)
	if grep -q '^sh kill_process ok Secret read$' <<<"$ev" && grep -q '^sh program started Secret read$' <<<"$ev"; then
		pass action_event_in_capture
	else
		fail action_event_in_capture "$ev"
	fi
	if [ -e "$T/anc.mark" ] && grep -q "skipped: an ancestor of the recorder" "$T/kill.err"; then
		pass guard_ancestor
	else
		fail guard_ancestor "marker $(ls "$T/anc.mark" 2>&1); $(grep action "$T/kill.err" | head -3)"
	fi
	for _ in $(seq 40); do [ "$(wc -l <"$T/prog.json" 2>/dev/null)" = 2 ] && break; sleep 0.05; done
	# one JSON line per alert (the ancestor's too): the victim's says it was killed
	if python3 -c '
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
sh = [a for a in alerts if a["output_fields"]["proc.name"] == "sh"]
assert sh and sh[0]["rule"] == "Secret read", alerts
assert sh[0]["actions"] == [{"action": "kill_process", "result": "ok"}], sh' "$T/prog.json" 2>"$T/py"; then
		pass program_gets_alert_json
	else
		fail program_gets_alert_json "$(cat "$T/prog.json" "$T/py" 2>&1 | head -5)"
	fi
	# stdin, stdout, stderr and ls's own directory: nothing of the recorder's
	if [ "$(sort -un "$T/prog.fds" | tr '\n' ' ')" = "0 1 2 3 " ]; then pass program_no_recorder_fds
	else fail program_no_recorder_fds "$(sort -un "$T/prog.fds" | tr '\n' ' ')"; fi
else
	fail kill_before_marker "sysrec did not start: $(head -3 "$T/kill.err")"
fi

# 2. JSON alerts; allowlisted comm and exe are spared, plain sh is not.
cp "$(readlink -f /bin/sh)" "$T/sparedsh"
cp "$(readlink -f /bin/sh)" "$T/sparedexe"
cat >"$T/allow.yaml" <<Y
outputs: {json: true}
actions:
  enabled: true
  allowlist: {comm: [sparedsh], exe: [$T/sparedexe]}
Y
if start_rec allow "$T/allow.yaml"; then
	victim "$T/sparedsh" "$T/comm.mark"
	st1=$?
	victim "$T/sparedexe" "$T/exe.mark"
	st2=$?
	victim sh "$T/sh.mark"
	st3=$?
	sleep 1.5
	stop_rec
	if [ $st1 -eq 0 ] && [ -e "$T/comm.mark" ] && grep -q 'skipped: allowlisted comm' "$T/allow.err"; then
		pass guard_allowlist_comm
	else
		fail guard_allowlist_comm "exit $st1; $(grep action "$T/allow.err" | head -3)"
	fi
	if [ $st2 -eq 0 ] && [ -e "$T/exe.mark" ] && grep -q 'skipped: allowlisted exe' "$T/allow.err"; then
		pass guard_allowlist_exe
	else
		fail guard_allowlist_exe "exit $st2; $(grep action "$T/allow.err" | head -3)"
	fi
	if [ $st3 -eq 137 ] && [ ! -e "$T/sh.mark" ] &&
		python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
sh = [a for a in lines if a["output_fields"].get("proc.name") == "sh"]
assert sh and sh[0]["actions"] == [{"action": "kill_process", "result": "ok"}], lines
' "$T/allow.out" 2>"$T/py"; then
		pass alert_json_names_action
	else
		fail alert_json_names_action "exit $st3; $(head -5 "$T/py" "$T/allow.out")"
	fi
else
	fail guard_allowlist_comm "sysrec did not start: $(head -3 "$T/allow.err")"
fi

# 3. dry_run: logged and recorded, nothing done.
printf 'actions:\n  enabled: true\n  dry_run: true\n' >"$T/dry.yaml"
if start_rec dry "$T/dry.yaml"; then
	victim sh "$T/dry.mark"
	st=$?
	stop_rec
	ev=$("$R" events -p '%evt.arg.action %evt.arg.result' -f 'evt.type=action' "$T/dry.sysrec" 2>&1)
	if [ $st -eq 0 ] && [ -e "$T/dry.mark" ] && grep -q 'action (dry run) kill_process' "$T/dry.err" &&
		[ "$ev" = "kill_process dry_run" ] && grep -q 'result: dry_run' "$T/dry.out"; then
		pass guard_dry_run
	else
		fail guard_dry_run "exit $st; events: $ev; $(grep action "$T/dry.err" | head -3)"
	fi
else
	fail guard_dry_run "sysrec did not start: $(head -3 "$T/dry.err")"
fi

# 4. no actions configured: the rule's key alone does nothing.
if start_rec off; then
	victim sh "$T/off.mark"
	st=$?
	stop_rec
	n=$("$R" events -c -f 'evt.type=action' "$T/off.sysrec" 2>&1)
	if [ $st -eq 0 ] && [ -e "$T/off.mark" ] && [ "$n" = 0 ] && grep -q 'secret read by sh' "$T/off.out" &&
		! grep -q 'action:' "$T/off.out"; then
		pass guard_off_unless_configured
	else
		fail guard_off_unless_configured "exit $st; count $n; $(head -3 "$T/off.out")"
	fi
else
	fail guard_off_unless_configured "sysrec did not start: $(head -3 "$T/off.err")"
fi
