/* common/err.c - names of error codes */
#include "config.h"
#include "common/err.h"

const char *
err_str(int rc)
{
	switch (rc) {
	case ERR_OK:
		return "ok";
	case ERR_NOMEM:
		return "out of memory";
	case ERR_INVAL:
		return "invalid argument";
	case ERR_IO:
		return "I/O error";
	case ERR_FORMAT:
		return "malformed input";
	case ERR_SPACE:
		return "no space left in buffer";
	case ERR_CONFIG:
		return "configuration error";
	case ERR_NOTFOUND:
		return "not found";
	case ERR_EXISTS:
		return "already exists";
	case ERR_DROP:
		return "dropped";
	case ERR_TIMEOUT:
		return "timed out";
	}
	return "unknown error";
}
