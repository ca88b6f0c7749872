/* server/plugins/sql/source.h - one SQL store being served: a loader
 * thread that follows the change feed, acts as serial steward, and
 * publishes zone tables that workers read without locks */
#ifndef SQL_SOURCE_H
#define SQL_SOURCE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/plugin.h"
#include "server/plugins/sql/zsnap.h"

struct strbuf;

#define SQLSRC_MAX_WORKERS SERVER_MAX_WORKERS

/* A served zone in a table. `snap` is NULL while the zone loads or when
 * its first load failed. */
struct zent {
	int64_t id;
	int64_t gen;
	struct zsnap *snap;
	uint8_t apex[256];
	uint8_t apexlen;
	int labels;
	char name[256];
};

/* An immutable set of served zones, swapped as a whole. */
struct ztable {
	size_t n;
	struct zent *z;
	uint32_t *ht; /* index + 1, by apex hash */
	uint32_t mask;
	int max_labels;
	uint64_t version; /* process-unique: a new table, a new version */
	/* the version of the set of served zones (apexes, loaded or not):
	 * kept from the previous table while that set stays the same */
	uint64_t zset;
};

struct hazard {
	_Atomic(struct ztable *) p;
	char pad[64 - sizeof(void *)];
};

struct sqlsrc_stats {
	_Atomic uint64_t rebuilds, applies, applied_changes, outages,
	    store_errors, steward_passes, steward_steps, bad_rows, scans;
	_Atomic uint64_t last_load_ms;
};

struct sqlsrc;

/* Options a source is shared by. */
struct sqlsrc_opts {
	const char *dsn;
	uint64_t poll_ms; /* SQLite data_version poll; PG fallback tick */
	char **zones;     /* served zone filter (presentation, lower, with
	                     the final dot); NULL/0: every zone */
	size_t nzones;
};

/* Finds or creates the source for these options (main thread); each
 * call takes a reference. Creating it opens the store and checks the
 * schema: ERR_CONFIG with a message in err for an unmigrated or newer
 * store; an unreachable store is not an error (it loads once it
 * answers). Does not start the thread: sqlsrc_start does. */
struct sqlsrc *sqlsrc_acquire(
    const struct sqlsrc_opts *o, bool check_only, char *err, size_t errlen);
/* Starts the loader thread once (later calls do nothing). */
int sqlsrc_start(struct sqlsrc *s);
/* Drops a reference; the last stops the thread and frees everything.
 * Main thread. NULL-safe. */
void sqlsrc_release(struct sqlsrc *s);

/* Worker side: the current table (NULL before the zone list was first
 * loaded), held until sqlsrc_leave. Lock-free. */
const struct ztable *sqlsrc_enter(struct sqlsrc *s, int worker);
void sqlsrc_leave(struct sqlsrc *s, int worker);

/* The entry of the deepest served zone holding `name` (lower-case wire,
 * `len` bytes), or NULL. */
const struct zent *ztable_find(
    const struct ztable *t, const uint8_t *name, size_t len);

/* True once the zone list was loaded and every zone has a snapshot. */
bool sqlsrc_ready(struct sqlsrc *s);

/* Appends the sources' metrics (Prometheus text). */
void sqlsrc_render_all(struct strbuf *b);

#endif
