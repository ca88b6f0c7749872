#!/bin/bash
# Corefile features that change what is served: snippets, import of files
# and globs, {$ENV} and {%ENV%}, comments, quoting, several keys per block,
# the dns:// prefix, ":PORT" as the root zone, a block without a port taking
# -dns.port, and case-insensitive zones.
. "$REGRESS_DIR/lib.sh"

PORT=$(free_port) || exit 1
PORT2=$(free_port) || exit 1
P_SNIP=$(free_port) || exit 1
P_FILE=$(free_port) || exit 1
P_GLOB=$(free_port) || exit 1
mkdir -p conf.d
cat >conf.d/a.conf <<EOC
.:$P_GLOB {
	import lo
	chaos from-glob-a
}
EOC
cat >conf.d/b.conf <<EOC
imported-b.test:$PORT {
	import lo
	whoami
}
EOC
cat >extra.conf <<EOC
	chaos "from file" # comment after a directive
EOC
export REGRESS_VERSION="from env"
export REGRESS_ZONE=envzone.test
export REGRESS_SNIP=snippet-env
cat >Corefile <<EOC
# leading comment
(lo) {
	bind 127.0.0.1
}
(ver) {
	bind 127.0.0.1
	chaos "{%REGRESS_SNIP%}"
}

:$PORT {
	import lo
	chaos "{\$REGRESS_VERSION}"
}
{\$REGRESS_ZONE}:$PORT {
	import lo
	whoami
}
.:$P_SNIP {
	import ver
}
.:$P_FILE {
	import lo
	import extra.conf
}
import conf.d/*.conf
dns://Mixed.CASE.test:$PORT other.test:$PORT {
	import lo
	whoami # trailing comment
}
. {
	import lo
	chaos noport
}
EOC
start_coredns Corefile -p "$PORT2" || done_testing

ver() { dig @127.0.0.1 -p "$1" +time=2 +tries=1 +short version.bind CH TXT; }
check_eq "$(ver "$PORT")" '"from env"' ':PORT is the root zone; {$ENV} expanded in quotes'
check_eq "$(q_status x.envzone.test A)" NOERROR '{$ENV} as the zone'
check_eq "$(ver "$P_SNIP")" '"snippet-env"' 'snippet as the whole block body; {%ENV%} form'
check_eq "$(ver "$P_FILE")" '"from file"' 'import of a file (relative to the Corefile)'
check_eq "$(ver "$P_GLOB")" '"from-glob-a"' 'import glob: first file'
check_eq "$(q_status x.imported-b.test A)" NOERROR 'import glob: second file'
check_has "$(q x.mixed.case.test A)" '^_udp\.x\.mixed\.case\.test\..*SRV' 'mixed-case zone matches lower-case query'
check_eq "$(q_status a.other.test A)" NOERROR 'second key of a block'
check_eq "$(ver "$PORT2")" '"noport"' 'block without a port listens on -dns.port'
check_eq "$(q_status x.imported-c.test A)" REFUSED 'unknown zone goes to the root block (REFUSED)'
stop_coredns
done_testing
