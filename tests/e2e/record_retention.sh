#!/bin/bash
# The flight recorder: retention by age (--max-age) and by bytes
# (--max-bytes) deletes the oldest rotated files and never FILE or an
# evidence-named file; a restart continues the set without overwriting; a
# full disk with a file ring deletes older files and recording goes on with
# every file valid (-W and --min-free alike).
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_retention "$why"; exit 0; }

tmp=$(mktemp -d)
load=""
trap '[ -n "$load" ] && kill $load 2>/dev/null; mountpoint -q "$tmp/small" && umount "$tmp/small"; rm -rf "$tmp"' EXIT
( while :; do cat /proc/loadavg >/dev/null; sleep 0.01; done ) &
load=$!

all_verify() {
	local f
	for f in "$@"; do
		"$BIN/sysreplay" verify "$f" >/dev/null 2>&1 || { echo "verify failed: $f"; return 1; }
	done
	return 0
}

# ---- --max-age 3 (rotates every second by default): after 7 s no rotated
# file was last written more than ~3 s before the end; an evidence-named
# file older than that stays ----
mkdir "$tmp/a"
touch -d '-1 hour' "$tmp/a/cap.evidence.20200101T000000Z.sysrec"
"$BIN/sysrec" -w "$tmp/a/cap.sysrec" --max-age 3 -M 7 2>"$tmp/a.err"
rc=$?
end=$(date +%s)
old=0
for f in "$tmp"/a/cap.2*.sysrec; do
	[ -e "$f" ] || continue
	[ $((end - $(stat -c %Y "$f"))) -gt 5 ] && old=$((old + 1))
done
n=$(ls "$tmp"/a/cap.2*.sysrec 2>/dev/null | wc -l)
if [ "$rc" -ne 0 ]; then
	fail record_retention_age "exit $rc: $(cat "$tmp/a.err")"
elif [ "$old" -ne 0 ] || [ "$n" -lt 1 ] || [ "$n" -gt 4 ]; then
	fail record_retention_age "$n rotated files, $old too old: $(ls -l --time-style=+%s "$tmp/a")"
elif ! grep -q 'the file ring deleted [1-9]' "$tmp/a.err"; then
	fail record_retention_age "nothing deleted: $(cat "$tmp/a.err")"
elif [ ! -f "$tmp/a/cap.evidence.20200101T000000Z.sysrec" ]; then
	fail record_retention_age "the evidence-named file was deleted"
elif ! out=$(all_verify "$tmp/a/cap.sysrec" "$tmp"/a/cap.2*.sysrec); then
	fail record_retention_age "$out"
else
	pass record_retention_age
fi

# ---- a restart continues the set: the previous FILE is renamed into it,
# byte for byte, and the new run's files join it ----
sum=$(sha256sum <"$tmp/a/cap.sysrec")
before=$(ls "$tmp"/a/cap.2*.sysrec | wc -l)
"$BIN/sysrec" -w "$tmp/a/cap.sysrec" --max-age 1h -M 1.5 2>"$tmp/a2.err"
rc=$?
found=0
for f in "$tmp"/a/cap.2*.sysrec; do
	[ "$(sha256sum <"$f")" = "$sum" ] && found=1
done
after=$(ls "$tmp"/a/cap.2*.sysrec | wc -l)
if [ "$rc" -eq 0 ] && [ "$found" = 1 ] && [ "$after" -gt "$before" ] &&
	grep -q 'previous run was kept' "$tmp/a2.err"; then
	pass record_retention_restart
else
	fail record_retention_restart "exit $rc, found $found, files $before -> $after: $(cat "$tmp/a2.err")"
fi

# ---- --max-bytes 3MB -C 1 under load: the set stays within the limit
# plus what the current file grows between two checks ----
mkdir "$tmp/b"
dd if=/dev/zero of=/dev/null bs=64 count=100000000 2>/dev/null &
dd1=$!
"$BIN/sysrec" -w "$tmp/b/cap.sysrec" -C 1 --max-bytes 3MB -M 8 2>"$tmp/b.err"
rc=$?
kill $dd1 2>/dev/null
wait $dd1 2>/dev/null
total=$(cat "$tmp"/b/* | wc -c)
if [ "$rc" -ne 0 ]; then
	fail record_retention_bytes "exit $rc: $(cat "$tmp/b.err")"
elif ! grep -q 'the file ring deleted [1-9]' "$tmp/b.err"; then
	fail record_retention_bytes "nothing deleted ($total bytes): $(cat "$tmp/b.err")"
elif [ "$total" -gt 4500000 ]; then
	fail record_retention_bytes "$total bytes kept with --max-bytes 3MB"
elif ! out=$(all_verify "$tmp"/b/*); then
	fail record_retention_bytes "$out"
else
	pass record_retention_bytes
fi

# ---- disk full with -W: older files make room, recording goes on (exit
# 0), every file left is valid; the same with a --min-free floor, which
# deletes before the disk fills ----
# under_load NAME ERRFILE PATTERN SYSREC-ARGS...: records under a dd storm
# into the small file system; passes NAME when sysrec exits 0, its stderr
# matches PATTERN (grep -E) and every file left verifies.
under_load() {
	local name=$1 errf=$2 pat=$3 rc dd1 out
	shift 3
	rm -f "$tmp"/small/*
	dd if=/dev/zero of=/dev/null bs=64 count=100000000 2>/dev/null &
	dd1=$!
	"$BIN/sysrec" "$@" 2>"$errf"
	rc=$?
	kill $dd1 2>/dev/null
	wait $dd1 2>/dev/null
	if [ "$rc" -ne 0 ]; then
		fail "$name" "exit $rc: $(cat "$errf")"
	elif ! grep -Eq "$pat" "$errf"; then
		fail "$name" "no '$pat': $(cat "$errf"; ls -l "$tmp/small")"
	elif ! out=$(all_verify "$tmp"/small/*); then
		fail "$name" "$out"
	else
		pass "$name"
	fi
}
mkdir "$tmp/small"
if mount -t tmpfs -o size=3m tmpfs "$tmp/small" 2>/dev/null; then
	under_load record_ring_disk_full "$tmp/f.err" 'the disk filled [1-9]' \
		-w "$tmp/small/f.sysrec" -C 1 -W 100 -M 10
	under_load record_min_free "$tmp/m.err" '\([1-9][0-9]* for disk space\)' \
		-w "$tmp/small/m.sysrec" -C 1 --min-free 1MiB -M 8
	umount "$tmp/small"
else
	skip record_ring_disk_full "cannot mount a small tmpfs"
fi
