// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration compatibility engine: the tables drivers register and the
 * values they hold.  Names, value comparison, table validation and the
 * parser of a migration/params/<name> write.  The JSON documents are read
 * in migcompat_parse.c, printed in migcompat_print.c and compared by the
 * rules in migcompat_rules.c.  See include/linux/migcompat.h.
 *
 * The engine builds in userspace too (tools/testing/migcompat/) against a
 * few shim headers, which is why its files include nothing beyond them.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/migcompat.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "migcompat_internal.h"

const char * const migc_type_names[MIGC_NR_TYPES] = {
	[MIGC_BOOL] = "bool",
	[MIGC_INT] = "int",
	[MIGC_STR] = "str",
};
EXPORT_SYMBOL_IF_KUNIT(migc_type_names);

const char * const migc_access_names[MIGC_NR_ACCESS] = {
	[MIGC_CREATE] = "create",
	[MIGC_RUNTIME] = "runtime",
	[MIGC_READONLY] = "readonly",
};
EXPORT_SYMBOL_IF_KUNIT(migc_access_names);

/*
 * Length of the UTF-8 sequence at @s, or 0 if it is truncated, overlong, a
 * surrogate or beyond U+10FFFF (RFC 3629, table 3-7 of Unicode).
 */
size_t migc_utf8_len(const u8 *s, size_t avail)
{
	u8 lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2)
		return 0;
	if (s[0] < 0xe0) {
		n = 2;
	} else if (s[0] < 0xf0) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] < 0xf5) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* A %MIGC_STR value: bounded UTF-8 without NUL or newline. */
bool migc_str_ok(const char *s, size_t len)
{
	size_t i, n;

	if (len > MIGC_STR_MAX)
		return false;
	for (i = 0; i < len; i += n) {
		if (s[i] == '\0' || s[i] == '\n')
			return false;
		n = migc_utf8_len((const u8 *)s + i, len - i);
		if (!n)
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(migc_str_ok);

/**
 * migc_name_valid() - check a parameter name
 * @name: the name, not necessarily NUL-terminated
 * @len: its length in bytes
 *
 * Return: true if @name is ``[a-z0-9][a-z0-9-]*`` and at most
 * %MIGC_NAME_MAX bytes long.
 */
bool migc_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > MIGC_NAME_MAX || name[0] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!migc_is_digit(name[i]) && name[i] != '-' &&
		    (name[i] < 'a' || name[i] > 'z'))
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(migc_name_valid);

static bool migc_model_char_ok(char c)
{
	return migc_is_digit(c) || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '/' ||
	       c == '-';
}

/**
 * migc_model_name_valid() - check a model name
 * @name: the name, not necessarily NUL-terminated
 * @len: its length in bytes
 *
 * A model name is ``<domain>/<path>``: 1 to %MIGC_MODEL_MAX bytes of
 * ``[A-Za-z0-9._/-]`` with at least one '/', none at either end and no
 * empty path component.
 *
 * Return: true if @name is a valid model name.
 */
bool migc_model_name_valid(const char *name, size_t len)
{
	bool slash = false;
	size_t i;

	if (!len || len > MIGC_MODEL_MAX || name[0] == '/' ||
	    name[len - 1] == '/')
		return false;
	for (i = 0; i < len; i++) {
		if (!migc_model_char_ok(name[i]))
			return false;
		if (name[i] != '/')
			continue;
		if (name[i - 1] == '/')
			return false;
		slash = true;
	}
	return slash;
}
EXPORT_SYMBOL_IF_KUNIT(migc_model_name_valid);

/**
 * migc_value_equal() - compare two values
 * @a: a value
 * @b: another value
 *
 * Return: true if both have the same type and value; strings compare
 * byte by byte.
 */
bool migc_value_equal(const struct migc_value *a, const struct migc_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case MIGC_BOOL:
		return a->b == b->b;
	case MIGC_INT:
		return a->i == b->i;
	case MIGC_STR:
		if (!a->s || !b->s)
			return a->s == b->s;
		return !strcmp(a->s, b->s);
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(migc_value_equal);

/**
 * migc_value_allowed() - check a value against a parameter
 * @param: the parameter
 * @val: the value
 *
 * Return: true if @val has the type of @param and is one of its allowed
 * values, or @param allows any value of its type.
 */
bool migc_value_allowed(const struct migc_param *param,
			const struct migc_value *val)
{
	unsigned int i;

	if (val->type != param->type)
		return false;
	if (param->fixed)
		return migc_value_equal(val, &param->init_value);
	if (!param->nr_allowed)
		return true;
	for (i = 0; i < param->nr_allowed; i++) {
		if (param->type == MIGC_INT) {
			if (val->i >= param->ranges[i].min &&
			    val->i <= param->ranges[i].max)
				return true;
		} else if (migc_value_equal(val, &param->allowed[i])) {
			return true;
		}
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(migc_value_allowed);

/**
 * migc_model_find() - look up a parameter of a model
 * @model: the model
 * @name: NUL-terminated parameter name
 *
 * Return: the parameter, or NULL if @model has none of that name.
 */
const struct migc_param *migc_model_find(const struct migc_model *model,
					 const char *name)
{
	unsigned int i;

	for (i = 0; i < model->nr_params; i++)
		if (!strcmp(model->params[i].name, name))
			return &model->params[i];
	return NULL;
}
EXPORT_SYMBOL_GPL(migc_model_find);

/* A value stored in a table: right type, and a string that could be read. */
static bool migc_value_ok(enum migc_type type, const struct migc_value *v)
{
	if (v->type != type)
		return false;
	if (type != MIGC_STR)
		return true;
	return v->s && migc_str_ok(v->s, strnlen(v->s, MIGC_STR_MAX + 1));
}

static bool migc_allowed_ok(const struct migc_param *p)
{
	unsigned int i;

	if (p->nr_allowed > MIGC_MAX_ALLOWED)
		return false;
	if (p->fixed)
		return p->access == MIGC_READONLY && !p->nr_allowed;
	if (!p->nr_allowed)
		return true;
	if (p->type == MIGC_INT && !p->ranges)
		return false;
	if (p->type != MIGC_INT && !p->allowed)
		return false;
	for (i = 0; i < p->nr_allowed; i++) {
		if (p->type == MIGC_INT) {
			if (p->ranges[i].min > p->ranges[i].max)
				return false;
		} else if (!migc_value_ok(p->type, &p->allowed[i])) {
			return false;
		}
	}
	return true;
}

/**
 * migc_param_problem() - what is wrong with a parameter's table entry?
 * @p: the parameter
 *
 * Return: NULL if @p is valid, else a phrase that completes
 * "parameter '<name>' ..." in a warning.
 */
const char *migc_param_problem(const struct migc_param *p)
{
	if (!p->name ||
	    !migc_name_valid(p->name, strnlen(p->name, MIGC_NAME_MAX + 1)))
		return "has an invalid name";
	if (p->type < MIGC_BOOL || p->type > MIGC_STR)
		return "has an unknown type";
	if (p->access < MIGC_CREATE || p->access > MIGC_READONLY)
		return "has an unknown access class";
	if (!migc_allowed_ok(p))
		return "has malformed allowed_values";
	if (!migc_value_ok(p->type, &p->init_value))
		return "has an init_value that is no valid value of its type";
	if (!migc_value_allowed(p, &p->init_value))
		return "has an init_value outside its allowed_values";
	if (p->has_off && !migc_value_ok(p->type, &p->off_value))
		return "has an off_value that is no valid value of its type";
	if (p->has_off && !migc_value_allowed(p, &p->off_value))
		return "has an off_value outside its allowed_values";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(migc_param_problem);

/**
 * migc_model_validate() - check a model table
 * @model: the model
 *
 * Checks the model name, the number of parameters and every parameter:
 * unique valid name, known type and access class, values of the right
 * type and allowed, well-formed allowed values.  migc_caps_validate()
 * checks every model with it.
 *
 * Return: 0 if the table is valid, -EINVAL otherwise.
 */
int migc_model_validate(const struct migc_model *model)
{
	unsigned int i, k;

	if (!model || !model->name ||
	    !migc_model_name_valid(model->name,
				   strnlen(model->name, MIGC_MODEL_MAX + 1)))
		return -EINVAL;
	if (model->nr_params > MIGC_MAX_PARAMS ||
	    (model->nr_params && !model->params))
		return -EINVAL;
	for (i = 0; i < model->nr_params; i++) {
		if (migc_param_problem(&model->params[i]))
			return -EINVAL;
		for (k = 0; k < i; k++)
			if (!strcmp(model->params[k].name,
				    model->params[i].name))
				return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(migc_model_validate);

/**
 * migc_caps_validate() - check a capabilities table
 * @caps: the capabilities
 *
 * A device type that supports migration receives at least one model, so
 * an empty table is rejected too.
 *
 * Return: 0 if every model is valid and model names are unique, -EINVAL
 * otherwise.
 */
int migc_caps_validate(const struct migc_caps *caps)
{
	unsigned int i, k;
	int ret;

	if (!caps || !caps->nr_models || caps->nr_models > MIGC_MAX_MODELS ||
	    !caps->models)
		return -EINVAL;
	for (i = 0; i < caps->nr_models; i++) {
		ret = migc_model_validate(&caps->models[i]);
		if (ret)
			return ret;
		for (k = 0; k < i; k++)
			if (!strcmp(caps->models[k].name, caps->models[i].name))
				return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(migc_caps_validate);

/*
 * The spellings kstrtobool() is documented to take, and the read format.
 * Whole words only: kstrtobool() looks at one or two characters and would
 * take "nonsense" for false, which a strict interface must not.
 */
static const char * const migc_bool_words[] = {
	"true", "false", "y", "n", "yes", "no", "1", "0", "on", "off",
};

static int migc_parse_bool(const char *buf, size_t len, struct migc_value *val)
{
	const char *w;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(migc_bool_words); i++) {
		w = migc_bool_words[i];
		/* @w is NUL-terminated where @buf is not; same value. */
		if (strlen(w) == len && !strncasecmp(buf, w, len))
			return kstrtobool(w, &val->b);
	}
	return -EINVAL;
}

static int migc_parse_int(const char *buf, size_t len, struct migc_value *val)
{
	char tmp[sizeof("-9223372036854775808")];
	size_t i, start = 0, n = 0;

	/* kstrtos64() also takes '+' and a newline; a params file does not. */
	if (len && buf[0] == '-')
		tmp[n++] = buf[start++];
	if (start == len)
		return -EINVAL;
	for (i = start; i < len; i++)
		if (!migc_is_digit(buf[i]))
			return -EINVAL;
	/* Leading zeros carry no value; dropping them bounds the copy. */
	while (start < len - 1 && buf[start] == '0')
		start++;
	if (len - start + n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp + n, buf + start, len - start);
	tmp[n + len - start] = '\0';
	return kstrtos64(tmp, 10, &val->i) ? -EINVAL : 0;
}

/**
 * migc_value_parse() - parse a write to a migration/params/<name> file
 * @param: the parameter written
 * @buf: the bytes written
 * @len: their number
 * @val: the value parsed, of the type of @param
 * @sbuf: storage of a %MIGC_STR value; @val->s points to it
 * @sbuf_size: size of @sbuf
 *
 * One trailing newline is ignored.  A bool is true/false or one of the
 * kstrtobool() words (y/n, yes/no, 1/0, on/off) in any case; an int is
 * decimal with an optional '-'; a string is taken as it is.  Whether the
 * value is allowed is not checked here.
 *
 * Return: 0, or -EINVAL if @buf is not a value of the type (or does not fit
 * @sbuf).
 */
int migc_value_parse(const struct migc_param *param, const char *buf,
		     size_t len, struct migc_value *val, char *sbuf,
		     size_t sbuf_size)
{
	int ret = -EINVAL;

	if (len > MIGC_STR_MAX + 1)
		return -EINVAL;
	if (len && buf[len - 1] == '\n')
		len--;
	switch (param->type) {
	case MIGC_BOOL:
		ret = migc_parse_bool(buf, len, val);
		break;
	case MIGC_INT:
		ret = migc_parse_int(buf, len, val);
		break;
	case MIGC_STR:
		if (!migc_str_ok(buf, len) || !sbuf || sbuf_size <= len)
			return -EINVAL;
		memcpy(sbuf, buf, len);
		sbuf[len] = '\0';
		val->s = sbuf;
		ret = 0;
		break;
	}
	if (!ret)
		val->type = param->type;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(migc_value_parse);
