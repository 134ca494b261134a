// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration compatibility engine: names, tables, the two JSON documents and
 * the compatibility rules.  See include/linux/migcompat.h.
 *
 * Documents come from userspace, so everything here is bounded: the input
 * size, the nesting depth, the element counts and the recursion.  The same
 * file builds in userspace (tools/testing/migcompat/) against a few shim
 * headers, which is why it includes nothing beyond them.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/migcompat.h>
#include <linux/slab.h>
#include <linux/string.h>

static const char * const migc_type_names[] = {
	[MIGC_BOOL] = "bool",
	[MIGC_INT] = "int",
	[MIGC_STR] = "str",
};

static const char * const migc_access_names[] = {
	[MIGC_CREATE] = "create",
	[MIGC_RUNTIME] = "runtime",
	[MIGC_READONLY] = "readonly",
};

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

/* Index 0 of the tables above is unused for types and access classes. */
static const char *migc_enum_name(const char * const *names, unsigned int nr,
				  unsigned int i)
{
	return i < nr && names[i] ? names[i] : "?";
}

static bool migc_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Length of the UTF-8 sequence at @s, or 0 if it is truncated, overlong, a
 * surrogate or beyond U+10FFFF (RFC 3629, table 3-7 of Unicode).
 */
static size_t migc_utf8_len(const u8 *s, size_t avail)
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

static size_t migc_utf8_encode(u32 cp, u8 *out)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | (cp >> 6);
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | (cp >> 12);
		out[1] = 0x80 | ((cp >> 6) & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | (cp >> 18);
	out[1] = 0x80 | ((cp >> 12) & 0x3f);
	out[2] = 0x80 | ((cp >> 6) & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* A %MIGC_STR value: bounded UTF-8 without NUL or newline. */
static bool migc_str_ok(const char *s, size_t len)
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

/* Length of the integer -?(0|[1-9][0-9]*) at @s, or 0 if there is none. */
static size_t migc_int_scan(const char *s, size_t len)
{
	size_t n = 0;

	if (n < len && s[n] == '-')
		n++;
	if (n == len || !migc_is_digit(s[n]))
		return 0;
	if (s[n] == '0')
		return n + 1;
	while (n < len && migc_is_digit(s[n]))
		n++;
	return n;
}

/* Convert @len bytes checked by migc_int_scan(); out of range is -EINVAL. */
static int migc_int_value(const char *s, size_t len, s64 *val)
{
	char tmp[sizeof("-9223372036854775808")];

	if (len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return kstrtos64(tmp, 10, val) ? -EINVAL : 0;
}

/* "min-max", each bound an integer that may be negative: "-5--1". */
static int migc_range_parse(const char *s, size_t len, struct migc_range *r)
{
	size_t a, b;

	a = migc_int_scan(s, len);
	if (!a || a == len || s[a] != '-')
		return -EINVAL;
	b = migc_int_scan(s + a + 1, len - a - 1);
	if (!b || a + 1 + b != len)
		return -EINVAL;
	return migc_int_value(s, a, &r->min) ?:
	       migc_int_value(s + a + 1, b, &r->max);
}

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
EXPORT_SYMBOL_GPL(migc_name_valid);

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
EXPORT_SYMBOL_GPL(migc_model_name_valid);

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
EXPORT_SYMBOL_GPL(migc_value_equal);

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
EXPORT_SYMBOL_GPL(migc_value_allowed);

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

static int migc_param_validate(const struct migc_param *p)
{
	if (!p->name ||
	    !migc_name_valid(p->name, strnlen(p->name, MIGC_NAME_MAX + 1)))
		return -EINVAL;
	if (p->type < MIGC_BOOL || p->type > MIGC_STR ||
	    p->access < MIGC_CREATE || p->access > MIGC_READONLY)
		return -EINVAL;
	if (!migc_allowed_ok(p))
		return -EINVAL;
	if (!migc_value_ok(p->type, &p->init_value) ||
	    !migc_value_allowed(p, &p->init_value))
		return -EINVAL;
	if (p->has_off && (!migc_value_ok(p->type, &p->off_value) ||
			   !migc_value_allowed(p, &p->off_value)))
		return -EINVAL;
	return 0;
}

/**
 * migc_model_validate() - check a model table
 * @model: the model
 *
 * Checks the model name, the number of parameters and every parameter:
 * unique valid name, known type and access class, values of the right
 * type and allowed, well-formed allowed values.  Drivers call this when
 * they register a model.
 *
 * Return: 0 if the table is valid, -EINVAL otherwise.
 */
int migc_model_validate(const struct migc_model *model)
{
	unsigned int i, k;
	int ret;

	if (!model || !model->name ||
	    !migc_model_name_valid(model->name,
				   strnlen(model->name, MIGC_MODEL_MAX + 1)))
		return -EINVAL;
	if (model->nr_params > MIGC_MAX_PARAMS ||
	    (model->nr_params && !model->params))
		return -EINVAL;
	for (i = 0; i < model->nr_params; i++) {
		ret = migc_param_validate(&model->params[i]);
		if (ret)
			return ret;
		for (k = 0; k < i; k++)
			if (!strcmp(model->params[k].name,
				    model->params[i].name))
				return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(migc_model_validate);

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
EXPORT_SYMBOL_GPL(migc_caps_validate);

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
EXPORT_SYMBOL_GPL(migc_value_print);

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
EXPORT_SYMBOL_GPL(migc_desc_print);

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
	if (p->nr_allowed) {
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
EXPORT_SYMBOL_GPL(migc_caps_print);

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
EXPORT_SYMBOL_GPL(migc_value_parse);

/*
 * The JSON reader.  Keys of the objects being read are kept, decoded, on a
 * stack in @keys so that duplicates are found at every level, even inside
 * values that are otherwise skipped.  A key takes at least four bytes of
 * the document ("":0) and its decoded copy is never longer than its quoted
 * form, so both arrays are large enough for any document the size limit
 * lets in.
 */
struct migc_json {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned int depth;
	unsigned int nr_keys;
	size_t keys_used;
	u16 key_at[MIGC_DOC_MAX / 4];
	u16 key_hash[MIGC_DOC_MAX / 4];
	char keys[MIGC_DOC_MAX];
	char tmp[MIGC_STR_MAX + 1];
};

/* Where an object or array was opened, to close it again. */
struct migc_iter {
	unsigned int nr_keys;
	size_t keys_used;
	bool first;
};

static int migc_json_new(const char *buf, size_t len, struct migc_json **jp)
{
	struct migc_json *j;

	if (!buf || !len || len > MIGC_DOC_MAX)
		return -EINVAL;
	j = kzalloc(sizeof(*j), GFP_KERNEL);
	if (!j)
		return -ENOMEM;
	j->buf = buf;
	j->len = len;
	*jp = j;
	return 0;
}

/* Skip whitespace; return the next byte without taking it, NUL at the end. */
static char migc_json_next(struct migc_json *j)
{
	while (j->pos < j->len && (j->buf[j->pos] == ' ' ||
				   j->buf[j->pos] == '\t' ||
				   j->buf[j->pos] == '\n' ||
				   j->buf[j->pos] == '\r'))
		j->pos++;
	return j->pos < j->len ? j->buf[j->pos] : '\0';
}

/* Only whitespace may follow the top-level value. */
static int migc_json_end(struct migc_json *j)
{
	migc_json_next(j);
	return j->pos == j->len ? 0 : -EINVAL;
}

static int migc_json_word(struct migc_json *j, const char *word)
{
	size_t n = strlen(word);

	migc_json_next(j);
	if (j->len - j->pos < n || memcmp(j->buf + j->pos, word, n))
		return -EINVAL;
	j->pos += n;
	return 0;
}

static int migc_json_bool(struct migc_json *j, bool *val)
{
	*val = migc_json_next(j) == 't';
	return migc_json_word(j, *val ? "true" : "false");
}

static int migc_json_int(struct migc_json *j, s64 *val)
{
	const char *s;
	size_t n;

	migc_json_next(j);
	s = j->buf + j->pos;
	n = migc_int_scan(s, j->len - j->pos);
	if (!n)
		return -EINVAL;
	/* Leading zeros, fractions and exponents: integers only. */
	if (j->pos + n < j->len &&
	    (migc_is_digit(s[n]) || s[n] == '.' || s[n] == 'e' || s[n] == 'E'))
		return -EINVAL;
	j->pos += n;
	return migc_int_value(s, n, val);
}

static int migc_json_hex4(struct migc_json *j, u32 *val)
{
	int i, d;

	if (j->len - j->pos < 4)
		return -EINVAL;
	*val = 0;
	for (i = 0; i < 4; i++) {
		d = hex_to_bin(j->buf[j->pos++]);
		if (d < 0)
			return -EINVAL;
		*val = *val << 4 | d;
	}
	return 0;
}

/* \uXXXX, possibly a surrogate pair; NUL would cut the C string short. */
static int migc_json_unicode(struct migc_json *j, u8 *out)
{
	u32 cp, lo;

	if (migc_json_hex4(j, &cp))
		return -EINVAL;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return -EINVAL;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (j->len - j->pos < 2 || j->buf[j->pos] != '\\' ||
		    j->buf[j->pos + 1] != 'u')
			return -EINVAL;
		j->pos += 2;
		if (migc_json_hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return -EINVAL;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (!cp)
		return -EINVAL;
	return migc_utf8_encode(cp, out);
}

/* One escape sequence, the backslash already consumed. */
static int migc_json_escape(struct migc_json *j, u8 *out)
{
	if (j->pos == j->len)
		return -EINVAL;
	switch (j->buf[j->pos++]) {
	case '"':
		out[0] = '"';
		break;
	case '\\':
		out[0] = '\\';
		break;
	case '/':
		out[0] = '/';
		break;
	case 'b':
		out[0] = '\b';
		break;
	case 'f':
		out[0] = '\f';
		break;
	case 'n':
		out[0] = '\n';
		break;
	case 'r':
		out[0] = '\r';
		break;
	case 't':
		out[0] = '\t';
		break;
	case 'u':
		return migc_json_unicode(j, out);
	default:
		return -EINVAL;
	}
	return 1;
}

/* One character of a string, decoded to UTF-8 in @out; returns its length. */
static int migc_json_char(struct migc_json *j, u8 *out)
{
	const u8 *s = (const u8 *)j->buf + j->pos;
	size_t n;

	if (*s == '\\') {
		j->pos++;
		return migc_json_escape(j, out);
	}
	if (*s < 0x20)
		return -EINVAL;
	n = migc_utf8_len(s, j->len - j->pos);
	if (!n)
		return -EINVAL;
	memcpy(out, s, n);
	j->pos += n;
	return n;
}

/*
 * Read a string and decode it into @out, NUL-terminated, -EINVAL if it does
 * not fit in @size bytes.  With @out == NULL, only check it.
 */
static int migc_json_string(struct migc_json *j, char *out, size_t size,
			    size_t *lenp)
{
	size_t n = 0;
	u8 ch[4];
	int ret;

	if (migc_json_next(j) != '"')
		return -EINVAL;
	for (j->pos++; j->pos < j->len && j->buf[j->pos] != '"'; n += ret) {
		ret = migc_json_char(j, ch);
		if (ret < 0)
			return ret;
		if (out && n + ret >= size)
			return -EINVAL;
		if (out)
			memcpy(out + n, ch, ret);
	}
	if (j->pos == j->len || (out && n >= size))
		return -EINVAL;
	j->pos++;
	if (out)
		out[n] = '\0';
	if (lenp)
		*lenp = n;
	return 0;
}

static int migc_json_open(struct migc_json *j, struct migc_iter *it,
			  char open)
{
	if (migc_json_next(j) != open || j->depth == MIGC_MAX_DEPTH)
		return -EINVAL;
	j->pos++;
	j->depth++;
	it->nr_keys = j->nr_keys;
	it->keys_used = j->keys_used;
	it->first = true;
	return 0;
}

/*
 * Return 1 if another element of the container follows, 0 if it has ended
 * (it is then closed and its keys forgotten), or -EINVAL.
 */
static int migc_json_more(struct migc_json *j, struct migc_iter *it,
			  char close)
{
	char c = migc_json_next(j);
	bool first = it->first;

	it->first = false;
	if (c == close) {
		j->pos++;
		j->depth--;
		j->nr_keys = it->nr_keys;
		j->keys_used = it->keys_used;
		return 0;
	}
	if (first)
		return 1;
	if (c != ',')
		return -EINVAL;
	j->pos++;
	return 1;
}

static int migc_json_key(struct migc_json *j, struct migc_iter *it,
			 const char **key)
{
	char *k = j->keys + j->keys_used;
	unsigned int i;
	u16 hash = 0;
	size_t n;
	int ret;

	ret = migc_json_string(j, k, sizeof(j->keys) - j->keys_used, &n);
	if (ret)
		return ret;
	/* Duplicates: compare hashes first, strings only when they match. */
	for (i = 0; i < n; i++)
		hash = hash * 31 + (u8)k[i];
	for (i = it->nr_keys; i < j->nr_keys; i++)
		if (j->key_hash[i] == hash && !strcmp(j->keys + j->key_at[i], k))
			return -EINVAL;
	if (j->nr_keys == ARRAY_SIZE(j->key_at) || migc_json_next(j) != ':')
		return -EINVAL;
	j->pos++;
	j->key_hash[j->nr_keys] = hash;
	j->key_at[j->nr_keys++] = j->keys_used;
	j->keys_used += n + 1;
	*key = k;
	return 0;
}

/* Like migc_json_more() for an object, reading the key of the member. */
static int migc_json_member(struct migc_json *j, struct migc_iter *it,
			    const char **key)
{
	int ret;

	ret = migc_json_more(j, it, '}');
	if (ret <= 0)
		return ret;
	ret = migc_json_key(j, it, key);
	return ret ? ret : 1;
}

static int migc_json_skip(struct migc_json *j);

/* Check the object or array at the position, counting its elements. */
static int migc_json_count(struct migc_json *j, char open, unsigned int *nr)
{
	struct migc_iter it;
	const char *key;
	unsigned int n = 0;
	int ret;

	ret = migc_json_open(j, &it, open);
	if (ret)
		return ret;
	while ((ret = migc_json_more(j, &it, open == '{' ? '}' : ']')) > 0) {
		if (open == '{') {
			ret = migc_json_key(j, &it, &key);
			if (ret)
				return ret;
		}
		ret = migc_json_skip(j);
		if (ret)
			return ret;
		n++;
	}
	if (!ret && nr)
		*nr = n;
	return ret;
}

/*
 * Check a value nobody needs, as strictly as any other.  Recursion goes
 * through migc_json_count() and stops at %MIGC_MAX_DEPTH.
 */
static int migc_json_skip(struct migc_json *j)
{
	bool b;
	s64 i;

	switch (migc_json_next(j)) {
	case '{':
	case '[':
		return migc_json_count(j, j->buf[j->pos], NULL);
	case '"':
		return migc_json_string(j, NULL, 0, NULL);
	case 't':
	case 'f':
		return migc_json_bool(j, &b);
	case 'n':
		return migc_json_word(j, "null");
	default:
		return migc_json_int(j, &i);
	}
}

/*
 * Count the elements of the object or array at the position, at most @max,
 * and stay in front of it so that it can be read for real.
 */
static int migc_json_prescan(struct migc_json *j, char open,
			     unsigned int max, unsigned int *nr)
{
	size_t start;
	int ret;

	migc_json_next(j);
	start = j->pos;
	ret = migc_json_count(j, open, nr);
	if (ret)
		return ret;
	if (*nr > max)
		return -EINVAL;
	j->pos = start;
	return 0;
}

static int migc_desc_model(struct migc_json *j, struct migc_desc *desc)
{
	size_t n;
	int ret;

	ret = migc_json_string(j, desc->model, sizeof(desc->model), &n);
	if (ret)
		return ret;
	return migc_model_name_valid(desc->model, n) ? 0 : -EINVAL;
}

static int migc_desc_value(struct migc_json *j, struct migc_desc *desc,
			   struct migc_value *val)
{
	char *s = desc->str + desc->str_used;
	size_t n;
	int ret;

	switch (migc_json_next(j)) {
	case 't':
	case 'f':
		val->type = MIGC_BOOL;
		return migc_json_bool(j, &val->b);
	case '"':
		ret = migc_json_string(j, s, sizeof(desc->str) - desc->str_used,
				       &n);
		if (ret || !migc_str_ok(s, n))
			return -EINVAL;
		desc->str_used += n + 1;
		val->type = MIGC_STR;
		val->s = s;
		return 0;
	default:
		val->type = MIGC_INT;
		return migc_json_int(j, &val->i);
	}
}

static int migc_desc_params(struct migc_json *j, struct migc_desc *desc)
{
	struct migc_desc_param *p;
	struct migc_iter it;
	const char *name;
	int ret;

	ret = migc_json_open(j, &it, '{');
	if (ret)
		return ret;
	while ((ret = migc_json_member(j, &it, &name)) > 0) {
		if (desc->nr_params == MIGC_MAX_PARAMS ||
		    !migc_name_valid(name, strlen(name)))
			return -EINVAL;
		p = &desc->params[desc->nr_params++];
		strscpy(p->name, name, sizeof(p->name));
		ret = migc_desc_value(j, desc, &p->value);
		if (ret)
			return ret;
	}
	return ret;
}

static int migc_desc_doc(struct migc_json *j, struct migc_desc *desc)
{
	bool has_model = false;
	struct migc_iter it;
	const char *key;
	int ret;

	ret = migc_json_open(j, &it, '{');
	if (ret)
		return ret;
	while ((ret = migc_json_member(j, &it, &key)) > 0) {
		if (!strcmp(key, "model")) {
			has_model = true;
			ret = migc_desc_model(j, desc);
		} else if (!strcmp(key, "params")) {
			ret = migc_desc_params(j, desc);
		} else {
			/* Forward compatibility: newer keys are ignored. */
			ret = migc_json_skip(j);
		}
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	return has_model ? 0 : -EINVAL;
}

/**
 * migc_desc_parse() - parse a description
 * @buf: the document, not necessarily NUL-terminated
 * @len: its length, at most %MIGC_DOC_MAX
 * @desc: the description parsed; its string values point into it
 *
 * Return: 0, -EINVAL if @buf is not a valid description (@desc is then
 * undefined), or -ENOMEM.
 */
int migc_desc_parse(const char *buf, size_t len, struct migc_desc *desc)
{
	struct migc_json *j;
	int ret;

	memset(desc, 0, sizeof(*desc));
	ret = migc_json_new(buf, len, &j);
	if (ret)
		return ret;
	ret = migc_desc_doc(j, desc);
	if (!ret)
		ret = migc_json_end(j);
	kfree(j);
	return ret;
}
EXPORT_SYMBOL_GPL(migc_desc_parse);

static int migc_json_enum(struct migc_json *j, const char * const *names,
			  unsigned int nr)
{
	unsigned int i;
	int ret;

	ret = migc_json_string(j, j->tmp, sizeof(j->tmp), NULL);
	if (ret)
		return ret;
	for (i = 1; i < nr; i++)
		if (!strcmp(j->tmp, names[i]))
			return i;
	return -EINVAL;
}

/* A value of a known type, strings copied out of the document. */
static int migc_caps_value(struct migc_json *j, enum migc_type type,
			   struct migc_value *val)
{
	size_t n;
	char *s;
	int ret;

	if (type == MIGC_BOOL) {
		val->type = type;
		return migc_json_bool(j, &val->b);
	}
	if (type == MIGC_INT) {
		val->type = type;
		return migc_json_int(j, &val->i);
	}
	ret = migc_json_string(j, j->tmp, sizeof(j->tmp), &n);
	if (ret || !migc_str_ok(j->tmp, n))
		return -EINVAL;
	s = kstrdup(j->tmp, GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	/* Typed only once allocated: migc_caps_free() frees typed strings. */
	val->type = type;
	val->s = s;
	return 0;
}

/* An allowed int: a number, or a range as a string. */
static int migc_caps_range(struct migc_json *j, struct migc_range *r)
{
	size_t n;
	int ret;

	if (migc_json_next(j) != '"') {
		ret = migc_json_int(j, &r->min);
		r->max = r->min;
		return ret;
	}
	ret = migc_json_string(j, j->tmp, sizeof(j->tmp), &n);
	return ret ? ret : migc_range_parse(j->tmp, n, r);
}

static int migc_caps_allowed(struct migc_json *j, struct migc_param *p,
			     unsigned int nr)
{
	struct migc_value *allowed = NULL;
	struct migc_range *ranges = NULL;
	struct migc_iter it;
	unsigned int i;
	int ret;

	if (p->type == MIGC_INT)
		ranges = kcalloc(nr, sizeof(*ranges), GFP_KERNEL);
	else
		allowed = kcalloc(nr, sizeof(*allowed), GFP_KERNEL);
	if (!ranges && !allowed)
		return -ENOMEM;
	p->ranges = ranges;
	p->allowed = allowed;
	p->nr_allowed = nr;
	ret = migc_json_open(j, &it, '[');
	for (i = 0; !ret && (ret = migc_json_more(j, &it, ']')) > 0; i++) {
		if (i == nr)
			return -EINVAL;
		if (ranges)
			ret = migc_caps_range(j, &ranges[i]);
		else
			ret = migc_caps_value(j, p->type, &allowed[i]);
	}
	return ret;
}

/*
 * Where the values of a parameter are: they can only be read once its type
 * is known, and "type" may come last.  Offset 0 is the top-level '{', so it
 * means "absent".
 */
struct migc_deferred {
	size_t init;
	size_t off;
	size_t allowed;
	unsigned int nr_allowed;
};

static int migc_json_defer(struct migc_json *j, size_t *at)
{
	migc_json_next(j);
	*at = j->pos;
	return migc_json_skip(j);
}

static int migc_caps_param_key(struct migc_json *j, const char *key,
			       struct migc_param *p, struct migc_deferred *d)
{
	int ret;

	if (!strcmp(key, "type")) {
		ret = migc_json_enum(j, migc_type_names,
				     ARRAY_SIZE(migc_type_names));
		if (ret > 0)
			p->type = ret;
	} else if (!strcmp(key, "access")) {
		ret = migc_json_enum(j, migc_access_names,
				     ARRAY_SIZE(migc_access_names));
		if (ret > 0)
			p->access = ret;
	} else if (!strcmp(key, "init_value")) {
		ret = migc_json_defer(j, &d->init);
	} else if (!strcmp(key, "off_value")) {
		ret = migc_json_defer(j, &d->off);
	} else if (!strcmp(key, "allowed_values")) {
		migc_json_next(j);
		d->allowed = j->pos;
		ret = migc_json_count(j, '[', &d->nr_allowed);
	} else {
		/* A misspelt key must not silently change a parameter. */
		ret = -EINVAL;
	}
	return ret < 0 ? ret : 0;
}

static int migc_caps_param_values(struct migc_json *j, struct migc_param *p,
				  const struct migc_deferred *d)
{
	int ret;

	j->pos = d->init;
	ret = migc_caps_value(j, p->type, &p->init_value);
	if (!ret && d->off) {
		j->pos = d->off;
		ret = migc_caps_value(j, p->type, &p->off_value);
		p->has_off = true;
	}
	if (!ret && d->allowed) {
		j->pos = d->allowed;
		ret = migc_caps_allowed(j, p, d->nr_allowed);
	}
	return ret;
}

static int migc_caps_param(struct migc_json *j, struct migc_param *p)
{
	struct migc_deferred d = { };
	struct migc_iter it;
	const char *key;
	size_t end;
	int ret;

	ret = migc_json_open(j, &it, '{');
	if (ret)
		return ret;
	while ((ret = migc_json_member(j, &it, &key)) > 0) {
		ret = migc_caps_param_key(j, key, p, &d);
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	/* An empty list would allow nothing, which a table cannot say. */
	if (!p->type || !p->access || !d.init ||
	    (d.allowed && !d.nr_allowed) || d.nr_allowed > MIGC_MAX_ALLOWED)
		return -EINVAL;
	end = j->pos;
	ret = migc_caps_param_values(j, p, &d);
	j->pos = end;
	return ret;
}

static int migc_caps_params(struct migc_json *j, struct migc_model *m)
{
	struct migc_param *params = NULL;
	struct migc_iter it;
	const char *name;
	unsigned int i, nr;
	int ret;

	ret = migc_json_prescan(j, '{', MIGC_MAX_PARAMS, &nr);
	if (ret)
		return ret;
	if (nr) {
		params = kcalloc(nr, sizeof(*params), GFP_KERNEL);
		if (!params)
			return -ENOMEM;
	}
	m->params = params;
	m->nr_params = nr;
	ret = migc_json_open(j, &it, '{');
	for (i = 0; !ret && (ret = migc_json_member(j, &it, &name)) > 0; i++) {
		if (i == nr || !migc_name_valid(name, strlen(name)))
			return -EINVAL;
		params[i].name = kstrdup(name, GFP_KERNEL);
		if (!params[i].name)
			return -ENOMEM;
		ret = migc_caps_param(j, &params[i]);
	}
	return ret;
}

static int migc_caps_model(struct migc_json *j, struct migc_model *m)
{
	struct migc_iter it;
	const char *key;
	int ret;

	ret = migc_json_open(j, &it, '{');
	if (ret)
		return ret;
	while ((ret = migc_json_member(j, &it, &key)) > 0) {
		/*
		 * Unlike a parameter's, a model's other keys are ignored: they
		 * leave room to describe a model further without breaking the
		 * readers that exist, and cannot change what a parameter means.
		 */
		if (!strcmp(key, "params"))
			ret = migc_caps_params(j, m);
		else
			ret = migc_json_skip(j);
		if (ret)
			return ret;
	}
	return ret;
}

static int migc_caps_models(struct migc_json *j, struct migc_caps *caps)
{
	struct migc_model *models;
	struct migc_iter it;
	const char *name;
	unsigned int i, nr;
	int ret;

	ret = migc_json_prescan(j, '{', MIGC_MAX_MODELS, &nr);
	if (ret)
		return ret;
	if (!nr)
		return -EINVAL;
	models = kcalloc(nr, sizeof(*models), GFP_KERNEL);
	if (!models)
		return -ENOMEM;
	caps->models = models;
	caps->nr_models = nr;
	ret = migc_json_open(j, &it, '{');
	for (i = 0; !ret && (ret = migc_json_member(j, &it, &name)) > 0; i++) {
		if (i == nr || !migc_model_name_valid(name, strlen(name)))
			return -EINVAL;
		models[i].name = kstrdup(name, GFP_KERNEL);
		if (!models[i].name)
			return -ENOMEM;
		ret = migc_caps_model(j, &models[i]);
	}
	return ret;
}

static int migc_caps_doc(struct migc_json *j, struct migc_caps *caps)
{
	bool has_models = false;
	struct migc_iter it;
	const char *key;
	int ret;

	ret = migc_json_open(j, &it, '{');
	if (ret)
		return ret;
	while ((ret = migc_json_member(j, &it, &key)) > 0) {
		if (!strcmp(key, "models")) {
			has_models = true;
			ret = migc_caps_models(j, caps);
		} else {
			/* Forward compatibility: newer keys are ignored. */
			ret = migc_json_skip(j);
		}
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	return has_models ? 0 : -EINVAL;
}

/**
 * migc_caps_parse() - parse a capabilities document
 * @buf: the document, not necessarily NUL-terminated
 * @len: its length, at most %MIGC_DOC_MAX
 * @caps: the capabilities parsed, to be freed with migc_caps_free()
 *
 * The result is checked with migc_caps_validate().
 *
 * Return: 0, -EINVAL if @buf is not valid capabilities, or -ENOMEM.
 */
int migc_caps_parse(const char *buf, size_t len, struct migc_caps **caps)
{
	struct migc_caps *c;
	struct migc_json *j;
	int ret;

	ret = migc_json_new(buf, len, &j);
	if (ret)
		return ret;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	ret = c ? migc_caps_doc(j, c) : -ENOMEM;
	if (!ret)
		ret = migc_json_end(j);
	if (!ret)
		ret = migc_caps_validate(c);
	kfree(j);
	if (ret) {
		migc_caps_free(c);
		return ret;
	}
	*caps = c;
	return 0;
}
EXPORT_SYMBOL_GPL(migc_caps_parse);

static void migc_value_free(const struct migc_value *v)
{
	if (v->type == MIGC_STR)
		kfree(v->s);
}

static void migc_param_free(const struct migc_param *p)
{
	unsigned int i;

	kfree(p->name);
	migc_value_free(&p->init_value);
	migc_value_free(&p->off_value);
	for (i = 0; p->allowed && i < p->nr_allowed; i++)
		migc_value_free(&p->allowed[i]);
	kfree(p->allowed);
	kfree(p->ranges);
}

/**
 * migc_caps_free() - free capabilities returned by migc_caps_parse()
 * @caps: the capabilities, or NULL
 *
 * Also frees what migc_caps_parse() built before it failed.
 */
void migc_caps_free(struct migc_caps *caps)
{
	const struct migc_model *m;
	unsigned int i, k;

	if (!caps)
		return;
	for (i = 0; caps->models && i < caps->nr_models; i++) {
		m = &caps->models[i];
		kfree(m->name);
		for (k = 0; m->params && k < m->nr_params; k++)
			migc_param_free(&m->params[k]);
		kfree(m->params);
	}
	kfree(caps->models);
	kfree(caps);
}
EXPORT_SYMBOL_GPL(migc_caps_free);

static void migc_why_value(char *dst, const struct migc_value *v)
{
	struct migc_out o = { .buf = dst, .size = MIGC_REASON_VALUE_MAX };

	migc_out_value(&o, v, false);
	migc_out_cut(&o);
}

static void migc_why_name(char *dst, const char *name)
{
	struct migc_out o = { .buf = dst, .size = MIGC_REASON_VALUE_MAX };

	migc_out_json_str(&o, name);
	migc_out_cut(&o);
}

static void migc_why_allowed(char *dst, const struct migc_param *p)
{
	struct migc_out o = { .buf = dst, .size = MIGC_REASON_VALUE_MAX };

	migc_out_allowed(&o, p);
	migc_out_cut(&o);
}

static void migc_why_models(char *dst, const struct migc_caps *caps)
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
	else if (why && verdict == MIGC_PARAM_NOT_OFF)
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
EXPORT_SYMBOL_GPL(migc_check_type);

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
EXPORT_SYMBOL_GPL(migc_check_device);

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
EXPORT_SYMBOL_GPL(migc_verdict_str);
