/* server/plugin.c - the table of compiled-in plugins */
#include "config.h"

#include <string.h>

#include "server/plugin.h"

#define PLUGIN(n) extern const struct plugin_ops n##_plugin;
#include "server/plugins.def"
#undef PLUGIN

const struct plugin_ops *const plugin_table[] = {
#define PLUGIN(n) &n##_plugin,
#include "server/plugins.def"
#undef PLUGIN
};

const size_t plugin_count = sizeof(plugin_table) / sizeof(plugin_table[0]);

int
plugin_index(const char *name)
{
	for (size_t i = 0; i < plugin_count; i++)
		if (strcmp(plugin_table[i]->name, name) == 0)
			return (int)i;
	return -1;
}
