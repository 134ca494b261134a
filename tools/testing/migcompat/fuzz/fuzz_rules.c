// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the compatibility rules, migc_check_type() and
 * migc_check_device(), on fuzzed capabilities and descriptions.
 *
 * The input is a capabilities document, a NUL byte, then a description (no
 * NUL: the whole input is tried as both).  Besides "no crash", it checks
 * what the compatibility rules of the driver-api guide guarantee:
 *
 * - A description printed from a device configuration (values allowed by
 *   the model) parses, and that device accepts it (device check), and so
 *   does any type offering the model (type check).
 * - The device check of a configuration V against the description of a
 *   configuration W of the same model passes iff V and W are equal: a
 *   listed parameter must equal the current value (rule 2), one left out
 *   is at off_value on both sides (rule 3).
 * - A device is one configuration of its type: if the device check passes
 *   for some values, the type check of a type offering the model passes.
 *   This holds because a valid table allows its off_value, so rule 3 of
 *   the type check ("the type allows off_value") follows from rule 3 of
 *   the device check ("the device is at off_value").
 * - Conversely, if the type check passes, the configuration "the source's
 *   values, off_value elsewhere" is allowed and passes the device check;
 *   and whatever the outcome, that configuration fails the device check
 *   with the same verdict, on the same parameter, as the type check.
 *
 * Every reason returned is checked for consistency with the return value.
 */
#include "fuzz_common.h"

static struct migc_desc src, desc;
static struct migc_value cfg[MIGC_MAX_PARAMS], cfg2[MIGC_MAX_PARAMS];
static char out[FUZZ_OUT_MAX];

/* A fixed table too, so that fuzzed descriptions always meet the rules. */
static const struct migc_range mtty_sizes[] = { { 1, 16 } };
static const struct migc_range mtty_ports[] = { { 2, 2 } };
static const struct migc_value mtty_modes[] = {
	MIGC_STR_VALUE("fast"), MIGC_STR_VALUE("slow"),
};

static const struct migc_param mtty_params[] = {
	{ .name = "nr-ports", .type = MIGC_INT, .access = MIGC_READONLY,
	  .init_value = MIGC_INT_VALUE(2), .nr_allowed = 1,
	  .ranges = mtty_ports },
	{ .name = "fifo-size", .type = MIGC_INT, .access = MIGC_CREATE,
	  .init_value = MIGC_INT_VALUE(16), .has_off = true,
	  .off_value = MIGC_INT_VALUE(16), .nr_allowed = 1,
	  .ranges = mtty_sizes },
	{ .name = "fifo-state", .type = MIGC_BOOL, .access = MIGC_RUNTIME,
	  .init_value = MIGC_BOOL_VALUE(true), .has_off = true,
	  .off_value = MIGC_BOOL_VALUE(false) },
	{ .name = "mode", .type = MIGC_STR, .access = MIGC_CREATE,
	  .init_value = MIGC_STR_VALUE("fast"), .has_off = true,
	  .off_value = MIGC_STR_VALUE("slow"), .nr_allowed = 2,
	  .allowed = mtty_modes },
	{ .name = "label", .type = MIGC_STR, .access = MIGC_RUNTIME,
	  .init_value = MIGC_STR_VALUE("") },
};

static const struct migc_model fixed_models[] = {
	{ .name = "kernel.org/samples/mtty", .params = mtty_params,
	  .nr_params = FUZZ_ARRAY_SIZE(mtty_params) },
	{ .name = "kernel.org/samples/mdpy" },
};

static const struct migc_caps fixed_caps = {
	.models = fixed_models, .nr_models = FUZZ_ARRAY_SIZE(fixed_models),
};

/* Deterministic choices, seeded from the input. */
static u64 rng_state;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void rng_seed(const uint8_t *data, size_t size)
{
	u64 h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	rng_state = h | 1;
}

/* Some value @p allows: init, off, an allowed value or a range bound. */
static struct migc_value pick_value(const struct migc_param *p)
{
	struct migc_value v = p->init_value;
	const struct migc_range *r;
	unsigned int k;
	u64 c = rng();

	switch (c % 4) {
	case 0:
		return v;
	case 1:
		return p->has_off ? p->off_value : v;
	}
	c /= 4;
	if (!p->nr_allowed) {
		if (p->type == MIGC_BOOL)
			v.b = c & 1;
		else if (p->type == MIGC_INT)
			v.i = (s64)(c >> 1) * (c & 1 ? -1 : 1);
		else if (c & 1)
			v.s = "any";
		return v;
	}
	k = c % p->nr_allowed;
	c /= p->nr_allowed;
	if (p->type != MIGC_INT)
		return p->allowed[k];
	r = &p->ranges[k];
	switch (c % 3) {
	case 0:
		v.i = r->min;
		break;
	case 1:
		v.i = r->max;
		break;
	default:
		v.i = r->min + (s64)(((u64)r->max - (u64)r->min) / 2);
		break;
	}
	return v;
}

static void config_init(const struct migc_model *m, struct migc_value *vals)
{
	unsigned int i;

	for (i = 0; i < m->nr_params; i++)
		vals[i] = m->params[i].init_value;
}

static void config_random(const struct migc_model *m, struct migc_value *vals)
{
	unsigned int i;

	for (i = 0; i < m->nr_params; i++) {
		vals[i] = pick_value(&m->params[i]);
		FUZZ_CHECK(migc_value_allowed(&m->params[i], &vals[i]));
	}
}

static int config_equal(const struct migc_model *m,
			const struct migc_value *a, const struct migc_value *b)
{
	unsigned int i;

	for (i = 0; i < m->nr_params; i++)
		if (!migc_value_equal(&a[i], &b[i]))
			return 0;
	return 1;
}

static int check_type(const struct migc_caps *caps,
		      const struct migc_desc *d, struct migc_reason *why)
{
	int ret = migc_check_type(caps, d, why);

	fuzz_reason_check(ret, why);
	FUZZ_CHECK(migc_check_type(caps, d, NULL) == ret);
	return ret;
}

static int check_device(const struct migc_model *m,
			const struct migc_value *vals,
			const struct migc_desc *d, struct migc_reason *why)
{
	int ret = migc_check_device(m, vals, d, why);

	fuzz_reason_check(ret, why);
	FUZZ_CHECK(migc_check_device(m, vals, d, NULL) == ret);
	return ret;
}

/* Print the description of a configuration and parse it into @desc. */
static void describe(const struct migc_model *m, const struct migc_value *vals)
{
	unsigned int i, listed = 0;
	int len;

	len = migc_desc_print(m, vals, out, sizeof(out));
	/* Never longer than the capabilities the model was parsed from. */
	FUZZ_CHECK(len > 0 && len <= MIGC_DOC_MAX);
	FUZZ_CHECK(!migc_desc_parse(out, len, &desc));
	fuzz_desc_check(&desc);
	FUZZ_CHECK(!strcmp(desc.model, m->name));
	for (i = 0; i < m->nr_params; i++)
		if (!m->params[i].has_off ||
		    !migc_value_equal(&vals[i], &m->params[i].off_value))
			listed++;
	FUZZ_CHECK(desc.nr_params == listed);
}

/* The model @m of @caps and descriptions printed from its configurations. */
static void self_checks(const struct migc_caps *caps,
			const struct migc_model *m)
{
	struct migc_reason why;
	unsigned int i, round;
	int ret;

	for (round = 0; round < 3; round++) {
		if (round)
			config_random(m, cfg);
		else
			config_init(m, cfg);
		describe(m, cfg);
		ret = check_device(m, cfg, &desc, &why);
		FUZZ_CHECK(!ret);
		ret = check_type(caps, &desc, &why);
		FUZZ_CHECK(!ret);
		for (i = 0; i < caps->nr_models; i++) {
			if (&caps->models[i] == m)
				continue;
			config_init(&caps->models[i], cfg2);
			ret = check_device(&caps->models[i], cfg2, &desc,
					   &why);
			FUZZ_CHECK(why.verdict == MIGC_MODEL_DIFFERS);
		}

		/* Another configuration accepts it iff it is the same. */
		memcpy(cfg2, cfg, sizeof(cfg[0]) * m->nr_params);
		if (m->nr_params && rng() & 1) {
			i = rng() % m->nr_params;
			cfg2[i] = pick_value(&m->params[i]);
		}
		ret = check_device(m, cfg2, &desc, &why);
		FUZZ_CHECK((ret == 0) == config_equal(m, cfg, cfg2));
	}
}

/* "The source's values, off_value elsewhere": what the type check means. */
static void config_from_src(const struct migc_model *m,
			    const struct migc_desc *d, struct migc_value *vals)
{
	const struct migc_param *p;
	unsigned int i, k;

	for (i = 0; i < m->nr_params; i++) {
		p = &m->params[i];
		vals[i] = p->has_off ? p->off_value : p->init_value;
		for (k = 0; k < d->nr_params; k++)
			if (!strcmp(d->params[k].name, p->name) &&
			    d->params[k].value.type == p->type)
				vals[i] = d->params[k].value;
	}
}

/* A fuzzed description against every model of @caps. */
static void check_src(const struct migc_caps *caps, const struct migc_desc *d)
{
	struct migc_reason why_t, why;
	const struct migc_model *m;
	bool matched = false;
	unsigned int i, k;
	int ret_t, ret;

	ret_t = check_type(caps, d, &why_t);
	for (i = 0; i < caps->nr_models; i++) {
		m = &caps->models[i];
		config_init(m, cfg);
		ret = check_device(m, cfg, d, &why);
		if (!ret)
			FUZZ_CHECK(!ret_t);
		if (strcmp(m->name, d->model)) {
			FUZZ_CHECK(why.verdict == MIGC_MODEL_DIFFERS);
			continue;
		}
		matched = true;

		config_random(m, cfg);
		ret = check_device(m, cfg, d, &why);
		if (!ret)
			FUZZ_CHECK(!ret_t);

		config_from_src(m, d, cfg);
		ret = check_device(m, cfg, d, &why);
		FUZZ_CHECK(ret == ret_t);
		FUZZ_CHECK(why.verdict == why_t.verdict);
		FUZZ_CHECK(!strcmp(why.param, why_t.param));
		if (ret_t)
			continue;
		for (k = 0; k < m->nr_params; k++)
			FUZZ_CHECK(migc_value_allowed(&m->params[k], &cfg[k]));
	}
	if (!matched)
		FUZZ_CHECK(why_t.verdict == MIGC_MODEL_DIFFERS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	(void)argc;
	(void)argv;
	FUZZ_CHECK(!migc_caps_validate(&fixed_caps));
	rng_seed(NULL, 0);
	for (i = 0; i < fixed_caps.nr_models; i++)
		self_checks(&fixed_caps, &fixed_caps.models[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memchr(data, '\0', size);
	size_t caps_len = sep ? (size_t)(sep - data) : size;
	const uint8_t *d = sep ? sep + 1 : data;
	size_t desc_len = sep ? size - caps_len - 1 : size;
	struct migc_caps *caps = NULL;
	char *caps_doc, *desc_doc;
	bool desc_ok;
	unsigned int i;

	rng_seed(data, size);
	caps_doc = fuzz_dup(data, caps_len);
	desc_doc = fuzz_dup(d, desc_len);

	desc_ok = !migc_desc_parse(desc_doc, desc_len, &src);
	if (desc_ok) {
		fuzz_desc_check(&src);
		check_src(&fixed_caps, &src);
	}
	if (!migc_caps_parse(caps_doc, caps_len, &caps)) {
		for (i = 0; i < caps->nr_models; i++)
			self_checks(caps, &caps->models[i]);
		if (desc_ok)
			check_src(caps, &src);
		migc_caps_free(caps);
	}

	free(desc_doc);
	free(caps_doc);
	return 0;
}
