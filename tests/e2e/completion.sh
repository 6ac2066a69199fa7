#!/bin/bash
# dist/sysrec.bash-completion: sourced in bash, its functions complete
# sysreplay's commands, options and -f/-p field names, and sysrec's options,
# each taken from the binaries (so new commands and fields appear by
# themselves).
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay completion
[ -x "$BIN/sysrec" ] || { skip completion "no $BIN/sysrec"; exit 0; }
. dist/sysrec.bash-completion

# comp WORD...: completions of the last word, one line, sorted.
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	case $(basename "$1") in
	sysrec) _sysrec ;;
	*) _sysreplay ;;
	esac
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
# check NAME EXPECTED-REGEX WORD...
check() {
	local name=$1 want=$2 got
	shift 2
	got=$(comp "$@")
	if [[ " $got" =~ $want ]]; then pass "$name"; else fail "$name" "got '$got', want /$want/"; fi
}

cmds=$("$R" --help | sed -n '/^SYNOPSIS/,/^[A-Z]/s/^ *sysreplay \([a-z][a-z]*\).*/\1/p' | sort -u | tr '\n' ' ')
got=$(comp "$R" "")
miss=""
for c in $cmds; do [[ " $got" == *" $c "* ]] || miss="$miss $c"; done
if [ -n "$cmds" ] && [ -z "$miss" ] && [[ " $got" != *" reads "* ]]; then pass sysreplay_commands
else fail sysreplay_commands "got '$got', missing '$miss'"; fi
check sysreplay_command_prefix '^ alerts $' "$R" al
check events_long_options ' --filter .*--since .*--until ' "$R" events --
check alerts_options ' --priority ' "$R" alerts --pri
check priority_values '^ warning $' "$R" alerts --priority w
check filter_field '^ proc.name $' "$R" events -f proc.na
check filter_field_after_text '^ evt.type=open and fd.name ' "$R" events -f 'evt.type=open and fd.na'
check format_field '^ %proc.name %fd.name ' "$R" events -p '%proc.name %fd.na'
check fields_prefix '^ thread.tid ' "$R" fields thread.t
check sysrec_options ' --syscalls .*-w ' "$BIN/sysrec" -
check sysrec_command_after_dashes ' bash ' "$BIN/sysrec" -w x -- bas
check sysrec_keygen_command '^ keygen $' "$BIN/sysrec" keyg
check sysrec_keygen_options '^ --help -o $' "$BIN/sysrec" keygen -
# every field the catalog lists is offered after -f
n_cat=$("$R" fields | wc -l)
n_comp=$(comp "$R" events -f '' | wc -w)
if [ "$n_cat" -gt 100 ] && [ "$n_comp" -eq "$n_cat" ]; then pass all_fields_offered
else fail all_fields_offered "catalog $n_cat fields, completion offered $n_comp"; fi
