#!/bin/bash
# Live rules reload (record/rec_live.c, rec_watch.c) during a real
# recording: an edited rules file is picked up by inotify, SIGHUP reloads
# too, a broken file keeps the previous rules (its error with FILE:LINE:COL
# logged), SIGUSR2 rotates; the recording never stops and loses no event of
# a steady workload; SIGTERM finishes the file.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
if ! why=$(record_can_run); then skip record_reload "$why"; exit 0; fi
T=$(mktemp -d)
rp=""
wp=""
trap '[ -n "$wp" ] && kill "$wp" 2>/dev/null; [ -n "$rp" ] && kill -9 "$rp" 2>/dev/null; rm -rf "$T"' EXIT

# rules V MARKER: one rule firing on an open of $T/MARKER, output "vV".
rules() {
	cat <<Y
- rule: Reload test
  desc: open of the marker
  condition: evt.type in (open, openat) and fd.name = $T/$2
  output: reload-v$1 %fd.name
  priority: NOTICE
Y
}
# touch_wait NAME PATTERN: opens $T/NAME until an alert matching PATTERN is
# printed (up to 10 s); returns 1 when none came.
touch_wait() {
	for _ in $(seq 100); do
		: >"$T/$1"
		grep -q "$2" "$T/alerts" && return 0
		sleep 0.1
	done
	return 1
}
# log_wait PATTERN: waits for sysrec's stderr to show PATTERN (10 s).
log_wait() {
	for _ in $(seq 100); do
		grep -q "$1" "$T/err" && return 0
		sleep 0.1
	done
	return 1
}

mkdir -p "$T/rules"
rules 1 m1 >"$T/rules/r.yaml"
"$BIN/sysrec" -v -w "$T/cap.sysrec" -r "$T/rules/r.yaml" >"$T/alerts" 2>"$T/err" &
rp=$!
rec_wait_started "$T/err" "$rp" || { fail start "sysrec did not start: $(tail -3 "$T/err")"; exit 0; }
# a steady workload: numbered files opened every 5 ms the whole time
(i=0; while :; do i=$((i + 1)); : >"$T/seq.$i"; sleep 0.005; done) &
wp=$!

if touch_wait m1 'reload-v1'; then pass first_rules_alert; else fail first_rules_alert "no v1 alert"; fi

# inotify: the file replaced the way editors save it (new file, rename)
rules 2 m2 >"$T/rules/.r.yaml.tmp"
mv "$T/rules/.r.yaml.tmp" "$T/rules/r.yaml"
if log_wait 'rules reloaded' && touch_wait m2 'reload-v2'; then pass inotify_reload
else fail inotify_reload "no reload or no v2 alert: $(grep -v '^libbpf' "$T/err" | tail -2 | tr '\n' ' ')"; fi
n1=$(grep -c 'reload-v1' "$T/alerts")
: >"$T/m1"
sleep 0.5
if [ "$(grep -c 'reload-v1' "$T/alerts")" -eq "$n1" ]; then pass old_rule_gone
else fail old_rule_gone "the v1 rule still alerts after the reload"; fi

# SIGHUP alone (no file change, so not inotify) reloads
sleep 0.5
n0=$(grep -c 'rules reloaded' "$T/err")
kill -HUP "$rp"
for _ in $(seq 50); do [ "$(grep -c 'rules reloaded' "$T/err")" -gt "$n0" ] && break; sleep 0.1; done
if [ "$(grep -c 'rules reloaded' "$T/err")" -gt "$n0" ]; then pass sighup_reload
else fail sighup_reload "no reload after SIGHUP"; fi
rules 3 m3 >"$T/rules/r.yaml"
kill -HUP "$rp"
if touch_wait m3 'reload-v3'; then pass changed_rules_alert; else fail changed_rules_alert "no v3 alert"; fi

# a broken file: the error is logged, v3 stays in force
sleep 0.5
printf -- '- rule: Broken\n  condition: evt.type = \n  output: x\n  priority: NOTICE\n  desc: d\n' >"$T/rules/r.yaml"
kill -HUP "$rp"
if log_wait 'rules reload failed, the previous rules stay in force' &&
	grep -q "rules reload failed.*$T/rules/r.yaml:[0-9]*:[0-9]*" "$T/err"; then
	pass broken_rules_logged
else
	fail broken_rules_logged "$(grep -v '^libbpf' "$T/err" | tail -3 | tr '\n' ' ')"
fi
n3=$(grep -c 'reload-v3' "$T/alerts")
if touch_wait m3 "reload-v3" && sleep 0.3 && [ "$(grep -c 'reload-v3' "$T/alerts")" -gt "$n3" ]; then
	pass broken_rules_keep_previous
else
	fail broken_rules_keep_previous "v3 rule no longer alerts"
fi

# SIGUSR2 rotates (SIGHUP did before)
kill -USR2 "$rp"
for _ in $(seq 100); do
	ls "$T"/cap.*.sysrec >/dev/null 2>&1 && break
	sleep 0.1
done
if ls "$T"/cap.*.sysrec >/dev/null 2>&1; then pass sigusr2_rotates; else fail sigusr2_rotates "no rotated file"; fi
if kill -0 "$rp" 2>/dev/null; then pass recording_kept_running; else fail recording_kept_running "sysrec ended"; fi

sleep 0.5
kill "$wp"
wait "$wp" 2>/dev/null
wp=""
last=$(ls "$T"/seq.* | sed 's/.*seq\.//' | sort -n | tail -1)
sleep 0.5
kill -TERM "$rp"
wait "$rp"
rc=$?
rp=""
if [ "$rc" -eq 0 ] && "$R" info "$T/cap.sysrec" | grep -q 'status *complete'; then pass sigterm_clean_finish
else fail sigterm_clean_finish "exit $rc: $(tail -2 "$T/err" | tr '\n' ' ')"; fi

# every numbered open of the workload is in the set (the rotated file and
# the current one), none lost across the reloads and the rotation
"$R" events -p '%fd.name' -f "evt.type in (open, openat) and fd.name startswith $T/seq." "$T"/cap*.sysrec |
	sed 's/.*seq\.//' | sort -nu >"$T/seen"
drops=$("$R" info "$T"/cap*.sysrec | awk '$1 == "drops" {s += $2} END {print s + 0}')
n=$(wc -l <"$T/seen")
if [ "$n" -ge "$last" ] && [ "$(head -1 "$T/seen")" = 1 ]; then pass no_event_lost
elif [ "$drops" -gt 0 ]; then skip no_event_lost "the machine dropped $drops events (busy): $n of $last opens seen"
else fail no_event_lost "$n of $last numbered opens in the capture, no drops reported"; fi
