/* common/tests/test_dname.c - unit tests for wire-form domain names */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/dname.h"
#include "common/err.h"

/* Presentation form to wire form, failing the test on error. */
static int
wire(uint8_t *out, const char *s)
{
	int n = dname_from_str(out, s);

	assert_true(n > 0);
	return n;
}

/* Wire to presentation and back must give the same wire bytes and the
 * expected string. */
static void
round_trip(const char *in, const char *want)
{
	uint8_t w1[DNAME_MAX], w2[DNAME_MAX];
	char str[DNAME_STR_MAX];
	int n1, n2, sl;

	n1 = wire(w1, in);
	assert_int_equal((size_t)n1, dname_len(w1));
	sl = dname_to_str(str, w1);
	assert_string_equal(str, want);
	assert_int_equal(sl, (int)strlen(want));
	n2 = wire(w2, str);
	assert_int_equal(n1, n2);
	assert_memory_equal(w1, w2, (size_t)n1);
}

/* "aaa...a" (n times) */
static char *
label(char *buf, size_t n, char c)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void
test_dname_from_str_basic(void **state)
{
	uint8_t w[DNAME_MAX];
	static const uint8_t want[] = "\x03www\x07"
	                              "example\x03org";

	(void)state;
	/* with and without the trailing dot */
	assert_int_equal(dname_from_str(w, "www.example.org."), 17);
	assert_memory_equal(w, want, 17);
	memset(w, 0xff, sizeof(w));
	assert_int_equal(dname_from_str(w, "www.example.org"), 17);
	assert_memory_equal(w, want, 17);
	/* case is kept */
	assert_int_equal(dname_from_str(w, "WwW.Example.ORG"), 17);
	assert_memory_equal(w,
	    "\x03WwW\x07"
	    "Example\x03ORG",
	    17);
}

static void
test_dname_root(void **state)
{
	uint8_t w[DNAME_MAX];
	char s[DNAME_STR_MAX];

	(void)state;
	memset(w, 0xff, sizeof(w));
	assert_int_equal(dname_from_str(w, "."), 1);
	assert_int_equal(w[0], 0);
	assert_int_equal(dname_to_str(s, w), 1);
	assert_string_equal(s, ".");
	assert_int_equal(dname_len(w), 1);
	assert_int_equal(dname_labels(w), 0);
	assert_int_equal(dname_from_str(w, ""), ERR_FORMAT);
}

static void
test_dname_round_trips(void **state)
{
	(void)state;
	round_trip(".", ".");
	round_trip("org", "org.");
	round_trip("www.example.org.", "www.example.org.");
	round_trip("MiXeD.Case.", "MiXeD.Case.");
	round_trip("a-b_c.d", "a-b_c.d.");
	round_trip("*.example.org", "*.example.org.");
}

static void
test_dname_escapes(void **state)
{
	uint8_t w[DNAME_MAX];
	char s[DNAME_STR_MAX];

	(void)state;
	/* \. is a dot inside a label */
	assert_int_equal(dname_from_str(w, "a\\.b.example."), 13);
	assert_memory_equal(w,
	    "\x03"
	    "a.b\x07"
	    "example",
	    13);
	dname_to_str(s, w);
	assert_string_equal(s, "a\\.b.example.");
	/* \DDD decimal */
	assert_int_equal(dname_from_str(w, "\\065bc."), 5);
	assert_memory_equal(w,
	    "\x03"
	    "Abc",
	    5);
	assert_int_equal(dname_from_str(w, "\\000\\255."), 4);
	assert_memory_equal(w, "\x02\x00\xff", 4);
	dname_to_str(s, w);
	assert_string_equal(s, "\\000\\255.");
	/* \X for any other character */
	assert_int_equal(dname_from_str(w, "\\a\\\\."), 4);
	assert_memory_equal(w,
	    "\x02"
	    "a\\",
	    4);
	/* characters printed escaped */
	round_trip("a\\032b.", "a\\032b.");
	round_trip("\\\"\\;\\(\\)\\@\\$.", "\\\"\\;\\(\\)\\@\\$.");
	round_trip("\\127\\200.", "\\127\\200.");
	round_trip("\\\\.", "\\\\.");
	/* bad escapes */
	assert_int_equal(dname_from_str(w, "\\256."), ERR_FORMAT);
	assert_int_equal(dname_from_str(w, "\\12."), ERR_FORMAT);
	assert_int_equal(dname_from_str(w, "\\1"), ERR_FORMAT);
	assert_int_equal(dname_from_str(w, "abc\\"), ERR_FORMAT);
}

static void
test_dname_empty_label(void **state)
{
	uint8_t w[DNAME_MAX];

	(void)state;
	assert_int_equal(dname_from_str(w, "a..b"), ERR_FORMAT);
	assert_int_equal(dname_from_str(w, ".a"), ERR_FORMAT);
	assert_int_equal(dname_from_str(w, "a.."), ERR_FORMAT);
	assert_int_equal(dname_from_str(w, ".."), ERR_FORMAT);
	assert_int_equal(dname_from_str(w, "..."), ERR_FORMAT);
}

static void
test_dname_label_limit(void **state)
{
	uint8_t w[DNAME_MAX];
	char l[80], s[400];

	(void)state;
	snprintf(s, sizeof(s), "%s.org", label(l, 63, 'x'));
	assert_int_equal(dname_from_str(w, s), 1 + 63 + 4 + 1);
	assert_int_equal(w[0], 63);
	snprintf(s, sizeof(s), "%s.org", label(l, 64, 'x'));
	assert_int_equal(dname_from_str(w, s), ERR_FORMAT);
	/* the last label too, with and without the trailing dot */
	snprintf(s, sizeof(s), "org.%s", label(l, 64, 'x'));
	assert_int_equal(dname_from_str(w, s), ERR_FORMAT);
	snprintf(s, sizeof(s), "org.%s.", label(l, 64, 'x'));
	assert_int_equal(dname_from_str(w, s), ERR_FORMAT);
	/* escapes count as one octet */
	strcpy(s, "");
	for (int i = 0; i < 63; i++)
		strcat(s, "\\046");
	assert_int_equal(dname_from_str(w, s), 65);
	strcat(s, "\\046");
	assert_int_equal(dname_from_str(w, s), ERR_FORMAT);
}

/* Name of four labels 63+63+63+`last` octets, with or without a dot. */
static void
long_name(char *s, size_t last, bool dot)
{
	char l[80];

	s[0] = '\0';
	for (int i = 0; i < 3; i++) {
		strcat(s, label(l, 63, (char)('a' + i)));
		strcat(s, ".");
	}
	strcat(s, label(l, last, 'd'));
	if (dot)
		strcat(s, ".");
}

static void
test_dname_name_limit(void **state)
{
	uint8_t w[DNAME_MAX + 16];
	char s[400], str[DNAME_STR_MAX];

	(void)state;
	/* 3 * 64 + 62 + 1 = 255 */
	long_name(s, 61, false);
	assert_int_equal(dname_from_str(w, s), 255);
	assert_int_equal(dname_len(w), 255);
	assert_int_equal(dname_labels(w), 4);
	assert_int_equal(w[254], 0);
	dname_to_str(str, w);
	assert_string_equal(str, strcat(s, "."));
	long_name(s, 61, true);
	assert_int_equal(dname_from_str(w, s), 255);
	/* 256 */
	long_name(s, 62, false);
	assert_int_equal(dname_from_str(w, s), ERR_FORMAT);
	long_name(s, 62, true);
	assert_int_equal(dname_from_str(w, s), ERR_FORMAT);
	long_name(s, 63, true);
	assert_int_equal(dname_from_str(w, s), ERR_FORMAT);
	/* many short labels: 127 * 2 + 1 = 255 ok, 128 * 2 + 1 no */
	s[0] = '\0';
	for (int i = 0; i < 127; i++)
		strcat(s, "a.");
	assert_int_equal(dname_from_str(w, s), 255);
	assert_int_equal(dname_labels(w), 127);
	strcat(s, "a");
	assert_int_equal(dname_from_str(w, s), ERR_FORMAT);
	strcat(s, ".");
	assert_int_equal(dname_from_str(w, s), ERR_FORMAT);
}

static void
test_dname_to_str_worst_case(void **state)
{
	/* every octet escaped as \DDD fits DNAME_STR_MAX */
	uint8_t w[DNAME_MAX];
	char s[DNAME_STR_MAX];
	size_t o = 0;
	int n;

	(void)state;
	for (int i = 0; i < 3; i++) {
		w[o++] = 63;
		memset(w + o, 0x01, 63);
		o += 63;
	}
	w[o++] = 61;
	memset(w + o, 0xff, 61);
	o += 61;
	w[o++] = 0;
	assert_int_equal(o, 255);
	n = dname_to_str(s, w);
	assert_int_equal(n, 250 * 4 + 4);
	assert_int_equal((size_t)n, strlen(s));
	assert_true(n < DNAME_STR_MAX);
}

static void
test_dname_equal(void **state)
{
	uint8_t a[DNAME_MAX], b[DNAME_MAX];

	(void)state;
	wire(a, "Example.ORG");
	wire(b, "example.org.");
	assert_true(dname_equal(a, b));
	assert_true(dname_equal(b, a));
	wire(b, "example.com");
	assert_false(dname_equal(a, b));
	wire(b, "www.example.org");
	assert_false(dname_equal(a, b));
	wire(b, "exampl.eorg");
	assert_false(dname_equal(a, b));
	wire(a, ".");
	wire(b, ".");
	assert_true(dname_equal(a, b));
	wire(b, "org");
	assert_false(dname_equal(a, b));
	/* only ASCII letters fold */
	wire(a, "\\200");
	wire(b, "\\224");
	assert_false(dname_equal(a, b));
	wire(a, "[");
	wire(b, "{");
	assert_false(dname_equal(a, b));
}

static void
test_dname_is_subdomain(void **state)
{
	uint8_t n[DNAME_MAX], z[DNAME_MAX];

	(void)state;
	wire(z, "example.org");
	wire(n, "www.example.org");
	assert_true(dname_is_subdomain(n, z));
	wire(n, "a.b.c.Example.ORG.");
	assert_true(dname_is_subdomain(n, z));
	wire(n, "example.org");
	assert_true(dname_is_subdomain(n, z));
	/* label boundary */
	wire(n, "aexample.org");
	assert_false(dname_is_subdomain(n, z));
	wire(n, "www.aexample.org");
	assert_false(dname_is_subdomain(n, z));
	wire(n, "org");
	assert_false(dname_is_subdomain(n, z));
	wire(n, "example.com");
	assert_false(dname_is_subdomain(n, z));
	/* everything is under the root */
	wire(z, ".");
	assert_true(dname_is_subdomain(n, z));
	wire(n, ".");
	assert_true(dname_is_subdomain(n, z));
	wire(z, "org");
	assert_false(dname_is_subdomain(n, z));
}

static void
test_dname_labels_lower(void **state)
{
	uint8_t w[DNAME_MAX];
	char s[DNAME_STR_MAX];

	(void)state;
	wire(w, "a.b.c");
	assert_int_equal(dname_labels(w), 3);
	assert_int_equal(dname_len(w), 7);
	wire(w, "WwW.ExAmPlE.ORG");
	dname_lower(w);
	dname_to_str(s, w);
	assert_string_equal(s, "www.example.org.");
	/* non-letters and length octets untouched: 'A' = 65 would be a
	 * length if the lowering walked off the labels */
	wire(w, "\\065\\090\\091\\064\\192.Z");
	dname_lower(w);
	assert_memory_equal(w,
	    "\x05"
	    "az[@\xc0\x01z",
	    9);
}

/* --- dname_unpack --- */

static void
test_unpack_plain(void **state)
{
	uint8_t pkt[64], out[DNAME_MAX];
	size_t pos = 12;

	(void)state;
	memset(pkt, 0, 12);
	memcpy(pkt + 12,
	    "\x03WWW\x07"
	    "example\x03org\x00\x00\x01",
	    19);
	assert_int_equal(dname_unpack(pkt, 31, &pos, out), 17);
	assert_int_equal(pos, 29);
	/* case kept */
	assert_memory_equal(out, pkt + 12, 17);
	/* root */
	pos = 28;
	assert_int_equal(dname_unpack(pkt, 31, &pos, out), 1);
	assert_int_equal(pos, 29);
	assert_int_equal(out[0], 0);
}

static void
test_unpack_compressed(void **state)
{
	uint8_t pkt[64], out[DNAME_MAX];
	size_t pos;
	char s[DNAME_STR_MAX];

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	/* 12: example.org. (13 bytes) */
	memcpy(pkt + 12,
	    "\x07"
	    "example\x03org\x00",
	    13);
	/* 25: www + pointer to 12 */
	memcpy(pkt + 25, "\x03www\xc0\x0c", 6);
	/* 31: pointer to 25 (chain of two) */
	memcpy(pkt + 31, "\xc0\x19", 2);
	/* 33: mail + pointer to 20 ("org") */
	memcpy(pkt + 33, "\x04mail\xc0\x14", 7);
	pos = 25;
	assert_int_equal(dname_unpack(pkt, 40, &pos, out), 17);
	assert_int_equal(pos, 31);
	dname_to_str(s, out);
	assert_string_equal(s, "www.example.org.");
	pos = 31;
	assert_int_equal(dname_unpack(pkt, 40, &pos, out), 17);
	assert_int_equal(pos, 33);
	dname_to_str(s, out);
	assert_string_equal(s, "www.example.org.");
	pos = 33;
	assert_int_equal(dname_unpack(pkt, 40, &pos, out), 10);
	assert_int_equal(pos, 40);
	dname_to_str(s, out);
	assert_string_equal(s, "mail.org.");
}

static void
test_unpack_loops(void **state)
{
	uint8_t pkt[64], out[DNAME_MAX];
	size_t pos;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	/* self pointer */
	memcpy(pkt + 12, "\xc0\x0c", 2);
	pos = 12;
	assert_int_equal(dname_unpack(pkt, 14, &pos, out), ERR_FORMAT);
	assert_int_equal(pos, 12);
	/* a label, then a pointer back to the name's own start */
	memcpy(pkt + 12,
	    "\x01"
	    "a\xc0\x0c",
	    4);
	pos = 12;
	assert_int_equal(dname_unpack(pkt, 16, &pos, out), ERR_FORMAT);
	/* two-pointer cycle: 12 -> 14 -> 12 */
	memcpy(pkt + 12, "\xc0\x0e\xc0\x0c", 4);
	pos = 14;
	assert_int_equal(dname_unpack(pkt, 16, &pos, out), ERR_FORMAT);
	pos = 12;
	assert_int_equal(dname_unpack(pkt, 16, &pos, out), ERR_FORMAT);
	/* cycle through labels: 12 "a" -> 16, 16 "b" -> 12 */
	memcpy(pkt + 12,
	    "\x01"
	    "a\xc0\x10\x01"
	    "b\xc0\x0c",
	    8);
	pos = 16;
	assert_int_equal(dname_unpack(pkt, 20, &pos, out), ERR_FORMAT);
}

static void
test_unpack_forward_pointer(void **state)
{
	uint8_t pkt[64], out[DNAME_MAX];
	size_t pos = 12;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	/* 12: "a" + pointer to 20, where a valid name sits */
	memcpy(pkt + 12,
	    "\x01"
	    "a\xc0\x14",
	    4);
	memcpy(pkt + 20, "\x03org\x00", 5);
	assert_int_equal(dname_unpack(pkt, 25, &pos, out), ERR_FORMAT);
}

static void
test_unpack_past_end(void **state)
{
	uint8_t pkt[64], out[DNAME_MAX];
	size_t pos;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	/* pointer target beyond the packet */
	memcpy(pkt + 12, "\xc0\xff", 2);
	pos = 12;
	assert_int_equal(dname_unpack(pkt, 14, &pos, out), ERR_FORMAT);
	memcpy(pkt + 12, "\xff\xff", 2);
	pos = 12;
	assert_int_equal(dname_unpack(pkt, 14, &pos, out), ERR_FORMAT);
	/* pointer cut after its first byte */
	memcpy(pkt + 12,
	    "\x01"
	    "a\xc0",
	    3);
	pos = 12;
	assert_int_equal(dname_unpack(pkt, 15, &pos, out), ERR_FORMAT);
	/* start at or past the end */
	pos = 15;
	assert_int_equal(dname_unpack(pkt, 15, &pos, out), ERR_FORMAT);
	pos = 100;
	assert_int_equal(dname_unpack(pkt, 15, &pos, out), ERR_FORMAT);
}

static void
test_unpack_reserved_labels(void **state)
{
	uint8_t pkt[64], out[DNAME_MAX];
	size_t pos;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x40; /* extended label type */
	pos = 12;
	assert_int_equal(dname_unpack(pkt, 20, &pos, out), ERR_FORMAT);
	pkt[12] = 0x80;
	pos = 12;
	assert_int_equal(dname_unpack(pkt, 20, &pos, out), ERR_FORMAT);
	/* 64 as a length octet is type 0x40 */
	memset(pkt, 'a', sizeof(pkt));
	pkt[0] = 64;
	pos = 0;
	assert_int_equal(dname_unpack(pkt, sizeof(pkt), &pos, out), ERR_FORMAT);
	/* after a good label */
	memcpy(pkt,
	    "\x01"
	    "a\x81"
	    "b\x00",
	    5);
	pos = 0;
	assert_int_equal(dname_unpack(pkt, 5, &pos, out), ERR_FORMAT);
}

static void
test_unpack_truncated(void **state)
{
	uint8_t pkt[64], out[DNAME_MAX];
	size_t pos;

	(void)state;
	memcpy(pkt,
	    "\x07"
	    "example\x03org\x00",
	    13);
	/* every proper prefix is malformed */
	for (size_t len = 0; len < 13; len++) {
		pos = 0;
		assert_int_equal(dname_unpack(pkt, len, &pos, out), ERR_FORMAT);
		assert_int_equal(pos, 0);
	}
	pos = 0;
	assert_int_equal(dname_unpack(pkt, 13, &pos, out), 13);
}

/* Writes a name of one label of `n` 'x' plus a pointer to `target` (or
 * the root if target < 0) at `off`; returns the offset after it. */
static size_t
put_label_ptr(uint8_t *pkt, size_t off, size_t n, int target)
{
	pkt[off++] = (uint8_t)n;
	memset(pkt + off, 'x', n);
	off += n;
	if (target < 0) {
		pkt[off++] = 0;
	} else {
		pkt[off++] = (uint8_t)(0xc0 | (target >> 8));
		pkt[off++] = (uint8_t)target;
	}
	return off;
}

static void
test_unpack_too_long_via_pointers(void **state)
{
	uint8_t pkt[600], out[DNAME_MAX];
	size_t a = 12, b, c, d, e, end, pos;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	b = put_label_ptr(pkt, a, 63, -1);       /* 65 octets */
	c = put_label_ptr(pkt, b, 63, (int)a);   /* 129 */
	d = put_label_ptr(pkt, c, 63, (int)b);   /* 193 */
	e = put_label_ptr(pkt, d, 61, (int)c);   /* 255: ok */
	end = put_label_ptr(pkt, e, 62, (int)c); /* 256: too long */
	pos = d;
	assert_int_equal(dname_unpack(pkt, end, &pos, out), 255);
	assert_int_equal(pos, e);
	assert_int_equal(dname_len(out), 255);
	assert_int_equal(dname_labels(out), 4);
	pos = e;
	assert_int_equal(dname_unpack(pkt, end, &pos, out), ERR_FORMAT);
	/* one-octet labels through a chain of pointers: the name at
	 * 12 + 4 * i has i + 1 labels, 2 * (i + 1) + 1 octets */
	memset(pkt, 0, sizeof(pkt));
	put_label_ptr(pkt, 12, 1, -1);
	for (int i = 1; i < 128; i++)
		put_label_ptr(pkt, 12 + (size_t)i * 4, 1, 12 + (i - 1) * 4);
	pos = 12 + 127 * 4; /* 128 labels: 257 octets */
	assert_int_equal(dname_unpack(pkt, sizeof(pkt), &pos, out), ERR_FORMAT);
	pos = 12 + 126 * 4; /* 127 labels: 255 octets */
	assert_int_equal(dname_unpack(pkt, sizeof(pkt), &pos, out), 255);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dname_from_str_basic),
		cmocka_unit_test(test_dname_root),
		cmocka_unit_test(test_dname_round_trips),
		cmocka_unit_test(test_dname_escapes),
		cmocka_unit_test(test_dname_empty_label),
		cmocka_unit_test(test_dname_label_limit),
		cmocka_unit_test(test_dname_name_limit),
		cmocka_unit_test(test_dname_to_str_worst_case),
		cmocka_unit_test(test_dname_equal),
		cmocka_unit_test(test_dname_is_subdomain),
		cmocka_unit_test(test_dname_labels_lower),
		cmocka_unit_test(test_unpack_plain),
		cmocka_unit_test(test_unpack_compressed),
		cmocka_unit_test(test_unpack_loops),
		cmocka_unit_test(test_unpack_forward_pointer),
		cmocka_unit_test(test_unpack_past_end),
		cmocka_unit_test(test_unpack_reserved_labels),
		cmocka_unit_test(test_unpack_truncated),
		cmocka_unit_test(test_unpack_too_long_via_pointers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
