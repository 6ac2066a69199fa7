#!/bin/bash
# What every start of sysrec and sysreplay loads: not libcurl or librdkafka
# (and the thirty libraries they bring), which only webhook and Kafka
# outputs need and which outputs/out_dl.c loads when one opens. The outputs
# tests (outputs_http, outputs_https, outputs_kafka) show they still work.
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/lib.inc
N=startup_libs
command -v ldd >/dev/null || { skip $N "no ldd"; exit 0; }
for b in sysrec sysreplay; do
	[ -x "$BIN/$b" ] || { skip "$N: $b" "not built"; continue; }
	libs=$(ldd "$BIN/$b" 2>&1)
	n=$(echo "$libs" | wc -l)
	if echo "$libs" | grep -Eq 'libcurl|librdkafka|libssh2|libldap'; then
		fail "$N: $b" "links $(echo "$libs" | grep -Eo 'lib(curl|rdkafka|ssh2|ldap)[^ ]*' | tr '\n' ' ')"
	else
		pass "$N: $b starts with $n libraries, none of the webhook/Kafka clients"
	fi
done

# Without the library, such an output is refused at start (exit 2, naming
# the library), not retried for ever: libcurl and librdkafka hidden behind
# /dev/null in a mount namespace of this test's own.
F=tests/fixtures/benign.sysrec
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null || ! command -v ldconfig >/dev/null; then
	skip "$N: missing library" "needs root and unshare -m"
	exit 0
fi
for o in "--alert-http http://127.0.0.1:9/ libcurl" "--alert-kafka 127.0.0.1:9 librdkafka"; do
	set -- $o
	out=$(unshare -m sh -c 'for f in $(ldconfig -p | grep -E "lib(curl(-gnutls)?|rdkafka)\.so" | sed "s/.*=> //"); do
		mount --bind /dev/null "$(readlink -f "$f")" || exit 9; done
		"$0" alerts "$1" "$2" "$3"' "$BIN/sysreplay" "$1" "$2" "$F" 2>&1)
	rc=$?
	[ $rc = 2 ] && echo "$out" | grep -q "$3 (.*) is not installed" &&
		pass "$N: $1 without $3: refused at start (exit 2)" ||
		fail "$N: $1 without $3" "exit $rc: $out"
done
