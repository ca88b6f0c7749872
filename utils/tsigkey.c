/* utils/tsigkey.c - coredns-util tsigkey: generate, import, list, delete */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/err.h"
#include "storage/store.h"
#include "utils/util.h"

#define CMD "tsigkey"

static const char *const aliases[] = { "generate-tsig-key", "import-tsig-key",
	"list-tsig-keys", "delete-tsig-key", NULL };

/* Algorithms and their key sizes for generate (the HMAC output size). */
static const struct {
	const char *name;
	int bytes;
} algs[] = {
	{ "hmac-md5", 16 },
	{ "hmac-sha1", 20 },
	{ "hmac-sha224", 28 },
	{ "hmac-sha256", 32 },
	{ "hmac-sha384", 48 },
	{ "hmac-sha512", 64 },
};

static int
alg_bytes(const char *alg)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcasecmp(alg, algs[i].name) == 0)
			return algs[i].bytes;
	}
	return 0;
}

/* A BIND key block, as named.conf and nsupdate -k read it. */
static int
print_key(void *arg, const char *name, const char *alg, const char *secret)
{
	(void)arg;
	printf("key \"%s\" {\n\talgorithm %s;\n\tsecret \"%s\";\n};\n", name,
	    alg, secret);
	return 0;
}

/* A secret must be base64 that decodes to at least one octet. */
static bool
good_secret(const char *s)
{
	unsigned char out[1024];
	size_t n = strlen(s);

	if (n == 0 || n % 4 != 0 || n / 4 * 3 > sizeof(out))
		return false;
	return EVP_DecodeBlock(out, (const unsigned char *)s, (int)n) > 0;
}

static int
tsig_set(
    struct store *st, const char *name, const char *alg, const char *secret)
{
	int rc;

	if ((rc = store_tsigkey_set(st, name, alg, secret)) != 0)
		return util_fail(
		    CMD, "cannot store key '%s': %s", name, err_str(rc));
	print_key(NULL, name, alg, secret);
	return UTIL_EXIT_OK;
}

/* A key block's `name` statement value, or NULL. */
static const char *
key_value(const struct nconf_stmt *k, const char *name)
{
	const struct nconf_stmt *s = nconf_find(k->sub, k->nsub, name);

	return s != NULL && s->nw == 2 && !s->block ? s->w[1] : NULL;
}

/* `import FILE`: every top-level `key "NAME" { algorithm ALG; secret
 * "BASE64"; };` of a BIND file, all or none, in one transaction. */
static int
tsig_import_file(struct store *st, const char *path)
{
	struct nconf_stmt *v = NULL;
	const char *alg, *sec;
	char err[512], name[STORE_NAME_MAX];
	size_t n = 0, i, nkeys = 0;
	int rc, ret = UTIL_EXIT_FAIL;

	if (nconf_parse(path, &v, &n, err, sizeof(err)) != 0) {
		util_fail(CMD, "%s", err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (v[i].nw == 0 || strcasecmp(v[i].w[0], "key") != 0)
			continue;
		alg = key_value(&v[i], "algorithm");
		sec = key_value(&v[i], "secret");
		if (v[i].nw != 2 || !v[i].block || v[i].w[1][0] == '\0') {
			util_fail(CMD, "%s:%d: expected key \"NAME\" { ... };",
			    path, v[i].line);
			goto out;
		}
		if (alg == NULL || alg_bytes(alg) == 0) {
			util_fail(CMD, "%s:%d: key %s: %s algorithm", path,
			    v[i].line, v[i].w[1], alg ? "unknown" : "no");
			goto out;
		}
		if (sec == NULL || !good_secret(sec)) {
			util_fail(CMD, "%s:%d: key %s: %s", path, v[i].line,
			    v[i].w[1],
			    sec ? "the secret is not base64" : "no secret");
			goto out;
		}
		nkeys++;
	}
	if (nkeys == 0) {
		util_fail(CMD, "%s: no key statement", path);
		goto out;
	}
	if ((rc = store_begin(st)) != 0) {
		util_fail(CMD, "cannot start a transaction: %s", err_str(rc));
		goto out;
	}
	for (i = 0, rc = 0; rc == 0 && i < n; i++) {
		size_t len;

		if (v[i].nw == 0 || strcasecmp(v[i].w[0], "key") != 0)
			continue;
		/* names are stored without the final dot */
		snprintf(name, sizeof(name), "%s", v[i].w[1]);
		len = strlen(name);
		if (len > 1 && name[len - 1] == '.')
			name[len - 1] = '\0';
		rc = store_tsigkey_set(st, name, key_value(&v[i], "algorithm"),
		    key_value(&v[i], "secret"));
	}
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		store_rollback(st);
		util_fail(CMD, "nothing written: %s", err_str(rc));
		goto out;
	}
	printf(
	    "imported %zu key%s from %s\n", nkeys, nkeys == 1 ? "" : "s", path);
	ret = UTIL_EXIT_OK;
out:
	nconf_free(v, n);
	return ret;
}

static int
tsig_generate(struct store *st, const char *name, const char *alg)
{
	unsigned char raw[64];
	char b64[100];
	int n = alg_bytes(alg);

	if (RAND_bytes(raw, n) != 1)
		return util_fail(CMD, "no random bytes from OpenSSL");
	EVP_EncodeBlock((unsigned char *)b64, raw, n);
	return tsig_set(st, name, alg, b64);
}

static int
tsig_run(const struct util_ctx *ctx, int argc, char **argv)
{
	const char *sub;
	struct store *st;
	int64_t n = 0;
	int ret, rc;

	if (util_wants_help(argc, argv)) {
		util_print_usage(&util_cmd_tsigkey);
		return UTIL_EXIT_OK;
	}
	if (strcmp(argv[0], "generate-tsig-key") == 0) {
		sub = "generate";
	} else if (strcmp(argv[0], "import-tsig-key") == 0) {
		sub = "import";
	} else if (strcmp(argv[0], "list-tsig-keys") == 0) {
		sub = "list";
	} else if (strcmp(argv[0], "delete-tsig-key") == 0) {
		sub = "delete";
	} else {
		if (argc < 2)
			return util_usage_err(CMD, "missing subcommand");
		sub = argv[1];
		argc--;
		argv++;
	}
	if (strcmp(sub, "generate") == 0) {
		if (argc < 2 || argc > 3)
			return util_usage_err(
			    CMD, "usage: generate NAME [ALG]");
		if (argc == 3 && alg_bytes(argv[2]) == 0)
			return util_usage_err(
			    CMD, "unknown algorithm '%s'", argv[2]);
	} else if (strcmp(sub, "import") == 0) {
		if (argc != 4 && argc != 2)
			return util_usage_err(
			    CMD, "usage: import NAME ALG SECRET | import FILE");
		if (argc == 4 && alg_bytes(argv[2]) == 0)
			return util_usage_err(
			    CMD, "unknown algorithm '%s'", argv[2]);
		if (argc == 4 && !good_secret(argv[3]))
			return util_usage_err(CMD, "the secret is not base64");
	} else if (strcmp(sub, "list") == 0) {
		if (argc != 1)
			return util_usage_err(CMD, "list takes no arguments");
	} else if (strcmp(sub, "delete") == 0) {
		if (argc != 2)
			return util_usage_err(CMD, "usage: delete NAME");
	} else {
		return util_usage_err(CMD, "unknown subcommand '%s'", sub);
	}
	if ((st = util_open(ctx, CMD, UTIL_OPEN_SERVED)) == NULL)
		return UTIL_EXIT_FAIL;
	ret = UTIL_EXIT_OK;
	if (strcmp(sub, "generate") == 0) {
		ret = tsig_generate(
		    st, argv[1], argc == 3 ? argv[2] : "hmac-sha256");
	} else if (strcmp(sub, "import") == 0 && argc == 2) {
		ret = tsig_import_file(st, argv[1]);
	} else if (strcmp(sub, "import") == 0) {
		ret = tsig_set(st, argv[1], argv[2], argv[3]);
	} else if (strcmp(sub, "list") == 0) {
		if ((rc = store_tsigkey_list(st, print_key, NULL)) != 0)
			ret = util_fail(CMD, "list failed: %s", err_str(rc));
	} else if ((rc = store_tsigkey_delete(st, argv[1], &n)) != 0) {
		ret = util_fail(CMD, "delete failed: %s", err_str(rc));
	} else if (n == 0) {
		ret = util_fail(CMD, "no key '%s'", argv[1]);
	} else {
		printf("deleted key %s\n", argv[1]);
	}
	store_close(st);
	return ret;
}

const struct util_cmd util_cmd_tsigkey = {
	.name = "tsigkey",
	.aliases = aliases,
	.summary = "generate, import, list and delete TSIG keys",
	.usage =
	    "Usage: " UTIL_PROG " [--db DSN] tsigkey SUBCOMMAND ARGS...\n"
	    "\n"
	    "  generate NAME [ALG]      a new random key (OpenSSL RAND_bytes,\n"
	    "                           the HMAC's size; ALG defaults to\n"
	    "                           hmac-sha256)\n"
	    "  import NAME ALG SECRET   store a key (SECRET in base64)\n"
	    "  import FILE              store every key block of a BIND\n"
	    "                           file (named.conf, a tsig-keygen\n"
	    "                           output), all or none\n"
	    "  list                     every key\n"
	    "  delete NAME              remove a key\n"
	    "\n"
	    "Keys are printed as BIND key blocks:\n"
	    "  key \"NAME\" { algorithm ALG; secret \"BASE64\"; };\n"
	    "ALG: hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256,\n"
	    "hmac-sha384, hmac-sha512. A key replaces any of the same name.\n"
	    "pdnsutil spellings: generate-tsig-key, import-tsig-key,\n"
	    "list-tsig-keys, delete-tsig-key.\n"
	    "\n"
	    "Exit status: 0 ok, 1 failed, 2 usage error.\n",
	.run = tsig_run,
};
