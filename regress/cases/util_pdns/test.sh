#!/bin/bash
# regress/cases/util_pdns/test.sh - coredns-util on databases made by
# PowerDNS's own tools (Debian pdns-server, pdns-backend-sqlite3 and
# pdns-backend-pgsql), once on SQLite (launch=gsqlite3) and once on a
# throwaway PostgreSQL cluster (launch=gpgsql): Debian's schema file,
# pdnsutil create-zone + add-record (c.test) and load-zone of a zone file
# with many types (p.test), then db migrate. Our zone export matches
# pdnsutil list-zone record for record (norm.py evens out the listed
# differences of presentation, each explained there); pdnsutil still
# reads the zone after our rrset add/replace/delete and increase-serial
# and shows them; pdnsutil's own later writes get one serial step from
# our steward. pdnsutil runs on a config file in the case's dir (never
# /etc/powerdns); no pdns_server. Without the tools the case fails.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/util_common/backends.sh"

SQLITE_SCHEMA=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
PG_SCHEMA=/usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql
if ! command -v pdnsutil >/dev/null 2>&1 || [ ! -r "$SQLITE_SCHEMA" ] ||
	[ ! -r "$PG_SCHEMA" ]; then
	# the test command installs them: a missing one is a failure
	fail "pdnsutil and the pdns schema files present" \
	    "install pdns-server pdns-backend-sqlite3 pdns-backend-pgsql"
	done_testing
fi
cp "$CASE_DIR/p.test.zone" .

# pu ARGS...: pdnsutil on the database of this backend (pdns_setup)
pu() {
	pdnsutil --config-dir="$PDNS_DIR" "$@" 2>>"$ULOG"
}

# pdns_setup: PowerDNS's schema from Debian's file into the empty
# database of this backend, and a pdns.conf for it in $PDNS_DIR
pdns_setup() {
	local kv host= port= db= user=
	PDNS_DIR=$PWD/pdns-$BACKEND
	mkdir -p "$PDNS_DIR"
	if [ "$BACKEND" = sqlite ]; then
		sqlite3 "$PWD/sqlite.db" <"$SQLITE_SCHEMA" 2>>"$ULOG" || return 1
		printf 'launch=gsqlite3\ngsqlite3-database=%s\n' "$PWD/sqlite.db" \
		    >"$PDNS_DIR/pdns.conf"
		return 0
	fi
	psql "$DSN" -X -q -v ON_ERROR_STOP=1 -f "$PG_SCHEMA" \
	    >/dev/null 2>>"$ULOG" || return 1
	# the cluster's conninfo (regress/pg.sh) as gpgsql settings; the
	# host is the socket dir
	for kv in $DSN; do
		case $kv in
		host=*) host=${kv#host=} ;;
		port=*) port=${kv#port=} ;;
		dbname=*) db=${kv#dbname=} ;;
		user=*) user=${kv#user=} ;;
		esac
	done
	printf 'launch=gpgsql\ngpgsql-host=%s\ngpgsql-port=%s\ngpgsql-dbname=%s\ngpgsql-user=%s\ngpgsql-password=\n' \
	    "$host" "$port" "$db" "$user" >"$PDNS_DIR/pdns.conf"
}

# same_as_pdns ZONE DESC: our export and pdnsutil's listing hold the
# same records (norm.py); at least 2 (SOA and NS), so an empty listing
# on both sides never passes
same_as_pdns() {
	local n
	pu list-zone "$1" >"pdns-$BACKEND-$1.zone"
	u zone export "$1" >"ours-$BACKEND-$1.zone"
	py "$CASE_DIR/norm.py" <"pdns-$BACKEND-$1.zone" >a.txt
	py "$CASE_DIR/norm.py" <"ours-$BACKEND-$1.zone" >b.txt
	n=$(wc -l <a.txt)
	if [ "$n" -ge 2 ] && cmp -s a.txt b.txt; then
		ok "$2 ($n records)"
	else
		fail "$2" "< pdnsutil list-zone, > zone export:" "$(diff a.txt b.txt)"
	fi
}

serial() {
	u zone show "$1" | sed -n 's/^serial: //p'
}

checks() {
	if ! pdns_setup; then
		fail "Debian's pdns schema loaded" "$(tail -n 5 "$ULOG")"
		return
	fi
	ok "Debian's pdns schema loaded"
	check_cmd "pdnsutil create-zone c.test" pu create-zone c.test ns1.c.test
	check_cmd "pdnsutil add-record (two A)" \
	    pu add-record c.test www A 300 192.0.2.1 192.0.2.2
	check_cmd "pdnsutil add-record MX" pu add-record c.test @ MX 300 "10 mail.c.test"
	pu add-record c.test mail A 192.0.2.25 >/dev/null
	pu add-record c.test txt TXT '"hello world"' >/dev/null
	pu add-record c.test _sip._tcp SRV '10 60 5060 sip.c.test' >/dev/null
	pu add-record c.test alias CNAME www.c.test >/dev/null
	pu add-record c.test v6 AAAA 2001:db8::1 >/dev/null
	check_cmd "pdnsutil create-zone p.test" pu create-zone p.test ns1.p.test
	check_cmd "pdnsutil load-zone p.test (many types)" \
	    pu load-zone p.test p.test.zone
	check_eq "$(sq "SELECT count(*) FROM records r JOIN domains d
	    ON d.id = r.domain_id WHERE d.name = 'p.test'
	    AND r.type IS NOT NULL")" 31 \
	    "load-zone wrote every record of the file"

	u zone list >/dev/null
	check_eq "$?" 1 "an unmigrated PowerDNS database is refused"
	check_cmd "db migrate" u db migrate
	check_cmd "db check" u db check
	same_as_pdns c.test "c.test: zone export = pdnsutil list-zone"
	same_as_pdns p.test "p.test: zone export = pdnsutil list-zone"

	# ---- our writes, read back by pdnsutil -----------------------------
	s0=$(serial p.test)
	check_cmd "our rrset add" u rrset add p.test new A 600 192.0.2.77
	check_cmd "our rrset replace (MX)" u rrset replace p.test @ MX 300 "20 mail"
	check_cmd "our rrset replace (fewer A)" u rrset replace p.test www A 192.0.2.80
	check_cmd "our rrset delete" u rrset delete p.test txt TXT
	check_cmd "our increase-serial" u zone increase-serial p.test
	check_eq "$(serial p.test)" $((s0 + 5)) "one serial step per write"
	check_cmd "pdnsutil check-zone after our writes" pu check-zone p.test
	pl=$(pu list-zone p.test)
	check_has "$pl" $'^new\\.p\\.test\t600\tIN\tA\t192\\.0\\.2\\.77$' \
	    "pdnsutil shows our added A"
	check_has "$pl" $'^p\\.test\t300\tIN\tMX\t20 mail\\.p\\.test\\.$' \
	    "pdnsutil shows our MX"
	check_eq "$(printf '%s\n' "$pl" | grep -c $'^p\\.test\t.*\tMX\t')" 1 \
	    "pdnsutil: the MX rrset replaced, not added to"
	check_eq "$(printf '%s\n' "$pl" | grep -c $'^www\\.p\\.test\t.*\tA\t')" 1 \
	    "pdnsutil: the www A rrset shrunk to one"
	check_eq "$(printf '%s\n' "$pl" | grep -c $'^txt\\.p\\.test\t')" 0 \
	    "pdnsutil: our deleted TXT is gone"
	check_has "$pl" "SOA.* $((s0 + 5)) 7200 900 1209600 300\$" \
	    "pdnsutil shows our serial"
	same_as_pdns p.test "p.test after our writes: still the same"
	u zone export p.test >ours.zone
	check_has "$(u zone import ours.zone p.test)" ' 0 rrsets' \
	    "import of the export writes nothing new"

	# ---- pdnsutil's writes, stepped by our steward ---------------------
	s1=$(serial p.test)
	pu add-record p.test late A 192.0.2.200 >/dev/null
	pu delete-rrset p.test alias CNAME >/dev/null
	check_has "$(u db steward --once)" '^1 zones' "pdnsutil's writes: one zone stepped"
	# a batch is one committed transaction on PostgreSQL (two here),
	# everything pending at the pass on SQLite (DESIGN.md)
	steps=1
	[ "$BACKEND" = pg ] && steps=2
	check_eq "$(serial p.test)" $((s1 + steps)) \
	    "pdnsutil's writes: $steps serial step(s)"
	same_as_pdns p.test "p.test after pdnsutil's writes and the steward"
	check_has "$(u zone export p.test)" '^late\.p\.test\.' "we read pdnsutil's new record"
}

both checks
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports"
done_testing
