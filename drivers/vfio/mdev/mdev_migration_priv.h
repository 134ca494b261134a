/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the mdev core's migration support share among
 * themselves: the stream helpers and the config-only migration reach the
 * per-device state kept in mdev_migration.c.
 */
#ifndef _MDEV_MIGRATION_PRIV_H
#define _MDEV_MIGRATION_PRIV_H

#include <linux/types.h>

struct mdev_device;
struct mdev_migration_config;
struct migc_desc;
struct migc_reason;

#if IS_ENABLED(CONFIG_KUNIT)
/* mdev_migration.c: the device check behind every caller (KUnit only) */
int mdev_migration_check_device(struct mdev_device *mdev,
				const struct migc_desc *src,
				struct migc_reason *why, bool from_file,
				char *not_off, size_t size);
/* mdev_migration_config.c: a driver block's memory (KUnit stubs it) */
void *mdev_migration_config_block_alloc(size_t len);
#endif

/* mdev_migration_stream.c: a stream of the model's predecessor */
size_t mdev_migration_predecessor_len(struct mdev_device *mdev);
int mdev_migration_check_predecessor(struct mdev_device *mdev,
				     const void *hdr, size_t len);

/* mdev_migration_config.c: its state lives with &struct mdev_migration */
struct mdev_migration_config *mdev_migration_config_alloc(void);
void mdev_migration_config_free(struct mdev_migration_config *cfg);
struct mdev_migration_config *mdev_migration_config_of(struct mdev_device *mdev);
struct mdev_migration_config *mdev_migration_config_get(struct mdev_device *mdev);
const struct mdev_migration_config_block *
mdev_migration_config_block(struct mdev_device *mdev);

#endif /* _MDEV_MIGRATION_PRIV_H */
