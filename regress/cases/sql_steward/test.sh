#!/bin/bash
# regress/cases/sql_steward/test.sh - two servers on one PostgreSQL store:
# exactly one holds the serial steward lease (coredns_sql_steward summed
# over both is 1, and stays 1); a raw psql edit gets exactly one serial
# step (coredns-util journal show, coredns_journal, serial_steps_total
# summed) and both servers serve the new data with the same serial within
# 5 s; when the steward is stopped, an edit made meanwhile is not served
# unstepped, the other takes the lease within 15 s (lease 10 s), steps
# that edit and the next one. Then a crash: a third server joins as a
# follower, the steward is killed with SIGKILL (its lease is not handed
# back: the row still names it); a second later nobody is steward and an
# edit made after the crash is not served unstepped; the follower takes
# the lease within 15 s, not before 5 s (the dead lease had to run out),
# and steps that edit exactly once (one journal step, its
# serial_steps_total + 1).
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/sql_changes/sqllib.sh"

sql_need_tools

PGD=$(mktemp -d /tmp/pg.XXXXXX)
pg_new "$PGD" || done_testing
DSN=$PG_DSN
cat >s.zone <<'EOF'
$ORIGIN s.test.
$TTL 300
@	IN SOA	ns1 hostmaster 500 3600 600 86400 60
@	NS	ns1
ns1	A	192.0.2.53
www	A	192.0.2.1
EOF
check_cmd "db init" u "$DSN" db init
check_cmd "zone import" u "$DSN" zone import s.zone s.test

PORT1=$(free_port) || exit 1
MPORT1=$(free_port) || exit 1
PORT2=$(free_port) || exit 1
MPORT2=$(free_port) || exit 1
for n in 1 2; do
	eval "p=\$PORT$n mp=\$MPORT$n"
	cat >Corefile$n <<EOC
s.test:$p {
	bind 127.0.0.1
	prometheus 127.0.0.1:$mp
	sql "$DSN"
}
EOC
done
# the first server logs to coredns.log (run.sh shows its tail), the
# second to coredns2.log
LOG1=$PWD/coredns.log
LOG2=$PWD/coredns2.log
CD_LOG=$LOG1 PORT=$PORT1 START_DESC="server 1 started" start_coredns Corefile1 || done_testing
PID1=$CD_PID
CD_LOG=$LOG2 PORT=$PORT2 START_DESC="server 2 started" start_coredns Corefile2 || done_testing
PID2=$CD_PID

stewards() { # "S1 S2": coredns_sql_steward of each server
	echo "$(mval "$MPORT1" coredns_sql_steward) $(mval "$MPORT2" coredns_sql_steward)"
}
stew_sum() {
	local a b
	read -r a b <<<"$(stewards)"
	echo $((${a:-0} + ${b:-0}))
}
steps_sum() {
	echo $(($(mval "$MPORT1" coredns_sql_serial_steps_total) + \
	    $(mval "$MPORT2" coredns_sql_serial_steps_total)))
}
jshow() {
	u "$DSN" journal show s.test
}
both_serve() { # NAME: "answer@1 serial@1 | answer@2 serial@2"
	echo "$(short "$PORT1" "$1" A) $(serial_of "$PORT1" s.test) |" \
	    "$(short "$PORT2" "$1" A) $(serial_of "$PORT2" s.test)"
}

see 5 "192.0.2.1 500 | 192.0.2.1 500" "both servers serve the zone" both_serve www.s.test
see 5 1 "exactly one steward (sum of coredns_sql_steward over both is 1)" stew_sum
check_match "$(stewards)" "1 0|0 1" "one says 1, the other 0"
sleep 2.5 # more than a lease renewal period
check_eq "$(stew_sum)" 1 "still exactly one steward after a renewal period"
read -r st1 st2 <<<"$(stewards)"
if [ "$st1" = 1 ]; then
	S=1 SPID=$PID1 SLOG=$LOG1 OPORT=$PORT2 OMPORT=$MPORT2 OPID=$PID2 OLOG=$LOG2
else
	S=2 SPID=$PID2 SLOG=$LOG2 OPORT=$PORT1 OMPORT=$MPORT1 OPID=$PID1 OLOG=$LOG1
fi
echo "# server $S is the steward"
check_has "$(sq "$DSN" "SELECT holder FROM coredns_steward")" "pid $SPID( |$)" \
    "coredns_steward names the steward's pid"
check_grep "$SLOG" "now the serial steward" "the steward logged taking the lease"
check_nogrep "$OLOG" "now the serial steward" "the other did not"

# ---- one raw edit: one step, served by both --------------------------------
check_eq "$(jshow)" "zone s.test journal: empty" "journal empty after the import"
k0=$(steps_sum)
sq "$DSN" "BEGIN;
    INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
      SELECT id, 'new.s.test', 'A', '192.0.2.10', 300, 0, false FROM domains WHERE name = 's.test';
    UPDATE records SET content = '192.0.2.2' WHERE name = 'www.s.test';
    COMMIT;"
see 5 "192.0.2.10 501 | 192.0.2.10 501" "both serve the edit with serial 501 within 5 s" \
    both_serve new.s.test
echo "# seen by both after ${SEEN_MS} ms"
check_eq "$(both_serve www.s.test)" "192.0.2.2 501 | 192.0.2.2 501" "both serve the updated record"
sleep 1
check_eq "$(jshow)" "zone s.test journal: 500 -> 501 (1 steps, 5 entries)" \
    "coredns-util journal show: one step"
check_eq "$(sq "$DSN" "SELECT DISTINCT serial_from || '->' || serial_to FROM coredns_journal")" \
    "500->501" "coredns_journal: one step 500 -> 501"
check_eq "$(steps_sum)" $((k0 + 1)) "serial_steps_total summed over both: + 1"
check_eq "$(sq "$DSN" "SELECT content FROM records WHERE type = 'SOA'")" \
    "$(dq "$PORT1" +short s.test SOA)" "SOA row equals the served SOA"

# ---- the steward goes away ---------------------------------------------------
CD_LOG=$SLOG stop_coredns "$SPID"
t0=$(now_ms)
# an edit while nobody holds the lease: not served until someone steps it
sq "$DSN" "DELETE FROM records WHERE name = 'new.s.test'"
sleep 1
a=$(mval "$OMPORT" coredns_sql_steward)
got=$(short "$OPORT" new.s.test A)
b=$(mval "$OMPORT" coredns_sql_steward)
if [ "$a" = 0 ] && [ "$b" = 0 ]; then
	check_eq "$got $(serial_of "$OPORT" s.test)" "192.0.2.10 501" \
	    "an edit without a steward is not served unstepped"
else
	ok "an edit without a steward: not checked (the other server took the lease within 1 s)"
fi
see 15 1 "the other server becomes steward within 15 s" mval "$OMPORT" coredns_sql_steward
echo "# steward again after $(($(now_ms) - t0)) ms"
check_grep "$OLOG" "now the serial steward" "the new steward logged taking the lease"
see 5 NXDOMAIN "the edit made without a steward is stepped and served within 5 s" \
    rc_of "$OPORT" new.s.test A
check_eq "$(serial_of "$OPORT" s.test)" 502 "it got one step (502)"
sq "$DSN" "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled)
    SELECT id, 'after.s.test', 'A', '192.0.2.11', 300, 0, false FROM domains WHERE name = 's.test'"
see 5 192.0.2.11 "the new steward serves a later edit within 5 s" short "$OPORT" after.s.test A
check_eq "$(serial_of "$OPORT" s.test)" 503 "the new steward stepped it once (503)"
check_eq "$(jshow)" "zone s.test journal: 500 -> 503 (3 steps, 11 entries)" \
    "journal show: three steps"
check_eq "$(sq "$DSN" "SELECT content FROM records WHERE type = 'SOA'")" \
    "$(dq "$OPORT" +short s.test SOA)" "SOA row equals the served SOA"

# ---- the steward crashes: SIGKILL, the lease is not handed back ---------------
# a third server on the ports of the one stopped above
if [ "$S" = 1 ]; then
	NPORT=$PORT1 NMPORT=$MPORT1 NCONF=Corefile1
else
	NPORT=$PORT2 NMPORT=$MPORT2 NCONF=Corefile2
fi
LOG3=$PWD/coredns3.log
CD_LOG=$LOG3 PORT=$NPORT START_DESC="server 3 started" start_coredns $NCONF || done_testing
PID3=$CD_PID
serve_at() { # PORT NAME: "answer serial"
	echo "$(short "$1" "$2" A) $(serial_of "$1" s.test)"
}
see 5 "192.0.2.11 503" "server 3 serves the zone" serve_at "$NPORT" after.s.test
sleep 2.5 # more than a lease renewal period
check_eq "$(mval "$OMPORT" coredns_sql_steward) $(mval "$NMPORT" coredns_sql_steward)" "1 0" \
    "the steward keeps the lease, server 3 follows"
k0=$(mval "$NMPORT" coredns_sql_serial_steps_total)
kill -KILL "$OPID"
wait "$OPID"
check_eq "$?" 137 "the steward killed with SIGKILL"
sanitizer_check "$OLOG" "no sanitizer report in the killed steward's log"
t0=$(now_ms)
check_has "$(sq "$DSN" "SELECT holder FROM coredns_steward")" "pid $OPID( |$)" \
    "the lease row still names the killed steward (not handed back)"
sq "$DSN" "UPDATE records SET content = '192.0.2.12' WHERE name = 'after.s.test'"
sleep 1
check_eq "$(mval "$NMPORT" coredns_sql_steward) $(serve_at "$NPORT" after.s.test)" \
    "0 192.0.2.11 503" "1 s after the crash: no steward yet, the edit not served unstepped"
# the dead lease ends 10 s after its last renewal (whole seconds: up to
# 11 s), renewed every 2 s, so 8 to 11 s after the kill; the follower
# looks every 2 s: at most ~13.3 s
see 15 1 "server 3 becomes steward within 15 s of the crash" mval "$NMPORT" coredns_sql_steward
el=$(($(now_ms) - t0))
echo "# steward again ${el} ms after the crash"
if [ "$el" -ge 5000 ]; then
	ok "server 3 took the lease only after the dead one ran out (${el} ms)"
else
	fail "server 3 took the lease only after the dead one ran out" \
	    "after ${el} ms; the lease is 10 s, renewed every 2 s"
fi
check_has "$(sq "$DSN" "SELECT holder FROM coredns_steward")" "pid $PID3( |$)" \
    "coredns_steward names server 3"
check_grep "$LOG3" "now the serial steward" "server 3 logged taking the lease"
see 5 "192.0.2.12 504" "the edit made after the crash is stepped and served within 5 s" \
    serve_at "$NPORT" after.s.test
sleep 1
check_eq "$(serve_at "$NPORT" after.s.test)" "192.0.2.12 504" "stepped exactly once (504)"
check_eq "$(mval "$NMPORT" coredns_sql_serial_steps_total)" $((${k0:-0} + 1)) \
    "server 3's serial_steps_total + 1"
check_eq "$(jshow)" "zone s.test journal: 500 -> 504 (4 steps, 15 entries)" \
    "journal show: one more step"
check_eq "$(sq "$DSN" "SELECT content FROM records WHERE type = 'SOA'")" \
    "$(dq "$NPORT" +short s.test SOA)" "SOA row equals the served SOA"
CD_LOG=$LOG3 stop_coredns "$PID3"
done_testing
