// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration compatibility of mediated devices: the sysfs attributes and
 * the helpers drivers call. The rules themselves live in migcompat_rules.c.
 *
 * Per type:   mdev_supported_types/<type>/migration_info.json
 * Per device: <device>/migration_info.json, <device>/migration/params/<name>
 *
 * Lifetime: a device's &struct mdev_migration is allocated by
 * mdev_migration_init() before device_add() and freed from the device's
 * release, so &mdev_device.migration never changes while anyone can reach
 * the device. migration_info.json is an attribute group of the device.
 * Attribute groups are one level deep, so migration/ is a kobject: the mdev
 * core adds it and its params/ group with the device's uevents held back,
 * then sends KOBJ_ADD (as device_add_disk() does for holders/ and slaves/),
 * and deletes it before device_del().
 *
 * Locking: &mdev_migration.lock serializes, for one device, every call of
 * the driver's snapshot/get/set/check callbacks and protects @bound,
 * @opened and @frozen. The sysfs files call the callbacks only while
 * @bound: from the bus's probe() until its remove() (mdev_migration_bind()
 * and _unbind()), so a file read on a device whose driver was unbound
 * through sysfs gets -ENODEV instead of reaching freed driver state. The
 * driver's own calls (a description for its stream, a check of an
 * incoming one) work until its remove() returns. A description
 * is read in one critical section, after one call of the driver's
 * snapshot(), so it is a consistent snapshot.
 */

#include <kunit/visibility.h>
#include <linux/error-injection.h>
#include <linux/mdev.h>
#include <linux/mdev_migration.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>

#include "mdev_private.h"
#include "mdev_migration_priv.h"

/**
 * struct mdev_mig_attr - one migration/params/<name> file
 * @kattr: the sysfs attribute
 * @param: the parameter it shows
 * @mdev: the device it belongs to
 */
struct mdev_mig_attr {
	struct kobj_attribute kattr;
	const struct migc_param *param;
	struct mdev_device *mdev;
};

/**
 * struct mdev_migration - migration state of one mdev device
 * @lock: serializes the driver callbacks; protects @bound, @opened, @frozen
 * @bound: the driver is bound: its callbacks may be called
 * @opened: the device was opened once; create parameters are fixed
 * @frozen: a migration is in progress; runtime parameters are fixed
 * @model: the device's model, the one model of its type
 * @ops: the driver's callbacks
 * @kobj: the migration/ folder, while the device is in sysfs
 * @params: the migration/params/ group
 * @attrs: one attribute per parameter of @model
 * @config: the state of the config-only migration (mdev_migration_config.c),
 *	made on first use; set once, then constant until freed
 */
struct mdev_migration {
	struct mutex lock;	/* see the locking note at the top */
	bool bound;
	bool opened;
	bool frozen;
	const struct migc_model *model;
	const struct mdev_migration_ops *ops;
	struct kobject *kobj;
	struct attribute_group params;
	struct mdev_mig_attr *attrs;
	struct mdev_migration_config *config;
};

/*
 * A snapshot of a device's parameter values, in model order, and copies
 * of its string values in @str. A string prints as at least its own bytes
 * plus two quotes, so the strings of any description that fits a page fit
 * @str too. The predecessor check uses @str for the description its values
 * print as instead: they are the driver's, no copies.
 */
struct mdev_mig_values {
	struct migc_value v[MIGC_MAX_PARAMS];
	size_t used;
	char str[MIGC_DOC_MAX];
};

bool mdev_migration_supported(struct mdev_type *mtype)
{
	return mtype->parent->mdev_driver->migration && mtype->migration_caps &&
	       !READ_ONCE(mtype->migration_withdrawn);
}

/*
 * Lock @mig for calls into the driver. A sysfs file (@from_file) may be
 * used while no driver is bound: -ENODEV then. The driver's own calls
 * need no such check: it exists while it calls.
 */
static int mdev_mig_lock(struct mdev_migration *mig, bool from_file)
{
	mutex_lock(&mig->lock);
	if (mig->bound || !from_file)
		return 0;
	mutex_unlock(&mig->lock);
	return -ENODEV;
}

static int mdev_mig_verdict_rule(enum migc_verdict verdict)
{
	switch (verdict) {
	case MIGC_MODEL_DIFFERS:
		return 1;
	case MIGC_PARAM_MISSING:
	case MIGC_PARAM_NOT_OFF:
		return 3;
	case MIGC_DRIVER_CHECK:
		return 4;
	default:
		return 2;
	}
}

/* A side of a reason that has no value: the parameter is not there. */
static const char *mdev_mig_why_side(const char *s)
{
	return s[0] ? s : "(absent)";
}

/*
 * One ratelimited line per check refused as incompatible (-EPROTO):
 * object, rule, parameter if one is concerned, values. Malformed input
 * (-EINVAL) is not logged: the errno says it all.
 */
static void mdev_mig_log_reason(struct device *dev, const char *type_name,
				const struct migc_reason *why)
{
	const char *what = migc_verdict_str(why->verdict);
	int rule = mdev_mig_verdict_rule(why->verdict);
	char param[MIGC_NAME_MAX + 16] = "";

	if (why->param[0])
		snprintf(param, sizeof(param), ": parameter '%s'", why->param);
	if (dev)
		dev_notice_ratelimited(dev, "migration check failed: rule %d, %s%s: source %s, destination %s\n",
				       rule, what, param,
				       mdev_mig_why_side(why->src),
				       mdev_mig_why_side(why->dst));
	else
		pr_notice_ratelimited("mdev type %s: migration check failed: rule %d, %s%s: source %s, destination %s\n",
				      type_name, rule, what, param,
				      mdev_mig_why_side(why->src),
				      mdev_mig_why_side(why->dst));
}

static struct migc_desc *mdev_mig_parse_desc(const char *buf, size_t len)
{
	struct migc_desc *desc;
	int ret;

	desc = kvmalloc_obj(*desc);
	if (!desc)
		return ERR_PTR(-ENOMEM);
	ret = migc_desc_parse(buf, len, desc);
	if (ret) {
		kvfree(desc);
		return ERR_PTR(ret);
	}
	return desc;
}

ssize_t mdev_migration_type_show(struct mdev_type *mtype, char *buf)
{
	int ret = migc_caps_print(mtype->migration_caps, buf, PAGE_SIZE);

	return ret < 0 ? -EFBIG : ret;
}

ssize_t mdev_migration_type_store(struct mdev_type *mtype, const char *buf,
				  size_t count)
{
	const struct mdev_migration_ops *ops =
		mtype->parent->mdev_driver->migration;
	struct migc_reason why = {};
	struct migc_desc *src;
	int ret;

	src = mdev_mig_parse_desc(buf, count);
	if (IS_ERR(src))
		return PTR_ERR(src);

	ret = migc_check_type(mtype->migration_caps, src, &why);
	if (!ret && ops->type_check) {
		ret = ops->type_check(mtype, src, &why);
		if (ret)
			why.verdict = MIGC_DRIVER_CHECK;
	}
	if (ret == -EPROTO)
		mdev_mig_log_reason(NULL, kobject_name(&mtype->kobj), &why);
	kvfree(src);
	return ret ? ret : count;
}

static struct mdev_mig_values *mdev_mig_alloc_values(void)
{
	return kmalloc_obj(struct mdev_mig_values);
}

/* Let the driver capture its state for the get() calls that follow. */
static int mdev_mig_snapshot(struct mdev_device *mdev)
{
	struct mdev_migration *mig = mdev->migration;

	lockdep_assert_held(&mig->lock);
	return mig->ops->snapshot ? mig->ops->snapshot(mdev) : 0;
}

/*
 * The current value of @p: a parameter fixed by the type is its
 * init_value, any other the driver's get() gives. Caller holds mig->lock.
 */
static int mdev_mig_get(struct mdev_device *mdev, const struct migc_param *p,
			struct migc_value *v)
{
	struct mdev_migration *mig = mdev->migration;

	lockdep_assert_held(&mig->lock);
	if (migc_param_fixed(p)) {
		*v = p->init_value;
		return 0;
	}
	return mig->ops->get(mdev, p - mig->model->params, v);
}

/* Keep a copy of string @v in @vals; -E2BIG if no description could. */
static int mdev_mig_keep_str(struct mdev_mig_values *vals,
			     struct migc_value *v)
{
	size_t n = strnlen(v->s, MIGC_STR_MAX + 1) + 1;

	if (WARN_ON_ONCE(n > MIGC_STR_MAX + 1))
		return -EIO;
	if (n > sizeof(vals->str) - vals->used)
		return -E2BIG;
	memcpy(vals->str + vals->used, v->s, n);
	v->s = vals->str + vals->used;
	vals->used += n;
	return 0;
}

/* Read every parameter from one snapshot; caller holds mig->lock. */
static int mdev_mig_read_values(struct mdev_device *mdev,
				struct mdev_mig_values *vals)
{
	struct mdev_migration *mig = mdev->migration;
	const struct migc_model *model = mig->model;
	unsigned int i;
	int ret;

	lockdep_assert_held(&mig->lock);
	ret = mdev_mig_snapshot(mdev);
	if (ret)
		return ret;
	vals->used = 0;
	for (i = 0; i < model->nr_params; i++) {
		const struct migc_param *p = &model->params[i];
		struct migc_value *v = &vals->v[i];

		ret = mdev_mig_get(mdev, p, v);
		if (ret)
			return ret;
		if (WARN_ON_ONCE(v->type != p->type))
			return -EIO;
		if (p->type == MIGC_STR) {
			ret = mdev_mig_keep_str(vals, v);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* A description; see mdev_migration_describe() */
static int mdev_mig_describe(struct mdev_device *mdev, char *buf,
			     size_t size, bool from_file)
{
	struct mdev_migration *mig = mdev->migration;
	struct mdev_mig_values *vals;
	int ret;

	if (!mig)
		return -ENODEV;
	vals = mdev_mig_alloc_values();
	if (!vals)
		return -ENOMEM;
	ret = mdev_mig_lock(mig, from_file);
	if (!ret) {
		ret = mdev_mig_read_values(mdev, vals);
		mutex_unlock(&mig->lock);
	}
	if (!ret)
		ret = migc_desc_print(mig->model, vals->v, buf, size);
	kfree(vals);
	return ret;
}

/**
 * mdev_migration_describe - print the description of a device
 * @mdev: the device
 * @buf: where to print it
 * @size: room in @buf
 *
 * The description is one consistent snapshot of the device's parameters,
 * printed as in its migration_info.json file, newline included. A driver
 * puts it at the start of its migration stream; it may call this until
 * its remove() returns.
 *
 * Return: the length printed, -E2BIG if @buf is too small, -ENODEV if the
 * device does not support migration, or the error of the driver's get().
 */
int mdev_migration_describe(struct mdev_device *mdev, char *buf, size_t size)
{
	return mdev_mig_describe(mdev, buf, size, false);
}
EXPORT_SYMBOL_GPL(mdev_migration_describe);

/*
 * The names of the parameters that @src leaves out and whose current value
 * is not their off_value, comma-separated in @buf: what keeps a device
 * from taking a stream whose format cannot express them.
 */
static void mdev_mig_not_off(const struct migc_model *model,
			     const struct migc_value *values,
			     const struct migc_desc *src, char *buf,
			     size_t size)
{
	unsigned int i, j;
	size_t used = 0;

	buf[0] = '\0';
	for (i = 0; i < model->nr_params; i++) {
		const struct migc_param *p = &model->params[i];

		for (j = 0; j < src->nr_params; j++)
			if (!strcmp(src->params[j].name, p->name))
				break;
		if (j < src->nr_params || !p->has_off ||
		    migc_value_equal(&values[i], &p->off_value))
			continue;
		used += scnprintf(buf + used, size - used, "%s%s",
				  used ? ", " : "", p->name);
	}
}

/*
 * Rules 1-3 against the current values, then the driver's rule 4. @not_off
 * (if not NULL) is always a string: on a refusal as incompatible, what
 * mdev_mig_not_off() finds, else empty.
 */
VISIBLE_IF_KUNIT int
mdev_migration_check_device(struct mdev_device *mdev,
			    const struct migc_desc *src,
			    struct migc_reason *why, bool from_file,
			    char *not_off, size_t size)
{
	struct mdev_migration *mig = mdev->migration;
	struct mdev_mig_values *vals;
	int ret;

	if (not_off)
		not_off[0] = '\0';
	vals = mdev_mig_alloc_values();
	if (!vals)
		return -ENOMEM;
	ret = mdev_mig_lock(mig, from_file);
	if (ret)
		goto out;
	ret = mdev_mig_read_values(mdev, vals);
	if (!ret)
		ret = migc_check_device(mig->model, vals->v, src, why);
	if (!ret && mig->ops->check) {
		ret = mig->ops->check(mdev, src, why);
		if (ret)
			why->verdict = MIGC_DRIVER_CHECK;
	}
	if (ret == -EPROTO && not_off)
		mdev_mig_not_off(mig->model, vals->v, src, not_off, size);
	mutex_unlock(&mig->lock);
out:
	kfree(vals);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_check_device);

/* A device check; see mdev_migration_check() */
static int mdev_mig_check(struct mdev_device *mdev, const char *buf,
			  size_t len, bool from_file)
{
	struct migc_reason why = {};
	struct migc_desc *src;
	int ret;

	if (!mdev->migration)
		return -ENODEV;
	src = mdev_mig_parse_desc(buf, len);
	if (IS_ERR(src))
		return PTR_ERR(src);
	ret = mdev_migration_check_device(mdev, src, &why, from_file, NULL, 0);
	if (ret == -EPROTO)
		mdev_mig_log_reason(mdev_dev(mdev), NULL, &why);
	kvfree(src);
	return ret;
}

/**
 * mdev_migration_check - can a device accept a migration from a source?
 * @mdev: the destination device
 * @buf: the source device's description
 * @len: its length
 *
 * Runs the same device check as a write to the device's
 * migration_info.json: the generic rules against the device's current
 * values, then the driver's own check. A failure is logged (ratelimited).
 * A driver calls this on the description at the start of an incoming
 * migration stream, before it accepts any device state.
 *
 * Return: 0 if compatible, -EINVAL if @buf is malformed, -EPROTO if the
 * source is incompatible, -ENODEV if @mdev does not support migration.
 */
int mdev_migration_check(struct mdev_device *mdev, const char *buf,
			 size_t len)
{
	return mdev_mig_check(mdev, buf, len, false);
}
EXPORT_SYMBOL_GPL(mdev_migration_check);

/* The length of the driver's predecessor header, 0 if it has none. */
size_t mdev_migration_predecessor_len(struct mdev_device *mdev)
{
	struct mdev_migration *mig = mdev->migration;

	return mig && mig->ops->predecessor ? mig->ops->predecessor_len : 0;
}

/**
 * mdev_migration_check_predecessor - can a device take its predecessor's
 *	stream?
 * @mdev: the destination device
 * @hdr: the first &mdev_migration_ops.predecessor_len bytes of the stream
 * @len: their length
 *
 * The driver says which values the stream implies for the parameters the
 * old format expresses; the others are at their off values. The device
 * check runs on the description of those values, so a device takes the
 * stream only if its own parameters the old format cannot express are at
 * their off values. A refusal is logged.
 *
 * Return: 0 if the device can take the stream, -EPROTO if not (or if it
 * is no stream of the predecessor), -ENOMEM.
 */
int mdev_migration_check_predecessor(struct mdev_device *mdev,
				     const void *hdr, size_t len)
{
	struct mdev_migration *mig = mdev->migration;
	const struct migc_model *model = mig->model;
	struct migc_reason why = {};
	struct mdev_mig_values *vals;
	struct migc_desc *src;
	char not_off[128];
	unsigned int i;
	int ret;

	vals = mdev_mig_alloc_values();
	src = kvzalloc_obj(*src);
	ret = vals && src ? 0 : -ENOMEM;
	if (ret)
		goto out;
	memset(vals->v, 0, sizeof(vals->v));
	for (i = 0; i < model->nr_params; i++)
		if (model->params[i].has_off)
			vals->v[i] = model->params[i].off_value;
	if (mig->ops->predecessor(mdev, hdr, len, vals->v)) {
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration stream: no description, and no stream of the predecessor\n");
		ret = -EPROTO;
		goto out;
	}
	/* The description of the implied values, as the engine prints it */
	ret = migc_desc_print(model, vals->v, vals->str, sizeof(vals->str));
	if (ret >= 0)
		ret = migc_desc_parse(vals->str, ret, src);
	if (ret < 0) {
		dev_warn_ratelimited(mdev_dev(mdev),
				     "migration stream: the driver implied no valid description of the predecessor's stream (%d)\n",
				     ret);
		ret = -EPROTO;
		goto out;
	}
	ret = mdev_migration_check_device(mdev, src, &why, false, not_off,
					  sizeof(not_off));
	if (ret == -EINVAL)
		ret = -EPROTO;	/* nothing malformed can reach this device */
	if (ret == -EPROTO && not_off[0])
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration stream: a stream of the predecessor, which cannot express what is not at its off value here: %s\n",
				       not_off);
	else if (ret == -EPROTO)
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration stream: a stream of the predecessor, refused\n");
	if (ret == -EPROTO)
		mdev_mig_log_reason(mdev_dev(mdev), NULL, &why);
out:
	kvfree(src);
	kfree(vals);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_check_predecessor);

/**
 * mdev_migration_stream_predecessor - does a device send its predecessor's
 *	stream?
 * @mdev: the source device
 *
 * A driver whose model has a predecessor (&mdev_migration_ops.predecessor)
 * calls this when the device leaves RUNNING for a migration state, after
 * mdev_migration_freeze(). If every parameter with an off_value is at it,
 * the device behaves as the predecessor did, and it sends the predecessor's
 * stream byte for byte, without a description, so that an unmodified
 * older destination accepts it. The parameters without an off_value must
 * be ones the old format expresses.
 *
 * Return: 1 if the device sends its predecessor's stream, 0 if it sends a
 * description first (or has no predecessor), or a negative errno.
 */
int mdev_migration_stream_predecessor(struct mdev_device *mdev)
{
	struct mdev_migration *mig = mdev->migration;
	struct mdev_mig_values *vals;
	unsigned int i;
	int ret;

	if (!mig || !mig->ops->predecessor)
		return 0;
	vals = mdev_mig_alloc_values();
	if (!vals)
		return -ENOMEM;
	mutex_lock(&mig->lock);
	ret = mdev_mig_read_values(mdev, vals);
	mutex_unlock(&mig->lock);
	for (i = 0; !ret && i < mig->model->nr_params; i++) {
		const struct migc_param *p = &mig->model->params[i];

		if (p->has_off && !migc_value_equal(&vals->v[i], &p->off_value))
			break;
	}
	if (!ret)
		ret = i == mig->model->nr_params;
	kfree(vals);
	return ret;
}
EXPORT_SYMBOL_GPL(mdev_migration_stream_predecessor);

/**
 * mdev_migration_opened - note that a device was opened
 * @mdev: the device
 *
 * Call from the driver's open_device(). From then on the device's
 * %MIGC_CREATE parameters can only be written with their current value
 * (another value is -EBUSY), even after the device is closed again: the
 * guest has seen them.
 */
void mdev_migration_opened(struct mdev_device *mdev)
{
	struct mdev_migration *mig = mdev->migration;

	if (!mig)
		return;
	mutex_lock(&mig->lock);
	mig->opened = true;
	mutex_unlock(&mig->lock);
}
EXPORT_SYMBOL_GPL(mdev_migration_opened);

/**
 * mdev_migration_freeze - fix or release the runtime parameters
 * @mdev: the device
 * @frozen: true when the device leaves RUNNING for a migration state,
 *	false when it is back in RUNNING
 *
 * While frozen, writes of another value to the device's %MIGC_RUNTIME
 * parameters fail with -EBUSY, so the values a driver reads while it
 * produces or consumes a migration stream cannot change under it.
 */
void mdev_migration_freeze(struct mdev_device *mdev, bool frozen)
{
	struct mdev_migration *mig = mdev->migration;

	if (!mig)
		return;
	mutex_lock(&mig->lock);
	mig->frozen = frozen;
	mutex_unlock(&mig->lock);
}
EXPORT_SYMBOL_GPL(mdev_migration_freeze);

/* The driver's block of a config-only stream, or NULL */
const struct mdev_migration_config_block *
mdev_migration_config_block(struct mdev_device *mdev)
{
	return mdev->migration ? mdev->migration->ops->config_block : NULL;
}

/**
 * mdev_migration_model - the model a device implements
 * @mdev: the device
 *
 * Return: the model, or NULL if the device does not support migration.
 */
const struct migc_model *mdev_migration_model(struct mdev_device *mdev)
{
	return mdev->migration ? mdev->migration->model : NULL;
}
EXPORT_SYMBOL_GPL(mdev_migration_model);

/**
 * mdev_migration_config_of - the config-only migration state of a device
 * @mdev: the device
 *
 * Does not sleep.
 *
 * Return: the state, or NULL if the device does not support migration or
 * its driver has not used the config-only migration yet.
 */
struct mdev_migration_config *mdev_migration_config_of(struct mdev_device *mdev)
{
	/* Pairs with the cmpxchg() in mdev_migration_config_get(). */
	return mdev->migration ? smp_load_acquire(&mdev->migration->config) :
				 NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_config_of);

/**
 * mdev_migration_config_get - the config-only migration state, made on
 *	first use
 * @mdev: the device
 *
 * Only the devices whose driver uses the config-only migration get its
 * state: its ops and hold() make it on their first call. May sleep.
 *
 * Return: the state, NULL if the device does not support migration, or
 * ERR_PTR(-ENOMEM).
 */
struct mdev_migration_config *mdev_migration_config_get(struct mdev_device *mdev)
{
	struct mdev_migration_config *cfg, *old;

	cfg = mdev_migration_config_of(mdev);
	if (cfg || !mdev->migration)
		return cfg;
	cfg = mdev_migration_config_alloc();
	if (!cfg)
		return ERR_PTR(-ENOMEM);
	old = cmpxchg(&mdev->migration->config, NULL, cfg);
	if (old) {
		mdev_migration_config_free(cfg);
		cfg = old;
	}
	return cfg;
}

/*
 * <device>/migration_info.json: an attribute group of every mdev device.
 *
 * The show() callbacks here print with the engine's printer, which is
 * given the page and PAGE_SIZE and, as sysfs_emit() does, never writes
 * past them (-E2BIG, returned as -EFBIG, if a document would not fit).
 * sysfs_emit() takes a format string; a JSON document built from tables
 * is not one.
 */

static ssize_t migration_info_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	int ret = mdev_mig_describe(to_mdev_device(dev), buf, PAGE_SIZE, true);

	return ret == -E2BIG ? -EFBIG : ret;
}

static ssize_t migration_info_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	int ret = mdev_mig_check(to_mdev_device(dev), buf, count, true);

	return ret ? ret : count;
}

/* The file name has a dot, so DEVICE_ATTR_RW() cannot spell it. */
static struct device_attribute dev_attr_migration_info =
	__ATTR(migration_info.json, 0644, migration_info_show,
	       migration_info_store);

static struct attribute *mdev_mig_dev_attrs[] = {
	&dev_attr_migration_info.attr,
	NULL,
};

static umode_t mdev_mig_dev_visible(struct kobject *kobj,
				    struct attribute *attr, int n)
{
	return to_mdev_device(kobj_to_dev(kobj))->migration ? attr->mode : 0;
}

const struct attribute_group mdev_migration_dev_group = {
	.attrs = mdev_mig_dev_attrs,
	.is_visible = mdev_mig_dev_visible,
};

/* <device>/migration/params/<name> */

/**
 * mdev_migration_param_show - read one parameter as its params file does
 * @mdev: the device
 * @p: one of its model's parameters
 * @buf: a page
 *
 * Return: the length of the value and its newline, or -errno.
 */
VISIBLE_IF_KUNIT ssize_t mdev_migration_param_show(struct mdev_device *mdev,
						   const struct migc_param *p,
						   char *buf)
{
	struct mdev_migration *mig = mdev->migration;
	struct migc_value v;
	int ret;

	ret = mdev_mig_lock(mig, true);
	if (ret)
		return ret;
	ret = mdev_mig_snapshot(mdev);
	if (!ret)
		ret = mdev_mig_get(mdev, p, &v);
	if (!ret)
		ret = migc_value_print(&v, buf, PAGE_SIZE - 1);
	mutex_unlock(&mig->lock);
	if (ret < 0)
		return ret == -E2BIG ? -EFBIG : ret;
	buf[ret++] = '\n';
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_param_show);

/*
 * May @p change to another value now? A readonly parameter never does
 * (this device cannot be that), a create one not after the first open, a
 * runtime one not while frozen. Caller holds mig->lock.
 */
static int mdev_mig_param_changeable(struct mdev_migration *mig,
				     const struct migc_param *p)
{
	lockdep_assert_held(&mig->lock);
	switch (p->access) {
	case MIGC_CREATE:
		return mig->opened ? -EBUSY : 0;
	case MIGC_RUNTIME:
		return mig->frozen ? -EBUSY : 0;
	default:
		return -EPROTO;
	}
}

/*
 * Is @v the current value of @p? Writes are idempotent: writing the
 * current value succeeds whatever the access class and state, so a
 * device can be configured from a source's description (readonly
 * parameters included) in one loop. Caller holds mig->lock.
 */
static int mdev_mig_param_is_current(struct mdev_device *mdev,
				     const struct migc_param *p,
				     const struct migc_value *v)
{
	struct mdev_migration *mig = mdev->migration;
	struct migc_value cur;
	int ret;

	lockdep_assert_held(&mig->lock);
	ret = mdev_mig_snapshot(mdev);
	if (!ret)
		ret = mdev_mig_get(mdev, p, &cur);
	if (ret)
		return ret;
	return migc_value_equal(&cur, v);
}

/*
 * The new value must leave the device's description within MIGC_DOC_MAX:
 * in a string a quote prints as two bytes and a control character as six,
 * and an int can grow by 19 digits. Caller holds mig->lock.
 */
static int mdev_mig_desc_fits(struct mdev_device *mdev,
			      const struct migc_param *p,
			      const struct migc_value *v)
{
	struct mdev_migration *mig = mdev->migration;
	struct mdev_mig_values *vals;
	char *doc;
	int ret;

	lockdep_assert_held(&mig->lock);
	vals = mdev_mig_alloc_values();
	doc = kmalloc(MIGC_DOC_MAX, GFP_KERNEL);
	ret = vals && doc ? mdev_mig_read_values(mdev, vals) : -ENOMEM;
	if (!ret) {
		vals->v[p - mig->model->params] = *v;
		ret = migc_desc_print(mig->model, vals->v, doc, MIGC_DOC_MAX);
	}
	ret = ret == -E2BIG ? -EINVAL : min(ret, 0);
	kfree(doc);
	kfree(vals);
	return ret;
}

/* Apply @v to @p unless it is the current value. Caller holds mig->lock. */
static int mdev_mig_param_apply(struct mdev_device *mdev,
				const struct migc_param *p,
				const struct migc_value *v)
{
	struct mdev_migration *mig = mdev->migration;
	int ret;

	lockdep_assert_held(&mig->lock);
	ret = mdev_mig_param_is_current(mdev, p, v);
	if (ret)
		return ret < 0 ? ret : 0;
	ret = mdev_mig_param_changeable(mig, p);
	if (ret == -EPROTO)
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration parameter '%s' is readonly: only its current value can be written\n",
				       p->name);
	if (!ret)
		ret = mdev_mig_desc_fits(mdev, p, v);
	if (!ret)
		ret = mig->ops->set(mdev, p - mig->model->params, v);
	return ret;
}

/**
 * mdev_migration_param_store - write one parameter as its params file does
 * @mdev: the device
 * @p: one of its model's parameters
 * @buf: the value written
 * @count: its length
 *
 * Return: @count, or -EINVAL (malformed), -EPROTO (not allowed, or another
 * value of a readonly parameter), -EBUSY (not writable now), -ENODEV.
 */
VISIBLE_IF_KUNIT ssize_t mdev_migration_param_store(struct mdev_device *mdev,
						    const struct migc_param *p,
						    const char *buf,
						    size_t count)
{
	struct mdev_migration *mig = mdev->migration;
	struct migc_value v;
	char *sbuf = NULL;
	int ret;

	if (p->type == MIGC_STR) {
		sbuf = kmalloc(MIGC_STR_MAX + 1, GFP_KERNEL);
		if (!sbuf)
			return -ENOMEM;
	}
	ret = migc_value_parse(p, buf, count, &v, sbuf, MIGC_STR_MAX + 1);
	if (ret)
		goto out;
	if (!migc_value_allowed(p, &v)) {
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration parameter '%s': value not allowed\n",
				       p->name);
		ret = -EPROTO;
		goto out;
	}
	ret = mdev_mig_lock(mig, true);
	if (ret)
		goto out;
	ret = mdev_mig_param_apply(mdev, p, &v);
	mutex_unlock(&mig->lock);
out:
	kfree(sbuf);
	return ret ? ret : count;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_param_store);

static ssize_t mdev_mig_param_kshow(struct kobject *kobj,
				    struct kobj_attribute *kattr, char *buf)
{
	struct mdev_mig_attr *a =
		container_of(kattr, struct mdev_mig_attr, kattr);

	return mdev_migration_param_show(a->mdev, a->param, buf);
}

static ssize_t mdev_mig_param_kstore(struct kobject *kobj,
				     struct kobj_attribute *kattr,
				     const char *buf, size_t count)
{
	struct mdev_mig_attr *a =
		container_of(kattr, struct mdev_mig_attr, kattr);

	return mdev_migration_param_store(a->mdev, a->param, buf, count);
}

/* The params/ group: one attribute per parameter, not yet in sysfs. */
static int mdev_mig_init_params(struct mdev_device *mdev,
				struct mdev_migration *mig)
{
	const struct migc_model *model = mig->model;
	struct attribute **list;
	unsigned int i;

	mig->attrs = kcalloc(model->nr_params, sizeof(*mig->attrs),
			     GFP_KERNEL);
	list = kcalloc(model->nr_params + 1, sizeof(*list), GFP_KERNEL);
	if (!mig->attrs || !list) {
		kfree(list);
		kfree(mig->attrs);
		return -ENOMEM;
	}
	for (i = 0; i < model->nr_params; i++) {
		struct mdev_mig_attr *a = &mig->attrs[i];
		const struct migc_param *p = &model->params[i];

		sysfs_attr_init(&a->kattr.attr);
		a->kattr.attr.name = p->name;
		a->kattr.attr.mode = 0644;	/* writes are idempotent */
		a->kattr.show = mdev_mig_param_kshow;
		a->kattr.store = mdev_mig_param_kstore;
		a->param = p;
		a->mdev = mdev;
		list[i] = &a->kattr.attr;
	}
	mig->params.name = "params";
	mig->params.attrs = list;
	return 0;
}

/**
 * mdev_migration_init - allocate a device's migration state
 * @mdev: a device not yet added: its type is set, nothing else is visible
 *
 * Called before device_add(), so the state exists before the device can
 * be found, bound or opened; freed by mdev_migration_free() from the
 * device's release.
 *
 * Return: 0 (also when the type does not support migration) or -ENOMEM.
 */
int mdev_migration_init(struct mdev_device *mdev)
{
	struct mdev_type *mtype = mdev->type;
	struct mdev_migration *mig;
	int ret;

	if (!mdev_migration_supported(mtype))
		return 0;
	mig = kzalloc_obj(*mig);
	if (!mig)
		return -ENOMEM;
	mutex_init(&mig->lock);
	mig->model = &mtype->migration_caps->models[0];
	mig->ops = mtype->parent->mdev_driver->migration;
	ret = mdev_mig_init_params(mdev, mig);
	if (ret) {
		mutex_destroy(&mig->lock);
		kfree(mig);
		return ret;
	}
	mdev->migration = mig;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_init);

/**
 * mdev_migration_free - free a device's migration state
 * @mdev: the device, being released
 *
 * The driver may call mdev_migration_freeze() and friends until it is
 * unbound, after the files are gone, so the state lives until the device
 * itself is released.
 */
void mdev_migration_free(struct mdev_device *mdev)
{
	struct mdev_migration *mig = mdev->migration;

	if (!mig)
		return;
	WARN_ON_ONCE(mig->kobj);
	mdev_migration_config_free(mig->config);
	kfree(mig->params.attrs);
	kfree(mig->attrs);
	mutex_destroy(&mig->lock);
	kfree(mig);
	mdev->migration = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_free);

/**
 * mdev_migration_add_dir - add migration/params/ under an added device
 * @mdev: the device, added with its uevents suppressed
 *
 * The caller sends KOBJ_ADD afterwards, so the files are there when udev
 * and mdevctl see the device.
 *
 * Return: 0 (also when the type does not support migration) or -errno.
 */
int mdev_migration_add_dir(struct mdev_device *mdev)
{
	struct mdev_migration *mig = mdev->migration;
	int ret;

	if (!mig)
		return 0;
	mig->kobj = kobject_create_and_add("migration", &mdev->dev.kobj);
	if (!mig->kobj)
		return -ENOMEM;
	ret = sysfs_create_group(mig->kobj, &mig->params);
	if (ret)
		mdev_migration_del_dir(mdev);
	return ret;
}

/* The create path's error handling is tested with fail_function */
ALLOW_ERROR_INJECTION(mdev_migration_add_dir, ERRNO);

/**
 * mdev_migration_del_dir - remove migration/ before the device is deleted
 * @mdev: the device
 *
 * Waits for running show() and store() calls. Safe to call twice.
 */
void mdev_migration_del_dir(struct mdev_device *mdev)
{
	struct mdev_migration *mig = mdev->migration;

	if (!mig || !mig->kobj)
		return;
	kobject_del(mig->kobj);
	kobject_put(mig->kobj);
	mig->kobj = NULL;
}

/* The VFIO core's device of a VFIO driver's device, its child. */
static int mdev_mig_match_vfio(struct device *dev, const void *data)
{
	return dev->class && !strcmp(dev->class->name, "vfio-dev");
}

/* Can the VFIO device that the driver's probe() registered migrate? */
static bool mdev_mig_vfio_migrates(struct mdev_device *mdev)
{
	struct vfio_device *vdev;
	struct device *child;
	bool ret;

	child = device_find_child(&mdev->dev, NULL, mdev_mig_match_vfio);
	if (!child)
		return false;
	vdev = container_of(child, struct vfio_device, device);
	ret = vdev->mig_ops &&
	      (vdev->migration_flags & VFIO_MIGRATION_STOP_COPY);
	put_device(child);
	return ret;
}

/**
 * mdev_migration_check_vfio - does a bound device keep its migration files?
 * @mdev: the device, whose driver's probe() just succeeded
 *
 * A type's migration_info.json says that its devices can migrate. If the
 * VFIO device the driver registered in probe() has no migration support,
 * that is not so: warn, remove the device's migration files, and the
 * type's, and create later devices of the type without them. Drivers
 * whose types can migrate only on some hardware set
 * &mdev_type.migration_caps only for those.
 */
void mdev_migration_check_vfio(struct mdev_device *mdev)
{
	struct mdev_type *mtype = mdev->type;

	if (!mdev->migration || mdev_mig_vfio_migrates(mdev))
		return;
	dev_warn(&mdev->dev, "type %s declares migration compatibility, but its VFIO device cannot migrate: no migration files\n",
		 mtype->sysfs_name);
	sysfs_remove_file(&mdev->dev.kobj, &dev_attr_migration_info.attr);
	mdev_migration_del_dir(mdev);
	if (!READ_ONCE(mtype->migration_withdrawn)) {
		WRITE_ONCE(mtype->migration_withdrawn, true);
		mdev_type_remove_migration_file(mtype);
	}
}

/**
 * mdev_migration_bind - a driver was bound: its callbacks may be called
 * @mdev: the device
 *
 * Called after the driver's probe(), which may already have registered
 * its VFIO device: an open in between has called mdev_migration_opened(),
 * and that stays. The device counts as not opened and not migrating from
 * its creation and again after mdev_migration_unbind(): a new driver
 * instance starts with fresh parameter values.
 */
void mdev_migration_bind(struct mdev_device *mdev)
{
	struct mdev_migration *mig = mdev->migration;

	if (!mig)
		return;
	mutex_lock(&mig->lock);
	mig->bound = true;
	mutex_unlock(&mig->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_bind);

/**
 * mdev_migration_unbind - the driver is about to be unbound
 * @mdev: the device
 *
 * Waits for a running callback; later file accesses get -ENODEV. The
 * driver instance ends: a driver bound later starts as never opened and
 * not migrating.
 */
void mdev_migration_unbind(struct mdev_device *mdev)
{
	struct mdev_migration *mig = mdev->migration;

	if (!mig)
		return;
	mutex_lock(&mig->lock);
	mig->bound = false;
	mig->opened = false;
	mig->frozen = false;
	mutex_unlock(&mig->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_unbind);

/*
 * What keeps one parameter of a model from being published: an invalid
 * entry (the engine's verdict), or a readonly parameter that allows any
 * value and that no check() of the driver compares, which a type check
 * would then accept with any value at all.
 */
static const char *mdev_mig_param_problem(const struct migc_param *p)
{
	const char *why = migc_param_problem(p);

	if (!why && p->access == MIGC_READONLY && !p->nr_allowed &&
	    !p->fixed && !p->driver_compares)
		why = "is readonly without allowed_values: a type check would accept any value";
	return why;
}

/* What keeps a type's table from being published, or NULL. */
static const char *mdev_mig_caps_problem(const struct migc_caps *caps,
					 const struct mdev_migration_ops *ops,
					 const char **param)
{
	const struct migc_model *model = caps->models;
	bool get = false, set = false, check = false;
	unsigned int i;

	/* A device implements its type's one model. */
	if (!model || caps->nr_models != 1)
		return "does not have exactly one model";
	if (model->nr_params > MIGC_MAX_PARAMS ||
	    (model->nr_params && !model->params))
		return "has a malformed parameter table";
	for (i = 0; i < model->nr_params; i++) {
		const struct migc_param *p = &model->params[i];
		const char *why = mdev_mig_param_problem(p);

		if (why) {
			*param = p->name ?: "";
			return why;
		}
		get |= !migc_param_fixed(p);
		set |= p->access != MIGC_READONLY;
		check |= p->driver_compares;
	}
	if (migc_caps_validate(caps))
		return "has an invalid model name or a parameter name twice";
	if (get && !ops->get)
		return "has parameters not fixed by the type, and the driver no get()";
	if (set && !ops->set)
		return "has writable parameters, and the driver no set()";
	if (check && !ops->check)
		return "has driver_compares parameters, and the driver no check()";
	return NULL;
}

/**
 * mdev_migration_validate - check a parent's migration tables
 * @parent: the parent being registered
 *
 * A table error is a driver bug: warn, saying which type and parameter and
 * why, and refuse the registration rather than publish capabilities the
 * engine cannot honour.
 *
 * Return: 0 or -EINVAL.
 */
int mdev_migration_validate(struct mdev_parent *parent)
{
	const struct mdev_migration_ops *ops = parent->mdev_driver->migration;
	unsigned int i;

	if (!ops)
		return 0;
	if (ops->predecessor &&
	    (ops->predecessor_len < sizeof(__le32) ||
	     ops->predecessor_len > MDEV_MIGRATION_STREAM_DESC_MAX)) {
		dev_warn(parent->dev, "migration: predecessor_len %zu out of range\n",
			 ops->predecessor_len);
		return -EINVAL;
	}
	if (ops->config_block &&
	    (!ops->config_block->save || !ops->config_block->load ||
	     !ops->config_block->max_len ||
	     ops->config_block->max_len > MDEV_MIGRATION_CONFIG_BLOCK_MAX)) {
		dev_warn(parent->dev, "migration: config_block needs save(), load() and a max_len of at most %u\n",
			 MDEV_MIGRATION_CONFIG_BLOCK_MAX);
		return -EINVAL;
	}
	for (i = 0; i < parent->nr_types; i++) {
		struct mdev_type *mtype = parent->types[i];
		const char *why, *param = NULL;

		WRITE_ONCE(mtype->migration_withdrawn, false);
		if (!mtype->migration_caps)
			continue;
		why = mdev_mig_caps_problem(mtype->migration_caps, ops, &param);
		if (!why)
			continue;
		if (param)
			dev_warn(parent->dev, "mdev type %s: migration parameter '%s' %s\n",
				 mtype->sysfs_name, param, why);
		else
			dev_warn(parent->dev, "mdev type %s: migration table %s\n",
				 mtype->sysfs_name, why);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_validate);
