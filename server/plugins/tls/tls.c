/* server/plugins/tls/tls.c - the certificate for tls:// server blocks
 * (DNS over TLS, RFC 7858): TLS 1.2 and newer, optional client
 * certificate check against a CA */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/err.h"
#include "server/request.h"

static int
ssl_fail(struct cf_disp *d, const char *what, const char *file)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return cf_errf(d, "%s '%s': %s", what, file, buf);
}

/* Go's RequestClientCert and RequireAnyClientCert ask for a certificate
 * but do not verify it. */
static int
accept_any(int preverify, X509_STORE_CTX *x)
{
	(void)preverify;
	(void)x;
	return 1;
}

static int
client_auth_mode(const char *s, int *mode, bool *verify)
{
	*verify = true;
	if (strcmp(s, "nocert") == 0) {
		*mode = SSL_VERIFY_NONE;
	} else if (strcmp(s, "request") == 0) {
		*mode = SSL_VERIFY_PEER;
		*verify = false;
	} else if (strcmp(s, "verify_if_given") == 0) {
		*mode = SSL_VERIFY_PEER;
	} else if (strcmp(s, "require") == 0) {
		*mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
		*verify = false;
	} else if (strcmp(s, "require_and_verify") == 0) {
		*mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	} else {
		return ERR_FORMAT;
	}
	return 0;
}

static int
tls_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	SSL_CTX *sc = NULL;
	int n = 0, rc = 0;

	*ctx = NULL;
	while (cf_next(d)) {
		const char *args[3];
		size_t na = 0;
		int mode = -1;
		bool verify = true;

		if (++n > 1) {
			rc = cf_errf(d, "tls can only be used once per server "
			                "block");
			goto fail;
		}
		while (cf_next_arg(d)) {
			if (na == 3) {
				rc = cf_err_args(d);
				goto fail;
			}
			args[na++] = cf_val(d);
		}
		if (na < 2) {
			rc = cf_err_args(d);
			goto fail;
		}
		if ((sc = SSL_CTX_new(TLS_server_method())) == NULL) {
			rc = ERR_NOMEM;
			goto fail;
		}
		SSL_CTX_set_min_proto_version(sc, TLS1_2_VERSION);
		SSL_CTX_set_mode(sc, SSL_MODE_ENABLE_PARTIAL_WRITE |
		                         SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
		if (SSL_CTX_use_certificate_chain_file(sc, args[0]) != 1) {
			rc = ssl_fail(d, "cannot load certificate", args[0]);
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(
		        sc, args[1], SSL_FILETYPE_PEM) != 1) {
			rc = ssl_fail(d, "cannot load key", args[1]);
			goto fail;
		}
		if (SSL_CTX_check_private_key(sc) != 1) {
			rc = ssl_fail(
			    d, "key does not match certificate", args[1]);
			goto fail;
		}
		if (na == 3) {
			if (SSL_CTX_load_verify_locations(sc, args[2], NULL) !=
			    1) {
				rc = ssl_fail(d, "cannot load CA", args[2]);
				goto fail;
			}
			/* a CA means client certificates are checked */
			mode =
			    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
		}
		while (cf_next_block(d)) {
			if (strcmp(cf_val(d), "client_auth") != 0) {
				rc = cf_errf(
				    d, "unknown property '%s'", cf_val(d));
				goto fail;
			}
			if (!cf_next_arg(d) ||
			    client_auth_mode(cf_val(d), &mode, &verify) != 0) {
				rc = cf_errf(d, "invalid client_auth value");
				goto fail;
			}
			if (cf_next_arg(d)) {
				rc = cf_err_args(d);
				goto fail;
			}
		}
		if (mode >= 0)
			SSL_CTX_set_verify(
			    sc, mode, verify ? NULL : accept_any);
	}
	server_block_set_tls(ps->block, sc);
	return 0;
fail:
	SSL_CTX_free(sc);
	return rc;
}

const struct plugin_ops tls_plugin = {
	.name = "tls",
	.setup = tls_setup,
};
