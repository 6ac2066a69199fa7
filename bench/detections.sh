#!/bin/bash
# sysreplay test and rules --coverage against the cost of reading the same
# captures: both should be dominated by the read (each capture read once).
#   A. a spec of 100 cases over the recorded fixtures (tests/fixtures), with
#      windows and filters so that several sinks share each read, against
#      `events -c` (read + state) and `alerts` (read + state + rules) run once
#      per fixture;
#   C. the same spec over one large synthetic capture (gen_capture);
#   B. rules --coverage of Falco's stable rules over every reference .scap,
#      against `alerts --all` with the same rules over the same files.
# Each line: wall-clock and CPU (user + system) time over RUNS runs (default
# 5; hyperfine's mean when installed, else the best by GNU time); on a
# shared machine CPU is the steadier of the two.
cd "$(dirname "$0")/.." || exit 2
BIN="${BIN:-bin}" R="${BIN:-bin}/sysreplay"
REF="${REF:-$(cd .. && pwd)/shared/reference}"
RUNS="${RUNS:-5}"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
[ -x "$R" ] || { echo "no $R (make)"; exit 0; }

best() { # command... → "WALL  CPU" (hyperfine: mean wall and user+system in ms; else
	# GNU time, best of RUNS, 10 ms resolution)
	local bw="" bc="" w u sy c
	if command -v hyperfine >/dev/null && command -v jq >/dev/null; then
		hyperfine -N -w 1 -r "$RUNS" --export-json "$T/h.json" -- "$(printf '%q ' "$@")" \
			>/dev/null 2>&1
		jq -r '.results[0] | "\(.mean*1000|floor) ms wall \((.user+.system)*1000|floor) ms cpu"' \
			"$T/h.json"
		return
	fi
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -o "$T/time" -f '%e %U %S' "$@" >/dev/null 2>&1
		read -r w u sy <"$T/time"
		c=$(echo "$u + $sy" | bc)
		[ -z "$bw" ] || [ "$(echo "$w < $bw" | bc)" = 1 ] && bw=$w
		[ -z "$bc" ] || [ "$(echo "$c < $bc" | bc)" = 1 ] && bc=$c
	done
	printf '%6.0f ms wall %6.0f ms cpu' "$(echo "$bw * 1000" | bc)" "$(echo "$bc * 1000" | bc)"
}

fx=(tests/fixtures/*.sysrec)
# 100 cases: each fixture in turn, with a rule count, a window, a filter or
# a priority check, so that one read serves several sinks.
{
	echo "cases:"
	for i in $(seq 0 99); do
		f=$(basename "${fx[$((i % ${#fx[@]}))]}")
		echo "  - name: case $i"
		echo "    capture: $PWD/tests/fixtures/$f"
		case $((i / ${#fx[@]} % 4)) in
		1) echo "    since: +0s" ;;
		2) echo "    filter: evt.type != read" ;;
		3) echo "    all: true" ;;
		esac
		echo "    expect:"
		echo "      - {no_priority_at_least: emergency}"
	done
} >"$T/spec100.yaml"
events=$("$R" events -c tests/fixtures 2>/dev/null)
echo "A. 100-case spec over ${#fx[@]} fixtures ($events events in all)"
printf '  %-52s %s\n' "test spec100.yaml (100 cases, one read per capture)" "$(best "$R" test "$T/spec100.yaml")"
printf '  %-52s %s\n' "read + state: events -c -f 'proc.name=none' (merged)" \
	"$(best env SYSREPLAY_FORCE_STATE=1 "$R" events -c -f proc.name=none tests/fixtures)"
printf '  %-52s %s\n' "alerts tests/fixtures (read + state + rules)" \
	"$(best "$R" alerts tests/fixtures)"
printf '  %-52s %s\n' "alerts, once per case (what 100 separate runs cost)" \
	"$(best sh -c 'for i in $(seq 0 99); do "$0" alerts "$1"; done' "$R" "${fx[0]}")"

RULES="$REF/falco-rules/falco_rules.yaml"
if [ -f "$RULES" ] && [ -d "$REF/scap" ]; then
	scaps=("$REF"/scap/*.scap)
	echo "B. rules --coverage of falco_rules.yaml over ${#scaps[@]} reference .scap files"
	printf '  %-52s %s\n' "rules --coverage DIR falco_rules.yaml" \
		"$(best "$R" rules --coverage "$REF/scap" "$RULES")"
	printf '  %-52s %s\n' "alerts --all -r falco_rules.yaml DIR (one process)" \
		"$(best "$R" alerts --all -r "$RULES" "$REF/scap")"
	printf '  %-52s %s\n' "read + state: events -c -f 'proc.name=none' DIR" \
		"$(best env SYSREPLAY_FORCE_STATE=1 "$R" events -c -f proc.name=none "$REF/scap")"
	printf '  %-52s %s\n' "rules --validate falco_rules.yaml (load + compile)" \
		"$(best "$R" rules -V "$RULES")"
else
	echo "B. skipped: no $RULES or $REF/scap"
fi

# C. the same 100 cases over one large synthetic capture: 4 sinks share
# each read (window, filter, all), so the cost per case nearly vanishes.
GEN="${OUT:-.output}/tools/gen_capture"
if [ -x "$GEN" ]; then
	"$GEN" -o "$T/big.sysrec" -n "${BIG_EVENTS:-500000}" --seed 7 >/dev/null
	sed "s|capture: .*|capture: $T/big.sysrec|" "$T/spec100.yaml" >"$T/spec_big.yaml"
	echo "C. 100 cases over one synthetic capture of ${BIG_EVENTS:-500000} events"
	printf '  %-52s %s\n' "test spec (100 cases, 4 sinks, one read)" "$(best "$R" test "$T/spec_big.yaml")"
	printf '  %-52s %s\n' "alerts (read + state + rules, once)" "$(best "$R" alerts "$T/big.sysrec")"
	printf '  %-52s %s\n' "read + state: events -c -f 'proc.name=none'" \
		"$(best env SYSREPLAY_FORCE_STATE=1 "$R" events -c -f proc.name=none "$T/big.sysrec")"
fi
