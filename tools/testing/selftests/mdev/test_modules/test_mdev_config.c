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
 * leaves the host. VFIO_DEVICE_RESET returns the device to RUNNING (and
 * its PCI configuration space to the defaults).
 *
 * "irq" is device state beyond the configuration, as the guest's AP
 * interrupt state of vfio_ap: any value from 0 to 255, which the guest may
 * change at any time. It migrates in the driver block of the config-only
 * stream (version, flags, value; none while it is 0): saved when the
 * source enters STOP_COPY, checked on RESUMING -> STOP (EPROTO for another
 * version or length, flags or a value above 255) and applied when the
 * destination leaves STOP. Writing an errno number N to "resume_fail"
 * makes that last step fail with -N, 0 clears it.
 *
 * So that QEMU's vfio-pci can take it, the device is a PCI function with
 * nothing but a configuration space: IDs 1b36:10ff (Red Hat's vendor ID,
 * a device ID no QEMU device uses; class ff, unassigned),
 * no BAR, no ROM, no interrupt, no capability. The command register, the
 * cache line size, the latency timer and the interrupt line keep what is
 * written to them; the rest reads as the device set it. None of it is
 * migration state of the device: QEMU migrates the config space itself.
 */
#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/mdev_migration.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci_regs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>

#define TMC_NAME	"test_mdev_config"

/* The region index is in the top bits of a file offset, as vfio-pci's */
#define TMC_OFFSET_SHIFT	40
#define TMC_INDEX(off)		((off) >> TMC_OFFSET_SHIFT)
#define TMC_OFFSET(index)	((u64)(index) << TMC_OFFSET_SHIFT)
#define TMC_OFFSET_MASK		(TMC_OFFSET(1) - 1)
#define TMC_CONFIG_SIZE		PCI_CFG_SPACE_SIZE

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
	/* the PCI configuration space, also under @lock */
	u8 config[TMC_CONFIG_SIZE];
	/* device state beyond the configuration, also under @lock */
	u32 irq;
	u32 loaded_irq;	/* what load() found, for resume() */
	int resume_fail;
};

/* The driver block: le16 version, le16 flags, le32 irq */
#define TMC_BLOCK_VERSION	1
#define TMC_BLOCK_LEN		8
#define TMC_IRQ_MAX		255

static const struct class tmc_class = {
	.name = TMC_NAME,
};

static struct device tmc_dev;
static struct mdev_parent tmc_parent;

/* A PCI function with a configuration space and nothing else */
static void tmc_config_init(u8 *config)
{
	memset(config, 0, TMC_CONFIG_SIZE);
	put_unaligned_le16(0x1b36, config + PCI_VENDOR_ID);
	put_unaligned_le16(0x10ff, config + PCI_DEVICE_ID);
	config[PCI_REVISION_ID] = 1;
	config[PCI_CLASS_DEVICE + 1] = 0xff;
	config[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
}

/* Bytes of the configuration space that keep what is written to them */
static bool tmc_config_writable(unsigned int pos)
{
	return pos == PCI_COMMAND || pos == PCI_COMMAND + 1 ||
	       pos == PCI_CACHE_LINE_SIZE || pos == PCI_LATENCY_TIMER ||
	       pos == PCI_INTERRUPT_LINE;
}

static int tmc_init_dev(struct vfio_device *vdev)
{
	struct tmc_state *st = container_of(vdev, struct tmc_state, vdev);

	st->mdev = to_mdev_device(vdev->dev);
	mutex_init(&st->lock);
	st->width = 1;
	tmc_config_init(st->config);
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

/* The configuration space: where an access of @count at @ppos falls. */
static int tmc_config_pos(loff_t *ppos, size_t count, unsigned int *pos)
{
	u64 off = *ppos & TMC_OFFSET_MASK;

	if (TMC_INDEX(*ppos) != VFIO_PCI_CONFIG_REGION_INDEX ||
	    off >= TMC_CONFIG_SIZE || count > TMC_CONFIG_SIZE - off)
		return -EINVAL;
	*pos = off;
	return 0;
}

static ssize_t tmc_read(struct vfio_device *vdev, char __user *buf,
			size_t count, loff_t *ppos)
{
	struct tmc_state *st = container_of(vdev, struct tmc_state, vdev);
	u8 val[TMC_CONFIG_SIZE];
	unsigned int pos;
	int ret;

	ret = tmc_config_pos(ppos, count, &pos);
	if (ret)
		return ret;
	mutex_lock(&st->lock);
	memcpy(val, st->config + pos, count);
	mutex_unlock(&st->lock);
	if (copy_to_user(buf, val, count))
		return -EFAULT;
	*ppos += count;
	return count;
}

static ssize_t tmc_write(struct vfio_device *vdev, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	struct tmc_state *st = container_of(vdev, struct tmc_state, vdev);
	u8 val[TMC_CONFIG_SIZE];
	unsigned int pos, i;
	int ret;

	ret = tmc_config_pos(ppos, count, &pos);
	if (ret)
		return ret;
	if (copy_from_user(val, buf, count))
		return -EFAULT;
	mutex_lock(&st->lock);
	for (i = 0; i < count; i++)
		if (tmc_config_writable(pos + i))
			st->config[pos + i] = val[i];
	mutex_unlock(&st->lock);
	*ppos += count;
	return count;
}

static long tmc_get_info(unsigned long arg)
{
	struct vfio_device_info info;
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/* The configuration space, and empty BARs, ROM and VGA regions */
static int tmc_get_region_info(struct vfio_device *vdev,
			       struct vfio_region_info *info,
			       struct vfio_info_cap *caps)
{
	if (info->index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	info->offset = TMC_OFFSET(info->index);
	info->size = 0;
	info->flags = 0;
	info->cap_offset = 0;
	if (info->index == VFIO_PCI_CONFIG_REGION_INDEX) {
		info->size = TMC_CONFIG_SIZE;
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
	}
	return 0;
}

/* No interrupt of any kind */
static long tmc_get_irq_info(unsigned long arg)
{
	struct vfio_irq_info info;
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info.flags = 0;
	info.count = 0;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static long tmc_ioctl(struct vfio_device *vdev, unsigned int cmd,
		      unsigned long arg)
{
	struct tmc_state *st = container_of(vdev, struct tmc_state, vdev);

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return tmc_get_info(arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return tmc_get_irq_info(arg);
	case VFIO_DEVICE_RESET:
		mdev_migration_config_reset(st->mdev);
		mutex_lock(&st->lock);
		tmc_config_init(st->config);
		mutex_unlock(&st->lock);
		return 0;
	}
	return -ENOTTY;
}

static const struct vfio_device_ops tmc_dev_ops = {
	.init		= tmc_init_dev,
	.release	= tmc_release_dev,
	.open_device	= tmc_open_device,
	.close_device	= tmc_close_device,
	.read		= tmc_read,
	.write		= tmc_write,
	.ioctl		= tmc_ioctl,
	.get_region_info_caps = tmc_get_region_info,
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

static int tmc_param_get(struct mdev_device *mdev, unsigned int idx,
			 struct migc_value *val)
{
	struct tmc_state *st = dev_get_drvdata(&mdev->dev);

	val->type = tmc_params[idx].type;
	mutex_lock(&st->lock);
	switch (idx) {
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

static int tmc_param_set(struct mdev_device *mdev, unsigned int idx,
			 const struct migc_value *val)
{
	struct tmc_state *st = dev_get_drvdata(&mdev->dev);

	mutex_lock(&st->lock);
	switch (idx) {
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

static ssize_t tmc_block_save(struct mdev_device *mdev, void *buf,
			      size_t size)
{
	struct tmc_state *st = dev_get_drvdata(&mdev->dev);
	u32 irq;

	mutex_lock(&st->lock);
	irq = st->irq;
	mutex_unlock(&st->lock);
	if (!irq)
		return 0;
	put_unaligned_le16(TMC_BLOCK_VERSION, buf);
	put_unaligned_le16(0, buf + 2);
	put_unaligned_le32(irq, buf + 4);
	return TMC_BLOCK_LEN;
}

static int tmc_block_load(struct mdev_device *mdev, const void *buf,
			  size_t len)
{
	struct tmc_state *st = dev_get_drvdata(&mdev->dev);
	u32 irq = 0;

	if (buf) {
		if (len != TMC_BLOCK_LEN ||
		    get_unaligned_le16(buf) != TMC_BLOCK_VERSION ||
		    get_unaligned_le16(buf + 2))
			return -EPROTO;
		irq = get_unaligned_le32(buf + 4);
		if (irq > TMC_IRQ_MAX)
			return -EPROTO;
	}
	mutex_lock(&st->lock);
	st->loaded_irq = irq;
	mutex_unlock(&st->lock);
	return 0;
}

static int tmc_block_resume(struct mdev_device *mdev)
{
	struct tmc_state *st = dev_get_drvdata(&mdev->dev);
	int ret = 0;

	mutex_lock(&st->lock);
	if (st->resume_fail)
		ret = -st->resume_fail;
	else
		st->irq = st->loaded_irq;
	mutex_unlock(&st->lock);
	return ret;
}

static const struct mdev_migration_config_block tmc_block = {
	.max_len = TMC_BLOCK_LEN,
	.save = tmc_block_save,
	.load = tmc_block_load,
	.resume = tmc_block_resume,
};

static const struct mdev_migration_ops tmc_migration_ops = {
	.get = tmc_param_get,
	.set = tmc_param_set,
	.config_block = &tmc_block,
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

/* <device>/irq: state the guest sets, not configuration */
static ssize_t irq_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct tmc_state *st = dev_get_drvdata(dev);
	u32 irq;

	mutex_lock(&st->lock);
	irq = st->irq;
	mutex_unlock(&st->lock);
	return sysfs_emit(buf, "%u\n", irq);
}

static ssize_t irq_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	struct tmc_state *st = dev_get_drvdata(dev);
	u32 irq;
	int ret;

	ret = kstrtou32(buf, 10, &irq);
	if (ret)
		return ret;
	if (irq > TMC_IRQ_MAX)
		return -EINVAL;
	mutex_lock(&st->lock);
	st->irq = irq;
	mutex_unlock(&st->lock);
	return count;
}
static DEVICE_ATTR_RW(irq);

/* <device>/resume_fail: the errno the next resume() fails with, 0 none */
static ssize_t resume_fail_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct tmc_state *st = dev_get_drvdata(dev);
	int err, ret;

	ret = kstrtoint(buf, 10, &err);
	if (ret)
		return ret;
	if (err < 0 || err >= MAX_ERRNO)
		return -EINVAL;
	mutex_lock(&st->lock);
	st->resume_fail = err;
	mutex_unlock(&st->lock);
	return count;
}
static DEVICE_ATTR_WO(resume_fail);

static struct attribute *tmc_attrs[] = {
	&dev_attr_shift.attr,
	&dev_attr_fail.attr,
	&dev_attr_irq.attr,
	&dev_attr_resume_fail.attr,
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
