// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config-only migration: VFIO migration v2 (STOP_COPY, P2P, PRE_COPY) for
 * mdev devices whose migration state is their configuration, plus at most
 * a small driver block (&mdev_migration_ops.config_block). The data is the
 * framed description, then the block; the destination checks both before
 * it leaves RESUMING. How a driver adopts it: "Devices whose state is
 * their configuration" in
 * Documentation/driver-api/vfio-mediated-device-migration.rst.
 *
 * Locking, outermost first:
 * - &mdev_migration_config.state_mutex, the migration state lock: protects
 *   @state, @frozen, @saving and @resuming. Held across every state change
 *   (so the description a source sends is produced with it held), by
 *   _reset(), and briefly by mdev_migration_config_hold(), which counts a
 *   change in @holders while the device is RUNNING; leaving RUNNING waits,
 *   with the lock held, for @holders to drop to 0, so no hold holds a
 *   lock across the driver's change.
 * - &mdev_mig_cfg_file.lock: one data fd's buffers, position and
 *   @disabled; taken by the fd's read(), write() and ioctl(), and with the
 *   state lock held by a state change that ends or changes its session.
 * - the core's per-device migration lock (see mdev_migration.c), taken by
 *   mdev_migration_freeze(), the description and the device check;
 * - the driver's own locks, taken by its migration callbacks;
 * - &mdev_migration_config.fail_lock, a raw spinlock, innermost, always
 *   taken with interrupts disabled: @migrating and @err, so that
 *   mdev_migration_config_fail() takes no other lock and may be called
 *   from any context.
 *
 * A data fd may outlive its session: the device holds a reference to the
 * file while the session lasts; ending the session disables the file
 * (read() and write() then fail with -ENODEV) and drops that reference. A
 * disabled file never touches the device, and every session ends before
 * close_device() returns.
 */

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mdev.h>
#include <linux/mdev_migration.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>

#include "mdev_migration_priv.h"
#include "mdev_private.h"

/* The header of the driver's block: magic, then length (le32 each) */
#define MDEV_MIG_CFG_BLK_HDR	8

/**
 * struct mdev_mig_cfg_file - one data transfer session
 * @filp: its file
 * @lock: protects every field below
 * @vdev: the VFIO device; used only while !@disabled
 * @cfg: the device's state; used only while !@disabled
 * @disabled: the session ended; the file is dead
 * @resuming: a destination's session, else a source's
 * @stop_copy: saving, the device is in STOP_COPY: the end is EOF
 * @poll_wq: where poll() waits for a change of the above
 * @block: saving: the framed description, then the driver's block
 * @len: saving: its length
 * @pos: saving: bytes of it read so far
 * @blk_hdr: resuming: the header of the driver's block, as received
 * @blk_have: resuming: bytes received after the description
 * @blk: resuming: the driver's block
 * @blk_len: resuming: its length, known once the header arrived
 * @blk_err: resuming: a refusal of the block is final
 * @in: resuming: the description received and its check
 */
struct mdev_mig_cfg_file {
	struct file *filp;
	struct mutex lock;	/* see above */
	struct vfio_device *vdev;
	struct mdev_migration_config *cfg;
	bool disabled;
	bool resuming;
	bool stop_copy;
	wait_queue_head_t poll_wq;
	void *block;
	size_t len;
	size_t pos;
	u8 blk_hdr[MDEV_MIG_CFG_BLK_HDR];
	size_t blk_have;
	void *blk;
	size_t blk_len;
	int blk_err;
	struct mdev_migration_stream_in in;
};

/**
 * struct mdev_migration_config - config-only migration state of a device
 * @state_mutex: the migration state lock; protects @state, @frozen,
 *	@saving, @resuming, @resume_pending and @pending, and a new hold's
 *	check of @state
 * @holders: configuration changes in progress (mdev_migration_config_hold())
 * @holders_wq: where leaving RUNNING waits for @holders to drop to 0
 * @state: the VFIO migration state
 * @frozen: mdev_migration_freeze() was called for this migration
 * @saving: the source's session, holding a reference to its file
 * @resuming: the destination's session, holding a reference to its file
 * @resume_pending: the driver's block was loaded, its resume() is due;
 *	whoever clears it without a resume() calls the block's discard()
 * @pending: while @resume_pending: the block that was loaded, or NULL if
 *	the source sent none; a save sends it again instead of calling save()
 * @pending_len: its length
 * @fail_lock: protects @migrating and @err
 * @migrating: the device is not RUNNING
 * @err: mdev_migration_config_fail()'s error, until back to RUNNING
 * @fail_work: wakes the pollers of the data fds after a failure, which
 *	mdev_migration_config_fail() may report from any context
 */
struct mdev_migration_config {
	struct mutex state_mutex;	/* see above */
	atomic_t holders;
	wait_queue_head_t holders_wq;
	enum vfio_device_mig_state state;
	bool frozen;
	struct mdev_mig_cfg_file *saving;
	struct mdev_mig_cfg_file *resuming;
	bool resume_pending;
	void *pending;
	size_t pending_len;
	raw_spinlock_t fail_lock;	/* see above */
	bool migrating;
	int err;
	struct work_struct fail_work;
};

/* The data fds changed: a poll() may see another answer. */
static void mdev_mig_cfg_wake(struct mdev_mig_cfg_file *migf)
{
	if (migf)
		wake_up_interruptible(&migf->poll_wq);
}

static void mdev_mig_cfg_fail_work(struct work_struct *work)
{
	struct mdev_migration_config *cfg =
		container_of(work, struct mdev_migration_config, fail_work);

	mutex_lock(&cfg->state_mutex);
	mdev_mig_cfg_wake(cfg->saving);
	mdev_mig_cfg_wake(cfg->resuming);
	mutex_unlock(&cfg->state_mutex);
}

struct mdev_migration_config *mdev_migration_config_alloc(void)
{
	struct mdev_migration_config *cfg;

	cfg = kzalloc_obj(*cfg);
	if (!cfg)
		return NULL;
	mutex_init(&cfg->state_mutex);
	init_waitqueue_head(&cfg->holders_wq);
	raw_spin_lock_init(&cfg->fail_lock);
	INIT_WORK(&cfg->fail_work, mdev_mig_cfg_fail_work);
	cfg->state = VFIO_DEVICE_STATE_RUNNING;
	return cfg;
}

void mdev_migration_config_free(struct mdev_migration_config *cfg)
{
	if (!cfg)
		return;
	cancel_work_sync(&cfg->fail_work);
	/* close_device() ended every session before the driver went away */
	WARN_ON_ONCE(cfg->saving || cfg->resuming);
	kvfree(cfg->pending);
	mutex_destroy(&cfg->state_mutex);
	kfree(cfg);
}

/*
 * The mdev of a VFIO device an mdev driver allocated with
 * vfio_alloc_device(..., &mdev->dev, ...): only such drivers may use
 * these ops (KUnit's fake mdevs are on the bus too).
 */
static struct mdev_device *mdev_mig_cfg_mdev(struct vfio_device *vdev)
{
	if (vdev->dev->bus != &mdev_bus_type) {
		dev_warn_once(vdev->dev, "config-only migration ops on a device that is no mdev\n");
		return NULL;
	}
	return to_mdev_device(vdev->dev);
}

/* A data fd's device, an mdev: mdev_mig_cfg_mdev() said so before the fd */
static struct mdev_device *
mdev_mig_cfg_file_mdev(const struct mdev_mig_cfg_file *migf)
{
	return to_mdev_device(migf->vdev->dev);
}

/* The state, made on first use: NULL if the device cannot migrate. */
static struct mdev_migration_config *mdev_mig_cfg_of_vdev(struct vfio_device *vdev)
{
	struct mdev_device *mdev = mdev_mig_cfg_mdev(vdev);

	return mdev ? mdev_migration_config_get(mdev) : NULL;
}

/* The error of mdev_migration_config_fail() for this migration, or 0. */
static int mdev_mig_cfg_failed(struct mdev_migration_config *cfg)
{
	int err;

	raw_spin_lock_irq(&cfg->fail_lock);
	err = cfg->err;
	raw_spin_unlock_irq(&cfg->fail_lock);
	return err;
}

/* A data fd may be used: 0, -ENODEV once its session ended, or the failure. */
static int mdev_mig_cfg_file_usable(struct mdev_mig_cfg_file *migf)
{
	lockdep_assert_held(&migf->lock);
	if (migf->disabled)
		return -ENODEV;
	return mdev_mig_cfg_failed(migf->cfg);
}

static ssize_t mdev_mig_cfg_read(struct file *filp, char __user *buf,
				 size_t len, loff_t *pos)
{
	struct mdev_mig_cfg_file *migf = filp->private_data;
	ssize_t ret;

	if (pos)
		return -ESPIPE;
	mutex_lock(&migf->lock);
	ret = mdev_mig_cfg_file_usable(migf);
	if (ret)
		goto out;
	if (migf->pos == migf->len) {
		/* the temporary end of the pre-copy data, or the real end */
		ret = migf->stop_copy ? 0 : -ENOMSG;
		goto out;
	}
	len = min(len, migf->len - migf->pos);
	if (copy_to_user(buf, migf->block + migf->pos, len)) {
		ret = -EFAULT;
		goto out;
	}
	migf->pos += len;
	ret = len;
out:
	mutex_unlock(&migf->lock);
	return ret;
}

/*
 * The memory of the driver's block, whose header was accepted. KUnit makes
 * it fail to show that the failure is final for the data fd.
 */
VISIBLE_IF_KUNIT void *mdev_migration_config_block_alloc(size_t len)
{
	KUNIT_STATIC_STUB_REDIRECT(mdev_migration_config_block_alloc, len);
	return kvmalloc(len, GFP_KERNEL);
}
EXPORT_SYMBOL_IF_KUNIT(mdev_migration_config_block_alloc);

/* The header of the driver's block is complete: is it one it can take? */
static int mdev_mig_cfg_block_hdr(struct mdev_mig_cfg_file *migf,
				  const struct mdev_migration_config_block *blk)
{
	u32 magic = get_unaligned_le32(migf->blk_hdr);
	u32 len = get_unaligned_le32(migf->blk_hdr + 4);

	if (magic != MDEV_MIGRATION_BLOCK_MAGIC || !len || len > blk->max_len) {
		dev_notice_ratelimited(migf->vdev->dev,
				       "migration stream: no driver block of at most %zu bytes after the description (magic %#x, length %u)\n",
				       blk->max_len, magic, len);
		return -EPROTO;
	}
	migf->blk = mdev_migration_config_block_alloc(len);
	if (!migf->blk)
		return -ENOMEM;
	migf->blk_len = len;
	return 0;
}

/*
 * After the description: the driver's block, if the driver has one, and
 * nothing else. Takes at most what completes the header or the block.
 */
static ssize_t mdev_mig_cfg_write_block(struct mdev_mig_cfg_file *migf,
					const char __user *buf, size_t len)
{
	const struct mdev_migration_config_block *blk =
		mdev_migration_config_block(mdev_mig_cfg_file_mdev(migf));
	size_t n, off;
	void *dst;
	int ret;

	if (!len)
		return 0;
	if (migf->blk_err)
		return migf->blk_err;
	if (!blk || (migf->blk && migf->blk_have ==
				  MDEV_MIG_CFG_BLK_HDR + migf->blk_len)) {
		dev_notice_ratelimited(migf->vdev->dev,
				       "migration stream: %zu bytes after its end\n",
				       len);
		return -EINVAL;
	}
	if (migf->blk_have < MDEV_MIG_CFG_BLK_HDR) {
		off = migf->blk_have;
		dst = migf->blk_hdr + off;
		n = min(len, MDEV_MIG_CFG_BLK_HDR - off);
	} else {
		off = migf->blk_have - MDEV_MIG_CFG_BLK_HDR;
		dst = migf->blk + off;
		n = min(len, migf->blk_len - off);
	}
	if (copy_from_user(dst, buf, n))
		return -EFAULT;
	migf->blk_have += n;
	if (migf->blk_have == MDEV_MIG_CFG_BLK_HDR) {
		/* final: the header's bytes are taken, the block is not made */
		ret = mdev_mig_cfg_block_hdr(migf, blk);
		if (ret) {
			migf->blk_err = ret;
			return ret;
		}
	}
	return n;
}

static ssize_t mdev_mig_cfg_write(struct file *filp, const char __user *buf,
				  size_t len, loff_t *pos)
{
	struct mdev_mig_cfg_file *migf = filp->private_data;
	ssize_t ret;

	if (pos)
		return -ESPIPE;
	mutex_lock(&migf->lock);
	ret = mdev_mig_cfg_file_usable(migf);
	if (ret)
		goto out;
	if (mdev_migration_stream_in_done(&migf->in))
		ret = mdev_mig_cfg_write_block(migf, buf, len);
	else
		ret = mdev_migration_stream_in_write(mdev_mig_cfg_file_mdev(migf),
						     &migf->in, buf, len);
out:
	mutex_unlock(&migf->lock);
	return ret;
}

/*
 * Readable while the source's data has bytes left, and at its end in
 * STOP_COPY (EOF); the destination's fd always takes writes. A failed or
 * ended session is EPOLLERR: read() or write() then says why. In PRE_COPY
 * a config-only device never gets new data: the next event is the VMM's
 * own move to STOP_COPY, or a failure.
 */
static __poll_t mdev_mig_cfg_poll(struct file *filp,
				  struct poll_table_struct *wait)
{
	struct mdev_mig_cfg_file *migf = filp->private_data;
	__poll_t mask = 0;

	poll_wait(filp, &migf->poll_wq, wait);
	mutex_lock(&migf->lock);
	if (mdev_mig_cfg_file_usable(migf))
		mask = EPOLLERR;
	else if (migf->resuming)
		mask = EPOLLOUT | EPOLLWRNORM;
	else if (migf->pos < migf->len || migf->stop_copy)
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&migf->lock);
	return mask;
}

static long mdev_mig_cfg_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	struct mdev_mig_cfg_file *migf = filp->private_data;
	struct vfio_precopy_info info = {};
	int ret;

	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	mutex_lock(&migf->lock);
	/* Only a live session may reach its device: the fd can outlive it. */
	ret = mdev_mig_cfg_file_usable(migf);
	if (!ret)
		ret = vfio_check_precopy_ioctl(migf->vdev, cmd, arg, &info);
	/* valid in the PRE_COPY states only */
	if (!ret && (migf->resuming || migf->stop_copy))
		ret = -EINVAL;
	if (!ret) {
		info.initial_bytes = migf->len - migf->pos;
		info.dirty_bytes = 0;
	}
	mutex_unlock(&migf->lock);
	if (ret)
		return ret;
	return copy_to_user((void __user *)arg, &info,
			    offsetofend(struct vfio_precopy_info, dirty_bytes)) ?
	       -EFAULT : 0;
}

static int mdev_mig_cfg_release(struct inode *inode, struct file *filp)
{
	struct mdev_mig_cfg_file *migf = filp->private_data;

	/* the session's own reference is gone: it ended */
	kvfree(migf->block);
	kvfree(migf->blk);
	mdev_migration_stream_in_free(&migf->in);
	mutex_destroy(&migf->lock);
	kfree(migf);
	return 0;
}

static const struct file_operations mdev_mig_cfg_fops = {
	.owner = THIS_MODULE,
	.read = mdev_mig_cfg_read,
	.write = mdev_mig_cfg_write,
	.poll = mdev_mig_cfg_poll,
	.unlocked_ioctl = mdev_mig_cfg_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = mdev_mig_cfg_release,
};

/*
 * A new session: a source's carries the description of the device as it
 * is now (frozen). The returned file holds two references: the session's
 * and the one the VFIO core turns into the data fd.
 */
static struct mdev_mig_cfg_file *
mdev_mig_cfg_file_new(struct vfio_device *vdev, struct mdev_device *mdev,
		      struct mdev_migration_config *cfg, bool resuming)
{
	struct mdev_mig_cfg_file *migf;
	struct file *filp;
	int ret;

	migf = kzalloc_obj(*migf);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&migf->lock);
	init_waitqueue_head(&migf->poll_wq);
	migf->vdev = vdev;
	migf->cfg = cfg;
	migf->resuming = resuming;
	if (!resuming) {
		migf->block = mdev_migration_stream_desc(mdev, &migf->len);
		if (IS_ERR(migf->block)) {
			ret = PTR_ERR(migf->block);
			migf->block = NULL;
			goto err;
		}
	}
	filp = anon_inode_getfile("mdev_mig_config", &mdev_mig_cfg_fops, migf,
				  resuming ? O_WRONLY : O_RDONLY);
	if (IS_ERR(filp)) {
		ret = PTR_ERR(filp);
		goto err;
	}
	stream_open(filp->f_inode, filp);
	migf->filp = get_file(filp);
	return migf;
err:
	kvfree(migf->block);
	mutex_destroy(&migf->lock);
	kfree(migf);
	return ERR_PTR(ret);
}

/* End a session: its fd is dead from now on; drop the session's reference. */
static void mdev_mig_cfg_file_end(struct mdev_mig_cfg_file *migf)
{
	mutex_lock(&migf->lock);
	migf->disabled = true;
	kvfree(migf->block);
	migf->block = NULL;
	migf->len = 0;
	migf->pos = 0;
	kvfree(migf->blk);
	migf->blk = NULL;
	mdev_migration_stream_in_free(&migf->in);
	mutex_unlock(&migf->lock);
	mdev_mig_cfg_wake(migf);
	fput(migf->filp);
}

static void mdev_mig_cfg_end_sessions(struct mdev_migration_config *cfg)
{
	lockdep_assert_held(&cfg->state_mutex);
	if (cfg->saving)
		mdev_mig_cfg_file_end(cfg->saving);
	if (cfg->resuming)
		mdev_mig_cfg_file_end(cfg->resuming);
	cfg->saving = NULL;
	cfg->resuming = NULL;
}

/*
 * Freeze the configuration when the device leaves RUNNING, release it
 * when it is back (also after a failed first step): the state decides.
 */
static void mdev_mig_cfg_settle(struct mdev_device *mdev,
				struct mdev_migration_config *cfg,
				bool running)
{
	lockdep_assert_held(&cfg->state_mutex);
	if (cfg->frozen == !running)
		return;
	cfg->frozen = !running;
	mdev_migration_freeze(mdev, cfg->frozen);
	raw_spin_lock_irq(&cfg->fail_lock);
	cfg->migrating = !running;
	cfg->err = 0;
	raw_spin_unlock_irq(&cfg->fail_lock);
}

/*
 * The driver's block as a save sends it now, in @buf of blk->max_len
 * bytes: its length, 0 for none, or an errno. A stream loaded into the
 * device and not yet resumed is the device's state beside its
 * configuration: its block goes on unchanged (the driver's save() would
 * see a device that never ran it).
 */
static ssize_t mdev_mig_cfg_block_out(struct mdev_device *mdev,
				      struct mdev_migration_config *cfg,
				      void *buf)
{
	const struct mdev_migration_config_block *blk =
		mdev_migration_config_block(mdev);
	ssize_t n;

	lockdep_assert_held(&cfg->state_mutex);
	if (cfg->resume_pending) {
		if (cfg->pending)
			memcpy(buf, cfg->pending, cfg->pending_len);
		return cfg->pending ? cfg->pending_len : 0;
	}
	n = blk->save(mdev, buf, blk->max_len);
	if (WARN_ON_ONCE(n > (ssize_t)blk->max_len))
		n = -EIO;
	return n;
}

/*
 * The source enters STOP_COPY: the device is stopped and its
 * configuration frozen, so the driver's block now goes after the
 * description and agrees with it.
 */
static int mdev_mig_cfg_save_block(struct mdev_mig_cfg_file *migf)
{
	struct mdev_device *mdev = mdev_mig_cfg_file_mdev(migf);
	const struct mdev_migration_config_block *blk =
		mdev_migration_config_block(mdev);
	size_t hdr = migf->len;
	ssize_t n;
	u8 *block;

	lockdep_assert_held(&migf->lock);
	if (!blk)
		return 0;
	block = kvmalloc(hdr + MDEV_MIG_CFG_BLK_HDR + blk->max_len,
			 GFP_KERNEL);
	if (!block)
		return -ENOMEM;
	n = mdev_mig_cfg_block_out(mdev, migf->cfg,
				   block + hdr + MDEV_MIG_CFG_BLK_HDR);
	if (n <= 0) {
		kvfree(block);
		return n;
	}
	memcpy(block, migf->block, hdr);
	put_unaligned_le32(MDEV_MIGRATION_BLOCK_MAGIC, block + hdr);
	put_unaligned_le32(n, block + hdr + 4);
	kvfree(migf->block);
	migf->block = block;
	migf->len = hdr + MDEV_MIG_CFG_BLK_HDR + n;
	return 0;
}

/* STOP -> STOP_COPY, RUNNING -> PRE_COPY, RUNNING_P2P -> PRE_COPY_P2P */
static struct file *mdev_mig_cfg_start(struct vfio_device *vdev,
				       struct mdev_device *mdev,
				       struct mdev_migration_config *cfg,
				       bool resuming, bool stop_copy)
{
	struct mdev_mig_cfg_file *migf;
	struct file *filp;
	int ret = 0;

	migf = mdev_mig_cfg_file_new(vdev, mdev, cfg, resuming);
	if (IS_ERR(migf))
		return ERR_CAST(migf);
	mutex_lock(&migf->lock);
	if (stop_copy)
		ret = mdev_mig_cfg_save_block(migf);
	migf->stop_copy = stop_copy;
	mutex_unlock(&migf->lock);
	if (ret) {
		/* the session's reference, then the one for the caller */
		filp = migf->filp;
		mdev_mig_cfg_file_end(migf);
		fput(filp);
		return ERR_PTR(ret);
	}
	if (resuming)
		cfg->resuming = migf;
	else
		cfg->saving = migf;
	return migf->filp;
}

/* RESUMING -> STOP: the driver checks its block, whole, or its absence */
static int mdev_mig_cfg_load_block(struct mdev_mig_cfg_file *migf)
{
	struct mdev_device *mdev = mdev_mig_cfg_file_mdev(migf);
	const struct mdev_migration_config_block *blk =
		mdev_migration_config_block(mdev);
	int ret;

	lockdep_assert_held(&migf->lock);
	if (!blk)
		return 0;
	if (migf->blk_have &&
	    migf->blk_have != MDEV_MIG_CFG_BLK_HDR + migf->blk_len) {
		dev_notice_ratelimited(migf->vdev->dev,
				       "migration stream: incomplete driver block (%zu bytes)\n",
				       migf->blk_have);
		return -EPROTO;
	}
	ret = blk->load(mdev, migf->blk, migf->blk ? migf->blk_len : 0);
	if (ret)
		dev_notice_ratelimited(migf->vdev->dev,
				       "migration stream: the driver block was refused (%d)\n",
				       ret);
	return ret;
}

/* RESUMING -> STOP: only with the whole description received and accepted */
static int mdev_mig_cfg_finish_resuming(struct mdev_device *mdev,
					struct mdev_migration_config *cfg)
{
	struct mdev_mig_cfg_file *migf = cfg->resuming;
	int ret;

	mutex_lock(&migf->lock);
	ret = migf->in.err ?: migf->blk_err;
	if (!ret && !mdev_migration_stream_in_done(&migf->in)) {
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration stream: incomplete description (%zu bytes)\n",
				       migf->in.have);
		ret = -EPROTO;
	}
	if (!ret)
		ret = mdev_mig_cfg_load_block(migf);
	if (!ret && mdev_migration_config_block(mdev)) {
		cfg->resume_pending = true;
		cfg->pending = migf->blk;
		cfg->pending_len = migf->blk ? migf->blk_len : 0;
		migf->blk = NULL;
	}
	mutex_unlock(&migf->lock);
	if (ret)
		return ret;
	mdev_mig_cfg_end_sessions(cfg);
	return 0;
}

/* PRE_COPY(_P2P) -> STOP_COPY: the same fd, whose end is now EOF */
static int mdev_mig_cfg_stop_copy(struct mdev_migration_config *cfg)
{
	struct mdev_mig_cfg_file *migf = cfg->saving;
	int ret;

	mutex_lock(&migf->lock);
	ret = mdev_mig_cfg_save_block(migf);
	if (!ret)
		migf->stop_copy = true;
	mutex_unlock(&migf->lock);
	mdev_mig_cfg_wake(migf);
	return ret;
}

static bool mdev_mig_cfg_precopy(enum vfio_device_mig_state state)
{
	return state == VFIO_DEVICE_STATE_PRE_COPY ||
	       state == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

/* No stream waits to be resumed any more */
static void mdev_mig_cfg_drop_pending(struct mdev_migration_config *cfg)
{
	lockdep_assert_held(&cfg->state_mutex);
	cfg->resume_pending = false;
	kvfree(cfg->pending);
	cfg->pending = NULL;
	cfg->pending_len = 0;
}

/* The first move out of STOP after a stream was loaded: the driver's turn */
static int mdev_mig_cfg_resume(struct mdev_device *mdev,
			       struct mdev_migration_config *cfg)
{
	const struct mdev_migration_config_block *blk =
		mdev_migration_config_block(mdev);
	int ret = 0;

	lockdep_assert_held(&cfg->state_mutex);
	if (!cfg->resume_pending)
		return 0;
	if (blk->resume)
		ret = blk->resume(mdev);
	if (ret)
		dev_notice_ratelimited(mdev_dev(mdev),
				       "migration: the device cannot resume the state it received (%d)\n",
				       ret);
	else
		mdev_mig_cfg_drop_pending(cfg);
	return ret;
}

/* What the driver's load() kept will never be applied: its discard() */
static void mdev_mig_cfg_discard(struct mdev_device *mdev,
				 struct mdev_migration_config *cfg)
{
	const struct mdev_migration_config_block *blk;

	lockdep_assert_held(&cfg->state_mutex);
	if (!cfg->resume_pending)
		return;
	mdev_mig_cfg_drop_pending(cfg);
	blk = mdev_migration_config_block(mdev);
	if (blk->discard)
		blk->discard(mdev);
}

/* One arc of the FSM, as vfio_mig_get_next_state() lists them. */
static struct file *mdev_mig_cfg_step(struct vfio_device *vdev,
				      struct mdev_device *mdev,
				      struct mdev_migration_config *cfg,
				      enum vfio_device_mig_state next)
{
	enum vfio_device_mig_state cur = cfg->state;
	int ret;

	if (cur == VFIO_DEVICE_STATE_RUNNING) {
		/* No hold starts now (state_mutex); let the running ones end. */
		wait_event(cfg->holders_wq, !atomic_read(&cfg->holders));
		mdev_mig_cfg_settle(mdev, cfg, false);
	}

	if ((cur == VFIO_DEVICE_STATE_STOP &&
	     next == VFIO_DEVICE_STATE_STOP_COPY) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING &&
	     next == VFIO_DEVICE_STATE_PRE_COPY) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING_P2P &&
	     next == VFIO_DEVICE_STATE_PRE_COPY_P2P))
		return mdev_mig_cfg_start(vdev, mdev, cfg, false,
					  next == VFIO_DEVICE_STATE_STOP_COPY);
	if (cur == VFIO_DEVICE_STATE_STOP &&
	    next == VFIO_DEVICE_STATE_RESUMING) {
		mdev_mig_cfg_discard(mdev, cfg);
		return mdev_mig_cfg_start(vdev, mdev, cfg, true, false);
	}
	if (cur == VFIO_DEVICE_STATE_RESUMING) {
		ret = mdev_mig_cfg_finish_resuming(mdev, cfg);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP &&
	    (next == VFIO_DEVICE_STATE_RUNNING_P2P ||
	     next == VFIO_DEVICE_STATE_RUNNING)) {
		ret = mdev_mig_cfg_resume(mdev, cfg);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if (mdev_mig_cfg_precopy(cur) && next == VFIO_DEVICE_STATE_STOP_COPY) {
		ret = mdev_mig_cfg_stop_copy(cfg);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP_COPY ||
	    (mdev_mig_cfg_precopy(cur) && !mdev_mig_cfg_precopy(next)))
		mdev_mig_cfg_end_sessions(cfg);
	return NULL;
}

static struct file *mdev_mig_cfg_set_state(struct vfio_device *vdev,
					   enum vfio_device_mig_state new_state)
{
	struct mdev_device *mdev = mdev_mig_cfg_mdev(vdev);
	struct mdev_migration_config *cfg = mdev_mig_cfg_of_vdev(vdev);
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	if (IS_ERR_OR_NULL(cfg))
		return cfg ? ERR_CAST(cfg) : ERR_PTR(-ENODEV);
	mutex_lock(&cfg->state_mutex);
	ret = new_state == VFIO_DEVICE_STATE_RUNNING ? 0 :
	      mdev_mig_cfg_failed(cfg);
	if (ret)
		res = ERR_PTR(ret);
	while (!ret && cfg->state != new_state) {
		ret = vfio_mig_get_next_state(vdev, cfg->state, new_state,
					      &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = mdev_mig_cfg_step(vdev, mdev, cfg, next);
		if (IS_ERR(res))
			break;
		cfg->state = next;
		/* only the last arc of a path may open a session */
		if (WARN_ON(res && next != new_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	mdev_mig_cfg_settle(mdev, cfg,
			    cfg->state == VFIO_DEVICE_STATE_RUNNING);
	mutex_unlock(&cfg->state_mutex);
	return res;
}

static int mdev_mig_cfg_get_state(struct vfio_device *vdev,
				  enum vfio_device_mig_state *state)
{
	struct mdev_migration_config *cfg = mdev_mig_cfg_of_vdev(vdev);

	if (IS_ERR_OR_NULL(cfg))
		return cfg ? PTR_ERR(cfg) : -ENODEV;
	mutex_lock(&cfg->state_mutex);
	*state = cfg->state;
	mutex_unlock(&cfg->state_mutex);
	return 0;
}

/* Add to @len what the driver's block would take if saved now. */
static int mdev_mig_cfg_block_len(struct mdev_device *mdev,
				  struct mdev_migration_config *cfg, size_t *len)
{
	const struct mdev_migration_config_block *blk =
		mdev_migration_config_block(mdev);
	ssize_t n;
	void *buf;

	if (!blk)
		return 0;
	buf = kvmalloc(blk->max_len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = mdev_mig_cfg_block_out(mdev, cfg, buf);
	kvfree(buf);
	if (n < 0)
		return n;
	if (n)
		*len += MDEV_MIG_CFG_BLK_HDR + n;
	return 0;
}

static int mdev_mig_cfg_get_data_size(struct vfio_device *vdev,
				      unsigned long *stop_copy_length)
{
	struct mdev_device *mdev = mdev_mig_cfg_mdev(vdev);
	struct mdev_migration_config *cfg = mdev_mig_cfg_of_vdev(vdev);
	bool saved = false;
	size_t len = 0;
	void *block;
	int ret = 0;

	if (IS_ERR_OR_NULL(cfg))
		return cfg ? PTR_ERR(cfg) : -ENODEV;
	mutex_lock(&cfg->state_mutex);
	if (cfg->saving) {
		mutex_lock(&cfg->saving->lock);
		len = cfg->saving->len;
		saved = cfg->saving->stop_copy;
		mutex_unlock(&cfg->saving->lock);
	} else {
		block = mdev_migration_stream_desc(mdev, &len);
		if (IS_ERR(block))
			ret = PTR_ERR(block);
		else
			kfree(block);
	}
	/* the driver's block, made on entering STOP_COPY, as it is now */
	if (!ret && !saved)
		ret = mdev_mig_cfg_block_len(mdev, cfg, &len);
	mutex_unlock(&cfg->state_mutex);
	*stop_copy_length = len;
	return ret;
}

/*
 * The VFIO migration v2 callbacks of a device whose migration state is its
 * configuration; see the top of this file.
 */
const struct vfio_migration_ops mdev_migration_config_ops = {
	.migration_set_state = mdev_mig_cfg_set_state,
	.migration_get_state = mdev_mig_cfg_get_state,
	.migration_get_data_size = mdev_mig_cfg_get_data_size,
};
EXPORT_SYMBOL_GPL(mdev_migration_config_ops);

/**
 * mdev_migration_config_reset - end any migration of a device
 * @mdev: a device using &mdev_migration_config_ops
 *
 * Call from the driver's close_device(), and where it handles
 * VFIO_DEVICE_RESET, before it takes its own locks: the device is RUNNING
 * again, its configuration no longer frozen, every data fd of the
 * migration is dead (read() and write() fail with -ENODEV), and a driver
 * block loaded but not yet resumed is discarded.
 */
void mdev_migration_config_reset(struct mdev_device *mdev)
{
	struct mdev_migration_config *cfg = mdev_migration_config_of(mdev);

	if (!cfg)
		return;
	mutex_lock(&cfg->state_mutex);
	mdev_mig_cfg_end_sessions(cfg);
	mdev_mig_cfg_discard(mdev, cfg);
	cfg->state = VFIO_DEVICE_STATE_RUNNING;
	mdev_mig_cfg_settle(mdev, cfg, true);
	mutex_unlock(&cfg->state_mutex);
}
EXPORT_SYMBOL_GPL(mdev_migration_config_reset);

/**
 * mdev_migration_config_hold - keep a device RUNNING during a change
 * @mdev: a device using &mdev_migration_config_ops
 *
 * Call before a change of the device's configuration through the
 * driver's own files (not the migration/params/ files, which the core
 * guards), before the driver takes its own locks. While the device is
 * migrating (not RUNNING), its configuration is what is being migrated:
 * the change must be refused. Otherwise the change is counted until
 * mdev_migration_config_unhold(): a migration starting meanwhile waits
 * for it to end before it freezes the configuration. Nothing is locked
 * in between, so changes may run concurrently (under the driver's own
 * locks) and take their time. May sleep.
 *
 * Return: 0, the change may go ahead and must be followed by
 * mdev_migration_config_unhold(); -EBUSY, the device is not RUNNING;
 * -ENOMEM.
 */
int mdev_migration_config_hold(struct mdev_device *mdev)
{
	struct mdev_migration_config *cfg = mdev_migration_config_get(mdev);
	int ret = 0;

	might_sleep();
	if (IS_ERR_OR_NULL(cfg))
		return PTR_ERR_OR_ZERO(cfg);
	mutex_lock(&cfg->state_mutex);
	if (cfg->state == VFIO_DEVICE_STATE_RUNNING)
		atomic_inc(&cfg->holders);
	else
		ret = -EBUSY;
	mutex_unlock(&cfg->state_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(mdev_migration_config_hold);

/**
 * mdev_migration_config_unhold - the change is done
 * @mdev: a device mdev_migration_config_hold() returned 0 for
 *
 * Does not sleep.
 */
void mdev_migration_config_unhold(struct mdev_device *mdev)
{
	struct mdev_migration_config *cfg = mdev_migration_config_of(mdev);

	if (cfg && atomic_dec_and_test(&cfg->holders))
		wake_up(&cfg->holders_wq);
}
EXPORT_SYMBOL_GPL(mdev_migration_config_unhold);

/**
 * mdev_migration_config_fail - a migration cannot complete
 * @mdev: a device using &mdev_migration_config_ops
 * @err: a negative errno
 *
 * The driver lost part of the configuration that is being migrated (for
 * vfio_ap: a queue of the configuration left the host). Until the device
 * is back in RUNNING, read() and write() on its data fd return @err, and
 * so does every state change other than to RUNNING. A no-op while the
 * device is RUNNING. Takes only a raw spinlock, with interrupts disabled:
 * callable from any context, interrupt handlers included, with or without
 * the driver's locks or the migration state lock held.
 */
void mdev_migration_config_fail(struct mdev_device *mdev, int err)
{
	struct mdev_migration_config *cfg = mdev_migration_config_of(mdev);
	bool failed = false;
	unsigned long flags;

	if (!cfg || WARN_ON_ONCE(err >= 0))
		return;
	raw_spin_lock_irqsave(&cfg->fail_lock, flags);
	if (cfg->migrating && !cfg->err) {
		cfg->err = err;
		failed = true;
	}
	raw_spin_unlock_irqrestore(&cfg->fail_lock, flags);
	if (!failed)
		return;
	dev_notice_ratelimited(mdev_dev(mdev),
			       "migration failed: the configuration changed (%d)\n",
			       err);
	schedule_work(&cfg->fail_work);
}
EXPORT_SYMBOL_GPL(mdev_migration_config_fail);
