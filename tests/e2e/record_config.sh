#!/bin/bash
# sysrec -c FILE (record/rec_config.c, man/sysrec.yaml.5): every key maps to
# its option, the command line wins, the shipped sample is valid, bad files
# are refused with FILE:LINE:COL, a caret and exit 2, and (root) a recording
# driven by the file alone lands where the file says with its settings.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
[ -x "$BIN/sysrec" ] || { skip record_config "no $BIN/sysrec"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
S="$BIN/sysrec"

cat >"$T/all.yaml" <<Y
capture:
  directory: $T/caps/
  file: host.sysrec
  rotate: {size_mb: 7, every: 90s, keep: 5}
  snaplen: 321
  syscalls: [openat, execve]
  cgroup: /sys/fs/cgroup
  comm: nginx
  exec_env: true
  latency: false
  fsync: true
rules_files: [$T/a.yaml, $T/b]
outputs:
  json: true
  stdout: {enabled: false}
  file: {enabled: false, path: /var/log/x}
  http: {enabled: true, url: "https://h:2801/", headers: {Authorization: Bearer t}, timeout: 3s, min_priority: error}
  nats: {enabled: true, servers: [nats://a:4222, nats://b:4222], jetstream: true, format: text}
  spool_max: 5MB
  rate_limit: {rate: 2.5, burst: 7, summary_every: 30s}
retention: {max_bytes: 2GiB, max_age: 24h, min_free: 1GB}
metrics: {enabled: true, listen: "[::1]:9000"}
capture_on_alert: {enabled: true, mode: all_rules, min_priority: warning, pre: 30s, post: 10s, max_bytes: 1GiB, max_per_hour: 5}
Y
if "$S" -c "$T/all.yaml" --show-config >"$T/show" 2>"$T/err"; then
	want="directory: \"$T/caps\"|file: \"host.sysrec\"|size_mb: 7|every: 90s|keep: 5|snaplen: 321|syscalls: \"openat,execve\"|cgroup: \"/sys/fs/cgroup\"|comm: \"nginx\"|exec_env: true|latency: false|fsync: true|- \"$T/a.yaml\"|- \"$T/b\"|json: true|enabled: false|max_bytes: 2147483648|max_age: 86400s|min_free: 1000000000|listen: \"[::1]:9000\"|mode: all_rules|min_priority: Warning|pre: 30s|post: 10s|max_bytes: 1073741824|max_per_hour: 5"
	miss=""
	IFS='|' read -ra ws <<<"$want"
	for w in "${ws[@]}"; do grep -qF -- "$w" "$T/show" || miss="$miss [$w]"; done
	if [ -z "$miss" ]; then pass every_key_applied; else fail every_key_applied "missing$miss"; fi
else
	fail every_key_applied "exit $?: $(head -3 "$T/err")"
fi
if grep -q 'servers: "nats://a:4222,nats://b:4222"' "$T/show" && grep -q 'Authorization: "Bearer t"' "$T/show" &&
	grep -q 'min_priority: Error' "$T/show" && grep -q 'burst: 7' "$T/show" &&
	grep -q 'spool_max: 5000000' "$T/show"; then
	pass outputs_keys_applied
else
	fail outputs_keys_applied "$(sed -n '/^outputs/,$p' "$T/show" | tr '\n' ' ')"
fi
# --show-config prints a config that reads back to the same settings
if "$S" -c "$T/show" --show-config 2>"$T/err" | cmp -s - "$T/show"; then pass show_config_round_trip
else fail show_config_round_trip "$(head -3 "$T/err")"; fi

# The command line wins; a -r replaces the whole rules_files list.
"$S" -c "$T/all.yaml" -w "$T/other.sysrec" -s 12 -C 3 -r "$T/c.yaml" --show-config >"$T/show2" 2>&1
if grep -q "file: \"other.sysrec\"" "$T/show2" && grep -q 'snaplen: 12$' "$T/show2" &&
	grep -q 'size_mb: 3$' "$T/show2" && grep -q 'every: 90s' "$T/show2" &&
	grep -q "\- \"$T/c.yaml\"" "$T/show2" && ! grep -q 'a.yaml' "$T/show2"; then
	pass command_line_wins
else
	fail command_line_wins "$(tr '\n' ' ' <"$T/show2")"
fi
# -c may come after the options it loses to
if "$S" -s 12 -c "$T/all.yaml" --show-config 2>&1 | grep -q 'snaplen: 12$'; then pass command_line_wins_any_order
else fail command_line_wins_any_order "config overrode -s given before -c"; fi

sed 's|@RULESDIR@|/usr/share/sysrec/rules|' dist/sysrec.yaml >"$T/sample.yaml"
if "$S" -c "$T/sample.yaml" --show-config >"$T/s" 2>"$T/err" && grep -q 'directory: "/var/lib/sysrec"' "$T/s" &&
	grep -q 'fsync: true' "$T/s"; then
	pass shipped_sample_valid
else
	fail shipped_sample_valid "$(head -3 "$T/err")"
fi
: >"$T/empty.yaml"
if "$S" -c "$T/empty.yaml" -w x --show-config | grep -q 'snaplen: 80$'; then pass empty_config_defaults
else fail empty_config_defaults "an empty file does not give the defaults"; fi

# bad NAME LINE:COL PATTERN YAML: exit 2, first line FILE:LINE:COL: PATTERN,
# the source line and a caret when the position is in the file.
bad() {
	local name=$1 pos=$2 pat=$3
	printf '%s\n' "$4" >"$T/$name.yaml"
	"$S" -c "$T/$name.yaml" -w "$T/x.sysrec" >"$T/out" 2>"$T/err"
	local rc=$?
	if [ "$rc" -ne 2 ]; then fail "bad_$name" "exit $rc, expected 2 ($(head -c 200 "$T/err"))"
	elif ! head -1 "$T/err" | grep -qE -- "^sysrec: $T/$name.yaml:$pos: .*$pat"; then
		fail "bad_$name" "first line '$(head -1 "$T/err")' lacks $pos and /$pat/"
	elif ! sed -n 3p "$T/err" | grep -qE '^ *\^$'; then fail "bad_$name" "no caret line: $(cat "$T/err")"
	elif [ -e "$T/x.sysrec" ]; then fail "bad_$name" "started recording"
	else pass "bad_$name"; fi
}
bad unknown_top 2:1 "unknown key 'captures'" $'capture: {}\ncaptures: {}'
bad unknown_nested 3:5 "unknown key 'sise_mb' in capture.rotate" $'capture:\n  rotate:\n    sise_mb: 4'
bad duplicate 3:3 "key 'snaplen' given twice" $'capture:\n  snaplen: 1\n  snaplen: 2'
bad snaplen_range 2:12 "'snaplen' must be a number from 0 to 4096" $'capture:\n  snaplen: 5000'
bad snaplen_text 2:12 "'snaplen' must be a number" $'capture:\n  snaplen: lots'
bad bool 2:10 "'fsync' must be true or false" $'capture:\n  fsync: "yes"'
bad duration 3:12 "'every' must be a duration" $'capture:\n  rotate:\n    every: soon'
bad file_slash 2:9 "'file' is a name inside 'directory'" $'capture:\n  file: a/b.sysrec'
bad size 2:14 "'max_bytes' must be a size" $'retention:\n  max_bytes: 2 gigs'
bad retention_zero 2:14 "'max_bytes' must be above 0" $'retention:\n  max_bytes: 0'
bad metrics_listen 2:11 "'listen' must be HOST:PORT" $'metrics:\n  listen: 8765'
bad coa_mode 1:26 "'mode' must be rules or all_rules" 'capture_on_alert: {mode: some}'
bad coa_priority 1:34 "'min_priority' must be a Falco priority" 'capture_on_alert: {min_priority: loud}'
bad output_no_target 3:5 "outputs.file is enabled but has no 'path'" $'outputs:\n  file:\n    enabled: true'
bad output_unknown_key 3:5 "unknown key 'uri' in outputs.http" $'outputs:\n  http:\n    uri: http://x/'
bad output_format 2:18 "'format' must be text or json" $'outputs:\n  file: {format: xml}'
bad rules_map 1:14 "'rules_files' must be a list" 'rules_files: {a: b}'
bad not_map 1:1 "'the configuration' must be a map" '- a'
bad yaml_syntax 3:4 "YAML: " $'capture:\n  snaplen: [1, 2\n  x: 1'
"$S" -c "$T/nope.yaml" -w "$T/x.sysrec" >/dev/null 2>"$T/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "cannot open config '$T/nope.yaml'" "$T/err"; then pass missing_config_file
else fail missing_config_file "exit $rc: $(cat "$T/err")"; fi

# A real recording from the file alone: path, snaplen and JSON alerts.
if ! why=$(record_can_run); then skip config_recording "$why"; exit 0; fi
mkdir -p "$T/caps"
cat >"$T/a.yaml" <<'Y'
- rule: Config test exec
  desc: execve of the marker
  condition: evt.type = execve and proc.name = true
  output: cfgtest %proc.name
  priority: NOTICE
Y
cat >"$T/rec.yaml" <<Y
capture:
  directory: $T/caps
  file: run.sysrec
  snaplen: 33
  fsync: true
rules_files: [$T/a.yaml]
outputs:
  json: true
Y
"$S" -q -c "$T/rec.yaml" -- /bin/true >"$T/alerts" 2>"$T/err"
rc=$?
if [ "$rc" -ne 0 ] || [ ! -s "$T/caps/run.sysrec" ]; then
	fail config_recording "exit $rc, no $T/caps/run.sysrec: $(tail -2 "$T/err")"
	exit 0
fi
if "$R" info -j "$T/caps/run.sysrec" | grep -q '"snaplen": *33'; then pass config_recording_snaplen
else fail config_recording_snaplen "$("$R" info -j "$T/caps/run.sysrec" | head -c 300)"; fi
if grep -q '"rule": *"Config test exec"' "$T/alerts" && head -1 "$T/alerts" | grep -q '^{'; then
	pass config_recording_json_alert
else
	fail config_recording_json_alert "$(head -c 300 "$T/alerts")"
fi

# fleet: servers and stream shown; a server that is not nats:// is refused at its place
printf 'fleet:\n  servers: [nats://127.0.0.1:4222, nats://127.0.0.1:4223]\n  stream: FLEETX\n  replicas: 3\n  max_age: 2d\n' >"$T/fleet.yaml"
if "$S" -c "$T/fleet.yaml" -w "$T/f.sysrec" --show-config >"$T/fshow" 2>&1 &&
	grep -qF -- '- "nats://127.0.0.1:4223"' "$T/fshow" && grep -qF 'stream: "FLEETX"' "$T/fshow"; then
	pass fleet_keys_applied
else
	fail fleet_keys_applied "$(head -5 "$T/fshow")"
fi
printf 'fleet:\n  servers: [http://x:1]\n' >"$T/fbad.yaml"
"$S" -c "$T/fbad.yaml" -w "$T/f.sysrec" >"$T/fbad.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "fbad.yaml:2:13: 'servers' must be nats://HOST:PORT" "$T/fbad.out"; then
	pass fleet_bad_server_refused
else
	fail fleet_bad_server_refused "exit $rc: $(head -3 "$T/fbad.out")"
fi
