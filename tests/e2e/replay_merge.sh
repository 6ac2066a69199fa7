#!/bin/bash
# Several files read as one stream: the merge is the time-sorted union of the
# files' events, whatever the argument order, given as files, a directory or
# a rotated-set base name; numbering is the merged position.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_merge
need_gen replay_merge
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir -p "$T/set"
S=1700000000000000000
# Three files whose times interleave (same step, shifted starts) and one later file.
gen -o "$T/set/cap.a.sysrec" -n 4000 --seed 1 --ts-step 3000 --start $S
gen -o "$T/set/cap.b.sysrec" -n 3000 --seed 2 --ts-step 4000 --start $((S + 1000))
gen -o "$T/set/cap.c.sysrec" -n 2000 --seed 3 --ts-step 6000 --start $((S + 2500))
gen -o "$T/set/cap.d.sysrec" -n 1000 --seed 4 --start $((S + 100000000))
# Fields from the record alone: state-derived fields may legitimately differ
# between one file read alone and the same file read with others.
FMT='%evt.rawtime %evt.type %thread.tid %evt.res %evt.cpu'

for f in a b c d; do "$R" events -p "$FMT" "$T/set/cap.$f.sysrec"; done >"$T/union" ||
	{ fail single "events failed"; exit 0; }
sort -s -n -k1,1 "$T/union" >"$T/expect"

"$R" events -p "$FMT" "$T"/set/cap.{a,b,c,d}.sysrec >"$T/got" 2>"$T/err"
if cmp -s "$T/got" "$T/expect"; then pass merge_equals_sorted_union
else fail merge_equals_sorted_union "$(diff "$T/got" "$T/expect" | head -3) $(head -c 200 "$T/err")"; fi

"$R" events -p "$FMT" "$T"/set/cap.{d,c,b,a}.sysrec >"$T/got2"
# equal timestamps may come in argument order; compare as sorted multisets plus time order
if [ "$(sort "$T/got2")" = "$(sort "$T/expect")" ] && sort -c -s -n -k1,1 "$T/got2" 2>/dev/null; then
	pass merge_order_independent
else fail merge_order_independent "reverse argument order changed the stream"; fi

"$R" events -p "$FMT" "$T/set" >"$T/got3"
cmp -s "$T/got3" "$T/expect" && pass merge_directory || fail merge_directory "directory differs"

"$R" events -p "$FMT" "$T/set/cap.sysrec" >"$T/got4" 2>"$T/err"
cmp -s "$T/got4" "$T/expect" && pass merge_rotated_base ||
	fail merge_rotated_base "base name differs: $(head -c 200 "$T/err")"

# numbering: 1..N over the merged stream (snapshot records count, so check
# strictly increasing and the last equals the records read)
"$R" events -p '%evt.num' "$T/set" >"$T/nums"
if sort -c -n -u "$T/nums" 2>/dev/null; then pass merge_numbers_increase
else fail merge_numbers_increase "evt.num not strictly increasing"; fi

# counts add up, filters apply across files
c=$("$R" events -c -f 'evt.type=openat' "$T/set")
e=$(awk '$2 == "openat"' "$T/expect" | wc -l)
[ "$c" = "$e" ] && pass merge_count || fail merge_count "$c vs $e"

# a window across files
t1=$((S + 3000000)) t2=$((S + 6000000))
awk -v a=$t1 -v b=$t2 '$1 >= a && $1 <= b' "$T/expect" >"$T/wexp"
"$R" events -p "$FMT" --since $t1 --until $t2 "$T/set" >"$T/wgot"
cmp -s "$T/wgot" "$T/wexp" && pass merge_window || fail merge_window "$(wc -l <"$T/wgot") vs $(wc -l <"$T/wexp")"

# one bad file among good ones: exit 2 naming it, nothing read
printf 'junk' >"$T/bad.sysrec"
"$R" events -c "$T/set/cap.a.sysrec" "$T/bad.sysrec" >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q 'bad.sysrec' "$T/err" && pass merge_bad_member ||
	fail merge_bad_member "exit $rc: $(cat "$T/err")"
exit 0
