#!/bin/bash
# Every C source and header is as clang-format (.clang-format) writes it
# (`make format` rewrites them, `make format-check` is this check); a
# failure names each file and its first line that differs.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
N=format_check
command -v clang-format >/dev/null || { skip $N "clang-format not installed"; exit 0; }
git rev-parse --git-dir >/dev/null 2>&1 || { skip $N "not a git checkout"; exit 0; }
bad=0 n=0
for f in $(git ls-files '*.c' '*.h'); do
	n=$((n + 1))
	out=$(clang-format --dry-run --Werror "$f" 2>&1) && continue
	fail "$N: $f" "$(echo "$out" | head -1)"
	bad=$((bad + 1))
done
[ "$n" -gt 100 ] && [ "$bad" = 0 ] && pass "$N: $n C files are as clang-format writes them"
[ "$bad" = 0 ] || fail $N "$bad of $n files differ (make format rewrites them)"
