#!/bin/bash
# -J/--threads with rules (issue 18). The loading workers screen events out
# with the parts of each rule's condition the record decides, the fd an open
# makes included when the record decides it (an absolute path:
# fld_ctx_fd_from_record); the run's thread evaluates the rest after state.
# Over a capture of many small chunks whose opens name paths relative to the
# cwd, relative to an open fd, absolute with "." and "..", and that fail:
#  - rules reading state the very event changes (fd.name right after the
#    open, on the close that ends it; proc.name right after execve) give the
#    same alerts, text and JSON, summary and exit status at 1, 2 and 4 threads;
#  - a rule firing on most events, across every chunk boundary, gives its
#    alerts in event order at every thread count (a merge that reordered or
#    lost one fails here);
#  - at 2 threads the workers do screen opens out by their fd (more events
#    screened than those of types no rule names), and never one whose fd the
#    record does not decide (a relative path).
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
. tests/e2e/threads_lib.inc
threads_setup replay_threads_rules
gen -o "$T/m.sysrec" -n 60000 --seed 7 --chunk-raw 16384 --mixed-paths

cat >"$T/fd.yaml" <<'EOF'
- rule: Open under etc
  desc: fd fields right after the open that made the fd
  condition: evt.type = openat and fd.name startswith /etc/ and fd.typechar = f and fd.num >= 0
  output: "open %evt.num %proc.name %fd.name dir=%fd.directory file=%fd.filename fd=%fd.num"
  priority: WARNING
- rule: Failed open under srv
  desc: a failed open has no fd, its path still names one
  condition: evt.type = openat and evt.rawres < 0 and fd.directory startswith /srv
  output: "failed %evt.num %fd.name %evt.arg.name"
  priority: NOTICE
- rule: Relative open resolved
  desc: the state joins a relative path onto the cwd or the dirfd's path
  condition: evt.type = openat and fd.name startswith /srv/ and not evt.arg.name startswith /
  output: "relative %evt.num %fd.name %evt.arg.name %evt.arg.dirfd"
  priority: NOTICE
EOF
cat >"$T/state.yaml" <<'EOF'
- rule: Close of a log
  desc: fd.name on the close that removes the fd
  condition: evt.type = close and fd.name contains log
  output: "close %evt.num %fd.name %fd.num"
  priority: NOTICE
- rule: Exec of cat
  desc: proc.name right after the execve that set it
  condition: evt.type = execve and proc.name = cat and proc.pname exists
  output: "exec %evt.num %proc.name %proc.pname %proc.cmdline"
  priority: NOTICE
EOF
cat >"$T/busy.yaml" <<'EOF'
- rule: Busy
  desc: fires on most events, on both sides of every chunk boundary
  condition: evt.type in (read, write, openat, close) and proc.name exists
  output: "busy %evt.num %evt.type %fd.name"
  priority: INFO
EOF


same fd_after_open alerts -r "$T/fd.yaml" "$T/m.sysrec"
# each of the fd rules fired, relative opens included
for w in open failed relative; do
	grep -q "^[0-9:.]*: [A-Za-z]* $w " "$T/o1" && pass "fd_rule_$w" || fail "fd_rule_$w" "no '$w' alert"
done
same fd_after_open_json alerts -j -r "$T/fd.yaml" "$T/m.sysrec"
same state_same_event alerts --all -r "$T/state.yaml" "$T/m.sysrec"
grep -q ": Notice close " "$T/o1" && grep -q ": Notice exec " "$T/o1" && pass state_rules_fired ||
	fail state_rules_fired "$(cut -d' ' -f3 "$T/o1" | sort | uniq -c | tr '\n' ' ')"
same busy_order alerts -r "$T/busy.yaml" "$T/m.sysrec"
# event order within the output itself, and alerts on most chunk boundaries
chunks=$("$R" info -j "$T/m.sysrec" | python3 -c 'import json,sys; print(json.load(sys.stdin)["chunks"])')
n=$(wc -l <"$T/o4")
if awk '{print $4}' "$T/o4" | sort -n -c 2>/dev/null && [ "$n" -gt $((chunks * 20)) ]; then
	pass busy_in_event_order
else
	fail busy_in_event_order "$n alerts over $chunks chunks, or out of order"
fi
if [ -f "$REF/falco-rules/falco_rules.yaml" ]; then
	same falco_rules alerts -r "$REF/falco-rules/falco_rules.yaml" "$T/m.sysrec"
	same falco_rules_json alerts -j -r "$REF/falco-rules/falco_rules.yaml" "$T/m.sysrec"
else
	skip falco_rules "no $REF/falco-rules/falco_rules.yaml"
fi

# The screen at work: opens screened out by their fd, relative ones never.
total=$("$R" events -c "$T/m.sysrec")
opens=$("$R" events -c -f 'evt.type = openat' "$T/m.sysrec")
rel=$("$R" events -c -f 'evt.type = openat and not evt.arg.name startswith /' "$T/m.sysrec")
scr=$(SYSREPLAY_DEBUG=1 "$R" alerts -J 2 -r "$T/fd.yaml" "$T/m.sysrec" 2>&1 >/dev/null |
	sed -n 's/.*screened out \([0-9]*\).*/\1/p')
if [ -z "$scr" ] || [ "$rel" -lt 100 ]; then
	fail screen_counts "screened '$scr', $rel relative opens"
elif [ "$scr" -le $((total - opens)) ]; then
	fail screen_opens "$scr screened out, no more than the $((total - opens)) events of other types"
else
	pass screen_opens
fi
[ -n "$scr" ] && [ "$scr" -le $((total - rel)) ] && pass screen_not_relative ||
	fail screen_not_relative "$scr screened out of $total, $rel opens with relative paths"
