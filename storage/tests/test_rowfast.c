/* storage/tests/test_rowfast.c - the fast row path gives the full
 * parser's wire form, row for row */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "storage/rowfast.h"
#include "storage/store.h"

struct row {
	const char *name, *type, *content;
	int64_t ttl, prio;
	bool fast; /* expected to take the fast path */
};

static const struct row rows[] = {
	{ "example.org", "SOA",
	    "ns1.example.org hostmaster.example.org 2024010101 3600 600 "
	    "604800 300",
	    3600, 0, true },
	{ "www.example.org", "A", "192.0.2.1", 300, 0, true },
	{ "WWW.Example.ORG.", "a", "192.0.2.2", 300, 0, true },
	{ "v6.example.org", "AAAA", "2001:db8::1", 300, 0, true },
	{ "alias.example.org", "CNAME", "www.example.org", 300, 0, true },
	{ "alias2.example.org", "CNAME", "Www.Example.org.", 300, 0, true },
	{ "example.org", "NS", "ns1.example.org.", 300, 0, true },
	{ "example.org", "MX", "mail.example.org", 300, 10, true },
	{ "example.org", "MX", "20 mail2.example.org", 300, 0, true },
	{ "_sip._tcp.example.org", "SRV", "5 5060 sip.example.org", 300, 1,
	    true },
	{ "_sip._udp.example.org", "SRV", "1 2 5060 sip.example.org", 300, 0,
	    true },
	{ "t.example.org", "TXT", "\"hello world\" \"two\"", 300, 0, true },
	{ "t2.example.org", "TXT", "\"\"", 300, 0, true },
	{ "*.w.example.org", "A", "192.0.2.9", 300, 0, true },
	{ "d.example.org", "DNAME", "example.net", 300, 0, true },
	{ "1.2.0.192.in-addr.arpa", "PTR", "www.example.org", 300, 0, true },
	/* the full parser's cases */
	{ "t3.example.org", "TXT", "\"esc\\\"aped\"", 300, 0, false },
	{ "t4.example.org", "TXT", "unquoted", 300, 0, false },
	{ "x.example.org", "A", "192.0.2.300", 300, 0, false },
	{ "x.example.org", "HINFO", "\"a\" \"b\"", 300, 0, false },
	{ "example.org", "SOA", "ns1 hostmaster 1 1h 10m 1w 5m", 300, 0,
	    false },
	{ "outside.example.net", "A", "192.0.2.1", 300, 0, false },
	{ "", "A", "192.0.2.1", 300, 0, false },
	{ "m.example.org", "MX", "mail.example.org", 300, 70000, false },
	{ "c.example.org", "CNAME", "@", 300, 0, false },
};

static void
test_same_as_parser(void **state)
{
	struct store_rr *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct store_row row = { (int64_t)i + 1, r->name, r->type,
			r->content, r->ttl, r->prio != 0, r->prio };
		int fast, ra, rb;

		memset(a, 0, sizeof(*a));
		memset(b, 0, sizeof(*b));
		store_rowfast_off = false;
		fast = store_row_to_rr_fast("example.org", &row, a);
		if (r->name[0] != '\0' && strstr(r->name, "in-addr") != NULL)
			fast = store_row_to_rr_fast(
			    "2.0.192.in-addr.arpa", &row, a);
		assert_int_equal(fast == 0, r->fast);
		ra = store_row_to_rr(strstr(r->name, "in-addr") != NULL
		                         ? "2.0.192.in-addr.arpa"
		                         : "example.org",
		    &row, a);
		store_rowfast_off = true;
		rb = store_row_to_rr(strstr(r->name, "in-addr") != NULL
		                         ? "2.0.192.in-addr.arpa"
		                         : "example.org",
		    &row, b);
		store_rowfast_off = false;
		assert_int_equal(ra, rb);
		if (ra != 0)
			continue;
		assert_int_equal(a->type, b->type);
		assert_int_equal(a->ttl, b->ttl);
		assert_int_equal(a->rdlen, b->rdlen);
		assert_memory_equal(a->owner, b->owner, dname_len(b->owner));
		assert_memory_equal(a->rdata, b->rdata, b->rdlen);
	}
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_parser),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
