#!/bin/bash
# Command line: -version, -plugins, -validate (good and bad Corefiles),
# -pidfile, bad flags, -dns.port / -p, -quiet.
. "$REGRESS_DIR/lib.sh"

# -version / -plugins
out=$("$COREDNS" -version 2>&1); rc=$?
check_eq "$rc" 0 "-version exits 0"
check_eq "$(echo "$out" | head -n 1)" "CoreDNS-C-0.1.0" "-version first line"
out=$("$COREDNS" -plugins 2>&1); rc=$?
check_eq "$rc" 0 "-plugins exits 0"
check_eq "$(echo "$out" | head -n 7 | tr '\n' '|')" \
    "Server types:|  dns||Caddyfile loaders:|  flag|  default||" "-plugins header"
for p in bind chaos erratic errors log whoami; do
	check_has "$out" "^  dns\\.$p\$" "-plugins lists dns.$p"
done
check_eq "$(echo "$out" | sed -n '/^Other plugins:/,$p' | sed 1d)" \
    "$(echo "$out" | sed -n '/^Other plugins:/,$p' | sed 1d | LC_ALL=C sort)" "-plugins list sorted"
check_eq "$("$COREDNS" --version 2>&1 | head -n 1)" "CoreDNS-C-0.1.0" "--version (Go flags accept --)"
"$COREDNS" -no-such-flag >out 2>&1; rc=$?
check_eq "$rc" 2 "unknown flag exits 2"
check_grep out 'flag provided but not defined: -no-such-flag' "unknown flag message"
"$COREDNS" -conf >out 2>&1; rc=$?
check_eq "$rc" 2 "flag without value exits 2"

# -validate: VALID-FILE, expect exit 0 and the message
validate_ok() { # DESC (Corefile in ./vf)
	local out rc
	out=$("$COREDNS" -validate -conf vf 2>&1); rc=$?
	if [ "$rc" -eq 0 ] && [ "$out" = "Valid configuration: vf" ]; then
		ok "-validate: $1"
	else
		fail "-validate: $1" "exit $rc, output:" "$out" "Corefile:" "$(cat vf)"
	fi
}
# validate_bad DESC REGEX: exit 1 and stderr matching REGEX
validate_bad() {
	local out rc
	"$COREDNS" -validate -conf vf >vout 2>verr; rc=$?
	if [ "$rc" -eq 1 ] && grep -Eq -- "$2" verr && [ ! -s vout ]; then
		ok "-validate rejects: $1"
	else
		fail "-validate rejects: $1" "exit $rc (want 1), stderr (want /$2/):" \
		    "$(cat verr)" "stdout: $(cat vout)"
	fi
}
P=53535
cat >vf <<EOC
# a comment
(common) {
	bind 127.0.0.1
}
example.org:$P {
	import common
	whoami
	log
	errors
}
.:$P {
	import common
	chaos "my version" a b c
	erratic {
		drop 3
		truncate 2
		delay 4 10ms
		error 5
	}
}
dns://example.net:$P {
	bind 127.0.0.1 {
		except 127.0.0.2
	}
	whoami
}
EOC
validate_ok "good Corefile with snippet, import, all plugins"
printf 'example.org:%s {\n\tbind ::1\n\twhoami\n}\n' $P >vf
validate_ok "bind ::1"
printf 'example.org:%s {\n\tbind 127.0.0.1 ::1 {\n\t\texcept ::1\n\t}\n\twhoami\n}\n' $P >vf
validate_ok "bind 127.0.0.1 ::1 { except ::1 }"
printf 'example.org:%s {\n\tbind 127.0.0.1\n}\n' $P >vf
validate_ok "block with no plugins"
export REGRESS_ZONE=env.example
printf '{$REGRESS_ZONE}:%s {\n\twhoami\n}\n' $P >vf
validate_ok "{\$ENV} substitution"

printf 'example.org:%s {\n\tbind 127.0.0.1\n\twhoami\n\tfoo bar\n}\n' $P >vf
validate_bad "unknown directive (Corefile:4)" '^vf:4 - Error during parsing: .*foo'
printf 'example.org:%s {\n\terratic {\n\t\tdrop 2\n\t\tbogus 1\n\t}\n}\n' $P >vf
validate_bad "unknown erratic property (line 4)" '^vf:4 - Error during parsing: .*bogus'
printf 'example.org:%s {\n\terratic {\n\t\tdrop x\n\t}\n}\n' $P >vf
validate_bad "erratic drop x" '^vf:3 - Error during parsing'
printf 'example.org:%s {\n\terratic {\n\t\tdelay 2 soon\n\t}\n}\n' $P >vf
validate_bad "erratic bad duration" '^vf:3 - Error during parsing'
printf 'example.org:%s {\n\twhoami\n}\nexample.org:%s {\n\tchaos\n}\n' $P $P >vf
validate_bad "duplicate zone and port" '^vf:[0-9]+ - Error during parsing: .*example\.org'
printf 'example.org:%s {\n\twhoami\n' $P >vf
validate_bad "missing closing brace" '^vf:[0-9]+ - Error during parsing'
printf 'example.org:%s \n\twhoami\n}\n' $P >vf
validate_bad "missing opening brace" '^vf:[0-9]+ - Error during parsing'
printf 'example.org:%s {\n\tchaos\n\tchaos\n}\n' $P >vf
validate_bad "chaos twice in a block" '^vf:3 - Error during parsing'
printf 'example.org:%s {\n\timport nosuchsnippet_or_file\n}\n' $P >vf
validate_bad "import of nothing" '^vf:2 - Error during parsing'
printf 'example.org:%s {\n\tbind 127.0.0.1:53\n}\n' $P >vf
validate_bad "bind with a port" '^vf:2 - Error during parsing'
printf 'example.org:99999 {\n\twhoami\n}\n' >vf
validate_bad "port out of range" '^vf:1 - Error during parsing'
printf 'example.org:%s {\n\tlog {\n\t\tclass nosuchclass\n\t}\n}\n' $P >vf
validate_bad "log class unknown" '^vf:3 - Error during parsing'
"$COREDNS" -validate -conf /nonexistent/Corefile >vout 2>verr; rc=$?
check_eq "$rc" 1 "-validate of a missing file exits 1"

# a start-up error names file:line and exits 1 without opening sockets
PORT=$(free_port) || exit 1
printf 'example.org:%s {\n\tbind 127.0.0.1\n\twhoami\n\tunknown_thing\n}\n' "$PORT" >bad
"$COREDNS" -conf bad >out 2>&1; rc=$?
check_eq "$rc" 1 "start with unknown directive exits 1"
check_grep out "^bad:4 - Error during parsing: Unknown directive 'unknown_thing'" "start-up error names file:line"

# -dns.port / -p give the default port, -pidfile is written and removed
printf '. {\n\tbind 127.0.0.1\n\tchaos pv\n}\n' >Corefile
start_coredns Corefile -p "$PORT" -pidfile "$PWD/cd.pid" || done_testing
check_eq "$(q +short version.bind CH TXT)" '"pv"' "-p sets the default port"
check_eq "$(cat cd.pid 2>/dev/null)" "$CD_PID" "-pidfile holds the daemon's PID"
check_grep "$CD_LOG" "^dns://127\\.0\\.0\\.1:$PORT\$" "start-up prints the listener"
check_grep "$CD_LOG" '^CoreDNS-C-0\.1\.0$' "start-up prints the version"
stop_coredns
if [ -e cd.pid ]; then fail "-pidfile removed on exit"; else ok "-pidfile removed on exit"; fi

: >"$CD_LOG"
start_coredns Corefile -dns.port="$PORT" -quiet -pidfile="$PWD/cd2.pid" || done_testing
check_eq "$(q +short version.bind CH TXT)" '"pv"' "-dns.port=PORT sets the default port"
check_eq "$(cat cd2.pid 2>/dev/null)" "$CD_PID" "-pidfile=FILE holds the daemon's PID"
check_nogrep "$CD_LOG" '^(dns://|CoreDNS-C)' "-quiet: no start-up output"
stop_coredns "$CD_PID" INT
if [ -e cd2.pid ]; then fail "-pidfile removed on SIGINT exit"; else ok "-pidfile removed on SIGINT exit"; fi
done_testing
