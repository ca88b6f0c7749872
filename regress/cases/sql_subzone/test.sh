#!/bin/bash
# regress/cases/sql_subzone/test.sh - the sql plugin when the set of
# zones changes under cached answers, and /metrics and /ready read while
# zone tables are swapped:
# - answers that looked a name up again inside their own zone (a CNAME
#   target, an MX target's address) are cached, and after a zone is
#   created below that name the new, deeper zone answers (subzone.py);
# - /metrics and /ready scraped in a loop while raw SQL edits swap the
#   zone table and queries run: the server stays up, answers, and (in
#   the sanitizer build) reports nothing (the main thread's reads of the
#   table have their own hazard slot).
. "$REGRESS_DIR/lib.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
if [ ! -x "$UTIL" ]; then
	fail "coredns-util binary found" "not executable: $UTIL"
	done_testing
fi
DB=$PWD/s.db
check_cmd "db init" "$UTIL" --db "sqlite:$DB" db init
check_cmd "zone import example.test" "$UTIL" --db "sqlite:$DB" zone import \
	"$CASE_DIR/example.test.zone" example.test

PORT=$(free_port) || exit 1
MPORT=$(free_port) || exit 1
RPORT=$(free_port) || exit 1
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
	ready 127.0.0.1:$RPORT
	sql sqlite:$DB {
		poll 20ms
	}
}
EOC
# one worker: every query meets the same per-worker cache
start_coredns Corefile -workers 1 || done_testing
for i in $(seq 1 25); do
	[ "$(q_status tokid.example.test A)" = NOERROR ] && break
	sleep 0.2
done
check_eq "$(q_status tokid.example.test A)" NOERROR "example.test loaded"

py "$CASE_DIR/subzone.py" "$PORT" "$MPORT" "$DB" "$UTIL" "$CASE_DIR/kid.example.test.zone"
stop_coredns

# --- scrapes during table swaps, two workers ---
start_coredns Corefile -workers 2 || done_testing
for i in $(seq 1 25); do
	[ "$(q_status tokid.example.test A)" = NOERROR ] && break
	sleep 0.2
done
end=$((SECONDS + 5))
(
	while [ $SECONDS -lt $end ]; do
		curl -s -m 2 -o /dev/null "http://127.0.0.1:$MPORT/metrics"
		curl -s -m 2 -o /dev/null "http://127.0.0.1:$RPORT/ready"
	done
) &
SCRAPER=$!
bg_track "$SCRAPER"
n=0
while [ $SECONDS -lt $end ]; do
	n=$((n + 1))
	sqlite3 -cmd '.timeout 5000' "$DB" \
		"UPDATE records SET content = '192.0.2.$((n % 200 + 1))' WHERE name = 'www.kid.example.test' AND type = 'A'" ||
		break
	dig @127.0.0.1 -p "$PORT" +time=2 +tries=1 +short tokid.example.test A >/dev/null
	sleep 0.03
done
wait "$SCRAPER" 2>/dev/null
check_match "$n" '^[0-9]{2,}$' "$n raw SQL edits made while /metrics and /ready were scraped"
check_eq "$(q_status tokid.example.test A)" NOERROR "still answering after the scrapes"
stop_coredns
done_testing
