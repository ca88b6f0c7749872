/* common/tests/test_arena.c - unit tests for the per-request arena */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/arena.h"

static bool
aligned16(const void *p)
{
	return ((uintptr_t)p & 15) == 0;
}

static void
test_arena_alignment(void **state)
{
	struct arena *a = arena_new(4096);
	static const size_t sizes[] = { 1, 3, 15, 16, 17, 31, 33, 7, 100, 1 };
	unsigned char *prev = NULL;
	size_t prevn = 0;

	(void)state;
	assert_non_null(a);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = arena_alloc(a, sizes[i]);

		assert_non_null(p);
		assert_true(aligned16(p));
		/* no overlap with the previous allocation (same block) */
		if (prev != NULL)
			assert_true(p >= prev + prevn);
		memset(p, 0xa5, sizes[i]);
		prev = p;
		prevn = sizes[i];
	}
	arena_free(a);
}

static void
test_arena_small_first_block(void **state)
{
	/* a tiny first block is raised to a usable minimum */
	struct arena *a = arena_new(1);
	unsigned char *p;

	(void)state;
	assert_non_null(a);
	p = arena_alloc(a, 200);
	assert_non_null(p);
	assert_true(aligned16(p));
	memset(p, 1, 200);
	arena_free(a);
}

static void
test_arena_growth(void **state)
{
	struct arena *a = arena_new(256);
	unsigned char *p[8];

	(void)state;
	assert_non_null(a);
	/* 8 x 200 bytes cannot fit in 256: new blocks are added */
	for (int i = 0; i < 8; i++) {
		p[i] = arena_alloc(a, 200);
		assert_non_null(p[i]);
		assert_true(aligned16(p[i]));
		memset(p[i], i, 200);
	}
	/* earlier allocations survive growth */
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 200; j++)
			assert_int_equal(p[i][j], i);
	/* all distinct */
	for (int i = 0; i < 8; i++)
		for (int j = i + 1; j < 8; j++)
			assert_ptr_not_equal(p[i], p[j]);
	arena_free(a);
}

static void
test_arena_reset_reuses_block(void **state)
{
	struct arena *a = arena_new(4096);
	void *p;

	(void)state;
	p = arena_alloc(a, 100);
	assert_non_null(p);
	arena_alloc(a, 100);
	arena_reset(a);
	assert_ptr_equal(arena_alloc(a, 100), p);
	arena_free(a);
}

static void
test_arena_many_resets_no_growth(void **state)
{
	/* A warmed-up arena hands out the same addresses after every reset:
	 * a new block would show up as a different pointer. */
	struct arena *a = arena_new(256);
	static const size_t pattern[] = { 10, 200, 300, 5000, 16, 700, 1 };
	enum { N = sizeof(pattern) / sizeof(pattern[0]) };
	void *first[N];

	(void)state;
	assert_non_null(a);
	for (size_t i = 0; i < N; i++) {
		first[i] = arena_alloc(a, pattern[i]);
		assert_non_null(first[i]);
		memset(first[i], 0x5a, pattern[i]);
	}
	for (int round = 0; round < 1000; round++) {
		arena_reset(a);
		for (size_t i = 0; i < N; i++) {
			void *p = arena_alloc(a, pattern[i]);

			assert_ptr_equal(p, first[i]);
			memset(p, round & 0xff, pattern[i]);
		}
	}
	arena_free(a);
}

static void
test_arena_large_allocation(void **state)
{
	struct arena *a = arena_new(256);
	unsigned char *small, *big, *big2;
	size_t n = 1024 * 1024;

	(void)state;
	small = arena_alloc(a, 8);
	assert_non_null(small);
	big = arena_alloc(a, n);
	assert_non_null(big);
	assert_true(aligned16(big));
	memset(big, 0xee, n);
	/* after the large block, small allocations still work */
	assert_non_null(arena_alloc(a, 8));
	arena_reset(a);
	assert_ptr_equal(arena_alloc(a, 8), small);
	/* the large block was kept: same address again */
	big2 = arena_alloc(a, n);
	assert_ptr_equal(big2, big);
	memset(big2, 0x11, n);
	arena_free(a);
}

static void
test_arena_alloc_overflow(void **state)
{
	struct arena *a = arena_new(256);

	(void)state;
	/* rounding up to 16 wraps around */
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX - 14));
	/* rounds to SIZE_MAX - 31: the block header plus the size wraps */
	assert_null(arena_alloc(a, SIZE_MAX - 40));
	/* still usable */
	assert_non_null(arena_alloc(a, 32));
	arena_free(a);
}

static void
test_arena_strndup(void **state)
{
	struct arena *a = arena_new(256);
	char *s;

	(void)state;
	s = arena_strndup(a, "hello world", 5);
	assert_non_null(s);
	assert_string_equal(s, "hello");
	s = arena_strndup(a, "abc", 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	/* embedded bytes are copied verbatim, a NUL is appended */
	s = arena_strndup(a, "x\0y", 3);
	assert_non_null(s);
	assert_memory_equal(s, "x\0y\0", 4);
	arena_free(a);
}

static void
test_arena_strndup_large(void **state)
{
	struct arena *a = arena_new(256);
	char src[3000];
	char *s;

	(void)state;
	memset(src, 'q', sizeof(src));
	s = arena_strndup(a, src, sizeof(src));
	assert_non_null(s);
	assert_memory_equal(s, src, sizeof(src));
	assert_int_equal(s[sizeof(src)], '\0');
	arena_free(a);
}

static void
test_arena_free_null(void **state)
{
	(void)state;
	arena_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_alignment),
		cmocka_unit_test(test_arena_small_first_block),
		cmocka_unit_test(test_arena_growth),
		cmocka_unit_test(test_arena_reset_reuses_block),
		cmocka_unit_test(test_arena_many_resets_no_growth),
		cmocka_unit_test(test_arena_large_allocation),
		cmocka_unit_test(test_arena_strndup),
		cmocka_unit_test(test_arena_strndup_large),
		cmocka_unit_test(test_arena_free_null),
		/* last: before the fix it overflows the heap under ASan */
		cmocka_unit_test(test_arena_alloc_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
