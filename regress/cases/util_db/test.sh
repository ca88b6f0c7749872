#!/bin/bash
# regress/cases/util_db/test.sh - coredns-util db: init, migrate, check
# (garbage content, trailing dot, upper case, CNAME beside data, listed
# with ids) and steward --once after raw SQL edits (one serial step);
# their refusals are one line naming the store (no log line of the
# store's beside); on SQLite and on PostgreSQL. Then SQLite files only:
# --db beats COREDNS_DB beats ./coredns.db (the file written is checked),
# and a missing file is created by db init only.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/util_common/backends.sh"

serial() {
	u zone show "$1" | sed -n 's/^serial: //p'
}

# where DESC: the error line left in ERR (one_error) names the store
where() {
	if [[ $ERR == *"$DSN"* ]]; then
		ok "$1: the error names the store"
	else
		fail "$1: the error names the store" "no '$DSN' in: $ERR"
	fi
}

checks() {
	u zone list >/dev/null
	check_eq "$?" 1 "an empty database is refused"
	check_has "$("$UTIL" --db "$DSN" zone list 2>&1)" 'db (init|migrate)' \
	    "the refusal names the command"
	# SQLite: no file yet (see files below); PostgreSQL: an empty database
	one_error "db migrate without PowerDNS tables" \
	    'create (it|a store) with coredns-util db init' db migrate
	where "db migrate without PowerDNS tables"
	check_cmd "db init" u db init

	# ---- errors are one line: what and where, no store log line -------
	one_error "db init twice" \
	    '^coredns-util db: .*: already a store \(schema version [0-9]+\), not created again$' \
	    db init
	where "db init twice"
	v=$(sq "SELECT version FROM coredns_schema")
	sq "UPDATE coredns_schema SET version = 99"
	one_error "db migrate on a store newer than the program" \
	    "^coredns-util db: .*: schema version 99 is newer than this program's $v: upgrade coredns-util\$" \
	    db migrate
	where "db migrate on a newer store"
	one_error "zone list on a newer store" \
	    "^coredns-util zone: .*: the store has schema version 99, newer than this program's $v" \
	    zone list
	where "zone list on a newer store"
	sq "UPDATE coredns_schema SET version = $v"
	check_has "$(u db migrate)" 'nothing to do' "schema version put back"
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

# ---- SQLite files: which one is written, and none made by mistake ------
files() {
	local d=$PWD/files c n
	BACKEND=sqlite
	mkdir -p "$d/cwd" "$d/none"
	sqlite3 "$d/none.db" "SELECT 1" >/dev/null # an empty database
	zones() { # zones FILE: the zone names in that SQLite file
		sqlite3 "$1" "SELECT name FROM domains ORDER BY name" 2>&1 |
		    tr '\n' ' '
	}

	# the store is --db, else $COREDNS_DB, else sqlite:coredns.db in the
	# current directory: each command below writes a zone, and only the
	# file it names gets it
	(cd "$d/cwd" && env -u COREDNS_DB "$UTIL" db init &&
	    env -u COREDNS_DB "$UTIL" zone create dflt.test) >/dev/null 2>>"$ULOG"
	check_eq "$(zones "$d/cwd/coredns.db")" "dflt.test " \
	    "no --db, no COREDNS_DB: ./coredns.db written"
	(cd "$d/cwd" && COREDNS_DB= "$UTIL" zone create empty.test) \
	    >/dev/null 2>>"$ULOG"
	check_eq "$(zones "$d/cwd/coredns.db")" "dflt.test empty.test " \
	    "an empty COREDNS_DB counts as unset"
	(cd "$d/cwd" && COREDNS_DB=sqlite:$d/env.db "$UTIL" db init &&
	    COREDNS_DB=sqlite:$d/env.db "$UTIL" zone create env.test) \
	    >/dev/null 2>>"$ULOG"
	check_eq "$(zones "$d/env.db")|$(zones "$d/cwd/coredns.db")" \
	    "env.test |dflt.test empty.test " \
	    "COREDNS_DB beats the default: only its file written"
	(cd "$d/cwd" && COREDNS_DB=sqlite:$d/env.db "$UTIL" \
	    --db "sqlite:$d/flag.db" db init &&
	    COREDNS_DB=sqlite:$d/env.db "$UTIL" --db "sqlite:$d/flag.db" \
	    zone create flag.test &&
	    COREDNS_DB=sqlite:$d/env.db "$UTIL" --db="sqlite:$d/flag.db" \
	    zone create flag2.test) >/dev/null 2>>"$ULOG"
	check_eq "$(zones "$d/flag.db")|$(zones "$d/env.db")|$(zones "$d/cwd/coredns.db")" \
	    "flag.test flag2.test |env.test |dflt.test empty.test " \
	    "--db (and --db=) beats COREDNS_DB: only its file written"

	# a missing SQLite file: only db init creates it; every other
	# command refuses it in one line naming db init, and leaves no file
	DSN=sqlite:$d/none/x.db
	printf '@ 3600 IN SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n' \
	    >x.test.zone
	n=0
	for c in "zone list" "zone show x.test" "zone export x.test" \
	    "zone create x.test" "zone import x.test.zone" \
	    "zone increase-serial x.test" "rrset add x.test www A 192.0.2.1" \
	    "record list x.test" "metadata list x.test" "tsigkey list" \
	    "journal show x.test" "db check" "db migrate" "db steward --once"; do
		one_error "$c on a missing file" \
		    "^coredns-util [a-z]+: no SQLite store at $d/none/x\.db: create it with coredns-util db init" \
		    $c
		n=$((n + 1))
	done
	check_eq "$(ls -A "$d/none")" "" "none of those $n commands left a file"
	check_cmd "db init creates the missing file" u db init
	check_eq "$(sqlite3 "$d/none/x.db" "SELECT count(*) FROM coredns_schema")" \
	    1 "db init: a store in it"

	# an existing database without a store: db init makes one in it,
	# but not in a PowerDNS database (that is db migrate's)
	DSN=sqlite:$d/none.db
	check_cmd "db init in an empty SQLite file" u db init
	sqlite3 "$d/pdns.db" "CREATE TABLE domains (id INTEGER PRIMARY KEY)"
	DSN=sqlite:$d/pdns.db
	one_error "db init of a PowerDNS database" \
	    "^coredns-util db: sqlite:$d/pdns\.db: holds a PowerDNS database, not created again: turn it into a store with coredns-util db migrate\$" \
	    db init
	BACKEND=
}

both checks
files
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports"
done_testing
