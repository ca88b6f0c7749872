/* fuzz/fuzz_zonefile.c - libFuzzer target for the master file reader and
 * the record writer */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

/* Enough records to cover the code; a $GENERATE of 65536 records per
 * line would otherwise make slow inputs. */
#define MAX_RECORDS 2000

static char text[ZONEFILE_TEXT_MAX];
static const uint8_t zone[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o',
	'r', 'g', 0 };

/* Every record is in the zone, well formed, and prints. */
static int
on_rr(void *arg, const struct zf_rr *rr)
{
	unsigned *n = arg;
	int len;

	CHECK(rr->owner != NULL && rr->file != NULL && rr->line > 0);
	CHECK(dname_is_subdomain(rr->owner, zone));
	CHECK(rr->rdlen == 0 || rr->rdata != NULL);
	len = zonefile_rr_to_text(rr, text, sizeof(text));
	CHECK(len > 0 && (size_t)len == strlen(text));
	if (++*n >= MAX_RECORDS)
		return 1;
	return 0;
}

static void
on_warn(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	CHECK(file != NULL && msg != NULL && line > 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	unsigned n = 0;
	int rc;

	/* "$INCLUDE x" resolves against a folder that does not exist */
	rc = zonefile_read_mem((const char *)data, size,
	    "/nonexistent-fuzz-dir/zone", "example.org.", 0, on_rr, on_warn, &n,
	    err, sizeof(err));
	CHECK(rc == 0 || rc == 1 || rc == ERR_FORMAT || rc == ERR_IO ||
	      rc == ERR_INVAL || rc == ERR_NOMEM);
	if (rc != 0 && rc != 1)
		CHECK(err[0] != '\0' && strlen(err) < sizeof(err));
	return 0;
}
