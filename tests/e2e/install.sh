#!/bin/bash
# make install / make uninstall into a DESTDIR: the exact file list, the
# installed binaries run and find their installed rules, uninstall leaves
# no file behind.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay install
if [ "$BIN" != bin ]; then skip install "BIN=$BIN: make install installs the plain build only"; exit 0; fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D="$T/stage"
P=/opt/sr
mk() { make --no-print-directory -s "$@" PREFIX=$P DESTDIR="$D" >"$T/make.log" 2>&1; }

if ! mk install; then fail install "make install failed: $(tail -3 "$T/make.log")"; exit 0; fi
(cd "$D" && find . -type f -o -type l | sed 's|^\./|/|' | sort) >"$T/got"
{
	echo $P/bin/sysrec
	echo $P/bin/sysreplay
	for f in rules/default/*.yaml; do echo "$P/share/sysrec/rules/$(basename "$f")"; done
	for m in man/*.[1-8]; do echo "$P/share/man/man${m##*.}/$(basename "$m")"; done
	echo $P/share/bash-completion/completions/sysrec
	echo $P/share/bash-completion/completions/sysreplay
	echo /etc/sysrec/sysrec.yaml
	echo $P/lib/systemd/system/sysrec.service
} | sort >"$T/want"
if diff -u "$T/want" "$T/got" >"$T/diff"; then pass install_file_list
else fail install_file_list "$(grep '^[-+]/' "$T/diff" | head -5 | tr '\n' ' ')"; fi

bad=""
for f in $(cat "$T/want"); do
	case "$f" in */bin/*) [ -x "$D$f" ] || bad="$bad $f" ;; esac
done
if [ -z "$bad" ]; then pass install_modes; else fail install_modes "not executable:$bad"; fi

# The installed sysreplay uses the installed rules (a rule added there fires).
cat >"$D$P/share/sysrec/rules/99-local.yaml" <<'Y'
- rule: Local installed rule
  desc: any execve
  condition: evt.type = execve
  output: local-rule %proc.name
  priority: NOTICE
Y
if "$D$P/bin/sysreplay" alerts tests/fixtures/shell_by_server.sysrec >"$T/out" 2>"$T/err" &&
	grep -q 'local-rule' "$T/out" && grep -q 'Shell spawned by a server' "$T/err"; then
	pass installed_sysreplay_installed_rules
else
	fail installed_sysreplay_installed_rules "$(tail -1 "$T/err")"
fi
rm -f "$D$P/share/sysrec/rules/99-local.yaml"
if "$D$P/bin/sysrec" --help | grep -q 'SYNOPSIS'; then pass installed_sysrec_runs
else fail installed_sysrec_runs "sysrec --help failed"; fi
notfound=""
for m in man/*.[1-8]; do
	b=$(basename "$m")
	MANPATH="$D$P/share/man" man "${b##*.}" "${b%.*}" 2>/dev/null | grep -q '^NAME' || notfound="$notfound $b"
done
if [ -z "$notfound" ]; then pass installed_man_pages_found
else fail installed_man_pages_found "man does not find$notfound under $P/share/man"; fi
if bash -c ". '$D$P/share/bash-completion/completions/sysreplay' && complete -p sysreplay sysrec" >/dev/null 2>&1; then
	pass installed_completion_loads
else
	fail installed_completion_loads "sourcing the installed completion does not register both"
fi

# The installed config names the installed rules and is accepted as it is.
if grep -q "^  - $P/share/sysrec/rules\$" "$D/etc/sysrec/sysrec.yaml" &&
	"$D$P/bin/sysrec" -c "$D/etc/sysrec/sysrec.yaml" --show-config >"$T/show" 2>"$T/err" &&
	grep -q 'fsync: true' "$T/show"; then
	pass installed_config_valid
else
	fail installed_config_valid "$(head -3 "$T/err")"
fi
# A second install keeps a config the administrator changed; uninstall too.
echo "# local change" >>"$D/etc/sysrec/sysrec.yaml"
cp "$D/etc/sysrec/sysrec.yaml" "$T/edited"
mk install
if cmp -s "$T/edited" "$D/etc/sysrec/sysrec.yaml"; then pass install_keeps_edited_config
else fail install_keeps_edited_config "the edited config was replaced"; fi
mk uninstall
if cmp -s "$T/edited" "$D/etc/sysrec/sysrec.yaml"; then pass uninstall_keeps_edited_config
else fail uninstall_keeps_edited_config "the edited config was removed"; fi
rm -f "$D/etc/sysrec/sysrec.yaml"
mk install

if ! mk uninstall; then fail uninstall "make uninstall failed: $(tail -3 "$T/make.log")"; exit 0; fi
left=$(cd "$D" && find . -type f -o -type l)
if [ -z "$left" ]; then pass uninstall_leaves_no_file; else fail uninstall_leaves_no_file "left: $left"; fi
if [ ! -e "$D$P/share/sysrec" ] && [ ! -e "$D/etc/sysrec" ]; then pass uninstall_removes_own_dirs
else fail uninstall_removes_own_dirs "$P/share/sysrec or /etc/sysrec still there"; fi
