#!/bin/bash
# regress/cases/sql_pdns/test.sh - one gsqlite3 database made by
# PowerDNS's tools (Debian's schema file, pdnsutil create-zone,
# load-zone, add-record, rectify-all-zones), migrated with coredns-util
# db migrate, served at once by pdns_server and by us: for each query the
# rcode, AA and the answer and authority RR sets match (pdns.py; the
# additional section and ANY differ by design, see there). PowerDNS runs
# on 127.0.0.1 only, without security polling, caches or a guardian, and
# is stopped by its PID.
. "$REGRESS_DIR/lib.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
if [ ! -x "$UTIL" ]; then
	fail "coredns-util binary found" "not executable: $UTIL"
	done_testing
fi
SCHEMA=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
if ! command -v pdnsutil >/dev/null 2>&1 || ! command -v pdns_server >/dev/null 2>&1 ||
    [ ! -r "$SCHEMA" ]; then
	fail "pdnsutil, pdns_server and $SCHEMA present" \
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

sqlite3 "$DB" <"$SCHEMA"
printf 'launch=gsqlite3\ngsqlite3-database=%s\n' "$DB" >pdns.conf
check_cmd "pdnsutil create-zone p.test" pu create-zone p.test ns1.p.test
check_cmd "pdnsutil load-zone p.test" pu load-zone p.test "$CASE_DIR/p.test.zone"
check_cmd "pdnsutil add-record mail AAAA" pu add-record p.test mail AAAA 2001:db8::25
check_cmd "pdnsutil add-record late A" pu add-record p.test late A 600 192.0.2.200
check_cmd "pdnsutil create-zone dnapex.test" pu create-zone dnapex.test
check_cmd "pdnsutil load-zone dnapex.test" pu load-zone dnapex.test "$CASE_DIR/dnapex.test.zone"
# a child zone whose parent (p.test) holds its NS and DS
check_cmd "pdnsutil create-zone kid.p.test" pu create-zone kid.p.test ns.kid.p.test
pu add-record kid.p.test ns A 192.0.2.60 >/dev/null
pu add-record kid.p.test www A 192.0.2.61 >/dev/null
# empty non-terminal rows (type NULL), as PowerDNS needs them
check_cmd "pdnsutil rectify-all-zones" pu rectify-all-zones
check_eq "$(sqlite3 "$DB" "SELECT count(*) FROM records WHERE type IS NULL AND name = 'deep.p.test'")" 1 \
    "rectify wrote the empty non-terminal row for deep.p.test"
check_cmd "coredns-util db migrate" u db migrate
check_cmd "pdnsutil check-zone p.test after the migration" pu check-zone p.test

PPORT=$(free_port) || exit 1
PORT=$(free_port) || exit 1
mkdir -p pdns-run
cat >pdns-run/pdns.conf <<EOC
launch=gsqlite3
gsqlite3-database=$DB
local-address=127.0.0.1
local-port=$PPORT
socket-dir=$PWD/pdns-run
security-poll-suffix=
guardian=no
daemon=no
disable-syslog=yes
write-pid=no
primary=no
secondary=no
webserver=no
api=no
cache-ttl=0
negquery-cache-ttl=0
query-cache-ttl=0
zone-cache-refresh-interval=0
consistent-backends=yes
dname-processing=yes
loglevel=4
EOC
pdns_server --config-dir="$PWD/pdns-run" >pdns.log 2>&1 &
PDNS_PID=$!
bg_track "$PDNS_PID"
up=no
for i in $(seq 1 50); do
	kill -0 "$PDNS_PID" 2>/dev/null || break
	if dns_ready 127.0.0.1 "$PPORT"; then
		up=yes
		break
	fi
	sleep 0.2
done
if [ "$up" != yes ]; then
	fail "pdns_server answers on 127.0.0.1:$PPORT" "$(tail -n 20 pdns.log)"
	done_testing
fi
ok "pdns_server answers on 127.0.0.1:$PPORT"

cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	sql sqlite:$DB
}
EOC
start_coredns Corefile -workers 2 || done_testing
for i in $(seq 1 25); do
	[ "$(q_status www.p.test A)" = NOERROR ] && [ "$(q_status dnapex.test SOA)" = NOERROR ] && break
	sleep 0.2
done
check_eq "$(q_status www.p.test A)" NOERROR "our server serves p.test"

py "$CASE_DIR/pdns.py" "$PPORT" "$PORT"

# a pdnsutil write while both run: our steward steps the serial, both
# then answer the same (SOA included)
check_cmd "pdnsutil add-record while both run" pu add-record p.test new A 192.0.2.201
got=
for i in $(seq 1 25); do
	got=$(q +short new.p.test A)
	[ "$got" = 192.0.2.201 ] && break
	sleep 0.2
done
check_eq "$got" 192.0.2.201 "pdnsutil's new record served by us within 5 s"
serial=
for i in $(seq 1 25); do
	serial=$(q +short p.test SOA | awk '{print $3}')
	[ "${serial:-1}" -gt 1 ] && break
	sleep 0.2
done
check_match "$serial" '[2-9]|[1-9][0-9]+' "our steward stepped the serial after pdnsutil's write ($serial)"
py "$CASE_DIR/pdns.py" "$PPORT" "$PORT" new.p.test A "the new record" \
    p.test SOA "apex SOA after the step" new.p.test TXT "NODATA at the new name" \
    www.p.test A "existing name again"

# stop PowerDNS by its PID (bounded), then ours
stop_peer "$PDNS_PID" pdns_server
stop_coredns
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports from coredns-util"
done_testing
