#!/bin/bash
# The state-free fast path on .scap input (filters and formats of evt.* fields
# only) gives exactly what the full pipeline with state gives, and process
# fields on .scap keep the state engine on.
cd "$(dirname "$0")/../.." || exit 2
BIN="${BIN:-bin}"
REF="${REF:-$(cd .. && pwd)/shared/reference}"
S="$REF/scap"
[ -d "$S" ] || { echo "SKIP: replay_scap_fast: no reference captures at $S"; exit 0; }
for f in falco_cat_write libs_sample sysdiginspect_502Error; do
	for flt in 'evt.type=open' 'evt.type in (openat, connect) and evt.failed=false' 'evt.res=ENOENT'; do
		fast=$(SYSREPLAY_DEBUG=1 "$BIN/sysreplay" events -c -f "$flt" "$S/$f.scap" 2>/dev/null | tail -1)
		slow=$(SYSREPLAY_FORCE_STATE=1 "$BIN/sysreplay" events -c -f "$flt" "$S/$f.scap" 2>/dev/null | tail -1)
		name="scap_fast_${f}_$(echo "$flt" | tr -c 'a-z0-9' '_')"
		if [ -n "$fast" ] && [ "$fast" = "$slow" ]; then echo "PASS: $name"
		else echo "FAIL: $name: fast path $fast, with state $slow"; fi
	done
	# a process field keeps state on: the debug line says so
	SYSREPLAY_DEBUG=1 "$BIN/sysreplay" events -c -f 'proc.name=cat' "$S/$f.scap" >/dev/null 2>/tmp/sysrec-scapfast.$$
	if grep -q 'state on' /tmp/sysrec-scapfast.$$; then echo "PASS: scap_state_kept_for_proc_fields_$f"
	else echo "FAIL: scap_state_kept_for_proc_fields_$f: $(tail -1 /tmp/sysrec-scapfast.$$)"; fi
	rm -f /tmp/sysrec-scapfast.$$
done
