#!/bin/bash
# sysreplay --live: `events --live` started before sysrec follows the capture
# while it is written, across a rotation (-G 1), and prints each scripted
# event within the recorder's flush interval (1 s; checked against the
# event's own timestamp, with 0.5 s for polling and scheduling on a busy
# machine); it ends by itself once the last file is finished. Also: --live on
# a finished file ends at its end; Ctrl-C ends a live listing cleanly.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
need_replay replay_live
T=$(mktemp -d); trap 'kill $lp $rp 2>/dev/null; rm -rf "$T"' EXIT
FX=tests/fixtures

# finished file: same events as without --live, and no wait
s=$(date +%s%N)
a=$("$R" events --live -c $FX/benign.sysrec); b=$("$R" events -c $FX/benign.sysrec)
e=$((($(date +%s%N) - s) / 1000000))
[ "$a" = "$b" ] && [ $e -lt 2000 ] && pass live_finished_file_ends || fail live_finished_file_ends "$a vs $b in $e ms"
"$R" events --live $FX/benign.sysrec $FX/write_etc.sysrec >/dev/null 2>"$T/e"
[ $? = 2 ] && grep -q 'one capture' "$T/e" && pass live_one_input || fail live_one_input "$(cat "$T/e")"

why=$(record_can_run) || { skip live_follow "$why"; exit 0; }
CAP="$T/cap.sysrec"
# the reader first: it waits for the file to appear
"$R" events --live -p '%evt.rawtime %fd.name' -f "evt.type=openat and fd.name contains $T/mark." "$CAP" |
	while IFS= read -r l; do printf '%s %s\n' "$(date +%s%N)" "$l"; done >"$T/out" &
lp=$!
sleep 0.3
rec_bg "$T/rec.err" -q -w "$CAP" -G 1 -- sh -c "for i in 1 2 3 4 5 6 7 8; do : > $T/mark.\$i; sleep 0.4; done" ||
	{ fail live_follow "sysrec did not start: $(cat "$T/rec.err")"; exit 0; }
wait $rp
# the reader ends by itself: the last file finished, no rotation follows
for _ in $(seq 100); do kill -0 $lp 2>/dev/null || break; sleep 0.1; done
if kill -0 $lp 2>/dev/null; then fail live_ends_after_recorder "still running"; kill $lp; else pass live_ends_after_recorder; fi
files=$(ls "$T"/cap*.sysrec | wc -l)
n=$(grep -c "mark\." "$T/out")
order=$(awk '{sub(/.*mark\./, "", $3); printf "%s", $3}' "$T/out")
max=$(awk '{d = ($1 - $2) / 1e6; if (d > m) m = d} END {printf "%d", m}' "$T/out")
echo "# live: $n events over $files files; max syscall-to-line latency ${max} ms"
[ "$files" -ge 3 ] && [ "$n" = 8 ] && [ "$order" = 12345678 ] && pass live_follow_across_rotation ||
	fail live_follow_across_rotation "files $files events $n order $order: $(cat "$T/out")"
[ -n "$max" ] && [ "$max" -le 1500 ] && pass live_latency_within_flush ||
	fail live_latency_within_flush "max ${max} ms"

# Ctrl-C (SIGINT) ends a live listing: exit 0, what was read is counted
rec_bg "$T/rec2.err" -q -w "$T/c2.sysrec" -- sleep 3 ||
	{ fail live_ctrl_c "sysrec did not start"; exit 0; }
"$R" events --live -c "$T/c2.sysrec" >"$T/c" 2>&1 &
lp=$!
sleep 1.5
kill -INT $lp
for _ in $(seq 50); do kill -0 $lp 2>/dev/null || break; sleep 0.1; done
wait $lp; rc=$?
kill $rp 2>/dev/null; wait $rp 2>/dev/null
[ $rc = 0 ] && grep -Eq '^[0-9]+$' "$T/c" && pass live_ctrl_c || fail live_ctrl_c "exit $rc: $(cat "$T/c")"
