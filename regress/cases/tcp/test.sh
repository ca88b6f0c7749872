#!/bin/bash
# TCP framing: 200 pipelined queries in one write on one connection
# (synchronous whoami and asynchronous erratic), partial writes, idle
# timeout, big answers to a stalled reader (partial writes), clients that
# vanish with answers pending.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
AUTHORS=
for i in $(seq -w 1 20); do
	AUTHORS="$AUTHORS author$i-$(printf 'x%.0s' $(seq 1 191))"
done
cat >Corefile <<EOC
example.org:$PORT {
	bind 127.0.0.1
	whoami
}
.:$PORT {
	bind 127.0.0.1
	chaos v $AUTHORS
}
example.net:$PORT {
	bind 127.0.0.1
	erratic {
		delay 3 20ms
	}
}
EOC
start_coredns Corefile -workers 2 || done_testing
py "$CASE_DIR/idle.py" 127.0.0.1 "$PORT" &
idle=$!
bg_track $idle
py "$CASE_DIR/pipeline.py" 127.0.0.1 "$PORT" 200 whoami
sed 's/example\.org/example.net/g' "$CASE_DIR/pipeline.py" >pipeline_net.py
py pipeline_net.py 127.0.0.1 "$PORT" 200 erratic
py "$CASE_DIR/bigwrite.py" 127.0.0.1 "$PORT" 300
wait $idle
check_eq "$(q_status +tcp example.org)" NOERROR "still answering over TCP"
stop_coredns
done_testing
