/* server/plugins/bufsize/bufsize.c - the EDNS UDP size the block
 * advertises and the largest UDP reply it sends (512..4096) */
#include "config.h"

#include "common/strutil.h"
#include "common/wire.h"
#include "server/request.h"

static int
bufsize_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	uint64_t v = EDNS_DEFAULT_SIZE;
	int n = 0;

	*ctx = NULL;
	while (cf_next(d)) {
		if (++n > 1)
			return cf_errf(d, "bufsize can only be used once per "
			                  "server block");
		if (cf_next_arg(d) && str_parse_uint(cf_val(d), EDNS_MIN_SIZE,
		                          EDNS_MAX_SIZE, &v) != 0)
			return cf_errf(d,
			    "bufsize must be a number within 512 and 4096: "
			    "'%s'",
			    cf_val(d));
		if (cf_next_arg(d) || cf_next_block(d))
			return cf_err_args(d);
	}
	server_block_set_bufsize(ps->block, (uint16_t)v);
	return 0;
}

const struct plugin_ops bufsize_plugin = {
	.name = "bufsize",
	.setup = bufsize_setup,
};
