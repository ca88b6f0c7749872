#!/bin/bash
# erratic: drop / truncate / error / delay counters and their order, over
# UDP and TCP, and the bare "erratic" (as CoreDNS: drops every second query).
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
cat >Corefile <<EOC
(b) {
	bind 127.0.0.1
}
drop3.test:$PORT {
	import b
	erratic {
		drop 3
	}
}
trunc2.test:$PORT {
	import b
	erratic {
		truncate
	}
}
err2.test:$PORT {
	import b
	erratic {
		error
	}
}
delay2.test:$PORT {
	import b
	erratic {
		delay 2 500ms
	}
}
mix.test:$PORT {
	import b
	erratic {
		drop 6
		error 3
		delay 2 500ms
		truncate 4
	}
}
plain.test:$PORT {
	import b
	erratic {
		drop 0
	}
}
bare.test:$PORT {
	import b
	erratic
}
. {
	import b
	chaos
}
EOC
start_coredns Corefile -workers 2 -p "$PORT" || done_testing
py "$CASE_DIR/erratic.py" 127.0.0.1 "$PORT"

# bare erratic: as CoreDNS, every second query is dropped (drop 2)
n=0
for i in 1 2 3 4; do
	[ "$(q_status +time=1 b$i.bare.test A)" = NOERROR ] && n=$((n + 1))
done
check_eq "$n" 2 "bare erratic answers every other query (drop 2, as CoreDNS)"
stop_coredns
done_testing
