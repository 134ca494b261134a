/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening an mdev through the VFIO group and container uAPI, as a VMM
 * does: container, group, type1 IOMMU, device fd.
 */
#ifndef MDEV_SELFTEST_VFIO_UTIL_H
#define MDEV_SELFTEST_VFIO_UTIL_H

struct vfio_dev {
	int container;
	int group;
	int device;
	const char *uuid;
};

int vfio_dev_open(struct vfio_dev *dev, const char *uuid);
void vfio_dev_close(struct vfio_dev *dev);

#endif
