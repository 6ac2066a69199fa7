#!/bin/bash
# Container metadata cost in the recorder: a storm of N short-lived podman
# containers (`podman run --rm`, one after the other) recorded with the
# podman API socket configured. Prints the time from a container's first
# record to its description being handed to the writer (p50/p99/max, from
# sysrec -v), the containers described, the drops, and checks that every
# container of the storm is named in the capture.
#
#   bench/containers.sh [N [CMD]]  (default 50 and "cat /etc/hostname"; needs
#                                   root, podman, runc, busybox-static; run
#                                   after `make`)
cd "$(dirname "$0")/.." || exit 2
N=${1:-50}
CMD=${2:-cat /etc/hostname}
. tests/e2e/record_lib.inc
. tests/e2e/container_lib.inc
why=$(record_can_run) || { echo "containers bench: $why"; exit 0; }
pm=$(podman_missing)
[ -n "$pm" ] && { echo "containers bench: $pm"; exit 0; }
tmp=$(mktemp -d /tmp/sr_ctrbench.XXXXXX)
rp=
trap '[ -n "$rp" ] && kill -INT "$rp" 2>/dev/null; ctr_cleanup' EXIT
ctr_setup "$tmp"
podman_start || { echo "podman service did not start"; exit 1; }
rec_bg "$tmp/rec.err" -w "$tmp/cap.sysrec" --container-socket "podman=$PSOCK" \
	--container-socket docker= || { echo "sysrec did not start"; exit 1; }
t0=$(date +%s.%N)
for i in $(seq "$N"); do
	$P run --rm --network none --name "srb-$$-$i" localhost/srbb:1 $CMD >/dev/null
done
t1=$(date +%s.%N)
sleep 1
kill -INT "$rp"
wait "$rp"
rp=
named=$(bin/sysreplay events -p '%container.name' -f "container.name startswith srb-$$-" \
	"$tmp/cap.sysrec" | sort -u | wc -l)
echo "storm: $N podman run --rm ($CMD) in $(echo "$t1 - $t0" | bc) s"
grep -E "sysrec: .*events in|containers:|description after first sight" "$tmp/rec.err"
echo "containers of the storm named in the capture: $named of $N"
