#!/bin/bash
# Wire-level robustness: malformed packets, short packets, QR=1, opcodes,
# EDNS versions; over UDP and TCP.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	whoami
}
EOC
start_coredns Corefile -workers 2 || done_testing
py "$CASE_DIR/wire.py" 127.0.0.1 "$PORT"
# dig agrees on BADVERS
check_has "$(q example.org +edns=1 +noednsnegotiation)" 'status: BADVERS' "dig +edns=1: BADVERS"
stop_coredns
done_testing
