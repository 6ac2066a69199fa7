#!/bin/sh
# Local outputs: syslog (RFC 5424 to a unix datagram socket, read by a
# receiver here) and program (its process killed mid-burst: started again,
# the alerts after it arrive, only those in its 4 KiB pipe are lost).
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.inc
. tests/e2e/outputs.inc
need_replay outputs_local
T=$(mktemp -d)
trap 'cleanup_pids; rm -rf "$T"' EXIT
want=$(burst_expected)

# ---- syslog ----
python3 - "$T/log.sock" "$T/syslog.txt" "$want" <<'PY' & PIDS="$!"
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
with open(sys.argv[2], "wb") as f:
    for _ in range(int(sys.argv[3])):
        f.write(s.recv(65536) + b"\n")
        f.flush()
PY
for i in $(seq 1 50); do [ -S "$T/log.sock" ] && break; sleep 0.1; done
cat >"$T/sl.yaml" <<EOC
outputs:
  spool_dir: $T/spool
  syslog:
    enabled: true
    address: $T/log.sock
    facility: local3
    min_priority: warning
EOC
"$R" alerts --all --no-progress -r "$BURST_RULES" --outputs "$T/sl.yaml" $BURST_CAPS >/dev/null 2>"$T/err"
half=$(( want / 2 ))
for i in $(seq 1 50); do [ "$(wc -l <"$T/syslog.txt")" -ge "$half" ] && break; sleep 0.1; done
# local3 (19) * 8 + warning (4) = 156; notice alerts are below min_priority
n=$(grep -c '^<156>1 [0-9T:.-]*Z [^ ]* sysrec [0-9]* - \[sysrec@32473 uuid="[0-9a-f-]\{36\}" rule="Burst one"\] [0-9:.]*: Warning one ' "$T/syslog.txt")
if [ "$n" -eq "$half" ] && ! grep -q "Burst two" "$T/syslog.txt"; then
	pass "outputs_syslog ($n RFC 5424 messages, notice ones below min_priority left out)"
else
	fail outputs_syslog "$n of $half well-formed: $(head -1 "$T/syslog.txt")"
fi
cleanup_pids

# ---- program killed mid-burst ----
# a slow reader (sh reads a byte at a time), so the kill falls mid-burst
cat >"$T/prog.sh" <<EOP
echo \$\$ >>$T/prog.pids
while IFS= read -r l; do printf '%s\\n' "\$l"; done >>$T/prog.out
EOP
BURST_CAPS=$(ls tests/fixtures/*.sysrec)
want=$(burst_expected)
"$R" alerts --all --no-progress -r "$BURST_RULES" --alert-program "sh $T/prog.sh" \
	--alert-spool "$T/spool" $BURST_CAPS >/dev/null 2>"$T/err" & rp=$!
for i in $(seq 1 100); do [ -s "$T/prog.pids" ] && [ "$(wc -l <"$T/prog.out" 2>/dev/null || echo 0)" -gt 100 ] && break; sleep 0.02; done
kill -9 "$(head -1 "$T/prog.pids")"
wait "$rp"
got=$(wc -l <"$T/prog.out")
last=$("$R" alerts --all --no-progress -r "$BURST_RULES" $BURST_CAPS 2>/dev/null | tail -1)
# lines still in the dead program's pipe (4 KiB) are lost with it: a few
if [ "$(wc -l <"$T/prog.pids")" -ge 2 ] && [ "$(tail -1 "$T/prog.out")" = "$last" ] &&
	[ "$got" -ge $((want - 4096 / 40)) ]; then
	pass "outputs_program (killed mid-burst, started again; $got of $want lines, the last one arrived)"
else
	fail outputs_program "$(wc -l <"$T/prog.pids") starts, $got lines; $(grep output "$T/err")"
fi
