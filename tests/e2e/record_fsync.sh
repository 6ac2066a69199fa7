#!/bin/bash
# --fsync / capture.fsync: a thread of the recorder fdatasyncs the capture
# once a second (never the thread reading the kernel's buffers), and the
# directory is synced when a file is created; without it, only the final
# fsync at close. Counted with strace.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
if ! why=$(record_can_run); then skip record_fsync "$why"; exit 0; fi
command -v strace >/dev/null || { skip record_fsync "no strace"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# run NAME ARGS...: records 3 s under strace; sets nsync (fdatasync calls),
# nfsync (fsync calls), nmain (fdatasync calls by the thread that made the
# first fsync, the directory's: the main one).
run() {
	local name=$1
	shift
	# LeakSanitizer (make SAN=...) cannot run under ptrace
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=fdatasync,fsync -o "$T/$name.st" "$BIN/sysrec" -q "$@" -M 3 2>"$T/$name.err"
	local rc=$?
	[ "$rc" -eq 0 ] || { fail "$name" "sysrec exit $rc: $(tail -2 "$T/$name.err")"; return 1; }
	nsync=$(grep -c '^[0-9]* *fdatasync(' "$T/$name.st")
	nfsync=$(grep -c '^[0-9]* *fsync(' "$T/$name.st")
	local main
	main=$(grep -m1 ' *fsync(' "$T/$name.st" | awk '{print $1}')
	nmain=$(grep -c "^$main *fdatasync(" "$T/$name.st")
	return 0
}

if run plain -w "$T/plain.sysrec"; then
	if [ "$nsync" -eq 0 ] && [ "$nfsync" -eq 1 ]; then pass no_fsync_by_default
	else fail no_fsync_by_default "fdatasync $nsync, fsync $nfsync (want 0 and 1: the close)"; fi
fi
if run synced --fsync -w "$T/synced.sysrec"; then
	# about once a second for 3 s
	if [ "$nsync" -ge 2 ] && [ "$nsync" -le 6 ]; then pass fsync_every_second
	else fail fsync_every_second "$nsync fdatasync calls in 3 s"; fi
	if [ "$nmain" -eq 0 ]; then pass fsync_off_the_reader
	else fail fsync_off_the_reader "$nmain fdatasync calls by the main thread"; fi
	# the file, and its directory once it is created
	if [ "$nfsync" -ge 2 ]; then pass fsync_directory
	else fail fsync_directory "$nfsync fsync calls (want the directory's and the close's)"; fi
fi
printf 'capture:\n  fsync: true\n' >"$T/c.yaml"
if run config -c "$T/c.yaml" -w "$T/config.sysrec"; then
	if [ "$nsync" -ge 2 ]; then pass fsync_from_config
	else fail fsync_from_config "$nsync fdatasync calls in 3 s"; fi
fi
# rotation: the new file is synced too (-G 1: three files in 3 s)
if run rotated --fsync -G 1 -w "$T/rot.sysrec"; then
	n=$(grep -c 'fdatasync(' "$T/rotated.st")
	nd=$(grep -c ' *fsync(' "$T/rotated.st")
	if [ "$n" -ge 2 ] && [ "$nd" -ge 4 ]; then pass fsync_after_rotation
	else fail fsync_after_rotation "$n fdatasync, $nd fsync (directory per file, close per file)"; fi
fi
