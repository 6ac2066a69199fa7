#!/bin/bash
# The main job (`make main-job`): record this machine for a few seconds while
# generating some activity, then replay the capture through the default rules.
# Without root (or when recording fails) it says so and replays a fixture
# capture instead (tests/fixtures/*.sysrec, else a synthetic one).
#   BIN (default bin), OUT (default .output), SECONDS_TO_RECORD (default 5)
cd "$(dirname "$0")/.." || exit 2
BIN="${BIN:-bin}" OUT="${OUT:-.output}"
DUR="${SECONDS_TO_RECORD:-5}"
R="$BIN/sysreplay" REC="$BIN/sysrec"
WORK=$(mktemp -d /tmp/sysrec-main-job.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
CAP="$WORK/main-job.sysrec"
say() { printf '\n== %s\n' "$*"; }

[ -x "$R" ] || { echo "main-job: $R is missing; run make first" >&2; exit 2; }

# Some recognizable activity: file reads and writes, processes, a loopback
# connection, and a read of a sensitive file that the default rules notice.
activity() {
	local end=$((SECONDS + DUR - 1)) i=0
	sleep 0.5
	while [ $SECONDS -lt $end ]; do
		ls / /etc >/dev/null
		cat /etc/hostname /etc/os-release >/dev/null 2>&1
		echo "main-job $i" >"$WORK/scratch.txt"; rm -f "$WORK/scratch.txt"
		sh -c 'id >/dev/null; uname -a >/dev/null'
		(exec 3<>/dev/tcp/127.0.0.1/9 2>/dev/null) 2>/dev/null || true
		head -c 1 /etc/shadow >/dev/null 2>&1 || true
		i=$((i + 1))
		sleep 0.3
	done
}

recorded=0
if [ "$(id -u)" -ne 0 ]; then
	say "not root: recording needs root and BPF; replaying a fixture capture instead"
elif [ ! -x "$REC" ]; then
	say "no $REC: replaying a fixture capture instead"
else
	say "recording this machine for ${DUR}s: $REC -w $CAP -M $DUR"
	activity &
	act=$!
	if "$REC" -q -w "$CAP" -M "$DUR" 2>"$WORK/rec.err" && [ -s "$CAP" ]; then
		recorded=1
	else
		echo "main-job: recording failed: $(tail -1 "$WORK/rec.err")"
		say "replaying a fixture capture instead"
	fi
	wait "$act" 2>/dev/null
fi

if [ $recorded -eq 0 ]; then
	CAP=""
	for f in tests/fixtures/*.sysrec; do
		[ -f "$f" ] && { CAP="$f"; break; }
	done
	if [ -z "$CAP" ]; then
		if [ -x "$OUT/tools/gen_capture" ]; then
			CAP="$WORK/synthetic.sysrec"
			"$OUT/tools/gen_capture" -o "$CAP" -n 200000 --seed 1 >/dev/null ||
				{ echo "main-job: gen_capture failed" >&2; exit 2; }
			echo "(no fixture recorded yet: using a synthetic capture from gen_capture)"
		else
			echo "main-job: no capture to replay (no fixtures, no $OUT/tools/gen_capture)" >&2
			exit 2
		fi
	fi
	echo "capture: $CAP"
fi

say "sysreplay info $CAP"
"$R" info "$CAP" || exit 2

say "sysreplay verify"
"$R" verify "$CAP"

say "sysreplay stats (top of the table)"
"$R" stats "$CAP" | head -25

say "sysreplay alerts (default rules)"
"$R" alerts --no-progress "$CAP" >"$WORK/alerts.txt" 2>"$WORK/summary.txt"
rc=$?
head -20 "$WORK/alerts.txt"
n=$(wc -l <"$WORK/alerts.txt")
[ "$n" -gt 20 ] && echo "... ($((n - 20)) more alerts)"
say "summary"
cat "$WORK/summary.txt"
if [ $rc -ne 0 ]; then
	echo "main-job: alerts failed (exit $rc)" >&2
	exit $rc
fi
echo
if [ $recorded -eq 1 ]; then
	echo "main-job: recorded and replayed $("$R" events -c "$CAP") events from this machine."
else
	echo "main-job: replayed $("$R" events -c "$CAP") events from a fixture capture."
fi
