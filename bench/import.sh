#!/usr/bin/env bash
# bench/import.sh - the `import` scenario: how fast a BIND zone file of N
# records gets into the SQL store, ours (`coredns-util zone import`) against
# PowerDNS (`pdnsutil load-zone`), on SQLite and on PostgreSQL.
#
#   bench/import.sh [--quick] [--records N] [--runs R] [--seed S] [--out DIR]
#                   [--build-dir DIR] [--bound S] [--no-install]
#
# Default 1000000 records, 3 runs (median, min-max); --quick: 100000
# records, 1 run. Every run imports into a fresh, empty store (the store's
# schema made before the clock starts). Output: DIR/import/ (default
# bench/out/import/): results.md, results.jsonl, commands.txt,
# machine.txt and the logs. Nothing listens on the network: PostgreSQL is a
# throwaway cluster on a unix socket (regress/pg.sh). Every process this
# script starts is stopped by its PID. Exit 0 unless an import failed.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=${BENCH_SRC_DIR:-$(cd "$BENCH_DIR/.." && pwd)}
PY=/usr/bin/python3
LIB="$BENCH_DIR/benchlib.py"

usage() {
	sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	cat <<'EOF'
options:
  --quick          100000 records, 1 run (unless given)
  --records N      records in the generated zone (default 1000000)
  --runs R         imports per importer and backend (default 3; --quick 1)
  --seed S         data seed (default 20240101, as bench/run.sh)
  --out DIR        output folder (default bench/out; results in DIR/import)
  --build-dir DIR  an already configured build tree: `make utils/coredns-util`
                   there instead of building in DIR/build-import
  --bound S        stop an import that runs longer than S s (default 600)
  --no-install     do not apt-get install what is missing
  BENCH_UTIL_BIN=/path/to/coredns-util uses a given binary.
EOF
}

QUICK=0 RECORDS="" RUNS="" SEED=20240101 OUT="$BENCH_DIR/out" BUILD_DIR="" BOUND=600 INSTALL=1
while [[ $# -gt 0 ]]; do
	case $1 in
	--quick) QUICK=1 ;;
	--records) RECORDS=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--seed) SEED=$2; shift ;;
	--out) OUT=$2; shift ;;
	--build-dir) BUILD_DIR=$2; shift ;;
	--bound) BOUND=$2; shift ;;
	--no-install) INSTALL=0 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "import.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if ((QUICK)); then : "${RECORDS:=100000}" "${RUNS:=1}"; else : "${RECORDS:=1000000}" "${RUNS:=3}"; fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RES="$OUT/import"
rm -rf "$RES"
mkdir -p "$RES/logs"
JSONL="$RES/results.jsonl" COMMANDS="$RES/commands.txt" NOTES="$RES/notes.txt"
: >"$JSONL" >"$COMMANDS" >"$NOTES"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
note() { log "$*"; printf '%s\n' "$*" >>"$NOTES"; }
cmdlog() { printf '%s\n' "$*" >>"$COMMANDS"; log "+ $*"; }

# ---------------------------------------------------------------- processes
STARTED=()     # PIDs this script started and has not reaped yet
PG_DIRS=()     # clusters to pg_stop at exit
TMPS=()        # temp dirs to remove at exit
# shellcheck source=../regress/pg.sh
. "$SRC_DIR/regress/pg.sh"

stop_pid() { # PID: TERM its tree, bounded wait, KILL what is left
	local pid=$1 i p tree
	[[ -d /proc/$pid ]] || return 0
	tree=$("$PY" "$LIB" tree "$pid" | tr '\n' ' ')
	kill -TERM $tree 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		[[ -z $("$PY" "$LIB" alive $tree) ]] && break
		sleep 0.1
	done
	for p in $("$PY" "$LIB" alive $tree); do kill -KILL "$p" 2>/dev/null || true; done
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED[i]}"; done
	for i in "${PG_DIRS[@]}"; do pg_stop "$i" || true; done
	for i in "${TMPS[@]}"; do rm -rf "$i"; done
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- install
install_missing() {
	local pkgs=""
	[[ -x /usr/bin/time ]] || pkgs+=" time"
	command -v sqlite3 >/dev/null || pkgs+=" sqlite3"
	command -v pdnsutil >/dev/null || pkgs+=" pdns-server"
	[[ -f /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql ]] || pkgs+=" pdns-backend-sqlite3"
	[[ -f /usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql ]] || pkgs+=" pdns-backend-pgsql"
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || pkgs+=" postgresql"
	[[ -z $pkgs ]] && return 0
	if ((!INSTALL)); then log "missing (not installing, --no-install):$pkgs"; return 0; fi
	log "installing from Debian:$pkgs"
	local apt=(apt-get -o DPkg::Lock::Timeout=120 install -y -q --no-install-recommends)
	if ! DEBIAN_FRONTEND=noninteractive timeout 900 "${apt[@]}" $pkgs >"$RES/apt.log" 2>&1; then
		timeout 300 apt-get -o DPkg::Lock::Timeout=120 update -q >>"$RES/apt.log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive timeout 900 "${apt[@]}" $pkgs >>"$RES/apt.log" 2>&1 ||
			log "apt-get install failed (see $RES/apt.log)"
	fi
}

# ---------------------------------------------------------------- our tool
UTIL="" UTIL_SKIP=""
build_util() {
	if [[ -n ${BENCH_UTIL_BIN:-} ]]; then
		UTIL=$BENCH_UTIL_BIN
		cmdlog "(given) BENCH_UTIL_BIN=$UTIL"
		return
	fi
	if [[ -n $BUILD_DIR ]]; then
		BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
		log "coredns-util: make in $BUILD_DIR"
		if ! (cd "$BUILD_DIR" && timeout 900 make -j"$(nproc)" utils/coredns-util) >"$RES/build.log" 2>&1; then
			UTIL_SKIP="make utils/coredns-util failed in $BUILD_DIR, see $RES/build.log"
			return
		fi
		UTIL="$BUILD_DIR/utils/coredns-util"
		cmdlog "(build) cd $BUILD_DIR && make -j$(nproc) utils/coredns-util"
		return
	fi
	# as bench/run.sh: a copy of the tree (nothing generated lands in the
	# work tree), autogen, VPATH configure, -O2 -g, no sanitizers; rebuilt
	# only when a source file changed
	local b="$OUT/build-import" h
	mkdir -p "$b"
	h=$(cd "$SRC_DIR" && find . \( -path ./.git -o -path ./bench -o -path './build*' -o -name '*.o' -o -name '*.a' -o -name aclocal.m4 -o -name config.h \
		-o -name .deps -o -name autom4te.cache \) -prune -o -type f \
		\( -name '*.[ch]' -o -name '*.am' -o -name '*.inc' -o -name '*.def' -o -name '*.ac' -o -name '*.sql' \
		-o -name '*.m4' -o -name autogen.sh \) -print | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
	if [[ -x $b/obj/utils/coredns-util && -f $b/hash && $(cat "$b/hash") == "$h" ]]; then
		log "coredns-util: sources unchanged, reusing $b/obj/utils/coredns-util"
	else
		log "coredns-util: building in $b (copy of the tree, CFLAGS='-O2 -g', --disable-sanitizers)"
		rm -rf "$b/src" "$b/obj" "$b/hash"
		mkdir -p "$b/src" "$b/obj"
		(cd "$SRC_DIR" && tar -cf - --exclude=./.git --exclude=./bench --exclude='./build*' --exclude='*.o' --exclude='*.a' \
			--exclude=.deps --exclude=config.status --exclude=config.log --exclude=./config.h \
			--exclude=./Makefile --exclude=stamp-h1 --exclude=autom4te.cache --exclude=.dirstamp \
			--exclude=./server/coredns --exclude=./utils/coredns-util --exclude=./libtool .) | tar -C "$b/src" -xf -
		if ! (cd "$b/src" && timeout 300 ./autogen.sh) >"$b/build.log" 2>&1; then
			UTIL_SKIP="autogen.sh failed, see $b/build.log"; return
		fi
		if ! (cd "$b/obj" && CFLAGS='-O2 -g' timeout 300 ../src/configure --disable-sanitizers) >>"$b/build.log" 2>&1; then
			UTIL_SKIP="configure failed, see $b/build.log"; return
		fi
		if ! (cd "$b/obj" && timeout 900 make -j"$(nproc)" utils/coredns-util) >>"$b/build.log" 2>&1; then
			UTIL_SKIP="make utils/coredns-util failed, see $b/build.log"; return
		fi
		echo "$h" >"$b/hash"
	fi
	UTIL="$b/obj/utils/coredns-util"
	cmdlog "(build) cd $b/obj && CFLAGS='-O2 -g' ../src/configure --disable-sanitizers && make -j$(nproc) utils/coredns-util"
}

# ---------------------------------------------------------------- data
DATA="" ZONE="" EXPECT=""
gen_data() {
	DATA="$OUT/data/r$RECORDS-s$SEED"
	ZONE="$DATA/bench.test.zone"
	if [[ ! -f $ZONE || ! -f $DATA/meta.json ]]; then
		log "generating data: $RECORDS records, seed $SEED -> $DATA"
		mkdir -p "$DATA"
		"$PY" "$BENCH_DIR/gen_data.py" --records "$RECORDS" --seed "$SEED" --out "$DATA"
		sha256sum "$BENCH_DIR/gen_data.py" | cut -c1-16 >"$DATA/stamp"
	fi
	cmdlog "(data) $PY bench/gen_data.py --records $RECORDS --seed $SEED --out $DATA"
	# every resource record of the file: the N generated ones plus SOA,
	# apex NS, delegations, glue
	EXPECT=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["total_rrs"])' "$DATA/meta.json")
}

# ---------------------------------------------------------------- runs
# timed TAG RUN CMD...: run CMD under /usr/bin/time, bounded by BOUND s;
# sets T_WALL T_RSS T_USER T_SYS T_RC (124: stopped at the bound)
timed() {
	local tag=$1 run=$2 tf pid wd
	shift 2
	tf="$RES/logs/$tag-$run.time"
	cmdlog "$(printf '%q ' "$@")"
	/usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >"$RES/logs/$tag-$run.log" 2>&1 </dev/null &
	pid=$!
	STARTED+=("$pid")
	# the watchdog: stops the import's tree (by PID) at the bound
	(
		sleep "$BOUND"
		echo "stopped at the bound of $BOUND s" >>"$RES/logs/$tag-$run.log"
		# the importer under /usr/bin/time (not time itself: it reports)
		for p in $("$PY" "$LIB" tree "$pid" | tail -n +2 | tac); do kill -TERM "$p" 2>/dev/null || true; done
	) &
	wd=$!
	T_RC=0
	wait "$pid" || T_RC=$?
	local keep=() p
	for p in "${STARTED[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
	STARTED=("${keep[@]}")
	if [[ -d /proc/$wd ]]; then
		"$PY" "$LIB" tree "$wd" | while read -r p; do kill -TERM "$p" 2>/dev/null || true; done
		wait "$wd" 2>/dev/null || true
	else
		wait "$wd" 2>/dev/null || true
		T_RC=124
	fi
	# GNU time writes "Command exited with non-zero status N" first
	T_WALL="" T_RSS="" T_USER="" T_SYS=""
	read -r T_WALL T_RSS T_USER T_SYS < <(tail -n 1 "$tf") || true
	if [[ ! $T_WALL =~ ^[0-9.]+$ ]]; then T_WALL="" T_RSS="" T_USER="" T_SYS=""; ((T_RC)) || T_RC=1; fi
	if [[ $T_RC == 124 && -z $T_WALL ]]; then T_WALL=$BOUND; fi
}

PG_BIN="" PGDIR="" PGDSN="" PG_SKIP=""
pg_up() {
	PG_BIN=$(pg_bindir) || { PG_SKIP="PostgreSQL not installed"; return 1; }
	PGDIR=$(mktemp -d /tmp/bimp-pg.XXXXXX)
	PG_DIRS+=("$PGDIR")
	if ! PGDSN=$(pg_start "$PGDIR"); then PG_SKIP="pg_start failed"; return 1; fi
	cmdlog "(postgres) . regress/pg.sh; pg_start DIR   # $($PG_BIN/postgres --version): unix socket only, $PG_FAST"
}
pg_pid() { head -n 1 "$PGDIR/data/postmaster.pid"; }
psqlc() { # DB SQL...
	local db=$1
	shift
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGDIR" -p 5432 -U postgres -d "$db" "$@"
}
pg_ticks() { "$PY" "$LIB" treestat "$(pg_pid)" | cut -d' ' -f1; }   # postgres tree + reaped backends

COUNT_SQL="SELECT count(*) FROM records r JOIN domains d ON d.id = r.domain_id WHERE d.name = 'bench.test' AND r.type IS NOT NULL"
FAILED=0

# record IMPORTER BACKEND RUN COUNT PENDING PGCPU
record() {
	local imp=$1 be=$2 run=$3 count=$4 pending=${5:-} pgcpu=${6:-}
	local ok=true
	[[ $T_RC != 0 || $count != "$EXPECT" ]] && ok=false
	$ok || FAILED=1
	printf '{"importer":"%s","backend":"%s","run":%d,"wall":%s,"rss_kib":%s,"user":%s,"sys":%s,"rc":%d,"count":%s,"expect":%s,"pending":%s,"pg_cpu":%s,"ok":%s}\n' \
		"$imp" "$be" "$run" "${T_WALL:-null}" "${T_RSS:-null}" "${T_USER:-null}" "${T_SYS:-null}" "$T_RC" \
		"${count:-null}" "$EXPECT" "${pending:-null}" "${pgcpu:-null}" "$ok" >>"$JSONL"
	log "$imp/$be run $run: ${T_WALL}s, max RSS ${T_RSS} KiB, rows $count of $EXPECT, rc $T_RC${pgcpu:+, postgres CPU ${pgcpu}s}"
}

ours_sqlite() { # RUN
	local run=$1 dir db count pend
	dir=$(mktemp -d /tmp/bimp-sq.XXXXXX); TMPS+=("$dir")
	db="$dir/ours.sqlite3"
	cmdlog "$UTIL --db sqlite:$db db init   # not timed"
	if ! "$UTIL" --db "sqlite:$db" db init >"$RES/logs/ours-sqlite-init-$run.log" 2>&1; then
		note "ours/sqlite run $run: db init failed: $(tail -n 1 "$RES/logs/ours-sqlite-init-$run.log")"
		FAILED=1
		return 0
	fi
	timed ours-sqlite "$run" "$UTIL" --db "sqlite:$db" zone import "$ZONE" bench.test
	count=$(sqlite3 "$db" "$COUNT_SQL" 2>/dev/null || echo 0)
	pend=$(sqlite3 "$db" "SELECT count(*) FROM coredns_pending" 2>/dev/null || echo null)
	record ours sqlite "$run" "$count" "$pend"
	rm -rf "$dir"
}

pdns_sqlite() { # RUN
	local run=$1 dir db count
	dir=$(mktemp -d /tmp/bimp-ps.XXXXXX); TMPS+=("$dir")
	db="$dir/pdns.sqlite3"
	sqlite3 "$db" </usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
	printf 'launch=gsqlite3\ngsqlite3-database=%s\n' "$db" >"$dir/pdns.conf"
	cmdlog "sqlite3 $db < /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql   # not timed; pdns.conf: $(tr '\n' ' ' <"$dir/pdns.conf")"
	timed pdns-sqlite "$run" pdnsutil --config-dir="$dir" load-zone bench.test "$ZONE"
	count=$(sqlite3 "$db" "$COUNT_SQL" 2>/dev/null || echo 0)
	record pdnsutil sqlite "$run" "$count"
	rm -rf "$dir"
}

ours_pgsql() { # RUN
	local run=$1 db="ours_$1" count pend t0 t1
	psqlc postgres -c "CREATE DATABASE $db" >/dev/null
	local dsn="host=$PGDIR port=5432 user=postgres dbname=$db"
	cmdlog "$UTIL --db '$dsn' db init   # not timed"
	if ! "$UTIL" --db "$dsn" db init >"$RES/logs/ours-pgsql-init-$run.log" 2>&1; then
		note "ours/pgsql run $run: db init failed: $(tail -n 1 "$RES/logs/ours-pgsql-init-$run.log")"
		FAILED=1
		return 0
	fi
	t0=$(pg_ticks)
	timed ours-pgsql "$run" "$UTIL" --db "$dsn" zone import "$ZONE" bench.test
	t1=$(pg_ticks)
	count=$(psqlc "$db" -c "$COUNT_SQL" 2>/dev/null || echo 0)
	pend=$(psqlc "$db" -c "SELECT count(*) FROM coredns_pending" 2>/dev/null || echo null)
	record ours pgsql "$run" "$count" "$pend" "$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (b-a)/hz}')"
	psqlc postgres -c "DROP DATABASE $db" >/dev/null
}

pdns_pgsql() { # RUN
	local run=$1 db="pdns_$1" dir count t0 t1
	dir=$(mktemp -d /tmp/bimp-pp.XXXXXX); TMPS+=("$dir")
	psqlc postgres -c "CREATE DATABASE $db" >/dev/null
	psqlc "$db" -f /usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql >/dev/null
	printf 'launch=gpgsql\ngpgsql-host=%s\ngpgsql-port=5432\ngpgsql-dbname=%s\ngpgsql-user=postgres\n' "$PGDIR" "$db" >"$dir/pdns.conf"
	cmdlog "psql -d $db -f /usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql   # not timed; pdns.conf: $(tr '\n' ' ' <"$dir/pdns.conf")"
	t0=$(pg_ticks)
	timed pdns-pgsql "$run" pdnsutil --config-dir="$dir" load-zone bench.test "$ZONE"
	t1=$(pg_ticks)
	count=$(psqlc "$db" -c "$COUNT_SQL" 2>/dev/null || echo 0)
	record pdnsutil pgsql "$run" "$count" "" "$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (b-a)/hz}')"
	psqlc postgres -c "DROP DATABASE $db" >/dev/null
	rm -rf "$dir"
}

# ---------------------------------------------------------------- main
install_missing
build_util
[[ -n $UTIL_SKIP ]] && note "ours: skipped: $UTIL_SKIP"
gen_data
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit: $(git -C "$SRC_DIR" rev-parse --short HEAD 2>/dev/null || echo none)$(
		[[ -n $(git -C "$SRC_DIR" status --porcelain -- . 2>/dev/null | head -1) ]] && echo ' (tree has uncommitted changes)')"
	echo "cores: $(nproc)"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "kernel: $(uname -sr)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "pdns: $(dpkg-query -W -f '${Version}' pdns-server 2>/dev/null || echo none)"
	echo "postgresql: $("$(pg_bindir 2>/dev/null)/postgres" --version 2>/dev/null || echo none)"
	echo "sqlite: $(sqlite3 --version | cut -d' ' -f1)"
	echo "records: $RECORDS generated + SOA/NS/delegations/glue = $EXPECT rows (seed $SEED; zone file $(du -h "$ZONE" | cut -f1))"
	echo "mode: $(((QUICK)) && echo 'quick: ')$RUNS run(s) per importer and backend, each into a fresh empty store; bound ${BOUND} s per import"
} >"$RES/machine.txt"
sed 's/^/    /' "$RES/machine.txt" >&2

pg_up || note "PostgreSQL rows skipped: $PG_SKIP"
# a pair whose run was stopped at the bound gets no further runs
declare -A BOUNDED=()
each() { # FUNC RUN
	if [[ -n ${BOUNDED[$1]:-} ]]; then return 0; fi
	"$1" "$2"
	if [[ $T_RC == 124 ]]; then
		BOUNDED[$1]=1
		note "$1: run $2 stopped at the bound of $BOUND s; no further runs of it"
	fi
}
for ((r = 1; r <= RUNS; r++)); do
	# interleaved, so that a change in the machine's load hits all alike
	T_RC=0
	if [[ -n $UTIL ]]; then each ours_sqlite "$r"; fi
	each pdns_sqlite "$r"
	if [[ -z $PG_SKIP ]]; then
		if [[ -n $UTIL ]]; then each ours_pgsql "$r"; fi
		each pdns_pgsql "$r"
	fi
done

"$PY" "$BENCH_DIR/import_report.py" "$RES" >"$RES/results.md"
cat "$RES/results.md"
exit "$FAILED"
