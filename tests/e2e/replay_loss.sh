#!/bin/bash
# sysreplay never loses events or output silently (issue 10): rotated sets
# named by their -w name, write errors, captures cut short, --keep-going,
# repeated -f, usage errors before output, reversed windows, the shell's exit
# status, relative and time-of-day times on .scap, and CLI hints.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_loss
need_gen replay_loss
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export TZ=UTC # time of day is local time, as alert lines print it
gen -o "$T/a.sysrec" -n 3000 --seed 11 --chunk-raw 32768
gen -o "$T/big.sysrec" -n 20000 --seed 5 --chunk-raw 65536

# expect NAME RC PATTERN CMD...: exit RC and PATTERN on stderr; stdout in $T/out.
expect() {
	local name="$1" want="$2" pat="$3"; shift 3
	"$@" >"$T/out" 2>"$T/err"; local rc=$?
	if [ "$rc" -ne "$want" ]; then fail "$name" "exit $rc, expected $want ($(head -c 300 "$T/err"))"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/err"; then fail "$name" "stderr '$(head -c 300 "$T/err")' lacks /$pat/"
	else pass "$name"; fi
}

# ---- 1. a rotated set named by its -w name: the whole set, oldest first ----
mkdir "$T/rot"
gen -o "$T/rot/cap.20261201T000000Z.sysrec" -n 100 --seed 1 --start 1764547200000000000
gen -o "$T/rot/cap.20261201T000100Z.sysrec" -n 200 --seed 2 --start 1764547260000000000
gen -o "$T/rot/cap.sysrec" -n 300 --seed 3 --start 1764547320000000000
# each rotated file alone is itself; the live file's name is the whole set
n0=$("$R" events -c "$T/rot/cap.20261201T000000Z.sysrec")
n1=$("$R" events -c "$T/rot/cap.20261201T000100Z.sysrec")
nl=$("$R" events -c "$T/rot/cap.sysrec")
"$R" events -c "$T/rot" >"$T/dircount"
if [ "$nl" = "$(cat "$T/dircount")" ] && [ "$nl" -gt $((n0 + n1)) ]; then pass rotated_set_by_name
else fail rotated_set_by_name "cap.sysrec gives $nl, the directory $(cat "$T/dircount"), rotated $n0+$n1"; fi
"$R" info "$T/rot/cap.sysrec" | grep '^/' >"$T/order"
if [ "$(sed 's|.*/||' "$T/order" | tr '\n' ' ')" = \
	"cap.20261201T000000Z.sysrec cap.20261201T000100Z.sysrec cap.sysrec " ]; then
	pass rotated_set_oldest_first
else fail rotated_set_oldest_first "order: $(tr '\n' ' ' <"$T/order")"; fi
first=$("$R" events -n 1 -p '%evt.rawtime' "$T/rot/cap.sysrec")
if [ -n "$first" ] && [ "$first" -lt 1764547260000000000 ]; then pass rotated_set_first_event
else fail rotated_set_first_event "first event at $first, not in the oldest file"; fi
# a -w name without .sysrec: rotated files are NAME.<stamp>.sysrec
mkdir "$T/rot2"
cp "$T/rot/cap.20261201T000000Z.sysrec" "$T/rot2/live.20261201T000000Z.sysrec"
cp "$T/rot/cap.sysrec" "$T/rot2/live"
n2=$("$R" events -c "$T/rot2/live")
# (the live file's own events: the set's less its two rotated files)
[ "$n2" = $((nl - n1)) ] && pass rotated_set_plain_name ||
	fail rotated_set_plain_name "$n2 events, expected $((nl - n1))"
# named twice (live name and a shell glob of the set): read once
nd=$("$R" events -c "$T/rot/cap.sysrec" "$T"/rot/cap.2*.sysrec)
[ "$nd" = "$nl" ] && pass rotated_set_once || fail rotated_set_once "$nd events, expected $nl"

# ---- 2. a failed write exits 2 with "writing output: <reason>" ----
cp "$T/a.sysrec" "$T/a2.sysrec"
while read -r name args; do
	# shellcheck disable=SC2086
	"$R" $args >/dev/full 2>"$T/err"; rc=$?
	if [ "$rc" -eq 2 ] && grep -q '^sysreplay: writing output: No space left on device$' "$T/err"
	then pass "full_$name"; else fail "full_$name" "exit $rc: $(head -c 200 "$T/err")"; fi
done <<EOF
events events $T/a.sysrec
events_json events -j $T/a.sysrec
events_count events -c $T/a.sysrec
alerts alerts $T/a.sysrec
alerts_json alerts -j $T/a.sysrec
info info $T/a.sysrec
info_json info -j $T/a.sysrec
stats stats $T/a.sysrec
fields fields
verify verify $T/a.sysrec $T/a2.sysrec
help --help
help_events events --help
help_alerts alerts --help
help_shell shell --help
help_info info --help
help_verify verify --help
help_stats stats --help
help_convert convert --help
help_fields fields --help
EOF
printf '.count\n.stats\n' | "$R" shell "$T/a.sysrec" >/dev/full 2>"$T/err"; rc=$?
if [ "$rc" -eq 2 ] && grep -q 'writing output: No space left' "$T/err"; then pass full_shell
else fail full_shell "exit $rc: $(head -c 200 "$T/err")"; fi

# ---- 3. a capture cut short: what could be read, then what could not, exit 2 ----
head -c 15000 "$T/big.sysrec" >"$T/cut.sysrec"
size=$(stat -c %s "$T/big.sysrec")
head -c $((size * 2 / 3)) "$T/big.sysrec" >"$T/cut2.sysrec"
for f in cut cut2; do
	expect "cut_events_count_$f" 2 "$T/$f.sysrec: truncated at chunk [0-9]+, offset [0-9]+ .*[0-9]+ records of that chunk unreadable" \
		"$R" events -c "$T/$f.sysrec"
	n=$(cat "$T/out")
	full=$("$R" events -p '%evt.num' "$T/big.sysrec" | head -n "$n")
	if [ -n "$n" ] && [ "$("$R" events -p '%evt.num' "$T/$f.sysrec" 2>/dev/null)" = "$full" ]
	then pass "cut_prefix_$f"; else fail "cut_prefix_$f" "count '$n' or listing differs"; fi
done
[ "$n" -gt 0 ] && pass cut_count_printed || fail cut_count_printed "no count before the error"
expect cut_stats 2 'truncated at chunk' "$R" stats "$T/cut2.sysrec"
grep -q '^events:' "$T/out" && pass cut_stats_report || fail cut_stats_report "no report"
expect cut_alerts 2 'truncated at chunk' "$R" alerts "$T/cut2.sysrec"
expect cut_json 2 'truncated at chunk' "$R" events -j "$T/cut2.sysrec"
expect cut_convert 2 'cut2.sysrec: truncated at chunk .*output holds the events before the cut' \
	"$R" convert "$T/cut2.sysrec" "$T/cut2.scap"
[ -s "$T/cut2.scap" ] && pass cut_convert_output || fail cut_convert_output "no output file"

# ---- 8. --keep-going: skip, say what, go on, exit 2 ----
mkdir "$T/kd"
cp "$T/rot/cap.20261201T000000Z.sysrec" "$T/kd/a.sysrec"
cp "$T/rot/cap.20261201T000100Z.sysrec" "$T/kd/b.sysrec"
: >"$T/kd/zero.sysrec"
expect kg_default_stops 2 'zero.sysrec: empty file' "$R" events -c "$T/kd"
[ ! -s "$T/out" ] && pass kg_default_no_output || fail kg_default_no_output "$(cat "$T/out")"
expect kg_empty_member 2 "skipped $T/kd/zero.sysrec: empty file" "$R" events -c --keep-going "$T/kd"
[ "$(cat "$T/out")" = $((n0 + n1)) ] && pass kg_empty_member_count ||
	fail kg_empty_member_count "$(cat "$T/out") events, expected $((n0 + n1))"
# a damaged chunk in the middle of an indexed file
cp "$T/big.sysrec" "$T/dmg.sysrec"
printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$T/dmg.sysrec" bs=1 seek=$((size / 3)) conv=notrunc status=none
total=$("$R" events -c "$T/big.sysrec")
expect kg_damage_default 2 "dmg.sysrec: chunk [0-9]+ at offset [0-9]+: .*records from there on known from the index" \
	"$R" events -c "$T/dmg.sysrec"
before=$(cat "$T/out")
expect kg_damage_skip 2 "skipped $T/dmg.sysrec: chunk [0-9]+ at offset [0-9]+: .*; [0-9]+ records of that chunk" \
	"$R" events -c --keep-going "$T/dmg.sysrec"
after=$(cat "$T/out")
lost=$(grep -o '[0-9]* records of that chunk' "$T/err" | cut -d' ' -f1)
if [ "$after" -gt "$before" ] && [ $((after + lost)) -le "$total" ] && [ "$lost" -gt 0 ]
then pass kg_damage_reads_on; else fail kg_damage_reads_on "default $before, keep-going $after + $lost lost, of $total"; fi
grep -q 'keep-going: 1 damaged part skipped' "$T/err" && pass kg_summary || fail kg_summary "$(cat "$T/err")"
expect kg_stats 2 'skipped' "$R" stats --keep-going "$T/dmg.sysrec"
expect kg_alerts 2 'skipped' "$R" alerts --keep-going "$T/dmg.sysrec"
expect damage_convert_names_file 2 "dmg.sysrec: chunk [0-9]+ at offset" \
	"$R" convert "$T/dmg.sysrec" "$T/dmg.scap"
printf '.count\n' | "$R" shell --keep-going "$T/kd" >"$T/out" 2>"$T/err"; rc=$?
if [ "$rc" -eq 1 ] && grep -q 'skipped' "$T/err"; then pass kg_shell; else fail kg_shell "exit $rc"; fi

# ---- 4. -f A -f B is A and B ----
A='evt.type in (read, write, close)'; B='evt.res < 0 or proc.name = curl'
ab=$("$R" events -c -f "$A" -f "$B" "$T/a.sysrec")
both=$("$R" events -c -f "($A) and ($B)" "$T/a.sysrec")
onlyb=$("$R" events -c -f "$B" "$T/a.sysrec")
if [ "$ab" = "$both" ] && [ "$ab" != "$onlyb" ]; then pass filter_repeat_and
else fail filter_repeat_and "-f A -f B $ab, A and B $both, B $onlyb"; fi
sab=$("$R" stats -f "$A" -f "$B" "$T/a.sysrec" | grep '^events:')
[ "$sab" = "$("$R" stats -f "($A) and ($B)" "$T/a.sysrec" | grep '^events:')" ] &&
	pass stats_filter_repeat_and || fail stats_filter_repeat_and "$sab"

# ---- 5/6. usage errors before any output; reversed windows refused ----
expect reversed_events 2 'since .* is after --until' "$R" events -c --since +3s --until +1s "$T/a.sysrec"
[ ! -s "$T/out" ] && pass reversed_events_no_output || fail reversed_events_no_output "$(cat "$T/out")"
expect reversed_stats 2 'is after --until' "$R" stats --since +3s --until +1s "$T/a.sysrec"
[ ! -s "$T/out" ] && pass reversed_stats_no_output || fail reversed_stats_no_output "$(head -2 "$T/out")"
expect reversed_alerts 2 'is after --until' "$R" alerts --since +3s --until +1s "$T/a.sysrec"
[ "$(wc -l <"$T/err")" -eq 1 ] && pass reversed_alerts_no_summary || fail reversed_alerts_no_summary "$(cat "$T/err")"
printf '.range +5s +1s\n' | "$R" shell "$T/a.sysrec" >"$T/out" 2>&1; rc=$?
if [ "$rc" -ne 0 ] && grep -q 'after' "$T/out"; then pass reversed_shell_range
else fail reversed_shell_range "exit $rc: $(cat "$T/out")"; fi

# ---- 7. the shell from a pipe: goes on, exit status tells ----
printf '.count\n' | "$R" shell "$T/a.sysrec" >/dev/null 2>&1; rc=$?
[ "$rc" -eq 0 ] && pass shell_ok_status || fail shell_ok_status "exit $rc"
printf 'evt.type=\n.count\n' | "$R" shell "$T/a.sysrec" >"$T/out" 2>&1; rc=$?
if [ "$rc" -eq 1 ] && grep -qx '3[0-9]*' "$T/out"; then pass shell_bad_filter_status
else fail shell_bad_filter_status "exit $rc: $(tail -2 "$T/out")"; fi
printf '.count\n' | "$R" shell "$T/cut2.sysrec" >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" -eq 1 ] && pass shell_damaged_status || fail shell_damaged_status "exit $rc"
if [ "$(cat "$T/out")" = "$("$R" events -c "$T/cut2.sysrec" 2>/dev/null)" ] && grep -q truncated "$T/err"
then pass shell_damaged_count; else fail shell_damaged_count "$(cat "$T/out") / $(cat "$T/err")"; fi
printf '.frobnicate\n.count\n' | "$R" shell "$T/a.sysrec" >/dev/null 2>&1; rc=$?
[ "$rc" -eq 1 ] && pass shell_unknown_cmd_status || fail shell_unknown_cmd_status "exit $rc"

# ---- 9. relative times on .scap; a time of day as alert lines print it ----
S="$REF/scap/falco_connect_localhost.scap"
if [ -r "$S" ]; then
	all=$("$R" events -c "$S")
	expect scap_since_zero 0 '' "$R" events -c --since +0s "$S"
	[ "$(cat "$T/out")" = "$all" ] && pass scap_since_zero_all || fail scap_since_zero_all "$(cat "$T/out") of $all"
	"$R" events -p '%evt.rawtime' "$S" >"$T/raw"
	f=$(sort -n "$T/raw" | head -1); l=$(sort -n "$T/raw" | tail -1)
	want=$(awk -v t=$((f + 200000000)) '$1 >= t' "$T/raw" | wc -l)
	got=$("$R" events -c --since +200ms "$S")
	if [ "$got" = "$want" ] && [ "$want" -lt "$all" ]; then pass scap_since_relative
	else fail scap_since_relative "+200ms gives $got, expected $want of $all"; fi
	want=$(awk -v t=$((l - 100000000)) '$1 <= t' "$T/raw" | wc -l)
	got=$("$R" events -c --until -100ms "$S")
	[ "$got" = "$want" ] && pass scap_until_relative || fail scap_until_relative "-100ms gives $got, expected $want"
	# a time of day copied from a listing (evt.time is the local clock)
	"$R" events -p '%evt.rawtime %evt.time' "$S" | sort -n >"$T/tod"
	read -r raw tod < <(sed -n 3p "$T/tod")
	want=$("$R" events -c --since "$raw" "$S")
	got=$("$R" events -c --since "$tod" "$S")
	[ "$got" = "$want" ] && pass since_time_of_day || fail since_time_of_day "$tod gives $got, $raw gives $want"
	got=$("$R" events -c --until "${tod:0:12}" "$S")
	want=$("$R" events -c --until "$((raw / 1000000 * 1000000))" "$S")
	[ "$got" = "$want" ] && pass until_time_of_day_ms || fail until_time_of_day_ms "$got vs $want"
else
	skip scap_times "no $S"
fi
# a capture over two days: a time on one of them only works, one on neither fails
gen -o "$T/days.sysrec" -n 200 --start 1764547100000000000 --ts-step 1000000000
got=$("$R" events -c --since 00:00:30 "$T/days.sysrec")
want=$("$R" events -c --since 2025-12-01T00:00:30Z "$T/days.sysrec")
[ "$got" = "$want" ] && pass time_of_day_two_days || fail time_of_day_two_days "$got vs $want"
expect time_of_day_ambiguous 2 'spans 2025-11-30 .. 2025-12-01' "$R" events -c --since 12:00 "$T/days.sysrec"
[ ! -s "$T/out" ] && pass time_of_day_no_output || fail time_of_day_no_output "$(cat "$T/out")"
expect time_of_day_bad 2 "cannot read time of day '25:00'" "$R" events -c --since 25:00 "$T/a.sysrec"

# ---- 10/11/12. hints, Falco's short flags, help texts ----
expect hint_filter_arg 2 "cannot open 'evt.type=openat'.*did you mean -f\?" "$R" events evt.type=openat
expect alerts_short_t 0 '' "$R" alerts -t filesystem "$T/a.sysrec"
expect alerts_short_T 0 '' "$R" alerts -T filesystem "$T/a.sysrec"
expect alerts_tags_none 0 "warning: --tags 'no_such_tag': no enabled rule" "$R" alerts -t no_such_tag "$T/a.sysrec"
expect alerts_t_with_T 2 'cannot be combined' "$R" alerts -t a -T b "$T/a.sysrec"
if "$R" events --help | grep -q '%%'; then fail help_no_double_percent "events --help prints %%"
else pass help_no_double_percent; fi
"$R" --help | grep -q 'sysreplay stats   \[-f FILTER' && pass help_stats_synopsis ||
	fail help_stats_synopsis "no -f in the stats synopsis"
"$R" events --help | grep -q 'combine with `and`' && pass help_filter_and || fail help_filter_and "undocumented"
"$R" --help | grep -q 'cap.<UTC start>.sysrec' && pass help_rotated || fail help_rotated "wording"
exit 0
