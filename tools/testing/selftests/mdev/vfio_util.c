// SPDX-License-Identifier: GPL-2.0
/*
 * Opening an mdev through the VFIO group and container uAPI, and thin
 * wrappers of the VFIO migration v2 uAPI.
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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

FILE *vfio_log;

static int fail(struct vfio_dev *dev, const char *what)
{
	int err = errno;
	const char *name = vfio_errno_name(err);
	FILE *log = vfio_log ? vfio_log : stderr;

	if (dev->name)
		fprintf(log, "%s: %s: %s (%s)\n", dev->name, what,
			strerror(err), name ? name : "?");
	else
		fprintf(log, "vfio %s: %s: %s\n", dev->uuid, what,
			strerror(err));
	errno = err;
	return -1;
}

static int group_of(struct vfio_dev *dev, char *path, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/mdev/devices/%s/iommu_group",
		 dev->uuid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return fail(dev, "iommu_group");
	target[n] = '\0';
	snprintf(path, size, "/dev/vfio/%s", basename(target));
	return 0;
}

int vfio_dev_open(struct vfio_dev *dev, const char *uuid)
{
	return vfio_dev_open_as(dev, uuid, NULL);
}

int vfio_dev_open_as(struct vfio_dev *dev, const char *uuid, const char *name)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX];

	memset(dev, 0, sizeof(*dev));
	dev->uuid = uuid;
	dev->name = name;
	dev->container = -1;
	dev->group = -1;
	dev->device = -1;
	if (group_of(dev, path, sizeof(path)))
		return -1;
	dev->container = open("/dev/vfio/vfio", O_RDWR);
	if (dev->container < 0)
		return fail(dev, "open /dev/vfio/vfio");
	dev->group = open(path, O_RDWR);
	if (dev->group < 0)
		return fail(dev, path);
	if (ioctl(dev->group, VFIO_GROUP_GET_STATUS, &status))
		return fail(dev, "VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		return fail(dev, "group not viable");
	}
	if (ioctl(dev->group, VFIO_GROUP_SET_CONTAINER, &dev->container))
		return fail(dev, "VFIO_GROUP_SET_CONTAINER");
	if (ioctl(dev->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return fail(dev, "VFIO_SET_IOMMU");
	dev->device = ioctl(dev->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (dev->device < 0)
		return fail(dev, "VFIO_GROUP_GET_DEVICE_FD");
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
	dev->device = -1;
	dev->group = -1;
	dev->container = -1;
}

#define ERRNO_NAME(e) { e, #e }

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	ERRNO_NAME(EPERM), ERRNO_NAME(ENOENT), ERRNO_NAME(ESRCH),
	ERRNO_NAME(EINTR), ERRNO_NAME(EIO), ERRNO_NAME(ENXIO),
	ERRNO_NAME(E2BIG), ERRNO_NAME(ENOEXEC), ERRNO_NAME(EBADF),
	ERRNO_NAME(ECHILD), ERRNO_NAME(EAGAIN), ERRNO_NAME(ENOMEM),
	ERRNO_NAME(EACCES), ERRNO_NAME(EFAULT), ERRNO_NAME(EBUSY),
	ERRNO_NAME(EEXIST), ERRNO_NAME(EXDEV), ERRNO_NAME(ENODEV),
	ERRNO_NAME(ENOTDIR), ERRNO_NAME(EISDIR), ERRNO_NAME(EINVAL),
	ERRNO_NAME(ENFILE), ERRNO_NAME(EMFILE), ERRNO_NAME(ENOTTY),
	ERRNO_NAME(EFBIG), ERRNO_NAME(ENOSPC), ERRNO_NAME(ESPIPE),
	ERRNO_NAME(EROFS), ERRNO_NAME(EPIPE), ERRNO_NAME(ERANGE),
	ERRNO_NAME(ENOMSG), ERRNO_NAME(ENODATA), ERRNO_NAME(EPROTO),
	ERRNO_NAME(EBADMSG), ERRNO_NAME(EOVERFLOW), ERRNO_NAME(EMSGSIZE),
	ERRNO_NAME(EOPNOTSUPP), ERRNO_NAME(ETIMEDOUT), ERRNO_NAME(ECANCELED),
	ERRNO_NAME(ENAMETOOLONG), ERRNO_NAME(ELOOP),
};

const char *vfio_errno_name(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}

/* VFIO_DEVICE_FEATURE with @size bytes of payload in @data. */
static int device_feature(struct vfio_dev *dev, __u32 flags, void *data,
			  size_t size)
{
	__u64 buf[(sizeof(struct vfio_device_feature) + 64) / sizeof(__u64)];
	struct vfio_device_feature *feature = (void *)buf;

	if (size > sizeof(buf) - sizeof(*feature)) {
		errno = EINVAL;
		return -1;
	}
	memset(buf, 0, sizeof(buf));
	feature->argsz = sizeof(*feature) + size;
	feature->flags = flags;
	memcpy(feature->data, data, size);
	if (ioctl(dev->device, VFIO_DEVICE_FEATURE, feature))
		return -1;
	memcpy(data, feature->data, size);
	return 0;
}

int vfio_mig_flags(struct vfio_dev *dev, __u64 *flags)
{
	struct vfio_device_feature_migration mig = {};

	if (device_feature(dev, VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIGRATION, &mig, sizeof(mig)))
		return -1;
	*flags = mig.flags;
	return 0;
}

int vfio_mig_get_state(struct vfio_dev *dev, __u32 *state)
{
	struct vfio_device_feature_mig_state mig = { .data_fd = -1 };

	if (device_feature(dev, VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
			   &mig, sizeof(mig)))
		return -1;
	*state = mig.device_state;
	return 0;
}

int vfio_mig_set_state(struct vfio_dev *dev, __u32 state, int *data_fd)
{
	struct vfio_device_feature_mig_state mig = {
		.device_state = state,
		.data_fd = -1,
	};

	*data_fd = -1;
	if (device_feature(dev, VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
			   &mig, sizeof(mig)))
		return -1;
	*data_fd = mig.data_fd;
	return 0;
}

int vfio_mig_data_size(struct vfio_dev *dev, __u64 *stop_copy_length)
{
	struct vfio_device_feature_mig_data_size size = {};

	if (device_feature(dev, VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
			   &size, sizeof(size)))
		return -1;
	*stop_copy_length = size.stop_copy_length;
	return 0;
}

int vfio_mig_precopy_info(int data_fd, __u64 *initial, __u64 *dirty)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };

	if (ioctl(data_fd, VFIO_MIG_GET_PRECOPY_INFO, &info))
		return -1;
	*initial = info.initial_bytes;
	*dirty = info.dirty_bytes;
	return 0;
}

static const char * const state_names[] = {
	[VFIO_DEVICE_STATE_ERROR] = "ERROR",
	[VFIO_DEVICE_STATE_STOP] = "STOP",
	[VFIO_DEVICE_STATE_RUNNING] = "RUNNING",
	[VFIO_DEVICE_STATE_STOP_COPY] = "STOP_COPY",
	[VFIO_DEVICE_STATE_RESUMING] = "RESUMING",
	[VFIO_DEVICE_STATE_RUNNING_P2P] = "RUNNING_P2P",
	[VFIO_DEVICE_STATE_PRE_COPY] = "PRE_COPY",
	[VFIO_DEVICE_STATE_PRE_COPY_P2P] = "PRE_COPY_P2P",
};

const char *vfio_mig_state_name(__u32 state)
{
	if (state >= ARRAY_SIZE(state_names) || !state_names[state])
		return "UNKNOWN";
	return state_names[state];
}

int vfio_mig_state_parse(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(state_names); i++)
		if (state_names[i] && !strcmp(name, state_names[i]))
			return i;
	return -1;
}

int vfio_region(struct vfio_dev *dev, __u32 index, __u32 flags,
		__u64 *offset, __u64 *size)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info),
		.index = index,
	};

	if (ioctl(dev->device, VFIO_DEVICE_GET_REGION_INFO, &info))
		return -1;
	if ((info.flags & flags) != flags) {
		errno = EACCES;
		return -1;
	}
	*offset = info.offset;
	*size = info.size;
	return 0;
}
