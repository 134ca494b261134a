// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration compatibility engine: the rules (see "Compatibility rules" in
 * Documentation/driver-api/vfio-mediated-device-migration.rst) that decide
 * whether a device of a type, or a configured device, can accept a
 * source's migration.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/migcompat.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "migcompat_internal.h"

static const char * const migc_verdict_names[] = {
	[MIGC_OK] = "compatible",
	[MIGC_MODEL_DIFFERS] = "model differs",
	[MIGC_PARAM_UNKNOWN] = "unknown parameter",
	[MIGC_PARAM_TYPE] = "wrong value type",
	[MIGC_PARAM_NOT_ALLOWED] = "value not allowed",
	[MIGC_PARAM_DIFFERS] = "value differs",
	[MIGC_PARAM_MISSING] = "parameter missing",
	[MIGC_PARAM_NOT_OFF] = "parameter not at its off value",
	[MIGC_DRIVER_CHECK] = "driver check failed",
};

static int migc_fail(struct migc_reason *why, enum migc_verdict verdict,
		     const char *param)
{
	if (why) {
		why->verdict = verdict;
		if (param)
			strscpy(why->param, param, sizeof(why->param));
	}
	return verdict == MIGC_PARAM_TYPE ? -EINVAL : -EPROTO;
}

/*
 * The parameter of @m named @name, trying @m->params[@hint] first: a
 * description lists its parameters in table order, so a check finds each
 * at once and stays linear in the number of parameters.
 */
static const struct migc_param *migc_find_from(const struct migc_model *m,
					       const char *name,
					       unsigned int hint)
{
	if (hint < m->nr_params && !strcmp(m->params[hint].name, name))
		return &m->params[hint];
	return migc_model_find(m, name);
}

/* Rule 2 for one parameter @p (NULL: unknown) of the source. */
static int migc_check_src_param(const struct migc_model *m,
				const struct migc_value *values,
				const struct migc_param *p,
				const struct migc_desc_param *sp,
				struct migc_reason *why)
{
	const struct migc_value *cur = NULL;
	enum migc_verdict verdict;

	if (p && values)
		cur = &values[p - m->params];
	if (!p)
		verdict = MIGC_PARAM_UNKNOWN;
	else if (sp->value.type != p->type)
		verdict = MIGC_PARAM_TYPE;
	else if (!migc_value_allowed(p, &sp->value))
		verdict = MIGC_PARAM_NOT_ALLOWED;
	else if (cur && !p->driver_compares &&
		 !migc_value_equal(&sp->value, cur))
		verdict = MIGC_PARAM_DIFFERS;
	else
		return 0;
	if (why) {
		migc_why_value(why->src, &sp->value);
		if (verdict == MIGC_PARAM_TYPE)
			strscpy(why->dst,
				migc_enum_name(migc_type_names,
					       ARRAY_SIZE(migc_type_names),
					       p->type), sizeof(why->dst));
		else if (verdict == MIGC_PARAM_NOT_ALLOWED)
			migc_why_allowed(why->dst, p);
		else if (verdict == MIGC_PARAM_DIFFERS)
			migc_why_value(why->dst, cur);
	}
	return migc_fail(why, verdict, sp->name);
}

/* Rule 3 for one parameter the source leaves out. */
static int migc_check_absent(const struct migc_param *p,
			     const struct migc_value *value,
			     struct migc_reason *why)
{
	enum migc_verdict verdict;

	if (!p->has_off)
		verdict = MIGC_PARAM_MISSING;
	else if (value ? !migc_value_equal(value, &p->off_value) :
			 !migc_value_allowed(p, &p->off_value))
		verdict = MIGC_PARAM_NOT_OFF;
	else
		return 0;
	if (why && verdict == MIGC_PARAM_NOT_OFF)
		migc_why_value(why->src, &p->off_value);
	if (why && value)
		migc_why_value(why->dst, value);
	else if (why)
		migc_why_allowed(why->dst, p);
	return migc_fail(why, verdict, p->name);
}

/* Rules 2 and 3 once the model matches. */
static int migc_check_params(const struct migc_model *m,
			     const struct migc_value *values,
			     const struct migc_desc *src,
			     struct migc_reason *why)
{
	const struct migc_param *p;
	unsigned int i, next = 0;
	u64 listed = 0;	/* parameters of @m that @src lists */
	int ret;

	BUILD_BUG_ON(MIGC_MAX_PARAMS > 64);
	for (i = 0; i < src->nr_params; i++) {
		p = migc_find_from(m, src->params[i].name, next);
		if (p) {
			next = p - m->params + 1;
			listed |= (u64)1 << (next - 1);
		}
		ret = migc_check_src_param(m, values, p, &src->params[i], why);
		if (ret)
			return ret;
	}
	for (i = 0; i < m->nr_params; i++) {
		if (listed & ((u64)1 << i))
			continue;
		ret = migc_check_absent(&m->params[i],
					values ? &values[i] : NULL, why);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * migc_check_type() - can a device type receive a migration from a device
 * @caps: capabilities of the destination type
 * @src: description of the source device
 * @why: the reason of a failure, or NULL
 *
 * Applies rules 1 to 3 of the compatibility rules to the model of @caps
 * that @src names: a device of the type, configured with values it
 * allows, could receive the migration.  On failure, @why says which rule
 * and which parameter failed first: the model, then the parameters of
 * @src in document order, then those of the model in table order.
 *
 * Return: 0 if compatible, -EPROTO if not, -EINVAL if a value of @src has
 * the wrong type.
 */
int migc_check_type(const struct migc_caps *caps,
		    const struct migc_desc *src, struct migc_reason *why)
{
	unsigned int i;

	if (why)
		memset(why, 0, sizeof(*why));
	for (i = 0; i < caps->nr_models; i++)
		if (!strcmp(caps->models[i].name, src->model))
			return migc_check_params(&caps->models[i], NULL, src,
						 why);
	if (why) {
		migc_why_name(why->src, src->model);
		migc_why_models(why->dst, caps);
	}
	return migc_fail(why, MIGC_MODEL_DIFFERS, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(migc_check_type);

/**
 * migc_check_device() - can a device receive a migration from a device
 * @model: model of the destination device
 * @values: its current values, one per parameter of @model, in table order
 * @src: description of the source device
 * @why: the reason of a failure, or NULL
 *
 * Applies rules 1 to 3 of the compatibility rules: same model, every
 * parameter of @src known, allowed and equal to the current value (unless
 * the parameter is &migc_param.driver_compares), every other parameter at
 * its off_value.  The driver's own check (rule 4) is
 * the caller's.  The order of the checks is that of migc_check_type().
 *
 * Return: 0 if compatible, -EPROTO if not, -EINVAL if a value of @src has
 * the wrong type.
 */
int migc_check_device(const struct migc_model *model,
		      const struct migc_value *values,
		      const struct migc_desc *src, struct migc_reason *why)
{
	if (why)
		memset(why, 0, sizeof(*why));
	if (!strcmp(model->name, src->model))
		return migc_check_params(model, values, src, why);
	if (why) {
		migc_why_name(why->src, src->model);
		migc_why_name(why->dst, model->name);
	}
	return migc_fail(why, MIGC_MODEL_DIFFERS, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(migc_check_device);

/**
 * migc_verdict_str() - describe a verdict
 * @verdict: the verdict
 *
 * Return: a short English phrase such as "model differs", for the log.
 */
const char *migc_verdict_str(enum migc_verdict verdict)
{
	if ((unsigned int)verdict >= ARRAY_SIZE(migc_verdict_names))
		return "unknown verdict";
	return migc_verdict_names[verdict];
}
EXPORT_SYMBOL_IF_KUNIT(migc_verdict_str);
