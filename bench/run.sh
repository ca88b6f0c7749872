#!/usr/bin/env bash
# bench/run.sh - benchmark our server against NSD, Knot, BIND and PowerDNS.
#
# Everything runs on 127.0.0.1 on free ports that this script picks; every
# process it starts is stopped by its own PID on exit. See bench/README.md.
set -euo pipefail

# bash reads a script while it runs it: an edit of this file during a run
# (others work in the same tree) would make the run read garbage. Run from
# a private copy, unlinked at once (bash keeps it open).
if [[ -z ${BENCH_RUN_COPY:-} ]]; then
	BENCH_RUN_COPY=$(mktemp /tmp/bench-run.XXXXXX)
	cp "${BASH_SOURCE[0]}" "$BENCH_RUN_COPY"
	BENCH_DIR_REAL=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	export BENCH_RUN_COPY BENCH_DIR_REAL
	exec bash "$BENCH_RUN_COPY" "$@"
fi
rm -f "$BENCH_RUN_COPY"
unset BENCH_RUN_COPY   # children (import.sh) make their own

BENCH_DIR=${BENCH_DIR_REAL:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
unset BENCH_DIR_REAL
SRC_DIR=${BENCH_SRC_DIR:-$(cd "$BENCH_DIR/.." && pwd)}   # the work tree our server is built from
PY=/usr/bin/python3        # Debian's python (the first python3 on PATH may not be)
LIB="$BENCH_DIR/benchlib.py"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

ALL_SCENARIOS="whoami hits mixed flood edit import"
LATER_SCENARIOS="axfr forward"   # owned by later issues
AUTH_SERVERS="ours-sqlite ours-pgsql nsd knot bind pdns-sqlite pdns-sqlite-nocache pdns-pgsql pdns-pgsql-nocache"
WHOAMI_SERVERS="ours nsd knot"
# edit: raw SQL edit -> answer; PowerDNS with its default caches last (each
# of its edits may wait for a cache entry to expire)
EDIT_SERVERS="ours-sqlite ours-pgsql pdns-sqlite-nocache pdns-pgsql-nocache pdns-sqlite pdns-pgsql"

usage() {
	cat <<'EOF'
usage: bench/run.sh [options]
  --quick             1 run of 3 s per scenario and server (+1 latency run of 2 s)
  --records N         records in the generated zone (default 100000)
  --1m                same as --records 1000000
  --peers LIST        comma list of servers, or prefixes of them (default: all):
                      ours, ours-sqlite, ours-pgsql, nsd, knot, bind, pdns-sqlite,
                      pdns-sqlite-nocache, pdns-pgsql, pdns-pgsql-nocache
  --scenarios LIST    comma list: whoami, hits, mixed, flood, authoritative
                      (= hits,mixed,flood), edit (raw SQL edit -> answer
                      latency), import (zone file into the store, ours
                      against pdnsutil load-zone: bench/import.sh with
                      --records, --runs, --seed; default: all of these);
                      axfr, forward are named but not written yet (skipped
                      with a line)
  --edits N           edit: edits per server (default 100; --quick 30)
  --edits-cached N    edit: edits for PowerDNS with its caches on, whose
                      edits mostly wait for the bound (default 10; --quick 3)
  --runs N            runs per figure (default 3; --quick 1)
  --duration S        seconds per dnsperf run (default 10; --quick 3)
  --lat-qps Q         fixed rate of the latency run (default 5000)
  --lat-duration S    seconds per latency run (default 5; --quick 2)
  --warmup S          before the measured runs, one unrecorded pass through
                      the query file (-n 1), at most S seconds, the same for
                      every server (default 20; --quick 10; 0: none)
  --workers N         worker threads/processes for every server (default 2)
  --seed N            data seed (default 20240101)
  --out DIR           output folder (default bench/out)
  --no-install        do not apt-get install missing packages
  --update-readme     copy the table and plots into bench/README.md and bench/results/
  -h, --help
EOF
}

QUICK=0 RECORDS=100000 PEERS="" SCENARIOS="" RUNS="" DURATION="" LAT_QPS=5000
LAT_DURATION="" WARMUP="" EDITS="" EDITS_CACHED="" WORKERS=2 SEED=20240101 OUT="$BENCH_DIR/out" INSTALL=1 UPDATE_README=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--quick) QUICK=1 ;;
	--records) RECORDS=$2; shift ;;
	--1m) RECORDS=1000000 ;;
	--peers) PEERS=$2; shift ;;
	--scenarios) SCENARIOS=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--duration) DURATION=$2; shift ;;
	--lat-qps) LAT_QPS=$2; shift ;;
	--lat-duration) LAT_DURATION=$2; shift ;;
	--warmup) WARMUP=$2; shift ;;
	--edits) EDITS=$2; shift ;;
	--edits-cached) EDITS_CACHED=$2; shift ;;
	--workers) WORKERS=$2; shift ;;
	--seed) SEED=$2; shift ;;
	--out) OUT=$2; shift ;;
	--no-install) INSTALL=0 ;;
	--update-readme) UPDATE_README=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if ((QUICK)); then
	: "${RUNS:=1}" "${DURATION:=3}" "${LAT_DURATION:=2}" "${WARMUP:=10}" "${EDITS:=30}" "${EDITS_CACHED:=3}"
else
	: "${RUNS:=3}" "${DURATION:=10}" "${LAT_DURATION:=5}" "${WARMUP:=20}" "${EDITS:=100}" "${EDITS_CACHED:=10}"
fi
LAT_RUNS=$RUNS
[[ -z $SCENARIOS ]] && SCENARIOS=${ALL_SCENARIOS// /,}
SCENARIOS=${SCENARIOS//authoritative/hits,mixed,flood}
SCENARIOS=${SCENARIOS//auth/hits,mixed,flood}
for s in ${SCENARIOS//,/ }; do
	case " $ALL_SCENARIOS $LATER_SCENARIOS " in *" $s "*) ;;
	*) echo "run.sh: unknown scenario $s" >&2; exit 2 ;; esac
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN_DIR="$OUT/runs/$STAMP"
mkdir -p "$RUN_DIR"
RESULTS="$RUN_DIR/results.jsonl"
NOTES="$RUN_DIR/notes.txt"        # skip lines and remarks for the report
COMMANDS="$RUN_DIR/commands.txt"  # every server and dnsperf command line
: >"$RESULTS" >"$NOTES" >"$COMMANDS"
ln -sfn "runs/$STAMP" "$OUT/latest"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
note() { log "$*"; printf '%s\n' "$*" >>"$NOTES"; }
cmdlog() { printf '%s\n' "$*" >>"$COMMANDS"; log "+ $*"; }

want_scenario() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
want_server() {
	[[ -z $PEERS ]] && return 0
	local p
	for p in ${PEERS//,/ }; do
		[[ $1 == "$p" || $1 == "$p"-* ]] && return 0
	done
	return 1
}

# ---------------------------------------------------------------- processes
STARTED=()   # every PID this script started, stopped in reverse order on exit

# stop_pid PID [SIGNAL]: signal PID, wait (bounded) for it and its tree to
# go, then SIGKILL what is left of that tree. Only PIDs we started or their
# descendants are touched.
stop_pid() {
	local pid=$1 sig=${2:-TERM} i p tree
	[[ -d /proc/$pid ]] || return 0
	tree=$("$PY" "$LIB" tree "$pid" | tr '\n' ' ')
	kill -"$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do   # 10 s
		[[ -z $("$PY" "$LIB" alive $tree) ]] && break
		sleep 0.1
	done
	for p in $("$PY" "$LIB" alive $tree); do
		log "pid $p did not stop in 10 s: SIGKILL"
		kill -KILL "$p" 2>/dev/null || true
	done
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
		local entry=${STARTED[i]}
		stop_pid "${entry%%:*}" "${entry#*:}"
	done
	[[ -n ${PG_TMP:-} && -d ${PG_TMP:-} ]] && rm -rf "$PG_TMP"
	[[ -n ${RT:-} && -d ${RT:-} ]] && rm -rf "$RT"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# unix sockets (Knot's control socket, PowerDNS's) go to a short path: a
# deep work tree would pass the 107-byte limit of a socket path
RT=$(mktemp -d /tmp/bench-rt.XXXXXX)
RT_N=0
sockdir() { RT_N=$((RT_N + 1)); mkdir -p "$RT/$RT_N"; echo "$RT/$RT_N"; }

# start_bg LOGFILE SIGNAL CMD...: start CMD in the background, remember PID
start_bg() {
	local logf=$1 sig=$2
	shift 2
	cmdlog "$*"
	BG_T0=$EPOCHREALTIME
	"$@" >"$logf" 2>&1 </dev/null &
	BG_PID=$!
	STARTED+=("$BG_PID:$sig")
}

forget_pid() {
	local i
	for i in "${!STARTED[@]}"; do
		[[ ${STARTED[i]%%:*} == "$1" ]] && unset 'STARTED[i]'
	done
	STARTED=("${STARTED[@]}")
}

# ---------------------------------------------------------------- install
declare -A PKG_OF=(
	[dnsperf]=dnsperf [nsd]=nsd [knotd]=knot [named]=bind9 [pdns_server]=pdns-server
	[gsqlite3]=pdns-backend-sqlite3 [gpgsql]=pdns-backend-pgsql [postgres]=postgresql
	[sqlite3]=sqlite3 [matplotlib]=python3-matplotlib
	[psycopg2]=python3-psycopg2 [dnspython]=python3-dnspython
)
have() {
	case $1 in
	gsqlite3) [[ -e /usr/lib/x86_64-linux-gnu/pdns/libgsqlite3backend.so || -n $(find /usr/lib -name 'libgsqlite3backend.so' 2>/dev/null | head -1) ]] ;;
	gpgsql) [[ -n $(find /usr/lib -name 'libgpgsqlbackend.so' 2>/dev/null | head -1) ]] ;;
	postgres) [[ -x $PG_BIN/postgres ]] ;;
	matplotlib) "$PY" -c 'import matplotlib' 2>/dev/null ;;
	psycopg2) "$PY" -c 'import psycopg2' 2>/dev/null ;;
	dnspython) "$PY" -c 'import dns.message' 2>/dev/null ;;
	*) command -v "$1" >/dev/null 2>&1 || [[ -x /usr/sbin/$1 ]] ;;
	esac
}

needed_tools() {
	local t="dnsperf"
	# plots: matplotlib is a large install; a quick whoami-only run (the
	# project's test command) uses it when present and does without it
	if ! ((QUICK)) || [[ $SCENARIOS != whoami ]]; then t+=" matplotlib"; fi
	if want_scenario whoami; then
		want_server nsd && t+=" nsd"
		want_server knot && t+=" knotd"
	fi
	if want_scenario hits || want_scenario mixed || want_scenario flood; then
		want_server nsd && t+=" nsd"
		want_server knot && t+=" knotd"
		want_server bind && t+=" named"
		want_server pdns-sqlite && t+=" pdns_server gsqlite3 sqlite3"
		want_server pdns-pgsql && t+=" pdns_server gpgsql postgres"
		want_server ours-sqlite && t+=" sqlite3"
		want_server ours-pgsql && t+=" postgres"
	fi
	if want_scenario edit; then
		t+=" dnspython"
		want_server pdns-sqlite && t+=" pdns_server gsqlite3 sqlite3"
		want_server pdns-pgsql && t+=" pdns_server gpgsql postgres psycopg2"
		want_server ours-sqlite && t+=" sqlite3"
		want_server ours-pgsql && t+=" postgres psycopg2"
	fi
	echo "$t" | tr ' ' '\n' | sort -u | tr '\n' ' '
}

install_missing() {
	local t pkgs=""
	for t in $(needed_tools); do
		have "$t" || pkgs+=" ${PKG_OF[$t]}"
	done
	[[ -z $pkgs ]] && return 0
	if ((!INSTALL)); then
		log "missing (not installing, --no-install):$pkgs"
		return 0
	fi
	log "installing from Debian:$pkgs"
	# Debian's postinst may start the packaged services on their usual
	# ports; we never use those ports or those processes.
	local apt=(apt-get -o DPkg::Lock::Timeout=120 install -y -q --no-install-recommends)
	if ! DEBIAN_FRONTEND=noninteractive timeout 900 "${apt[@]}" $pkgs \
		>"$RUN_DIR/apt.log" 2>&1; then
		timeout 300 apt-get -o DPkg::Lock::Timeout=120 update -q >>"$RUN_DIR/apt.log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive timeout 900 "${apt[@]}" $pkgs \
			>>"$RUN_DIR/apt.log" 2>&1 || log "apt-get install failed (see $RUN_DIR/apt.log); missing peers are skipped"
	fi
}

# ---------------------------------------------------------------- machine
machine_info() {
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
		echo "dnsperf: $(dnsperf -h 2>&1 | sed -n 's/^Version //p' | head -1)"
		have nsd && echo "nsd: $(nsd -v 2>&1 | head -1)"
		have knotd && echo "knot: $(knotd -V 2>&1 | head -1)"
		have named && echo "bind: $(named -v 2>&1 | head -1)"
		have pdns_server && echo "pdns: $(dpkg-query -W -f '${Version}' pdns-server 2>/dev/null)"
		have postgres && echo "postgresql: $("$PG_BIN/postgres" --version 2>&1)"
		echo "mode: $(((QUICK)) && echo 'quick: ' )$RUNS run(s) of ${DURATION} s per figure (median, min-max), latency: $LAT_RUNS run(s) of ${LAT_DURATION} s at $LAT_QPS qps"
		echo "records: $RECORDS (seed $SEED)"
		echo "workers: $WORKERS per server"
		echo "warm-up: one pass through the query file (at most ${WARMUP} s) before the measured runs, not recorded, same for every server (flood: the hits file)"
		echo "scenarios: $SCENARIOS"
	} >"$RUN_DIR/machine.txt"
	sed 's/^/    /' "$RUN_DIR/machine.txt"
}

# ---------------------------------------------------------------- our server
OURS_BIN="" OURS_SKIP="" OURS_PLUGINS="" OURS_UTIL=""
build_ours() {
	if [[ -n ${BENCH_OURS_BIN:-} ]]; then
		OURS_BIN=$BENCH_OURS_BIN
		# the store tool next to it (a build tree), or BENCH_OURS_UTIL
		OURS_UTIL=${BENCH_OURS_UTIL:-$(dirname "$OURS_BIN")/../utils/coredns-util}
	elif [[ ! -f $SRC_DIR/configure.ac || ! -f $SRC_DIR/autogen.sh ]]; then
		OURS_SKIP="our server: no configure.ac/autogen.sh in the tree yet"
		return
	else
		# Build from a copy of the tree (no generated file lands in the work
		# tree), optimised, without sanitizers, out of tree (VPATH).
		local b="$OUT/build" h
		mkdir -p "$b"
		h=$(cd "$SRC_DIR" && find . \( -path ./.git -o -path ./bench -o -path './build*' -o -name '*.o' -o -name '*.a' -o -name aclocal.m4 -o -name config.h \
			-o -name .deps -o -name autom4te.cache \) -prune -o -type f \
			\( -name '*.[ch]' -o -name '*.am' -o -name '*.inc' -o -name '*.def' -o -name '*.ac' \
			-o -name '*.m4' -o -name '*.sql' -o -name gen_sql.sh -o -name autogen.sh \) -print | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
		if [[ -x $b/obj/server/coredns && -x $b/obj/utils/coredns-util && -f $b/hash && $(cat "$b/hash") == "$h" ]]; then
			log "our server: sources unchanged since the last bench build, reusing $b/obj/server/coredns"
		else
			log "our server: building (copy of the tree, autogen, VPATH configure with CFLAGS='-O2 -g', no sanitizers)"
			rm -rf "$b/src" "$b/obj" "$b/hash"
			mkdir -p "$b/src" "$b/obj"
			(cd "$SRC_DIR" && tar -cf - --exclude=./.git --exclude=./bench --exclude='./build*' --exclude='*.o' --exclude='*.a' \
				--exclude=.deps --exclude=config.status --exclude=config.log --exclude=./config.h \
				--exclude=./Makefile --exclude=stamp-h1 --exclude=autom4te.cache --exclude=.dirstamp \
				--exclude=./server/coredns --exclude=./utils/coredns-util --exclude=./libtool .) | tar -C "$b/src" -xf -
			if ! (cd "$b/src" && timeout 300 ./autogen.sh) >"$b/build.log" 2>&1; then
				OURS_SKIP="our server: autogen.sh failed (core still being written?), see $b/build.log"
				return
			fi
			if ! (cd "$b/obj" && CFLAGS='-O2 -g' timeout 300 ../src/configure --disable-sanitizers) >>"$b/build.log" 2>&1; then
				OURS_SKIP="our server: configure failed, see $b/build.log: $(tail -1 "$b/build.log")"
				return
			fi
			if ! (cd "$b/obj" && timeout 900 make -j"$(nproc)" server/coredns utils/coredns-util) >>"$b/build.log" 2>&1; then
				OURS_SKIP="our server: make failed (core still being written?), see $b/build.log"
				return
			fi
			echo "$h" >"$b/hash"
		fi
		OURS_BIN="$b/obj/server/coredns"
		OURS_UTIL="$b/obj/utils/coredns-util"
		cmdlog "(build) cd $b/obj && CFLAGS='-O2 -g' ../src/configure --disable-sanitizers && make -j$(nproc) server/coredns utils/coredns-util"
	fi
	if [[ ! -x $OURS_BIN ]]; then
		OURS_SKIP="our server: no binary at $OURS_BIN"
		OURS_BIN=""
		return
	fi
	# one plugin a line; accept CoreDNS's "  dns.NAME" form as well as "NAME"
	OURS_PLUGINS=$(timeout 10 "$OURS_BIN" -plugins 2>/dev/null | sed -E 's/^[[:space:]]+//; s/^dns\.//' || true)
	log "our server: $OURS_BIN; plugins: $(echo $OURS_PLUGINS)"
	[[ -x $OURS_UTIL ]] || OURS_UTIL=""
}

# ours_sql_ok: our server has the sql plugin and its store tool is there
ours_sql_ok() {
	[[ -n $OURS_BIN ]] && grep -qx sql <<<"$OURS_PLUGINS" && [[ -n $OURS_UTIL ]]
}

# ours_migrate DSN LOG: bring a PowerDNS-schema database to our schema
# (adds our tables and triggers; PowerDNS's tables are unchanged). Before
# any clock starts.
MIGRATE_LOGGED=""
ours_migrate() {
	local dsn=$1 logf=$2
	if [[ -z $MIGRATE_LOGGED ]]; then
		cmdlog "(store, not timed) $OURS_UTIL --db DSN db migrate   # on a copy of the PowerDNS SQLite file / the shared PostgreSQL database"
		MIGRATE_LOGGED=1
	fi
	"$OURS_UTIL" --db "$dsn" db migrate >>"$logf" 2>&1
}

# ---------------------------------------------------------------- data
DATA="" FLOOD=""
gen_data() {
	DATA="$OUT/data/r$RECORDS-s$SEED"
	local stamp
	stamp="$(sha256sum "$BENCH_DIR/gen_data.py" | cut -c1-16)"
	mkdir -p "$DATA"
	if ! want_scenario hits && ! want_scenario mixed && ! want_scenario flood && ! want_scenario edit; then
		: # whoami alone needs only the tiny zone and its query file (below)
	elif [[ ! -f $DATA/meta.json || $(cat "$DATA/stamp" 2>/dev/null) != "$stamp" ]]; then
		log "generating data: $RECORDS records, seed $SEED -> $DATA"
		rm -rf "$DATA"
		mkdir -p "$DATA"
		"$PY" "$BENCH_DIR/gen_data.py" --records "$RECORDS" --seed "$SEED" --out "$DATA"
		echo "$stamp" >"$DATA/stamp"
	fi
	# flood: one file per run, distinct names across all of them; sized for
	# 400k qps (beyond what dnsperf reaches on this kind of machine), run
	# with -n 1 so that a name is never asked twice. Kept in a folder per
	# set of sizes, so that a concurrent run with other sizes never
	# rewrites the files a run is reading.
	if want_scenario flood; then
		local per=$((DURATION * 400000)) lat=$((LAT_DURATION * LAT_QPS * 11 / 10)) spec="" r
		for ((r = 1; r <= RUNS; r++)); do spec+=" --flood q-flood-$r.txt:$per"; done
		for ((r = 1; r <= LAT_RUNS; r++)); do spec+=" --flood q-flood-lat-$r.txt:$lat"; done
		FLOOD="$DATA/flood-$(echo "$spec" | sha256sum | cut -c1-12)"
		if [[ ! -f $FLOOD/done ]]; then
			log "generating flood names:$spec"
			rm -rf "$FLOOD"
			mkdir -p "$FLOOD"
			"$PY" "$BENCH_DIR/gen_data.py" --seed "$SEED" --out "$FLOOD" --flood-only $spec
			echo "$spec" >"$FLOOD/done"
		fi
	fi
	# whoami: any names (the plugin answers all); a tiny zone for the peers
	[[ -f $DATA/q-whoami.txt ]] || for i in $(seq 0 99); do echo "w$i.example.test. A"; done >"$DATA/q-whoami.txt"
	cat >"$DATA/example.test.zone" <<'EOF'
$ORIGIN example.test.
$TTL 3600
@ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 604800 300
@ IN NS ns1.example.test.
ns1 IN A 192.0.2.53
* IN A 192.0.2.1
EOF
	# the memory baseline of the zone-file servers: bench.test with its
	# SOA, one NS and its glue only (the stores' baseline: no zone at all)
	cat >"$DATA/empty.zone" <<'EOF'
$ORIGIN bench.test.
$TTL 3600
@ IN SOA ns1.bench.test. hostmaster.bench.test. 2024010101 3600 600 604800 300
@ IN NS ns1.bench.test.
ns1 IN A 192.0.2.53
EOF
}

SQLITE_DB=""
make_sqlite() {
	SQLITE_DB="$DATA/pdns.sqlite3"
	[[ -f $SQLITE_DB ]] && return 0
	log "loading the zone into SQLite ($SQLITE_DB, PowerDNS schema)"
	local tmp="$SQLITE_DB.tmp.$$"
	rm -f "$tmp"
	sqlite3 "$tmp" <"/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql"
	sqlite3 "$tmp" <"$DATA/bench.test.sql"
	mv "$tmp" "$SQLITE_DB"
}

# an empty store (PowerDNS's schema, no zone): the memory baseline
SQLITE_EMPTY=""
make_sqlite_empty() {
	SQLITE_EMPTY="$DATA/empty-pdns.sqlite3"
	[[ -f $SQLITE_EMPTY ]] && return 0
	local tmp="$SQLITE_EMPTY.tmp.$$"
	rm -f "$tmp"
	sqlite3 "$tmp" <"/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql"
	mv "$tmp" "$SQLITE_EMPTY"
}

# PostgreSQL: a throwaway cluster in a temp dir, unix socket only, run as
# the postgres user, stopped (SIGINT = fast shutdown) at exit.
PG_TMP="" PG_PID="" PG_PORT="" PG_SKIP=""
start_pg() {
	[[ -n $PG_PID || -n $PG_SKIP ]] && return 0
	if ! have postgres; then PG_SKIP="PostgreSQL not installed"; return 0; fi
	PG_TMP=$(mktemp -d /tmp/bench-pg.XXXXXX)
	chown postgres:postgres "$PG_TMP"
	PG_PORT=$("$PY" "$LIB" freeport)
	log "PostgreSQL: initdb in $PG_TMP, port $PG_PORT (unix socket only)"
	if ! setpriv --reuid=postgres --regid=postgres --init-groups -- \
		"$PG_BIN/initdb" -D "$PG_TMP/data" -A trust -U postgres -E UTF8 >"$RUN_DIR/pg-initdb.log" 2>&1; then
		PG_SKIP="initdb failed, see $RUN_DIR/pg-initdb.log"
		return 0
	fi
	start_bg "$RUN_DIR/postgres.log" INT setpriv --reuid=postgres --regid=postgres --init-groups -- \
		"$PG_BIN/postgres" -D "$PG_TMP/data" -p "$PG_PORT" -k "$PG_TMP" -c listen_addresses= \
		-c fsync=off -c synchronous_commit=off -c full_page_writes=off
	PG_PID=$BG_PID
	local i
	for ((i = 0; i < 300; i++)); do
		"$PG_BIN/pg_isready" -q -h "$PG_TMP" -p "$PG_PORT" && break
		sleep 0.1
	done
	if ! "$PG_BIN/pg_isready" -q -h "$PG_TMP" -p "$PG_PORT"; then
		PG_SKIP="PostgreSQL did not come up in 30 s"
		return 0
	fi
	log "PostgreSQL: loading the zone (PowerDNS schema) into database pdns"
	local psql=("$PG_BIN/../bin/psql" -q -v ON_ERROR_STOP=1 -h "$PG_TMP" -p "$PG_PORT" -U postgres)
	[[ -x ${psql[0]} ]] || psql[0]=psql
	"${psql[@]}" -d postgres -c 'CREATE DATABASE pdns' >/dev/null
	"${psql[@]}" -d pdns -f /usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql >/dev/null
	"${psql[@]}" -d pdns -f "$DATA/bench.test.sql" >/dev/null
	"${psql[@]}" -d pdns -c 'ANALYZE' >/dev/null
	# the memory baseline: the same schema, no zone
	"${psql[@]}" -d postgres -c 'CREATE DATABASE pdns_empty' >/dev/null
	"${psql[@]}" -d pdns_empty -f /usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql >/dev/null
	# one database for PowerDNS and ours: with our tables and triggers
	# added by `coredns-util db migrate` when our server is in the run
	# (PowerDNS's tables are unchanged), whichever server runs first
	if ours_sql_ok; then
		local db
		for db in pdns pdns_empty; do
			if ! ours_migrate "host=$PG_TMP port=$PG_PORT dbname=$db user=postgres" "$RUN_DIR/pg-migrate.log"; then
				PG_MIGRATE_FAILED="coredns-util db migrate failed on PostgreSQL database $db: $(tail -1 "$RUN_DIR/pg-migrate.log")"
				note "$PG_MIGRATE_FAILED"
			fi
		done
	fi
}
PG_MIGRATE_FAILED=""

# ---------------------------------------------------------------- servers
# start_SERVER DIR PORT SCENARIO: write the config into DIR, start the
# server in the foreground (background job), set SRV_PID, SRV_DB_PID (a
# database process tree whose CPU is reported beside the server's) and
# PROBE_NAME/PROBE_TYPE. Return 1 with SKIP_REASON set to skip.
SRV_PID="" SRV_DB_PID="" SKIP_REASON="" PROBE_NAME="" PROBE_TYPE=""

zone_for() { # scenario -> zone name, zone file
	if [[ $1 == whoami ]]; then echo "example.test $DATA/example.test.zone"
	elif [[ $1 == empty ]]; then echo "bench.test $DATA/empty.zone"
	else echo "bench.test $DATA/bench.test.zone"; fi
}

start_nsd() {
	local dir=$1 port=$2 zn zf
	have nsd || { SKIP_REASON="nsd not installed"; return 1; }
	read -r zn zf < <(zone_for "$3")
	cp "$zf" "$dir/zone"
	cat >"$dir/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1
    port: $port
    server-count: $WORKERS
    username: ""
    chroot: ""
    zonesdir: "$dir"
    pidfile: "$dir/nsd.pid"
    xfrdfile: "$dir/xfrd.state"
    zonelistfile: "$dir/zone.list"
    database: ""
    logfile: "$dir/nsd.log"
    rrl-ratelimit: 0
    verbosity: 0
remote-control:
    control-enable: no
zone:
    name: $zn
    zonefile: "$dir/zone"
EOF
	start_bg "$dir/stdout.log" TERM nsd -d -c "$dir/nsd.conf"
	SRV_PID=$BG_PID
}

start_knot() {
	local dir=$1 port=$2 zn zf
	have knotd || { SKIP_REASON="knotd not installed"; return 1; }
	read -r zn zf < <(zone_for "$3")
	cp "$zf" "$dir/zone"
	mkdir -p "$dir/db"
	local sd
	sd=$(sockdir)
	cat >"$dir/knot.conf" <<EOF
server:
    rundir: "$sd"
    pidfile: "$dir/knot.pid"
    listen: 127.0.0.1@$port
    udp-workers: $WORKERS
    tcp-workers: $WORKERS
    background-workers: $WORKERS
database:
    storage: "$dir/db"
control:
    listen: "$sd/knot.sock"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "$dir"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: $zn
    file: "$dir/zone"
EOF
	start_bg "$dir/stdout.log" TERM knotd -c "$dir/knot.conf"
	SRV_PID=$BG_PID
}

start_bind() {
	local dir=$1 port=$2 zn zf
	have named || { SKIP_REASON="named not installed"; return 1; }
	read -r zn zf < <(zone_for "$3")
	cp "$zf" "$dir/zone"
	cat >"$dir/named.conf" <<EOF
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    managed-keys-directory "$dir";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
    allow-transfer { none; };
    // zone-content checks off, as Knot (semantic-checks: off) and NSD
    // load without them; with them BIND loads 1M records ~5x slower
    check-integrity no;
    check-names primary ignore;
    check-mx ignore;
    check-mx-cname ignore;
    check-srv-cname ignore;
    check-wildcard no;
    check-sibling no;
    check-dup-records ignore;
};
controls { };
zone "$zn" { type primary; file "$dir/zone"; };
EOF
	start_bg "$dir/stdout.log" TERM named -g -c "$dir/named.conf" -n "$WORKERS"
	SRV_PID=$BG_PID
}

# PowerDNS: BACKEND = sqlite|pgsql, CACHE = on|off
start_pdns() {
	local dir=$1 port=$2 backend=$4 cache=$5 sd
	have pdns_server || { SKIP_REASON="pdns_server not installed"; return 1; }
	sd=$(sockdir)
	{
		echo "local-address=127.0.0.1:$port"
		echo "local-port=$port"
		echo "socket-dir=$sd"
		echo "daemon=no"
		echo "guardian=no"
		echo "disable-syslog=yes"
		echo "loglevel=3"
		echo "setuid="
		echo "setgid="
		echo "webserver=no"
		echo "api=no"
		echo "security-poll-suffix="
		echo "receiver-threads=$WORKERS"
		echo "distributor-threads=1"
		echo "reuseport=yes"
	} >"$dir/pdns.conf"
	if [[ $backend == sqlite ]]; then
		have gsqlite3 || { SKIP_REASON="pdns-backend-sqlite3 not installed"; return 1; }
		if [[ $3 == empty ]]; then
			make_sqlite_empty
			cp "$SQLITE_EMPTY" "$dir/pdns.sqlite3"
		else
			make_sqlite
			cp "$SQLITE_DB" "$dir/pdns.sqlite3"
		fi
		printf 'launch=gsqlite3\ngsqlite3-database=%s\n' "$dir/pdns.sqlite3" >>"$dir/pdns.conf"
	else
		have gpgsql || { SKIP_REASON="pdns-backend-pgsql not installed"; return 1; }
		start_pg
		[[ -n $PG_SKIP ]] && { SKIP_REASON=$PG_SKIP; return 1; }
		local pgdb=pdns
		[[ $3 == empty ]] && pgdb=pdns_empty
		printf 'launch=gpgsql\ngpgsql-host=%s\ngpgsql-port=%s\ngpgsql-dbname=%s\ngpgsql-user=postgres\n' \
			"$PG_TMP" "$PG_PORT" "$pgdb" >>"$dir/pdns.conf"
		SRV_DB_PID=$PG_PID
	fi
	if [[ $cache == off ]]; then
		printf 'cache-ttl=0\nnegquery-cache-ttl=0\nquery-cache-ttl=0\n' >>"$dir/pdns.conf"
	fi
	start_bg "$dir/stdout.log" TERM pdns_server --config-dir="$dir"
	SRV_PID=$BG_PID
}

# Our server. whoami: the core alone; sqlite/pgsql: the `sql` plugin alone
# (skipped, with a line, while the server has no `sql` plugin), on the
# PowerDNS data after `coredns-util db migrate`: for SQLite a copy of the
# PowerDNS file migrated in the start's folder, for PostgreSQL the one
# database PowerDNS reads (migrated when it is loaded). Scenario `empty`:
# the same on an empty store (the memory baseline).
start_ours() {
	local dir=$1 port=$2 scenario=$3 store=${4:-}
	[[ -n $OURS_BIN ]] || { SKIP_REASON=${OURS_SKIP:-"our server not built"}; return 1; }
	if [[ $scenario == whoami ]]; then
		if ! grep -qx whoami <<<"$OURS_PLUGINS"; then
			SKIP_REASON="our server has no whoami plugin yet"
			return 1
		fi
		cat >"$dir/Corefile" <<EOF
.:$port {
    bind 127.0.0.1
    whoami
}
EOF
	else
		if ! grep -qx sql <<<"$OURS_PLUGINS"; then
			SKIP_REASON="our server has no sql plugin yet ($OURS_BIN -plugins does not list sql)"
			return 1
		fi
		if [[ -z $OURS_UTIL ]]; then
			SKIP_REASON="no coredns-util next to our server (needed for db migrate; BENCH_OURS_UTIL)"
			return 1
		fi
		if [[ $store == sqlite ]]; then
			if [[ $scenario == empty ]]; then
				make_sqlite_empty
				cp "$SQLITE_EMPTY" "$dir/store.sqlite3"
			else
				make_sqlite
				cp "$SQLITE_DB" "$dir/store.sqlite3"
			fi
			if ! ours_migrate "sqlite:$dir/store.sqlite3" "$dir/migrate.log"; then
				SKIP_REASON="coredns-util db migrate failed: $(tail -1 "$dir/migrate.log")"
				return 1
			fi
			cat >"$dir/Corefile" <<EOF
bench.test.:$port {
    bind 127.0.0.1
    sql sqlite:$dir/store.sqlite3
}
EOF
		else
			start_pg
			[[ -n $PG_SKIP ]] && { SKIP_REASON=$PG_SKIP; return 1; }
			[[ -n $PG_MIGRATE_FAILED ]] && { SKIP_REASON=$PG_MIGRATE_FAILED; return 1; }
			local pgdb=pdns
			[[ $scenario == empty ]] && pgdb=pdns_empty
			cat >"$dir/Corefile" <<EOF
bench.test.:$port {
    bind 127.0.0.1
    sql "host=$PG_TMP port=$PG_PORT dbname=$pgdb user=postgres"
}
EOF
			SRV_DB_PID=$PG_PID
		fi
	fi
	start_bg "$dir/stdout.log" TERM "$OURS_BIN" -conf "$dir/Corefile" -workers "$WORKERS"
	SRV_PID=$BG_PID
}

start_server() { # NAME DIR PORT SCENARIO
	local name=$1
	shift
	case $name in
	nsd) start_nsd "$@" ;;
	knot) start_knot "$@" ;;
	bind) start_bind "$@" ;;
	pdns-sqlite) start_pdns "$@" sqlite on ;;
	pdns-sqlite-nocache) start_pdns "$@" sqlite off ;;
	pdns-pgsql) start_pdns "$@" pgsql on ;;
	pdns-pgsql-nocache) start_pdns "$@" pgsql off ;;
	ours) start_ours "$@" ;;
	ours-sqlite) start_ours "$@" sqlite ;;
	ours-pgsql) start_ours "$@" pgsql ;;
	*) SKIP_REASON="unknown server $name"; return 1 ;;
	esac
}

# ---------------------------------------------------------------- measuring
FAILED=()

treestat() { # PID -> "ticks hwm_kib nprocs pss_kib" (zeros when no PID)
	if [[ -n $1 ]]; then "$PY" "$LIB" treestat "$1"; else echo "0 0 0 0"; fi
}

# dnsperf_run KIND RUN FILE EXTRA...: one bounded dnsperf run, recorded
dnsperf_run() {
	local kind=$1 r=$2 qfile=$3 outf
	shift 3
	local dur=$DURATION
	[[ $kind == lat ]] && dur=$LAT_DURATION
	outf="$DIR/$kind-$r.txt"
	local cmd=(dnsperf -s 127.0.0.1 -p "$PORT" -d "$qfile" -c 8 -T 1 -l "$dur" "$@")
	cmdlog "${cmd[*]}"
	local s0 d0 s1 d1 o0 o1
	o0=$("$PY" "$LIB" othercpu $$)
	s0=$(treestat "$SRV_PID")
	d0=$(treestat "$SRV_DB_PID")
	# in the background + wait, so that a TERM/INT to this script stops it
	# at once (bash runs traps only between foreground commands)
	timeout $((dur + 60)) "${cmd[@]}" >"$outf" 2>&1 </dev/null &
	local dp=$!
	STARTED+=("$dp:TERM")
	wait "$dp" || log "dnsperf exited non-zero (see $outf)"
	forget_pid "$dp"
	s1=$(treestat "$SRV_PID")
	d1=$(treestat "$SRV_DB_PID")
	o1=$("$PY" "$LIB" othercpu $$)
	"$PY" "$LIB" record "$outf" "$RESULTS" "$SCEN" "$SRV" "$kind" "$r" \
		"$s0" "$s1" "$d0" "$d1" "$(getconf CLK_TCK)" "$dur" "$o0" "$o1"
}

# measure_empty: start SRV on an empty store (ours, PowerDNS) or a zone of
# SOA+NS+glue only (NSD, Knot, BIND), wait for any answer but SERVFAIL
# (ours answers REFUSED once it has read its empty zone list), let it
# settle 0.5 s, record VmHWM/Pss of its tree. Memory per record in the
# report = (VmHWM at the first answer with the zone - this) / records.
declare -A EMPTY_DONE=()
measure_empty() {
	EMPTY_DONE[$SRV]=1
	local dir="$RUN_DIR/empty-$SRV" port st load
	mkdir -p "$dir"
	port=$("$PY" "$LIB" freeport)
	SKIP_REASON=""
	if ! start_server "$SRV" "$dir" "$port" empty; then
		note "skipped: memory baseline / $SRV: $SKIP_REASON"
		return 0
	fi
	load=$("$PY" "$LIB" probe --port "$port" --qname bench.test --qtype SOA --timeout 120 \
		--since "$BG_T0" --not-servfail || true)
	if [[ $load == timeout || -z $load ]] || ! kill -0 "$BG_PID" 2>/dev/null; then
		note "FAILED: memory baseline / $SRV: no answer within 120 s (or it exited); see $dir"
	else
		sleep 0.5
		st=$(treestat "$BG_PID")
		printf '{"scenario":"empty","server":"%s","kind":"empty","load_s":%s,"hwm_kib":%s,"pss_kib":%s}\n' \
			"$SRV" "$load" "$(echo "$st" | cut -d' ' -f2)" "$(echo "$st" | cut -d' ' -f4)" >>"$RESULTS"
		log "memory baseline of $SRV: VmHWM $(echo "$st" | cut -d' ' -f2) KiB"
	fi
	stop_pid "$BG_PID"
	forget_pid "$BG_PID"
	SRV_PID="" SRV_DB_PID=""
}

# run_edit: the edit scenario on the server just started (bench/edit_latency.py)
run_edit() {
	local dsn="" n=$EDITS spid="" o0 o1 pgdsn="host=$PG_TMP port=$PG_PORT dbname=pdns user=postgres"
	case $SRV in
	ours-sqlite) dsn="sqlite:$DIR/store.sqlite3" spid=$SRV_PID ;;
	ours-pgsql) dsn=$pgdsn spid=$SRV_PID ;;
	pdns-sqlite*) dsn="sqlite:$DIR/pdns.sqlite3" ;;
	pdns-pgsql*) dsn=$pgdsn ;;
	*) note "skipped: edit / $SRV: no store"; return 0 ;;
	esac
	[[ $SRV == pdns-sqlite || $SRV == pdns-pgsql ]] && n=$EDITS_CACHED
	local cmd=("$PY" "$BENCH_DIR/edit_latency.py" --port "$PORT" --dsn "$dsn" --server "$SRV"
		--edits "$n" --poll-ms 5 --bound 10 --gap-ms 500 --seed "$SEED" --out "$RESULTS")
	[[ -n $spid ]] && cmd+=(--steward-pid "$spid")
	cmdlog "$(printf '%q ' "${cmd[@]}")"
	o0=$("$PY" "$LIB" othercpu $$)
	local t0=$EPOCHREALTIME
	timeout $((n * 21 + 120)) "${cmd[@]}" >"$DIR/edit.txt" 2>&1 </dev/null &
	local ep=$!
	STARTED+=("$ep:TERM")
	wait "$ep" || { note "FAILED: edit / $SRV: edit_latency.py exited non-zero (see $DIR/edit.txt): $(tail -1 "$DIR/edit.txt")"; FAILED+=("edit/$SRV"); }
	forget_pid "$ep"
	o1=$("$PY" "$LIB" othercpu $$)
	cat "$DIR/edit.txt"
	"$PY" -c 'import json,sys; o0,o1,hz,t0,t1=map(float,sys.argv[3:]); print(json.dumps({"scenario":"edit","server":sys.argv[1],"kind":"edit-other","other_cores":max(0,o1-o0)/hz/max(1e-3,t1-t0),"wall_s":t1-t0,"edits":int(sys.argv[2])}))' \
		"$SRV" "$n" "$o0" "$o1" "$(getconf CLK_TCK)" "$t0" "$EPOCHREALTIME" >>"$RESULTS"
}

measure() { # SCENARIO SERVER
	SCEN=$1 SRV=$2
	DIR="$RUN_DIR/$SCEN-$SRV"
	mkdir -p "$DIR"
	PORT=$("$PY" "$LIB" freeport)
	SRV_PID="" SRV_DB_PID="" SKIP_REASON=""
	log "== $SCEN / $SRV (port $PORT)"
	# the store a server reads is made before its clock starts
	case $SRV in
	*sqlite*) [[ $SCEN != whoami ]] && have sqlite3 && make_sqlite ;;
	ours-pgsql) ours_sql_ok && start_pg ;;
	*pgsql*) [[ $SCEN != whoami ]] && have gpgsql && start_pg ;;
	esac
	# RUNS starts, each timed to its first answer; the last one stays up
	# for the dnsperf runs. Each start has its own folder.
	local pname=bench.test ptype=SOA need=--need-answer
	if [[ $SCEN == whoami ]]; then pname=example.test ptype=A need=""; fi
	local base=$DIR st load s nstarts=$RUNS
	# the memory baseline (empty store / SOA-only zone), once per server
	case $SCEN in hits | mixed | flood) [[ -n ${EMPTY_DONE[$SRV]:-} ]] || measure_empty ;; esac
	# edit: one start (its first answer is recorded as well)
	[[ $SCEN == edit ]] && nstarts=1
	for ((s = 1; s <= nstarts; s++)); do
		DIR=$base
		((nstarts > 1)) && DIR="$base/start-$s"
		mkdir -p "$DIR"
		if ! start_server "$SRV" "$DIR" "$PORT" "$SCEN"; then
			note "skipped: $SCEN / $SRV: $SKIP_REASON"
			return 0
		fi
		load=$("$PY" "$LIB" probe --port "$PORT" --qname "$pname" --qtype "$ptype" \
			--timeout 300 --since "$BG_T0" $need || true)
		if [[ $load == timeout || -z $load ]] || ! kill -0 "$SRV_PID" 2>/dev/null; then
			note "FAILED: $SCEN / $SRV: no answer within 300 s (or it exited); see $DIR"
			FAILED+=("$SCEN/$SRV")
			stop_pid "$SRV_PID"
			forget_pid "$SRV_PID"
			return 0
		fi
		st=$(treestat "$SRV_PID")
		log "first answer after $load s (start $s of $nstarts)"
		printf '{"scenario":"%s","server":"%s","kind":"load","run":%d,"load_s":%s,"hwm_kib":%s,"pss_kib":%s}\n' \
			"$SCEN" "$SRV" "$s" "$load" "$(echo "$st" | cut -d' ' -f2)" "$(echo "$st" | cut -d' ' -f4)" >>"$RESULTS"
		if ((s < nstarts)); then
			stop_pid "$SRV_PID"
			forget_pid "$SRV_PID"
		fi
	done
	if [[ $SCEN == edit ]]; then
		run_edit
		if ! kill -0 "$SRV_PID" 2>/dev/null; then
			note "FAILED: $SCEN / $SRV exited during the edits; see $DIR"
			FAILED+=("$SCEN/$SRV")
		fi
		stop_pid "$SRV_PID"
		forget_pid "$SRV_PID"
		return 0
	fi
	local r qfile
	if ((WARMUP > 0)); then
		# fills caches and pages in the data: the state of a server in
		# service. The flood warms up on hits, never on its own names.
		case $SCEN in
		whoami) qfile="$DATA/q-whoami.txt" ;;
		flood) qfile="$DATA/q-hits.txt" ;;
		*) qfile="$DATA/q-$SCEN.txt" ;;
		esac
		cmdlog "(warm-up) dnsperf -s 127.0.0.1 -p $PORT -d $qfile -c 8 -T 1 -n 1 -l $WARMUP"
		timeout $((WARMUP + 60)) dnsperf -s 127.0.0.1 -p "$PORT" -d "$qfile" -c 8 -T 1 -n 1 -l "$WARMUP" \
			>"$DIR/warmup.txt" 2>&1 </dev/null &
		local wp=$!
		STARTED+=("$wp:TERM")
		wait "$wp" || log "warm-up dnsperf exited non-zero (see $DIR/warmup.txt)"
		forget_pid "$wp"
	fi
	for ((r = 1; r <= RUNS; r++)); do
		case $SCEN in
		flood) dnsperf_run tput "$r" "$FLOOD/q-flood-$r.txt" -n 1 ;;
		whoami) dnsperf_run tput "$r" "$DATA/q-whoami.txt" ;;
		*) dnsperf_run tput "$r" "$DATA/q-$SCEN.txt" ;;
		esac
	done
	for ((r = 1; r <= LAT_RUNS; r++)); do
		case $SCEN in
		flood) qfile="$FLOOD/q-flood-lat-$r.txt" ;;
		whoami) qfile="$DATA/q-whoami.txt" ;;
		*) qfile="$DATA/q-$SCEN.txt" ;;
		esac
		dnsperf_run lat "$r" "$qfile" -Q "$LAT_QPS" -v
	done
	if ! kill -0 "$SRV_PID" 2>/dev/null; then
		note "FAILED: $SCEN / $SRV exited during the runs; see $DIR"
		FAILED+=("$SCEN/$SRV")
	fi
	stop_pid "$SRV_PID"
	forget_pid "$SRV_PID"
}

# ---------------------------------------------------------------- main
log "bench/run.sh: output in $RUN_DIR"
install_missing
if ! have dnsperf; then
	echo "run.sh: dnsperf is not installed and could not be installed" >&2
	exit 1
fi
machine_info

need_ours=0
for s in ${SCENARIOS//,/ }; do
	case $s in
	whoami) want_server ours && need_ours=1 ;;
	hits | mixed | flood | edit) { want_server ours-sqlite || want_server ours-pgsql; } && need_ours=1 ;;
	esac
done
# the build and the data are shared by runs using the same --out: one
# run prepares them at a time
exec 9>"$OUT/.prepare.lock"
if ! flock -w 1800 9; then
	echo "run.sh: another run held $OUT/.prepare.lock for 30 min" >&2
	exit 1
fi
if ((need_ours)); then build_ours; fi
[[ -n $OURS_SKIP ]] && note "skipped: $OURS_SKIP"
gen_data
if { want_scenario hits || want_scenario mixed || want_scenario flood || want_scenario edit; } && { want_server pdns-sqlite || want_server ours-sqlite; } && have sqlite3; then
	make_sqlite
	make_sqlite_empty
fi
exec 9>&-

for s in ${SCENARIOS//,/ }; do
	case $s in
	whoami) list=$WHOAMI_SERVERS ;;
	hits | mixed | flood) list=$AUTH_SERVERS ;;
	edit) list=$EDIT_SERVERS ;;
	import)
		# bench/import.sh does the scenario (its own build, data and
		# PostgreSQL cluster, shared under --out); its table goes with
		# this run's results
		imp=(bash "$BENCH_DIR/import.sh" --records "$RECORDS" --runs "$RUNS" --seed "$SEED" --out "$OUT")
		((INSTALL)) || imp+=(--no-install)
		cmdlog "$(printf '%q ' "${imp[@]}")"
		if "${imp[@]}" >"$RUN_DIR/import.log" 2>&1 </dev/null; then
			log "import: done, see $RUN_DIR/import/results.md"
		else
			note "FAILED: import: bench/import.sh exited non-zero (see $RUN_DIR/import.log)"
			FAILED+=("import")
		fi
		[[ -d $OUT/import ]] && cp -r "$OUT/import" "$RUN_DIR/import"
		continue
		;;
	*)
		note "skipped: scenario $s: not written yet (a later issue adds it)"
		continue
		;;
	esac
	for srv in $list; do
		want_server "$srv" || continue
		measure "$s" "$srv"
	done
done

if [[ -n $PG_PID ]]; then
	stop_pid "$PG_PID" INT
	forget_pid "$PG_PID"
	PG_PID=""
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RUN_DIR/machine.txt"
"$PY" "$BENCH_DIR/report.py" --run "$RUN_DIR" --data "$DATA"
if [[ -f $RUN_DIR/import/results.md ]]; then
	{ echo; sed -e '1s/^# /## /' "$RUN_DIR/import/results.md"; } >>"$RUN_DIR/results.md"
fi
cp "$RUN_DIR/results.md" "$OUT/results.md"
for f in "$RUN_DIR"/*.png; do [[ -e $f ]] && cp "$f" "$OUT/"; done
echo
cat "$RUN_DIR/results.md"
echo
echo "results: $RUN_DIR/results.md (and $OUT/results.md)"
"$PY" "$BENCH_DIR/report.py" --run "$RUN_DIR" --data "$DATA" --summary
if ((UPDATE_README)); then
	section=""
	((RECORDS != 100000)) && section="r$RECORDS"
	"$PY" "$BENCH_DIR/report.py" --run "$RUN_DIR" --data "$DATA" --readme "$BENCH_DIR/README.md" \
		--results-dir "$BENCH_DIR/results" ${section:+--section "$section"}
	log "bench/README.md and bench/results/ updated"
fi
if ((${#FAILED[@]})); then
	log "failed: ${FAILED[*]}"
	exit 1
fi
exit 0
