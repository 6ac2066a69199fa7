#!/bin/bash
# The state-free fast path on .scap input (filters and formats of evt.* fields
# only) gives exactly what the full pipeline with state gives, and process
# fields on .scap keep the state engine on.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
S="$REF/scap"
[ -d "$S" ] || { skip replay_scap_fast "no reference captures at $S"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for f in falco_cat_write libs_sample sysdiginspect_502Error; do
	for flt in 'evt.type=open' 'evt.type in (openat, connect) and evt.failed=false' 'evt.res=ENOENT'; do
		fast=$(SYSREPLAY_DEBUG=1 "$R" events -c -f "$flt" "$S/$f.scap" 2>/dev/null | tail -1)
		slow=$(SYSREPLAY_FORCE_STATE=1 "$R" events -c -f "$flt" "$S/$f.scap" 2>/dev/null | tail -1)
		name="scap_fast_${f}_$(echo "$flt" | tr -c 'a-z0-9' '_')"
		if [ -n "$fast" ] && [ "$fast" = "$slow" ]; then pass "$name"
		else fail "$name" "fast path $fast, with state $slow"; fi
	done
	# a process field keeps state on: the debug line says so
	SYSREPLAY_DEBUG=1 "$R" events -c -f 'proc.name=cat' "$S/$f.scap" >/dev/null 2>"$T/debug"
	if grep -q 'state on' "$T/debug"; then pass "scap_state_kept_for_proc_fields_$f"
	else fail "scap_state_kept_for_proc_fields_$f" "$(tail -1 "$T/debug")"; fi
done
