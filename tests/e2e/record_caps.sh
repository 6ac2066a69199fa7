#!/bin/bash
# Least privilege (record/rec_caps.c): once recording, no thread of sysrec
# holds a capability (CapEff, CapPrm, CapBnd in /proc/PID/task/*/status) and still
# records, rotates, reloads rules and finishes its file; -u USER runs the
# command as USER with no capabilities, and without -u a command started by
# root runs as root.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
if ! why=$(record_can_run); then skip record_caps "$why"; exit 0; fi
T=$(mktemp -d)
rp=""
trap '[ -n "$rp" ] && kill -9 "$rp" 2>/dev/null; rm -rf "$T"' EXIT
capf() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$2/status"; }

cat >"$T/r.yaml" <<Y
- rule: Caps test
  desc: open of the marker
  condition: evt.type in (open, openat) and fd.name = $T/marker
  output: capstest %fd.name
  priority: NOTICE
Y
# --fsync: its thread must hold no capability either (they are per thread)
rec_bg "$T/err" --fsync -w "$T/c.sysrec" -r "$T/r.yaml" >"$T/alerts" ||
	{ fail start "sysrec did not start: $(tail -3 "$T/err")"; exit 0; }
sleep 0.3
eff="" prm="" bnd="" ntask=0
for t in /proc/$rp/task/*; do
	ntask=$((ntask + 1))
	eff="$eff$(capf CapEff "$rp/task/${t##*/}")"
	prm="$prm$(capf CapPrm "$rp/task/${t##*/}")"
	bnd="$bnd$(capf CapBnd "$rp/task/${t##*/}")"
done
zeros=$(printf '0%.0s' $(seq $((16 * ntask))))
if [ "$ntask" -ge 2 ] && [ "$eff" = "$zeros" ] && [ "$prm" = "$zeros" ] && [ "$bnd" = "$zeros" ]; then
	pass capabilities_dropped
elif grep -q 'capabilities kept' "$T/err"; then
	skip capabilities_dropped "this kernel needs CAP_BPF to read maps: $(grep 'capabilities kept' "$T/err")"
else
	fail capabilities_dropped "$ntask threads: CapEff $eff CapPrm $prm CapBnd $bnd"
fi
# it goes on working without them: alerts, rotation, rule reload
for _ in $(seq 50); do : >"$T/marker"; grep -q capstest "$T/alerts" && break; sleep 0.1; done
kill -USR2 "$rp"
kill -HUP "$rp"
sleep 1
: >"$T/marker"
sleep 1
kill -TERM "$rp"
wait "$rp"
rc=$?
rp=""
if [ "$rc" -eq 0 ] && grep -q capstest "$T/alerts" && grep -q 'rules reloaded' "$T/err" &&
	ls "$T"/c.*.sysrec >/dev/null 2>&1 && "$R" info "$T/c.sysrec" | grep -q 'status *complete'; then
	pass works_without_capabilities
else
	fail works_without_capabilities "exit $rc: $(grep -v '^libbpf' "$T/err" | tail -3 | tr '\n' ' ')"
fi
n=$("$R" events -c -f "evt.type in (open, openat) and fd.name = $T/marker" "$T"/c*.sysrec)
if [ "${n:-0}" -ge 2 ]; then pass events_after_drop; else fail events_after_drop "$n marker opens recorded"; fi

# -u USER: the command's user, groups and (no) capabilities
probe='id -u; grep -E "^Cap(Eff|Prm):" /proc/self/status'
"$BIN/sysrec" -q -u nobody -w "$T/u.sysrec" -- sh -c "$probe" >"$T/u.out" 2>"$T/u.err"
rc=$?
nuid=$(id -u nobody)
if [ "$rc" -eq 0 ] && [ "$(head -1 "$T/u.out")" = "$nuid" ] &&
	[ "$(grep -c '0000000000000000' "$T/u.out")" -eq 2 ]; then
	pass user_option_runs_as_user
else
	fail user_option_runs_as_user "exit $rc: $(tr '\n' ' ' <"$T/u.out") $(tail -1 "$T/u.err")"
fi
if "$R" events -c -f "evt.type=execve and proc.name=sh and user.uid=$nuid" "$T/u.sysrec" | grep -q '^[1-9]'; then
	pass user_option_recorded_as_user
else
	fail user_option_recorded_as_user "no execve of sh by uid $nuid in the capture"
fi
"$BIN/sysrec" -q -w "$T/r.sysrec" -- sh -c "$probe" >"$T/r.out" 2>&1
if [ "$(head -1 "$T/r.out")" = 0 ] && ! grep -q 'CapEff:.*0000000000000000' "$T/r.out"; then
	pass default_command_keeps_root
else
	fail default_command_keeps_root "$(tr '\n' ' ' <"$T/r.out")"
fi
"$BIN/sysrec" -q -u no_such_user_x -w "$T/x.sysrec" -- true >/dev/null 2>"$T/x.err"
rc=$?
# with a COMMAND, sysrec's own failures exit 125 (env/timeout style)
if [ "$rc" -eq 125 ] && grep -q "no such user 'no_such_user_x'" "$T/x.err" && [ ! -e "$T/x.sysrec" ]; then
	pass user_unknown_refused
else
	fail user_unknown_refused "exit $rc: $(cat "$T/x.err")"
fi
"$BIN/sysrec" -q -u nobody -w "$T/y.sysrec" >/dev/null 2>"$T/y.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q -- '-u USER needs -- COMMAND' "$T/y.err"; then pass user_needs_command
else fail user_needs_command "exit $rc: $(cat "$T/y.err")"; fi
