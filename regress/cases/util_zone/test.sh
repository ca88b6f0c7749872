#!/bin/bash
# regress/cases/util_zone/test.sh - coredns-util zone: create, list, show,
# delete; import of a zone with many types and directives, export that
# named-checkzone accepts and named-compilezone reads as the original;
# re-import writes nothing; an edited file writes exactly the difference
# (checked in coredns_journal); a bad line names file:line, writes nothing.
# set-kind and increase-serial also by their pdnsutil spellings;
# increase-serial follows X-SERIAL-POLICY (increment, unixtime, date).
# Every check runs on SQLite and on PostgreSQL.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/util_common/backends.sh"

serial() {
	u zone show "$1" | sed -n 's/^serial: //p'
}
jcount() {
	sq "SELECT count(*) FROM coredns_journal"
}
for t in named-checkzone named-compilezone; do
	command -v $t >/dev/null 2>&1 || {
		fail "$t found" "install bind9utils"
		done_testing
	}
done
cp "$CASE_DIR/example.com.zone" "$CASE_DIR/inc.db" .

checks() {
	check_cmd "db init" u db init
	# ---- create, list, show, delete --------------------------------------
	check_cmd "zone create a.test" u zone create a.test
	check_cmd "create-zone b.test (pdnsutil spelling) MASTER" \
	    u create-zone b.test MASTER
	u zone create a.test >/dev/null
	check_eq "$?" 1 "creating an existing zone fails with 1"
	check_eq "$(u zone list | tr '\n' ' ')" "a.test b.test " "zone list"
	check_eq "$(u list-all-zones | wc -l)" 2 "list-all-zones"
	check_eq "$(sq "SELECT count(*) FROM records WHERE domain_id =
	    (SELECT id FROM domains WHERE name='a.test') AND type='NS'")" 0 \
	    "create without --ns writes no NS (as pdnsutil)"
	u zone create c.test --ns ns1.c.test >/dev/null
	check_eq "$(sq "SELECT content FROM records WHERE type='NS'")" ns1.c.test \
	    "create --ns writes the NS"
	show=$(u zone show b.test)
	check_has "$show" '^kind: MASTER$' "zone show: kind"
	check_has "$show" '^serial: 1$' "zone show: serial"
	check_has "$show" '^generation: [0-9]+$' "zone show: generation"
	check_has "$show" '^journal: ' "zone show: journal"
	check_cmd "zone set-kind" u zone set-kind b.test NATIVE
	check_has "$(u zone show b.test)" '^kind: NATIVE$' "set-kind took"
	check_cmd "zone increase-serial" u zone increase-serial b.test
	check_eq "$(serial b.test)" 2 "increase-serial: one step"
	check_cmd "set-kind (pdnsutil spelling)" u set-kind b.test MASTER
	check_has "$(u zone show b.test)" '^kind: MASTER$' \
	    "set-kind (pdnsutil spelling) took"
	check_cmd "increase-serial (pdnsutil spelling)" u increase-serial b.test
	check_eq "$(serial b.test)" 3 "increase-serial (pdnsutil spelling): one step"
	"$UTIL" --db "$DSN" set-kind b.test >/dev/null 2>&1
	check_eq "$?" 2 "set-kind without KIND: exit 2"
	"$UTIL" --db "$DSN" increase-serial >/dev/null 2>&1
	check_eq "$?" 2 "increase-serial without ZONE: exit 2"

	# ---- increase-serial follows the zone's X-SERIAL-POLICY ------------
	u zone create pol.test >/dev/null
	pid=$(sq "SELECT id FROM domains WHERE name = 'pol.test'")
	u zone increase-serial pol.test >/dev/null
	check_eq "$(serial pol.test)" 2 "no policy: increment"
	u metadata set pol.test X-SERIAL-POLICY increment >/dev/null
	u zone increase-serial pol.test >/dev/null
	check_eq "$(serial pol.test)" 3 "increment: + 1"
	u metadata set pol.test X-SERIAL-POLICY unixtime >/dev/null
	t0=$(date +%s)
	u zone increase-serial pol.test >/dev/null
	t1=$(date +%s)
	s=$(serial pol.test)
	if [ "$s" -ge "$t0" ] && [ "$s" -le "$t1" ]; then
		ok "unixtime: the clock"
	else
		fail "unixtime: the clock" "serial $s, clock $t0..$t1"
	fi
	u zone increase-serial pol.test >/dev/null
	t1=$(date +%s)
	s2=$(serial pol.test)
	if [ "$s2" -gt "$s" ] && { [ "$s2" -le "$t1" ] || [ "$s2" = $((s + 1)) ]; }; then
		ok "unixtime again: the clock, or + 1 within the same second"
	else
		fail "unixtime again: the clock, or + 1 within the same second" \
		    "serial $s then $s2, clock $t1"
	fi
	u metadata set pol.test X-SERIAL-POLICY date >/dev/null
	d0=$(date -u +%Y%m%d)
	u zone increase-serial pol.test >/dev/null
	d1=$(date -u +%Y%m%d)
	s=$(serial pol.test)
	check_match "$s" "${d0}00|${d1}00" "date: YYYYMMDD00 (UTC)"
	u zone increase-serial pol.test >/dev/null
	d2=$(date -u +%Y%m%d)
	# (or the next day's 00, when midnight just passed)
	check_match "$(serial pol.test)" "$((s + 1))|${d2}00" \
	    "date again the same day: nn + 1"
	s=$(serial pol.test)
	u metadata set pol.test X-SERIAL-POLICY bogus >/dev/null
	err=$("$UTIL" --db "$DSN" zone increase-serial pol.test 2>&1 >/dev/null)
	check_eq "$(serial pol.test)" $((s + 1)) "unknown policy: increment"
	check_has "$err" "unknown X-SERIAL-POLICY 'bogus'" \
	    "unknown policy: the store's warning still shown"
	# each step journaled from the old SOA to the new one, never through
	# the serial increase-serial writes to hand the step to the steward
	check_eq "$(sq "SELECT count(DISTINCT serial_to) FROM coredns_journal
	    WHERE domain_id = $pid")" 7 "7 steps, 7 journal steps"
	check_eq "$(sq "SELECT count(*) FROM coredns_journal
	    WHERE domain_id = $pid AND type = 'SOA' AND NOT (
	    (op = 'del' AND content LIKE '% ' || serial_from || ' %') OR
	    (op = 'add' AND content LIKE '% ' || serial_to || ' %'))")" 0 \
	    "journal: each step from the old SOA to the new one"
	check_cmd "zone delete pol.test" u zone delete pol.test
	check_cmd "zone delete" u zone delete b.test
	check_cmd "delete-zone (pdnsutil spelling)" u delete-zone c.test
	check_eq "$(u zone list)" a.test "deleted zones are gone"
	u zone show b.test >/dev/null
	check_eq "$?" 1 "show of a missing zone fails with 1"

	# ---- import, export --------------------------------------------------
	check_cmd "zone import" u zone import example.com.zone
	check_eq "$(serial example.com)" 2024010101 "the file's serial is kept"
	u zone export example.com >exp.zone
	check_eq "$?" 0 "zone export"
	check_nogrep exp.zone '^\$ORIGIN' "export has no \$ORIGIN"
	check_cmd "named-checkzone -i local accepts the export" \
	    named-checkzone -i local example.com exp.zone
	named-compilezone -i local -s full -o - example.com example.com.zone \
	    2>/dev/null | sort >orig.txt
	named-compilezone -i local -s full -o - example.com exp.zone \
	    2>/dev/null | sort >back.txt
	if [ -s orig.txt ] && cmp -s orig.txt back.txt; then
		ok "named-compilezone: export = original"
	else
		fail "named-compilezone: export = original" "$(diff orig.txt back.txt)"
	fi
	check_eq "$(u list-zone example.com | md5sum)" "$(md5sum <exp.zone)" \
	    "list-zone = zone export"
	check_eq "$(u zone export example.com | md5sum)" "$(md5sum <exp.zone)" \
	    "export is stable"

	# a new zone is bulk-loaded: one generation step, its serial served,
	# nothing pending, no journal (it starts at the loaded serial)
	check_eq "$(sq "SELECT generation || ' ' || served_serial FROM
	    coredns_zone_state s JOIN domains d ON d.id = s.domain_id
	    WHERE d.name = 'example.com'")" "2 2024010101" \
	    "bulk load: one generation step, serial served"
	check_eq "$(sq "SELECT count(*) FROM coredns_pending") $(jcount)" "0 0" \
	    "bulk load: nothing pending, no journal"
	check_eq "$(sq "SELECT count(*) FROM records WHERE name <> lower(name)
	    OR name LIKE '%.' OR (type = 'MX' AND prio = 0)")" 0 \
	    "bulk load: PowerDNS row conventions"

	j0=$(jcount)
	g0=$(u zone show example.com | sed -n 's/^generation: //p')
	out=$(u zone import example.com.zone)
	check_has "$out" ' 0 rrsets written' "re-import: nothing written"
	check_eq "$(serial example.com)" 2024010101 "re-import: serial unchanged"
	check_eq "$(jcount)" "$j0" "re-import: journal unchanged"
	check_eq "$(u zone show example.com | sed -n 's/^generation: //p')" "$g0" \
	    "re-import: generation unchanged"

	# edit: one address changed, one record removed, one added; same serial
	sed -e 's/^web\tA\t192.0.2.80/web\tA\t192.0.2.82/' \
	    -e '/^hinfo/d' example.com.zone >edit.zone
	echo 'new	AAAA	2001:db8::99' >>edit.zone
	check_cmd "import of the edited file" u load-zone example.com edit.zone
	s1=$(serial example.com)
	check_eq "$s1" 2024010102 "edited import: one serial step"
	check_eq "$(sq "SELECT count(DISTINCT serial_to) FROM coredns_journal
	    WHERE id > (SELECT coalesce(max(id), 0) FROM coredns_journal
	    WHERE serial_to = 2024010101)")" 1 "edited import: one journal step"
	jd=$(sq "SELECT op || ' ' || name || ' ' || type || ' ' || content
	    FROM coredns_journal WHERE serial_to = $s1 AND type <> 'SOA'
	    ORDER BY op, name, content")
	check_eq "$jd" "add new.example.com AAAA 2001:db8::99
add web.example.com A 192.0.2.82
del hinfo.example.com HINFO \"PC\" \"Linux\"
del web.example.com A 192.0.2.80" "journal holds exactly the difference"
	check_eq "$(sq "SELECT count(*) FROM coredns_journal
	    WHERE serial_to = $s1 AND type = 'SOA'")" 2 \
	    "journal: old and new SOA of the step"

	# ---- a bad line: error names file:line, nothing written -------------
	cp example.com.zone bad.zone
	echo 'oops	AAA	192.0.2.1' >>bad.zone
	n=$(wc -l <bad.zone)
	j1=$(jcount)
	r1=$(sq "SELECT count(*) FROM records")
	err=$("$UTIL" --db "$DSN" zone import bad.zone example.com 2>&1)
	check_eq "$?" 1 "bad file: exit 1"
	check_has "$err" "bad\\.zone:$n:" "bad file: error names file:line"
	check_eq "$(printf '%s\n' "$err" | wc -l)" 1 "bad file: one error line"
	check_eq "$(jcount) $(sq "SELECT count(*) FROM records")" "$j1 $r1" \
	    "bad file: nothing written"
	check_eq "$(serial example.com)" "$s1" "bad file: serial unchanged"

	# ---- import of a new zone by file name ------------------------------
	printf '@ 3600 IN SOA ns hm 7 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n' >new.test.zone
	check_cmd "import creates a zone named by the file" u zone import new.test.zone
	check_has "$(u zone show new.test)" '^kind: NATIVE$' "imported zone is NATIVE"
	check_eq "$(serial new.test)" 7 "imported zone keeps its serial"
	u zone export new.test | sort >new.exp
	check_eq "$(wc -l <new.exp)" 3 "bulk-loaded new.test: every record exported"
	# an admin's SQL edit afterwards: the triggers fire, one step
	nid=$(sq "SELECT id FROM domains WHERE name = 'new.test'")
	nj="SELECT count(*) FROM coredns_journal WHERE domain_id = $nid"
	check_eq "$(sq "$nj")" 0 "bulk-loaded new.test: no journal"
	sq "UPDATE records SET content = '192.0.2.2' WHERE domain_id = $nid
	    AND type = 'A'"
	check_cmd "db steward --once" u db steward --once
	check_eq "$(serial new.test)" 8 "SQL edit after a bulk load: one serial step"
	check_eq "$(sq "SELECT DISTINCT serial_from || '-' || serial_to FROM
	    coredns_journal WHERE domain_id = $nid") $(sq "$nj")" "7-8 4" \
	    "SQL edit after a bulk load: exactly one journal step"
	check_eq "$(sq "SELECT count(*) FROM coredns_pending")" 0 \
	    "SQL edit after a bulk load: nothing left pending"
	# a bad line in a new zone's file: nothing written, not even the zone
	printf '@ 3600 IN SOA ns hm 7 1 1 1 1\n@ NS ns\nns AAA 1\n' >bad.test.zone
	err=$("$UTIL" --db "$DSN" zone import bad.test.zone 2>&1)
	check_eq "$?:$(printf '%s\n' "$err" | wc -l)" "1:1" \
	    "bad new zone: exit 1, one error line"
	check_has "$err" 'bad\.test\.zone:3:' "bad new zone: error names file:line"
	check_eq "$(sq "SELECT count(*) FROM domains WHERE name = 'bad.test'")" 0 \
	    "bad new zone: nothing written"

	# ---- command line ----------------------------------------------------
	for s in "" create delete list show set-kind increase-serial import export; do
		out=$("$UTIL" zone $s --help 2>&1)
		check_eq "$?:$(printf '%s\n' "$out" | head -1 | cut -c1-6)" "0:Usage:" \
		    "zone $s --help"
	done
	"$UTIL" --db "$DSN" zone frobnicate >/dev/null 2>&1
	check_eq "$?" 2 "unknown subcommand: exit 2"
	"$UTIL" --db "$DSN" zone >/dev/null 2>&1
	check_eq "$?" 2 "missing subcommand: exit 2"
	"$UTIL" --db "$DSN" zone export >/dev/null 2>&1
	check_eq "$?" 2 "export without ZONE: exit 2"
	"$UTIL" --db "$DSN" load-zone example.com >/dev/null 2>&1
	check_eq "$?" 2 "load-zone without FILE: exit 2"

}

both checks
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports"
done_testing
