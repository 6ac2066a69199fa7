#!/bin/bash
# Kernel-side filters: -p PID (and its later children), --comm, --cgroup,
# --syscalls. Each records the whole machine through the filter and checks
# that only the matching processes / syscalls are in the capture.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_filters "$why"; exit 0; }

tmp=$(mktemp -d)
cg=
trap 'rm -rf "$tmp"; [ -n "$cg" ] && rmdir "$cg" 2>/dev/null' EXIT

names() { "$BIN/sysreplay" events -p '%proc.name' "$1" 2>/dev/null | sort -u | tr '\n' ' '; }

# -p: a shell that later starts a child; both recorded, nothing else
mkfifo "$tmp/go"
sh -c 'read x < "$1"; cat /etc/hostname >/dev/null; ls /nonexistent-p-filter 2>/dev/null' \
	sh "$tmp/go" &
target=$!
rec_bg "$tmp/p.err" -q -w "$tmp/p.sysrec" -p $target
echo go >"$tmp/go"
wait $target
sleep 0.5
kill -INT $rp
wait $rp
pids=$("$BIN/sysreplay" events -p '%proc.pid %proc.ppid' "$tmp/p.sysrec" 2>/dev/null | sort -u)
stray=$(echo "$pids" | awk -v t=$target '$1 != t && $2 != t' | head -3)
ls_seen=$("$BIN/sysreplay" events -c -f 'evt.type=procexec and proc.name=ls' "$tmp/p.sysrec" 2>/dev/null |
	grep -o '[0-9]*' | head -1)
if [ -z "$stray" ] && [ "${ls_seen:-0}" -ge 1 ]; then
	pass record_filter_pid
else
	fail record_filter_pid "stray pid/ppid: $stray; ls exec seen: $ls_seen; names: $(names "$tmp/p.sysrec")"
fi

# --comm
rec_bg "$tmp/c.err" -q -w "$tmp/c.sysrec" --comm dd -M 3
dd if=/dev/zero of=/dev/null bs=1 count=5 2>/dev/null
wait $rp
n=$(names "$tmp/c.sysrec")
[ "$n" = "dd " ] && pass record_filter_comm || fail record_filter_comm "names: $n"

# --syscalls: only openat (plus process lifecycle, always recorded)
# (opens and other calls happen in every second, however quiet the machine)
( while :; do cat /proc/loadavg >/dev/null; sleep 0.05; done ) &
busy=$!
"$BIN/sysrec" -q -w "$tmp/s.sysrec" --syscalls openat -M 2 2>/dev/null
kill "$busy"; wait "$busy" 2>/dev/null
"$BIN/sysreplay" events -p '%evt.type' "$tmp/s.sysrec" 2>/dev/null | sort -u >"$tmp/s.types"
types=$(grep -v -x -E 'openat|procfork|procexec|procexit' "$tmp/s.types" | tr '\n' ' ')
if [ -z "$types" ] && grep -qx openat "$tmp/s.types"; then pass record_filter_syscalls
else fail record_filter_syscalls "types: $(tr '\n' ' ' <"$tmp/s.types")"; fi

# --cgroup: a cgroup v2 directory; only tasks moved into it
root=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
if [ -z "$root" ] || ! mkdir "$root/sysrec-test-$$" 2>/dev/null; then
	skip record_filter_cgroup "no writable cgroup2 hierarchy"
else
	cg="$root/sysrec-test-$$"
	rec_bg "$tmp/g.err" -q -w "$tmp/g.sysrec" --cgroup "$cg" -M 3
	sh -c 'echo $$ > "$1/cgroup.procs"; cat /etc/hostname >/dev/null' sh "$cg"
	wait $rp
	n=$(names "$tmp/g.sysrec")
	[ "$n" = "cat sh " ] && pass record_filter_cgroup || fail record_filter_cgroup "names: $n $(cat "$tmp/g.err")"
fi
