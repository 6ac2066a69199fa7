#!/bin/bash
# The cost of starting the binaries: CPU time of `sysreplay --version` and
# `sysrec --help` (perf stat, 50 runs each), beside an empty C program
# measured in the same run. Every short sysreplay (a CI check, a shell
# one-liner) pays this before reading a byte.
#
#   bench/startup.sh [OTHER_BIN_DIR]   (another build's bin/ for a side-by-side row)
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-bin}
OTHER=$1
command -v perf >/dev/null || { echo "startup bench: needs perf"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'int main(void){return 0;}\n' >"$tmp/e.c"
cc -O2 "$tmp/e.c" -o "$tmp/empty" || exit 1
ms() { # command... -> task-clock ms, mean of 50 runs
	perf stat -r 50 -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/{printf "%.2f", $1}'
}
printf '%-34s %10s %10s\n' "program" "libraries" "CPU ms"
row() { # label libs command...
	local label=$1 libs=$2
	shift 2
	printf '%-34s %10s %10s\n' "$label" "$libs" "$(ms "$@")"
}
row "empty C program" "$(ldd "$tmp/empty" | wc -l)" "$tmp/empty"
for d in "$BIN" $OTHER; do
	row "$d/sysreplay --version" "$(ldd "$d/sysreplay" | wc -l)" "$d/sysreplay" --version
	row "$d/sysrec --help" "$(ldd "$d/sysrec" | wc -l)" "$d/sysrec" --help
done
