/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: the kernel's limits of fixed-size types. */
#ifndef _MIGC_SHIM_LINUX_LIMITS_H
#define _MIGC_SHIM_LINUX_LIMITS_H

#include_next <linux/limits.h>
#include <limits.h>
#include <stdint.h>

#define S64_MAX		((s64)INT64_MAX)
#define S64_MIN		((s64)INT64_MIN)
#define U16_MAX		((u16)UINT16_MAX)

#endif
