// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace test of the migration compatibility engine, built from the
 * same drivers/vfio/mdev/migcompat*.c as the kernel.  Table driven: each row
 * is a document or value in, an errno and the text printed back out.
 *
 * Prints "ok N - name" or "not ok N - name" per case, then
 * "N passed, N failed"; exits non-zero if any case failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/migcompat.h>

#include "migcompat_internal.h"

static unsigned int nr_run, nr_failed;

static void __attribute__((format(printf, 2, 3)))
result(int ok, const char *fmt, ...)
{
	va_list args;

	nr_run++;
	if (!ok)
		nr_failed++;
	printf("%s %u - ", ok ? "ok" : "not ok", nr_run);
	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	printf("\n");
}

static void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list args;

	printf("# ");
	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	printf("\n");
}

static int text_is(const char *what, const char *got, const char *want)
{
	if (!strcmp(got, want))
		return 1;
	diag("%s: got  '%s'", what, got);
	diag("%s: want '%s'", what, want);
	return 0;
}

static int err_is(const char *what, int got, int want)
{
	if (got == want)
		return 1;
	diag("%s: got %d, want %d", what, got, want);
	return 0;
}

/* The example of include/linux/migcompat.h, as migc_caps_print() prints it. */
#define MTTY_CAPS \
	"{\"models\": {\"kernel.org/samples/mtty\": {\"params\": {" \
	"\"nr-ports\": {\"type\": \"int\", \"access\": \"readonly\", " \
	"\"allowed_values\": [2], \"init_value\": 2}, " \
	"\"fifo-state\": {\"type\": \"bool\", \"access\": \"runtime\", " \
	"\"init_value\": true, \"off_value\": false}}}}}\n"

/* Capabilities of the rule tests: every type, with and without off_value. */
#define RULE_CAPS \
	"{\"models\": {\"kernel.org/samples/mtty\": {\"params\": {" \
	"\"nr-ports\": {\"type\": \"int\", \"access\": \"readonly\", " \
	"\"allowed_values\": [1, \"2-4\"], \"init_value\": 2}, " \
	"\"fifo-state\": {\"type\": \"bool\", \"access\": \"runtime\", " \
	"\"init_value\": true, \"off_value\": false}, " \
	"\"mode\": {\"type\": \"str\", \"access\": \"create\", " \
	"\"allowed_values\": [\"fast\", \"slow\"], " \
	"\"init_value\": \"fast\", \"off_value\": \"slow\"}}}, " \
	"\"example.com/other\": {\"params\": {}}}}\n"

#define MTTY "\"model\": \"kernel.org/samples/mtty\""

/* ---- descriptions ---- */

struct desc_case {
	const char *name;
	const char *doc;
	size_t len;		/* 0: strlen(doc) */
	int err;
	unsigned int nr_params;
};

static const struct desc_case desc_cases[] = {
	{ "desc: minimal", "{\"model\": \"a/b\"}", 0, 0, 0 },
	{ "desc: two params", "{" MTTY ", \"params\": {\"nr-ports\": 2, "
	  "\"fifo-state\": true}}", 0, 0, 2 },
	{ "desc: trailing newline", "{\"model\": \"a/b\"}\n", 0, 0, 0 },
	{ "desc: all JSON whitespace", " \t\r\n{ \"model\" :\t\"a/b\" }\r\n\n ",
	  0, 0, 0 },
	{ "desc: empty params", "{\"model\": \"a/b\", \"params\": {}}", 0, 0, 0 },
	{ "desc: string value", "{\"model\": \"a/b\", \"params\": "
	  "{\"s\": \"x y\"}}", 0, 0, 1 },
	{ "desc: unknown top-level keys ignored", "{\"future\": [1, {\"a\": "
	  "null, \"b\": [true, false]}], \"model\": \"a/b\", \"x\": \"\"}",
	  0, 0, 0 },
	{ "desc: model is required", "{\"params\": {}}", 0, -EINVAL, 0 },
	{ "desc: model not a string", "{\"model\": 5}", 0, -EINVAL, 0 },
	{ "desc: params not an object", "{\"model\": \"a/b\", \"params\": []}",
	  0, -EINVAL, 0 },
	{ "desc: top level not an object", "[\"a/b\"]", 0, -EINVAL, 0 },
	{ "desc: bad model name", "{\"model\": \"nodomain\"}", 0, -EINVAL, 0 },
	{ "desc: bad param name", "{\"model\": \"a/b\", \"params\": "
	  "{\"Upper\": 1}}", 0, -EINVAL, 0 },
	{ "desc: null value", "{\"model\": \"a/b\", \"params\": {\"n\": null}}",
	  0, -EINVAL, 0 },
	{ "desc: array value", "{\"model\": \"a/b\", \"params\": {\"n\": [1]}}",
	  0, -EINVAL, 0 },
	{ "desc: object value", "{\"model\": \"a/b\", \"params\": {\"n\": {}}}",
	  0, -EINVAL, 0 },
	{ "desc: newline in string value", "{\"model\": \"a/b\", \"params\": "
	  "{\"s\": \"a\\nb\"}}", 0, -EINVAL, 0 },
	{ "desc: duplicate top-level key", "{\"model\": \"a/b\", "
	  "\"model\": \"a/b\"}", 0, -EINVAL, 0 },
	{ "desc: duplicate param", "{\"model\": \"a/b\", \"params\": "
	  "{\"n\": 1, \"n\": 1}}", 0, -EINVAL, 0 },
	{ "desc: duplicate key in ignored value", "{\"model\": \"a/b\", "
	  "\"x\": [{\"k\": 1, \"k\": 2}]}", 0, -EINVAL, 0 },
	{ "desc: duplicate key spelt with an escape", "{\"model\": \"a/b\", "
	  "\"x\": {\"k\": 1, \"\\u006b\": 2}}", 0, -EINVAL, 0 },
	{ "desc: same key in sibling objects", "{\"model\": \"a/b\", "
	  "\"x\": [{\"k\": 1}, {\"k\": 2}], \"k\": 3}", 0, 0, 0 },
	{ "desc: empty input", "", 0, -EINVAL, 0 },
	{ "desc: whitespace only", " \n", 0, -EINVAL, 0 },
	{ "desc: trailing garbage", "{\"model\": \"a/b\"}x", 0, -EINVAL, 0 },
	{ "desc: two documents", "{\"model\": \"a/b\"}{}", 0, -EINVAL, 0 },
	{ "desc: trailing NUL", "{\"model\": \"a/b\"}", 17, -EINVAL, 0 },
	{ "desc: trailing comma", "{\"model\": \"a/b\",}", 0, -EINVAL, 0 },
	{ "desc: missing colon", "{\"model\" \"a/b\"}", 0, -EINVAL, 0 },
	{ "desc: unterminated", "{\"model\": \"a/b\"", 0, -EINVAL, 0 },
	{ "desc: unterminated string", "{\"model\": \"a/b}", 0, -EINVAL, 0 },
	{ "desc: single quotes", "{'model': 'a/b'}", 0, -EINVAL, 0 },
	{ "desc: bare word", "{\"model\": \"a/b\", \"x\": nul}", 0, -EINVAL, 0 },
	{ "desc: raw tab in string", "{\"model\": \"a/b\", \"x\": \"\t\"}",
	  0, -EINVAL, 0 },
	{ "desc: raw 0x1f in string", "{\"model\": \"a/b\", \"x\": \"\x1f\"}",
	  0, -EINVAL, 0 },
	{ "desc: escaped tab in string", "{\"model\": \"a/b\", \"params\": "
	  "{\"s\": \"\\t\"}}", 0, 0, 1 },
	{ "desc: bad escape", "{\"model\": \"a/b\", \"x\": \"\\x41\"}", 0,
	  -EINVAL, 0 },
	{ "desc: all simple escapes", "{\"model\": \"a/b\", \"x\": "
	  "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", 0, 0, 0 },
	{ "desc: \\u escapes", "{\"model\": \"a\\u002fb\", \"x\": "
	  "\"\\u00e9\\u20AC\\ud83d\\ude00\"}", 0, 0, 0 },
	{ "desc: \\u0000", "{\"model\": \"a/b\", \"x\": \"\\u0000\"}", 0,
	  -EINVAL, 0 },
	{ "desc: lone high surrogate", "{\"model\": \"a/b\", \"x\": "
	  "\"\\ud83d\"}", 0, -EINVAL, 0 },
	{ "desc: lone low surrogate", "{\"model\": \"a/b\", \"x\": "
	  "\"\\ude00\"}", 0, -EINVAL, 0 },
	{ "desc: high surrogate then BMP", "{\"model\": \"a/b\", \"x\": "
	  "\"\\ud83d\\u0041\"}", 0, -EINVAL, 0 },
	{ "desc: short \\u", "{\"model\": \"a/b\", \"x\": \"\\u12\"}", 0,
	  -EINVAL, 0 },
	{ "desc: non-hex \\u", "{\"model\": \"a/b\", \"x\": \"\\u12g4\"}", 0,
	  -EINVAL, 0 },
	{ "desc: valid UTF-8", "{\"model\": \"a/b\", \"params\": {\"s\": "
	  "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}}", 0, 0, 1 },
	{ "desc: UTF-8 overlong 2 bytes", "{\"model\": \"a/b\", \"x\": "
	  "\"\xc0\xaf\"}", 0, -EINVAL, 0 },
	{ "desc: UTF-8 overlong 3 bytes", "{\"model\": \"a/b\", \"x\": "
	  "\"\xe0\x80\xaf\"}", 0, -EINVAL, 0 },
	{ "desc: UTF-8 overlong 4 bytes", "{\"model\": \"a/b\", \"x\": "
	  "\"\xf0\x80\x80\xaf\"}", 0, -EINVAL, 0 },
	{ "desc: UTF-8 surrogate", "{\"model\": \"a/b\", \"x\": "
	  "\"\xed\xa0\x80\"}", 0, -EINVAL, 0 },
	{ "desc: UTF-8 beyond U+10FFFF", "{\"model\": \"a/b\", \"x\": "
	  "\"\xf4\x90\x80\x80\"}", 0, -EINVAL, 0 },
	{ "desc: UTF-8 F5 lead", "{\"model\": \"a/b\", \"x\": "
	  "\"\xf5\x80\x80\x80\"}", 0, -EINVAL, 0 },
	{ "desc: UTF-8 lone continuation", "{\"model\": \"a/b\", \"x\": "
	  "\"\x80\"}", 0, -EINVAL, 0 },
	{ "desc: UTF-8 truncated", "{\"model\": \"a/b\", \"x\": "
	  "\"\xe2\x82\"}", 0, -EINVAL, 0 },
	{ "desc: UTF-8 outside a string", "{\"model\": \"a/b\"}\xc3\xa9",
	  0, -EINVAL, 0 },
	{ "desc: S64_MAX", "{\"model\": \"a/b\", \"params\": {\"i\": "
	  "9223372036854775807}}", 0, 0, 1 },
	{ "desc: S64_MAX + 1", "{\"model\": \"a/b\", \"params\": {\"i\": "
	  "9223372036854775808}}", 0, -EINVAL, 0 },
	{ "desc: S64_MIN", "{\"model\": \"a/b\", \"params\": {\"i\": "
	  "-9223372036854775808}}", 0, 0, 1 },
	{ "desc: S64_MIN - 1", "{\"model\": \"a/b\", \"params\": {\"i\": "
	  "-9223372036854775809}}", 0, -EINVAL, 0 },
	{ "desc: huge integer", "{\"model\": \"a/b\", \"params\": {\"i\": "
	  "123456789012345678901234567890}}", 0, -EINVAL, 0 },
	{ "desc: out of range in ignored value", "{\"model\": \"a/b\", "
	  "\"x\": 99999999999999999999}", 0, -EINVAL, 0 },
	{ "desc: leading zero", "{\"model\": \"a/b\", \"params\": {\"i\": 01}}",
	  0, -EINVAL, 0 },
	{ "desc: negative leading zero", "{\"model\": \"a/b\", \"params\": "
	  "{\"i\": -01}}", 0, -EINVAL, 0 },
	{ "desc: zero and minus zero", "{\"model\": \"a/b\", \"params\": "
	  "{\"i\": 0, \"j\": -0}}", 0, 0, 2 },
	{ "desc: plus sign", "{\"model\": \"a/b\", \"params\": {\"i\": +1}}",
	  0, -EINVAL, 0 },
	{ "desc: fraction", "{\"model\": \"a/b\", \"params\": {\"i\": 1.0}}",
	  0, -EINVAL, 0 },
	{ "desc: exponent", "{\"model\": \"a/b\", \"params\": {\"i\": 1e3}}",
	  0, -EINVAL, 0 },
	{ "desc: float in ignored value", "{\"model\": \"a/b\", \"x\": 0.5}",
	  0, -EINVAL, 0 },
	{ "desc: lone minus", "{\"model\": \"a/b\", \"params\": {\"i\": -}}",
	  0, -EINVAL, 0 },
	{ "desc: hex", "{\"model\": \"a/b\", \"params\": {\"i\": 0x10}}",
	  0, -EINVAL, 0 },
};

static void test_desc_parse(void)
{
	static struct migc_desc desc;
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(desc_cases) / sizeof(desc_cases[0]); i++) {
		const struct desc_case *c = &desc_cases[i];
		size_t len = c->len ? c->len : strlen(c->doc);
		int ok;

		ret = migc_desc_parse(c->doc, len, &desc);
		ok = err_is("errno", ret, c->err);
		if (ok && !ret)
			ok = err_is("params", desc.nr_params, c->nr_params);
		result(ok, "%s", c->name);
	}
}

/* Parsed values of the cases above that need a closer look. */
static void test_desc_values(void)
{
	static const char doc[] = "{\"model\": \"a\\u002fb\", \"params\": "
		"{\"i\": -9223372036854775808, \"b\": false, "
		"\"s\": \"\\u00e9\\ud83d\\ude00\\\"\"}}";
	static struct migc_desc desc;
	int ok;

	ok = !migc_desc_parse(doc, strlen(doc), &desc) &&
	     text_is("model", desc.model, "a/b") && desc.nr_params == 3 &&
	     desc.params[0].value.type == MIGC_INT &&
	     desc.params[0].value.i == S64_MIN &&
	     desc.params[1].value.type == MIGC_BOOL &&
	     !desc.params[1].value.b &&
	     desc.params[2].value.type == MIGC_STR &&
	     text_is("s", desc.params[2].value.s,
		     "\xc3\xa9\xf0\x9f\x98\x80\"") &&
	     text_is("name", desc.params[2].name, "s");
	result(ok, "desc: values decoded, in document order");
}

/* ---- generated documents at the limits ---- */

static char big[2 * MIGC_DOC_MAX];

static void __attribute__((format(printf, 2, 3)))
add(size_t *len, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	*len += vsnprintf(big + *len, sizeof(big) - *len, fmt, args);
	va_end(args);
}

/* {"model": "a/b", "x": [[[...]]]}: nesting of @depth including the top. */
static size_t gen_depth(unsigned int depth)
{
	size_t len = 0;
	unsigned int i;

	add(&len, "{\"model\": \"a/b\", \"x\": ");
	for (i = 1; i < depth; i++)
		add(&len, i & 1 ? "[" : "{\"k\": ");
	add(&len, "0");
	for (i = depth - 1; i >= 1; i--)
		add(&len, i & 1 ? "]" : "}");
	add(&len, "}");
	return len;
}

/* A description padded with spaces to exactly @size bytes. */
static size_t gen_size(size_t size)
{
	size_t len = 0;

	add(&len, "{\"model\": \"a/b\"}");
	while (len < size)
		add(&len, " ");
	return len;
}

/* A description with a long ignored string, exactly @size bytes. */
static size_t gen_size_string(size_t size)
{
	size_t len = 0;

	add(&len, "{\"model\": \"a/b\", \"x\": \"");
	while (len < size - 2)
		add(&len, "y");
	add(&len, "\"}");
	return len;
}

static size_t gen_desc_params(unsigned int nr)
{
	size_t len = 0;
	unsigned int i;

	add(&len, "{\"model\": \"a/b\", \"params\": {");
	for (i = 0; i < nr; i++)
		add(&len, "%s\"p%u\": %u", i ? ", " : "", i, i);
	add(&len, "}}");
	return len;
}

static size_t gen_caps_params(unsigned int nr)
{
	size_t len = 0;
	unsigned int i;

	add(&len, "{\"models\":{\"a/b\":{\"params\":{");
	for (i = 0; i < nr; i++)
		add(&len, "%s\"p%u\":{\"type\":\"int\",\"access\":\"create\","
		    "\"init_value\":0}", i ? "," : "", i);
	add(&len, "}}}}");
	return len;
}

static size_t gen_caps_models(unsigned int nr)
{
	size_t len = 0;
	unsigned int i;

	add(&len, "{\"models\": {");
	for (i = 0; i < nr; i++)
		add(&len, "%s\"a/m%u\": {}", i ? ", " : "", i);
	add(&len, "}}");
	return len;
}

static size_t gen_caps_allowed(unsigned int nr)
{
	size_t len = 0;
	unsigned int i;

	add(&len, "{\"models\": {\"a/b\": {\"params\": {\"p\": {\"type\": "
	    "\"int\", \"access\": \"create\", \"init_value\": 0, "
	    "\"allowed_values\": [");
	for (i = 0; i < nr; i++)
		add(&len, "%s%u", i ? ", " : "", i);
	add(&len, "]}}}}}");
	return len;
}

static void check_desc_gen(const char *name, size_t len, int err)
{
	static struct migc_desc desc;

	result(err_is("errno", migc_desc_parse(big, len, &desc), err),
	       "%s", name);
}

static void check_caps_gen(const char *name, size_t len, int err)
{
	struct migc_caps *caps = NULL;
	int ret;

	ret = migc_caps_parse(big, len, &caps);
	result(err_is("errno", ret, err), "%s", name);
	if (!ret)
		migc_caps_free(caps);
}

static void test_limits(void)
{
	check_desc_gen("limit: depth MIGC_MAX_DEPTH",
		       gen_depth(MIGC_MAX_DEPTH), 0);
	check_desc_gen("limit: depth MIGC_MAX_DEPTH + 1",
		       gen_depth(MIGC_MAX_DEPTH + 1), -EINVAL);
	check_desc_gen("limit: size MIGC_DOC_MAX", gen_size(MIGC_DOC_MAX), 0);
	check_desc_gen("limit: size MIGC_DOC_MAX + 1",
		       gen_size(MIGC_DOC_MAX + 1), -EINVAL);
	check_desc_gen("limit: MIGC_DOC_MAX with a long string",
		       gen_size_string(MIGC_DOC_MAX), 0);
	check_desc_gen("limit: MIGC_MAX_PARAMS in a description",
		       gen_desc_params(MIGC_MAX_PARAMS), 0);
	check_desc_gen("limit: MIGC_MAX_PARAMS + 1 in a description",
		       gen_desc_params(MIGC_MAX_PARAMS + 1), -EINVAL);
	check_caps_gen("limit: MIGC_MAX_PARAMS in a model",
		       gen_caps_params(MIGC_MAX_PARAMS), 0);
	check_caps_gen("limit: MIGC_MAX_PARAMS + 1 in a model",
		       gen_caps_params(MIGC_MAX_PARAMS + 1), -EINVAL);
	check_caps_gen("limit: MIGC_MAX_MODELS",
		       gen_caps_models(MIGC_MAX_MODELS), 0);
	check_caps_gen("limit: MIGC_MAX_MODELS + 1",
		       gen_caps_models(MIGC_MAX_MODELS + 1), -EINVAL);
	check_caps_gen("limit: MIGC_MAX_ALLOWED",
		       gen_caps_allowed(MIGC_MAX_ALLOWED), 0);
	check_caps_gen("limit: MIGC_MAX_ALLOWED + 1",
		       gen_caps_allowed(MIGC_MAX_ALLOWED + 1), -EINVAL);
}

/* ---- capabilities ---- */

#define P(name, body)	"\"" name "\": {" body "}"
#define CAPS1(params) \
	"{\"models\": {\"a/b\": {\"params\": {" params "}}}}\n"
#define BOOL_RT		"\"type\": \"bool\", \"access\": \"runtime\""
#define INT_CR		"\"type\": \"int\", \"access\": \"create\""
#define STR_RO		"\"type\": \"str\", \"access\": \"readonly\""

struct caps_case {
	const char *name;
	const char *doc;
	int err;
	const char *printed;	/* NULL: the document is already canonical */
};

static const struct caps_case caps_cases[] = {
	{ "caps: header example", MTTY_CAPS, 0, NULL },
	{ "caps: every type and option", RULE_CAPS, 0, NULL },
	{ "caps: int ranges printed canonically",
	  CAPS1(P("n", INT_CR ", \"allowed_values\": [\"-5--1\", \"3-3\", 7, "
		  "\"-9223372036854775808-9223372036854775807\"], "
		  "\"init_value\": -2")), 0,
	  CAPS1(P("n", INT_CR ", \"allowed_values\": [\"-5--1\", 3, 7, "
		  "\"-9223372036854775808-9223372036854775807\"], "
		  "\"init_value\": -2")) },
	{ "caps: keys in any order, compact",
	  "{\"models\":{\"a/b\":{\"params\":{\"s\":{\"off_value\":\"o\","
	  "\"init_value\":\"\\u00e9\",\"access\":\"readonly\","
	  "\"type\":\"str\"}}}}}", 0,
	  CAPS1(P("s", STR_RO ", \"init_value\": \"\xc3\xa9\", "
		  "\"off_value\": \"o\"")) },
	{ "caps: string escapes printed back",
	  CAPS1(P("s", STR_RO ", \"init_value\": \"q\\\"\\\\\\t\\u0001\"")),
	  0, NULL },
	{ "caps: model without params",
	  "{\"models\": {\"a/b\": {}}}", 0,
	  "{\"models\": {\"a/b\": {\"params\": {}}}}\n" },
	{ "caps: unknown keys of a model and the top ignored",
	  "{\"v\": 2, \"models\": {\"a/b\": {\"doc\": [\"x\"], "
	  "\"params\": {}}}}", 0,
	  "{\"models\": {\"a/b\": {\"params\": {}}}}\n" },
	{ "caps: unknown key in a parameter",
	  CAPS1(P("n", INT_CR ", \"init_value\": 1, \"max\": 2")), -EINVAL,
	  NULL },
	{ "caps: models is required", "{\"model\": {}}", -EINVAL, NULL },
	{ "caps: no models", "{\"models\": {}}", -EINVAL, NULL },
	{ "caps: models not an object", "{\"models\": []}", -EINVAL, NULL },
	{ "caps: params not an object",
	  "{\"models\": {\"a/b\": {\"params\": []}}}", -EINVAL, NULL },
	{ "caps: bad model name", "{\"models\": {\"a//b\": {}}}", -EINVAL,
	  NULL },
	{ "caps: bad param name", CAPS1(P("-n", INT_CR ", \"init_value\": 1")),
	  -EINVAL, NULL },
	{ "caps: type missing",
	  CAPS1(P("n", "\"access\": \"create\", \"init_value\": 1")),
	  -EINVAL, NULL },
	{ "caps: access missing",
	  CAPS1(P("n", "\"type\": \"int\", \"init_value\": 1")), -EINVAL,
	  NULL },
	{ "caps: init_value missing", CAPS1(P("n", INT_CR)), -EINVAL, NULL },
	{ "caps: unknown type",
	  CAPS1(P("n", "\"type\": \"float\", \"access\": \"create\", "
		  "\"init_value\": 1")), -EINVAL, NULL },
	{ "caps: unknown access",
	  CAPS1(P("n", "\"type\": \"int\", \"access\": \"always\", "
		  "\"init_value\": 1")), -EINVAL, NULL },
	{ "caps: init_value of the wrong type",
	  CAPS1(P("n", INT_CR ", \"init_value\": \"1\"")), -EINVAL, NULL },
	{ "caps: off_value of the wrong type",
	  CAPS1(P("b", BOOL_RT ", \"init_value\": true, \"off_value\": 0")),
	  -EINVAL, NULL },
	{ "caps: init_value not allowed",
	  CAPS1(P("n", INT_CR ", \"allowed_values\": [\"1-3\"], "
		  "\"init_value\": 4")), -EINVAL, NULL },
	{ "caps: off_value not allowed",
	  CAPS1(P("b", BOOL_RT ", \"allowed_values\": [true], "
		  "\"init_value\": true, \"off_value\": false")), -EINVAL, NULL },
	{ "caps: empty allowed_values",
	  CAPS1(P("n", INT_CR ", \"allowed_values\": [], \"init_value\": 1")),
	  -EINVAL, NULL },
	{ "caps: range min > max",
	  CAPS1(P("n", INT_CR ", \"allowed_values\": [\"3-1\"], "
		  "\"init_value\": 1")), -EINVAL, NULL },
	{ "caps: range without max",
	  CAPS1(P("n", INT_CR ", \"allowed_values\": [\"3-\"], "
		  "\"init_value\": 3")), -EINVAL, NULL },
	{ "caps: range with spaces",
	  CAPS1(P("n", INT_CR ", \"allowed_values\": [\"1 - 3\"], "
		  "\"init_value\": 1")), -EINVAL, NULL },
	{ "caps: range out of s64",
	  CAPS1(P("n", INT_CR ", \"allowed_values\": "
		  "[\"0-9223372036854775808\"], \"init_value\": 1")),
	  -EINVAL, NULL },
	{ "caps: range for a bool",
	  CAPS1(P("b", BOOL_RT ", \"allowed_values\": [\"0-1\"], "
		  "\"init_value\": true")), -EINVAL, NULL },
	{ "caps: string with a newline",
	  CAPS1(P("s", STR_RO ", \"init_value\": \"a\\nb\"")), -EINVAL, NULL },
	{ "caps: duplicate model",
	  "{\"models\": {\"a/b\": {}, \"a/b\": {}}}", -EINVAL, NULL },
	{ "caps: duplicate param",
	  CAPS1(P("n", INT_CR ", \"init_value\": 1") ", "
		P("n", INT_CR ", \"init_value\": 1")), -EINVAL, NULL },
	{ "caps: duplicate key in a param",
	  CAPS1(P("n", INT_CR ", \"init_value\": 1, \"init_value\": 1")),
	  -EINVAL, NULL },
	{ "caps: duplicate key in ignored model data",
	  "{\"models\": {\"a/b\": {\"doc\": {\"x\": 1, \"x\": 1}}}}", -EINVAL,
	  NULL },
	{ "caps: duplicate key in ignored top-level data",
	  "{\"x\": {\"y\": {\"z\": 1, \"z\": 2}}, \"models\": {\"a/b\": {}}}",
	  -EINVAL, NULL },
	{ "caps: trailing garbage", "{\"models\": {\"a/b\": {}}}]", -EINVAL,
	  NULL },
};

static void test_caps(void)
{
	static char out[MIGC_DOC_MAX], again[MIGC_DOC_MAX];
	struct migc_caps *caps, *caps2;
	unsigned int i;
	int ret, ok;

	for (i = 0; i < sizeof(caps_cases) / sizeof(caps_cases[0]); i++) {
		const struct caps_case *c = &caps_cases[i];

		caps = NULL;
		ret = migc_caps_parse(c->doc, strlen(c->doc), &caps);
		ok = err_is("errno", ret, c->err);
		if (ok && !ret) {
			/* print -> parse -> print gives the same text */
			ok = migc_caps_print(caps, out, sizeof(out)) > 0 &&
			     text_is("printed", out,
				     c->printed ? c->printed : c->doc) &&
			     !migc_caps_parse(out, strlen(out), &caps2);
			if (ok) {
				ok = migc_caps_print(caps2, again,
						     sizeof(again)) > 0 &&
				     text_is("round trip", again, out);
				migc_caps_free(caps2);
			}
		}
		if (!ret)
			migc_caps_free(caps);
		result(ok, "%s", c->name);
	}
}

/* ---- values of migration/params/<name> files ---- */

struct value_case {
	const char *name;
	enum migc_type type;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	int err;
	const char *printed;
};

static const struct value_case value_cases[] = {
	{ "value: bool true", MIGC_BOOL, "true", 0, 0, "true" },
	{ "value: bool false\\n", MIGC_BOOL, "false\n", 0, 0, "false" },
	{ "value: bool TRUE", MIGC_BOOL, "TRUE", 0, 0, "true" },
	{ "value: bool y", MIGC_BOOL, "y", 0, 0, "true" },
	{ "value: bool Y\\n", MIGC_BOOL, "Y\n", 0, 0, "true" },
	{ "value: bool yes", MIGC_BOOL, "yes", 0, 0, "true" },
	{ "value: bool 1", MIGC_BOOL, "1", 0, 0, "true" },
	{ "value: bool on", MIGC_BOOL, "on", 0, 0, "true" },
	{ "value: bool ON", MIGC_BOOL, "ON", 0, 0, "true" },
	{ "value: bool n", MIGC_BOOL, "n", 0, 0, "false" },
	{ "value: bool N", MIGC_BOOL, "N", 0, 0, "false" },
	{ "value: bool no", MIGC_BOOL, "no", 0, 0, "false" },
	{ "value: bool 0\\n", MIGC_BOOL, "0\n", 0, 0, "false" },
	{ "value: bool off", MIGC_BOOL, "off", 0, 0, "false" },
	{ "value: bool Off", MIGC_BOOL, "Off", 0, 0, "false" },
	{ "value: bool empty", MIGC_BOOL, "", 0, -EINVAL, NULL },
	{ "value: bool newline only", MIGC_BOOL, "\n", 0, -EINVAL, NULL },
	{ "value: bool two newlines", MIGC_BOOL, "1\n\n", 0, -EINVAL, NULL },
	{ "value: bool nonsense", MIGC_BOOL, "nonsense", 0, -EINVAL, NULL },
	{ "value: bool yellow", MIGC_BOOL, "yellow", 0, -EINVAL, NULL },
	{ "value: bool 2", MIGC_BOOL, "2", 0, -EINVAL, NULL },
	{ "value: bool leading space", MIGC_BOOL, " true", 0, -EINVAL, NULL },
	{ "value: bool with NUL", MIGC_BOOL, "y\0", 2, -EINVAL, NULL },
	{ "value: int 0", MIGC_INT, "0", 0, 0, "0" },
	{ "value: int -42\\n", MIGC_INT, "-42\n", 0, 0, "-42" },
	{ "value: int leading zeros", MIGC_INT, "007", 0, 0, "7" },
	{ "value: int S64_MAX", MIGC_INT, "9223372036854775807", 0, 0,
	  "9223372036854775807" },
	{ "value: int S64_MAX + 1", MIGC_INT, "9223372036854775808", 0,
	  -EINVAL, NULL },
	{ "value: int S64_MIN", MIGC_INT, "-9223372036854775808", 0, 0,
	  "-9223372036854775808" },
	{ "value: int S64_MIN - 1", MIGC_INT, "-9223372036854775809", 0,
	  -EINVAL, NULL },
	{ "value: int plus sign", MIGC_INT, "+1", 0, -EINVAL, NULL },
	{ "value: int hex", MIGC_INT, "0x10", 0, -EINVAL, NULL },
	{ "value: int space", MIGC_INT, "1 ", 0, -EINVAL, NULL },
	{ "value: int minus only", MIGC_INT, "-", 0, -EINVAL, NULL },
	{ "value: int empty", MIGC_INT, "", 0, -EINVAL, NULL },
	{ "value: int fraction", MIGC_INT, "1.5", 0, -EINVAL, NULL },
	{ "value: str plain", MIGC_STR, "hello world", 0, 0, "hello world" },
	{ "value: str newline stripped", MIGC_STR, "x\n", 0, 0, "x" },
	{ "value: str empty", MIGC_STR, "", 0, 0, "" },
	{ "value: str empty\\n", MIGC_STR, "\n", 0, 0, "" },
	{ "value: str quotes kept", MIGC_STR, "\"q\"", 0, 0, "\"q\"" },
	{ "value: str UTF-8", MIGC_STR, "\xc3\xa9", 0, 0, "\xc3\xa9" },
	{ "value: str inner newline", MIGC_STR, "a\nb", 0, -EINVAL, NULL },
	{ "value: str NUL", MIGC_STR, "a\0b", 3, -EINVAL, NULL },
	{ "value: str bad UTF-8", MIGC_STR, "\xc0\xaf", 0, -EINVAL, NULL },
	{ "value: str surrogate", MIGC_STR, "\xed\xb0\x80", 0, -EINVAL, NULL },
};

static void test_values(void)
{
	static char sbuf[MIGC_STR_MAX + 1];
	struct migc_param param = { .name = "p" };
	struct migc_value val;
	char out[64];
	unsigned int i;
	int ret, ok;

	for (i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		const struct value_case *c = &value_cases[i];
		size_t len = c->len ? c->len : strlen(c->in);

		param.type = c->type;
		memset(&val, 0, sizeof(val));
		ret = migc_value_parse(&param, c->in, len, &val, sbuf,
				       sizeof(sbuf));
		ok = err_is("errno", ret, c->err);
		if (ok && !ret) {
			ok = val.type == c->type &&
			     migc_value_print(&val, out, sizeof(out)) ==
			     (int)strlen(c->printed) &&
			     text_is("printed", out, c->printed);
		}
		result(ok, "%s", c->name);
	}
}

static void test_value_limits(void)
{
	static char in[MIGC_STR_MAX + 3], sbuf[MIGC_STR_MAX + 1];
	struct migc_param param = { .name = "p", .type = MIGC_STR };
	struct migc_value val;

	memset(in, 'x', sizeof(in));
	result(!migc_value_parse(&param, in, MIGC_STR_MAX, &val, sbuf,
				 sizeof(sbuf)) && strlen(val.s) == MIGC_STR_MAX,
	       "value: str of MIGC_STR_MAX bytes");
	in[MIGC_STR_MAX] = '\n';
	result(!migc_value_parse(&param, in, MIGC_STR_MAX + 1, &val, sbuf,
				 sizeof(sbuf)),
	       "value: str of MIGC_STR_MAX bytes and a newline");
	in[MIGC_STR_MAX] = 'x';
	result(migc_value_parse(&param, in, MIGC_STR_MAX + 1, &val, sbuf,
				sizeof(sbuf)) == -EINVAL,
	       "value: str of MIGC_STR_MAX + 1 bytes");
	in[MIGC_STR_MAX + 1] = '\n';
	result(migc_value_parse(&param, in, MIGC_STR_MAX + 2, &val, sbuf,
				sizeof(sbuf)) == -EINVAL,
	       "value: input of MIGC_STR_MAX + 2 bytes");
	result(migc_value_parse(&param, "abc", 3, &val, sbuf, 3) == -EINVAL &&
	       !migc_value_parse(&param, "abc", 3, &val, sbuf, 4),
	       "value: sbuf_size bound");
}

static void test_value_print(void)
{
	struct migc_value v = MIGC_INT_VALUE(-12345);
	struct migc_value s = MIGC_STR_VALUE("a\"b");
	char out[8];

	result(migc_value_print(&v, out, 7) == 6 && !strcmp(out, "-12345"),
	       "print: value fits exactly");
	result(migc_value_print(&v, out, 6) == -E2BIG,
	       "print: value one byte short is -E2BIG");
	result(migc_value_print(&s, out, sizeof(out)) == 3 &&
	       !strcmp(out, "a\"b"), "print: string value unquoted");
}

/* ---- names and tables ---- */

struct name_case {
	const char *name;
	bool model;
	const char *in;
	bool valid;
};

static const struct name_case name_cases[] = {
	{ "name: simple", false, "nr-ports", true },
	{ "name: digit first", false, "9lives", true },
	{ "name: 32 bytes", false, "abcdefghijklmnopqrstuvwxyz012345", true },
	{ "name: 33 bytes", false, "abcdefghijklmnopqrstuvwxyz0123456", false },
	{ "name: empty", false, "", false },
	{ "name: dash first", false, "-x", false },
	{ "name: upper case", false, "Nr", false },
	{ "name: underscore", false, "nr_ports", false },
	{ "model: simple", true, "kernel.org/samples/mtty", true },
	{ "model: all characters", true, "A-Z.a_z/0-9", true },
	{ "model: no slash", true, "mtty", false },
	{ "model: leading slash", true, "/a", false },
	{ "model: trailing slash", true, "a/", false },
	{ "model: double slash", true, "a//b", false },
	{ "model: space", true, "a/b c", false },
	{ "model: empty", true, "", false },
};

static void test_names(void)
{
	char model[MIGC_MODEL_MAX + 2];
	unsigned int i;
	bool v;

	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		const struct name_case *c = &name_cases[i];

		v = c->model ? migc_model_name_valid(c->in, strlen(c->in)) :
			       migc_name_valid(c->in, strlen(c->in));
		result(v == c->valid, "%s", c->name);
	}
	memset(model, 'm', sizeof(model));
	model[1] = '/';
	result(migc_model_name_valid(model, MIGC_MODEL_MAX) &&
	       !migc_model_name_valid(model, MIGC_MODEL_MAX + 1),
	       "model: MIGC_MODEL_MAX bytes and one more");
}

static const struct migc_range r_1_4[] = { { 1, 4 } };
static const struct migc_range r_bad[] = { { 4, 1 } };
static const struct migc_value a_fast[] = { MIGC_STR_VALUE("fast") };
static const struct migc_value a_mixed[] = { MIGC_INT_VALUE(1) };

#define PARAM(n, t, a, init)	.name = (n), .type = (t), .access = (a), \
				.init_value = init

static const struct migc_param good_params[] = {
	{ PARAM("n", MIGC_INT, MIGC_READONLY, MIGC_INT_VALUE(2)),
	  .nr_allowed = 1, .ranges = r_1_4 },
	{ PARAM("f", MIGC_BOOL, MIGC_RUNTIME, MIGC_BOOL_VALUE(true)),
	  .has_off = true, .off_value = MIGC_BOOL_VALUE(false) },
	{ PARAM("s", MIGC_STR, MIGC_CREATE, MIGC_STR_VALUE("fast")),
	  .nr_allowed = 1, .allowed = a_fast },
};

struct table_case {
	const char *name;
	struct migc_param param;
};

static const struct table_case bad_params[] = {
	{ "validate: bad name",
	  { PARAM("N", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(0)) } },
	{ "validate: NULL name",
	  { PARAM(NULL, MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(0)) } },
	{ "validate: type 0", { PARAM("n", 0, MIGC_CREATE, MIGC_INT_VALUE(0)) } },
	{ "validate: type out of range",
	  { PARAM("n", MIGC_STR + 1, MIGC_CREATE, MIGC_INT_VALUE(0)) } },
	{ "validate: access 0", { PARAM("n", MIGC_INT, 0, MIGC_INT_VALUE(0)) } },
	{ "validate: access out of range",
	  { PARAM("n", MIGC_INT, MIGC_READONLY + 1, MIGC_INT_VALUE(0)) } },
	{ "validate: init_value of the wrong type",
	  { PARAM("n", MIGC_INT, MIGC_CREATE, MIGC_BOOL_VALUE(0)) } },
	{ "validate: NULL string",
	  { PARAM("n", MIGC_STR, MIGC_CREATE, MIGC_STR_VALUE(NULL)) } },
	{ "validate: string with newline",
	  { PARAM("n", MIGC_STR, MIGC_CREATE, MIGC_STR_VALUE("a\n")) } },
	{ "validate: init_value not allowed",
	  { PARAM("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(5)),
	    .nr_allowed = 1, .ranges = r_1_4 } },
	{ "validate: off_value of the wrong type",
	  { PARAM("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1)),
	    .has_off = true, .off_value = MIGC_STR_VALUE("1") } },
	{ "validate: off_value not allowed",
	  { PARAM("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1)),
	    .has_off = true, .off_value = MIGC_INT_VALUE(0),
	    .nr_allowed = 1, .ranges = r_1_4 } },
	{ "validate: range min > max",
	  { PARAM("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1)),
	    .nr_allowed = 1, .ranges = r_bad } },
	{ "validate: allowed without table",
	  { PARAM("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1)),
	    .nr_allowed = 1 } },
	{ "validate: allowed of the wrong type",
	  { PARAM("n", MIGC_STR, MIGC_CREATE, MIGC_STR_VALUE("x")),
	    .nr_allowed = 1, .allowed = a_mixed } },
	{ "validate: too many allowed",
	  { PARAM("n", MIGC_INT, MIGC_CREATE, MIGC_INT_VALUE(1)),
	    .nr_allowed = MIGC_MAX_ALLOWED + 1, .ranges = r_1_4 } },
};

static void test_validate(void)
{
	static struct migc_param many[MIGC_MAX_PARAMS + 1];
	static char names[MIGC_MAX_PARAMS + 1][8];
	struct migc_model m = { "a/b", good_params, 3 };
	struct migc_model m2 = { "c/d", good_params, 1 };
	struct migc_model two[2] = { m, m2 };
	struct migc_caps caps = { two, 2 };
	struct migc_param dup[2] = { good_params[0], good_params[0] };
	unsigned int i;

	result(!migc_model_validate(&m) && !migc_caps_validate(&caps),
	       "validate: good tables");
	for (i = 0; i < sizeof(bad_params) / sizeof(bad_params[0]); i++) {
		m.params = &bad_params[i].param;
		m.nr_params = 1;
		result(migc_model_validate(&m) == -EINVAL, "%s",
		       bad_params[i].name);
	}
	m.params = dup;
	m.nr_params = 2;
	result(migc_model_validate(&m) == -EINVAL,
	       "validate: duplicate param name");
	m.name = "ab";
	m.nr_params = 0;
	result(migc_model_validate(&m) == -EINVAL, "validate: bad model name");
	for (i = 0; i <= MIGC_MAX_PARAMS; i++) {
		snprintf(names[i], sizeof(names[i]), "p%u", i);
		many[i] = good_params[1];
		many[i].name = names[i];
	}
	m.name = "a/b";
	m.params = many;
	m.nr_params = MIGC_MAX_PARAMS;
	result(!migc_model_validate(&m), "validate: MIGC_MAX_PARAMS params");
	m.nr_params = MIGC_MAX_PARAMS + 1;
	result(migc_model_validate(&m) == -EINVAL,
	       "validate: MIGC_MAX_PARAMS + 1 params");
	two[1].name = "a/b";
	result(migc_caps_validate(&caps) == -EINVAL,
	       "validate: duplicate model name");
	caps.nr_models = 0;
	result(migc_caps_validate(&caps) == -EINVAL, "validate: no models");
	caps.nr_models = MIGC_MAX_MODELS + 1;
	result(migc_caps_validate(&caps) == -EINVAL,
	       "validate: too many models");
}

/* ---- printing descriptions ---- */

static const struct migc_range ports[] = { { 1, 1 }, { 2, 4 } };
static const struct migc_value modes[] = {
	MIGC_STR_VALUE("fast"), MIGC_STR_VALUE("slow"),
};

static const struct migc_param rule_params[] = {
	{ PARAM("nr-ports", MIGC_INT, MIGC_READONLY, MIGC_INT_VALUE(2)),
	  .nr_allowed = 2, .ranges = ports },
	{ PARAM("fifo-state", MIGC_BOOL, MIGC_RUNTIME, MIGC_BOOL_VALUE(true)),
	  .has_off = true, .off_value = MIGC_BOOL_VALUE(false) },
	{ PARAM("mode", MIGC_STR, MIGC_CREATE, MIGC_STR_VALUE("fast")),
	  .has_off = true, .off_value = MIGC_STR_VALUE("slow"),
	  .nr_allowed = 2, .allowed = modes },
};

static const struct migc_model rule_model = {
	"kernel.org/samples/mtty", rule_params, 3,
};

static void test_desc_print(void)
{
	struct migc_value v[3] = {
		MIGC_INT_VALUE(2), MIGC_BOOL_VALUE(true), MIGC_STR_VALUE("fast"),
	};
	const char *want = "{" MTTY ", \"params\": {\"nr-ports\": 2, "
		"\"fifo-state\": true, \"mode\": \"fast\"}}\n";
	static struct migc_desc desc;
	char out[256], again[256];
	int len = strlen(want);

	result(migc_desc_print(&rule_model, v, out, sizeof(out)) == len &&
	       text_is("printed", out, want), "desc print: all params");
	result(migc_desc_print(&rule_model, v, out, len) == -E2BIG &&
	       migc_desc_print(&rule_model, v, out, len + 1) == len,
	       "desc print: -E2BIG one byte short");
	v[1].b = false;
	v[2].s = "slow";
	result(migc_desc_print(&rule_model, v, out, sizeof(out)) > 0 &&
	       text_is("printed", out, "{" MTTY ", \"params\": "
		       "{\"nr-ports\": 2}}\n"),
	       "desc print: off values left out");
	v[2].s = "q\"\\\n\t\x01\x7f\xc3\xa9";
	result(migc_desc_print(&rule_model, v, out, sizeof(out)) > 0 &&
	       text_is("printed", out, "{" MTTY ", \"params\": "
		       "{\"nr-ports\": 2, \"mode\": "
		       "\"q\\\"\\\\\\n\\t\\u0001\x7f\xc3\xa9\"}}\n"),
	       "desc print: string escapes");
	/* print -> parse -> print: the parsed escape decodes to the same */
	v[2].s = "x\ty";
	migc_desc_print(&rule_model, v, out, sizeof(out));
	result(!migc_desc_parse(out, strlen(out), &desc) &&
	       desc.nr_params == 2 &&
	       migc_desc_print(&rule_model, (struct migc_value[]){
			desc.params[0].value, MIGC_BOOL_VALUE(false),
			desc.params[1].value }, again, sizeof(again)) > 0 &&
	       text_is("round trip", again, out),
	       "desc print: round trip");
	v[0] = (struct migc_value)MIGC_BOOL_VALUE(true);
	result(migc_desc_print(&rule_model, v, out, sizeof(out)) == -EINVAL,
	       "desc print: value of the wrong type");
}

/* ---- the rules ---- */

struct rule_case {
	const char *name;
	const char *src;
	int ret;
	enum migc_verdict verdict;
	const char *param;
	const char *why_src;	/* NULL: not checked */
	const char *why_dst;
};

/* The source against a type with RULE_CAPS. */
static const struct rule_case type_cases[] = {
	{ "type: compatible, all params",
	  "{" MTTY ", \"params\": {\"nr-ports\": 4, \"fifo-state\": true, "
	  "\"mode\": \"fast\"}}", 0, MIGC_OK, "", "", "" },
	{ "type: compatible, off params left out",
	  "{" MTTY ", \"params\": {\"nr-ports\": 1}}", 0, MIGC_OK, "", NULL,
	  NULL },
	{ "type: rule 1 model differs", "{\"model\": \"kernel.org/x\"}",
	  -EPROTO, MIGC_MODEL_DIFFERS, "", "\"kernel.org/x\"",
	  "\"kernel.org/samples/mtty\", \"example.com/other\"" },
	{ "type: rule 1 is byte exact", "{\"model\": \"Kernel.org/samples/mtty\"}",
	  -EPROTO, MIGC_MODEL_DIFFERS, "", NULL, NULL },
	{ "type: second model", "{\"model\": \"example.com/other\"}", 0,
	  MIGC_OK, "", NULL, NULL },
	{ "type: rule 2 unknown param",
	  "{" MTTY ", \"params\": {\"nr-ports\": 2, \"turbo\": true}}",
	  -EPROTO, MIGC_PARAM_UNKNOWN, "turbo", "true", "" },
	{ "type: rule 2 wrong type is -EINVAL",
	  "{" MTTY ", \"params\": {\"nr-ports\": \"2\"}}", -EINVAL,
	  MIGC_PARAM_TYPE, "nr-ports", "\"2\"", "int" },
	{ "type: rule 2 int not allowed",
	  "{" MTTY ", \"params\": {\"nr-ports\": 5}}", -EPROTO,
	  MIGC_PARAM_NOT_ALLOWED, "nr-ports", "5", "[1, \"2-4\"]" },
	{ "type: rule 2 str not allowed",
	  "{" MTTY ", \"params\": {\"nr-ports\": 2, \"mode\": \"turbo\"}}",
	  -EPROTO, MIGC_PARAM_NOT_ALLOWED, "mode", "\"turbo\"",
	  "[\"fast\", \"slow\"]" },
	{ "type: first failure in document order",
	  "{" MTTY ", \"params\": {\"mode\": \"x\", \"nr-ports\": 9}}",
	  -EPROTO, MIGC_PARAM_NOT_ALLOWED, "mode", NULL, NULL },
	{ "type: rule 3 missing param without off_value",
	  "{" MTTY "}", -EPROTO, MIGC_PARAM_MISSING, "nr-ports", "",
	  "[1, \"2-4\"]" },
	{ "type: rule 2 before rule 3",
	  "{" MTTY ", \"params\": {\"x\": 1}}", -EPROTO, MIGC_PARAM_UNKNOWN,
	  "x", NULL, NULL },
};

/* The source against a device with the values of "dev". */
struct device_case {
	struct rule_case r;
	struct migc_value values[3];
};

#define DEV(n, f, m)	{ MIGC_INT_VALUE(n), MIGC_BOOL_VALUE(f), \
			  MIGC_STR_VALUE(m) }

static const struct device_case device_cases[] = {
	{ { "device: compatible",
	    "{" MTTY ", \"params\": {\"nr-ports\": 2, \"fifo-state\": true, "
	    "\"mode\": \"fast\"}}", 0, MIGC_OK, "", "", "" },
	  DEV(2, true, "fast") },
	{ { "device: compatible, at off values",
	    "{" MTTY ", \"params\": {\"nr-ports\": 3}}", 0, MIGC_OK, "", NULL,
	    NULL }, DEV(3, false, "slow") },
	{ { "device: rule 1 model differs", "{\"model\": \"example.com/other\"}",
	    -EPROTO, MIGC_MODEL_DIFFERS, "", "\"example.com/other\"",
	    "\"kernel.org/samples/mtty\"" }, DEV(2, true, "fast") },
	{ { "device: rule 2 unknown param",
	    "{" MTTY ", \"params\": {\"nr-ports\": 2, \"turbo\": 1}}",
	    -EPROTO, MIGC_PARAM_UNKNOWN, "turbo", "1", "" },
	  DEV(2, true, "fast") },
	{ { "device: rule 2 wrong type is -EINVAL",
	    "{" MTTY ", \"params\": {\"fifo-state\": 1}}", -EINVAL,
	    MIGC_PARAM_TYPE, "fifo-state", "1", "bool" },
	  DEV(2, true, "fast") },
	{ { "device: rule 2 not allowed",
	    "{" MTTY ", \"params\": {\"nr-ports\": 0}}", -EPROTO,
	    MIGC_PARAM_NOT_ALLOWED, "nr-ports", "0", "[1, \"2-4\"]" },
	  DEV(2, true, "fast") },
	{ { "device: rule 2 value differs",
	    "{" MTTY ", \"params\": {\"nr-ports\": 3, \"fifo-state\": true}}",
	    -EPROTO, MIGC_PARAM_DIFFERS, "nr-ports", "3", "2" },
	  DEV(2, true, "fast") },
	{ { "device: rule 2 string differs",
	    "{" MTTY ", \"params\": {\"nr-ports\": 2, \"mode\": \"fast\"}}",
	    -EPROTO, MIGC_PARAM_DIFFERS, "mode", "\"fast\"", "\"slow\"" },
	  DEV(2, false, "slow") },
	{ { "device: rule 3 missing",
	    "{" MTTY ", \"params\": {\"fifo-state\": true}}", -EPROTO,
	    MIGC_PARAM_MISSING, "nr-ports", "", "2" },
	  DEV(2, true, "fast") },
	{ { "device: rule 3 not at off value",
	    "{" MTTY ", \"params\": {\"nr-ports\": 2}}", -EPROTO,
	    MIGC_PARAM_NOT_OFF, "fifo-state", "false", "true" },
	  DEV(2, true, "fast") },
	{ { "device: rule 3 in table order",
	    "{" MTTY ", \"params\": {\"nr-ports\": 2}}", -EPROTO,
	    MIGC_PARAM_NOT_OFF, "mode", "\"slow\"", "\"fast\"" },
	  DEV(2, false, "fast") },
};

static int reason_is(const struct rule_case *c, int ret,
		     const struct migc_reason *why)
{
	return err_is("errno", ret, c->ret) &&
	       err_is("verdict", why->verdict, c->verdict) &&
	       text_is("param", why->param, c->param) &&
	       (!c->why_src || text_is("src", why->src, c->why_src)) &&
	       (!c->why_dst || text_is("dst", why->dst, c->why_dst));
}

static void test_rules(void)
{
	static struct migc_desc desc;
	struct migc_reason why;
	struct migc_caps *caps;
	unsigned int i;
	int ret, ok;

	if (migc_caps_parse(RULE_CAPS, strlen(RULE_CAPS), &caps)) {
		result(0, "rules: parse RULE_CAPS");
		return;
	}
	for (i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++) {
		const struct rule_case *c = &type_cases[i];

		ok = !migc_desc_parse(c->src, strlen(c->src), &desc);
		if (ok) {
			memset(&why, 0x55, sizeof(why));
			ret = migc_check_type(caps, &desc, &why);
			ok = reason_is(c, ret, &why) &&
			     migc_check_type(caps, &desc, NULL) == c->ret;
		}
		result(ok, "%s", c->name);
	}
	migc_caps_free(caps);
	for (i = 0; i < sizeof(device_cases) / sizeof(device_cases[0]); i++) {
		const struct device_case *c = &device_cases[i];

		ok = !migc_desc_parse(c->r.src, strlen(c->r.src), &desc);
		if (ok) {
			memset(&why, 0x55, sizeof(why));
			ret = migc_check_device(&rule_model, c->values, &desc,
						&why);
			ok = reason_is(&c->r, ret, &why) &&
			     migc_check_device(&rule_model, c->values, &desc,
					       NULL) == c->r.ret;
		}
		result(ok, "%s", c->r.name);
	}
}

/* Only a table that skipped validation can have an off_value not allowed. */
static void test_type_not_off(void)
{
	static const struct migc_value only_true[] = { MIGC_BOOL_VALUE(true) };
	static const struct migc_param p = {
		PARAM("f", MIGC_BOOL, MIGC_RUNTIME, MIGC_BOOL_VALUE(true)),
		.has_off = true, .off_value = MIGC_BOOL_VALUE(false),
		.nr_allowed = 1, .allowed = only_true,
	};
	static const struct migc_model m = { "a/b", &p, 1 };
	static const struct migc_caps caps = { &m, 1 };
	static struct migc_desc desc;
	struct migc_reason why;
	int ret;

	migc_desc_parse("{\"model\": \"a/b\"}", 16, &desc);
	ret = migc_check_type(&caps, &desc, &why);
	result(ret == -EPROTO && why.verdict == MIGC_PARAM_NOT_OFF &&
	       !strcmp(why.param, "f") && !strcmp(why.src, "false") &&
	       !strcmp(why.dst, "[true]"),
	       "type: rule 3 off_value not allowed");
}

static void test_reason_truncated(void)
{
	static const struct migc_param p = {
		PARAM("s", MIGC_STR, MIGC_CREATE, MIGC_STR_VALUE("x")),
	};
	static const struct migc_model m = { "a/b", &p, 1 };
	struct migc_value v = MIGC_STR_VALUE("short");
	static struct migc_desc desc;
	struct migc_reason why;
	char doc[256];
	size_t n;

	/* '"' and 42 digits, then the "é" the cut falls into */
	snprintf(doc, sizeof(doc), "{\"model\": \"a/b\", \"params\": "
		 "{\"s\": \"%s\xc3\xa9zzzz\"}}",
		 "012345678901234567890123456789012345678901");
	migc_desc_parse(doc, strlen(doc), &desc);
	migc_check_device(&m, &v, &desc, &why);
	n = strlen(why.src);
	result(why.verdict == MIGC_PARAM_DIFFERS && n < MIGC_REASON_VALUE_MAX &&
	       n >= 4 && !strcmp(why.src + n - 3, "...") &&
	       !strncmp(why.src, "\"0123", 5) &&
	       why.src[n - 4] == '1',
	       "reason: long value cut with \"...\" on a character boundary");
}

/* A driver-compared parameter is left to rule 4 in a device check only. */
static void test_driver_compares(void)
{
	static const struct migc_value only_x[] = { MIGC_STR_VALUE("x") };
	static const struct migc_param p = {
		PARAM("s", MIGC_STR, MIGC_READONLY, MIGC_STR_VALUE("x")),
		.nr_allowed = 1, .allowed = only_x, .driver_compares = true,
	};
	static const struct migc_model m = { "a/b", &p, 1 };
	static const char *same = "{\"model\": \"a/b\", \"params\": {\"s\": \"x\"}}";
	static const char *other = "{\"model\": \"a/b\", \"params\": {\"s\": \"z\"}}";
	static const char *none = "{\"model\": \"a/b\"}";
	struct migc_value v = MIGC_STR_VALUE("y");
	static struct migc_desc desc;
	struct migc_reason why;

	migc_desc_parse(same, strlen(same), &desc);
	result(!migc_check_device(&m, &v, &desc, &why),
	       "driver_compares: a differing current value is left to the driver");
	migc_desc_parse(other, strlen(other), &desc);
	result(migc_check_device(&m, &v, &desc, &why) == -EPROTO &&
	       why.verdict == MIGC_PARAM_NOT_ALLOWED,
	       "driver_compares: allowed values still apply");
	migc_desc_parse(none, strlen(none), &desc);
	result(migc_check_device(&m, &v, &desc, &why) == -EPROTO &&
	       why.verdict == MIGC_PARAM_MISSING,
	       "driver_compares: rule 3 still applies");
}

static void test_verdict_str(void)
{
	result(!strcmp(migc_verdict_str(MIGC_OK), "compatible") &&
	       !strcmp(migc_verdict_str(MIGC_MODEL_DIFFERS), "model differs") &&
	       !strcmp(migc_verdict_str(MIGC_PARAM_UNKNOWN),
		       "unknown parameter") &&
	       !strcmp(migc_verdict_str(MIGC_DRIVER_CHECK),
		       "driver check failed") &&
	       !strcmp(migc_verdict_str(99), "unknown verdict"),
	       "verdict strings");
}

static void test_header_example(void)
{
	static const struct migc_range two[] = { { 2, 2 } };
	static const struct migc_param params[] = {
		{ PARAM("nr-ports", MIGC_INT, MIGC_READONLY, MIGC_INT_VALUE(2)),
		  .nr_allowed = 1, .ranges = two },
		{ PARAM("fifo-state", MIGC_BOOL, MIGC_RUNTIME,
			MIGC_BOOL_VALUE(true)),
		  .has_off = true, .off_value = MIGC_BOOL_VALUE(false) },
	};
	static const struct migc_model m = {
		"kernel.org/samples/mtty", params, 2,
	};
	static const struct migc_caps caps = { &m, 1 };
	char out[512];

	result(!migc_caps_validate(&caps) &&
	       migc_caps_print(&caps, out, sizeof(out)) ==
	       (int)strlen(MTTY_CAPS) && text_is("printed", out, MTTY_CAPS),
	       "caps print: the table of the header comment");
	result(migc_caps_print(&caps, out, strlen(MTTY_CAPS)) == -E2BIG,
	       "caps print: -E2BIG one byte short");
}

int main(void)
{
	test_desc_parse();
	test_desc_values();
	test_limits();
	test_caps();
	test_values();
	test_value_limits();
	test_value_print();
	test_names();
	test_validate();
	test_desc_print();
	test_rules();
	test_type_not_off();
	test_reason_truncated();
	test_driver_compares();
	test_verdict_str();
	test_header_example();
	printf("%u passed, %u failed\n", nr_run - nr_failed, nr_failed);
	return nr_failed ? 1 : 0;
}
