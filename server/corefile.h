/* server/corefile.h - Corefile lexer and parser (CoreDNS/Caddy grammar)
 *
 * A Corefile is a list of server blocks:
 *
 *   [dns://|tls://]ZONE [ZONE...][:PORT] {
 *       directive arg... {
 *           subdirective arg...
 *       }
 *   }
 *
 * with `#` comments, quoted tokens, `{$ENV}` / `{%ENV%}` substitution,
 * `import FILE|GLOB|SNIPPET` (top level and inside blocks) and snippets
 * `(name) { ... }`. The parser only builds the token structure; the
 * server core maps directive names to plugins and each plugin parses its
 * own arguments through a `struct cf_disp`.
 */
#ifndef SERVER_COREFILE_H
#define SERVER_COREFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cf_token {
	char *text;       /* unquoted, escapes and {$ENV} resolved */
	const char *file; /* interned; owned by the struct corefile */
	int line;
	bool quoted;
};

/* One occurrence of a directive: tokens[0] is its name; the rest are its
 * arguments and, if any, its nested `{ ... }` block with the braces. */
struct cf_directive {
	struct cf_token *tokens;
	size_t ntokens;
};

enum cf_scheme { CF_DNS, CF_TLS };

/* One key of a server block, normalized. A CIDR key expands to one key
 * per octet (IPv4) or nibble (IPv6) aligned reverse zone. */
struct cf_key {
	enum cf_scheme scheme;
	char *zone;    /* lower case, absolute, trailing dot: "example.org." */
	uint16_t port; /* explicit port, else 853 for tls://, else the
	                * default given to the parser */
	const char *file;
	int line;
};

struct cf_block {
	struct cf_key *keys;
	size_t nkeys;
	struct cf_directive *dirs; /* in file order */
	size_t ndirs;
	const char *file;
	int line;
};

struct corefile {
	struct cf_block *blocks;
	size_t nblocks;
	char **files; /* every file read (main + imports), for reload checks */
	size_t nfiles;
	/* private: interned strings and token storage */
	void *priv;
};

/* Parses the Corefile at `path`; imports are resolved relative to the
 * folder of the file that imports them. Keys without a port get
 * `default_port`. Returns NULL on error with "FILE:LINE - message" in
 * `err`. Caller frees with corefile_free(). */
struct corefile *corefile_parse_file(
    const char *path, uint16_t default_port, char *err, size_t errlen);

/* Same, from memory. `name` is used in messages, `dir` resolves relative
 * imports (NULL: current directory). */
struct corefile *corefile_parse_string(const char *text, size_t len,
    const char *name, const char *dir, uint16_t default_port, char *err,
    size_t errlen);

void corefile_free(struct corefile *cf);

/* A cursor over every occurrence of one directive in one server block
 * (Caddy's "dispenser"). Plugins parse their configuration with it:
 *
 *   while (cf_next(d)) {              // each occurrence, on its name
 *       while (cf_next_arg(d)) ...    // arguments on the same line
 *       while (cf_next_block(d)) {    // tokens inside { }, one level
 *           if (strcmp(cf_val(d), "x") == 0) ...
 *       }
 *   }
 */
struct cf_disp {
	const struct cf_directive *dirs; /* borrowed */
	size_t ndirs;
	size_t di;   /* current directive, (size_t)-1 before the first */
	size_t ti;   /* current token within dirs[di] */
	int nesting; /* depth inside the current block while iterating */
	char *err;   /* where cf_errf writes */
	size_t errlen;
};

/* Prepares a cursor; `err` receives messages from cf_errf. */
void cf_disp_init(struct cf_disp *d, const struct cf_directive *dirs,
    size_t ndirs, char *err, size_t errlen);
/* Moves to the next occurrence of the directive (onto its name token). */
bool cf_next(struct cf_disp *d);
/* Moves to the next token if it is on the same line as the current one
 * and is not an opening `{`. */
bool cf_next_arg(struct cf_disp *d);
/* Inside a block: on the first call expects `{` as the next token (on
 * the same line) and enters it; each call then moves to the next token
 * of the block at the top nesting level (a line's first token) ... the
 * caller reads that line's arguments with cf_next_arg(). Returns false
 * at the closing `}` or when there is no block. Nested blocks inside it
 * are entered with a nested cf_next_block() loop. */
bool cf_next_block(struct cf_disp *d);
/* Remaining tokens on the current line, for argument counting. */
size_t cf_remaining_args(const struct cf_disp *d);
/* The current token's text / file / line. */
const char *cf_val(const struct cf_disp *d);
const char *cf_file(const struct cf_disp *d);
int cf_line(const struct cf_disp *d);
/* Writes "FILE:LINE - message" for the current token into the error
 * buffer and returns ERR_CONFIG. */
int cf_errf(struct cf_disp *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "wrong argument count or unexpected line ending after 'X'". */
int cf_err_args(struct cf_disp *d);

#endif
