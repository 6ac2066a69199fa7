#!/bin/bash
# sysrec --sign-key: a recording signed at checkpoints and at close verifies
# with the public key (also forward-secure); a recorder killed with SIGKILL
# leaves a signed prefix and an unsigned tail; bad signing options exit 2.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
tmp=$(mktemp -d)
trap 'kill $rp 2>/dev/null; rm -rf "$tmp"' EXIT

# option errors need no BPF
"$BIN/sysreplay" keygen -o "$tmp/k" >/dev/null 2>&1 || { fail record_signed "keygen failed"; exit 0; }
bad() { # NAME PATTERN ARGS...
	local name=$1 pat=$2; shift 2
	"$BIN/sysrec" "$@" >/dev/null 2>"$tmp/e"; local rc=$?
	[ "$rc" -eq 2 ] && grep -q -- "$pat" "$tmp/e" && pass "$name" || fail "$name" "exit $rc: $(head -c 200 "$tmp/e")"
}
bad sign_opts_need_key 'need --sign-key' -w "$tmp/x.sysrec" --checkpoint-chunks 4
bad forward_secure_no_rotation 'excludes -C' -w "$tmp/x.sysrec" --sign-key "$tmp/k" --forward-secure -C 10
printf 'garbage\n' >"$tmp/g"; chmod 600 "$tmp/g"
why=$(record_can_run) || { skip record_signed "$why"; exit 0; }
bad sign_key_garbage 'not a sysrec private key' -w "$tmp/x.sysrec" --sign-key "$tmp/g" -M 1

work='for i in $(seq 40); do cat /proc/loadavg >/dev/null; sleep 0.05; done'
for mode in plain forward; do
	extra=(); [ $mode = forward ] && extra=(--forward-secure)
	"$BIN/sysrec" -q -w "$tmp/$mode.sysrec" --sign-key "$tmp/k" --checkpoint-every 1 "${extra[@]}" \
		-- sh -c "$work" >/dev/null 2>"$tmp/e"
	"$BIN/sysreplay" verify --key "$tmp/k.pub" "$tmp/$mode.sysrec" >"$tmp/v" 2>&1; rc=$?
	n=$(grep -c 'checkpoint [0-9]* at chunk .*: valid' "$tmp/v")
	if [ "$rc" -eq 0 ] && [ "$n" -ge 2 ] && grep -q '(final)' "$tmp/v"; then pass "record_signed_$mode"
	else fail "record_signed_$mode" "exit $rc, $n checkpoints: $(head -3 "$tmp/v") $(cat "$tmp/e")"; fi
done

# SIGKILL between checkpoints: the signed prefix verifies, the tail is reported.
# The kill waits until the live file has a valid checkpoint and chunks after
# it (checked with verify), so it lands between two checkpoints on a slow
# machine too; the next checkpoint is seconds away then.
if rec_bg "$tmp/err" -w "$tmp/k.sysrec" --sign-key "$tmp/k" --checkpoint-chunks 1000 --checkpoint-every 5; then
	( while :; do cat /proc/loadavg >/dev/null; sleep 0.05; done ) &
	wp=$!
	for _ in $(seq 150); do
		"$BIN/sysreplay" verify --key "$tmp/k.pub" "$tmp/k.sysrec" >"$tmp/v" 2>&1
		grep -q 'checkpoint 0 at chunk .*: valid' "$tmp/v" && grep -q 'unsigned tail: [1-9]' "$tmp/v" && break
		sleep 0.2
	done
	kill -KILL "$rp"; wait "$rp" 2>/dev/null; rp=
	kill "$wp"; wait "$wp" 2>/dev/null
	"$BIN/sysreplay" verify --key "$tmp/k.pub" "$tmp/k.sysrec" >"$tmp/v" 2>&1; rc=$?
	if [ "$rc" -eq 1 ] && grep -q 'checkpoint 0 at chunk .*: valid' "$tmp/v" &&
		grep -q 'unsigned tail: [1-9]' "$tmp/v"; then pass record_signed_killed_tail
	else fail record_signed_killed_tail "exit $rc: $(grep -E 'checkpoint|tail' "$tmp/v" | head -3)"; fi
else
	fail record_signed_killed_tail "sysrec did not start: $(head -2 "$tmp/err")"
fi
