// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_ap migration compatibility: the model, the encoding of an AP
 * configuration as parameter values and the comparison of two
 * configurations. Nothing here touches AP hardware or takes a lock.
 *
 * Encoding (see Documentation/driver-api/vfio-mediated-device-migration.rst):
 *
 * - ``adapters``, ``domains``, ``control-domains``: bitmap lists of the
 *   numbers 0-255 as printed by ``%*pbl`` ("0-3,7"; "" for none). Any
 *   spelling bitmap_parselist() accepts is read; equal sets are equal.
 * - ``cards``: one entry per adapter in ``adapters``, in ascending order,
 *   separated by ",". An entry is 7 hex digits: AP type (2), facility
 *   byte (2), functional class (2), message length class (1), e.g.
 *   "0e92000" for a CEX8 in CCA mode. "0000000" means no card was found.
 *
 * Worst case: each list is at most 609 bytes (the longest list of
 * numbers 0-255, computed by the KUnit test), ``cards`` at most
 * 256 * 8 - 1 = 2047 bytes, and the whole description stays below
 * MIGC_DOC_MAX (4096), i.e. one page, which the test proves too.
 */
#include <kunit/visibility.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/hex.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "vfio_ap_migration.h"

#define MASK_PARAM(_name)						\
	{ .name = (_name), .type = MIGC_STR, .access = MIGC_RUNTIME,	\
	  .init_value = MIGC_STR_VALUE(""), .driver_compares = true }

static const struct migc_param vfio_ap_mig_params[] = {
	[VFIO_AP_MIG_ADAPTERS] = MASK_PARAM("adapters"),
	[VFIO_AP_MIG_DOMAINS] = MASK_PARAM("domains"),
	[VFIO_AP_MIG_CONTROL_DOMAINS] = MASK_PARAM("control-domains"),
	[VFIO_AP_MIG_CARDS] = {
		.name = "cards", .type = MIGC_STR, .access = MIGC_READONLY,
		.init_value = MIGC_STR_VALUE(""), .driver_compares = true,
	},
};

const struct migc_model vfio_ap_mig_model = {
	.name = VFIO_AP_MIG_MODEL,
	.params = vfio_ap_mig_params,
	.nr_params = ARRAY_SIZE(vfio_ap_mig_params),
};
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_model);

const struct migc_caps vfio_ap_mig_caps = {
	.models = &vfio_ap_mig_model,
	.nr_models = 1,
};
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_caps);

static const char * const vfio_ap_mig_mismatch_names[] = {
	[VFIO_AP_MIG_SAME] = "same configuration",
	[VFIO_AP_MIG_ADAPTERS_DIFFER] = "adapters differ",
	[VFIO_AP_MIG_DOMAINS_DIFFER] = "usage domains differ",
	[VFIO_AP_MIG_CONTROL_DOMAINS_DIFFER] = "control domains differ",
	[VFIO_AP_MIG_RESERVED] = "queues reserved for host drivers",
	[VFIO_AP_MIG_BEYOND_HOST] = "numbers beyond the host's maximum",
	[VFIO_AP_MIG_QUEUE_MISSING] = "queues missing",
	[VFIO_AP_MIG_CARD_MISSING] = "no card",
	[VFIO_AP_MIG_CARD_OLDER] = "older card generation",
	[VFIO_AP_MIG_CARD_NEWER] = "newer card generation",
	[VFIO_AP_MIG_CARD_MODE] = "card mode differs",
	[VFIO_AP_MIG_CARD_FACILITIES] = "card facilities differ",
	[VFIO_AP_MIG_CARD_CLASS] = "card class differs",
	[VFIO_AP_MIG_CARD_MSG_LEN] = "message length class differs",
};

/**
 * vfio_ap_mig_mismatch_str() - name a mismatch for the kernel log
 * @mismatch: the mismatch
 *
 * Return: a short English phrase such as "older card generation".
 */
const char *vfio_ap_mig_mismatch_str(enum vfio_ap_mig_mismatch mismatch)
{
	if ((unsigned int)mismatch >= ARRAY_SIZE(vfio_ap_mig_mismatch_names))
		return "unknown mismatch";
	return vfio_ap_mig_mismatch_names[mismatch];
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_mismatch_str);

/**
 * vfio_ap_mig_card_from_hwinfo() - the guest-visible part of a card
 * @hw: the card's TAPQ information (&ap_card.hwinfo)
 * @card: filled in
 *
 * Keeps what a guest's AP drivers act on: type, facilities including the
 * mode, class and message length. Queue depth, number of domains and the
 * SE bind state are left out: they are host configuration or change at
 * run time.
 */
void vfio_ap_mig_card_from_hwinfo(const struct ap_tapq_hwinfo *hw,
				  struct vfio_ap_mig_card *card)
{
	card->at = hw->at;
	card->fac = (hw->apsc ? VFIO_AP_MIG_FAC_APSC : 0) |
		    (hw->mex4k ? VFIO_AP_MIG_FAC_AP4KM : 0) |
		    (hw->crt4k ? VFIO_AP_MIG_FAC_AP4KC : 0) |
		    (hw->cca ? VFIO_AP_MIG_FAC_CCA : 0) |
		    (hw->accel ? VFIO_AP_MIG_FAC_ACCEL : 0) |
		    (hw->ep11 ? VFIO_AP_MIG_FAC_EP11 : 0) |
		    (hw->apxa ? VFIO_AP_MIG_FAC_APXA : 0) |
		    (hw->slcf ? VFIO_AP_MIG_FAC_SLCF : 0);
	card->class = hw->class;
	card->ml = hw->ml;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_card_from_hwinfo);

/* AP masks number their bits from the left; %*pbl from the right. */
static void vfio_ap_mig_mask_to_ids(const unsigned long *mask,
				    unsigned long *ids)
{
	unsigned long bit;

	bitmap_zero(ids, VFIO_AP_MIG_IDS);
	for_each_set_bit_inv(bit, mask, VFIO_AP_MIG_IDS)
		__set_bit(bit, ids);
}

/**
 * vfio_ap_mig_mask_print() - print an AP mask as a bitmap list
 * @mask: the mask, in AP bit order
 * @buf: where to print
 * @size: size of @buf
 *
 * Return: the length printed, without the NUL, or -E2BIG if @size is too
 * small.
 */
int vfio_ap_mig_mask_print(const unsigned long *mask, char *buf, size_t size)
{
	DECLARE_BITMAP(ids, VFIO_AP_MIG_IDS);
	int len;

	vfio_ap_mig_mask_to_ids(mask, ids);
	len = snprintf(buf, size, "%*pbl", VFIO_AP_MIG_IDS, ids);
	return len < size ? len : -E2BIG;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_mask_print);

/**
 * vfio_ap_mig_mask_parse() - read a bitmap list into an AP mask
 * @s: NUL-terminated list, e.g. "0-3,7"; "" is the empty set
 * @mask: filled in, in AP bit order
 *
 * Return: 0, or -EINVAL if @s is not a list of numbers 0-255.
 */
int vfio_ap_mig_mask_parse(const char *s, unsigned long *mask)
{
	DECLARE_BITMAP(ids, VFIO_AP_MIG_IDS);
	unsigned long bit;

	if (bitmap_parselist(s, ids, VFIO_AP_MIG_IDS))
		return -EINVAL;
	bitmap_zero(mask, VFIO_AP_MIG_IDS);
	for_each_set_bit(bit, ids, VFIO_AP_MIG_IDS)
		__set_bit_inv(bit, mask);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_mask_parse);

/**
 * vfio_ap_mig_cards_print() - print the ``cards`` value of a configuration
 * @cfg: the configuration
 * @buf: where to print
 * @size: size of @buf
 *
 * Return: the length printed, without the NUL, or -E2BIG.
 */
int vfio_ap_mig_cards_print(const struct vfio_ap_mig_config *cfg, char *buf,
			    size_t size)
{
	const struct vfio_ap_mig_card *c;
	unsigned long apid;
	size_t len = 0;
	int n;

	if (!size)
		return -E2BIG;
	buf[0] = '\0';
	for_each_set_bit_inv(apid, cfg->apm, VFIO_AP_MIG_IDS) {
		c = &cfg->cards[apid];
		n = snprintf(buf + len, size - len, "%s%02x%02x%02x%x",
			     len ? "," : "", c->at, c->fac, c->class,
			     c->ml & 0xf);
		if (n >= size - len)
			return -E2BIG;
		len += n;
	}
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_cards_print);

/* One entry of ``cards``: 7 hex digits. */
static int vfio_ap_mig_card_parse(const char *s, struct vfio_ap_mig_card *c)
{
	u8 b[3];
	int ml;

	if (strnlen(s, VFIO_AP_MIG_CARD_LEN) < VFIO_AP_MIG_CARD_LEN)
		return -EINVAL;
	ml = hex_to_bin(s[6]);
	if (hex2bin(b, s, sizeof(b)) || ml < 0)
		return -EINVAL;
	c->at = b[0];
	c->fac = b[1];
	c->class = b[2];
	c->ml = ml;
	return 0;
}

/**
 * vfio_ap_mig_cards_parse() - read a ``cards`` value
 * @s: the value
 * @cfg: configuration whose @apm is set; its @cards are filled in
 *
 * Return: 0, or -EINVAL if @s is malformed or does not have one entry
 * per adapter in @cfg->apm.
 */
int vfio_ap_mig_cards_parse(const char *s, struct vfio_ap_mig_config *cfg)
{
	unsigned long apid;
	bool first = true;

	memset(cfg->cards, 0, sizeof(cfg->cards));
	for_each_set_bit_inv(apid, cfg->apm, VFIO_AP_MIG_IDS) {
		if (!first && *s++ != ',')
			return -EINVAL;
		if (vfio_ap_mig_card_parse(s, &cfg->cards[apid]))
			return -EINVAL;
		s += VFIO_AP_MIG_CARD_LEN;
		first = false;
	}
	return *s ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_cards_parse);

/**
 * vfio_ap_mig_param_print() - print one parameter of a configuration
 * @cfg: the configuration
 * @param: which parameter
 * @buf: where to print
 * @size: size of @buf
 *
 * Return: the length printed, without the NUL, or a negative errno.
 */
int vfio_ap_mig_param_print(const struct vfio_ap_mig_config *cfg,
			    enum vfio_ap_mig_param param, char *buf,
			    size_t size)
{
	switch (param) {
	case VFIO_AP_MIG_ADAPTERS:
		return vfio_ap_mig_mask_print(cfg->apm, buf, size);
	case VFIO_AP_MIG_DOMAINS:
		return vfio_ap_mig_mask_print(cfg->aqm, buf, size);
	case VFIO_AP_MIG_CONTROL_DOMAINS:
		return vfio_ap_mig_mask_print(cfg->adm, buf, size);
	case VFIO_AP_MIG_CARDS:
		return vfio_ap_mig_cards_print(cfg, buf, size);
	default:
		return -EINVAL;
	}
}

/**
 * vfio_ap_mig_config_from_desc() - read a configuration from a description
 * @desc: a description of model %VFIO_AP_MIG_MODEL that passed the generic
 *	rules (so every parameter is there, with the type ``str``)
 * @cfg: filled in
 *
 * Return: 0, or -EINVAL if a value is malformed.
 */
int vfio_ap_mig_config_from_desc(const struct migc_desc *desc,
				 struct vfio_ap_mig_config *cfg)
{
	const char *val[VFIO_AP_MIG_NR_PARAMS] = {};
	const struct migc_param *p;
	unsigned int i;

	for (i = 0; i < desc->nr_params; i++) {
		p = migc_model_find(&vfio_ap_mig_model, desc->params[i].name);
		if (!p || desc->params[i].value.type != MIGC_STR)
			return -EINVAL;
		val[p - vfio_ap_mig_params] = desc->params[i].value.s;
	}
	for (i = 0; i < VFIO_AP_MIG_NR_PARAMS; i++)
		if (!val[i])
			return -EINVAL;
	if (vfio_ap_mig_mask_parse(val[VFIO_AP_MIG_ADAPTERS], cfg->apm) ||
	    vfio_ap_mig_mask_parse(val[VFIO_AP_MIG_DOMAINS], cfg->aqm) ||
	    vfio_ap_mig_mask_parse(val[VFIO_AP_MIG_CONTROL_DOMAINS], cfg->adm))
		return -EINVAL;
	return vfio_ap_mig_cards_parse(val[VFIO_AP_MIG_CARDS], cfg);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_from_desc);

/**
 * vfio_ap_mig_card_compare() - can a card take the place of another?
 * @src: the card behind an adapter on the source
 * @dst: the card behind the same adapter on the destination
 *
 * The destination's card must have the same capabilities: AP type (the
 * generation), mode, facilities, functional class and message length
 * class. A newer generation is refused too: the guest's TAPQ would report
 * another AP type than the one its AP bus bound its drivers to. A source
 * adapter without a card (the guest saw no queues there) asks for
 * nothing.
 *
 * Return: %VFIO_AP_MIG_SAME or the first mismatch found.
 */
enum vfio_ap_mig_mismatch
vfio_ap_mig_card_compare(const struct vfio_ap_mig_card *src,
			 const struct vfio_ap_mig_card *dst)
{
	if (!src->at)
		return VFIO_AP_MIG_SAME;
	if (!dst->at)
		return VFIO_AP_MIG_CARD_MISSING;
	if (dst->at < src->at)
		return VFIO_AP_MIG_CARD_OLDER;
	if (dst->at > src->at)
		return VFIO_AP_MIG_CARD_NEWER;
	if ((src->fac ^ dst->fac) & VFIO_AP_MIG_FAC_MODE)
		return VFIO_AP_MIG_CARD_MODE;
	if (src->fac != dst->fac)
		return VFIO_AP_MIG_CARD_FACILITIES;
	if (src->class != dst->class)
		return VFIO_AP_MIG_CARD_CLASS;
	if (src->ml != dst->ml)
		return VFIO_AP_MIG_CARD_MSG_LEN;
	return VFIO_AP_MIG_SAME;
}

/* The highest number in @mask, or -1 if it is empty. */
static long vfio_ap_mig_mask_last(const unsigned long *mask)
{
	DECLARE_BITMAP(ids, VFIO_AP_MIG_IDS);
	unsigned long last;

	vfio_ap_mig_mask_to_ids(mask, ids);
	last = find_last_bit(ids, VFIO_AP_MIG_IDS);
	return last < VFIO_AP_MIG_IDS ? last : -1;
}

/**
 * vfio_ap_mig_beyond() - does a configuration fit a host's numbering?
 * @cfg: the configuration
 * @apm_max: the host's highest adapter number
 * @aqm_max: its highest usage domain number
 * @adm_max: its highest control domain number
 *
 * Without APXA a host numbers adapters 0-63 and domains 0-15; the mask
 * writes of a configuration beyond that fail with -ENODEV.
 *
 * Return: %VFIO_AP_MIG_SAME or %VFIO_AP_MIG_BEYOND_HOST.
 */
enum vfio_ap_mig_mismatch
vfio_ap_mig_beyond(const struct vfio_ap_mig_config *cfg, unsigned long apm_max,
		   unsigned long aqm_max, unsigned long adm_max)
{
	if (vfio_ap_mig_mask_last(cfg->apm) > (long)apm_max ||
	    vfio_ap_mig_mask_last(cfg->aqm) > (long)aqm_max ||
	    vfio_ap_mig_mask_last(cfg->adm) > (long)adm_max)
		return VFIO_AP_MIG_BEYOND_HOST;
	return VFIO_AP_MIG_SAME;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_beyond);

/**
 * vfio_ap_mig_compare() - can a destination take a source's guest?
 * @src: the source's configuration
 * @dst: the destination's configuration
 * @masks: compare the three masks too (device check); a type check only
 *	compares the cards behind @src's adapters
 * @apid: the adapter of a card mismatch
 *
 * Every APQN of the source must be an APQN of the destination and no more
 * (equal masks), every APQN must have a queue on the destination
 * (@dst->missing is 0), and every card must be able to take the place of
 * the source's (vfio_ap_mig_card_compare()).
 *
 * Return: %VFIO_AP_MIG_SAME or the first mismatch found.
 */
enum vfio_ap_mig_mismatch
vfio_ap_mig_compare(const struct vfio_ap_mig_config *src,
		    const struct vfio_ap_mig_config *dst, bool masks,
		    unsigned long *apid)
{
	enum vfio_ap_mig_mismatch m;
	unsigned long id;

	*apid = 0;
	if (masks && !bitmap_equal(src->apm, dst->apm, VFIO_AP_MIG_IDS))
		return VFIO_AP_MIG_ADAPTERS_DIFFER;
	if (masks && !bitmap_equal(src->aqm, dst->aqm, VFIO_AP_MIG_IDS))
		return VFIO_AP_MIG_DOMAINS_DIFFER;
	if (masks && !bitmap_equal(src->adm, dst->adm, VFIO_AP_MIG_IDS))
		return VFIO_AP_MIG_CONTROL_DOMAINS_DIFFER;
	if (dst->missing)
		return VFIO_AP_MIG_QUEUE_MISSING;
	for_each_set_bit_inv(id, src->apm, VFIO_AP_MIG_IDS) {
		m = vfio_ap_mig_card_compare(&src->cards[id], &dst->cards[id]);
		if (m) {
			*apid = id;
			return m;
		}
	}
	return VFIO_AP_MIG_SAME;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_compare);

/* A mask in a reason: cut to the room there is, as the log is not ABI. */
static void vfio_ap_mig_why_mask(char *buf, size_t size,
				 const unsigned long *mask)
{
	DECLARE_BITMAP(ids, VFIO_AP_MIG_IDS);

	vfio_ap_mig_mask_to_ids(mask, ids);
	scnprintf(buf, size, "\"%*pbl\"", VFIO_AP_MIG_IDS, ids);
}

static void vfio_ap_mig_why_card(char *buf, size_t size, unsigned long apid,
				 const struct vfio_ap_mig_card *c,
				 const char *what)
{
	scnprintf(buf, size, "adapter %lu: %02x%02x%02x%x%s%s", apid, c->at,
		  c->fac, c->class, c->ml & 0xf, what ? " " : "",
		  what ? what : "");
}

/**
 * vfio_ap_mig_explain() - fill the reason of a mismatch for the log
 * @mismatch: what vfio_ap_mig_compare() found
 * @apid: the adapter it named
 * @src: the source's configuration
 * @dst: the destination's configuration
 * @why: filled in: parameter, source and destination value
 */
void vfio_ap_mig_explain(enum vfio_ap_mig_mismatch mismatch,
			 unsigned long apid,
			 const struct vfio_ap_mig_config *src,
			 const struct vfio_ap_mig_config *dst,
			 struct migc_reason *why)
{
	const char *what = vfio_ap_mig_mismatch_str(mismatch);
	enum vfio_ap_mig_param param = VFIO_AP_MIG_CARDS;
	const unsigned long *s = NULL, *d = NULL;

	switch (mismatch) {
	case VFIO_AP_MIG_ADAPTERS_DIFFER:
	case VFIO_AP_MIG_RESERVED:
	case VFIO_AP_MIG_BEYOND_HOST:
	case VFIO_AP_MIG_QUEUE_MISSING:
		param = VFIO_AP_MIG_ADAPTERS;
		s = src->apm;
		d = dst->apm;
		break;
	case VFIO_AP_MIG_DOMAINS_DIFFER:
		param = VFIO_AP_MIG_DOMAINS;
		s = src->aqm;
		d = dst->aqm;
		break;
	case VFIO_AP_MIG_CONTROL_DOMAINS_DIFFER:
		param = VFIO_AP_MIG_CONTROL_DOMAINS;
		s = src->adm;
		d = dst->adm;
		break;
	default:
		break;
	}
	strscpy(why->param, vfio_ap_mig_params[param].name, sizeof(why->param));
	if (mismatch == VFIO_AP_MIG_QUEUE_MISSING) {
		vfio_ap_mig_why_mask(why->src, sizeof(why->src), s);
		scnprintf(why->dst, sizeof(why->dst), "%u %s", dst->missing,
			  what);
	} else if (mismatch == VFIO_AP_MIG_RESERVED ||
		   mismatch == VFIO_AP_MIG_BEYOND_HOST) {
		vfio_ap_mig_why_mask(why->src, sizeof(why->src), s);
		strscpy(why->dst, what, sizeof(why->dst));
	} else if (s) {
		vfio_ap_mig_why_mask(why->src, sizeof(why->src), s);
		vfio_ap_mig_why_mask(why->dst, sizeof(why->dst), d);
	} else {
		vfio_ap_mig_why_card(why->src, sizeof(why->src), apid,
				     &src->cards[apid], NULL);
		vfio_ap_mig_why_card(why->dst, sizeof(why->dst), apid,
				     &dst->cards[apid], what);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_explain);
