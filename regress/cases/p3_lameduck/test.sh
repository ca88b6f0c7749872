#!/bin/bash
# p3_lameduck: SIGTERM to a daemon with `health { lameduck 2s }` while a
# probe queries DNS, /health and /ready: for about 2 s queries are still
# answered and /health stays 200 while /ready says 503; then the process
# exits 0 and stops answering.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
HPORT=$(free_port) || exit 1
RPORT=$(free_port) || exit 1
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	health 127.0.0.1:$HPORT {
		lameduck 2s
	}
	ready 127.0.0.1:$RPORT
	whoami
}
EOC
start_coredns Corefile || done_testing
check_eq "$(curl -s -m 3 "http://127.0.0.1:$HPORT/health")" OK "/health OK before SIGTERM"
check_eq "$(curl -s -m 3 "http://127.0.0.1:$RPORT/ready")" OK "/ready OK before SIGTERM"

py "$CASE_DIR/probe.py" 127.0.0.1 "$PORT" "$HPORT" "$RPORT" "$PWD/probe.txt" "$PWD/stop" &
probe=$!
bg_track $probe
sleep 1
pid=$CD_PID
t0=$(date +%s.%N)
kill -TERM "$pid"
# the daemon must be gone within 10 s
for i in $(seq 1 200); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
t1=$(date +%s.%N)
if kill -0 "$pid" 2>/dev/null; then
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	fail "daemon exits within 10 s of SIGTERM" "killed with SIGKILL"
	rc=x
else
	wait "$pid"
	rc=$?
fi
CD_PID=
sleep 0.5
touch stop
for i in $(seq 1 60); do kill -0 $probe 2>/dev/null || break; sleep 0.1; done
wait $probe

check_eq "$rc" 0 "exit status 0 after lameduck"
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "# SIGTERM to exit: ${took}s"
if awk -v d="$took" 'BEGIN { exit !(d >= 1.8 && d <= 5) }'; then
	ok "exit came after the 2 s lameduck (${took}s)"
else
	fail "exit came after the 2 s lameduck" "took ${took}s (want 1.8..5)"
fi

# rounds inside the lameduck window (0.2 s after SIGTERM to 1.7 s after)
awk -v a="$t0" '$1 >= a + 0.2 && $1 <= a + 1.7' probe.txt >during.txt
# a round starts with its timestamp and takes a while: keep a margin
awk -v a="$t0" '$1 < a - 0.3' probe.txt >before.txt
n=$(wc -l <during.txt)
if [ "$n" -ge 5 ]; then ok "probe ran during lameduck ($n rounds)"; else fail "probe ran during lameduck" "$n rounds"; fi
check_eq "$(awk '$2 != "NOERROR"' before.txt | wc -l)" 0 "before SIGTERM: every query answered"
check_eq "$(awk '$2 != "NOERROR"' during.txt | head -n 3)" "" "during lameduck: every query answered NOERROR"
check_eq "$(awk '$3 != 200' during.txt | head -n 3)" "" "during lameduck: /health 200"
check_eq "$(awk '$4 != 503' during.txt | head -n 3)" "" "during lameduck: /ready 503"
check_eq "$(awk '$4 != 200' before.txt | head -n 3)" "" "before SIGTERM: /ready 200"
# after the exit nothing answers any more
awk -v b="$t1" '$1 > b + 0.1' probe.txt >after.txt
if [ -s after.txt ]; then
	check_eq "$(awk '$2 != "none" || $3 != 0 || $4 != 0' after.txt | head -n 3)" "" \
	    "after exit: no DNS, /health or /ready answer"
else
	fail "after exit: probe rounds recorded" "none"
fi
check_grep coredns.log '[Ll]ameduck' "log mentions lameduck"
sanitizer_check "$CD_LOG" "no sanitizer report in coredns log"
done_testing
