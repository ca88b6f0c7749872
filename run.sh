#!/usr/bin/env bash
# run.sh - quick start: install build dependencies, build (optimised), and
# run the server in the foreground on its embedded default (zones/Corefile:
# whoami and chaos on 127.0.0.1:1053). Idempotent.
set -eu
cd "$(dirname "$0")"
scripts/deps.sh build
[ -x configure ] || ./autogen.sh
mkdir -p build
cd build
[ -f Makefile ] || ../configure CFLAGS='-O2 -g'
make -j"$(nproc)" server/coredns
exec ./server/coredns -conf ../zones/Corefile "$@"
