#!/bin/bash
# regress/cases/util_db/test.sh - coredns-util db: init, migrate, check
# (garbage content, trailing dot, upper case, CNAME beside data, listed
# with ids) and steward --once after raw SQL edits (one serial step);
# on SQLite and on PostgreSQL.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/util_common/backends.sh"

serial() {
	u zone show "$1" | sed -n 's/^serial: //p'
}

checks() {
	u zone list >/dev/null
	check_eq "$?" 1 "an empty database is refused"
	check_has "$("$UTIL" --db "$DSN" zone list 2>&1)" 'db (init|migrate)' \
	    "the refusal names the command"
	check_cmd "db init" u db init
	u db init >/dev/null
	check_eq "$?" 1 "db init twice fails with 1"
	check_has "$(u db migrate)" 'nothing to do' "db migrate on a current store"
	check_has "$(u db check)" 'no problem rows' "db check of an empty store"

	printf '@ 3600 IN SOA ns hm 100 1 1 1 1\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.2\n' >z.test.zone
	check_cmd "zone import" u zone import z.test.zone
	check_eq "$(serial z.test)" 100 "serial from the file"

	# ---- raw SQL edits, then one steward pass: one serial step ----------
	zid=$(sq "SELECT id FROM domains WHERE name = 'z.test'")
	sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	    VALUES ($zid, 'mail.z.test', 'A', '192.0.2.25', 300, 0, false);
	    UPDATE records SET content = '192.0.2.3' WHERE name = 'www.z.test';
	    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	    VALUES ($zid, 'txt.z.test', 'TXT', '\"hello\"', 300, 0, false);"
	check_has "$(u db steward --once)" '^1 zones' "steward --once: one zone"
	check_eq "$(serial z.test)" 101 "raw SQL edits: one serial step"
	check_eq "$(sq "SELECT count(DISTINCT serial_to) FROM coredns_journal
	    WHERE domain_id = $zid")" 1 "journal: one step"
	check_eq "$(sq "SELECT count(*) FROM coredns_journal WHERE domain_id = $zid
	    AND type <> 'SOA'")" 4 "journal: the 4 row changes"
	check_has "$(u db steward --once)" '^0 zones' "a second pass changes nothing"
	check_eq "$(serial z.test)" 101 "no change, no step"

	# ---- db check ----------------------------------------------------------
	check_has "$(u db check)" 'no problem rows' "db check of a clean store"
	sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	    VALUES ($zid, 'bad.z.test', 'A', 'not-an-address', 300, 0, false)"
	bad=$(sq "SELECT id FROM records WHERE name = 'bad.z.test'")
	sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	    VALUES ($zid, 'Upper.z.test', 'A', '192.0.2.9', 300, 0, false)"
	up=$(sq "SELECT id FROM records WHERE name = 'Upper.z.test'")
	# PowerDNS's PostgreSQL schema refuses upper case (c_lowercase_name)
	nlisted=5
	if [ "$BACKEND" = pg ]; then
		check_eq "$up" "" "upper-case name refused by the schema"
		nlisted=4
	fi
	sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	    VALUES ($zid, 'dot.z.test.', 'A', '192.0.2.10', 300, 0, false)"
	dot=$(sq "SELECT id FROM records WHERE name = 'dot.z.test.'")
	sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
	    VALUES ($zid, 'www.z.test', 'CNAME', 'ns.z.test', 300, 0, false)"
	cn=$(sq "SELECT id FROM records WHERE type = 'CNAME'")
	www=$(sq "SELECT id FROM records WHERE name = 'www.z.test' AND type = 'A'")
	out=$(u db check)
	check_eq "$?" 1 "db check with problem rows: exit 1"
	check_has "$out" "row id $bad \\(bad\\.z\\.test A\\): content does not parse" \
	    "garbage content listed with its id"
	[ -n "$up" ] &&
	    check_has "$out" "row id $up .*upper case" "upper-case name listed"
	check_has "$out" "row id $dot .*trailing dot" "trailing-dot name listed"
	check_has "$out" "row id $cn .*CNAME beside other data" "the CNAME listed"
	check_has "$out" "row id $www .*CNAME beside other data" "its neighbour listed"
	check_eq "$(printf '%s\n' "$out" | wc -l)" "$nlisted" "nothing else listed"
	check_cmd "the zone still exports" u zone export z.test

	# ---- command line ----------------------------------------------------
	for s in "" init migrate check steward; do
		out=$("$UTIL" db $s --help 2>&1)
		check_eq "$?:$(printf '%s\n' "$out" | head -1 | cut -c1-6)" "0:Usage:" \
		    "db $s --help"
	done
	check_eq "$("$UTIL" help db | head -1 | cut -c1-6)" "Usage:" "help db"
	"$UTIL" --db "$DSN" db >/dev/null 2>&1
	check_eq "$?" 2 "db without subcommand: exit 2"
	"$UTIL" --db "$DSN" db steward >/dev/null 2>&1
	check_eq "$?" 2 "db steward without --once: exit 2"
	"$UTIL" --db "$DSN" db init extra >/dev/null 2>&1
	check_eq "$?" 2 "db init with an argument: exit 2"
	"$UTIL" --db "nosuch:x" db check >/dev/null 2>&1
	check_eq "$?" 1 "unknown DSN: exit 1"

}

both checks
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports"
done_testing
