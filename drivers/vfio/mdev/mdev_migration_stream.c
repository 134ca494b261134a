// SPDX-License-Identifier: GPL-2.0-only
/*
 * The description at the start of an mdev migration stream: "a pre-check
 * advises, the stream enforces". The source prepends its description,
 * framed with a magic, a format version and a length; the destination runs
 * the same device check as a write to its migration_info.json before it
 * accepts any device state, in whatever chunk sizes the data arrives.
 *
 * A stream without the magic may be the stream of the model's predecessor,
 * an implementation older than the description: the driver recognises its
 * header and says what description it implies, and the same device check
 * runs on that.
 */

#include <linux/mdev.h>
#include <linux/mdev_migration.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <asm/byteorder.h>

#include "mdev_migration_priv.h"

struct mdev_mig_stream_hdr {
	__le32 magic;
	__le16 version;
	__le16 reserved;
	__le32 len;
} __packed;

#define MDEV_MIG_HDR_LEN sizeof(struct mdev_mig_stream_hdr)
static_assert(MDEV_MIG_HDR_LEN + MIGC_DOC_MAX == MDEV_MIGRATION_STREAM_DESC_MAX);

/**
 * mdev_migration_stream_desc - the block a source puts first in its stream
 * @mdev: the source device
 * @len: set to the length of the block
 *
 * Call once the device left RUNNING for a migration state, after the
 * driver's own mdev_migration_freeze(@mdev, true), so that the runtime
 * parameters the description shows are frozen: leaving RUNNING does not
 * freeze them by itself.
 *
 * Return: the block, to be freed with kfree(), or an ERR_PTR().
 */
void *mdev_migration_stream_desc(struct mdev_device *mdev, size_t *len)
{
	struct mdev_mig_stream_hdr *hdr;
	int ret;

	hdr = kmalloc(MDEV_MIG_HDR_LEN + MIGC_DOC_MAX, GFP_KERNEL);
	if (!hdr)
		return ERR_PTR(-ENOMEM);
	ret = mdev_migration_describe(mdev, (char *)(hdr + 1), MIGC_DOC_MAX);
	if (ret < 0) {
		kfree(hdr);
		return ERR_PTR(ret);
	}
	hdr->magic = cpu_to_le32(MDEV_MIGRATION_STREAM_MAGIC);
	hdr->version = cpu_to_le16(MDEV_MIGRATION_STREAM_VERSION);
	hdr->reserved = 0;
	hdr->len = cpu_to_le32(ret);
	*len = MDEV_MIG_HDR_LEN + ret;
	return hdr;
}
EXPORT_SYMBOL_GPL(mdev_migration_stream_desc);

#define MDEV_MIG_MAGIC_LEN sizeof(__le32)

/* The magic arrived: a description follows, or the predecessor's header. */
static int mdev_mig_check_magic(struct mdev_device *mdev,
				struct mdev_migration_stream_in *in)
{
	u32 magic = get_unaligned_le32(in->buf);
	size_t len;

	if (magic == MDEV_MIGRATION_STREAM_MAGIC)
		return 0;
	len = mdev_migration_predecessor_len(mdev);
	if (!len) {
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration stream: no description (magic %08x)\n",
				       magic);
		return -EPROTO;
	}
	in->predecessor = true;
	in->len = len;
	return 0;
}

/* The header arrived: is it a stream this kernel can read? */
static int mdev_mig_check_hdr(struct mdev_device *mdev,
			      struct mdev_migration_stream_in *in)
{
	const struct mdev_mig_stream_hdr *hdr = (const void *)in->buf;
	u32 len = le32_to_cpu(hdr->len);

	if (le16_to_cpu(hdr->version) != MDEV_MIGRATION_STREAM_VERSION ||
	    hdr->reserved || !len || len > MIGC_DOC_MAX) {
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration stream: unsupported format %u, length %u\n",
				       le16_to_cpu(hdr->version), len);
		return -EPROTO;
	}
	in->len = MDEV_MIG_HDR_LEN + len;
	return 0;
}

/* How many more bytes before the next step can run. */
static size_t mdev_mig_stream_in_want(const struct mdev_migration_stream_in *in)
{
	if (in->len)
		return in->len - in->have;
	if (in->have < MDEV_MIG_MAGIC_LEN)
		return MDEV_MIG_MAGIC_LEN - in->have;
	return MDEV_MIG_HDR_LEN - in->have;
}

static int mdev_mig_stream_in_step(struct mdev_device *mdev,
				   struct mdev_migration_stream_in *in)
{
	int ret;

	if (in->have == MDEV_MIG_MAGIC_LEN && !in->len) {
		ret = mdev_mig_check_magic(mdev, in);
		if (ret || in->len != in->have)
			return ret;
	}
	if (in->have == MDEV_MIG_HDR_LEN && !in->len)
		return mdev_mig_check_hdr(mdev, in);
	if (in->len && in->have == in->len && in->predecessor)
		return mdev_migration_check_predecessor(mdev, in->buf,
							in->len);
	if (in->len && in->have == in->len) {
		ret = mdev_migration_check(mdev, in->buf + MDEV_MIG_HDR_LEN,
					   in->len - MDEV_MIG_HDR_LEN);
		/* A description that does not parse is a foreign stream. */
		if (ret != -EINVAL)
			return ret;
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration stream: the description is malformed\n");
		return -EPROTO;
	}
	return 0;
}

/**
 * mdev_migration_stream_in_write - take stream bytes until the description
 *	is complete and checked
 * @mdev: the destination device, in RESUMING
 * @in: the stream's state, zero-initialized before the first write
 * @ubuf: the bytes written to the data fd
 * @len: how many
 *
 * Consumes bytes of the framed description from the start of @ubuf; once
 * it is complete it runs the device check (the generic rules and the
 * driver's own). Bytes beyond the description are left to the driver.
 * A stream without the magic is the predecessor's if the driver has one:
 * its header is consumed and checked the same way, and the driver finds
 * it with mdev_migration_stream_in_predecessor().
 * A refusal is final: every later call returns the same error, so the
 * driver never sees device state of a stream it refused.
 *
 * Return: bytes consumed (0 once the description was accepted), or
 * -EPROTO if the stream has no acceptable description or the device
 * cannot accept it, -EFAULT (only if no byte was consumed: a fault after
 * some bytes returns their count), -ENOMEM.
 */
ssize_t mdev_migration_stream_in_write(struct mdev_device *mdev,
				       struct mdev_migration_stream_in *in,
				       const char __user *ubuf, size_t len)
{
	size_t done = 0;
	int ret;

	if (in->err)
		return in->err;
	if (!in->buf) {
		in->buf = kmalloc(MDEV_MIG_HDR_LEN + MIGC_DOC_MAX, GFP_KERNEL);
		if (!in->buf)
			return -ENOMEM;
	}
	while (done < len && !mdev_migration_stream_in_done(in)) {
		size_t n = min(mdev_mig_stream_in_want(in), len - done);

		/* Bytes taken before stay taken: report them, a short write. */
		if (copy_from_user(in->buf + in->have, ubuf + done, n))
			return done ? done : -EFAULT;
		in->have += n;
		done += n;
		ret = mdev_mig_stream_in_step(mdev, in);
		if (ret) {
			in->err = ret;
			return ret;
		}
	}
	return done;
}
EXPORT_SYMBOL_GPL(mdev_migration_stream_in_write);

/**
 * mdev_migration_stream_in_done - was the description accepted?
 * @in: the stream's state
 *
 * Return: true once the whole description arrived and passed the check.
 */
bool mdev_migration_stream_in_done(const struct mdev_migration_stream_in *in)
{
	return !in->err && in->len && in->have == in->len;
}
EXPORT_SYMBOL_GPL(mdev_migration_stream_in_done);

/**
 * mdev_migration_stream_in_predecessor - the header of a predecessor's stream
 * @in: the stream's state
 * @len: set to the header's length
 *
 * Once mdev_migration_stream_in_done(), a driver with a predecessor asks
 * which kind of stream follows: the header the core consumed and checked
 * is part of the old format's device state.
 *
 * Return: the header (valid until mdev_migration_stream_in_free()), or
 * NULL if the stream started with a description.
 */
const void *
mdev_migration_stream_in_predecessor(const struct mdev_migration_stream_in *in,
				     size_t *len)
{
	if (!mdev_migration_stream_in_done(in) || !in->predecessor)
		return NULL;
	*len = in->len;
	return in->buf;
}
EXPORT_SYMBOL_GPL(mdev_migration_stream_in_predecessor);

/**
 * mdev_migration_stream_in_free - release the stream's state
 * @in: the stream's state; zeroed again for reuse
 */
void mdev_migration_stream_in_free(struct mdev_migration_stream_in *in)
{
	kfree(in->buf);
	memset(in, 0, sizeof(*in));
}
EXPORT_SYMBOL_GPL(mdev_migration_stream_in_free);
