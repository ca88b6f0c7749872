#!/bin/bash
# regress/cases/sql_startup/test.sh - start-up of the sql plugin: bad
# Corefile lines (no DSN, unknown property, bad poll, ...) stop it with
# FILE:LINE; so does a SQLite file that does not exist (and none is left
# behind); an unmigrated PowerDNS store (SQLite from Debian's pdns
# schema file, and PostgreSQL) stops `coredns -conf` and `-validate` with
# a message naming `coredns-util db migrate`, a store newer than the
# program stops it too, and after the migration it serves. A PostgreSQL
# cluster that is down at start is no error: every name of the block gets
# SERVFAIL (nothing reaches the following whoami) and /ready is 503 "sql"
# until the cluster is started; then, within 15 s, the imported zone is
# served, other names go to whoami and /ready is 200.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/sql_changes/sqllib.sh"

sql_need_tools
SCHEMA=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
PGSCHEMA=/usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql
PORT=$(free_port) || exit 1

# refused FILE DESC REGEX: `coredns -conf FILE` and `coredns -validate
# -conf FILE` both exit non-zero (within 10 s) with a message matching REGEX
refused() {
	local f=$1 d=$2 re=$3 out rc mode
	for mode in start validate; do
		if [ $mode = start ]; then
			out=$(timeout 10 "$COREDNS" -conf "$f" 2>&1)
		else
			out=$(timeout 10 "$COREDNS" -validate -conf "$f" 2>&1)
		fi
		rc=$?
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then
			ok "$d: $mode exits non-zero ($rc)"
		else
			fail "$d: $mode exits non-zero" "exit status $rc" "$out"
		fi
		check_has "$out" "$re" "$d: $mode message"
		printf '%s\n' "$out" >refused.out
		sanitizer_check refused.out "$d: $mode: no sanitizer report"
	done
}

# ---- bad Corefile lines ----------------------------------------------------
sqlite3 good.db </dev/null
u sqlite:$PWD/good.db db init >/dev/null
bad() { # NAME BODY-LINES...: a Corefile whose sql directive is on line 3
	local n=$1
	shift
	{
		printf '.:%s {\n\tbind 127.0.0.1\n' "$PORT"
		printf '\t%s\n' "$@"
		printf '\twhoami\n}\n'
	} >"Corefile.$n"
}
bad nodsn "sql"
refused Corefile.nodsn "sql without a DSN" "Corefile\.nodsn:3 .*(argument|sql)"
bad prop "sql sqlite:$PWD/good.db {" "	bogus 1" "}"
refused Corefile.prop "unknown property" "Corefile\.prop:4 .*unknown property 'bogus'"
bad poll "sql sqlite:$PWD/good.db {" "	poll 5ms" "}"
refused Corefile.poll "poll below 10ms" "Corefile\.poll:4 .*poll.*5ms"
bad pollx "sql sqlite:$PWD/good.db {" "	poll often" "}"
refused Corefile.pollx "poll not a duration" "Corefile\.pollx:4 .*poll.*often"
bad pollargs "sql sqlite:$PWD/good.db {" "	poll" "}"
refused Corefile.pollargs "poll without a value" "Corefile\.pollargs:4 "
bad cache "sql sqlite:$PWD/good.db {" "	cache lots" "}"
refused Corefile.cache "bad cache capacity" "Corefile\.cache:4 .*cache.*lots"
bad twice "sql sqlite:$PWD/good.db" "sql sqlite:$PWD/good.db"
refused Corefile.twice "sql twice in a block" "Corefile\.twice:4 .*once"
bad zone "sql sqlite:$PWD/good.db bad..zone"
refused Corefile.zone "bad zone argument" "Corefile\.zone:3 .*bad\.\.zone"

# ---- a SQLite file that does not exist -------------------------------------
bad nofile "sql sqlite:$PWD/missing.db"
refused Corefile.nofile "SQLite file that does not exist" "Corefile\.nofile:3 .*coredns-util db init"
check_cmd "SQLite file that does not exist: start-up and -validate leave no file behind" \
    test ! -e missing.db

# ---- an unmigrated PowerDNS database (SQLite) --------------------------------
if [ -r "$SCHEMA" ]; then
	sqlite3 pdns.db <"$SCHEMA"
	sqlite3 pdns.db "INSERT INTO domains (name, type) VALUES ('p.test', 'NATIVE');
	    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
	      VALUES (1, 'p.test', 'SOA', 'ns1.p.test. hostmaster.p.test. 3 3600 600 86400 60', 300, 0, 0, 1),
	             (1, 'p.test', 'NS', 'ns1.p.test', 300, 0, 0, 1),
	             (1, 'www.p.test', 'A', '192.0.2.3', 300, 0, 0, 1);"
	cat >Corefile.pdns <<EOC
.:$PORT {
	bind 127.0.0.1
	sql sqlite:$PWD/pdns.db
}
EOC
	refused Corefile.pdns "[sqlite] unmigrated PowerDNS store" \
	    "Corefile\.pdns:3 .*coredns-util db migrate"
	check_cmd "[sqlite] coredns-util db migrate" u sqlite:$PWD/pdns.db db migrate
	START_DESC="[sqlite] migrated store: coredns starts" start_coredns Corefile.pdns &&
		{
			see 5 192.0.2.3 "[sqlite] migrated store: PowerDNS's zone served" \
			    short "$PORT" www.p.test A
			stop_coredns
		}
	# a store newer than the program
	sqlite3 pdns.db "UPDATE coredns_schema SET version = version + 100"
	refused Corefile.pdns "[sqlite] store newer than the program" \
	    "Corefile\.pdns:3 .*newer"
else
	fail "$SCHEMA present" "install pdns-backend-sqlite3"
fi

# ---- PostgreSQL ------------------------------------------------------------
BACKEND=pg
PGD=$(mktemp -d /tmp/pg.XXXXXX)
pg_new "$PGD" || done_testing
DSN=$PG_DSN
# an unmigrated PowerDNS database on the same cluster
if [ -r "$PGSCHEMA" ]; then
	RAW=${DSN/dbname=coredns_test/dbname=pdns_raw}
	sq "$DSN" "CREATE DATABASE pdns_raw" >/dev/null
	if psql "$RAW" -X -q -v ON_ERROR_STOP=1 -f "$PGSCHEMA" >>"$SQL_LOG" 2>&1; then
		cat >Corefile.pgraw <<EOC
.:$PORT {
	bind 127.0.0.1
	sql "$RAW"
}
EOC
		refused Corefile.pgraw "unmigrated PowerDNS store" \
		    "Corefile\.pgraw:3 .*coredns-util db migrate"
	else
		fail "PowerDNS schema loaded into pdns_raw" "$(tail -n 5 "$SQL_LOG")"
	fi
else
	fail "$PGSCHEMA present" "install pdns-backend-pgsql"
fi

# a store whose cluster is down when the server starts
cat >u.zone <<'EOF'
$ORIGIN u.test.
$TTL 300
@	IN SOA	ns1 hostmaster 40 3600 600 86400 60
@	NS	ns1
ns1	A	192.0.2.53
www	A	192.0.2.1
EOF
check_cmd "db init" u "$DSN" db init
check_cmd "zone import" u "$DSN" zone import u.zone u.test
pg_halt "$PGD"
if [ -f "$PGD/data/postmaster.pid" ]; then
	fail "cluster stopped before the server starts" "$(cat "$PGD/halt.log")"
else
	ok "cluster stopped before the server starts"
fi
RPORT=$(free_port) || exit 1
MPORT=$(free_port) || exit 1
cat >Corefile.down <<EOC
.:$PORT {
	bind 127.0.0.1
	ready 127.0.0.1:$RPORT
	prometheus 127.0.0.1:$MPORT
	sql "$DSN"
	whoami
}
EOC
# udp_srv NAME: "whoami" when whoami made the answer (its _udp SRV)
udp_srv() {
	if dq "$PORT" "$1" A | grep -q "^_udp\.$1\.[[:space:]]"; then
		echo whoami
	else
		echo no-whoami
	fi
}
out=$(timeout 10 "$COREDNS" -validate -conf Corefile.down 2>&1)
check_eq "$?" 0 "-validate with the cluster down: exit 0 (not an error)"
printf '%s\n' "$out" >validate.out
sanitizer_check validate.out "-validate with the cluster down: no sanitizer report"
if START_DESC="[pg] coredns starts with its cluster down" start_coredns Corefile.down; then
	ok "coredns starts with its cluster down"
	check_grep "$CD_LOG" "SERVFAIL until the store can be read" "the log says why"
	check_eq "$(rc_of "$PORT" www.u.test A)" SERVFAIL "a name of the stored zone: SERVFAIL"
	check_eq "$(rc_of "$PORT" other.example A)" SERVFAIL "any other name of the block: SERVFAIL"
	check_eq "$(udp_srv other.example)" no-whoami "nothing is passed to whoami"
	check_eq "$(hget "$RPORT" /ready)" "503 sql" "/ready: 503 naming sql"
	check_eq "$(mval "$MPORT" coredns_sql_zone_list_loaded)" 0 "zone_list_loaded 0"
	check_eq "$(mval "$MPORT" coredns_sql_store_up)" 0 "store_up 0"
	sleep 1
	check_eq "$(rc_of "$PORT" www.u.test A)" SERVFAIL "still SERVFAIL a second later"
	if pg_resume "$PGD"; then
		ok "cluster started"
	else
		fail "cluster started" "$(cat "$PGD/resume.log" "$PGD/postgres.log" | tail -n 20)"
	fi
	t0=$(now_ms)
	see 15 192.0.2.1 "the zone is served within 15 s of the cluster start" \
	    short "$PORT" www.u.test A
	echo "# served after ${SEEN_MS} ms"
	see 3 "200 OK" "/ready: 200 OK" hget "$RPORT" /ready
	check_eq "$(rc_of "$PORT" nx.u.test A)" NXDOMAIN "NXDOMAIN in the zone"
	check_eq "$(serial_of "$PORT" u.test)" 40 "the imported serial"
	check_eq "$(udp_srv other.example)" whoami "other names now go to whoami"
	check_eq "$(mval "$MPORT" coredns_sql_zone_list_loaded)" 1 "zone_list_loaded 1"
	check_eq "$(mval "$MPORT" coredns_sql_store_up)" 1 "store_up 1"
	check_eq "$(mval "$MPORT" coredns_sql_zones)" 1 "coredns_sql_zones 1"
	sq "$DSN" "UPDATE records SET content = '192.0.2.2' WHERE name = 'www.u.test'"
	see 5 192.0.2.2 "an edit is followed after the late start" short "$PORT" www.u.test A
	stop_coredns
fi
BACKEND=
done_testing
