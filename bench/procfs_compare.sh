#!/bin/bash
# procfs_compare.sh: the /proc snapshot's socket pass before/after, side by side in one run.
#   bench/procfs_compare.sh [REV [SOCKETS...]]   (default d5aa938, 2000 10000 20000)
# Builds the working tree's bench/bench_procfs.c twice: against REV's
# record/rec_procfs.c (from git, into a temporary folder; d5aa938 is the last
# one with the single cross-namespace table and the quadratic role pass) and
# against the working tree's, then runs both on the same fake /proc trees and
# prints the best-of-3 milliseconds of each with the ratio.
cd "$(dirname "$0")/.." || exit 2
REV=${1:-d5aa938}
shift
OUT=${OUT:-.output}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

git archive "$REV" record/rec_procfs.c record/rec_procfs.h | tar -x -C "$tmp" || exit 2
def=-DBENCH_PROCFS_BASE
if git cat-file -e "$REV:record/rec_procfs_sock.c" 2>/dev/null; then
	git archive "$REV" record/rec_procfs_sock.c record/rec_procfs_sock.h | tar -x -C "$tmp"
	def=
fi
# REV's record files include ../format/ and ../state/: the working tree's, like the library.
for d in common format state; do ln -s "$PWD/$d" "$tmp/$d"; done
if ! make -s "$OUT/bench/bench_procfs"; then
	[ -x "$OUT/bench/bench_procfs" ] || exit 2
	echo "warning: build failed; using the bench_procfs and libsysrec.a already built" >&2
fi
cc -O2 -g -std=gnu11 -D_GNU_SOURCE $def -I"$tmp" -I. -I.output -o "$tmp/bench_old" \
	bench/bench_procfs.c "$OUT/libsysrec.a" -lzstd -lyaml -lcjson -lz -lm || exit 2

"$tmp/bench_old" "$@" | awk 'NR > 1 {print "old", $1, $2, $3, $4}' >"$tmp/runs"
"$OUT/bench/bench_procfs" "$@" | awk 'NR > 1 {print "new", $1, $2, $3, $4}' >>"$tmp/runs"

echo "/proc snapshot with fake socket tables: $REV vs working tree, best of 3, ms"
printf '%-6s %8s %10s %10s %10s %8s\n' case sockets namespaces "$REV" working ratio
awk '{ k = $2 " " $3 " " $4; if ($1 == "old") o[k] = $5; else { nw[k] = $5; order[++m] = k } }
     END { for (i = 1; i <= m; i++) { k = order[i]; split(k, f, " ");
		r = (nw[k] > 0) ? o[k] / nw[k] : 0; # parenthesised: a bare > in printf redirects
		printf "%-6s %8s %10s %10.1f %10.1f %7.1fx\n", f[1], f[2], f[3], o[k], nw[k], r } }' \
	"$tmp/runs"
