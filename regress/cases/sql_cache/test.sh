#!/bin/bash
# regress/cases/sql_cache/test.sh - the sql plugin's packet cache: hits
# counted in coredns_sql_cache_hits_total, a hit is the miss's answer
# (ID and the question's case excepted) and the cache-less block's
# answer, DO / EDNS make their own entries, a raw SQL UPDATE is served
# within 5 s (the old entries stop matching), `cache 0` disables it.
# Also: RD/CD and QCLASS are the query's on a hit, a TC answer is not
# what TCP gets, and answers that used another zone (additional A of an
# MX target there, a CNAME into a zone created later) do not go stale.
# The client's buffer class (EDNS size below 1232, below 4096, 4096 and
# up) is part of the key: 512, 1232 and 4096 each miss once and then
# hit their own entry, and a TC answer for 512 is never what a larger
# buffer gets. `cache 4` with one worker (capacity.py): 100 names asked
# twice and once more: answers right, entries <= 4, evictions counted.
. "$REGRESS_DIR/lib.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
if [ ! -x "$UTIL" ]; then
	fail "coredns-util binary found" "not executable: $UTIL"
	done_testing
fi
DB=$PWD/c.db
ULOG=$PWD/util.log
: >"$ULOG"
check_cmd "db init" "$UTIL" --db "sqlite:$DB" db init
check_cmd "zone import cache.test" "$UTIL" --db "sqlite:$DB" zone import "$CASE_DIR/cache.test.zone" cache.test
check_cmd "zone import other.test" "$UTIL" --db "sqlite:$DB" zone import "$CASE_DIR/other.test.zone" other.test

PORT=$(free_port) || exit 1
PORT2=$(free_port) || exit 1
MPORT=$(free_port) || exit 1
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
	sql sqlite:$DB
}
.:$PORT2 {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
	sql sqlite:$DB {
		cache 0
	}
}
EOC
# one worker: every query meets the same per-worker cache
start_coredns Corefile -workers 1 || done_testing
for i in $(seq 1 25); do
	[ "$(q_status www.cache.test A)" = NOERROR ] && break
	sleep 0.2
done
check_eq "$(q_status www.cache.test A)" NOERROR "cache.test loaded"
mt=$(curl -s -m 5 "http://127.0.0.1:$MPORT/metrics")
check_has "$mt" '^coredns_sql_cache_capacity [1-9][0-9]*$' "cache capacity exported"

py "$CASE_DIR/cache.py" "$PORT" "$PORT2" "$MPORT" "$DB" "$UTIL" "$CASE_DIR/later.test.zone"

# the same seen with dig: +dnssec and plain answers differ only in DO
a=$(q +norec edit.cache.test A +dnssec)
b=$(q +norec edit.cache.test A)
check_has "$a" '^; EDNS: version: 0, flags: do;' "dig +dnssec: do in the answer"
check_has "$b" '^; EDNS: version: 0, flags:;' "dig without +dnssec: no do in the answer"

stop_coredns

# ---- a cache far smaller than the working set: capacity, evictions -----------
PORT=$(free_port) || exit 1
MPORT=$(free_port) || exit 1
cat >Corefile.small <<EOC
.:$PORT {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
	sql sqlite:$DB {
		cache 4
	}
}
EOC
start_coredns Corefile.small -workers 1 || done_testing
for i in $(seq 1 25); do
	[ "$(q_status www.cache.test A)" = NOERROR ] && break
	sleep 0.2
done
py "$CASE_DIR/capacity.py" "$PORT" "$MPORT"
stop_coredns
done_testing
