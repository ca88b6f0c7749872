#!/usr/bin/env bash
# test.sh - the test command: installs what the tests need, builds with
# -Werror and ASan+UBSan, runs the unit tests, the format check, each fuzz
# target, the regress/ system tests and the bench harness smoke run.
# The last line is "N passed, M failed"; exit status 0 only if M is 0.
set -u
cd "$(dirname "$0")"
top=$(pwd)
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
passed=0
failed=0
failures=""

pass() { passed=$((passed + $1)); }
fail() {
	failed=$((failed + $1))
	failures="$failures $2"
}

if ! scripts/deps.sh test; then
	echo "cannot install the test dependencies"
	echo "0 passed, 1 failed"
	exit 1
fi
export PATH="/usr/sbin:/sbin:$PATH"

# --- build (sanitizers, warnings as errors) ---
[ -x configure ] && [ configure -nt configure.ac ] || ./autogen.sh >/dev/null 2>&1
mkdir -p build-test
(
	cd build-test &&
		{ [ -f Makefile ] || ../configure --enable-werror --enable-sanitizers \
			CFLAGS='-O1 -g' >configure.log 2>&1; } &&
		make -j"$(nproc)" all >make.log 2>&1 &&
		make -j"$(nproc)" check TESTS= >make-check.log 2>&1
)
if [ $? -ne 0 ]; then
	echo "FAIL build (see build-test/*.log)"
	tail -n 30 build-test/make*.log build-test/configure.log 2>/dev/null
	echo "0 passed, 1 failed"
	exit 1
fi
echo "PASS build"
pass 1

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# --- unit tests: every cmocka test case counts ---
# unit NAME COMMAND...: runs a cmocka program and counts its cases
unit() {
	local name=$1 out rc np nf
	shift
	out=$("$@" 2>&1)
	rc=$?
	np=$(printf '%s\n' "$out" | sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	nf=$(printf '%s\n' "$out" | sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	np=${np:-0}
	nf=${nf:-0}
	if [ $rc -ne 0 ] && [ "$nf" -eq 0 ]; then nf=1; fi
	if [ "$np" -eq 0 ] && [ "$nf" -eq 0 ]; then nf=1; fi
	echo "$([ "$nf" -eq 0 ] && echo PASS || echo FAIL) unit $name ($np passed, $nf failed)"
	[ "$nf" -ne 0 ] && printf '%s\n' "$out" | tail -n 40
	pass "$np"
	[ "$nf" -ne 0 ] && fail "$nf" "unit:$name"
}
for t in $(cd build-test && make -s print-check-programs 2>/dev/null); do
	unit "$t" "build-test/$t"
done
# the store tests again on a throwaway PostgreSQL cluster
unit "storage/tests/test_store (PostgreSQL)" \
	"$top/storage/tests/test_store_pg.sh" "$top/build-test/storage/tests/test_store"

# --- format ---
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
if clang-format --dry-run --Werror $files >format.log 2>&1; then
	echo "PASS clang-format"
	pass 1
else
	echo "FAIL clang-format"
	head -n 40 format.log
	fail 1 clang-format
fi
rm -f format.log

# --- fuzz targets (clang + libFuzzer), each for FUZZ_SECONDS ---
mkdir -p build-fuzz
if (
	cd build-fuzz &&
		{ [ -f Makefile ] || CC=clang ../configure --enable-fuzzing \
			--enable-sanitizers CFLAGS='-O1 -g' >configure.log 2>&1; } &&
		make -j"$(nproc)" $(cd "$top" && ls fuzz/fuzz_*.c | sed 's/\.c$//') \
			>make.log 2>&1
); then
	for f in $(ls fuzz/fuzz_*.c | sed 's|^fuzz/||; s/\.c$//'); do
		corpus=$(mktemp -d)
		seeds="$top/fuzz/corpus/${f#fuzz_}"
		[ -d "$seeds" ] && cp -r "$seeds/." "$corpus/"
		if (cd build-fuzz && LSAN_OPTIONS="suppressions=$top/fuzz/lsan.supp" \
			"./fuzz/$f" -max_total_time="$FUZZ_SECONDS" \
			-timeout=10 -rss_limit_mb=2048 "$corpus" >"$f.log" 2>&1); then
			echo "PASS fuzz $f ($(grep -c '' "build-fuzz/$f.log") log lines)"
			pass 1
		else
			echo "FAIL fuzz $f"
			tail -n 40 "build-fuzz/$f.log"
			fail 1 "fuzz:$f"
		fi
		rm -rf "$corpus"
	done
else
	echo "FAIL fuzz build"
	tail -n 30 build-fuzz/make.log build-fuzz/configure.log 2>/dev/null
	fail 1 fuzz-build
fi

# --- system tests ---
export COREDNS="$top/build-test/server/coredns"
export COREDNS_UTIL="$top/build-test/utils/coredns-util"
regress/run.sh >regress.log 2>&1
cat regress.log
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' regress.log | tail -1)
if [ -n "$line" ]; then
	rp=${line%% passed*}
	rf=${line#*passed, }
	rf=${rf%% failed*}
	pass "$rp"
	[ "$rf" -ne 0 ] && fail "$rf" regress
else
	fail 1 regress-runner
fi
rm -f regress.log

# --- the bench harness still works (no speed is asserted) ---
if bench/run.sh --quick --scenarios whoami >bench.log 2>&1; then
	echo "PASS bench --quick --scenarios whoami"
	tail -n 15 bench.log
	pass 1
else
	echo "FAIL bench --quick --scenarios whoami"
	tail -n 30 bench.log
	fail 1 bench
fi
rm -f bench.log

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
