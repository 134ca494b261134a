// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration compatibility engine: the parser of a type's capabilities, on
 * top of the JSON reader of migcompat_parse.c.
 *
 * The kernel prints capabilities but never reads them, so this file is not
 * part of mdev.ko: it is built into the KUnit test module and into the
 * userspace tests and fuzzers (tools/testing/migcompat/), which check the
 * printer and the rules against documents with it.  It is as strict and
 * as bounded as the description parser.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/migcompat.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "migcompat_internal.h"

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
	c = kzalloc_obj(*c);
	ret = c ? migc_caps_doc(j, c) : -ENOMEM;
	if (!ret)
		ret = migc_json_end(j);
	if (!ret)
		ret = migc_caps_validate(c);
	kvfree(j);
	if (ret) {
		migc_caps_free(c);
		return ret;
	}
	*caps = c;
	return 0;
}

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
