/* common/arena.c - per-request bump allocator, reset after each reply */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct arena_block *head; /* first block, never freed before free */
	struct arena_block *cur;  /* block being filled */
};

static struct arena_block *
block_new(size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	if ((b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *
arena_new(size_t size)
{
	struct arena *a = malloc(sizeof(*a));

	if (a == NULL)
		return NULL;
	if ((a->head = block_new(size < 256 ? 256 : size)) == NULL) {
		free(a);
		return NULL;
	}
	a->cur = a->head;
	return a;
}

void
arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->cur;
	size_t need = (n + 15) & ~(size_t)15;

	if (need < n)
		return NULL;
	for (;;) {
		if (b->size - b->used >= need) {
			void *p = b->data + b->used;

			b->used += need;
			a->cur = b;
			return p;
		}
		if (b->next == NULL)
			break;
		b = b->next;
		b->used = 0;
	}
	/* grow: a new block at least twice the last one */
	{
		size_t size = b->size * 2;
		struct arena_block *nb;

		if (size < need)
			size = need;
		if ((nb = block_new(size)) == NULL)
			return NULL;
		b->next = nb;
		nb->used = need;
		a->cur = nb;
		return nb->data;
	}
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
arena_reset(struct arena *a)
{
	a->head->used = 0;
	a->cur = a->head;
}
