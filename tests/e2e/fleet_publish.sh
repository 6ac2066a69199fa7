#!/bin/bash
# The fleet's publishing side over a real 3-node NATS JetStream cluster on
# loopback (started here, stopped by PID, also on failure): a recorder with
# capture-on-alert publishes its evidence capture on
# sysrec.<host>.evidence.<id> and its alerts on sysrec.<host>.alerts (no
# outputs: section needed); the analyst lists the evidence, fetches it back
# byte-identical, verifies it, and a second push sends nothing twice.
cd "$(dirname "$0")/../.."
. tests/e2e/record_lib.inc
N=fleet_publish
command -v nats-server >/dev/null || { skip $N "nats-server not installed"; exit 0; }
why=$(record_can_run) || { skip $N "$why"; exit 0; }
. tests/e2e/nats_cluster.inc
T=$(mktemp -d)
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	nats_cluster_stop
	rm -rf "$T"
}
trap cleanup EXIT
nats_cluster_start "$T" || { fail $N "fleet init: $(tail -1 "$T/init.out")"; exit 0; }
URL=$NATS_URL

cat >"$T/r.yaml" <<Y
- rule: Secret read
  desc: test
  condition: evt.type in (open, openat) and fd.name = "$T/secret"
  output: "secret read (proc=%proc.name file=%fd.name)"
  priority: WARNING
  capture: true
Y
echo s >"$T/secret"
cat >"$T/fleet.yaml" <<Y
fleet:
  servers: [nats://127.0.0.1:$NB, nats://127.0.0.1:$((NB + 1))]
  drain: 60s
Y
mkdir "$T/ring"
"$BIN/sysrec" -c "$T/fleet.yaml" -w "$T/ring/cap.sysrec" --hostname epsilon -r "$T/r.yaml" \
	--capture-on-alert rules --capture-pre 2 --capture-post 1 -- \
	sh -c "cat /etc/hostname >/dev/null; sleep 0.5; cat '$T/secret' >/dev/null; cat '$T/secret' >/dev/null; sleep 1.5; true" \
	>"$T/eps.out" 2>"$T/eps.err" || fail "$N: sysrec" "$(tail -3 "$T/eps.err")"
ev=("$T"/ring/cap.evidence.*.sysrec)
E=${ev[0]}
nalerts=$(grep -c "secret read" "$T/eps.out")
if [ ${#ev[@]} != 1 ] || [ ! -s "$E" ] || [ "$nalerts" -lt 1 ]; then
	fail "$N: evidence capture" "files: ${ev[*]} alerts $nalerts: $(tail -3 "$T/eps.err")"
	exit 0
fi
grep -q "fleet: 1 evidence capture published" "$T/eps.err" &&
	pass "$N: the recorder published its evidence capture" ||
	fail "$N: evidence published" "$(grep fleet "$T/eps.err")"

# hosts: alerts (the automatic JetStream output) and evidence counted; the
# evidence file is not taken for a ring file
"$R" hosts "$URL" >"$T/hosts.out" 2>&1
nring=$(ls "$T"/ring/cap*.sysrec | grep -vc evidence)
row=$(awk '$1=="epsilon"' "$T/hosts.out")
set -- $row
[ "$2" = "$nring" ] && [ "$7" = "$nalerts" ] && [ "$8" = 1 ] &&
	pass "$N: hosts counts $nalerts alert(s) and 1 evidence file, $nring ring file(s)" ||
	fail "$N: hosts" "want files $nring alerts $nalerts evidence 1: $(cat "$T/hosts.out")"

"$R" hosts --evidence "$URL" >"$T/evl.out" 2>&1
id=$(awk -v n="$(basename "$E")" '$1=="epsilon" && $3==n && $NF=="yes" {print $2}' "$T/evl.out")
[ -n "$id" ] && pass "$N: hosts --evidence lists it by id ($id) and file name" ||
	fail "$N: hosts --evidence" "$(cat "$T/evl.out")"

"$R" hosts --evidence --host epsilon "$URL" >"$T/evh.out" 2>&1
"$R" hosts --evidence --host zeta "$URL" >"$T/evz.out" 2>&1
grep -q "^epsilon $id " "$T/evh.out" && ! grep -q "^epsilon" "$T/evz.out" &&
	pass "$N: hosts --evidence --host lists that host's evidence only" ||
	fail "$N: hosts --evidence --host" "$(cat "$T/evh.out" "$T/evz.out")"
"$R" fetch "$URL?evidence=$id" -o "$T/got.sysrec" >/dev/null 2>"$T/fetch.err"
cmp -s "$E" "$T/got.sysrec" && pass "$N: the fetched evidence file is byte-identical" ||
	fail "$N: fetch" "$(cat "$T/fetch.err"; ls -l "$E" "$T/got.sysrec")"
"$R" verify "$T/got.sysrec" >"$T/v.out" 2>&1 && "$R" verify "$URL?evidence=$id" >>"$T/v.out" 2>&1 &&
	pass "$N: verify accepts it (fetched file and nats:// source)" ||
	fail "$N: verify" "$(head -5 "$T/v.out")"
ln=$("$R" events -c "$E")
nn=$("$R" events -c "$URL?evidence=$id" 2>"$T/n.err")
[ "$ln" = "$nn" ] && [ "$ln" -gt 0 ] && pass "$N: events over ?evidence=ID equal the local file's ($ln)" ||
	fail "$N: events ?evidence" "local $ln nats $nn $(head -2 "$T/n.err")"
# --host and ?host= combine with ?evidence=: that host's evidence, or none
"$R" fetch --host epsilon "$URL?evidence=$id" -o "$T/goth.sysrec" >/dev/null 2>"$T/fetchh.err"
nh=$("$R" events -c "$URL?host=epsilon&evidence=$id" 2>"$T/nh.err")
"$R" events -c --host zeta "$URL?evidence=$id" >"$T/nz.out" 2>"$T/nz.err"
rz=$?
cmp -s "$E" "$T/goth.sysrec" && [ "$nh" = "$ln" ] && { [ $rz != 0 ] || [ "$(cat "$T/nz.out")" = 0 ]; } &&
	pass "$N: --host and ?host= combine with ?evidence= (another host's: no events, rc $rz)" ||
	fail "$N: --host with ?evidence" "cmp/$nh/$ln/rc $rz: $(cat "$T/fetchh.err" "$T/nh.err" "$T/nz.out" "$T/nz.err" | head -4)"
"$R" events -c "$URL?evidence=../x" >/dev/null 2>"$T/bad.err"
[ $? = 2 ] && grep -q "evidence id" "$T/bad.err" && pass "$N: a bad evidence id is refused (exit 2)" ||
	fail "$N: bad id" "$(cat "$T/bad.err")"

# push again: nothing new; with the evidence state removed, the same
# message ids make the stream drop every message as a duplicate
m0=$(nats_stream_msgs)
"$BIN/sysrec" fleet push $NATS_S --hostname epsilon -w "$T/ring/cap.sysrec" >"$T/p1.out" 2>&1
rm "$T/ring/cap.sysrec.fleet-evidence"
"$BIN/sysrec" fleet push $NATS_S --hostname epsilon -w "$T/ring/cap.sysrec" >"$T/p2.out" 2>&1
m1=$(nats_stream_msgs)
grep -q "0 evidence" "$T/p1.out" && grep -q " 1 evidence" "$T/p2.out" && [ -n "$m0" ] && [ "$m0" = "$m1" ] &&
	pass "$N: evidence sent again is not stored twice ($m1 messages)" ||
	fail "$N: resend" "msgs $m0 -> $m1: $(cat "$T/p1.out" "$T/p2.out")"

# fleet.alerts: false keeps the alerts off the stream; an outputs.nats of
# one's own is used instead of the automatic one
for h in zeta eta; do
	cp "$T/fleet.yaml" "$T/$h.yaml"
done
echo "  alerts: false" >>"$T/zeta.yaml"
cat >>"$T/eta.yaml" <<Y
outputs:
  nats:
    enabled: true
    servers: [nats://127.0.0.1:$NB]
    subject: own.alerts
Y
for h in zeta eta; do
	"$BIN/sysrec" -c "$T/$h.yaml" -w "$T/$h.sysrec" --hostname $h -r "$T/r.yaml" -- \
		sh -c "cat '$T/secret' >/dev/null" >"$T/$h.out" 2>"$T/$h.err" ||
		fail "$N: sysrec $h" "$(tail -3 "$T/$h.err")"
done
"$R" hosts "$URL" >"$T/hosts2.out" 2>&1
za=$(awk '$1=="zeta"{print $7}' "$T/hosts2.out")
ea=$(awk '$1=="eta"{print $7}' "$T/hosts2.out")
grep -q "secret read" "$T/zeta.out" && [ "$za" = 0 ] &&
	pass "$N: fleet.alerts: false keeps alerts off the stream" ||
	fail "$N: alerts false" "alerts '$za': $(cat "$T/hosts2.out")"
grep -q "output nats: 1 accepted, 1 sent" "$T/eta.err" && [ "$ea" = 0 ] &&
	pass "$N: an outputs.nats of one's own replaces the automatic one" ||
	fail "$N: explicit nats" "alerts '$ea': $(grep output "$T/eta.err")"
"$R" fetch "$URL?evidence=$id" >/dev/null 2>"$T/u.err"
[ $? = 2 ] && grep -q "fetch --help" "$T/u.err" && pass "$N: fetch without -o is a usage error (exit 2)" ||
	fail "$N: fetch usage" "$(cat "$T/u.err")"

# a recorder that goes on recording (one live ring file, no rotation): its
# evidence reaches the stream once closed, not when the recorder stops
mkdir "$T/live"
rp=""
if rec_bg "$T/live.err" -c "$T/fleet.yaml" -w "$T/live/cap.sysrec" --hostname theta -r "$T/r.yaml" \
	--capture-on-alert rules --capture-pre 1 --capture-post 1 >"$T/live.out"; then
	PIDS="$PIDS $rp"
	cat "$T/secret" >/dev/null
	got=""
	for _ in $(seq 60); do
		got=$("$R" hosts --evidence "$URL" 2>/dev/null | awk '$1=="theta" && $NF=="yes"')
		[ -n "$got" ] && break
		sleep 0.5
	done
	kill -0 "$rp" 2>/dev/null && [ -n "$got" ] &&
		pass "$N: a running recorder's evidence is on the stream once closed" ||
		fail "$N: live evidence" "'$got' $(tail -3 "$T/live.err"; ls "$T/live")"
	kill -INT "$rp"
	wait "$rp" 2>/dev/null
else
	fail "$N: live recorder" "did not start: $(tail -3 "$T/live.err")"
fi
