#!/bin/bash
# dist/sysrec.service as make install writes it: systemd-analyze verify
# accepts it (when present), and, with no systemd here, its ExecStart line
# is run directly under the unit's CapabilityBoundingSet and NoNewPrivileges
# (setpriv): the probe loads, the /proc snapshot still reads another user's
# fds, and SIGTERM (the unit's KillSignal) finishes the capture cleanly.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
need_replay record_service
if [ "$BIN" != bin ]; then skip record_service "BIN=$BIN: make install installs the plain build only"; exit 0; fi
T=$(mktemp -d)
bgpid=""
trap '[ -n "$bgpid" ] && kill "$bgpid" 2>/dev/null; rm -rf "$T"' EXIT
D="$T/stage"
P=/opt/sr
if ! make --no-print-directory -s install PREFIX=$P DESTDIR="$D" >"$T/make.log" 2>&1; then
	fail install "make install failed: $(tail -3 "$T/make.log")"
	exit 0
fi
U="$D$P/lib/systemd/system/sysrec.service"
[ -f "$U" ] || { fail unit_installed "no $U"; exit 0; }

val() { sed -n "s/^$1=//p" "$U" | tail -1; }
if [ "$(val Restart)" = on-failure ] && [ "$(val NoNewPrivileges)" = yes ] &&
	[ -n "$(val ProtectSystem)" ] && [ "$(val PrivateTmp)" = yes ] &&
	[[ " $(val CapabilityBoundingSet) " == *" CAP_BPF "* ]] &&
	[[ " $(val CapabilityBoundingSet) " == *" CAP_PERFMON "* ]]; then
	pass unit_settings
else
	fail unit_settings "Restart/NoNewPrivileges/ProtectSystem/PrivateTmp/CapabilityBoundingSet not as expected"
fi
exec_start=$(val ExecStart)
if [ "${exec_start%% *}" = "$P/bin/sysrec" ] && [[ "$exec_start" == *" -c /etc/sysrec/sysrec.yaml"* ]]; then
	pass unit_exec_start_paths
else
	fail unit_exec_start_paths "ExecStart=$exec_start"
fi

if command -v systemd-analyze >/dev/null; then
	# verify runs `man` for Documentation=: the staged pages answer it
	MANPATH="$D$P/share/man" SYSTEMD_LOG_LEVEL=warning \
		systemd-analyze verify "$U" >"$T/verify" 2>&1
	rc=$?
	# the staged binary is not at its final path: only that may be reported
	grep -v "$P/bin/sysrec" "$T/verify" >"$T/verify2"
	if [ "$rc" -eq 0 ] && [ ! -s "$T/verify2" ]; then pass systemd_analyze_verify
	elif grep -q "$P/bin/sysrec" "$T/verify" && [ ! -s "$T/verify2" ]; then pass systemd_analyze_verify
	else fail systemd_analyze_verify "exit $rc: $(head -3 "$T/verify" | tr '\n' ' ')"; fi
else
	skip systemd_analyze_verify "systemd-analyze not installed"
fi

if ! why=$(record_can_run); then skip service_exec_start "$why"; exit 0; fi
command -v setpriv >/dev/null || { skip service_exec_start "no setpriv (util-linux)"; exit 0; }

# ExecStart with the staged paths; the capture goes to $T instead of the
# config's /var/lib/sysrec, and the rules come from the stage (the command
# line wins over the file).
read -ra words <<<"$exec_start"
cmd=()
for w in "${words[@]}"; do
	case "$w" in /*) cmd+=("$D$w") ;; *) cmd+=("$w") ;; esac
done
caps=$(val CapabilityBoundingSet | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')

# A process of another user holding a file open from before the recording:
# its fd's name can come only from the /proc snapshot (CAP_SYS_PTRACE).
setpriv --reuid=65534 --regid=65534 --clear-groups bash -c \
	'exec 7</etc/hostname; while :; do read -r -u 7 x; sleep 0.05; done' &
bgpid=$!

setpriv --bounding-set "-all,$caps" --inh-caps -all --no-new-privs -- \
	"${cmd[@]}" -v -w "$T/svc.sysrec" -r "$D$P/share/sysrec/rules" >"$T/alerts" 2>"$T/err" &
rp=$!
rec_wait_started "$T/err" "$rp"
sleep 1
kill -TERM "$rp" 2>/dev/null
wait "$rp"
rc=$?
kill "$bgpid" 2>/dev/null
wait "$bgpid" 2>/dev/null
if [ "$rc" -ne 0 ]; then
	fail service_exec_start "exit $rc under the unit's capabilities: $(grep -v '^libbpf' "$T/err" | tail -3 | tr '\n' ' ')"
	exit 0
fi
pass service_exec_start
if "$R" info "$T/svc.sysrec" | grep -q 'status *complete'; then pass sigterm_finishes_capture
else fail sigterm_finishes_capture "$("$R" info "$T/svc.sysrec" | grep status)"; fi
n=$("$R" events -c -f "proc.pid=$bgpid and evt.type=read and fd.num=7 and fd.name=/etc/hostname" "$T/svc.sysrec")
if [ "${n:-0}" -gt 0 ]; then pass snapshot_reads_other_users_fds
else fail snapshot_reads_other_users_fds "no read of fd 7 named /etc/hostname by pid $bgpid"; fi
