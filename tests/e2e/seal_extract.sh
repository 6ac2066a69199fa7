#!/bin/bash
# sysreplay extract: exactly the selected events, standalone (its own state
# snapshot), provenance in its header, signed with the analyst's key; the
# .scap conversion keeps the provenance in a sidecar.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay seal_extract
need_gen seal_extract
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$R" keygen -o "$T/k" >/dev/null 2>&1 && "$R" keygen -o "$T/analyst" >/dev/null 2>&1 ||
	{ fail keygen "keygen failed"; exit 0; }
gen -o "$T/a.sysrec" -n 20000 --sign-key "$T/k" --chunk-raw 65536
F='%evt.time %proc.name %proc.pname %proc.exepath %fd.name %evt.type %evt.args'

# a state-dependent filter: decided on the full stream, fields read the same
# from the extract alone
flt='fd.name startswith /etc and proc.pname exists'
"$R" extract "$T/a.sysrec" -o "$T/e.sysrec" -f "$flt" --sign-key "$T/analyst" --key "$T/k.pub" \
	>"$T/x" 2>&1 || { fail extract_runs "$(cat "$T/x")"; exit 0; }
"$R" events -p "$F" -f "$flt" "$T/a.sysrec" >"$T/want"
"$R" events -p "$F" "$T/e.sysrec" >"$T/got"
if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then pass extract_filter_state_fields
else fail extract_filter_state_fields "$(wc -l <"$T/want") vs $(wc -l <"$T/got") lines: $(diff "$T/want" "$T/got" | head -3)"; fi

# lean: one snapshot for the whole extract; what events left out changed is
# described record by record (the fields above still read the same), and
# the extract stays a fraction of the source
nsnap=$(sed -n 's/.*, \([0-9]*\) state snapshots, \([0-9]*\) state updates.*/\1 \2/p' "$T/x")
"$R" info -j "$T/e.sysrec" >"$T/i" 2>&1
if [ "${nsnap% *}" = 1 ] && [ "${nsnap#* }" -gt 0 ] &&
	python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["snapshot_chunks"]==1' "$T/i" &&
	[ "$(stat -c %s "$T/e.sysrec")" -lt "$(( $(stat -c %s "$T/a.sysrec") / 4 ))" ]; then
	pass extract_one_snapshot_then_updates
else fail extract_one_snapshot_then_updates "'$(cat "$T/x")', $(stat -c %s "$T/e.sysrec") bytes"; fi
# a state-heavy selection: every event of short-lived processes, fields as
# in the source, across process exits and pid reuse left out
F2='%evt.time %proc.name %proc.pname %proc.exepath %proc.cmdline %proc.cwd %user.name %fd.name %fd.type %thread.tid %proc.ppid %proc.aname[2]'
"$R" extract "$T/a.sysrec" -o "$T/c.sysrec" -f 'evt.type=openat and proc.name=cat' >"$T/x2" 2>&1
"$R" events -p "$F2" -f 'evt.type=openat and proc.name=cat' "$T/a.sysrec" >"$T/want2"
"$R" events -p "$F2" "$T/c.sysrec" >"$T/got2"
if [ -s "$T/want2" ] && cmp -s "$T/want2" "$T/got2" && grep -q ', 1 state snapshots' "$T/x2"; then
	pass extract_updates_keep_fields
else fail extract_updates_keep_fields "$(cat "$T/x2"): $(diff "$T/want2" "$T/got2" | head -3)"; fi

# time window and --pid with and without descendants
first=$("$R" events -p '%evt.rawtime' "$T/a.sysrec" | sed -n 5000p)
last=$("$R" events -p '%evt.rawtime' "$T/a.sysrec" | sed -n 9000p)
"$R" extract "$T/a.sysrec" -o "$T/w.sysrec" --since "$first" --until "$last" >/dev/null 2>&1
want=$("$R" events -c --since "$first" --until "$last" "$T/a.sysrec")
got=$("$R" events -c "$T/w.sysrec")
[ "$want" -gt 0 ] && [ "$want" = "$got" ] && pass extract_window || fail extract_window "$want vs $got"
"$R" extract "$T/a.sysrec" -o "$T/p.sysrec" --pid 1064 >/dev/null 2>&1
"$R" extract "$T/a.sysrec" -o "$T/d.sysrec" --pid 1064 --descendants >/dev/null 2>&1
p_want=$("$R" events -c -f 'proc.pid=1064' "$T/a.sysrec")
d_want=$("$R" events -c -f 'proc.pid=1064 or proc.apid=1064' "$T/a.sysrec")
p_got=$("$R" events -c "$T/p.sysrec"); d_got=$("$R" events -c "$T/d.sysrec")
if [ "$p_want" = "$p_got" ] && [ "$d_want" = "$d_got" ] && [ "$d_got" -gt "$p_got" ]; then
	pass extract_pid_descendants
else fail extract_pid_descendants "pid $p_want/$p_got, descendants $d_want/$d_got"; fi

# standalone: a snapshot chunk of its own, nothing else from the source
"$R" info -j "$T/e.sysrec" >"$T/i"
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["snapshot_chunks"]>=1' "$T/i" 2>/dev/null &&
	pass extract_own_snapshot || fail extract_own_snapshot "$(head -c 200 "$T/i")"

# its own signature (the analyst's key) and the provenance of the source
sha=$(sha256sum "$T/a.sysrec" | cut -d' ' -f1)
"$R" verify --key "$T/analyst.pub" "$T/e.sysrec" >"$T/v" 2>&1; rc=$?
if [ "$rc" -eq 0 ] && grep -q ': authenticated$' "$T/v" && grep -q "provenance: .*\"sha256\":\"$sha\"" "$T/v" &&
	grep -q '"signature":"authenticated"' "$T/v" && grep -q "\"filter\":\"$flt\"" "$T/v"; then
	pass extract_signed_with_provenance
else fail extract_signed_with_provenance "exit $rc: $(head -2 "$T/v")"; fi
"$R" verify --key "$T/k.pub" "$T/e.sysrec" >/dev/null 2>&1; rc=$?
[ "$rc" -eq 1 ] && pass extract_not_source_key || fail extract_not_source_key "exit $rc"

# to .scap: a sidecar with the same provenance, and it says so
"$R" convert "$T/e.sysrec" "$T/e.scap" >"$T/c" 2>&1
if grep -q 'provenance written to .*e.scap.provenance.json' "$T/c" &&
	python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert a["action"]=="extract" and a["sources"][0]["sha256"]==sys.argv[2]' \
		"$T/e.scap.provenance.json" "$sha" 2>/dev/null; then pass convert_scap_sidecar
else fail convert_scap_sidecar "$(cat "$T/c")"; fi

# bad usage: exit 2, one line
"$R" extract "$T/a.sysrec" >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && pass extract_needs_output || fail extract_needs_output "exit $rc"
"$R" extract "$T/a.sysrec" -o "$T/a.sysrec" >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && pass extract_not_onto_input || fail extract_not_onto_input "exit $rc"
