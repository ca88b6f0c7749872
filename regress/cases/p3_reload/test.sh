#!/bin/bash
# p3_reload: the reload plugin notices edits of the Corefile and of a file
# it imports (checked every 2 s +- 0.5 s) and swaps the configuration in;
# a broken edit is refused (old config keeps answering, the failure is
# counted in coredns_reload_failed_total and logged). The health, ready
# and prometheus listeners keep answering on the same ports throughout.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
MPORT=$(free_port) || exit 1
HPORT=$(free_port) || exit 1
RPORT=$(free_port) || exit 1

# corefile VERSION [EXTRA-DIRECTIVE]: written to a temp file and renamed,
# so the reload timer never reads half a file
corefile() {
	cat >Corefile.new <<EOC
.:$PORT {
	bind 127.0.0.1
	reload 2s 1s
	prometheus 127.0.0.1:$MPORT
	health 127.0.0.1:$HPORT
	ready 127.0.0.1:$RPORT
	chaos $1
	import extra.conf
	${2:-}
}
EOC
	mv Corefile.new Corefile
}
extra() { # CONTENT
	printf '%s\n' "$1" >extra.conf.new
	mv extra.conf.new extra.conf
}
version() { q +short version.bind CH TXT; }
nsid() { # the NSID string of the answer, or "" when there is none
	q +nsid version.bind CH TXT | sed -n 's/.*NSID: .*("\(.*\)").*/\1/p'
}
# wait_for DESC WANT CMD...: until CMD prints WANT (10 s)
wait_for() {
	local d=$1 want=$2 got i
	shift 2
	for i in $(seq 1 50); do
		got=$("$@")
		if [ "$got" = "$want" ]; then
			ok "$d"
			return 0
		fi
		sleep 0.2
	done
	fail "$d" "expected: '$want' within 10 s" "got:      '$got'"
	return 1
}
failed_total() {
	curl -s -m 3 "http://127.0.0.1:$MPORT/metrics" |
	    sed -n 's/^coredns_reload_failed_total \([0-9]*\)$/\1/p'
}
# listeners STEP: health, ready and metrics answer on their ports
listeners() {
	check_eq "$(curl -s -m 3 "http://127.0.0.1:$HPORT/health")" OK "$1: /health OK"
	check_eq "$(curl -s -m 3 "http://127.0.0.1:$RPORT/ready")" OK "$1: /ready OK"
	check_eq "$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/metrics")" 200 \
	    "$1: /metrics 200"
}

extra "nsid id-1"
corefile v1
start_coredns Corefile || done_testing
check_eq "$(version)" '"v1"' "v1 served at start"
check_eq "$(nsid)" "id-1" "NSID from the imported file: id-1"
check_eq "$(failed_total)" 0 "reload_failed_total 0 at start"
check_grep coredns.log 'plugin/reload: Running configuration SHA512 = [0-9a-f]{128}' \
    "log: running configuration SHA512"
listeners "start"

# 1. the Corefile changes
corefile v2
wait_for "Corefile edit: v2 served within 10 s" '"v2"' version
check_eq "$(nsid)" "id-1" "after Corefile edit: NSID unchanged"
listeners "after Corefile edit"

# 2. the imported file changes
extra "nsid id-2"
wait_for "imported file edit: NSID id-2 within 10 s" id-2 nsid
check_eq "$(version)" '"v2"' "after import edit: version unchanged"
listeners "after import edit"

# 3. a broken Corefile: refused, counted, logged; v2 keeps serving
corefile v-broken no_such_plugin
wait_for "broken Corefile: reload_failed_total 1 within 10 s" 1 failed_total
check_grep coredns.log 'Reload failed' "broken Corefile: log has Reload failed"
check_eq "$(version)" '"v2"' "broken Corefile: old version still served"
check_eq "$(nsid)" id-2 "broken Corefile: old NSID still served"
listeners "after broken Corefile"
sleep 3
check_eq "$(failed_total)" 1 "broken Corefile is tried once, not on every tick"

# 4. a good edit after the failure is picked up
corefile v3
wait_for "fixed Corefile: v3 served within 10 s" '"v3"' version
check_eq "$(failed_total)" 1 "fixed Corefile: reload_failed_total stays 1"
listeners "after fixed Corefile"

# 5. a broken imported file: refused as well
extra "nsid id-3
not_a_plugin"
wait_for "broken import: reload_failed_total 2 within 10 s" 2 failed_total
check_eq "$(nsid)" id-2 "broken import: old NSID still served"
check_eq "$(version)" '"v3"' "broken import: v3 still served"
extra "nsid id-4"
wait_for "fixed import: NSID id-4 within 10 s" id-4 nsid
listeners "end"

# the reload plugin itself rejects a too-short interval at startup
cat >Bad <<EOC
.:$PORT {
	reload 1s
	whoami
}
EOC
out=$("$COREDNS" -conf Bad -validate 2>&1)
rc=$?
check_eq "$rc" 1 "reload 1s: -validate exits 1"
check_has "$out" 'Bad:2' "reload 1s: error names Bad:2"

stop_coredns
done_testing
