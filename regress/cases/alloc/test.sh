#!/bin/bash
# No malloc per query on the worker threads once warm (whoami over UDP and
# pipelined TCP), and the /debug/vars endpoint.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
DPORT=$(free_port) || exit 1
cat >Corefile <<EOC
example.org:$PORT {
	bind 127.0.0.1
	whoami
}
EOC
start_coredns Corefile -workers 2 -debug.addr "127.0.0.1:$DPORT" || done_testing
vars=$(py -c 'import rlib,sys; print(rlib.http_get("127.0.0.1", int(sys.argv[1]), "/debug/vars"))' "$DPORT")
check_has "$vars" '^coredns_debug_workers 2$' "debug/vars: 2 workers"
check_has "$vars" '^coredns_debug_worker_allocs_total\{worker="1"\} [0-9]+$' "debug/vars: allocs_total per worker"
check_has "$vars" '^coredns_debug_worker_queries_total\{worker="0"\} [0-9]+$' "debug/vars: queries_total per worker"
check_has "$vars" '^coredns_debug_reloads_total\{result="ok"\} 0$' "debug/vars: reloads ok 0"
check_has "$vars" '^coredns_debug_alloc_counting [01]$' "debug/vars: alloc_counting"
py "$CASE_DIR/alloc.py" 127.0.0.1 "$PORT" "$DPORT"
stop_coredns
done_testing
