/* storage/pgsql/pgsql_sql.h - the PostgreSQL driver's embedded SQL files */
#ifndef STORAGE_PGSQL_PGSQL_SQL_H
#define STORAGE_PGSQL_PGSQL_SQL_H

#include <stddef.h>

#include "storage/sql.h"

/* schema.sql and migrations/NNN_*.sql, generated into sql_text.c by
 * gen_sql.sh; the migrations end with
 * a zero entry */
extern const char pgsql_schema_sql[];
extern const struct sql_migration pgsql_migrations[];

#endif
