#!/bin/bash
# A run whose filter and output read nothing the state's fd tables feed
# keeps no fd tables (the debug line says "no fd tables") and counts what a
# run with them counts; a field the tables feed (fd.type, fd.name,
# proc.cwd) read in the filter or the format keeps them, and its values
# agree with sysdig's.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
S="$REF/scap/sysdiginspect_502Error.scap"
[ -f "$S" ] || { skip replay_fd_tables "no reference capture $S"; exit 0; }
command -v sysdig >/dev/null || { skip replay_fd_tables "sysdig absent (the oracle)"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
dbg() { SYSREPLAY_DEBUG=1 "$R" events -J 1 "$@" "$S" 2>"$T/debug"; }

# 1. process fields only: no fd tables, same count as a listing with them
for flt in 'proc.name=curl and evt.type=close' 'proc.pname=dockercloud-hap and evt.type=recvfrom' 'evt.type=open and proc.name=curl'; do
	name="no_fd_tables_$(echo "$flt" | tr -c 'a-z0-9' '_')"
	n=$(dbg -c -f "$flt")
	if ! grep -q 'state on (no fd tables)' "$T/debug"; then
		fail "$name" "$(tail -1 "$T/debug")"
		continue
	fi
	m=$(dbg -f "$flt" -p '%evt.num %fd.name' | wc -l)
	if grep -q 'state on,' "$T/debug" && [ "$n" = "$m" ] && [ "$n" -gt 0 ]; then pass "$name"
	else fail "$name" "count $n without fd tables, $m listed with them: $(tail -1 "$T/debug")"; fi
done
# the same for a -p format of process fields
dbg -f 'proc.name=curl and evt.type=close' -p '%evt.num %proc.name %proc.pname' >"$T/a"
if grep -q 'no fd tables' "$T/debug" && [ -s "$T/a" ]; then pass no_fd_tables_format
else fail no_fd_tables_format "$(tail -1 "$T/debug")"; fi

# 2. fields the tables feed keep them, and are right: sysdig as the oracle
# (a close names its socket only through the socket/connect before it)
for flt in 'fd.type=ipv4 and evt.type=close' 'evt.type=close and fd.name contains 80'; do
	name="fd_tables_kept_$(echo "$flt" | tr -c 'a-z0-9' '_')"
	n=$(dbg -c -f "$flt")
	want=$(sysdig -r "$S" "$flt and evt.dir=<" 2>/dev/null | wc -l)
	if grep -q 'state on,' "$T/debug" && [ "$n" = "$want" ] && [ "$n" -gt 0 ]; then pass "$name"
	else fail "$name" "count $n, sysdig $want: $(tail -1 "$T/debug")"; fi
done
dbg -f 'evt.type=close and proc.name=curl' -p '%fd.name' >"$T/ours"
sysdig -r "$S" -p '%fd.name' 'evt.type=close and proc.name=curl and evt.dir=<' >"$T/sd" 2>/dev/null
if grep -q 'state on,' "$T/debug" && [ -s "$T/ours" ] && cmp -s "$T/ours" "$T/sd"; then
	pass fd_tables_kept_format_fd_name
else fail fd_tables_kept_format_fd_name "$(diff "$T/ours" "$T/sd" | head -3)"; fi
dbg -c -f 'evt.type=close and proc.cwd!=""' >/dev/null
if grep -q 'state on,' "$T/debug"; then pass fd_tables_kept_proc_cwd
else fail fd_tables_kept_proc_cwd "$(tail -1 "$T/debug")"; fi
