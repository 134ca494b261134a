// SPDX-License-Identifier: GPL-2.0
/*
 * A test-only mdev driver whose types have 1, 8, 32 and 64
 * (MIGC_MAX_PARAMS) migration parameters, to measure how the cost of a
 * compatibility check grows with the number of parameters. Never opened
 * by a VMM: its vfio_device_ops are the minimum an emulated-IOMMU device
 * needs.
 *
 * Type test_mdev_params-<N> has model kernel.org/selftests/mdev-params-<N>
 * with N runtime int parameters p0 .. p<N-1>, initial value 0, any value
 * allowed and no off_value, so every parameter appears in a device's
 * description and is checked.
 *
 * Type test_mdev_params-str has model kernel.org/selftests/mdev-str with
 * one runtime str parameter, label, for the limits of string values.
 *
 * Its VFIO devices migrate with the core's config-only helper. Those
 * probed while the module parameter vfio_migration is 0 cannot migrate at
 * all, as a driver that declares migration compatibility by mistake: the
 * core then removes their and their type's migration files at bind.
 *
 * Writing N to a device's "shift" file adds N to all its int values at
 * once, outside the migration callbacks, as a driver's own configuration
 * files do (vfio_ap's assign_adapter). The driver's snapshot() makes each
 * description show the values of one moment: all equal.
 */
#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/mdev_migration.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vfio.h>

#define TMP_NAME	"test_mdev_params"

static bool vfio_migration = true;
module_param(vfio_migration, bool, 0644);
MODULE_PARM_DESC(vfio_migration, "VFIO devices probed from now on can migrate (default: yes)");
#define TMP_MAX_PARAMS	MIGC_MAX_PARAMS

/* Parameter names "p0" .. "p63" and their table, shared by all models. */
static char tmp_names[TMP_MAX_PARAMS][4];
static struct migc_param tmp_params[TMP_MAX_PARAMS];

static struct migc_model tmp_models[] = {
	{ "kernel.org/selftests/mdev-params-1", tmp_params, 1 },
	{ "kernel.org/selftests/mdev-params-8", tmp_params, 8 },
	{ "kernel.org/selftests/mdev-params-32", tmp_params, 32 },
	{ "kernel.org/selftests/mdev-params-64", tmp_params, TMP_MAX_PARAMS },
};

static const struct migc_param tmp_label = {
	.name = "label", .type = MIGC_STR, .access = MIGC_RUNTIME,
	.init_value = MIGC_STR_VALUE(""),
};

static const struct migc_model tmp_str_model = {
	"kernel.org/selftests/mdev-str", &tmp_label, 1
};

static const struct migc_caps tmp_caps[] = {
	{ &tmp_models[0], 1 },
	{ &tmp_models[1], 1 },
	{ &tmp_models[2], 1 },
	{ &tmp_models[3], 1 },
	{ &tmp_str_model, 1 },
};

static struct mdev_type tmp_types[] = {
	{ .sysfs_name = "1", .pretty_name = "1 parameter",
	  .migration_caps = &tmp_caps[0] },
	{ .sysfs_name = "8", .pretty_name = "8 parameters",
	  .migration_caps = &tmp_caps[1] },
	{ .sysfs_name = "32", .pretty_name = "32 parameters",
	  .migration_caps = &tmp_caps[2] },
	{ .sysfs_name = "64", .pretty_name = "64 parameters",
	  .migration_caps = &tmp_caps[3] },
	{ .sysfs_name = "str", .pretty_name = "a string parameter",
	  .migration_caps = &tmp_caps[4] },
};

static struct mdev_type *tmp_mdev_types[] = {
	&tmp_types[0], &tmp_types[1], &tmp_types[2], &tmp_types[3],
	&tmp_types[4],
};

struct tmp_state {
	struct vfio_device vdev;
	/* protects @values; set() also runs under the mdev core's lock */
	spinlock_t lock;
	s64 values[TMP_MAX_PARAMS];
	/* @values as snapshot() saw them; under the mdev core's lock */
	s64 snap[TMP_MAX_PARAMS];
	char label[MIGC_STR_MAX + 1];
};

static const struct class tmp_class = {
	.name = TMP_NAME,
};

static struct device tmp_dev;
static struct mdev_parent tmp_parent;

static const struct vfio_device_ops tmp_dev_ops = {
	.bind_iommufd	= vfio_iommufd_emulated_bind,
	.unbind_iommufd	= vfio_iommufd_emulated_unbind,
	.attach_ioas	= vfio_iommufd_emulated_attach_ioas,
	.detach_ioas	= vfio_iommufd_emulated_detach_ioas,
};

static int tmp_probe(struct mdev_device *mdev)
{
	struct tmp_state *st;
	int ret;

	st = vfio_alloc_device(tmp_state, vdev, &mdev->dev, &tmp_dev_ops);
	if (IS_ERR(st))
		return PTR_ERR(st);
	if (READ_ONCE(vfio_migration)) {
		st->vdev.migration_flags = MDEV_MIGRATION_CONFIG_FLAGS;
		st->vdev.mig_ops = &mdev_migration_config_ops;
	}
	ret = vfio_register_emulated_iommu_dev(&st->vdev);
	if (ret) {
		vfio_put_device(&st->vdev);
		return ret;
	}
	spin_lock_init(&st->lock);
	dev_set_drvdata(&mdev->dev, st);
	return 0;
}

static void tmp_remove(struct mdev_device *mdev)
{
	struct tmp_state *st = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&st->vdev);
	vfio_put_device(&st->vdev);
}

static int tmp_param_get(struct mdev_device *mdev, unsigned int idx,
			 struct migc_value *val)
{
	struct tmp_state *st = dev_get_drvdata(&mdev->dev);

	if (mdev_migration_model(mdev) == &tmp_str_model) {
		val->type = MIGC_STR;
		val->s = st->label;
		return 0;
	}
	val->type = MIGC_INT;
	val->i = st->snap[idx];
	return 0;
}

static int tmp_snapshot(struct mdev_device *mdev)
{
	struct tmp_state *st = dev_get_drvdata(&mdev->dev);

	spin_lock(&st->lock);
	memcpy(st->snap, st->values, sizeof(st->snap));
	spin_unlock(&st->lock);
	return 0;
}

static int tmp_param_set(struct mdev_device *mdev, unsigned int idx,
			 const struct migc_value *val)
{
	struct tmp_state *st = dev_get_drvdata(&mdev->dev);

	if (mdev_migration_model(mdev) == &tmp_str_model) {
		strscpy(st->label, val->s, sizeof(st->label));
		return 0;
	}
	spin_lock(&st->lock);
	st->values[idx] = val->i;
	spin_unlock(&st->lock);
	return 0;
}

static const struct mdev_migration_ops tmp_migration_ops = {
	.get = tmp_param_get,
	.set = tmp_param_set,
	.snapshot = tmp_snapshot,
};

/* <device>/shift: add N to every int value, not through the core. */
static ssize_t shift_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct tmp_state *st = dev_get_drvdata(dev);
	unsigned int i;
	s64 n;
	int ret;

	ret = kstrtos64(buf, 10, &n);
	if (ret)
		return ret;
	spin_lock(&st->lock);
	for (i = 0; i < TMP_MAX_PARAMS; i++)
		st->values[i] += n;
	spin_unlock(&st->lock);
	return count;
}
static DEVICE_ATTR_WO(shift);

static struct attribute *tmp_attrs[] = {
	&dev_attr_shift.attr,
	NULL,
};
ATTRIBUTE_GROUPS(tmp);

static struct mdev_driver tmp_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.max_instances = 16,
	.driver = {
		.name = TMP_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = tmp_groups,
	},
	.probe = tmp_probe,
	.remove = tmp_remove,
	.migration = &tmp_migration_ops,
};

static void tmp_dev_release(struct device *dev)
{
	/* static device */
}

static int __init tmp_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < TMP_MAX_PARAMS; i++) {
		snprintf(tmp_names[i], sizeof(tmp_names[i]), "p%u", i);
		tmp_params[i] = (struct migc_param) {
			.name = tmp_names[i],
			.type = MIGC_INT,
			.access = MIGC_RUNTIME,
			.init_value = MIGC_INT_VALUE(0),
		};
	}

	ret = mdev_register_driver(&tmp_driver);
	if (ret)
		return ret;
	ret = class_register(&tmp_class);
	if (ret)
		goto err_driver;
	tmp_dev.class = &tmp_class;
	tmp_dev.release = tmp_dev_release;
	dev_set_name(&tmp_dev, "%s", TMP_NAME);
	ret = device_register(&tmp_dev);
	if (ret)
		goto err_put;
	ret = mdev_register_parent(&tmp_parent, &tmp_dev, &tmp_driver,
				   tmp_mdev_types, ARRAY_SIZE(tmp_mdev_types));
	if (ret)
		goto err_device;
	return 0;

err_device:
	device_del(&tmp_dev);
err_put:
	put_device(&tmp_dev);
	class_unregister(&tmp_class);
err_driver:
	mdev_unregister_driver(&tmp_driver);
	return ret;
}

static void __exit tmp_exit(void)
{
	mdev_unregister_parent(&tmp_parent);
	device_unregister(&tmp_dev);
	class_unregister(&tmp_class);
	mdev_unregister_driver(&tmp_driver);
}

module_init(tmp_init);
module_exit(tmp_exit);
MODULE_DESCRIPTION("mdev types with 1 to 64 migration parameters and a string (test only)");
MODULE_LICENSE("GPL");
