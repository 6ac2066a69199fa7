#!/bin/bash
# Induced overload: a one-page per-CPU buffer under a read() storm must lose
# events, and the loss must be counted — in the summary, in the file's drop
# totals and as DROP records — never silent.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_drops "$why"; exit 0; }
[ -x "$TOOLS/rec_count" ] || { skip record_drops "$TOOLS/rec_count not built"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rec_bg "$tmp/err" -q -w "$tmp/d.sysrec" --buffer-pages 1 -M 3
rpid=$rp
dd if=/dev/zero of=/dev/null bs=64 count=300000 2>/dev/null
wait $rpid
rc=$?
summary=$(grep -o 'drops: [0-9]*' "$tmp/err" | grep -o '[0-9]*')
filedrops=$("$BIN/sysreplay" info "$tmp/d.sysrec" 2>/dev/null | awk '$1 == "drops" {print $2}')
recs=$("$TOOLS/rec_count" "$tmp/d.sysrec" 2>/dev/null | awk '$1 == "drop" {print $2}')
if [ "$rc" -ne 0 ]; then
	fail record_drops "sysrec exit $rc: $(cat "$tmp/err")"
elif [ -z "$summary" ] || [ "$summary" -eq 0 ]; then
	fail record_drops "-q run did not report drops: $(cat "$tmp/err")"
elif [ -z "$filedrops" ] || [ "$filedrops" -eq 0 ]; then
	fail record_drops "file drop total is '$filedrops'"
elif [ -z "$recs" ] || [ "$recs" -eq 0 ]; then
	fail record_drops "no DROP records in the file"
elif [ "$filedrops" -ne "$summary" ]; then
	fail record_drops "file says $filedrops drops, summary $summary"
else
	pass record_drops
fi

# the same storm with the default buffers loses nothing; recorded in command
# mode so the recording spans the whole storm however slow the machine is
"$BIN/sysrec" -q -w "$tmp/n.sysrec" -- dd if=/dev/zero of=/dev/null bs=64 count=300000 \
	2>"$tmp/err2"
n=$("$BIN/sysreplay" events -f 'evt.type=read and proc.name=dd' -c "$tmp/n.sysrec" 2>/dev/null |
	grep -o '[0-9]*' | head -1)
drops=$("$BIN/sysreplay" info "$tmp/n.sysrec" 2>/dev/null | awk '$1 == "drops" {print $2}')
if [ "$drops" = 0 ] && [ "${n:-0}" -ge 300000 ]; then
	pass record_no_drops_default
else
	fail record_no_drops_default "drops=$drops, dd reads recorded=$n (want >= 300000)"
fi

# gap markers: the losses of the storm shown in place, one line per CPU and
# look, adding up to the drop total; -j has them as {"gap": ...}; they are
# not events (evt.num and -c count events only)
"$BIN/sysreplay" events "$tmp/d.sysrec" >"$tmp/ev" 2>/dev/null
"$BIN/sysreplay" events -j "$tmp/d.sysrec" >"$tmp/evj" 2>/dev/null
lost=$(grep -E '^-- [0-9]+ events lost( on CPU [0-9]+)? --$' "$tmp/ev" | awk '{s += $2} END {print s + 0}')
marks=$(grep -c '^-- ' "$tmp/ev")
jmarks=$(grep -c '^{"gap":{"events_lost":[0-9]*,.*"cpu":[0-9]*,"from_ns":[0-9]*,"to_ns":[0-9]*}}$' "$tmp/evj")
events=$(grep -vc '^-- ' "$tmp/ev")
count=$("$BIN/sysreplay" events -c "$tmp/d.sysrec" 2>/dev/null)
lastnum=$("$BIN/sysreplay" events -j "$tmp/d.sysrec" 2>/dev/null | grep -v '^{"gap"' | tail -1 |
	grep -o '^{"num":[0-9]*' | grep -o '[0-9]*$')
if [ "$marks" -lt 1 ] || [ "$lost" != "$summary" ]; then
	fail record_gap_markers "$marks markers losing $lost, summary $summary"
elif [ "$jmarks" -ne "$marks" ]; then
	fail record_gap_markers "$jmarks JSON gap objects with a cpu, $marks text markers"
elif [ "$events" != "$count" ] || [ "$lastnum" != "$count" ]; then
	fail record_gap_markers "$events event lines, -c $count, last evt.num $lastnum"
else
	pass record_gap_markers
fi
