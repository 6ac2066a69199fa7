#!/bin/bash
# Drives `sysreplay shell` on a real terminal (tmux): a filter, a bad filter
# (caret, shell goes on), .count, .top, tab completion, paging, Ctrl-C, .quit.
cd "$(dirname "$0")/../.." || exit 2
BIN="${BIN:-bin}"
# absolute: tmux starts sysreplay from its own directory
case "$BIN" in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
. tests/e2e/lib.inc
command -v tmux >/dev/null || { skip shell_tmux "tmux is not installed"; exit 0; }
need_replay shell_tmux
need_gen shell_tmux
T=$(mktemp -d)
S="sysreplay-test-$$"
export TMUX_TMPDIR="$T" HOME="$T"
trap 'tmux kill-server 2>/dev/null; rm -rf "$T"' EXIT
gen -o "$T/c.sysrec" -n 3000 --seed 9

tmux new-session -d -s "$S" -x 160 -y 30 "TZ=UTC $R shell $T/c.sysrec; echo SHELL-EXIT=\$?; sleep 30"
screen() { tmux capture-pane -p -t "$S" -S -200; }
# wait_for PATTERN [SECONDS]: until the pane shows PATTERN
wait_for() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
send() { tmux send-keys -t "$S" "$@"; }
clear_pane() { send C-l; tmux clear-history -t "$S"; sleep 0.2; }

wait_for 'sysreplay>' || { fail shell_start "no prompt: $(screen | tail -3)"; exit 0; }
pass shell_start

want=$("$R" events -c -f 'evt.type=kill' "$T/c.sysrec")
send 'evt.type=kill' Enter
if wait_for "\\(${want} events?\\)"; then pass shell_filter_lists
else fail shell_filter_lists "no '($want events)': $(screen | tail -3)"; fi
clear_pane

send 'evt.type=kill and' Enter
if wait_for '\^' && screen | grep -q 'expected' && wait_for 'sysreplay>$'; then
	pass shell_bad_filter_caret
else fail shell_bad_filter_caret "$(screen | tail -4)"; fi
clear_pane

n=$("$R" events -c "$T/c.sysrec")
send '.count' Enter
if wait_for "^$n\$"; then pass shell_count; else fail shell_count "$(screen | tail -3)"; fi
clear_pane

send '.count evt.type=openat' Enter
n=$("$R" events -c -f evt.type=openat "$T/c.sysrec")
if wait_for "^$n\$"; then pass shell_count_filter; else fail shell_count_filter "$(screen | tail -3)"; fi
clear_pane

send '.top proc.name 3' Enter
if wait_for 'distinct values' && [ "$(screen | grep -cE '^ +[0-9]+ +[0-9.]+%  ')" -eq 3 ]; then
	pass shell_top
else fail shell_top "$(screen | tail -6)"; fi
clear_pane

# tab completion: "proc.na" + TAB becomes "proc.name"
send 'proc.na' Tab
sleep 0.5
if screen | grep -q 'sysreplay> proc.name'; then pass shell_tab_complete
else fail shell_tab_complete "$(screen | tail -2)"; fi
send C-u
send '.he' Tab
sleep 0.5
if screen | grep -q 'sysreplay> .help'; then pass shell_tab_command
else fail shell_tab_command "$(screen | tail -2)"; fi
send C-u
clear_pane

# paging: a long listing stops at --More--; q ends it and the prompt returns
send 'evt.type=read' Enter
if wait_for 'More--'; then
	pass shell_pager_more
	send q
	if wait_for 'sysreplay>$'; then pass shell_pager_quit; else fail shell_pager_quit "$(screen | tail -2)"; fi
else fail shell_pager_more "$(screen | tail -2)"; fi
clear_pane

# Ctrl-C at the --More-- prompt stops the listing, not the shell
send 'evt.type=write' Enter
wait_for 'More--' && send C-c
# type the next command once the prompt is back: keys typed while the pager
# still waits are its keys (a loaded machine showed the race)
wait_for 'sysreplay>$'
send '.count evt.type=kill' Enter
if wait_for "^${want}\$"; then pass shell_ctrl_c_keeps_shell; else fail shell_ctrl_c_keeps_shell "$(screen | tail -3)"; fi
clear_pane

send '.quit' Enter
if wait_for 'SHELL-EXIT=0'; then pass shell_quit; else fail shell_quit "$(screen | tail -3)"; fi
if [ -s "$T/.sysreplay_history" ] && grep -q 'evt.type=kill' "$T/.sysreplay_history"; then
	pass shell_history_saved
else fail shell_history_saved "no ~/.sysreplay_history entry"; fi

# Ctrl-D quits too
tmux kill-session -t "$S" 2>/dev/null
tmux new-session -d -s "$S" -x 120 -y 20 "$R shell $T/c.sysrec; echo SHELL-EXIT=\$?; sleep 30"
wait_for 'sysreplay>' && send C-d
if wait_for 'SHELL-EXIT=0'; then pass shell_eof_quits; else fail shell_eof_quits "$(screen | tail -2)"; fi
exit 0
