#!/bin/bash
# p3_health_ready: /health answers 200 "OK"; /ready answers 503 naming
# the plugins that are not ready yet (erratic: until it has seen three
# queries), then 200 "OK". Only blocks that carry ready are waited on.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
HPORT=$(free_port) || exit 1
RPORT=$(free_port) || exit 1

# hget PORT PATH: prints "CODE BODY" (CODE 000 when nothing answered)
hget() {
	local out
	out=$(curl -s -m 3 -w '\n%{http_code}' "http://127.0.0.1:$1$2")
	printf '%s %s\n' "${out##*$'\n'}" "${out%$'\n'*}"
}

cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	health 127.0.0.1:$HPORT
	ready 127.0.0.1:$RPORT
	whoami
}
erratic.test:$PORT {
	bind 127.0.0.1
	ready 127.0.0.1:$RPORT
	erratic {
		drop 0
	}
}
EOC
start_coredns Corefile || done_testing

check_eq "$(hget "$HPORT" /health)" "200 OK" "GET /health: 200 OK"
hdr=$(curl -s -m 3 -D - -o /dev/null "http://127.0.0.1:$HPORT/health")
check_has "$hdr" '^HTTP/1\.[01] 200' "/health status line"
check_eq "$(hget "$RPORT" /ready)" "503 erratic" "GET /ready at start: 503 erratic"
check_eq "$(hget "$HPORT" /ready | cut -d' ' -f1)" 404 "/ready is not served on the health listener"
check_eq "$(hget "$RPORT" /health | cut -d' ' -f1)" 404 "/health is not served on the ready listener"

# queries to the other block do not count for erratic
for i in 1 2 3 4; do q a.test >/dev/null; done
check_eq "$(hget "$RPORT" /ready)" "503 erratic" "/ready after 4 queries to the whoami block: still 503"
check_eq "$(q +short a.erratic.test A)" "192.0.2.53" "erratic answers (query 1)"
check_eq "$(hget "$RPORT" /ready)" "503 erratic" "/ready after 1 erratic query: 503"
check_eq "$(q +short b.erratic.test A)" "192.0.2.53" "erratic answers (query 2)"
check_eq "$(hget "$RPORT" /ready)" "503 erratic" "/ready after 2 erratic queries: 503"
check_eq "$(q +short c.erratic.test AAAA)" "::53" "erratic answers (query 3)"
check_eq "$(hget "$RPORT" /ready)" "200 OK" "/ready after 3 erratic queries: 200 OK"
check_eq "$(hget "$RPORT" /ready)" "200 OK" "/ready stays 200"
check_eq "$(hget "$HPORT" /health)" "200 OK" "/health still 200 OK"
check_grep coredns.log 'plugin/ready: Still waiting on: "erratic"' "log: ready still waiting on erratic"
stop_coredns

# Second daemon: erratic in a block without ready is not waited on
# (CoreDNS: each block that enables ready reports its own plugins); a
# second not-ready plugin name would be listed sorted, comma-separated.
PORT=$(free_port) || exit 1
cat >Corefile2 <<EOC
.:$PORT {
	bind 127.0.0.1
	ready 127.0.0.1:$RPORT
	whoami
}
erratic.test:$PORT {
	bind 127.0.0.1
	erratic
}
EOC
CD_LOG=$PWD/coredns2.log
start_coredns Corefile2 || done_testing
check_eq "$(hget "$RPORT" /ready)" "200 OK" "erratic in a block without ready: /ready 200 at once"
check_eq "$(hget "$HPORT" /health)" "000 " "no health plugin: nothing on the old health port"
stop_coredns
done_testing
