#!/bin/bash
# regress/cases/sql_changes/test.sh - the sql plugin follows changes made
# to the store while it runs, on SQLite and on PostgreSQL: raw INSERT,
# UPDATE and DELETE on PowerDNS's records table (sqlite3 / psql, the SOA
# left alone) are served within 5 s, each batch given exactly one serial
# step and one journal step by the serial steward (a multi-statement
# transaction is one batch; on PostgreSQL two transactions are two steps),
# the SOA row in SQL equals the served SOA; a one-record edit of a zone of
# 5000 records is applied from the journal (journal_applies_total grows,
# snapshot_rebuilds_total does not); a deleted name is NXDOMAIN, a name
# added two labels deep makes the names between empty non-terminals
# (NODATA), disabled rows are hidden, a zone INSERTed into domains appears and a deleted one goes to
# the next plugin (whoami); coredns-util rrset add/replace/delete while
# the server runs are served too; a row that does not parse is skipped
# (logged with its id, counted in coredns_sql_bad_rows) and the rest of
# its batch served.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/sql_changes/sqllib.sh"

sql_need_tools

# the small zone
cat >c.zone <<'EOF'
$ORIGIN c.test.
$TTL 300
@	IN SOA	ns1 hostmaster 100 3600 600 86400 60
@	NS	ns1
ns1	A	192.0.2.53
www	A	192.0.2.1
multi	A	192.0.2.11
multi	A	192.0.2.12
only	A	192.0.2.13
gone	A	192.0.2.14
gone	TXT	"bye"
EOF
# the big zone: SOA, NS, ns1 and 4997 more A records = 5000
{
	printf '$ORIGIN big.test.\n$TTL 300\n'
	printf '@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A 192.0.2.53\n'
	awk 'BEGIN { for (i = 1; i <= 4997; i++)
	    printf "h%d A 10.%d.%d.%d\n", i, int(i / 65536), int(i / 256) % 256, i % 256 }'
} >big.zone

soa_sql() { # DSN ZONE: the SOA row's "ttl content"
	sq "$1" "SELECT ttl || ' ' || content FROM records WHERE type = 'SOA' AND name = '$2'"
}
soa_served() { # PORT ZONE: "ttl content" of the served SOA
	dq "$1" +noall +answer "$2" SOA | awk '$4 == "SOA" {
	    printf "%s", $2; for (i = 5; i <= NF; i++) printf " %s", $i; print "" }'
}
jsteps() { # DSN ZONE: serial steps in the journal
	sq "$1" "SELECT count(DISTINCT j.serial_to) FROM coredns_journal j
	    JOIN domains d ON d.id = j.domain_id WHERE d.name = '$2'"
}

# stepped DESC: the served serial of c.test is $EXP, the journal has $JEXP
# steps and the SOA row in SQL is the served SOA
stepped() {
	check_eq "$(serial_of "$PORT" c.test)" "$EXP" "$1: served serial stepped exactly once (to $EXP)"
	check_eq "$(jsteps "$DSN" c.test)" "$JEXP" "$1: one journal step"
	check_eq "$(soa_sql "$DSN" c.test)" "$(soa_served "$PORT" c.test)" \
	    "$1: SOA row in SQL equals the served SOA"
}

# whoami_answered NAME: the answer came from whoami (its _udp SRV)
whoami_answered() {
	if dq "$PORT" "$1" A | grep -q "^_udp\.$1\.[[:space:]]"; then
		echo whoami
	else
		echo other
	fi
}

run() {
	local s n a0 a1 r0 r1 z0
	check_cmd "db init" u "$DSN" db init
	check_cmd "zone import c.test" u "$DSN" zone import c.zone c.test
	check_cmd "zone import big.test (5000 records)" u "$DSN" zone import big.zone big.test
	PORT=$(free_port) || exit 1
	MPORT=$(free_port) || exit 1
	cat >Corefile.$BACKEND <<EOC
.:$PORT {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
	sql "$DSN"
	whoami
}
EOC
	START_DESC="[$BACKEND] coredns started" start_coredns Corefile.$BACKEND || return 1
	see 5 "192.0.2.1" "www.c.test A served from the store" short "$PORT" www.c.test A
	check_eq "$(mval "$MPORT" coredns_sql_records)" 5009 "coredns_sql_records counts both zones"
	check_eq "$(soa_sql "$DSN" c.test)" "$(soa_served "$PORT" c.test)" \
	    "SOA row in SQL equals the served SOA at start"
	EXP=$(serial_of "$PORT" c.test)
	check_eq "$EXP" 100 "served serial is the imported one"
	JEXP=$(jsteps "$DSN" c.test)

	# ---- single statements --------------------------------------------------
	check_eq "$(rc_of "$PORT" ins.c.test A)" NXDOMAIN "ins.c.test: NXDOMAIN before the INSERT (now cached)"
	sq "$DSN" "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	    SELECT id, 'ins.c.test', 'A', '192.0.2.21', 300, 0, $F FROM domains WHERE name = 'c.test'"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "192.0.2.21" "INSERT seen by dig within 5 s" short "$PORT" ins.c.test A
	echo "# insert seen after ${SEEN_MS} ms"
	stepped "INSERT"

	sq "$DSN" "UPDATE records SET content = '192.0.2.22' WHERE name = 'ins.c.test' AND type = 'A'"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "192.0.2.22" "UPDATE seen by dig within 5 s" short "$PORT" ins.c.test A
	stepped "UPDATE"

	sq "$DSN" "UPDATE records SET ttl = 1234 WHERE name = 'www.c.test' AND type = 'A'"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "1234" "TTL-only UPDATE seen within 5 s" \
	    sh -c "dig @127.0.0.1 -p $PORT +time=2 +tries=1 +noall +answer www.c.test A | awk '{ print \$2 }'"
	stepped "TTL UPDATE"

	sq "$DSN" "DELETE FROM records WHERE name = 'ins.c.test'"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "NXDOMAIN" "DELETE of the only record: NXDOMAIN within 5 s" rc_of "$PORT" ins.c.test A
	stepped "DELETE"

	# ---- one batch: several edits in one transaction -------------------------
	sq "$DSN" "BEGIN;
	    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	      SELECT id, 'b1.c.test', 'A', '192.0.2.31', 300, 0, $F FROM domains WHERE name = 'c.test';
	    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	      SELECT id, 'b2.c.test', 'TXT', '\"batch\"', 300, 0, $F FROM domains WHERE name = 'c.test';
	    UPDATE records SET content = '192.0.2.2' WHERE name = 'www.c.test' AND type = 'A';
	    DELETE FROM records WHERE name = 'gone.c.test';
	    COMMIT;"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "192.0.2.31" "batch: new name seen within 5 s" short "$PORT" b1.c.test A
	check_eq "$(short "$PORT" b2.c.test TXT)" '"batch"' "batch: second insert served"
	check_eq "$(short "$PORT" www.c.test A)" "192.0.2.2" "batch: update served"
	check_eq "$(rc_of "$PORT" gone.c.test TXT)" NXDOMAIN "batch: deleted name (A and TXT) is NXDOMAIN"
	stepped "batch of 4 edits in one transaction"
	s=$(sq "$DSN" "SELECT count(*) FROM coredns_journal j JOIN domains d ON d.id = j.domain_id
	    WHERE d.name = 'c.test' AND j.serial_to = $EXP")
	check_eq "$s" 8 "batch: the step journals the SOA swap and the 6 record changes"

	if [ "$BACKEND" = pg ]; then
		# two committed transactions, one psql run: two steps
		sq "$DSN" "BEGIN;
		    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
		      SELECT id, 't1.c.test', 'A', '192.0.2.41', 300, 0, $F FROM domains WHERE name = 'c.test';
		    COMMIT;
		    BEGIN;
		    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
		      SELECT id, 't2.c.test', 'A', '192.0.2.42', 300, 0, $F FROM domains WHERE name = 'c.test';
		    UPDATE records SET content = '192.0.2.43' WHERE name = 't1.c.test';
		    COMMIT;"
		EXP=$((EXP + 2)) JEXP=$((JEXP + 2))
		see 5 "192.0.2.42" "two transactions: seen within 5 s" short "$PORT" t2.c.test A
		check_eq "$(short "$PORT" t1.c.test A)" "192.0.2.43" "two transactions: later update wins"
		stepped "two transactions (two steps)"
		check_eq "$(sq "$DSN" "SELECT content FROM coredns_journal j JOIN domains d ON d.id = j.domain_id
		    WHERE d.name = 'c.test' AND j.serial_to = $((EXP - 1)) AND j.type = 'A'")" \
		    "192.0.2.41" "two transactions: the first step journals the first one alone"
	fi

	# ---- empty non-terminals ---------------------------------------------
	sq "$DSN" "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	    SELECT id, 'a.b.deep.c.test', 'A', '192.0.2.51', 300, 0, $F FROM domains WHERE name = 'c.test'"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "192.0.2.51" "name two labels deep seen within 5 s" short "$PORT" a.b.deep.c.test A
	n=$(dq "$PORT" b.deep.c.test A)
	check_has "$n" "status: NOERROR" "ENT b.deep.c.test: NOERROR"
	check_has "$n" "ANSWER: 0, AUTHORITY: 1" "ENT b.deep.c.test: NODATA (no answer, SOA in authority)"
	check_eq "$(rc_of "$PORT" deep.c.test A)" NOERROR "ENT deep.c.test: NOERROR"
	check_eq "$(rc_of "$PORT" x.b.deep.c.test A)" NXDOMAIN "below the new name: NXDOMAIN"
	stepped "ENT insert"

	# ---- disabled rows ----------------------------------------------------
	sq "$DSN" "UPDATE records SET disabled = '1' WHERE name = 'multi.c.test' AND content = '192.0.2.11'"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "192.0.2.12" "disabled=1 on one row of an rrset hides it" short "$PORT" multi.c.test A
	stepped "disable one row"
	sq "$DSN" "UPDATE records SET disabled = '1' WHERE name = 'only.c.test'"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "NXDOMAIN" "disabled=1 on a name's only row: NXDOMAIN" rc_of "$PORT" only.c.test A
	sq "$DSN" "UPDATE records SET disabled = '0' WHERE name = 'multi.c.test'"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "192.0.2.11 192.0.2.12" "disabled=0 shows the row again" short "$PORT" multi.c.test A
	stepped "re-enable"

	# ---- a one-record edit of a 5000-record zone: journal, not rebuild ----
	a0=$(mval "$MPORT" coredns_sql_journal_applies_total)
	r0=$(mval "$MPORT" coredns_sql_snapshot_rebuilds_total)
	s=$(serial_of "$PORT" big.test)
	sq "$DSN" "UPDATE records SET content = '192.0.2.99' WHERE name = 'h4242.big.test'"
	see 5 "192.0.2.99" "big zone: one-record edit seen within 5 s" short "$PORT" h4242.big.test A
	echo "# big zone edit seen after ${SEEN_MS} ms"
	check_eq "$(serial_of "$PORT" big.test)" $((s + 1)) "big zone: one serial step"
	a1=$(mval "$MPORT" coredns_sql_journal_applies_total)
	r1=$(mval "$MPORT" coredns_sql_snapshot_rebuilds_total)
	check_match "$a0 -> $a1" "[0-9]+ -> [0-9]+" "journal_applies_total readable"
	if [ -n "$a0" ] && [ -n "$a1" ] && [ "$a1" -gt "$a0" ]; then
		ok "big zone: coredns_sql_journal_applies_total grew ($a0 -> $a1)"
	else
		fail "big zone: coredns_sql_journal_applies_total grew" "before: $a0" "after: $a1"
	fi
	check_eq "$r1" "$r0" "big zone: coredns_sql_snapshot_rebuilds_total unchanged"
	check_eq "$(short "$PORT" h4241.big.test A)" "10.0.16.145" "big zone: other records intact"

	# ---- one transaction over two zones: one step each -----------------------
	s=$(serial_of "$PORT" big.test)
	sq "$DSN" "BEGIN;
	    UPDATE records SET content = '192.0.2.98' WHERE name = 'h1.big.test';
	    UPDATE records SET content = '192.0.2.3' WHERE name = 'www.c.test' AND type = 'A';
	    COMMIT;"
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "192.0.2.98 192.0.2.3" "two zones in one transaction: both edits seen within 5 s" \
	    sh -c "echo \$(dig @127.0.0.1 -p $PORT +time=2 +tries=1 +short h1.big.test A) \
	    \$(dig @127.0.0.1 -p $PORT +time=2 +tries=1 +short www.c.test A)"
	check_eq "$(serial_of "$PORT" big.test)" $((s + 1)) "two zones in one transaction: big.test one step"
	stepped "two zones in one transaction: c.test"

	# ---- a zone created and deleted with raw SQL ------------------------------
	z0=$(mval "$MPORT" coredns_sql_zones)
	sq "$DSN" "BEGIN;
	    INSERT INTO domains (name, type) VALUES ('n.test', 'NATIVE');
	    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	      SELECT id, 'n.test', 'SOA', 'ns1.n.test. hostmaster.n.test. 7 3600 600 86400 60', 300, 0, $F
	      FROM domains WHERE name = 'n.test';
	    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	      SELECT id, 'n.test', 'NS', 'ns1.n.test.', 300, 0, $F FROM domains WHERE name = 'n.test';
	    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	      SELECT id, 'www.n.test', 'A', '192.0.2.61', 300, 0, $F FROM domains WHERE name = 'n.test';
	    COMMIT;"
	see 5 "192.0.2.61" "new zone from INSERT into domains: served within 5 s" short "$PORT" www.n.test A
	n=$(dq "$PORT" n.test SOA)
	check_has "$n" "flags: qr aa" "new zone: authoritative answer"
	check_has "$n" "SOA[[:space:]]+ns1\.n\.test\. hostmaster\.n\.test\. 7 " "new zone: its SOA"
	check_eq "$(mval "$MPORT" coredns_sql_zones)" $((z0 + 1)) "new zone: coredns_sql_zones + 1"
	sq "$DSN" "BEGIN;
	    DELETE FROM records WHERE domain_id = (SELECT id FROM domains WHERE name = 'n.test');
	    DELETE FROM domains WHERE name = 'n.test';
	    COMMIT;"
	see 5 whoami "deleted zone: queries go to the next plugin within 5 s" whoami_answered www.n.test
	check_eq "$(mval "$MPORT" coredns_sql_zones)" "$z0" "deleted zone: coredns_sql_zones back"
	check_eq "$(short "$PORT" www.c.test A)" "192.0.2.3" "other zones unaffected"

	# ---- coredns-util while the server runs ---------------------------------
	check_cmd "coredns-util rrset add" u "$DSN" rrset add c.test util A 300 192.0.2.71 192.0.2.72
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "192.0.2.71 192.0.2.72" "rrset add served within 5 s" short "$PORT" util.c.test A
	stepped "rrset add"
	check_cmd "coredns-util rrset replace" u "$DSN" rrset replace c.test util A 300 192.0.2.73
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 "192.0.2.73" "rrset replace served within 5 s" short "$PORT" util.c.test A
	stepped "rrset replace"
	check_cmd "coredns-util rrset delete" u "$DSN" rrset delete c.test util A
	EXP=$((EXP + 1)) JEXP=$((JEXP + 1))
	see 5 NXDOMAIN "rrset delete: NXDOMAIN within 5 s" rc_of "$PORT" util.c.test A
	stepped "rrset delete"

	# ---- a row that does not parse: skipped, counted, the rest served ---------
	sq "$DSN" "BEGIN;
	    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	      SELECT id, 'bad.c.test', 'A', 'not-an-address', 300, 0, $F FROM domains WHERE name = 'c.test';
	    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	      SELECT id, 'good.c.test', 'A', '192.0.2.81', 300, 0, $F FROM domains WHERE name = 'c.test';
	    COMMIT;"
	n=$(sq "$DSN" "SELECT id FROM records WHERE name = 'bad.c.test'")
	see 5 "192.0.2.81" "bad row: the good row of its batch served within 5 s" short "$PORT" good.c.test A
	check_eq "$(rc_of "$PORT" bad.c.test A)" NXDOMAIN "bad row: not served"
	check_eq "$(short "$PORT" www.c.test A)" "192.0.2.3" "bad row: the rest of the zone served"
	check_grep "$CD_LOG" "row id $n([^0-9]|$)" "bad row: logged with its id ($n)"
	check_eq "$(mval "$MPORT" coredns_sql_bad_rows)" 1 "bad row: coredns_sql_bad_rows 1"
	sq "$DSN" "BEGIN;
	    DELETE FROM records WHERE name = 'bad.c.test';
	    UPDATE records SET content = '192.0.2.82' WHERE name = 'good.c.test';
	    COMMIT;"
	see 5 "192.0.2.82" "bad row deleted: the batch served within 5 s" short "$PORT" good.c.test A
	check_eq "$(mval "$MPORT" coredns_sql_bad_rows)" 0 "bad row deleted: coredns_sql_bad_rows 0"
	check_eq "$(soa_sql "$DSN" c.test)" "$(soa_served "$PORT" c.test)" \
	    "bad row: SOA row in SQL equals the served SOA"

	check_eq "$(mval "$MPORT" coredns_sql_store_up)" 1 "store_up 1"
	check_eq "$(mval "$MPORT" coredns_sql_store_outages_total)" 0 "no outage"
	stop_coredns
}

BACKEND=sqlite
DSN=sqlite:$PWD/store.db
F=0
run

BACKEND=pg
PGD=$(mktemp -d /tmp/pg.XXXXXX)
if pg_new "$PGD"; then
	DSN=$PG_DSN
	F=false
	run
fi
BACKEND=
done_testing
