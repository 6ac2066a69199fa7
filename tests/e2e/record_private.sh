#!/bin/bash
# sysrec's files and command line as a user meets them: captures are private
# (0600 whatever the umask, never written through a symbolic link, an
# existing file refused without --force), a full disk at start leaves no
# file and exits 1, the closing summary tells the size stat shows and what
# was written, only arguments after -- are a command, and sysrec's own
# failures are told apart from the command's status (125). (Disk full while
# recording: record_files.sh.)
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
[ -x "$BIN/sysrec" ] || { skip record_private "$BIN/sysrec not built"; exit 0; }

tmp=$(mktemp -d)
trap 'umount "$tmp/small" 2>/dev/null; rm -rf "$tmp"' EXIT

# ---- the command line (no root needed: refused before anything runs) ----
printf -- '- rule: r\n  desc: d\n  condition: evt.type=openat\n  output: o\n  priority: INFO\n' \
	>"$tmp/a.yaml"
printf '#!/bin/sh\ntouch %s/ran\n' "$tmp" >"$tmp/b.yaml"
chmod +x "$tmp/b.yaml"
"$BIN/sysrec" -w "$tmp/x.sysrec" -r "$tmp/a.yaml" "$tmp/b.yaml" -M 3 >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$tmp/ran" ] && grep -q "use -r for each" "$tmp/err" &&
	[ ! -e "$tmp/x.sysrec" ]; then
	pass record_stray_argument_not_run
else
	fail record_stray_argument_not_run "exit $rc, ran: $([ -e "$tmp/ran" ] && echo yes): $(cat "$tmp/err")"
fi
"$BIN/sysrec" -w "$tmp/x.sysrec" proc.name=x >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "no event filter" "$tmp/err" && grep -q -- "--comm" "$tmp/err"; then
	pass record_trailing_filter_hint
else
	fail record_trailing_filter_hint "exit $rc: $(cat "$tmp/err")"
fi
v=$("$BIN/sysrec" --version)
rc=$?
if [ "$rc" -eq 0 ] && echo "$v" | grep -Eq '^sysrec [0-9]+\.[0-9]+\.[0-9]+ \(capture format [0-9]+\.[0-9]+\)$'; then
	pass record_version
else
	fail record_version "exit $rc: '$v'"
fi
# a usage error when a command was meant: 125, not a status COMMAND could give
"$BIN/sysrec" -w "$tmp/x.sysrec" -M soon -- true 2>/dev/null
rc=$?
[ "$rc" -eq 125 ] && pass record_usage_error_with_command_125 ||
	fail record_usage_error_with_command_125 "exit $rc"

why=$(record_can_run) || { skip record_private "$why"; exit 0; }

# ---- umask 000: the capture is 0600, ours; the summary's size is stat's ----
(umask 000; "$BIN/sysrec" -w "$tmp/u.sysrec" -M 1 2>"$tmp/u.err")
rc=$?
mode=$(stat -c '%a %u' "$tmp/u.sysrec" 2>/dev/null)
if [ "$rc" -eq 0 ] && [ "$mode" = "600 $(id -u)" ]; then
	pass record_private_mode
else
	fail record_private_mode "exit $rc, mode/owner '$mode': $(cat "$tmp/u.err")"
fi
said=$(grep -o '[0-9]* bytes in 1 file' "$tmp/u.err" | grep -o '^[0-9]*')
size=$(stat -c %s "$tmp/u.sysrec" 2>/dev/null)
[ -n "$said" ] && [ "$said" = "$size" ] && pass record_summary_size_is_stat ||
	fail record_summary_size_is_stat "summary says '$said' bytes, stat $size"

# ---- a symbolic link at -w: refused, with or without --force ----
echo precious >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/link.sysrec"
bad=""
for force in "" --force; do
	"$BIN/sysrec" -q $force -w "$tmp/link.sysrec" -M 1 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && grep -q "symbolic link" "$tmp/err" || bad="$bad [$force] exit $rc $(cat "$tmp/err")"
done
if [ -z "$bad" ] && [ "$(cat "$tmp/victim")" = precious ] && [ -L "$tmp/link.sysrec" ]; then
	pass record_symlink_refused
else
	fail record_symlink_refused "${bad:-the target of the link changed}"
fi

# ---- an existing file: refused without --force, replaced with it ----
echo old >"$tmp/e.sysrec"
"$BIN/sysrec" -q -w "$tmp/e.sysrec" -M 1 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q -- "use --force" "$tmp/err" && [ "$(cat "$tmp/e.sysrec")" = old ]; then
	pass record_existing_refused
else
	fail record_existing_refused "exit $rc: $(cat "$tmp/err")"
fi
"$BIN/sysrec" -q --force -w "$tmp/e.sysrec" -M 1 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && "$BIN/sysreplay" verify "$tmp/e.sysrec" >/dev/null 2>&1 &&
	[ "$(stat -c %a "$tmp/e.sysrec")" = 600 ]; then
	pass record_force_replaces
else
	fail record_force_replaces "exit $rc: $(cat "$tmp/err")"
fi

# ---- exit status with -- COMMAND: COMMAND's own, or 125 for sysrec's ----
"$BIN/sysrec" -q -w "$tmp/c2.sysrec" -- sh -c 'exit 2' 2>/dev/null
rc=$?
[ "$rc" -eq 2 ] && pass record_command_status_2 || fail record_command_status_2 "exit $rc, want 2"
echo old >"$tmp/c.sysrec"
"$BIN/sysrec" -q -w "$tmp/c.sysrec" -- touch "$tmp/cmd-ran" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 125 ] && [ ! -e "$tmp/cmd-ran" ] && grep -q "use --force" "$tmp/err"; then
	pass record_own_failure_with_command_125
else
	fail record_own_failure_with_command_125 "exit $rc: $(cat "$tmp/err")"
fi
printf 'not a program\n' >"$tmp/noexec"
chmod 644 "$tmp/noexec"
"$BIN/sysrec" -q -w "$tmp/ne.sysrec" -- "$tmp/noexec" 2>/dev/null
rc=$?
[ "$rc" -eq 126 ] && pass record_command_not_executable_126 ||
	fail record_command_not_executable_126 "exit $rc, want 126"

# ---- disk full at start: no file left, exit 1 (125 with a command) ----
mkdir "$tmp/small"
if mount -t tmpfs -o size=16k tmpfs "$tmp/small" 2>/dev/null; then
	dd if=/dev/zero of="$tmp/small/fill" bs=4k 2>/dev/null
	"$BIN/sysrec" -q -w "$tmp/small/f.sysrec" -M 1 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -e "$tmp/small/f.sysrec" ] && grep -qi "space" "$tmp/err"; then
		pass record_disk_full_at_start
	else
		fail record_disk_full_at_start "exit $rc, left: $(ls "$tmp/small"): $(cat "$tmp/err")"
	fi
	"$BIN/sysrec" -q -w "$tmp/small/g.sysrec" -- true 2>/dev/null
	rc=$?
	[ "$rc" -eq 125 ] && [ ! -e "$tmp/small/g.sysrec" ] && pass record_disk_full_with_command_125 ||
		fail record_disk_full_with_command_125 "exit $rc"
	umount "$tmp/small"

else
	skip record_disk_full_at_start "cannot mount a small tmpfs"
fi

# ---- a rotation that cannot find a free name: exit 1, the path said once ----
mkdir "$tmp/rot"
now=$(date +%s)
# every name of the next 30 s: on a loaded machine the touching and sysrec's
# start take seconds, and its file's start time must fall in the range
for s in $(seq 0 29); do
	stamp=$(date -u -d "@$((now + s))" +%Y%m%dT%H%M%SZ)
	touch "$tmp/rot/r.$stamp.sysrec" "$tmp/rot/r.$stamp"-{1..999}.sysrec
done
if rec_bg "$tmp/r.err" -q -w "$tmp/rot/r.sysrec" -M 30; then
	kill -USR2 $rp
	wait $rp
	rc=$?
	line=$(grep "cannot rename" "$tmp/r.err")
	n=$(echo "$line" | grep -oF "$tmp/rot/r.sysrec" | wc -l)
	if [ "$rc" -eq 1 ] && [ "$n" -eq 1 ]; then
		pass record_rotation_error_path_once
	else
		fail record_rotation_error_path_once "exit $rc, path $n times: $(tail -2 "$tmp/r.err")"
	fi
else
	kill $rp 2>/dev/null
	fail record_rotation_error_path_once "sysrec did not start: $(cat "$tmp/r.err")"
fi
