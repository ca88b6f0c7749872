#!/bin/bash
# regress/cases/util_rrset/test.sh - coredns-util rrset add, replace and
# delete (one serial step and journal step each), record list, metadata;
# on SQLite and on PostgreSQL.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/util_common/backends.sh"

serial() {
	u zone show "$1" | sed -n 's/^serial: //p'
}
steps() {
	sq "SELECT count(DISTINCT serial_to) FROM coredns_journal"
}
rrs() { # rrs NAME TYPE: the rrset as exported, rdata only
	u zone export r.test | awk -F'\t' -v n="$1." -v t="$2" \
	    '$1 == n && $4 == t { print $2 " " $5 }' | sort | tr '\n' ';'
}

checks() {
	check_cmd "db init" u db init
	check_cmd "zone create" u zone create r.test --ns ns1.r.test
	s0=$(serial r.test)
	j0=$(steps)

	check_cmd "rrset add" u rrset add r.test www A 300 192.0.2.1 192.0.2.2
	check_eq "$(serial r.test)" $((s0 + 1)) "add: one serial step"
	check_eq "$(steps)" $((j0 + 1)) "add: one journal step"
	check_eq "$(rrs www.r.test A)" "300 192.0.2.1;300 192.0.2.2;" "add: the rrset"
	check_cmd "add-record (pdnsutil spelling, no TTL)" \
	    u add-record r.test www A 192.0.2.3
	check_eq "$(serial r.test)" $((s0 + 2)) "add-record: one serial step"
	check_eq "$(rrs www.r.test A)" \
	    "3600 192.0.2.1;3600 192.0.2.2;3600 192.0.2.3;" \
	    "add-record: added; the rrset takes the TTL"
	check_cmd "rrset add MX at the apex" u rrset add r.test @ MX 600 "10 mail"
	check_eq "$(sq "SELECT prio || ' ' || content FROM records WHERE type='MX'")" \
	    "10 mail.r.test." "MX preference stored in prio"
	s1=$(serial r.test)
	j1=$(steps)
	check_cmd "rrset replace" u rrset replace r.test www A 300 192.0.2.3 192.0.2.9
	check_eq "$(serial r.test)" $((s1 + 1)) "replace: one serial step"
	check_eq "$(steps)" $((j1 + 1)) "replace: one journal step"
	check_eq "$(rrs www.r.test A)" "300 192.0.2.3;300 192.0.2.9;" "replace: the rrset"
	check_eq "$(sq "SELECT op || ' ' || content || ' ' || ttl FROM coredns_journal
	    WHERE serial_to = $((s1 + 1)) AND type = 'A' ORDER BY op, content")" \
	    "add 192.0.2.3 300
add 192.0.2.9 300
del 192.0.2.1 3600
del 192.0.2.2 3600
del 192.0.2.3 3600" "replace: journal holds the difference"
	check_cmd "replace-rrset (pdnsutil spelling)" \
	    u replace-rrset r.test txt TXT 60 '"a b"' '"c"'
	check_eq "$(rrs txt.r.test TXT)" '60 "a b";60 "c";' "replace-rrset: the rrset"
	s2=$(serial r.test)
	check_cmd "rrset delete" u rrset delete r.test www A
	check_eq "$(serial r.test)" $((s2 + 1)) "delete: one serial step"
	check_eq "$(rrs www.r.test A)" "" "delete: gone"
	check_cmd "delete-rrset (pdnsutil spelling)" u delete-rrset r.test txt TXT
	u rrset delete r.test www A >/dev/null
	check_eq "$?" 1 "deleting a missing rrset fails with 1"
	s3=$(serial r.test)
	u rrset add r.test bad A 300 not-an-address >/dev/null
	check_eq "$?" 1 "bad content: exit 1"
	check_eq "$(serial r.test)" "$s3" "bad content: nothing written"
	# ---- errors are one line (no warning or store log line before) -------
	one_error "name outside the zone" "^coredns-util rrset: 'x\.other\.test' is not in zone 'r\.test'\$" \
	    rrset add r.test x.other.test. A 300 192.0.2.1
	one_error "delete outside the zone" "is not in zone 'r\.test'\$" \
	    rrset delete r.test x.other.test. A
	one_error "bad content" "argument:1: bad A rdata" \
	    rrset add r.test bad A 300 192.0.2
	# an error of the database itself: the driver's message (which the
	# store logs) is folded into the tool's one line
	if [ "$BACKEND" = pg ]; then
		sq 'CREATE FUNCTION util_no_writes() RETURNS trigger
		    LANGUAGE plpgsql AS $f$ BEGIN
		    RAISE EXCEPTION $m$no writes today$m$; END $f$;
		    CREATE TRIGGER util_no_writes BEFORE INSERT ON records
		    FOR EACH ROW EXECUTE FUNCTION util_no_writes()'
	else
		sq "CREATE TRIGGER util_no_writes BEFORE INSERT ON records
		    BEGIN SELECT RAISE(ABORT, 'no writes today'); END"
	fi
	s4=$(serial r.test)
	one_error "a database error" \
	    '^coredns-util rrset: nothing written: .*\(.*no writes today.*\)$' \
	    rrset add r.test www A 300 192.0.2.1
	check_eq "$(serial r.test)" "$s4" "a database error: nothing written"
	if [ "$BACKEND" = pg ]; then
		sq "DROP TRIGGER util_no_writes ON records"
	else
		sq "DROP TRIGGER util_no_writes"
	fi
	u rrset add r.test ns1 A 300 192.0.2.53 >/dev/null
	u rrset add r.test mail A 300 192.0.2.25 >/dev/null
	check_cmd "named-checkzone -i local accepts the export" \
	    sh -c "'$UTIL' --db '$DSN' zone export r.test >r.zone &&
	    named-checkzone -i local r.test r.zone"

	out=$(u record list r.test)
	id=$(sq "SELECT id FROM records WHERE type='MX'")
	check_has "$out" "^$id	r\\.test	600	MX	10 mail\\.r\\.test\\.$" \
	    "record list: id, name, ttl, type, prio and content"
	check_eq "$(printf '%s\n' "$out" | wc -l)" \
	    "$(sq "SELECT count(*) FROM records")" "record list: every row"

	# ---- metadata ----------------------------------------------------------
	check_cmd "metadata set" u metadata set r.test ALLOW-AXFR-FROM \
	    192.0.2.0/24 2001:db8::/32
	check_eq "$(u metadata get r.test ALLOW-AXFR-FROM)" \
	    "ALLOW-AXFR-FROM = 192.0.2.0/24
ALLOW-AXFR-FROM = 2001:db8::/32" "metadata get"
	check_cmd "set-meta (pdnsutil spelling)" u set-meta r.test X-SERIAL-POLICY date
	check_eq "$(u get-meta r.test X-SERIAL-POLICY)" "X-SERIAL-POLICY = date" \
	    "get-meta"
	check_eq "$(u metadata list r.test | wc -l)" 3 "metadata list"
	check_cmd "metadata set without values removes" \
	    u metadata set r.test ALLOW-AXFR-FROM
	check_eq "$(u metadata list r.test)" "X-SERIAL-POLICY = date" "removed"

	# ---- command line ----------------------------------------------------
	for c in "rrset" "rrset add" "rrset replace" "rrset delete" "record" \
	    "record list" "metadata" "metadata get" "metadata set" "add-record"; do
		out=$("$UTIL" $c --help 2>&1)
		check_eq "$?:$(printf '%s\n' "$out" | head -1 | cut -c1-6)" "0:Usage:" \
		    "$c --help"
	done
	for c in "rrset" "rrset add r.test www A" "rrset delete r.test www" \
	    "record" "record list" "metadata get r.test" "metadata frob r.test"; do
		"$UTIL" --db "$DSN" $c >/dev/null 2>&1
		check_eq "$?" 2 "$c: exit 2"
	done
}

both checks
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports"
done_testing
