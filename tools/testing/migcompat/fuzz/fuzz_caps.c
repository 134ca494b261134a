// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: migc_caps_parse() on arbitrary bytes.
 *
 * Capabilities that parse are valid (migc_caps_validate()), print to text
 * that parses again, and that second parse prints the very same text: the
 * printed form is canonical.  Everything is freed with migc_caps_free(), so
 * LeakSanitizer reports what a parse, failed or not, leaves behind.
 */
#include "fuzz_common.h"

static char out[FUZZ_OUT_MAX], again[FUZZ_OUT_MAX];

/* The printer fits a buffer of exactly the length it reports, plus NUL. */
static void print_exact(const struct migc_caps *caps, int len)
{
	char *buf = malloc(len + 1);

	FUZZ_CHECK(buf);
	FUZZ_CHECK(migc_caps_print(caps, buf, len + 1) == len);
	FUZZ_CHECK(!memcmp(buf, out, len + 1));
	FUZZ_CHECK(migc_caps_print(caps, buf, len) == -E2BIG);
	free(buf);
}

/* Whatever migc_caps_validate() does not look at. */
static void caps_check(const struct migc_caps *caps)
{
	const struct migc_param *p;
	unsigned int i, k, a;

	for (i = 0; i < caps->nr_models; i++) {
		for (k = 0; k < caps->models[i].nr_params; k++) {
			p = &caps->models[i].params[k];
			for (a = 0; a < p->nr_allowed; a++)
				FUZZ_CHECK(p->type == MIGC_INT ?
					   p->ranges[a].min <= p->ranges[a].max :
					   p->allowed[a].type == p->type);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct migc_caps *caps = NULL, *caps2 = NULL;
	int ret, len, len2;

	ret = migc_caps_parse((const char *)data, size, &caps);
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL);
		FUZZ_CHECK(!caps);
		return 0;
	}
	FUZZ_CHECK(caps && size <= MIGC_DOC_MAX);
	FUZZ_CHECK(!migc_caps_validate(caps));
	caps_check(caps);

	len = migc_caps_print(caps, out, sizeof(out));
	FUZZ_CHECK(len > 0 && (size_t)len == strlen(out));
	FUZZ_CHECK(out[len - 1] == '\n' && !memchr(out, '\n', len - 1));
	print_exact(caps, len);

	/*
	 * The printer adds a space after each ':' and ',' and "params" to a
	 * model without; a document packed close to the size limit may no
	 * longer fit it.
	 */
	if (len <= MIGC_DOC_MAX) {
		ret = migc_caps_parse(out, len, &caps2);
		FUZZ_CHECK(!ret);
		FUZZ_CHECK(!migc_caps_validate(caps2));
		FUZZ_CHECK(caps2->nr_models == caps->nr_models);
		len2 = migc_caps_print(caps2, again, sizeof(again));
		FUZZ_CHECK(len2 == len && !memcmp(out, again, len + 1));
		migc_caps_free(caps2);
	}
	migc_caps_free(caps);
	return 0;
}
