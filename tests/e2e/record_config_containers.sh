#!/bin/bash
# The containers: section of sysrec.yaml and the --container-* options:
# accepted values show in --show-config (the command line winning), bad
# ones stop sysrec with FILE:LINE:COL and exit 2. No root needed.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
S=$BIN/sysrec
[ -x "$S" ] || { skip record_config_containers "no $S"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'containers:\n  docker: /run/a.sock\n  podman: ""\n  timeout: 500ms\n' >"$tmp/ok.yaml"
out=$("$S" -c "$tmp/ok.yaml" -w "$tmp/x.sysrec" --show-config 2>&1)
if echo "$out" | grep -qx '  docker: "/run/a.sock"' && echo "$out" | grep -qx '  podman: ""' &&
	echo "$out" | grep -qx '  timeout: 500ms'; then
	pass record_config_containers/section
else
	fail record_config_containers/section "$(echo "$out" | tail -5 | tr '\n' '|')"
fi
out=$("$S" -c "$tmp/ok.yaml" -w "$tmp/x.sysrec" --container-socket podman=/run/p.sock \
	--container-timeout 3s --no-containers --show-config 2>&1)
if echo "$out" | grep -qx '  podman: "/run/p.sock"' && echo "$out" | grep -qx '  timeout: 3000ms' &&
	echo "$out" | grep -qx '  enabled: false'; then
	pass record_config_containers/command_line_wins
else
	fail record_config_containers/command_line_wins "$(echo "$out" | tail -5 | tr '\n' '|')"
fi
printf 'containers:\n  dockr: /x\n' >"$tmp/bad.yaml"
out=$("$S" -c "$tmp/bad.yaml" -w "$tmp/x.sysrec" 2>&1)
rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -q "bad.yaml:2:3: unknown key 'dockr' in containers"; then
	pass record_config_containers/unknown_key
else
	fail record_config_containers/unknown_key "rc=$rc: $out"
fi
printf 'containers:\n  timeout: 90s\n' >"$tmp/bad2.yaml"
out=$("$S" -c "$tmp/bad2.yaml" -w "$tmp/x.sysrec" 2>&1)
rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -q "bad2.yaml:2:12: 'timeout' must be from 1ms to 60s"; then
	pass record_config_containers/timeout_range
else
	fail record_config_containers/timeout_range "rc=$rc: $out"
fi
out=$("$S" -w "$tmp/x.sysrec" --container-socket crio=/x 2>&1)
rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -q "expected docker=PATH or podman=PATH"; then
	pass record_config_containers/bad_socket_option
else
	fail record_config_containers/bad_socket_option "rc=$rc: $out"
fi
