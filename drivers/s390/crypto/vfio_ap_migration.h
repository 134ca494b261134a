/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Migration compatibility of vfio_ap mediated devices.
 *
 * The model kernel.org/s390/vfio-ap describes the AP configuration a
 * guest sees: its adapters, usage domains and control domains as
 * ``runtime`` parameters in the kernel's bitmap list format ("0-3,7"),
 * and the hardware of the card behind each adapter as the ``readonly``
 * parameter ``cards``. All four are compared by the driver (rule 4): the
 * masks as sets, the cards per adapter, which must have equal
 * capabilities.
 *
 * vfio_ap_mig_compat.c holds the encoding and the comparison, without
 * any AP hardware access; vfio_ap_migration.c connects it to the mdev
 * core and to the AP bus.
 */
#ifndef _VFIO_AP_MIGRATION_H_
#define _VFIO_AP_MIGRATION_H_

#include <linux/bitmap.h>
#include <linux/mdev_migration.h>
#include <asm/ap.h>

#define VFIO_AP_MIG_MODEL	"kernel.org/s390/vfio-ap"
/* Adapter and domain numbers are 0-255 (AP_DEVICES, AP_DOMAINS). */
#define VFIO_AP_MIG_IDS		256
/* One card in ``cards``: AP type, facility byte, class, message length. */
#define VFIO_AP_MIG_CARD_LEN	7

/* Facility byte: TAPQ GR2 bits 0-7. */
#define VFIO_AP_MIG_FAC_APSC	0x80
#define VFIO_AP_MIG_FAC_AP4KM	0x40
#define VFIO_AP_MIG_FAC_AP4KC	0x20
#define VFIO_AP_MIG_FAC_CCA	0x10
#define VFIO_AP_MIG_FAC_ACCEL	0x08
#define VFIO_AP_MIG_FAC_EP11	0x04
#define VFIO_AP_MIG_FAC_APXA	0x02
#define VFIO_AP_MIG_FAC_SLCF	0x01
/* The mode of a card: CCA coprocessor, accelerator or EP11 coprocessor. */
#define VFIO_AP_MIG_FAC_MODE	(VFIO_AP_MIG_FAC_CCA | VFIO_AP_MIG_FAC_ACCEL | \
				 VFIO_AP_MIG_FAC_EP11)

/* Parameters of the model, in table order. */
enum vfio_ap_mig_param {
	VFIO_AP_MIG_ADAPTERS,
	VFIO_AP_MIG_DOMAINS,
	VFIO_AP_MIG_CONTROL_DOMAINS,
	VFIO_AP_MIG_CARDS,
	VFIO_AP_MIG_NR_PARAMS,
};

/**
 * struct vfio_ap_mig_card - what a guest sees of the card behind an adapter
 * @at: AP type, which is the card generation (CEX4 = 10 ... CEX8 = 14);
 *	0 means no card could be found
 * @fac: facility byte (``VFIO_AP_MIG_FAC_*``), including the mode
 * @class: functional class
 * @ml: maximum message length class (APXL), 0-15
 */
struct vfio_ap_mig_card {
	u8 at;
	u8 fac;
	u8 class;
	u8 ml;
};

/**
 * struct vfio_ap_mig_config - an AP configuration and the hardware behind it
 * @apm: adapters, in the bit order of &struct ap_matrix (``*_bit_inv``)
 * @aqm: usage domains, same bit order
 * @adm: control domains, same bit order
 * @cards: the card behind each adapter; only those in @apm count
 * @missing: how many APQNs of @apm x @aqm have no queue bound to vfio_ap
 *	on this host; not part of a description (0 for a source's)
 */
struct vfio_ap_mig_config {
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS);
	struct vfio_ap_mig_card cards[VFIO_AP_MIG_IDS];
	unsigned int missing;
};

/**
 * struct vfio_ap_mig_irq - the interrupt state the guest set on a queue
 * @apqn: the queue
 * @isc: the guest's interruption subclass
 * @nib: the guest address of its notification indicator byte
 */
struct vfio_ap_mig_irq {
	u16 apqn;
	u8 isc;
	u64 nib;
};

/*
 * The driver block of vfio_ap's migration stream: le16 version
 * (VFIO_AP_MIG_IRQ_VERSION), le16 reserved (0), le32 number of entries,
 * then per queue with interrupts enabled: le16 APQN, u8 ISC (0-7), u8
 * reserved (0), le64 NIB. At most one entry per APQN: 8 + 12 * 65536 =
 * 786440 bytes.
 */
#define VFIO_AP_MIG_IRQ_VERSION	1
#define VFIO_AP_MIG_IRQ_HDR	8
#define VFIO_AP_MIG_IRQ_ENTRY	12
#define VFIO_AP_MIG_IRQ_MAX	(AP_DEVICES * AP_DOMAINS)

/**
 * enum vfio_ap_mig_mismatch - why a destination cannot take a source
 * @VFIO_AP_MIG_SAME: compatible
 * @VFIO_AP_MIG_ADAPTERS_DIFFER: the adapter sets differ
 * @VFIO_AP_MIG_DOMAINS_DIFFER: the usage domain sets differ
 * @VFIO_AP_MIG_CONTROL_DOMAINS_DIFFER: the control domain sets differ
 * @VFIO_AP_MIG_RESERVED: a queue is reserved for the host's own drivers
 *	(not free for vfio_ap, see apmask/aqmask)
 * @VFIO_AP_MIG_BEYOND_HOST: an adapter or domain number is above the
 *	host's maximum
 * @VFIO_AP_MIG_QUEUE_MISSING: an APQN of the configuration has no queue
 *	bound to vfio_ap, so the guest would lose it
 * @VFIO_AP_MIG_CARD_MISSING: no card behind an adapter the source uses
 * @VFIO_AP_MIG_CARD_OLDER: the destination's card is an older generation
 * @VFIO_AP_MIG_CARD_NEWER: the destination's card is a newer generation
 * @VFIO_AP_MIG_CARD_MODE: CCA, accelerator and EP11 mode differ
 * @VFIO_AP_MIG_CARD_FACILITIES: other facility bits differ
 * @VFIO_AP_MIG_CARD_CLASS: the functional class differs
 * @VFIO_AP_MIG_CARD_MSG_LEN: the maximum message length class differs
 */
enum vfio_ap_mig_mismatch {
	VFIO_AP_MIG_SAME,
	VFIO_AP_MIG_ADAPTERS_DIFFER,
	VFIO_AP_MIG_DOMAINS_DIFFER,
	VFIO_AP_MIG_CONTROL_DOMAINS_DIFFER,
	VFIO_AP_MIG_RESERVED,
	VFIO_AP_MIG_BEYOND_HOST,
	VFIO_AP_MIG_QUEUE_MISSING,
	VFIO_AP_MIG_CARD_MISSING,
	VFIO_AP_MIG_CARD_OLDER,
	VFIO_AP_MIG_CARD_NEWER,
	VFIO_AP_MIG_CARD_MODE,
	VFIO_AP_MIG_CARD_FACILITIES,
	VFIO_AP_MIG_CARD_CLASS,
	VFIO_AP_MIG_CARD_MSG_LEN,
};

struct ap_matrix;
struct ap_matrix_mdev;
struct device;
struct device_attribute;

/**
 * typedef vfio_ap_mig_queue_fn_t - visit one queue bound to vfio_ap
 * @data: the caller's context
 * @apqn: the queue's APQN (AP_MKQID(adapter, domain))
 * @hw: the hardware information of the card the queue is on
 *
 * Return: 0 to go on, anything else to stop the walk and return it.
 */
typedef int (*vfio_ap_mig_queue_fn_t)(void *data, unsigned long apqn,
				    const struct ap_tapq_hwinfo *hw);

/* How often a snapshot is retried while the configuration keeps changing */
#define VFIO_AP_MIG_SNAPSHOT_TRIES	3

extern const struct migc_model vfio_ap_mig_model;
extern const struct migc_caps vfio_ap_mig_caps;
extern const struct mdev_migration_ops vfio_ap_mig_ops;

/* vfio_ap_mig_compat.c: encoding and comparison, no hardware access */
void vfio_ap_mig_card_from_hwinfo(const struct ap_tapq_hwinfo *hw,
				  struct vfio_ap_mig_card *card);
int vfio_ap_mig_mask_print(const unsigned long *mask, char *buf,
			   size_t size);
int vfio_ap_mig_mask_parse(const char *s, unsigned long *mask);
int vfio_ap_mig_cards_print(const struct vfio_ap_mig_config *cfg, char *buf,
			    size_t size);
int vfio_ap_mig_cards_parse(const char *s, struct vfio_ap_mig_config *cfg);
int vfio_ap_mig_param_print(const struct vfio_ap_mig_config *cfg,
			    enum vfio_ap_mig_param param, char *buf,
			    size_t size);
int vfio_ap_mig_config_from_desc(const struct migc_desc *desc,
				 struct vfio_ap_mig_config *cfg);
enum vfio_ap_mig_mismatch
vfio_ap_mig_card_compare(const struct vfio_ap_mig_card *src,
			 const struct vfio_ap_mig_card *dst);
enum vfio_ap_mig_mismatch
vfio_ap_mig_beyond(const struct vfio_ap_mig_config *cfg, unsigned long apm_max,
		   unsigned long aqm_max, unsigned long adm_max);
enum vfio_ap_mig_mismatch
vfio_ap_mig_compare(const struct vfio_ap_mig_config *src,
		    const struct vfio_ap_mig_config *dst, bool masks,
		    unsigned long *apid);
void vfio_ap_mig_explain(enum vfio_ap_mig_mismatch mismatch,
			 unsigned long apid,
			 const struct vfio_ap_mig_config *src,
			 const struct vfio_ap_mig_config *dst,
			 struct migc_reason *why);
const char *vfio_ap_mig_mismatch_str(enum vfio_ap_mig_mismatch mismatch);

/*
 * vfio_ap_migration.c: the callbacks of vfio_ap_mig_ops,
 * for an mdev's &ap_matrix_mdev.mig_cfg
 */
int vfio_ap_mig_host_snapshot(struct ap_matrix_mdev *matrix_mdev);
int vfio_ap_mig_host_get(struct ap_matrix_mdev *matrix_mdev,
			 enum vfio_ap_mig_param param, struct migc_value *val);
int vfio_ap_mig_host_set(struct ap_matrix_mdev *matrix_mdev,
			 enum vfio_ap_mig_param param,
			 const struct migc_value *val);
int vfio_ap_mig_host_check(struct ap_matrix_mdev *matrix_mdev,
			   const struct migc_desc *src_desc,
			   struct migc_reason *why);
int vfio_ap_mig_host_type_check(const struct migc_desc *src_desc,
				struct migc_reason *why);
#if IS_ENABLED(CONFIG_KUNIT)
int vfio_ap_mig_walk_queues(vfio_ap_mig_queue_fn_t fn, void *data);
void vfio_ap_mig_maxima(struct ap_matrix *max);
bool vfio_ap_mig_reserved(const unsigned long *apm, const unsigned long *aqm);
#endif

/* vfio_ap_migration.c: the VFIO migration, for vfio_ap_ops.c */
typedef ssize_t (*vfio_ap_mig_store_fn_t)(struct device *dev,
					  struct device_attribute *attr,
					  const char *buf, size_t count);

void vfio_ap_mig_init_dev(struct ap_matrix_mdev *matrix_mdev);
ssize_t vfio_ap_mig_config_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count,
				 vfio_ap_mig_store_fn_t store);

#endif /* _VFIO_AP_MIGRATION_H_ */
