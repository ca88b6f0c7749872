#!/bin/bash
# regress/cases/sql_alloc/test.sh - no malloc per query on the worker
# threads while the sql plugin answers (hits, misses, NXDOMAIN, wildcard,
# CNAME, DNAME, referral; UDP and pipelined TCP), like the alloc case for
# whoami. The allocation counting needs the sanitizer build.
. "$REGRESS_DIR/lib.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
if [ ! -x "$UTIL" ]; then
	fail "coredns-util binary found" "not executable: $UTIL"
	done_testing
fi
DB=$PWD/a.db
check_cmd "db init" "$UTIL" --db "sqlite:$DB" db init
check_cmd "zone import alloc.test" "$UTIL" --db "sqlite:$DB" zone import "$CASE_DIR/alloc.test.zone" alloc.test
check_cmd "zone import other.test" "$UTIL" --db "sqlite:$DB" zone import "$CASE_DIR/other.test.zone" other.test

PORT=$(free_port) || exit 1
DPORT=$(free_port) || exit 1
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	sql sqlite:$DB
}
EOC
start_coredns Corefile -workers 2 -debug.addr "127.0.0.1:$DPORT" || done_testing
for i in $(seq 1 25); do
	[ "$(q_status www.alloc.test A)" = NOERROR ] && [ "$(q_status www.other.test A)" = NOERROR ] && break
	sleep 0.2
done
check_eq "$(q +short x.dn.alloc.test A | tail -n 1)" 198.51.100.2 "both zones loaded (DNAME into other.test answers)"
vars=$(py -c 'import rlib,sys; print(rlib.http_get("127.0.0.1", int(sys.argv[1]), "/debug/vars"))' "$DPORT")
check_has "$vars" '^coredns_sql_zones 2$' "debug/vars: coredns_sql_zones 2"
check_has "$vars" '^coredns_sql_cache_hits_total [0-9]+$' "debug/vars: coredns_sql_cache_hits_total"
check_has "$vars" '^coredns_debug_alloc_counting [01]$' "debug/vars: alloc_counting"
py "$CASE_DIR/alloc.py" 127.0.0.1 "$PORT" "$DPORT"
stop_coredns
done_testing
