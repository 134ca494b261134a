/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: the UAPI errno values are the kernel's. */
#ifndef _MIGC_SHIM_LINUX_ERRNO_H
#define _MIGC_SHIM_LINUX_ERRNO_H

#include_next <linux/errno.h>

#endif
