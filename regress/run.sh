#!/bin/bash
# regress/run.sh - runs the system tests: every regress/cases/*/test.sh, or
# the cases named on the command line, each in its own temp dir under a
# timeout. Checks inside a case print "ok - ..." / "not ok - ..."; each is
# counted, and a case that dies or times out counts one more failure.
# Ends with exactly one line "N passed, M failed"; exits 1 if M > 0.
#
# Environment: COREDNS (required) the server binary; REGRESS_TIMEOUT
# per-case seconds (default 120); REGRESS_JOBS cases run in parallel
# (default 1); REGRESS_KEEP=1 keeps every case's temp dir (failed ones are
# always kept).

set -u

REGRESS_DIR=$(cd "$(dirname "$0")" && pwd)
export REGRESS_DIR
TIMEOUT=${REGRESS_TIMEOUT:-120}
JOBS=${REGRESS_JOBS:-1}

if [ -z "${COREDNS:-}" ]; then
	echo "run.sh: set COREDNS to the server binary" >&2
	echo "0 passed, 1 failed"
	exit 2
fi
COREDNS=$(cd "$(dirname "$COREDNS")" 2>/dev/null && pwd)/$(basename "$COREDNS")
if [ ! -x "$COREDNS" ]; then
	echo "run.sh: COREDNS=$COREDNS is not executable" >&2
	echo "0 passed, 1 failed"
	exit 2
fi
export COREDNS

cases=()
if [ $# -gt 0 ]; then
	for c in "$@"; do
		c=${c%/}
		c=${c##*/}
		if [ ! -f "$REGRESS_DIR/cases/$c/test.sh" ]; then
			echo "run.sh: no such case: $c" >&2
			echo "0 passed, 1 failed"
			exit 2
		fi
		cases+=("$c")
	done
else
	for d in "$REGRESS_DIR"/cases/*/; do
		[ -f "$d/test.sh" ] && cases+=("$(basename "$d")")
	done
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/coredns-regress.XXXXXX")

# run_case NAME: runs one case; leaves WORK/NAME.result "PASSED FAILED"
# and the case output in its dir/case.log
run_case() {
	local name=$1 dir rc np nf
	dir=$(mktemp -d "$WORK/$name.XXXXXX")
	cp -r "$REGRESS_DIR/cases/$name/." "$dir/"
	# timeout signals its whole process group, so daemons a dying case
	# left behind go with it
	(cd "$dir" && CASE_DIR="$REGRESS_DIR/cases/$name" TMPDIR="$dir" \
	    timeout -k 10 "$TIMEOUT" bash "$REGRESS_DIR/cases/$name/test.sh" \
	    </dev/null >"$dir/case.log" 2>&1)
	rc=$?
	np=$(grep -c '^ok - ' "$dir/case.log")
	nf=$(grep -c '^not ok - ' "$dir/case.log")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok - case timed out after ${TIMEOUT}s" >>"$dir/case.log"
		nf=$((nf + 1))
	elif [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
		echo "not ok - case died with status $rc" >>"$dir/case.log"
		nf=$((nf + 1))
	elif [ "$np" -eq 0 ] && [ "$nf" -eq 0 ]; then
		echo "not ok - case ran no checks" >>"$dir/case.log"
		nf=1
	fi
	echo "$np $nf $dir" >"$WORK/$name.result"
}

report_case() {
	local name=$1 np nf dir
	read -r np nf dir <"$WORK/$name.result"
	if [ "$nf" -eq 0 ]; then
		echo "PASS $name ($np)"
		[ "${REGRESS_KEEP:-0}" = 1 ] || rm -rf "$dir"
	else
		echo "FAIL $name ($np passed, $nf failed; kept in $dir)"
		grep '^not ok - ' "$dir/case.log" | sed 's/^/    /'
		echo "    --- tail of case.log:"
		tail -n 25 "$dir/case.log" | sed 's/^/    | /'
		if [ -f "$dir/coredns.log" ]; then
			echo "    --- tail of coredns.log:"
			tail -n 15 "$dir/coredns.log" | sed 's/^/    | /'
		fi
	fi
	PASSED=$((PASSED + np))
	FAILED=$((FAILED + nf))
}

PASSED=0
FAILED=0
if [ "$JOBS" -le 1 ]; then
	for c in "${cases[@]}"; do
		run_case "$c"
		report_case "$c"
	done
else
	running=0
	for c in "${cases[@]}"; do
		run_case "$c" &
		running=$((running + 1))
		if [ "$running" -ge "$JOBS" ]; then
			wait -n
			running=$((running - 1))
		fi
	done
	wait
	for c in "${cases[@]}"; do
		report_case "$c"
	done
fi

rmdir "$WORK" 2>/dev/null
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
