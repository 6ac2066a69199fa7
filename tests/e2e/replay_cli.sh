#!/bin/bash
# sysreplay command line: every bad input gives exit 2 and one line naming the
# cause; info -j keys; verify exit codes; --help for every command.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_cli
need_gen replay_cli
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
gen -o "$T/a.sysrec" -n 3000 --seed 11 --chunk-raw 32768

# expect_bad NAME PATTERN CMD...: exit 2, exactly one stderr line (caret
# diagnostics excepted: they are allowed their source and caret lines),
# which matches PATTERN.
expect_bad() {
	local name="$1" pat="$2"; shift 2
	"$@" >"$T/out" 2>"$T/err"; local rc=$?
	local lines; lines=$(wc -l <"$T/err")
	if [ "$rc" -ne 2 ]; then fail "$name" "exit $rc, expected 2 ($(head -c 200 "$T/err"))"
	elif ! head -1 "$T/err" | grep -qiE -- "$pat"; then fail "$name" "message '$(head -1 "$T/err")' lacks /$pat/"
	elif [ "$lines" -ne 1 ] && ! grep -q '\^' "$T/err"; then fail "$name" "$lines lines on stderr"
	elif grep -qiE 'segmentation|core dumped|sanitizer' "$T/err"; then fail "$name" "crashed"
	else pass "$name"; fi
}

expect_bad bad_no_args 'usage|COMMAND|sysreplay' "$R"
expect_bad bad_unknown_cmd "unknown command 'frobnicate'" "$R" frobnicate
expect_bad bad_no_file 'no capture FILE' "$R" events
expect_bad bad_missing_file "cannot open '$T/nope.sysrec'" "$R" events "$T/nope.sysrec"
printf 'hello, not a capture\n' >"$T/text.sysrec"
expect_bad bad_not_capture 'not a capture' "$R" events "$T/text.sysrec"
: >"$T/empty.sysrec"
expect_bad bad_empty_file 'empty' "$R" events "$T/empty.sysrec"
expect_bad bad_unknown_option "unknown option '-z'" "$R" events -z "$T/a.sysrec"
expect_bad bad_missing_value "needs a value" "$R" events "$T/a.sysrec" -n
# stats and alerts share the --since/--until/--no-progress handling (rpl_opt_run)
expect_bad bad_stats_missing_value "sysreplay stats: option '--since' needs a value" "$R" stats "$T/a.sysrec" --since
expect_bad bad_alerts_unknown_option "sysreplay alerts: unknown option '--bogus'" "$R" alerts --bogus "$T/a.sysrec"
expect_bad bad_stats_until "--until: cannot read time" "$R" stats --until garbage "$T/a.sysrec"
expect_bad bad_count "positive count" "$R" events -n abc "$T/a.sysrec"
expect_bad bad_since "--since: cannot read time 'yesterday'" "$R" events --since yesterday "$T/a.sysrec"
expect_bad bad_until_unit "--until: .*unknown unit" "$R" events --until +5parsecs "$T/a.sysrec"
expect_bad bad_since_nozone "time zone" "$R" events --since 2026-01-01T00:00:00 "$T/a.sysrec"
expect_bad bad_filter 'filter:1:[0-9]+:' "$R" events -f 'evt.type=openat and' "$T/a.sysrec"
expect_bad bad_filter_field "unknown field 'no.such'" "$R" events -f 'no.such=1' "$T/a.sysrec"
expect_bad bad_format "x.y" "$R" events -p '%proc.name %x.y' "$T/a.sysrec"
expect_bad bad_rules_missing "$T/nope.yaml" "$R" alerts -r "$T/nope.yaml" "$T/a.sysrec"
printf -- '- rule: broken\n  desc: [unclosed\n' >"$T/bad.yaml"
expect_bad bad_rules_yaml "bad.yaml" "$R" alerts -r "$T/bad.yaml" "$T/a.sysrec"
expect_bad bad_priority "unknown priority" "$R" alerts --priority loud "$T/a.sysrec"
expect_bad bad_info_missing "cannot open" "$R" info "$T/nope.sysrec"
expect_bad bad_verify_not_capture "not a capture" "$R" verify "$T/text.sysrec"
expect_bad bad_convert_ext "cannot tell the output format" "$R" convert "$T/a.sysrec" "$T/out.txt"
mkdir -p "$T/emptydir"
expect_bad bad_empty_dir "no capture files" "$R" events "$T/emptydir"
expect_bad bad_shell_missing "cannot open" "$R" shell "$T/nope.sysrec"
expect_bad bad_fields_prefix "no field starts with" "$R" fields zz.top

# --help for every command: exit 0, man-style sections on stdout
for c in events alerts shell info verify stats convert fields; do
	if "$R" "$c" --help >"$T/h" 2>&1 && grep -q '^SYNOPSIS' "$T/h" && grep -q "sysreplay $c" "$T/h"
	then pass "help_$c"; else fail "help_$c" "no man-style help"; fi
done
if "$R" --help | grep -q '^EXIT STATUS'; then pass help_overview; else fail help_overview "no EXIT STATUS"; fi

# info -j: one object per file, with the contract keys and consistent values
if "$R" info -j "$T/a.sysrec" "$T/a.sysrec" >"$T/info.json" 2>"$T/err"; then
	if python3 - "$T/info.json" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for l in lines:
    o = json.loads(l)
    for k in ("format_version", "events", "chunks", "first_ts", "last_ts", "bytes",
              "raw_bytes", "drops", "complete"):
        assert k in o, k
    assert o["complete"] is True
    assert o["events"] >= 3000, o["events"]
    assert o["first_ts"] <= o["last_ts"]
    assert o["bytes"] > 0 and o["raw_bytes"] > o["bytes"] / 2
EOF
	then pass info_json_keys; else fail info_json_keys "keys or values wrong: $(head -c 300 "$T/info.json")"; fi
else fail info_json_keys "exit $? $(cat "$T/err")"; fi
if "$R" info "$T/a.sysrec" | grep -q 'complete'; then pass info_text; else fail info_text "no status"; fi

# info -j first_ts/last_ts agree with the events themselves
first=$("$R" events -n 1 -p '%evt.rawtime' "$T/a.sysrec")
last=$("$R" events -p '%evt.rawtime' "$T/a.sysrec" | sort -n | tail -1)
jf=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["last_ts"])' "$T/info.json")
if [ -n "$last" ] && [ "$jf" -ge "$last" ] && [ -n "$first" ]; then pass info_range_covers_events
else fail info_range_covers_events "last_ts $jf < last event $last"; fi

# verify: 0 intact, 1 damaged (payload byte flipped), 2 not a capture (above)
"$R" verify "$T/a.sysrec" >"$T/v" 2>&1; rc=$?
[ "$rc" -eq 0 ] && pass verify_intact || fail verify_intact "exit $rc: $(cat "$T/v")"
cp "$T/a.sysrec" "$T/flip.sysrec"
size=$(stat -c %s "$T/flip.sysrec")
# flip a byte well inside the data (past the header, before the index)
off=$((size / 2))
printf '\xff' | dd of="$T/flip.sysrec" bs=1 seek="$off" conv=notrunc status=none
orig=$(dd if="$T/a.sysrec" bs=1 skip="$off" count=1 status=none | od -An -tx1 | tr -d ' ')
[ "$orig" = "ff" ] && printf '\x00' | dd of="$T/flip.sysrec" bs=1 seek="$off" conv=notrunc status=none
"$R" verify "$T/flip.sysrec" >"$T/v" 2>&1; rc=$?
if [ "$rc" -eq 1 ] && grep -qi 'chunk' "$T/v"; then pass verify_damaged
else fail verify_damaged "exit $rc: $(head -3 "$T/v")"; fi
# damaged capture: events prints what comes before, then one line, exit 2
"$R" events -p '%evt.num' "$T/flip.sysrec" >"$T/out" 2>"$T/err"; rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qi 'chunk' "$T/err"; then
	pass events_damaged_exit2
else fail events_damaged_exit2 "exit $rc, stderr: $(head -2 "$T/err")"; fi
full=$("$R" events -p '%evt.num' "$T/a.sysrec" | head -n "$(wc -l <"$T/out")")
if [ "$(cat "$T/out")" = "$full" ]; then pass events_damaged_prefix
else fail events_damaged_prefix "output before the damage differs from the intact file"; fi

# truncated file (recorder killed): readable, a prefix of the original
head -c $((size * 3 / 4)) "$T/a.sysrec" >"$T/cut.sysrec"
"$R" events -p '%evt.num %evt.type' "$T/cut.sysrec" >"$T/cut.out" 2>"$T/err"; rc=$?
n=$(wc -l <"$T/cut.out")
if [ "$rc" -le 2 ] && [ "$n" -gt 0 ] && \
   [ "$(cat "$T/cut.out")" = "$("$R" events -p '%evt.num %evt.type' "$T/a.sysrec" | head -n "$n")" ]
then pass truncated_prefix; else fail truncated_prefix "exit $rc, $n lines"; fi
"$R" verify "$T/cut.sysrec" >/dev/null 2>&1; rc=$?
[ "$rc" -eq 1 ] && pass verify_truncated || fail verify_truncated "exit $rc, expected 1"

# -c counts what the listing lists; -n stops after N
c=$("$R" events -c -f 'evt.type=openat' "$T/a.sysrec")
l=$("$R" events -f 'evt.type=openat' "$T/a.sysrec" | wc -l)
[ "$c" = "$l" ] && [ "$c" -gt 0 ] && pass count_matches_listing || fail count_matches_listing "$c vs $l"
n=$("$R" events -n 7 "$T/a.sysrec" | wc -l)
[ "$n" -eq 7 ] && pass limit_n || fail limit_n "$n lines"

# -j: one valid JSON object per line with the contract keys
"$R" events -j -n 50 "$T/a.sysrec" >"$T/j"
if python3 - "$T/j" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 50
for o in rows:
    for k in ("num", "ts", "time", "cpu", "pid", "tid", "ppid", "uid", "gid", "comm", "type",
              "res", "latency", "args"):
        assert k in o, k
    assert isinstance(o["ts"], int) and o["ts"] > 10**18
    assert o["time"].endswith("Z") and len(o["time"]) == 30
    assert isinstance(o["args"], dict)
EOF
then pass json_lines; else fail json_lines "bad JSON lines"; fi

# the progress bar never reaches a pipe
"$R" events -c "$T/a.sysrec" 2>"$T/err" >/dev/null
[ ! -s "$T/err" ] && pass no_progress_in_pipe || fail no_progress_in_pipe "stderr: $(head -c 100 "$T/err")"
exit 0
