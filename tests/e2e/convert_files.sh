#!/bin/bash
# What `sysreplay convert` writes: mode 0600 whatever the umask, never
# through a symbolic link, an existing OUT refused unless --force (both
# directions); and `sysreplay --version` names the capture format.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay convert_files
need_gen convert_files
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
gen -o "$T/a.sysrec" -n 500 --seed 3

for ext in sysrec scap; do
	out="$T/out.$ext"
	(umask 000; "$R" convert "$T/a.sysrec" "$out") 2>"$T/err"
	rc=$?
	mode=$(stat -c '%a %u' "$out" 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ "$mode" = "600 $(id -u)" ]; then
		pass "convert_private_$ext"
	else
		fail "convert_private_$ext" "exit $rc, mode/owner '$mode': $(cat "$T/err")"
	fi

	before=$(md5sum <"$out")
	"$R" convert "$T/a.sysrec" "$out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "--force" "$T/err" && [ "$(md5sum <"$out")" = "$before" ]; then
		pass "convert_existing_refused_$ext"
	else
		fail "convert_existing_refused_$ext" "exit $rc: $(cat "$T/err")"
	fi
	echo stale >"$T/stale.$ext"
	chmod 644 "$T/stale.$ext"
	if "$R" convert --force "$T/a.sysrec" "$T/stale.$ext" 2>"$T/err" &&
		[ "$(stat -c %a "$T/stale.$ext")" = 600 ] && ! grep -q stale "$T/stale.$ext"; then
		pass "convert_force_replaces_$ext"
	else
		fail "convert_force_replaces_$ext" "$(cat "$T/err"); mode $(stat -c %a "$T/stale.$ext")"
	fi

	echo precious >"$T/victim.$ext"
	ln -s "$T/victim.$ext" "$T/link.$ext"
	ln -s "$T/nowhere.$ext" "$T/dangling.$ext"
	bad=""
	for l in link dangling; do
		for force in "" --force; do
			"$R" convert $force "$T/a.sysrec" "$T/$l.$ext" 2>"$T/err"
			rc=$?
			[ "$rc" -eq 2 ] && grep -q "symbolic link" "$T/err" ||
				bad="$bad $l$force: exit $rc $(cat "$T/err");"
		done
	done
	if [ -z "$bad" ] && [ "$(cat "$T/victim.$ext")" = precious ] && [ ! -e "$T/nowhere.$ext" ]; then
		pass "convert_symlink_refused_$ext"
	else
		fail "convert_symlink_refused_$ext" "${bad:-the target of a link was written}"
	fi
done

v=$("$R" --version)
if echo "$v" | grep -Eq '^sysreplay [0-9]+\.[0-9]+\.[0-9]+ \(capture format [0-9]+\.[0-9]+\)$'; then
	pass replay_version
else
	fail replay_version "'$v'"
fi
