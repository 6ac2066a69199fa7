#!/bin/bash
# sysreplay report against sysreplay alerts on the same synthetic captures
# (1M and 10M events from gen_capture): CPU time (user + sys, best of REPS),
# peak RSS and the page's size. Targets: report <= 2x the time of alerts,
# peak RSS <= 200 MiB. Captures are kept in $BENCH_DIR (default
# /tmp/sysrec-bench) while the generator is unchanged.
#   SIZES="1000000 10000000" REPS=1 bench/report.sh
cd "$(dirname "$0")/.." || exit 2
BIN="${BIN:-bin}" OUT="${OUT:-.output}"
R="$BIN/sysreplay" GEN="$OUT/tools/gen_capture"
DIR="${BENCH_DIR:-/tmp/sysrec-bench}"
SIZES="${SIZES:-1000000 10000000}" REPS="${REPS:-1}"
[ -x "$R" ] && [ -x "$GEN" ] || { echo "bench/report: build first (make all tools)"; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/report: needs /usr/bin/time"; exit 2; }
mkdir -p "$DIR"
stamp=$(sha1sum "$GEN" | cut -c1-16)

# best CPU seconds and the largest peak RSS (KiB) of REPS runs: "cpu rss"
measure() {
	local best="" rss=0 out
	for _ in $(seq "$REPS"); do
		out=$(/usr/bin/time -f '%U %S %M' "$@" 2>&1 >/dev/null | tail -1)
		set -- "$@"
		read -r u s m <<<"$out"
		c=$(echo "$u + $s" | bc)
		[ -z "$best" ] || [ "$(echo "$c < $best" | bc)" = 1 ] && best=$c
		[ "$m" -gt "$rss" ] && rss=$m
	done
	echo "$best $rss"
}

printf '%-10s %10s %10s %7s %12s %12s %10s\n' events alerts_s report_s ratio alerts_MiB report_MiB html_KiB
for n in $SIZES; do
	f="$DIR/report-$n.sysrec"
	if [ ! -s "$f" ] || [ "$(cat "$f.gen" 2>/dev/null)" != "$stamp" ]; then
		echo "making $f..." >&2
		"$GEN" -o "$f" -n "$n" --seed 1 >&2 || exit 2
		echo "$stamp" >"$f.gen"
	fi
	read -r ac am <<<"$(measure "$R" alerts --no-progress "$f")"
	read -r rc rm <<<"$(measure "$R" report --no-progress --force -o "$DIR/report-$n.html" "$f")"
	printf '%-10s %10.2f %10.2f %7.2f %12.1f %12.1f %10d\n' "$n" "$ac" "$rc" \
		"$(echo "$rc / $ac" | bc -l)" "$(echo "$am / 1024" | bc -l)" "$(echo "$rm / 1024" | bc -l)" \
		$(($(stat -c %s "$DIR/report-$n.html") / 1024))
done
