#!/bin/bash
# --since/--until go through the index: results equal a full scan filtered by
# time, in every time syntax, while reading only a small part of the file;
# a filter on a type no chunk holds reads (almost) nothing.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_time
need_gen replay_time
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
F="$T/t.sysrec"
gen -o "$F" -n 200000 --seed 5 --ts-step 10000 --chunk-raw 65536 --snap-every 25000
export TZ=UTC
FMT='%evt.rawtime %evt.type %thread.tid %evt.res'

read -r first last total < <("$R" info -j "$F" | python3 -c '
import json, sys; o = json.load(sys.stdin); print(o["first_ts"], o["last_ts"], o["events"])')
span=$((last - first))
t1=$((first + span * 37 / 100)) t2=$((first + span * 61 / 100))

"$R" events -p "$FMT" "$F" >"$T/full" || { fail full_scan "events failed"; exit 0; }
awk -v a="$t1" -v b="$t2" '$1 >= a && $1 <= b' "$T/full" >"$T/expect"
nexp=$(wc -l <"$T/expect")
[ "$nexp" -gt 1000 ] || fail window_nonempty "only $nexp events in the window"

check() { # name, events options...
	local name="$1"; shift
	if "$R" events -p "$FMT" "$@" "$F" >"$T/got" 2>"$T/err" && cmp -s "$T/got" "$T/expect"; then
		pass "$name"
	else
		fail "$name" "$(wc -l <"$T/got") lines vs $nexp expected; $(head -c 200 "$T/err")"
	fi
}
check since_until_ns --since "$t1" --until "$t2"
check since_until_offsets --since "+$((t1 - first))ns" --until "+$((t2 - first))ns"
check since_until_from_end --since "-$((last - t1))ns" --until "-$((last - t2))ns"
rfc() { python3 -c 'import sys, datetime as d; n = int(sys.argv[1]); s = d.datetime.fromtimestamp(n // 10**9, d.timezone.utc); print(s.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % (n % 10**9))' "$1"; }
check since_until_rfc3339 --since "$(rfc "$t1")" --until "$(rfc "$t2")"
rfc_off() { python3 -c 'import sys, datetime as d; n = int(sys.argv[1]); z = d.timezone(d.timedelta(hours=2)); s = d.datetime.fromtimestamp(n // 10**9, z); print(s.strftime("%Y-%m-%dT%H:%M:%S") + ".%09d+02:00" % (n % 10**9))' "$1"; }
check since_until_rfc3339_offset --since "$(rfc_off "$t1")" --until "$(rfc_off "$t2")"

# only since / only until
awk -v a="$t1" '$1 >= a' "$T/full" >"$T/expect"; nexp=$(wc -l <"$T/expect")
check since_only --since "$t1"
awk -v b="$t2" '$1 <= b' "$T/full" >"$T/expect"; nexp=$(wc -l <"$T/expect")
check until_only --until "$t2"

# with a filter too, and -c agreeing
awk -v a="$t1" -v b="$t2" '$1 >= a && $1 <= b && $2 == "openat"' "$T/full" >"$T/expect"
nexp=$(wc -l <"$T/expect")
check since_until_filter --since "$t1" --until "$t2" -f 'evt.type=openat'
c=$("$R" events -c --since "$t1" --until "$t2" -f 'evt.type=openat' "$F")
[ "$c" = "$nexp" ] && pass since_until_count || fail since_until_count "$c vs $nexp"

# the seek reads a small part of the file: window + at most ~2 chunks + snapshot
reads=$(SYSREPLAY_DEBUG=1 "$R" events -c --since "$t1" --until "$((t1 + span / 100))" "$F" 2>&1 >/dev/null |
	sed -n 's/.*records read \([0-9]*\).*/\1/p')
if [ -n "$reads" ] && [ "$reads" -lt $((total / 10)) ]; then pass seek_reads_little
else fail seek_reads_little "read ${reads:-?} of $total records for a 1% window"; fi

# an empty window, and a window past the end
c=$("$R" events -c --since "$((last + 1000))" "$F" 2>&1); rc=$?
[ "$rc" -eq 0 ] && [ "$c" = "0" ] && pass since_past_end || fail since_past_end "exit $rc: $c"
# a reversed window is a mistake: refused before any output
c=$("$R" events -c --since "$t2" --until "$t1" "$F" 2>/dev/null); rc=$?
[ "$rc" -eq 2 ] && [ -z "$c" ] && pass window_reversed_refused ||
	fail window_reversed_refused "exit $rc: $c"

# a type no chunk holds: chunks are skipped by the index's type sets
n=$(awk '$2 == "ptrace"' "$T/full" | wc -l)
reads=$(SYSREPLAY_DEBUG=1 "$R" events -c -f 'evt.type=ptrace' "$F" 2>&1 >"$T/c" |
	sed -n 's/.*records read \([0-9]*\).*/\1/p')
if [ "$(cat "$T/c")" = "$n" ] && [ -n "$reads" ] && [ "$reads" -lt $((total / 20)) ]; then
	pass type_skip_rare
else fail type_skip_rare "count $(cat "$T/c") vs $n, read ${reads:-?} of $total"; fi
# a type most chunks hold: the same answer as the full scan
n=$(awk '$2 == "kill"' "$T/full" | wc -l)
c=$("$R" events -c -f 'evt.type=kill' "$F")
[ "$c" = "$n" ] && pass type_filter_count || fail type_filter_count "$c vs $n"
exit 0
