// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration compatibility engine: the strict JSON reader and the parser of
 * a device description.  The parser of a type's capabilities, which only
 * the tests need, is migcompat_caps_parse.c on top of the same reader.
 *
 * Documents come from userspace, so everything here is bounded: the input
 * size, the nesting depth, the element counts and the recursion.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/hex.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/migcompat.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

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
size_t migc_int_scan(const char *s, size_t len)
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
EXPORT_SYMBOL_IF_KUNIT(migc_int_scan);

/* Convert @len bytes checked by migc_int_scan(); out of range is -EINVAL. */
int migc_int_value(const char *s, size_t len, s64 *val)
{
	char tmp[sizeof("-9223372036854775808")];

	if (len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return kstrtos64(tmp, 10, val) ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(migc_int_value);

int migc_json_new(const char *buf, size_t len, struct migc_json **jp)
{
	struct migc_json *j;

	if (!buf || !len || len > MIGC_DOC_MAX)
		return -EINVAL;
	j = kvzalloc_obj(*j);
	if (!j)
		return -ENOMEM;
	j->buf = buf;
	j->len = len;
	*jp = j;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(migc_json_new);

/* Skip whitespace; return the next byte without taking it, NUL at the end. */
char migc_json_next(struct migc_json *j)
{
	while (j->pos < j->len && (j->buf[j->pos] == ' ' ||
				   j->buf[j->pos] == '\t' ||
				   j->buf[j->pos] == '\n' ||
				   j->buf[j->pos] == '\r'))
		j->pos++;
	return j->pos < j->len ? j->buf[j->pos] : '\0';
}
EXPORT_SYMBOL_IF_KUNIT(migc_json_next);

/* Only whitespace may follow the top-level value. */
int migc_json_end(struct migc_json *j)
{
	migc_json_next(j);
	return j->pos == j->len ? 0 : -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(migc_json_end);

static int migc_json_word(struct migc_json *j, const char *word)
{
	size_t n = strlen(word);

	migc_json_next(j);
	if (j->len - j->pos < n || memcmp(j->buf + j->pos, word, n))
		return -EINVAL;
	j->pos += n;
	return 0;
}

int migc_json_bool(struct migc_json *j, bool *val)
{
	*val = migc_json_next(j) == 't';
	return migc_json_word(j, *val ? "true" : "false");
}
EXPORT_SYMBOL_IF_KUNIT(migc_json_bool);

int migc_json_int(struct migc_json *j, s64 *val)
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
EXPORT_SYMBOL_IF_KUNIT(migc_json_int);

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
int migc_json_string(struct migc_json *j, char *out, size_t size, size_t *lenp)
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
EXPORT_SYMBOL_IF_KUNIT(migc_json_string);

int migc_json_open(struct migc_json *j, struct migc_iter *it, char open)
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
EXPORT_SYMBOL_IF_KUNIT(migc_json_open);

/*
 * Return 1 if another element of the container follows, 0 if it has ended
 * (it is then closed and its keys forgotten), or -EINVAL.
 */
int migc_json_more(struct migc_json *j, struct migc_iter *it, char close)
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
EXPORT_SYMBOL_IF_KUNIT(migc_json_more);

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
int migc_json_member(struct migc_json *j, struct migc_iter *it,
		     const char **key)
{
	int ret;

	ret = migc_json_more(j, it, '}');
	if (ret <= 0)
		return ret;
	ret = migc_json_key(j, it, key);
	return ret ? ret : 1;
}
EXPORT_SYMBOL_IF_KUNIT(migc_json_member);

/* Check the object or array at the position, counting its elements. */
int migc_json_count(struct migc_json *j, char open, unsigned int *nr)
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
EXPORT_SYMBOL_IF_KUNIT(migc_json_count);

/*
 * Check a value nobody needs, as strictly as any other.  Recursion goes
 * through migc_json_count() and stops at %MIGC_MAX_DEPTH.
 */
int migc_json_skip(struct migc_json *j)
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
EXPORT_SYMBOL_IF_KUNIT(migc_json_skip);

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
EXPORT_SYMBOL_IF_KUNIT(migc_desc_parse);
