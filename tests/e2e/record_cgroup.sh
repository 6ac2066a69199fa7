#!/bin/bash
# CGROUPINFO records: sysrec names every cgroup id it writes in a record
# header, once per file, with the cgroup's path in the unified hierarchy.
# A process already in a container-like cgroup (/docker/<64 hex>) when the
# recording starts is described from the /proc snapshot; one that moves into
# another such cgroup during the recording is described when its first
# record there is written. The cgroups are removed afterwards.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_cgroup "$why"; exit 0; }
[ -x "$TOOLS/rec_count" ] || { skip record_cgroup "$TOOLS/rec_count not built"; exit 0; }
mnt=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
[ -n "$mnt" ] || { skip record_cgroup "no cgroup2 hierarchy mounted"; exit 0; }

hex64() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
tmp=$(mktemp -d)
id1=$(hex64)
id2=$(hex64)
made_docker=
sp=
rp=
cleanup() {
	[ -n "$rp" ] && kill -INT "$rp" 2>/dev/null && wait "$rp" 2>/dev/null
	[ -n "$sp" ] && kill "$sp" 2>/dev/null && wait "$sp" 2>/dev/null
	for c in "$mnt/docker/$id1" "$mnt/docker/$id2"; do
		[ -d "$c" ] || continue
		# anything left inside goes back to the root cgroup first
		for p in $(cat "$c/cgroup.procs" 2>/dev/null); do
			echo "$p" >"$mnt/cgroup.procs" 2>/dev/null
		done
		rmdir "$c" 2>/dev/null
	done
	[ -n "$made_docker" ] && rmdir "$mnt/docker" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
if [ ! -d "$mnt/docker" ]; then
	mkdir "$mnt/docker" 2>/dev/null || { skip record_cgroup "cannot create cgroups in $mnt"; exit 0; }
	made_docker=1
fi
mkdir "$mnt/docker/$id1" "$mnt/docker/$id2" 2>/dev/null ||
	{ skip record_cgroup "cannot create cgroups in $mnt/docker"; exit 0; }
ino1=$(stat -c %i "$mnt/docker/$id1")
ino2=$(stat -c %i "$mnt/docker/$id2")

# already in cgroup 1 when recording starts
sh -c "echo \$\$ >'$mnt/docker/$id1/cgroup.procs' && exec sleep 60" &
sp=$!
for _ in $(seq 100); do
	grep -q "$id1" /proc/$sp/cgroup 2>/dev/null && break
	sleep 0.05
done

"$BIN/sysrec" -q -v -w "$tmp/c.sysrec" -M 300 2>"$tmp/rec.err" &
rp=$!
# -v says "recording to" once the probe is attached and the snapshot taken
for _ in $(seq 1200); do
	grep -q "recording to" "$tmp/rec.err" 2>/dev/null && break
	kill -0 "$rp" 2>/dev/null || break
	sleep 0.05
done
grep -q "recording to" "$tmp/rec.err" ||
	{ fail record_cgroup_start "sysrec did not start: $(head -3 "$tmp/rec.err")"; exit 0; }
# moves into cgroup 2 while recorded, then makes syscalls there
sh -c "echo \$\$ >'$mnt/docker/$id2/cgroup.procs' && cat /proc/self/cgroup >'$tmp/in.txt'"
mover_ok=$?
sleep 0.3
kill -INT "$rp"
wait "$rp"
rc=$?
rp=
[ "$rc" -eq 0 ] || { fail record_cgroup_run "sysrec exited $rc: $(head -3 "$tmp/rec.err")"; exit 0; }
[ "$mover_ok" -eq 0 ] && grep -q "$id2" "$tmp/in.txt" ||
	{ fail record_cgroup_move "could not move a process into $mnt/docker/$id2"; exit 0; }

"$TOOLS/rec_count" -t cgroupinfo "$tmp/c.sysrec" >"$tmp/cg.txt" 2>"$tmp/cg.err" ||
	{ fail record_cgroup_read "$(head -3 "$tmp/cg.err")"; exit 0; }
want2="cgroup_id=$ino2 path=/docker/$id2"
n2=$(grep -c -- "$want2\$" "$tmp/cg.txt")
[ "$n2" -eq 1 ] && pass record_cgroupinfo_moved ||
	fail record_cgroupinfo_moved "want one '$want2', got $n2: $(grep docker "$tmp/cg.txt" | head -3)"
want1="cgroup_id=$ino1 path=/docker/$id1"
n1=$(grep -c -- "$want1\$" "$tmp/cg.txt")
[ "$n1" -eq 1 ] && pass record_cgroupinfo_snapshot ||
	fail record_cgroupinfo_snapshot "want one '$want1', got $n1: $(grep docker "$tmp/cg.txt" | head -3)"
# the snapshot's PROCINFO of the sleeping process carries the same id
"$TOOLS/rec_count" -t procinfo "$tmp/c.sysrec" >"$tmp/pi.txt"
grep -q "^$sp $sp [^ ]* cg=$ino1 " "$tmp/pi.txt" && pass record_procinfo_cgroup_id ||
	fail record_procinfo_cgroup_id "$(grep "^$sp " "$tmp/pi.txt" | cut -c1-120)"
# one description per id and file
dups=$(awk '{print $5}' "$tmp/cg.txt" | sort | uniq -d | head -3)
[ -z "$dups" ] && pass record_cgroupinfo_once || fail record_cgroupinfo_once "repeated: $dups"
