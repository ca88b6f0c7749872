/* utils/nconf.c - coredns-util: a small named.conf parser */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "utils/util.h"

/*
 * named.conf is a list of statements: words, an optional block of
 * statements in braces, then a semicolon. Comments are //, # and C's; a
 * quoted string is one word. That is all BIND's grammar needs here; what
 * the statements mean is the caller's business.
 */

#define NCONF_DEPTH_MAX 32

struct lexer {
	const char *p, *end, *path;
	int line;
	char *err;
	size_t errlen;
};

enum tok { T_EOF, T_WORD, T_OPEN, T_CLOSE, T_SEMI, T_ERR };

static int lex_err(struct lexer *lx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
lex_err(struct lexer *lx, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(lx->err, lx->errlen, "%s:%d: ", lx->path, lx->line);
	if (n >= 0 && (size_t)n < lx->errlen) {
		va_start(ap, fmt);
		vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return T_ERR;
}

/* Skips blanks and comments. T_ERR for an unterminated comment. */
static int
skip_space(struct lexer *lx)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == '\n') {
			lx->line++;
			lx->p++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		           c == '\v') {
			lx->p++;
		} else if (c == '#' || (c == '/' && lx->p + 1 < lx->end &&
		                           lx->p[1] == '/')) {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
			lx->p += 2;
			while (lx->p + 1 < lx->end &&
			       !(lx->p[0] == '*' && lx->p[1] == '/')) {
				if (*lx->p == '\n')
					lx->line++;
				lx->p++;
			}
			if (lx->p + 1 >= lx->end)
				return lex_err(lx, "unterminated comment");
			lx->p += 2;
		} else {
			break;
		}
	}
	return T_EOF;
}

/* The next token; a word is copied into `*word` (caller frees). */
static int
lex_next(struct lexer *lx, char **word)
{
	const char *s;
	char *w, *o;

	*word = NULL;
	if (skip_space(lx) == T_ERR)
		return T_ERR;
	if (lx->p >= lx->end)
		return T_EOF;
	switch (*lx->p) {
	case '{':
		lx->p++;
		return T_OPEN;
	case '}':
		lx->p++;
		return T_CLOSE;
	case ';':
		lx->p++;
		return T_SEMI;
	case '"':
		s = ++lx->p;
		while (lx->p < lx->end && *lx->p != '"') {
			if (*lx->p == '\\' && lx->p + 1 < lx->end)
				lx->p++;
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
		}
		if (lx->p >= lx->end)
			return lex_err(lx, "unterminated string");
		if ((w = o = malloc((size_t)(lx->p - s) + 1)) == NULL)
			return lex_err(lx, "out of memory");
		for (; s < lx->p; s++) {
			if (*s == '\\' && s + 1 < lx->p)
				s++;
			*o++ = *s;
		}
		*o = '\0';
		lx->p++;
		*word = w;
		return T_WORD;
	default:
		break;
	}
	s = lx->p;
	while (lx->p < lx->end && strchr(" \t\r\n\f\v{};\"#", *lx->p) == NULL &&
	       !(lx->p[0] == '/' && lx->p + 1 < lx->end &&
	           (lx->p[1] == '/' || lx->p[1] == '*')))
		lx->p++;
	if ((w = strndup(s, (size_t)(lx->p - s))) == NULL)
		return lex_err(lx, "out of memory");
	*word = w;
	return T_WORD;
}

void
nconf_free(struct nconf_stmt *v, size_t n)
{
	size_t i, j;

	for (i = 0; v != NULL && i < n; i++) {
		for (j = 0; j < v[i].nw; j++)
			free(v[i].w[j]);
		free(v[i].w);
		nconf_free(v[i].sub, v[i].nsub);
	}
	free(v);
}

static int
push_word(struct nconf_stmt *s, char *w)
{
	char **nw = realloc(s->w, (s->nw + 1) * sizeof(*nw));

	if (nw == NULL)
		return ERR_NOMEM;
	s->w = nw;
	s->w[s->nw++] = w;
	return 0;
}

/* Parses statements until '}' (depth > 0) or the end (depth 0). */
static int
parse_list(struct lexer *lx, int depth, struct nconf_stmt **out, size_t *nout)
{
	struct nconf_stmt *v = NULL, *nv, *cur = NULL;
	size_t n = 0;
	char *w;
	int t;

	for (;;) {
		t = lex_next(lx, &w);
		if (t == T_ERR)
			goto fail;
		if (cur == NULL && (t == T_EOF || t == T_CLOSE)) {
			if ((t == T_EOF) != (depth == 0)) {
				lex_err(lx, t == T_EOF ? "missing '}'"
				                       : "unexpected '}'");
				goto fail;
			}
			break;
		}
		if (cur == NULL && t == T_SEMI)
			continue; /* an empty statement */
		if (cur == NULL) {
			if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
				free(w);
				lex_err(lx, "out of memory");
				goto fail;
			}
			v = nv;
			cur = &v[n++];
			*cur = (struct nconf_stmt){ .line = lx->line };
		}
		if (t == T_WORD) {
			if (cur->block) {
				free(w);
				lex_err(lx, "missing ';' after '}'");
				goto fail;
			}
			if (push_word(cur, w) != 0) {
				free(w);
				lex_err(lx, "out of memory");
				goto fail;
			}
		} else if (t == T_OPEN) {
			if (cur->block) {
				lex_err(lx, "missing ';' after '}'");
				goto fail;
			}
			if (depth + 1 >= NCONF_DEPTH_MAX) {
				lex_err(lx, "blocks nested too deep");
				goto fail;
			}
			cur->block = true;
			if (parse_list(lx, depth + 1, &cur->sub, &cur->nsub) !=
			    0)
				goto fail;
		} else if (t == T_SEMI) {
			cur = NULL;
		} else {
			lex_err(lx, t == T_EOF ? "missing ';' at the end"
			                       : "missing ';' before '}'");
			goto fail;
		}
	}
	*out = v;
	*nout = n;
	return 0;
fail:
	nconf_free(v, n);
	return ERR_FORMAT;
}

int
nconf_parse(const char *path, struct nconf_stmt **out, size_t *nout, char *err,
    size_t errlen)
{
	struct lexer lx = {
		.path = path, .line = 1, .err = err, .errlen = errlen
	};
	char *text = NULL, *nt;
	size_t len = 0, cap = 0, r;
	FILE *fp;
	int rc;

	*out = NULL;
	*nout = 0;
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ERR_IO;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8192;
			if ((nt = realloc(text, cap)) == NULL) {
				snprintf(
				    err, errlen, "%s: out of memory", path);
				rc = ERR_NOMEM;
				goto out;
			}
			text = nt;
		}
		if ((r = fread(text + len, 1, cap - len, fp)) == 0)
			break;
		len += r;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = ERR_IO;
		goto out;
	}
	lx.p = text;
	lx.end = text + len;
	rc = parse_list(&lx, 0, out, nout);
out:
	fclose(fp);
	free(text);
	return rc;
}

const struct nconf_stmt *
nconf_find(const struct nconf_stmt *v, size_t n, const char *word0)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].nw > 0 && strcasecmp(v[i].w[0], word0) == 0)
			return &v[i];
	}
	return NULL;
}
