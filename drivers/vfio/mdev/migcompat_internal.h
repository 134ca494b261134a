/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the migration compatibility engine share and nothing
 * else sees: name tables, character classes, the JSON reader, the printer
 * of the values a refusal names, and the capabilities parser of the tests.
 * The API is include/linux/migcompat.h.
 *
 * migcompat_caps_parse.c is built into the KUnit test module and the
 * userspace tests (tools/testing/migcompat/), never into mdev.ko: what it
 * uses from the other files is exported to KUnit tests only.
 */
#ifndef MIGCOMPAT_INTERNAL_H
#define MIGCOMPAT_INTERNAL_H

#include <linux/migcompat.h>

#define MIGC_NR_TYPES (MIGC_STR + 1)
#define MIGC_NR_ACCESS (MIGC_READONLY + 1)

/* Spellings of enum migc_type and enum migc_access; index 0 is unused. */
extern const char * const migc_type_names[MIGC_NR_TYPES];
extern const char * const migc_access_names[MIGC_NR_ACCESS];

static inline const char *migc_enum_name(const char * const *names,
					 unsigned int nr, unsigned int i)
{
	return i < nr && names[i] ? names[i] : "?";
}

static inline bool migc_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* migcompat.c */
size_t migc_utf8_len(const u8 *s, size_t avail);
bool migc_str_ok(const char *s, size_t len);

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
	char tmp[MIGC_STR_MAX + 1];	/* a string of the capabilities parser */
};

/* Where an object or array was opened, to close it again. */
struct migc_iter {
	unsigned int nr_keys;
	size_t keys_used;
	bool first;
};

/* migcompat_parse.c: the JSON reader. */
size_t migc_int_scan(const char *s, size_t len);
int migc_int_value(const char *s, size_t len, s64 *val);
int migc_json_new(const char *buf, size_t len, struct migc_json **jp);
char migc_json_next(struct migc_json *j);
int migc_json_end(struct migc_json *j);
int migc_json_bool(struct migc_json *j, bool *val);
int migc_json_int(struct migc_json *j, s64 *val);
int migc_json_string(struct migc_json *j, char *out, size_t size, size_t *lenp);
int migc_json_open(struct migc_json *j, struct migc_iter *it, char open);
int migc_json_more(struct migc_json *j, struct migc_iter *it, char close);
int migc_json_member(struct migc_json *j, struct migc_iter *it,
		     const char **key);
int migc_json_count(struct migc_json *j, char open, unsigned int *nr);
int migc_json_skip(struct migc_json *j);

/* migcompat_print.c: a value, a name, allowed values, model names. */
void migc_why_value(char *dst, const struct migc_value *v);
void migc_why_name(char *dst, const char *name);
void migc_why_allowed(char *dst, const struct migc_param *p);
void migc_why_models(char *dst, const struct migc_caps *caps);

/*
 * migcompat_caps_parse.c: capabilities from a document.  The kernel never
 * reads capabilities from userspace; the KUnit and userspace tests use
 * this to check the printer and the rules against documents.
 */
int migc_caps_parse(const char *buf, size_t len, struct migc_caps **caps);
void migc_caps_free(struct migc_caps *caps);

#endif /* MIGCOMPAT_INTERNAL_H */
