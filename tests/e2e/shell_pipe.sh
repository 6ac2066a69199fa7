#!/bin/bash
# `sysreplay shell` without a terminal reads commands line by line: scripted
# sessions give the same answers as the batch commands; errors do not stop it.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay shell_pipe
need_gen shell_pipe
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
F="$T/c.sysrec"
gen -o "$F" -n 3000 --seed 21 --ts-step 100000
export TZ=UTC

printf '.count\n.count evt.type=openat\n' | "$R" shell "$F" >"$T/o" 2>&1
a=$("$R" events -c "$F"); b=$("$R" events -c -f evt.type=openat "$F")
[ "$(cat "$T/o")" = "$(printf '%s\n%s' "$a" "$b")" ] && pass pipe_counts || fail pipe_counts "$(cat "$T/o")"

printf 'evt.type=kill\n' | "$R" shell "$F" | grep -v '^(' >"$T/o"
"$R" events -f evt.type=kill "$F" >"$T/e"
cmp -s "$T/o" "$T/e" && pass pipe_listing_equals_events || fail pipe_listing_equals_events "differs"

printf 'evt.type=\n.count evt.type=kill\n' | "$R" shell "$F" >"$T/o" 2>&1; rc=$?
c=$("$R" events -c -f evt.type=kill "$F")
# goes on past the bad filter; the exit status says one command failed
if [ "$rc" -eq 1 ] && grep -q '\^' "$T/o" && [ "$(tail -1 "$T/o")" = "$c" ]; then pass pipe_bad_filter_goes_on
else fail pipe_bad_filter_goes_on "exit $rc: $(cat "$T/o")"; fi

printf '.format %%proc.name:%%evt.type\nevt.type=kill\n.json on\nevt.type=kill\n' | "$R" shell "$F" >"$T/o"
k=$(grep -c ':kill$' "$T/o"); j=$(grep -c '^{"num"' "$T/o")
[ "$k" = "$c" ] && [ "$j" = "$c" ] && pass pipe_format_and_json || fail pipe_format_and_json "$k $j vs $c"

# .seek moves the start; .range sets a window; the counts agree with --since/--until
s=$("$R" events -c --since +100ms "$F")
printf '.seek +100ms\n.count\n' | "$R" shell "$F" | tail -1 >"$T/o"
[ "$(cat "$T/o")" = "$s" ] && pass pipe_seek || fail pipe_seek "$(cat "$T/o") vs $s"
s=$("$R" events -c --since +50ms --until +120ms "$F")
printf '.range +50ms +120ms\n.count\n.range reset\n.count\n' | "$R" shell "$F" >"$T/o"
[ "$(grep -E '^[0-9]+$' "$T/o" | head -1)" = "$s" ] && [ "$(tail -1 "$T/o")" = "$a" ] &&
	pass pipe_range || fail pipe_range "$(cat "$T/o")"

printf '.top evt.type 1\n' | "$R" shell "$F" >"$T/o"
top=$("$R" events -p %evt.type "$F" | sort | uniq -c | sort -rn | head -1 | awk '{print $2}')
grep -q " $top\$" "$T/o" && pass pipe_top || fail pipe_top "expected $top: $(cat "$T/o")"

printf '.fields proc.na\n.help\n.nonsense\n.tree 1\n.fd 1\n.stats\n.quit\n.count\n' |
	"$R" shell "$F" >"$T/o" 2>&1; rc=$?
if [ "$rc" -eq 1 ] && grep -q '^proc.name' "$T/o" && grep -q 'unknown command' "$T/o" &&
   grep -q 'by type' "$T/o" && ! grep -qx "$a" "$T/o"; then pass pipe_misc_commands
else fail pipe_misc_commands "exit $rc"; fi
exit 0
