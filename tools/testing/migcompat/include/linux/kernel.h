/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: the few kernel.h helpers the engine uses. */
#ifndef _MIGC_SHIM_LINUX_KERNEL_H
#define _MIGC_SHIM_LINUX_KERNEL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include <linux/limits.h>
#include <linux/kstrtox.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define min(a, b)	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)

/* Like snprintf(), but returns what was written, not what was needed. */
static inline __attribute__((format(printf, 3, 4)))
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	if (!size)
		return 0;
	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	if (n < 0)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

#endif
