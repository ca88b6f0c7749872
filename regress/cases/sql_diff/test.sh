#!/bin/bash
# regress/cases/sql_diff/test.sh - a differential test of the sql plugin
# against NSD 4 and Knot DNS 3: the zone files of this folder
# (example.test, its served child kid.example.test, other.test) are
# imported with coredns-util into a SQLite store served by us (then, in a
# second pass with the same queries, into a PostgreSQL store on a
# throwaway cluster), and loaded from the same files by nsd and knotd on
# other ports of 127.0.0.1.
# diff.py generates the queries from the zones (every owner x its types
# plus A, MX, TXT, ANY and DS; the empty non-terminals; random nonexistent
# names below every empty non-terminal, wildcard, delegation, DNAME,
# existing name and apex), sends each over UDP with EDNS (1232), over UDP
# without EDNS and over TCP, about 30 % in 0x20 mixed case, RD at random,
# and compares per section as sets: rcode, flags (QR AA TC RD RA AD CD and
# whether an OPT came back), answer, authority, additional (whole RRs with
# TTL; owner names and rdata case-folded). At least 500 queries (counted).
#
# Policy: NSD and Knot are both correct and differ in details, so a
# section passes when ours equals NSD's or Knot's; a further check wants
# every answer to equal one peer's whole (no mix of sections). The
# divergences found between the peers, and which one we follow:
# - CNAME and DNAME chains leading into another zone the server serves
#   (ext -> www.other.test, back.other.test -> alias.example.test,
#   up.kid -> www.example.test, x.dn -> x.other.test): NSD follows them
#   and answers the target (NXDOMAIN with that zone's SOA when the
#   target does not exist, RFC 6604); Knot stops after the CNAME with
#   NOERROR. We follow NSD: RFC 1034 4.3.2 step 3a restarts the lookup at
#   step 1 (choose the zone) with the new name, and we are authoritative
#   for it.
# - A CNAME into the served child zone (tokid -> www.kid.example.test):
#   NSD answers from the child; Knot stops at the cut in the parent and
#   adds a referral (kid NS + glue, AA set). We follow NSD: the deepest
#   zone answers (RFC 1034 4.3.2 step 2).
# - ANY (RFC 8482): both answer one RRset, but another one (at an apex
#   NSD the SOA, Knot the NS RRset with its addresses); ours is the first
#   RRset in our type order, without additional processing. diff.py
#   also accepts an ANY answer that is one other complete RRset of the
#   name, or one with an empty additional section (none needed so far).
# - Target addresses of MX and SRV answers: Knot adds the in-zone ones,
#   NSD (with minimal-responses, see below) none; we add them like Knot.
# - NSD runs with minimal-responses: yes. By default it puts the zone's
#   NS RRset (and its addresses) into the authority section of every
#   positive answer; Knot and we do not (optional data, RFC 1034 4.3.2
#   step 6), and the default would make each such answer a mix of the
#   two peers.
# Our own divergence, normalized in diff.py: we also add the A/AAAA of
# NS, MX and SRV targets that lie in another served zone (mx.other.test
# for example.test MX, ns1.other.test for the oob referral); neither
# peer does. Such RRs are stripped from our additional section before
# the comparison, only after checking that each is that zone's complete
# RRset (optional data from local authoritative zones, RFC 1034 4.3.2
# step 6). The synthesized CNAME of a DNAME gets the DNAME's TTL from all
# three (RFC 6672 5.3.1).
# The first 20 mismatches are printed with the query and the three
# responses (DIFF_SHOW, DIFF_SEED, DIFF_PEERS, DIFF_TRACE: see diff.py).
#
# NSD and Knot use only paths in the case's temp dir (config, zones, pid
# files, logs, Knot's databases and control socket, NSD's xfrd state),
# listen on 127.0.0.1 only, run in the foreground and are stopped by
# their PIDs.
. "$REGRESS_DIR/lib.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
if [ ! -x "$UTIL" ]; then
	fail "coredns-util binary found" "not executable: $UTIL"
	done_testing
fi
NSD=$(command -v nsd || echo /usr/sbin/nsd)
KNOTD=$(command -v knotd || echo /usr/sbin/knotd)
if [ ! -x "$NSD" ] || [ ! -x "$KNOTD" ]; then
	fail "nsd and knotd present" "install nsd knot (scripts/deps.sh test)"
	done_testing
fi
ZONES="example.test kid.example.test other.test"
T=$PWD
ULOG=$T/util.log
: >"$ULOG"
DB=$T/s.db
u() {
	"$UTIL" --db "sqlite:$DB" "$@" 2>>"$ULOG"
}
mkdir -p "$T/zones" "$T/knot-run" "$T/knot-db" "$T/nsd-xfr"
for z in $ZONES; do
	cp "$CASE_DIR/$z.zone" "$T/zones/$z.zone"
done

NSD_PID=
KNOT_PID=
# NSD forks its xfrd and server children: on an early exit, stop the
# main process with SIGTERM first (it stops its children), then cleanup
stop_peers_early() {
	local p i
	for p in $NSD_PID $KNOT_PID; do
		kill -TERM "$p" 2>/dev/null || continue
		for i in $(seq 1 10); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
	done
	cleanup
	[ -n "${PGD:-}" ] && pg_stop "$PGD"
}
trap stop_peers_early EXIT

# wait_peer PID PORT NAME LOG: bounded wait until PID answers on PORT
wait_peer() {
	local pid=$1 port=$2 name=$3 log=$4 i
	for i in $(seq 1 50); do
		if ! kill -0 "$pid" 2>/dev/null; then
			fail "$name answers on 127.0.0.1:$port" "it exited" "$(tail -n 20 "$log" 2>/dev/null)"
			return 1
		fi
		if dns_ready 127.0.0.1 "$port"; then
			ok "$name answers on 127.0.0.1:$port"
			return 0
		fi
		sleep 0.2
	done
	fail "$name answers on 127.0.0.1:$port" "no answer in 10 s" "$(tail -n 20 "$log" 2>/dev/null)"
	return 1
}

# all_loaded OURS_PORT BACKEND: every zone loaded by ours, NSD and Knot
# (bounded): each answers every apex SOA with NOERROR and AA
all_loaded() {
	L=$2 py - "$1" "$NPORT" "$KPORT" $ZONES <<'EOF'
import os
import sys, time
import dns.flags, dns.rcode
from rlib import check, mkquery, query
ports = [int(p) for p in sys.argv[1:4]]
zones = sys.argv[4:]
names = ["ours", "nsd", "knot"]
deadline = time.time() + 10
missing = []
while True:
    missing = []
    for port, n in zip(ports, names):
        for z in zones:
            r, _ = query("127.0.0.1", port, mkquery(z, "SOA"), timeout=1.0)
            if r is None or r.rcode() != dns.rcode.NOERROR or not (r.flags & dns.flags.AA) or not r.answer:
                missing.append("%s: %s" % (n, z))
    if not missing or time.time() > deadline:
        break
    time.sleep(0.2)
check(not missing, "[%s] all three servers answer every zone's SOA authoritatively"
      % os.environ["L"],
      "missing: %s" % ", ".join(missing)) or sys.exit(1)
EOF
}

# ---- our server: the zones imported into SQLite -----------------------------
check_cmd "db init" u db init
for z in $ZONES; do
	check_cmd "zone import $z" u zone import "$T/zones/$z.zone" "$z"
done

PORT=$(free_port) || exit 1
NPORT=$(free_port) || exit 1
KPORT=$(free_port) || exit 1

# ---- NSD ------------------------------------------------------------------
{
	cat <<EOC
server:
	ip-address: 127.0.0.1
	port: $NPORT
	do-ip4: yes
	do-ip6: no
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$T/zones"
	pidfile: "$T/nsd.pid"
	database: ""
	xfrdfile: "$T/nsd-xfrd.state"
	xfrdir: "$T/nsd-xfr"
	zonelistfile: "$T/nsd-zone.list"
	logfile: "$T/nsd.log"
	verbosity: 1
	zonefiles-write: 0
	minimal-responses: yes
remote-control:
	control-enable: no
EOC
	for z in $ZONES; do
		printf 'zone:\n\tname: %s\n\tzonefile: "%s"\n' "$z" "$T/zones/$z.zone"
	done
} >nsd.conf
"$NSD" -c "$T/nsd.conf" -d >nsd.out 2>&1 &
NSD_PID=$!
bg_track "$NSD_PID"

# ---- Knot (its YAML config is indented with spaces) --------------------------
{
	cat <<EOC
server:
    rundir: "$T/knot-run"
    pidfile: "$T/knot-run/knot.pid"
    user: $(id -un):$(id -gn)
    listen: 127.0.0.1@$KPORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "$T/knot-run/knot.sock"
database:
    storage: "$T/knot-db"
log:
  - target: "$T/knot.log"
    any: info
template:
  - id: default
    storage: "$T/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
EOC
	for z in $ZONES; do
		printf '  - domain: %s\n    file: "%s"\n' "$z" "$T/zones/$z.zone"
	done
} >knot.conf
"$KNOTD" -c "$T/knot.conf" >knot.out 2>&1 &
KNOT_PID=$!
bg_track "$KNOT_PID"

# ---- ours -----------------------------------------------------------------
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	sql sqlite:$DB
}
EOC
start_coredns Corefile -workers 2 || done_testing
wait_peer "$NSD_PID" "$NPORT" nsd "$T/nsd.log" || done_testing
wait_peer "$KNOT_PID" "$KPORT" knotd "$T/knot.log" || done_testing

all_loaded "$PORT" sqlite || done_testing

DIFF_LABEL=sqlite py "$CASE_DIR/diff.py" "$PORT" "$NPORT" "$KPORT" "$T/zones" $ZONES ||
	T_FAILED=$((T_FAILED + 1))
stop_coredns

# ---- ours again, the same zones imported into PostgreSQL ----------------------
. "$REGRESS_DIR/pg.sh"
PGD=$(mktemp -d /tmp/pg.XXXXXX)
if PG_DSN=$(pg_start "$PGD" 2>"$T/pg_start.log"); then
	ok "PostgreSQL cluster started"
	check_cmd "[pgsql] db init" "$UTIL" --db "$PG_DSN" db init
	for z in $ZONES; do
		check_cmd "[pgsql] zone import $z" \
			"$UTIL" --db "$PG_DSN" zone import "$T/zones/$z.zone" "$z"
	done
	PORT=$(free_port) || exit 1
	cat >Corefile.pg <<EOC
.:$PORT {
	bind 127.0.0.1
	sql "$PG_DSN"
}
EOC
	if start_coredns Corefile.pg -workers 2 && all_loaded "$PORT" pgsql; then
		DIFF_LABEL=pgsql py "$CASE_DIR/diff.py" "$PORT" "$NPORT" "$KPORT" \
			"$T/zones" $ZONES || T_FAILED=$((T_FAILED + 1))
	fi
	stop_coredns
else
	fail "PostgreSQL cluster started" "$(cat "$T/pg_start.log")"
fi
pg_stop "$PGD"
PGD=

stop_peer "$KNOT_PID" knotd
KNOT_PID=
stop_peer "$NSD_PID" nsd
NSD_PID=
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports from coredns-util"
done_testing
