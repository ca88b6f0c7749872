#!/bin/bash
# The bind plugin: an interface name expands to its addresses (lo: 127.0.0.1
# and ::1), `except` removes one, and the server listens exactly there.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
PORT2=$(free_port) || exit 1
cat >Corefile <<EOC
example.org:$PORT {
	bind lo
	whoami
}
example.org:$PORT2 {
	bind lo {
		except ::1
	}
	whoami
}
EOC
start_coredns Corefile -workers 1 || done_testing

# lo: both loopback addresses answer
st=$(dig @127.0.0.1 -p "$PORT" +time=2 +tries=1 a.example.org | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')
check_eq "$st" NOERROR "bind lo: 127.0.0.1 answers"
st=$(dig @::1 -p "$PORT" +time=2 +tries=1 a.example.org | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')
check_eq "$st" NOERROR "bind lo: ::1 answers"
check_grep coredns.log "dns://127.0.0.1:$PORT" "listener 127.0.0.1 named at start-up"
check_grep coredns.log "dns://\[::1\]:$PORT" "listener [::1] named at start-up"

# except ::1: only 127.0.0.1 listens on the second port
st=$(dig @127.0.0.1 -p "$PORT2" +time=2 +tries=1 a.example.org | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')
check_eq "$st" NOERROR "bind lo { except ::1 }: 127.0.0.1 answers"
out=$(dig @::1 -p "$PORT2" +time=1 +tries=1 +notcp a.example.org 2>&1)
if printf '%s\n' "$out" | grep -q "status:"; then
	fail "bind lo { except ::1 }: ::1 does not answer" "$out"
else
	ok "bind lo { except ::1 }: ::1 does not answer"
fi
if ss -H -lun "( sport = :$PORT2 )" | grep -q '\[::1\]'; then
	fail "no socket on [::1]:$PORT2" "$(ss -H -lun "( sport = :$PORT2 )")"
else
	ok "no socket on [::1]:$PORT2"
fi

stop_coredns
done_testing
