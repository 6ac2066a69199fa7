#!/bin/bash
# evt.num: on .sysrec, events are numbered from 1 without state records, the
# same with or without a seek, and across a merged set; on .scap, the number
# is sysdig's for the same event (the exit event's number for a syscall whose
# enter and exit we merge), so `-f evt.num=N` finds what sysdig showed as #N.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay replay_evtnum
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
F='%evt.num %evt.rawtime %thread.tid %evt.type'

# 1. .sysrec: 1..N, N = events -c, for every fixture.
bad=
for f in tests/fixtures/*.sysrec; do
	n=$("$R" events -c "$f")
	got=$("$R" events -p '%evt.num' "$f" | awk -v n="$n" \
		'$1 != NR { print "line " NR " is #" $1; exit } END { if (NR != n) print NR " lines, -c " n }')
	[ -n "$got" ] && bad="$bad $(basename "$f"): $got;"
done
[ -z "$bad" ] && pass sysrec_numbered_from_1 || fail sysrec_numbered_from_1 "$bad"

# 2. The same numbers after a seek (--since) and through -f evt.num=N.
if [ -x "$GEN" ] && "$GEN" -o "$T/g.sysrec" -n 20000 --seed 5 --snap-every 3000 \
	--chunk-raw 65536 >/dev/null 2>&1; then
	"$R" events -p "$F" "$T/g.sysrec" >"$T/all"
	bad=
	for k in 1 4321 12000 19999; do
		want=$(sed -n "${k}p" "$T/all")
		ts=$(echo "$want" | awk '{print $2}')
		got=$("$R" events -p "$F" --since "$ts" "$T/g.sysrec" | awk -v t="$ts" '$2 == t' | head -1)
		[ "$want" = "$got" ] || bad="$bad since: '$want' vs '$got';"
		got=$("$R" events -p "$F" -f "evt.num=$k" "$T/g.sysrec")
		[ "$want" = "$got" ] || bad="$bad evt.num=$k: '$want' vs '$got';"
	done
	[ -z "$bad" ] && pass sysrec_num_seek_filter || fail sysrec_num_seek_filter "$bad"
else
	skip sysrec_num_seek_filter "no $GEN"
fi

# 3. A merged set numbers 1..N over both files.
mkdir -p "$T/set"
cp tests/fixtures/benign.sysrec tests/fixtures/write_etc.sysrec "$T/set/"
n=$("$R" events -c "$T/set")
got=$("$R" events -p '%evt.num' "$T/set" | awk '$1 != NR { print "line " NR " is #" $1; exit }')
if [ -z "$got" ] && [ "$n" -gt 0 ]; then pass merged_numbered_from_1
else fail merged_numbered_from_1 "${got:-no events}"; fi

# 4. .scap: each of our events has sysdig's number, with the same thread.
if ! command -v sysdig >/dev/null; then
	skip scap_num_is_sysdigs "sysdig not installed"
elif [ ! -d "$REF/scap" ]; then
	skip scap_num_is_sysdigs "no reference captures at $REF/scap"
else
	bad= checked=0
	for f in "$REF"/scap/*.scap; do
		sysdig -r "$f" -p '%evt.num %thread.tid' >"$T/sd" 2>/dev/null || continue
		[ -s "$T/sd" ] || continue
		"$R" events -p '%evt.num %thread.tid' "$f" 2>/dev/null >"$T/us"
		sort -k1,1 "$T/sd" >"$T/sd.s"
		sort -k1,1 "$T/us" >"$T/us.s"
		miss=$(join -v1 "$T/us.s" "$T/sd.s" | wc -l)
		diff=$(join "$T/us.s" "$T/sd.s" | awk '$2 != $3' | wc -l)
		checked=$((checked + $(wc -l <"$T/us")))
		[ "$miss" = 0 ] && [ "$diff" = 0 ] ||
			bad="$bad $(basename "$f"): $miss numbers unknown to sysdig, $diff on another thread;"
	done
	if [ -n "$bad" ]; then fail scap_num_is_sysdigs "$bad"
	elif [ "$checked" -lt 1000 ]; then fail scap_num_is_sysdigs "only $checked events compared"
	else pass scap_num_is_sysdigs; fi
	# The connect sysdig shows as #187 (its exit) is found by evt.num=187.
	c="$REF/scap/falco_connect_localhost.scap"
	if [ -f "$c" ]; then
		want=$(sysdig -r "$c" -p '%evt.num %evt.type %thread.tid' 'evt.type=connect and evt.dir=<' 2>/dev/null | head -1)
		n=${want%% *}
		got=$("$R" events -p '%evt.num %evt.type %thread.tid' -f "evt.num=$n" "$c")
		[ -n "$want" ] && [ "$want" = "$got" ] && pass scap_num_filter ||
			fail scap_num_filter "sysdig '$want', ours '$got'"
	fi
fi
