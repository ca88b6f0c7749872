#!/bin/bash
# chaos: version.bind/version.server, authors.bind, hostname.bind/id.server
# in class CH; other names, types and classes pass on down the chain.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
PORT2=$(free_port) || exit 1
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	chaos "Test DNS 1.2" alice@example.org "bob b" carol
}
.:$PORT2 {
	bind 127.0.0.1
	chaos
}
EOC
start_coredns Corefile || done_testing

txt() { q "$@" +short CH TXT; }
check_eq "$(txt version.bind)" '"Test DNS 1.2"' "version.bind = custom version"
check_eq "$(txt VERSION.BIND)" '"Test DNS 1.2"' "VERSION.BIND (case-insensitive)"
check_eq "$(txt version.server)" '"Test DNS 1.2"' "version.server = custom version"
check_eq "$(txt authors.bind | sort | tr '\n' ' ')" '"alice@example.org" "bob b" "carol" ' \
    "authors.bind = one TXT per author"
check_eq "$(txt hostname.bind)" "\"$(hostname)\"" "hostname.bind = hostname"
check_eq "$(txt id.server)" "\"$(hostname)\"" "id.server = hostname"
out=$(q version.bind CH TXT)
check_has "$out" 'status: NOERROR' "version.bind rcode NOERROR"
check_has "$out" 'flags: qr( aa)? rd;' "version.bind flags qr rd"
check_has "$out" '^version\.bind\.[[:space:]]+0[[:space:]]+CH[[:space:]]+TXT[[:space:]]+"Test DNS 1.2"$' \
    "version.bind owner, TTL 0, class CH"
check_eq "$(q_status authors.bind CH TXT)" NOERROR "authors.bind NOERROR"
check_eq "$(q authors.bind CH TXT +noall +answer | grep -c 'CH[[:space:]]*TXT')" 3 "authors.bind: 3 answers"

# Things chaos passes on: end of chain -> REFUSED
check_eq "$(q_status version.bind IN TXT)" REFUSED "class IN version.bind passes on (REFUSED)"
check_eq "$(q_status version.bind CH A)" REFUSED "CH A version.bind passes on (REFUSED)"
check_eq "$(q_status example.org CH TXT)" REFUSED "CH TXT example.org passes on (REFUSED)"
check_eq "$(q_status foo.version.bind CH TXT)" REFUSED "CH TXT foo.version.bind passes on"

# defaults
check_eq "$(dig @127.0.0.1 -p "$PORT2" +time=2 +tries=1 +short version.bind CH TXT)" \
    '"CoreDNS-C-0.1.0"' "default version is CoreDNS-C-0.1.0"
check_eq "$(dig @127.0.0.1 -p "$PORT2" +time=2 +tries=1 +short hostname.bind CH TXT)" \
    "\"$(hostname)\"" "default hostname.bind"

# the same over TCP with kdig and drill
check_eq "$(kdig @127.0.0.1 -p "$PORT" +tcp +time=2 +retry=0 +short version.bind CH TXT)" \
    '"Test DNS 1.2"' "kdig over TCP: version.bind"
check_grep <(drill -p "$PORT" -c /dev/null version.bind @127.0.0.1 CH TXT 2>&1) \
    'Test DNS 1\.2' "drill: version.bind"
stop_coredns
done_testing
