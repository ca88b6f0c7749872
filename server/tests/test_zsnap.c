/* server/tests/test_zsnap.c - zone snapshots: build, lookups, empty
 * non-terminals, journal applies on the overlay */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/wire.h"
#include "server/plugins/sql/zsnap.h"

static uint8_t soa1[64], soa2[64];
static size_t soalen;

static const uint8_t *
W(const char *s)
{
	static uint8_t buf[8][DNAME_MAX];
	static int k;
	uint8_t *b = buf[k++ % 8];

	assert_true(dname_from_str(b, s) > 0);
	return b;
}

/* SOA rdata: ns. host. serial 3600 600 86400 min */
static size_t
mk_soa(uint8_t *out, uint32_t serial, uint32_t minimum)
{
	size_t o = 0;
	const uint8_t *ns = W("ns.example.org."), *h = W("h.example.org.");

	memcpy(out, ns, dname_len(ns));
	o += dname_len(ns);
	memcpy(out + o, h, dname_len(h));
	o += dname_len(h);
	wire_put32(out + o, serial);
	wire_put32(out + o + 4, 3600);
	wire_put32(out + o + 8, 600);
	wire_put32(out + o + 12, 86400);
	wire_put32(out + o + 16, minimum);
	return o + 20;
}

static const uint8_t a1[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2, 2 };

static bool
exists(const struct zsnap *z, const char *name)
{
	const uint8_t *w = W(name);

	return zsnap_find(z, w, dname_len(w)) != NULL;
}

static const struct znode *
node(const struct zsnap *z, const char *name)
{
	const uint8_t *w = W(name);

	return zsnap_find(z, w, dname_len(w));
}

static struct zsnap *
build(void)
{
	struct zsnap_builder *b = zsnap_builder_new(W("Example.ORG."));

	assert_non_null(b);
	soalen = mk_soa(soa1, 1, 300);
	assert_int_equal(zsnap_builder_add(b, W("example.org."), TYPE_SOA, 3600,
	                     soa1, (uint16_t)soalen),
	    0);
	assert_int_equal(
	    zsnap_builder_add(b, W("WWW.example.org."), TYPE_A, 60, a1, 4), 0);
	assert_int_equal(
	    zsnap_builder_add(b, W("www.example.org."), TYPE_A, 60, a2, 4), 0);
	/* a duplicate is kept once */
	assert_int_equal(
	    zsnap_builder_add(b, W("www.example.org."), TYPE_A, 60, a1, 4), 0);
	assert_int_equal(
	    zsnap_builder_add(b, W("a.b.c.example.org."), TYPE_A, 60, a1, 4),
	    0);
	assert_int_equal(zsnap_builder_add(b, W("sub.example.org."), TYPE_NS,
	                     60, W("ns.sub.example.org."),
	                     (uint16_t)dname_len(W("ns.sub.example.org."))),
	    0);
	assert_int_equal(
	    zsnap_builder_add(b, W("example.net."), TYPE_A, 60, a1, 4),
	    ERR_INVAL);
	return zsnap_builder_finish(b);
}

static void
test_build(void **state)
{
	struct zsnap *z = build();
	struct zrrset s;

	(void)state;
	assert_non_null(z);
	assert_true(z->has_soa);
	assert_int_equal(z->serial, 1);
	assert_int_equal(z->neg_ttl, 300);
	assert_int_equal(z->records, 5); /* SOA, 2 A, A, NS */
	/* apex, www, a.b.c, b.c and c (empty non-terminals), sub */
	assert_int_equal(z->nodes, 6);
	assert_int_equal(z->ncuts, 1);
	assert_true(exists(z, "www.example.org."));
	assert_true(exists(z, "c.example.org."));
	assert_true(exists(z, "b.c.example.org."));
	assert_false(exists(z, "x.example.org."));
	assert_false(exists(z, "WWW.example.org.")); /* lookups are lower */
	assert_int_equal(node(z, "c.example.org.")->nrrsets, 0);
	assert_int_equal(node(z, "c.example.org.")->nchildren, 1);
	assert_int_equal(node(z, "example.org.")->nchildren, 3);
	assert_true(znode_rrset(node(z, "www.example.org."), TYPE_A, &s));
	assert_int_equal(s.count, 2);
	assert_false(znode_rrset(node(z, "www.example.org."), TYPE_AAAA, &s));
	assert_true(node(z, "sub.example.org.")->flags & ZN_CUT);
	assert_true(node(z, "example.org.")->flags & ZN_APEX);
	zsnap_unref(z);
}

static void
test_apply(void **state)
{
	struct zsnap *z = build(), *z2, *z3;
	struct zrrset s;
	size_t l2;
	struct zchange ch[] = {
		/* the SOA steps */
		{ false, W("example.org."), TYPE_SOA, 3600, soa1,
		    (uint16_t)soalen },
		{ true, W("example.org."), TYPE_SOA, 3600, soa2, 0 },
		/* a new name two labels deep: x.y is an empty non-terminal */
		{ true, W("n.x.y.example.org."), TYPE_A, 60, a2, 4 },
		/* the last record of a.b.c goes: b.c and c go with it */
		{ false, W("a.b.c.example.org."), TYPE_A, 60, a1, 4 },
		/* one of two A records */
		{ false, W("www.example.org."), TYPE_A, 60, a1, 4 },
		/* deleting what is absent is nothing */
		{ false, W("none.example.org."), TYPE_A, 60, a1, 4 },
	};

	(void)state;
	l2 = mk_soa(soa2, 2, 100);
	ch[1].rdlen = (uint16_t)l2;
	z2 = zsnap_apply(z, ch, sizeof(ch) / sizeof(ch[0]));
	assert_non_null(z2);
	assert_int_equal(z2->serial, 2);
	assert_int_equal(z2->neg_ttl, 100);
	assert_true(z2->version != z->version);
	assert_true(exists(z2, "n.x.y.example.org."));
	assert_true(exists(z2, "x.y.example.org."));
	assert_true(exists(z2, "y.example.org."));
	assert_false(exists(z2, "a.b.c.example.org."));
	assert_false(exists(z2, "b.c.example.org."));
	assert_false(exists(z2, "c.example.org."));
	assert_true(znode_rrset(node(z2, "www.example.org."), TYPE_A, &s));
	assert_int_equal(s.count, 1);
	assert_memory_equal(s.body + 10, a2, 4);
	/* the old snapshot is untouched */
	assert_int_equal(z->serial, 1);
	assert_true(exists(z, "a.b.c.example.org."));
	assert_true(znode_rrset(node(z, "www.example.org."), TYPE_A, &s));
	assert_int_equal(s.count, 2);
	assert_int_equal(z2->records, z->records - 1 - 1 + 1);
	/* a second step on top of the first (overlay copied) */
	{
		struct zchange c2[] = {
			{ false, W("n.x.y.example.org."), TYPE_A, 60, a2, 4 },
			{ true, W("www.example.org."), TYPE_AAAA, 60,
			    (const uint8_t *)"0123456789abcdef", 16 },
			{ true, W("sub.example.org."), TYPE_A, 60, a1, 4 },
			{ false, W("sub.example.org."), TYPE_NS, 60,
			    W("ns.sub.example.org."),
			    (uint16_t)dname_len(W("ns.sub.example.org.")) },
		};

		z3 = zsnap_apply(z2, c2, sizeof(c2) / sizeof(c2[0]));
	}
	assert_non_null(z3);
	assert_false(exists(z3, "x.y.example.org."));
	assert_false(exists(z3, "y.example.org."));
	assert_true(exists(z2, "x.y.example.org."));
	assert_true(znode_rrset(node(z3, "www.example.org."), TYPE_AAAA, &s));
	assert_int_equal(z3->ncuts, 0);
	assert_false(node(z3, "sub.example.org.")->flags & ZN_CUT);
	assert_int_equal(node(z3, "example.org.")->nchildren, 2);
	assert_true(zsnap_overlay_nodes(z3) > 0);
	/* changes outside the zone are refused: rebuild */
	{
		struct zchange bad = { true, W("x.example.net."), TYPE_A, 60,
			a1, 4 };

		assert_null(zsnap_apply(z3, &bad, 1));
	}
	zsnap_unref(z);
	zsnap_unref(z3);
	zsnap_unref(z2);
}

/* Many single-name steps, each on top of the last: the overlay grows
 * past its first hash table (64 slots) and is copied every step. */
static void
test_many_steps(void **state)
{
	struct zsnap *z = build(), *next;
	char name[64];

	(void)state;
	for (int i = 0; i < 300; i++) {
		struct zchange c = { true, NULL, TYPE_A, 60, a1, 4 };

		snprintf(name, sizeof(name), "h%d.example.org.", i);
		c.owner = W(name);
		next = zsnap_apply(z, &c, 1);
		assert_non_null(next);
		zsnap_unref(z);
		z = next;
	}
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "h%d.example.org.", i);
		assert_true(exists(z, name));
	}
	assert_false(exists(z, "h300.example.org."));
	assert_true(exists(z, "www.example.org."));
	assert_int_equal(z->records, 5 + 300);
	zsnap_unref(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_many_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
