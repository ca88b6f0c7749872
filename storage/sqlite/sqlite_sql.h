/* storage/sqlite/sqlite_sql.h - the SQLite driver's embedded SQL files */
#ifndef STORAGE_SQLITE_SQLITE_SQL_H
#define STORAGE_SQLITE_SQLITE_SQL_H

#include <stddef.h>

#include "storage/sql.h"

/* schema.sql and migrations/NNN_*.sql, generated into sql_text.c by
 * gen_sql.sh; the migrations end with
 * a zero entry */
extern const char sqlite_schema_sql[];
extern const struct sql_migration sqlite_migrations[];

#endif
