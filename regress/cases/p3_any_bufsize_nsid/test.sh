#!/bin/bash
# p3_any_bufsize_nsid: any (RFC 8482 HINFO for ANY, over TCP and UDP),
# bufsize (advertised EDNS size and cap on UDP replies: a 900-octet
# answer is truncated under `bufsize 512` but fits the default 1232) and
# nsid (RFC 5001 option only when asked for, only in blocks with nsid).
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
PORT2=$(free_port) || exit 1
# 20 authors of 30 octets: the authors.bind answer is about 900 octets
authors=
for i in $(seq -w 1 20); do
	authors="$authors author-$i-xxxxxxxxxxxxxxxxxxxxx"
done
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	any
	nsid p3 test nsid
	chaos v-p3 $authors
	whoami
}
.:$PORT2 {
	bind 127.0.0.1
	bufsize 512
	chaos v-p3 $authors
	whoami
}
EOC
start_coredns Corefile || done_testing
q2() { dig @127.0.0.1 -p "$PORT2" +time=2 +tries=1 "$@"; }
hinfo='"ANY obsoleted" "See RFC 8482"'
rrs() { grep -v '^;' | grep -v '^$'; }

# ---- any ---------------------------------------------------------
out=$(q example.org ANY 2>&1)
check_has "$out" 'status: NOERROR' "ANY: NOERROR"
check_has "$out" '^;; SERVER: .*\(TCP\)$' "dig sent ANY over TCP by default"
check_has "$(q example.org ANY +notcp)" '^;; SERVER: .*\(UDP\)$' "+notcp: ANY over UDP"
check_eq "$(q example.org ANY +noall +answer | rrs | tr -s ' \t' ' ')" \
    "example.org. 8482 IN HINFO $hinfo" "ANY (dig default, TCP): one HINFO, TTL 8482"
check_has "$out" 'ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1' "ANY: nothing but the HINFO (and OPT)"
check_has "$out" 'flags: qr rd;' "ANY: AA not set"
check_eq "$(q example.org ANY +notcp +noall +answer | rrs | tr -s ' \t' ' ')" \
    "example.org. 8482 IN HINFO $hinfo" "ANY over UDP (+notcp): one HINFO"
check_eq "$(q ExAmple.ORG ANY +notcp +noall +answer | rrs | awk '{ print $1 }')" \
    "ExAmple.ORG." "ANY: owner keeps the query's case"
check_eq "$(q version.bind CH ANY +noall +answer | rrs | tr -s ' \t' ' ')" \
    "version.bind. 8482 CH HINFO $hinfo" "CH ANY: HINFO in class CH (any before chaos)"
check_eq "$(kdig @127.0.0.1 -p "$PORT" +time=2 +retry=0 +short example.org ANY)" \
    "$hinfo" "kdig ANY: HINFO"
out=$(q a.example.org A +notcp)
check_has "$out" '^a\.example\.org\.[[:space:]]+0[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.1$' \
    "A query passes any (whoami answers)"
check_nogrep <(printf '%s\n' "$out") 'HINFO' "A query: no HINFO"
out=$(q2 example.org ANY +notcp)
check_nogrep <(printf '%s\n' "$out") 'HINFO' "block without any: no HINFO for ANY"
check_has "$out" 'status: NOERROR' "block without any: ANY reaches whoami"

# ---- bufsize -------------------------------------------------------
size() { sed -n 's/.*MSG SIZE  rcvd: \([0-9]*\).*/\1/p'; }
out=$(q authors.bind CH TXT +bufsize=4096 +ignore +notcp)
check_has "$out" 'flags: qr[a-z ]*;' "default block: answer received"
check_nogrep <(printf '%s\n' "$out") 'flags: [a-z ]*tc' "default 1232: ~900-octet answer not truncated"
check_has "$out" 'ANSWER: 20,' "default 1232: all 20 authors"
check_has "$out" 'udp: 1232' "default block advertises 1232"
n=$(printf '%s\n' "$out" | size)
if [ "${n:-0}" -gt 512 ] && [ "${n:-0}" -le 1232 ]; then
	ok "answer is between 512 and 1232 octets ($n)"
else
	fail "answer is between 512 and 1232 octets" "got ${n:-none}"
fi
out=$(q2 authors.bind CH TXT +bufsize=4096 +ignore +notcp)
check_has "$out" 'flags: qr[a-z ]* tc[a-z ]*;' "bufsize 512: same answer truncated (TC) though client asked 4096"
check_has "$out" 'ANSWER: 0,' "bufsize 512: truncated reply has no answers"
check_has "$out" 'udp: 512' "bufsize 512: advertises 512"
n=$(printf '%s\n' "$out" | size)
if [ "${n:-9999}" -le 512 ]; then ok "bufsize 512: reply within 512 ($n)"; else fail "bufsize 512: reply within 512" "got ${n:-none}"; fi
out=$(q2 authors.bind CH TXT +tcp)
check_has "$out" 'ANSWER: 20,' "bufsize 512 over TCP: full answer"
check_nogrep <(printf '%s\n' "$out") 'flags: [a-z ]*tc' "bufsize 512 over TCP: no TC"
check_eq "$(q2 authors.bind CH TXT +notcp +short | wc -l)" 20 "bufsize 512: dig retries over TCP and gets 20 authors"
out=$(q authors.bind CH TXT +bufsize=512 +ignore +notcp)
check_has "$out" 'flags: qr[a-z ]* tc[a-z ]*;' "default block, client bufsize 512: TC"
out=$(q authors.bind CH TXT +noedns +ignore +notcp)
check_has "$out" 'flags: qr[a-z ]* tc[a-z ]*;' "default block, no EDNS (512): TC"
check_eq "$(q2 +short version.bind CH TXT)" '"v-p3"' "bufsize 512: small answers unaffected"

# ---- nsid ------------------------------------------------------------
nsid_of() { sed -n 's/.*NSID: .*("\(.*\)").*/\1/p'; }
check_eq "$(q +nsid a.example.org | nsid_of)" "p3 test nsid" "dig +nsid: NSID \"p3 test nsid\" (arguments joined)"
check_has "$(q +nsid a.example.org)" '; NSID: 70 33 20 74 65 73 74 20 6e 73 69 64 ' "NSID bytes"
check_eq "$(q +nsid +tcp a.example.org | nsid_of)" "p3 test nsid" "dig +nsid over TCP: NSID"
check_eq "$(q +nsid example.org ANY | nsid_of)" "p3 test nsid" "NSID on the any plugin's reply"
check_eq "$(q +nsid version.bind CH TXT | nsid_of)" "p3 test nsid" "NSID on a chaos reply"
check_nogrep <(q a.example.org) 'NSID' "without +nsid: no NSID option"
check_nogrep <(q2 +nsid a.example.org) 'NSID' "block without nsid: no NSID option"
out=$(py - "$PORT" <<'PYEOF'
import sys
import dns.edns, dns.message
import rlib
port = int(sys.argv[1])
m = rlib.mkquery("a.example.org", "A", use_edns=0,
                 options=[dns.edns.GenericOption(dns.edns.NSID, b"")])
r, _ = rlib.query("127.0.0.1", port, m)
print(" ".join(o.data.decode() for o in r.options if o.otype == dns.edns.NSID) if r else "none")
PYEOF
)
check_eq "$out" "p3 test nsid" "dnspython NSID request: NSID option in reply"

stop_coredns
done_testing
