#!/bin/bash
# The responder's views (ps, lsof, netstat, topconns/files/procs, spy, follow,
# timeline) on the recorded fixtures, against facts of their scenarios
# (tests/fixtures/regenerate.sh, tests/tools/scenario.c): the commands the
# scripts ran, the bytes they wrote, the process tree at a moment.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_views
FX=tests/fixtures
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export TZ=UTC

# every -j line is one JSON object
json_ok() { python3 -c 'import json,sys
for l in sys.stdin: json.loads(l)' 2>/dev/null; }

# spy: the benign script's commands, each from one shell session, exit 0
"$R" spy -j $FX/benign.sysrec >"$T/spy" || fail spy_benign "exit $?"
ok=1
for c in 'ls /' 'cat /etc/hostname' 'mkdir ' 'rm -r ' 'scenario connect'; do
	grep -F "\"cmdline\":\"" "$T/spy" | grep -F "$c" | grep -q '"exit":0,' || { ok=0; echo "# missing: $c"; }
done
n=$(sed 's/.*"shell_pid":\([0-9]*\).*/\1/' "$T/spy" | sort -u | wc -l)
[ $ok = 1 ] && [ "$n" = 1 ] && json_ok <"$T/spy" && pass spy_benign_commands ||
	fail spy_benign_commands "ok=$ok shells=$n: $(cat "$T/spy")"

# spy: the reverse shell's sh has the connected socket as stdin
tuple=$("$R" events -p '%fd.name' -f 'evt.type=connect' $FX/reverse_shell.sysrec | head -1)
line=$("$R" spy -j $FX/reverse_shell.sysrec | grep '"cmdline":"sh -c true"')
case "$line" in *"\"stdin\":\"$tuple\""*) [ -n "$tuple" ] && pass spy_reverse_shell_stdin ;;
*) fail spy_reverse_shell_stdin "tuple '$tuple' line '$line'" ;; esac
"$R" spy $FX/shell_by_server.sysrec | grep -Eq ' 0 +[0-9.]+s  id$' && pass spy_server_shell_id ||
	fail spy_server_shell_id "$("$R" spy $FX/shell_by_server.sysrec)"

# follow: `echo hi > d/f` in the benign script; by fd and by event number
set -- $("$R" events -p '%evt.num %proc.pid %fd.num' -f 'evt.type=write and fd.name endswith /d/f' $FX/benign.sysrec)
"$R" follow --fd "$2:$3" $FX/benign.sysrec >"$T/f1"
"$R" follow --evt "$1" $FX/benign.sysrec >"$T/f2"
if [ "$(sed -n 2p "$T/f1")" = hi ] && grep -q '^------ .* write 3B to .*/d/f' "$T/f1" && cmp -s "$T/f1" "$T/f2"
then pass follow_fd_and_evt; else fail follow_fd_and_evt "$(cat "$T/f1" "$T/f2")"; fi
# follow: the line curlish sent to 10.250.0.2:8080, either end given
"$R" follow -j --conn 10.250.0.2:8080 $FX/outbound_connect.sysrec >"$T/c"
grep -q '"dir":"write".*"bytes":6,"data":"hello\\n","not_recorded":0' "$T/c" && json_ok <"$T/c" &&
	pass follow_conn_json || fail follow_conn_json "$(cat "$T/c")"
# follow: a read longer than the snap length (64) says what was cut
set -- $("$R" events -p '%evt.num %evt.rawres' -n 1 -f 'evt.type=read and evt.rawres>64' $FX/benign.sysrec)
"$R" follow --evt "$1" -n 1 $FX/benign.sysrec | grep -q "^\[\.\.\. $(($2 - 64)) bytes not recorded\]$" &&
	pass follow_snaplen_cut || fail follow_snaplen_cut "evt $1 res $2"
"$R" follow --evt "$1" -n 1 -X $FX/benign.sysrec | grep -q '^  00000000  7f 45 4c 46 ' &&
	pass follow_hex || fail follow_hex "$("$R" follow --evt "$1" -n 1 -X $FX/benign.sysrec | head -3)"

# ps --at mid capture: when `cat /etc/hostname` runs, its shell is alive with
# it as child, and `ls /` (run before) has exited
set -- $("$R" events -p '%evt.rawtime %proc.pid %proc.ppid' -f 'evt.type=execve and proc.name=cat' $FX/benign.sysrec | head -1)
lspid=$("$R" events -p '%proc.pid' -f 'evt.type=execve and proc.name=ls' $FX/benign.sysrec | head -1)
"$R" ps -j --at "$1" $FX/benign.sysrec >"$T/ps"
if grep -q "\"pid\":$2,\"ppid\":$3,.*\"cmdline\":\"cat /etc/hostname\"" "$T/ps" &&
	grep -q "\"pid\":$3,.*\"comm\":\"sh\"" "$T/ps" && ! grep -q "\"pid\":$lspid," "$T/ps" &&
	json_ok <"$T/ps"; then pass ps_at_mid_capture; else fail ps_at_mid_capture "cat $2 sh $3 ls $lspid"; fi
"$R" ps --tree -p "$3" --at "$1" $FX/benign.sysrec >"$T/tree"
sed -n 3p "$T/tree" | grep -q " $3 .* sh -c " && sed -n 4p "$T/tree" | grep -q " $2 .*   cat /etc/hostname$" &&
	pass ps_tree_subtree || fail ps_tree_subtree "$(cat "$T/tree")"

# lsof / netstat after the reverse shell's dup2s: 0, 1, 2 are the socket
at=$("$R" events -p '%evt.rawtime' -f 'evt.type=dup2' $FX/reverse_shell.sysrec | tail -1)
pid=$("$R" events -p '%proc.pid' -f 'evt.type=dup2' $FX/reverse_shell.sysrec | tail -1)
n=$("$R" lsof -p "$pid" --at "$at" $FX/reverse_shell.sysrec | awk -v t="$tuple" '$4<=2 && $5=="ipv4" && $6==t' | wc -l)
[ "$n" = 3 ] && pass lsof_reverse_shell_fds || fail lsof_reverse_shell_fds "$n rows"
n=$("$R" netstat --at "$at" $FX/reverse_shell.sysrec | grep -c "^tcp .* ESTABLISHED $pid/scenario fd")
[ "$n" = 4 ] && pass netstat_reverse_shell || fail netstat_reverse_shell "$n rows"

# topconns: the bytes on curlish's connection are those its writes returned
b=$("$R" events -p '%evt.rawres' -f 'evt.type=write and fd.sport=8080 and proc.name=curlish' $FX/outbound_connect.sysrec | awk '{s+=$1} END {print s}')
"$R" topconns -j $FX/outbound_connect.sysrec | grep -q "10.250.0.2:8080\",\"bytes\":$b," && [ "$b" = 6 ] &&
	pass topconns_bytes || fail topconns_bytes "$b: $("$R" topconns $FX/outbound_connect.sysrec)"
# topprocs: every event in the window belongs to one row
s=$("$R" topprocs -j -n 100000 $FX/benign.sysrec | sed 's/.*"events":\([0-9]*\).*/\1/' | awk '{s+=$1} END {print s}')
[ "$s" = "$("$R" events -c $FX/benign.sysrec)" ] && pass topprocs_all_events || fail topprocs_all_events "$s"
s=$("$R" topfiles -j -f 'fd.name=/etc/hostname' $FX/benign.sysrec)
b=$("$R" events -p '%evt.rawres' -f 'evt.type=read and fd.name=/etc/hostname and evt.rawres>0' $FX/benign.sysrec | awk '{s+=$1} END {print s}')
case "$s" in "{\"file\":\"/etc/hostname\",\"bytes\":$b,"*) pass topfiles_filter ;; *) fail topfiles_filter "$s vs $b" ;; esac

# timeline: the reverse shell's story, and --alert 1 tells the same one
"$R" timeline --pid "$pid" $FX/reverse_shell.sysrec >"$T/tl"
ok=1
for w in 'exec .*scenario reverse-shell' "connect +$tuple" 'ALERT +Critical Network socket redirected' 'exec +sh -c true' 'exit +code 0'; do
	grep -Eq " $pid +[a-z]+ +$w" "$T/tl" || { ok=0; echo "# missing: $w"; }
done
[ $ok = 1 ] && pass timeline_reverse_shell || fail timeline_reverse_shell "$(cat "$T/tl")"
"$R" timeline --alert 1 $FX/reverse_shell.sysrec | cmp -s - "$T/tl" && pass timeline_alert_1 ||
	fail timeline_alert_1 "differs from --pid $pid"
"$R" timeline -j --pid "$pid" $FX/reverse_shell.sysrec | json_ok && pass timeline_json || fail timeline_json "bad JSON"

# the shell runs the same views over its window
printf '.spy\n.ps --tree\n' | "$R" shell $FX/benign.sysrec >"$T/sh"
{ "$R" spy $FX/benign.sysrec; "$R" ps --tree $FX/benign.sysrec; } >"$T/cmd"
cmp -s "$T/sh" "$T/cmd" && pass shell_views || fail shell_views "$(diff "$T/sh" "$T/cmd" | head)"
printf '.follow --fd 1\n.count\n' | "$R" shell $FX/benign.sysrec >"$T/sh" 2>&1
tail -1 "$T/sh" | grep -qx "$("$R" events -c $FX/benign.sysrec)" && grep -q 'PID:FD' "$T/sh" &&
	pass shell_view_error_goes_on || fail shell_view_error_goes_on "$(cat "$T/sh")"

# bad input: one line, exit 2
bad() {
	local name="$1"; shift
	"$R" "$@" >"$T/o" 2>"$T/e"; rc=$?
	[ $rc = 2 ] && [ "$(wc -l <"$T/e")" = 1 ] && pass "bad_$name" || fail "bad_$name" "exit $rc: $(cat "$T/e")"
}
bad no_file ps
bad missing_file spy /nonexistent.sysrec
bad bad_at ps --at yesterday $FX/benign.sysrec
bad option_not_taken ps -X $FX/benign.sysrec
bad follow_no_selector follow $FX/benign.sysrec
bad follow_two_selectors follow --fd 1:1 --evt 3 $FX/benign.sysrec
bad follow_bad_fd follow --fd 12:x $FX/benign.sysrec
bad timeline_bad_pid timeline --pid 0 $FX/benign.sysrec
bad timeline_alert_past timeline --alert 999 $FX/benign.sysrec
bad not_a_capture lsof tests/fixtures/expect.tsv
"$R" spy -f 'proc.name=' $FX/benign.sysrec >/dev/null 2>"$T/e"; rc=$?
[ $rc = 2 ] && grep -q '\^' "$T/e" && pass bad_filter_caret || fail bad_filter_caret "exit $rc"
