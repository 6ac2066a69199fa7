#!/bin/bash
# scap_export_sysdig: every recorded fixture converts to .scap, Debian's
# sysdig 0.29.3 opens the result, and it lists the same syscalls as
# `sysreplay events` lists on the .sysrec.
#
#   ours:   sysreplay events -p '%evt.rawtime %evt.type %thread.tid %evt.rawres' F.sysrec
#   theirs: sysdig -r F.scap -p '*%evt.rawtime %evt.type %thread.tid %evt.rawres %evt.arg.ID'
#           'evt.dir=<'          (one exit event per syscall we list)
# Both lists are sorted by (time, thread) and compared line by line.
#
# Intended differences, normalised before comparing:
#  - Records that are not syscalls (procexec, procfork, procexit: the
#    recorder's process lifecycle records) have no scap event: left out of
#    ours.
#  - Syscalls exported as scap generic events (sysdig shows evt.arg.ID):
#    sysdig 0.29.3's generic exit event has no return value, so their result
#    is compared as "-" on both sides.
#  - Syscalls that never return (exit, exit_group) have only an enter event
#    there; enter-only records here (result <NA>: a syscall still running
#    when the capture ended) have none either: both left out of ours.
#  - Names: syscalls recorded without a decoder are typed "syscall" by
#    sysreplay, and syscalls sysdig 0.29.3 does not know (statx,
#    memfd_create) are "<unknown>" there: such lines compare their time,
#    thread and result only. sysdig calls umount2 "umount".
# The snapshot's fd types sysdig 0.29.3 does not know (bpf, io_uring, ...)
# are written as "unsupported" fds (see fdtype_for_sysdig in scap_writer.c):
# without that sysdig refuses the whole file ("wrong fd type 17").
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay scap_export_sysdig
if ! command -v sysdig >/dev/null; then
	skip scap_export_sysdig "sysdig not installed"
	exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for f in tests/fixtures/*.sysrec; do
	name=$(basename "$f" .sysrec)
	t="scap_export_sysdig/$name"
	if ! "$R" convert "$f" "$TMP/$name.scap" 2>"$TMP/err"; then
		fail "$t" "convert: $(head -1 "$TMP/err")"
		continue
	fi
	if ! sysdig -r "$TMP/$name.scap" -p '*%evt.rawtime %evt.type %thread.tid %evt.rawres %evt.arg.ID' \
		'evt.dir=<' >"$TMP/theirs.raw" 2>"$TMP/err"; then
		fail "$t" "sysdig refuses the export: $(grep -v '^$' "$TMP/err" | head -1)"
		continue
	fi
	"$R" events -p '%evt.rawtime %evt.type %thread.tid %evt.rawres' "$f" >"$TMP/ours.raw" ||
		{ fail "$t" "sysreplay events failed"; continue; }
	# theirs: "ts type tid res" with res "-" for generic events; the generic
	# times go to a side file so ours can normalise the same events.
	awk '$5 != "<NA>" { print $1 > "'"$TMP/generic"'"; $4 = "-" } { print $1, $2, $3, $4 }' \
		"$TMP/theirs.raw" | sort >"$TMP/theirs"
	touch "$TMP/generic"
	awk 'FNR == NR { g[$1] = 1; next }
	     $2 == "procexec" || $2 == "procfork" || $2 == "procexit" { next }
	     $2 == "exit" || $2 == "exit_group" { next }
	     $4 == "<NA>" { next }
	     { if ($1 in g) $4 = "-"; print }' "$TMP/generic" "$TMP/ours.raw" | sort >"$TMP/ours"
	# names either side cannot give: the other side's name for the same event
	awk 'FNR == NR { ty[$1 " " $3] = $2; next }
	     { k = $1 " " $3; if ($2 == "umount2") $2 = "umount" }
	     k in ty && ($2 == "syscall" || ty[k] == "<unknown>") { $2 = ty[k] } { print }' \
		"$TMP/theirs" "$TMP/ours" | sort >"$TMP/ours.n"
	rm -f "$TMP/generic"
	n=$(wc -l <"$TMP/ours.n")
	if [ "$n" -gt 0 ] && cmp -s "$TMP/ours.n" "$TMP/theirs"; then
		pass "$t ($n syscalls)"
	else
		fail "$t" "$(diff "$TMP/theirs" "$TMP/ours.n" | grep -c '^[<>]') lines differ of $n (< sysdig, > ours)"
		diff "$TMP/theirs" "$TMP/ours.n" | grep '^[<>]' | head -5 | sed 's/^/    /'
	fi
done
