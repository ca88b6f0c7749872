/* common/err.h - project-wide error codes (0 ok, negative ERR_*) */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

enum {
	ERR_OK = 0,
	ERR_NOMEM = -1,    /* out of memory */
	ERR_INVAL = -2,    /* invalid argument or state */
	ERR_IO = -3,       /* system call or I/O failure (errno set) */
	ERR_FORMAT = -4,   /* malformed input (wire, text) */
	ERR_SPACE = -5,    /* no room left in a buffer */
	ERR_CONFIG = -6,   /* configuration error (message already set) */
	ERR_NOTFOUND = -7, /* no such thing */
	ERR_EXISTS = -8,   /* already exists */
	ERR_DROP = -9,     /* input to be dropped silently */
	ERR_TIMEOUT = -10, /* a bounded wait ran out */
};

/* Name of an error code; a static string, never NULL. */
const char *err_str(int rc);

#endif
