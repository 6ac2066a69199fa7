#!/bin/bash
# Container events of sysdig/Falco captures (libsinsp's container JSON
# events) fill the container table on .scap replay, survive a conversion to
# .sysrec (as CONTAINERINFO) and back, and the exported .scap is read by
# sysdig with the same names and images.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
need_replay convert_containers
S=$REF/scap/falco_psp_run_as_user_0_container.scap
[ -f "$S" ] || { skip convert_containers "no $S"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fmt='%container.id %container.name %container.image %container.type %container.image.repository %container.image.tag'
want="697956520d89 hopeful_taussig nginx docker nginx latest"

got=$("$R" events -p "$fmt" -f 'container.id != host' "$S" | sort -u)
if [ "$got" = "$want" ]; then pass convert_containers/scap_import
else fail convert_containers/scap_import "got '$got'"; fi

"$R" convert "$S" "$tmp/a.sysrec" && "$R" convert "$tmp/a.sysrec" "$tmp/b.scap" ||
	{ fail convert_containers/convert "conversion failed"; exit 0; }
got=$("$R" events -p "$fmt" -f 'container.id != host' "$tmp/a.sysrec" | sort -u)
if [ "$got" = "$want" ]; then pass convert_containers/sysrec_keeps_containers
else fail convert_containers/sysrec_keeps_containers "got '$got'"; fi

if command -v sysdig >/dev/null; then
	got=$(sysdig -r "$tmp/b.scap" -p "$fmt" 'container.id != host' 2>/dev/null | sort -u)
	if [ "$got" = "$want" ]; then pass convert_containers/sysdig_reads_export
	else fail convert_containers/sysdig_reads_export "sysdig shows '$got'"; fi
else
	skip convert_containers/sysdig_reads_export "sysdig not installed"
fi

# an old capture whose container events name the image only: repository and
# tag are split from it
S2=$REF/scap/sysdiginspect_502Error.scap
if [ -f "$S2" ]; then
	got=$("$R" events -p '%container.name %container.image.repository %container.image.tag' \
		-f 'container.id = 59fd49aa4072' -n 1 "$S2")
	if [ "$got" = "example2_lb_1 dockercloud/haproxy <NA>" ]; then
		pass convert_containers/old_container_events
	else
		fail convert_containers/old_container_events "got '$got'"
	fi
fi
