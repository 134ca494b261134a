/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: the allocator on top of malloc. */
#ifndef _MIGC_SHIM_LINUX_SLAB_H
#define _MIGC_SHIM_LINUX_SLAB_H

#include <stdlib.h>
#include <linux/types.h>

typedef unsigned int gfp_t;
#define GFP_KERNEL	0u

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size);
}

/* calloc() checks n * size for overflow, as kcalloc() does. */
static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(n, size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline void *kvzalloc(size_t size, gfp_t gfp)
{
	return kzalloc(size, gfp);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

/* One zeroed object of the type of @P, as the kernel's kzalloc_obj(). */
#define kzalloc_obj(P, ...)	kzalloc(sizeof(P), GFP_KERNEL)
#define kvzalloc_obj(P, ...)	kvzalloc(sizeof(P), GFP_KERNEL)

#endif
