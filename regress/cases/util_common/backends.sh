# regress/cases/util_common/backends.sh - runs the checks of a util_* case
# once on SQLite and once on a throwaway PostgreSQL cluster, so every store
# test runs against both backends. Source it after lib.sh; it is not a
# case (no test.sh here). It defines:
#
#   UTIL            the coredns-util binary
#   BACKEND, DSN    "sqlite" or "pg", and the store's DSN (set per run)
#   u ARGS...       coredns-util --db "$DSN" ARGS, stderr to $ULOG
#   sq SQL          raw SQL on the store (sqlite3, or psql on the DSN);
#                   rows print as "a|b" lines on both
#   both FUNC       runs FUNC on SQLite, then on PostgreSQL
#   one_error DESC REGEX ARGS...
#                   coredns-util --db "$DSN" ARGS must fail with exit 1
#                   and exactly one line on stderr, matching REGEX
#                   ("errors are one line"); the line is left in ERR
#
# Check descriptions get a "[sqlite] " or "[pg] " prefix. The cluster
# is stopped (and its dir removed) by the EXIT trap.

. "$REGRESS_DIR/pg.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
ULOG=$PWD/util.log
: >"$ULOG"
BACKEND=
DSN=
PGDIR=

eval "lib_ok() $(declare -f ok | sed 1d)"
eval "lib_fail() $(declare -f fail | sed 1d)"
ok() {
	lib_ok "${BACKEND:+[$BACKEND] }$*"
}
fail() {
	local d=$1
	shift
	lib_fail "${BACKEND:+[$BACKEND] }$d" "$@"
}

util_backends_cleanup() {
	[ -n "$PGDIR" ] && pg_stop "$PGDIR"
	cleanup
}
trap util_backends_cleanup EXIT

u() {
	"$UTIL" --db "$DSN" "$@" 2>>"$ULOG"
}

sq() {
	if [ "$BACKEND" = pg ]; then
		psql "$DSN" -X -q -A -t -v ON_ERROR_STOP=1 -c "$*" 2>>"$ULOG"
	else
		sqlite3 "$PWD/sqlite.db" "$@" 2>>"$ULOG"
	fi
}

one_error() {
	local d=$1 re=$2 rc
	shift 2
	ERR=$("$UTIL" --db "$DSN" "$@" 2>&1 >/dev/null)
	rc=$?
	printf '%s\n' "$ERR" >>"$ULOG"
	if [ "$rc" = 1 ] && [ -n "$ERR" ] &&
		[ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] && [[ $ERR =~ $re ]]; then
		ok "$d: exit 1, one line"
	else
		fail "$d: exit 1, one line" "exit $rc, stderr:" "$ERR" \
		    "wanted one line matching: $re"
	fi
}

# both FUNC: FUNC's checks on a new SQLite file, then on a new cluster
both() {
	local tool
	if [ ! -x "$UTIL" ]; then
		fail "coredns-util binary found" "not executable: $UTIL"
		return 1
	fi
	for tool in sqlite3 psql; do
		command -v $tool >/dev/null 2>&1 || {
			fail "$tool found" "install sqlite3 and postgresql-client"
			return 1
		}
	done
	BACKEND=sqlite
	DSN=sqlite:$PWD/sqlite.db
	rm -f "$PWD/sqlite.db"
	"$1"
	BACKEND=pg
	PGDIR=$(mktemp -d /tmp/pg.XXXXXX)
	if ! DSN=$(pg_start "$PGDIR" 2>"$PWD/pg_start.log"); then
		fail "PostgreSQL cluster started" "$(cat "$PWD/pg_start.log")"
		return 1
	fi
	"$1"
	pg_stop "$PGDIR"
	PGDIR=
	BACKEND=
}
