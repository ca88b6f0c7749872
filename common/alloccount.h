/* common/alloccount.h - count heap allocations made on chosen threads
 * (sanitizer builds), so tests can check the answer path allocates
 * nothing */
#ifndef COMMON_ALLOCCOUNT_H
#define COMMON_ALLOCCOUNT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* True when this build can count (built with the sanitizers). */
bool alloccount_available(void);
/* Installs the allocator hooks; once, before threads start. */
void alloccount_init(void);
/* From now on every malloc on the calling thread (libraries' too) adds
 * one to *counter. NULL stops counting on this thread. */
void alloccount_attach(_Atomic uint64_t *counter);

#endif
