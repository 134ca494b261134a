/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: hex_to_bin() of the kernel's <linux/hex.h>. */
#ifndef _MIGC_SHIM_LINUX_HEX_H
#define _MIGC_SHIM_LINUX_HEX_H

static inline int hex_to_bin(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

#endif
