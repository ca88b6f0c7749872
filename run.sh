#!/usr/bin/env bash
# run.sh - quick start: install build dependencies, build (optimised),
# create build/coredns.db (SQLite) with the example zones of zones/, and
# run the server in the foreground on zones/Corefile (whoami and chaos on
# 127.0.0.1:1053; the sql plugin that serves the store comes next).
# Idempotent.
set -eu
cd "$(dirname "$0")"
scripts/deps.sh build
[ -x configure ] || ./autogen.sh
mkdir -p build
cd build
[ -f Makefile ] || ../configure CFLAGS='-O2 -g'
make -j"$(nproc)" server/coredns utils/coredns-util
# the store with the example zones (re-running imports only differences)
db=sqlite:$PWD/coredns.db
[ -f coredns.db ] || ./utils/coredns-util --db "$db" db init
./utils/coredns-util --db "$db" zone import ../zones/example.org.zone example.org
./utils/coredns-util --db "$db" zone import \
	../zones/2.0.192.in-addr.arpa.zone 2.0.192.in-addr.arpa
exec ./server/coredns -conf ../zones/Corefile "$@"
