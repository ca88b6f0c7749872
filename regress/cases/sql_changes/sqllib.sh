# regress/cases/sql_changes/sqllib.sh - helpers of the sql_* cases (the
# sql plugin on a SQLite file or a throwaway PostgreSQL cluster). Source
# it after lib.sh; it is not a case by itself. It defines:
#
#   UTIL              the coredns-util binary
#   sql_need_tools    fails the case (done_testing) without coredns-util,
#                     sqlite3 or psql
#   BACKEND           when set, check descriptions get a "[BACKEND] " prefix
#   u DSN ARGS...     coredns-util --db DSN ARGS (stderr to $SQL_LOG)
#   sq DSN SQL        raw SQL on the store, SQL read from its argument
#                     (several statements allowed): sqlite3 with a 5 s busy
#                     timeout, or psql -v ON_ERROR_STOP=1; rows print as
#                     "a|b" on both; exit status non-zero on an error
#   pg_new DIR        pg_start DIR (a new dir), remembering DIR for the
#                     EXIT trap; sets PG_DSN; on failure a failed check
#   pg_halt DIR       stops that cluster but keeps DIR (pg_ctl stop, then
#                     SIGKILL of the postmaster by its PID)
#   pg_resume DIR     starts it again on the same socket dir and port
#   now_ms            monotonic-enough wall clock in milliseconds
#   dq PORT ARGS...   bounded dig at 127.0.0.1:PORT
#   short PORT NAME TYPE   the +short answer, lines joined by one space
#                     (sorted)
#   rc_of PORT ARGS...     the rcode name ("none" without an answer)
#   serial_of PORT ZONE    the served SOA serial
#   see SECS WANT DESC CMD...  polls CMD every 0.1 s until its output is
#                     WANT (at most SECS s), then check_eq on the last
#                     output; SEEN_MS is the time it took
#   mval MPORT NAME   the value of metric NAME (no labels) from
#                     /metrics on 127.0.0.1:MPORT ("" when unreachable)
#   hget PORT PATH    "CODE BODY" of an HTTP GET on 127.0.0.1:PORT
#
# Clusters made with pg_new are stopped and removed on exit, after the
# daemons (lib.sh's cleanup).

. "$REGRESS_DIR/pg.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
SQL_LOG=$PWD/sql.log
: >"$SQL_LOG"
SQL_PGDIRS=()
BACKEND=

eval "sqllib_ok() $(declare -f ok | sed 1d)"
eval "sqllib_fail() $(declare -f fail | sed 1d)"
ok() {
	sqllib_ok "${BACKEND:+[$BACKEND] }$*"
}
fail() {
	local d=$1
	shift
	sqllib_fail "${BACKEND:+[$BACKEND] }$d" "$@"
}

sqllib_cleanup() {
	local d
	cleanup
	for d in "${SQL_PGDIRS[@]}"; do
		pg_stop "$d"
	done
}
trap sqllib_cleanup EXIT

sql_need_tools() {
	local t
	if [ ! -x "$UTIL" ]; then
		fail "coredns-util binary found" "not executable: $UTIL"
		done_testing
	fi
	for t in sqlite3 psql dig curl; do
		if ! command -v $t >/dev/null 2>&1; then
			fail "$t found" "install sqlite3, postgresql-client, dnsutils, curl"
			done_testing
		fi
	done
}

u() {
	local dsn=$1
	shift
	"$UTIL" --db "$dsn" "$@" 2>>"$SQL_LOG"
}

sq() {
	local dsn=$1
	shift
	echo "-- sq $dsn: $*" >>"$SQL_LOG"
	case $dsn in
	sqlite:*)
		printf '%s\n' "$*" |
			sqlite3 -bail -cmd ".timeout 5000" "${dsn#sqlite:}" 2>>"$SQL_LOG"
		;;
	*)
		printf '%s\n' "$*" |
			psql "$dsn" -X -q -A -t -v ON_ERROR_STOP=1 -f - 2>>"$SQL_LOG"
		;;
	esac
}

pg_new() {
	local out
	SQL_PGDIRS+=("$1")
	PG_DSN=
	if ! out=$(pg_start "$1" 2>"$PWD/pg_start.log"); then
		fail "PostgreSQL cluster started" "$(cat "$PWD/pg_start.log")"
		return 1
	fi
	PG_DSN=$out
}

pg_halt() {
	local d=$1 b p
	b=$(pg_bindir) || return 1
	pg_as "$b/pg_ctl" -D "$d/data" -m fast -w -t 20 stop >>"$d/halt.log" 2>&1
	if [ -f "$d/data/postmaster.pid" ]; then
		p=$(head -n 1 "$d/data/postmaster.pid")
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null
		sleep 0.5
		rm -f "$d/data/postmaster.pid"
	fi
	return 0
}

pg_resume() {
	local d=$1 b
	b=$(pg_bindir) || return 1
	pg_as "$b/pg_ctl" -D "$d/data" -l "$d/postgres.log" -w -t 30 \
		-o "-k $d -p 5432 -h '' $PG_FAST" start >>"$d/resume.log" 2>&1
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

dq() {
	local p=$1
	shift
	dig @127.0.0.1 -p "$p" +time=2 +tries=1 "$@"
}

short() {
	dq "$1" +short "$2" "$3" 2>&1 | sort | tr '\n' ' ' | sed 's/ $//'
}

rc_of() {
	local out st
	out=$(dq "$@" 2>&1)
	st=$(printf '%s\n' "$out" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | tail -n 1)
	echo "${st:-none}"
}

serial_of() {
	dq "$1" +short "$2" SOA 2>/dev/null | awk 'NR == 1 { print $3 }'
}

SEEN_MS=0
see() {
	local secs=$1 want=$2 desc=$3 got t0 end
	shift 3
	t0=$(now_ms)
	end=$((t0 + secs * 1000))
	while :; do
		got=$("$@" 2>&1)
		[ "$got" = "$want" ] && break
		[ "$(now_ms)" -ge "$end" ] && break
		sleep 0.1
	done
	SEEN_MS=$(($(now_ms) - t0))
	check_eq "$got" "$want" "$desc"
}

mval() {
	curl -s -m 3 "http://127.0.0.1:$1/metrics" 2>/dev/null |
		awk -v k="$2" '$1 == k { print $2 }'
}

hget() {
	local out
	out=$(curl -s -m 3 -w '\n%{http_code}' "http://127.0.0.1:$1$2")
	printf '%s %s\n' "${out##*$'\n'}" "${out%$'\n'*}"
}
