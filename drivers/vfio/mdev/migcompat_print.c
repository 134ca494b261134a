// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration compatibility engine: the printer of the JSON documents, of
 * single values, and of the values a refusal names in its reason.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/migcompat.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "migcompat_internal.h"

/*
 * Output buffer of the printers.  @len counts what the whole text needs, so
 * running out of room is noticed at the end instead of at every append.
 */
struct migc_out {
	char *buf;
	size_t size;
	size_t len;
};

static void migc_out_mem(struct migc_out *o, const char *s, size_t n)
{
	if (o->len < o->size)
		memcpy(o->buf + o->len, s, min(n, o->size - o->len));
	o->len += n;
}

static void migc_out_str(struct migc_out *o, const char *s)
{
	migc_out_mem(o, s, strlen(s));
}

static void migc_out_s64(struct migc_out *o, s64 v)
{
	char tmp[24];

	migc_out_mem(o, tmp, scnprintf(tmp, sizeof(tmp), "%lld", v));
}

/* The letter of the two-character JSON escape of @c, or 0 if it has none. */
static char migc_json_esc_letter(char c)
{
	switch (c) {
	case '"':
		return '"';
	case '\\':
		return '\\';
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	}
	return 0;
}

static void migc_out_json_str(struct migc_out *o, const char *s)
{
	char tmp[8];

	migc_out_str(o, "\"");
	for (; *s; s++) {
		tmp[1] = migc_json_esc_letter(*s);
		if (tmp[1]) {
			tmp[0] = '\\';
			migc_out_mem(o, tmp, 2);
		} else if ((u8)*s < 0x20) {
			migc_out_mem(o, tmp, scnprintf(tmp, sizeof(tmp),
						       "\\u%04x", *s));
		} else {
			migc_out_mem(o, s, 1);
		}
	}
	migc_out_str(o, "\"");
}

/* As in JSON; @raw prints strings as in a migration/params/<name> file. */
static void migc_out_value(struct migc_out *o, const struct migc_value *v,
			   bool raw)
{
	switch (v->type) {
	case MIGC_BOOL:
		migc_out_str(o, v->b ? "true" : "false");
		break;
	case MIGC_INT:
		migc_out_s64(o, v->i);
		break;
	case MIGC_STR:
		if (raw)
			migc_out_str(o, v->s);
		else
			migc_out_json_str(o, v->s);
		break;
	}
}

static void migc_out_allowed(struct migc_out *o, const struct migc_param *p)
{
	const struct migc_range *r;
	unsigned int i;

	migc_out_str(o, "[");
	if (p->fixed)
		migc_out_value(o, &p->init_value, false);
	for (i = 0; i < p->nr_allowed; i++) {
		if (i)
			migc_out_str(o, ", ");
		if (p->type != MIGC_INT) {
			migc_out_value(o, &p->allowed[i], false);
			continue;
		}
		r = &p->ranges[i];
		if (r->min == r->max) {
			migc_out_s64(o, r->min);
			continue;
		}
		migc_out_str(o, "\"");
		migc_out_s64(o, r->min);
		migc_out_str(o, "-");
		migc_out_s64(o, r->max);
		migc_out_str(o, "\"");
	}
	migc_out_str(o, "]");
}

/* NUL-terminate, or report that the caller's buffer is too small. */
static int migc_out_end(struct migc_out *o)
{
	if (o->len >= o->size || o->len > INT_MAX)
		return -E2BIG;
	o->buf[o->len] = '\0';
	return o->len;
}

/*
 * Reasons are for the kernel log: cut to fit, marked with "...", and never
 * in the middle of a UTF-8 sequence.
 */
static void migc_out_cut(struct migc_out *o)
{
	size_t cut;

	if (o->len < o->size) {
		o->buf[o->len] = '\0';
		return;
	}
	cut = o->size - sizeof("...");
	while (cut && (o->buf[cut] & 0xc0) == 0x80)
		cut--;
	strscpy(o->buf + cut, "...", sizeof("..."));
}

/**
 * migc_value_print() - print a value as in a migration/params/<name> file
 * @val: the value
 * @buf: output buffer
 * @size: size of @buf
 *
 * Prints true/false, a decimal integer or the string as it is, without a
 * newline, NUL-terminated.
 *
 * Return: the length printed, or -E2BIG if @buf is too small.
 */
int migc_value_print(const struct migc_value *val, char *buf, size_t size)
{
	struct migc_out o = { .buf = buf, .size = size };

	migc_out_value(&o, val, true);
	return migc_out_end(&o);
}
EXPORT_SYMBOL_IF_KUNIT(migc_value_print);

/**
 * migc_desc_print() - print the description of a device
 * @model: the device's model
 * @values: its current values, one per parameter of @model, in table order
 * @buf: output buffer
 * @size: size of @buf
 *
 * Parameters at their off_value are left out, as a description of an
 * implementation that predates them would.  The text ends with a newline.
 *
 * Return: the length printed, -E2BIG if @buf is too small, -EINVAL if a
 * value does not have the type of its parameter.
 */
int migc_desc_print(const struct migc_model *model,
		    const struct migc_value *values, char *buf, size_t size)
{
	struct migc_out o = { .buf = buf, .size = size };
	const struct migc_param *p;
	const char *sep = "";
	unsigned int i;

	migc_out_str(&o, "{\"model\": ");
	migc_out_json_str(&o, model->name);
	migc_out_str(&o, ", \"params\": {");
	for (i = 0; i < model->nr_params; i++) {
		p = &model->params[i];
		if (values[i].type != p->type)
			return -EINVAL;
		if (p->has_off && migc_value_equal(&values[i], &p->off_value))
			continue;
		migc_out_str(&o, sep);
		migc_out_json_str(&o, p->name);
		migc_out_str(&o, ": ");
		migc_out_value(&o, &values[i], false);
		sep = ", ";
	}
	migc_out_str(&o, "}}\n");
	return migc_out_end(&o);
}
EXPORT_SYMBOL_IF_KUNIT(migc_desc_print);

static void migc_out_param(struct migc_out *o, const struct migc_param *p)
{
	migc_out_json_str(o, p->name);
	migc_out_str(o, ": {\"type\": \"");
	migc_out_str(o, migc_enum_name(migc_type_names,
				       ARRAY_SIZE(migc_type_names), p->type));
	migc_out_str(o, "\", \"access\": \"");
	migc_out_str(o, migc_enum_name(migc_access_names,
				       ARRAY_SIZE(migc_access_names),
				       p->access));
	migc_out_str(o, "\"");
	if (p->nr_allowed || p->fixed) {
		migc_out_str(o, ", \"allowed_values\": ");
		migc_out_allowed(o, p);
	}
	migc_out_str(o, ", \"init_value\": ");
	migc_out_value(o, &p->init_value, false);
	if (p->has_off) {
		migc_out_str(o, ", \"off_value\": ");
		migc_out_value(o, &p->off_value, false);
	}
	migc_out_str(o, "}");
}

static void migc_out_model(struct migc_out *o, const struct migc_model *m)
{
	unsigned int i;

	migc_out_json_str(o, m->name);
	migc_out_str(o, ": {\"params\": {");
	for (i = 0; i < m->nr_params; i++) {
		if (i)
			migc_out_str(o, ", ");
		migc_out_param(o, &m->params[i]);
	}
	migc_out_str(o, "}}");
}

/**
 * migc_caps_print() - print the capabilities of a device type
 * @caps: the capabilities
 * @buf: output buffer
 * @size: size of @buf
 *
 * Prints one line ending with a newline, models and parameters in table
 * order.  An int range of a single value is printed as a number.
 *
 * Return: the length printed, or -E2BIG if @buf is too small.
 */
int migc_caps_print(const struct migc_caps *caps, char *buf, size_t size)
{
	struct migc_out o = { .buf = buf, .size = size };
	unsigned int i;

	migc_out_str(&o, "{\"models\": {");
	for (i = 0; i < caps->nr_models; i++) {
		if (i)
			migc_out_str(&o, ", ");
		migc_out_model(&o, &caps->models[i]);
	}
	migc_out_str(&o, "}}\n");
	return migc_out_end(&o);
}
EXPORT_SYMBOL_IF_KUNIT(migc_caps_print);

/* The values of a struct migc_reason, cut to fit: for the kernel log. */
void migc_why_value(char *dst, const struct migc_value *v)
{
	struct migc_out o = { .buf = dst, .size = MIGC_REASON_VALUE_MAX };

	migc_out_value(&o, v, false);
	migc_out_cut(&o);
}

void migc_why_name(char *dst, const char *name)
{
	struct migc_out o = { .buf = dst, .size = MIGC_REASON_VALUE_MAX };

	migc_out_json_str(&o, name);
	migc_out_cut(&o);
}

void migc_why_allowed(char *dst, const struct migc_param *p)
{
	struct migc_out o = { .buf = dst, .size = MIGC_REASON_VALUE_MAX };

	if (p->nr_allowed || p->fixed)
		migc_out_allowed(&o, p);
	else
		migc_out_str(&o, "any value");
	migc_out_cut(&o);
}

void migc_why_models(char *dst, const struct migc_caps *caps)
{
	struct migc_out o = { .buf = dst, .size = MIGC_REASON_VALUE_MAX };
	unsigned int i;

	for (i = 0; i < caps->nr_models; i++) {
		if (i)
			migc_out_str(&o, ", ");
		migc_out_json_str(&o, caps->models[i].name);
	}
	migc_out_cut(&o);
}
