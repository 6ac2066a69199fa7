#!/bin/bash
# A container runtime socket that is missing, hangs (accepts, never answers)
# or answers garbage: sysrec goes on recording, says nothing of the missing
# one, counts the others and reports them at exit; the capture is whole.
# The lookups are triggered by a process in a container-like cgroup made
# here (/docker/<64 hex>), so no runtime needs to be installed.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_containers_faults "$why"; exit 0; }
FAKE=$TOOLS/fake_runtime
[ -x "$FAKE" ] || { skip record_containers_faults "$FAKE not built"; exit 0; }
mnt=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
[ -n "$mnt" ] || { skip record_containers_faults "no cgroup2 hierarchy mounted"; exit 0; }

tmp=$(mktemp -d)
id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cg=$mnt/docker/$id
made_docker=
rp=
fakes=
cleanup() {
	[ -n "$rp" ] && kill -INT "$rp" 2>/dev/null && wait "$rp" 2>/dev/null
	for f in $fakes; do kill "$f" 2>/dev/null; wait "$f" 2>/dev/null; done
	if [ -d "$cg" ]; then
		for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do echo "$p" >"$mnt/cgroup.procs"; done
		rmdir "$cg"
	fi
	[ -n "$made_docker" ] && rmdir "$mnt/docker" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -d "$mnt/docker" ] || { mkdir "$mnt/docker" && made_docker=1; }
mkdir "$cg" || { skip record_containers_faults "cannot create a cgroup under $mnt"; exit 0; }

"$FAKE" hang "$tmp/hang.sock" & fakes="$fakes $!"
"$FAKE" garbage "$tmp/garbage.sock" & fakes="$fakes $!"
for _ in $(seq 50); do [ -S "$tmp/hang.sock" ] && [ -S "$tmp/garbage.sock" ] && break; sleep 0.1; done

# in the container cgroup: a shell that keeps making syscalls for a while
run_in_cgroup() {
	sh -c "echo \$\$ >'$cg/cgroup.procs'; for i in \$(seq 30); do cat /etc/hostname >/dev/null; sleep 0.1; done"
}

check() { # name, sysrec args...
	local name=$1 t0 t1
	shift
	rm -f "$tmp/cap.sysrec"
	rec_bg "$tmp/$name.err" -w "$tmp/cap.sysrec" --container-timeout 300ms "$@" ||
		{ fail "record_containers_faults/$name" "sysrec did not start: $(cat "$tmp/$name.err")"; return 1; }
	t0=$(date +%s%N)
	run_in_cgroup
	t1=$(date +%s%N)
	kill -INT "$rp"
	wait "$rp"
	local rc=$?
	rp=
	[ "$rc" -eq 0 ] || { fail "record_containers_faults/$name" "sysrec exited $rc: $(tail -2 "$tmp/$name.err")"; return 1; }
	local n
	n=$("$R" events -c -f "container.id=${id:0:12} and proc.name=cat" "$tmp/cap.sysrec" 2>&1)
	[ "${n:-0}" -gt 0 ] 2>/dev/null ||
		{ fail "record_containers_faults/$name" "no events of the container in the capture ($n)"; return 1; }
	return 0
}

if check missing --container-socket "docker=$tmp/none.sock" --container-socket "podman=$tmp/none2.sock"; then
	# -v prints the counters; nothing else may mention the sockets
	if grep -v "sysrec: containers: " "$tmp/missing.err" | grep -q "none.sock" ||
		! grep -q "runtime API timeouts 0, bad answers 0" "$tmp/missing.err"; then
		fail record_containers_faults/missing "a missing socket was reported: $(grep -i sock "$tmp/missing.err")"
	else
		pass record_containers_faults/missing
	fi
fi
if check hung --container-socket "docker=$tmp/hang.sock" --container-socket podman=; then
	if grep -Eq "runtime API timeouts [1-9]" "$tmp/hung.err"; then pass record_containers_faults/hung
	else fail record_containers_faults/hung "timeout not reported: $(grep containers "$tmp/hung.err")"; fi
fi
if check garbage --container-socket "docker=$tmp/garbage.sock" --container-socket podman=; then
	if grep -Eq "bad answers [1-9]" "$tmp/garbage.err"; then pass record_containers_faults/garbage
	else fail record_containers_faults/garbage "bad answer not reported: $(grep containers "$tmp/garbage.err")"; fi
fi
