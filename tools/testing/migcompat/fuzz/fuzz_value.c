// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: migc_value_parse() of every type on arbitrary bytes,
 * as written to a migration/params/<name> file.
 *
 * The first input byte picks the size of the string buffer handed to the
 * parser (allocated to exactly that size), the rest is the value written.
 * A value accepted prints back with migc_value_print() to text that parses
 * to an equal value, with and without the newline a read adds, and goes
 * through a description (JSON) unchanged.  Which bool and int spellings are
 * accepted is compared with a small independent model of the ABI.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>

#include "fuzz_common.h"

static const char * const bool_words[] = {
	"true", "false", "y", "n", "yes", "no", "1", "0", "on", "off",
};

/* The ABI: true/false or a kstrtobool() word, any case, whole word. */
static int model_bool(const char *s, size_t len, bool *val)
{
	unsigned int i;

	for (i = 0; i < FUZZ_ARRAY_SIZE(bool_words); i++) {
		if (strlen(bool_words[i]) == len &&
		    !strncasecmp(s, bool_words[i], len)) {
			*val = i % 2 == 0;
			return 1;
		}
	}
	return 0;
}

/* The ABI: decimal with an optional '-', within s64. */
static int model_int(const char *s, size_t len, s64 *val)
{
	char tmp[MIGC_STR_MAX + 2];
	size_t i = 0;
	char *end;
	long long v;

	if (len && s[0] == '-')
		i++;
	if (i == len)
		return 0;
	for (; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end)
		return 0;
	*val = v;
	return 1;
}

/* Whether @s has a character JSON escapes as \u00XX. */
static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\b' && *s != '\f' &&
		    *s != '\r' && *s != '\t')
			return 1;
	return 0;
}

/* Through a one-parameter description and back. */
static void json_round_trip(const struct migc_value *v)
{
	static struct migc_desc desc;
	static char doc[FUZZ_OUT_MAX];
	struct migc_param p = {
		.name = "p",
		.type = v->type,
		.access = MIGC_RUNTIME,
		.init_value = *v,
	};
	struct migc_model m = { .name = "a/b", .params = &p, .nr_params = 1 };
	int len;

	FUZZ_CHECK(!migc_model_validate(&m));
	len = migc_desc_print(&m, v, doc, sizeof(doc));
	FUZZ_CHECK(len > 0);
	/*
	 * JSON escapes a control character as \u00XX, six bytes for one, so
	 * a value of MIGC_STR_MAX bytes may not fit a document of
	 * MIGC_DOC_MAX bytes: nothing in the engine bounds the printed form
	 * of a value.  Without such characters it always fits: '"' and
	 * '\\' take two bytes.
	 */
	if (len > MIGC_DOC_MAX) {
		FUZZ_CHECK(v->type == MIGC_STR && has_control(v->s));
		return;
	}
	FUZZ_CHECK(!migc_desc_parse(doc, len, &desc));
	FUZZ_CHECK(desc.nr_params == 1 && !strcmp(desc.params[0].name, "p"));
	FUZZ_CHECK(migc_value_equal(&desc.params[0].value, v));
}

static void one_type(enum migc_type type, const char *buf, size_t len,
		     char *sbuf, size_t sbuf_size)
{
	static char out[MIGC_STR_MAX + 2], sbuf2[MIGC_STR_MAX + 1];
	struct migc_param param = { .name = "p", .type = type };
	struct migc_value v, v2;
	size_t vlen = len;
	int ret, n, ok;
	bool b = false;
	s64 i = 0;
	char *exact;

	memset(&v, 0, sizeof(v));
	ret = migc_value_parse(&param, buf, len, &v, sbuf, sbuf_size);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);

	if (len <= MIGC_STR_MAX + 1 && len && buf[len - 1] == '\n')
		vlen--;
	switch (type) {
	case MIGC_BOOL:
		ok = len <= MIGC_STR_MAX + 1 && model_bool(buf, vlen, &b);
		FUZZ_CHECK((ret == 0) == ok);
		if (ok)
			FUZZ_CHECK(v.b == b);
		break;
	case MIGC_INT:
		ok = len <= MIGC_STR_MAX + 1 && model_int(buf, vlen, &i);
		FUZZ_CHECK((ret == 0) == ok);
		if (ok)
			FUZZ_CHECK(v.i == i);
		break;
	case MIGC_STR:
		ok = len <= MIGC_STR_MAX + 1 && vlen <= MIGC_STR_MAX &&
		     !memchr(buf, '\0', vlen) && !memchr(buf, '\n', vlen) &&
		     fuzz_utf8_valid(buf, vlen) && sbuf && vlen < sbuf_size;
		FUZZ_CHECK((ret == 0) == ok);
		if (ret)
			break;
		FUZZ_CHECK(v.s == sbuf);
		FUZZ_CHECK(strlen(v.s) == vlen && !memcmp(v.s, buf, vlen));
		FUZZ_CHECK(fuzz_str_value_ok(v.s));
		break;
	}
	if (ret)
		return;
	FUZZ_CHECK(v.type == type);

	n = migc_value_print(&v, out, sizeof(out) - 1);
	FUZZ_CHECK(n >= 0 && (size_t)n == strlen(out));
	exact = malloc(n + 1);
	FUZZ_CHECK(exact);
	FUZZ_CHECK(migc_value_print(&v, exact, n + 1) == n);
	FUZZ_CHECK(!strcmp(exact, out));
	FUZZ_CHECK(migc_value_print(&v, exact, n) == -E2BIG);
	free(exact);

	/* What a read gives back, without and with its newline. */
	memset(&v2, 0, sizeof(v2));
	FUZZ_CHECK(!migc_value_parse(&param, out, n, &v2, sbuf2,
				     sizeof(sbuf2)));
	FUZZ_CHECK(migc_value_equal(&v, &v2));
	out[n] = '\n';
	memset(&v2, 0, sizeof(v2));
	FUZZ_CHECK(!migc_value_parse(&param, out, n + 1, &v2, sbuf2,
				     sizeof(sbuf2)));
	FUZZ_CHECK(migc_value_equal(&v, &v2));

	json_round_trip(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t sbuf_size;
	char *buf, *sbuf;

	if (!size)
		return 0;
	/* 0: no buffer; 255: the largest value; else up to 254 * 5 bytes. */
	if (data[0] == 255)
		sbuf_size = MIGC_STR_MAX + 1;
	else
		sbuf_size = data[0] * 5;
	buf = fuzz_dup(data + 1, size - 1);
	sbuf = sbuf_size ? malloc(sbuf_size) : NULL;
	FUZZ_CHECK(!sbuf_size || sbuf);

	one_type(MIGC_BOOL, buf, size - 1, NULL, 0);
	one_type(MIGC_INT, buf, size - 1, NULL, 0);
	one_type(MIGC_STR, buf, size - 1, sbuf, sbuf_size);

	free(sbuf);
	free(buf);
	return 0;
}
