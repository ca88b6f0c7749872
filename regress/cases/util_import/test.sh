#!/bin/bash
# regress/cases/util_import/test.sh - coredns-util import named.conf
# (primary zones with their files, allow-transfer and also-notify as
# metadata, secondaries as SLAVE with their primaries in domains.master),
# check-zone of a zone in the store and journal prune; on SQLite and on
# PostgreSQL.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/util_common/backends.sh"

command -v named-checkconf >/dev/null 2>&1 || {
	fail "named-checkconf found" "install bind9utils"
	done_testing
}
serial() {
	u zone show "$1" | sed -n 's/^serial: //p'
}
meta() { # meta ZONE KIND: the values, one line, sorted
	u metadata get "$1" "$2" | sed 's/^[^=]*= //' | sort | tr '\n' ' '
}

# the files, new for each backend (the checks edit them)
files() {
mkdir -p conf/zones sub
cat >conf/named.conf <<'EOC'
/*
 * A BIND configuration: comments of three kinds, quoted and bare words,
 * nested blocks, and statements we do not import.
 */
options {
	directory "zones"; // zone files are relative to this
	listen-on port 53 { 127.0.0.1; };
	allow-query { any; };
	recursion no;
};
logging { channel x { file "named.log" versions 3; }; };
acl "xfr-peers" { 192.0.2.0/24; 2001:db8::/32; };
key "xfr-key." { algorithm hmac-sha256; secret "c2VjcmV0c2VjcmV0"; };
primaries upstreams { 192.0.2.53; 2001:db8::53 port 5300; };

zone "a.test" {
	type primary;
	file "a.test.zone"; # relative to the directory
	allow-transfer { xfr-peers; 198.51.100.7; key "xfr-key."; };
	also-notify { 192.0.2.10; 192.0.2.11 port 5300; 2001:db8::10; };
};
zone "b.test." IN {
	type master;
	file "/ABS/b.zone";
	also-notify port 5353 { 203.0.113.1; };
};
zone "c.test" {
	type secondary;
	primaries { 192.0.2.1; 192.0.2.2 port 5300; };
	file "c.test.bak";
};
zone "d.test" { type slave; masters { upstreams; }; file "d.bak"; };
zone "fwd.test" { type forward; forwarders { 192.0.2.99; }; };
EOC
sed -i "s|/ABS|$PWD/sub|" conf/named.conf
cat >conf/zones/a.test.zone <<'EOC'
$TTL 3600
@	IN SOA ns1 hostmaster 2024050101 3600 600 86400 300
	NS	ns1
ns1	A	192.0.2.53
www	A	192.0.2.80
mail	A	192.0.2.25
@	MX	10 mail
EOC
printf '@ 300 IN SOA ns hm 7 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n' >sub/b.zone
}

checks() {
	files
	check_cmd "db init" u db init
	out=$(u import named.conf conf/named.conf)
	check_eq "$?" 0 "import named.conf: exit 0"
	check_has "$out" '^created zone a\.test \(MASTER\) from .*a\.test\.zone: 6 records' \
	    "a.test created from directory/file"
	check_has "$out" '^created zone b\.test \(MASTER\) from /.*b\.zone' \
	    "b.test from an absolute path"
	check_has "$out" '^created zone c\.test \(SLAVE\), primaries 192\.0\.2\.1,192\.0\.2\.2:5300$' \
	    "c.test: a secondary"
	check_eq "$(u zone list | tr '\n' ' ')" "a.test b.test c.test d.test " \
	    "the forward zone is skipped"
	check_has "$(u zone show a.test)" '^kind: MASTER$' "a.test is MASTER"
	check_eq "$(serial a.test)" 2024050101 "a.test keeps its serial"
	check_eq "$(u zone export a.test | grep -c .)" 6 "a.test: every record"
	check_eq "$(meta a.test ALLOW-AXFR-FROM)" \
	    "192.0.2.0/24 198.51.100.7 2001:db8::/32 " \
	    "allow-transfer (with an acl) -> ALLOW-AXFR-FROM"
	check_eq "$(meta a.test TSIG-ALLOW-AXFR)" "xfr-key. " \
	    "allow-transfer key -> TSIG-ALLOW-AXFR"
	check_eq "$(meta a.test ALSO-NOTIFY)" \
	    "192.0.2.10 192.0.2.11:5300 2001:db8::10 " \
	    "also-notify -> ALSO-NOTIFY"
	check_eq "$(meta b.test ALSO-NOTIFY)" "203.0.113.1:5353 " \
	    "also-notify's own port"
	check_eq "$(meta b.test ALLOW-AXFR-FROM)" "" \
	    "no allow-transfer, no ALLOW-AXFR-FROM"
	check_eq "$(sq "SELECT type || ' ' || master FROM domains
	    WHERE name IN ('c.test', 'd.test') ORDER BY name")" \
	    "SLAVE 192.0.2.1,192.0.2.2:5300
SLAVE 192.0.2.53,[2001:db8::53]:5300" \
	    "secondaries: SLAVE with domains.master (a primaries list by name)"
	check_has "$(u zone show c.test)" '^master: 192\.0\.2\.1,' \
	    "zone show prints the primaries"
	check_eq "$(sq "SELECT count(*) FROM records WHERE domain_id =
	    (SELECT id FROM domains WHERE name = 'c.test')")" 0 \
	    "a secondary has no records"

	out=$(u import named.conf conf/named.conf)
	check_has "$out" '^imported zone a\.test \(MASTER\) .* 0 rrsets written' \
	    "import again: nothing written"
	check_eq "$(serial a.test)" 2024050101 "import again: serial unchanged"
	sed -i 's/192.0.2.80/192.0.2.81/' conf/zones/a.test.zone
	check_has "$(u import named.conf conf/named.conf)" \
	    '^imported zone a\.test .* 1 rrsets written, serial 2024050102$' \
	    "an edited zone file: one rrset, one serial step"

	# a zone that is NATIVE in the store becomes MASTER
	u zone set-kind b.test NATIVE >/dev/null
	u import named.conf conf/named.conf >/dev/null
	check_has "$(u zone show b.test)" '^kind: MASTER$' \
	    "the conf's type wins over the stored kind"

	# a bad zone file: that zone fails (exit 1), the others are imported
	printf 'zone "e.test" { type primary; file "e.zone"; };\n' >bad.conf
	printf 'zone "f.test" { type primary; file "f.zone"; };\n' >>bad.conf
	printf '@ 300 IN SOA ns hm 1 1 1 1 1\n@ NS ns\nx AAA 1\n' >e.zone
	printf '@ 300 IN SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n' >f.zone
	err=$("$UTIL" --db "$DSN" import named.conf bad.conf 2>&1 >/dev/null)
	check_eq "$?" 1 "a bad zone file: exit 1"
	check_has "$err" 'e\.zone:3:' "the error names file:line"
	check_eq "$(u zone list | grep -c '^[ef]\.test$')" 1 \
	    "the good zone is imported, the bad one not"
	printf 'zone "g.test" { type primary; file "f.zone" };\n' >syn.conf
	check_has "$("$UTIL" --db "$DSN" import named.conf syn.conf 2>&1)" \
	    "syn\\.conf:1: missing ';'" "a syntax error names file:line"

	# ---- check-zone ----------------------------------------------------
	out=$(u check-zone a.test)
	check_eq "$?" 0 "check-zone of a good zone: exit 0"
	check_has "$out" '^zone a\.test/IN: loaded serial 2024050102$' \
	    "check-zone: the serial loaded"
	check_cmd "zone check (our spelling)" u zone check b.test
	zid=$(sq "SELECT id FROM domains WHERE name = 'a.test'")
	sq "INSERT INTO records (domain_id, name, type, content, ttl, prio,
	    disabled) VALUES ($zid, 'www.a.test', 'CNAME', 'mail.a.test', 300,
	    0, false)"
	out=$(u check-zone a.test)
	check_eq "$?" 1 "check-zone with a CNAME beside data: exit 1"
	check_has "$out" 'CNAME and other data' "check-zone names the problem"
	u check-zone no.such.test >/dev/null
	check_eq "$?" 1 "check-zone of a missing zone: exit 1"
	check_cmd "check-zone ZONE FILE is still checkzone's file form" \
	    u check-zone b.test sub/b.zone

	# ---- journal prune -------------------------------------------------
	steps() {
		u journal show a.test | sed -n 's/.*(\([0-9]*\) steps.*/\1/p'
	}
	u db steward --once >/dev/null # the raw SQL edit: its own step
	s0=$(steps)
	for i in 1 2 3 4 5; do
		u rrset replace a.test "n$i" A 300 "192.0.2.$i" >/dev/null
	done
	check_eq "$(steps)" $((s0 + 5)) "journal show: five more steps"
	total=$(sq "SELECT count(*) FROM coredns_journal WHERE domain_id = $zid")
	check_has "$(u journal prune a.test 9)" \
	    '^zone a\.test journal: [0-9]+ -> [0-9]+ \(3 steps, 9 entries\)$' \
	    "journal prune 9: the newest 3 steps (3 entries each) kept"
	check_eq "$(sq "SELECT count(*) FROM coredns_journal
	    WHERE domain_id = $zid")" 9 "journal prune: rows gone ($total before)"
	check_cmd "journal prune 0" u journal prune a.test 0
	check_has "$(u journal show a.test)" 'journal: empty' "pruned to empty"
	u journal prune a.test -1 >/dev/null
	check_eq "$?" 2 "journal prune -1: exit 2"
	u journal prune no.such.test 5 >/dev/null
	check_eq "$?" 1 "journal prune of a missing zone: exit 1"

	# ---- command line ------------------------------------------------
	for c in "import" "journal" "journal prune" "zone check"; do
		out=$("$UTIL" $c --help 2>&1)
		check_eq "$?:$(printf '%s\n' "$out" | head -1 | cut -c1-6)" \
		    "0:Usage:" "$c --help"
	done
	for c in "import" "import zonefile x" "import named.conf" \
	    "journal" "journal prune a.test" "journal frob" "zone check"; do
		"$UTIL" --db "$DSN" $c >/dev/null 2>&1
		check_eq "$?" 2 "$c: exit 2"
	done
}

files
check_cmd "named-checkconf accepts the conf" \
    sh -c 'cd conf && named-checkconf named.conf'
both checks
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports"
done_testing
