/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Migration compatibility of mediated devices: the vendor driver API.
 *
 * A driver that supports migration describes each of its mdev types with
 * a &struct migc_caps (usually one model with a static parameter table),
 * points &mdev_type.migration_caps at it before mdev_register_parent(),
 * and sets &mdev_driver.migration to its &struct mdev_migration_ops. The
 * mdev core then creates every sysfs attribute:
 *
 * - ``mdev_supported_types/<type>/migration_info.json``
 * - ``<device>/migration_info.json``
 * - ``<device>/migration/params/<name>``
 *
 * and enforces the parameters' access classes. The driver keeps the
 * current parameter values and applies them; see
 * Documentation/driver-api/vfio-mediated-device-migration.rst.
 */
#ifndef _LINUX_MDEV_MIGRATION_H
#define _LINUX_MDEV_MIGRATION_H

#include <linux/migcompat.h>

struct mdev_device;
struct mdev_type;

/**
 * struct mdev_migration_ops - a driver's migration compatibility callbacks
 * @get: read the current value of @param into @val. For a %MIGC_STR
 *	parameter, point @val->s at a string that stays valid until the next
 *	call of @get or @set for this device; the core copies it at once.
 *	Mandatory.
 * @set: apply @val to @param. The core has already checked the type, the
 *	allowed values and the access class; return 0 or a negative errno.
 *	Mandatory if the model has writable parameters.
 * @check: optional rule 4 of a device check, after the generic rules
 *	passed: can this device, as configured now, accept a migration
 *	stream from the device @src describes? Return 0, or -EPROTO and fill
 *	@why (its verdict is set to %MIGC_DRIVER_CHECK by the core).
 * @type_check: optional rule 4 of a type check, as @check for a device of
 *	type @mtype configured with the values @src lists.
 *
 * The core calls @get, @set and @check of one device with that device's
 * migration lock held, so they are serialized against each other and
 * against mdev_migration_opened() and mdev_migration_freeze(). They may
 * sleep. They must not call mdev_migration_describe(), _check(), _opened()
 * or _freeze() for the same device, nor take a lock that the driver holds
 * while calling one of those.
 */
struct mdev_migration_ops {
	int (*get)(struct mdev_device *mdev, const struct migc_param *param,
		   struct migc_value *val);
	int (*set)(struct mdev_device *mdev, const struct migc_param *param,
		   const struct migc_value *val);
	int (*check)(struct mdev_device *mdev, const struct migc_desc *src,
		     struct migc_reason *why);
	int (*type_check)(struct mdev_type *mtype, const struct migc_desc *src,
			  struct migc_reason *why);
};

void mdev_migration_opened(struct mdev_device *mdev);
void mdev_migration_freeze(struct mdev_device *mdev, bool frozen);
const struct migc_model *mdev_migration_model(struct mdev_device *mdev);
int mdev_migration_describe(struct mdev_device *mdev, char *buf,
			    size_t size);
int mdev_migration_check(struct mdev_device *mdev, const char *buf,
			 size_t len);

#endif /* _LINUX_MDEV_MIGRATION_H */
