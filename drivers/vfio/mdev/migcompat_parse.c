// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration compatibility engine: the strict JSON reader of the two
 * documents, a device description and a type's capabilities.
 *
 * Documents come from userspace, so everything here is bounded: the input
 * size, the nesting depth, the element counts and the recursion.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/migcompat.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "migcompat_internal.h"

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
	j = kvzalloc(sizeof(*j), GFP_KERNEL);
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
	kvfree(j);
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
	kvfree(j);
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
