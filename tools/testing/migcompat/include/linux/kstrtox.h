/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: kstrtos64() and kstrtobool() with the kernel's semantics
 * (lib/kstrtox.c): an optional '+' or '-', digits, at most one trailing
 * newline, -ERANGE on overflow, -EINVAL on anything else.  Base 10 only,
 * which is all the engine uses.
 */
#ifndef _MIGC_SHIM_LINUX_KSTRTOX_H
#define _MIGC_SHIM_LINUX_KSTRTOX_H

#include <linux/errno.h>
#include <linux/types.h>

static inline int migc_shim_kstrtou64(const char *s, u64 *res)
{
	u64 v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (v > (~0ULL - (u64)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (u64)(*p - '0');
	}
	if (p == s)
		return -EINVAL;
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	*res = v;
	return 0;
}

static inline int kstrtos64(const char *s, unsigned int base, s64 *res)
{
	u64 v;
	int ret;

	if (base != 10)
		return -EINVAL;
	if (s[0] == '-') {
		/* as the kernel: "-+1" is invalid */
		ret = migc_shim_kstrtou64(s + 1, &v);
		if (ret)
			return ret;
		if (v > (u64)1 << 63)
			return -ERANGE;
		*res = (s64)(0 - v);
		return 0;
	}
	if (s[0] == '+')
		s++;
	ret = migc_shim_kstrtou64(s, &v);
	if (ret)
		return ret;
	if (v > (u64)INT64_MAX)
		return -ERANGE;
	*res = (s64)v;
	return 0;
}

/*
 * Like the kernel's: only the first character counts, or the first two for
 * "on"/"off", so "yes\n" and "nonsense" both parse.
 */
static inline int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*res = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

#endif
