/* utils/tests/test_checkzone.c - unit tests for checkzone's verdicts */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "utils/util.h"

/* Verdicts marked as BIND's were those of named-checkzone 9.18 -i local
 * on the same text. */

#define HEAD                                                                   \
	"$TTL 300\n"                                                           \
	"@ SOA ns1 hostmaster 7 3600 600 86400 300\n"                          \
	"@ NS ns1\n"                                                           \
	"ns1 A 192.0.2.1\n"

/* Checks `text` as zone example.com from a temp file; returns the exit
 * status of checkzone_run. */
static int
check(const char *text, bool integrity)
{
	char path[] = "/tmp/test_checkzone.XXXXXX";
	int fd, rc;
	size_t len = strlen(text);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	rc = checkzone_run("example.com", path, integrity, true);
	unlink(path);
	return rc;
}

static void
test_good(void **state)
{
	(void)state;
	assert_int_equal(check(HEAD "www A 192.0.2.2\n"
	                            "ftp CNAME www\n"
	                            "@ MX 10 www\n"
	                            "sub NS ns.sub\n"
	                            "ns.sub A 192.0.2.3\n",
	                     true),
	    UTIL_EXIT_OK);
}

static void
test_load_errors(void **state)
{
	(void)state;
	assert_int_equal(check(HEAD "www A 1.2.3\n", true), UTIL_EXIT_FAIL);
	assert_int_equal(check(HEAD "www A 192.0.2.2\nwww CNAME ns1\n", true),
	    UTIL_EXIT_FAIL);
	assert_int_equal(
	    check(HEAD "www CNAME ns1\nwww CNAME ns2\n", true), UTIL_EXIT_FAIL);
	assert_int_equal(
	    check(HEAD "@ SOA ns1 hm 2 1 1 1 1\n", true), UTIL_EXIT_FAIL);
}

static void
test_duplicates_and_rrsig(void **state)
{
	(void)state;
	/* BIND drops exact duplicates (names compared without case) */
	assert_int_equal(
	    check(HEAD "www CNAME ns1\nwww CNAME NS1\n", true), UTIL_EXIT_OK);
	assert_int_equal(check(HEAD "www A 192.0.2.2\nwww A 192.0.2.2\n", true),
	    UTIL_EXIT_OK);
	/* CNAME may sit with RRSIG and NSEC */
	assert_int_equal(check(HEAD "www CNAME ns1\n"
	                            "www NSEC ns1 CNAME RRSIG NSEC\n",
	                     true),
	    UTIL_EXIT_OK);
}

static void
test_apex(void **state)
{
	(void)state;
	assert_int_equal(check("$TTL 300\n@ NS ns1\nns1 A 192.0.2.1\n", true),
	    UTIL_EXIT_FAIL);
	assert_int_equal(
	    check("$TTL 300\n@ SOA ns1 hm 1 1 1 1 1\nns1 A 192.0.2.1\n", true),
	    UTIL_EXIT_FAIL);
	/* in-zone apex NS: needs an address, not a CNAME, not below DNAME;
	 * checked with -i none too, as BIND does */
	assert_int_equal(check(HEAD "@ NS ns2\n", false), UTIL_EXIT_FAIL);
	assert_int_equal(
	    check(HEAD "@ NS ns2\nns2 CNAME ns1\n", true), UTIL_EXIT_FAIL);
	assert_int_equal(check(HEAD "@ NS ns.d\nd DNAME example.net.\n", true),
	    UTIL_EXIT_FAIL);
	assert_int_equal(
	    check(HEAD "@ NS ns2.example.net.\n", true), UTIL_EXIT_OK);
}

static void
test_warnings_only(void **state)
{
	(void)state;
	/* BIND: warnings, the zone loads */
	assert_int_equal(
	    check(HEAD "www.example.org. A 192.0.2.9\n", true), UTIL_EXIT_OK);
	assert_int_equal(
	    check(HEAD "a 100 A 192.0.2.9\na 200 A 192.0.2.8\n", true),
	    UTIL_EXIT_OK);
	assert_int_equal(
	    check(HEAD "@ MX 10 mail\nmail CNAME ns1\n", true), UTIL_EXIT_OK);
	assert_int_equal(check(HEAD "sub NS ns.sub\n", true), UTIL_EXIT_OK);
	assert_int_equal(
	    check(HEAD "s SRV 0 0 1 nothere\n", true), UTIL_EXIT_OK);
	assert_int_equal(
	    check(HEAD "foo_bar A 192.0.2.9\n", true), UTIL_EXIT_OK);
}

static void
test_missing_file(void **state)
{
	(void)state;
	assert_int_equal(
	    checkzone_run("example.com", "/nonexistent/zone.db", true, true),
	    UTIL_EXIT_FAIL);
	assert_int_equal(checkzone_run("bad..name", "/dev/null", true, true),
	    UTIL_EXIT_FAIL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_duplicates_and_rrsig),
		cmocka_unit_test(test_apex),
		cmocka_unit_test(test_warnings_only),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
