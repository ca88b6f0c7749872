#!/usr/bin/env bash
# run.sh - quick start: install build dependencies, build (optimised),
# create build/coredns.db (SQLite) with the example zones of zones/, and
# run the server in the foreground on zones/Corefile (the example zones
# from the store with the sql plugin on 127.0.0.1:1053; metrics on
# 127.0.0.1:9153, /health on :8080, /ready on :8181). Idempotent.
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
if [ -f coredns.db ]; then
	./utils/coredns-util --db "$db" db migrate
else
	./utils/coredns-util --db "$db" db init
fi
./utils/coredns-util --db "$db" zone import ../zones/example.org.zone example.org
./utils/coredns-util --db "$db" zone import \
	../zones/2.0.192.in-addr.arpa.zone 2.0.192.in-addr.arpa
exec ./server/coredns -conf ../zones/Corefile "$@"
