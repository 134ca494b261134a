// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_ap migration compatibility: the mdev migration callbacks.
 *
 * The parameters ``adapters``, ``domains`` and ``control-domains`` are
 * the masks of the mdev's AP configuration; a write goes through the same
 * code as a write to ``ap_config`` (validation, linking, filtering, hot
 * plug into a running guest). They are runtime parameters: the mdev core
 * refuses another value with -EBUSY while the device is not RUNNING.
 * ``cards`` is read from the queues bound to vfio_ap. The driver check
 * compares all four with the source's (cards of equal capabilities) and
 * wants a queue for every APQN of the configuration.
 *
 * Everything the callbacks ask of the host, the mdev's masks, the queues
 * bound to vfio_ap and their cards, the host's maxima and the APQNs
 * reserved for its own drivers, goes through five functions: the mdev's
 * vfio_ap_mdev_get_config() and _set_config(), and vfio_ap_mig_walk_queues(),
 * _maxima() and _reserved() on the AP bus. Under KUnit, static stubs put
 * the mdevs on fake hosts; nothing else is replaced.
 *
 * The VFIO migration itself is the mdev core's config-only migration:
 * vfio_ap_mig_init_dev() gives it to the mdev's VFIO device, its driver
 * block carries the interrupt state the guest set per queue
 * (vfio_ap_mdev_get_irqs() and _set_irqs() in vfio_ap_ops.c), and
 * vfio_ap_mig_config_store() freezes the configuration attributes while
 * the mdev is not RUNNING.
 *
 * The configuration also changes through assign_adapter and ap_config,
 * which do not take the mdev core's migration lock. So snapshot() copies
 * it, masks and cards, into &ap_matrix_mdev.mig_cfg once per description,
 * check or params file read, and get() and check() report that copy: a
 * description never mixes two configurations. The masks are read before
 * and after the walk over the queues; if they changed in between, the
 * snapshot is taken again.
 *
 * Locking: the mdev core calls snapshot(), get(), set() and check() of one
 * mdev with that mdev's migration lock held; it protects mig_cfg and
 * mig_value (the string get() hands to the core). Under it they take
 * ap_attr_mutex and the vfio_ap update locks (vfio_ap_mdev_set_config()),
 * matrix_dev->mdevs_lock (vfio_ap_mdev_get_config()) or ap_attr_mutex
 * alone (the reserved APQNs), each released before the callback returns.
 * vfio_ap never calls the migration core with one of its own locks held,
 * so the order is always migration lock, then vfio_ap locks.
 */
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "vfio_ap_private.h"
#include "vfio_ap_migration.h"

/*
 * The host: vfio_ap's matrix of the mdev (vfio_ap_mdev_get_config() and
 * _set_config() in vfio_ap_ops.c) and the AP bus. KUnit replaces these
 * functions with kunit_activate_static_stub() to put mdevs on fake hosts.
 */

struct vfio_ap_mig_bus_walk {
	vfio_ap_mig_queue_fn_t fn;
	void *data;
};

static int vfio_ap_mig_bus_queue(struct device *dev, void *data)
{
	struct vfio_ap_mig_bus_walk *walk = data;
	struct ap_queue *aq = to_ap_queue(dev);

	return walk->fn(walk->data, aq->qid, &aq->card->hwinfo);
}

/**
 * vfio_ap_mig_walk_queues - visit every queue bound to vfio_ap
 * @fn: called for each queue
 * @data: passed to @fn
 *
 * Return: the first non-zero value @fn returns, else 0.
 */
VISIBLE_IF_KUNIT int vfio_ap_mig_walk_queues(vfio_ap_mig_queue_fn_t fn,
					     void *data)
{
	struct vfio_ap_mig_bus_walk walk = { .fn = fn, .data = data };

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_walk_queues, fn, data);
	return driver_for_each_device(&matrix_dev->vfio_ap_drv->driver, NULL,
				      &walk, vfio_ap_mig_bus_queue);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_walk_queues);

/**
 * vfio_ap_mig_maxima - the highest numbers the host has
 * @max: its apm_max, aqm_max and adm_max are set
 */
VISIBLE_IF_KUNIT void vfio_ap_mig_maxima(struct ap_matrix *max)
{
	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_maxima, max);
	vfio_ap_matrix_init(&matrix_dev->info, max);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_maxima);

/**
 * vfio_ap_mig_reserved - whether APQNs are reserved for the host's drivers
 * @apm: adapters
 * @aqm: domains
 *
 * Return: true if an APQN of @apm x @aqm is reserved by the bus
 * attributes apmask and aqmask.
 */
VISIBLE_IF_KUNIT bool vfio_ap_mig_reserved(const unsigned long *apm,
					   const unsigned long *aqm)
{
	DECLARE_BITMAP(a, AP_DEVICES);
	DECLARE_BITMAP(q, AP_DOMAINS);
	bool ret;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_reserved, apm, aqm);
	/* ap_apqn_in_matrix_owned_by_def_drv() takes non-const masks */
	bitmap_copy(a, apm, AP_DEVICES);
	bitmap_copy(q, aqm, AP_DOMAINS);
	mutex_lock(&ap_attr_mutex);
	ret = ap_apqn_in_matrix_owned_by_def_drv(a, q);
	mutex_unlock(&ap_attr_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_reserved);

/* The callbacks, on an mdev's configuration */

/* A queue bound to vfio_ap: one APQN less missing, and maybe a card. */
static int vfio_ap_mig_read_queue(void *data, unsigned long apqn,
				  const struct ap_tapq_hwinfo *hw)
{
	struct vfio_ap_mig_config *cfg = data;
	unsigned long apid = AP_QID_CARD(apqn);

	if (!test_bit_inv(apid, cfg->apm) ||
	    !test_bit_inv(AP_QID_QUEUE(apqn), cfg->aqm))
		return 0;
	cfg->missing--;
	if (!cfg->cards[apid].at)
		vfio_ap_mig_card_from_hwinfo(hw, &cfg->cards[apid]);
	return 0;
}

/*
 * The queues of @cfg's APQNs and the cards behind them, in one walk over
 * the queues bound to vfio_ap (a queue of another mdev's APQN cannot be
 * one of ours: APQNs are assigned to one mdev only).
 */
static int vfio_ap_mig_read_queues(struct vfio_ap_mig_config *cfg)
{
	memset(cfg->cards, 0, sizeof(cfg->cards));
	cfg->missing = bitmap_weight(cfg->apm, AP_DEVICES) *
		       bitmap_weight(cfg->aqm, AP_DOMAINS);
	return vfio_ap_mig_walk_queues(vfio_ap_mig_read_queue, cfg);
}

static bool vfio_ap_mig_masks_equal(const struct ap_matrix *a,
				    const struct ap_matrix *b)
{
	return bitmap_equal(a->apm, b->apm, AP_DEVICES) &&
	       bitmap_equal(a->aqm, b->aqm, AP_DOMAINS) &&
	       bitmap_equal(a->adm, b->adm, AP_DOMAINS);
}

/**
 * vfio_ap_mig_host_snapshot - capture an mdev's configuration for migration
 * @matrix_mdev: the mdev; its mig_cfg is filled in
 *
 * Copies the masks and the cards behind the adapters into
 * &ap_matrix_mdev.mig_cfg, and counts the APQNs without a queue bound to
 * vfio_ap. The masks are read again after the walk over the queues; if
 * they changed meanwhile (an assign or ap_config write), the snapshot is
 * taken again, so mig_cfg shows one moment.
 *
 * Context: the mdev's migration lock held.
 * Return: 0, -EAGAIN if the masks changed during every one of
 * %VFIO_AP_MIG_SNAPSHOT_TRIES tries, or the walk's error.
 */
int vfio_ap_mig_host_snapshot(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_mig_config *cfg = &matrix_mdev->mig_cfg;
	struct ap_matrix before, after;
	int i, ret;

	for (i = 0; i < VFIO_AP_MIG_SNAPSHOT_TRIES; i++) {
		vfio_ap_mdev_get_config(matrix_mdev, &before);
		bitmap_copy(cfg->apm, before.apm, AP_DEVICES);
		bitmap_copy(cfg->aqm, before.aqm, AP_DOMAINS);
		bitmap_copy(cfg->adm, before.adm, AP_DOMAINS);
		ret = vfio_ap_mig_read_queues(cfg);
		if (ret)
			return ret;
		vfio_ap_mdev_get_config(matrix_mdev, &after);
		if (vfio_ap_mig_masks_equal(&before, &after))
			return 0;
	}
	return -EAGAIN;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_host_snapshot);

/**
 * vfio_ap_mig_host_get - a parameter's value in the last snapshot
 * @matrix_mdev: the mdev
 * @param: the parameter
 * @val: set to a string in &ap_matrix_mdev.mig_value
 *
 * Context: the mdev's migration lock held.
 * Return: 0 or -E2BIG.
 */
int vfio_ap_mig_host_get(struct ap_matrix_mdev *matrix_mdev,
			 enum vfio_ap_mig_param param, struct migc_value *val)
{
	int ret;

	ret = vfio_ap_mig_param_print(&matrix_mdev->mig_cfg, param,
				      matrix_mdev->mig_value,
				      sizeof(matrix_mdev->mig_value));
	if (ret < 0)
		return ret;
	val->type = MIGC_STR;
	val->s = matrix_mdev->mig_value;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_host_get);

/**
 * vfio_ap_mig_host_set - write a mask parameter to an mdev's configuration
 * @matrix_mdev: the mdev
 * @param: ``adapters``, ``domains`` or ``control-domains``
 * @val: the mask as a bitmap list
 *
 * Context: the mdev's migration lock held.
 * Return: 0, -EACCES for another parameter, -EINVAL for a malformed list,
 * or the error of vfio_ap_mdev_set_config().
 */
int vfio_ap_mig_host_set(struct ap_matrix_mdev *matrix_mdev,
			 enum vfio_ap_mig_param param,
			 const struct migc_value *val)
{
	struct ap_matrix m = {};
	unsigned long *mask;
	unsigned int which;

	switch (param) {
	case VFIO_AP_MIG_ADAPTERS:
		mask = m.apm;
		which = VFIO_AP_CONFIG_APM;
		break;
	case VFIO_AP_MIG_DOMAINS:
		mask = m.aqm;
		which = VFIO_AP_CONFIG_AQM;
		break;
	case VFIO_AP_MIG_CONTROL_DOMAINS:
		mask = m.adm;
		which = VFIO_AP_CONFIG_ADM;
		break;
	default:
		return -EACCES;
	}
	if (val->type != MIGC_STR || vfio_ap_mig_mask_parse(val->s, mask))
		return -EINVAL;
	return vfio_ap_mdev_set_config(matrix_mdev, &m, which);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_host_set);

/**
 * vfio_ap_mig_host_check - rule 4 of a device check
 * @matrix_mdev: the destination mdev, its mig_cfg taken by a snapshot
 * @src_desc: the source's description
 * @why: filled in on a mismatch
 *
 * Compares the source's masks and cards with the destination's snapshot
 * and wants a queue bound to vfio_ap for every APQN of it.
 *
 * Context: the mdev's migration lock held.
 * Return: 0, -EPROTO on a mismatch, -EINVAL for a malformed description,
 * -ENOMEM.
 */
int vfio_ap_mig_host_check(struct ap_matrix_mdev *matrix_mdev,
			   const struct migc_desc *src_desc,
			   struct migc_reason *why)
{
	struct vfio_ap_mig_config *dst = &matrix_mdev->mig_cfg;
	struct vfio_ap_mig_config *src;
	enum vfio_ap_mig_mismatch m;
	unsigned long apid;
	int ret;

	src = kzalloc_obj(*src);
	if (!src)
		return -ENOMEM;
	ret = vfio_ap_mig_config_from_desc(src_desc, src);
	if (!ret) {
		m = vfio_ap_mig_compare(src, dst, true, &apid);
		if (m) {
			vfio_ap_mig_explain(m, apid, src, dst, why);
			ret = -EPROTO;
		}
	}
	kfree(src);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_host_check);

/**
 * vfio_ap_mig_host_type_check - rule 4 of a type check
 * @src_desc: the source's description
 * @why: filled in on a mismatch
 *
 * A new mdev configured with the source's masks would get numbers the
 * host has, queues that are free for vfio_ap and bound to it, and cards
 * that can take the place of the source's. Whether another mdev holds
 * them already shows when the masks are written (-EADDRINUSE), as for
 * assign_adapter.
 *
 * Return: 0, -EPROTO on a mismatch, -EINVAL for a malformed description,
 * -ENOMEM.
 */
int vfio_ap_mig_host_type_check(const struct migc_desc *src_desc,
				struct migc_reason *why)
{
	struct vfio_ap_mig_config *src, *dst;
	enum vfio_ap_mig_mismatch m;
	unsigned long apid = 0;
	struct ap_matrix max;
	int ret;

	src = kzalloc_obj(*src);
	dst = kzalloc_obj(*dst);
	ret = src && dst ? 0 : -ENOMEM;
	if (!ret)
		ret = vfio_ap_mig_config_from_desc(src_desc, src);
	if (ret)
		goto out;
	vfio_ap_mig_maxima(&max);
	m = vfio_ap_mig_beyond(src, max.apm_max, max.aqm_max, max.adm_max);
	if (!m && vfio_ap_mig_reserved(src->apm, src->aqm))
		m = VFIO_AP_MIG_RESERVED;
	if (!m) {
		bitmap_copy(dst->apm, src->apm, AP_DEVICES);
		bitmap_copy(dst->aqm, src->aqm, AP_DOMAINS);
		ret = vfio_ap_mig_read_queues(dst);
		if (ret)
			goto out;
		m = vfio_ap_mig_compare(src, dst, false, &apid);
	}
	if (m) {
		vfio_ap_mig_explain(m, apid, src, dst, why);
		ret = -EPROTO;
	}
out:
	kfree(dst);
	kfree(src);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_host_type_check);

/* The mdev migration callbacks */

static struct ap_matrix_mdev *vfio_ap_mig_mdev(struct mdev_device *mdev)
{
	return dev_get_drvdata(&mdev->dev);
}

static int vfio_ap_mig_snapshot(struct mdev_device *mdev)
{
	return vfio_ap_mig_host_snapshot(vfio_ap_mig_mdev(mdev));
}

static int vfio_ap_mig_get(struct mdev_device *mdev, unsigned int idx,
			   struct migc_value *val)
{
	return vfio_ap_mig_host_get(vfio_ap_mig_mdev(mdev), idx, val);
}

static int vfio_ap_mig_set(struct mdev_device *mdev, unsigned int idx,
			   const struct migc_value *val)
{
	return vfio_ap_mig_host_set(vfio_ap_mig_mdev(mdev), idx, val);
}

static int vfio_ap_mig_check(struct mdev_device *mdev,
			     const struct migc_desc *src_desc,
			     struct migc_reason *why)
{
	return vfio_ap_mig_host_check(vfio_ap_mig_mdev(mdev), src_desc, why);
}

static int vfio_ap_mig_type_check(struct mdev_type *mtype,
				  const struct migc_desc *src_desc,
				  struct migc_reason *why)
{
	return vfio_ap_mig_host_type_check(src_desc, why);
}

/* The interrupt state, in the config-only stream's driver block */

/* Forget the interrupt state a stream brought */
static void vfio_ap_mig_irqs_drop(struct ap_matrix_mdev *matrix_mdev)
{
	kvfree(matrix_mdev->mig_irqs);
	matrix_mdev->mig_irqs = NULL;
	matrix_mdev->mig_nr_irqs = 0;
}

/* The source enters STOP_COPY: the guest is stopped, nothing changes. */
static ssize_t vfio_ap_mig_irqs_save(struct mdev_device *mdev, void *buf,
				     size_t size)
{
	struct ap_matrix_mdev *matrix_mdev = vfio_ap_mig_mdev(mdev);
	struct vfio_ap_mig_irq *irqs;
	unsigned int i, n;
	u8 *e;

	irqs = kvmalloc_array(VFIO_AP_MIG_IRQ_MAX, sizeof(*irqs), GFP_KERNEL);
	if (!irqs)
		return -ENOMEM;
	n = vfio_ap_mdev_get_irqs(matrix_mdev, irqs, VFIO_AP_MIG_IRQ_MAX);
	if (n) {
		put_unaligned_le16(VFIO_AP_MIG_IRQ_VERSION, buf);
		put_unaligned_le16(0, buf + 2);
		put_unaligned_le32(n, buf + 4);
	}
	for (i = 0; i < n; i++) {
		e = buf + VFIO_AP_MIG_IRQ_HDR + i * VFIO_AP_MIG_IRQ_ENTRY;
		put_unaligned_le16(irqs[i].apqn, e);
		e[2] = irqs[i].isc;
		e[3] = 0;
		put_unaligned_le64(irqs[i].nib, e + 4);
	}
	kvfree(irqs);
	return n ? VFIO_AP_MIG_IRQ_HDR + n * VFIO_AP_MIG_IRQ_ENTRY : 0;
}

/* One entry of a block: of a queue of @m, once, with a valid ISC and NIB */
static int vfio_ap_mig_irq_parse(const u8 *e, const struct ap_matrix *m,
				 unsigned long *seen,
				 struct vfio_ap_mig_irq *irq)
{
	irq->apqn = get_unaligned_le16(e);
	irq->isc = e[2];
	irq->nib = get_unaligned_le64(e + 4);
	if (e[3] || irq->isc > 7 || !irq->nib ||
	    !test_bit_inv(AP_QID_CARD(irq->apqn), m->apm) ||
	    !test_bit_inv(AP_QID_QUEUE(irq->apqn), m->aqm) ||
	    __test_and_set_bit(irq->apqn, seen))
		return -EPROTO;
	return 0;
}

/*
 * RESUMING -> STOP: check the block against this mdev's configuration,
 * which the device check found equal to the source's, and keep it for
 * vfio_ap_mig_irqs_resume(). Nothing of the device is touched.
 */
static int vfio_ap_mig_irqs_load(struct mdev_device *mdev, const void *buf,
				 size_t len)
{
	struct ap_matrix_mdev *matrix_mdev = vfio_ap_mig_mdev(mdev);
	struct vfio_ap_mig_irq *irqs = NULL;
	unsigned long *seen = NULL;
	struct ap_matrix m;
	unsigned int i, n = 0;
	int ret = -EPROTO;

	if (!buf)
		goto keep;
	if (len < VFIO_AP_MIG_IRQ_HDR)
		goto bad;
	n = get_unaligned_le32(buf + 4);
	if (get_unaligned_le16(buf) != VFIO_AP_MIG_IRQ_VERSION ||
	    get_unaligned_le16(buf + 2) || !n || n > VFIO_AP_MIG_IRQ_MAX ||
	    len != VFIO_AP_MIG_IRQ_HDR + n * VFIO_AP_MIG_IRQ_ENTRY)
		goto bad;
	irqs = kvmalloc_array(n, sizeof(*irqs), GFP_KERNEL);
	seen = bitmap_zalloc(VFIO_AP_MIG_IRQ_MAX, GFP_KERNEL);
	if (!irqs || !seen) {
		ret = -ENOMEM;
		goto out;
	}
	vfio_ap_mdev_get_config(matrix_mdev, &m);
	for (i = 0; i < n; i++)
		if (vfio_ap_mig_irq_parse(buf + VFIO_AP_MIG_IRQ_HDR +
					  i * VFIO_AP_MIG_IRQ_ENTRY, &m, seen,
					  &irqs[i]))
			goto bad;
keep:
	vfio_ap_mig_irqs_drop(matrix_mdev);
	matrix_mdev->mig_irqs = irqs;
	matrix_mdev->mig_nr_irqs = n;
	irqs = NULL;
	ret = 0;
	goto out;
bad:
	dev_notice_ratelimited(mdev_dev(mdev),
			       "migration stream: the interrupt state is not one of this configuration\n");
out:
	bitmap_free(seen);
	kvfree(irqs);
	return ret;
}

/* The destination leaves STOP: the guest gets its interrupts back. */
static int vfio_ap_mig_irqs_resume(struct mdev_device *mdev)
{
	struct ap_matrix_mdev *matrix_mdev = vfio_ap_mig_mdev(mdev);
	int ret = 0;

	if (matrix_mdev->mig_nr_irqs)
		ret = vfio_ap_mdev_set_irqs(matrix_mdev, matrix_mdev->mig_irqs,
					    matrix_mdev->mig_nr_irqs);
	if (!ret)
		vfio_ap_mig_irqs_drop(matrix_mdev);
	return ret;
}

/* The device was reset or closed, or a new stream starts, before resume */
static void vfio_ap_mig_irqs_discard(struct mdev_device *mdev)
{
	vfio_ap_mig_irqs_drop(vfio_ap_mig_mdev(mdev));
}

static const struct mdev_migration_config_block vfio_ap_mig_irqs = {
	.max_len = VFIO_AP_MIG_IRQ_HDR +
		   VFIO_AP_MIG_IRQ_MAX * VFIO_AP_MIG_IRQ_ENTRY,
	.save = vfio_ap_mig_irqs_save,
	.load = vfio_ap_mig_irqs_load,
	.resume = vfio_ap_mig_irqs_resume,
	.discard = vfio_ap_mig_irqs_discard,
};

const struct mdev_migration_ops vfio_ap_mig_ops = {
	.get = vfio_ap_mig_get,
	.set = vfio_ap_mig_set,
	.check = vfio_ap_mig_check,
	.type_check = vfio_ap_mig_type_check,
	.snapshot = vfio_ap_mig_snapshot,
	.config_block = &vfio_ap_mig_irqs,
};
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_ops);

/* VFIO migration: the mdev core's config-only migration */

/**
 * vfio_ap_mig_init_dev - give an mdev's VFIO device its migration
 * @matrix_mdev: the mdev, being initialized; @matrix_mdev->mdev is set
 *
 * The queues stay on their hosts: a guest's AP devices migrate as their
 * AP configuration and the interrupt state the guest set per queue. The
 * mdev core's config-only migration sends the description and, in its
 * driver block, that interrupt state; the destination's device check
 * (vfio_ap_mig_ops) refuses a source it cannot take.
 */
void vfio_ap_mig_init_dev(struct ap_matrix_mdev *matrix_mdev)
{
	matrix_mdev->vdev.migration_flags = MDEV_MIGRATION_CONFIG_FLAGS;
	matrix_mdev->vdev.mig_ops = &mdev_migration_config_ops;
}

/**
 * vfio_ap_mig_config_store - a write to a configuration attribute
 * @dev: the mdev's device
 * @attr: the attribute
 * @buf: the value written
 * @count: its length
 * @store: the attribute's store function
 *
 * The configuration is what a migration carries, so it is frozen while
 * the mdev is not RUNNING.
 *
 * Return: what @store returns, or -EBUSY while the mdev is not RUNNING
 * (a migration is in progress); then @store was not called.
 */
ssize_t vfio_ap_mig_config_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count,
				 vfio_ap_mig_store_fn_t store)
{
	struct ap_matrix_mdev *matrix_mdev = dev_get_drvdata(dev);
	ssize_t ret;

	ret = mdev_migration_config_hold(matrix_mdev->mdev);
	if (ret)
		return ret;
	ret = store(dev, attr, buf, count);
	mdev_migration_config_unhold(matrix_mdev->mdev);
	return ret;
}
