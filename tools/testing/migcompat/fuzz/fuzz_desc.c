// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: migc_desc_parse() on arbitrary bytes.
 *
 * A description that parses must satisfy the invariants of struct
 * migc_desc, and must survive a round trip: printed by migc_desc_print()
 * through a model built from it, with its values, it parses back to the
 * same model, parameters and values.  The same device must then accept it
 * (device check) and so must a type offering that model (type check).
 */
#include "fuzz_common.h"

static struct migc_desc desc, again;
static struct migc_param params[MIGC_MAX_PARAMS];
static struct migc_value values[MIGC_MAX_PARAMS];
static char out[FUZZ_OUT_MAX];

/* One parameter per parameter of @d, any value of its type allowed. */
static void model_from_desc(const struct migc_desc *d, struct migc_model *m)
{
	unsigned int i;

	memset(params, 0, sizeof(params));
	for (i = 0; i < d->nr_params; i++) {
		params[i].name = d->params[i].name;
		params[i].type = d->params[i].value.type;
		params[i].access = MIGC_RUNTIME;
		params[i].init_value = d->params[i].value;
		values[i] = d->params[i].value;
	}
	m->name = d->model;
	m->params = params;
	m->nr_params = d->nr_params;
}

/* The printer fits a buffer of exactly the length it reports, plus NUL. */
static void print_exact(const struct migc_model *m, int len)
{
	char *buf = malloc(len + 1);

	FUZZ_CHECK(buf);
	FUZZ_CHECK(migc_desc_print(m, values, buf, len + 1) == len);
	FUZZ_CHECK(!memcmp(buf, out, len + 1));
	FUZZ_CHECK(migc_desc_print(m, values, buf, len) == -E2BIG);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct migc_caps caps;
	struct migc_reason why;
	struct migc_model m;
	int ret, len;

	ret = migc_desc_parse((const char *)data, size, &desc);
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL);
		return 0;
	}
	FUZZ_CHECK(size <= MIGC_DOC_MAX);
	fuzz_desc_check(&desc);

	model_from_desc(&desc, &m);
	FUZZ_CHECK(!migc_model_validate(&m));

	/* The device of the model and values accepts its own description. */
	ret = migc_check_device(&m, values, &desc, &why);
	fuzz_reason_check(ret, &why);
	FUZZ_CHECK(!ret);
	caps.models = &m;
	caps.nr_models = 1;
	FUZZ_CHECK(!migc_caps_validate(&caps));
	ret = migc_check_type(&caps, &desc, &why);
	fuzz_reason_check(ret, &why);
	FUZZ_CHECK(!ret);

	/* parse(print(x)) == x */
	len = migc_desc_print(&m, values, out, sizeof(out));
	FUZZ_CHECK(len > 0 && (size_t)len == strlen(out));
	FUZZ_CHECK(out[len - 1] == '\n');
	print_exact(&m, len);
	/*
	 * The printer adds a space after each ':' and ','; a description
	 * that was packed close to the size limit may no longer fit it.
	 */
	if (len > MIGC_DOC_MAX)
		return 0;
	ret = migc_desc_parse(out, len, &again);
	FUZZ_CHECK(!ret);
	fuzz_desc_check(&again);
	FUZZ_CHECK(fuzz_desc_equal(&desc, &again));
	return 0;
}
