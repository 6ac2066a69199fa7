#!/bin/bash
# What `info`, `stats -j`, `verify -j` and `events -j` tell, checked with jq
# against what the events themselves say:
#  - info: events apart from state records (events = `events -c`), the time
#    range of the events, the snapshot time apart; on .scap no claim of an
#    index or checksums;
#  - events -j: the responder's context keys; -j with -p: the fields as keys;
#  - every JSON output that carries a ts also carries an RFC 3339 time with
#    nanoseconds equal to it;
#  - stats -j and verify -j: their documented keys.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_json_keys
command -v jq >/dev/null || { skip replay_json_keys "no jq"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
SCAP="$REF/scap/falco_connect_localhost.scap"

# jcheck NAME FILE JQ-EXPR: every line of FILE makes JQ-EXPR true (at least one line).
jcheck() {
	local name=$1 file=$2 expr=$3 n bad
	n=$(wc -l <"$file")
	bad=$(jq -c "select(($expr) | not)" "$file" 2>&1 | head -c 300)
	if [ "$n" -eq 0 ]; then fail "$name" "no output"
	elif [ -n "$bad" ]; then fail "$name" "$bad"
	else pass "$name"; fi
}

# jraw FILE KEY: the integer text of KEY on the first line (jq 1.6 reads
# numbers as doubles: a ns time would lose its last digits).
jraw() { head -1 "$1" | grep -o "\"$2\":-\?[0-9]*" | head -1 | cut -d: -f2; }

# ---- info ----
caps=(tests/fixtures/benign.sysrec tests/fixtures/reverse_shell.sysrec)
[ -f "$SCAP" ] && caps+=("$SCAP")
for f in "${caps[@]}"; do
	b=$(basename "$f")
	"$R" info -j "$f" >"$T/info.json" || { fail "info_json/$b" "exit $?"; continue; }
	n=$("$R" events -c "$f")
	first=$("$R" events -p '%evt.rawtime' "$f" | sort -n | head -1)
	last=$("$R" events -p '%evt.rawtime' "$f" | sort -n | tail -1)
	jcheck "info_events_apart/$b" "$T/info.json" \
		".events == $n and .state_records > 0 and .records == .events + .state_records"
	jf=$(jraw "$T/info.json" first_ts) jl=$(jraw "$T/info.json" last_ts)
	js=$(jraw "$T/info.json" snapshot_ts)
	if [ "$jf" = "$first" ] && [ "$jl" = "$last" ] && [ "${js:-0}" -gt 0 ] && [ "$js" -le "$jf" ]; then
		pass "info_event_range/$b"
	else fail "info_event_range/$b" "first $jf/$first last $jl/$last snapshot $js"; fi
	"$R" info "$f" >"$T/info.txt"
	if grep -Eq "^  events +$n\$" "$T/info.txt" && grep -Eq '^  state +[1-9]' "$T/info.txt" &&
		grep -Eq '^  snapshot +[0-9]{4}-' "$T/info.txt"; then
		pass "info_text_events_apart/$b"
	else fail "info_text_events_apart/$b" "$(grep -E 'events|state|snapshot' "$T/info.txt" | tr '\n' ' ')"; fi
done
if [ -f "$SCAP" ]; then
	"$R" info "$SCAP" >"$T/info.txt"
	if grep -q 'trailer and index' "$T/info.txt"; then
		fail info_scap_no_index_claim "$(grep status "$T/info.txt")"
	elif grep -q 'no index' "$T/info.txt"; then pass info_scap_no_index_claim
	else fail info_scap_no_index_claim "$(grep status "$T/info.txt")"; fi
else
	skip info_scap "no reference capture $SCAP"
fi

# ---- events -j: the responder's context, equal to the same fields in -p ----
f=tests/fixtures/reverse_shell.sysrec
ctx='%proc.name|%proc.pid|%proc.ppid|%proc.exepath|%proc.cmdline|%user.name|%container.id'
"$R" events -j "$f" >"$T/ev.json"
"$R" events -p "$ctx" "$f" >"$T/ev.txt"
jcheck events_json_context_keys "$T/ev.json" \
	'has("proc.name") and has("proc.pid") and has("proc.ppid") and has("proc.exepath") and has("proc.cmdline") and has("user.name") and has("container.id")'
jq -r '[.["proc.name"], .["proc.pid"], .["proc.ppid"], .["proc.exepath"], .["proc.cmdline"],
	.["user.name"], .["container.id"]] | map(if . == null then "<NA>" else tostring end) | join("|")' \
	"$T/ev.json" >"$T/ev.jtxt"
if cmp -s "$T/ev.txt" "$T/ev.jtxt" && [ -s "$T/ev.txt" ]; then pass events_json_context_values
else fail events_json_context_values "$(diff "$T/ev.txt" "$T/ev.jtxt" | head -3)"; fi
# fd.name: on events that use an fd (read, write, close...) and on no other.
"$R" events -p '%fd.num' "$f" | awk '{print ($1 == "<NA>") ? "no" : "yes"}' >"$T/hasfd"
jq -r 'if has("fd.name") then "yes" else "no" end' "$T/ev.json" >"$T/jhasfd"
if cmp -s "$T/hasfd" "$T/jhasfd" && grep -q yes "$T/hasfd" && grep -q no "$T/hasfd"; then
	pass events_json_fd_name
else fail events_json_fd_name "$(paste "$T/hasfd" "$T/jhasfd" | sort | uniq -c | tr '\n' ' ')"; fi
"$R" events -p '%fd.name' -f 'fd.num exists' "$f" >"$T/fd.txt"
jq -r 'select(has("fd.name")) | .["fd.name"] // "<NA>"' "$T/ev.json" >"$T/fd.jtxt"
cmp -s "$T/fd.txt" "$T/fd.jtxt" && pass events_json_fd_name_values ||
	fail events_json_fd_name_values "$(diff "$T/fd.txt" "$T/fd.jtxt" | head -3)"

# ---- events -j -p: one object per event, the format's fields as keys ----
if "$R" events -j -p '%evt.num %proc.name %fd.name %evt.type' "$f" >"$T/jp.json" 2>"$T/err"; then
	jcheck events_json_format_keys "$T/jp.json" \
		'keys == ["evt.num", "evt.type", "fd.name", "proc.name"]'
	jq -r '"\(.["evt.num"]) \(.["evt.type"])"' "$T/jp.json" >"$T/jp.txt"
	"$R" events -p '%evt.num %evt.type' "$f" >"$T/p.txt"
	cmp -s "$T/jp.txt" "$T/p.txt" && pass events_json_format_values ||
		fail events_json_format_values "$(diff "$T/jp.txt" "$T/p.txt" | head -3)"
else
	fail events_json_format_keys "exit $?: $(head -1 "$T/err")"
fi

# ---- stats -j: counts that add up to what events says ----
f=tests/fixtures/benign.sysrec
n=$("$R" events -c "$f")
"$R" stats -j "$f" >"$T/st.json"
jcheck stats_json_counts "$T/st.json" \
	".events == $n and ([.by_type[].count] | add) == $n and ([.by_process[].count] | add) == $n
	 and ([.per_second[]] | add) == $n and .failed >= 0 and .drops == .drops_ring + .drops_backlog"
first=$("$R" events -p '%evt.rawtime' "$f" | sort -n | head -1)
[ "$(jraw "$T/st.json" first_ts)" = "$first" ] && pass stats_json_first_ts ||
	fail stats_json_first_ts "$(jraw "$T/st.json" first_ts) vs $first"
n=$("$R" events -c -f evt.type=openat "$f")
"$R" stats -j -f evt.type=openat "$f" >"$T/st2.json"
jcheck stats_json_filter "$T/st2.json" \
	".events == $n and (.by_type | length) == 1 and .by_type[0].type == \"openat\""
if [ -f "$SCAP" ]; then
	"$R" stats -j "$SCAP" >"$T/st3.json"
	jcheck stats_json_scap_drops_unknown "$T/st3.json" '.drops == null and .events > 0'
fi

# ---- verify -j: one object per file; ok, problems; exit status as without -j ----
cp "$f" "$T/flip.sysrec"
size=$(stat -c %s "$T/flip.sysrec")
printf '\xff\xff\xff\xff' | dd of="$T/flip.sysrec" bs=1 seek=$((size / 2)) conv=notrunc status=none
vf=("$f" "$T/flip.sysrec")
[ -f "$SCAP" ] && vf+=("$SCAP")
"$R" verify -j "${vf[@]}" >"$T/v.json"; rc=$?
jcheck verify_json_keys "$T/v.json" \
	'(.file | type) == "string" and (.format == "sysrec" or .format == "scap") and (.ok | type) == "boolean" and (.problems | type) == "array" and (.ok == (.problems | length == 0))'
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/v.json")" -eq "${#vf[@]}" ] &&
	[ "$(jq -r 'select(.ok | not) | .file' "$T/v.json")" = "$T/flip.sysrec" ]; then
	pass verify_json_damage
else fail verify_json_damage "exit $rc: $(cut -c1-200 "$T/v.json")"; fi
[ -f "$SCAP" ] && jcheck verify_json_scap_records "$T/v.json" \
	'if .format == "scap" then .records > 0 else true end'

# ---- every ts has its RFC 3339 time with nanoseconds, equal to it ----
command -v python3 >/dev/null || { skip json_times "no python3"; exit 0; }
cat >"$T/times.py" <<'PY'
import datetime, json, sys
# Pairs (ns key, time key) to check wherever the ns key is present.
PAIRS = [("ts", "time"), ("first_ts", "first_time"), ("last_ts", "last_time"),
         ("snapshot_ts", "snapshot_time"), ("boot_ns", "boot_time"), ("start_ns", "start_time")]
def rfc(ns):
    s = datetime.datetime.fromtimestamp(ns // 10**9, datetime.timezone.utc)
    return s.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % (ns % 10**9)
bad = checked = 0
for line in sys.stdin:
    o = json.loads(line)
    for k, t in PAIRS:
        if k in o:
            checked += 1
            if o.get(t) != rfc(o[k]):
                bad += 1
                print("%s=%s but %s=%r" % (k, o[k], t, o.get(t)))
                break
    if bad:
        break
if not checked:
    print("no ts key")
PY
tcheck() { # NAME CMD...: every ts-like key has its time twin
	local name=$1 out
	shift
	out=$("$@" 2>/dev/null | python3 "$T/times.py")
	[ -z "$out" ] && pass "$name" || fail "$name" "$out"
}
tcheck time_events_json "$R" events -j tests/fixtures/benign.sysrec
tcheck time_info_json "$R" info -j tests/fixtures/benign.sysrec
tcheck time_stats_json "$R" stats -j tests/fixtures/benign.sysrec
[ -f "$SCAP" ] && tcheck time_events_json_scap "$R" events -j "$SCAP"
# alerts -j: Falco's time (RFC 3339, ns) equals output_fields' evt.time (ns)
"$R" alerts -j tests/fixtures/reverse_shell.sysrec 2>/dev/null |
	python3 -c 'import json,sys
for l in sys.stdin:
    o = json.loads(l); print(json.dumps({"ts": o["output_fields"]["evt.time"], "time": o["time"]}))' \
	>"$T/al.json"
tcheck time_alerts_json cat "$T/al.json"
