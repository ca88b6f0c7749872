#!/bin/bash
# p3_tls: DNS over TLS (tls:// blocks with the tls plugin). The client
# verifies the server against the test CA and name dns.test; several
# queries share one connection; an unrelated CA is rejected by the client;
# with a CA on the server, client certificates are checked according to
# client_auth (Go's ClientAuthType semantics, as in CoreDNS).
. "$REGRESS_DIR/lib.sh"

# ---- certificates: CA, server (SAN DNS:dns.test), client, other CA ----
gen() { openssl "$@" >>openssl.log 2>&1; }
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
gen req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj /CN=p3-test-ca
gen req -x509 $ec -keyout other.key -out other.pem -days 2 -subj /CN=p3-other-ca
gen req $ec -keyout srv.key -out srv.csr -subj /CN=dns.test
printf 'subjectAltName=DNS:dns.test\nextendedKeyUsage=serverAuth\n' >srv.ext
gen x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile srv.ext
printf 'extendedKeyUsage=clientAuth\n' >cli.ext
gen req $ec -keyout cli.key -out cli.csr -subj /CN=client.test
gen x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cli.pem -days 2 -extfile cli.ext
gen req $ec -keyout bad.key -out bad.csr -subj /CN=bad-client.test
gen x509 -req -in bad.csr -CA other.pem -CAkey other.key -CAcreateserial -out bad.pem -days 2 -extfile cli.ext
check_cmd "test PKI: server cert verifies against ca.pem" openssl verify -CAfile ca.pem srv.pem
check_cmd "test PKI: client cert verifies against ca.pem" openssl verify -CAfile ca.pem cli.pem

P1=$(free_port) || exit 1   # no client auth
P2=$(free_port) || exit 1   # CA given: require_and_verify
P3=$(free_port) || exit 1   # verify_if_given
P4=$(free_port) || exit 1   # require (any cert, not verified)
P5=$(free_port) || exit 1   # request (not required, not verified)
P6=$(free_port) || exit 1   # nocert with a CA
cat >Corefile <<EOC
tls://.:$P1 {
	bind 127.0.0.1
	tls srv.pem srv.key
	whoami
}
tls://.:$P2 {
	bind 127.0.0.1
	tls srv.pem srv.key ca.pem
	whoami
}
tls://.:$P3 {
	bind 127.0.0.1
	tls srv.pem srv.key ca.pem {
		client_auth verify_if_given
	}
	whoami
}
tls://.:$P4 {
	bind 127.0.0.1
	tls srv.pem srv.key ca.pem {
		client_auth require
	}
	whoami
}
tls://.:$P5 {
	bind 127.0.0.1
	tls srv.pem srv.key ca.pem {
		client_auth request
	}
	whoami
}
tls://.:$P6 {
	bind 127.0.0.1
	tls srv.pem srv.key ca.pem {
		client_auth nocert
	}
	whoami
}
EOC
PORT=$P1 WAIT_MODE=tcp start_coredns Corefile || done_testing

kd() { # PORT ARGS...: kdig over TLS, bounded
	local p=$1
	shift
	kdig @127.0.0.1 -p "$p" +time=2 +retry=0 "$@"
}
out=$(kd "$P1" +tls-ca=ca.pem +tls-hostname=dns.test whoami.test 2>&1)
check_has "$out" 'status: NOERROR' "kdig over TLS (CA + hostname): NOERROR"
check_has "$out" '^_tcp\.whoami\.test\.[[:space:]]+0[[:space:]]+IN[[:space:]]+SRV' \
    "whoami over TLS reports transport tcp"
check_has "$out" 'TLS session \(TLS1\.[23]\)' "kdig reports a TLS 1.2/1.3 session"

out=$(kd "$P1" +tls-ca=ca.pem +tls-hostname=dns.test +keepopen a.whoami.test b.whoami.test c.whoami.test 2>&1)
check_eq "$(printf '%s\n' "$out" | grep -c 'status: NOERROR')" 3 "kdig +keepopen: 3 answers"
check_eq "$(printf '%s\n' "$out" | awk '$4 == "SRV" && $1 ~ /^_tcp/ { print $7 }' | sort -u | wc -l)" 1 \
    "kdig +keepopen: all 3 on one connection (one client port)"
check_match "$(py "$CASE_DIR/tlsq.py" "$P1" ca.pem dns.test 3)" 'ok 3 [0-9]+' \
    "python ssl: 3 pipelined queries, 3 answers, one connection"

out=$(kd "$P1" +tls-ca=other.pem +tls-hostname=dns.test whoami.test 2>&1)
if printf '%s\n' "$out" | grep -q 'status: NOERROR'; then
	fail "kdig with an unrelated CA is refused by the client" "$out"
else
	ok "kdig with an unrelated CA is refused by the client"
fi
out=$(kd "$P1" +tls-ca=ca.pem +tls-hostname=wrong.test whoami.test 2>&1)
if printf '%s\n' "$out" | grep -q 'status: NOERROR'; then
	fail "kdig with the wrong hostname is refused by the client" "$out"
else
	ok "kdig with the wrong hostname is refused by the client"
fi
check_match "$(py "$CASE_DIR/tlsq.py" "$P1" other.pem dns.test 1)" 'error .*CERTIFICATE_VERIFY_FAILED.*' \
    "python ssl with an unrelated CA: verify failed"
# plain DNS over TCP to the TLS port gets no DNS answer
check_eq "$(dig @127.0.0.1 -p "$P1" +tcp +time=2 +tries=1 whoami.test 2>&1 | grep -c 'status:')" 0 \
    "plain TCP DNS to the TLS port: no answer"

# client certificates
tq() { py "$CASE_DIR/tlsq.py" "$1" ca.pem dns.test 2 "${@:2}" | cut -d' ' -f1; }
check_eq "$(tq "$P2")" error "CA on server: client without certificate refused"
check_eq "$(tq "$P2" cli.pem cli.key)" ok "CA on server: client cert signed by the CA works"
check_eq "$(tq "$P2" bad.pem bad.key)" error "CA on server: client cert from another CA refused"
out=$(kd "$P2" +tls-ca=ca.pem +tls-hostname=dns.test +tls-certfile=cli.pem +tls-keyfile=cli.key whoami.test 2>&1)
check_has "$out" 'status: NOERROR' "kdig with client cert (+tls-certfile/+tls-keyfile): NOERROR"
out=$(kd "$P2" +tls-ca=ca.pem +tls-hostname=dns.test whoami.test 2>&1)
if printf '%s\n' "$out" | grep -q 'status: NOERROR'; then
	fail "kdig without client cert refused (CA on server)" "$out"
else
	ok "kdig without client cert refused (CA on server)"
fi

check_eq "$(tq "$P3")" ok "verify_if_given: no client cert works"
check_eq "$(tq "$P3" cli.pem cli.key)" ok "verify_if_given: good client cert works"
check_eq "$(tq "$P3" bad.pem bad.key)" error "verify_if_given: client cert from another CA refused"

check_eq "$(tq "$P4")" error "require: no client cert refused"
check_eq "$(tq "$P4" cli.pem cli.key)" ok "require: good client cert works"
check_eq "$(tq "$P4" bad.pem bad.key)" ok "require: any client cert accepted (RequireAnyClientCert, not verified)"

check_eq "$(tq "$P5")" ok "request: no client cert works"
check_eq "$(tq "$P5" bad.pem bad.key)" ok "request: unverified client cert accepted (RequestClientCert)"

check_eq "$(tq "$P6")" ok "nocert (with CA): no client cert works"
check_eq "$(tq "$P6" bad.pem bad.key)" ok "nocert (with CA): any client cert ignored"

# after all the refused handshakes the server still serves
check_match "$(py "$CASE_DIR/tlsq.py" "$P1" ca.pem dns.test 3)" 'ok 3 [0-9]+' "still serving after refused handshakes"

# broken tls arguments are configuration errors
printf 'tls://.:%s {\n\ttls nosuch.pem srv.key\n\twhoami\n}\n' "$P1" >Bad1
out=$("$COREDNS" -conf Bad1 -validate 2>&1)
check_eq "$?" 1 "tls with a missing certificate: -validate exits 1"
check_has "$out" 'nosuch\.pem' "tls with a missing certificate: error names the file"
printf 'tls://.:%s {\n\ttls srv.pem other.key\n\twhoami\n}\n' "$P1" >Bad2
"$COREDNS" -conf Bad2 -validate >/dev/null 2>&1
check_eq "$?" 1 "tls with a key that does not match: -validate exits 1"
printf 'tls://.:%s {\n\ttls srv.pem srv.key ca.pem {\n\t\tclient_auth maybe\n\t}\n\twhoami\n}\n' "$P1" >Bad3
"$COREDNS" -conf Bad3 -validate >/dev/null 2>&1
check_eq "$?" 1 "client_auth maybe: -validate exits 1"

stop_coredns
done_testing
