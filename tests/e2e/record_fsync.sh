#!/bin/bash
# --fsync / capture.fsync: the recorder syncs each chunk as it is written
# (about one a second) and the directory entry of each file it creates;
# without it, only the final fsync at close. Counted with strace.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
if ! why=$(record_can_run); then skip record_fsync "$why"; exit 0; fi
command -v strace >/dev/null || { skip record_fsync "no strace"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# run NAME ARGS...: records 3 s under strace; sets nsync (fdatasync calls),
# nfsync (fsync calls) and nchunks (chunks in the file).
run() {
	local name=$1
	shift
	strace -f -qq -e trace=fdatasync,fsync -o "$T/$name.st" "$BIN/sysrec" -q "$@" -M 3 2>"$T/$name.err"
	local rc=$?
	[ "$rc" -eq 0 ] || { fail "$name" "sysrec exit $rc: $(tail -2 "$T/$name.err")"; return 1; }
	nsync=$(grep -c '^[0-9]* *fdatasync(' "$T/$name.st")
	nfsync=$(grep -c '^[0-9]* *fsync(' "$T/$name.st")
	nchunks=$("$R" info -j "$T/$name.sysrec" | grep -o '"chunks": *[0-9]*' | grep -o '[0-9]*$')
	return 0
}

if run plain -w "$T/plain.sysrec"; then
	if [ "$nsync" -eq 0 ] && [ "$nfsync" -eq 1 ]; then pass no_fsync_by_default
	else fail no_fsync_by_default "fdatasync $nsync, fsync $nfsync (want 0 and 1: the close)"; fi
fi
if run synced --fsync -w "$T/synced.sysrec"; then
	# every chunk but the one the close syncs itself
	if [ "${nchunks:-0}" -ge 2 ] && [ "$nsync" -ge $((nchunks - 1)) ]; then pass fsync_each_chunk
	else fail fsync_each_chunk "$nsync fdatasync for ${nchunks:-?} chunks"; fi
	# the file, and its directory once it is created
	if [ "$nfsync" -ge 2 ]; then pass fsync_directory
	else fail fsync_directory "$nfsync fsync calls (want the directory's and the close's)"; fi
fi
printf 'capture:\n  fsync: true\n' >"$T/c.yaml"
if run config -c "$T/c.yaml" -w "$T/config.sysrec"; then
	if [ "${nchunks:-0}" -ge 2 ] && [ "$nsync" -ge $((nchunks - 1)) ]; then pass fsync_from_config
	else fail fsync_from_config "$nsync fdatasync for ${nchunks:-?} chunks"; fi
fi
