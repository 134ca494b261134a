/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening an mdev through the VFIO group and container uAPI, as a VMM
 * does: container, group, type1 IOMMU, device fd. Plus thin wrappers of
 * the VFIO migration v2 uAPI and region access for the migration client.
 */
#ifndef MDEV_SELFTEST_VFIO_UTIL_H
#define MDEV_SELFTEST_VFIO_UTIL_H

#include <stdio.h>
#include <linux/types.h>

struct vfio_dev {
	int container;
	int group;
	int device;
	const char *uuid;
	const char *name;	/* prefix of error messages, or NULL */
};

/* Where vfio_dev_open() reports errors; stderr if NULL. */
extern FILE *vfio_log;

/* Errors print as "vfio <uuid>: what: error". */
int vfio_dev_open(struct vfio_dev *dev, const char *uuid);
/* Errors print as "<name>: what: error (ENAME)". */
int vfio_dev_open_as(struct vfio_dev *dev, const char *uuid, const char *name);
void vfio_dev_close(struct vfio_dev *dev);

/* "ENOENT" etc., or NULL for an errno without a known name. */
const char *vfio_errno_name(int err);

/*
 * Migration v2 uAPI. All return 0 or -1 with errno set, print nothing.
 * vfio_mig_set_state() stores the data_fd the kernel returned (-1 when
 * the arc opens no new data transfer session) in *data_fd.
 */
int vfio_mig_flags(struct vfio_dev *dev, __u64 *flags);
int vfio_mig_get_state(struct vfio_dev *dev, __u32 *state);
int vfio_mig_set_state(struct vfio_dev *dev, __u32 state, int *data_fd);
int vfio_mig_data_size(struct vfio_dev *dev, __u64 *stop_copy_length);
int vfio_mig_precopy_info(int data_fd, __u64 *initial, __u64 *dirty);
const char *vfio_mig_state_name(__u32 state);
/* The state called @name (as vfio_mig_state_name() prints it), or -1. */
int vfio_mig_state_parse(const char *name);

/* Offset in the device fd and size of region @index, checking @flags. */
int vfio_region(struct vfio_dev *dev, __u32 index, __u32 flags,
		__u64 *offset, __u64 *size);

#endif
