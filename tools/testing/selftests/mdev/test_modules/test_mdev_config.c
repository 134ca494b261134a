// SPDX-License-Identifier: GPL-2.0
/*
 * A test-only mdev driver whose whole migration state is its
 * configuration, as the s390 vfio_ap's: it adopts the mdev core's
 * config-only VFIO migration (mdev_migration_config_ops) and is migrated
 * by the selftests' mig_client like a VMM would.
 *
 * Type test_mdev_config-cfg has model kernel.org/selftests/mdev-config:
 *   level  int, runtime, 0 at first, any value
 *   label  str, runtime, "" at first
 *   width  int, create, 1 at first, 1 to 16
 *
 * Writing N to a device's "shift" file adds N to its level, outside the
 * migration callbacks, as a driver's own configuration files do
 * (vfio_ap's assign_adapter): refused with EBUSY while the device is
 * migrating. Writing an errno number N to "fail" fails a migration in
 * progress with -N, as vfio_ap does when a queue of its configuration
 * leaves the host. VFIO_DEVICE_RESET returns the device to RUNNING.
 */
#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/mdev_migration.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/vfio.h>

#define TMC_NAME	"test_mdev_config"

static const struct migc_range tmc_width_range = { 1, 16 };

static const struct migc_param tmc_params[] = {
	{ .name = "level", .type = MIGC_INT, .access = MIGC_RUNTIME,
	  .init_value = MIGC_INT_VALUE(0) },
	{ .name = "label", .type = MIGC_STR, .access = MIGC_RUNTIME,
	  .init_value = MIGC_STR_VALUE("") },
	{ .name = "width", .type = MIGC_INT, .access = MIGC_CREATE,
	  .init_value = MIGC_INT_VALUE(1),
	  .nr_allowed = 1, .ranges = &tmc_width_range },
};

enum { TMC_LEVEL, TMC_LABEL, TMC_WIDTH };

static const struct migc_model tmc_model = {
	"kernel.org/selftests/mdev-config", tmc_params, ARRAY_SIZE(tmc_params)
};

static const struct migc_caps tmc_caps = { &tmc_model, 1 };

static struct mdev_type tmc_type = {
	.sysfs_name = "cfg", .pretty_name = "a config-only device",
	.migration_caps = &tmc_caps,
};

static struct mdev_type *tmc_types[] = { &tmc_type };

struct tmc_state {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	/* protects the values: the core's callbacks and "shift" */
	struct mutex lock;
	s64 level;
	s64 width;
	char label[MIGC_STR_MAX + 1];
};

static const struct class tmc_class = {
	.name = TMC_NAME,
};

static struct device tmc_dev;
static struct mdev_parent tmc_parent;

static int tmc_init_dev(struct vfio_device *vdev)
{
	struct tmc_state *st = container_of(vdev, struct tmc_state, vdev);

	st->mdev = to_mdev_device(vdev->dev);
	mutex_init(&st->lock);
	st->width = 1;
	vdev->migration_flags = MDEV_MIGRATION_CONFIG_FLAGS;
	vdev->mig_ops = &mdev_migration_config_ops;
	return 0;
}

static void tmc_release_dev(struct vfio_device *vdev)
{
	struct tmc_state *st = container_of(vdev, struct tmc_state, vdev);

	mutex_destroy(&st->lock);
}

static int tmc_open_device(struct vfio_device *vdev)
{
	struct tmc_state *st = container_of(vdev, struct tmc_state, vdev);

	mdev_migration_opened(st->mdev);
	return 0;
}

static void tmc_close_device(struct vfio_device *vdev)
{
	struct tmc_state *st = container_of(vdev, struct tmc_state, vdev);

	mdev_migration_config_reset(st->mdev);
}

static long tmc_ioctl(struct vfio_device *vdev, unsigned int cmd,
		      unsigned long arg)
{
	struct tmc_state *st = container_of(vdev, struct tmc_state, vdev);

	if (cmd != VFIO_DEVICE_RESET)
		return -ENOTTY;
	mdev_migration_config_reset(st->mdev);
	return 0;
}

static const struct vfio_device_ops tmc_dev_ops = {
	.init		= tmc_init_dev,
	.release	= tmc_release_dev,
	.open_device	= tmc_open_device,
	.close_device	= tmc_close_device,
	.ioctl		= tmc_ioctl,
	.bind_iommufd	= vfio_iommufd_emulated_bind,
	.unbind_iommufd	= vfio_iommufd_emulated_unbind,
	.attach_ioas	= vfio_iommufd_emulated_attach_ioas,
	.detach_ioas	= vfio_iommufd_emulated_detach_ioas,
};

static int tmc_probe(struct mdev_device *mdev)
{
	struct tmc_state *st;
	int ret;

	st = vfio_alloc_device(tmc_state, vdev, &mdev->dev, &tmc_dev_ops);
	if (IS_ERR(st))
		return PTR_ERR(st);
	dev_set_drvdata(&mdev->dev, st);
	ret = vfio_register_emulated_iommu_dev(&st->vdev);
	if (ret) {
		vfio_put_device(&st->vdev);
		return ret;
	}
	return 0;
}

static void tmc_remove(struct mdev_device *mdev)
{
	struct tmc_state *st = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&st->vdev);
	vfio_put_device(&st->vdev);
}

static int tmc_param_get(struct mdev_device *mdev,
			 const struct migc_param *param,
			 struct migc_value *val)
{
	struct tmc_state *st = dev_get_drvdata(&mdev->dev);

	val->type = param->type;
	mutex_lock(&st->lock);
	switch (param - tmc_params) {
	case TMC_LEVEL:
		val->i = st->level;
		break;
	case TMC_LABEL:
		val->s = st->label;	/* stable under the core's lock */
		break;
	default:
		val->i = st->width;
	}
	mutex_unlock(&st->lock);
	return 0;
}

static int tmc_param_set(struct mdev_device *mdev,
			 const struct migc_param *param,
			 const struct migc_value *val)
{
	struct tmc_state *st = dev_get_drvdata(&mdev->dev);

	mutex_lock(&st->lock);
	switch (param - tmc_params) {
	case TMC_LEVEL:
		st->level = val->i;
		break;
	case TMC_LABEL:
		strscpy(st->label, val->s, sizeof(st->label));
		break;
	default:
		st->width = val->i;
	}
	mutex_unlock(&st->lock);
	return 0;
}

static const struct mdev_migration_ops tmc_migration_ops = {
	.get = tmc_param_get,
	.set = tmc_param_set,
};

/* <device>/shift: add N to the level, the driver's own configuration file */
static ssize_t shift_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct tmc_state *st = dev_get_drvdata(dev);
	s64 n;
	int ret;

	ret = kstrtos64(buf, 10, &n);
	if (ret)
		return ret;
	ret = mdev_migration_config_hold(st->mdev);
	if (ret)
		return ret;
	mutex_lock(&st->lock);
	st->level += n;
	mutex_unlock(&st->lock);
	mdev_migration_config_unhold(st->mdev);
	return count;
}
static DEVICE_ATTR_WO(shift);

/* <device>/fail: part of the configuration went away */
static ssize_t fail_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct tmc_state *st = dev_get_drvdata(dev);
	int err, ret;

	ret = kstrtoint(buf, 10, &err);
	if (ret)
		return ret;
	if (err <= 0 || err >= MAX_ERRNO)
		return -EINVAL;
	mutex_lock(&st->lock);	/* as a driver would, with its lock held */
	mdev_migration_config_fail(st->mdev, -err);
	mutex_unlock(&st->lock);
	return count;
}
static DEVICE_ATTR_WO(fail);

static struct attribute *tmc_attrs[] = {
	&dev_attr_shift.attr,
	&dev_attr_fail.attr,
	NULL,
};
ATTRIBUTE_GROUPS(tmc);

static struct mdev_driver tmc_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.max_instances = 8,
	.driver = {
		.name = TMC_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = tmc_groups,
	},
	.probe = tmc_probe,
	.remove = tmc_remove,
	.migration = &tmc_migration_ops,
};

static void tmc_dev_release(struct device *dev)
{
	/* static device */
}

static int __init tmc_init(void)
{
	int ret;

	ret = mdev_register_driver(&tmc_driver);
	if (ret)
		return ret;
	ret = class_register(&tmc_class);
	if (ret)
		goto err_driver;
	tmc_dev.class = &tmc_class;
	tmc_dev.release = tmc_dev_release;
	dev_set_name(&tmc_dev, "%s", TMC_NAME);
	ret = device_register(&tmc_dev);
	if (ret)
		goto err_put;
	ret = mdev_register_parent(&tmc_parent, &tmc_dev, &tmc_driver,
				   tmc_types, ARRAY_SIZE(tmc_types));
	if (ret)
		goto err_device;
	return 0;

err_device:
	device_del(&tmc_dev);
err_put:
	put_device(&tmc_dev);
	class_unregister(&tmc_class);
err_driver:
	mdev_unregister_driver(&tmc_driver);
	return ret;
}

static void __exit tmc_exit(void)
{
	mdev_unregister_parent(&tmc_parent);
	device_unregister(&tmc_dev);
	class_unregister(&tmc_class);
	mdev_unregister_driver(&tmc_driver);
}

module_init(tmc_init);
module_exit(tmc_exit);
MODULE_DESCRIPTION("an mdev driver whose migration state is its configuration (test only)");
MODULE_LICENSE("GPL");
