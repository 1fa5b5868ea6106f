#!/bin/sh
# Installs the Debian packages spoor needs to build, test and benchmark.
# Idempotent: asks apt only for what dpkg says is missing, and runs
# apt-get update only when something must be installed.
set -eu

PKGS="build-essential cmake pkg-config
libsqlite3-dev libjansson-dev libpcre2-dev libssl-dev libedit-dev
libcmocka-dev procps passwd python3 hyperfine time
openssh-client iproute2 kmod dmidecode
libmagic-dev libcap-dev attr e2fsprogs file libcap2-bin
libcurl4-openssl-dev openssl pciutils usbutils pci.ids usb.ids
libip4tc-dev iptables libaugeas-dev augeas-lenses augeas-tools"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing:$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
