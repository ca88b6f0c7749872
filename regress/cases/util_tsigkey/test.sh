#!/bin/bash
# regress/cases/util_tsigkey/test.sh - coredns-util tsigkey: generate,
# import, list (BIND key blocks that named-checkconf accepts), delete.
. "$REGRESS_DIR/lib.sh"

UTIL=${COREDNS_UTIL:-$(dirname "$COREDNS")/../utils/coredns-util}
if [ ! -x "$UTIL" ]; then
	fail "coredns-util binary found" "not executable: $UTIL"
	done_testing
fi
ULOG=$PWD/util.log
: >"$ULOG"
DB=$PWD/t.db
u() {
	"$UTIL" --db "sqlite:$DB" "$@" 2>>"$ULOG"
}

check_cmd "db init" u db init
out=$(u tsigkey generate k1.test)
check_match "$out" 'key "k1\.test" \{
	algorithm hmac-sha256;
	secret "[A-Za-z0-9+/]{43}=";
\};' "generate: a BIND key block, 32 random octets"
s1=$(u tsigkey list | sed -n 's/.*secret "\(.*\)";/\1/p')
u tsigkey generate k1.test >/dev/null
s2=$(u tsigkey list | sed -n 's/.*secret "\(.*\)";/\1/p')
check_eq "$([ "$s1" != "$s2" ] && echo differ)" differ \
    "generate again: a new secret replaces the old"
check_cmd "generate hmac-sha512" u generate-tsig-key k2.test hmac-sha512
check_cmd "import" u tsigkey import k3.test hmac-sha1 c2VjcmV0c2VjcmV0
check_cmd "import-tsig-key (pdnsutil spelling)" \
    u import-tsig-key k4.test hmac-sha256 c2VjcmV0c2VjcmV0
u tsigkey list >keys.conf
check_eq "$(grep -c '^key ' keys.conf)" 4 "list: four keys"
if command -v named-checkconf >/dev/null 2>&1; then
	check_cmd "named-checkconf reads the list" named-checkconf keys.conf
fi
check_eq "$(sqlite3 "$DB" "SELECT algorithm FROM tsigkeys
    WHERE name = 'k2.test'" 2>/dev/null)" hmac-sha512 \
    "stored in PowerDNS's tsigkeys table"
check_cmd "delete" u tsigkey delete k1.test
check_cmd "delete-tsig-key (pdnsutil spelling)" u delete-tsig-key k2.test
check_eq "$(u list-tsig-keys | grep -c '^key ')" 2 "two keys left"
u tsigkey delete k1.test >/dev/null
check_eq "$?" 1 "deleting a missing key: exit 1"
for c in "tsigkey import k5 hmac-sha256 not*base64" "tsigkey generate k5 rot13" \
    "tsigkey import k5" "tsigkey" "tsigkey frob" "tsigkey list extra"; do
	"$UTIL" --db "sqlite:$DB" $c >/dev/null 2>&1
	check_eq "$?" 2 "$c: exit 2"
done
for c in "tsigkey" "tsigkey generate" "list-tsig-keys"; do
	out=$("$UTIL" $c --help 2>&1)
	check_eq "$?:$(printf '%s\n' "$out" | head -1 | cut -c1-6)" "0:Usage:" \
	    "$c --help"
done
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports"
done_testing
