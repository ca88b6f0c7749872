#!/bin/bash
# regress/cases/sql_outage/test.sh - the sql plugin keeps answering from
# memory while its store is unavailable. PostgreSQL: the cluster is
# stopped under a query loop (no query fails), coredns_sql_store_up goes
# to 0 and store_outages_total to 1; the cluster is started again on the
# same data dir, an edit made with psql is served within 15 s and
# store_up is 1 again; the outage is logged once. Then the changes missed
# while disconnected: with the cluster up, the database is closed to new
# connections (ALTER DATABASE ... ALLOW_CONNECTIONS false) and the
# server's backends are terminated; a psql session opened before makes
# an edit while the server is kept out (its reconnects refused, logged;
# store_up stays 0, a second outage logged and counted); once connections
# are allowed again the edit is stepped once and served within 10 s,
# with "store reachable again" logged; no query of a loop over all this
# fails. SQLite: another process holds BEGIN EXCLUSIVE for
# 10 s (with an edit inside) under a query loop (no query fails); after
# the release its edit and a new one are served.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/sql_changes/sqllib.sh"

sql_need_tools

zonefile() { # ZONE: a small zone
	cat <<EOF
\$ORIGIN $1.
\$TTL 300
@	IN SOA	ns1 hostmaster 10 3600 600 86400 60
@	NS	ns1
ns1	A	192.0.2.53
www	A	192.0.2.1
EOF
}

# loop_start TAG: query loop on www.$ZONE in the background
loop_start() {
	rm -f "stop.$1" "loop.$1"
	py "$CASE_DIR/loop.py" "$PORT" "www.$ZONE" 192.0.2.1 "$PWD/stop.$1" 60 \
	    "$PWD/loop.$1" >"loop.$1.log" 2>&1 &
	LOOP_PID=$!
	bg_track "$LOOP_PID"
}
# loop_end TAG DESC: stops the loop; no query may have failed
loop_end() {
	local i total failed
	touch "stop.$1"
	for i in $(seq 1 50); do
		[ -f "loop.$1" ] && break
		sleep 0.1
	done
	wait "$LOOP_PID" 2>/dev/null
	if [ ! -f "loop.$1" ]; then
		fail "$2: query loop finished" "$(cat "loop.$1.log")"
		return
	fi
	read -r total failed <"loop.$1"
	echo "# $2: $total queries, $failed failed"
	if [ "$failed" = 0 ]; then
		ok "$2: every query answered with the loaded data ($total queries)"
	else
		fail "$2: every query answered with the loaded data" \
		    "$failed of $total failed; first ones:" "$(tail -n +2 "loop.$1")"
	fi
	if [ "$total" -ge 100 ]; then
		ok "$2: the loop ran ($total queries)"
	else
		fail "$2: the loop ran" "only $total queries"
	fi
}

# ---- PostgreSQL: the cluster goes away and comes back --------------------
BACKEND=pg
ZONE=o.test
PGD=$(mktemp -d /tmp/pg.XXXXXX)
if pg_new "$PGD"; then
	DSN=$PG_DSN
	zonefile $ZONE >o.zone
	check_cmd "db init" u "$DSN" db init
	check_cmd "zone import" u "$DSN" zone import o.zone $ZONE
	PORT=$(free_port) || exit 1
	MPORT=$(free_port) || exit 1
	cat >Corefile.pg <<EOC
.:$PORT {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
	sql "$DSN"
}
EOC
	if START_DESC="[pg] coredns started" start_coredns Corefile.pg; then
		see 5 192.0.2.1 "zone served" short "$PORT" www.$ZONE A
		check_eq "$(mval "$MPORT" coredns_sql_store_up)" 1 "store_up 1 at start"
		check_eq "$(mval "$MPORT" coredns_sql_store_outages_total)" 0 "outages_total 0 at start"
		s0=$(serial_of "$PORT" $ZONE)
		loop_start pg
		sleep 0.5
		pg_halt "$PGD"
		if [ -f "$PGD/data/postmaster.pid" ]; then
			fail "cluster stopped" "$(cat "$PGD/halt.log")"
		else
			ok "cluster stopped (data dir kept)"
		fi
		see 10 0 "store_up becomes 0" mval "$MPORT" coredns_sql_store_up
		check_eq "$(mval "$MPORT" coredns_sql_store_outages_total)" 1 "outages_total 1"
		sleep 2 # reconnect attempts meanwhile
		check_eq "$(short "$PORT" www.$ZONE A)" 192.0.2.1 "answered while the store is down"
		check_eq "$(rc_of "$PORT" nx.$ZONE A)" NXDOMAIN "NXDOMAIN from memory while down"
		check_eq "$(mval "$MPORT" coredns_sql_store_up)" 0 "store_up still 0 after 2 s"
		check_eq "$(mval "$MPORT" coredns_sql_store_outages_total)" 1 \
		    "outages_total still 1 (reconnect attempts are not outages)"
		if pg_resume "$PGD"; then
			ok "cluster started again on the same data dir"
		else
			fail "cluster started again on the same data dir" \
			    "$(cat "$PGD/resume.log" "$PGD/postgres.log" | tail -n 20)"
		fi
		check_cmd "psql edit after the restart" sq "$DSN" \
		    "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
		    SELECT id, 'new.$ZONE', 'A', '192.0.2.77', 300, 0, false FROM domains WHERE name = '$ZONE'"
		see 15 192.0.2.77 "edit served within 15 s of the restart" short "$PORT" new.$ZONE A
		echo "# edit seen after ${SEEN_MS} ms"
		see 5 1 "store_up 1 again" mval "$MPORT" coredns_sql_store_up
		check_eq "$(mval "$MPORT" coredns_sql_store_outages_total)" 1 "outages_total still 1"
		check_eq "$(serial_of "$PORT" $ZONE)" $((s0 + 1)) "the edit got one serial step"
		check_eq "$(sq "$DSN" "SELECT content FROM records WHERE type = 'SOA'")" \
		    "$(dq "$PORT" +short $ZONE SOA)" "SOA row equals the served SOA"
		loop_end pg "outage"
		OUTAGE_RE='store unreachable \(.*\); answering from the zones in memory'
		check_eq "$(grep -Ec "$OUTAGE_RE" "$CD_LOG")" 1 "the outage logged once"

		# ---- the database up, the server kept out: changes missed meanwhile ----
		ADMIN=${DSN/dbname=coredns_test/dbname=postgres}
		s1=$(serial_of "$PORT" $ZONE)
		coproc HOLD { psql "$DSN" -X -q -A -t -v ON_ERROR_STOP=1 2>>"$SQL_LOG"; }
		bg_track "$HOLD_PID"
		hpid=
		printf 'SELECT pg_backend_pid();\n' >&"${HOLD[1]}"
		read -r -t 5 hpid <&"${HOLD[0]}"
		check_match "$hpid" '[0-9]+' "a psql session held open on the database"
		loop_start block
		sleep 0.5
		n=$(sq "$ADMIN" "ALTER DATABASE coredns_test ALLOW_CONNECTIONS false;
		    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		    WHERE datname = 'coredns_test' AND pid <> ${hpid:-0}")
		check_match "$n" '[1-9][0-9]*' \
		    "database closed to new connections, the server's backends terminated ($n)"
		see 10 0 "store_up becomes 0" mval "$MPORT" coredns_sql_store_up
		check_eq "$(mval "$MPORT" coredns_sql_store_outages_total)" 2 "outages_total 2"
		r=
		printf '%s\n' "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
		    SELECT id, 'missed.$ZONE', 'A', '192.0.2.78', 300, 0, false FROM domains
		    WHERE name = '$ZONE'; SELECT 'committed';" >&"${HOLD[1]}"
		read -r -t 5 r <&"${HOLD[0]}"
		check_eq "$r" committed "an edit committed while the server is kept out"
		sleep 2 # reconnect attempts meanwhile
		check_eq "$(mval "$MPORT" coredns_sql_store_up)" 0 "still kept out 2 s later"
		check_grep "$CD_LOG" 'cannot open the store: .*not currently accepting connections' \
		    "the refused reconnect is logged"
		check_eq "$(rc_of "$PORT" missed.$ZONE A)" NXDOMAIN "answers from memory meanwhile"
		check_cmd "connections allowed again" sq "$ADMIN" \
		    "ALTER DATABASE coredns_test ALLOW_CONNECTIONS true"
		see 10 192.0.2.78 "the edit missed while disconnected is served within 10 s" \
		    short "$PORT" missed.$ZONE A
		echo "# missed edit seen after ${SEEN_MS} ms"
		see 5 1 "store_up 1 again" mval "$MPORT" coredns_sql_store_up
		check_eq "$(serial_of "$PORT" $ZONE)" $((s1 + 1)) "the missed edit got one serial step"
		check_eq "$(sq "$DSN" "SELECT content FROM records WHERE type = 'SOA'")" \
		    "$(dq "$PORT" +short $ZONE SOA)" "SOA row equals the served SOA"
		check_eq "$(grep -Ec "$OUTAGE_RE" "$CD_LOG")" 2 "the second outage logged once"
		check_eq "$(grep -c 'store reachable again' "$CD_LOG")" 2 \
		    "\"store reachable again\" logged after each outage"
		exec {HOLD[1]}>&-
		wait "$HOLD_PID" 2>/dev/null
		loop_end block "kept out"
		stop_coredns
	fi
fi

# ---- SQLite: another process holds the write lock for 10 s -----------------
BACKEND=sqlite
ZONE=l.test
DB=$PWD/l.db
DSN=sqlite:$DB
zonefile $ZONE >l.zone
check_cmd "db init" u "$DSN" db init
check_cmd "zone import" u "$DSN" zone import l.zone $ZONE
PORT=$(free_port) || exit 1
MPORT=$(free_port) || exit 1
cat >Corefile.sqlite <<EOC
.:$PORT {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
	sql $DSN
}
EOC
if START_DESC="[sqlite] coredns started" start_coredns Corefile.sqlite; then
	see 5 192.0.2.1 "zone served" short "$PORT" www.$ZONE A
	s0=$(serial_of "$PORT" $ZONE)
	loop_start sqlite
	py - "$DB" "$PWD/locked" >locker.log 2>&1 <<'EOF' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=5, isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
db.execute("INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled) "
           "SELECT id, 'inlock.l.test', 'A', '192.0.2.88', 300, 0, 0 FROM domains "
           "WHERE name = 'l.test'")
open(sys.argv[2], "w").close()
time.sleep(10)
db.execute("COMMIT")
print("released")
EOF
	LOCK_PID=$!
	bg_track "$LOCK_PID"
	for i in $(seq 1 50); do
		[ -f locked ] && break
		sleep 0.1
	done
	check_cmd "EXCLUSIVE lock taken by another process" test -f locked
	t0=$(now_ms)
	if sqlite3 -cmd ".timeout 200" "$DB" "UPDATE records SET ttl = 301 WHERE name = 'www.l.test'" \
	    >/dev/null 2>&1; then
		fail "the lock is held: another writer gets SQLITE_BUSY"
	else
		ok "the lock is held: another writer gets SQLITE_BUSY"
	fi
	sleep 3
	check_eq "$(short "$PORT" www.$ZONE A)" 192.0.2.1 "answered while locked"
	check_eq "$(rc_of "$PORT" inlock.$ZONE A)" NXDOMAIN "the uncommitted edit is not served"
	for i in $(seq 1 150); do
		kill -0 "$LOCK_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$LOCK_PID"
	check_eq "$?" 0 "the lock holder committed and exited"
	echo "# lock held for $(($(now_ms) - t0)) ms after the first check"
	see 5 192.0.2.88 "the edit made under the lock served within 5 s of the release" \
	    short "$PORT" inlock.$ZONE A
	check_cmd "sqlite3 edit after the release" sq "$DSN" \
	    "UPDATE records SET content = '192.0.2.89' WHERE name = 'inlock.$ZONE'"
	see 5 192.0.2.89 "a new edit served within 5 s" short "$PORT" inlock.$ZONE A
	check_eq "$(serial_of "$PORT" $ZONE)" $((s0 + 2)) "two serial steps (lock batch, new edit)"
	check_eq "$(sq "$DSN" "SELECT content FROM records WHERE type = 'SOA'")" \
	    "$(dq "$PORT" +short $ZONE SOA)" "SOA row equals the served SOA"
	see 5 1 "store_up 1" mval "$MPORT" coredns_sql_store_up
	loop_end sqlite "lock"
	stop_coredns
fi
BACKEND=
done_testing
