// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit helpers for drivers: an mdev with migration support that is not
 * on the mdev bus, so a driver's KUnit test can run its migration
 * callbacks, the migration/params/ accessors and the config-only VFIO
 * migration through the mdev core without a parent device, sysfs or
 * hardware; and what a VMM does with a VFIO device's migration: user
 * memory for the data fd, a state change whose data fd the test closes
 * at its end, the device state, the pre-copy information. A module of
 * its own (CONFIG_MDEV_MIGRATION_KUNIT_HELPERS), selected by the tests
 * that use it.
 */
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/mdev.h>
#include <linux/file.h>
#include <linux/mdev_migration.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "mdev_private.h"

/**
 * struct mdev_mig_kunit_dev - an mdev and what the core reaches from it
 * @driver: the driver; only its migration callbacks are used
 * @parent: the parent, leading to @driver
 * @type: the device's type, with the migration capabilities
 * @mdev: the device
 */
struct mdev_mig_kunit_dev {
	struct mdev_driver driver;
	struct mdev_parent parent;
	struct mdev_type type;
	struct mdev_device mdev;
};

/* The end of the test: no session survives it, then as an unbind does. */
static void mdev_mig_kunit_dev_release(void *data)
{
	struct mdev_device *mdev = data;

	mdev_migration_config_reset(mdev);
	mdev_migration_unbind(mdev);
	mdev_migration_free(mdev);
}

/**
 * mdev_migration_kunit_mdev - an mdev whose driver is bound, for KUnit
 * @test: the test; the device lives until it ends
 * @ops: the driver's migration callbacks
 * @caps: the migration capabilities of the device's type
 * @name: the device's name in messages; must live as long as the test
 * @drvdata: what dev_get_drvdata() of the device's &struct device returns,
 *	as the driver's probe() would have set it
 *
 * The device has its migration state, as the core creates it before the
 * device is added, and counts as bound to a driver and never opened. It
 * is on the mdev bus but not registered anywhere: no sysfs files, no
 * uevent, no parent device.
 * Its &struct device was never initialized: it has a name, its bus and
 * driver data and nothing else, so get_device(), put_device() and sysfs must not be
 * used on it. The test is aborted if the state cannot be created.
 *
 * Return: the device.
 */
struct mdev_device *
mdev_migration_kunit_mdev(struct kunit *test,
			  const struct mdev_migration_ops *ops,
			  const struct migc_caps *caps, const char *name,
			  void *drvdata)
{
	struct mdev_mig_kunit_dev *d;
	int ret;

	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	d->driver.migration = ops;
	d->parent.mdev_driver = &d->driver;
	d->type.parent = &d->parent;
	d->type.migration_caps = caps;
	d->mdev.type = &d->type;
	d->mdev.dev.init_name = name;
	d->mdev.dev.bus = &mdev_bus_type;
	dev_set_drvdata(&d->mdev.dev, drvdata);
	KUNIT_ASSERT_EQ(test, mdev_migration_init(&d->mdev), 0);
	KUNIT_ASSERT_NOT_NULL(test, d->mdev.migration);
	mdev_migration_bind(&d->mdev);
	ret = kunit_add_action_or_reset(test, mdev_mig_kunit_dev_release,
					&d->mdev);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return &d->mdev;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_kunit_mdev);

/**
 * mdev_migration_kunit_param - write a parameter as its params file does
 * @test: the test
 * @mdev: a device of mdev_migration_kunit_mdev()
 * @name: the parameter's name; the test is aborted if the model has none
 * @val: the value, as a shell user writes it to the file
 *
 * Return: the length of @val, or the errno of the file's write().
 */
ssize_t mdev_migration_kunit_param(struct kunit *test, struct mdev_device *mdev,
				   const char *name, const char *val)
{
	const struct migc_param *p;

	p = migc_model_find(mdev_migration_model(mdev), name);
	KUNIT_ASSERT_NOT_NULL(test, p);
	return mdev_migration_param_store(mdev, p, val, strlen(val));
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_kunit_param);

/**
 * mdev_migration_kunit_remove - end a device of mdev_migration_kunit_mdev()
 *	before its test ends
 * @test: the test
 * @mdev: the device
 *
 * Does now what the end of the test would: the device is reset, as its
 * driver's close_device() does, unbound and its migration state freed, as
 * a removal does. Its memory stays until the test ends, so that a test
 * can show what a data fd it still holds does then.
 */
void mdev_migration_kunit_remove(struct kunit *test, struct mdev_device *mdev)
{
	kunit_release_action(test, mdev_mig_kunit_dev_release, mdev);
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_kunit_remove);

/**
 * mdev_migration_kunit_ubuf - user memory, as a VMM reads a data fd into
 * @test: the test; the memory is unmapped when it ends
 * @len: its size
 *
 * The test is aborted if it cannot be mapped.
 *
 * Return: the start of @len bytes of anonymous, writable user memory.
 */
char __user *mdev_migration_kunit_ubuf(struct kunit *test, size_t len)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	return (char __user *)addr;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_kunit_ubuf);

KUNIT_DEFINE_ACTION_WRAPPER(mdev_mig_kunit_fput, fput, struct file *);

/**
 * mdev_migration_kunit_set_state - a state change, as a VMM makes it
 * @test: the test; a data fd the change returns is closed when it ends
 * @vdev: the device
 * @state: the new state
 *
 * Return: what the device's migration_set_state() returns: the data fd
 * of a new session, NULL, or an ERR_PTR().
 */
struct file *mdev_migration_kunit_set_state(struct kunit *test,
					    struct vfio_device *vdev,
					    enum vfio_device_mig_state state)
{
	struct file *filp = vdev->mig_ops->migration_set_state(vdev, state);
	int ret;

	if (IS_ERR_OR_NULL(filp))
		return filp;
	ret = kunit_add_action_or_reset(test, mdev_mig_kunit_fput, filp);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return filp;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_kunit_set_state);

/**
 * mdev_migration_kunit_state - the migration state of a VFIO device
 * @test: the test; it fails if the device cannot tell
 * @vdev: the device
 *
 * Return: the state, as VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE reports it,
 * or %VFIO_DEVICE_STATE_ERROR.
 */
enum vfio_device_mig_state
mdev_migration_kunit_state(struct kunit *test, struct vfio_device *vdev)
{
	enum vfio_device_mig_state state = VFIO_DEVICE_STATE_ERROR;

	KUNIT_EXPECT_EQ(test, vdev->mig_ops->migration_get_state(vdev, &state),
			0);
	return state;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_kunit_state);

/**
 * mdev_migration_kunit_precopy - VFIO_MIG_GET_PRECOPY_INFO on a data fd
 * @test: the test; it fails if the device reports dirty bytes
 * @filp: the data fd
 * @ubuf: user memory for the ioctl's argument
 *
 * Return: the initial bytes the device reports, or the ioctl's negative
 * errno.
 */
long mdev_migration_kunit_precopy(struct kunit *test, struct file *filp,
				  char __user *ubuf)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	long ret;

	KUNIT_ASSERT_EQ(test, copy_to_user(ubuf, &info, sizeof(info)), 0);
	ret = filp->f_op->unlocked_ioctl(filp, VFIO_MIG_GET_PRECOPY_INFO,
					 (unsigned long)ubuf);
	if (ret)
		return ret;
	KUNIT_ASSERT_EQ(test, copy_from_user(&info, ubuf, sizeof(info)), 0);
	KUNIT_EXPECT_EQ(test, info.dirty_bytes, 0);
	return info.initial_bytes;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_kunit_precopy);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit helpers for the migration tests of mdev drivers");
MODULE_LICENSE("GPL");
