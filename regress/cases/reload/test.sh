#!/bin/bash
# SIGHUP/SIGUSR1 reload while a query loop runs: no query may fail; a good
# Corefile is swapped in, a broken one refused (the old one keeps serving).
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
PORT2=$(free_port) || exit 1
DPORT=$(free_port) || exit 1
corefile() { # VERSION [EXTRA]
	cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	chaos $1
}
example.org:$PORT {
	bind 127.0.0.1
	whoami
}
${2:-}
EOC
}
# wait_log N REGEX: until the log has at least N lines matching (10 s)
wait_log() {
	local i
	for i in $(seq 1 50); do
		[ "$(grep -Ec -- "$2" "$CD_LOG")" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
version() { q +short version.bind CH TXT; }

corefile v1
start_coredns Corefile -workers 2 -debug.addr "127.0.0.1:$DPORT" || done_testing
check_eq "$(version)" '"v1"' "v1 serving"

# a TCP connection opened before the reloads stays usable after them
py - "$PORT" "$PWD/stop" "$PWD/ready.tcp" <<'EOP' &
import os, sys, time
from rlib import *
port, stop, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = tcp_connect("127.0.0.1", port, 2)
seen, n, bad = [], 0, 0
t0 = time.time()
while time.time() - t0 < 60 and not os.path.exists(stop):
    q = mkquery("version.bind", "TXT", "CH")
    s.sendall(frame(q.to_wire()))
    try:
        r = dns.message.from_wire(tcp_read_msg(s))
        v = r.answer[0][0].strings[0].decode()
        if not seen or seen[-1] != v:
            seen.append(v)
        if n == 0:
            open(ready, "w").close()
    except Exception as e:
        bad += 1
        break
    n += 1
    time.sleep(0.005)
check(bad == 0 and n > 100, "one persistent TCP connection kept answering across reloads (%d queries)" % n)
check_eq(",".join(seen), "v1,v2,v3", "persistent TCP connection sees the new configurations")
done()
EOP
ptcp=$!
bg_track $ptcp
py "$CASE_DIR/loop.py" 127.0.0.1 "$PORT" "$PWD/stop" "$PWD/loop.json" 2000 "$PWD/ready.udp" &
loop=$!
bg_track $loop
# both loops have had an answer from v1 (bounded: 20 s)
for i in $(seq 1 100); do
	[ -e ready.udp ] && [ -e ready.tcp ] && break
	sleep 0.2
done
sleep 0.3

# 1. good reload via SIGHUP
corefile v2
kill -HUP "$CD_PID"
if wait_log 1 '^\[INFO\] Reloading complete'; then
	ok "SIGHUP: reload logged complete"
else
	fail "SIGHUP: reload logged complete" "$(tail -n 5 "$CD_LOG")"
fi
check_eq "$(version)" '"v2"' "after SIGHUP: new version served"
sleep 0.5

# 2. broken Corefile via SIGUSR1: refused, v2 keeps serving
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	chaos v-broken
	no_such_plugin
}
EOC
kill -USR1 "$CD_PID"
if wait_log 1 '^\[ERROR\] Reload failed, keeping the running configuration: .*Corefile:4'; then
	ok "broken reload: failure logged (naming Corefile:4)"
else
	fail "broken reload: failure logged (naming Corefile:4)" "$(tail -n 5 "$CD_LOG")"
fi
check_eq "$(version)" '"v2"' "after broken reload: old version still served"
check_eq "$(q_status example.org A)" NOERROR "after broken reload: whoami block still there"
sleep 0.5

# 3. a broken one that parses but cannot start (duplicate zone/port)
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	chaos v-dup
}
.:$PORT {
	bind 127.0.0.1
	chaos v-dup2
}
EOC
kill -HUP "$CD_PID"
if wait_log 2 '^\[ERROR\] Reload failed, keeping the running configuration'; then
	ok "duplicate-zone reload: failure logged"
else
	fail "duplicate-zone reload: failure logged" "$(tail -n 5 "$CD_LOG")"
fi
check_eq "$(version)" '"v2"' "after duplicate-zone reload: old version still served"

# 4. good reload adding a block on a new port and dropping whoami
corefile v3 ".:$PORT2 {
	bind 127.0.0.1
	chaos v3-other
}"
sed -i '/^example.org/,/^}/d' Corefile
kill -USR1 "$CD_PID"
if wait_log 2 '^\[INFO\] Reloading complete'; then
	ok "SIGUSR1: second reload complete"
else
	fail "SIGUSR1: second reload complete" "$(tail -n 5 "$CD_LOG")"
fi
check_eq "$(version)" '"v3"' "after SIGUSR1: v3 served"
check_eq "$(dig @127.0.0.1 -p "$PORT2" +time=2 +tries=1 +short version.bind CH TXT)" '"v3-other"' \
    "after reload: new port $PORT2 listening"
check_eq "$(q_status example.org A)" REFUSED "after reload: removed whoami block gone (REFUSED from chaos block)"
sleep 0.5

touch stop
# the loop stops within 60 s by itself
for i in $(seq 1 300); do kill -0 $loop 2>/dev/null || break; sleep 0.2; done
wait $loop
wait $ptcp
summary=$(cat loop.json 2>/dev/null)
echo "# loop: $summary"
read -r n fails seen <<<"$(py -c 'import json,sys; d=json.load(open("loop.json")); print(d["n"], d["fails"], ",".join(d["seen"]))' 2>/dev/null)"
if [ "${n:-0}" -ge 2000 ]; then ok "query loop ran ($n queries)"; else fail "query loop ran" "$summary"; fi
check_eq "${fails:-x}" 0 "no query failed during reloads"
check_eq "${seen:-}" "v1,v2,v3" "loop saw v1 then v2 then v3, never a broken config"

vars=$(py -c 'import rlib,sys; print(rlib.http_get("127.0.0.1", int(sys.argv[1]), "/debug/vars"))' "$DPORT")
check_has "$vars" '^coredns_debug_reloads_total\{result="ok"\} 2$' "debug/vars: reloads ok = 2"
check_has "$vars" '^coredns_debug_reloads_total\{result="failed"\} 2$' "debug/vars: reloads failed = 2"

# the old port/new port both shut down cleanly
stop_coredns
done_testing
