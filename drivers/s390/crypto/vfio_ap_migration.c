// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_ap migration compatibility: the mdev migration callbacks.
 *
 * The parameters ``adapters``, ``domains`` and ``control-domains`` are
 * the masks of the mdev's AP configuration; a write goes through the same
 * code as a write to ``ap_config`` (validation, linking, filtering) and is
 * refused with -EBUSY while a guest uses the mdev. ``cards`` is read from
 * the AP bus. The driver check compares all four with the source's.
 *
 * Locking: the mdev core calls get(), set() and check() of one mdev with
 * that mdev's migration lock held. Under it they take ap_perms_mutex and
 * the vfio_ap update locks (vfio_ap_mdev_set_config()) or
 * matrix_dev->mdevs_lock (vfio_ap_mdev_get_config()). vfio_ap never calls
 * the migration core with one of its own locks held, so the order is
 * always migration lock, then vfio_ap locks. &ap_matrix_mdev.mig_value,
 * the string get() hands to the core, is protected by the migration lock.
 *
 * A description is read one parameter at a time. If a writer of
 * assign_adapter or ap_config changes the configuration in between, the
 * description can mix two states; the destination's check then refuses it
 * (its ``cards`` no longer match ``adapters``), and reading it again gives
 * a consistent one. Tools do not reconfigure a source they migrate.
 */
#include <linux/slab.h>

#include "vfio_ap_private.h"
#include "vfio_ap_migration.h"

static struct ap_matrix_mdev *vfio_ap_mig_mdev(struct mdev_device *mdev)
{
	return dev_get_drvdata(&mdev->dev);
}

/* The cards behind @cfg->apm, as the queues of @cfg->aqm report them. */
static void vfio_ap_mig_read_cards(struct vfio_ap_mig_config *cfg)
{
	unsigned long apid, apqi;
	struct ap_queue *aq;

	memset(cfg->cards, 0, sizeof(cfg->cards));
	for_each_set_bit_inv(apid, cfg->apm, AP_DEVICES) {
		for_each_set_bit_inv(apqi, cfg->aqm, AP_DOMAINS) {
			aq = ap_get_qdev(AP_MKQID(apid, apqi));
			if (!aq)
				continue;
			vfio_ap_mig_card_from_hwinfo(&aq->card->hwinfo,
						     &cfg->cards[apid]);
			put_device(&aq->ap_dev.device);
			break;
		}
	}
}

/* The mdev's configuration now and the hardware behind it. */
static struct vfio_ap_mig_config *
vfio_ap_mig_current(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_mig_config *cfg;
	struct ap_matrix m;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return NULL;
	vfio_ap_mdev_get_config(matrix_mdev, &m);
	bitmap_copy(cfg->apm, m.apm, AP_DEVICES);
	bitmap_copy(cfg->aqm, m.aqm, AP_DOMAINS);
	bitmap_copy(cfg->adm, m.adm, AP_DOMAINS);
	vfio_ap_mig_read_cards(cfg);
	return cfg;
}

static int vfio_ap_mig_get(struct mdev_device *mdev,
			   const struct migc_param *param,
			   struct migc_value *val)
{
	struct ap_matrix_mdev *matrix_mdev = vfio_ap_mig_mdev(mdev);
	struct vfio_ap_mig_config *cfg;
	int ret;

	cfg = vfio_ap_mig_current(matrix_mdev);
	if (!cfg)
		return -ENOMEM;
	ret = vfio_ap_mig_param_print(cfg, param - vfio_ap_mig_model.params,
				      matrix_mdev->mig_value,
				      sizeof(matrix_mdev->mig_value));
	kfree(cfg);
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

/* Rule 4 of a device check: this mdev's configuration and hardware. */
static int vfio_ap_mig_check(struct mdev_device *mdev,
			     const struct migc_desc *src_desc,
			     struct migc_reason *why)
{
	struct vfio_ap_mig_config *src, *dst = NULL;
	enum vfio_ap_mig_mismatch m;
	unsigned long apid;
	int ret;

	src = kzalloc(sizeof(*src), GFP_KERNEL);
	if (!src)
		return -ENOMEM;
	ret = vfio_ap_mig_config_from_desc(src_desc, src);
	if (ret)
		goto out;
	dst = vfio_ap_mig_current(vfio_ap_mig_mdev(mdev));
	if (!dst) {
		ret = -ENOMEM;
		goto out;
	}
	m = vfio_ap_mig_compare(src, dst, true, &apid);
	if (m) {
		vfio_ap_mig_explain(m, apid, src, dst, why);
		ret = -EPROTO;
	}
out:
	kfree(dst);
	kfree(src);
	return ret;
}

/*
 * Rule 4 of a type check: a new mdev configured with the source's masks
 * would get queues that are free for vfio_ap and cards that can take the
 * place of the source's. Whether another mdev holds them already shows
 * when the masks are written (-EADDRINUSE), as for assign_adapter.
 */
static int vfio_ap_mig_type_check(struct mdev_type *mtype,
				  const struct migc_desc *src_desc,
				  struct migc_reason *why)
{
	struct vfio_ap_mig_config *src, *host;
	enum vfio_ap_mig_mismatch m = VFIO_AP_MIG_SAME;
	unsigned long apid = 0;
	int ret;

	src = kzalloc(sizeof(*src), GFP_KERNEL);
	host = kzalloc(sizeof(*host), GFP_KERNEL);
	ret = src && host ? 0 : -ENOMEM;
	if (!ret)
		ret = vfio_ap_mig_config_from_desc(src_desc, src);
	if (ret)
		goto out;
	mutex_lock(&ap_perms_mutex);
	if (ap_apqn_in_matrix_owned_by_def_drv(src->apm, src->aqm))
		m = VFIO_AP_MIG_RESERVED;
	mutex_unlock(&ap_perms_mutex);
	if (!m) {
		bitmap_copy(host->apm, src->apm, AP_DEVICES);
		bitmap_copy(host->aqm, src->aqm, AP_DOMAINS);
		vfio_ap_mig_read_cards(host);
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
};
