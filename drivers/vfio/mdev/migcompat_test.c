// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the migration compatibility engine, built with the
 * capabilities parser (migcompat_caps_parse.c) into migcompat_kunit.ko.
 *
 * Documents in the tables are written with single quotes, which JSON does
 * not have, so that they stay readable; migc_test_json() turns them into
 * double quotes before parsing.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/migcompat.h>
#include <linux/module.h>
#include <linux/string.h>

#include "migcompat_internal.h"

#define MTTY		"'model': 'kernel.org/samples/mtty'"
#define MTTY_DESC(p)	"{" MTTY ", 'params': {" p "}}"
#define CAPS1(params)	"{'models': {'a/b': {'params': {" params "}}}}"
#define P(name, body)	"'" name "': {" body "}"
#define BOOL_RT		"'type': 'bool', 'access': 'runtime'"
#define INT_CR		"'type': 'int', 'access': 'create'"
#define INT_RO		"'type': 'int', 'access': 'readonly'"
#define STR_CR		"'type': 'str', 'access': 'create'"
#define STR_RO		"'type': 'str', 'access': 'readonly'"
#define ALLOWED(v)	", 'allowed_values': [" v "]"
#define INIT(v)		", 'init_value': " v
#define OFF(v)		", 'off_value': " v

/* The example of include/linux/migcompat.h, as migc_caps_print() prints it. */
#define MTTY_CAPS							\
	"{'models': {'kernel.org/samples/mtty': {'params': {"		\
	P("nr-ports", INT_RO ALLOWED("2") INIT("2")) ", "		\
	P("fifo-state", BOOL_RT INIT("true") OFF("false")) "}}}}\n"

/* Every type, with and without off_value and allowed_values. */
#define RULE_CAPS							\
	"{'models': {'kernel.org/samples/mtty': {'params': {"		\
	P("nr-ports", INT_RO ALLOWED("1, '2-4'") INIT("2")) ", "	\
	P("fifo-state", BOOL_RT INIT("true") OFF("false")) ", "	\
	P("mode", STR_CR ALLOWED("'fast', 'slow'") INIT("'fast'")	\
	  OFF("'slow'"))						\
	"}}, 'example.com/other': {'params': {}}}}\n"

/* Room for generated documents a little beyond the size limit. */
#define MIGC_TEST_BUF	(2 * MIGC_DOC_MAX)

static char *migc_test_json(struct kunit *test, const char *s)
{
	size_t i, len = strlen(s);
	char *doc;

	doc = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, doc);
	for (i = 0; i < len; i++)
		doc[i] = s[i] == '\'' ? '"' : s[i];
	return doc;
}

static struct migc_desc *migc_test_desc(struct kunit *test, const char *s)
{
	struct migc_desc *desc;
	char *doc = migc_test_json(test, s);

	desc = kunit_kzalloc(test, sizeof(*desc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	KUNIT_ASSERT_EQ_MSG(test, migc_desc_parse(doc, strlen(doc), desc), 0,
			    "%s", doc);
	return desc;
}

static int migc_test_parse_desc(struct kunit *test, const char *buf,
				size_t len)
{
	struct migc_desc *desc;

	desc = kunit_kzalloc(test, sizeof(*desc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	return migc_desc_parse(buf, len, desc);
}

static int migc_test_parse_caps(const char *buf, size_t len)
{
	struct migc_caps *caps = NULL;
	int ret;

	ret = migc_caps_parse(buf, len, &caps);
	migc_caps_free(caps);
	return ret;
}

struct migc_doc_case {
	const char *name;
	int err;
	const char *doc;
};

static void migc_doc_case_desc(const struct migc_doc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static const struct migc_doc_case migc_desc_cases[] = {
	{ "minimal", 0, "{'model': 'a/b'}" },
	{ "two params", 0,
	  "{" MTTY ", 'params': {'nr-ports': 2, 'fifo-state': true}}" },
	{ "JSON whitespace around", 0, " \t\r\n{ 'model' :\t'a/b' }\r\n\n " },
	{ "empty params", 0, "{'model': 'a/b', 'params': {}}" },
	{ "unknown top-level keys", 0,
	  "{'f': [1, {'a': null}], 'model': 'a/b', 'x': ''}" },
	{ "same key in sibling objects", 0,
	  "{'model': 'a/b', 'x': [{'k': 1}, {'k': 2}], 'k': 3}" },
	{ "no model", -EINVAL, "{'params': {}}" },
	{ "model not a string", -EINVAL, "{'model': 5}" },
	{ "params not an object", -EINVAL, "{'model': 'a/b', 'params': []}" },
	{ "top level an array", -EINVAL, "['a/b']" },
	{ "bad model name", -EINVAL, "{'model': 'mtty'}" },
	{ "bad param name", -EINVAL, "{'model': 'a/b', 'params': {'N': 1}}" },
	{ "null value", -EINVAL, "{'model': 'a/b', 'params': {'n': null}}" },
	{ "array value", -EINVAL, "{'model': 'a/b', 'params': {'n': [1]}}" },
	{ "object value", -EINVAL, "{'model': 'a/b', 'params': {'n': {}}}" },
	{ "newline in value", -EINVAL,
	  "{'model': 'a/b', 'params': {'s': 'a\\nb'}}" },
	{ "duplicate top-level key", -EINVAL,
	  "{'model': 'a/b', 'model': 'a/b'}" },
	{ "duplicate param", -EINVAL,
	  "{'model': 'a/b', 'params': {'n': 1, 'n': 2}}" },
	{ "duplicate key in ignored value", -EINVAL,
	  "{'model': 'a/b', 'x': [{'k': 1, 'k': 2}]}" },
	{ "duplicate key deep in ignored value", -EINVAL,
	  "{'model': 'a/b', 'x': {'y': {'z': [{'k': 1, 'k': 2}]}}}" },
	{ "duplicate key spelt with an escape", -EINVAL,
	  "{'model': 'a/b', 'x': {'k': 1, '\\u006b': 2}}" },
	{ "empty input", -EINVAL, "" },
	{ "whitespace only", -EINVAL, " \t\n" },
	{ "trailing garbage", -EINVAL, "{'model': 'a/b'}x" },
	{ "two documents", -EINVAL, "{'model': 'a/b'}{}" },
	{ "trailing comma", -EINVAL, "{'model': 'a/b',}" },
	{ "missing colon", -EINVAL, "{'model' 'a/b'}" },
	{ "unterminated object", -EINVAL, "{'model': 'a/b'" },
	{ "unterminated string", -EINVAL, "{'model': 'a/b}" },
	{ "misspelt literal", -EINVAL, "{'model': 'a/b', 'x': nul}" },
	{ "raw tab", -EINVAL, "{'model': 'a/b', 'x': '\t'}" },
	{ "raw 0x1f", -EINVAL, "{'model': 'a/b', 'x': '\x1f'}" },
	{ "escaped control character", 0,
	  "{'model': 'a/b', 'params': {'s': '\\t\\u0001'}}" },
	{ "all simple escapes", 0,
	  "{'model': 'a/b', 'x': '\\\"\\\\\\/\\b\\f\\n\\r\\t'}" },
	{ "unknown escape", -EINVAL, "{'model': 'a/b', 'x': '\\x41'}" },
	{ "\\u escapes and a pair", 0,
	  "{'model': 'a\\u002fb', 'x': '\\u00e9\\u20AC\\ud83d\\ude00'}" },
	{ "\\u0000", -EINVAL, "{'model': 'a/b', 'x': '\\u0000'}" },
	{ "lone high surrogate", -EINVAL, "{'model': 'a/b', 'x': '\\ud83d'}" },
	{ "lone low surrogate", -EINVAL, "{'model': 'a/b', 'x': '\\ude00'}" },
	{ "high surrogate then BMP", -EINVAL,
	  "{'model': 'a/b', 'x': '\\ud83d\\u0041'}" },
	{ "short \\u", -EINVAL, "{'model': 'a/b', 'x': '\\u12'}" },
	{ "non-hex \\u", -EINVAL, "{'model': 'a/b', 'x': '\\u12g4'}" },
	{ "valid UTF-8", 0,
	  "{'model': 'a/b', 'x': '\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80'}" },
	{ "UTF-8 overlong 2", -EINVAL, "{'model': 'a/b', 'x': '\xc0\xaf'}" },
	{ "UTF-8 overlong 3", -EINVAL,
	  "{'model': 'a/b', 'x': '\xe0\x80\xaf'}" },
	{ "UTF-8 overlong 4", -EINVAL,
	  "{'model': 'a/b', 'x': '\xf0\x80\x80\xaf'}" },
	{ "UTF-8 surrogate", -EINVAL, "{'model': 'a/b', 'x': '\xed\xa0\x80'}" },
	{ "UTF-8 beyond U+10FFFF", -EINVAL,
	  "{'model': 'a/b', 'x': '\xf4\x90\x80\x80'}" },
	{ "UTF-8 F5 lead", -EINVAL,
	  "{'model': 'a/b', 'x': '\xf5\x80\x80\x80'}" },
	{ "UTF-8 lone continuation", -EINVAL, "{'model': 'a/b', 'x': '\x80'}" },
	{ "UTF-8 truncated", -EINVAL, "{'model': 'a/b', 'x': '\xe2\x82'}" },
	{ "S64_MAX", 0, "{'model': 'a/b', 'x': 9223372036854775807}" },
	{ "S64_MAX + 1", -EINVAL,
	  "{'model': 'a/b', 'x': 9223372036854775808}" },
	{ "S64_MIN", 0, "{'model': 'a/b', 'x': -9223372036854775808}" },
	{ "S64_MIN - 1", -EINVAL,
	  "{'model': 'a/b', 'x': -9223372036854775809}" },
	{ "huge integer", -EINVAL,
	  "{'model': 'a/b', 'x': 123456789012345678901234567890}" },
	{ "zero and minus zero", 0, "{'model': 'a/b', 'x': [0, -0]}" },
	{ "leading zero", -EINVAL, "{'model': 'a/b', 'x': 01}" },
	{ "negative leading zero", -EINVAL, "{'model': 'a/b', 'x': -01}" },
	{ "plus sign", -EINVAL, "{'model': 'a/b', 'x': +1}" },
	{ "fraction", -EINVAL, "{'model': 'a/b', 'x': 1.0}" },
	{ "exponent", -EINVAL, "{'model': 'a/b', 'x': 1e3}" },
	{ "lone minus", -EINVAL, "{'model': 'a/b', 'x': -}" },
	{ "hex number", -EINVAL, "{'model': 'a/b', 'x': 0x10}" },
};

KUNIT_ARRAY_PARAM(migc_desc, migc_desc_cases, migc_doc_case_desc);

static void migc_test_desc_parse(struct kunit *test)
{
	const struct migc_doc_case *c = test->param_value;
	char *doc = migc_test_json(test, c->doc);

	KUNIT_EXPECT_EQ(test, migc_test_parse_desc(test, doc, strlen(doc)),
			c->err);
}

#define VALUES_DOC							\
	"{'model': 'a\\u002fb', 'params': {"				\
	"'i': -9223372036854775808, 'j': 9223372036854775807, "	\
	"'b': false, 's': '\\u00e9\\ud83d\\ude00\\\"'}}"

static void migc_test_desc_values(struct kunit *test)
{
	struct migc_desc *desc;

	desc = migc_test_desc(test, VALUES_DOC);
	KUNIT_EXPECT_STREQ(test, desc->model, "a/b");
	KUNIT_ASSERT_EQ(test, desc->nr_params, 4);
	KUNIT_EXPECT_STREQ(test, desc->params[0].name, "i");
	KUNIT_EXPECT_EQ(test, desc->params[0].value.type, MIGC_INT);
	KUNIT_EXPECT_EQ(test, desc->params[0].value.i, S64_MIN);
	KUNIT_EXPECT_EQ(test, desc->params[1].value.i, S64_MAX);
	KUNIT_EXPECT_EQ(test, desc->params[2].value.type, MIGC_BOOL);
	KUNIT_EXPECT_FALSE(test, desc->params[2].value.b);
	KUNIT_EXPECT_EQ(test, desc->params[3].value.type, MIGC_STR);
	KUNIT_EXPECT_STREQ(test, desc->params[3].value.s,
			   "\xc3\xa9\xf0\x9f\x98\x80\"");
}

static void migc_test_desc_nul(struct kunit *test)
{
	static const char doc[] = "{\"model\": \"a/b\"}";
	static const char nul_inside[] = "{\"model\": \"a\0b\"}";

	KUNIT_EXPECT_EQ(test, migc_test_parse_desc(test, doc, sizeof(doc) - 1),
			0);
	KUNIT_EXPECT_EQ(test, migc_test_parse_desc(test, doc, sizeof(doc)),
			-EINVAL);
	/* A NUL inside the model name */
	KUNIT_EXPECT_EQ(test, migc_test_parse_desc(test, nul_inside,
						   sizeof(nul_inside) - 1),
			-EINVAL);
}

/* Generated documents at the limits. */
struct migc_test_buf {
	char *s;
	size_t len;
};

static struct migc_test_buf *migc_test_buf(struct kunit *test)
{
	struct migc_test_buf *b;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	b->s = kunit_kzalloc(test, MIGC_TEST_BUF, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b->s);
	return b;
}

static __printf(2, 3) void migc_test_add(struct migc_test_buf *b,
					 const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	b->len += vscnprintf(b->s + b->len, MIGC_TEST_BUF - b->len, fmt, args);
	va_end(args);
}

/* A description whose ignored value nests to @depth, the top included. */
static int migc_test_depth(struct kunit *test, unsigned int depth)
{
	struct migc_test_buf *b = migc_test_buf(test);
	unsigned int i;

	migc_test_add(b, "{\"model\": \"a/b\", \"x\": ");
	for (i = 1; i < depth; i++)
		migc_test_add(b, i & 1 ? "[" : "{\"k\": ");
	migc_test_add(b, "0");
	for (i = depth - 1; i >= 1; i--)
		migc_test_add(b, i & 1 ? "]" : "}");
	migc_test_add(b, "}");
	return migc_test_parse_desc(test, b->s, b->len);
}

static void migc_test_depth_limit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, migc_test_depth(test, MIGC_MAX_DEPTH), 0);
	KUNIT_EXPECT_EQ(test, migc_test_depth(test, MIGC_MAX_DEPTH + 1),
			-EINVAL);
}

/* A description of exactly @size bytes: padded, or with a long string. */
static int migc_test_size(struct kunit *test, size_t size, bool string)
{
	struct migc_test_buf *b = migc_test_buf(test);

	if (!string) {
		migc_test_add(b, "{\"model\": \"a/b\"}");
		while (b->len < size)
			migc_test_add(b, " ");
	} else {
		migc_test_add(b, "{\"model\": \"a/b\", \"x\": \"");
		while (b->len < size - 2)
			migc_test_add(b, "y");
		migc_test_add(b, "\"}");
	}
	KUNIT_ASSERT_EQ(test, b->len, size);
	return migc_test_parse_desc(test, b->s, b->len);
}

static void migc_test_size_limit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, migc_test_size(test, MIGC_DOC_MAX, false), 0);
	KUNIT_EXPECT_EQ(test, migc_test_size(test, MIGC_DOC_MAX + 1, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, migc_test_size(test, MIGC_DOC_MAX, true), 0);
	KUNIT_EXPECT_EQ(test, migc_test_size(test, MIGC_DOC_MAX + 1, true),
			-EINVAL);
}

static int migc_test_desc_params(struct kunit *test, unsigned int nr)
{
	struct migc_test_buf *b = migc_test_buf(test);
	unsigned int i;

	migc_test_add(b, "{\"model\": \"a/b\", \"params\": {");
	for (i = 0; i < nr; i++)
		migc_test_add(b, "%s\"p%u\": %u", i ? ", " : "", i, i);
	migc_test_add(b, "}}");
	return migc_test_parse_desc(test, b->s, b->len);
}

static int migc_test_caps_params(struct kunit *test, unsigned int nr)
{
	struct migc_test_buf *b = migc_test_buf(test);
	unsigned int i;

	migc_test_add(b, "{'models': {'a/b': {'params': {");
	for (i = 0; i < nr; i++)
		migc_test_add(b, "%s'p%u': {" INT_CR INIT("0") "}",
			      i ? ", " : "", i);
	migc_test_add(b, "}}}}");
	/* Within the size limit: only the count can fail. */
	KUNIT_ASSERT_LE(test, b->len, MIGC_DOC_MAX);
	return migc_test_parse_caps(migc_test_json(test, b->s), b->len);
}

static int migc_test_caps_models(struct kunit *test, unsigned int nr)
{
	struct migc_test_buf *b = migc_test_buf(test);
	unsigned int i;

	migc_test_add(b, "{\"models\": {");
	for (i = 0; i < nr; i++)
		migc_test_add(b, "%s\"a/m%u\": {}", i ? ", " : "", i);
	migc_test_add(b, "}}");
	return migc_test_parse_caps(b->s, b->len);
}

static int migc_test_caps_allowed(struct kunit *test, unsigned int nr)
{
	struct migc_test_buf *b = migc_test_buf(test);
	unsigned int i;

	migc_test_add(b, "{'models': {'a/b': {'params': {'p': {" INT_CR
		      INIT("0") ", 'allowed_values': [");
	for (i = 0; i < nr; i++)
		migc_test_add(b, "%s%u", i ? ", " : "", i);
	migc_test_add(b, "]}}}}}");
	KUNIT_ASSERT_LE(test, b->len, MIGC_DOC_MAX);
	return migc_test_parse_caps(migc_test_json(test, b->s), b->len);
}

static void migc_test_count_limits(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, migc_test_desc_params(test, MIGC_MAX_PARAMS), 0);
	KUNIT_EXPECT_EQ(test, migc_test_desc_params(test, MIGC_MAX_PARAMS + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, migc_test_caps_params(test, MIGC_MAX_PARAMS), 0);
	KUNIT_EXPECT_EQ(test, migc_test_caps_params(test, MIGC_MAX_PARAMS + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, migc_test_caps_models(test, MIGC_MAX_MODELS), 0);
	KUNIT_EXPECT_EQ(test, migc_test_caps_models(test, MIGC_MAX_MODELS + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, migc_test_caps_allowed(test, MIGC_MAX_ALLOWED),
			0);
	KUNIT_EXPECT_EQ(test,
			migc_test_caps_allowed(test, MIGC_MAX_ALLOWED + 1),
			-EINVAL);
}

/*
 * Capabilities: documents that parse are printed, parsed and printed again,
 * and both prints must give the same text.
 */
#define FULL_RANGE	"'-9223372036854775808-9223372036854775807'"
#define OFF_FIRST	"'off_value': 'o', 'init_value': '\\u00e9'"

static const struct migc_doc_case migc_caps_cases[] = {
	{ "header example", 0, MTTY_CAPS },
	{ "every type and option", 0, RULE_CAPS },
	{ "ranges", 0,
	  CAPS1(P("n", INT_CR ALLOWED("'-5--1', '3-3', 7, " FULL_RANGE)
		  INIT("-2"))) },
	{ "keys in any order", 0,
	  CAPS1(P("s", OFF_FIRST ", 'access': 'readonly', 'type': 'str'")) },
	{ "string escapes", 0,
	  CAPS1(P("s", STR_RO INIT("'q\\\"\\\\\\t\\u0001'"))) },
	{ "model without params", 0, "{'models': {'a/b': {}}}" },
	{ "unknown keys of the top and of a model", 0,
	  "{'v': 2, 'models': {'a/b': {'doc': ['x'], 'params': {}}}}" },
	{ "unknown key in a parameter", -EINVAL,
	  CAPS1(P("n", INT_CR INIT("1") ", 'max': 2")) },
	{ "no models key", -EINVAL, "{'model': {}}" },
	{ "no models", -EINVAL, "{'models': {}}" },
	{ "models not an object", -EINVAL, "{'models': []}" },
	{ "params not an object", -EINVAL,
	  "{'models': {'a/b': {'params': []}}}" },
	{ "bad model name", -EINVAL, "{'models': {'a//b': {}}}" },
	{ "bad param name", -EINVAL, CAPS1(P("-n", INT_CR INIT("1"))) },
	{ "type missing", -EINVAL,
	  CAPS1(P("n", "'access': 'create'" INIT("1"))) },
	{ "access missing", -EINVAL, CAPS1(P("n", "'type': 'int'" INIT("1"))) },
	{ "init_value missing", -EINVAL, CAPS1(P("n", INT_CR)) },
	{ "unknown type", -EINVAL,
	  CAPS1(P("n", "'type': 'u8', 'access': 'create'" INIT("1"))) },
	{ "unknown access", -EINVAL,
	  CAPS1(P("n", "'type': 'int', 'access': 'never'" INIT("1"))) },
	{ "init_value of the wrong type", -EINVAL,
	  CAPS1(P("n", INT_CR INIT("'1'"))) },
	{ "off_value of the wrong type", -EINVAL,
	  CAPS1(P("b", BOOL_RT INIT("true") OFF("0"))) },
	{ "init_value not allowed", -EINVAL,
	  CAPS1(P("n", INT_CR ALLOWED("'1-3'") INIT("4"))) },
	{ "off_value not allowed", -EINVAL,
	  CAPS1(P("b", BOOL_RT ALLOWED("true") INIT("true") OFF("false"))) },
	{ "empty allowed_values", -EINVAL,
	  CAPS1(P("n", INT_CR ALLOWED("") INIT("1"))) },
	{ "range min > max", -EINVAL,
	  CAPS1(P("n", INT_CR ALLOWED("'3-1'") INIT("1"))) },
	{ "range without max", -EINVAL,
	  CAPS1(P("n", INT_CR ALLOWED("'3-'") INIT("3"))) },
	{ "range with spaces", -EINVAL,
	  CAPS1(P("n", INT_CR ALLOWED("'1 - 3'") INIT("1"))) },
	{ "range beyond s64", -EINVAL,
	  CAPS1(P("n", INT_CR ALLOWED("'0-9223372036854775808'") INIT("1"))) },
	{ "range for a bool", -EINVAL,
	  CAPS1(P("b", BOOL_RT ALLOWED("'0-1'") INIT("true"))) },
	{ "string with a newline", -EINVAL,
	  CAPS1(P("s", STR_RO INIT("'a\\nb'"))) },
	{ "duplicate model", -EINVAL, "{'models': {'a/b': {}, 'a/b': {}}}" },
	{ "duplicate param", -EINVAL,
	  CAPS1(P("n", INT_CR INIT("1")) ", " P("n", INT_CR INIT("1"))) },
	{ "duplicate key in a param", -EINVAL,
	  CAPS1(P("n", INT_CR INIT("1") INIT("1"))) },
	{ "duplicate key in ignored model data", -EINVAL,
	  "{'models': {'a/b': {'doc': {'x': 1, 'x': 1}}}}" },
	{ "duplicate key in ignored top-level data", -EINVAL,
	  "{'x': {'y': {'z': 1, 'z': 2}}, 'models': {'a/b': {}}}" },
	{ "trailing garbage", -EINVAL, "{'models': {'a/b': {}}}]" },
};

KUNIT_ARRAY_PARAM(migc_caps, migc_caps_cases, migc_doc_case_desc);

static char *migc_test_caps_text(struct kunit *test, const char *doc)
{
	struct migc_caps *caps;
	char *out;
	int len;

	KUNIT_ASSERT_EQ(test, migc_caps_parse(doc, strlen(doc), &caps), 0);
	out = kunit_kzalloc(test, MIGC_DOC_MAX, GFP_KERNEL);
	len = out ? migc_caps_print(caps, out, MIGC_DOC_MAX) : -ENOMEM;
	migc_caps_free(caps);
	KUNIT_ASSERT_GT(test, len, 0);
	return out;
}

static void migc_test_caps_parse(struct kunit *test)
{
	const struct migc_doc_case *c = test->param_value;
	char *doc = migc_test_json(test, c->doc);
	char *out;

	KUNIT_ASSERT_EQ(test, migc_test_parse_caps(doc, strlen(doc)), c->err);
	if (c->err)
		return;
	out = migc_test_caps_text(test, doc);
	KUNIT_EXPECT_STREQ(test, migc_test_caps_text(test, out), out);
}

static const struct migc_range migc_two[] = { { 2, 2 } };

static const struct migc_param migc_mtty_params[] = {
	{ .name = "nr-ports", .type = MIGC_INT, .access = MIGC_READONLY,
	  .init_value = MIGC_INT_VALUE(2), .nr_allowed = 1,
	  .ranges = migc_two },
	{ .name = "fifo-state", .type = MIGC_BOOL, .access = MIGC_RUNTIME,
	  .init_value = MIGC_BOOL_VALUE(true), .has_off = true,
	  .off_value = MIGC_BOOL_VALUE(false) },
};

static const struct migc_model migc_mtty = {
	.name = "kernel.org/samples/mtty",
	.params = migc_mtty_params,
	.nr_params = ARRAY_SIZE(migc_mtty_params),
};

static const struct migc_caps migc_mtty_caps_table = {
	.models = &migc_mtty,
	.nr_models = 1,
};

static void migc_test_caps_print(struct kunit *test)
{
	char *migc_mtty_caps = migc_test_json(test, MTTY_CAPS);
	size_t len = strlen(migc_mtty_caps);
	char *out = kunit_kzalloc(test, MIGC_DOC_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_EXPECT_EQ(test, migc_caps_validate(&migc_mtty_caps_table), 0);
	KUNIT_EXPECT_EQ(test, migc_caps_print(&migc_mtty_caps_table, out,
					      MIGC_DOC_MAX), len);
	KUNIT_EXPECT_STREQ(test, out, migc_mtty_caps);
	KUNIT_EXPECT_EQ(test, migc_caps_print(&migc_mtty_caps_table, out, len),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, migc_caps_print(&migc_mtty_caps_table, out,
					      len + 1), len);
	KUNIT_EXPECT_STREQ(test, migc_test_caps_text(test, migc_mtty_caps),
			   migc_mtty_caps);
}

/* Writes to migration/params/<name> files. */
struct migc_value_case {
	const char *name;
	enum migc_type type;
	const char *in;
	int err;
	const char *printed;
};

static void migc_value_case_desc(const struct migc_value_case *c,
				 char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static const struct migc_value_case migc_value_cases[] = {
	{ "bool true", MIGC_BOOL, "true", 0, "true" },
	{ "bool false newline", MIGC_BOOL, "false\n", 0, "false" },
	{ "bool TRUE", MIGC_BOOL, "TRUE", 0, "true" },
	{ "bool y", MIGC_BOOL, "y", 0, "true" },
	{ "bool Y newline", MIGC_BOOL, "Y\n", 0, "true" },
	{ "bool yes", MIGC_BOOL, "yes", 0, "true" },
	{ "bool 1", MIGC_BOOL, "1", 0, "true" },
	{ "bool on", MIGC_BOOL, "on", 0, "true" },
	{ "bool ON", MIGC_BOOL, "ON", 0, "true" },
	{ "bool n", MIGC_BOOL, "n", 0, "false" },
	{ "bool N", MIGC_BOOL, "N", 0, "false" },
	{ "bool no", MIGC_BOOL, "no", 0, "false" },
	{ "bool 0 newline", MIGC_BOOL, "0\n", 0, "false" },
	{ "bool off", MIGC_BOOL, "off", 0, "false" },
	{ "bool Off", MIGC_BOOL, "Off", 0, "false" },
	{ "bool empty", MIGC_BOOL, "", -EINVAL, NULL },
	{ "bool newline only", MIGC_BOOL, "\n", -EINVAL, NULL },
	{ "bool two newlines", MIGC_BOOL, "1\n\n", -EINVAL, NULL },
	{ "bool nonsense", MIGC_BOOL, "nonsense", -EINVAL, NULL },
	{ "bool 2", MIGC_BOOL, "2", -EINVAL, NULL },
	{ "bool leading space", MIGC_BOOL, " true", -EINVAL, NULL },
	{ "int 0", MIGC_INT, "0", 0, "0" },
	{ "int negative newline", MIGC_INT, "-42\n", 0, "-42" },
	{ "int leading zeros", MIGC_INT, "007", 0, "7" },
	{ "int S64_MAX", MIGC_INT, "9223372036854775807", 0,
	  "9223372036854775807" },
	{ "int S64_MAX + 1", MIGC_INT, "9223372036854775808", -EINVAL, NULL },
	{ "int S64_MIN", MIGC_INT, "-9223372036854775808", 0,
	  "-9223372036854775808" },
	{ "int S64_MIN - 1", MIGC_INT, "-9223372036854775809", -EINVAL, NULL },
	{ "int plus sign", MIGC_INT, "+1", -EINVAL, NULL },
	{ "int hex", MIGC_INT, "0x10", -EINVAL, NULL },
	{ "int trailing space", MIGC_INT, "1 ", -EINVAL, NULL },
	{ "int minus only", MIGC_INT, "-", -EINVAL, NULL },
	{ "int empty", MIGC_INT, "", -EINVAL, NULL },
	{ "int fraction", MIGC_INT, "1.5", -EINVAL, NULL },
	{ "str plain", MIGC_STR, "hello world", 0, "hello world" },
	{ "str newline dropped", MIGC_STR, "x\n", 0, "x" },
	{ "str empty", MIGC_STR, "", 0, "" },
	{ "str newline only", MIGC_STR, "\n", 0, "" },
	{ "str quotes kept", MIGC_STR, "\"q\"", 0, "\"q\"" },
	{ "str UTF-8", MIGC_STR, "\xc3\xa9", 0, "\xc3\xa9" },
	{ "str inner newline", MIGC_STR, "a\nb", -EINVAL, NULL },
	{ "str overlong UTF-8", MIGC_STR, "\xc0\xaf", -EINVAL, NULL },
	{ "str UTF-8 surrogate", MIGC_STR, "\xed\xb0\x80", -EINVAL, NULL },
};

KUNIT_ARRAY_PARAM(migc_value, migc_value_cases, migc_value_case_desc);

static void migc_test_value_parse(struct kunit *test)
{
	const struct migc_value_case *c = test->param_value;
	struct migc_param param = { .name = "p", .type = c->type };
	struct migc_value val = { };
	char sbuf[32], out[32];

	KUNIT_ASSERT_EQ(test, migc_value_parse(&param, c->in, strlen(c->in),
					       &val, sbuf, sizeof(sbuf)),
			c->err);
	if (c->err)
		return;
	KUNIT_EXPECT_EQ(test, val.type, c->type);
	KUNIT_EXPECT_EQ(test, migc_value_print(&val, out, sizeof(out)),
			strlen(c->printed));
	KUNIT_EXPECT_STREQ(test, out, c->printed);
}

static void migc_test_value_nul(struct kunit *test)
{
	struct migc_param b = { .name = "b", .type = MIGC_BOOL };
	struct migc_param s = { .name = "s", .type = MIGC_STR };
	struct migc_value val;
	char sbuf[8];

	KUNIT_EXPECT_EQ(test, migc_value_parse(&b, "y\0", 2, &val, NULL, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, migc_value_parse(&s, "a\0b", 3, &val, sbuf,
					       sizeof(sbuf)), -EINVAL);
}

static void migc_test_value_limits(struct kunit *test)
{
	struct migc_param param = { .name = "s", .type = MIGC_STR };
	struct migc_value val;
	char *in, *sbuf;

	in = kunit_kzalloc(test, MIGC_STR_MAX + 2, GFP_KERNEL);
	sbuf = kunit_kzalloc(test, MIGC_STR_MAX + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, sbuf);
	memset(in, 'x', MIGC_STR_MAX + 2);
	KUNIT_EXPECT_EQ(test, migc_value_parse(&param, in, MIGC_STR_MAX, &val,
					       sbuf, MIGC_STR_MAX + 1), 0);
	KUNIT_EXPECT_EQ(test, strlen(val.s), MIGC_STR_MAX);
	KUNIT_EXPECT_EQ(test, migc_value_parse(&param, in, MIGC_STR_MAX + 1,
					       &val, sbuf, MIGC_STR_MAX + 1),
			-EINVAL);
	in[MIGC_STR_MAX] = '\n';
	KUNIT_EXPECT_EQ(test, migc_value_parse(&param, in, MIGC_STR_MAX + 1,
					       &val, sbuf, MIGC_STR_MAX + 1),
			0);
	KUNIT_EXPECT_EQ(test, migc_value_parse(&param, in, MIGC_STR_MAX + 2,
					       &val, sbuf, MIGC_STR_MAX + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, migc_value_parse(&param, "abc", 3, &val, sbuf, 3),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, migc_value_parse(&param, "abc", 3, &val, sbuf, 4),
			0);
}

static void migc_test_value_print(struct kunit *test)
{
	struct migc_value v = MIGC_INT_VALUE(-12345);
	struct migc_value s = MIGC_STR_VALUE("a\"b");
	char out[8];

	KUNIT_EXPECT_EQ(test, migc_value_print(&v, out, 7), 6);
	KUNIT_EXPECT_STREQ(test, out, "-12345");
	KUNIT_EXPECT_EQ(test, migc_value_print(&v, out, 6), -E2BIG);
	KUNIT_EXPECT_EQ(test, migc_value_print(&s, out, sizeof(out)), 3);
	KUNIT_EXPECT_STREQ(test, out, "a\"b");
}

/* The model of the rule tests: every type, with and without off_value. */
static const struct migc_range migc_ports[] = { { 1, 1 }, { 2, 4 } };
static const struct migc_value migc_modes[] = {
	MIGC_STR_VALUE("fast"), MIGC_STR_VALUE("slow"),
};

static const struct migc_param migc_rule_params[] = {
	{ .name = "nr-ports", .type = MIGC_INT, .access = MIGC_READONLY,
	  .init_value = MIGC_INT_VALUE(2),
	  .nr_allowed = ARRAY_SIZE(migc_ports), .ranges = migc_ports },
	{ .name = "fifo-state", .type = MIGC_BOOL, .access = MIGC_RUNTIME,
	  .init_value = MIGC_BOOL_VALUE(true), .has_off = true,
	  .off_value = MIGC_BOOL_VALUE(false) },
	{ .name = "mode", .type = MIGC_STR, .access = MIGC_CREATE,
	  .init_value = MIGC_STR_VALUE("fast"), .has_off = true,
	  .off_value = MIGC_STR_VALUE("slow"),
	  .nr_allowed = ARRAY_SIZE(migc_modes), .allowed = migc_modes },
};

static const struct migc_model migc_rule_models[] = {
	{ .name = "kernel.org/samples/mtty", .params = migc_rule_params,
	  .nr_params = ARRAY_SIZE(migc_rule_params) },
	{ .name = "example.com/other" },
};

static const struct migc_caps migc_rule_caps = {
	.models = migc_rule_models,
	.nr_models = ARRAY_SIZE(migc_rule_models),
};

struct migc_rule_case {
	const char *name;
	const char *src;
	int ret;
	enum migc_verdict verdict;
	const char *param;
	const char *why_src;
	const char *why_dst;
	struct migc_value values[3];	/* device checks only */
};

static void migc_rule_case_desc(const struct migc_rule_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static void migc_test_expect_why(struct kunit *test,
				 const struct migc_rule_case *c, int ret,
				 const struct migc_reason *why)
{
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, why->verdict, c->verdict);
	KUNIT_EXPECT_STREQ(test, why->param, c->param);
	KUNIT_EXPECT_STREQ(test, why->src, c->why_src);
	KUNIT_EXPECT_STREQ(test, why->dst, c->why_dst);
}

static const struct migc_rule_case migc_type_cases[] = {
	{ "compatible",
	  MTTY_DESC("'nr-ports': 4, 'fifo-state': true, 'mode': 'fast'"),
	  0, MIGC_OK, "", "", "" },
	{ "compatible at off values", MTTY_DESC("'nr-ports': 1"),
	  0, MIGC_OK, "", "", "" },
	{ "second model", "{'model': 'example.com/other'}", 0, MIGC_OK,
	  "", "", "" },
	{ "model differs", "{'model': 'kernel.org/x'}", -EPROTO,
	  MIGC_MODEL_DIFFERS, "", "\"kernel.org/x\"",
	  "\"kernel.org/samples/mtty\", \"example.com/other\"" },
	{ "model compared byte by byte",
	  "{'model': 'Kernel.org/samples/mtty'}", -EPROTO, MIGC_MODEL_DIFFERS,
	  "", "\"Kernel.org/samples/mtty\"",
	  "\"kernel.org/samples/mtty\", \"example.com/other\"" },
	{ "unknown param", "{" MTTY ", 'params': {'turbo': true}}", -EPROTO,
	  MIGC_PARAM_UNKNOWN, "turbo", "true", "" },
	{ "wrong type is EINVAL", "{" MTTY ", 'params': {'nr-ports': '2'}}",
	  -EINVAL, MIGC_PARAM_TYPE, "nr-ports", "\"2\"", "int" },
	{ "int not allowed", "{" MTTY ", 'params': {'nr-ports': 5}}", -EPROTO,
	  MIGC_PARAM_NOT_ALLOWED, "nr-ports", "5", "[1, \"2-4\"]" },
	{ "str not allowed",
	  "{" MTTY ", 'params': {'nr-ports': 2, 'mode': 'turbo'}}", -EPROTO,
	  MIGC_PARAM_NOT_ALLOWED, "mode", "\"turbo\"", "[\"fast\", \"slow\"]" },
	{ "first failure in document order",
	  "{" MTTY ", 'params': {'mode': 'x', 'nr-ports': 9}}", -EPROTO,
	  MIGC_PARAM_NOT_ALLOWED, "mode", "\"x\"", "[\"fast\", \"slow\"]" },
	{ "missing param without off_value", "{" MTTY "}", -EPROTO,
	  MIGC_PARAM_MISSING, "nr-ports", "", "[1, \"2-4\"]" },
	{ "rule 2 before rule 3", "{" MTTY ", 'params': {'x': 1}}", -EPROTO,
	  MIGC_PARAM_UNKNOWN, "x", "1", "" },
};

KUNIT_ARRAY_PARAM(migc_type, migc_type_cases, migc_rule_case_desc);

static void migc_test_check_type(struct kunit *test)
{
	const struct migc_rule_case *c = test->param_value;
	struct migc_desc *src = migc_test_desc(test, c->src);
	struct migc_reason why;
	int ret;

	memset(&why, 0x55, sizeof(why));
	ret = migc_check_type(&migc_rule_caps, src, &why);
	migc_test_expect_why(test, c, ret, &why);
	KUNIT_EXPECT_EQ(test, migc_check_type(&migc_rule_caps, src, NULL),
			c->ret);
}

#define DEV(n, f, m)	{ MIGC_INT_VALUE(n), MIGC_BOOL_VALUE(f), \
			  MIGC_STR_VALUE(m) }

static const struct migc_rule_case migc_device_cases[] = {
	{ "compatible",
	  MTTY_DESC("'nr-ports': 2, 'fifo-state': true, 'mode': 'fast'"),
	  0, MIGC_OK, "", "", "", DEV(2, true, "fast") },
	{ "compatible at off values", MTTY_DESC("'nr-ports': 3"),
	  0, MIGC_OK, "", "", "", DEV(3, false, "slow") },
	{ "model differs", "{'model': 'example.com/other'}", -EPROTO,
	  MIGC_MODEL_DIFFERS, "", "\"example.com/other\"",
	  "\"kernel.org/samples/mtty\"", DEV(2, true, "fast") },
	{ "unknown param", "{" MTTY ", 'params': {'turbo': 1}}", -EPROTO,
	  MIGC_PARAM_UNKNOWN, "turbo", "1", "", DEV(2, true, "fast") },
	{ "wrong type is EINVAL", "{" MTTY ", 'params': {'fifo-state': 1}}",
	  -EINVAL, MIGC_PARAM_TYPE, "fifo-state", "1", "bool",
	  DEV(2, true, "fast") },
	{ "not allowed", "{" MTTY ", 'params': {'nr-ports': 0}}", -EPROTO,
	  MIGC_PARAM_NOT_ALLOWED, "nr-ports", "0", "[1, \"2-4\"]",
	  DEV(2, true, "fast") },
	{ "int differs", "{" MTTY ", 'params': {'nr-ports': 3}}", -EPROTO,
	  MIGC_PARAM_DIFFERS, "nr-ports", "3", "2", DEV(2, false, "slow") },
	{ "str differs", MTTY_DESC("'nr-ports': 2, 'mode': 'fast'"),
	  -EPROTO, MIGC_PARAM_DIFFERS, "mode", "\"fast\"", "\"slow\"",
	  DEV(2, false, "slow") },
	{ "missing param without off_value",
	  "{" MTTY ", 'params': {'fifo-state': true}}", -EPROTO,
	  MIGC_PARAM_MISSING, "nr-ports", "", "2", DEV(2, true, "slow") },
	{ "not at off value", "{" MTTY ", 'params': {'nr-ports': 2}}",
	  -EPROTO, MIGC_PARAM_NOT_OFF, "fifo-state", "false", "true",
	  DEV(2, true, "fast") },
	{ "rule 3 in table order", "{" MTTY ", 'params': {'nr-ports': 2}}",
	  -EPROTO, MIGC_PARAM_NOT_OFF, "mode", "\"slow\"", "\"fast\"",
	  DEV(2, false, "fast") },
};

KUNIT_ARRAY_PARAM(migc_device, migc_device_cases, migc_rule_case_desc);

static void migc_test_check_device(struct kunit *test)
{
	const struct migc_rule_case *c = test->param_value;
	const struct migc_model *m = &migc_rule_models[0];
	struct migc_desc *src = migc_test_desc(test, c->src);
	struct migc_reason why;
	int ret;

	memset(&why, 0x55, sizeof(why));
	ret = migc_check_device(m, c->values, src, &why);
	migc_test_expect_why(test, c, ret, &why);
	KUNIT_EXPECT_EQ(test, migc_check_device(m, c->values, src, NULL),
			c->ret);
}

/* Only a table that skipped validation has an off_value it does not allow. */
static void migc_test_type_not_off(struct kunit *test)
{
	static const struct migc_value only_true[] = { MIGC_BOOL_VALUE(true) };
	static const struct migc_param p = {
		.name = "f", .type = MIGC_BOOL, .access = MIGC_RUNTIME,
		.init_value = MIGC_BOOL_VALUE(true), .has_off = true,
		.off_value = MIGC_BOOL_VALUE(false),
		.nr_allowed = 1, .allowed = only_true,
	};
	static const struct migc_model m = { "a/b", &p, 1 };
	static const struct migc_caps caps = { &m, 1 };
	struct migc_desc *src = migc_test_desc(test, "{'model': 'a/b'}");
	struct migc_reason why;

	KUNIT_EXPECT_EQ(test, migc_caps_validate(&caps), -EINVAL);
	KUNIT_EXPECT_EQ(test, migc_check_type(&caps, src, &why), -EPROTO);
	KUNIT_EXPECT_EQ(test, why.verdict, MIGC_PARAM_NOT_OFF);
	KUNIT_EXPECT_STREQ(test, why.param, "f");
	KUNIT_EXPECT_STREQ(test, why.src, "false");
	KUNIT_EXPECT_STREQ(test, why.dst, "[true]");
}

#define LONG	"012345678901234567890123456789012345678901"

static void migc_test_reason_cut(struct kunit *test)
{
	static const struct migc_param p = {
		.name = "s", .type = MIGC_STR, .access = MIGC_CREATE,
		.init_value = MIGC_STR_VALUE("x"),
	};
	static const struct migc_model m = { "a/b", &p, 1 };
	struct migc_value v = MIGC_STR_VALUE("short");
	struct migc_reason why;
	struct migc_desc *src;
	size_t n;

	/* The cut falls inside the two bytes of the "é". */
	src = migc_test_desc(test, "{'model': 'a/b', 'params': {'s': '" LONG
			     "\xc3\xa9zzzz'}}");
	KUNIT_EXPECT_EQ(test, migc_check_device(&m, &v, src, &why), -EPROTO);
	KUNIT_EXPECT_EQ(test, why.verdict, MIGC_PARAM_DIFFERS);
	n = strlen(why.src);
	KUNIT_ASSERT_GE(test, n, 4);
	KUNIT_EXPECT_LT(test, n, MIGC_REASON_VALUE_MAX);
	KUNIT_EXPECT_STREQ(test, why.src + n - 3, "...");
	KUNIT_EXPECT_EQ(test, why.src[n - 4], '1');
}

/* A driver-compared parameter is left to rule 4 in a device check only. */
static void migc_test_driver_compares(struct kunit *test)
{
	static const struct migc_value only_x[] = { MIGC_STR_VALUE("x") };
	static const struct migc_param p = {
		.name = "s", .type = MIGC_STR, .access = MIGC_READONLY,
		.init_value = MIGC_STR_VALUE("x"), .nr_allowed = 1,
		.allowed = only_x, .driver_compares = true,
	};
	static const struct migc_model m = { "a/b", &p, 1 };
	struct migc_value v = MIGC_STR_VALUE("x");
	struct migc_reason why;
	struct migc_desc *src;

	src = migc_test_desc(test, "{'model': 'a/b', 'params': {'s': 'x'}}");
	KUNIT_EXPECT_EQ(test, migc_check_device(&m, &v, src, &why), 0);
	v.s = "y";
	KUNIT_EXPECT_EQ(test, migc_check_device(&m, &v, src, &why), 0);
	/* The type, the allowed values and rule 3 still apply. */
	src = migc_test_desc(test, "{'model': 'a/b', 'params': {'s': 'z'}}");
	KUNIT_EXPECT_EQ(test, migc_check_device(&m, &v, src, &why), -EPROTO);
	KUNIT_EXPECT_EQ(test, why.verdict, MIGC_PARAM_NOT_ALLOWED);
	src = migc_test_desc(test, "{'model': 'a/b', 'params': {'s': 1}}");
	KUNIT_EXPECT_EQ(test, migc_check_device(&m, &v, src, &why), -EINVAL);
	src = migc_test_desc(test, "{'model': 'a/b'}");
	KUNIT_EXPECT_EQ(test, migc_check_device(&m, &v, src, &why), -EPROTO);
	KUNIT_EXPECT_EQ(test, why.verdict, MIGC_PARAM_MISSING);
}

static void migc_test_verdict_str(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, migc_verdict_str(MIGC_OK), "compatible");
	KUNIT_EXPECT_STREQ(test, migc_verdict_str(MIGC_MODEL_DIFFERS),
			   "model differs");
	KUNIT_EXPECT_STREQ(test, migc_verdict_str(MIGC_PARAM_UNKNOWN),
			   "unknown parameter");
	KUNIT_EXPECT_STREQ(test, migc_verdict_str(MIGC_PARAM_NOT_OFF),
			   "parameter not at its off value");
	KUNIT_EXPECT_STREQ(test, migc_verdict_str(MIGC_DRIVER_CHECK),
			   "driver check failed");
	KUNIT_EXPECT_STREQ(test, migc_verdict_str(MIGC_DRIVER_CHECK + 1),
			   "unknown verdict");
}

#define MTTY_JSON	"{\"model\": \"kernel.org/samples/mtty\", \"params\": {"
#define ODD		"q\"\\\n\t\x01\x7f\xc3\xa9"
#define ODD_JSON	"\"q\\\"\\\\\\n\\t\\u0001\x7f\xc3\xa9\""

static void migc_test_desc_print(struct kunit *test)
{
	const struct migc_model *m = &migc_rule_models[0];
	struct migc_value v[] = DEV(2, true, "fast");
	static const char all[] = MTTY_JSON
		"\"nr-ports\": 2, \"fifo-state\": true, \"mode\": \"fast\"}}\n";
	size_t len = strlen(all);
	char out[256];

	KUNIT_EXPECT_EQ(test, migc_desc_print(m, v, out, sizeof(out)), len);
	KUNIT_EXPECT_STREQ(test, out, all);
	KUNIT_EXPECT_EQ(test, migc_desc_print(m, v, out, len), -E2BIG);
	KUNIT_EXPECT_EQ(test, migc_desc_print(m, v, out, len + 1), len);
	v[1].b = false;
	v[2].s = "slow";
	KUNIT_EXPECT_GT(test, migc_desc_print(m, v, out, sizeof(out)), 0);
	KUNIT_EXPECT_STREQ(test, out, MTTY_JSON "\"nr-ports\": 2}}\n");
	v[2].s = ODD;
	KUNIT_EXPECT_GT(test, migc_desc_print(m, v, out, sizeof(out)), 0);
	KUNIT_EXPECT_STREQ(test, out, MTTY_JSON "\"nr-ports\": 2, \"mode\": "
			   ODD_JSON "}}\n");
	v[0] = (struct migc_value)MIGC_BOOL_VALUE(true);
	KUNIT_EXPECT_EQ(test, migc_desc_print(m, v, out, sizeof(out)), -EINVAL);
}

/* Values of a device as described: what is left out is at its off_value. */
static void migc_test_desc_values_of(const struct migc_model *m,
				     const struct migc_desc *desc,
				     struct migc_value *v)
{
	const struct migc_param *p;
	unsigned int i;

	for (i = 0; i < m->nr_params; i++)
		v[i] = m->params[i].off_value;
	for (i = 0; i < desc->nr_params; i++) {
		p = migc_model_find(m, desc->params[i].name);
		if (p)
			v[p - m->params] = desc->params[i].value;
	}
}

static void migc_test_desc_round_trip(struct kunit *test)
{
	const struct migc_model *m = &migc_rule_models[0];
	struct migc_value v[] = DEV(-3, false, "a\tb\xc3\xa9\\\"");
	struct migc_desc *desc;
	char out[256], again[256];
	int len;

	desc = kunit_kzalloc(test, sizeof(*desc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	len = migc_desc_print(m, v, out, sizeof(out));
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, migc_desc_parse(out, len, desc), 0);
	KUNIT_EXPECT_EQ(test, desc->nr_params, 2);
	migc_test_desc_values_of(m, desc, v);
	KUNIT_EXPECT_EQ(test, migc_desc_print(m, v, again, sizeof(again)), len);
	KUNIT_EXPECT_STREQ(test, again, out);
}

/* Names and tables. */
struct migc_name_case {
	const char *name;
	bool model;
	const char *in;
	bool valid;
};

static void migc_name_case_desc(const struct migc_name_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static const struct migc_name_case migc_name_cases[] = {
	{ "param simple", false, "nr-ports", true },
	{ "param digit first", false, "9lives", true },
	{ "param 32 bytes", false, "abcdefghijklmnopqrstuvwxyz012345", true },
	{ "param 33 bytes", false, "abcdefghijklmnopqrstuvwxyz0123456", false },
	{ "param empty", false, "", false },
	{ "param dash first", false, "-x", false },
	{ "param upper case", false, "Nr", false },
	{ "param underscore", false, "nr_ports", false },
	{ "model simple", true, "kernel.org/samples/mtty", true },
	{ "model all characters", true, "A-Z.a_z/0-9", true },
	{ "model no slash", true, "mtty", false },
	{ "model leading slash", true, "/a", false },
	{ "model trailing slash", true, "a/", false },
	{ "model double slash", true, "a//b", false },
	{ "model space", true, "a/b c", false },
	{ "model empty", true, "", false },
};

KUNIT_ARRAY_PARAM(migc_name, migc_name_cases, migc_name_case_desc);

static void migc_test_names(struct kunit *test)
{
	const struct migc_name_case *c = test->param_value;
	size_t len = strlen(c->in);

	if (c->model)
		KUNIT_EXPECT_EQ(test, migc_model_name_valid(c->in, len),
				c->valid);
	else
		KUNIT_EXPECT_EQ(test, migc_name_valid(c->in, len), c->valid);
}

static void migc_test_model_name_max(struct kunit *test)
{
	char name[MIGC_MODEL_MAX + 1];

	memset(name, 'm', sizeof(name));
	name[1] = '/';
	KUNIT_EXPECT_TRUE(test, migc_model_name_valid(name, MIGC_MODEL_MAX));
	KUNIT_EXPECT_FALSE(test,
			   migc_model_name_valid(name, MIGC_MODEL_MAX + 1));
}

static const struct migc_range migc_r14[] = { { 1, 4 } };
static const struct migc_range migc_r41[] = { { 4, 1 } };
static const struct migc_value migc_int1[] = { MIGC_INT_VALUE(1) };

#define BAD(n, t, a, init, ...)	{ .name = (n), .type = (t), .access = (a), \
				  .init_value = init, __VA_ARGS__ }

struct migc_table_case {
	const char *name;
	struct migc_param param;
};

static void migc_table_case_desc(const struct migc_table_case *c,
				 char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static const struct migc_table_case migc_bad_params[] = {
	{ "bad name",
	  BAD("N", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(0)) },
	{ "NULL name",
	  BAD(NULL, MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(0)) },
	{ "type 0", BAD("n", 0, MIGC_CREATE, MIGC_INT_VALUE(0)) },
	{ "type out of range",
	  BAD("n", MIGC_STR + 1, MIGC_CREATE, MIGC_INT_VALUE(0)) },
	{ "access 0", BAD("n", MIGC_INT, 0, MIGC_INT_VALUE(0)) },
	{ "access out of range",
	  BAD("n", MIGC_INT, MIGC_READONLY + 1, MIGC_INT_VALUE(0)) },
	{ "init_value of the wrong type",
	  BAD("n", MIGC_INT, MIGC_CREATE, MIGC_BOOL_VALUE(0)) },
	{ "NULL string",
	  BAD("n", MIGC_STR, MIGC_CREATE, MIGC_STR_VALUE(NULL)) },
	{ "string with a newline",
	  BAD("n", MIGC_STR, MIGC_CREATE, MIGC_STR_VALUE("a\n")) },
	{ "init_value not allowed",
	  BAD("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(5),
	      .nr_allowed = 1, .ranges = migc_r14) },
	{ "off_value of the wrong type",
	  BAD("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1),
	      .has_off = true, .off_value = MIGC_STR_VALUE("1")) },
	{ "off_value not allowed",
	  BAD("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1),
	      .has_off = true, .off_value = MIGC_INT_VALUE(0),
	      .nr_allowed = 1, .ranges = migc_r14) },
	{ "range min > max",
	  BAD("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1),
	      .nr_allowed = 1, .ranges = migc_r41) },
	{ "allowed without a table",
	  BAD("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1),
	      .nr_allowed = 1) },
	{ "allowed of the wrong type",
	  BAD("n", MIGC_STR, MIGC_CREATE, MIGC_STR_VALUE("x"),
	      .nr_allowed = 1, .allowed = migc_int1) },
	{ "too many allowed",
	  BAD("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1),
	      .nr_allowed = MIGC_MAX_ALLOWED + 1, .ranges = migc_r14) },
};

KUNIT_ARRAY_PARAM(migc_bad_param, migc_bad_params, migc_table_case_desc);

static void migc_test_validate_bad_param(struct kunit *test)
{
	const struct migc_table_case *c = test->param_value;
	struct migc_model m = { .name = "a/b", .params = &c->param,
				.nr_params = 1 };

	KUNIT_EXPECT_EQ(test, migc_model_validate(&m), -EINVAL);
}

static void migc_test_validate_models(struct kunit *test)
{
	struct migc_param dup[] = { migc_rule_params[0], migc_rule_params[0] };
	struct migc_model models[] = {
		migc_rule_models[0], migc_rule_models[1],
	};
	struct migc_caps caps = { models, ARRAY_SIZE(models) };

	KUNIT_EXPECT_EQ(test, migc_caps_validate(&migc_rule_caps), 0);
	KUNIT_EXPECT_EQ(test, migc_caps_validate(NULL), -EINVAL);
	models[1].name = models[0].name;
	KUNIT_EXPECT_EQ(test, migc_caps_validate(&caps), -EINVAL);
	models[1].name = "a//b";
	KUNIT_EXPECT_EQ(test, migc_caps_validate(&caps), -EINVAL);
	caps.nr_models = 0;
	KUNIT_EXPECT_EQ(test, migc_caps_validate(&caps), -EINVAL);
	caps.nr_models = MIGC_MAX_MODELS + 1;
	KUNIT_EXPECT_EQ(test, migc_caps_validate(&caps), -EINVAL);
	models[0].params = dup;
	models[0].nr_params = ARRAY_SIZE(dup);
	KUNIT_EXPECT_EQ(test, migc_model_validate(&models[0]), -EINVAL);
	models[0].params = NULL;
	models[0].nr_params = 1;
	KUNIT_EXPECT_EQ(test, migc_model_validate(&models[0]), -EINVAL);
}

static void migc_test_validate_param_count(struct kunit *test)
{
	struct migc_model m = { .name = "a/b" };
	struct migc_param *params;
	unsigned int i;
	char *names;

	params = kunit_kcalloc(test, MIGC_MAX_PARAMS + 1, sizeof(*params),
			       GFP_KERNEL);
	names = kunit_kzalloc(test, (MIGC_MAX_PARAMS + 1) * 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, params);
	KUNIT_ASSERT_NOT_NULL(test, names);
	for (i = 0; i <= MIGC_MAX_PARAMS; i++) {
		params[i] = migc_rule_params[1];
		params[i].name = names + 8 * i;
		scnprintf(names + 8 * i, 8, "p%u", i);
	}
	m.params = params;
	m.nr_params = MIGC_MAX_PARAMS;
	KUNIT_EXPECT_EQ(test, migc_model_validate(&m), 0);
	m.nr_params = MIGC_MAX_PARAMS + 1;
	KUNIT_EXPECT_EQ(test, migc_model_validate(&m), -EINVAL);
}

static void migc_test_value_helpers(struct kunit *test)
{
	const struct migc_param *p = &migc_rule_params[0];
	struct migc_value two = MIGC_INT_VALUE(2), zero = MIGC_INT_VALUE(0);
	struct migc_value t = MIGC_BOOL_VALUE(true), one = MIGC_INT_VALUE(1);
	struct migc_value s1 = MIGC_STR_VALUE("a"), s2 = MIGC_STR_VALUE("a");

	KUNIT_EXPECT_TRUE(test, migc_value_allowed(p, &two));
	KUNIT_EXPECT_TRUE(test, migc_value_allowed(p, &one));
	KUNIT_EXPECT_FALSE(test, migc_value_allowed(p, &zero));
	KUNIT_EXPECT_FALSE(test, migc_value_allowed(p, &t));
	KUNIT_EXPECT_TRUE(test, migc_value_allowed(&migc_rule_params[1], &t));
	KUNIT_EXPECT_TRUE(test, migc_value_equal(&s1, &s2));
	KUNIT_EXPECT_FALSE(test, migc_value_equal(&one, &t));
	KUNIT_EXPECT_FALSE(test, migc_value_equal(&one, &two));
	KUNIT_EXPECT_PTR_EQ(test, migc_model_find(&migc_rule_models[0], "mode"),
			    &migc_rule_params[2]);
	KUNIT_EXPECT_NULL(test, migc_model_find(&migc_rule_models[0], "mod"));
}

static struct kunit_case migc_test_cases[] = {
	KUNIT_CASE_PARAM(migc_test_desc_parse, migc_desc_gen_params),
	KUNIT_CASE(migc_test_desc_values),
	KUNIT_CASE(migc_test_desc_nul),
	KUNIT_CASE(migc_test_depth_limit),
	KUNIT_CASE(migc_test_size_limit),
	KUNIT_CASE(migc_test_count_limits),
	KUNIT_CASE_PARAM(migc_test_caps_parse, migc_caps_gen_params),
	KUNIT_CASE(migc_test_caps_print),
	KUNIT_CASE_PARAM(migc_test_value_parse, migc_value_gen_params),
	KUNIT_CASE(migc_test_value_nul),
	KUNIT_CASE(migc_test_value_limits),
	KUNIT_CASE(migc_test_value_print),
	KUNIT_CASE_PARAM(migc_test_check_type, migc_type_gen_params),
	KUNIT_CASE_PARAM(migc_test_check_device, migc_device_gen_params),
	KUNIT_CASE(migc_test_type_not_off),
	KUNIT_CASE(migc_test_reason_cut),
	KUNIT_CASE(migc_test_verdict_str),
	KUNIT_CASE(migc_test_driver_compares),
	KUNIT_CASE(migc_test_desc_print),
	KUNIT_CASE(migc_test_desc_round_trip),
	KUNIT_CASE_PARAM(migc_test_names, migc_name_gen_params),
	KUNIT_CASE(migc_test_model_name_max),
	KUNIT_CASE_PARAM(migc_test_validate_bad_param,
			 migc_bad_param_gen_params),
	KUNIT_CASE(migc_test_validate_models),
	KUNIT_CASE(migc_test_validate_param_count),
	KUNIT_CASE(migc_test_value_helpers),
	{}
};

static struct kunit_suite migc_test_suite = {
	.name = "migcompat",
	.test_cases = migc_test_cases,
};

kunit_test_suite(migc_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the migration compatibility engine");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
