# regress/pg.sh - a throwaway PostgreSQL cluster for tests (source it)
#
#   dsn=$(pg_start DIR)   initdb into DIR/data (as user postgres when run
#                         by root), start it listening on a unix socket in
#                         DIR only (no TCP), fsync off, create database
#                         coredns_test; prints a libpq conninfo DSN
#   pg_stop DIR           stop that cluster (pg_ctl, then its PID) and
#                         remove DIR
# DIR should be new and short (unix socket paths are limited to 107
# bytes), e.g. $(mktemp -d /tmp/pg.XXXXXX). Debian: apt-get install
# postgresql. PG_BINDIR overrides where initdb and pg_ctl are found.

pg_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		echo "$PG_BINDIR"
		return 0
	fi
	# the newest installed server
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
		echo "pg.sh: no PostgreSQL server found (apt-get install postgresql)" >&2
		return 1
	fi
	echo "$d"
}

# runs a command as the cluster's owner
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# no durability needed: a test cluster
PG_FAST="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

pg_start() {
	dir=$1
	bin=$(pg_bindir) || return 1
	port=5432
	mkdir -p "$dir" || return 1
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	if ! pg_as "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
		--locale=C --no-sync >"$dir/initdb.log" 2>&1; then
		echo "pg.sh: initdb failed:" >&2
		cat "$dir/initdb.log" >&2
		return 1
	fi
	if ! pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
		-o "-k $dir -p $port -h '' $PG_FAST" \
		start >"$dir/pg_ctl.log" 2>&1; then
		echo "pg.sh: the server did not start:" >&2
		cat "$dir/pg_ctl.log" "$dir/postgres.log" >&2
		return 1
	fi
	if ! pg_as "$bin/createdb" -h "$dir" -p "$port" -U postgres \
		coredns_test >"$dir/createdb.log" 2>&1; then
		echo "pg.sh: createdb failed:" >&2
		cat "$dir/createdb.log" >&2
		return 1
	fi
	echo "host=$dir port=$port user=postgres dbname=coredns_test"
}

pg_stop() {
	dir=$1
	[ -d "$dir" ] || return 0
	if [ -f "$dir/data/postmaster.pid" ]; then
		bin=$(pg_bindir) &&
			pg_as "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop \
				>/dev/null 2>&1
		if [ -f "$dir/data/postmaster.pid" ]; then
			pid=$(head -n 1 "$dir/data/postmaster.pid")
			[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
		fi
	fi
	rm -rf "$dir"
}
