#!/usr/bin/env bash
# scripts/deps.sh - installs Debian packages if any is missing (idempotent)
# usage: scripts/deps.sh build|test
set -eu
build_pkgs="build-essential autoconf automake libtool pkg-config libevent-dev
libldns-dev libssl-dev libsqlite3-dev libpq-dev libcurl4-openssl-dev
libjansson-dev libyaml-dev libcmocka-dev"
test_pkgs="$build_pkgs clang libclang-rt-14-dev clang-format bind9-dnsutils
knot-dnsutils ldnsutils python3-dnspython dnsperf curl procps iproute2
bind9utils groff-base pdns-server pdns-backend-sqlite3 sqlite3
postgresql pdns-backend-pgsql nsd knot"
case "${1:-build}" in
build) want=$build_pkgs ;;
test) want=$test_pkgs ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing:$missing"
$SUDO apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
