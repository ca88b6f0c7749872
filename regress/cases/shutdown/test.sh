#!/bin/bash
# SIGTERM / SIGINT while delayed (asynchronous) answers are in flight: they
# are still answered, the daemon exits 0 and then stops listening; it can
# be restarted on the same port at once (TIME_WAIT connections left behind).
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
cat >Corefile <<EOC
example.org:$PORT {
	bind 127.0.0.1
	erratic {
		delay 1 400ms
	}
}
EOC
for sig in TERM INT; do
	rm -f ready
	: >coredns.log
	if [ "$sig" = INT ]; then
		# the SIGTERM round left server-side TCP connections in
		# TIME_WAIT on $PORT: restarting must still work (SO_REUSEADDR)
		tw=$(ss -Htan state time-wait "( sport = :$PORT )" 2>/dev/null | wc -l)
		echo "# TIME_WAIT sockets on port $PORT: $tw"
	fi
	if [ "$sig" = TERM ]; then
		start_coredns Corefile -workers 2 -pidfile "$PWD/pid" || done_testing
	elif START_DESC="restart on the same port right after a shutdown" \
	    start_coredns Corefile -workers 2 -pidfile "$PWD/pid"; then
		ok "restart on the same port right after a shutdown"
	else
		echo "# (the restart above is the check; SIGINT round on a new port)"
		old=$PORT
		PORT=$(free_port) || exit 1
		sed -i "s/:$old /:$PORT /" Corefile
		start_coredns Corefile -workers 2 -pidfile "$PWD/pid" || done_testing
	fi
	py "$CASE_DIR/inflight.py" 127.0.0.1 "$PORT" 30 5 "$PWD/ready" &
	client=$!
	bg_track $client
	for i in $(seq 1 50); do [ -e ready ] && break; sleep 0.1; done
	t0=$(date +%s%N)
	stop_coredns "$CD_PID" $sig
	t1=$(date +%s%N)
	wait $client
	check_eq "$?" 0 "SIG$sig: client saw every answer"
	ms=$(((t1 - t0) / 1000000))
	if [ "$ms" -lt 5000 ]; then ok "SIG$sig: exit within 5 s (${ms} ms)"; else fail "SIG$sig: exit within 5 s" "${ms} ms"; fi
	check_grep coredns.log '^\[INFO\] Shutting down$' "SIG$sig: logs Shutting down"
	if [ -e pid ]; then fail "SIG$sig: pidfile removed"; else ok "SIG$sig: pidfile removed"; fi
	if tcp_open 127.0.0.1 "$PORT"; then
		fail "SIG$sig: port closed after exit"
	else
		ok "SIG$sig: port closed after exit"
	fi
done
done_testing
