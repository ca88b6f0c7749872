/* common/strbuf.h - a growing text buffer for pages built off the answer
 * path (/metrics, /debug/vars) */
#ifndef COMMON_STRBUF_H
#define COMMON_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

/* Start with { NULL, 0, 0, false }; the caller frees p. */
struct strbuf {
	char *p;
	size_t len, cap;
	bool oom; /* a write was lost for want of memory */
};

/* Appends formatted text; on failure sets b->oom and drops the text. */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
