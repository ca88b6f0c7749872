#!/bin/bash
# regress/cases/sql_answers/test.sh - the sql plugin's answers (RFC 1034
# 4.3.2, 2308, 4592, 6672, 8482) from zones imported with coredns-util
# into a SQLite store: answers.py compares whole answers query by query;
# here: truncation with dig, passing on to the next plugin (names in no
# served zone, class CH, fallthrough, the ZONES argument), rows with
# garbage content, and zones created and deleted while the server runs.
# Also: the *any* plugin in a block with sql (it answers every ANY query
# with its HINFO, AA clear, whatever the name and wherever the directive
# is written; other types reach sql); a DNAME added and removed with SQL
# over existing names (occluded, then served again) and occluded data
# added below a DNAME (never served); `sql DSN zf.test` with zf.test,
# a zone below it and zg.test created later: zf.test and its child are
# served, zg.test goes on to whoami (while the unfiltered block serves
# it).
. "$REGRESS_DIR/lib.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
if [ ! -x "$UTIL" ]; then
	fail "coredns-util binary found" "not executable: $UTIL"
	done_testing
fi
DB=$PWD/s.db
ULOG=$PWD/util.log
: >"$ULOG"
u() {
	"$UTIL" --db "sqlite:$DB" "$@" 2>>"$ULOG"
}
sq() {
	sqlite3 -cmd '.timeout 5000' "$DB" "$@"
}

check_cmd "db init" u db init
for z in example.test other.test child.example.test dnapex.test bad.test flat.test dn2.test \
    wn.test occ.test occ2.test; do
	check_cmd "zone import $z" u zone import "$CASE_DIR/$z.zone" "$z"
done
# a row whose content does not parse, written with plain SQL
BAD1=$(sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'broken.bad.test', 'A', 'not-an-ip', 3600, 0, 0, 1 FROM domains WHERE name = 'bad.test';
    SELECT last_insert_rowid();")
check_match "$BAD1" '[0-9]+' "garbage row inserted with sqlite3 (id $BAD1)"

PORT=$(free_port) || exit 1
PORT2=$(free_port) || exit 1
PORT3=$(free_port) || exit 1
PORT4=$(free_port) || exit 1
PORT5=$(free_port) || exit 1
PORT6=$(free_port) || exit 1
PORT7=$(free_port) || exit 1
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	sql sqlite:$DB
	whoami
}
.:$PORT2 {
	bind 127.0.0.1
	sql sqlite:$DB {
		fallthrough
	}
	whoami
}
.:$PORT3 {
	bind 127.0.0.1
	sql sqlite:$DB example.test
	whoami
}
.:$PORT4 {
	bind 127.0.0.1
	sql sqlite:$DB {
		fallthrough other.test
	}
	whoami
}
.:$PORT5 {
	bind 127.0.0.1
	sql sqlite:$DB zf.test
	whoami
}
.:$PORT6 {
	bind 127.0.0.1
	any
	sql sqlite:$DB
	whoami
}
.:$PORT7 {
	bind 127.0.0.1
	sql sqlite:$DB
	any
}
EOC
start_coredns Corefile -workers 2 || done_testing

# every zone loaded before the answers are checked (bounded)
for i in $(seq 1 25); do
	[ "$(q_status www.example.test A)" = NOERROR ] && [ "$(q_status good.bad.test A)" = NOERROR ] &&
		[ "$(q_status www.occ.test A)" = NOERROR ] && break
	sleep 0.2
done

py "$CASE_DIR/answers.py" "$PORT"

# ---- truncation with dig ----------------------------------------------------
out=$(q big.example.test TXT +norec +bufsize=512 +ignore)
check_has "$out" '^;; flags: qr aa tc;' "dig +bufsize=512 +ignore: TC set"
check_has "$out" 'ANSWER: 0,' "dig +bufsize=512 +ignore: no partial RRset"
out=$(q big.example.test TXT +norec +tcp +short)
check_eq "$(printf '%s\n' "$out" | grep -o '"[a-z]*"' | wc -l)" 5 "dig +tcp: all 5 strings of the big TXT"
out=$(q big.example.test TXT +norec +bufsize=512)
check_has "$out" '^big\.example\.test\..*TXT' "dig +bufsize=512 (retry over TCP): the big TXT"
out=$(kdig @127.0.0.1 -p "$PORT" +time=2 +retry=0 +norec +bufsize=512 +ignore big.example.test TXT 2>&1)
check_has "$out" 'Flags: qr aa tc' "kdig +bufsize=512 +ignore: TC set"

# ---- passing on to the next plugin --------------------------------------------
sorted() { # DIG-ARGS: the answer and additional sections, sorted
	q +norec +noall +answer +additional "$@" | grep -v '^;' | sed '/^$/d' |
	    tr -s ' \t' ' ' | sort
}
WWW=$(printf '%s\n' "www.example.test. 600 IN A 192.0.2.80" "www.example.test. 600 IN A 192.0.2.81")
check_eq "$(sorted www.example.test A)" "$WWW" "dig: www.example.test A from sql"
out=$(sorted www.nowhere.invalid A)
check_has "$out" '^www\.nowhere\.invalid\. 0 IN A 127\.0\.0\.1$' \
    "name in no served zone: whoami answers (A 127.0.0.1)"
check_has "$out" '^_udp\.www\.nowhere\.invalid\. 0 IN SRV' \
    "name in no served zone: whoami's _udp SRV"
check_eq "$(q_status www.nowhere.invalid A)" NOERROR "name in no served zone: NOERROR (whoami)"
# class CH for a served name: sql passes it on; whoami echoes the class
# (its CH A record is not valid CH A rdata for dig, so read it raw)
py - "$PORT" <<'EOF'
import struct, sys, dns.message, dns.rdataclass
from rlib import *
q = mkquery("www.example.test", "TXT", "CH")
w, _ = raw_udp("127.0.0.1", int(sys.argv[1]), q.to_wire())
if w is None:
    fail("class CH: an answer")
else:
    qd, an, ns, ar = struct.unpack("!HHHH", w[4:12])
    check(an == 0 and ns == 0 and ar >= 2 and b"\x04_udp" in w,
          "class CH for a served name passes on to whoami",
          "counts %d/%d/%d/%d" % (qd, an, ns, ar))
done()
EOF

# fallthrough: NXDOMAIN goes on, existing names and NODATA stay with sql
out=$(sorted nope.example.test A -p "$PORT2")
check_has "$out" '^nope\.example\.test\. 0 IN A 127\.0\.0\.1$' \
    "fallthrough: NXDOMAIN name answered by whoami"
check_eq "$(q_status nope.example.test A -p "$PORT2")" NOERROR "fallthrough: NOERROR from whoami"
check_eq "$(sorted www.example.test A -p "$PORT2")" "$WWW" \
    "fallthrough: an existing name is still answered by sql"
out=$(q +norec www.example.test MX -p "$PORT2")
check_has "$out" 'status: NOERROR' "fallthrough: NODATA stays with sql (NOERROR)"
check_has "$out" '^example\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+SOA' "fallthrough: NODATA has sql's SOA"
check_eq "$(sorted x.dn.example.test A -p "$PORT2")" "$(sorted x.dn.example.test A)" \
    "fallthrough: DNAME answer still from sql"
out=$(q +norec nope.example.test A)
check_has "$out" 'status: NXDOMAIN' "without fallthrough: NXDOMAIN from sql"
# fallthrough ZONES: only NXDOMAIN for names in those zones goes on
out=$(sorted nope.other.test A -p "$PORT4")
check_has "$out" '^nope\.other\.test\. 0 IN A 127\.0\.0\.1$' \
    "fallthrough other.test: NXDOMAIN there answered by whoami"
check_eq "$(q_status nope.example.test A -p "$PORT4")" NXDOMAIN \
    "fallthrough other.test: NXDOMAIN in example.test stays with sql"
check_eq "$(sorted www.other.test A -p "$PORT4")" "$(sorted www.other.test A)" \
    "fallthrough other.test: existing name in other.test answered by sql"

# sql DSN ZONES: only example.test (and below) served on PORT3
check_eq "$(sorted www.example.test A -p "$PORT3")" "$WWW" \
    "ZONES example.test: example.test served"
check_eq "$(sorted www.child.example.test A -p "$PORT3")" "$(sorted www.child.example.test A)" \
    "ZONES example.test: the child zone below it served"
out=$(sorted www.other.test A -p "$PORT3")
check_has "$out" '^www\.other\.test\. 0 IN A 127\.0\.0\.1$' \
    "ZONES example.test: other.test is passed on to whoami"
out=$(sorted ext.example.test A -p "$PORT3")
check_eq "$out" "ext.example.test. 3600 IN CNAME www.other.test." \
    "ZONES example.test: CNAME into the unserved other.test stops there"

# ---- the any plugin beside sql -----------------------------------------------------
# any comes before sql in the plugin chain: every ANY query gets its
# HINFO (TTL 8482, AA clear, the owner in the query's case), for names
# of sql zones too, existing or not; other types are sql's
HINFO='"ANY obsoleted" "See RFC 8482"'
for p in "$PORT6" "$PORT7"; do
	[ "$p" = "$PORT6" ] && tag="any before sql" || tag="any written after sql"
	out=$(q -p "$p" +notcp +norec www.example.test ANY)
	check_has "$out" 'status: NOERROR' "$tag: ANY for a sql name: NOERROR"
	check_has "$out" '^;; flags: qr;' "$tag: ANY for a sql name: AA clear (the any plugin's answer)"
	check_eq "$(q -p "$p" +notcp +norec +noall +answer www.example.test ANY | tr -s ' \t' ' ')" \
	    "www.example.test. 8482 IN HINFO $HINFO" "$tag: ANY for a sql name: the RFC 8482 HINFO only"
	check_has "$out" 'AUTHORITY: 0,' "$tag: ANY: nothing from sql in authority"
	check_eq "$(q -p "$p" +tcp +norec +noall +answer www.example.test ANY | tr -s ' \t' ' ')" \
	    "www.example.test. 8482 IN HINFO $HINFO" "$tag: ANY over TCP: the HINFO"
	check_eq "$(q -p "$p" +notcp +norec +noall +answer NoPe.Example.Test ANY | tr -s ' \t' ' ')" \
	    "NoPe.Example.Test. 8482 IN HINFO $HINFO" \
	    "$tag: ANY for a missing name of a sql zone: the HINFO, owner in the query's case"
	check_eq "$(sorted www.example.test A -p "$p")" "$WWW" "$tag: A still answered by sql"
	check_eq "$(q_status -p "$p" nope.example.test A)" NXDOMAIN "$tag: NXDOMAIN still from sql"
done
out=$(q +notcp +norec www.example.test ANY)
check_has "$out" '^;; flags: qr aa;' "without any: sql answers ANY itself (AA)"
check_eq "$(printf '%s\n' "$out" | grep -c 'HINFO')" 0 "without any: no HINFO"

# ---- rows with garbage content --------------------------------------------------
check_grep "$CD_LOG" "skipping row id $BAD1[^0-9]" "garbage row: the log names its row id $BAD1"
check_eq "$(sorted good.bad.test A)" "good.bad.test. 3600 IN A 192.0.2.10" \
    "garbage row: the rest of the zone answers"
check_eq "$(q_status broken.bad.test A)" NXDOMAIN "garbage row: its name does not exist"
# the same while running: a garbage row and a good one in one transaction
BAD2=$(sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'broken2.bad.test', 'AAAA', 'garbage', 3600, 0, 0, 1 FROM domains WHERE name = 'bad.test';
    SELECT last_insert_rowid();
    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'late.bad.test', 'A', '192.0.2.11', 3600, 0, 0, 1 FROM domains WHERE name = 'bad.test';")
got=
for i in $(seq 1 25); do
	got=$(q +short late.bad.test A)
	[ "$got" = 192.0.2.11 ] && break
	sleep 0.2
done
check_eq "$got" 192.0.2.11 "runtime: a good row beside a garbage one is served within 5 s"
check_grep "$CD_LOG" "row id $BAD2[^0-9]" "runtime: the log names the garbage row id $BAD2"
check_eq "$(sorted good.bad.test A)" "good.bad.test. 3600 IN A 192.0.2.10" \
    "runtime: the old rows still answer"
check_eq "$(q_status broken2.bad.test AAAA)" NXDOMAIN "runtime: the garbage row's name does not exist"

# ---- delegations and an apex DNAME added with plain SQL while running --------
# (a zone without cuts gets its first one; the snapshot is advanced from
# the journal)
sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'newcut.flat.test', 'NS', 'ns.elsewhere.invalid', 3600, 0, 0, 1 FROM domains WHERE name = 'flat.test';"
got=
for i in $(seq 1 25); do
	got=$(q +norec www.newcut.flat.test A | tr -s ' \t' ' ')
	printf '%s\n' "$got" | grep -q '^newcut\.flat\.test\. 3600 IN NS ns\.elsewhere\.invalid\.$' && break
	sleep 0.2
done
check_has "$got" '^newcut\.flat\.test\. 3600 IN NS ns\.elsewhere\.invalid\.$' \
    "NS added with SQL to a zone without cuts: referral within 5 s"
check_has "$got" '^;; flags: qr;' "that referral has AA clear"
check_eq "$(sorted www.flat.test A)" "www.flat.test. 3600 IN A 192.0.2.80" \
    "the zone's other names still answer after the new cut"
sq "DELETE FROM records WHERE name = 'newcut.flat.test' AND type = 'NS';"
st=
for i in $(seq 1 25); do
	st=$(q_status www.newcut.flat.test A)
	[ "$st" = NXDOMAIN ] && break
	sleep 0.2
done
check_eq "$st" NXDOMAIN "the cut deleted with SQL: NXDOMAIN below it within 5 s"
sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'dn2.test', 'DNAME', 'other.test', 600, 0, 0, 1 FROM domains WHERE name = 'dn2.test';"
got=
want=$(printf '%s\n' "dn2.test. 600 IN DNAME other.test." "x.dn2.test. 600 IN CNAME x.other.test." \
    "x.other.test. 3600 IN A 198.51.100.2" | sort)
for i in $(seq 1 25); do
	got=$(sorted x.dn2.test A)
	[ "$got" = "$want" ] && break
	sleep 0.2
done
check_eq "$got" "$want" "apex DNAME added with SQL: applied within 5 s"

# ---- a DNAME added over existing names, occluded data added below a DNAME ----------
VIS='vis.sub.occ2.test. 3600 IN A 192.0.2.70'
check_eq "$(sorted vis.sub.occ2.test A)" "$VIS" "before the DNAME: vis.sub.occ2.test served"
sq "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'sub.occ2.test', 'DNAME', 'target.occ2.test', 600, 0, 0, 1 FROM domains WHERE name = 'occ2.test';"
want=$(printf '%s\n' "sub.occ2.test. 600 IN DNAME target.occ2.test." \
    "vis.sub.occ2.test. 600 IN CNAME vis.target.occ2.test." \
    "vis.target.occ2.test. 3600 IN A 192.0.2.71" | sort)
got=
for i in $(seq 1 25); do
	got=$(sorted vis.sub.occ2.test A)
	[ "$got" = "$want" ] && break
	sleep 0.2
done
check_eq "$got" "$want" "DNAME added with SQL above an existing name: that name occluded within 5 s"
check_eq "$(q_status vis.sub.occ2.test TXT)" NOERROR "the occluded name, another type: NODATA at the target"
check_has "$(q +norec vis.sub.occ2.test TXT)" 'IN[[:space:]]+DNAME[[:space:]]+target\.occ2\.test\.' \
    "the occluded name, another type: the DNAME answers"
sq "DELETE FROM records WHERE name = 'sub.occ2.test' AND type = 'DNAME';"
got=
for i in $(seq 1 25); do
	got=$(sorted vis.sub.occ2.test A)
	[ "$got" = "$VIS" ] && break
	sleep 0.2
done
check_eq "$got" "$VIS" "the DNAME deleted: the name served again within 5 s"
# occluded data and a marker in one transaction: when the marker is
# served, so is the rest of that step
sq "BEGIN;
    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'new.dn.occ.test', 'A', '192.0.2.72', 3600, 0, 0, 1 FROM domains WHERE name = 'occ.test';
    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'marker.occ.test', 'A', '192.0.2.73', 3600, 0, 0, 1 FROM domains WHERE name = 'occ.test';
    COMMIT;"
got=
for i in $(seq 1 25); do
	got=$(q +short marker.occ.test A)
	[ "$got" = 192.0.2.73 ] && break
	sleep 0.2
done
check_eq "$got" 192.0.2.73 "a name added with SQL beside occluded data: served within 5 s"
want=$(printf '%s\n' "dn.occ.test. 3600 IN DNAME target.occ.test." \
    "new.dn.occ.test. 3600 IN CNAME new.target.occ.test." | sort)
check_eq "$(sorted new.dn.occ.test A)" "$want" "data added below a DNAME with SQL: occluded (the DNAME applies)"
check_eq "$(q_status new.dn.occ.test A)" NXDOMAIN "data added below a DNAME: NXDOMAIN at the target"

# ---- zones created and deleted while running --------------------------------------
cat >late.test.zone <<'EOZ'
$ORIGIN late.test.
$TTL 300
@	IN SOA	ns1.example.test. hostmaster.late.test. 1 7200 900 1209600 60
@	NS	ns1.example.test.
www	A	192.0.2.200
EOZ
check_eq "$(q_status www.late.test A)" NOERROR "before the import: whoami answers for late.test"
check_cmd "zone import late.test while running" u zone import late.test.zone late.test
got=
for i in $(seq 1 25); do
	got=$(sorted www.late.test A)
	[ "$got" = "www.late.test. 300 IN A 192.0.2.200" ] && break
	sleep 0.2
done
check_eq "$got" "www.late.test. 300 IN A 192.0.2.200" "a zone imported while running is served within 5 s"
check_has "$(q +norec www.late.test A)" '^;; flags: qr aa;' "the new zone answers with AA"
check_eq "$(q_status nope.late.test A)" NXDOMAIN "the new zone: NXDOMAIN for a missing name"
# a zone made with plain SQL: the steward gives it a serial
sq "INSERT INTO domains (name, type) VALUES ('raw.test', 'NATIVE');
    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'raw.test', 'SOA', 'ns1.example.test. hostmaster.raw.test. 0 7200 900 1209600 60', 300, 0, 0, 1 FROM domains WHERE name = 'raw.test';
    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'www.raw.test', 'A', '192.0.2.201', 300, 0, 0, 1 FROM domains WHERE name = 'raw.test';"
got=
for i in $(seq 1 25); do
	got=$(sorted www.raw.test A)
	[ "$got" = "www.raw.test. 300 IN A 192.0.2.201" ] && break
	sleep 0.2
done
check_eq "$got" "www.raw.test. 300 IN A 192.0.2.201" "a zone created with plain SQL is served within 5 s"
# a zone without an SOA row: SERVFAIL for its names (not passed on)
sq "INSERT INTO domains (name, type) VALUES ('nosoa.test', 'NATIVE');
    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
    SELECT id, 'www.nosoa.test', 'A', '192.0.2.202', 300, 0, 0, 1 FROM domains WHERE name = 'nosoa.test';"
st=
for i in $(seq 1 25); do
	st=$(q_status www.nosoa.test A)
	[ "$st" = SERVFAIL ] && break
	sleep 0.2
done
check_eq "$st" SERVFAIL "a zone without SOA: SERVFAIL within 5 s"
check_grep "$CD_LOG" 'zone nosoa\.test has no usable SOA' "a zone without SOA: logged"
# ---- a ZONES argument and zones created later ---------------------------------------
# PORT5 serves only zf.test and below; none of them exists yet
whoami_answered() { # PORT NAME: "whoami" when whoami made the answer
	if q -p "$1" +norec "$2" A | grep -q "^_udp\.$2\.[[:space:]]"; then
		echo whoami
	else
		echo other
	fi
}
check_eq "$(whoami_answered "$PORT5" www.zf.test)" whoami \
    "ZONES zf.test, zf.test not in the store: passed on to whoami"
# zf.test last: once it is served, the block has read the other two too
for z in zg.test kid.zf.test zf.test; do
	cat >$z.zone <<EOZ
\$ORIGIN $z.
\$TTL 300
@	IN SOA	ns1.example.test. hostmaster.$z. 1 7200 900 1209600 60
@	NS	ns1.example.test.
www	A	192.0.2.210
EOZ
	check_cmd "zone import $z while running" u zone import $z.zone $z
done
got=
for i in $(seq 1 25); do
	got=$(sorted www.zf.test A -p "$PORT5")
	[ "$got" = "www.zf.test. 300 IN A 192.0.2.210" ] && break
	sleep 0.2
done
check_eq "$got" "www.zf.test. 300 IN A 192.0.2.210" \
    "ZONES zf.test: zf.test created later is served within 5 s"
check_has "$(q -p "$PORT5" +norec www.zf.test A)" '^;; flags: qr aa;' "ZONES zf.test: with AA"
check_eq "$(q_status -p "$PORT5" nope.zf.test A)" NXDOMAIN "ZONES zf.test: NXDOMAIN in it from sql"
check_eq "$(sorted www.kid.zf.test A -p "$PORT5")" "www.kid.zf.test. 300 IN A 192.0.2.210" \
    "ZONES zf.test: a zone below it created later is served"
got=
for i in $(seq 1 25); do
	got=$(sorted www.zg.test A)
	[ "$got" = "www.zg.test. 300 IN A 192.0.2.210" ] && break
	sleep 0.2
done
check_eq "$got" "www.zg.test. 300 IN A 192.0.2.210" \
    "zg.test created later: served by the block without ZONES within 5 s"
check_eq "$(whoami_answered "$PORT5" www.zg.test)" whoami \
    "ZONES zf.test: zg.test created later is not served (passed on to whoami)"
check_eq "$(whoami_answered "$PORT5" www.example.test)" whoami \
    "ZONES zf.test: a zone there from the start is not served either"

check_cmd "zone delete late.test while running" u zone delete late.test
got=
for i in $(seq 1 25); do
	got=$(sorted www.late.test A)
	[ "$got" != "www.late.test. 300 IN A 192.0.2.200" ] && break
	sleep 0.2
done
check_has "$got" '^www\.late\.test\. 0 IN A 127\.0\.0\.1$' \
    "a deleted zone is no longer served within 5 s (whoami answers)"

stop_coredns
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports from coredns-util"
done_testing
