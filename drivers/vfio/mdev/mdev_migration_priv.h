/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the mdev core's migration support share among
 * themselves: the stream helpers ask the device state kept in
 * mdev_migration.c.
 */
#ifndef _MDEV_MIGRATION_PRIV_H
#define _MDEV_MIGRATION_PRIV_H

#include <linux/types.h>

struct mdev_device;

size_t mdev_migration_predecessor_len(struct mdev_device *mdev);
int mdev_migration_check_predecessor(struct mdev_device *mdev,
				     const void *hdr, size_t len);

#endif /* _MDEV_MIGRATION_PRIV_H */
