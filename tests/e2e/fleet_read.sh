#!/bin/bash
# Reading the fleet (sysreplay over nats://), against a real 3-node NATS
# JetStream cluster on loopback started here and stopped by PID, also on
# failure: time windows fetched through the stream's start-by-time, --host,
# one process table per host when hosts merge (local files too), and every
# command the fleet issue names accepting a nats:// source.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.inc
. tests/e2e/record_lib.inc
. tests/e2e/nats_cluster.inc
N=fleet_read
need_replay $N
need_gen $N
command -v nats-server >/dev/null || { skip $N "nats-server not installed"; exit 0; }
[ -x "$BIN/sysrec" ] || { skip $N "no $BIN/sysrec"; exit 0; }
T=$(mktemp -d)
RP=""
cleanup() {
	[ -n "$RP" ] && kill "$RP" 2>/dev/null
	nats_cluster_stop
	rm -rf "$T"
}
trap cleanup EXIT
nats_cluster_start "$T" || { fail $N "fleet init: $(tail -1 "$T/init.out")"; exit 0; }
U=$NATS_URL
# fetched counts from the debug line: "fetched M messages, B payload bytes;
# the stream holds SM messages, SB bytes"
fetched() { sed -n 's/.*fetched \([0-9]*\) messages, \([0-9]*\) payload bytes; the stream holds \([0-9]*\) messages, \([0-9]*\) bytes/\1 \2 \3 \4/p' "$1" | head -1; }

# ---- two hosts whose pids collide: same pids, other programs (seeds) ----
"$GEN" -o "$T/a.sysrec" -n 30000 --seed 1 --hostname hosta --snap-every 10000 >/dev/null &&
	"$GEN" -o "$T/b.sysrec" -n 30000 --seed 2 --hostname hostb --snap-every 10000 >/dev/null ||
	{ fail $N "gen_capture"; exit 0; }
for h in a b; do
	"$BIN/sysrec" fleet push $NATS_S --hostname host$h -w "$T/$h.sysrec" >"$T/push$h.out" 2>&1 ||
		fail "$N: fleet push host$h" "$(tail -2 "$T/push$h.out")"
done
F='%evt.hostname %proc.pid %proc.exe %proc.pname %proc.cmdline'
"$R" events -p "$F" "$T/a.sysrec" >"$T/a.ev"
"$R" events -p "$F" "$T/b.sysrec" >"$T/b.ev"
per_host() { # NAME OUTPUT: each host's lines equal that host's file read alone
	if [ -s "$T/a.ev" ] && grep '^hosta ' "$2" | cmp -s - "$T/a.ev" &&
		grep '^hostb ' "$2" | cmp -s - "$T/b.ev" &&
		[ "$(wc -l <"$2")" = $(($(wc -l <"$T/a.ev") + $(wc -l <"$T/b.ev"))) ]; then
		pass "$N: $1: each event gets its own host's process (exe, parent, cmdline)"
	else
		fail "$N: $1" "$(grep '^hosta ' "$2" | diff - "$T/a.ev" | head -3)"
	fi
}
"$R" events -p "$F" "$T/a.sysrec" "$T/b.sysrec" >"$T/ab.ev" 2>"$T/ab.err"
per_host "two local files of two hosts, one state engine each" "$T/ab.ev"
"$R" events -p "$F" "$U" >"$T/u.ev" 2>"$T/u.err"
per_host "nats:// with two hosts, one state engine each" "$T/u.ev"
{ "$R" alerts "$T/a.sysrec"; "$R" alerts "$T/b.sysrec"; } 2>/dev/null | sort >"$T/al.sep"
"$R" alerts "$T/a.sysrec" "$T/b.sysrec" 2>/dev/null | sort >"$T/al.ab"
"$R" alerts "$U" 2>/dev/null | sort >"$T/al.u"
[ -s "$T/al.sep" ] && cmp -s "$T/al.sep" "$T/al.ab" && cmp -s "$T/al.sep" "$T/al.u" &&
	pass "$N: alerts over two hosts merged (files, nats://) equal each host's alone ($(wc -l <"$T/al.sep"))" ||
	fail "$N: alerts per host" "$(diff "$T/al.sep" "$T/al.ab" | head -3) / $(diff "$T/al.sep" "$T/al.u" | head -2)"

# ---- --host, the same as ?host= ----
na=$("$R" events -c "$T/a.sysrec")
nb=$("$R" events -c "$T/b.sysrec")
c1=$("$R" events -c --host hosta "$U" 2>&1)
c2=$("$R" events -c --host hosta,hostb "$U" 2>&1)
c3=$("$R" events -c --host hostb --host hosta "$U" 2>&1)
c4=$("$R" events -c --host hostb "$U?host=hosta" 2>&1)
c5=$("$R" events -c "$U?host=hostb" 2>&1)
[ "$c1" = "$na" ] && [ "$c5" = "$nb" ] && [ "$c2" = $((na + nb)) ] && [ "$c3" = "$c2" ] &&
	[ "$c4" = "$c2" ] && pass "$N: --host H, --host H1,H2, repeated, and with ?host= ($c1, $c2)" ||
	fail "$N: --host" "'$c1' '$c2' '$c3' '$c4' '$c5' (local $na $nb)"
"$R" hosts --host hostb "$U" >"$T/hosts.out" 2>&1
[ "$(awk 'NR>1{print $1}' "$T/hosts.out" | tr '\n' ' ')" = "hostb " ] &&
	pass "$N: hosts --host lists that host only" || fail "$N: hosts --host" "$(cat "$T/hosts.out")"
"$R" events -c --host "" "$U" >/dev/null 2>"$T/h.err"
[ $? = 2 ] && grep -q "empty host name" "$T/h.err" && pass "$N: --host '' is refused (exit 2)" ||
	fail "$N: --host ''" "$(cat "$T/h.err")"

# ---- every command the issue names, over nats:// ----
"$R" stats "$T/a.sysrec" "$T/b.sysrec" 2>/dev/null | grep -v '^span\|^files\|^file' >"$T/st.l"
"$R" stats "$U" 2>/dev/null | grep -v '^span\|^files\|^file' >"$T/st.u"
[ -s "$T/st.l" ] && cmp -s "$T/st.l" "$T/st.u" && pass "$N: stats nats:// equals stats over the files" ||
	fail "$N: stats" "$(diff "$T/st.l" "$T/st.u" | head -4)"
printf 'evt.type=execve\n.stats\n' | "$R" shell "$T/a.sysrec" "$T/b.sysrec" >"$T/sh.l" 2>&1
printf 'evt.type=execve\n.stats\n' | "$R" shell "$U" >"$T/sh.u" 2>&1
[ -s "$T/sh.l" ] && [ "$(grep -c execve "$T/sh.l")" -gt 0 ] && diff -q <(grep -v '^span\|^file' "$T/sh.l") <(grep -v '^span\|^file' "$T/sh.u") >/dev/null &&
	pass "$N: shell nats:// gives the files' answers ($(grep -c execve "$T/sh.u") execve lines)" ||
	fail "$N: shell" "$(diff "$T/sh.l" "$T/sh.u" | head -4)"
printf 'evt.type=execve\n' | "$R" shell --host hostb "$U" >"$T/sh.b" 2>&1
printf 'evt.type=execve\n' | "$R" shell "$T/b.sysrec" >"$T/sh.bl" 2>&1
[ -s "$T/sh.bl" ] && cmp -s "$T/sh.b" "$T/sh.bl" && pass "$N: shell --host reads one host" ||
	fail "$N: shell --host" "$(diff "$T/sh.b" "$T/sh.bl" | head -3)"
"$R" report -o "$T/r.html" "$U" >"$T/r.out" 2>&1 && grep -q hosta "$T/r.html" && grep -q hostb "$T/r.html" &&
	pass "$N: report nats:// writes a report naming both hosts" || fail "$N: report" "$(tail -2 "$T/r.out")"
"$R" extract --host hosta "$U" -o "$T/x.sysrec" >"$T/x.out" 2>&1 &&
	[ "$("$R" events -c "$T/x.sysrec")" = "$na" ] &&
	pass "$N: extract --host hosta nats:// carves that host's events ($na)" ||
	fail "$N: extract" "$(tail -2 "$T/x.out")"
"$R" info --host hosta "$U" >"$T/i.out" 2>&1 && grep -q "host  *hosta" "$T/i.out" && ! grep -q hostb "$T/i.out" &&
	"$R" verify --host hostb "$U" >"$T/v.out" 2>&1 &&
	pass "$N: info and verify take --host" || fail "$N: info/verify --host" "$(head -3 "$T/i.out" "$T/v.out")"

# ---- a time window through the stream ----
why=$(record_can_run) || { skip "$N: windows" "$why"; exit 0; }
FS="--fleet-server nats://127.0.0.1:$NB --fleet-server nats://127.0.0.1:$((NB + 1))"
# 12 s of a busy loop, a chunk every few hundred ms, published as it goes
t0=$(date +%s%N)
"$BIN/sysrec" -q -w "$T/far.sysrec" --hostname far --snapshot-every 1s $FS -- \
	sh -c 'end=$(($(date +%s) + 12)); while [ $(date +%s) -lt $end ]; do cat /etc/hostname >/dev/null; done' \
	>"$T/far.out" 2>"$T/far.err" || fail "$N: record far" "$(tail -2 "$T/far.err")"
S=$((t0 + 7000000000))
E=$((t0 + 8000000000))
W='%evt.time %proc.pid %proc.exe %proc.pname %proc.cmdline %evt.type %evt.args'
window() { # NAME ENV... -- ARGS: the window over nats:// equals the local file's
	local name=$1
	shift
	"$R" events -p "$W" "$@" "$T/far.sysrec" >"$T/w.l" 2>/dev/null
	env SYSREPLAY_DEBUG=1 $WENV "$R" events -p "$W" "$@" --host far "$U" >"$T/w.u" 2>"$T/w.err"
	read -r fm fb sm sb <<<"$(fetched "$T/w.err")"
	if [ "$(wc -l <"$T/w.l")" -gt 100 ] && cmp -s "$T/w.l" "$T/w.u"; then
		pass "$N: $name: $(wc -l <"$T/w.u") events equal the local file's; fetched $fm of $sm messages, $fb of $sb bytes"
	else
		fail "$N: $name" "$(wc -l <"$T/w.l") vs $(wc -l <"$T/w.u") $(diff "$T/w.l" "$T/w.u" | head -3) $(grep -v debug "$T/w.err" | head -2)"
	fi
}
WENV="SYSREPLAY_NATS_LOOKBACK_MS=1500"
window "--since/--until 1 s of 12" --since $S --until $E
[ -n "$fm" ] && [ $((fm * 2)) -lt "$sm" ] && [ $((fb * 2)) -lt "$sb" ] &&
	pass "$N: the 1 s window fetched less than half the stream ($fm/$sm messages, $fb/$sb bytes)" ||
	fail "$N: window fetch" "fetched '$fm' '$fb' of '$sm' '$sb'"
# a lookback shorter than the snapshot interval: the reader fetches back to
# the covering snapshot (process context of the window's first events)
WENV="SYSREPLAY_NATS_LOOKBACK_MS=50"
window "lookback shorter than the snapshots: fetched back to one" --since $S --until $E
WENV=""
window "--until only" --until $((t0 + 3000000000))
[ -n "$fm" ] && [ "$fm" -lt "$sm" ] && pass "$N: --until stops the fetch ($fm of $sm messages)" ||
	fail "$N: --until fetch" "fetched '$fm' of '$sm'"
window "--since only" --since $((t0 + 9000000000))
window "relative times (the whole stream is read)" --since +7s --until +8s
cat >"$T/r.yaml" <<'EOR'
- rule: hostname read
  desc: a process reads /etc/hostname
  condition: evt.type in (open, openat) and fd.name = /etc/hostname
  output: "hostname read by %proc.name (pid %proc.pid, parent %proc.pname, %proc.exe)"
  priority: NOTICE
EOR
"$R" alerts -r "$T/r.yaml" --since $S --until $E "$T/far.sysrec" 2>/dev/null >"$T/wa.l"
SYSREPLAY_NATS_LOOKBACK_MS=1500 "$R" alerts -r "$T/r.yaml" --since $S --until $E --host far "$U" 2>/dev/null >"$T/wa.u"
[ -s "$T/wa.l" ] && cmp -s "$T/wa.l" "$T/wa.u" && pass "$N: alerts in the window equal the local file's ($(wc -l <"$T/wa.l"))" ||
	fail "$N: alerts window" "$(diff "$T/wa.l" "$T/wa.u" | head -3)"
"$R" report -o "$T/wr.html" --since $S --until $E --host far "$U" >"$T/wr.out" 2>&1 &&
	grep -q "a window of the stream" "$T/wr.html" && grep -q "class=ok>verified" "$T/wr.html" &&
	pass "$N: report over a window of the stream says so instead of failing verify" ||
	fail "$N: report window" "$(tail -2 "$T/wr.out")"
"$R" extract --since $S --until $E --host far "$U" -o "$T/wx.sysrec" >"$T/wx.out" 2>&1 &&
	[ "$("$R" events -c "$T/wx.sysrec")" = "$("$R" events -c --since $S --until $E "$T/far.sysrec")" ] &&
	pass "$N: extract over a window of the stream carves the window's events" ||
	fail "$N: extract window" "$(tail -2 "$T/wx.out")"
after=$(("$(date +%s%N)" + 3600000000000))
out=$("$R" events -c --since $after --host far "$U" 2>"$T/af.err")
rc=$?
[ $rc = 0 ] && [ "$out" = 0 ] && [ "$("$R" events -c --since $after "$T/far.sysrec" 2>/dev/null)" = 0 ] &&
	pass "$N: a window after the stream's data reads no event, as over the local file (exit 0)" ||
	fail "$N: empty window" "rc $rc '$out' $(head -2 "$T/af.err")"
