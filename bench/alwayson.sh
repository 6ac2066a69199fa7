#!/bin/bash
# The always-on recorder's own costs: RSS with the default rules, retention,
# metrics and capture on alert all on (besides the kernel ring buffers), and
# the time from an alert's event to its evidence file's pre window on disk.
#
#   bench/alwayson.sh            RUN_SECONDS=20 LOAD_RATE=50000 (read()s per second)
#
# RSS is read from /proc/PID/smaps: the total, and without the mappings of the
# probe's ring buffers (anon_inode:bpf...), which are the kernel's memory
# mapped into the recorder, sized by --buffer-pages. A rule with capture:
# true fires once after RUN_SECONDS/2, so the pre window holds that much of the
# ring; the summary line gives the time to disk, and the drops say whether
# the copy held up the recording (the evidence writer thread copies it).
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-bin}
OUT=${OUT:-.output}
SECONDS_RUN=${RUN_SECONDS:-20}
LOAD_RATE=${LOAD_RATE:-50000}
S=$OUT/bench/rec_storm
[ "$(id -u)" -eq 0 ] || { echo "bench/alwayson.sh: needs root"; exit 2; }
[ -x "$S" ] && [ -x "$BIN/sysrec" ] || { echo "bench/alwayson.sh: run make first"; exit 2; }
tmp=$(mktemp -d)
trap 'kill $rp $lp 2>/dev/null; rm -rf "$tmp"' EXIT
cp /bin/true "$tmp/aw_trigger"
cat >"$tmp/r.yaml" <<Y
- rule: always-on bench trigger
  desc: fires once, mid-run
  condition: evt.type = execve and proc.name = aw_trigger
  output: "trigger (%proc.name)"
  priority: WARNING
  capture: true
Y
"$BIN/sysrec" -v -w "$tmp/cap.sysrec" -r rules/default -r "$tmp/r.yaml" --max-bytes 2GiB \
	--max-age 24h --metrics 127.0.0.1:18798 --capture-on-alert rules --capture-pre 30s \
	--capture-post 2s -M $((SECONDS_RUN + 5)) >"$tmp/alerts" 2>"$tmp/err" &
rp=$!
for _ in $(seq 1200); do grep -q "recording to" "$tmp/err" && break; sleep 0.05; done
"$S" rate "$LOAD_RATE" "$SECONDS_RUN" 1 >/dev/null 2>&1 &
lp=$!
sleep $((SECONDS_RUN / 2))
"$tmp/aw_trigger"
sleep $((SECONDS_RUN / 2 - 1))
curl -s 127.0.0.1:18798/metrics >/dev/null
awk '/^[0-9a-f]+-[0-9a-f]+ / {bpf = ($0 ~ /bpf/)} /^Rss:/ {t += $2; if (bpf) b += $2}
	END {printf "RSS %.1f MiB in all, %.1f MiB of it the ring buffers, %.1f MiB besides them\n",
	     t / 1024, b / 1024, (t - b) / 1024}' "/proc/$rp/smaps"
awk '$1 == "VmHWM:" {printf "peak RSS %.1f MiB in all (the ring buffers included)\n", $2 / 1024}' \
	"/proc/$rp/status"
wait $lp
wait $rp
grep -E "evidence file|alerts|drops|not kept" "$tmp/err"
grep "evidence closed" "$tmp/alerts"
