#!/bin/bash
# The man pages in man/: groff renders each without a warning (-ww), man -l
# shows its NAME, and they keep up with the binaries: every option of
# `sysrec --help` is in sysrec(8), every command of `sysreplay --help` in
# sysreplay(1).
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay man_pages
command -v groff >/dev/null || { skip man_pages "no groff (apt-get install groff-base)"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

for m in man/*.[1-8]; do
	n=$(basename "$m")
	if ! groff -man -Tutf8 -ww -z "$m" 2>"$T/w" || [ -s "$T/w" ]; then
		fail "groff_$n" "$(head -3 "$T/w" | tr '\n' ' ')"
	else
		pass "groff_$n"
	fi
	if command -v mandoc >/dev/null; then
		if mandoc -Tlint -Wwarning "$m" >"$T/l" 2>&1; then pass "mandoc_$n"
		else fail "mandoc_$n" "$(head -3 "$T/l" | tr '\n' ' ')"; fi
	fi
	if command -v man >/dev/null; then
		if MANWIDTH=80 man -l "$m" 2>/dev/null | grep -q '^NAME'; then pass "man_l_$n"
		else fail "man_l_$n" "man -l shows no NAME section"; fi
	fi
done

# Options the binaries list that their page's OPTIONS section lacks.
sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' man/sysrec.8 >"$T/opts"
missing=""
for o in $("$BIN/sysrec" --help | sed -n 's/^ \{2,\}\(-[^ ].*\)/\1/p' | sed 's/  .*//' |
	grep -o -- '--\{0,1\}[A-Za-z][-A-Za-z]*' | sort -u); do
	esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "^\.B[IR]* \(.* \)\{0,1\}$esc\b" "$T/opts" || missing="$missing $o"
done
if [ -z "$missing" ]; then pass sysrec_8_has_every_option; else fail sysrec_8_has_every_option "missing:$missing"; fi
missing=""
for c in $("$R" --help | sed -n '/^SYNOPSIS/,/^[A-Z]/s/^ *sysreplay \([a-z][a-z]*\).*/\1/p' | sort -u); do
	grep -q "^\.B sysreplay $c\b" man/sysreplay.1 || missing="$missing $c"
done
if [ -z "$missing" ]; then pass sysreplay_1_has_every_command; else fail sysreplay_1_has_every_command "missing:$missing"; fi
