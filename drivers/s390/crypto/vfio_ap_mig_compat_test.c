// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the vfio_ap migration compatibility: the encoding of AP
 * configurations, the comparison and its mismatch kinds, and the size of
 * the largest description. No AP hardware is used.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>

#include "vfio_ap_migration.h"

static struct vfio_ap_mig_config *cfg_new(struct kunit *test,
					  const char *apm, const char *aqm,
					  const char *adm)
{
	struct vfio_ap_mig_config *cfg;

	cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_mask_parse(apm, cfg->apm), 0);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_mask_parse(aqm, cfg->aqm), 0);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_mask_parse(adm, cfg->adm), 0);
	return cfg;
}

static const struct vfio_ap_mig_card cex8_cca = {
	.at = 14, .fac = VFIO_AP_MIG_FAC_APSC | VFIO_AP_MIG_FAC_CCA |
			 VFIO_AP_MIG_FAC_APXA, .class = 0, .ml = 0,
};

static void set_cards(struct vfio_ap_mig_config *cfg,
		      const struct vfio_ap_mig_card *card)
{
	unsigned long apid;

	for_each_set_bit_inv(apid, cfg->apm, VFIO_AP_MIG_IDS)
		cfg->cards[apid] = *card;
}

static void vfio_ap_mig_test_caps(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, MIGC_DOC_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, migc_caps_validate(&vfio_ap_mig_caps), 0);
	KUNIT_EXPECT_GT(test, migc_caps_print(&vfio_ap_mig_caps, buf,
					      MIGC_DOC_MAX), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "\"kernel.org/s390/vfio-ap\""));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "\"control-domains\""));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "\"readonly\""));
}

static void vfio_ap_mig_test_mask(struct kunit *test)
{
	DECLARE_BITMAP(mask, VFIO_AP_MIG_IDS);
	char buf[32];

	KUNIT_ASSERT_EQ(test, vfio_ap_mig_mask_parse("0-3,7", mask), 0);
	/* AP bit order: ID 0 is the leftmost bit of the first word */
	KUNIT_EXPECT_TRUE(test, test_bit_inv(0, mask));
	KUNIT_EXPECT_TRUE(test, test_bit_inv(3, mask));
	KUNIT_EXPECT_FALSE(test, test_bit_inv(4, mask));
	KUNIT_EXPECT_TRUE(test, test_bit_inv(7, mask));
	KUNIT_EXPECT_EQ(test, bitmap_weight(mask, VFIO_AP_MIG_IDS), 5);
	KUNIT_EXPECT_EQ(test, mask[0], 0xf1UL << 56);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_print(mask, buf, sizeof(buf)), 5);
	KUNIT_EXPECT_STREQ(test, buf, "0-3,7");

	/* other spellings of a set print canonically */
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_mask_parse("7,3,2,1,0", mask), 0);
	vfio_ap_mig_mask_print(mask, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "0-3,7");
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_mask_parse("", mask), 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(mask, VFIO_AP_MIG_IDS));
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_print(mask, buf, sizeof(buf)), 0);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_mask_parse("0-255", mask), 0);
	KUNIT_EXPECT_TRUE(test, bitmap_full(mask, VFIO_AP_MIG_IDS));
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_print(mask, buf, sizeof(buf)), 5);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_print(mask, buf, 5), -E2BIG);

	/* malformed: the mask is left alone or rewritten, never -ERANGE */
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_parse("256", mask), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_parse("3-1", mask), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_parse("x", mask), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_parse("-1", mask), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_parse("0x3", mask), -EINVAL);
}

static void vfio_ap_mig_test_cards(struct kunit *test)
{
	struct vfio_ap_mig_config *cfg = cfg_new(test, "1,5", "", "");
	char buf[32];

	cfg->cards[1] = cex8_cca;
	cfg->cards[5] = (struct vfio_ap_mig_card){ 13, VFIO_AP_MIG_FAC_EP11,
						   0x2a, 9 };
	cfg->cards[6] = cex8_cca;	/* not assigned: not printed */
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_print(cfg, buf, sizeof(buf)),
			15);
	KUNIT_EXPECT_STREQ(test, buf, "0e92000,0d042a9");
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_print(cfg, buf, 15), -E2BIG);

	KUNIT_ASSERT_EQ(test, vfio_ap_mig_cards_parse("0e92000,0d042a9", cfg),
			0);
	KUNIT_EXPECT_EQ(test, cfg->cards[1].at, 14);
	KUNIT_EXPECT_EQ(test, cfg->cards[1].fac, 0x92);
	KUNIT_EXPECT_EQ(test, cfg->cards[5].class, 0x2a);
	KUNIT_EXPECT_EQ(test, cfg->cards[5].ml, 9);
	KUNIT_EXPECT_EQ(test, cfg->cards[6].at, 0);

	/* one entry per adapter, 7 hex digits each, nothing else */
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("0e92000", cfg), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("0e92000,0d042a9,0e92000",
						      cfg), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("0e92000,0d042a", cfg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("0e92000,0d042a90", cfg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("0e92000;0d042a9", cfg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("0e9200g,0d042a9", cfg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("0e92000,0d042a9,", cfg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("", cfg), -EINVAL);
	cfg = cfg_new(test, "", "", "");
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("", cfg), 0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_cards_parse("0e92000", cfg), -EINVAL);
}

static void vfio_ap_mig_test_hwinfo(struct kunit *test)
{
	struct ap_tapq_hwinfo hw = { .value = 0 };
	struct vfio_ap_mig_card card;

	hw.at = 14;
	hw.apsc = 1;
	hw.cca = 1;
	hw.apxa = 1;
	hw.class = 0x2a;
	hw.ml = 7;
	/* not compared: host configuration or run-time state */
	hw.nd = 84;
	hw.qd = 8;
	hw.bs = AP_BS_Q_UNUSABLE;
	vfio_ap_mig_card_from_hwinfo(&hw, &card);
	KUNIT_EXPECT_EQ(test, card.at, 14);
	KUNIT_EXPECT_EQ(test, card.fac, VFIO_AP_MIG_FAC_APSC |
			VFIO_AP_MIG_FAC_CCA | VFIO_AP_MIG_FAC_APXA);
	KUNIT_EXPECT_EQ(test, card.class, 0x2a);
	KUNIT_EXPECT_EQ(test, card.ml, 7);

	hw.value = 0;
	hw.accel = 1;
	hw.ep11 = 1;
	hw.mex4k = 1;
	hw.crt4k = 1;
	hw.slcf = 1;
	vfio_ap_mig_card_from_hwinfo(&hw, &card);
	KUNIT_EXPECT_EQ(test, card.fac, VFIO_AP_MIG_FAC_ACCEL |
			VFIO_AP_MIG_FAC_EP11 | VFIO_AP_MIG_FAC_AP4KM |
			VFIO_AP_MIG_FAC_AP4KC | VFIO_AP_MIG_FAC_SLCF);
}

/* One kind of mismatch: the destination differs from cex8_cca on 0-3 */
struct mismatch_case {
	const char *name;
	const char *apm, *aqm, *adm;
	struct vfio_ap_mig_card card;
	bool no_card;
	enum vfio_ap_mig_mismatch device, type;
	const char *param;
	unsigned int missing;
};

#define CARD(_at, _fac, _class, _ml) { _at, _fac, _class, _ml }
#define CCA	(VFIO_AP_MIG_FAC_APSC | VFIO_AP_MIG_FAC_CCA | VFIO_AP_MIG_FAC_APXA)

static const struct mismatch_case mismatch_cases[] = {
	{ "same", "0-3", "4,5", "4-6", CARD(14, CCA, 0, 0), false,
	  VFIO_AP_MIG_SAME, VFIO_AP_MIG_SAME, "" },
	{ "newer card generation", "0-3", "4,5", "4-6", CARD(15, CCA, 0, 0),
	  false, VFIO_AP_MIG_CARD_NEWER, VFIO_AP_MIG_CARD_NEWER, "cards" },
	{ "one adapter more", "0-4", "4,5", "4-6", CARD(14, CCA, 0, 0), false,
	  VFIO_AP_MIG_ADAPTERS_DIFFER, VFIO_AP_MIG_SAME, "adapters" },
	{ "one adapter less", "0-2", "4,5", "4-6", CARD(14, CCA, 0, 0), false,
	  VFIO_AP_MIG_ADAPTERS_DIFFER, VFIO_AP_MIG_SAME, "adapters" },
	{ "other usage domain", "0-3", "4,6", "4-6", CARD(14, CCA, 0, 0),
	  false, VFIO_AP_MIG_DOMAINS_DIFFER, VFIO_AP_MIG_SAME, "domains" },
	{ "other control domains", "0-3", "4,5", "4-5", CARD(14, CCA, 0, 0),
	  false, VFIO_AP_MIG_CONTROL_DOMAINS_DIFFER, VFIO_AP_MIG_SAME,
	  "control-domains" },
	{ "a queue missing", "0-3", "4,5", "4-6", CARD(14, CCA, 0, 0), false,
	  VFIO_AP_MIG_QUEUE_MISSING, VFIO_AP_MIG_QUEUE_MISSING, "adapters",
	  1 },
	{ "no card", "0-3", "4,5", "4-6", CARD(14, CCA, 0, 0), true,
	  VFIO_AP_MIG_CARD_MISSING, VFIO_AP_MIG_CARD_MISSING, "cards" },
	{ "older card generation", "0-3", "4,5", "4-6", CARD(13, CCA, 0, 0),
	  false, VFIO_AP_MIG_CARD_OLDER, VFIO_AP_MIG_CARD_OLDER, "cards" },
	{ "EP11 instead of CCA", "0-3", "4,5", "4-6",
	  CARD(14, VFIO_AP_MIG_FAC_APSC | VFIO_AP_MIG_FAC_EP11 |
	       VFIO_AP_MIG_FAC_APXA, 0, 0), false, VFIO_AP_MIG_CARD_MODE,
	  VFIO_AP_MIG_CARD_MODE, "cards" },
	{ "accelerator instead of CCA", "0-3", "4,5", "4-6",
	  CARD(14, VFIO_AP_MIG_FAC_APSC | VFIO_AP_MIG_FAC_ACCEL |
	       VFIO_AP_MIG_FAC_APXA, 0, 0), false, VFIO_AP_MIG_CARD_MODE,
	  VFIO_AP_MIG_CARD_MODE, "cards" },
	{ "no APXA", "0-3", "4,5", "4-6",
	  CARD(14, VFIO_AP_MIG_FAC_APSC | VFIO_AP_MIG_FAC_CCA, 0, 0), false,
	  VFIO_AP_MIG_CARD_FACILITIES, VFIO_AP_MIG_CARD_FACILITIES, "cards" },
	{ "4K modulus", "0-3", "4,5", "4-6",
	  CARD(14, CCA | VFIO_AP_MIG_FAC_AP4KM, 0, 0), false,
	  VFIO_AP_MIG_CARD_FACILITIES, VFIO_AP_MIG_CARD_FACILITIES, "cards" },
	{ "other class", "0-3", "4,5", "4-6", CARD(14, CCA, 1, 0), false,
	  VFIO_AP_MIG_CARD_CLASS, VFIO_AP_MIG_CARD_CLASS, "cards" },
	{ "other message length", "0-3", "4,5", "4-6", CARD(14, CCA, 0, 3),
	  false, VFIO_AP_MIG_CARD_MSG_LEN, VFIO_AP_MIG_CARD_MSG_LEN, "cards" },
};

static void mismatch_desc(const struct mismatch_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mismatch, mismatch_cases, mismatch_desc);

static void vfio_ap_mig_test_mismatch(struct kunit *test)
{
	const struct mismatch_case *c = test->param_value;
	struct vfio_ap_mig_config *src = cfg_new(test, "0-3", "4,5", "4-6");
	struct vfio_ap_mig_config *dst = cfg_new(test, c->apm, c->aqm, c->adm);
	struct migc_reason why = {};
	unsigned long apid;

	set_cards(src, &cex8_cca);
	/* like the host, the destination has a card behind every adapter */
	for (apid = 0; apid < VFIO_AP_MIG_IDS; apid++)
		dst->cards[apid] = c->card;
	if (c->no_card)
		memset(&dst->cards[2], 0, sizeof(dst->cards[2]));
	dst->missing = c->missing;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_compare(src, dst, true, &apid),
			c->device);
	if (c->device) {
		vfio_ap_mig_explain(c->device, apid, src, dst, &why);
		KUNIT_EXPECT_STREQ(test, why.param, c->param);
		KUNIT_EXPECT_GT(test, strlen(why.src), 0);
		KUNIT_EXPECT_GT(test, strlen(why.dst), 0);
	}
	if (c->device >= VFIO_AP_MIG_CARD_MISSING) {
		const char *what = vfio_ap_mig_mismatch_str(c->device);

		KUNIT_EXPECT_EQ(test, apid, c->no_card ? 2 : 0);
		KUNIT_EXPECT_NOT_NULL(test, strstr(why.dst, what));
	}
	/* a type check compares the cards behind the source's adapters only */
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_compare(src, dst, false, &apid),
			c->type);
}

/* Numbers above a host's maximum: 63/15 without APXA, up to 255 with. */
static void vfio_ap_mig_test_beyond(struct kunit *test)
{
	struct vfio_ap_mig_config *cfg = cfg_new(test, "0,63", "15", "0-15");
	struct migc_reason why = {};

	KUNIT_EXPECT_EQ(test, vfio_ap_mig_beyond(cfg, 63, 15, 15),
			VFIO_AP_MIG_SAME);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_beyond(cfg, 62, 15, 15),
			VFIO_AP_MIG_BEYOND_HOST);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_beyond(cfg, 63, 14, 15),
			VFIO_AP_MIG_BEYOND_HOST);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_beyond(cfg, 63, 15, 14),
			VFIO_AP_MIG_BEYOND_HOST);
	cfg = cfg_new(test, "255", "255", "");
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_beyond(cfg, 255, 255, 0),
			VFIO_AP_MIG_SAME);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_beyond(cfg, 63, 255, 0),
			VFIO_AP_MIG_BEYOND_HOST);
	vfio_ap_mig_explain(VFIO_AP_MIG_BEYOND_HOST, 0, cfg, cfg, &why);
	KUNIT_EXPECT_STREQ(test, why.param, "adapters");
	KUNIT_EXPECT_STREQ(test, why.src, "\"255\"");
	/* an empty configuration fits any host */
	cfg = cfg_new(test, "", "", "");
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_beyond(cfg, 0, 0, 0),
			VFIO_AP_MIG_SAME);
}

/* A source adapter without a card asks nothing of the destination. */
static void vfio_ap_mig_test_source_without_card(struct kunit *test)
{
	struct vfio_ap_mig_config *src = cfg_new(test, "0-1", "1", "");
	struct vfio_ap_mig_config *dst = cfg_new(test, "0-1", "1", "");
	unsigned long apid;

	src->cards[0] = cex8_cca;
	dst->cards[0] = cex8_cca;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_compare(src, dst, true, &apid),
			VFIO_AP_MIG_SAME);
	dst->cards[1] = cex8_cca;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_compare(src, dst, true, &apid),
			VFIO_AP_MIG_SAME);
	/* but it does not let the destination lose a card */
	swap(src->cards[0], src->cards[1]);
	dst->cards[1].at = 0;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_compare(src, dst, true, &apid),
			VFIO_AP_MIG_CARD_MISSING);
	KUNIT_EXPECT_EQ(test, apid, 1);
}

static struct migc_desc *desc_of(struct kunit *test, const char *doc)
{
	struct migc_desc *desc = kunit_kzalloc(test, sizeof(*desc), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, desc);
	KUNIT_ASSERT_EQ(test, migc_desc_parse(doc, strlen(doc), desc), 0);
	return desc;
}

#define DESC(a, d, c, k)						\
	"{\"model\": \"kernel.org/s390/vfio-ap\", \"params\": {"	\
	"\"adapters\": \"" a "\", \"domains\": \"" d "\", "		\
	"\"control-domains\": \"" c "\", \"cards\": \"" k "\"}}"

#define NO_CARDS							\
	"{\"model\": \"kernel.org/s390/vfio-ap\", \"params\": {"	\
	"\"adapters\": \"\", \"domains\": \"\", \"control-domains\": \"\"}}"

static void vfio_ap_mig_test_from_desc(struct kunit *test)
{
	struct vfio_ap_mig_config *cfg = cfg_new(test, "", "", "");
	struct vfio_ap_mig_config *want = cfg_new(test, "1,5", "0-3", "0-3,9");
	struct migc_desc *desc;
	unsigned long apid;

	want->cards[1] = cex8_cca;
	want->cards[5] = cex8_cca;
	desc = desc_of(test, DESC("1,5", "0,1,2,3", "0-3,9", "0e92000,0e92000"));
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_from_desc(desc, cfg), 0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_compare(cfg, want, true, &apid),
			VFIO_AP_MIG_SAME);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(cfg->aqm, want->aqm,
					     VFIO_AP_MIG_IDS));

	desc = desc_of(test, DESC("1,5", "0-3", "0-3", "0e92000"));
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_from_desc(desc, cfg), -EINVAL);
	desc = desc_of(test, DESC("1-", "0-3", "0-3", "0e92000"));
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_from_desc(desc, cfg), -EINVAL);
	desc = desc_of(test, DESC("1", "0-300", "0-3", "0e92000"));
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_from_desc(desc, cfg), -EINVAL);
	desc = desc_of(test, DESC("1", "0-3", "all", "0e92000"));
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_from_desc(desc, cfg), 0);
	KUNIT_EXPECT_TRUE(test, bitmap_full(cfg->adm, VFIO_AP_MIG_IDS));
	/* no cards */
	desc = desc_of(test, DESC("", "", "", "\", \"x\": \""));
	KUNIT_EXPECT_EQ(test, desc->nr_params, 5);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_from_desc(desc, cfg), -EINVAL);
	desc = desc_of(test, NO_CARDS);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_from_desc(desc, cfg), -EINVAL);
}

static int digits(unsigned int n)
{
	return n >= 100 ? 3 : n >= 10 ? 2 : 1;
}

/*
 * The longest bitmap list of the numbers 0-255, by dynamic programming
 * over where the runs start and end: best[i] is the longest text (each
 * run followed by a comma) of runs that start at i or later. Fills @mask
 * (AP bit order) with a set that has that list.
 */
static int longest_list(struct kunit *test, unsigned long *mask)
{
	const int n = VFIO_AP_MIG_IDS;
	int *best, *end, i, e, len, next;

	best = kunit_kcalloc(test, n + 2, sizeof(*best), GFP_KERNEL);
	end = kunit_kcalloc(test, n + 2, sizeof(*end), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, best);
	KUNIT_ASSERT_NOT_NULL(test, end);
	for (i = n - 1; i >= 0; i--) {
		best[i] = best[i + 1];
		end[i] = -1;
		for (e = i; e < n; e++) {
			len = digits(i) + (e > i ? 1 + digits(e) : 0) + 1;
			next = e + 2 <= n ? best[e + 2] : 0;
			if (len + next > best[i]) {
				best[i] = len + next;
				end[i] = e;
			}
		}
	}
	bitmap_zero(mask, n);
	for (i = 0; i < n; ) {
		if (end[i] < 0) {
			i++;
			continue;
		}
		for (e = i; e <= end[i]; e++)
			__set_bit_inv(e, mask);
		i = end[i] + 2;
	}
	return best[0] - 1;
}

/*
 * The worst case fits one page: the three longest lists there are and 256
 * different cards (more than the longest adapter list can have), printed
 * by the engine's own printer.
 */
static void vfio_ap_mig_test_worst_case(struct kunit *test)
{
	struct vfio_ap_mig_config *cfg = cfg_new(test, "", "", "");
	struct vfio_ap_mig_config *all = cfg_new(test, "0-255", "0-255",
						 "0-255");
	struct migc_value v[VFIO_AP_MIG_NR_PARAMS];
	char *list, *cards, *doc;
	int max, len, i;

	list = kunit_kzalloc(test, MIGC_STR_MAX + 1, GFP_KERNEL);
	cards = kunit_kzalloc(test, MIGC_STR_MAX + 1, GFP_KERNEL);
	doc = kunit_kzalloc(test, MIGC_DOC_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, list);
	KUNIT_ASSERT_NOT_NULL(test, cards);
	KUNIT_ASSERT_NOT_NULL(test, doc);

	max = longest_list(test, cfg->apm);
	KUNIT_EXPECT_EQ(test, max, 609);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_mask_print(cfg->apm, list,
						     MIGC_STR_MAX + 1), max);
	/* 256 different cards: every type and class, two message lengths */
	for (i = 0; i < VFIO_AP_MIG_IDS; i++)
		all->cards[i] = (struct vfio_ap_mig_card)
			CARD(i, 0xff - i, i, i & 0xf);
	len = vfio_ap_mig_cards_print(all, cards, MIGC_STR_MAX + 1);
	KUNIT_EXPECT_EQ(test, len, VFIO_AP_MIG_IDS * 8 - 1);

	for (i = 0; i < VFIO_AP_MIG_NR_PARAMS; i++)
		v[i] = (struct migc_value)MIGC_STR_VALUE(list);
	v[VFIO_AP_MIG_CARDS].s = cards;
	len = migc_desc_print(&vfio_ap_mig_model, v, doc, MIGC_DOC_MAX);
	kunit_info(test, "longest list %d bytes, cards %d bytes, bound on a description %d bytes\n",
		   max, VFIO_AP_MIG_IDS * 8 - 1, len);
	KUNIT_EXPECT_GT(test, len, 3 * max + VFIO_AP_MIG_IDS * 8 - 1);
	/* the description and a newline fit one sysfs page */
	KUNIT_EXPECT_LT(test, len, PAGE_SIZE);
	KUNIT_EXPECT_LE(test, len, MIGC_DOC_MAX - 1);

	/* 256 x 256, all control domains, all cards different: round trip */
	for (i = 0; i < VFIO_AP_MIG_NR_PARAMS; i++)
		v[i] = (struct migc_value)MIGC_STR_VALUE("0-255");
	v[VFIO_AP_MIG_CARDS].s = cards;
	len = migc_desc_print(&vfio_ap_mig_model, v, doc, MIGC_DOC_MAX);
	KUNIT_ASSERT_GT(test, len, 0);
	kunit_info(test, "256 adapters x 256 domains, all different cards: %d bytes\n",
		   len);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_from_desc(desc_of(test, doc),
							   cfg), 0);
	KUNIT_EXPECT_EQ(test, memcmp(cfg, all, sizeof(*cfg)), 0);
}

static struct kunit_case vfio_ap_mig_test_cases[] = {
	KUNIT_CASE(vfio_ap_mig_test_caps),
	KUNIT_CASE(vfio_ap_mig_test_mask),
	KUNIT_CASE(vfio_ap_mig_test_cards),
	KUNIT_CASE(vfio_ap_mig_test_hwinfo),
	KUNIT_CASE_PARAM(vfio_ap_mig_test_mismatch, mismatch_gen_params),
	KUNIT_CASE(vfio_ap_mig_test_beyond),
	KUNIT_CASE(vfio_ap_mig_test_source_without_card),
	KUNIT_CASE(vfio_ap_mig_test_from_desc),
	KUNIT_CASE(vfio_ap_mig_test_worst_case),
	{}
};

static struct kunit_suite vfio_ap_mig_test_suite = {
	.name = "vfio_ap_migration",
	.test_cases = vfio_ap_mig_test_cases,
};

kunit_test_suite(vfio_ap_mig_test_suite);

/* vfio_ap and the engine export what these tests call to KUnit only */
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests of the vfio_ap migration compatibility");
MODULE_LICENSE("GPL");
