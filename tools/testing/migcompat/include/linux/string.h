/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: libc's string functions plus the kernel's own. */
#ifndef _MIGC_SHIM_LINUX_STRING_H
#define _MIGC_SHIM_LINUX_STRING_H

#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <linux/errno.h>
#include <linux/types.h>

/* Copy, always NUL-terminate; -E2BIG if @src was cut. */
static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (!size)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

static inline char *kstrdup(const char *s, unsigned int gfp)
{
	(void)gfp;
	return s ? strdup(s) : NULL;
}

#endif
