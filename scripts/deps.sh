#!/bin/sh
# Installs what sysrec needs to build and test, from Debian/Ubuntu packages.
# Quick when everything is present: one dpkg query, no network.
set -e
PKGS="build-essential clang llvm libbpf-dev libelf-dev zlib1g-dev libzstd-dev zstd \
libyaml-dev libedit-dev libcjson-dev libssl-dev pkg-config tmux sysdig hyperfine chromium \
podman runc docker.io containerd busybox-static \
libcurl4-openssl-dev libnats-dev librdkafka-dev libmicrohttpd-dev nats-server clang-format"
case "$(uname -m)" in
x86_64 | aarch64) PKGS="$PKGS libclang-rt-dev" ;;
esac
# bpftool: its own package on Debian 12; part of linux-tools elsewhere.
if ! command -v bpftool >/dev/null 2>&1 && [ ! -x /usr/sbin/bpftool ]; then
	if apt-cache show bpftool >/dev/null 2>&1; then PKGS="$PKGS bpftool"; else
		PKGS="$PKGS linux-tools-common linux-tools-generic"; fi
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# sysdig, hyperfine and nats-server are reference/benchmark/test peers only; chromium is the report test's
# browser, podman, runc, docker.io, containerd and busybox-static the container tests': their absence must not
# stop a build.
core=""; optional=""
for p in $missing; do
	case "$p" in
	sysdig | hyperfine | tmux | clang-format | chromium | podman | runc | busybox-static | nats-server | docker.io | containerd) optional="$optional $p" ;;
	*) core="$core $p" ;;
	esac
done
[ -n "$core" ] && $SUDO apt-get install -y -qq --no-install-recommends $core
if [ -n "$optional" ]; then
	$SUDO apt-get install -y -qq --no-install-recommends $optional ||
		echo "deps: optional packages not installed:$optional (tests that need them skip)"
fi
