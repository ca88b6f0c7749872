/* server/tests/test_corefile.c - Corefile parser and dispenser tests */
#include "config.h"

#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/corefile.h"
#include "common/err.h"

static char tmpdir[64];
static char errbuf[1024];

static struct corefile *
parse(const char *text)
{
	return corefile_parse_string(
	    text, strlen(text), "Corefile", tmpdir, 53, errbuf, sizeof(errbuf));
}

/* Parses `text`, expecting an error whose message is exactly `msg`. */
static void
expect_error(const char *text, const char *msg)
{
	struct corefile *cf = parse(text);

	if (cf != NULL)
		fail_msg("parsed, expected error: %s", msg);
	assert_string_equal(errbuf, msg);
}

static void
write_file(const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void
make_dir(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_corefile.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *
tok(const struct cf_block *b, size_t d, size_t t)
{
	assert_true(d < b->ndirs);
	assert_true(t < b->dirs[d].ntokens);
	return b->dirs[d].tokens[t].text;
}

static void
test_basic(void **state)
{
	struct corefile *cf;
	const struct cf_block *b;

	(void)state;
	cf = parse(". {\n"
	           "\twhoami\n"
	           "\tlog stdout {\n"
	           "\t\tclass all\n"
	           "\t}\n"
	           "\terrors\n"
	           "}\n");
	assert_non_null(cf);
	assert_int_equal(cf->nblocks, 1);
	b = &cf->blocks[0];
	assert_int_equal(b->nkeys, 1);
	assert_string_equal(b->keys[0].zone, ".");
	assert_int_equal(b->keys[0].port, 53);
	assert_int_equal(b->keys[0].scheme, CF_DNS);
	assert_string_equal(b->keys[0].file, "Corefile");
	assert_int_equal(b->keys[0].line, 1);
	assert_int_equal(b->line, 1);
	assert_int_equal(b->ndirs, 3);
	assert_int_equal(b->dirs[0].ntokens, 1);
	assert_string_equal(tok(b, 0, 0), "whoami");
	assert_int_equal(b->dirs[0].tokens[0].line, 2);
	assert_int_equal(b->dirs[1].ntokens, 6);
	assert_string_equal(tok(b, 1, 0), "log");
	assert_string_equal(tok(b, 1, 2), "{");
	assert_string_equal(tok(b, 1, 4), "all");
	assert_int_equal(b->dirs[1].tokens[4].line, 4);
	assert_string_equal(tok(b, 1, 5), "}");
	assert_string_equal(tok(b, 2, 0), "errors");
	assert_int_equal(cf->nfiles, 0);
	corefile_free(cf);
	corefile_free(NULL);
}

static void
test_multiple_blocks_and_keys(void **state)
{
	struct corefile *cf;

	(void)state;
	cf = parse("example.org Example.NET:1053 {\n whoami\n}\n"
	           "a.org, b.org,\n c.org {\n log\n}\n"
	           "d.org,e.org\n{\n}\n");
	assert_non_null(cf);
	assert_int_equal(cf->nblocks, 3);
	assert_int_equal(cf->blocks[0].nkeys, 2);
	assert_string_equal(cf->blocks[0].keys[0].zone, "example.org.");
	assert_int_equal(cf->blocks[0].keys[0].port, 53);
	assert_string_equal(cf->blocks[0].keys[1].zone, "example.net.");
	assert_int_equal(cf->blocks[0].keys[1].port, 1053);
	assert_int_equal(cf->blocks[1].nkeys, 3);
	assert_string_equal(cf->blocks[1].keys[0].zone, "a.org.");
	assert_string_equal(cf->blocks[1].keys[1].zone, "b.org.");
	assert_string_equal(cf->blocks[1].keys[2].zone, "c.org.");
	assert_int_equal(cf->blocks[1].keys[2].line, 5);
	assert_int_equal(cf->blocks[1].line, 4);
	assert_int_equal(cf->blocks[1].ndirs, 1);
	assert_int_equal(cf->blocks[2].nkeys, 2);
	assert_string_equal(cf->blocks[2].keys[1].zone, "e.org.");
	assert_int_equal(cf->blocks[2].ndirs, 0);
	corefile_free(cf);
}

static void
test_scheme_port(void **state)
{
	struct corefile *cf;
	const struct cf_block *b;

	(void)state;
	cf = parse("tls://example.org:853 dns://.:1053 DNS://Foo.Bar. :5353 "
	           "dns://:54 dns:// example.com.:0053 {\n}\n");
	assert_non_null(cf);
	b = &cf->blocks[0];
	assert_int_equal(b->nkeys, 7);
	assert_int_equal(b->keys[0].scheme, CF_TLS);
	assert_string_equal(b->keys[0].zone, "example.org.");
	assert_int_equal(b->keys[0].port, 853);
	assert_int_equal(b->keys[1].scheme, CF_DNS);
	assert_string_equal(b->keys[1].zone, ".");
	assert_int_equal(b->keys[1].port, 1053);
	assert_string_equal(b->keys[2].zone, "foo.bar.");
	assert_int_equal(b->keys[2].port, 53);
	assert_string_equal(b->keys[3].zone, ".");
	assert_int_equal(b->keys[3].port, 5353);
	assert_string_equal(b->keys[4].zone, ".");
	assert_int_equal(b->keys[4].port, 54);
	assert_string_equal(b->keys[5].zone, ".");
	assert_string_equal(b->keys[6].zone, "example.com.");
	assert_int_equal(b->keys[6].port, 53);
	corefile_free(cf);
}

static void
test_tls_default_port(void **state)
{
	struct corefile *cf;

	(void)state;
	/* tls:// without a port is DNS over TLS's 853, as in CoreDNS */
	cf = parse("tls://example.org tls://. {\n}\n");
	assert_non_null(cf);
	assert_int_equal(cf->blocks[0].keys[0].port, 853);
	assert_int_equal(cf->blocks[0].keys[1].port, 853);
	corefile_free(cf);
}

static void
test_default_port(void **state)
{
	struct corefile *cf;

	(void)state;
	cf = corefile_parse_string(
	    ". :8053 {\n}\n", 12, "x", NULL, 1053, errbuf, sizeof(errbuf));
	assert_non_null(cf);
	assert_int_equal(cf->blocks[0].keys[0].port, 1053);
	assert_int_equal(cf->blocks[0].keys[1].port, 8053);
	corefile_free(cf);
}

static void
test_key_errors(void **state)
{
	(void)state;
	expect_error(".:0 {\n}\n",
	    "Corefile:1 - Error during parsing: invalid port '0' in key .:0");
	expect_error("\n.:65536 {\n}\n", "Corefile:2 - Error during parsing: "
	                                 "invalid port '65536' in key .:65536");
	expect_error("a.org:999999 {\n}\n",
	    "Corefile:1 - Error during parsing: invalid port '999999' in "
	    "key a.org:999999");
	expect_error("a.org: {\n}\n",
	    "Corefile:1 - Error during parsing: expecting a port after the "
	    "last colon: a.org:");
	expect_error("a.org:abc {\n}\n",
	    "Corefile:1 - Error during parsing: zone is not a valid domain "
	    "name: a.org:abc");
	expect_error("https://a.org {\n}\n",
	    "Corefile:1 - Error during parsing: unsupported scheme "
	    "'https://' in key https://a.org");
	expect_error("a.org,\ngrpc://b.org {\n}\n",
	    "Corefile:2 - Error during parsing: unsupported scheme 'grpc://' "
	    "in key grpc://b.org");
	expect_error("a..org {\n}\n",
	    "Corefile:1 - Error during parsing: "
	    "zone is not a valid domain name: a..org");
	expect_error("10.0.0.0/33 {\n}\n",
	    "Corefile:1 - Error during parsing: invalid CIDR 10.0.0.0/33");
	expect_error("2001:db8::/129 {\n}\n",
	    "Corefile:1 - Error during parsing: invalid CIDR 2001:db8::/129");
	expect_error("10.0.0.0/x {\n}\n",
	    "Corefile:1 - Error during parsing: invalid CIDR 10.0.0.0/x");
	expect_error(
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaa.org {\n}\n",
	    "Corefile:1 - Error during parsing: zone is not a valid domain "
	    "name: "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaa.org");
}

/* The zones of the single block of `text`, joined with spaces. */
static void
expect_zones(const char *text, const char *zones)
{
	struct corefile *cf = parse(text);
	char buf[4096] = "";
	size_t i;

	if (cf == NULL)
		fail_msg("%s: %s", text, errbuf);
	assert_int_equal(cf->nblocks, 1);
	for (i = 0; i < cf->blocks[0].nkeys; i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, cf->blocks[0].keys[i].zone);
	}
	assert_string_equal(buf, zones);
	corefile_free(cf);
}

static void
test_cidr(void **state)
{
	(void)state;
	expect_zones("10.0.0.0/8 {\n}", "10.in-addr.arpa.");
	expect_zones("172.16.0.0/16 {\n}", "16.172.in-addr.arpa.");
	expect_zones("10.0.0.0/24 {\n}", "0.0.10.in-addr.arpa.");
	expect_zones("10.0.0.1/24:1053 {\n}", "0.0.10.in-addr.arpa.");
	expect_zones("10.0.0.0/22 {\n}",
	    "0.0.10.in-addr.arpa. 1.0.10.in-addr.arpa. 2.0.10.in-addr.arpa. "
	    "3.0.10.in-addr.arpa.");
	expect_zones("10.0.4.0/22 {\n}",
	    "4.0.10.in-addr.arpa. 5.0.10.in-addr.arpa. 6.0.10.in-addr.arpa. "
	    "7.0.10.in-addr.arpa.");
	expect_zones("192.0.2.1/32 {\n}", "1.2.0.192.in-addr.arpa.");
	expect_zones("0.0.0.0/0 {\n}", "in-addr.arpa.");
	expect_zones("2001:db8::/32 {\n}", "8.b.d.0.1.0.0.2.ip6.arpa.");
	expect_zones("2001:db8::/31 {\n}",
	    "8.b.d.0.1.0.0.2.ip6.arpa. 9.b.d.0.1.0.0.2.ip6.arpa.");
	expect_zones("dns://2001:db8::/30:53 {\n}",
	    "8.b.d.0.1.0.0.2.ip6.arpa. 9.b.d.0.1.0.0.2.ip6.arpa. "
	    "a.b.d.0.1.0.0.2.ip6.arpa. b.b.d.0.1.0.0.2.ip6.arpa.");
	expect_zones(
	    "0/25.2.0.192.in-addr.arpa {\n}", "0/25.2.0.192.in-addr.arpa.");
}

static void
test_cidr_25(void **state)
{
	struct corefile *cf;

	(void)state;
	cf = parse("10.0.0.128/25 {\n}");
	assert_non_null(cf);
	assert_int_equal(cf->blocks[0].nkeys, 128);
	assert_string_equal(
	    cf->blocks[0].keys[0].zone, "128.0.0.10.in-addr.arpa.");
	assert_string_equal(
	    cf->blocks[0].keys[127].zone, "255.0.0.10.in-addr.arpa.");
	corefile_free(cf);
	cf = parse("10.0.0.0/1 {\n}");
	assert_non_null(cf);
	assert_int_equal(cf->blocks[0].nkeys, 128);
	assert_string_equal(cf->blocks[0].keys[127].zone, "127.in-addr.arpa.");
	corefile_free(cf);
}

static void
test_env(void **state)
{
	struct corefile *cf;
	const struct cf_block *b;

	(void)state;
	setenv("CF_TEST_ZONE", "Example.ORG", 1);
	setenv("CF_TEST_ARG", "hello world", 1);
	unsetenv("CF_TEST_UNSET");
	cf = parse(
	    "{$CF_TEST_ZONE}:{$CF_TEST_PORT_UNSET}1053 {\n"
	    "\tlog {%CF_TEST_ARG%} x{$CF_TEST_UNSET}y \"q{$CF_TEST_ARG}\"\n"
	    "\tfoo {$CF_TEST_ARG {%nope}\n"
	    "}\n");
	assert_non_null(cf);
	b = &cf->blocks[0];
	assert_string_equal(b->keys[0].zone, "example.org.");
	assert_int_equal(b->keys[0].port, 1053);
	assert_string_equal(tok(b, 0, 1), "hello world");
	assert_string_equal(tok(b, 0, 2), "xy");
	assert_string_equal(tok(b, 0, 3), "qhello world");
	assert_string_equal(tok(b, 1, 1), "{$CF_TEST_ARG");
	assert_string_equal(tok(b, 1, 2), "{%nope}");
	corefile_free(cf);
}

static void
test_quoted(void **state)
{
	struct corefile *cf;
	const struct cf_block *b;

	(void)state;
	cf = parse(". {\n"
	           "\tchaos \"CoreDNS C\" \"say \\\"hi\\\"\" \"a\\\\b\" \"\"\n"
	           "\ttxt \"two\nlines\" same\n"
	           "\tnext \"{\" x\"y\"\n"
	           "}\n");
	assert_non_null(cf);
	b = &cf->blocks[0];
	assert_int_equal(b->ndirs, 3);
	assert_int_equal(b->dirs[0].ntokens, 5);
	assert_string_equal(tok(b, 0, 1), "CoreDNS C");
	assert_true(b->dirs[0].tokens[1].quoted);
	assert_false(b->dirs[0].tokens[0].quoted);
	assert_string_equal(tok(b, 0, 2), "say \"hi\"");
	assert_string_equal(tok(b, 0, 3), "a\\\\b");
	assert_string_equal(tok(b, 0, 4), "");
	/* a token after a multi-line one, on its last line, is an argument */
	assert_int_equal(b->dirs[1].ntokens, 3);
	assert_string_equal(tok(b, 1, 1), "two\nlines");
	assert_int_equal(b->dirs[1].tokens[1].line, 3);
	assert_int_equal(b->dirs[1].tokens[2].line, 4);
	assert_int_equal(b->dirs[2].tokens[0].line, 5);
	/* a quoted brace is a plain token */
	assert_int_equal(b->dirs[2].ntokens, 3);
	assert_string_equal(tok(b, 2, 1), "{");
	assert_string_equal(tok(b, 2, 2), "x\"y\"");
	corefile_free(cf);
}

static void
test_comments(void **state)
{
	struct corefile *cf;
	const struct cf_block *b;

	(void)state;
	cf = parse("# leading comment\n"
	           ". { # after brace\n"
	           "\t# whole line\n"
	           "\twhoami # trailing\n"
	           "\tlog foo#bar \"#q\"\n"
	           "}\n# end");
	assert_non_null(cf);
	b = &cf->blocks[0];
	assert_int_equal(b->line, 2);
	assert_int_equal(b->ndirs, 2);
	assert_int_equal(b->dirs[0].ntokens, 1);
	assert_int_equal(b->dirs[0].tokens[0].line, 4);
	assert_int_equal(b->dirs[1].ntokens, 3);
	assert_string_equal(tok(b, 1, 1), "foo#bar");
	assert_string_equal(tok(b, 1, 2), "#q");
	corefile_free(cf);

	cf = parse("# only\n  # comments\n\n");
	assert_non_null(cf);
	assert_int_equal(cf->nblocks, 0);
	corefile_free(cf);
	cf = parse("");
	assert_non_null(cf);
	assert_int_equal(cf->nblocks, 0);
	corefile_free(cf);
}

static void
test_no_braces(void **state)
{
	struct corefile *cf;

	(void)state;
	cf = parse("example.org\nwhoami\nlog stdout\n");
	assert_non_null(cf);
	assert_int_equal(cf->nblocks, 1);
	assert_string_equal(cf->blocks[0].keys[0].zone, "example.org.");
	assert_int_equal(cf->blocks[0].ndirs, 2);
	assert_string_equal(tok(&cf->blocks[0], 1, 1), "stdout");
	corefile_free(cf);
	cf = parse("example.org:1053");
	assert_non_null(cf);
	assert_int_equal(cf->nblocks, 1);
	assert_int_equal(cf->blocks[0].ndirs, 0);
	corefile_free(cf);
	/* `{` on the line after the keys or after a directive (Caddy) */
	cf = parse("a.org\n{\n\tlog\n\t{\n\t\tclass all\n\t}\n\twhoami\n}\n");
	assert_non_null(cf);
	assert_int_equal(cf->blocks[0].ndirs, 2);
	assert_int_equal(cf->blocks[0].dirs[0].ntokens, 5);
	corefile_free(cf);
}

static void
test_snippets(void **state)
{
	struct corefile *cf;
	const struct cf_block *b;

	(void)state;
	cf = parse("(common) {\n"
	           "\terrors\n"
	           "\tlog {\n\t\tclass error\n\t}\n"
	           "}\n"
	           "(keys) {\n"
	           "\tb.org c.org\n"
	           "}\n"
	           "a.org {\n"
	           "\twhoami\n"
	           "\timport common\n"
	           "\tchaos\n"
	           "}\n"
	           "import keys\n"
	           "{\n"
	           "\timport common\n"
	           "}\n");
	assert_non_null(cf);
	assert_int_equal(cf->nblocks, 2);
	b = &cf->blocks[0];
	assert_int_equal(b->ndirs, 4);
	assert_string_equal(tok(b, 0, 0), "whoami");
	assert_string_equal(tok(b, 1, 0), "errors");
	assert_int_equal(b->dirs[1].tokens[0].line, 2);
	assert_string_equal(tok(b, 2, 0), "log");
	assert_int_equal(b->dirs[2].ntokens, 5);
	assert_string_equal(tok(b, 3, 0), "chaos");
	b = &cf->blocks[1];
	assert_int_equal(b->nkeys, 2);
	assert_string_equal(b->keys[0].zone, "b.org.");
	assert_int_equal(b->keys[0].line, 8);
	assert_int_equal(b->ndirs, 2);
	corefile_free(cf);

	/* a snippet importing another */
	cf = parse("(a) {\n\twhoami\n}\n(b) {\n\timport a\n\tlog\n}\n"
	           ". {\n\timport b\n}\n");
	assert_non_null(cf);
	assert_int_equal(cf->blocks[0].ndirs, 2);
	corefile_free(cf);

	expect_error("(a) {\n}\n(a) {\n}\n",
	    "Corefile:3 - Error during parsing: redeclaration of previously "
	    "declared snippet a");
	expect_error("(a)\nwhoami\n", "Corefile:1 - Error during parsing: "
	                              "expected '{' after snippet (a)");
	expect_error("() {\n}\n",
	    "Corefile:1 - Error during parsing: empty snippet name");
	expect_error("(a) {\n\twhoami\n",
	    "Corefile:2 - Error during parsing: unexpected EOF in snippet a");
	expect_error("(a) {\n\timport a\n}\n. {\n\timport a\n}\n",
	    "Corefile:2 - Error during parsing: import cycle: snippet 'a'");
	expect_error("(a) {\n\timport b\n}\n(b) {\n\timport a\n}\n"
	             ". {\n\timport a\n}\n",
	    "Corefile:5 - Error during parsing: import cycle: snippet 'a'");
}

static void
test_import_files(void **state)
{
	struct corefile *cf;
	const struct cf_block *b;
	char path[256], real[PATH_MAX];

	(void)state;
	make_dir("sub");
	make_dir("sub/conf.d");
	write_file("sub/common.conf", "errors\n\nlog\n");
	write_file(
	    "sub/conf.d/b.conf", "b.org {\n\timport ../common.conf\n}\n");
	write_file("sub/conf.d/a.conf", "a.org {\n\twhoami\n}\n");
	write_file("sub/conf.d/c.txt", "this is not imported\n");
	write_file("sub/Corefile", "import conf.d/*.conf\n"
	                           ". {\n"
	                           "\timport common.conf\n"
	                           "\timport nothing/*.conf\n"
	                           "\tchaos\n"
	                           "}\n");
	snprintf(path, sizeof(path), "%s/sub/Corefile", tmpdir);
	cf = corefile_parse_file(path, 53, errbuf, sizeof(errbuf));
	if (cf == NULL)
		fail_msg("%s", errbuf);
	assert_int_equal(cf->nblocks, 3);
	assert_string_equal(cf->blocks[0].keys[0].zone, "a.org.");
	snprintf(path, sizeof(path), "%s/sub/conf.d/a.conf", tmpdir);
	assert_string_equal(cf->blocks[0].keys[0].file, path);
	assert_string_equal(cf->blocks[0].file, path);
	b = &cf->blocks[1];
	assert_string_equal(b->keys[0].zone, "b.org.");
	assert_int_equal(b->ndirs, 2);
	assert_string_equal(tok(b, 1, 0), "log");
	assert_int_equal(b->dirs[1].tokens[0].line, 3);
	snprintf(path, sizeof(path), "%s/sub/conf.d/../common.conf", tmpdir);
	assert_string_equal(b->dirs[1].tokens[0].file, path);
	b = &cf->blocks[2];
	assert_int_equal(b->ndirs, 3);
	assert_string_equal(tok(b, 2, 0), "chaos");
	assert_int_equal(b->dirs[2].tokens[0].line, 5);
	/* main file first, then imports in reading order, deduplicated */
	assert_int_equal(cf->nfiles, 4);
	snprintf(path, sizeof(path), "%s/sub/Corefile", tmpdir);
	assert_non_null(realpath(path, real));
	assert_string_equal(cf->files[0], real);
	snprintf(path, sizeof(path), "%s/sub/common.conf", tmpdir);
	assert_non_null(realpath(path, real));
	assert_string_equal(cf->files[3], real);
	corefile_free(cf);
}

static void
test_import_relative_cwd(void **state)
{
	struct corefile *cf;
	char cwd[PATH_MAX];

	(void)state;
	make_dir("rel");
	write_file("rel/Corefile", "import zones.conf\n");
	write_file("rel/zones.conf", "x.org {\n}\n");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tmpdir), 0);
	cf = corefile_parse_file("rel/Corefile", 53, errbuf, sizeof(errbuf));
	assert_int_equal(chdir(cwd), 0);
	if (cf == NULL)
		fail_msg("%s", errbuf);
	assert_int_equal(cf->nblocks, 1);
	assert_string_equal(cf->blocks[0].keys[0].file, "rel/zones.conf");
	corefile_free(cf);
}

static void
test_import_errors(void **state)
{
	char msg[1024];

	(void)state;
	make_dir("cyc");
	write_file("cyc/a.conf", "import b.conf\n");
	write_file("cyc/b.conf", "\nimport a.conf\n");
	write_file("cyc/self.conf", "x.org {\n}\nimport self.conf\n");
	write_file("cyc/bad.conf", "x.org {\n\twhoami }\n");
	snprintf(msg, sizeof(msg),
	    "%s/cyc/b.conf:2 - Error during parsing: import cycle: "
	    "%s/cyc/a.conf",
	    tmpdir, tmpdir);
	expect_error("import cyc/a.conf\n", msg);
	snprintf(msg, sizeof(msg),
	    "%s/cyc/self.conf:3 - Error during parsing: import cycle: "
	    "%s/cyc/self.conf",
	    tmpdir, tmpdir);
	expect_error("import cyc/self.conf\n", msg);
	snprintf(msg, sizeof(msg),
	    "%s/cyc/bad.conf:2 - Error during parsing: unexpected '}'", tmpdir);
	expect_error("import cyc/bad.conf\n", msg);
	expect_error(". {\n\timport missing.conf\n}\n",
	    "Corefile:2 - Error during parsing: File to import not found: "
	    "missing.conf");
	snprintf(msg, sizeof(msg),
	    "Corefile:1 - Error during parsing: Could not import %s/cyc: "
	    "Is a directory",
	    tmpdir);
	expect_error("import cyc\n", msg);
	expect_error(". {\n\timport\n}\n",
	    "Corefile:2 - Error during parsing: Wrong argument count or "
	    "unexpected line ending after 'import'");
	expect_error(". {\n\timport a b\n}\n",
	    "Corefile:2 - Error during parsing: Import takes only one "
	    "argument (glob pattern or file)");
	expect_error(". {\n\timport \"\"\n}\n",
	    "Corefile:2 - Error during parsing: Import requires a non-empty "
	    "filepath");
	expect_error("import\n",
	    "Corefile:1 - Error during parsing: Wrong argument count or "
	    "unexpected line ending after 'import'");
}

static void
test_import_depth(void **state)
{
	char name[64], body[128], msg[512];
	int i;

	(void)state;
	make_dir("deep");
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "deep/%d.conf", i);
		snprintf(body, sizeof(body), "import %d.conf\n", i + 1);
		write_file(name, body);
	}
	write_file("deep/12.conf", "x.org\n");
	snprintf(msg, sizeof(msg),
	    "%s/deep/11.conf:1 - Error during parsing: imports nested more "
	    "than 10 deep (import cycle?)",
	    tmpdir);
	expect_error("import deep/2.conf\n", msg);
	/* ten levels are fine */
	snprintf(msg, sizeof(msg), "import deep/3.conf\n");
	expect_zones(msg, "x.org.");
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error(". {\n\twhoami\n}\n}\n",
	    "Corefile:4 - Error during parsing: unexpected '}'");
	expect_error(". {\n\twhoami\n\tlog {\n\t\tclass all\n\t}\n",
	    "Corefile:5 - Error during parsing: unexpected EOF, expecting '}'");
	expect_error(". {\n\tlog {\n\t\tclass all\n",
	    "Corefile:3 - Error during parsing: unexpected EOF, expecting '}'");
	expect_error(". {\n", "Corefile:1 - Error during parsing: "
	                      "unexpected EOF, expecting '}'");
	expect_error(". {\n\twhoami }\n",
	    "Corefile:2 - Error during parsing: unexpected '}'");
	expect_error("{\n\twhoami\n}\n",
	    "Corefile:1 - Error during parsing: server block has no keys");
	expect_error("\"\" {\n}\n",
	    "Corefile:1 - Error during parsing: server block has no keys");
	expect_error(". {\n\t{\n}\n",
	    "Corefile:2 - Error during parsing: unexpected '{'");
	expect_error("a.org\nwhoami\n}\n",
	    "Corefile:3 - Error during parsing: unexpected '}'");
	expect_error(". {\n\tlog \"abc\n\n",
	    "Corefile:2 - Error during parsing: unterminated quoted token");
	expect_error("a.org,\n",
	    "Corefile:1 - Error during parsing: unexpected EOF, expecting "
	    "another key");
	expect_error("a.org, {\n}\n",
	    "Corefile:1 - Error during parsing: Expected another address but "
	    "had '{' - check for extra comma");
	expect_error(
	    "}\n", "Corefile:1 - Error during parsing: unexpected '}'");
}

static void
test_limits(void **state)
{
	struct corefile *cf;
	char *big;
	size_t n = 70 * 1024;

	(void)state;
	cf = corefile_parse_string(". {\n\tx\0y\n}\n", 12, "Corefile", NULL, 53,
	    errbuf, sizeof(errbuf));
	assert_null(cf);
	assert_string_equal(
	    errbuf, "Corefile:2 - Error during parsing: unexpected NUL byte");
	big = malloc(n + 16);
	assert_non_null(big);
	memcpy(big, ". {\nlog ", 8);
	memset(big + 8, 'a', n);
	memcpy(big + 8 + n, "\n}\n", 4);
	expect_error(big, "Corefile:2 - Error during parsing: token too long");
	free(big);
	big = calloc(1, 1024 * 1024 + 2);
	assert_non_null(big);
	memset(big, ' ', 1024 * 1024 + 1);
	expect_error(big, "Corefile:0 - Error during parsing: file too large "
	                  "(over 1048576 bytes)");
	free(big);
	cf = corefile_parse_file(
	    "/nonexistent/Corefile", 53, errbuf, sizeof(errbuf));
	assert_null(cf);
	assert_string_equal(errbuf,
	    "/nonexistent/Corefile:0 - Error during parsing: could not read "
	    "file: No such file or directory");
}

static void
test_import_more(void **state)
{
	struct corefile *cf;
	char text[256];

	(void)state;
	make_dir("more");
	write_file("more/snip.conf", "(shared) {\n\twhoami\n}\n");
	write_file("more/keys.conf", "k2.org k3.org\n");
	write_file("more/empty.conf", "# nothing here\n");
	setenv("CF_TEST_DIR", "more", 1);
	/* env in the path; a snippet defined in an imported file; an
	 * import continuing a key list; an empty file */
	cf = parse("import {$CF_TEST_DIR}/snip.conf\n"
	           "import more/empty.conf\n"
	           "k1.org,\n"
	           "import more/keys.conf\n"
	           "{\n"
	           "\timport shared\n"
	           "\timport more/empty.conf\n"
	           "}\n");
	if (cf == NULL)
		fail_msg("%s", errbuf);
	assert_int_equal(cf->nblocks, 1);
	assert_int_equal(cf->blocks[0].nkeys, 3);
	assert_string_equal(cf->blocks[0].keys[2].zone, "k3.org.");
	assert_int_equal(cf->blocks[0].ndirs, 1);
	snprintf(text, sizeof(text), "%s/more/snip.conf", tmpdir);
	assert_string_equal(cf->blocks[0].dirs[0].tokens[0].file, text);
	assert_int_equal(cf->blocks[0].dirs[0].tokens[0].line, 2);
	/* parse_string records imported files only */
	assert_int_equal(cf->nfiles, 3);
	corefile_free(cf);
	/* an absolute path is used as is */
	snprintf(
	    text, sizeof(text), ". {\n\timport %s/more/snip.conf\n}\n", tmpdir);
	cf = parse(text);
	assert_non_null(cf);
	/* inside a block, a file holds directive lines */
	assert_int_equal(cf->blocks[0].ndirs, 1);
	assert_string_equal(tok(&cf->blocks[0], 0, 0), "(shared)");
	corefile_free(cf);
	/* relative to the given folder, or the current one */
	cf = corefile_parse_string("import snip.conf\n", 17, "x", "/nowhere",
	    53, errbuf, sizeof(errbuf));
	assert_null(cf);
	assert_string_equal(errbuf, "x:1 - Error during parsing: File to "
	                            "import not found: snip.conf");
}

static void
test_many_snippets(void **state)
{
	struct corefile *cf;
	char *text = malloc(64 * 1024);
	size_t n = 0, i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < 500; i++)
		n += (size_t)sprintf(text + n, "(s%zu) {\n\td%zu\n}\n", i, i);
	n += (size_t)sprintf(text + n, ". {\n");
	for (i = 500; i-- > 0;)
		n += (size_t)sprintf(text + n, "\timport s%zu\n", i);
	sprintf(text + n, "}\n");
	cf = parse(text);
	assert_non_null(cf);
	assert_int_equal(cf->blocks[0].ndirs, 500);
	assert_string_equal(tok(&cf->blocks[0], 0, 0), "d499");
	assert_string_equal(tok(&cf->blocks[0], 499, 0), "d0");
	corefile_free(cf);
	free(text);
}

static void
test_import_special_files(void **state)
{
	struct corefile *cf;
	char path[256], msg[512];
	FILE *f;
	size_t i;

	(void)state;
	make_dir("special");
	snprintf(path, sizeof(path), "%s/special/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(msg, sizeof(msg),
	    "Corefile:1 - Error during parsing: Could not import "
	    "%s/special/fifo: not a regular file",
	    tmpdir);
	expect_error("import special/fifo\n", msg);
	snprintf(path, sizeof(path), "%s/special/big.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < 1024 * 1024 / 8 + 1; i++)
		fputs("# 45678\n", f);
	fclose(f);
	snprintf(msg, sizeof(msg),
	    "Corefile:2 - Error during parsing: Could not import "
	    "%s/special/big.conf: file too large",
	    tmpdir);
	expect_error("a.org {\n\timport special/*.conf\n}\n", msg);
	cf = corefile_parse_file(path, 53, errbuf, sizeof(errbuf));
	assert_null(cf);
	snprintf(msg, sizeof(msg),
	    "%s:0 - Error during parsing: could not read file: file too "
	    "large",
	    path);
	assert_string_equal(errbuf, msg);
	/* a file whose size is unknown (st_size 0) is read to its end */
	cf = corefile_parse_file(
	    "/proc/self/status", 53, errbuf, sizeof(errbuf));
	assert_null(cf);
	assert_string_equal(errbuf,
	    "/proc/self/status:1 - Error during parsing: expecting a port "
	    "after the last colon: Name:");
}

static void
test_caps(void **state)
{
	char *text = malloc(64 * 1024);
	size_t n = 0, i;

	(void)state;
	assert_non_null(text);
	/* 1000 tokens pasted 1001 times */
	n += (size_t)sprintf(text + n, "(s) {\n");
	for (i = 0; i < 100; i++)
		n += (size_t)sprintf(text + n, "a b c d e f g h i j\n");
	n += (size_t)sprintf(text + n, "}\n. {\n");
	for (i = 0; i < 1001; i++)
		n += (size_t)sprintf(text + n, "import s\n");
	sprintf(text + n, "}\n");
	expect_error(text, "Corefile:1100 - Error during parsing: too many "
	                   "tokens");
	/* 2049 keys of 128 zones each */
	for (n = 0, i = 0; i < 2049; i++)
		n += (size_t)sprintf(text + n, "10.0.0.0/1 ");
	expect_error(text,
	    "Corefile:1 - Error during parsing: too many zones (over "
	    "262144)");
	free(text);
}

static void
test_disp_enter_rule(void **state)
{
	struct corefile *cf;
	struct cf_disp d;
	const struct cf_block *b;

	(void)state;
	cf = parse(". {\n"
	           "\tplug {\n"
	           "\t\tsub {\n"
	           "\t\t\tx\n"
	           "\t\t}\n"
	           "\t\ty\n"
	           "\t}\n"
	           "\tnext\n"
	           "\t{\n"
	           "\t\t{\n"
	           "\t\t\tz\n"
	           "\t\t}\n"
	           "\t\tw\n"
	           "\t}\n"
	           "}\n");
	assert_non_null(cf);
	b = &cf->blocks[0];
	assert_int_equal(b->ndirs, 2);
	cf_disp_init(&d, b->dirs, b->ndirs, NULL, 0);
	assert_true(cf_next(&d));
	assert_true(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "sub");
	/* no arguments left and a `{` next: this call enters it */
	assert_true(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "x");
	assert_int_equal(d.nesting, 2);
	assert_false(cf_next_block(&d));
	assert_int_equal(d.nesting, 1);
	assert_true(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "y");
	assert_false(cf_next_block(&d));
	assert_int_equal(d.nesting, 0);
	/* a `{` on the line after the name opens the block, as in Caddy */
	assert_true(cf_next(&d));
	assert_true(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "{");
	assert_true(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "w");
	assert_false(cf_next_block(&d));
	assert_int_equal(d.nesting, 0);
	assert_false(cf_next(&d));
	corefile_free(cf);
}

/* --- dispenser ------------------------------------------------------- */

static void
test_disp_args(void **state)
{
	struct corefile *cf;
	struct cf_disp d;
	char err[256];

	(void)state;
	cf = parse(". {\n\tforward . 1.1.1.1 8.8.8.8\n\tforward\n}\n");
	assert_non_null(cf);
	cf_disp_init(
	    &d, cf->blocks[0].dirs, cf->blocks[0].ndirs, err, sizeof(err));
	assert_int_equal(cf_errf(&d, "before %d", 1), ERR_CONFIG);
	assert_string_equal(err, "Corefile:2 - Error during parsing: before 1");
	assert_false(cf_next_arg(&d));
	assert_true(cf_next(&d));
	assert_string_equal(cf_val(&d), "forward");
	assert_int_equal(cf_line(&d), 2);
	assert_string_equal(cf_file(&d), "Corefile");
	assert_int_equal(cf_remaining_args(&d), 3);
	assert_true(cf_next_arg(&d));
	assert_string_equal(cf_val(&d), ".");
	assert_int_equal(cf_remaining_args(&d), 2);
	assert_true(cf_next_arg(&d));
	assert_true(cf_next_arg(&d));
	assert_string_equal(cf_val(&d), "8.8.8.8");
	assert_false(cf_next_arg(&d));
	assert_false(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "8.8.8.8");
	assert_true(cf_next(&d));
	assert_int_equal(cf_line(&d), 3);
	assert_int_equal(cf_remaining_args(&d), 0);
	assert_false(cf_next_arg(&d));
	assert_int_equal(cf_err_args(&d), ERR_CONFIG);
	assert_string_equal(err,
	    "Corefile:3 - Error during parsing: Wrong argument count or "
	    "unexpected line ending after 'forward'");
	assert_false(cf_next(&d));
	assert_false(cf_next(&d));
	assert_false(cf_next_arg(&d));
	assert_false(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "forward");
	corefile_free(cf);

	cf_disp_init(&d, NULL, 0, NULL, 0);
	assert_false(cf_next(&d));
	assert_string_equal(cf_val(&d), "");
	assert_int_equal(cf_line(&d), 0);
	assert_int_equal(cf_errf(&d, "x"), ERR_CONFIG);
}

static void
test_disp_block(void **state)
{
	struct corefile *cf;
	struct cf_disp d;
	const struct cf_block *b;
	char err[256], seen[256] = "";

	(void)state;
	cf = parse(". {\n"
	           "\tlog stdout {\n"
	           "\t\tclass denial error\n"
	           "\t\tformat \"{type} {name}\"\n"
	           "\t}\n"
	           "\tlog {\n\t}\n"
	           "\tlog\n"
	           "\tlog { class all }\n"
	           "}\n");
	assert_non_null(cf);
	b = &cf->blocks[0];
	cf_disp_init(&d, b->dirs, b->ndirs, err, sizeof(err));
	assert_true(cf_next(&d));
	/* a block only opens after the line's arguments */
	assert_false(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "log");
	assert_true(cf_next_arg(&d));
	assert_false(cf_next_arg(&d));
	assert_true(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "class");
	assert_int_equal(d.nesting, 1);
	assert_int_equal(cf_remaining_args(&d), 2);
	assert_true(cf_next_arg(&d));
	assert_string_equal(cf_val(&d), "denial");
	/* unread arguments are skipped */
	assert_true(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "format");
	assert_int_equal(cf_line(&d), 4);
	assert_true(cf_next_arg(&d));
	assert_string_equal(cf_val(&d), "{type} {name}");
	assert_false(cf_next_block(&d));
	assert_string_equal(cf_val(&d), "}");
	assert_int_equal(d.nesting, 0);
	assert_false(cf_next_block(&d));
	/* empty block */
	assert_true(cf_next(&d));
	assert_false(cf_next_block(&d));
	assert_false(cf_next_block(&d));
	/* no block */
	assert_true(cf_next(&d));
	assert_false(cf_next_block(&d));
	/* one-line block */
	assert_true(cf_next(&d));
	while (cf_next_block(&d)) {
		strcat(seen, cf_val(&d));
		while (cf_next_arg(&d)) {
			strcat(seen, ",");
			strcat(seen, cf_val(&d));
		}
	}
	assert_string_equal(seen, "class,all");
	assert_false(cf_next(&d));
	corefile_free(cf);
}

static void
test_disp_nested(void **state)
{
	struct corefile *cf;
	struct cf_disp d;
	const struct cf_block *b;
	char err[256], seen[512] = "";

	(void)state;
	cf = parse(". {\n"
	           "\tview a {\n"
	           "\t\tmatch x y\n"
	           "\t\tsub s1 {\n"
	           "\t\t\tinner 1\n"
	           "\t\t\tdeeper {\n"
	           "\t\t\t\td 1\n"
	           "\t\t\t}\n"
	           "\t\t\tinner 2\n"
	           "\t\t}\n"
	           "\t\tskipped arg {\n"
	           "\t\t\tnot seen\n"
	           "\t\t\tdeep {\n\t\t\t\tno\n\t\t\t}\n"
	           "\t\t}\n"
	           "\t\tlast z\n"
	           "\t}\n"
	           "}\n");
	assert_non_null(cf);
	b = &cf->blocks[0];
	cf_disp_init(&d, b->dirs, b->ndirs, err, sizeof(err));
	assert_true(cf_next(&d));
	assert_true(cf_next_arg(&d));
	while (cf_next_block(&d)) {
		strcat(seen, cf_val(&d));
		strcat(seen, " ");
		if (strcmp(cf_val(&d), "sub") == 0) {
			assert_true(cf_next_arg(&d));
			assert_string_equal(cf_val(&d), "s1");
			while (cf_next_block(&d)) {
				strcat(seen, "[");
				strcat(seen, cf_val(&d));
				if (strcmp(cf_val(&d), "inner") == 0) {
					assert_true(cf_next_arg(&d));
					strcat(seen, cf_val(&d));
				} else {
					while (cf_next_block(&d)) {
						strcat(seen, "<");
						strcat(seen, cf_val(&d));
						strcat(seen, ">");
					}
					assert_int_equal(d.nesting, 2);
				}
				strcat(seen, "]");
			}
			assert_int_equal(d.nesting, 1);
		}
		if (strcmp(cf_val(&d), "last") == 0) {
			assert_true(cf_next_arg(&d));
			assert_int_equal(cf_err_args(&d), ERR_CONFIG);
			assert_string_equal(err,
			    "Corefile:17 - Error during parsing: Wrong "
			    "argument count or unexpected line ending after "
			    "'z'");
		}
	}
	assert_int_equal(d.nesting, 0);
	assert_int_equal(cf_line(&d), 18);
	assert_string_equal(seen, "match sub [inner1][deeper<d>][inner2]"
	                          "skipped last ");
	assert_false(cf_next(&d));
	corefile_free(cf);
}

static void
test_disp_multiline_token(void **state)
{
	struct corefile *cf;
	struct cf_disp d;

	(void)state;
	cf = parse(". {\n\ttxt \"a\nb\" c\n\tnext\n}\n");
	assert_non_null(cf);
	cf_disp_init(&d, cf->blocks[0].dirs, cf->blocks[0].ndirs, NULL, 0);
	assert_true(cf_next(&d));
	assert_int_equal(cf_remaining_args(&d), 2);
	assert_true(cf_next_arg(&d));
	assert_true(cf_next_arg(&d));
	assert_string_equal(cf_val(&d), "c");
	assert_false(cf_next_arg(&d));
	assert_true(cf_next(&d));
	assert_string_equal(cf_val(&d), "next");
	corefile_free(cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_multiple_blocks_and_keys),
		cmocka_unit_test(test_scheme_port),
		cmocka_unit_test(test_tls_default_port),
		cmocka_unit_test(test_default_port),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_cidr_25),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_no_braces),
		cmocka_unit_test(test_snippets),
		cmocka_unit_test(test_import_files),
		cmocka_unit_test(test_import_relative_cwd),
		cmocka_unit_test(test_import_errors),
		cmocka_unit_test(test_import_depth),
		cmocka_unit_test(test_import_more),
		cmocka_unit_test(test_many_snippets),
		cmocka_unit_test(test_import_special_files),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_disp_args),
		cmocka_unit_test(test_disp_block),
		cmocka_unit_test(test_disp_nested),
		cmocka_unit_test(test_disp_multiline_token),
		cmocka_unit_test(test_disp_enter_rule),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
