#!/bin/bash
# freeze_container and kill_container on a real podman container
# (../shared/RECIPES.md: runc, cgroupfs, an image imported from a
# busybox-static rootfs, a private storage root). A container whose process
# reads a secret is frozen by sysrec: the cgroup reports frozen, no process
# of it runs and its counter stops; thawed, it counts again. Another is
# killed whole: every process is gone and podman sees it exit 137. Both are
# ACTION records in the capture. Skips without root, BPF or podman.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
if ! why=$(record_can_run); then skip record_actions_container "$why"; exit 0; fi
for t in podman runc busybox; do
	command -v $t >/dev/null 2>&1 || { skip record_actions_container "no $t (scripts/deps.sh installs it)"; exit 0; }
done
case "$(file -L "$(command -v busybox)" 2>/dev/null)" in
*dynamically*) skip record_actions_container "busybox is not static (package busybox-static)"; exit 0 ;;
esac
S="$BIN/sysrec"
T=$(mktemp -d)
export CONTAINERS_CONF="$T/containers.conf"
P=(podman --root "$T/st" --runroot "$T/run" --tmpdir "$T/tmp")
rp=""
cleanup() {
	[ -n "$rp" ] && kill -9 "$rp" 2>/dev/null
	for c in h14frz h14kill; do
		cg=$(cat "$T/$c.cg" 2>/dev/null)
		# a container left frozen cannot be removed
		[ -n "$cg" ] && [ -e "$cg/cgroup.freeze" ] && echo 0 >"$cg/cgroup.freeze" 2>/dev/null
		"${P[@]}" rm -f -t 0 "$c" >/dev/null 2>&1
	done
	"${P[@]}" rmi -af >/dev/null 2>&1
	grep -o " $T/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m" 2>/dev/null; done
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT

cat >"$CONTAINERS_CONF" <<'C'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
C
mkdir -p "$T/rootfs/bin" "$T/rootfs/etc" "$T/vfrz" "$T/vkill"
cp "$(command -v busybox)" "$T/rootfs/bin/busybox"
for c in sh cat sleep echo; do ln -s busybox "$T/rootfs/bin/$c"; done
echo s3cret >"$T/rootfs/etc/h14freeze"
echo s3cret >"$T/rootfs/etc/h14kill"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
if ! "${P[@]}" import "$T/rootfs.tar" localhost/h14bb:1 >"$T/import.log" 2>&1; then
	skip record_actions_container "podman import failed: $(tail -1 "$T/import.log")"
	exit 0
fi

for k in freeze kill; do
	cat <<Y
- rule: Container secret $k
  desc: a container reads the secret that gets it ${k}ed
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/h14$k and container.id != host
  output: $k secret read in %container.id by %proc.name
  priority: critical
  actions: [$([ $k = freeze ] && echo freeze_container || echo kill_container)]
Y
done >"$T/rules.yaml"
printf 'actions:\n  enabled: true\n' >"$T/cfg.yaml"
"$S" -v -c "$T/cfg.yaml" -r "$T/rules.yaml" -w "$T/cap.sysrec" -M 120 >"$T/out" 2>"$T/err" &
rp=$!
if ! rec_wait_started "$T/err" "$rp"; then
	fail container_freeze "sysrec did not start: $(head -3 "$T/err")"
	exit 0
fi

# A container of several processes: a counting loop in a subshell, and the
# main shell that reads the secret after a second.
start_ctr() {
	local name=$1 secret=$2 vol=$3
	"${P[@]}" run -d --network none --name "$name" -v "$vol:/vol" localhost/h14bb:1 sh -c \
		"(while :; do echo x >> /vol/count; sleep 0.1; done) & sleep 1; cat /etc/$secret; wait" \
		>"$T/$name.id" 2>"$T/$name.log" || return 1
	local pid
	pid=$("${P[@]}" inspect -f '{{.State.Pid}}' "$name")
	local cg
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	if [ -e /sys/fs/cgroup/unified/cgroup.procs ]; then cg=/sys/fs/cgroup/unified$cg; else cg=/sys/fs/cgroup$cg; fi
	echo "$cg" >"$T/$name.cg"
	cat "$cg/cgroup.procs" >"$T/$name.procs"
}
# lines the container's loop has appended (appends: never half a line)
count() { if [ -e "$1/count" ]; then wc -l <"$1/count"; else echo 0; fi; }

# ---- freeze ----
if start_ctr h14frz h14freeze "$T/vfrz"; then
	cg=$(cat "$T/h14frz.cg")
	frozen=0
	for _ in $(seq 100); do grep -q '^frozen 1' "$cg/cgroup.events" && { frozen=1; break; }; sleep 0.1; done
	procs=$(cat "$cg/cgroup.procs")
	running=""
	for p in $procs; do
		st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)
		[ "$st" = R ] && running="$running $p"
	done
	c1=$(count "$T/vfrz")
	sleep 0.6
	c2=$(count "$T/vfrz")
	if [ $frozen = 1 ] && [ "$(echo "$procs" | wc -w)" -ge 2 ] && [ -z "$running" ] && [ "$c1" = "$c2" ] && [ "$c1" -gt 0 ]; then
		pass container_frozen
	else
		fail container_frozen "frozen=$frozen procs=[$procs] running=[$running] count $c1 -> $c2; $(grep action "$T/err" | head -3)"
	fi
	echo 0 >"$cg/cgroup.freeze"
	sleep 0.6
	c3=$(count "$T/vfrz")
	if grep -q '^frozen 0' "$cg/cgroup.events" && [ "$c3" -gt "$c2" ]; then pass container_thawed_resumes
	else fail container_thawed_resumes "count $c2 -> $c3; $(cat "$cg/cgroup.events")"; fi
	"${P[@]}" rm -f -t 0 h14frz >/dev/null 2>&1
else
	fail container_frozen "podman run failed: $(tail -2 "$T/h14frz.log")"
fi

# ---- kill ----
if start_ctr h14kill h14kill "$T/vkill"; then
	procs=$(cat "$T/h14kill.procs")
	code=$(timeout 20 "${P[@]}" wait h14kill 2>&1)
	alive=""
	for p in $procs; do [ -e "/proc/$p" ] && alive="$alive $p"; done
	c1=$(count "$T/vkill")
	sleep 0.5
	c2=$(count "$T/vkill")
	if [ "$code" = 137 ] && [ -z "$alive" ] && [ "$c1" = "$c2" ]; then pass container_killed
	else fail container_killed "exit [$code] alive=[$alive] count $c1 -> $c2; $(grep action "$T/err" | head -3)"; fi
	"${P[@]}" rm -f -t 0 h14kill >/dev/null 2>&1
else
	fail container_killed "podman run failed: $(tail -2 "$T/h14kill.log")"
fi

kill -INT "$rp"
wait "$rp"
rp=""
ev=$("$BIN/sysreplay" events -p '%evt.arg.action %evt.arg.result %evt.arg.target %container.id' -f 'evt.type=action' "$T/cap.sysrec" 2>&1)
fid=$(head -c 12 "$T/h14frz.id")
kid=$(head -c 12 "$T/h14kill.id")
if grep -q "^freeze_container ok $(cat "$T/h14frz.cg") $fid\$" <<<"$ev" &&
	grep -q "^kill_container ok $(cat "$T/h14kill.cg") $kid\$" <<<"$ev"; then
	pass container_actions_recorded
else
	fail container_actions_recorded "$ev"
fi
