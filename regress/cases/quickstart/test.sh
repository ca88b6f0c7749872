#!/bin/bash
# The quick start's configuration (zones/Corefile) on a store made as
# run.sh makes it: the example zones answer from the sql plugin, metrics,
# /health and /ready answer, and a raw SQL edit is served with a new serial.
. "$REGRESS_DIR/lib.sh"

SRC=$(cd "$REGRESS_DIR/.." && pwd)
if [ -z "${COREDNS_UTIL:-}" ] || [ ! -x "${COREDNS_UTIL:-}" ]; then
	echo "not ok - \$COREDNS_UTIL must name coredns-util"
	exit 1
fi
PORT=$(free_port) || exit 1
MPORT=$(free_port) || exit 1
HPORT=$(free_port) || exit 1
RPORT=$(free_port) || exit 1
db=sqlite:$PWD/coredns.db
"$COREDNS_UTIL" --db "$db" db init >/dev/null
"$COREDNS_UTIL" --db "$db" zone import "$SRC/zones/example.org.zone" example.org >/dev/null
"$COREDNS_UTIL" --db "$db" zone import "$SRC/zones/2.0.192.in-addr.arpa.zone" 2.0.192.in-addr.arpa >/dev/null
# run.sh runs it again on an existing store: nothing changes
"$COREDNS_UTIL" --db "$db" db migrate >/dev/null
check_eq "$?" 0 "db migrate on a current store succeeds"
sed -e "s/:1053/:$PORT/" -e "s/:9153/:$MPORT/" -e "s/:8080/:$HPORT/" \
    -e "s/:8181/:$RPORT/" "$SRC/zones/Corefile" >Corefile
check_cmd "the quick start Corefile uses sql" grep -q '^	sql sqlite:coredns.db$' Corefile
start_coredns Corefile -workers 2 || done_testing

check_eq "$(q +short www.example.org A | LC_ALL=C sort | tr "\n" " ")" "192.0.2.10 example.org. " "www.example.org: CNAME and A"
check_eq "$(q +short -x 192.0.2.10)" "example.org." "reverse zone answers"
check_eq "$(q +short version.bind CH TXT | head -c 9)" '"CoreDNS-' "chaos answers"
check_eq "$(q_status nope.example.org A)" NXDOMAIN "NXDOMAIN inside the zone"
check_eq "$(q_status example.com A)" REFUSED "a name in no zone is refused"
for i in $(seq 1 25); do
	r=$(py -c 'import rlib,sys; print(rlib.http_get("127.0.0.1", int(sys.argv[1]), "/ready"))' "$RPORT" 2>/dev/null)
	[ "$r" = OK ] && break
	sleep 0.2
done
check_eq "$r" OK "/ready is OK"
check_eq "$(py -c 'import rlib,sys; print(rlib.http_get("127.0.0.1", int(sys.argv[1]), "/health"))' "$HPORT")" OK "/health is OK"
m=$(py -c 'import rlib,sys; print(rlib.http_get("127.0.0.1", int(sys.argv[1]), "/metrics"))' "$MPORT")
check_has "$m" '^coredns_sql_zones 2$' "metrics: two zones served"

s0=$(q +short example.org SOA | awk '{print $3}')
sqlite3 coredns.db "UPDATE records SET content='192.0.2.11' WHERE name='ftp.example.org' AND type='A'"
got=
for i in $(seq 1 50); do
	got=$(q +short ftp.example.org A)
	[ "$got" = 192.0.2.11 ] && break
	sleep 0.1
done
check_eq "$got" 192.0.2.11 "a raw SQL edit is served within 5 s"
s1=$(q +short example.org SOA | awk '{print $3}')
check_eq "$s1" "$((s0 + 1))" "the edit got the next serial"
check_eq "$(sqlite3 coredns.db "SELECT content FROM records WHERE type='SOA' AND name='example.org'" | awk '{print $3}')" "$s1" "the SOA row shows the served serial"
stop_coredns
done_testing
