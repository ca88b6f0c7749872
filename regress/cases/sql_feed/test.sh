#!/bin/bash
# regress/cases/sql_feed/test.sh - the sql plugin's change feed and its
# `poll` interval.
# PostgreSQL with `poll 30s`, so the fallback tick cannot be what makes
# an edit visible: the loader does not tick while idle (the steward pass
# counter stays put for 3 s), a connection of the server is LISTENing on
# channel coredns, and a raw psql INSERT, UPDATE, DELETE and a zone
# INSERTed into domains are each served within 2 s (LISTEN/NOTIFY wakes
# the loader), each stepped once by the steward.
# SQLite with `poll 3s`: the loader ticks about every 3 s (steward passes
# over 6.5 s: 1 to 3, where the default 250ms gives ~26); an edit made
# right after a tick (seen on coredns_sql_steward_passes_total, polled
# every 50 ms) is not served for at least 1 s, and is served within 5 s
# (the next tick, ~3 s later) - twice.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/sql_changes/sqllib.sh"

sql_need_tools

zonefile() { # ZONE
	cat <<EOF
\$ORIGIN $1.
\$TTL 300
@	IN SOA	ns1 hostmaster 10 3600 600 86400 60
@	NS	ns1
ns1	A	192.0.2.53
www	A	192.0.2.1
gone	A	192.0.2.2
EOF
}
passes() {
	mval "$MPORT" coredns_sql_steward_passes_total
}

# ---- PostgreSQL: LISTEN/NOTIFY, the poll 30 s away ----------------------------
BACKEND=pg
PGD=$(mktemp -d /tmp/pg.XXXXXX)
if pg_new "$PGD"; then
	DSN=$PG_DSN
	zonefile f.test >f.zone
	check_cmd "db init" u "$DSN" db init
	check_cmd "zone import f.test" u "$DSN" zone import f.zone f.test
	PORT=$(free_port) || exit 1
	MPORT=$(free_port) || exit 1
	cat >Corefile.pg <<EOC
.:$PORT {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
	sql "$DSN" {
		poll 30s
	}
}
EOC
	if START_DESC="[pg] coredns started" start_coredns Corefile.pg; then
		see 5 192.0.2.1 "zone served" short "$PORT" www.f.test A
		see 5 1 "steward" mval "$MPORT" coredns_sql_steward
		s0=$(serial_of "$PORT" f.test)
		sleep 1 # the start-up ticks (first serial recorded) settle
		p0=$(passes)
		sleep 3
		p1=$(passes)
		if [ -n "$p0" ] && [ -n "$p1" ] && [ $((p1 - p0)) -le 1 ]; then
			ok "poll 30s: no loader tick while idle (steward passes $p0 -> $p1 in 3 s)"
		else
			fail "poll 30s: no loader tick while idle" "steward passes $p0 -> $p1 in 3 s"
		fi
		check_has "$(sq "$DSN" "SELECT query FROM pg_stat_activity
		    WHERE datname = current_database() AND pid <> pg_backend_pid()")" \
		    '^LISTEN coredns;?$' "a server connection LISTENs on channel coredns"

		sq "$DSN" "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
		    SELECT id, 'new.f.test', 'A', '192.0.2.10', 300, 0, false FROM domains WHERE name = 'f.test'"
		see 2 192.0.2.10 "INSERT served within 2 s (poll is 30 s)" short "$PORT" new.f.test A
		echo "# insert seen after ${SEEN_MS} ms"
		sq "$DSN" "UPDATE records SET content = '192.0.2.11' WHERE name = 'www.f.test'"
		see 2 192.0.2.11 "UPDATE served within 2 s (poll is 30 s)" short "$PORT" www.f.test A
		echo "# update seen after ${SEEN_MS} ms"
		sq "$DSN" "DELETE FROM records WHERE name = 'gone.f.test'"
		see 2 NXDOMAIN "DELETE served within 2 s (poll is 30 s)" rc_of "$PORT" gone.f.test A
		echo "# delete seen after ${SEEN_MS} ms"
		check_eq "$(serial_of "$PORT" f.test)" $((s0 + 3)) "three edits, three serial steps"
		check_eq "$(sq "$DSN" "SELECT content FROM records WHERE type = 'SOA' AND name = 'f.test'")" \
		    "$(dq "$PORT" +short f.test SOA)" "SOA row equals the served SOA"
		zonefile g.test >g.zone
		sq "$DSN" "BEGIN;
		    INSERT INTO domains (name, type) VALUES ('g.test', 'NATIVE');
		    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
		      SELECT id, 'g.test', 'SOA', 'ns1.g.test. hostmaster.g.test. 5 3600 600 86400 60', 300, 0, false
		      FROM domains WHERE name = 'g.test';
		    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
		      SELECT id, 'www.g.test', 'A', '192.0.2.20', 300, 0, false FROM domains WHERE name = 'g.test';
		    COMMIT;"
		see 2 192.0.2.20 "a zone INSERTed into domains served within 2 s (poll is 30 s)" \
		    short "$PORT" www.g.test A
		echo "# new zone seen after ${SEEN_MS} ms"
		check_eq "$(mval "$MPORT" coredns_sql_zones)" 2 "coredns_sql_zones 2"
		stop_coredns
	fi
fi

# ---- SQLite: poll 3s -----------------------------------------------------------
BACKEND=sqlite
DSN=sqlite:$PWD/f.db
zonefile f.test >f.zone
check_cmd "db init" u "$DSN" db init
check_cmd "zone import f.test" u "$DSN" zone import f.zone f.test
PORT=$(free_port) || exit 1
MPORT=$(free_port) || exit 1
cat >Corefile.sqlite <<EOC
.:$PORT {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
	sql $DSN {
		poll 3s
	}
}
EOC

# after_tick: waits (at most 5 s) until the loader has just made a
# steward pass, i.e. ticked; false if it did not
after_tick() {
	local p0 p end
	p0=$(passes)
	end=$(($(now_ms) + 5000))
	while [ "$(now_ms)" -lt "$end" ]; do
		p=$(passes)
		[ -n "$p" ] && [ -n "$p0" ] && [ "$p" -gt "$p0" ] && return 0
		sleep 0.05
	done
	return 1
}

# edit_after_tick N: right after a tick, sets www's address to 192.0.2.3N
# and measures when it is served: not within 1 s, within 5 s
edit_after_tick() {
	local a=192.0.2.3$1 t0 got seen=
	if ! after_tick; then
		fail "edit $1: a loader tick observed within 5 s"
		return
	fi
	sq "$DSN" "UPDATE records SET content = '$a' WHERE name = 'www.f.test'"
	t0=$(now_ms)
	while [ $(($(now_ms) - t0)) -lt 6000 ]; do
		got=$(short "$PORT" www.f.test A)
		if [ "$got" = "$a" ]; then
			seen=$(($(now_ms) - t0))
			break
		fi
		sleep 0.1
	done
	echo "# edit $1 made right after a tick, seen after ${seen:-never} ms"
	if [ -n "$seen" ] && [ "$seen" -ge 1000 ]; then
		ok "edit $1 right after a tick: not served within 1 s (poll 3s; ${seen} ms)"
	else
		fail "edit $1 right after a tick: not served within 1 s (poll 3s)" \
		    "seen after ${seen:-never} ms"
	fi
	if [ -n "$seen" ] && [ "$seen" -le 5000 ]; then
		ok "edit $1 right after a tick: served within 5 s"
	else
		fail "edit $1 right after a tick: served within 5 s" "seen after ${seen:-never} ms"
	fi
}

if START_DESC="[sqlite] coredns started" start_coredns Corefile.sqlite; then
	see 5 192.0.2.1 "zone served" short "$PORT" www.f.test A
	see 5 1 "steward" mval "$MPORT" coredns_sql_steward
	p0=$(passes)
	sleep 6.5
	p1=$(passes)
	if [ -n "$p0" ] && [ -n "$p1" ] && [ $((p1 - p0)) -ge 1 ] && [ $((p1 - p0)) -le 3 ]; then
		ok "poll 3s: 1 to 3 loader ticks in 6.5 s (steward passes $p0 -> $p1)"
	else
		fail "poll 3s: 1 to 3 loader ticks in 6.5 s" "steward passes $p0 -> $p1"
	fi
	s0=$(serial_of "$PORT" f.test)
	edit_after_tick 1
	edit_after_tick 2
	check_eq "$(serial_of "$PORT" f.test)" $((s0 + 2)) "two edits, two serial steps"
	stop_coredns
fi
BACKEND=
done_testing
