#!/bin/bash
# log plugin line format, class filters, name filters, minDuration; errors
# plugin lines and consolidate.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
cat >Corefile <<EOC
example.org:$PORT {
	bind 127.0.0.1
	log
	whoami
}
combined.test:$PORT {
	bind 127.0.0.1
	log . {combined}
	whoami
}
.:$PORT {
	bind 127.0.0.1
	log
	chaos
}
err.test:$PORT {
	bind 127.0.0.1
	errors
	log
	erratic {
		error 1
	}
}
denial.test:$PORT {
	bind 127.0.0.1
	log {
		class denial
	}
	whoami
}
errclass.test:$PORT {
	bind 127.0.0.1
	log {
		class error
	}
	erratic {
		error 2
	}
}
names.test:$PORT {
	bind 127.0.0.1
	log a.names.test c.names.test
	whoami
}
custom.test:$PORT {
	bind 127.0.0.1
	log . "CUSTOM {type} {name} {rcode} {proto}"
	whoami
}
slow.test:$PORT {
	bind 127.0.0.1
	log {
		class denial
		minDuration 200ms
	}
	erratic {
		delay 2 400ms
	}
}
cons.test:$PORT {
	bind 127.0.0.1
	errors {
		consolidate 2s ".*synthetic.*"
	}
	erratic {
		error 1
	}
}
consw.test:$PORT {
	bind 127.0.0.1
	errors {
		consolidate 1s "synthetic failure\$" warning
	}
	erratic {
		error 1
	}
}
EOC
start_coredns Corefile -workers 2 || done_testing

# consolidated errors first: their summaries come after the window
for i in 1 2 3; do q c$i.cons.test A >/dev/null; done
for i in 1 2; do q c$i.consw.test A >/dev/null; done
t0=$(date +%s)

py "$CASE_DIR/logfmt.py" 127.0.0.1 "$PORT" "$CD_LOG"

# errors plugin
check_grep "$CD_LOG" '^\[ERROR\] plugin/errors: 2 e1\.err\.test\. A: plugin/erratic: synthetic failure$' \
    "errors: line for the erratic failure"

# class denial: whoami answers are success, REFUSED/SERVFAIL are errors
q a.denial.test A >/dev/null
q b.denial.test TXT +tcp >/dev/null
# class error: erratic "error 2": SERVFAILs logged, answers not
for i in 1 2 3 4 5 6; do q_status x$i.errclass.test A; done >errclass.out
# log NAMES: only a. and c.names.test
for n in a b c d; do q $n.names.test A >/dev/null; done
q CUSTOM.Custom.test TXT +tcp >/dev/null
# minDuration: only the delayed ones
py - "$PORT" <<'EOP' >slow.out
import sys, time
from rlib import *
port = int(sys.argv[1])
for i in range(6):
    t = time.time()
    r, sport = query("127.0.0.1", port, mkquery("s%d.slow.test" % i, "A"))
    print("s%d %d %s" % (i, (time.time() - t) * 1000 >= 300, r is not None and r.rcode() == 0))
EOP
sleep 0.5
check_nogrep "$CD_LOG" 'denial\.test' "class denial: whoami answers not logged"
nsf=$(grep -c SERVFAIL errclass.out)
check_eq "$(grep -c NOERROR errclass.out)/$nsf" "3/3" "erratic error 2: half the queries fail"
check_nogrep "$CD_LOG" '"A IN x[0-9]\.errclass\.test\. .*" NOERROR' "class error: NOERROR answers not logged"
check_eq "$(grep -Ec '^\[INFO\] 127\.0\.0\.1:[0-9]+ - [0-9]+ "A IN x[0-9]\.errclass\.test\. udp [0-9]+ false 1232" SERVFAIL qr,rd [0-9]+ ' "$CD_LOG")" \
    "$nsf" "class error: every SERVFAIL logged"
check_grep "$CD_LOG" '"A IN a\.names\.test\. ' "log NAMES: a.names.test logged"
check_grep "$CD_LOG" '"A IN c\.names\.test\. ' "log NAMES: c.names.test logged"
check_nogrep "$CD_LOG" '"A IN (b|d)\.names\.test\. ' "log NAMES: others not logged"
check_grep "$CD_LOG" '^\[INFO\] CUSTOM TXT custom\.custom\.test\. NOERROR tcp$' "custom format"
nslow=$(grep -c ' 1 True$' slow.out)
nfast=$(grep -c ' 0 True$' slow.out)
if [ "$nslow" -ge 1 ] && [ "$nfast" -ge 1 ] && [ $((nslow + nfast)) -eq 6 ]; then
	ok "minDuration: some queries delayed, some not ($nslow/$nfast)"
else
	fail "minDuration: some queries delayed, some not" "$(cat slow.out)"
fi
check_eq "$(grep -c '"A IN s[0-9]\.slow\.test\. ' "$CD_LOG")" "$nslow" "class denial + minDuration: only the slow queries logged"
for s in $(grep ' 0 True$' slow.out | cut -d' ' -f1); do
	check_nogrep "$CD_LOG" "\"A IN $s\\.slow\\.test\\. " "minDuration: fast $s not logged"
done

# consolidate: no individual lines, one summary per window
check_nogrep "$CD_LOG" 'plugin/errors: 2 c[0-9]\.cons' "consolidate: no individual error lines"
while [ $(($(date +%s) - t0)) -lt 3 ]; do sleep 0.2; done
for i in $(seq 1 15); do
	grep -q "errors like '.\\*synthetic.\\*'" "$CD_LOG" && break
	sleep 0.2
done
check_grep "$CD_LOG" "^\\[ERROR\\] plugin/errors: 3 errors like '\\.\\*synthetic\\.\\*' occurred in last 2s\$" \
    "consolidate: summary line at ERROR"
check_grep "$CD_LOG" "^\\[WARNING\\] plugin/errors: 2 errors like 'synthetic failure\\\$' occurred in last 1s\$" \
    "consolidate warning: summary line at WARNING"
check_eq "$(grep -c "errors like '\\.\\*synthetic" "$CD_LOG")" 1 "consolidate: exactly one summary"
stop_coredns
done_testing
