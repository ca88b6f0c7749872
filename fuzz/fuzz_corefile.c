/* fuzz/fuzz_corefile.c - libFuzzer target for the Corefile parser */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "server/corefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walks a block level the way plugins do; `depth` bounds the recursion. */
static size_t
fuzz_walk(struct cf_disp *d, int depth)
{
	size_t n = 0;

	while (cf_next_block(d)) {
		n += strlen(cf_val(d)) + cf_remaining_args(d);
		if (cf_remaining_args(d) > 2)
			(void)cf_err_args(d);
		while (cf_next_arg(d))
			n += (size_t)cf_line(d);
		if (depth < 8)
			n += fuzz_walk(d, depth + 1);
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct corefile *cf;
	struct cf_disp d;
	char err[256];
	size_t i, n = 0;

	/* a folder that does not exist: relative imports fail */
	cf = corefile_parse_string((const char *)data, size, "fuzz",
	    "/nonexistent-fuzz-dir", 53, err, sizeof(err));
	if (cf == NULL)
		return 0;
	for (i = 0; i < cf->nblocks; i++) {
		cf_disp_init(&d, cf->blocks[i].dirs, cf->blocks[i].ndirs, err,
		    sizeof(err));
		(void)cf_errf(&d, "before %s", cf_val(&d));
		while (cf_next(&d)) {
			n += strlen(cf_file(&d));
			while (cf_next_arg(&d))
				n += strlen(cf_val(&d));
			n += fuzz_walk(&d, 0);
			(void)cf_err_args(&d);
		}
		(void)cf_errf(&d, "after %zu", n);
		/* the same blocks, skipping every line's arguments */
		cf_disp_init(
		    &d, cf->blocks[i].dirs, cf->blocks[i].ndirs, NULL, 0);
		while (cf_next(&d)) {
			while (cf_next_block(&d))
				n += cf_remaining_args(&d);
		}
	}
	corefile_free(cf);
	return n == (size_t)-1;
}
