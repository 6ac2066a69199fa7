#!/bin/bash
# Recorder file handling: time rotation with a ring of files (-G/-W), size
# rotation (-C), SIGUSR2 rotation (SIGHUP reloads rules, never rotates), SIGTERM finishing the file, SIGKILL leaving
# a readable file, and an unwritable path failing with exit 2.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_files "$why"; exit 0; }

tmp=$(mktemp -d)
trap 'kill $load 2>/dev/null; rm -rf "$tmp"' EXIT
# background syscalls so every file has events
( while :; do cat /proc/loadavg >/dev/null; sleep 0.01; done ) &
load=$!

all_verify() { # files...: each passes `sysreplay verify` and holds a state snapshot
	local f first
	for f in "$@"; do
		"$BIN/sysreplay" verify "$f" >/dev/null 2>&1 || { echo "verify failed: $f"; return 1; }
		"$BIN/sysreplay" info "$f" 2>/dev/null | grep -Eq '\([1-9][0-9]* with snapshots\)' ||
			{ echo "$f has no snapshot chunk"; return 1; }
	done
	return 0
}

# ---- -G 1 -W 3 for 4.5 s: 5 files made, the 2 oldest deleted ----
"$BIN/sysrec" -q -w "$tmp/g.sysrec" -G 1 -W 3 -M 4.5 2>"$tmp/g.err"
rc=$?
files=("$tmp"/g.*.sysrec)
n=$(ls "$tmp"/g.*.sysrec 2>/dev/null | wc -l)
if [ "$rc" -ne 0 ]; then
	fail record_rotate_time "exit $rc: $(cat "$tmp/g.err")"
elif [ "$n" -ne 2 ] || [ ! -f "$tmp/g.sysrec" ]; then
	fail record_rotate_time "want g.sysrec + 2 rotated files, got: $(ls "$tmp")"
elif ! ls "$tmp"/g.*.sysrec | grep -Eq '/g\.[0-9]{8}T[0-9]{6}Z(-[0-9]+)?\.sysrec$'; then
	fail record_rotate_time "rotated names: $(ls "$tmp")"
elif ! out=$(all_verify "$tmp/g.sysrec" "${files[@]}"); then
	fail record_rotate_time "$out"
else
	pass record_rotate_time
fi
# the set reads as one stream in time order
if "$BIN/sysreplay" events -p '%evt.rawtime' "${files[@]}" "$tmp/g.sysrec" >"$tmp/g.ts" 2>&1 &&
	sort -n -c "$tmp/g.ts" 2>/dev/null; then
	pass record_rotate_set_ordered
else
	fail record_rotate_set_ordered "$(head -2 "$tmp/g.ts")"
fi

# ---- -C 1: size rotation under a syscall storm ----
rec_bg "$tmp/c.err" -q -w "$tmp/c.sysrec" -C 1 -M 4
rpid=$rp
dd if=/dev/zero of=/dev/null bs=64 count=1500000 2>/dev/null
wait $rpid
rc=$?
n=$(ls "$tmp"/c.*.sysrec 2>/dev/null | wc -l)
big=$(find "$tmp" -name 'c.*.sysrec' -size +3000k | head -1)
if [ "$rc" -ne 0 ] || [ "$n" -lt 2 ]; then
	fail record_rotate_size "exit $rc, $n rotated files: $(cat "$tmp/c.err")"
elif [ -n "$big" ]; then
	fail record_rotate_size "$big is over 3 MB with -C 1"
elif ! out=$(all_verify "$tmp"/c*.sysrec); then
	fail record_rotate_size "$out"
else
	pass record_rotate_size
fi

# ---- SIGUSR2 rotates (SIGHUP does not), SIGTERM finishes cleanly ----
rec_bg "$tmp/h.err" -q -w "$tmp/h.sysrec"
rpid=$rp
sleep 0.5
kill -HUP $rpid
sleep 0.5
kill -USR2 $rpid
sleep 1.5
kill -TERM $rpid
wait $rpid
rc=$?
n=$(ls "$tmp"/h.*.sysrec 2>/dev/null | wc -l)
if [ "$rc" -eq 0 ] && [ "$n" -eq 1 ] && out=$(all_verify "$tmp"/h*.sysrec); then
	pass record_sigusr2_rotates
else
	fail record_sigusr2_rotates "exit $rc, $n rotated: $out $(cat "$tmp/h.err")"
fi
if "$BIN/sysreplay" info "$tmp/h.sysrec" 2>&1 | grep -q complete; then
	pass record_sigterm_complete
else
	fail record_sigterm_complete "$("$BIN/sysreplay" info "$tmp/h.sysrec" 2>&1 | head -3)"
fi

# ---- SIGKILL: flushed chunks survive, the marker event is there ----
tag="killmark$$"
rec_bg "$tmp/k.err" -q -w "$tmp/k.sysrec"
rpid=$rp
cat "/nonexistent/$tag" 2>/dev/null
sleep 2.5
kill -KILL $rpid
wait $rpid 2>/dev/null
info=$("$BIN/sysreplay" info "$tmp/k.sysrec" 2>&1)
hits=$("$BIN/sysreplay" events -p '%evt.type %evt.arg.name' -f "evt.type=openat" \
	"$tmp/k.sysrec" 2>/dev/null | grep -c "$tag")
if [ "$hits" -ge 1 ] && ! echo "$info" | grep -q ', complete'; then
	pass record_sigkill_recovery
else
	fail record_sigkill_recovery "marker hits=$hits; $(echo "$info" | head -3 | tr '\n' ' ')"
fi

# ---- -n: exactly that many events (snapshot records aside) ----
"$BIN/sysrec" -q -w "$tmp/n.sysrec" -n 1000 -M 30 2>/dev/null
n=$("$BIN/sysreplay" events -c "$tmp/n.sysrec" 2>/dev/null | grep -o '[0-9]*' | head -1)
[ "$n" = 1000 ] && pass record_event_limit || fail record_event_limit "$n events with -n 1000"

# ---- periodic state snapshots ----
"$BIN/sysrec" -q -w "$tmp/s.sysrec" --snapshot-every 1 -M 3.5 2>/dev/null
n=$("$BIN/sysreplay" info "$tmp/s.sysrec" 2>/dev/null | grep -o '([0-9]* with snapshots)' | grep -o '[0-9]*')
[ "${n:-0}" -ge 3 ] && pass record_periodic_snapshots ||
	fail record_periodic_snapshots "$n snapshot chunks in 3.5 s, want >= 3"

# ---- disk full: exit 1, a message, the file closed and readable; the
# summary counts the events in the file and its size is stat's, and the last
# line says whether the index could be written ----
mkdir "$tmp/small"
if mount -t tmpfs -o size=600k tmpfs "$tmp/small" 2>/dev/null; then
	rec_bg "$tmp/f.err" -w "$tmp/small/f.sysrec" -M 20
	rpid=$rp
	dd if=/dev/zero of=/dev/null bs=64 count=2000000 2>/dev/null &
	dpid=$!
	wait $rpid
	rc=$?
	kill $dpid 2>/dev/null
	wait $dpid 2>/dev/null
	ev=$("$BIN/sysreplay" info "$tmp/small/f.sysrec" 2>/dev/null | awk '$1 == "events" {print $2}')
	if [ "$rc" -eq 1 ] && grep -qi "space" "$tmp/f.err" && [ "${ev:-0}" -gt 0 ]; then
		pass record_disk_full
	else
		fail record_disk_full "exit $rc, events $ev: $(cat "$tmp/f.err")"
	fi
	said=$(grep -o 'sysrec: [0-9]* events in' "$tmp/f.err" | grep -o '[0-9][0-9]*' | head -1)
	have=$("$BIN/sysreplay" events -c "$tmp/small/f.sysrec" 2>/dev/null | grep -o '[0-9]*' | head -1)
	bytes=$(grep -o '[0-9]* bytes in 1 file' "$tmp/f.err" | grep -o '^[0-9]*')
	size=$(stat -c %s "$tmp/small/f.sysrec")
	if "$BIN/sysreplay" info "$tmp/small/f.sysrec" 2>/dev/null | grep -q complete; then
		want="file closed with its index"
	else
		want="no index could be written"
	fi
	if [ "$said" != "$have" ]; then
		fail record_disk_full_summary "summary says $said events, the file holds $have"
	elif [ "$bytes" != "$size" ]; then
		fail record_disk_full_summary "summary says $bytes bytes, stat $size"
	elif ! tail -1 "$tmp/f.err" | grep -q "$want"; then
		fail record_disk_full_summary "last line '$(tail -1 "$tmp/f.err")' lacks '$want'"
	else
		pass record_disk_full_summary
	fi
	umount "$tmp/small"
else
	skip record_disk_full "cannot mount a small tmpfs"
fi

# ---- an unwritable path: one line, exit 2 ----
err=$("$BIN/sysrec" -q -w /nonexistent-dir/x.sysrec -M 1 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && [ "$(echo "$err" | wc -l)" -eq 1 ]; then
	pass record_unwritable_exit2
else
	fail record_unwritable_exit2 "exit $rc: $err"
fi
err=$("$BIN/sysrec" -w "$tmp/u.sysrec" --syscalls nosuchcall 2>&1)
rc=$?
[ "$rc" -eq 2 ] && pass record_bad_syscall_exit2 || fail record_bad_syscall_exit2 "exit $rc: $err"
