#!/bin/bash
# The views against Debian sysdig's chisels on the reference .scap captures:
# same commands, same data. Differences, each by design:
#  - spy vs spy_users: spy_users also prints `cd` (chdir) lines and shows the
#    user as <NA> where the capture has no user table; spy lists execs only
#    and prints the uid. Compared: session shell pid and command line.
#  - follow vs echo_fds: echo_fds prints every I/O event with its first bytes
#    (non-printables as '.', sizes rounded: "5.90KB"); follow prints one
#    connection, exact sizes and the kept bytes escaped. Compared per
#    transfer: direction, size, and the kept bytes mapped as echo_fds maps them.
#  - topconns: sysdig counts I/O events only and prints rounded sizes;
#    topconns also lists connections without bytes. Compared: connections
#    with bytes and their sizes as sysdig rounds them.
#  - lsof/ps: sysdig prints a row per thread (TID), sysreplay per process.
#    Compared: the set of (pid, fd, type, name) and the set of pids. sysdig
#    files store a process's exit_group after its procexit, as a generic
#    syscall record: sysreplay's state sees the process again after its exit
#    and ps keeps it; such a pid must have a procexit in the capture.
#    Unix socket names that end in a newline are printed escaped (\x0a).
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay views_sysdig
command -v sysdig >/dev/null || { skip views_sysdig "sysdig not installed (scripts/deps.sh)"; exit 0; }
S="$REF/scap"
[ -d "$S" ] || { skip views_sysdig "no reference captures in $S"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export TZ=UTC
sd() { timeout 120 sysdig -r "$@" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g'; }

# spy vs spy_users on every reference capture sysdig reads
n=0; bad=""
for f in "$S"/*.scap; do
	timeout 120 sysdig -r "$f" -c spy_users >"$T/raw" 2>/dev/null || continue
	sed 's/\x1b\[[0-9;]*m//g' "$T/raw" |
		awk '$1 ~ /^[0-9]+$/ {pid=$1; $1=$2=$3=""; sub(/^ +/, ""); sub(/ +$/, ""); print pid, $0}' |
		grep -v '^[0-9]* cd ' | sort >"$T/a"
	"$R" spy -j "$f" | python3 -c 'import json,sys
for l in sys.stdin:
    o=json.loads(l); print(o["shell_pid"], o["cmdline"])' | sort >"$T/b"
	n=$((n + $(wc -l <"$T/a")))
	cmp -s "$T/a" "$T/b" || bad="$bad $(basename "$f")"
done
[ -z "$bad" ] && [ "$n" -ge 3 ] && pass spy_vs_spy_users || fail spy_vs_spy_users "differs on$bad ($n commands)"

# follow vs echo_fds on the curl connection
f="$S/libs_curl_google.scap"
sd "$f" -c echo_fds fd.sport=80 >"$T/a"
"$R" follow -j --conn 2607:f8b0:4004:802::2004:80 "$f" >"$T/b"
python3 - "$T/a" "$T/b" <<'PY' && pass follow_vs_echo_fds || fail follow_vs_echo_fds "see above"
import json, re, sys
a = open(sys.argv[1]).read().split("\n")
want = []
for i, l in enumerate(a):
    m = re.match(r"------ (Read|Write) ([0-9.]+)(B|KB|MB) ", l)
    if m:
        want.append((m.group(1).lower(), m.group(2) + m.group(3), a[i + 1]))
def size(n):
    return "%dB" % n if n < 1024 else "%.2fKB" % (n / 1024)
got = []
for l in open(sys.argv[2]):
    o = json.loads(l)
    data = "".join(c if 32 <= ord(c) < 127 else "." for c in o["data"])
    got.append((o["dir"], size(o["bytes"]), data))
if not want or want != got:
    print("# echo_fds:", want); print("# follow:  ", got); sys.exit(1)
PY

# topconns vs topconns
for f in "$S/libs_curl_google.scap" "$S/falco_connect_localhost.scap" "$S/libs_single_ipv6_conn.scap"; do
	sd "$f" -c topconns | awk 'NR>2 && NF==3 {print $1, $3}' | sort >"$T/a"
	"$R" topconns -j "$f" | python3 -c 'import json,sys
for l in sys.stdin:
    o=json.loads(l); b=o["bytes"]
    if b: print("%dB" % b if b < 1024 else "%.2fKB" % (b / 1024), o["conn"])' | sort >"$T/b"
	cmp -s "$T/a" "$T/b" && pass "topconns_$(basename "$f" .scap)" ||
		fail "topconns_$(basename "$f" .scap)" "$(diff "$T/a" "$T/b" | head -5)"
done

# lsof and ps vs lsof and ps
for f in "$S/falco_cat_write.scap" "$S/libs_curl_google.scap"; do
	b=$(basename "$f" .scap)
	sd "$f" -c lsof | awk 'NR>1 {print $2, $5, $6, $7}' | sort -u >"$T/a"
	"$R" lsof "$f" | awk 'NR>2 {print $2, $4, $5, $6}' | sed 's/\\x0a$//' | sort -u >"$T/b"
	[ -s "$T/a" ] && cmp -s "$T/a" "$T/b" && pass "lsof_$b" || fail "lsof_$b" "$(diff "$T/a" "$T/b" | head -5)"
	sd "$f" -c ps | awk 'NR>1 && $2 ~ /^[0-9]+$/ {print $2}' | sort -u >"$T/a"
	"$R" ps -j "$f" | sed 's/.*"pid":\([0-9]*\),.*/\1/' | sort -u >"$T/b"
	ok=1
	[ -n "$(comm -23 "$T/a" "$T/b")" ] && ok=0
	for p in $(comm -13 "$T/a" "$T/b"); do
		[ "$("$R" events -c -f "evt.type=procexit and proc.pid=$p" "$f")" -ge 1 ] || ok=0
	done
	[ -s "$T/a" ] && [ $ok = 1 ] && pass "ps_$b" || fail "ps_$b" "$(diff "$T/a" "$T/b" | head -5)"
done
