#!/bin/bash
# erratic "delay 1 50ms" makes every query asynchronous (PL_ASYNC then
# request_resume): answers must still be right, over UDP and TCP, and
# many in flight at once.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
cat >Corefile <<EOC
example.org:$PORT {
	bind 127.0.0.1
	erratic {
		delay 1 50ms
	}
}
EOC
start_coredns Corefile -workers 2 || done_testing

for proto in +notcp +tcp; do
	out=$(q $proto example.org A +noall +answer +comments)
	check_has "$out" 'status: NOERROR' "delayed $proto: NOERROR"
	check_has "$out" '^example\.org\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.53$' \
	    "delayed $proto: A 192.0.2.53 TTL 3600"
done

# the delay is real: a query takes at least 50 ms
ms=$(q example.org A | sed -n 's/^;; Query time: \([0-9]*\) msec/\1/p')
if [ -n "$ms" ] && [ "$ms" -ge 45 ]; then
	ok "query is delayed (${ms} ms)"
else
	fail "query is delayed" "query time '${ms}' ms, expected >= 50"
fi

py "$CASE_DIR/concurrent.py" 127.0.0.1 "$PORT" 50

# several TCP queries pipelined on one connection, all delayed
out=$(kdig @127.0.0.1 -p "$PORT" +tcp +keepopen +time=3 +retry=0 +short \
    a.example.org A b.example.org AAAA c.example.org A 2>&1)
check_eq "$(echo "$out" | tr '\n' ' ')" "192.0.2.53 ::53 192.0.2.53 " \
    "kdig +keepopen: three delayed queries on one TCP connection"
py "$CASE_DIR/abandon.py" 127.0.0.1 "$PORT"
check_eq "$(q_status example.org A)" NOERROR "still answering afterwards"
stop_coredns
done_testing
