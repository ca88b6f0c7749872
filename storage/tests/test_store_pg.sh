#!/bin/sh
# storage/tests/test_store_pg.sh - the store unit tests on PostgreSQL
# usage: test_store_pg.sh [TEST_STORE_BINARY]
# Starts a throwaway cluster (regress/pg.sh), runs the cmocka store tests
# against it with COREDNS_TEST_PG_DSN set, stops it. Run from the build
# directory (make check does); the binary defaults to
# storage/tests/test_store there. Fails, never skips, without PostgreSQL.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-storage/tests/test_store}
. "$top/regress/pg.sh"

dir=$(mktemp -d /tmp/pg.XXXXXX) || exit 1
trap 'pg_stop "$dir"' EXIT INT TERM
if ! COREDNS_TEST_PG_DSN=$(pg_start "$dir"); then
	echo "test_store_pg: cannot start PostgreSQL" >&2
	exit 1
fi
export COREDNS_TEST_PG_DSN
"$bin" pgsql
