/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the migration compatibility engine share and nothing
 * else sees: name tables, character classes and the printer of the values
 * a refusal names.  The API is include/linux/migcompat.h.
 */
#ifndef MIGCOMPAT_INTERNAL_H
#define MIGCOMPAT_INTERNAL_H

#include <linux/migcompat.h>

#define MIGC_NR_TYPES (MIGC_STR + 1)
#define MIGC_NR_ACCESS (MIGC_READONLY + 1)

/* Spellings of enum migc_type and enum migc_access; index 0 is unused. */
extern const char * const migc_type_names[MIGC_NR_TYPES];
extern const char * const migc_access_names[MIGC_NR_ACCESS];

static inline const char *migc_enum_name(const char * const *names,
					 unsigned int nr, unsigned int i)
{
	return i < nr && names[i] ? names[i] : "?";
}

static inline bool migc_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* migcompat.c */
size_t migc_utf8_len(const u8 *s, size_t avail);
bool migc_str_ok(const char *s, size_t len);

/* migcompat_print.c: a value, a name, allowed values, model names. */
void migc_why_value(char *dst, const struct migc_value *v);
void migc_why_name(char *dst, const char *name);
void migc_why_allowed(char *dst, const struct migc_param *p);
void migc_why_models(char *dst, const struct migc_caps *caps);

#endif /* MIGCOMPAT_INTERNAL_H */
