/* common/arena.h - per-request bump allocator, reset after each reply */
#ifndef COMMON_ARENA_H
#define COMMON_ARENA_H

#include <stddef.h>

struct arena;

/* New arena whose first block holds `size` bytes. NULL on failure.
 * Caller frees with arena_free(). */
struct arena *arena_new(size_t size);
void arena_free(struct arena *a);

/* `n` bytes aligned to 16, valid until arena_reset(); NULL when memory
 * runs out. Blocks added for large requests are kept across resets, so a
 * warmed-up arena does not call malloc again. */
void *arena_alloc(struct arena *a, size_t n);
/* Copy of `s` (n bytes plus a NUL) in the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Forgets every allocation; keeps the memory. */
void arena_reset(struct arena *a);

#endif
