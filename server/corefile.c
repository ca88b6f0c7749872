/* server/corefile.c - Corefile lexer, parser and dispenser (Caddy v1) */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/corefile.h"
#include "common/err.h"

#define CF_MAX_FILE (1024 * 1024) /* bytes per file */
#define CF_MAX_TOKEN (64 * 1024)  /* bytes per token */
#define CF_MAX_TOKENS 1000000     /* lexed plus pasted, per Corefile */
#define CF_MAX_FILES 1024         /* file reads, per Corefile */
#define CF_MAX_DEPTH 10           /* nested imports */
#define CF_MAX_ZONES 256          /* reverse zones from one CIDR key */
#define CF_MAX_KEY 512            /* bytes of one key */
#define CF_MAX_KEYS 262144        /* zones, per Corefile */

/* A file name tokens point to, with the folder its imports resolve in. */
struct cf_fname {
	char *name;
	char *dir;
};

struct cf_tokens {
	struct cf_token *v;
	size_t n, cap;
};

/* One link of the import chain, for cycle and depth checks. */
struct cf_frame {
	struct cf_frame *parent;
	char *real;          /* imported (or main) file's real path, or NULL */
	const char *snippet; /* imported snippet's name, or NULL */
	int depth;
};

struct cf_snippet {
	char *name;
	struct cf_tokens toks; /* copies; texts owned by the lexed files */
};

struct cf_priv {
	struct cf_fname *names;
	size_t nnames, capnames;
	struct cf_tokens *lexed; /* one per file read; owns token texts */
	size_t nlexed, caplexed;
	struct cf_frame **frames;
	size_t nframes, capframes;
	struct cf_snippet *snips;
	size_t nsnips, capsnips;
	size_t *snhash; /* open addressing: index + 1 into snips, 0 free */
	size_t snhcap;  /* a power of two, over twice nsnips */
	size_t capfiles, capblocks;
	size_t ntokens; /* against CF_MAX_TOKENS */
	size_t nkeys;   /* against CF_MAX_KEYS */
	size_t nreads;  /* against CF_MAX_FILES */
};

/* A token source on the parser's stack: a file's or a snippet's tokens.
 * An import pushes a source, which is the same as splicing its tokens in
 * place of the import line (Caddy's way) without copying. */
struct cf_src {
	const struct cf_token *v;
	size_t n, pos;
	struct cf_frame *frame;
};

struct cf_parser {
	struct corefile *cf;
	struct cf_priv *pv;
	struct cf_src *srcs;
	size_t nsrcs, capsrcs;
	const struct cf_token *cur, *prev;
	struct cf_frame *cur_frame;
	uint16_t default_port;
	char *err;
	size_t errlen;
	bool failed;
};

static void *
cf_grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	ncap = *cap != 0 ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / size)
		return NULL;
	if ((nv = realloc(v, ncap * size)) == NULL)
		return NULL;
	*cap = ncap;
	return nv;
}

static int
tokens_add(struct cf_tokens *ts, const struct cf_token *t)
{
	struct cf_token *nv;

	if ((nv = cf_grow(ts->v, &ts->cap, ts->n, sizeof(*nv))) == NULL)
		return ERR_NOMEM;
	ts->v = nv;
	ts->v[ts->n++] = *t;
	return 0;
}

static bool
tok_is(const struct cf_token *t, const char *s)
{
	return t != NULL && !t->quoted && strcmp(t->text, s) == 0;
}

static bool
tok_open(const struct cf_token *t)
{
	return tok_is(t, "{");
}

static bool
tok_close(const struct cf_token *t)
{
	return tok_is(t, "}");
}

/* Whether `b` starts a new line after `a` (Caddy's isNewLine: another
 * file, or a later line than where `a` ends). */
static bool
tok_newline(const struct cf_token *a, const struct cf_token *b)
{
	const char *s;
	long end;

	if (a == NULL || b == NULL)
		return true;
	if (a->file != b->file)
		return true;
	end = a->line;
	for (s = a->text; s != NULL && *s != '\0'; s++) {
		if (*s == '\n')
			end++;
	}
	return end < b->line;
}

static void cf_vseterr(char *err, size_t errlen, const char *file, int line,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void
cf_vseterr(char *err, size_t errlen, const char *file, int line,
    const char *fmt, va_list ap)
{
	char msg[1024];

	if (err == NULL || errlen == 0)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(err, errlen, "%s:%d - Error during parsing: %s",
	    file != NULL ? file : "?", line, msg);
}

static int parser_errat(struct cf_parser *p, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Records the first error only: later ones are consequences. */
static int
parser_errat(
    struct cf_parser *p, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (!p->failed) {
		va_start(ap, fmt);
		cf_vseterr(p->err, p->errlen, file, line, fmt, ap);
		va_end(ap);
		p->failed = true;
	}
	return ERR_CONFIG;
}

#define parser_err(p, t, ...) parser_errat(p, (t)->file, (t)->line, __VA_ARGS__)

static int
parser_nomem(struct cf_parser *p)
{
	parser_errat(p, p->cur != NULL ? p->cur->file : "?",
	    p->cur != NULL ? p->cur->line : 0, "out of memory");
	return ERR_NOMEM;
}

static int
parser_err_args(struct cf_parser *p, const struct cf_token *t)
{
	return parser_err(p, t,
	    "Wrong argument count or unexpected line ending after '%s'",
	    t->text);
}

static char *
cf_strndup(const char *s, size_t n)
{
	char *d;

	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static char *
cf_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return cf_strndup(".", 1);
	if (slash == path)
		return cf_strndup("/", 1);
	return cf_strndup(path, (size_t)(slash - path));
}

/* Interns a file name; tokens and keys point to the returned string. */
static const char *
parser_intern(struct cf_parser *p, const char *name, const char *dir)
{
	struct cf_priv *pv = p->pv;
	struct cf_fname *nv, *f;
	size_t i;

	for (i = 0; i < pv->nnames; i++) {
		if (strcmp(pv->names[i].name, name) == 0)
			return pv->names[i].name;
	}
	nv = cf_grow(pv->names, &pv->capnames, pv->nnames, sizeof(*nv));
	if (nv == NULL)
		return NULL;
	pv->names = nv;
	f = &pv->names[pv->nnames];
	f->name = strdup(name);
	f->dir = dir != NULL ? strdup(dir) : cf_dirname(name);
	if (f->name == NULL || f->dir == NULL) {
		free(f->name);
		free(f->dir);
		return NULL;
	}
	pv->nnames++;
	return f->name;
}

static const char *
parser_dir_of(struct cf_parser *p, const char *file)
{
	size_t i;

	for (i = 0; i < p->pv->nnames; i++) {
		if (p->pv->names[i].name == file)
			return p->pv->names[i].dir;
	}
	return ".";
}

/* Adds a file to corefile->files (for reload checks), once. */
static int
parser_record_file(struct cf_parser *p, const char *path)
{
	struct corefile *cf = p->cf;
	char **nv;
	size_t i;

	for (i = 0; i < cf->nfiles; i++) {
		if (strcmp(cf->files[i], path) == 0)
			return 0;
	}
	nv = cf_grow(cf->files, &p->pv->capfiles, cf->nfiles, sizeof(*nv));
	if (nv == NULL)
		return ERR_NOMEM;
	cf->files = nv;
	if ((cf->files[cf->nfiles] = strdup(path)) == NULL)
		return ERR_NOMEM;
	cf->nfiles++;
	return 0;
}

static struct cf_frame *
parser_frame_new(struct cf_parser *p, struct cf_frame *parent, const char *real,
    const char *snippet)
{
	struct cf_priv *pv = p->pv;
	struct cf_frame **nv, *f;

	nv = cf_grow(pv->frames, &pv->capframes, pv->nframes, sizeof(*nv));
	if (nv == NULL)
		return NULL;
	pv->frames = nv;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if (real != NULL && (f->real = strdup(real)) == NULL) {
		free(f);
		return NULL;
	}
	f->parent = parent;
	f->snippet = snippet;
	f->depth = parent != NULL ? parent->depth + 1 : 0;
	pv->frames[pv->nframes++] = f;
	return f;
}

/* Reads a regular file of at most CF_MAX_FILE bytes. ERR_IO (errno set),
 * ERR_INVAL (not a regular file; errno EISDIR for a folder) or
 * ERR_SPACE (too large). Caller frees *buf. */
static int
cf_read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	char *b = NULL, *nb;
	size_t n = 0, cap;
	ssize_t r;
	int fd, rc, saved;

	/* O_NONBLOCK: never hang on a FIFO or a device-like /proc file */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ERR_IO;
	if (fstat(fd, &st) != 0) {
		rc = ERR_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		rc = ERR_INVAL;
		goto out;
	}
	/* st_size is a hint: /proc files say 0 */
	cap = st.st_size > 0 && st.st_size <= CF_MAX_FILE
	          ? (size_t)st.st_size + 1
	          : 4096;
	if ((b = malloc(cap)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	while (n <= CF_MAX_FILE) {
		if (n == cap) {
			cap = cap * 2 > CF_MAX_FILE + 1 ? CF_MAX_FILE + 1
			                                : cap * 2;
			if ((nb = realloc(b, cap)) == NULL) {
				rc = ERR_NOMEM;
				goto out;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = ERR_IO;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CF_MAX_FILE) {
		rc = ERR_SPACE;
		goto out;
	}
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	saved = errno;
	free(b);
	close(fd);
	errno = saved;
	return rc;
}

/* The reason cf_read_file() failed, from its code and errno. */
static const char *
cf_read_strerror(int rc)
{
	if (rc == ERR_SPACE)
		return "file too large";
	if (rc == ERR_NOMEM)
		return "out of memory";
	if (rc == ERR_INVAL && errno != EISDIR)
		return "not a regular file";
	return strerror(errno);
}

/* Growable byte buffer for one token, capped at CF_MAX_TOKEN. */
struct cf_buf {
	char *s;
	size_t n, cap;
};

static int
buf_put(struct cf_buf *b, const char *s, size_t n)
{
	char *ns;
	size_t ncap;

	if (n > CF_MAX_TOKEN || b->n + n > CF_MAX_TOKEN)
		return ERR_SPACE;
	if (b->n + n + 1 > b->cap) {
		ncap = b->cap != 0 ? b->cap : 64;
		while (ncap < b->n + n + 1)
			ncap *= 2;
		if ((ns = realloc(b->s, ncap)) == NULL)
			return ERR_NOMEM;
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
	return 0;
}

static int
buf_putc(struct cf_buf *b, char c)
{
	return buf_put(b, &c, 1);
}

static const char *
cf_getenv(const char *name, size_t n)
{
	char tmp[256];
	const char *v;

	if (n == 0 || n >= sizeof(tmp))
		return "";
	memcpy(tmp, name, n);
	tmp[n] = '\0';
	v = getenv(tmp);
	return v != NULL ? v : "";
}

/* Replaces {$NAME} and {%NAME%} by the environment variable (empty if
 * unset). The result is not scanned again. */
static int
cf_env_subst(const char *in, size_t len, struct cf_buf *out)
{
	const char *end = in + len, *s = in, *close, *v;
	int rc;

	out->n = 0;
	if ((rc = buf_put(out, "", 0)) != 0)
		return rc;
	while (s < end) {
		const char *open = NULL;
		size_t i;

		for (i = 0; s + i + 1 < end; i++) {
			if (s[i] == '{' &&
			    (s[i + 1] == '$' || s[i + 1] == '%')) {
				open = s + i;
				break;
			}
		}
		if (open == NULL)
			break;
		if (open[1] == '$')
			close = memchr(open + 2, '}', (size_t)(end - open - 2));
		else
			close =
			    memmem(open + 2, (size_t)(end - open - 2), "%}", 2);
		if (close == NULL)
			break;
		if ((rc = buf_put(out, s, (size_t)(open - s))) != 0)
			return rc;
		v = cf_getenv(open + 2, (size_t)(close - open - 2));
		if ((rc = buf_put(out, v, strlen(v))) != 0)
			return rc;
		s = close + (open[1] == '$' ? 1 : 2);
	}
	return buf_put(out, s, (size_t)(end - s));
}

static int
lex_push(struct cf_parser *p, struct cf_tokens *ts, struct cf_buf *raw,
    struct cf_buf *sub, const char *file, int line, bool quoted)
{
	struct cf_token t;
	int rc;

	if (++p->pv->ntokens > CF_MAX_TOKENS)
		return parser_errat(p, file, line, "too many tokens");
	rc = cf_env_subst(raw->s != NULL ? raw->s : "", raw->n, sub);
	if (rc == ERR_SPACE)
		return parser_errat(p, file, line, "token too long");
	if (rc != 0)
		return parser_nomem(p);
	t.text = cf_strndup(sub->s, sub->n);
	if (t.text == NULL)
		return parser_nomem(p);
	t.file = file;
	t.line = line;
	t.quoted = quoted;
	if (tokens_add(ts, &t) != 0) {
		free(t.text);
		return parser_nomem(p);
	}
	return 0;
}

static bool
lex_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* Splits `text` into tokens (Caddy v1 lexer: whitespace separated, `#`
 * comments at token start, "quoted" tokens where only \" is an escape). */
static int
lex_text(struct cf_parser *p, const char *text, size_t len, const char *file,
    struct cf_tokens *ts)
{
	struct cf_buf raw = { 0 }, sub = { 0 };
	size_t i = 0;
	int line = 1, start, rc = 0;
	bool quoted;
	char c;

	while (i < len) {
		c = text[i];
		if (c == '\n')
			line++;
		if (lex_space(c)) {
			i++;
			continue;
		}
		if (c == '#') {
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		start = line;
		raw.n = 0;
		quoted = c == '"';
		if (quoted) {
			for (i++;; i++) {
				if (i >= len) {
					rc = parser_errat(p, file, start,
					    "unterminated quoted token");
					goto out;
				}
				c = text[i];
				if (c == '"')
					break;
				if (c == '\\' && i + 1 < len &&
				    text[i + 1] == '"') {
					c = text[++i];
				} else if (c == '\\' && i + 1 < len) {
					/* only quotes are escaped: keep it */
					if ((rc = buf_putc(&raw, c)) != 0)
						break;
					c = text[++i];
				}
				if (c == '\n')
					line++;
				if (c == '\0') {
					rc = parser_errat(p, file, line,
					    "unexpected NUL byte");
					goto out;
				}
				if ((rc = buf_putc(&raw, c)) != 0)
					break;
			}
			i++; /* the closing quote */
		} else {
			for (; i < len && !lex_space(text[i]); i++) {
				if (text[i] == '\0') {
					rc = parser_errat(p, file, line,
					    "unexpected NUL byte");
					goto out;
				}
				if ((rc = buf_putc(&raw, text[i])) != 0)
					break;
			}
		}
		if (rc == ERR_SPACE) {
			rc = parser_errat(p, file, start, "token too long");
			goto out;
		}
		if (rc != 0) {
			rc = parser_nomem(p);
			goto out;
		}
		rc = lex_push(p, ts, &raw, &sub, file, start, quoted);
		if (rc != 0)
			goto out;
	}
out:
	free(raw.s);
	free(sub.s);
	return rc;
}

/* Lexes a file's text into a new token array owned by the parser. */
static int
parser_lex(struct cf_parser *p, const char *text, size_t len, const char *file,
    struct cf_tokens **out)
{
	struct cf_priv *pv = p->pv;
	struct cf_tokens *nv;

	nv = cf_grow(pv->lexed, &pv->caplexed, pv->nlexed, sizeof(*nv));
	if (nv == NULL)
		return parser_nomem(p);
	pv->lexed = nv;
	memset(&pv->lexed[pv->nlexed], 0, sizeof(*nv));
	pv->nlexed++;
	*out = NULL;
	if (len > CF_MAX_FILE)
		return parser_errat(
		    p, file, 0, "file too large (over %d bytes)", CF_MAX_FILE);
	if (lex_text(p, text, len, file, &pv->lexed[pv->nlexed - 1]) != 0)
		return ERR_CONFIG;
	*out = &pv->lexed[pv->nlexed - 1];
	return 0;
}

/* --- token stream ---------------------------------------------------- */

static const struct cf_token *
stream_peek(const struct cf_parser *p)
{
	size_t i;

	for (i = p->nsrcs; i-- > 0;) {
		if (p->srcs[i].pos < p->srcs[i].n)
			return &p->srcs[i].v[p->srcs[i].pos];
	}
	return NULL;
}

static bool
stream_next(struct cf_parser *p)
{
	struct cf_src *s;

	while (p->nsrcs > 0 &&
	       p->srcs[p->nsrcs - 1].pos >= p->srcs[p->nsrcs - 1].n)
		p->nsrcs--;
	if (p->nsrcs == 0)
		return false;
	s = &p->srcs[p->nsrcs - 1];
	p->prev = p->cur;
	p->cur = &s->v[s->pos++];
	p->cur_frame = s->frame;
	return true;
}

static int
stream_push(struct cf_parser *p, const struct cf_token *v, size_t n,
    struct cf_frame *frame)
{
	struct cf_src *nv;

	while (p->nsrcs > 0 &&
	       p->srcs[p->nsrcs - 1].pos >= p->srcs[p->nsrcs - 1].n)
		p->nsrcs--;
	nv = cf_grow(p->srcs, &p->capsrcs, p->nsrcs, sizeof(*nv));
	if (nv == NULL)
		return parser_nomem(p);
	p->srcs = nv;
	p->srcs[p->nsrcs].v = v;
	p->srcs[p->nsrcs].n = n;
	p->srcs[p->nsrcs].pos = 0;
	p->srcs[p->nsrcs].frame = frame;
	p->nsrcs++;
	return 0;
}

/* --- imports and snippets -------------------------------------------- */

static size_t
cf_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Snippets are looked up by hash: a Corefile may define very many. */
static struct cf_snippet *
parser_snippet(struct cf_parser *p, const char *name)
{
	struct cf_priv *pv = p->pv;
	size_t i, idx;

	if (pv->snhcap == 0)
		return NULL;
	for (i = cf_hash(name) & (pv->snhcap - 1); pv->snhash[i] != 0;
	     i = (i + 1) & (pv->snhcap - 1)) {
		idx = pv->snhash[i] - 1;
		if (strcmp(pv->snips[idx].name, name) == 0)
			return &pv->snips[idx];
	}
	return NULL;
}

/* Indexes the snippet at pv->snips[idx]. */
static int
parser_snippet_index(struct cf_parser *p, size_t idx)
{
	struct cf_priv *pv = p->pv;
	size_t *nh, ncap, i, j;

	if ((idx + 1) * 2 >= pv->snhcap) {
		ncap = pv->snhcap != 0 ? pv->snhcap * 2 : 64;
		if ((nh = calloc(ncap, sizeof(*nh))) == NULL)
			return ERR_NOMEM;
		for (j = 0; j < idx; j++) {
			i = cf_hash(pv->snips[j].name) & (ncap - 1);
			while (nh[i] != 0)
				i = (i + 1) & (ncap - 1);
			nh[i] = j + 1;
		}
		free(pv->snhash);
		pv->snhash = nh;
		pv->snhcap = ncap;
	}
	i = cf_hash(pv->snips[idx].name) & (pv->snhcap - 1);
	while (pv->snhash[i] != 0)
		i = (i + 1) & (pv->snhcap - 1);
	pv->snhash[i] = idx + 1;
	return 0;
}

/* Reads and lexes one imported file; its tokens go in *out. */
static int
import_file(struct cf_parser *p, const struct cf_token *imp,
    struct cf_frame *fr, const char *path, struct cf_tokens **out,
    struct cf_frame **outfr)
{
	char real[PATH_MAX], *text = NULL;
	const char *name;
	struct cf_frame *f;
	size_t len = 0;
	int rc;

	if (++p->pv->nreads > CF_MAX_FILES)
		return parser_err(p, imp, "too many imported files");
	if (realpath(path, real) == NULL) {
		if (strlen(path) >= sizeof(real))
			return parser_err(p, imp, "path too long: %s", path);
		strcpy(real, path);
	}
	for (f = fr; f != NULL; f = f->parent) {
		if (f->real != NULL && strcmp(f->real, real) == 0)
			return parser_err(p, imp, "import cycle: %s", path);
	}
	rc = cf_read_file(path, &text, &len);
	if (rc == ERR_NOMEM)
		return parser_nomem(p);
	if (rc == ERR_SPACE)
		return parser_err(
		    p, imp, "Could not import %s: file too large", path);
	if (rc != 0)
		return parser_err(p, imp, "Could not import %s: %s", path,
		    cf_read_strerror(rc));
	if (parser_record_file(p, real) != 0 ||
	    (name = parser_intern(p, path, NULL)) == NULL ||
	    (f = parser_frame_new(p, fr, real, NULL)) == NULL) {
		rc = parser_nomem(p);
		goto out;
	}
	if ((rc = parser_lex(p, text, len, name, out)) != 0)
		goto out;
	*outfr = f;
out:
	free(text);
	return rc;
}

/* `import PATTERN` of files, relative to the importing token's folder. */
static int
import_glob(struct cf_parser *p, const struct cf_token *imp,
    const struct cf_token *arg, struct cf_frame *fr)
{
	struct cf_tokens **toks = NULL;
	struct cf_frame **frames = NULL;
	const char *dir;
	char *pattern = NULL;
	glob_t g;
	size_t i, len;
	int grc, rc = 0;

	memset(&g, 0, sizeof(g));
	if (arg->text[0] == '/') {
		pattern = strdup(arg->text);
	} else {
		dir = parser_dir_of(p, arg->file);
		len = strlen(dir) + strlen(arg->text) + 2;
		if ((pattern = malloc(len)) != NULL)
			snprintf(pattern, len, "%s/%s", dir, arg->text);
	}
	if (pattern == NULL)
		return parser_nomem(p);
	grc = glob(pattern, 0, NULL, &g);
	if (grc == GLOB_NOMATCH) {
		/* Caddy: a pattern with wildcards may match nothing */
		if (strpbrk(arg->text, "*?[") == NULL)
			rc = parser_err(
			    p, arg, "File to import not found: %s", arg->text);
		goto out;
	}
	if (grc == GLOB_NOSPACE) {
		rc = parser_nomem(p);
		goto out;
	}
	if (grc != 0) {
		rc = parser_err(
		    p, arg, "Failed to use import pattern %s", arg->text);
		goto out;
	}
	toks = calloc(g.gl_pathc, sizeof(*toks));
	frames = calloc(g.gl_pathc, sizeof(*frames));
	if (toks == NULL || frames == NULL) {
		rc = parser_nomem(p);
		goto out;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		rc = import_file(
		    p, imp, fr, g.gl_pathv[i], &toks[i], &frames[i]);
		if (rc != 0)
			goto out;
	}
	/* a stack: the last file first, so the first file is read first */
	for (i = g.gl_pathc; i-- > 0;) {
		rc = stream_push(p, toks[i]->v, toks[i]->n, frames[i]);
		if (rc != 0)
			goto out;
	}
out:
	free(toks);
	free(frames);
	free(pattern);
	globfree(&g);
	return rc;
}

/* On `import`: replaces the import line by a snippet's or files' tokens. */
static int
parser_import(struct cf_parser *p)
{
	const struct cf_token *imp = p->cur, *arg, *t;
	struct cf_frame *fr = p->cur_frame, *f;
	struct cf_snippet *sn;

	t = stream_peek(p);
	if (t == NULL || tok_newline(imp, t) || tok_open(t) || tok_close(t))
		return parser_err_args(p, imp);
	stream_next(p);
	arg = p->cur;
	t = stream_peek(p);
	if (t != NULL && !tok_newline(arg, t))
		return parser_err(p, t,
		    "Import takes only one argument (glob pattern or file)");
	if (arg->text[0] == '\0')
		return parser_err(
		    p, arg, "Import requires a non-empty filepath");
	if (fr != NULL && fr->depth + 1 > CF_MAX_DEPTH)
		return parser_err(p, imp,
		    "imports nested more than %d deep (import cycle?)",
		    CF_MAX_DEPTH);
	if ((sn = parser_snippet(p, arg->text)) == NULL)
		return import_glob(p, imp, arg, fr);
	for (f = fr; f != NULL; f = f->parent) {
		if (f->snippet != NULL && strcmp(f->snippet, sn->name) == 0)
			return parser_err(
			    p, imp, "import cycle: snippet '%s'", sn->name);
	}
	p->pv->ntokens += sn->toks.n;
	if (p->pv->ntokens > CF_MAX_TOKENS)
		return parser_err(p, imp, "too many tokens");
	if ((f = parser_frame_new(p, fr, NULL, sn->name)) == NULL)
		return parser_nomem(p);
	return stream_push(p, sn->toks.v, sn->toks.n, f);
}

/* After `(name) {`: keeps the tokens up to the matching `}`. */
static int
parser_snippet_def(struct cf_parser *p, const struct cf_token *key)
{
	struct cf_priv *pv = p->pv;
	struct cf_snippet *nv, *sn;
	int nesting = 1;
	size_t n = strlen(key->text);

	if (n < 3)
		return parser_err(p, key, "empty snippet name");
	nv = cf_grow(pv->snips, &pv->capsnips, pv->nsnips, sizeof(*nv));
	if (nv == NULL)
		return parser_nomem(p);
	pv->snips = nv;
	sn = &pv->snips[pv->nsnips];
	memset(sn, 0, sizeof(*sn));
	if ((sn->name = cf_strndup(key->text + 1, n - 2)) == NULL)
		return parser_nomem(p);
	if (parser_snippet(p, sn->name) != NULL) {
		parser_err(p, key,
		    "redeclaration of previously declared snippet %s",
		    sn->name);
		free(sn->name);
		return ERR_CONFIG;
	}
	if (parser_snippet_index(p, pv->nsnips) != 0) {
		free(sn->name);
		return parser_nomem(p);
	}
	pv->nsnips++;
	for (;;) {
		if (!stream_next(p))
			return parser_err(p, p->cur,
			    "unexpected EOF in snippet %s", sn->name);
		if (tok_open(p->cur)) {
			nesting++;
		} else if (tok_close(p->cur) && --nesting == 0) {
			return 0;
		}
		if (tokens_add(&sn->toks, p->cur) != 0)
			return parser_nomem(p);
	}
}

/* --- keys ------------------------------------------------------------ */

static int
block_key_add(struct cf_parser *p, struct cf_block *b, size_t *cap,
    const struct cf_token *t, enum cf_scheme scheme, uint16_t port,
    const char *zone)
{
	struct cf_key *nv, *k;

	if (++p->pv->nkeys > CF_MAX_KEYS)
		return parser_err(
		    p, t, "too many zones (over %d)", CF_MAX_KEYS);
	nv = cf_grow(b->keys, cap, b->nkeys, sizeof(*nv));
	if (nv == NULL)
		return parser_nomem(p);
	b->keys = nv;
	k = &b->keys[b->nkeys];
	if ((k->zone = strdup(zone)) == NULL)
		return parser_nomem(p);
	k->scheme = scheme;
	k->port = port;
	k->file = t->file;
	k->line = t->line;
	b->nkeys++;
	return 0;
}

/* Adds the reverse zones of `addr/prefix`: one per octet (IPv4) or
 * nibble (IPv6) aligned network the prefix covers. */
static int
key_cidr(struct cf_parser *p, struct cf_block *b, size_t *cap,
    const struct cf_token *t, enum cf_scheme scheme, uint16_t port,
    const uint8_t *ip, int bits, int prefix)
{
	int step = bits == 32 ? 8 : 4, q, i, k, j;
	uint8_t a[16];
	char zone[128];
	size_t n, count;
	int rc;

	q = (prefix + step - 1) / step * step;
	count = (size_t)1 << (q - prefix);
	if (count > CF_MAX_ZONES)
		return parser_err(
		    p, t, "CIDR expands to more than %d zones", CF_MAX_ZONES);
	for (i = 0; i < (int)count; i++) {
		memcpy(a, ip, (size_t)bits / 8);
		for (k = prefix; k < bits; k++) /* mask the host part */
			a[k / 8] &= (uint8_t) ~(0x80 >> (k % 8));
		for (k = prefix; k < q; k++) {
			if ((i >> (q - 1 - k)) & 1)
				a[k / 8] |= (uint8_t)(0x80 >> (k % 8));
		}
		n = 0;
		zone[0] = '\0';
		for (j = q / step - 1; j >= 0; j--) {
			if (bits == 32)
				n += (size_t)snprintf(
				    zone + n, sizeof(zone) - n, "%u.", a[j]);
			else
				n += (size_t)snprintf(zone + n,
				    sizeof(zone) - n, "%x.",
				    (a[j / 2] >> (j % 2 != 0 ? 0 : 4)) & 0xf);
		}
		snprintf(zone + n, sizeof(zone) - n, "%s",
		    bits == 32 ? "in-addr.arpa." : "ip6.arpa.");
		rc = block_key_add(p, b, cap, t, scheme, port, zone);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* A plain zone: lower case, absolute, sane labels. */
static int
key_zone(struct cf_parser *p, const struct cf_token *t, const char *key,
    char *h, char *zone, size_t zonelen)
{
	size_t n = strlen(h), label = 0, i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c <= ' ' || c == 0x7f || strchr(":(){}\";\\", c) != NULL)
			return parser_err(
			    p, t, "zone is not a valid domain name: %s", key);
		if (c >= 'A' && c <= 'Z')
			h[i] = (char)(c - 'A' + 'a');
	}
	if (n == 0 || strcmp(h, ".") == 0) {
		snprintf(zone, zonelen, ".");
		return 0;
	}
	if (h[n - 1] == '.')
		h[--n] = '\0';
	for (i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (label == 0 || label > 63)
				return parser_err(p, t,
				    "zone is not a valid domain name: %s", key);
			label = 0;
		} else {
			label++;
		}
	}
	if (n + 1 > 255)
		return parser_err(p, t, "zone is too long: %s", key);
	snprintf(zone, zonelen, "%s.", h);
	return 0;
}

/* Parses one key `[dns://|tls://]ZONE[:PORT]` (ZONE may be a CIDR). */
static int
block_key_parse(struct cf_parser *p, struct cf_block *b, size_t *cap,
    const struct cf_token *t, const char *s, size_t len)
{
	char key[CF_MAX_KEY + 1], buf[CF_MAX_KEY + 1], zone[CF_MAX_KEY + 2];
	char *h = buf, *colon, *slash, *end;
	enum cf_scheme scheme = CF_DNS;
	uint16_t port = p->default_port;
	uint8_t ip[16];
	unsigned long v;
	size_t i;

	if (len > CF_MAX_KEY)
		return parser_err(p, t, "key too long");
	memcpy(key, s, len);
	key[len] = '\0';
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strncasecmp(h, "dns://", 6) == 0) {
		h += 6;
	} else if (strncasecmp(h, "tls://", 6) == 0) {
		scheme = CF_TLS;
		port = 853; /* DNS over TLS (RFC 7858), as CoreDNS */
		h += 6;
	} else if ((end = strstr(h, "://")) != NULL) {
		*end = '\0';
		return parser_err(
		    p, t, "unsupported scheme '%s://' in key %s", h, key);
	}
	if ((colon = strrchr(h, ':')) != NULL) {
		const char *ps = colon + 1;

		for (i = 0; ps[i] >= '0' && ps[i] <= '9'; i++)
			;
		if (*ps == '\0')
			return parser_err(p, t,
			    "expecting a port after the last colon: %s", key);
		if (ps[i] == '\0') {
			v = i <= 5 ? strtoul(ps, NULL, 10) : 0;
			if (v < 1 || v > 65535)
				return parser_err(p, t,
				    "invalid port '%s' in key %s", ps, key);
			port = (uint16_t)v;
			*colon = '\0';
		}
	}
	if ((slash = strchr(h, '/')) != NULL) {
		const char *ps = slash + 1;
		int bits = 0;

		*slash = '\0';
		if (inet_pton(AF_INET, h, ip) == 1)
			bits = 32;
		else if (inet_pton(AF_INET6, h, ip) == 1)
			bits = 128;
		if (bits != 0) {
			for (i = 0; ps[i] >= '0' && ps[i] <= '9'; i++)
				;
			v = i > 0 && i <= 3 && ps[i] == '\0'
			        ? strtoul(ps, NULL, 10)
			        : 1000;
			if (v > (unsigned long)bits)
				return parser_err(p, t, "invalid CIDR %s", key);
			return key_cidr(
			    p, b, cap, t, scheme, port, ip, bits, (int)v);
		}
		if (strchr(h, ':') != NULL)
			return parser_err(p, t, "invalid CIDR %s", key);
		*slash =
		    '/'; /* RFC 2317 names like 0/25.2.0.192.in-addr.arpa */
	}
	if (key_zone(p, t, key, h, zone, sizeof(zone)) != 0)
		return ERR_CONFIG;
	return block_key_add(p, b, cap, t, scheme, port, zone);
}

/* A key token may hold several keys separated by commas. */
static int
block_keys_add(struct cf_parser *p, struct cf_block *b, size_t *cap,
    const struct cf_token *t)
{
	const char *s = t->text, *comma;
	size_t n;
	int rc;

	for (;;) {
		comma = strchr(s, ',');
		n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n > 0 && (rc = block_key_parse(p, b, cap, t, s, n)) != 0)
			return rc;
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

/* --- blocks ---------------------------------------------------------- */

static void
block_fini(struct cf_block *b)
{
	size_t i;

	for (i = 0; i < b->nkeys; i++)
		free(b->keys[i].zone);
	free(b->keys);
	for (i = 0; i < b->ndirs; i++)
		free(b->dirs[i].tokens);
	free(b->dirs);
}

/* On a directive's name: takes the rest of its line and its blocks. */
static int
parser_directive(struct cf_parser *p, struct cf_block *b, size_t *cap)
{
	struct cf_tokens ts = { 0 };
	struct cf_directive *nv;
	const struct cf_token *t;
	int nesting = 0, rc;

	if (tokens_add(&ts, p->cur) != 0)
		goto nomem;
	while ((t = stream_peek(p)) != NULL) {
		/* Caddy: `{` opens a block even at the start of a line */
		if (tok_open(t)) {
			nesting++;
		} else if (nesting == 0 && tok_newline(p->cur, t)) {
			break;
		} else if (tok_close(t)) {
			if (nesting == 0) {
				rc = parser_err(p, t, "unexpected '}'");
				goto out;
			}
			nesting--;
		}
		stream_next(p);
		if (tokens_add(&ts, p->cur) != 0)
			goto nomem;
	}
	if (nesting > 0) {
		rc = parser_err(p, p->cur, "unexpected EOF, expecting '}'");
		goto out;
	}
	if ((nv = cf_grow(b->dirs, cap, b->ndirs, sizeof(*nv))) == NULL)
		goto nomem;
	b->dirs = nv;
	b->dirs[b->ndirs].tokens = ts.v;
	b->dirs[b->ndirs].ntokens = ts.n;
	b->ndirs++;
	return 0;
nomem:
	rc = parser_nomem(p);
out:
	free(ts.v);
	return rc;
}

/* The directives of a block, up to its `}` (or EOF without braces). */
static int
parser_body(struct cf_parser *p, struct cf_block *b, bool braced)
{
	size_t cap = 0;
	int rc;

	for (;;) {
		if (!stream_next(p)) {
			if (braced)
				return parser_err(
				    p, p->cur, "unexpected EOF, expecting '}'");
			return 0;
		}
		if (tok_close(p->cur)) {
			if (braced)
				return 0;
			return parser_err(p, p->cur, "unexpected '}'");
		}
		if (tok_open(p->cur))
			return parser_err(p, p->cur, "unexpected '{'");
		if (tok_is(p->cur, "import"))
			rc = parser_import(p);
		else
			rc = parser_directive(p, b, &cap);
		if (rc != 0)
			return rc;
	}
}

static int
parser_block_add(struct cf_parser *p, struct cf_block *b)
{
	struct cf_block *nv;

	nv = cf_grow(
	    p->cf->blocks, &p->pv->capblocks, p->cf->nblocks, sizeof(*nv));
	if (nv == NULL)
		return parser_nomem(p);
	p->cf->blocks = nv;
	p->cf->blocks[p->cf->nblocks++] = *b;
	return 0;
}

static bool
key_is_snippet(const struct cf_token *t)
{
	size_t n = strlen(t->text);

	return !t->quoted && n >= 2 && t->text[0] == '(' &&
	       t->text[n - 1] == ')';
}

/* On the first token of a server block (or snippet definition). */
static int
parser_block(struct cf_parser *p)
{
	const struct cf_token **keys = NULL, **nk, *t, *first = p->cur;
	struct cf_block b = { 0 };
	size_t nkeys = 0, capkeys = 0, cap = 0, i, n;
	bool expecting = false, braced = false, eof = false;
	int rc;

	for (;;) {
		t = p->cur;
		if (tok_open(t)) {
			if (expecting) {
				rc = parser_err(p, t,
				    "Expected another address but had '{' - "
				    "check for extra comma");
				goto out;
			}
			braced = true;
			break;
		}
		if (tok_close(t)) {
			rc = parser_err(p, t, "unexpected '}'");
			goto out;
		}
		if (nkeys > 0 && tok_is(t, "import") &&
		    tok_newline(p->prev, t)) {
			if ((rc = parser_import(p)) != 0)
				goto out;
			if (!stream_next(p)) {
				rc = parser_err(p, p->cur,
				    "unexpected EOF, expecting another key");
				goto out;
			}
			continue;
		}
		nk = cf_grow(keys, &capkeys, nkeys, sizeof(*nk));
		if (nk == NULL) {
			rc = parser_nomem(p);
			goto out;
		}
		keys = nk;
		keys[nkeys++] = t;
		n = strlen(t->text);
		expecting = n > 0 && t->text[n - 1] == ',';
		if ((t = stream_peek(p)) == NULL) {
			if (expecting) {
				rc = parser_err(p, p->cur,
				    "unexpected EOF, expecting another key");
				goto out;
			}
			eof = true;
			break;
		}
		if (!expecting && tok_newline(p->cur, t))
			break;
		stream_next(p);
	}
	if (!braced && !eof && tok_open(stream_peek(p))) {
		stream_next(p);
		braced = true;
	}
	if (nkeys == 1 && key_is_snippet(keys[0])) {
		if (!braced) {
			rc = parser_err(p, keys[0],
			    "expected '{' after snippet %s", keys[0]->text);
			goto out;
		}
		rc = parser_snippet_def(p, keys[0]);
		goto out;
	}
	for (i = 0; i < nkeys; i++) {
		if ((rc = block_keys_add(p, &b, &cap, keys[i])) != 0)
			goto out;
	}
	if (b.nkeys == 0) {
		rc = parser_err(p, first, "server block has no keys");
		goto out;
	}
	b.file = b.keys[0].file;
	b.line = b.keys[0].line;
	if (!eof && (rc = parser_body(p, &b, braced)) != 0)
		goto out;
	if ((rc = parser_block_add(p, &b)) != 0)
		goto out;
	memset(&b, 0, sizeof(b));
out:
	block_fini(&b);
	free(keys);
	return rc;
}

static int
parser_all(struct cf_parser *p)
{
	int rc;

	while (stream_next(p)) {
		if (tok_is(p->cur, "import"))
			rc = parser_import(p);
		else
			rc = parser_block(p);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* --- public API ------------------------------------------------------ */

void
corefile_free(struct corefile *cf)
{
	struct cf_priv *pv;
	size_t i, j;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nblocks; i++)
		block_fini(&cf->blocks[i]);
	free(cf->blocks);
	for (i = 0; i < cf->nfiles; i++)
		free(cf->files[i]);
	free(cf->files);
	if ((pv = cf->priv) != NULL) {
		for (i = 0; i < pv->nnames; i++) {
			free(pv->names[i].name);
			free(pv->names[i].dir);
		}
		free(pv->names);
		for (i = 0; i < pv->nlexed; i++) {
			for (j = 0; j < pv->lexed[i].n; j++)
				free(pv->lexed[i].v[j].text);
			free(pv->lexed[i].v);
		}
		free(pv->lexed);
		for (i = 0; i < pv->nframes; i++) {
			free(pv->frames[i]->real);
			free(pv->frames[i]);
		}
		free(pv->frames);
		for (i = 0; i < pv->nsnips; i++) {
			free(pv->snips[i].name);
			free(pv->snips[i].toks.v);
		}
		free(pv->snips);
		free(pv->snhash);
		free(pv);
	}
	free(cf);
}

/* `real`: the main file's real path (NULL when parsing a string). */
static struct corefile *
corefile_parse(const char *text, size_t len, const char *name, const char *dir,
    const char *real, uint16_t default_port, char *err, size_t errlen)
{
	struct cf_parser p;
	struct cf_tokens *toks;
	struct cf_frame *fr;
	struct corefile *cf;
	const char *fname;
	int rc = ERR_NOMEM;

	memset(&p, 0, sizeof(p));
	p.default_port = default_port;
	p.err = err;
	p.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((cf = calloc(1, sizeof(*cf))) == NULL ||
	    (cf->priv = calloc(1, sizeof(struct cf_priv))) == NULL) {
		parser_errat(&p, name, 0, "out of memory");
		goto out;
	}
	p.cf = cf;
	p.pv = cf->priv;
	if ((fname = parser_intern(&p, name, dir)) == NULL ||
	    (real != NULL && parser_record_file(&p, real) != 0) ||
	    (fr = parser_frame_new(&p, NULL, real, NULL)) == NULL) {
		parser_errat(&p, name, 0, "out of memory");
		goto out;
	}
	if ((rc = parser_lex(&p, text, len, fname, &toks)) != 0)
		goto out;
	if ((rc = stream_push(&p, toks->v, toks->n, fr)) != 0)
		goto out;
	rc = parser_all(&p);
out:
	free(p.srcs);
	if (rc != 0) {
		corefile_free(cf);
		return NULL;
	}
	return cf;
}

struct corefile *
corefile_parse_string(const char *text, size_t len, const char *name,
    const char *dir, uint16_t default_port, char *err, size_t errlen)
{
	if (name == NULL)
		name = "Corefile";
	if (text == NULL)
		text = "";
	return corefile_parse(text, len, name, dir != NULL ? dir : ".", NULL,
	    default_port, err, errlen);
}

struct corefile *
corefile_parse_file(
    const char *path, uint16_t default_port, char *err, size_t errlen)
{
	struct corefile *cf = NULL;
	char real[PATH_MAX], *text = NULL;
	size_t len = 0;
	int rc;

	rc = cf_read_file(path, &text, &len);
	if (rc != 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen,
			    "%s:0 - Error during parsing: could not read "
			    "file: %s",
			    path, cf_read_strerror(rc));
		goto out;
	}
	if (realpath(path, real) == NULL)
		snprintf(real, sizeof(real), "%s", path);
	cf = corefile_parse(
	    text, len, path, NULL, real, default_port, err, errlen);
out:
	free(text);
	return cf;
}

/* --- dispenser ------------------------------------------------------- */

void
cf_disp_init(struct cf_disp *d, const struct cf_directive *dirs, size_t ndirs,
    char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->dirs = dirs;
	d->ndirs = dirs != NULL ? ndirs : 0;
	d->di = (size_t)-1;
	d->err = err;
	d->errlen = errlen;
}

/* The current occurrence, or NULL before the first / after the last. */
static const struct cf_directive *
disp_dir(const struct cf_disp *d)
{
	if (d->di >= d->ndirs || d->dirs[d->di].tokens == NULL ||
	    d->dirs[d->di].ntokens == 0 || d->ti >= d->dirs[d->di].ntokens)
		return NULL;
	return &d->dirs[d->di];
}

/* The current token; before the first occurrence the first name, after
 * the last one the last token (for messages). */
static const struct cf_token *
disp_tok(const struct cf_disp *d)
{
	const struct cf_directive *dir;
	size_t i;

	if ((dir = disp_dir(d)) != NULL)
		return &dir->tokens[d->ti];
	if (d->ndirs == 0)
		return NULL;
	if (d->di == (size_t)-1) {
		for (i = 0; i < d->ndirs; i++) {
			if (d->dirs[i].ntokens > 0 && d->dirs[i].tokens != NULL)
				return &d->dirs[i].tokens[0];
		}
		return NULL;
	}
	for (i = d->ndirs; i-- > 0;) {
		if (d->dirs[i].ntokens > 0 && d->dirs[i].tokens != NULL)
			return &d->dirs[i].tokens[d->dirs[i].ntokens - 1];
	}
	return NULL;
}

bool
cf_next(struct cf_disp *d)
{
	if (d->di == (size_t)-1)
		d->di = 0;
	else if (d->di < d->ndirs)
		d->di++;
	while (d->di < d->ndirs &&
	       (d->dirs[d->di].ntokens == 0 || d->dirs[d->di].tokens == NULL))
		d->di++;
	d->ti = 0;
	d->nesting = 0;
	return d->di < d->ndirs;
}

/* Whether token j of the current occurrence is an argument of the line
 * of token j - 1. */
static bool
disp_same_line_arg(const struct cf_directive *dir, size_t j)
{
	const struct cf_token *t;

	if (j == 0 || j >= dir->ntokens)
		return false;
	t = &dir->tokens[j];
	return !tok_newline(&dir->tokens[j - 1], t) && !tok_open(t) &&
	       !tok_close(t);
}

bool
cf_next_arg(struct cf_disp *d)
{
	const struct cf_directive *dir = disp_dir(d);

	if (dir == NULL || !disp_same_line_arg(dir, d->ti + 1))
		return false;
	d->ti++;
	return true;
}

size_t
cf_remaining_args(const struct cf_disp *d)
{
	const struct cf_directive *dir = disp_dir(d);
	size_t j, n = 0;

	if (dir == NULL)
		return 0;
	for (j = d->ti + 1; disp_same_line_arg(dir, j); j++)
		n++;
	return n;
}

/* Caddy's NextBlock without its nesting argument, so the position decides:
 * - the next token is a `{` (the line's arguments have all been read, or
 *   there are none): enter that block, d->nesting + 1, and stop on its
 *   first token (false at once for an empty block);
 * - else, inside a block: move to the first token of the next line at
 *   this level, skipping the rest of the line and any block of it that
 *   was not entered; at the level's `}`, d->nesting - 1 and false;
 * - else (not in a block): false, nothing moves.
 * So a nested loop enters a line's sub-block only if the line has one: on
 * a line without, its first call moves on at the enclosing level. And an
 * outer loop that leaves a `name {` line with no arguments unhandled
 * enters that block on its next call. */
bool
cf_next_block(struct cf_disp *d)
{
	const struct cf_directive *dir = disp_dir(d);
	const struct cf_token *t;
	size_t j;
	int depth = 0;

	if (dir == NULL)
		return false;
	j = d->ti + 1;
	/* the parser also takes a `{` on the next line (Caddy does) */
	if (j < dir->ntokens && tok_open(&dir->tokens[j])) {
		if (j + 1 >= dir->ntokens) { /* unbalanced: not from us */
			d->ti = j;
			return false;
		}
		d->ti = j + 1;
		if (tok_close(&dir->tokens[d->ti]))
			return false; /* `{ }`: an empty block */
		d->nesting++;
		return true;
	}
	if (d->nesting <= 0)
		return false;
	/* a line that starts with `{` (entered onto it) */
	if (tok_open(&dir->tokens[d->ti]))
		depth = 1;
	for (; j < dir->ntokens; j++) {
		t = &dir->tokens[j];
		if (tok_open(t)) {
			depth++;
		} else if (tok_close(t)) {
			if (depth == 0) {
				d->ti = j;
				d->nesting--;
				return false;
			}
			depth--;
		} else if (depth == 0 && tok_newline(&dir->tokens[j - 1], t)) {
			d->ti = j;
			return true;
		}
	}
	d->ti = dir->ntokens - 1;
	d->nesting = 0;
	return false;
}

const char *
cf_val(const struct cf_disp *d)
{
	const struct cf_token *t = disp_tok(d);

	return t != NULL && t->text != NULL ? t->text : "";
}

const char *
cf_file(const struct cf_disp *d)
{
	const struct cf_token *t = disp_tok(d);

	return t != NULL && t->file != NULL ? t->file : "";
}

int
cf_line(const struct cf_disp *d)
{
	const struct cf_token *t = disp_tok(d);

	return t != NULL ? t->line : 0;
}

int
cf_errf(struct cf_disp *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cf_vseterr(d->err, d->errlen, cf_file(d), cf_line(d), fmt, ap);
	va_end(ap);
	return ERR_CONFIG;
}

int
cf_err_args(struct cf_disp *d)
{
	return cf_errf(d,
	    "Wrong argument count or unexpected line ending after '%s'",
	    cf_val(d));
}
