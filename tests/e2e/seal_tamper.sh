#!/bin/bash
# Signed captures (format 2.1) against an attacker with write access: each
# case of tests/tools/tamper.c rewrites the file with valid CRCs, 64-bit
# chain, index and trailer; `verify --key` must fail (exit 1) and give the
# reason. Also: what an intact, a killed and a forward-secure capture prove,
# hostile keys, and the count of tamper cases tried and detected.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay seal_tamper
need_gen seal_tamper
TAMPER="$TOOLS/tamper"
[ -x "$TAMPER" ] || { skip seal_tamper "no $TAMPER (make tools)"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

"$R" keygen -o "$T/k" >"$T/kg" 2>&1 || { fail keygen "$(cat "$T/kg")"; exit 0; }
"$R" keygen -o "$T/evil" >/dev/null 2>&1
mode=$(stat -c %a "$T/k")
if [ "$mode" = 600 ] && grep -qE '^sysrec-ed25519 [0-9a-f]{64}$' "$T/k.pub" &&
	[ "$(wc -l <"$T/k.pub")" -eq 1 ]; then pass keygen_files
else fail keygen_files "mode $mode, pub '$(head -c 100 "$T/k.pub")'"; fi
# an existing key is never replaced, a symlink never followed
ln -s "$T/target" "$T/link"
if ! "$R" keygen -o "$T/k" >/dev/null 2>&1 && ! "$R" keygen -o "$T/link" >/dev/null 2>&1 &&
	[ ! -e "$T/target" ]; then pass keygen_no_clobber
else fail keygen_no_clobber "existing key or symlink replaced"; fi

S="--sign-key $T/k --checkpoint-chunks 4 --chunk-raw 65536"
gen -o "$T/a.sysrec" -n 20000 $S
gen -o "$T/b.sysrec" -n 20000 --seed 2 --start 1700000100000000000 $S
gen -o "$T/f.sysrec" -n 20000 $S --ratchet

# intact: authenticated with the key; integrity only without it
"$R" verify --key "$T/k.pub" "$T/a.sysrec" >"$T/v" 2>&1; rc=$?
if [ "$rc" -eq 0 ] && grep -q ': authenticated$' "$T/v" && grep -q 'checkpoint 0 at chunk' "$T/v" &&
	grep -q 'unsigned tail: 0 chunks' "$T/v"; then pass verify_key_intact
else fail verify_key_intact "exit $rc: $(head -3 "$T/v")"; fi
"$R" verify "$T/a.sysrec" >"$T/v" 2>&1; rc=$?
[ "$rc" -eq 0 ] && grep -q 'authenticity not checked' "$T/v" && pass verify_nokey_says_unchecked ||
	fail verify_nokey_says_unchecked "exit $rc: $(tail -2 "$T/v")"
# the key given as its text line works as well as the file
"$R" verify --key "$(cat "$T/k.pub")" "$T/f.sysrec" >"$T/v" 2>&1; rc=$?
[ "$rc" -eq 0 ] && grep -q 'forward-secure' "$T/v" && pass verify_ratchet_intact ||
	fail verify_ratchet_intact "exit $rc: $(head -3 "$T/v")"
"$R" verify -j --key "$T/k.pub" "$T/a.sysrec" >"$T/j" 2>&1
if python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); i=o["integrity"]
assert o["ok"] and i["authenticated"] and i["final_checkpoint"] and len(i["checkpoints"])>3
assert i["unsigned_tail_chunks"]==0' "$T/j" 2>/dev/null; then pass verify_json
else fail verify_json "$(head -c 300 "$T/j")"; fi
"$R" verify --key "$T/evil.pub" "$T/a.sysrec" >"$T/v" 2>&1; rc=$?
[ "$rc" -eq 1 ] && grep -q 'wrong key' "$T/v" && pass verify_wrong_key ||
	fail verify_wrong_key "exit $rc: $(head -2 "$T/v")"

# a recorder killed between checkpoints: signed prefix, unsigned tail reported
gen -o "$T/x.sysrec" -n 20000 $S --no-close
"$R" verify --key "$T/k.pub" "$T/x.sysrec" >"$T/v" 2>&1; rc=$?
tail=$(sed -n 's/.*unsigned tail: \([0-9]*\) chunks.*/\1/p' "$T/v")
if [ "$rc" -eq 1 ] && [ -n "$tail" ] && [ "$tail" -gt 0 ] && grep -q 'checkpoint 0 .*valid' "$T/v"; then
	pass verify_killed_tail
else fail verify_killed_tail "exit $rc tail '$tail': $(head -3 "$T/v")"; fi

# the tamper cases: NAME CASE INPUT ARG REASON
tried=0; detected=0
attack() {
	local name="$1" kase="$2" in="$3" arg="$4" why="$5"
	tried=$((tried + 1))
	if ! "$TAMPER" "$kase" "$in" "$T/t.sysrec" $arg 2>"$T/te"; then
		fail "tamper_$name" "tamper tool failed: $(cat "$T/te")"; return
	fi
	"$R" verify --key "$T/k.pub" "$T/t.sysrec" >"$T/v" 2>&1; local rc=$?
	if [ "$rc" -eq 1 ] && grep -q -- "$why" "$T/v"; then
		detected=$((detected + 1)); pass "tamper_$name"
	else fail "tamper_$name" "exit $rc, no '$why': $(head -2 "$T/v")"; fi
}
attack edit_event_old_chain edit-crc "$T/a.sysrec" "" 'digest mismatch'
attack edit_event_rechained edit-rechain "$T/a.sysrec" "" 'bad signature'
attack delete_chunk_fix_index delete "$T/a.sysrec" "" 'sequence gap'
attack delete_chunk_rechained delete-rechain "$T/a.sysrec" "" 'chunks deleted or inserted'
attack swap_chunks swap "$T/a.sysrec" "" 'sequence gap'
attack swap_chunks_rechained swap-rechain "$T/a.sysrec" "" 'bad signature'
attack truncate_forge_trailer truncate "$T/a.sysrec" "" 'chunks after checkpoint 0 were removed'
attack truncate_no_trailer tail-drop "$T/a.sysrec" "" 'no final checkpoint'
attack replace_public_key replace-key "$T/a.sysrec" "$T/evil" 'wrong key'
attack replay_other_checkpoint replay-ckpt "$T/a.sysrec" "$T/b.sysrec" 'belongs to another capture'
attack checkpoints_reordered reorder-ckpt "$T/a.sysrec" "" 'checkpoint out of order'
attack resign_with_later_key resign-later "$T/f.sysrec" "$T/k" 'did not certify'
# the digest runs on a helper thread when the process may use two CPUs and
# inline on one: both paths find the same edit and pass the same intact file
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then
	"$TAMPER" edit-crc "$T/a.sysrec" "$T/t.sysrec" 2>/dev/null
	for cpus in 0 0-1; do
		taskset -c $cpus "$R" verify --key "$T/k.pub" "$T/t.sysrec" >"$T/v" 2>&1; rc=$?
		taskset -c $cpus "$R" events -c "$T/a.sysrec" >"$T/n" 2>&1; rc2=$?
		if [ "$rc" -eq 1 ] && grep -q 'digest mismatch' "$T/v" && [ "$rc2" -eq 0 ] &&
			[ "$(cat "$T/n")" -gt 0 ]; then pass "digest_on_cpus_$cpus"
		else fail "digest_on_cpus_$cpus" "exit $rc/$rc2: $(head -2 "$T/v") $(head -1 "$T/n")"; fi
	done
	taskset -c 0 "$R" events -c "$T/t.sysrec" >"$T/n" 2>&1; rc=$?
	"$R" events -c "$T/t.sysrec" >"$T/n2" 2>&1; rc2=$?
	[ "$rc" -ne 0 ] && [ "$rc2" -ne 0 ] && grep -q 'digest mismatch' "$T/n" &&
		grep -q 'digest mismatch' "$T/n2" && pass digest_replay_refuses_edit ||
		fail digest_replay_refuses_edit "exit $rc/$rc2: $(tail -1 "$T/n") / $(tail -1 "$T/n2")"
else skip digest_on_cpus "needs taskset and two CPUs"; fi

echo "tamper cases: $tried tried, $detected detected"
[ "$tried" -eq "$detected" ] && pass tamper_all_detected || fail tamper_all_detected "$detected of $tried"

# a re-keyed file passes integrity without --key, and must not claim more
"$TAMPER" replace-key "$T/a.sysrec" "$T/t.sysrec" "$T/evil" 2>/dev/null
"$R" verify "$T/t.sysrec" >"$T/v" 2>&1; rc=$?
[ "$rc" -eq 0 ] && grep -q 'authenticity not checked' "$T/v" && ! grep -q ': authenticated$' "$T/v" &&
	pass rekeyed_nokey_unchecked || fail rekeyed_nokey_unchecked "exit $rc: $(tail -2 "$T/v")"

# a public key pasted with a CR LF line end still reads
printf '%s\r\n' "$(cat "$T/k.pub")" >"$T/crlf.pub"
"$R" verify --key "$T/crlf.pub" "$T/a.sysrec" >/dev/null 2>&1 && pass key_crlf || fail key_crlf "exit $?"

# hostile keys: exit 2, one line, no crash
printf 'sysrec-ed25519 zz\n' >"$T/bad.pub"
head -c 5000 /dev/urandom >"$T/rand.pub"
printf 'sysrec-ed25519 %0128d\n' 0 >"$T/long.pub"
for f in bad rand long; do
	"$R" verify --key "$T/$f.pub" "$T/a.sysrec" >/dev/null 2>"$T/e"; rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$T/e")" -eq 1 ] && pass "hostile_key_$f" ||
		fail "hostile_key_$f" "exit $rc: $(head -c 200 "$T/e")"
done
chmod 644 "$T/k"
if ! "$GEN" -o "$T/z.sysrec" -n 10 --sign-key "$T/k" >/dev/null 2>"$T/e" && grep -q 'readable by others' "$T/e"; then
	pass private_key_mode_checked
else fail private_key_mode_checked "$(cat "$T/e")"; fi

# info: the hand-over hash and the seal state, without verifying
"$R" info "$T/a.sysrec" >"$T/i" 2>&1
want=$(sha256sum "$T/a.sysrec" | cut -d' ' -f1)
grep -q "sha256 *$want" "$T/i" && pass info_sha256 || fail info_sha256 "want $want: $(grep sha256 "$T/i")"
"$R" info -j "$T/a.sysrec" "$T/x.sysrec" >"$T/j" 2>&1
if python3 -c 'import json,sys
a,x=[json.loads(l) for l in open(sys.argv[1])]
assert a["integrity"]["signed"] and a["integrity"]["final_checkpoint"] and a["integrity"]["checkpoints"]>3
assert a["integrity"]["unsigned_tail_chunks"]==0
assert not x["integrity"]["final_checkpoint"] and x["integrity"]["unsigned_tail_chunks"]>0' "$T/j" 2>"$T/e"
then pass info_seal_state; else fail info_seal_state "$(tail -1 "$T/e")"; fi
"$TAMPER" edit-rechain "$T/a.sysrec" "$T/t.sysrec" 2>/dev/null
"$R" info "$T/t.sysrec" | grep -q '([1-9][0-9]* with a bad signature)' && pass info_bad_signature ||
	fail info_bad_signature "$("$R" info "$T/t.sysrec" | grep signature)"

# a signed capture converted is a new, unsigned file: it must not claim the key
"$R" convert "$T/a.sysrec" "$T/conv.sysrec" >/dev/null 2>&1
"$R" verify "$T/conv.sysrec" >"$T/v" 2>&1; rc=$?
[ "$rc" -eq 0 ] && grep -q ': not signed$' "$T/v" && pass convert_drops_key ||
	fail convert_drops_key "exit $rc: $(head -2 "$T/v")"
