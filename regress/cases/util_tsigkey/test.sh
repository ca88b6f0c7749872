#!/bin/bash
# regress/cases/util_tsigkey/test.sh - coredns-util tsigkey: generate,
# import, list (BIND key blocks that named-checkconf accepts), delete;
# on SQLite and on PostgreSQL.
. "$REGRESS_DIR/lib.sh"
. "$REGRESS_DIR/cases/util_common/backends.sh"


checks() {
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
	check_eq "$(sq "SELECT algorithm FROM tsigkeys
	    WHERE name = 'k2.test'")" hmac-sha512 \
	    "stored in PowerDNS's tsigkeys table"
	check_cmd "delete" u tsigkey delete k1.test
	check_cmd "delete-tsig-key (pdnsutil spelling)" u delete-tsig-key k2.test
	check_eq "$(u list-tsig-keys | grep -c '^key ')" 2 "two keys left"
	u tsigkey delete k1.test >/dev/null
	check_eq "$?" 1 "deleting a missing key: exit 1"

	# ---- import FILE: BIND key blocks --------------------------------
	cat >bind-keys.conf <<'EOC'
/* keys for the transfers */
key "xfr.test." {
	algorithm hmac-sha256; # the default
	secret "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0";
};
// a second one, on one line
key upd.test { algorithm "hmac-sha512"; secret "dXBkYXRlLWtleQ=="; };
key "k3.test" { algorithm hmac-md5; secret "bmV3LXNlY3JldA=="; };
EOC
	check_cmd "named-checkconf accepts the key file" \
	    named-checkconf bind-keys.conf
	out=$(u tsigkey import bind-keys.conf)
	check_eq "$?:$out" "0:imported 3 keys from bind-keys.conf" \
	    "import FILE: three key blocks"
	check_eq "$(sq "SELECT name || ' ' || algorithm || ' ' || secret
	    FROM tsigkeys WHERE name IN ('xfr.test', 'upd.test', 'k3.test')
	    ORDER BY name")" "k3.test hmac-md5 bmV3LXNlY3JldA==
upd.test hmac-sha512 dXBkYXRlLWtleQ==
xfr.test hmac-sha256 c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" \
	    "import FILE: stored without the final dot; k3.test replaced"
	check_eq "$(u tsigkey list | grep -c '^key ')" 4 "import FILE: four keys"
	u tsigkey list >keys2.conf
	check_cmd "named-checkconf reads the list" named-checkconf keys2.conf
	u tsigkey import keys2.conf >/dev/null
	check_eq "$?:$(u tsigkey list | md5sum)" "0:$(md5sum <keys2.conf)" \
	    "importing the list changes nothing"
	printf 'key "ok.test" { algorithm hmac-sha256; secret "b2s="; };\n%s\n' \
	    'key "bad.test" { algorithm rot13; secret "b2s="; };' >bad-keys.conf
	err=$("$UTIL" --db "$DSN" tsigkey import bad-keys.conf 2>&1)
	check_eq "$?" 1 "import FILE with an unknown algorithm: exit 1"
	check_has "$err" 'bad-keys\.conf:2: key bad\.test: unknown algorithm' \
	    "the error names file:line and the key"
	check_eq "$(sq "SELECT count(*) FROM tsigkeys WHERE name = 'ok.test'")" \
	    0 "a bad file writes nothing"
	printf 'key "x" { algorithm hmac-sha256; secret "b2s="; }\n' >syn.conf
	check_has "$("$UTIL" --db "$DSN" tsigkey import syn.conf 2>&1)" \
	    'syn\.conf:[0-9]+: missing' "a syntax error names file:line"
	u tsigkey import no-such-file.conf >/dev/null
	check_eq "$?" 1 "import of a missing file: exit 1"
	for c in "tsigkey import k5 hmac-sha256 not*base64" "tsigkey generate k5 rot13" \
	    "tsigkey import k5 hmac-sha256" "tsigkey" "tsigkey frob" "tsigkey list extra"; do
		"$UTIL" --db "$DSN" $c >/dev/null 2>&1
		check_eq "$?" 2 "$c: exit 2"
	done
	for c in "tsigkey" "tsigkey generate" "list-tsig-keys"; do
		out=$("$UTIL" $c --help 2>&1)
		check_eq "$?:$(printf '%s\n' "$out" | head -1 | cut -c1-6)" "0:Usage:" \
		    "$c --help"
	done
}

both checks
check_nogrep "$ULOG" 'Sanitizer|runtime error' "no sanitizer reports"
done_testing
