#!/bin/bash
# p3_metrics: the prometheus plugin. Counters move by exactly the number
# of queries sent (per type, proto, family, rcode and answering plugin);
# histograms have CoreDNS's buckets, are cumulative, and their _count
# matches; request_size observes the EDNS buffer (512 without EDNS, 64K
# over TCP); blocks without prometheus are not counted.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
MPORT=$(free_port) || exit 1
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1 ::1
	prometheus 127.0.0.1:$MPORT
	whoami
}
refused.test:$PORT {
	bind 127.0.0.1
	prometheus 127.0.0.1:$MPORT
}
noprom.test:$PORT {
	bind 127.0.0.1
	whoami
}
EOC
start_coredns Corefile || done_testing

SRV="dns://127.0.0.1:$PORT"
SRV6="dns://[::1]:$PORT"
L=",view=\"\",zone=\".\""          # label tail for the root block
LR=",view=\"\",zone=\"refused.test.\""

# scrape FILE: GET /metrics (bounded) into FILE; prints the HTTP status
scrape() {
	curl -s -m 5 -o "$1" -w '%{http_code}' "http://127.0.0.1:$MPORT/metrics"
}
# mval FILE KEY: the value of the series KEY (exact text before the
# value), 0 if absent
mval() {
	awk -v k="$2" '{ v = $NF; sub(/ [^ ]*$/, ""); if ($0 == k) { print v; f = 1 } }
	    END { if (!f) print 0 }' "$1"
}
# delta KEY: after - before, as an integer (sums may print as 1.2e+04)
delta() {
	"$PY" -c 'import sys; print(int(round(float(sys.argv[2]) - float(sys.argv[1]))))' \
	    "$(mval before.txt "$1")" "$(mval after.txt "$1")"
}
check_delta() { # KEY EXPECTED DESC
	check_eq "$(delta "$1")" "$2" "$3"
}
qn() { # N DIG-ARGS...: N queries, each must get an answer
	local n=$1 i st
	shift
	for i in $(seq 1 "$n"); do
		st=$(q_status "$@")
		[ "$st" = none ] && echo "no answer: $*"
	done
}

check_eq "$(scrape first.txt)" 200 "GET /metrics: 200"
hdr=$(curl -s -m 5 -D - -o /dev/null "http://127.0.0.1:$MPORT/metrics")
check_has "$hdr" '^Content-Type: text/plain; version=0\.0\.4' "Content-Type is Prometheus text 0.0.4"
check_grep first.txt '^coredns_build_info\{goversion="[^"]*",revision="[^"]*",version="[^"]+"\} 1$' \
    "coredns_build_info{goversion,revision,version} 1"
check_grep first.txt '^coredns_panics_total 0$' "coredns_panics_total 0"
check_grep first.txt '^coredns_reload_failed_total 0$' "coredns_reload_failed_total 0 at start"
check_grep first.txt '^# TYPE coredns_dns_requests_total counter$' "TYPE line: requests_total counter"
check_grep first.txt '^# TYPE coredns_dns_request_duration_seconds histogram$' "TYPE line: duration histogram"
check_grep first.txt '^coredns_debug_' "coredns_debug_* lines carried"
for p in prometheus whoami; do
	check_grep first.txt "^coredns_plugin_enabled\\{name=\"$p\",server=\"dns://127\\.0\\.0\\.1:$PORT\",view=\"\",zone=\"\\.\"\\} 1\$" \
	    "plugin_enabled{name=$p, zone=.} 1"
done
check_grep first.txt "^coredns_plugin_enabled\\{name=\"prometheus\",server=\"dns://127\\.0\\.0\\.1:$PORT\",view=\"\",zone=\"refused\\.test\\.\"\\} 1\$" \
    "plugin_enabled{name=prometheus, zone=refused.test.} 1"

# warm up (the counters exist), then the measured queries
q a.test >/dev/null
scrape before.txt >/dev/null
errs=$(
	qn 7 a.test A +noedns              # udp A, 512
	qn 3 a.test AAAA +bufsize=1232     # udp AAAA, 1232
	qn 2 a.test TYPE65280 +bufsize=2000 # udp other, 2000
	qn 2 a.test TXT +dnssec +bufsize=1232 # udp TXT with DO, 1232
	qn 4 a.test A +tcp                 # tcp A, 65535
	qn 5 x.refused.test A +noedns      # REFUSED, udp, 512
	qn 3 x.noprom.test A               # block without prometheus
	for i in 1 2 3; do
		dig @::1 -p "$PORT" +time=2 +tries=1 a.test MX +noedns >/dev/null ||
		    echo "no answer over ::1"
	done
)
check_eq "$errs" "" "all measured queries answered"
check_eq "$(q_status x.refused.test A)" REFUSED "block without an answering plugin: REFUSED"
scrape after.txt >/dev/null
# the status probe above was one more REFUSED query
R="family=\"1\",proto=\"udp\",server=\"$SRV\""
check_delta "coredns_dns_requests_total{$R,type=\"A\"$L}" 7 "requests_total udp A +7"
check_delta "coredns_dns_requests_total{$R,type=\"AAAA\"$L}" 3 "requests_total udp AAAA +3"
check_delta "coredns_dns_requests_total{$R,type=\"other\"$L}" 2 "requests_total udp other (TYPE65280) +2"
check_delta "coredns_dns_requests_total{$R,type=\"TXT\"$L}" 2 "requests_total udp TXT +2"
check_delta "coredns_dns_requests_total{family=\"1\",proto=\"tcp\",server=\"$SRV\",type=\"A\"$L}" 4 \
    "requests_total tcp A +4"
check_delta "coredns_dns_requests_total{family=\"2\",proto=\"udp\",server=\"$SRV6\",type=\"MX\"$L}" 3 \
    "requests_total family 2 (::1) udp MX +3"
check_delta "coredns_dns_requests_total{$R,type=\"A\"$LR}" 6 "requests_total refused.test. udp A +6"
check_delta "coredns_dns_do_requests_total{server=\"$SRV\"$L}" 2 "do_requests_total +2"
check_delta "coredns_dns_responses_total{plugin=\"whoami\",rcode=\"NOERROR\",server=\"$SRV\"$L}" 18 \
    "responses_total{plugin=whoami,rcode=NOERROR} +18"
check_delta "coredns_dns_responses_total{plugin=\"whoami\",rcode=\"NOERROR\",server=\"$SRV6\"$L}" 3 \
    "responses_total{plugin=whoami,rcode=NOERROR} on [::1] +3"
check_delta "coredns_dns_responses_total{plugin=\"\",rcode=\"REFUSED\",server=\"$SRV\"$LR}" 6 \
    "responses_total{plugin=\"\",rcode=REFUSED} +6"
check_nogrep after.txt '^coredns_dns_[^{]*\{[^}]*noprom' "no DNS series for the block without prometheus"
# CoreDNS sets plugin_enabled in the prometheus plugin's own startup, so
# only blocks that have prometheus are listed
check_nogrep after.txt '^coredns_plugin_enabled\{[^}]*zone="noprom\.test\."' \
    "no plugin_enabled for the block without prometheus"
check_nogrep after.txt '^coredns_dns_responses_total\{[^}]*rcode="REFUSED"[^}]*zone="\."' \
    "no REFUSED counted for the root block"

D="server=\"$SRV\"$L"
check_delta "coredns_dns_request_duration_seconds_count{$D}" 18 "duration _count +18 (root)"
check_delta "coredns_dns_request_duration_seconds_count{server=\"$SRV\"$LR}" 6 "duration _count +6 (refused.test.)"
check_delta "coredns_dns_request_duration_seconds_bucket{$D,le=\"+Inf\"}" 18 "duration +Inf bucket +18"
U="proto=\"udp\",server=\"$SRV\"$L"
T="proto=\"tcp\",server=\"$SRV\"$L"
check_delta "coredns_dns_request_size_bytes_count{$U}" 14 "request_size udp _count +14"
check_delta "coredns_dns_request_size_bytes_sum{$U}" $((7 * 512 + 5 * 1232 + 2 * 2000)) \
    "request_size udp _sum: 512 (no EDNS), 1232, 2000 (EDNS buffer)"
check_delta "coredns_dns_request_size_bytes_bucket{$U,le=\"511\"}" 0 "request_size udp le=511 +0"
check_delta "coredns_dns_request_size_bytes_bucket{$U,le=\"1023\"}" 7 "request_size udp le=1023 +7 (the 512s)"
check_delta "coredns_dns_request_size_bytes_bucket{$U,le=\"2047\"}" 14 "request_size udp le=2047 +14"
check_delta "coredns_dns_request_size_bytes_count{$T}" 4 "request_size tcp _count +4"
check_delta "coredns_dns_request_size_bytes_sum{$T}" $((4 * 65535)) "request_size tcp _sum 4 x 65535"
check_delta "coredns_dns_request_size_bytes_bucket{$T,le=\"64000\"}" 0 "request_size tcp le=64000 +0"
check_delta "coredns_dns_request_size_bytes_bucket{$T,le=\"+Inf\"}" 4 "request_size tcp +Inf +4"
# 5 x +noedns, and the q_status probe with dig's default 1232
check_delta "coredns_dns_request_size_bytes_sum{proto=\"udp\",server=\"$SRV\"$LR}" $((5 * 512 + 1232)) \
    "request_size refused.test. _sum 5 x 512 + 1232"
check_delta "coredns_dns_response_size_bytes_count{$U}" 14 "response_size udp _count +14"
check_delta "coredns_dns_response_size_bytes_count{$T}" 4 "response_size tcp _count +4"
# whoami answers are small: all below 200 bytes
check_delta "coredns_dns_response_size_bytes_bucket{$U,le=\"200\"}" 14 "response_size udp: all <= 200 bytes"
check_delta "coredns_dns_response_size_bytes_bucket{$U,le=\"0\"}" 0 "response_size udp: none <= 0 bytes"

TLE=0.00025,0.0005,0.001,0.002,0.004,0.008,0.016,0.032,0.064,0.128,0.256,0.512,1.024,2.048,4.096,8.192
SLE=0,100,200,300,400,511,1023,2047,4095,8291,16000,32000,48000,64000
py "$CASE_DIR/prom.py" hist after.txt coredns_dns_request_duration_seconds "$D" "$TLE" "duration histogram (root)"
py "$CASE_DIR/prom.py" hist after.txt coredns_dns_request_duration_seconds "server=\"$SRV\"$LR" "$TLE" \
    "duration histogram (refused.test.)"
py "$CASE_DIR/prom.py" hist after.txt coredns_dns_request_size_bytes "$U" "$SLE" "request_size udp histogram"
py "$CASE_DIR/prom.py" hist after.txt coredns_dns_request_size_bytes "$T" "$SLE" "request_size tcp histogram"
py "$CASE_DIR/prom.py" hist after.txt coredns_dns_response_size_bytes "$U" "$SLE" "response_size udp histogram"
py "$CASE_DIR/prom.py" hist after.txt coredns_dns_response_size_bytes "$T" "$SLE" "response_size tcp histogram"

# scraping itself does not count as DNS traffic
scrape again.txt >/dev/null
cp after.txt before.txt
cp again.txt after.txt
check_delta "coredns_dns_request_duration_seconds_count{$D}" 0 "a scrape alone moves no DNS counter"
check_eq "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/nope")" 404 \
    "GET /nope on the metrics listener: 404"

stop_coredns
done_testing
