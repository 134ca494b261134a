/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the libFuzzer harnesses of the migration compatibility
 * engine.  A violated property calls abort(), which libFuzzer reports as a
 * crash and saves the input for.
 */
#ifndef _MIGC_FUZZ_COMMON_H
#define _MIGC_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/migcompat.h>

#include "migcompat_internal.h"

/* Room for any text the printers make of a document of MIGC_DOC_MAX bytes. */
#define FUZZ_OUT_MAX	(4 * MIGC_DOC_MAX)

#define FUZZ_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: property violated: %s\n",\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/*
 * A copy of @len bytes in a heap block of exactly that size, so that
 * AddressSanitizer sees a read one byte too far.
 */
static inline char *fuzz_dup(const uint8_t *data, size_t len)
{
	char *p = malloc(len ? len : 1);

	FUZZ_CHECK(p);
	if (len)
		memcpy(p, data, len);
	return p;
}

/* Whether @len bytes at @s are well-formed UTF-8 (RFC 3629). */
static inline int fuzz_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, k;
	unsigned int lo, hi;

	while (i < len) {
		lo = 0x80;
		hi = 0xbf;
		if (s[i] < 0x80) {
			i++;
			continue;
		} else if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 2;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 3;
			if (s[i] == 0xe0)
				lo = 0xa0;
			if (s[i] == 0xed)
				hi = 0x9f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 4;
			if (s[i] == 0xf0)
				lo = 0x90;
			if (s[i] == 0xf4)
				hi = 0x8f;
		} else {
			return 0;
		}
		if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += n;
	}
	return 1;
}

/* A string value as the engine stores it: UTF-8, no NUL, no newline. */
static inline int fuzz_str_value_ok(const char *s)
{
	size_t len = strlen(s);

	return len <= MIGC_STR_MAX && !memchr(s, '\n', len) &&
	       fuzz_utf8_valid(s, len);
}

/* NUL-terminated within @size bytes. */
static inline int fuzz_terminated(const char *s, size_t size)
{
	return !!memchr(s, '\0', size);
}

/* Same model, same parameters in the same order, equal values. */
static inline int fuzz_desc_equal(const struct migc_desc *a,
				  const struct migc_desc *b)
{
	unsigned int i;

	if (strcmp(a->model, b->model) || a->nr_params != b->nr_params)
		return 0;
	for (i = 0; i < a->nr_params; i++)
		if (strcmp(a->params[i].name, b->params[i].name) ||
		    !migc_value_equal(&a->params[i].value,
				      &b->params[i].value))
			return 0;
	return 1;
}

/*
 * The invariants of a parsed description: valid names, unique parameters,
 * bounded count, typed values, strings NUL-terminated inside @desc->str.
 */
static inline void fuzz_desc_check(const struct migc_desc *desc)
{
	const struct migc_desc_param *p;
	const char *end;
	unsigned int i, k;

	FUZZ_CHECK(fuzz_terminated(desc->model, sizeof(desc->model)));
	FUZZ_CHECK(migc_model_name_valid(desc->model, strlen(desc->model)));
	FUZZ_CHECK(desc->nr_params <= MIGC_MAX_PARAMS);
	FUZZ_CHECK(desc->str_used <= sizeof(desc->str));
	end = desc->str + desc->str_used;
	for (i = 0; i < desc->nr_params; i++) {
		p = &desc->params[i];
		FUZZ_CHECK(fuzz_terminated(p->name, sizeof(p->name)));
		FUZZ_CHECK(migc_name_valid(p->name, strlen(p->name)));
		for (k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(desc->params[k].name, p->name));
		switch (p->value.type) {
		case MIGC_BOOL:
		case MIGC_INT:
			break;
		case MIGC_STR:
			FUZZ_CHECK(p->value.s >= desc->str && p->value.s < end);
			FUZZ_CHECK(fuzz_terminated(p->value.s,
						   end - p->value.s));
			FUZZ_CHECK(fuzz_str_value_ok(p->value.s));
			break;
		default:
			FUZZ_CHECK(!"description value without a type");
		}
	}
}

/* What every check returns, with and without a reason. */
static inline void fuzz_reason_check(int ret, const struct migc_reason *why)
{
	FUZZ_CHECK(ret == 0 || ret == -EPROTO || ret == -EINVAL);
	FUZZ_CHECK((ret == 0) == (why->verdict == MIGC_OK));
	FUZZ_CHECK((ret == -EINVAL) == (why->verdict == MIGC_PARAM_TYPE));
	FUZZ_CHECK(why->verdict >= MIGC_OK &&
		   why->verdict < MIGC_DRIVER_CHECK);
	FUZZ_CHECK(strcmp(migc_verdict_str(why->verdict), "unknown verdict"));
	FUZZ_CHECK(fuzz_terminated(why->param, sizeof(why->param)));
	FUZZ_CHECK(fuzz_terminated(why->src, sizeof(why->src)));
	FUZZ_CHECK(fuzz_terminated(why->dst, sizeof(why->dst)));
	FUZZ_CHECK(fuzz_utf8_valid(why->src, strlen(why->src)));
	FUZZ_CHECK(fuzz_utf8_valid(why->dst, strlen(why->dst)));
	if (why->verdict == MIGC_OK || why->verdict == MIGC_MODEL_DIFFERS)
		FUZZ_CHECK(!why->param[0]);
	else
		FUZZ_CHECK(migc_name_valid(why->param, strlen(why->param)));
}

#endif /* _MIGC_FUZZ_COMMON_H */
