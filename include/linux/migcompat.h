/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Migration compatibility engine: device models, typed migration
 * parameters, a printer of the two document kinds (capabilities and
 * description), a strict bounded JSON parser of descriptions and the
 * compatibility rules.
 *
 * The engine has no dependency on mdev or VFIO.  The same source builds in
 * the kernel and in userspace (tools/testing/migcompat/), so KUnit tests and
 * userspace fuzzers exercise the very same code.
 *
 * Documents:
 *
 * Capabilities (what a device type can be)::
 *
 *   {"models": {"kernel.org/samples/mtty": {"params": {
 *     "nr-ports": {"type": "int", "access": "readonly",
 *                  "allowed_values": [2], "init_value": 2},
 *     "config-state": {"type": "bool", "access": "runtime",
 *                    "init_value": true, "off_value": false}}}}}
 *
 * Description (what one device is)::
 *
 *   {"model": "kernel.org/samples/mtty",
 *    "params": {"nr-ports": 2, "config-state": true}}
 */
#ifndef _LINUX_MIGCOMPAT_H
#define _LINUX_MIGCOMPAT_H

#include <linux/types.h>

/* Longest parameter name in bytes, without the terminating NUL. */
#define MIGC_NAME_MAX		32
/* Longest model name in bytes, without the terminating NUL. */
#define MIGC_MODEL_MAX		128
/*
 * Longest string value in bytes, without the terminating NUL. Half a
 * document: room for the per-adapter hardware list of vfio_ap (256 x 8).
 */
#define MIGC_STR_MAX		2048
/* Most parameters of one model, and of one description. */
#define MIGC_MAX_PARAMS		64
/* Most models of one capabilities document. */
#define MIGC_MAX_MODELS		8
/* Most elements of one allowed_values list. */
#define MIGC_MAX_ALLOWED	64
/* Deepest nesting of JSON objects and arrays accepted. */
#define MIGC_MAX_DEPTH		8
/* Longest document accepted by the parsers, in bytes. */
#define MIGC_DOC_MAX		4096

/**
 * enum migc_type - type of a migration parameter
 * @MIGC_BOOL: JSON true or false
 * @MIGC_INT: signed 64-bit integer
 * @MIGC_STR: UTF-8 string without newline, at most %MIGC_STR_MAX bytes
 */
enum migc_type {
	MIGC_BOOL = 1,
	MIGC_INT,
	MIGC_STR,
};

/**
 * enum migc_access - when a parameter may be written
 * @MIGC_CREATE: from device creation until the device is first opened
 * @MIGC_RUNTIME: any time the device runs: not while a migration is in
 *	progress nor while the VMM has stopped the device (for an mdev, while
 *	its driver has called mdev_migration_freeze())
 * @MIGC_READONLY: never written; derived from the device or the host
 */
enum migc_access {
	MIGC_CREATE = 1,
	MIGC_RUNTIME,
	MIGC_READONLY,
};

/**
 * struct migc_value - a typed parameter value
 * @type: which member of the union is valid
 * @b: value of a %MIGC_BOOL
 * @i: value of a %MIGC_INT
 * @s: NUL-terminated value of a %MIGC_STR
 */
struct migc_value {
	enum migc_type type;
	union {
		bool b;
		s64 i;
		const char *s;
	};
};

#define MIGC_BOOL_VALUE(v)	{ .type = MIGC_BOOL, .b = (v) }
#define MIGC_INT_VALUE(v)	{ .type = MIGC_INT, .i = (v) }
#define MIGC_STR_VALUE(v)	{ .type = MIGC_STR, .s = (v) }

/**
 * struct migc_range - an inclusive range of %MIGC_INT values
 * @min: smallest value allowed
 * @max: largest value allowed; equal to @min for a single value
 */
struct migc_range {
	s64 min;
	s64 max;
};

/**
 * struct migc_param - description of one migration parameter
 * @name: ``[a-z0-9][a-z0-9-]*``, at most %MIGC_NAME_MAX bytes
 * @type: value type
 * @access: access class
 * @init_value: value of a new device (the newest behaviour)
 * @has_off: whether @off_value is set
 * @off_value: behaviour of implementations that predate the parameter;
 *	a description that leaves the parameter out means this value
 * @nr_allowed: number of entries in @ranges (%MIGC_INT) or @allowed
 *	(%MIGC_BOOL, %MIGC_STR); 0 means any value of the type
 * @allowed: allowed values of a %MIGC_BOOL or %MIGC_STR parameter
 * @ranges: allowed values of a %MIGC_INT parameter
 * @fixed: the type fixes the parameter to @init_value, its only allowed
 *	value (MIGC_PARAM_FIXED_INT() and _STR()); readonly, no @allowed or
 *	@ranges
 * @driver_compares: a device check does not require the source's value to
 *	equal the current one (rule 2); the driver's own check (rule 4)
 *	compares them, e.g. hardware where a newer generation can take the
 *	place of an older one, or a set whose spellings differ. An mdev
 *	driver with such a parameter must have a check() callback, or its
 *	parent does not register.
 */
struct migc_param {
	const char *name;
	enum migc_type type;
	enum migc_access access;
	struct migc_value init_value;
	bool has_off;
	struct migc_value off_value;
	unsigned int nr_allowed;
	const struct migc_value *allowed;
	const struct migc_range *ranges;
	bool fixed;
	bool driver_compares;
};

/**
 * struct migc_model - a device model and its parameters
 * @name: ``<domain>/<path>``, e.g. ``kernel.org/samples/mtty``
 * @params: parameter table
 * @nr_params: entries in @params, at most %MIGC_MAX_PARAMS
 */
struct migc_model {
	const char *name;
	const struct migc_param *params;
	unsigned int nr_params;
};

/**
 * struct migc_caps - capabilities of a device type
 * @models: models a device of the type can receive a migration from
 * @nr_models: entries in @models, at most %MIGC_MAX_MODELS
 */
struct migc_caps {
	const struct migc_model *models;
	unsigned int nr_models;
};

/*
 * A parameter fixed by the device type: readonly, its init_value is its
 * only allowed value. The mdev core answers for such a parameter itself
 * (migc_param_fixed()); the driver's get() never sees it.
 */
#define MIGC_PARAM_FIXED_INT(_name, _v) {				\
	.name = (_name), .type = MIGC_INT, .access = MIGC_READONLY,	\
	.init_value = MIGC_INT_VALUE(_v), .fixed = true,		\
}

#define MIGC_PARAM_FIXED_STR(_name, _s) {				\
	.name = (_name), .type = MIGC_STR, .access = MIGC_READONLY,	\
	.init_value = MIGC_STR_VALUE(_s), .fixed = true,		\
}

/**
 * migc_param_fixed() - is a parameter fixed by the device type?
 * @p: a parameter of a valid table
 *
 * Return: true if @p is readonly and allows one value only: its
 * init_value, which every device of the type then has. Either @p is
 * marked @fixed or its allowed values are that one value.
 */
static inline bool migc_param_fixed(const struct migc_param *p)
{
	if (p->fixed)
		return true;
	if (p->access != MIGC_READONLY || p->nr_allowed != 1)
		return false;
	return p->type != MIGC_INT || p->ranges[0].min == p->ranges[0].max;
}

/**
 * struct migc_desc_param - one parameter of a parsed description
 * @name: parameter name
 * @value: its value
 */
struct migc_desc_param {
	char name[MIGC_NAME_MAX + 1];
	struct migc_value value;
};

/**
 * struct migc_desc - a parsed description
 * @model: model name
 * @nr_params: entries used in @params
 * @params: parameters in document order; names are unique
 * @str_used: bytes used in @str
 * @str: storage of the string values pointed to from @params
 */
struct migc_desc {
	char model[MIGC_MODEL_MAX + 1];
	unsigned int nr_params;
	struct migc_desc_param params[MIGC_MAX_PARAMS];
	size_t str_used;
	char str[MIGC_DOC_MAX];
};

/**
 * enum migc_verdict - why a compatibility check failed
 * @MIGC_OK: compatible
 * @MIGC_MODEL_DIFFERS: rule 1, the models differ
 * @MIGC_PARAM_UNKNOWN: rule 2, the destination does not know the parameter
 * @MIGC_PARAM_TYPE: rule 2, the value has the wrong type (-EINVAL)
 * @MIGC_PARAM_NOT_ALLOWED: rule 2, the destination does not allow the value
 * @MIGC_PARAM_DIFFERS: rule 2, the destination's current value differs
 * @MIGC_PARAM_MISSING: rule 3, the parameter has no off_value and the
 *	source does not list it
 * @MIGC_PARAM_NOT_OFF: rule 3, the source leaves the parameter out but the
 *	destination is not (device check) or cannot be (type check) at its
 *	off_value
 * @MIGC_DRIVER_CHECK: rule 4, the driver's own check failed
 */
enum migc_verdict {
	MIGC_OK = 0,
	MIGC_MODEL_DIFFERS,
	MIGC_PARAM_UNKNOWN,
	MIGC_PARAM_TYPE,
	MIGC_PARAM_NOT_ALLOWED,
	MIGC_PARAM_DIFFERS,
	MIGC_PARAM_MISSING,
	MIGC_PARAM_NOT_OFF,
	MIGC_DRIVER_CHECK,
};

/* Room for one printed value in a reason, truncated with "..." */
#define MIGC_REASON_VALUE_MAX	48

/**
 * struct migc_reason - the human-readable reason of a failed check
 * @verdict: what failed
 * @param: parameter concerned, empty for rules 1 and 4
 * @src: source value (or model), printed as in JSON, possibly truncated;
 *	empty if the source does not list the parameter
 * @dst: destination value (or model, or allowed values), possibly
 *	truncated; empty if the destination does not know the parameter
 */
struct migc_reason {
	enum migc_verdict verdict;
	char param[MIGC_NAME_MAX + 1];
	char src[MIGC_REASON_VALUE_MAX];
	char dst[MIGC_REASON_VALUE_MAX];
};

/* For drivers: a parameter of their own tables, by name. */
const struct migc_param *migc_model_find(const struct migc_model *model,
					 const char *name);

/*
 * The rest of the engine is for the mdev core (drivers/vfio/mdev/), which
 * drivers reach through <linux/mdev_migration.h>.  It is built into
 * mdev.ko and exported only to KUnit tests (EXPORT_SYMBOL_IF_KUNIT(), a
 * test module needs MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")).
 */

/* Validation of names, values and tables. */
bool migc_name_valid(const char *name, size_t len);
bool migc_model_name_valid(const char *name, size_t len);
const char *migc_param_problem(const struct migc_param *p);
int migc_model_validate(const struct migc_model *model);
int migc_caps_validate(const struct migc_caps *caps);
bool migc_value_allowed(const struct migc_param *param,
			const struct migc_value *val);
bool migc_value_equal(const struct migc_value *a, const struct migc_value *b);

/* One value as in a migration/params/<name> file. */
int migc_value_parse(const struct migc_param *param, const char *buf,
		     size_t len, struct migc_value *val, char *sbuf,
		     size_t sbuf_size);
int migc_value_print(const struct migc_value *val, char *buf, size_t size);

/* Documents. */
int migc_desc_parse(const char *buf, size_t len, struct migc_desc *desc);
int migc_desc_print(const struct migc_model *model,
		    const struct migc_value *values, char *buf, size_t size);
int migc_caps_print(const struct migc_caps *caps, char *buf, size_t size);

/* The rules. */
int migc_check_type(const struct migc_caps *caps,
		    const struct migc_desc *src, struct migc_reason *why);
int migc_check_device(const struct migc_model *model,
		      const struct migc_value *values,
		      const struct migc_desc *src, struct migc_reason *why);
const char *migc_verdict_str(enum migc_verdict verdict);

#endif /* _LINUX_MIGCOMPAT_H */
