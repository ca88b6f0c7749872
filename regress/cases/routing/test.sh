#!/bin/bash
# A query takes the server block with the longest matching zone on its
# port; falling off the end of the chain gives REFUSED, an empty chain
# SERVFAIL, no matching block REFUSED.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
PORT2=$(free_port) || exit 1
cat >Corefile <<EOC
example.org:$PORT {
	bind 127.0.0.1
	whoami
}
sub.example.org:$PORT {
	bind 127.0.0.1
	erratic {
		drop 0
	}
}
.:$PORT {
	bind 127.0.0.1
	chaos
}
empty.test:$PORT {
	bind 127.0.0.1
}
dns://one.test:$PORT two.test:$PORT {
	bind 127.0.0.1
	erratic {
		drop 0
	}
}
example.org:$PORT2 {
	bind 127.0.0.1
	whoami
}
EOC
start_coredns Corefile || done_testing

# whoami shape: NOERROR, no answer, client A in additional
is_whoami() { # NAME DESC
	local out
	out=$(q "$1" A +norec)
	if printf '%s\n' "$out" | grep -q 'status: NOERROR' &&
	    printf '%s\n' "$out" | grep -q 'ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 3' &&
	    printf '%s\n' "$out" | grep -Eq "^_udp\.$1\.[[:space:]]+0[[:space:]]+IN[[:space:]]+SRV"; then
		ok "$2"
	else
		fail "$2" "$out"
	fi
}
is_erratic() { # NAME DESC
	local out
	out=$(q "$1" A +norec +noall +answer +comments)
	if printf '%s\n' "$out" | grep -q 'status: NOERROR' &&
	    printf '%s\n' "$out" | grep -q 'flags: qr aa;' &&
	    printf '%s\n' "$out" | grep -Eq "^$1\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.53$"; then
		ok "$2"
	else
		fail "$2" "$out"
	fi
}

is_whoami example.org "example.org -> whoami block"
is_whoami www.example.org "www.example.org -> whoami block"
is_whoami xsub.example.org "xsub.example.org -> whoami block (label boundary)"
is_erratic sub.example.org "sub.example.org -> erratic block (longest zone)"
is_erratic a.b.sub.example.org "a.b.sub.example.org -> erratic block"
is_erratic SUB.Example.ORG "SUB.Example.ORG -> erratic block (case-insensitive)"
check_eq "$(q +short x.sub.example.org AAAA)" "::53" "erratic AAAA ::53"
check_eq "$(q +short version.bind CH TXT)" '"CoreDNS-C-0.1.0"' "version.bind -> chaos in the root block"
check_eq "$(q_status example.com A)" REFUSED "example.com: root block chain ends -> REFUSED"
check_eq "$(q_status org A)" REFUSED "org: root block -> REFUSED"
# whoami echoes the query class, so its CH "A" record does not parse as
# CH A (as in CoreDNS): read the header only
check_eq "$(py -c 'import sys, rlib
r, _ = rlib.raw_udp("127.0.0.1", int(sys.argv[1]), rlib.mkquery("example.org", "TXT", "CH").to_wire())
print("none" if r is None else "rcode=%d an=%d ar=%d" % (r[3] & 15, r[7], r[11]))' "$PORT")" \
    "rcode=0 an=0 ar=2" "example.org CH TXT -> whoami (not chaos)"
check_eq "$(q_status empty.test A)" SERVFAIL "empty.test (no plugins) -> SERVFAIL"
check_eq "$(q_status a.empty.test TXT)" SERVFAIL "a.empty.test (no plugins) -> SERVFAIL"
check_eq "$(q_status a.empty.test TXT +tcp)" SERVFAIL "a.empty.test over TCP -> SERVFAIL"
is_erratic one.test "one.test -> two-zone block"
is_erratic x.two.test "x.two.test -> two-zone block"
check_eq "$(q_status three.test A)" REFUSED "three.test -> root block -> REFUSED"

# the second port has only example.org
PORT=$PORT2
is_whoami example.org "second port: example.org -> whoami"
check_eq "$(q_status example.net A)" REFUSED "second port: example.net matches no block -> REFUSED"
check_eq "$(q_status sub.example.org A)" NOERROR "second port: sub.example.org -> whoami there"
check_eq "$(q_status example.net A +tcp)" REFUSED "second port over TCP: no block -> REFUSED"
check_eq "$(q_status . NS)" REFUSED "second port: root -> REFUSED"
stop_coredns
done_testing
