/* common/alloccount.c - count heap allocations on chosen threads through
 * the sanitizer allocator hooks */
#include "config.h"

#include <stddef.h>

#include "common/alloccount.h"

static _Thread_local _Atomic uint64_t *thread_counter;

#ifdef HAVE_SANITIZERS
/* from <sanitizer/allocator_interface.h>; declared here so the build does
 * not depend on where the compiler keeps that header */
int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void *, size_t),
    void (*free_hook)(const volatile void *));

static void
on_malloc(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	if (thread_counter != NULL)
		atomic_fetch_add_explicit(
		    thread_counter, 1, memory_order_relaxed);
}

static void
on_free(const volatile void *p)
{
	(void)p;
}

bool
alloccount_available(void)
{
	return true;
}

void
alloccount_init(void)
{
	__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}
#else
bool
alloccount_available(void)
{
	return false;
}

void
alloccount_init(void)
{
}
#endif

void
alloccount_attach(_Atomic uint64_t *counter)
{
	thread_counter = counter;
}
