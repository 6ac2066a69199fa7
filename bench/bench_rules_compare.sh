#!/bin/sh
# bench_rules_compare.sh: rule evaluation cost of the rules engine (fields/,
# filter/, rules/) at git revision BASE ("before") against the working
# tree's ("after"), side by side in one run,
# with everything else (format/, state/, bench/bench_rules.c) taken from the
# working tree so only the rules engine differs.
#
#   [BASE=rev] bench/bench_rules_compare.sh [EVENTS]      (default 1000000)
#
# BASE defaults to 13a0e53, the checkpoint before the rule-evaluation work.
#
# Rule sets: Falco's stable file ($REF/falco-rules/falco_rules.yaml) and
# BASE's rules/default (the same YAML for both engines), then the working
# tree's rules/default on the new engine. Two measures:
#   - ns/event added by rules (bench_rules, thread CPU time, best of 3);
#     noisy on a shared machine, so both engines run alternately, twice;
#   - instructions per event inside rule_set_match + fld_ctx_reset
#     (valgrind --tool=callgrind, 200000 events): exact and repeatable.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${REF:-$(dirname "$root")/shared/reference}
n=${1:-1000000}
base=${BASE:-13a0e53}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rules-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for v in before after; do
	mkdir -p "$tmp/$v"
	(cd "$root" && tar cf - --exclude=./.output --exclude=./.git --exclude=./bin .) |
		tar -C "$tmp/$v" -xf -
done
rm -rf "$tmp/before/rules" "$tmp/before/fields" "$tmp/before/filter"
git -C "$root" archive "$base" rules | tar -C "$tmp/before" -xf -
# BASE kept fields and filters in rules/: lay them out as the tree does now
mkdir -p "$tmp/before/fields" "$tmp/before/filter"
mv "$tmp/before/rules"/fld* "$tmp/before/fields/"
mv "$tmp/before/rules"/flt* "$tmp/before/filter/"
mkdir -p "$tmp/yaml"
git -C "$root" archive "$base" rules/default | tar -C "$tmp/yaml" -xf -
for v in before after; do
	make -s -C "$tmp/$v" .output/bench/bench_rules >/dev/null 2>&1 ||
		{ echo "build of $v failed" >&2; exit 1; }
done

stable="$ref/falco-rules/falco_rules.yaml"
olddef="$tmp/yaml/rules/default"
newdef="$root/rules/default"

echo "== ns/event added by rule evaluation (bench_rules -n $n -k 3; lower is better)"
printf '%-34s %12s %12s\n' "rule set" "before" "after"
for set in stable olddef; do
	eval file=\$$set
	[ -e "$file" ] || continue
	for round in 1 2; do
		b=$("$tmp/before/.output/bench/bench_rules" -n "$n" -k 3 -r "$file" | awk '/^full/ {print $NF}')
		a=$("$tmp/after/.output/bench/bench_rules" -n "$n" -k 3 -r "$file" | awk '/^full/ {print $NF}')
		printf '%-34s %12s %12s\n' "$set (round $round)" "$b" "$a"
	done
done
a=$("$tmp/after/.output/bench/bench_rules" -n "$n" -k 3 -r "$newdef" | awk '/^full/ {print $NF}')
printf '%-34s %12s %12s\n' "new rules/default" "-" "$a"

command -v valgrind >/dev/null || { echo "(no valgrind: instruction counts skipped)"; exit 0; }
echo
echo "== instructions per event in rule_set_match + fld_ctx_reset (callgrind, 200000 events)"
printf '%-34s %12s %12s\n' "rule set" "before" "after"
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
		--toggle-collect=rule_set_match --toggle-collect=fld_ctx_reset \
		"$1" -n 200000 -k 1 -r "$2" 2>&1 | awk '/Collected/ {printf "%.0f", $4 / 200000}'
}
for set in stable olddef; do
	eval file=\$$set
	[ -e "$file" ] || continue
	printf '%-34s %12s %12s\n' "$set" "$(ir "$tmp/before/.output/bench/bench_rules" "$file")" \
		"$(ir "$tmp/after/.output/bench/bench_rules" "$file")"
done
printf '%-34s %12s %12s\n' "new rules/default" "-" "$(ir "$tmp/after/.output/bench/bench_rules" "$newdef")"
