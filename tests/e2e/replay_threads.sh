#!/bin/bash
# -J/--threads (issue 18): output, stderr and exit status are the same at every
# thread count. A capture of many small chunks with snapshots is read with 1, 2
# and 4 threads: all events, -n, --since (a seek to a covering snapshot), a
# filter with chunk skipping, alerts, stats, a rotated set read and merged,
# damage in the middle with and without --keep-going. A pipeline that handed
# chunks out of order, lost one, or named damage differently fails here.
# Also: SYSREPLAY_THREADS sets the default; bad counts are usage errors.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
. tests/e2e/threads_lib.inc
threads_setup replay_threads
gen -o "$T/a.sysrec" -n 60000 --seed 7 --chunk-raw 16384 --snap-every 5000
mkdir "$T/rot"
gen -o "$T/rot/cap.20261201T000000Z.sysrec" -n 4000 --seed 1 --chunk-raw 8192 --start 1764547200000000000
gen -o "$T/rot/cap.20261201T000100Z.sysrec" -n 4000 --seed 2 --chunk-raw 8192 --start 1764547200500000000
gen -o "$T/rot/cap.sysrec" -n 4000 --seed 3 --chunk-raw 8192 --start 1764547201000000000
gen -o "$T/one2.sysrec" -n 50 --seed 9
cp "$T/a.sysrec" "$T/dmg.sysrec"
size=$(stat -c %s "$T/dmg.sysrec")
printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$T/dmg.sysrec" bs=1 seek=$((size / 2)) conv=notrunc status=none

chunks=$("$R" info -j "$T/a.sysrec" | python3 -c 'import json,sys; print(json.load(sys.stdin)["chunks"])')
[ "$chunks" -ge 50 ] && pass many_chunks || fail many_chunks "only $chunks chunks"
mid=$("$R" events -p '%evt.rawtime' "$T/a.sysrec" | sed -n 31234p)


same events_all events "$T/a.sysrec"
same events_json events -j -n 3000 "$T/a.sysrec"
same events_limit events -n 777 -f 'evt.type=openat' "$T/a.sysrec"
same events_since events --since "$mid" -n 5000 "$T/a.sysrec"
same events_window events --since "$mid" --until "$mid" "$T/a.sysrec"
# a seek into the last chunk: nothing follows it to load ahead (this hung once)
last=$("$R" events -p '%evt.rawtime' "$T/a.sysrec" | tail -1)
same events_since_last events --since "$last" "$T/a.sysrec"
same events_since_last_n events --since "$last" -n 1 "$T/one2.sysrec" "$T/a.sysrec"
same events_state_filter events -f 'proc.pname exists and evt.type=openat' "$T/a.sysrec"
same events_count events -c -f 'evt.type=connect' "$T/a.sysrec"
same alerts_default alerts "$T/a.sysrec"
same stats_all stats "$T/a.sysrec"
same rotated_merge events "$T/rot/cap.sysrec"
same rotated_count events -c -f 'evt.type=execve' "$T/rot"
same damage_stops events "$T/dmg.sysrec"
same damage_keep_going events --keep-going "$T/dmg.sysrec"
same damage_count_kg events -c --keep-going "$T/dmg.sysrec"
grep -q "chunk [0-9]* at offset" "$T/e1" && pass damage_named || fail damage_named "$(cat "$T/e1")"

# the default comes from SYSREPLAY_THREADS when set, else the CPUs available
a=$(SYSREPLAY_THREADS=3 "$R" events -n 2000 "$T/a.sysrec" | md5sum)
b=$("$R" events -n 2000 "$T/a.sysrec" | md5sum)
[ "$a" = "$b" ] && pass env_default || fail env_default "SYSREPLAY_THREADS=3 output differs"
"$R" events -J 0 "$T/a.sysrec" >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--threads needs a count" "$T/err" && pass bad_count ||
	fail bad_count "exit $rc: $(cat "$T/err")"
"$R" stats --threads=x "$T/a.sysrec" >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && pass bad_count_long || fail bad_count_long "exit $rc: $(cat "$T/err")"
# more threads than chunks, and a file of one chunk
gen -o "$T/one.sysrec" -n 10 --seed 4
a=$("$R" events -J 64 "$T/one.sysrec" | md5sum) b=$("$R" events -J 1 "$T/one.sysrec" | md5sum)
[ "$a" = "$b" ] && pass more_threads_than_chunks || fail more_threads_than_chunks "differs"

# A state-free filter runs on the loading threads (replay/rpl_keep.c): the
# run's thread sees only the matches, or only counts. The listing must come
# out in the same order with the same evt.num as one thread gives, over
# many chunks, with a window, a limit and a merged set; and the path must
# really be taken (the debug line says where the filter ran).
where() { # ARGS...: "in workers" or "here", at 2 threads
	SYSREPLAY_DEBUG=1 "$R" "$@" -J 2 2>&1 >/dev/null | sed -n 's/.*filter \(in workers\|here\).*/\1/p' | tail -1
}
wf() { # NAME EXPECTED-PLACE ARGS...
	local name="$1" place="$2"; shift 2
	local w; w=$(where "$@")
	[ "$w" = "$place" ] || { fail "$name" "filter ran '$w', expected '$place'"; return; }
	same "$name" "$@"
}
P='%evt.num %evt.rawtime %proc.pid %evt.type %evt.res'
wf keep_list "in workers" events -f 'evt.type=openat or evt.type=connect' -p "$P" "$T/a.sysrec"
wf keep_list_json "in workers" events -j -f 'evt.type=connect' -p "$P" "$T/a.sysrec"
wf keep_count "in workers" events -c -f 'evt.type=read and evt.res>10' "$T/a.sysrec"
wf keep_count_all "in workers" events -c "$T/a.sysrec"
wf keep_since "in workers" events --since "$mid" -f 'evt.type=openat' -p "$P" "$T/a.sysrec"
wf keep_window_count "in workers" events -c --since "$mid" --until "$last" -f 'evt.type=openat' "$T/a.sysrec"
wf keep_limit "in workers" events -n 333 -f 'evt.type=close' -p '%evt.num %evt.type' "$T/a.sysrec"
wf keep_damage "in workers" events -f 'evt.type=openat' -p "$P" "$T/dmg.sysrec"
wf keep_damage_kg "in workers" events --keep-going -c -f 'evt.type=openat' "$T/dmg.sysrec"
wf keep_merge_count "in workers" events -c -f 'evt.type=execve or evt.type=openat' "$T/rot"
wf keep_merge_list "in workers" events -f 'evt.type=openat' -p '%evt.rawtime %proc.pid %evt.type' "$T/rot"
# evt.num of a merged set, evt.deltatime: they depend on the events before
wf keep_merge_num "here" events -f 'evt.type=openat' -p '%evt.num %evt.type' "$T/rot"
wf keep_delta "here" events -f 'evt.type=openat and evt.deltatime.ns>1000' "$T/a.sysrec"
wf keep_reltime_out "here" events -f 'evt.type=openat' -p '%evt.reltime %evt.type' "$T/a.sysrec"
wf keep_state "here" events -f 'evt.type=openat and proc.pname exists' "$T/a.sysrec"
# order: matches spread over every chunk, in increasing evt.num
"$R" events -J 4 -f 'evt.type=openat or evt.type=close' -p '%evt.num' "$T/a.sysrec" >"$T/nums"
n=$(wc -l <"$T/nums")
if [ "$n" -gt 1000 ] && sort -n -c "$T/nums" 2>/dev/null && [ "$(sort -u "$T/nums" | wc -l)" = "$n" ]; then
	pass keep_order_increasing
else fail keep_order_increasing "$n lines, not strictly increasing"; fi

# alerts keep state on the run's thread; the workers only screen out the
# events no rule can match from the record alone (rule_set_may_match), which
# then skip the rules. The alerts must be the same, and some events screened.
scr=$(SYSREPLAY_DEBUG=1 "$R" alerts -J 2 "$T/a.sysrec" 2>&1 >/dev/null | sed -n 's/.*screened out \([0-9]*\).*/\1/p')
[ "${scr:-0}" -gt 0 ] && pass alerts_screened || fail alerts_screened "screened ${scr:-?}"
same alerts_screen_json alerts -j "$T/a.sysrec"
FALCO="../shared/reference/falco-rules/falco_rules.yaml"
if [ -f "$FALCO" ]; then
	same alerts_falco_rules alerts -r "$FALCO" "$T/a.sysrec"
	same alerts_falco_merged alerts -r "$FALCO" "$T/rot"
else skip alerts_falco_rules "no $FALCO"; fi
exit 0
