#!/bin/bash
# The fleet over a real 3-node NATS JetStream cluster on loopback (started
# here, stopped by PID, also on failure): three recorders with different
# host names publish; sysreplay over nats:// gives the counts and alerts of
# the local files; a publisher killed mid-way resumes without duplicates.
cd "$(dirname "$0")/../.."
. tests/e2e/record_lib.inc
N=fleet_nats
command -v nats-server >/dev/null || { skip $N "nats-server not installed"; exit 0; }
why=$(record_can_run) || { skip $N "$why"; exit 0; }
T=$(mktemp -d)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
free_port() { ! (echo >/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
# three consecutive free ports per role, from a base that depends on our pid
for try in $(seq 50); do
	B=$((20000 + (RANDOM % 4000) * 10))
	ok=1
	for k in 0 1 2 3 4 5 6 7 8; do free_port $((B + k)) || ok=0; done
	[ $ok = 1 ] && break
done
ROUTES="nats://127.0.0.1:$((B + 3)),nats://127.0.0.1:$((B + 4)),nats://127.0.0.1:$((B + 5))"
start_node() { # N (0..2)
	mkdir -p "$T/s$1"
	nats-server -n "n$1" -a 127.0.0.1 -p $((B + $1)) -m $((B + 6 + $1)) -js -sd "$T/s$1" \
		--cluster_name C --cluster "nats://127.0.0.1:$((B + 3 + $1))" --routes "$ROUTES" \
		>"$T/n$1.log" 2>&1 &
	eval "NP$1=$!"
	PIDS="$PIDS $!"
}
start_node 0; start_node 1; start_node 2
S="--server nats://127.0.0.1:$B --server nats://127.0.0.1:$((B + 1)) --server nats://127.0.0.1:$((B + 2))"
URL="nats://127.0.0.1:$B/SYSREC"
ok=0
for _ in $(seq 60); do
	"$BIN/sysrec" fleet init $S >"$T/init.out" 2>&1 && { ok=1; break; }
	sleep 0.5
done
[ $ok = 1 ] || { fail $N "fleet init: $(tail -1 "$T/init.out")"; exit 0; }
grep -q "3 replicas" "$T/init.out" && pass "$N: fleet init creates the stream with 3 replicas" ||
	fail "$N: init" "$(cat "$T/init.out")"

# three recorders, three host names, each a command of its own
FS="--fleet-server nats://127.0.0.1:$B --fleet-server nats://127.0.0.1:$((B + 1))"
i=0
for h in alpha beta gamma; do
	i=$((i + 1))
	"$BIN/sysrec" -q -w "$T/$h.sysrec" --hostname "$h" $FS -- \
		sh -c "for k in \$(seq $((i * 20))); do cat /etc/hostname >/dev/null; done; cat /etc/shadow >/dev/null 2>&1; true" \
		>"$T/$h.out" 2>"$T/$h.err" &
	PIDS="$PIDS $!"
	eval "RP_$h=$!"
done
for h in alpha beta gamma; do eval "wait \$RP_$h" || fail "$N: sysrec $h" "$(tail -2 "$T/$h.err")"; done
local_n=0
for h in alpha beta gamma; do
	local_n=$((local_n + $("$R" events -c "$T/$h.sysrec")))
done
nats_n=$("$R" events -c "$URL" 2>"$T/ev.err")
[ -n "$nats_n" ] && [ "$nats_n" = "$local_n" ] && [ "$local_n" -gt 0 ] &&
	pass "$N: events -c over nats:// equals the three local files ($nats_n)" ||
	fail "$N: events -c" "nats '$nats_n' local '$local_n' $(head -2 "$T/ev.err")"
"$R" alerts "$T/alpha.sysrec" "$T/beta.sysrec" "$T/gamma.sysrec" 2>/dev/null | sort >"$T/al.local"
"$R" alerts "$URL" 2>/dev/null | sort >"$T/al.nats"
[ -s "$T/al.local" ] && cmp -s "$T/al.local" "$T/al.nats" &&
	pass "$N: alerts over nats:// equal the local files' ($(wc -l <"$T/al.local") lines)" ||
	fail "$N: alerts" "$(diff "$T/al.local" "$T/al.nats" | head -3)"
hosts=$("$R" events -p '%evt.hostname' "$URL" 2>/dev/null | sort -u | tr '\n' ' ')
[ "$hosts" = "alpha beta gamma " ] && pass "$N: evt.hostname names each event's host" ||
	fail "$N: evt.hostname" "'$hosts'"
"$R" events -c "$URL?host=beta" >"$T/beta.n" 2>/dev/null
[ "$(cat "$T/beta.n")" = "$("$R" events -c "$T/beta.sysrec")" ] &&
	pass "$N: ?host=beta reads one host" || fail "$N: host filter" "$(cat "$T/beta.n")"
"$R" hosts "$URL" >"$T/hosts.out" 2>&1
[ "$(grep -c '^alpha \|^beta \|^gamma ' "$T/hosts.out")" = 3 ] && ! awk 'NR>1 && ($(NF-1)!=0 || $NF!=0)' "$T/hosts.out" | grep -q . &&
	pass "$N: hosts lists three hosts without gaps or duplicates" || fail "$N: hosts" "$(cat "$T/hosts.out")"

# a bigger capture pushed in small parts: the push SIGKILLed once it has
# acknowledged part of the file, the stream leader SIGKILLed, the push run
# again while it is down and restarted: nothing lost, nothing twice
"$BIN/sysrec" -q -w "$T/delta.sysrec" --hostname delta -- sh -c 'for k in $(seq 3000); do cat /etc/hostname >/dev/null; done' 2>/dev/null
SYSREC_FLEET_PART_MAX=600 "$BIN/sysrec" fleet push $S --hostname delta -w "$T/delta.sysrec" >"$T/push1.out" 2>&1 &
pp=$!
for _ in $(seq 500); do
	[ -s "$T/delta.sysrec.fleet" ] && read -r _ _ nx _ dn <"$T/delta.sysrec.fleet" &&
		[ "${nx:-0}" -gt 0 ] && break
	sleep 0.01
done
kill -9 $pp 2>/dev/null
{ wait $pp; } 2>/dev/null
read -r _ _ nx _ dn <"$T/delta.sysrec.fleet"
[ "${dn:-1}" = 0 ] && [ "${nx:-0}" -gt 0 ] && pass "$N: push killed after $nx acknowledged chunks" ||
	fail "$N: kill mid-push" "state '$nx' '$dn'"
leader=$(curl -s "http://127.0.0.1:$((B + 6))/jsz?streams=true" 2>/dev/null | grep -o '"leader": *"n[0-2]"' | head -1 | grep -o 'n[0-2]')
li=${leader#n}; li=${li:-0}
eval "kill -9 \$NP$li; wait \$NP$li 2>/dev/null"
SYSREC_FLEET_PART_MAX=600 "$BIN/sysrec" fleet push $S --hostname delta -w "$T/delta.sysrec" >"$T/push2.out" 2>&1 &
pp=$!
sleep 1
start_node "$li"
wait $pp || fail "$N: push after kill" "$(cat "$T/push2.out")"
U2="nats://127.0.0.1:$((B + (li + 1) % 3))/SYSREC"
compare() { # NAME HOST LOCALFILE
	local dl dn lc nc
	dl=$("$R" events -c "$3")
	dn=$("$R" events -c "$U2?host=$2" 2>"$T/d.err")
	"$R" hosts "$U2" >"$T/hosts2.out" 2>&1
	lc=$("$R" info "$3" 2>/dev/null | awk '$1=="chunks"{print $2; exit}')
	nc=$(awk -v h="$2" '$1==h{print $3}' "$T/hosts2.out")
	if [ "$dl" = "$dn" ] && [ "$dl" -gt 0 ] && [ -n "$lc" ] && [ "$lc" = "$nc" ] &&
		awk -v h="$2" '$1==h{exit ($(NF-1)!=0 || $NF!=0)}' "$T/hosts2.out"; then
		pass "$N: $1: $dn events, $nc chunks, no gap, no duplicate"
	else
		fail "$N: $1" "local $dl/$lc nats $dn/$nc $(head -2 "$T/d.err")"
	fi
	"$R" verify "$U2?host=$2" >"$T/verify.out" 2>&1 &&
		pass "$N: $1: verify over nats:// (CRCs, digest chain, index) is clean" ||
		fail "$N: $1: verify" "$(head -3 "$T/verify.out")"
}
compare "push killed, leader ($leader) killed" delta "$T/delta.sysrec"

# the whole cluster stopped for 10 s while a recorder publishes; a restarted
# cluster elects its leaders again before it stores anything (seconds on a
# loaded machine), so the recorder gets a drain time that outlasts that
cat >"$T/eps.yaml" <<EOC
fleet:
  servers: [nats://127.0.0.1:$B, nats://127.0.0.1:$((B + 1))]
  drain: 90s
EOC
"$BIN/sysrec" -c "$T/eps.yaml" -w "$T/eps.sysrec" --hostname eps -- sh -c 'for k in $(seq 160); do cat /etc/hostname >/dev/null; sleep 0.1; done' >"$T/eps.out" 2>"$T/eps.err" &
rp=$!
PIDS="$PIDS $rp"
sleep 3
for k in 0 1 2; do eval "kill \$NP$k"; done
for k in 0 1 2; do eval "wait \$NP$k 2>/dev/null"; done
sleep 10
start_node 0; start_node 1; start_node 2
wait $rp || fail "$N: recorder through the outage" "$(tail -2 "$T/eps.err")"
grep -q "0 files removed" "$T/eps.err" && ! grep -q "not sent" "$T/eps.err" && pass "$N: the recorder rode out the outage ($(grep fleet: "$T/eps.err"))" ||
	fail "$N: outage summary" "$(cat "$T/eps.err")"
compare "cluster stopped 10 s" eps "$T/eps.sysrec"

# a chunk missing from the stream is a reported gap, never skipped silently
cp "$T/delta.sysrec" "$T/zeta.sysrec"
SYSREC_FLEET_SKIP_CHUNK=3 "$BIN/sysrec" fleet push $S --hostname zeta -w "$T/zeta.sysrec" >/dev/null 2>&1
"$R" events -c "$U2?host=zeta" >"$T/z.out" 2>"$T/z.err"
zc=$?
grep -q "host zeta file .*chunk 3 missing from the stream (gap)" "$T/z.err" && [ $zc -ne 0 ] &&
	pass "$N: a chunk missing from the stream is reported as a gap (exit $zc)" ||
	fail "$N: gap" "exit $zc: $(head -3 "$T/z.err")"

# no server reachable at start: recording goes on, exits after the drain
# time, and a later push sends it all (the files are the queue)
timeout -s KILL 60 "$BIN/sysrec" -w "$T/theta.sysrec" --hostname theta \
	--fleet-server "nats://127.0.0.1:$((B + 8 + 1))" -- cat /etc/hostname >/dev/null 2>"$T/theta.err"
trc=$?
[ $trc = 0 ] && grep -q "fleet: 0 chunks" "$T/theta.err" &&
	grep -q "fleet: [1-9][0-9]* chunks not sent when the drain time ran out" "$T/theta.err" &&
	pass "$N: an unreachable cluster does not hold up recording" ||
	fail "$N: unreachable" "exit $trc: $(tail -2 "$T/theta.err")"
"$BIN/sysrec" fleet push $S --hostname theta -w "$T/theta.sysrec" >/dev/null 2>&1
compare "published later" theta "$T/theta.sysrec"
