/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Migration compatibility of mediated devices: the vendor driver API.
 *
 * A driver that supports migration describes each of its mdev types with
 * a &struct migc_caps (exactly one model, with a static parameter table),
 * points &mdev_type.migration_caps at it before mdev_register_parent(),
 * and sets &mdev_driver.migration to its &struct mdev_migration_ops. The
 * mdev core then creates every sysfs attribute:
 *
 * - ``mdev_supported_types/<type>/migration_info.json``
 * - ``<device>/migration_info.json``
 * - ``<device>/migration/params/<name>``
 *
 * and enforces the parameters' access classes. The driver keeps the
 * current parameter values and applies them. If the VFIO device that the
 * driver's probe() registers has no migration support, the core removes
 * those files again and warns; see
 * Documentation/driver-api/vfio-mediated-device-migration.rst.
 */
#ifndef _LINUX_MDEV_MIGRATION_H
#define _LINUX_MDEV_MIGRATION_H

#include <linux/migcompat.h>
#include <linux/sizes.h>
#include <uapi/linux/vfio.h>

struct mdev_device;
struct mdev_migration_config_block;
struct mdev_type;

/**
 * struct mdev_migration_ops - a driver's migration compatibility callbacks
 * @get: read the current value of parameter @idx (its index in the
 *	model's parameter table) into @val. For a %MIGC_STR parameter, point
 *	@val->s at a string that stays valid until the next call of @get or
 *	@set for this device; the core copies it at once. Never called for a
 *	parameter fixed by the type (migc_param_fixed(), e.g. one made with
 *	MIGC_PARAM_FIXED_INT()): the core answers with its init_value.
 *	Mandatory if the model has other parameters.
 * @set: apply @val to parameter @idx. The core has already checked the
 *	type, the allowed values and the access class; return 0 or a
 *	negative errno. A %MIGC_STR value is NUL-terminated and valid only
 *	during the call: copy it. Mandatory if the model has writable
 *	parameters.
 * @check: optional rule 4 of a device check, after the generic rules
 *	passed: can this device, as configured now, accept a migration
 *	stream from the device @src describes? Return 0, or -EPROTO and fill
 *	@why (its verdict is set to %MIGC_DRIVER_CHECK by the core).
 * @type_check: optional rule 4 of a type check, as @check for a device of
 *	type @mtype configured with the values @src lists.
 * @snapshot: optional; called before every series of @get calls that
 *	must show one state: a description, the values a check compares
 *	(then @check), one params file. A driver whose configuration can
 *	also change outside these callbacks, through its own sysfs files,
 *	captures it here, and @get and @check report that capture. Return 0
 *	or a negative errno, which the read or check returns.
 * @predecessor: optional, for a model whose oldest implementation predates
 *	the description in the stream (see "Older implementations" in
 *	Documentation/driver-api/vfio-mediated-device-migration.rst). The
 *	core calls it with the first @predecessor_len bytes of an incoming
 *	stream that does not start with %MDEV_MIGRATION_STREAM_MAGIC. If
 *	they are the header of the predecessor's stream, set in @implied
 *	(one value per parameter of the model, in table order, as get()
 *	reports them) the values that stream implies for the parameters the
 *	old format expresses, and return 0; the others hold their off_value
 *	already. The core runs the device check on the description of these
 *	values. A %MIGC_STR value must stay valid until the check is done (a
 *	constant). Otherwise return -EPROTO. Called without the device's
 *	migration lock.
 * @predecessor_len: length of the predecessor's stream header, at least 4
 *	and at most %MDEV_MIGRATION_STREAM_DESC_MAX
 * @config_block: optional, for a driver of the config-only migration
 *	whose device has state beyond its configuration
 *
 * The core calls @snapshot, @get, @set and @check of one device with that
 * device's migration lock held, so they are serialized against each other
 * and against mdev_migration_opened() and mdev_migration_freeze(). They
 * may sleep. They must not call mdev_migration_describe(), _check(), _opened()
 * or _freeze() for the same device, nor take a lock that the driver holds
 * while calling one of those.
 */
struct mdev_migration_ops {
	int (*get)(struct mdev_device *mdev, unsigned int idx,
		   struct migc_value *val);
	int (*set)(struct mdev_device *mdev, unsigned int idx,
		   const struct migc_value *val);
	int (*check)(struct mdev_device *mdev, const struct migc_desc *src,
		     struct migc_reason *why);
	int (*type_check)(struct mdev_type *mtype, const struct migc_desc *src,
			  struct migc_reason *why);
	int (*snapshot)(struct mdev_device *mdev);
	int (*predecessor)(struct mdev_device *mdev, const void *hdr,
			   size_t len, struct migc_value *implied);
	size_t predecessor_len;
	const struct mdev_migration_config_block *config_block;
};

void mdev_migration_opened(struct mdev_device *mdev);
void mdev_migration_freeze(struct mdev_device *mdev, bool frozen);
const struct migc_model *mdev_migration_model(struct mdev_device *mdev);
int mdev_migration_describe(struct mdev_device *mdev, char *buf,
			    size_t size);
int mdev_migration_check(struct mdev_device *mdev, const char *buf,
			 size_t len);

/*
 * The description at the start of a migration stream. The source puts the
 * block returned by mdev_migration_stream_desc() before its device state;
 * the destination feeds every incoming write through
 * mdev_migration_stream_in_write() until it is done, which refuses a
 * stream the device cannot accept before any device state is touched.
 *
 * Framing (little endian): magic "MDMG" (u32 0x474d444d), format version
 * (u16, currently 1), reserved (u16, zero), description length (u32, at
 * most MIGC_DOC_MAX), then the description as in migration_info.json.
 *
 * A model older than this framing has a predecessor stream without it
 * (&mdev_migration_ops.predecessor): a device whose parameters are all at
 * their off values sends that stream instead
 * (mdev_migration_stream_predecessor()), and a destination takes one
 * if its own parameters are at their off values.
 */
#define MDEV_MIGRATION_STREAM_MAGIC	0x474d444d
#define MDEV_MIGRATION_STREAM_VERSION	1
/* Longest block mdev_migration_stream_desc() returns: header + document */
#define MDEV_MIGRATION_STREAM_DESC_MAX	(12 + MIGC_DOC_MAX)

/**
 * struct mdev_migration_stream_in - the destination's view of the block
 * @have: bytes of the block received so far
 * @len: length of the whole block, known once the header arrived
 * @buf: the block received so far (header, then description)
 * @err: a refusal is final: the errno every later write returns
 * @predecessor: the stream is the predecessor's: @buf holds its header
 */
struct mdev_migration_stream_in {
	size_t have;
	size_t len;
	u8 *buf;
	int err;
	bool predecessor;
};

void *mdev_migration_stream_desc(struct mdev_device *mdev, size_t *len);
ssize_t mdev_migration_stream_in_write(struct mdev_device *mdev,
				       struct mdev_migration_stream_in *in,
				       const char __user *ubuf, size_t len);
bool mdev_migration_stream_in_done(const struct mdev_migration_stream_in *in);
const void *
mdev_migration_stream_in_predecessor(const struct mdev_migration_stream_in *in,
				     size_t *len);
int mdev_migration_stream_predecessor(struct mdev_device *mdev);
void mdev_migration_stream_in_free(struct mdev_migration_stream_in *in);

/*
 * Config-only migration: a complete VFIO migration v2 implementation for
 * devices whose whole migration state is their configuration. The data is
 * the block mdev_migration_stream_desc() returns; the destination runs the
 * device check on it. See "Devices whose state is their configuration" in
 * Documentation/driver-api/vfio-mediated-device-migration.rst.
 */
struct vfio_migration_ops;

#define MDEV_MIGRATION_CONFIG_FLAGS \
	(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY)
extern const struct vfio_migration_ops mdev_migration_config_ops;

/* Longest driver block of a config-only migration stream */
#define MDEV_MIGRATION_CONFIG_BLOCK_MAX	SZ_1M

/**
 * struct mdev_migration_config_block - device state after the description
 * @max_len: the longest block @save writes and @load takes, at most
 *	%MDEV_MIGRATION_CONFIG_BLOCK_MAX
 * @save: the source's side: write the device's state beyond its
 *	configuration to @buf, at most @size bytes, and return its length,
 *	0 for nothing to send, or a negative errno, which fails the state
 *	change. Called when the device enters STOP_COPY: it is stopped and
 *	its configuration frozen, so the block and the description agree.
 *	Not called while a stream loaded into the device waits for @resume
 *	(a destination saved again before it ran): the core then sends the
 *	block that stream brought, unchanged, or none if it had none.
 * @load: the destination's side, on RESUMING -> STOP once the description
 *	was accepted: check the block the source sent (@buf, @len), or its
 *	absence (%NULL, 0), and keep what it says for @resume. Return 0, or
 *	-EPROTO (the state change fails, the device stays in RESUMING) with
 *	nothing of the device touched.
 * @resume: optional: apply what @load kept when the device next leaves
 *	STOP for a running state. An error fails that state change: the
 *	device stays in STOP, and a VMM may try again or reset the device.
 * @discard: optional: forget what @load kept, never to be applied: the
 *	device was reset or closed, or a new stream starts, before @resume
 *	succeeded. Not called after @resume succeeded.
 *
 * The block's content is the driver's, versioned by the driver; the core
 * frames it after the description (magic %MDEV_MIGRATION_BLOCK_MAGIC,
 * le32 length) and refuses a block longer than @max_len with -EPROTO
 * before the driver sees it. The callbacks run with the migration state
 * lock held and may sleep.
 */
struct mdev_migration_config_block {
	size_t max_len;
	ssize_t (*save)(struct mdev_device *mdev, void *buf, size_t size);
	int (*load)(struct mdev_device *mdev, const void *buf, size_t len);
	int (*resume)(struct mdev_device *mdev);
	void (*discard)(struct mdev_device *mdev);
};

#define MDEV_MIGRATION_BLOCK_MAGIC	0x4244444d	/* "MDDB" */

void mdev_migration_config_reset(struct mdev_device *mdev);
int mdev_migration_config_hold(struct mdev_device *mdev);
void mdev_migration_config_unhold(struct mdev_device *mdev);
void mdev_migration_config_fail(struct mdev_device *mdev, int err);

#if IS_ENABLED(CONFIG_MDEV_MIGRATION_KUNIT_HELPERS)
/*
 * For a driver's KUnit tests: an mdev of its own, outside the mdev bus,
 * and a VMM's calls on its VFIO device
 */
struct file;
struct kunit;
struct vfio_device;

struct mdev_device *
mdev_migration_kunit_mdev(struct kunit *test,
			  const struct mdev_migration_ops *ops,
			  const struct migc_caps *caps, const char *name,
			  void *drvdata);
void mdev_migration_kunit_remove(struct kunit *test, struct mdev_device *mdev);
ssize_t mdev_migration_kunit_param(struct kunit *test, struct mdev_device *mdev,
				   const char *name, const char *val);
char __user *mdev_migration_kunit_ubuf(struct kunit *test, size_t len);
struct file *mdev_migration_kunit_set_state(struct kunit *test,
					    struct vfio_device *vdev,
					    enum vfio_device_mig_state state);
enum vfio_device_mig_state
mdev_migration_kunit_state(struct kunit *test, struct vfio_device *vdev);
long mdev_migration_kunit_precopy(struct kunit *test, struct file *filp,
				  char __user *ubuf);
#endif

#endif /* _LINUX_MDEV_MIGRATION_H */
