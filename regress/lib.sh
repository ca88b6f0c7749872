# regress/lib.sh - helpers for the system tests; sourced by each
# regress/cases/<name>/test.sh (run from its own temp dir by run.sh).
#
# Output is TAP-ish: every check prints "ok - DESC" or "not ok - DESC";
# run.sh counts those lines. Every wait here is bounded, only 127.0.0.1
# and ::1 are used, and processes are only ever killed by their PID.

set -u

REGRESS_DIR=${REGRESS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
CASE_DIR=${CASE_DIR:-$(cd "$(dirname "$0")" && pwd)}
# The Debian python: the first python3 on PATH cannot import dnspython.
PY=/usr/bin/python3
export PYTHONPATH="$REGRESS_DIR${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
# Sanitizer reports go to the daemon's log, where stop_coredns looks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

if [ -z "${COREDNS:-}" ] || [ ! -x "${COREDNS:-}" ]; then
	echo "not ok - \$COREDNS must name the server binary (got '${COREDNS:-}')"
	exit 1
fi

T_FAILED=0
T_COUNT=0
CD_PID=
CD_LOG=
CD_PIDS=()     # every daemon started by start_coredns
BG_PIDS=()     # other background helpers (query loops), see bg_track
PORT_LOCK_DIR=${REGRESS_PORT_LOCK_DIR:-/tmp/coredns-regress-ports.$(id -u)}

# ---- results ---------------------------------------------------------

ok() {
	T_COUNT=$((T_COUNT + 1))
	echo "ok - $*"
}

# fail DESC [DETAIL...]: details are printed as "# " comment lines
fail() {
	local d=$1
	shift
	T_COUNT=$((T_COUNT + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok - $d"
	local l
	for l in "$@"; do
		printf '%s\n' "$l" | head -n 30 | cut -c1-200 | sed 's/^/#   /'
	done
}

# check_eq GOT EXPECTED DESC
check_eq() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		fail "$3" "expected: '$2'" "got:      '$1'"
	fi
}

# check_match STRING EXTENDED-REGEX DESC (the whole string must match)
check_match() {
	if [[ $1 =~ ^($2)$ ]]; then
		ok "$3"
	else
		fail "$3" "regex: $2" "got:   '$1'"
	fi
}

# check_grep FILE EXTENDED-REGEX DESC: some line of FILE matches
check_grep() {
	if grep -Eq -- "$2" "$1" 2>/dev/null; then
		ok "$3"
	else
		fail "$3" "no line of $(basename "$1") matches: $2" \
		    "$(tail -n 5 "$1" 2>/dev/null)"
	fi
}

# check_has STRING EXTENDED-REGEX DESC: some line of STRING matches
check_has() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok "$3"
	else
		fail "$3" "no line matches: $2" "got:" "$1"
	fi
}

# check_nogrep FILE EXTENDED-REGEX DESC: no line of FILE matches
check_nogrep() {
	if grep -Eq -- "$2" "$1" 2>/dev/null; then
		fail "$3" "unexpected line(s) in $(basename "$1"):" \
		    "$(grep -E -- "$2" "$1" | head -n 5)"
	else
		ok "$3"
	fi
}

# check_cmd DESC CMD...: the command must exit 0
check_cmd() {
	local d=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$d"
	else
		fail "$d" "command failed: $*" "$out"
	fi
}

# ---- ports -----------------------------------------------------------

# free_port: prints a port that is free for UDP and TCP on 127.0.0.1 and
# ::1. Ports come from below the ephemeral range (so client sockets do not
# take them) and are reserved with mkdir in a directory shared by all
# cases, so parallel cases never get the same one. A reservation records
# the case's PID ($$, also inside $(...)) and is released when the case
# exits, or reclaimed once that PID is gone.
free_port() {
	local port i d o
	mkdir -p "$PORT_LOCK_DIR" 2>/dev/null
	for d in "$PORT_LOCK_DIR"/*; do
		[ -f "$d/owner" ] || continue
		o=$(cat "$d/owner" 2>/dev/null)
		if [ -n "$o" ] && ! kill -0 "$o" 2>/dev/null; then
			rm -rf "$d"
		fi
	done
	find "$PORT_LOCK_DIR" -mindepth 1 -maxdepth 1 -mmin +30 \
	    -exec rm -rf {} + 2>/dev/null
	for i in $(seq 1 200); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
		mkdir "$PORT_LOCK_DIR/$port" 2>/dev/null || continue
		echo "$$" >"$PORT_LOCK_DIR/$port/owner"
		if "$PY" - "$port" <<'EOF'
import socket, sys
p = int(sys.argv[1])
socks = []
try:
    for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        for typ in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(fam, typ)
            socks.append(s)
            s.bind((addr, p))
except OSError:
    sys.exit(1)
EOF
		then
			echo "$port"
			return 0
		fi
		rm -rf "$PORT_LOCK_DIR/$port"
	done
	echo "free_port: no free port found" >&2
	return 1
}

# ---- the daemon ------------------------------------------------------

# dns_ready ADDR PORT: true when something answers a DNS query over UDP
# (any rcode) and accepts TCP connections on ADDR:PORT
dns_ready() {
	"$PY" - "$1" "$2" <<'EOF'
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
q = bytes.fromhex("beef0000000100000000000000000100" "01")  # ". A IN"
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(0.3)
try:
    s.sendto(q, (addr, port))
    r = s.recv(4096)
    if len(r) < 12 or r[:2] != b"\xbe\xef":
        sys.exit(1)
    t = socket.create_connection((addr, port), timeout=0.3)
    t.close()
except OSError:
    sys.exit(1)
EOF
}

# tcp_open ADDR PORT: true if a TCP connection to ADDR:PORT succeeds
tcp_open() {
	"$PY" -c 'import socket,sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=0.3).close()' \
	    "$1" "$2" 2>/dev/null
}

# start_coredns CONF [ARGS...]: starts $COREDNS -conf CONF ARGS in the
# background, stdout+stderr appended to $CD_LOG (default ./coredns.log),
# and waits up to 10 s until it answers on $WAIT_ADDR:$WAIT_PORT (default
# 127.0.0.1:$PORT). WAIT_MODE=tcp only waits for the TCP port to open;
# WAIT_MODE=none does not wait. Sets CD_PID. START_DESC names the check
# printed when it fails. Returns 1 (after printing a
# failed check) if it died or never answered.
start_coredns() {
	local conf=$1
	shift
	CD_LOG=${CD_LOG:-$PWD/coredns.log}
	"$COREDNS" -conf "$conf" "$@" >>"$CD_LOG" 2>&1 &
	CD_PID=$!
	CD_PIDS+=("$CD_PID")
	local addr=${WAIT_ADDR:-127.0.0.1} port=${WAIT_PORT:-${PORT:-}}
	local mode=${WAIT_MODE:-dns} i
	[ "$mode" = none ] && return 0
	for i in $(seq 1 50); do
		if ! kill -0 "$CD_PID" 2>/dev/null; then
			wait "$CD_PID"
			fail "${START_DESC:-coredns started ($conf)}" "it exited with $?" \
			    "$(tail -n 20 "$CD_LOG")"
			CD_PID=
			return 1
		fi
		if [ "$mode" = tcp ]; then
			tcp_open "$addr" "$port" && return 0
		else
			dns_ready "$addr" "$port" && return 0
		fi
		sleep 0.2
	done
	fail "${START_DESC:-coredns started ($conf)}" "no answer on $addr:$port in 10 s" \
	    "$(tail -n 20 "$CD_LOG")"
	return 1
}

# sanitizer_check LOG [DESC]: the log must not contain sanitizer reports
sanitizer_check() {
	local re='ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: ThreadSanitizer|SUMMARY: UndefinedBehaviorSanitizer'
	if grep -Eq "$re" "$1" 2>/dev/null; then
		fail "${2:-no sanitizer report}" \
		    "$(grep -E -A 15 "$re" "$1" | head -n 40)"
	else
		ok "${2:-no sanitizer report}"
	fi
}

# stop_peer PID NAME: stops another daemon the case started (nsd, knotd,
# pdns_server): SIGTERM, wait up to 5 s, then SIGKILL (a failed check)
stop_peer() {
	local pid=$1 name=$2 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 25); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		fail "$name exits on SIGTERM within 5 s" "killed with SIGKILL"
	else
		wait "$pid" 2>/dev/null
		ok "$name stopped"
	fi
}

# stop_coredns [PID [SIGNAL]]: SIGTERM (default) the daemon, wait up to 15 s,
# then SIGKILL. Checks exit status 0 and a log free of sanitizer reports.
stop_coredns() {
	local pid=${1:-$CD_PID} sig=${2:-TERM} i rc
	if [ -z "$pid" ]; then
		fail "coredns stopped" "no daemon running"
		return 1
	fi
	kill -s "$sig" "$pid" 2>/dev/null
	for i in $(seq 1 75); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		fail "coredns exits on SIG$sig within 15 s" "killed with SIGKILL"
	else
		wait "$pid"
		rc=$?
		check_eq "$rc" 0 "coredns exit status after SIG$sig"
	fi
	[ "$pid" = "$CD_PID" ] && CD_PID=
	sanitizer_check "$CD_LOG" "no sanitizer report in coredns log"
}

# bg_track PID: kill PID on exit if it is still running
bg_track() {
	BG_PIDS+=("$1")
}

cleanup() {
	local p
	for p in "${BG_PIDS[@]}" "${CD_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in "$PORT_LOCK_DIR"/*/owner; do
		[ "$(cat "$p" 2>/dev/null)" = "$$" ] && rm -rf "${p%/owner}"
	done
}
trap cleanup EXIT
trap 'echo "not ok - case interrupted"; exit 1' INT TERM

# done_testing: exit 1 if any check failed, 0 otherwise
done_testing() {
	if [ "$T_COUNT" -eq 0 ]; then
		echo "not ok - case ran no checks"
		exit 1
	fi
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

# ---- querying --------------------------------------------------------

# q [DIG ARGS...]: dig at 127.0.0.1:$PORT, bounded
q() {
	dig @127.0.0.1 -p "$PORT" +time=2 +tries=1 "$@"
}

# q_status [DIG ARGS...]: prints the rcode name of the answer ("none" if
# there was no answer)
q_status() {
	local out st
	out=$(q "$@" 2>&1)
	st=$(printf '%s\n' "$out" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | tail -n 1)
	echo "${st:-none}"
}

# py SCRIPT-ARGS...: the Debian python with regress/rlib.py importable
py() {
	"$PY" "$@"
}
