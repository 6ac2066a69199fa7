#!/bin/bash
# sysreplay report in a real browser: headless Chromium loads the page of a
# fixture (--dump-dom after its script ran): one alert row per `alerts -j`
# line, every process `ps` lists is in the tree, every alert link points at
# an element that exists, a link into a collapsed branch opens it, and a
# screenshot renders without script errors. Also: the page needs no network
# and bad use exits 2.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay report
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
FX=tests/fixtures

# bad use, whatever the browser
"$R" report $FX/benign.sysrec >/dev/null 2>"$T/e"; a=$?
"$R" report -o "$T/x.html" /nonexistent.sysrec >/dev/null 2>"$T/e2"; b=$?
: >"$T/exists.html"
"$R" report -o "$T/exists.html" $FX/benign.sysrec >/dev/null 2>"$T/e3"; c=$?
[ $a = 2 ] && [ $b = 2 ] && [ $c = 2 ] && [ ! -s "$T/exists.html" ] && [ ! -e "$T/x.html" ] &&
	pass report_bad_use || fail report_bad_use "exits $a $b $c"
"$R" report --force -o "$T/exists.html" $FX/benign.sysrec 2>/dev/null && [ -s "$T/exists.html" ] &&
	[ "$(stat -c %a "$T/exists.html")" = 600 ] && pass report_force_0600 || fail report_force_0600 "not replaced"

# long lists are capped, and say how much was left out (a synthetic capture
# with more alerts and connections than the page draws)
if [ -x "$GEN" ]; then
	"$GEN" -o "$T/big.sysrec" -n 300000 --seed 7 >/dev/null
	"$R" report -o "$T/big.html" "$T/big.sysrec" 2>/dev/null
	total=$("$R" alerts -j "$T/big.sysrec" 2>/dev/null | wc -l)
	rows=$(grep -c '^<tr class=alert ' "$T/big.html")
	if [ "$total" -gt 2000 ] && [ "$rows" = 2000 ] &&
		grep -q "^<p class=more>$((total - 2000)) more not shown" "$T/big.html" &&
		grep -q "<h2 id=alerts>Alerts ($total)" "$T/big.html"; then pass report_caps_say_left_out
	else fail report_caps_say_left_out "total $total rows $rows"; fi
else
	skip report_caps_say_left_out "no $GEN (make tools)"
fi

# the header names the signature state of a signed capture, and says that an
# unsigned one is not signed (the report checks the chain as verify does)
if [ -x "$GEN" ] && "$R" keygen -o "$T/k" >/dev/null 2>&1; then
	"$GEN" -o "$T/signed.sysrec" -n 20000 --seed 3 --sign-key "$T/k" >/dev/null
	"$GEN" -o "$T/plain.sysrec" -n 20000 --seed 3 >/dev/null
	"$R" report -o "$T/signed.html" "$T/signed.sysrec" 2>/dev/null
	"$R" report -o "$T/plain.html" "$T/plain.sysrec" 2>/dev/null
	kid=$("$R" verify -j "$T/signed.sysrec" | python3 -c 'import json,sys; print(json.load(sys.stdin)["integrity"]["key_id"])')
	if [ -n "$kid" ] && grep -q "signed by key $kid" "$T/signed.html" &&
		grep -q 'digest chain; not signed' "$T/plain.html" && ! grep -q 'signed by key' "$T/plain.html"; then
		pass report_signature_status
	else fail report_signature_status "key '$kid' not named, or the unsigned one claims a key"; fi
else
	skip report_signature_status "no $GEN or keygen"
fi

B=$(command -v chromium || command -v chromium-browser)
[ -n "$B" ] || { skip report_browser "chromium not installed (scripts/deps.sh installs it)"; exit 0; }
chrome() {
	timeout 120 "$B" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$T/u.XXXXXX")" "$@"
}

for fx in reverse_shell container_escape benign ../../../shared/reference/scap/libs_curl_google; do
	case $fx in ../*) cap="$REF/scap/libs_curl_google.scap"; name=scap_curl ;;
	*) cap="$FX/$fx.sysrec"; name=$fx ;; esac
	[ -f "$cap" ] || { skip "report_$name" "no $cap"; continue; }
	"$R" report -o "$T/$name.html" "$cap" 2>/dev/null || { fail "report_$name" "report failed"; continue; }
	chrome --dump-dom "file://$T/$name.html" >"$T/$name.dom" 2>/dev/null
	"$R" alerts -j "$cap" 2>/dev/null >"$T/$name.alerts"
	"$R" ps -j "$cap" >"$T/$name.ps"
	python3 - "$T/$name.dom" "$T/$name.alerts" "$T/$name.ps" <<'PY' && pass "report_dom_$name" || fail "report_dom_$name" "see above"
import json, re, sys
dom = open(sys.argv[1]).read()
nalerts = sum(1 for l in open(sys.argv[2]) if l.strip())
rows = re.findall(r'<tr class="alert" id="a-\d+">(.*?)</tr>', dom, re.S)
ids = set(re.findall(r'\bid="([^"]+)"', dom))
bad = []
if len(dom) < 1000 or "</html>" not in dom:
    bad.append("no page")
if len(rows) != nalerts:
    bad.append("%d alert rows, alerts -j %d" % (len(rows), nalerts))
for r in rows:
    for h in re.findall(r'href="#([^"]+)"', r):
        if h not in ids:
            bad.append("link #%s has no target" % h)
    if "#p-" not in r:
        bad.append("alert without a process link")
tree = set(re.findall(r'id="p-\d+"[^>]*>(?:<summary[^>]*>)?(\d+) ', dom))
for l in open(sys.argv[3]):
    pid = str(json.loads(l)["pid"])
    if pid not in tree:
        bad.append("ps pid %s not in the tree" % pid)
if re.search(r'(src|href)="(https?:)?//', dom):
    bad.append("a network reference")
for b in bad[:10]:
    print("#", b)
sys.exit(1 if bad else 0)
PY
done

# the script opens a collapsed branch a link points into
pid=$(python3 - "$T/benign.dom" <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
# a process inside a <details> that is not open
m = re.search(r'<details id="p-\d+"><summary>.*?(?:<div|<details) id="(p-\d+)"', dom, re.S)
print(m.group(1) if m else "")
PY
)
if [ -n "$pid" ]; then
	chrome --dump-dom "file://$T/benign.html#$pid" >"$T/hash.dom" 2>/dev/null
	python3 - "$T/hash.dom" "$pid" <<'PY' && pass report_link_opens_branch || fail report_link_opens_branch "$pid still hidden"
import re, sys
dom, pid = open(sys.argv[1]).read(), sys.argv[2]
i = dom.index('id="%s"' % pid)
# every <details> still open around the target carries the open attribute
depth, closed = 0, 0
for m in re.finditer(r'<details([^>]*)>|</details>', dom[:i]):
    pass
stack = []
for m in re.finditer(r'<details([^>]*)>|</details>', dom[:i]):
    if m.group(0) == '</details>':
        stack.pop()
    else:
        stack.append('open' in m.group(1))
sys.exit(0 if stack and all(stack) else 1)
PY
else
	fail report_link_opens_branch "no collapsed branch in the benign report"
fi

# a screenshot renders, without script errors on the console
chrome --enable-logging=stderr --v=0 --window-size=1200,2400 \
	--screenshot="$T/shot.png" "file://$T/reverse_shell.html" >/dev/null 2>"$T/console"
if [ -s "$T/shot.png" ] && ! grep -Eiq 'Uncaught|SyntaxError|ReferenceError|TypeError' "$T/console"; then
	pass report_screenshot; cp "$T/shot.png" "${REPORT_SHOT:-/dev/null}" 2>/dev/null
else fail report_screenshot "$(grep -Ei 'console|error' "$T/console" | grep -v dbus | head -3)"; fi
