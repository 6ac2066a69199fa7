#!/bin/bash
# Container metadata from the real runtimes, kept inside the capture.
# podman (API service on a private socket) and dockerd (private data/exec
# roots and socket) are started here; one podman container runs privileged,
# one docker container carries the io.kubernetes.* labels kubelet sets on a
# pod's containers. The capture must name both (name, image, labels,
# privileged, pod and namespace), say container.id=host outside, give the
# same answers once both daemons are gone, and fire Falco rules over
# container.privileged and k8s.ns.name. Five podman containers that live a
# few ms (--rm) must be named too. Needs root, podman, runc, docker.io
# and busybox-static; each missing part is a SKIP with its reason.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
. tests/e2e/container_lib.inc
why=$(record_can_run) || { skip record_containers "$why"; exit 0; }
pm=$(podman_missing)
dm=$(docker_missing)
[ -n "$pm" ] && skip record_containers/podman "$pm"
[ -n "$dm" ] && skip record_containers/docker "$dm"
[ -n "$pm" ] && [ -n "$dm" ] && exit 0

tmp=$(mktemp -d /tmp/sr_ctr.XXXXXX)
rp=
trap '[ -n "$rp" ] && kill -INT "$rp" 2>/dev/null; ctr_cleanup' EXIT
ctr_setup "$tmp"
if [ -z "$pm" ] && ! podman_start; then
	fail record_containers/podman "podman service did not start: $(tail -3 "$tmp/podman.log")"
	pm="not started"
fi
if [ -z "$dm" ] && ! docker_start; then
	fail record_containers/docker "dockerd did not start: $(tail -3 "$tmp/docker.log")"
	dm="not started"
fi
sfx=$$
pname=sr-priv-$sfx
dname=sr-pod-$sfx
cap=$tmp/cap.sysrec
rec_bg "$tmp/rec.err" -w "$cap" --container-socket "podman=$PSOCK" \
	--container-socket "docker=$DSOCK" || { fail record_containers "sysrec did not start: $(cat "$tmp/rec.err")"; exit 0; }
# each container's first process sleeps, then a shell is exec'd into it
if [ -z "$pm" ]; then
	$P run -d --network none --privileged --name "$pname" --label team=red \
		localhost/srbb:1 sleep 4 >/dev/null
	sleep 1
	$P exec "$pname" sh -c 'cat /etc/hostname; debugfs -V' >/dev/null 2>&1
	# containers gone (cgroup and all) within a few ms of their start
	for i in 1 2 3 4 5; do
		$P run --rm --network none --name "sr-short-$sfx-$i" localhost/srbb:1 \
			cat /etc/hostname >/dev/null
	done
fi
if [ -z "$dm" ]; then
	$D run -d --network none --name "$dname" --label team=blue \
		--label io.kubernetes.pod.name=web-7f9c --label io.kubernetes.pod.namespace=shop-prod \
		--label io.kubernetes.pod.uid=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 \
		--label io.kubernetes.container.name=web localhost/srbb:1 sleep 4 >/dev/null
	sleep 1
	$D exec "$dname" sh -c 'cat /etc/hostname' >/dev/null 2>&1
fi
cat /etc/hostname >/dev/null
sleep 1
kill -INT "$rp"
wait "$rp"
rc=$?
rp=
[ "$rc" -eq 0 ] || fail record_containers "sysrec exited $rc: $(tail -3 "$tmp/rec.err")"

fmt='%proc.name|%container.id|%container.name|%container.image|%container.image.repository|%container.image.tag|%container.type|%container.privileged|%container.label[team]|%k8s.pod.name|%k8s.ns.name|%k8s.pod.uid'
flt='evt.type=openat and fd.name=/etc/hostname and proc.name=cat'
"$R" events -p "$fmt" -f "$flt" "$cap" | sort -u >"$tmp/out1" 2>"$tmp/rpl.err"

if [ -z "$pm" ]; then
	pid=$($P inspect -f '{{.Id}}' "$pname" 2>/dev/null | cut -c1-12)
	want="cat|$pid|$pname|localhost/srbb:1|localhost/srbb|1|podman|true|red|<NA>|<NA>|<NA>"
	if grep -qxF "$want" "$tmp/out1"; then pass record_containers/podman_fields
	else fail record_containers/podman_fields "want '$want' in: $(tr '\n' ' ' <"$tmp/out1")"; fi
fi
if [ -z "$dm" ]; then
	did=$($D inspect -f '{{.Id}}' "$dname" 2>/dev/null | cut -c1-12)
	want="cat|$did|$dname|localhost/srbb:1|localhost/srbb|1|docker|false|blue|web-7f9c|shop-prod|0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	if grep -qxF "$want" "$tmp/out1"; then pass record_containers/docker_fields
	else fail record_containers/docker_fields "want '$want' in: $(tr '\n' ' ' <"$tmp/out1")"; fi
fi
if [ -z "$pm" ]; then
	"$R" events -p '%container.name' -f "container.name startswith sr-short-$sfx-" "$cap" |
		sort -u >"$tmp/short"
	if [ "$(wc -l <"$tmp/short")" -eq 5 ]; then pass record_containers/short_lived_named
	else fail record_containers/short_lived_named "named $(wc -l <"$tmp/short") of 5: $(tr '\n' ' ' <"$tmp/short")"; fi
fi
if grep -q '^cat|host|host|<NA>|' "$tmp/out1"; then pass record_containers/host
else fail record_containers/host "no host line in: $(tr '\n' ' ' <"$tmp/out1")"; fi

# Falco rules over the new fields, and Falco's own rule for debugfs
cat >"$tmp/rules.yaml" <<'YAML'
- rule: Privileged container activity
  desc: test
  condition: evt.type = execve and container.privileged = true
  output: priv %container.name %container.image
  priority: WARNING
- rule: Shop namespace activity
  desc: test
  condition: evt.type = execve and k8s.ns.name = shop-prod
  output: shop %k8s.pod.name %container.name
  priority: WARNING
YAML
"$R" alerts -r "$tmp/rules.yaml" "$cap" >"$tmp/alerts1" 2>/dev/null
if [ -z "$pm" ]; then
	if grep -q "priv $pname localhost/srbb:1" "$tmp/alerts1"; then pass record_containers/rule_privileged
	else fail record_containers/rule_privileged "no alert naming $pname: $(head -3 "$tmp/alerts1")"; fi
	falco="$REF/falco-rules/falco_rules.yaml"
	if [ -f "$falco" ]; then
		"$R" alerts -r "$falco" "$cap" 2>/dev/null | grep 'Debugfs launched' >"$tmp/falco1"
		if [ -s "$tmp/falco1" ]; then pass record_containers/falco_debugfs_rule
		else fail record_containers/falco_debugfs_rule "Falco's Debugfs Launched in Privileged Container did not fire"; fi
	else
		skip record_containers/falco_debugfs_rule "no $falco"
	fi
	# Falco's "Launch Privileged Container": the container's pid 1 starting
	inc="$REF/falco-rules/falco-incubating_rules.yaml"
	if [ -f "$falco" ] && [ -f "$inc" ]; then
		"$R" alerts -r "$falco" -r "$inc" "$cap" 2>/dev/null |
			grep 'Privileged container started' >"$tmp/falco2"
		if grep -q 'process=sleep' "$tmp/falco2"; then pass record_containers/falco_launch_privileged
		else fail record_containers/falco_launch_privileged "did not fire: $(head -2 "$tmp/falco2")"; fi
	fi
fi
if [ -z "$dm" ]; then
	if grep -q "shop web-7f9c $dname" "$tmp/alerts1"; then pass record_containers/rule_k8s_ns
	else fail record_containers/rule_k8s_ns "no alert for shop-prod: $(head -3 "$tmp/alerts1")"; fi
fi
# the default rules' container rule names container and pod
"$R" alerts "$cap" 2>/dev/null | grep 'Shell spawned in a container' >"$tmp/def1"
if [ -z "$dm" ]; then
	if grep -q "container_name=$dname .*k8s_ns=shop-prod k8s_pod=web-7f9c" "$tmp/def1"; then
		pass record_containers/default_rule_names_container
	else
		fail record_containers/default_rule_names_container "$(head -2 "$tmp/def1")"
	fi
fi

# with every runtime gone, the capture alone gives the same answers
ctr_cleanup_keep() { podman_stop; docker_stop; }
mv "$cap" "$tmp/../sr_ctr_cap.$$.sysrec"
ctr_cleanup_keep
cap2=$tmp/../sr_ctr_cap.$$.sysrec
"$R" events -p "$fmt" -f "$flt" "$cap2" | sort -u >"$tmp/out2"
"$R" alerts -r "$tmp/rules.yaml" "$cap2" >"$tmp/alerts2" 2>/dev/null
if [ -s "$tmp/out1" ] && cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/alerts1" "$tmp/alerts2"; then
	pass record_containers/replay_without_runtimes
else
	fail record_containers/replay_without_runtimes "output differs once the daemons stopped"
fi
rm -f "$cap2"
