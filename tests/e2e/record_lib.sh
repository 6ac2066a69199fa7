# Shared by tests/e2e/record_*.sh: skip checks and helpers. Sourced, not run.
BIN="${BIN:-bin}"
OUT="${OUT:-.output}"
TOOLS="$OUT/tools"
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
skip() { echo "SKIP: $1: $2"; }

# Prints a reason and returns 1 when live recording cannot run here.
record_can_run() {
	if [ "$(id -u)" -ne 0 ]; then echo "needs root"; return 1; fi
	if [ ! -r /sys/kernel/btf/vmlinux ]; then echo "no kernel BTF"; return 1; fi
	if [ ! -x "$BIN/sysrec" ]; then echo "$BIN/sysrec not built"; return 1; fi
	if [ ! -x "$BIN/sysreplay" ]; then echo "$BIN/sysreplay not built"; return 1; fi
	return 0
}
