#!/bin/bash
# `make -j2 test` on a machine without bpftool: every build step waits for
# `deps` (scripts/deps.sh, which installs it), and bpftool is looked up when
# it is used, not when make starts. Checked with the project's Makefile in a
# scratch folder, a stand-in deps.sh that "installs" bpftool after a pause,
# and the real bpftool hidden (a private mount namespace): the rule for
# .output/vmlinux.h must run after deps and find the new bpftool.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
[ "$(id -u)" -eq 0 ] || { skip build_deps_order "needs root (to hide bpftool in a mount namespace)"; exit 0; }
real=$(command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
[ -x "$real" ] || { skip build_deps_order "no bpftool to hide"; exit 0; }
[ -r /sys/kernel/btf/vmlinux ] || { skip build_deps_order "no kernel BTF"; exit 0; }
command -v unshare >/dev/null || { skip build_deps_order "no unshare"; exit 0; }

T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir -p "$T/tree/scripts" "$T/shim"
cp Makefile "$T/tree/"
cp "$real" "$T/bpftool.pkg"
cat >"$T/tree/scripts/deps.sh" <<DEPS
#!/bin/sh
echo "deps: start"
sleep 2
cp "$T/bpftool.pkg" "$T/shim/bpftool"
echo "deps: done"
DEPS
chmod +x "$T/tree/scripts/deps.sh"
unshare -m sh -c "mount --bind /dev/null '$real' &&
	cd '$T/tree' && PATH='$T/shim':/usr/bin:/bin make -j2 deps .output/vmlinux.h" >"$T/log" 2>&1
rc=$?
order=$(grep -n -e "deps: done" -e "btf dump" "$T/log" | cut -d: -f2- | cut -c1-20 | tr '\n' '|')
if [ "$rc" -eq 0 ] && [ -s "$T/tree/.output/vmlinux.h" ] && [ "${order%%|*}" = "deps: done" ]; then
	pass build_deps_order
else
	fail build_deps_order "make exit $rc, order '$order': $(tail -3 "$T/log" | tr '\n' ' ')"
fi
