#!/bin/bash
# regress/cases/util_pdns/test.sh - coredns-util on a database made by
# PowerDNS (Debian pdns-server + pdns-backend-sqlite3): Debian's schema
# file, pdnsutil create-zone/add-record, db migrate, then our zone export
# matches pdnsutil list-zone record for record, and pdnsutil still reads
# the zone after our writes. Without pdnsutil the case fails.
. "$REGRESS_DIR/lib.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
if [ ! -x "$UTIL" ]; then
	fail "coredns-util binary found" "not executable: $UTIL"
	done_testing
fi
SCHEMA=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
if ! command -v pdnsutil >/dev/null 2>&1 || [ ! -r "$SCHEMA" ]; then
	# the test command installs them: a missing one is a failure
	fail "pdnsutil and $SCHEMA present" \
	    "install pdns-server pdns-backend-sqlite3"
	done_testing
fi
ULOG=$PWD/util.log
: >"$ULOG"
DB=$PWD/p.db
u() {
	"$UTIL" --db "sqlite:$DB" "$@" 2>>"$ULOG"
}
pu() {
	pdnsutil --config-dir="$PWD" "$@" 2>>"$ULOG"
}
# norm FILE: the records of p.test as named-compilezone writes them
norm() {
	named-compilezone -i none -s full -o - p.test "$1" 2>/dev/null | sort
}
same_as_pdns() { # same_as_pdns DESC
	pu list-zone p.test >pdns.zone
	u zone export p.test >ours.zone
	norm pdns.zone >a.txt
	norm ours.zone >b.txt
	if [ -s a.txt ] && cmp -s a.txt b.txt; then
		ok "$1"
	else
		fail "$1" "$(diff a.txt b.txt)"
	fi
}

sqlite3 "$DB" <"$SCHEMA"
printf 'launch=gsqlite3\ngsqlite3-database=%s\n' "$DB" >pdns.conf
check_cmd "pdnsutil create-zone" pu create-zone p.test ns1.p.test
check_cmd "pdnsutil add-record" pu add-record p.test www A 300 192.0.2.1 192.0.2.2
pu add-record p.test @ MX 300 "10 mail.p.test" >/dev/null
pu add-record p.test mail A 192.0.2.25 >/dev/null
pu add-record p.test txt TXT '"hello world"' >/dev/null
pu add-record p.test _sip._tcp SRV '10 60 5060 sip.p.test' >/dev/null
pu add-record p.test alias CNAME www.p.test >/dev/null
pu add-record p.test v6 AAAA 2001:db8::1 >/dev/null
pu add-record p.test ns1 A 192.0.2.53 >/dev/null

u zone list >/dev/null
check_eq "$?" 1 "an unmigrated PowerDNS database is refused"
check_cmd "db migrate" u db migrate
check_cmd "db check" u db check
same_as_pdns "zone export = pdnsutil list-zone"

check_cmd "our rrset add" u rrset add p.test new A 600 192.0.2.77
check_cmd "our rrset replace" u rrset replace p.test @ MX 300 "20 mail"
check_cmd "our rrset delete" u rrset delete p.test txt TXT
check_cmd "our increase-serial" u zone increase-serial p.test
check_cmd "pdnsutil list-zone after our writes" pu list-zone p.test
check_cmd "pdnsutil check-zone after our writes" pu check-zone p.test
same_as_pdns "still the same record for record"
check_has "$(pu list-zone p.test)" '^p\.test\.?[[:space:]]+300[[:space:]]+IN[[:space:]]+MX[[:space:]]+20 mail\.p\.test' \
    "pdnsutil sees our MX"
u zone export p.test >ours.zone
check_cmd "import of the export writes nothing new" \
    sh -c "'$UTIL' --db 'sqlite:$DB' zone import ours.zone p.test | grep -q ' 0 rrsets'"
pu add-record p.test late A 192.0.2.200 >/dev/null
check_has "$(u db steward --once)" '^1 zones' "pdnsutil's write: one step"
same_as_pdns "same after pdnsutil's write and the steward"
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports"
done_testing
