#!/bin/bash
# Where the default rules come from (rules/rule_default.c): a binary copied
# away from the tree uses the copy compiled into it; an installed layout
# ($P/bin + $P/share/sysrec/rules) and SYSREC_RULES_DIR take precedence.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay rules_default
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
FIX=tests/fixtures/shell_by_server.sysrec
unset SYSREC_RULES_DIR

"$R" alerts "$FIX" >"$T/tree.out" 2>"$T/tree.err" || { fail tree "alerts in the tree failed: $(head -1 "$T/tree.err")"; exit 0; }
[ -s "$T/tree.out" ] || { fail tree "no alert from the tree's default rules"; exit 0; }

# A copy with no rules directory anywhere near it.
mkdir -p "$T/copy"
cp "$R" "$T/copy/sysreplay"
if "$T/copy/sysreplay" alerts "$FIX" >"$T/copy.out" 2>"$T/copy.err"; then
	if cmp -s "$T/tree.out" "$T/copy.out"; then pass copied_binary_builtin_rules
	else fail copied_binary_builtin_rules "alerts differ from the tree's: $(diff "$T/tree.out" "$T/copy.out" | head -3)"; fi
else
	fail copied_binary_builtin_rules "exit $?: $(head -1 "$T/copy.err")"
fi
n_tree=$(grep -o '[0-9]* rules loaded' "$T/tree.err")
n_copy=$(grep -o '[0-9]* rules loaded' "$T/copy.err")
if [ -n "$n_tree" ] && [ "$n_tree" = "$n_copy" ]; then pass copied_binary_rule_count
else fail copied_binary_rule_count "tree '$n_tree', copy '$n_copy'"; fi

# An installed layout: PREFIX/share/sysrec/rules beside PREFIX/bin wins over
# the built-in copy (an administrator may edit it).
mkdir -p "$T/p/bin" "$T/p/share/sysrec/rules"
cp "$R" "$T/p/bin/sysreplay"
cat >"$T/p/share/sysrec/rules/only.yaml" <<'Y'
- rule: Installed rule
  desc: any execve
  condition: evt.type = execve
  output: installed %proc.name
  priority: NOTICE
Y
"$T/p/bin/sysreplay" alerts "$FIX" >"$T/inst.out" 2>"$T/inst.err"
if grep -q '^.*Notice installed ' "$T/inst.out" && grep -q '(.* 1 rules loaded)' "$T/inst.err"; then
	pass installed_layout_rules
else
	fail installed_layout_rules "$(head -2 "$T/inst.out") / $(tail -1 "$T/inst.err")"
fi

# SYSREC_RULES_DIR before everything.
mkdir -p "$T/env"
sed 's/Installed rule/Env rule/; s/installed %/env %/' "$T/p/share/sysrec/rules/only.yaml" >"$T/env/e.yaml"
SYSREC_RULES_DIR="$T/env" "$T/p/bin/sysreplay" alerts "$FIX" >"$T/env.out" 2>"$T/env.err"
if grep -q 'Notice env ' "$T/env.out" && ! grep -q 'installed' "$T/env.out"; then pass env_dir_first
else fail env_dir_first "$(head -2 "$T/env.out") / $(tail -1 "$T/env.err")"; fi
