#!/bin/bash
# The state-free fast path and the info status lines.
#  - events -c / -p with header-only fields skip the state engine (debug line
#    says so) and give exactly what the run with state gives; fields that
#    need state keep it on.
#  - info tells complete / recovered / recovered (truncated) / damaged apart,
#    in text and in -j.
#  - gen_capture models lifecycles: children fork, exec and exit; fds close.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_fast
need_gen replay_fast
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
F="$T/f.sysrec"
gen -o "$F" -n 60000 --seed 3 --chunk-raw 65536 --snap-every 20000
export TZ=UTC

state_of() { # filter -> "skipped" / "on"
	SYSREPLAY_DEBUG=1 "$R" events -c -f "$1" "$F" 2>&1 >/dev/null | sed -n 's/.*state \([a-z]*\).*/\1/p'
}

# 1. header-only filters: state skipped, same counts as with state
for flt in 'evt.type=openat and proc.name=cat' 'proc.name in (cat, curl) and evt.res=SUCCESS' \
	'thread.tid > 1000 and evt.failed=true' 'evt.type in (read, write) and evt.cpu=3' \
	'not proc.name=nginx and evt.latency > 10000'; do
	fast=$("$R" events -c -f "$flt" "$F") slow=$(SYSREPLAY_FORCE_STATE=1 "$R" events -c -f "$flt" "$F")
	st=$(state_of "$flt")
	name="stateless_count[$flt]"
	if [ "$st" = skipped ] && [ -n "$fast" ] && [ "$fast" = "$slow" ] && [ "$fast" -gt 0 ]; then pass "$name"
	else fail "$name" "state=$st fast=$fast with-state=$slow"; fi
done

# 2. filters that read state keep it
for flt in 'proc.pname=bash' 'fd.name contains /etc' 'evt.type=openat and user.name=root' \
	'proc.cmdline contains cat' 'evt.arg.fd > 3'; do
	st=$(state_of "$flt")
	if [ "$st" = on ]; then pass "state_kept[$flt]"; else fail "state_kept[$flt]" "state=$st"; fi
done

# 3. a -p format of header fields: same lines without state; default format keeps state
P='%evt.num %evt.rawtime %evt.cpu %proc.name %proc.pid %thread.tid %evt.type %evt.res %evt.latency'
"$R" events -p "$P" -f 'evt.type in (openat, close, execve)' "$F" >"$T/fast" 2>"$T/err1"
SYSREPLAY_FORCE_STATE=1 "$R" events -p "$P" -f 'evt.type in (openat, close, execve)' "$F" >"$T/slow" 2>&1
if [ -s "$T/fast" ] && cmp -s "$T/fast" "$T/slow"; then pass stateless_format_same_lines
else fail stateless_format_same_lines "$(diff "$T/fast" "$T/slow" | head -3 | tr '\n' ' ')"; fi
st=$(SYSREPLAY_DEBUG=1 "$R" events -n 5 "$F" 2>&1 >/dev/null | sed -n 's/.*state \([a-z]*\).*/\1/p')
[ "$st" = on ] && pass default_format_keeps_state || fail default_format_keeps_state "state=$st"
st=$(SYSREPLAY_DEBUG=1 "$R" events -j -n 5 "$F" 2>&1 >/dev/null | sed -n 's/.*state \([a-z]*\).*/\1/p')
[ "$st" = on ] && pass json_keeps_state || fail json_keeps_state "state=$st"

# 4. lifecycles in the synthetic mix
forks=$("$R" events -c -f 'evt.type=procfork' "$F") exits=$("$R" events -c -f 'evt.type=procexit' "$F")
execs=$("$R" events -c -f 'evt.type=execve and proc.name in (cat, id, grep, curl, sh, date, ls)' "$F")
if [ "$forks" -gt 100 ] && [ "$exits" -gt $((forks - 20)) ] && [ "$exits" -le "$forks" ] &&
	[ "$execs" -gt $((forks - 20)) ]; then pass gen_lifecycles
else fail gen_lifecycles "forks=$forks exits=$exits execs=$execs"; fi
# state and generator agree on every fd: successful fd syscalls on fd >= 3 name
# an fd state knows (inherited over fork, dropped at exec when close-on-exec)
unk=$("$R" events -c -f 'evt.rawarg.fd >= 3 and evt.res=SUCCESS and evt.type in (read, write, fcntl, close, sendto, recvfrom, connect, mmap) and not fd.name exists' "$F")
closes=$("$R" events -c -f 'evt.type=close and evt.res=SUCCESS' "$F")
[ "$unk" = 0 ] && [ "$closes" -gt 1000 ] && pass gen_fds_known_to_state ||
	fail gen_fds_known_to_state "unknown=$unk closes=$closes"

# 5. info status: complete, recovered (cut at a chunk boundary), truncated, damaged
info_key() { "$R" info -j "$1" | python3 -c "import json,sys; o=json.load(sys.stdin); print(o['status'], o['complete'], o['recovered'], o['damaged'], o['truncated'])"; }
read -r ioff isz < <(python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
print(*struct.unpack_from("<QQ", d, len(d) - 64))' "$F")
head -c "$ioff" "$F" >"$T/boundary.sysrec"          # every chunk, no index nor trailer
head -c $((ioff - 100)) "$F" >"$T/cut.sysrec"       # last chunk cut short
python3 - "$F" "$T/dmg.sysrec" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
hl = struct.unpack_from("<I", d, 12)[0]
second = d.find(d[hl:hl + 4], hl + 4)   # chunk 1's magic
d[second + 24] ^= 0x40                  # inside its header: crc mismatch
ioff = struct.unpack_from("<Q", d, len(d) - 64)[0]
open(sys.argv[2], "wb").write(d[:ioff])  # no trailer: found while scanning
PY
check_info() { # name file expected-json expected-text-regex
	local got text
	got=$(info_key "$2") text=$("$R" info "$2")
	if [ "$got" = "$3" ] && echo "$text" | grep -Eq "$4"; then pass "$1"
	else fail "$1" "json '$got' (want '$3'); text: $(echo "$text" | head -4 | tr '\n' '|')"; fi
}
check_info info_complete "$F" "complete True False False False" 'status +complete: trailer and index valid'
check_info info_recovered "$T/boundary.sysrec" "recovered False True False False" \
	'sysrec 2\.[0-9]+, recovered$'
check_info info_truncated "$T/cut.sysrec" "recovered False True False True" \
	'truncated +yes: chunk [0-9]+ at offset [0-9]+: chunk cut short'
check_info info_damaged "$T/dmg.sysrec" "damaged False False True False" \
	'status +damaged: chunk 1 at offset [0-9]+: chunk header checksum mismatch'
if "$R" info -j "$T/cut.sysrec" | python3 -c '
import json, sys; o = json.load(sys.stdin)
t = o["truncation"]; assert t["chunk"] >= 1 and t["offset"] > 0 and "cut short" in t["message"]
assert "no trailer" in o["index_note"]'; then pass info_json_truncation
else fail info_json_truncation "$("$R" info -j "$T/cut.sysrec" | head -c 300)"; fi
# a truncated capture replays up to the cut, then says so (exit 2, never silent)
n=$("$R" events -c "$T/cut.sysrec" 2>"$T/cut.err"); rc=$?
[ $rc -eq 2 ] && [ "$n" -gt 0 ] && grep -q 'truncated at chunk' "$T/cut.err" &&
	pass truncated_replays || fail truncated_replays "exit $rc n=$n"
exit 0
