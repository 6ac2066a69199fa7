#!/bin/bash
# Signing set up from the recorder alone: `sysrec keygen -o KEY` (the same
# command as `sysreplay keygen`), and the config section `signing:` of
# sysrec -c FILE (record/rec_config.c, man/sysrec.yaml.5): every key maps
# to its option, the command line wins, bad values are refused with
# FILE:LINE:COL and a caret, and (root) a recording driven by the file is
# signed as the file says.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
[ -x "$BIN/sysrec" ] || { skip record_keygen_config "no $BIN/sysrec"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
S="$BIN/sysrec"

# keygen: private 0600 + one pasteable public line, usable by sysreplay
"$S" keygen -o "$T/k" >"$T/out" 2>&1; rc=$?
if [ "$rc" -eq 0 ] && [ "$(stat -c %a "$T/k")" = 600 ] &&
	grep -qE '^sysrec-ed25519 [0-9a-f]{64}$' "$T/k.pub" &&
	grep -qxF "$(cat "$T/k.pub")" "$T/out" && grep -q 'key id [0-9a-f]\{16\}' "$T/out"; then
	pass sysrec_keygen_files
else fail sysrec_keygen_files "exit $rc: $(head -3 "$T/out")"; fi
# the same files as sysreplay keygen writes: each tool reads the other's
"$R" keygen -o "$T/k2" >/dev/null 2>&1
if grep -qxE 'sysrec-ed25519-secret [0-9a-f]{64}' "$T/k" &&
	grep -qxE 'sysrec-ed25519-secret [0-9a-f]{64}' "$T/k2" &&
	[ "$(wc -c <"$T/k")" = "$(wc -c <"$T/k2")" ] && ! cmp -s "$T/k" "$T/k2"; then
	pass keygen_same_format
else fail keygen_same_format "$(head -c 40 "$T/k") / $(head -c 40 "$T/k2")"; fi
# never replaced, bad usage is exit 2 with one reason
cp "$T/k" "$T/k.bak"
"$S" keygen -o "$T/k" >/dev/null 2>"$T/e"; rc=$?
[ "$rc" -eq 2 ] && cmp -s "$T/k" "$T/k.bak" && grep -q 'File exists' "$T/e" &&
	pass sysrec_keygen_no_clobber || fail sysrec_keygen_no_clobber "exit $rc: $(head -1 "$T/e")"
ok=1
for args in "" "-x" "-o $T/z extra"; do
	"$S" keygen $args >/dev/null 2>"$T/e"; rc=$?
	[ "$rc" -eq 2 ] && head -1 "$T/e" | grep -q '^sysrec keygen: ' || { ok=0; echo "args '$args': $rc" >&2; }
done
[ $ok = 1 ] && [ ! -e "$T/z" ] && pass sysrec_keygen_usage || fail sysrec_keygen_usage "see above"
"$S" --help | grep -q 'sysrec keygen -o KEY' && pass help_names_keygen || fail help_names_keygen ""

# signing: every key applied, round trip, command line wins
cat >"$T/s.yaml" <<Y
capture:
  directory: $T
  file: s.sysrec
signing:
  key: $T/k
  checkpoint_chunks: 3
  checkpoint_every: 2s
  forward_secure: true
Y
if "$S" -c "$T/s.yaml" --show-config >"$T/show" 2>"$T/err" &&
	grep -qF "key: \"$T/k\"" "$T/show" && grep -q '^  checkpoint_chunks: 3$' "$T/show" &&
	grep -q '^  checkpoint_every: 2s$' "$T/show" && grep -q '^  forward_secure: true$' "$T/show"; then
	pass signing_keys_applied
else fail signing_keys_applied "$(cat "$T/err" "$T/show" | head -20 | tr '\n' '|')"; fi
"$S" -c "$T/show" --show-config 2>&1 | cmp -s - "$T/show" && pass signing_round_trip ||
	fail signing_round_trip "differs"
"$S" -c "$T/s.yaml" --checkpoint-chunks 9 --checkpoint-every 1m --sign-key "$T/k2" \
	--show-config >"$T/show2" 2>&1
grep -q '^  checkpoint_chunks: 9$' "$T/show2" && grep -q '^  checkpoint_every: 60s$' "$T/show2" &&
	grep -qF "key: \"$T/k2\"" "$T/show2" && pass signing_cli_wins ||
	fail signing_cli_wins "$(grep -A4 signing "$T/show2" | tr '\n' '|')"
# the key on the command line, the checkpoint policy in the file
printf 'signing:\n  checkpoint_chunks: 5\n' >"$T/p.yaml"
"$S" -c "$T/p.yaml" -w "$T/q.sysrec" --sign-key "$T/k" --show-config >"$T/show3" 2>&1 &&
	grep -q '^  checkpoint_chunks: 5$' "$T/show3" && pass signing_key_from_cli ||
	fail signing_key_from_cli "$(head -3 "$T/show3")"

# refused: FILE:LINE:COL, a caret, exit 2
bad() { # NAME YAML WANT-REGEX
	printf '%b' "$2" >"$T/bad.yaml"
	"$S" -c "$T/bad.yaml" -w "$T/b.sysrec" --show-config >/dev/null 2>"$T/e"; local rc=$?
	if [ "$rc" -eq 2 ] && head -1 "$T/e" | grep -qE -- "$3" && grep -q '^ *\^$' "$T/e"; then
		pass "bad_$1"
	else fail "bad_$1" "exit $rc: $(head -3 "$T/e" | tr '\n' '|')"; fi
}
bad chunks_zero 'signing:\n  key: k\n  checkpoint_chunks: 0\n' 'bad.yaml:3:22: .checkpoint_chunks. must be a number from 1'
bad chunks_word 'signing:\n  key: k\n  checkpoint_chunks: many\n' 'bad.yaml:3:22: .checkpoint_chunks.'
bad every_zero 'signing:\n  key: k\n  checkpoint_every: 0s\n' 'bad.yaml:3:21: .checkpoint_every. must be a duration'
bad fwd_word 'signing:\n  key: k\n  forward_secure: maybe\n' 'bad.yaml:3:19: .forward_secure. must be true or false'
bad key_empty 'signing:\n  key: ""\n' 'bad.yaml:2:8: .key. must be a non-empty string'
bad unknown 'signing:\n  key: k\n  ratchet: true\n' "bad.yaml:3:3: unknown key 'ratchet' in signing"
bad not_map 'signing: yes\n' "bad.yaml:1:10: 'signing' must be a map"
# combinations judged after the command line is read: one line, exit 2
printf 'signing:\n  checkpoint_every: 3s\n' >"$T/nokey.yaml"
"$S" -c "$T/nokey.yaml" -w "$T/b.sysrec" >/dev/null 2>"$T/e"; rc=$?
[ "$rc" -eq 2 ] && grep -q 'signing.key' "$T/e" && pass signing_needs_key ||
	fail signing_needs_key "exit $rc: $(head -2 "$T/e")"
printf 'capture:\n  rotate: {size_mb: 5}\nsigning:\n  key: %s\n  forward_secure: true\n' "$T/k" >"$T/fr.yaml"
"$S" -c "$T/fr.yaml" -w "$T/b.sysrec" >/dev/null 2>"$T/e"; rc=$?
[ "$rc" -eq 2 ] && grep -q 'excludes' "$T/e" && pass signing_forward_secure_no_rotate ||
	fail signing_forward_secure_no_rotate "exit $rc: $(head -2 "$T/e")"

# a recording driven by the file: signed, forward-secure, a checkpoint after
# every chunk (time never decides first: the 1 h bound)
if why=$(record_can_run); then
	sed -i 's/checkpoint_chunks: 3/checkpoint_chunks: 1/; s/checkpoint_every: 2s/checkpoint_every: 1h/' "$T/s.yaml"
	# events in every second of the recording, however quiet the machine
	( while :; do cat /proc/loadavg >/dev/null; sleep 0.05; done ) &
	busy=$!
	"$S" -c "$T/s.yaml" -M 3 -q >"$T/rec.out" 2>&1; rc=$?
	kill "$busy"; wait "$busy" 2>/dev/null
	"$R" verify --key "$T/k.pub" "$T/s.sysrec" >"$T/v" 2>&1; vrc=$?
	n=$(grep -c 'checkpoint [0-9]* at chunk' "$T/v")
	if [ "$rc" -eq 0 ] && [ "$vrc" -eq 0 ] && grep -q 'forward-secure' "$T/v" &&
		grep -q 'checkpoint 0 at chunk 1:' "$T/v" && grep -q 'checkpoint 1 at chunk 3:' "$T/v" &&
		[ "$n" -ge 2 ]; then
		pass signed_by_config
	else fail signed_by_config "exit $rc/$vrc, $n checkpoints: $(head -4 "$T/v" | tr '\n' '|')"; fi
	"$R" verify --key "$T/k2.pub" "$T/s.sysrec" >/dev/null 2>&1; rc=$?
	[ "$rc" -eq 1 ] && pass signed_by_config_other_key_fails || fail signed_by_config_other_key_fails "exit $rc"
else
	skip signed_by_config "$why"
fi
