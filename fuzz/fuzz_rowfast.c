/* fuzz/fuzz_rowfast.c - libFuzzer target for records rows to wire form:
 * whenever the fast path takes a row, the full zone-file parser must give
 * the same record (a differential check), and neither may crash */
#include "config.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/dname.h"
#include "common/log.h"
#include "storage/rowfast.h"
#include "storage/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

static struct store_rr fast_rr, slow_rr;
static const char *const types[] = { "A", "AAAA", "CNAME", "NS", "PTR", "DNAME",
	"MX", "SRV", "SOA", "TXT", "a", "Mx", "HINFO", "CAA" };

/* Input: byte 0 picks the type, byte 1 the TTL/prio shape, then
 * "NAME\nCONTENT". */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	char name[300], content[1024];
	const uint8_t *nl;
	size_t nlen, clen;
	struct store_row row;
	int f, s;

	if (!init) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			log_set_fd(fd);
		init = true;
	}
	if (size < 3)
		return 0;
	nl = memchr(data + 2, '\n', size - 2);
	if (nl == NULL)
		return 0;
	nlen = (size_t)(nl - (data + 2));
	clen = size - 2 - nlen - 1;
	if (nlen >= sizeof(name) || clen >= sizeof(content) ||
	    memchr(data + 2, 0, size - 2) != NULL)
		return 0;
	memcpy(name, data + 2, nlen);
	name[nlen] = '\0';
	memcpy(content, nl + 1, clen);
	content[clen] = '\0';
	row.id = 1;
	row.name = name;
	row.type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	row.content = content;
	row.ttl = (data[1] & 1) ? 3600 : (data[1] & 2) ? -1 : 2147483648LL;
	row.has_prio = (data[1] & 4) != 0;
	row.prio = (data[1] & 8) ? 10 : 70000;
	store_rowfast_off = false;
	f = store_row_to_rr_fast("example.org", &row, &fast_rr);
	CHECK(f == 0 || f == 1);
	if (f != 0)
		return 0;
	store_rowfast_off = true;
	s = store_row_to_rr("example.org", &row, &slow_rr);
	store_rowfast_off = false;
	CHECK(s == 0);
	CHECK(fast_rr.type == slow_rr.type && fast_rr.ttl == slow_rr.ttl &&
	      fast_rr.rdlen == slow_rr.rdlen);
	CHECK(dname_len(fast_rr.owner) == dname_len(slow_rr.owner));
	CHECK(memcmp(fast_rr.owner, slow_rr.owner, dname_len(slow_rr.owner)) ==
	      0);
	CHECK(memcmp(fast_rr.rdata, slow_rr.rdata, slow_rr.rdlen) == 0);
	return 0;
}
