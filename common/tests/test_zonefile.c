/* common/tests/test_zonefile.c - unit tests for the master file reader */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/wire.h"
#include "common/zonefile.h"

/* Expected outputs marked "BIND" were produced by BIND 9.18's
 * `named-compilezone -i none -s full -o - example.org FILE` on the same
 * text (its output sorted by name; ours is in file order). */

#define MAX_LINES 512

struct coll {
	char *lines[MAX_LINES]; /* zonefile_rr_to_text of each record */
	int n;
	char *warns[64];
	int nwarn;
	uint8_t *wire; /* owner type class ttl rdlen rdata, concatenated */
	size_t wlen, wcap;
	int stop_after; /* > 0: callback returns 99 at that record */
};

static char tmpdir[] = "/tmp/test_zonefile.XXXXXX";
static char err[1024];

static int
collect(void *arg, const struct zf_rr *rr)
{
	struct coll *c = arg;
	char buf[ZONEFILE_TEXT_MAX];
	size_t olen = dname_len(rr->owner), need = olen + 10 + rr->rdlen;
	uint8_t *p;

	assert_true(zonefile_rr_to_text(rr, buf, sizeof(buf)) > 0);
	assert_true(c->n < MAX_LINES);
	c->lines[c->n++] = strdup(buf);
	if (c->wlen + need > c->wcap) {
		c->wcap = (c->wlen + need) * 2;
		c->wire = realloc(c->wire, c->wcap);
		assert_non_null(c->wire);
	}
	p = c->wire + c->wlen;
	memcpy(p, rr->owner, olen);
	p += olen;
	wire_put16(p, rr->type);
	wire_put16(p + 2, rr->rclass);
	wire_put32(p + 4, rr->ttl);
	wire_put16(p + 8, rr->rdlen);
	memcpy(p + 10, rr->rdata, rr->rdlen);
	c->wlen += need;
	assert_non_null(rr->file);
	assert_true(rr->line > 0);
	if (c->stop_after > 0 && c->n == c->stop_after)
		return 99;
	return 0;
}

static void
on_warn(void *arg, const char *file, int line, const char *msg)
{
	struct coll *c = arg;
	char buf[512];

	snprintf(buf, sizeof(buf), "%s:%d: %s", file, line, msg);
	if (c->nwarn < 64)
		c->warns[c->nwarn++] = strdup(buf);
}

static void
coll_clear(struct coll *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->lines[i]);
	for (int i = 0; i < c->nwarn; i++)
		free(c->warns[i]);
	free(c->wire);
	memset(c, 0, sizeof(*c));
}

/* Writes `text` to tmpdir/rel (folders made as needed); returns the path
 * in a static buffer. */
static const char *
put_file(const char *rel, const char *text)
{
	static char path[1024];
	char dir[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	for (char *s = strchr(path + strlen(tmpdir) + 1, '/'); s != NULL;
	     s = strchr(s + 1, '/')) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(s - path), path);
		mkdir(dir, 0700);
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Reads `text` as tmpdir/rel for example.org. */
static int
read_text(struct coll *c, const char *rel, const char *text)
{
	const char *path = put_file(rel, text);

	return zonefile_read(
	    path, "example.org.", 0, collect, on_warn, c, err, sizeof(err));
}

/* The records must be exactly `want` (NULL-terminated), in order. */
static void
expect_lines(const struct coll *c, const char *const *want)
{
	int i;

	for (i = 0; want[i] != NULL; i++) {
		assert_true(i < c->n);
		assert_string_equal(c->lines[i], want[i]);
	}
	assert_int_equal(c->n, i);
}

/* Reading must fail with an error message ending in `tail` (after the
 * temp folder, so "/x.db:3: unknown type 'AAA'"). */
static void
expect_error(const char *rel, const char *text, int rc, const char *tail)
{
	struct coll c = { 0 };
	size_t el, tl = strlen(tail);

	assert_int_equal(read_text(&c, rel, text), rc);
	el = strlen(err);
	if (el < tl || strcmp(err + el - tl, tail) != 0)
		fail_msg("error '%s' does not end in '%s'", err, tail);
	assert_non_null(strstr(err, tmpdir));
	coll_clear(&c);
}

static bool
has_warning(const struct coll *c, const char *part)
{
	for (int i = 0; i < c->nwarn; i++)
		if (strstr(c->warns[i], part) != NULL)
			return true;
	return false;
}

#define SOA "@ IN SOA ns hm 1 2 3 4 300\n"
#define SOA_OUT                                                                \
	"example.org.\t3600\tIN\tSOA\tns.example.org. hm.example.org. 1 2 3 "  \
	"4 300"

static void
test_basic(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = { SOA_OUT,
		"example.org.\t3600\tIN\tNS\tns.example.org.",
		"example.org.\t3600\tIN\tNS\tns.other.net.",
		"ns.example.org.\t3600\tIN\tA\t192.0.2.1",
		"www.example.org.\t60\tIN\tAAAA\t2001:db8::1",
		"mail.example.org.\t3600\tIN\tMX\t10 mx.example.org.",
		"example.org.\t3600\tIN\tMX\t20 example.org.",
		"_sip._tcp.example.org.\t3600\tIN\tSRV\t1 2 5060 "
		"sip.example.org.",
		"alias.example.org.\t3600\tIN\tCNAME\twww.example.org.",
		"example.org.\t3600\tIN\tTXT\t\"hello\"", NULL };

	(void)state;
	assert_int_equal(read_text(&c, "basic.db",
	                     "$TTL 3600\n" SOA "@ NS ns\n"
	                     "  NS ns.other.net.\n"
	                     "ns A 192.0.2.1\n"
	                     "www.example.org. 60 AAAA 2001:db8::1\n"
	                     "mail MX 10 mx\n"
	                     "@ MX 20 @\n"
	                     "_sip._tcp SRV 1 2 5060 sip\n"
	                     "alias CNAME www\n"
	                     "EXAMPLE.ORG. TXT hello\n"),
	    0);
	/* the owner's case is kept: compare the last one separately */
	assert_int_equal(c.n, 10);
	assert_string_equal(
	    c.lines[9], "EXAMPLE.ORG.\t3600\tIN\tTXT\t\"hello\"");
	free(c.lines[9]);
	c.lines[9] = strdup(want[9]);
	expect_lines(&c, want);
	assert_int_equal(c.nwarn, 0);
	coll_clear(&c);
}

static void
test_parentheses_comments(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = { "example.org.\t3600\tIN\tSOA\t"
		                            "ns.example.org. hm.example.org. "
		                            "2024010101 7200 3600 1209600 300",
		"t.example.org.\t3600\tIN\tTXT\t\"a\" \"b;c\" \"d\"",
		"k.example.org.\t3600\tIN\tTLSA\t3 1 1 "
		"0123456789abcdef0123456789abcdef",
		NULL };

	(void)state;
	assert_int_equal(read_text(&c, "paren.db",
	                     "; a comment line\n"
	                     "$TTL 1h ; default\n"
	                     "\n"
	                     "@ IN SOA ns hm ( ; open\n"
	                     "   2024010101 ; serial\n"
	                     "   2h 1h      ; refresh retry\n"
	                     "\n"
	                     "   ; a comment inside\n"
	                     "   2w 5m )    ; expire minimum\n"
	                     "t TXT (a \"b;c\"\n"
	                     " (d))\n"
	                     "k TLSA 3 1 1 ( 0123456789abcdef\n"
	                     "   0123456789abcdef )\n"),
	    0);
	expect_lines(&c, want);
	coll_clear(&c);
}

static void
test_quoting_escapes(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = {
		"t1.example.org.\t3600\tIN\tTXT\t\"a b\" \"c;d\" \"\\\"q\\\"\" "
		"\"A\"",
		"t2.example.org.\t3600\tIN\tTXT\t\"\\255\\000x\" \"\"",
		"t3.example.org.\t3600\tIN\tTXT\t\"a\" \"b\" \"c\"",
		"t4.example.org.\t3600\tIN\tTXT\t\"a\\\"b\" \"back\\\\slash\"",
		"w\\.w\\.x.example.org.\t3600\tIN\tA\t192.0.2.1",
		"a\\032b.example.org.\t3600\tIN\tCNAME\tx\\(y\\).example.org.",
		"\\@.example.org.\t3600\tIN\tTXT\t\"at\"",
		"t5.example.org.\t3600\tIN\tCAA\t0 issue \"ca;x (y)\"", NULL
	};

	(void)state;
	assert_int_equal(read_text(&c, "quote.db",
	                     "$TTL 3600\n"
	                     "t1 TXT \"a b\" c\\;d \"\\\"q\\\"\" \\065\n"
	                     "t2 TXT \"\\255\\000x\" \"\"\n"
	                     /* BIND: a quote inside a word starts a string */
	                     "t3 TXT a\"b\"c\n"
	                     "t4 TXT a\\\"b back\\\\slash\n"
	                     "w\\046w\\.x A 192.0.2.1\n"
	                     "a\\ b CNAME x\\(y\\)\n"
	                     "\\@ TXT at\n"
	                     "t5 CAA 0 issue \"ca;x (y)\"\n"),
	    0);
	expect_lines(&c, want);
	coll_clear(&c);
}

static void
test_ttl_parse(void **state)
{
	uint32_t t;

	(void)state;
	assert_int_equal(zonefile_ttl_from_str("0", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(zonefile_ttl_from_str("4294967295", &t), 0);
	assert_int_equal(t, 4294967295U);
	assert_int_equal(zonefile_ttl_from_str("1w2d3h4m5s", &t), 0);
	assert_int_equal(t, 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
	assert_int_equal(zonefile_ttl_from_str("1W2D3H4M5S", &t), 0);
	assert_int_equal(t, 788645);
	assert_int_equal(zonefile_ttl_from_str("90m", &t), 0);
	assert_int_equal(t, 5400);
	assert_int_equal(zonefile_ttl_from_str("1h1h", &t), 0);
	assert_int_equal(t, 7200);
	assert_int_equal(zonefile_ttl_from_str("", &t), ERR_FORMAT);
	assert_int_equal(zonefile_ttl_from_str("1h30", &t), ERR_FORMAT);
	assert_int_equal(zonefile_ttl_from_str("h", &t), ERR_FORMAT);
	assert_int_equal(zonefile_ttl_from_str("1y", &t), ERR_FORMAT);
	assert_int_equal(zonefile_ttl_from_str("0x10", &t), ERR_FORMAT);
	assert_int_equal(zonefile_ttl_from_str("4294967296", &t), ERR_FORMAT);
	assert_int_equal(zonefile_ttl_from_str("7102w", &t), ERR_FORMAT);
	assert_int_equal(zonefile_ttl_from_str("-1", &t), ERR_FORMAT);
}

static void
test_ttl_class_order(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = {
		"a.example.org.\t5400\tIN\tA\t192.0.2.1",
		"b.example.org.\t5400\tIN\tA\t192.0.2.2",
		"c.example.org.\t788645\tIN\tA\t192.0.2.3",
		"d.example.org.\t60\tIN\tA\t192.0.2.4",
		"e.example.org.\t120\tIN\tA\t192.0.2.5",
		"f.example.org.\t7200\tIN\tA\t192.0.2.6",
		"g.example.org.\t7200\tIN\tA\t192.0.2.7", NULL
	};

	(void)state;
	assert_int_equal(read_text(&c, "ttl.db",
	                     "$TTL 2h\n"
	                     "a IN 1h30m A 192.0.2.1\n"
	                     "b 1H30M in A 192.0.2.2\n"
	                     "c 1w2d3h4m5s A 192.0.2.3\n"
	                     "d 60 CLASS1 A 192.0.2.4\n"
	                     "e CLASS1 120 A 192.0.2.5\n"
	                     "f IN A 192.0.2.6\n"
	                     "g A 192.0.2.7\n"),
	    0);
	expect_lines(&c, want);
	coll_clear(&c);
	expect_error("ttlbad.db", "$TTL 1h\nx 1h30 A 192.0.2.1\n", ERR_FORMAT,
	    "/ttlbad.db:2: bad TTL '1h30'");
	expect_error("ttlbad2.db", "$TTL 1x\n", ERR_FORMAT,
	    "/ttlbad2.db:1: bad TTL '1x'");
	expect_error("cls.db", "$TTL 1h\nx CH A 192.0.2.1\n", ERR_FORMAT,
	    "/cls.db:2: class CH does not match the zone's (IN)");
}

/* BIND: SOA without TTL and no $TTL: MINTTL becomes the default. */
static void
test_ttl_soa_minimum(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = { "example.org.\t300\tIN\tSOA\t"
		                            "ns.example.org. hm.example.org. "
		                            "1 2 3 4 300",
		"x.example.org.\t600\tIN\tA\t1.2.3.5",
		"y.example.org.\t300\tIN\tA\t1.2.3.6",
		"z.example.org.\t700\tIN\tA\t1.2.3.6",
		"w.example.org.\t800\tIN\tA\t1.2.3.6",
		"v.example.org.\t700\tIN\tA\t1.2.3.6", NULL };

	(void)state;
	assert_int_equal(read_text(&c, "t6.db",
	                     SOA "x 600 IN A 1.2.3.5\n"
	                         "y IN A 1.2.3.6\n"
	                         "$TTL 700\n"
	                         "z IN A 1.2.3.6\n"
	                         "w 800 IN A 1.2.3.6\n"
	                         "v IN A 1.2.3.6\n"),
	    0);
	expect_lines(&c, want);
	assert_true(has_warning(&c, "/t6.db:1: no TTL specified; using SOA"));
	coll_clear(&c);
}

/* BIND: no $TTL, explicit TTLs: the last one applies (RFC 1035). */
static void
test_ttl_previous(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = { "example.org.\t100\tIN\tSOA\t"
		                            "ns.example.org. hm.example.org. "
		                            "1 2 3 4 300",
		"ns.example.org.\t100\tIN\tA\t1.2.3.4",
		"x.example.org.\t600\tIN\tA\t1.2.3.5",
		"y.example.org.\t600\tIN\tA\t1.2.3.6", NULL };

	(void)state;
	assert_int_equal(read_text(&c, "t5.db",
	                     "@ 100 IN SOA ns hm 1 2 3 4 300\n"
	                     "ns IN A 1.2.3.4\n"
	                     "x 600 IN A 1.2.3.5\n"
	                     "y IN A 1.2.3.6\n"),
	    0);
	expect_lines(&c, want);
	coll_clear(&c);
	/* BIND rejects this zone: no TTL for the first record */
	expect_error("t2.db", "ns IN A 1.2.3.4\n" SOA, ERR_FORMAT,
	    "/t2.db:1: no TTL specified and no $TTL or previous TTL");
}

static void
test_ttl_clamp(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = {
		"big.example.org.\t0\tIN\tA\t1.1.1.1",
		"big2.example.org.\t0\tIN\tA\t1.1.1.1",
		"ok.example.org.\t2147483647\tIN\tA\t1.1.1.1",
		"d.example.org.\t0\tIN\tA\t1.1.1.1", NULL
	};

	(void)state;
	assert_int_equal(read_text(&c, "clamp.db",
	                     "big 4294967295 IN A 1.1.1.1\n"
	                     "big2 2147483648 IN A 1.1.1.1\n"
	                     "ok 2147483647 IN A 1.1.1.1\n"
	                     "$TTL 3000000000\n"
	                     "d A 1.1.1.1\n"),
	    0);
	expect_lines(&c, want);
	assert_int_equal(c.nwarn, 3);
	assert_true(has_warning(&c, "/clamp.db:1: TTL 4294967295 > "));
	coll_clear(&c);
}

static void
test_blank_owner_and_origin(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = {
		"k.example.org.\t3600\tIN\tA\t1.1.1.1",
		"k.example.org.\t3600\tIN\tTXT\t\"x\"",
		"k.example.org.\t3600\tIN\tA\t1.1.1.2",
		"l.sub.example.org.\t3600\tIN\tA\t1.1.1.3",
		"sub.example.org.\t3600\tIN\tNS\tns.sub.example.org.",
		"m.deep.sub.example.org.\t3600\tIN\tA\t1.1.1.4",
		"n.example.org.\t3600\tIN\tCNAME\tm.deep.sub.example.org.", NULL
	};

	(void)state;
	assert_int_equal(read_text(&c, "origin.db",
	                     "$TTL 3600\n"
	                     "k A 1.1.1.1\n"
	                     "\tTXT x\n"
	                     "$ORIGIN sub\n"
	                     "  A 1.1.1.2\n"
	                     "l A 1.1.1.3\n"
	                     "@ NS ns\n"
	                     "$origin deep.sub.example.org.\n"
	                     "m A 1.1.1.4\n"
	                     "$ORIGIN example.org.\n"
	                     "n CNAME m.deep.sub\n"),
	    0);
	expect_lines(&c, want);
	assert_true(
	    has_warning(&c, "/origin.db:5: record with inherited owner"));
	coll_clear(&c);
	expect_error("noowner.db", "$TTL 1h\n  A 1.1.1.1\n", ERR_FORMAT,
	    "/noowner.db:2: no current owner name");
	expect_error("badorigin.db", "$ORIGIN a..b\n", ERR_FORMAT,
	    "/badorigin.db:1: bad $ORIGIN 'a..b'");
	expect_error("baddir.db", "$FOO bar\n", ERR_FORMAT,
	    "/baddir.db:1: unknown directive '$FOO'");
}

static void
test_include(void **state)
{
	struct coll c = { 0 };
	char text[2048];
	const char *abs;
	static const char *const want[] = {
		"www.example.org.\t3600\tIN\tA\t1.1.1.1",
		"a.sub.example.org.\t3600\tIN\tA\t3.3.3.3",
		"a.sub.example.org.\t3600\tIN\tA\t3.3.3.4",
		"in.deeper.sub.example.org.\t3600\tIN\tA\t6.6.6.6",
		"c.sub.example.org.\t3600\tIN\tA\t3.3.3.5",
		"www.example.org.\t3600\tIN\tA\t2.2.2.2",
		"q.example.org.\t3600\tIN\tA\t7.7.7.7",
		"abs.example.org.\t3600\tIN\tA\t8.8.8.8",
		"abs.example.org.\t3600\tIN\tA\t2.2.2.3", NULL
	};

	(void)state;
	/* relative includes are looked up next to the including file */
	put_file("z/inc/one.db", "a IN A 3.3.3.3\n"
	                         "  IN A 3.3.3.4\n"
	                         "$INCLUDE two.db deeper\n"
	                         "$ORIGIN other.example.\n"
	                         "b IN A 4.4.4.4\n"
	                         "$ORIGIN sub.example.org.\n"
	                         "c A 3.3.3.5\n");
	put_file("z/inc/two.db", "in A 6.6.6.6\n");
	abs = put_file("abs.db", "  A 8.8.8.8\n");
	snprintf(text, sizeof(text),
	    "$TTL 1h\n"
	    "www IN A 1.1.1.1\n"
	    "$INCLUDE inc/one.db sub ; a comment\n"
	    "  IN A 2.2.2.2\n"
	    "$INCLUDE \"inc/q.db\"\n"
	    "abs A 8.8.8.8\n"
	    "$INCLUDE %s\n"
	    "  A 2.2.2.3\n",
	    abs);
	/* relative origin from the includer's origin; no origin: same */
	put_file("z/inc/q.db", "q A 7.7.7.7\n");
	assert_int_equal(read_text(&c, "z/main.db", text), 0);
	/* the included file's blank owner inherits "abs" */
	assert_int_equal(c.n, 10);
	assert_string_equal(
	    c.lines[8], "abs.example.org.\t3600\tIN\tA\t8.8.8.8");
	free(c.lines[8]);
	c.lines[8] = c.lines[9];
	c.n = 9;
	expect_lines(&c, want);
	assert_true(
	    has_warning(&c, "/z/inc/one.db:5: ignoring out-of-zone data "
	                    "(b.other.example.)"));
	coll_clear(&c);
}

static void
test_include_errors(void **state)
{
	char name[64], text[128];

	(void)state;
	/* the message names the resolved path */
	{
		struct coll c = { 0 };

		assert_int_equal(
		    read_text(&c, "inc1.db", "$TTL 1h\n$INCLUDE missing.db\n"),
		    ERR_IO);
		assert_non_null(strstr(err, "/inc1.db:2: cannot read $INCLUDE "
		                            "file '"));
		assert_non_null(strstr(err, "/missing.db': No such file"));
		coll_clear(&c);
	}
	expect_error("loop.db", "$TTL 1h\nx A 1.1.1.1\n$INCLUDE loop.db\n",
	    ERR_FORMAT, "/loop.db' is already being read");
	/* a chain of 18 distinct files goes past the depth limit */
	for (int i = 1; i <= 18; i++) {
		snprintf(name, sizeof(name), "chain/c%d.db", i);
		snprintf(text, sizeof(text), "x%d A 1.1.1.1\n$INCLUDE c%d.db\n",
		    i, i + 1);
		put_file(name, text);
	}
	put_file("chain/c19.db", "end A 1.1.1.1\n");
	expect_error("chain/c0.db", "$TTL 1h\n$INCLUDE c1.db\n", ERR_FORMAT,
	    "/chain/c16.db:2: $INCLUDE nested deeper than 16 levels");
	expect_error("incdev.db", "$INCLUDE /dev/null\n", ERR_INVAL,
	    "/incdev.db:1: cannot read $INCLUDE file '/dev/null': not a "
	    "regular file");
	expect_error("incargs.db", "$INCLUDE\n", ERR_FORMAT,
	    "/incargs.db:1: $INCLUDE takes a file name and an optional origin");
}

/* "BIND": these records are what named-compilezone printed. */
static void
test_generate(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = {
		"host1.example.org.\t3600\tIN\tA\t10.0.0.1",
		"host2.example.org.\t3600\tIN\tA\t10.0.0.2",
		"host3.example.org.\t3600\tIN\tA\t10.0.0.3",
		"a000.example.org.\t3600\tIN\tA\t10.1.0.10",
		"a002.example.org.\t3600\tIN\tA\t10.1.0.12",
		"b0005.0A.12.example.org.\t3600\tIN\tCNAME\tc\\$.a.0.B.0.0.",
		"b0006.0B.13.example.org.\t3600\tIN\tCNAME\tc\\$.b.0.C.0.0.",
		"w1.example.org.\t60\tIN\tMX\t10 m1.example.org.",
		"w2.example.org.\t60\tIN\tMX\t10 m2.example.org.",
		"\\$e1.example.org.\t3600\tIN\tA\t1.1.1.1",
		"\\$e2.example.org.\t3600\tIN\tA\t1.1.1.2",
		"nf.f.example.org.\t3600\tIN\tTXT\t\"v$\" \"255\"",
		"n0.0.1.example.org.\t3600\tIN\tTXT\t\"v$\" \"256\"",
		"mf.f.example.org.\t3600\tIN\tTXT\t\"v$\"",
		"of.f.example.org.\t3600\tIN\tTXT\t\"v$\"",
		"p0.a.f.example.org.\t3600\tIN\tA\t1.1.1.1",
		"r0.a.f.0.0.example.org.\t3600\tIN\tA\t1.1.1.1",
		"s1.example.org.\t3600\tIN\tA\t1.1.1.1",
		"u001.example.org.\t3600\tIN\tA\t1.1.1.1",
		"a-4.example.org.\t3600\tIN\tA\t1.1.1.1",
		"b6.example.org.\t3600\tIN\tA\t1.1.1.1",
		"r4.example.org.\t120\tIN\tPTR\thost4.example.org.", NULL
	};

	(void)state;
	assert_int_equal(
	    read_text(&c, "gen.db",
	        "$TTL 1h\n"
	        "$GENERATE 1-3 host$ A 10.0.0.$\n"
	        "$GENERATE 0-2/2 a${0,3,d} A 10.1.0.${10}\n"
	        "$GENERATE 10-11 b${-5,4,x}.${0,2,X}.${0,0,o} CNAME "
	        "c$$.${0,3,n}.${1,6,N}\n"
	        "$GENERATE 1-2 w$ 60 IN MX \"10 m$\"\n"
	        "$GENERATE 1-2 \\$e$ A 1.1.1.$\n"
	        "$GENERATE 255-256 n${0,1,n} TXT \"v\\$ $\"\n"
	        "$GENERATE 255-255 m${0,2,n} TXT v\\$\n"
	        "$GENERATE 255-255 o${0,3,n} TXT v$$\n"
	        "$GENERATE 4000-4000 p${0,5,n} A 1.1.1.1\n"
	        /* width 8 ends in a dot: absolute, out of zone */
	        "$GENERATE 4000-4000 q${0,8,n} A 1.1.1.1\n"
	        "$GENERATE 4000-4000 r${0,9,n} A 1.1.1.1\n"
	        "$GENERATE 1-1 s${0,0,n} A 1.1.1.1\n"
	        "$GENERATE 1-1 u${0,3} A 1.1.1.1\n"
	        "$GENERATE 1-1 a${-5} A 1.1.1.1\n"
	        "$GENERATE 1-1 b${+5} A 1.1.1.1\n"
	        "$GENERATE 4-4 r$ CLASS1 120 PTR host$\n"),
	    0);
	expect_lines(&c, want);
	assert_true(has_warning(&c, "/gen.db:11: ignoring out-of-zone data "
	                            "(q0.a.f.0.)"));
	coll_clear(&c);
}

static void
test_generate_errors(void **state)
{
	(void)state;
	expect_error("g1.db", "$TTL 1h\n$GENERATE 3-1 v$ A 1.1.1.1\n",
	    ERR_FORMAT, "/g1.db:2: bad $GENERATE range '3-1'");
	expect_error("g2.db", "$TTL 1h\n$GENERATE 0-65536 v$ A 1.1.1.1\n",
	    ERR_FORMAT, "/g2.db:2: $GENERATE range over 65536 records");
	expect_error("g3.db", "$TTL 1h\n$GENERATE 1-2 d${1,2,z} A 1.1.1.1\n",
	    ERR_FORMAT, "/g3.db:2: bad $GENERATE modifier or text too long");
	expect_error("g4.db", "$TTL 1h\n$GENERATE 1-2 w$ MX 10 m$\n",
	    ERR_FORMAT, "/g4.db:2: $GENERATE rhs must be one token (quote it)");
	expect_error("g5.db", "$TTL 1h\n$GENERATE 1-2 a$ A 1.1.1.${0,3,d}\n",
	    ERR_FORMAT, "/g5.db:2: bad A rdata '1.1.1.001'");
	expect_error("g6.db", "$TTL 1h\n$GENERATE 1-2/0 a$ A 1.1.1.1\n",
	    ERR_FORMAT, "/g6.db:2: bad $GENERATE range '1-2/0'");
	expect_error("g7.db", "$TTL 1h\n$GENERATE 1-2 a$ A\n", ERR_FORMAT,
	    "/g7.db:2: $GENERATE needs a range, lhs, type and rhs");
	expect_error("g8.db", "$GENERATE 1-2 a$ A 1.1.1.$\n", ERR_FORMAT,
	    "/g8.db:1: no TTL specified and no $TTL or previous TTL");
}

static void
test_rfc3597(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = {
		"g1.example.org.\t3600\tIN\tTYPE65280\t\\# 4 01020304",
		"g2.example.org.\t3600\tIN\tA\t10.0.0.1",
		"g3.example.org.\t3600\tIN\tA\t10.0.0.2",
		"g4.example.org.\t3600\tIN\tA\t10.0.0.3",
		"g5.example.org.\t3600\tIN\tTYPE65281\t\\# 0",
		"g6.example.org.\t3600\tIN\tMX\t10 A.example.",
		"g7.example.org.\t3600\tIN\tTYPE65282\t\\# 3 abcdef", NULL
	};

	(void)state;
	assert_int_equal(read_text(&c, "generic.db",
	                     "$TTL 1h\n"
	                     "g1 TYPE65280 \\# 4 01020304\n"
	                     "g2 A \\# 4 0a000001\n"
	                     "g3 TYPE1 10.0.0.2\n"
	                     "g4 CLASS1 A 10.0.0.3\n"
	                     "g5 type65281 \\# 0\n"
	                     "g6 MX \\# 13 000a 0141 076578616d706c6500\n"
	                     "g7 TYPE65282 \\# 3 ( ab\n cd EF )\n"),
	    0);
	expect_lines(&c, want);
	coll_clear(&c);
	expect_error("gen1.db", "$TTL 1h\nx TYPE65280 \\# 4 010203\n",
	    ERR_FORMAT,
	    "/gen1.db:2: \\# rdata for TYPE65280 does not have 4 "
	    "octets");
	expect_error("gen2.db", "$TTL 1h\nx TYPE65280 \\# 2 0102zz\n",
	    ERR_FORMAT, "/gen2.db:2: bad hex in \\# rdata for TYPE65280");
	expect_error("gen3.db", "$TTL 1h\nx A \\# 3 010203\n", ERR_FORMAT,
	    "/gen3.db:2: bad A rdata in \\# form");
	/* a compression pointer in generic rdata is refused */
	expect_error("gen4.db", "$TTL 1h\nx CNAME \\# 2 c000\n", ERR_FORMAT,
	    "/gen4.db:2: bad CNAME rdata in \\# form");
	expect_error("gen5.db", "$TTL 1h\nx TYPE65280 1 2 3\n", ERR_FORMAT,
	    "/gen5.db:2: type TYPE65280 needs RFC 3597 rdata (\\# len hex)");
	expect_error("gen6.db", "$TTL 1h\nx TYPE65280 \\# 70000 00\n",
	    ERR_FORMAT, "/gen6.db:2: bad \\# rdata length for TYPE65280");
	expect_error("gen7.db", "$TTL 1h\nx CLASS3 A 10.0.0.1\n", ERR_FORMAT,
	    "/gen7.db:2: class CH does not match the zone's (IN)");
}

/* Types parsed by ldns, as printed by the writer. */
static const char many_types[] =
    "$TTL 300\n"
    "@ SOA ns hm 1 2 3 4 5\n"
    "@ NS ns.example.org.\n"
    "c1 CAA 0 issue \"a;b\"\n"
    "c2 CAA 0 issue \"a(b) c\"\n"
    "t1 TLSA 3 1 1 ( 0123456789abcdef\n"
    "    0123456789ABCDEF ) ; comment\n"
    "n1 NAPTR 100 50 \"s\" \"x;y\" \"\" .\n"
    "d1 DNSKEY 256 3 8 ( AwEAAag= )\n"
    "ds DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118\n"
    "l1 LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m\n"
    "s1 SVCB 1 . alpn=h2,h3 port=443\n"
    "h1 HTTPS 1 . alpn=\"h2,h3\"\n"
    "h2 HTTPS 1 . alpn=h2 ipv4hint=1.2.3.4\n"
    "a1 APL 1:192.168.32.0/21 !1:192.168.38.0/28\n"
    "n3 NSEC3 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG\n"
    "p3 NSEC3PARAM 1 0 0 -\n"
    "n4 NSEC host.example.com. A MX RRSIG NSEC TYPE1234\n"
    "r1 RRSIG A 8 3 86400 20030322173103 20030220173103 2642 example.com. "
    "oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6"
    "oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfk"
    "GJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=\n"
    "hi HINFO \"PC\" \"Linux\"\n"
    "sp SPF \"v=spf1 -all\"\n"
    "sh SSHFP 1 1 123456789abcdef67890123456789abcdef67890\n"
    "u1 URI 10 1 \"ftp://ftp1.example.com/public\"\n"
    "dn DNAME other.example.\n"
    "rp RP @ txt\n"
    "af AFSDB 1 afs\n"
    "pt PTR @\n"
    "e1 EUI48 00-00-5e-00-53-2a\n";

static void
test_many_types(void **state)
{
	struct coll c = { 0 };
	static const char *const want[] = { "example.org.\t300\tIN\tSOA\tns."
		                            "example.org. hm.example.org. 1 2 "
		                            "3 4 5",
		"example.org.\t300\tIN\tNS\tns.example.org.",
		"c1.example.org.\t300\tIN\tCAA\t0 issue \"a;b\"",
		"c2.example.org.\t300\tIN\tCAA\t0 issue \"a(b) c\"",
		"t1.example.org.\t300\tIN\tTLSA\t3 1 1 "
		"0123456789abcdef0123456789abcdef",
		"n1.example.org.\t300\tIN\tNAPTR\t100 50 \"s\" \"x;y\" \"\" .",
		"d1.example.org.\t300\tIN\tDNSKEY\t256 3 8 AwEAAag=",
		"ds.example.org.\t300\tIN\tDS\t60485 5 1 "
		"2bb183af5f22588179a53b0a98631fad1a292118",
		"l1.example.org.\t300\tIN\tLOC\t52 22 23.000 N 04 53 32.000 E "
		"-2m "
		"0.00m 10000m 10m",
		"s1.example.org.\t300\tIN\tSVCB\t1 . alpn=h2,h3 port=443",
		"h1.example.org.\t300\tIN\tHTTPS\t1 . alpn=h2,h3",
		"h2.example.org.\t300\tIN\tHTTPS\t1 . alpn=h2 ipv4hint=1.2.3.4",
		"a1.example.org.\t300\tIN\tAPL\t1:192.168.32.0/21 "
		"!1:192.168.38.0/28",
		"n3.example.org.\t300\tIN\tNSEC3\t1 1 12 aabbccdd "
		"2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG",
		"p3.example.org.\t300\tIN\tNSEC3PARAM\t1 0 0 -",
		"n4.example.org.\t300\tIN\tNSEC\thost.example.com. A MX RRSIG "
		"NSEC "
		"TYPE1234",
		"r1.example.org.\t300\tIN\tRRSIG\tA 8 3 86400 20030322173103 "
		"20030220173103 2642 example.com. "
		"oJB1W6WNGv+"
		"ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb"
		"+v6oB9wfuh3DTJXUAfI/M0zmO/"
		"zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQb"
		"sLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=",
		"hi.example.org.\t300\tIN\tHINFO\t\"PC\" \"Linux\"",
		"sp.example.org.\t300\tIN\tSPF\t\"v=spf1 -all\"",
		"sh.example.org.\t300\tIN\tSSHFP\t1 1 "
		"123456789abcdef67890123456789abcdef67890",
		"u1.example.org.\t300\tIN\tURI\t10 1 "
		"\"ftp://ftp1.example.com/public\"",
		"dn.example.org.\t300\tIN\tDNAME\tother.example.",
		"rp.example.org.\t300\tIN\tRP\texample.org. txt.example.org.",
		"af.example.org.\t300\tIN\tAFSDB\t1 afs.example.org.",
		"pt.example.org.\t300\tIN\tPTR\texample.org.",
		"e1.example.org.\t300\tIN\tEUI48\t00-00-5e-00-53-2a", NULL };

	(void)state;
	assert_int_equal(read_text(&c, "types.db", many_types), 0);
	expect_lines(&c, want);
	coll_clear(&c);
}

static void
test_zone_checks(void **state)
{
	struct coll c = { 0 };

	(void)state;
	assert_int_equal(read_text(&c, "ooz.db",
	                     "$TTL 1h\n" SOA "a A 1.1.1.1\n"
	                     "b.example.com. A 1.1.1.2\n"
	                     "example.org.sub.example.net. A 1.1.1.3\n"
	                     "xexample.org. A 1.1.1.4\n"
	                     "A.B.EXAMPLE.ORG. A 1.1.1.5\n"),
	    0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.nwarn, 3);
	assert_true(has_warning(&c, "/ooz.db:4: ignoring out-of-zone data "
	                            "(b.example.com.)"));
	assert_true(has_warning(&c, "/ooz.db:6: ignoring out-of-zone data "
	                            "(xexample.org.)"));
	coll_clear(&c);
	expect_error("soa2.db", "$TTL 1h\n" SOA "a A 1.1.1.1\n" SOA, ERR_FORMAT,
	    "/soa2.db:4: second SOA record");
	expect_error("soa3.db", "$TTL 1h\nsub SOA ns hm 1 2 3 4 5\n",
	    ERR_FORMAT,
	    "/soa3.db:2: SOA record not at the zone origin (sub.example.org.)");
	expect_error("meta.db", "$TTL 1h\nx AXFR \\# 0\n", ERR_FORMAT,
	    "/meta.db:2: type 'AXFR' is not allowed in zone data");
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("e1.db", "$TTL 1h\n\nx AAA 1.2.3.4\n", ERR_FORMAT,
	    "/e1.db:3: unknown type 'AAA'");
	expect_error("e2.db", "$TTL 1h\nx A 1.2.3\n", ERR_FORMAT,
	    "/e2.db:2: bad A rdata '1.2.3'");
	expect_error("e3.db", "$TTL 1h\nx A 1.2.3.4 5\n", ERR_FORMAT,
	    "/e3.db:2: extra rdata for A: '5'");
	expect_error("e4.db", "$TTL 1h\nx MX 10\n", ERR_FORMAT,
	    "/e4.db:2: missing rdata fields for MX");
	expect_error("e5.db", "$TTL 1h\nx DS 1 2\n", ERR_FORMAT,
	    "/e5.db:2: bad DS rdata: Syntax error, value expected");
	expect_error("e6.db", "$TTL 1h\nx TXT ( a\n b\n", ERR_FORMAT,
	    "/e6.db:2: unbalanced parentheses");
	expect_error("e7.db", "$TTL 1h\nx TXT a )\n", ERR_FORMAT,
	    "/e7.db:2: unbalanced parentheses");
	expect_error("e8.db", "$TTL 1h\nx TXT \"abc\n\"\n", ERR_FORMAT,
	    "/e8.db:2: unterminated quoted string");
	expect_error("e9.db", "$TTL 1h\nx TXT \"abc\\\"\n", ERR_FORMAT,
	    "/e9.db:2: unterminated quoted string");
	expect_error("e10.db", "$TTL 1h\nx 1d2 A 1.2.3.4\n", ERR_FORMAT,
	    "/e10.db:2: bad TTL '1d2'");
	expect_error("e11.db", "$TTL 1h\nx..y A 1.2.3.4\n", ERR_FORMAT,
	    "/e11.db:2: bad owner name 'x..y'");
	expect_error("e12.db", "$TTL 1h\nx CNAME a\\\n", ERR_FORMAT,
	    "/e12.db:2: bad CNAME rdata 'a\\'");
	expect_error("e13.db", "$TTL 1h\nx TXT \\256\n", ERR_FORMAT,
	    "/e13.db:2: bad TXT string '\\256' (bad escape or over 255 "
	    "octets)");
	expect_error(
	    "e14.db", "$TTL 1h\nx\n", ERR_FORMAT, "/e14.db:2: missing type");
	expect_error("e15.db", "$TTL 1h\nx A\n", ERR_FORMAT,
	    "/e15.db:2: missing rdata fields for A");
	expect_error("e16.db", "$TTL 1h\nx TXT\n", ERR_FORMAT,
	    "/e16.db:2: missing rdata for TXT");
	expect_error("e17.db", "$TTL 1h\nx CAA\n", ERR_FORMAT,
	    "/e17.db:2: missing rdata for CAA");
	expect_error("e18.db", "$TTL 1h\nx SOA a b 1 2 3 4 1x\n", ERR_FORMAT,
	    "/e18.db:2: bad SOA rdata '1x'");
	expect_error("e19.db", "$TTL 1h\nx A \"1.2.3.4\"\n", ERR_FORMAT,
	    "/e19.db:2: bad A rdata '1.2.3.4'");
}

static void
test_text_limits(void **state)
{
	struct coll c = { 0 };
	char *big;
	size_t n = ZONEFILE_MAX_LINE + 10;

	(void)state;
	/* a TXT string of 256 octets is too long; 255 is fine */
	big = malloc(n + 64);
	assert_non_null(big);
	strcpy(big, "$TTL 1h\nx TXT ");
	memset(big + strlen(big), 'a', 255);
	strcpy(big + 14 + 255, "\n");
	assert_int_equal(read_text(&c, "l1.db", big), 0);
	assert_int_equal(c.n, 1);
	coll_clear(&c);
	strcpy(big + 14 + 255, "a\n");
	expect_error("l2.db", big, ERR_FORMAT,
	    " (bad escape or over 255 "
	    "octets)");
	/* line length cap */
	strcpy(big, "$TTL 1h\nx TXT ");
	memset(big + 14, 'b', n);
	strcpy(big + 14 + n, "\n");
	expect_error("l3.db", big, ERR_FORMAT,
	    "/l3.db:2: line too long (over 65536 octets)");
	free(big);
	/* NUL in the text */
	assert_int_equal(
	    zonefile_read_mem("$TTL 1h\nx A 1.1.1.1\0\n", 20, "m",
	        "example.org", 0, collect, on_warn, &c, err, sizeof(err)),
	    ERR_FORMAT);
	assert_string_equal(err, "m:2: NUL character in text");
	coll_clear(&c);
}

static void
test_mem_and_callback(void **state)
{
	struct coll c = { 0 };
	static const char text[] = "$TTL 1h\r\nx A 1.1.1.1\r\n"
	                           "y A 1.1.1.2\r\nz A 1.1.1.3";
	static const char *const want[] = {
		"x.example.org.\t3600\tIN\tA\t1.1.1.1",
		"y.example.org.\t3600\tIN\tA\t1.1.1.2",
		"z.example.org.\t3600\tIN\tA\t1.1.1.3", NULL
	};

	(void)state;
	/* CRLF and no final newline */
	assert_int_equal(
	    zonefile_read_mem(text, strlen(text), "mem", "example.org", 0,
	        collect, on_warn, &c, err, sizeof(err)),
	    0);
	expect_lines(&c, want);
	coll_clear(&c);
	c.stop_after = 2;
	assert_int_equal(
	    zonefile_read_mem(text, strlen(text), "mem", "example.org", 0,
	        collect, on_warn, &c, err, sizeof(err)),
	    99);
	assert_int_equal(c.n, 2);
	assert_non_null(strstr(err, "mem:3: "));
	coll_clear(&c);
	/* other class; a NULL callback and error buffer are fine */
	assert_int_equal(
	    zonefile_read_mem("$TTL 1h\nx CH TXT a\n", 19, "ch", "example.org",
	        CLASS_CH, NULL, NULL, NULL, NULL, 0),
	    0);
	assert_int_equal(zonefile_read_mem("", 0, "empty", "example.org", 0,
	                     collect, on_warn, &c, err, sizeof(err)),
	    0);
	assert_int_equal(c.n, 0);
	assert_int_equal(zonefile_read_mem("", 0, "bad", "a..b", 0, collect,
	                     on_warn, &c, err, sizeof(err)),
	    ERR_INVAL);
	assert_int_equal(zonefile_read(tmpdir, "example.org", 0, collect,
	                     on_warn, &c, err, sizeof(err)),
	    ERR_INVAL);
	assert_int_equal(zonefile_read("/nonexistent/zone.db", "example.org", 0,
	                     collect, on_warn, &c, err, sizeof(err)),
	    ERR_IO);
	assert_string_equal(err, "/nonexistent/zone.db: cannot read "
	                         "'/nonexistent/zone.db': No such file or "
	                         "directory");
	coll_clear(&c);
}

static void
test_writer(void **state)
{
	static const uint8_t owner[] = { 1, 'a', 0 };
	static const uint8_t bad_a[] = { 1, 2, 3 };
	static const uint8_t txt[] = { 3, 'a', '"', 0x01, 0 };
	static const uint8_t ptr[] = { 0xc0, 0x0c };
	struct zf_rr rr = { owner, TYPE_A, CLASS_IN, 60, bad_a, 3, "x", 1 };
	char buf[256];

	(void)state;
	assert_int_equal(zonefile_rr_to_text(&rr, buf, sizeof(buf)),
	    (int)strlen("a.\t60\tIN\tA\t\\# 3 010203"));
	assert_string_equal(buf, "a.\t60\tIN\tA\t\\# 3 010203");
	rr.type = TYPE_TXT;
	rr.rdata = txt;
	rr.rdlen = sizeof(txt);
	zonefile_rr_to_text(&rr, buf, sizeof(buf));
	assert_string_equal(buf, "a.\t60\tIN\tTXT\t\"a\\\"\\001\" \"\"");
	rr.type = TYPE_CNAME;
	rr.rdata = ptr;
	rr.rdlen = sizeof(ptr);
	zonefile_rr_to_text(&rr, buf, sizeof(buf));
	assert_string_equal(buf, "a.\t60\tIN\tCNAME\t\\# 2 c00c");
	rr.type = 99; /* SPF, empty */
	rr.rdlen = 0;
	zonefile_rr_to_text(&rr, buf, sizeof(buf));
	assert_string_equal(buf, "a.\t60\tIN\tSPF\t\\# 0");
	rr.type = 65280;
	rr.rclass = 9;
	zonefile_rr_to_text(&rr, buf, sizeof(buf));
	assert_string_equal(buf, "a.\t60\tCLASS9\tTYPE65280\t\\# 0");
	assert_int_equal(zonefile_rr_to_text(&rr, buf, 8), ERR_SPACE);
	assert_int_equal(
	    zonefile_rdata_to_text(TYPE_A, bad_a + 0, 0, buf, 1), ERR_SPACE);
	assert_int_equal(
	    zonefile_rdata_to_text(TYPE_CNAME, owner, 3, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "a.");
}

/* Everything read, written with zonefile_rr_to_text, read again: the
 * same wire records. */
static void
test_round_trip(void **state)
{
	struct coll a = { 0 }, b = { 0 };
	size_t len = 0, cap = 65536;
	char *text = malloc(cap);
	char big[1200];

	(void)state;
	assert_non_null(text);
	text[0] = '\0';
	assert_int_equal(read_text(&a, "rt1.db", many_types), 0);
	/* plus names and strings that need escapes, generic types, a
	 * 255-octet owner and a long TXT record */
	memset(big, 0, sizeof(big));
	for (int i = 0; i < 4; i++)
		strcat(big, i < 3
		                ? "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq"
		                  "rstuvwxyzabcdefghijk."
		                : "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq"
		                  "rstuvw.example.org.");
	snprintf(text, cap,
	    "$TTL 1h\n"
	    "w\\000\\.\\\"\\;\\(x\\@\\$\\ \\255 TXT \"\\000\\\\\\\"\\255 "
	    ";()\"\n"
	    "%s A 1.2.3.4\n"
	    "g TYPE65280 \\# 5 0001020304\n"
	    "g2 TYPE65280 \\# 0\n"
	    "x CAA 128 tbs \"\\\"\\;\"\n"
	    "x NAPTR 1 2 \"a\\\"b\" \"\" \"!^.*$!sip:\\\\1@x!\" .\n"
	    "y WKS 192.0.2.1 6 25 80\n",
	    big);
	len = strlen(text);
	assert_int_equal(zonefile_read_mem(text, len, "rt2", "example.org.", 0,
	                     collect, on_warn, &a, err, sizeof(err)),
	    0);
	text[0] = '\0';
	len = 0;
	for (int i = 0; i < a.n; i++) {
		size_t n = strlen(a.lines[i]);

		assert_true(len + n + 2 < cap);
		memcpy(text + len, a.lines[i], n);
		len += n;
		text[len++] = '\n';
	}
	assert_int_equal(zonefile_read_mem(text, len, "rt3", "example.org.", 0,
	                     collect, on_warn, &b, err, sizeof(err)),
	    0);
	assert_int_equal(a.n, b.n);
	for (int i = 0; i < a.n; i++)
		assert_string_equal(a.lines[i], b.lines[i]);
	assert_int_equal(a.wlen, b.wlen);
	assert_memory_equal(a.wire, b.wire, a.wlen);
	assert_int_equal(a.nwarn, 0);
	coll_clear(&a);
	coll_clear(&b);
	free(text);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_parentheses_comments),
		cmocka_unit_test(test_quoting_escapes),
		cmocka_unit_test(test_ttl_parse),
		cmocka_unit_test(test_ttl_class_order),
		cmocka_unit_test(test_ttl_soa_minimum),
		cmocka_unit_test(test_ttl_previous),
		cmocka_unit_test(test_ttl_clamp),
		cmocka_unit_test(test_blank_owner_and_origin),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_errors),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_generate_errors),
		cmocka_unit_test(test_rfc3597),
		cmocka_unit_test(test_many_types),
		cmocka_unit_test(test_zone_checks),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_text_limits),
		cmocka_unit_test(test_mem_and_callback),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
