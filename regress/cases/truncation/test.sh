#!/bin/bash
# Truncation over UDP and the TCP retry, with a big authors.bind answer
# (20 authors x 200 chars > 4 KB) and a medium version.bind (~900 bytes).
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
authors=
for i in $(seq -w 1 20); do
	authors="$authors author$i-$(printf 'x%.0s' $(seq 1 191))"
done
version=v$(printf 'y%.0s' $(seq 1 250))
cat >Corefile <<EOC
.:$PORT {
	bind 127.0.0.1
	chaos $version$version$version $authors
}
EOC
start_coredns Corefile || done_testing

py "$CASE_DIR/tc.py" 127.0.0.1 "$PORT"

# dig without +ignore retries over TCP and gets all authors
out=$(q authors.bind CH TXT +noall +answer +comments 2>&1)
check_has "$out" 'Truncated, retrying in TCP mode' "dig retries over TCP after TC"
check_eq "$(printf '%s\n' "$out" | grep -c '^authors\.bind\..*TXT.*"author[0-9][0-9]-xxx')" 20 \
    "dig gets all 20 authors over TCP"
check_eq "$(q authors.bind CH TXT +short | sort | head -n 1 | wc -c)" 203 "author strings are 200 chars"
# +ignore keeps the truncated UDP answer; +bufsize=4096 is still above our 1232
for b in "" +bufsize=4096 +noedns; do
	out=$(q authors.bind CH TXT +ignore $b 2>&1)
	check_has "$out" 'flags: qr[a-z ]* tc' "dig +ignore $b: TC set"
	check_has "$out" 'ANSWER: 0, AUTHORITY: 0' "dig +ignore $b: empty answer"
done
out=$(kdig @127.0.0.1 -p "$PORT" +time=2 +retry=0 +ignore authors.bind CH TXT 2>&1)
check_has "$out" 'Flags: qr[a-z ]* tc' "kdig +ignore over UDP: TC"
check_eq "$(kdig @127.0.0.1 -p "$PORT" +tcp +time=2 +retry=0 +short authors.bind CH TXT | wc -l)" 20 \
    "kdig +tcp: 20 authors"
stop_coredns
done_testing
