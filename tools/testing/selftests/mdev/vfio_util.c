// SPDX-License-Identifier: GPL-2.0
/*
 * Opening an mdev through the VFIO group and container uAPI.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "vfio_util.h"

static int fail(const char *what, const char *uuid)
{
	fprintf(stderr, "vfio %s: %s: %s\n", uuid, what, strerror(errno));
	return -1;
}

static int group_of(const char *uuid, char *path, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/mdev/devices/%s/iommu_group",
		 uuid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return fail("iommu_group", uuid);
	target[n] = '\0';
	snprintf(path, size, "/dev/vfio/%s", basename(target));
	return 0;
}

int vfio_dev_open(struct vfio_dev *dev, const char *uuid)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX];

	memset(dev, 0, sizeof(*dev));
	dev->uuid = uuid;
	dev->container = dev->group = dev->device = -1;
	if (group_of(uuid, path, sizeof(path)))
		return -1;
	dev->container = open("/dev/vfio/vfio", O_RDWR);
	if (dev->container < 0)
		return fail("open /dev/vfio/vfio", uuid);
	dev->group = open(path, O_RDWR);
	if (dev->group < 0)
		return fail(path, uuid);
	if (ioctl(dev->group, VFIO_GROUP_GET_STATUS, &status))
		return fail("VFIO_GROUP_GET_STATUS", uuid);
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		return fail("group not viable", uuid);
	}
	if (ioctl(dev->group, VFIO_GROUP_SET_CONTAINER, &dev->container))
		return fail("VFIO_GROUP_SET_CONTAINER", uuid);
	if (ioctl(dev->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return fail("VFIO_SET_IOMMU", uuid);
	dev->device = ioctl(dev->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (dev->device < 0)
		return fail("VFIO_GROUP_GET_DEVICE_FD", uuid);
	return 0;
}

void vfio_dev_close(struct vfio_dev *dev)
{
	if (dev->device >= 0)
		close(dev->device);
	if (dev->group >= 0)
		close(dev->group);
	if (dev->container >= 0)
		close(dev->container);
}
