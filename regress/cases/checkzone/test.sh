#!/bin/bash
# regress/cases/checkzone/test.sh - `coredns-util checkzone` against
# named-checkzone (Debian bind9utils): same verdict (exit status) on good,
# warning-only and broken zone files, named-checkzone's output manner,
# and the command line (--help, usage errors, exit status 2).
. "$REGRESS_DIR/lib.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
if [ ! -x "$UTIL" ]; then
	fail "coredns-util binary found" "not executable: $UTIL (set \$COREDNS_UTIL)"
	done_testing
fi
if ! command -v named-checkzone >/dev/null 2>&1; then
	fail "named-checkzone found" "install the Debian package bind9utils"
	done_testing
fi
ok "named-checkzone found"
ULOG=$PWD/util.log # stderr of every run, checked for sanitizer reports
: >"$ULOG"

u() {
	"$UTIL" "$@" 2>>"$ULOG"
}

# ---- zone files --------------------------------------------------------

HEAD='$TTL 3600
@	IN SOA	ns1 hostmaster (
		2024010101 ; serial
		2h 15m 2w 1h )
	NS	ns1
	NS	ns2.example.net.
ns1	A	192.0.2.1
	AAAA	2001:db8::1'

# zone NAME LINES...: writes NAME.zone = the header plus LINES
zone() {
	local n=$1
	shift
	{
		printf '%s\n' "$HEAD"
		printf '%s\n' "$@"
	} >"$n.zone"
}

cat >inc.db <<'EOF'
; included below inc.example.com.
host	A	192.0.2.50
	TXT	"from an include"
EOF

zone good \
    'www	300	IN	A	192.0.2.10' \
    '	AAAA	2001:db8::10' \
    'ftp	CNAME	www' \
    '@	MX	10 mail' \
    '	MX	20 mx.example.net.' \
    'mail	A	192.0.2.11' \
    '@	TXT	"v=spf1 -all" "second string"' \
    '	SPF	"v=spf1 -all"' \
    '	CAA	0 issue "letsencrypt.org"' \
    '_sip._tcp	SRV	10 60 5060 www' \
    '1.2.0.192	PTR	www' \
    'hinfo	HINFO	"PC" "Linux"' \
    'ssh	SSHFP	1 1 0123456789abcdef0123456789abcdef01234567' \
    '_443._tcp.www	TLSA	3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' \
    'naptr	NAPTR	100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .' \
    'legacy	DNAME	example.net.' \
    '*.wild	A	192.0.2.20' \
    'sub	NS	ns.sub' \
    '	DS	12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' \
    'ns.sub	A	192.0.2.30' \
    'unk	TYPE65534	\# 3 010203' \
    '$GENERATE 1-10 host$ A 192.0.2.$' \
    '$GENERATE 1-3 alias${0,2,d} CNAME host$' \
    '$INCLUDE inc.db inc' \
    '$ORIGIN deep.example.com.' \
    'leaf	1d2h	A	192.0.2.40'

# loads, with warnings only
zone ttlmix 'www 300 A 192.0.2.10' 'www 600 A 192.0.2.11'
zone dupes 'www A 192.0.2.10' 'WWW A 192.0.2.10' 'www A 192.0.2.10'
zone outzone 'www.example.org. A 192.0.2.10' 'www A 192.0.2.10'
zone mxcname '@ MX 10 mail' 'mail CNAME ns1'
zone mxnoaddr '@ MX 10 mail' '_s._tcp SRV 0 0 1 nothere'
zone noglue 'sub NS ns.sub' 'other NS ns.nowhere'
zone badname 'foo_bar A 192.0.2.10' '@ MX 10 bad_mx.example.net.'
zone dnamedata 'd DNAME example.net.' 'd A 192.0.2.10' 'x.d A 192.0.2.11'

# broken
zone syntax 'www A 192.0.2' 'ok A 192.0.2.1'
zone paren 'www ( A 192.0.2.1'
zone cnamea 'www A 192.0.2.10' 'www CNAME ns1'
zone apexcname '@ CNAME ns1'
zone twocname 'www CNAME ns1' 'www CNAME ns2.example.net.'
zone soa2 '@ SOA ns1 hostmaster 2 1 1 1 1'
zone soaoff 'x SOA ns1 hostmaster 2 1 1 1 1'
zone badrdata 'www AAAA 2001:db8::zz'
zone badtype 'www AAA 192.0.2.1'
zone badclass 'www CH A 192.0.2.1'
zone nsnoaddr '@ NS ns3'
zone nscname '@ NS alias' 'alias CNAME ns1'
zone nsdname '@ NS ns.d' 'd DNAME example.net.'
zone badinc '$INCLUDE missing.db'
printf '%s\n' '$TTL 300' '@ NS ns1' 'ns1 A 192.0.2.1' >nosoa.zone
printf '%s\n' '$TTL 300' '@ SOA ns1 hm 1 1 1 1 1' 'ns1 A 192.0.2.1' \
    'sub NS ns1.example.net.' >nons.zone

GOOD="good ttlmix dupes outzone mxcname mxnoaddr noglue badname dnamedata"
BAD="syntax paren cnamea apexcname twocname soa2 soaoff badrdata badtype
badclass nsnoaddr nscname nsdname badinc nosoa nons missing"

# ---- same verdict as named-checkzone -----------------------------------

for n in $GOOD $BAD; do
	f=$n.zone
	named-checkzone -i local example.com "$f" >"$n.bind" 2>&1
	brc=$?
	u checkzone example.com "$f" >"$n.ours"
	orc=$?
	check_eq "$orc" "$brc" "$n: exit status agrees with named-checkzone"
	[ "$orc" = "$brc" ] || sed 's/^/# bind: /' "$n.bind"
done

for n in $GOOD; do
	check_eq "$(tail -n 1 "$n.ours")" OK "$n: last line OK"
	check_grep "$n.ours" '^zone example\.com/IN: loaded serial [0-9]+$' \
	    "$n: loaded serial line"
done
check_grep good.ours 'loaded serial 2024010101$' "good: serial from the SOA"
for n in $BAD; do
	check_eq "$(tail -n 1 "$n.ours")" \
	    "zone example.com/IN: not loaded due to errors." \
	    "$n: last line says not loaded"
	check_nogrep "$n.ours" '^OK$' "$n: no OK line"
done

# where and what
check_grep syntax.ours '^syntax\.zone:9: ' "syntax error: file:line"
check_grep syntax.ours \
    '^zone example\.com/IN: loading from master file syntax\.zone failed: ' \
    "syntax error: loading ... failed line"
check_grep cnamea.ours '^cnamea\.zone:10: .*CNAME and other data' \
    "CNAME and other data at the line of the CNAME"
check_grep nosoa.ours 'has 0 SOA records' "missing SOA reported"
check_grep nons.ours 'has no NS records' "missing apex NS reported"
check_grep nsnoaddr.ours "NS 'ns3\.example\.com' has no address records" \
    "in-zone NS without address reported"
check_grep soa2.ours '^soa2\.zone:9: ' "second SOA: file:line"
check_grep outzone.ours '^outzone\.zone:9: .*out-of-zone' \
    "out-of-zone data: warning with file:line"
check_grep ttlmix.ours '^ttlmix\.zone:10: TTL set to prior TTL \(300\)' \
    "TTL mismatch: warning, first TTL kept"
check_nogrep dupes.ours 'dupes\.zone' "exact duplicates: silently ignored"
check_grep mxcname.ours "example\.com/MX 'mail\.example\.com' is a CNAME" \
    "MX target CNAME: warning"
check_grep noglue.ours "sub\.example\.com/NS 'ns\.sub\.example\.com' has no REQUIRED GLUE" \
    "delegation without glue: warning"

# -i none: no MX/SRV/delegation checks, apex NS still checked (as BIND)
out=$(u checkzone -i none example.com noglue.zone)
check_eq "$?" 0 "-i none: loads"
check_eq "$out" "zone example.com/IN: loaded serial 2024010101
OK" "-i none: no target warnings"
named-checkzone -i none example.com nsnoaddr.zone >/dev/null 2>&1
brc=$?
u checkzone -i none example.com nsnoaddr.zone >/dev/null
check_eq "$?" "$brc" "-i none: apex NS without address agrees with BIND"
u checkzone -i full example.com good.zone >/dev/null
check_eq "$?" 0 "-i full: good zone loads"

# -q: nothing printed, same status
out=$(u checkzone -q example.com good.zone)
check_eq "$?:$out" "0:" "-q good: status 0, no output"
out=$(u checkzone -q example.com cnamea.zone)
check_eq "$?:$out" "1:" "-q broken: status 1, no output"

# zone name with a trailing dot and in upper case
u checkzone EXAMPLE.COM. good.zone >/dev/null
check_eq "$?" 0 "zone name in upper case with a trailing dot"
# alias
u check-zone example.com good.zone >/dev/null
check_eq "$?" 0 "alias check-zone"

# ---- command line ------------------------------------------------------

out=$(u --help)
check_eq "$?" 0 "--help: status 0"
check_has "$out" '^Usage: coredns-util ' "--help: usage line"
check_has "$out" '^  checkzone ' "--help: lists checkzone"
out=$(u checkzone --help)
check_eq "$?" 0 "checkzone --help: status 0"
check_has "$out" '^Usage: coredns-util checkzone \[-q\] \[-i ' \
    "checkzone --help: usage line"
out=$(u help checkzone)
check_eq "$?" 0 "help checkzone: status 0"
check_has "$out" '^Usage: coredns-util checkzone' "help checkzone: usage"
out=$(u --version)
check_eq "$?" 0 "--version: status 0"
check_has "$out" '^coredns-util [0-9]' "--version: version line"

u >/dev/null 2>&1
check_eq "$?" 2 "no command: status 2"
err=$("$UTIL" nosuchcmd 2>&1 >/dev/null)
check_eq "$?" 2 "unknown command: status 2"
check_has "$err" "unknown command 'nosuchcmd'" "unknown command: says which"
u --bogus checkzone example.com good.zone >/dev/null 2>&1
check_eq "$?" 2 "unknown global option: status 2"
u --db >/dev/null 2>&1
check_eq "$?" 2 "--db without DSN: status 2"
u --db sqlite:/tmp/x.db checkzone example.com good.zone >/dev/null
check_eq "$?" 0 "--db DSN before the command is accepted"
COREDNS_DB=sqlite:/tmp/y.db u --db=sqlite:/tmp/x.db checkzone -q \
    example.com good.zone
check_eq "$?" 0 "--db=DSN and COREDNS_DB accepted"
u checkzone >/dev/null 2>&1
check_eq "$?" 2 "checkzone without arguments: status 2"
u checkzone example.com >/dev/null 2>&1
check_eq "$?" 2 "checkzone with one argument: status 2"
u checkzone example.com good.zone extra >/dev/null 2>&1
check_eq "$?" 2 "checkzone with three arguments: status 2"
err=$("$UTIL" checkzone -i sideways example.com good.zone 2>&1 >/dev/null)
check_eq "$?" 2 "checkzone -i bad mode: status 2"
check_has "$err" "sideways" "checkzone -i bad mode: names the mode"
u checkzone -x example.com good.zone >/dev/null 2>&1
check_eq "$?" 2 "checkzone unknown option: status 2"
u checkzone -i >/dev/null 2>&1
check_eq "$?" 2 "checkzone -i without mode: status 2"
u checkzone '..' good.zone >/dev/null 2>&1
check_eq "$?" 1 "bad zone name: status 1"

sanitizer_check "$ULOG" "no sanitizer report from coredns-util"
done_testing
