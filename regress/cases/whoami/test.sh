#!/bin/bash
# whoami over UDP and TCP, IPv4 and IPv6: the client address and source
# port come back in the additional section.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
PORT6=$(free_port) || exit 1
cat >Corefile <<EOC
example.org:$PORT {
	bind 127.0.0.1
	whoami
}
.:$PORT {
	bind 127.0.0.1
	whoami
}
EOC
start_coredns Corefile -workers 2 || done_testing
py "$CASE_DIR/whoami.py" 127.0.0.1 "$PORT" example.org.
py "$CASE_DIR/whoami.py" 127.0.0.1 "$PORT" www.Example.NET.

# a second daemon for IPv6, so an IPv6 problem does not hide IPv4 results
cat >Corefile6 <<EOC
example.org:$PORT6 {
	bind ::1
	whoami
}
EOC
pid4=$CD_PID
if WAIT_ADDR=::1 WAIT_PORT=$PORT6 CD_LOG=$PWD/coredns6.log \
    start_coredns Corefile6; then
	py "$CASE_DIR/whoami.py" ::1 "$PORT6" example.org.
	CD_LOG=$PWD/coredns6.log stop_coredns "$CD_PID"
fi

# dig sees the same shape
CD_PID=$pid4
out=$(q example.org A +norec)
check_has "$out" 'status: NOERROR' "dig: NOERROR"
check_has "$out" 'flags: qr aa;' "dig: flags qr aa"
check_has "$out" 'ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 3' "dig: counts (A, SRV, OPT)"
check_has "$out" '^example\.org\.[[:space:]]+0[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.1$' "dig: A record"
check_has "$out" '^_udp\.example\.org\.[[:space:]]+0[[:space:]]+IN[[:space:]]+SRV[[:space:]]+0 0 [0-9]+ \.$' "dig: SRV record"
stop_coredns
done_testing
