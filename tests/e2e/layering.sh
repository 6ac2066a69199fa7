#!/bin/bash
# layering: the folders of product code depend on each other one way only.
# Every `#include "..."` in them is resolved (beside the file, else from the
# top of the tree) and gives an edge between two folders; each folder may
# include only folders of a lower layer:
#
#   common ← format ← scap, probe ← state ← fields ← filter ← rules
#          ← outputs ← fleet ← record, replay
#
# (fleet/ opens its NATS connections through outputs/out_natsconn.h, as the
# nats alert output does), so the graph has no cycle, and nothing outside
# record/ and replay/ includes their headers (the two binaries' folders,
# which include nothing of each other). format/'s private headers
# (FORMAT_PRIVATE below: the on-disk layout, the reader's internals, chunk,
# wire and pipeline helpers) are included from format/ only, and every
# folder's *_int.h from its own folder only; the rest of the tree uses
# public headers.
# A violation prints FILE:LINE and the edge. The checker first runs on a
# copy of the tree with broken includes added, and must find each of them.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
N=layering
command -v python3 >/dev/null || { skip $N "python3 not installed"; exit 0; }

FORMAT_PRIVATE="fmt_layout.h fmt_reader_int.h fmt_chunk.h fmt_wire.h fmt_pipe.h fmt_verify_seal.h"

# check ROOT: prints "VIOLATION: FILE:LINE: ..." per violation and the
# derived graph as "# FOLDER -> FOLDERS" lines.
check() {
	ROOT="$1" PRIVATE="$FORMAT_PRIVATE" python3 - <<'EOF'
import os, re, sys

root = os.environ["ROOT"]
layer = {"common": 0, "format": 1, "scap": 2, "probe": 2, "state": 3, "fields": 4,
         "filter": 5, "rules": 6, "outputs": 7, "fleet": 8, "record": 9, "replay": 9}
private = set(os.environ["PRIVATE"].split())
inc_re = re.compile(r'\s*#\s*include\s*"([^"]+)"')
edges = {}
bad = 0

def report(msg):
    global bad
    bad += 1
    print("VIOLATION: " + msg)

folders = sorted(d for d in os.listdir(root) if d in layer)
for d in sorted(os.listdir(root)):
    p = os.path.join(root, d)
    if (os.path.isdir(p) and d not in layer and d not in ("tests", "bench", "docs", "man",
            "dist", "scripts") and not d.startswith(".") and
            any(f.endswith((".c", ".h")) for f in os.listdir(p))):
        report("%s/: a folder of C code with no layer (add it to tests/e2e/layering.sh)" % d)
for d in folders:
    for name in sorted(os.listdir(os.path.join(root, d))):
        if not name.endswith((".c", ".h", ".def")):
            continue
        rel = d + "/" + name
        with open(os.path.join(root, rel), errors="replace") as f:
            lines = f.readlines()
        for no, line in enumerate(lines, 1):
            m = inc_re.match(line)
            if not m:
                continue
            inc = m.group(1)
            target = None
            for base in (d, ""):
                cand = os.path.normpath(os.path.join(base, inc))
                if os.path.exists(os.path.join(root, cand)):
                    target = cand
                    break
            if target is None:
                # generated: the probe skeleton and vmlinux.h in .output/
                if os.path.basename(inc) in ("sysrec.skel.h", "vmlinux.h"):
                    continue
                report("%s:%d: #include \"%s\" names no file" % (rel, no, inc))
                continue
            to = target.split("/")[0] if "/" in target else ""
            if to == d:
                continue
            if to not in layer:
                report("%s:%d: %s -> %s (%s): outside the product folders" % (rel, no, d, to or ".", inc))
                continue
            edges.setdefault((d, to), "%s:%d" % (rel, no))
            if layer[to] >= layer[d]:
                report("%s:%d: %s -> %s (%s): %s is not below %s" % (rel, no, d, to, inc, to, d))
            if to == "format" and os.path.basename(target) in private:
                report("%s:%d: %s -> %s: a private header of format/" % (rel, no, d, inc))
            elif target.endswith("_int.h"):
                report("%s:%d: %s -> %s: a private header of %s/" % (rel, no, d, inc, to))

# The ranks make a cycle impossible; look for one anyway, so a change to the
# table above cannot let one through.
graph = {}
for (a, b) in edges:
    graph.setdefault(a, set()).add(b)
state = {}
def visit(n, path):
    state[n] = 1
    for m in sorted(graph.get(n, ())):
        if state.get(m) == 1:
            cyc = path[path.index(m):] + [m] if m in path else [n, m]
            report("cycle %s (first edge at %s)" % (" -> ".join(cyc), edges[(n, m)]))
        elif not state.get(m):
            visit(m, path + [m])
    state[n] = 2
for n in sorted(graph):
    if not state.get(n):
        visit(n, [n])
for a in sorted(graph, key=lambda x: (layer.get(x, 99), x)):
    print("# %s -> %s" % (a, " ".join(sorted(graph[a], key=lambda x: (layer[x], x)))))
sys.exit(1 if bad else 0)
EOF
}

# ---- self-check: a copy of the tree with one break of each kind ----
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT
for d in common format scap probe state fields filter rules outputs fleet record replay; do
	mkdir -p "$TMP/$d" && cp "$d"/*.[ch] "$TMP/$d/" 2>/dev/null
	cp "$d"/*.def "$TMP/$d/" 2>/dev/null
done
printf '#include "../replay/rpl.h"\n' >>"$TMP/state/st_table.c"         # up, into replay/
printf '#include "../filter/flt.h"\n' >>"$TMP/fields/fld_extract.c"     # a cycle fields <-> filter
printf '#include "format/fmt_reader_int.h"\n' >>"$TMP/replay/rpl_util.c" # format/'s private header
printf '#include "../record/rec_live.h"\n' >>"$TMP/replay/rpl_run.c"   # record/ from replay/
printf '#include "nowhere.h"\n' >>"$TMP/rules/rule_set.c"                # names no file
printf '#include "../format/fmt_chunk.h"\n' >>"$TMP/fleet/fleet_fetch.c" # the layout, from fleet/
printf '#include "../rules/rule_int.h"\n' >>"$TMP/outputs/out_config.c"  # a folder's *_int.h
out=$(check "$TMP")
missed=""
for want in "state/st_table.c:[0-9]*: state -> replay" "fields/fld_extract.c:[0-9]*: fields -> filter" \
	"replay/rpl_util.c:[0-9]*: replay -> format/fmt_reader_int.h: a private" \
	"fleet/fleet_fetch.c:[0-9]*: fleet -> ../format/fmt_chunk.h: a private" \
	"outputs/out_config.c:[0-9]*: outputs -> ../rules/rule_int.h: a private header of rules/" \
	"replay/rpl_run.c:[0-9]*: replay -> record" "rules/rule_set.c:[0-9]*: #include \"nowhere.h\"" \
	"cycle "; do
	echo "$out" | grep -q "^VIOLATION: $want" || missed="$missed [$want]"
done
if [ -n "$missed" ]; then
	fail "$N/self_check" "the checker missed on a broken copy:$missed"
else
	pass "$N/self_check: a broken copy gives $(echo "$out" | grep -c '^VIOLATION') violations, each break found"
fi

# ---- the tree ----
out=$(check .)
rc=$?
echo "$out" | grep '^#'
if [ $rc -eq 0 ]; then
	pass "$N/tree: $(echo "$out" | grep -c '^#') folders include only folders below them, private headers stay inside their folder"
else
	echo "$out" | sed -n 's/^VIOLATION: //p' | while IFS= read -r v; do fail "$N/tree" "$v"; done
fi
