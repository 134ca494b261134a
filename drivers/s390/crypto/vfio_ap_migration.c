// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_ap migration compatibility: the mdev migration callbacks.
 *
 * The parameters ``adapters``, ``domains`` and ``control-domains`` are
 * the masks of the mdev's AP configuration; a write goes through the same
 * code as a write to ``ap_config`` (validation, linking, filtering) and is
 * refused with -EBUSY once the mdev was opened. ``cards`` is read from
 * the queues bound to vfio_ap. The driver check compares all four with
 * the source's and wants a queue for every APQN of the configuration.
 *
 * The configuration also changes through assign_adapter and ap_config,
 * which do not take the mdev core's migration lock. So snapshot() copies
 * it, masks and cards, into &ap_matrix_mdev.mig_cfg once per description,
 * check or params file read, and get() and check() report that copy: a
 * description never mixes two configurations.
 *
 * Locking: the mdev core calls snapshot(), get(), set() and check() of one
 * mdev with that mdev's migration lock held; it protects mig_cfg and
 * mig_value (the string get() hands to the core). Under it they take
 * ap_perms_mutex and the vfio_ap update locks (vfio_ap_mdev_set_config())
 * or matrix_dev->mdevs_lock (vfio_ap_mdev_get_config()). vfio_ap never
 * calls the migration core with one of its own locks held, so the order
 * is always migration lock, then vfio_ap locks.
 */
#include <linux/slab.h>

#include "vfio_ap_private.h"
#include "vfio_ap_migration.h"

static struct ap_matrix_mdev *vfio_ap_mig_mdev(struct mdev_device *mdev)
{
	return dev_get_drvdata(&mdev->dev);
}

/* A queue bound to vfio_ap: one APQN less missing, and maybe a card. */
static int vfio_ap_mig_read_queue(struct device *dev, void *data)
{
	struct vfio_ap_mig_config *cfg = data;
	struct ap_queue *aq = to_ap_queue(dev);
	unsigned long apid = AP_QID_CARD(aq->qid);

	if (!test_bit_inv(apid, cfg->apm) ||
	    !test_bit_inv(AP_QID_QUEUE(aq->qid), cfg->aqm))
		return 0;
	cfg->missing--;
	if (!cfg->cards[apid].at)
		vfio_ap_mig_card_from_hwinfo(&aq->card->hwinfo,
					     &cfg->cards[apid]);
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
	return driver_for_each_device(&matrix_dev->vfio_ap_drv->driver, NULL,
				      cfg, vfio_ap_mig_read_queue);
}

/* Copy the mdev's configuration and the hardware behind it to mig_cfg. */
static int vfio_ap_mig_snapshot(struct mdev_device *mdev)
{
	struct ap_matrix_mdev *matrix_mdev = vfio_ap_mig_mdev(mdev);
	struct vfio_ap_mig_config *cfg = &matrix_mdev->mig_cfg;
	struct ap_matrix m;

	vfio_ap_mdev_get_config(matrix_mdev, &m);
	bitmap_copy(cfg->apm, m.apm, AP_DEVICES);
	bitmap_copy(cfg->aqm, m.aqm, AP_DOMAINS);
	bitmap_copy(cfg->adm, m.adm, AP_DOMAINS);
	return vfio_ap_mig_read_queues(cfg);
}

static int vfio_ap_mig_get(struct mdev_device *mdev,
			   const struct migc_param *param,
			   struct migc_value *val)
{
	struct ap_matrix_mdev *matrix_mdev = vfio_ap_mig_mdev(mdev);
	int ret;

	ret = vfio_ap_mig_param_print(&matrix_mdev->mig_cfg,
				      param - vfio_ap_mig_model.params,
				      matrix_mdev->mig_value,
				      sizeof(matrix_mdev->mig_value));
	if (ret < 0)
		return ret;
	val->type = MIGC_STR;
	val->s = matrix_mdev->mig_value;
	return 0;
}

static int vfio_ap_mig_set(struct mdev_device *mdev,
			   const struct migc_param *param,
			   const struct migc_value *val)
{
	struct ap_matrix m = {};
	unsigned long *mask;
	unsigned int which;

	switch (param - vfio_ap_mig_model.params) {
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
	if (vfio_ap_mig_mask_parse(val->s, mask))
		return -EINVAL;
	return vfio_ap_mdev_set_config(vfio_ap_mig_mdev(mdev), &m, which, true);
}

/*
 * Rule 4 of a device check: this mdev's configuration and hardware, as
 * the snapshot the core took for rules 1-3 shows them.
 */
static int vfio_ap_mig_check(struct mdev_device *mdev,
			     const struct migc_desc *src_desc,
			     struct migc_reason *why)
{
	struct vfio_ap_mig_config *dst = &vfio_ap_mig_mdev(mdev)->mig_cfg;
	struct vfio_ap_mig_config *src;
	enum vfio_ap_mig_mismatch m;
	unsigned long apid;
	int ret;

	src = kzalloc(sizeof(*src), GFP_KERNEL);
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

/*
 * Rule 4 of a type check: a new mdev configured with the source's masks
 * would get numbers the host has, queues that are free for vfio_ap and
 * bound to it, and cards that can take the place of the source's.
 * Whether another mdev holds them already shows when the masks are
 * written (-EADDRINUSE), as for assign_adapter.
 */
static int vfio_ap_mig_type_check(struct mdev_type *mtype,
				  const struct migc_desc *src_desc,
				  struct migc_reason *why)
{
	struct vfio_ap_mig_config *src, *host;
	enum vfio_ap_mig_mismatch m;
	unsigned long apid = 0;
	struct ap_matrix max;
	int ret;

	src = kzalloc(sizeof(*src), GFP_KERNEL);
	host = kzalloc(sizeof(*host), GFP_KERNEL);
	ret = src && host ? 0 : -ENOMEM;
	if (!ret)
		ret = vfio_ap_mig_config_from_desc(src_desc, src);
	if (ret)
		goto out;
	vfio_ap_matrix_init(&matrix_dev->info, &max);
	m = vfio_ap_mig_beyond(src, max.apm_max, max.aqm_max, max.adm_max);
	mutex_lock(&ap_perms_mutex);
	if (!m && ap_apqn_in_matrix_owned_by_def_drv(src->apm, src->aqm))
		m = VFIO_AP_MIG_RESERVED;
	mutex_unlock(&ap_perms_mutex);
	if (!m) {
		bitmap_copy(host->apm, src->apm, AP_DEVICES);
		bitmap_copy(host->aqm, src->aqm, AP_DOMAINS);
		ret = vfio_ap_mig_read_queues(host);
		if (ret)
			goto out;
		m = vfio_ap_mig_compare(src, host, false, &apid);
	}
	if (m) {
		vfio_ap_mig_explain(m, apid, src, host, why);
		ret = -EPROTO;
	}
out:
	kfree(host);
	kfree(src);
	return ret;
}

const struct mdev_migration_ops vfio_ap_mig_ops = {
	.get = vfio_ap_mig_get,
	.set = vfio_ap_mig_set,
	.check = vfio_ap_mig_check,
	.type_check = vfio_ap_mig_type_check,
	.snapshot = vfio_ap_mig_snapshot,
};
