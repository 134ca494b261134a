/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The mdev core's side of the config-only migration: its per-device state
 * lives with the device's &struct mdev_migration.
 */
#ifndef MDEV_MIGRATION_CONFIG_H
#define MDEV_MIGRATION_CONFIG_H

struct mdev_device;
struct mdev_migration_config;

struct mdev_migration_config *mdev_migration_config_alloc(void);
void mdev_migration_config_free(struct mdev_migration_config *cfg);
struct mdev_migration_config *mdev_migration_config_of(struct mdev_device *mdev);

#endif /* MDEV_MIGRATION_CONFIG_H */
