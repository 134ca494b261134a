// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the vfio_ap migration glue: the callbacks behind
 * vfio_ap_mig_ops (snapshot, get, set, device check, type check) run on
 * fake hosts. Static stubs replace the five functions through which the
 * glue reaches the host (vfio_ap_mdev_get_config(), _set_config(),
 * vfio_ap_mig_walk_queues(), _maxima() and _reserved()); the code under
 * test is the driver's own. No AP hardware is used.
 *
 * A second suite migrates mdevs from one fake host to another through
 * VFIO, as a VMM does, with the mdev core's config-only migration.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>

#include "vfio_ap_private.h"
#include "vfio_ap_migration.h"

#define FAKE_QUEUES	256

/**
 * struct fake_host - a host as the migration glue sees it
 * @matrix_mdev: the mdev on this host
 * @max: the host's maxima
 * @def_apm: adapters of the bus attribute apmask (host drivers)
 * @def_aqm: domains of aqmask; an APQN in both is reserved
 * @nr_queues: entries of @queues
 * @queues: the queues bound to vfio_ap (APQN and card hardware)
 * @flips: walks over the queues during which the mdev's adapter 5 is
 *	assigned or unassigned by a concurrent writer
 * @walks: walks over the queues so far
 * @sets: calls of vfio_ap_mdev_set_config() for the mdev
 * @set_m: the masks of the last call
 * @set_which: the masks it replaced
 * @set_ret: what the calls return
 * @nr_irqs: entries of @irqs
 * @irqs: the interrupt state the guest set on the mdev's queues
 * @set_irqs: calls of vfio_ap_mdev_set_irqs() for the mdev
 * @set_irqs_ret: what they return; on 0 they replace @irqs
 * @resets: queues vfio_ap_mig_reset_queues() was asked to reset
 * @reset_ret: what it returns
 * @enables: AQIC enables of vfio_ap_mig_aqic()
 * @disables: AQIC disables of vfio_ap_mig_aqic()
 * @aqic_fail: the AQIC enable that fails, counted in @enables; 0 none
 */
struct fake_host {
	struct ap_matrix_mdev *matrix_mdev;
	struct ap_matrix max;
	DECLARE_BITMAP(def_apm, AP_DEVICES);
	DECLARE_BITMAP(def_aqm, AP_DOMAINS);
	unsigned int nr_queues;
	struct {
		unsigned long apqn;
		struct ap_tapq_hwinfo hw;
	} queues[FAKE_QUEUES];
	unsigned int flips;
	unsigned int walks;
	unsigned int sets;
	struct ap_matrix set_m;
	unsigned int set_which;
	int set_ret;
	unsigned int nr_irqs;
	struct vfio_ap_mig_irq irqs[4];
	unsigned int set_irqs;
	int set_irqs_ret;
	unsigned int resets;
	int reset_ret;
	unsigned int enables;
	unsigned int disables;
	unsigned int aqic_fail;
};

#define MAX_HOSTS	2

/**
 * struct fake_world - the fake hosts of one test
 * @nr_hosts: entries of @hosts
 * @hosts: the hosts; each has one mdev
 * @on: the host the code under test runs on: the last one created, or
 *	the one of the mdev whose migration state last changed
 * @matrix_dev: the fake matrix device of use_fake_matrix_dev(), or NULL
 */
struct fake_world {
	unsigned int nr_hosts;
	struct fake_host *hosts[MAX_HOSTS];
	struct fake_host *on;
	struct ap_matrix_dev *matrix_dev;
};

static struct fake_world *world(void)
{
	return kunit_get_current_test()->priv;
}

/* The host of @matrix_mdev */
static struct fake_host *host_of(struct ap_matrix_mdev *matrix_mdev)
{
	struct fake_world *w = world();
	unsigned int i;

	for (i = 0; i < w->nr_hosts; i++)
		if (w->hosts[i]->matrix_mdev == matrix_mdev)
			return w->hosts[i];
	KUNIT_FAIL(kunit_get_current_test(), "an mdev without a host");
	return w->hosts[0];
}

/* The code under test runs on @fh from now on. */
static struct fake_host *on(struct fake_host *fh)
{
	world()->on = fh;
	return fh;
}

/* The static stubs of the host functions */

static void fake_get_config(struct ap_matrix_mdev *matrix_mdev,
			    struct ap_matrix *m)
{
	*m = matrix_mdev->matrix;
}

static int fake_set_config(struct ap_matrix_mdev *matrix_mdev,
			   const struct ap_matrix *m, unsigned int which)
{
	struct fake_host *fh = host_of(matrix_mdev);

	fh->sets++;
	fh->set_m = *m;
	fh->set_which = which;
	return fh->set_ret;
}

static int fake_walk_queues(vfio_ap_mig_queue_fn_t fn, void *data)
{
	struct fake_host *fh = world()->on;
	unsigned int i;
	int ret;

	fh->walks++;
	if (fh->flips) {
		fh->flips--;
		if (test_bit_inv(5, fh->matrix_mdev->matrix.apm))
			clear_bit_inv(5, fh->matrix_mdev->matrix.apm);
		else
			set_bit_inv(5, fh->matrix_mdev->matrix.apm);
	}
	for (i = 0; i < fh->nr_queues; i++) {
		ret = fn(data, fh->queues[i].apqn, &fh->queues[i].hw);
		if (ret)
			return ret;
	}
	return 0;
}

static void fake_maxima(struct ap_matrix *max)
{
	*max = world()->on->max;
}

static bool fake_reserved(const unsigned long *apm, const unsigned long *aqm)
{
	struct fake_host *fh = world()->on;

	return bitmap_intersects(apm, fh->def_apm, AP_DEVICES) &&
	       bitmap_intersects(aqm, fh->def_aqm, AP_DOMAINS);
}

/* The stub of vfio_ap_mdev_get_irqs(): the fake host's */
static unsigned int fake_get_irqs(struct ap_matrix_mdev *matrix_mdev,
				  struct vfio_ap_mig_irq *irqs,
				  unsigned int max)
{
	struct fake_host *fh = host_of(matrix_mdev);
	unsigned int n = min(max, fh->nr_irqs);

	memcpy(irqs, fh->irqs, n * sizeof(*irqs));
	return n;
}

/* The stub of vfio_ap_mdev_set_irqs(): on the fake host */
static int fake_set_irqs(struct ap_matrix_mdev *matrix_mdev,
			 const struct vfio_ap_mig_irq *irqs, unsigned int n)
{
	struct fake_host *fh = host_of(matrix_mdev);

	fh->set_irqs++;
	if (fh->set_irqs_ret)
		return fh->set_irqs_ret;
	if (n > ARRAY_SIZE(fh->irqs))
		return -E2BIG;
	memcpy(fh->irqs, irqs, n * sizeof(*irqs));
	fh->nr_irqs = n;
	return 0;
}

/* The stub of vfio_ap_mig_reset_queues(): the resets always end */
static int fake_reset_queues(struct ap_matrix_mdev *matrix_mdev,
			     const struct vfio_ap_mig_irq *irqs, unsigned int n)
{
	struct fake_host *fh = host_of(matrix_mdev);

	fh->resets += n;
	return fh->reset_ret;
}

/* The stub of vfio_ap_mig_aqic(): the queue as a real AQIC leaves it */
static u8 fake_aqic(struct vfio_ap_queue *q, const struct vfio_ap_mig_irq *irq)
{
	struct fake_host *fh = host_of(q->matrix_mdev);

	if (!irq) {
		fh->disables++;
		q->saved_iova = 0;
		q->saved_isc = VFIO_AP_ISC_INVALID;
		return AP_RESPONSE_NORMAL;
	}
	if (++fh->enables == fh->aqic_fail)
		return AP_RESPONSE_INVALID_ADDRESS;
	q->saved_iova = irq->nib;
	q->saved_isc = irq->isc;
	return AP_RESPONSE_NORMAL;
}

/* Both suites: an empty world, the host functions stubbed */
static int fake_world_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct fake_world), GFP_KERNEL);
	if (!test->priv)
		return -ENOMEM;
	kunit_activate_static_stub(test, vfio_ap_mdev_get_config,
				   fake_get_config);
	kunit_activate_static_stub(test, vfio_ap_mdev_set_config,
				   fake_set_config);
	kunit_activate_static_stub(test, vfio_ap_mig_walk_queues,
				   fake_walk_queues);
	kunit_activate_static_stub(test, vfio_ap_mig_maxima, fake_maxima);
	kunit_activate_static_stub(test, vfio_ap_mig_reserved, fake_reserved);
	kunit_activate_static_stub(test, vfio_ap_mdev_get_irqs, fake_get_irqs);
	kunit_activate_static_stub(test, vfio_ap_mdev_set_irqs, fake_set_irqs);
	return 0;
}

/* The hardware information TAPQ returns for a card, with host noise. */
static struct ap_tapq_hwinfo hwinfo_of(const struct vfio_ap_mig_card *c)
{
	struct ap_tapq_hwinfo hw = { .value = 0 };

	hw.at = c->at;
	hw.apsc = !!(c->fac & VFIO_AP_MIG_FAC_APSC);
	hw.mex4k = !!(c->fac & VFIO_AP_MIG_FAC_AP4KM);
	hw.crt4k = !!(c->fac & VFIO_AP_MIG_FAC_AP4KC);
	hw.cca = !!(c->fac & VFIO_AP_MIG_FAC_CCA);
	hw.accel = !!(c->fac & VFIO_AP_MIG_FAC_ACCEL);
	hw.ep11 = !!(c->fac & VFIO_AP_MIG_FAC_EP11);
	hw.apxa = !!(c->fac & VFIO_AP_MIG_FAC_APXA);
	hw.slcf = !!(c->fac & VFIO_AP_MIG_FAC_SLCF);
	hw.class = c->class;
	hw.ml = c->ml;
	/* not part of a description: host configuration, run-time state */
	hw.nd = 84;
	hw.qd = 7;
	hw.bs = 1;
	return hw;
}

#define CEX8_CCA  { .at = 14, .fac = 0x92 }	/* "0e92000" */
#define CEX7_CCA  { .at = 13, .fac = 0x92 }	/* "0d92000" */
#define CEX8_EP11 { .at = 14, .fac = 0x86 }	/* "0e86000" */
#define CEX8_CCA_ML7 { .at = 14, .fac = 0x92, .ml = 7 }

/**
 * struct host_spec - a fake host, as a table entry
 * @apm: adapters with queues bound to vfio_ap
 * @aqm: domains with queues bound to vfio_ap (each of @apm x @aqm)
 * @card: the card behind every adapter
 * @no_apqn: an APQN of @apm x @aqm without a queue bound to vfio_ap
 *	(0 for none: APQN 0.0 is never used below)
 * @def_apm: apmask adapters (host drivers), "" for none
 * @def_aqm: aqmask domains
 * @apm_max: the highest adapter number, 0 for 255
 */
struct host_spec {
	const char *apm;
	const char *aqm;
	struct vfio_ap_mig_card card;
	unsigned long no_apqn;
	const char *def_apm;
	const char *def_aqm;
	unsigned long apm_max;
};

static void parse_mask(struct kunit *test, const char *s, unsigned long *mask)
{
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_mask_parse(s ? s : "", mask), 0);
}

static struct fake_host *fake_host_new(struct kunit *test,
				       const struct host_spec *spec,
				       struct ap_matrix_mdev *matrix_mdev)
{
	DECLARE_BITMAP(apm, AP_DEVICES);
	DECLARE_BITMAP(aqm, AP_DOMAINS);
	struct fake_world *w = test->priv;
	unsigned long apid, apqi, apqn;
	struct fake_host *fh;

	fh = kunit_kzalloc(test, sizeof(*fh), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fh);
	KUNIT_ASSERT_LT(test, w->nr_hosts, MAX_HOSTS);
	w->hosts[w->nr_hosts++] = on(fh);
	fh->matrix_mdev = matrix_mdev;
	fh->max.apm_max = spec->apm_max ? spec->apm_max : 255;
	fh->max.aqm_max = 255;
	fh->max.adm_max = 255;
	parse_mask(test, spec->def_apm, fh->def_apm);
	parse_mask(test, spec->def_aqm, fh->def_aqm);
	parse_mask(test, spec->apm, apm);
	parse_mask(test, spec->aqm, aqm);
	for_each_set_bit_inv(apid, apm, AP_DEVICES) {
		for_each_set_bit_inv(apqi, aqm, AP_DOMAINS) {
			apqn = AP_MKQID(apid, apqi);
			/* reserved or beyond the host: not bound to vfio_ap */
			if (apqn == spec->no_apqn || apid > fh->max.apm_max ||
			    (test_bit_inv(apid, fh->def_apm) &&
			     test_bit_inv(apqi, fh->def_aqm)))
				continue;
			KUNIT_ASSERT_LT(test, fh->nr_queues, FAKE_QUEUES);
			fh->queues[fh->nr_queues].apqn = apqn;
			fh->queues[fh->nr_queues].hw = hwinfo_of(&spec->card);
			fh->nr_queues++;
		}
	}
	return fh;
}

/* A minimal mdev: the glue only uses its matrix and its migration fields. */
static struct ap_matrix_mdev *mdev_new(struct kunit *test, const char *apm,
				       const char *aqm, const char *adm)
{
	struct ap_matrix_mdev *matrix_mdev;

	matrix_mdev = kunit_kzalloc(test, sizeof(*matrix_mdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, matrix_mdev);
	parse_mask(test, apm, matrix_mdev->matrix.apm);
	parse_mask(test, aqm, matrix_mdev->matrix.aqm);
	parse_mask(test, adm, matrix_mdev->matrix.adm);
	return matrix_mdev;
}

static struct migc_desc *desc_of(struct kunit *test, const char *doc)
{
	struct migc_desc *desc = kunit_kzalloc(test, sizeof(*desc), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, desc);
	KUNIT_ASSERT_EQ(test, migc_desc_parse(doc, strlen(doc), desc), 0);
	return desc;
}

/* The value of @param in @matrix_mdev's last snapshot, through get(). */
static const char *get_param(struct kunit *test,
			     struct ap_matrix_mdev *matrix_mdev,
			     enum vfio_ap_mig_param param)
{
	struct migc_value val = {};
	char *s;

	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_get(matrix_mdev, param, &val), 0);
	KUNIT_ASSERT_EQ(test, val.type, MIGC_STR);
	s = kunit_kstrdup(test, val.s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	return s;
}

/*
 * The description of @matrix_mdev as the mdev core prints it: the values
 * of every parameter through get() after one snapshot.
 */
static const char *describe(struct kunit *test, struct fake_host *fh)
{
	struct migc_value v[VFIO_AP_MIG_NR_PARAMS];
	char *doc;
	int i;

	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(on(fh)->matrix_mdev),
			0);
	for (i = 0; i < VFIO_AP_MIG_NR_PARAMS; i++)
		v[i] = (struct migc_value)MIGC_STR_VALUE(get_param(test,
					fh->matrix_mdev, i));
	doc = kunit_kzalloc(test, MIGC_DOC_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, doc);
	KUNIT_ASSERT_GT(test, migc_desc_print(&vfio_ap_mig_model, v, doc,
					      MIGC_DOC_MAX), 0);
	return doc;
}

#define DESC(a, d, c, k)						\
	"{\"model\": \"kernel.org/s390/vfio-ap\", \"params\": {"	\
	"\"adapters\": \"" a "\", \"domains\": \"" d "\", "		\
	"\"control-domains\": \"" c "\", \"cards\": \"" k "\"}}"

/* The source of most cases: two CEX8 in CCA mode, four domains. */
#define SRC_CEX8 DESC("1,5", "0-3", "0-3,9", "0e92000,0e92000")
#define SRC_CEX7 DESC("1,5", "0-3", "0-3,9", "0d92000,0d92000")

/**
 * struct verdict - the expected outcome of a check
 * @ret: 0 or -EPROTO
 * @param: the parameter the reason names
 * @dst: a part of the reason's destination value
 */
struct verdict {
	int ret;
	const char *param;
	const char *dst;
};

#define ACCEPT { 0, NULL, NULL }

/**
 * struct check_case - a source, a destination host and both verdicts
 * @name: case name
 * @src: the source's description
 * @host: the destination host
 * @aqm: the destination mdev's usage domains, if not the source's
 * @type: verdict of the type check
 * @dev: verdict of the device check of an mdev with the source's masks
 */
struct check_case {
	const char *name;
	const char *src;
	struct host_spec host;
	const char *aqm;
	struct verdict type;
	struct verdict dev;
};

static const struct check_case check_cases[] = {
	{
		.name = "identical",
		.src = SRC_CEX8,
		.host = { .apm = "1,5", .aqm = "0-3", .card = CEX8_CCA },
		.type = ACCEPT, .dev = ACCEPT,
	}, {
		.name = "more-queues-than-needed",
		.src = SRC_CEX8,
		.host = { .apm = "0-7", .aqm = "0-15", .card = CEX8_CCA },
		.type = ACCEPT, .dev = ACCEPT,
	}, {
		.name = "newer-card-generation",
		.src = SRC_CEX7,
		.host = { .apm = "1,5", .aqm = "0-3", .card = CEX8_CCA },
		.type = { -EPROTO, "cards", "adapter 1: 0e92000 newer card generation" },
		.dev = { -EPROTO, "cards", "adapter 1: 0e92000 newer card generation" },
	}, {
		.name = "older-card-generation",
		.src = SRC_CEX8,
		.host = { .apm = "1,5", .aqm = "0-3", .card = CEX7_CCA },
		.type = { -EPROTO, "cards", "adapter 1: 0d92000 older card generation" },
		.dev = { -EPROTO, "cards", "adapter 1: 0d92000 older card generation" },
	}, {
		.name = "card-mode",
		.src = SRC_CEX8,
		.host = { .apm = "1,5", .aqm = "0-3", .card = CEX8_EP11 },
		.type = { -EPROTO, "cards", "card mode differs" },
		.dev = { -EPROTO, "cards", "card mode differs" },
	}, {
		.name = "message-length",
		.src = SRC_CEX8,
		.host = { .apm = "1,5", .aqm = "0-3", .card = CEX8_CCA_ML7 },
		.type = { -EPROTO, "cards", "message length class differs" },
		.dev = { -EPROTO, "cards", "message length class differs" },
	}, {
		.name = "missing-queue",
		.src = SRC_CEX8,
		.host = { .apm = "1,5", .aqm = "0-3", .card = CEX8_CCA,
			  .no_apqn = AP_MKQID(5, 2) },
		.type = { -EPROTO, "adapters", "1 queues missing" },
		.dev = { -EPROTO, "adapters", "1 queues missing" },
	}, {
		.name = "missing-adapter",
		.src = SRC_CEX8,
		.host = { .apm = "1", .aqm = "0-3", .card = CEX8_CCA },
		.type = { -EPROTO, "adapters", "4 queues missing" },
		.dev = { -EPROTO, "adapters", "4 queues missing" },
	}, {
		/* a reserved APQN is not bound to vfio_ap: the mdev misses it */
		.name = "reserved-apqn",
		.src = SRC_CEX8,
		.host = { .apm = "1,5", .aqm = "0-3", .card = CEX8_CCA,
			  .def_apm = "5,6", .def_aqm = "2" },
		.type = { -EPROTO, "adapters", "queues reserved for host drivers" },
		.dev = { -EPROTO, "adapters", "1 queues missing" },
	}, {
		.name = "beyond-host-maxima",
		.src = SRC_CEX8,
		.host = { .apm = "1,5", .aqm = "0-3", .card = CEX8_CCA,
			  .apm_max = 3 },
		.type = { -EPROTO, "adapters", "numbers beyond the host's maximum" },
		.dev = { -EPROTO, "adapters", "4 queues missing" },
	}, {
		/* a type check compares no masks: a new mdev takes the source's */
		.name = "other-domains",
		.src = SRC_CEX8,
		.host = { .apm = "1,5", .aqm = "0-4", .card = CEX8_CCA },
		.aqm = "0-4",
		.type = ACCEPT,
		.dev = { -EPROTO, "domains", "\"0-4\"" },
	},
};

static void check_case_desc(const struct check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(check, check_cases, check_case_desc);

static void expect_verdict(struct kunit *test, const char *what, int ret,
			   const struct migc_reason *why,
			   const struct verdict *want)
{
	KUNIT_EXPECT_EQ_MSG(test, ret, want->ret, "%s", what);
	if (ret || want->ret)
		kunit_info(test, "%s: %s: %s -> %s\n", what, why->param,
			   why->src, why->dst);
	if (!want->ret || ret != want->ret)
		return;
	KUNIT_EXPECT_STREQ_MSG(test, why->param, want->param, "%s", what);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why->dst, want->dst),
				  "%s: reason \"%s\" lacks \"%s\"", what,
				  why->dst, want->dst);
}

/*
 * The type check on the destination host, then the device check of an
 * mdev there configured with the source's masks: its snapshot on that
 * host, the generic rules on the values get() reports (as the mdev core
 * runs them), then the driver's check.
 */
static void vfio_ap_mig_glue_test_check(struct kunit *test)
{
	const struct check_case *c = test->param_value;
	const struct migc_desc *src = desc_of(test, c->src);
	struct migc_value v[VFIO_AP_MIG_NR_PARAMS];
	struct ap_matrix_mdev *matrix_mdev;
	struct migc_reason why = {};
	int i, ret;

	matrix_mdev = mdev_new(test, src->params[0].value.s,
			       c->aqm ? c->aqm : src->params[1].value.s,
			       src->params[2].value.s);
	fake_host_new(test, &c->host, matrix_mdev);

	ret = migc_check_type(&vfio_ap_mig_caps, src, &why);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = vfio_ap_mig_host_type_check(src, &why);
	expect_verdict(test, "type check", ret, &why, &c->type);

	memset(&why, 0, sizeof(why));
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(matrix_mdev), 0);
	for (i = 0; i < VFIO_AP_MIG_NR_PARAMS; i++)
		v[i] = (struct migc_value)MIGC_STR_VALUE(get_param(test,
							matrix_mdev, i));
	KUNIT_ASSERT_EQ(test, migc_check_device(&vfio_ap_mig_model, v, src,
						&why), 0);
	ret = vfio_ap_mig_host_check(matrix_mdev, src, &why);
	expect_verdict(test, "device check", ret, &why, &c->dev);
}

/* The source's description, from its host, decides on the destination. */
static void vfio_ap_mig_glue_test_round_trip(struct kunit *test)
{
	static const struct host_spec cex7 = {
		.apm = "1,5", .aqm = "0-3", .card = CEX7_CCA,
	};
	static const struct host_spec cex8 = {
		.apm = "1,5", .aqm = "0-3", .card = CEX8_CCA,
	};
	struct ap_matrix_mdev *src_mdev, *dst_mdev;
	struct fake_host *src_host, *dst_host;
	struct migc_reason why = {};
	const char *doc;

	src_mdev = mdev_new(test, "1,5", "0-3", "0-3,9");
	src_host = fake_host_new(test, &cex7, src_mdev);
	doc = describe(test, src_host);
	KUNIT_EXPECT_STREQ(test, doc, SRC_CEX7 "\n");

	/*
	 * CEX7 to CEX8 and back: both refused, each with its own reason;
	 * the guest's TAPQ would report another AP type.
	 */
	dst_mdev = mdev_new(test, "1,5", "0-3", "0-3,9");
	dst_host = fake_host_new(test, &cex8, dst_mdev);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(dst_mdev), 0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_check(dst_mdev,
						     desc_of(test, doc), &why),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, why.param, "cards");
	KUNIT_EXPECT_STREQ(test, why.dst,
			   "adapter 1: 0e92000 newer card generation");
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_type_check(desc_of(test, doc),
							  &why), -EPROTO);
	doc = describe(test, dst_host);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_check(src_mdev,
						     desc_of(test, doc), &why),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, why.param, "cards");
	KUNIT_EXPECT_STREQ(test, why.dst,
			   "adapter 1: 0d92000 older card generation");
	on(src_host);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_type_check(desc_of(test, doc),
							  &why), -EPROTO);
}

/* An empty mdev describes itself with empty lists, and checks pass. */
static void vfio_ap_mig_glue_test_empty(struct kunit *test)
{
	static const struct host_spec none = { .apm = "", .aqm = "" };
	struct ap_matrix_mdev *matrix_mdev = mdev_new(test, "", "", "");
	struct fake_host *fh = fake_host_new(test, &none, matrix_mdev);
	struct migc_reason why = {};
	const char *doc = describe(test, fh);

	KUNIT_EXPECT_STREQ(test, doc, DESC("", "", "", "") "\n");
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_check(matrix_mdev,
						     desc_of(test, doc), &why),
			0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_type_check(desc_of(test, doc),
							  &why), 0);
}

static const struct host_spec two_cex8 = {
	.apm = "1,5", .aqm = "0-3", .card = CEX8_CCA,
};

/*
 * The mdev's adapters change while the snapshot walks the queues (an
 * unassign_adapter on another CPU): the snapshot is taken again and shows
 * the configuration after the change, masks and cards alike.
 */
static void vfio_ap_mig_glue_test_changed_during_snapshot(struct kunit *test)
{
	struct ap_matrix_mdev *matrix_mdev = mdev_new(test, "1,5", "0-3", "0");
	struct fake_host *fh = fake_host_new(test, &two_cex8, matrix_mdev);

	fh->flips = 1;
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(matrix_mdev), 0);
	KUNIT_EXPECT_EQ(test, fh->walks, 2);
	KUNIT_EXPECT_STREQ(test, get_param(test, matrix_mdev,
					   VFIO_AP_MIG_ADAPTERS), "1");
	KUNIT_EXPECT_STREQ(test, get_param(test, matrix_mdev,
					   VFIO_AP_MIG_CARDS), "0e92000");
	KUNIT_EXPECT_EQ(test, matrix_mdev->mig_cfg.missing, 0);

	/* and back, during the walk again */
	fh->flips = 1;
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(matrix_mdev), 0);
	KUNIT_EXPECT_STREQ(test, get_param(test, matrix_mdev,
					   VFIO_AP_MIG_ADAPTERS), "1,5");
	KUNIT_EXPECT_STREQ(test, get_param(test, matrix_mdev,
					   VFIO_AP_MIG_CARDS),
			   "0e92000,0e92000");

	/* a configuration that never holds still: no snapshot, no mix */
	fh->walks = 0;
	fh->flips = 100;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_snapshot(matrix_mdev),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, fh->walks, VFIO_AP_MIG_SNAPSHOT_TRIES);
}

/*
 * Between two reads of the parameters of one description, the mdev loses
 * an adapter and the host a queue: both reads, and a check, still show
 * the snapshot. The next snapshot shows the change.
 */
static void vfio_ap_mig_glue_test_reads_show_snapshot(struct kunit *test)
{
	struct ap_matrix_mdev *matrix_mdev = mdev_new(test, "1,5", "0-3", "0");
	struct fake_host *fh = fake_host_new(test, &two_cex8, matrix_mdev);
	struct migc_reason why = {};
	const struct migc_desc *src;

	src = desc_of(test, DESC("1,5", "0-3", "0", "0e92000,0e92000"));
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(matrix_mdev), 0);
	KUNIT_EXPECT_STREQ(test, get_param(test, matrix_mdev,
					   VFIO_AP_MIG_ADAPTERS), "1,5");
	clear_bit_inv(5, matrix_mdev->matrix.apm);
	fh->nr_queues--;
	KUNIT_EXPECT_STREQ(test, get_param(test, matrix_mdev,
					   VFIO_AP_MIG_CARDS),
			   "0e92000,0e92000");
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_check(matrix_mdev, src, &why),
			0);

	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(matrix_mdev), 0);
	KUNIT_EXPECT_STREQ(test, get_param(test, matrix_mdev,
					   VFIO_AP_MIG_ADAPTERS), "1");
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_check(matrix_mdev, src, &why),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, why.param, "adapters");

	/* the queue goes too: a snapshot of adapters 1,5 misses one APQN */
	set_bit_inv(5, matrix_mdev->matrix.apm);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(matrix_mdev), 0);
	KUNIT_EXPECT_EQ(test, matrix_mdev->mig_cfg.missing, 1);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_check(matrix_mdev, src, &why),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, why.dst, "1 queues missing");
}

/* An adapter whose queues show no card describes as "0000000". */
static void vfio_ap_mig_glue_test_no_card(struct kunit *test)
{
	struct ap_matrix_mdev *matrix_mdev = mdev_new(test, "1,5", "0-3", "0");
	struct fake_host *fh = fake_host_new(test, &two_cex8, matrix_mdev);

	fh->queues[0].hw.value = 0;
	fh->queues[1].hw.value = 0;
	fh->queues[2].hw.value = 0;
	fh->queues[3].hw.value = 0;
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(matrix_mdev), 0);
	KUNIT_EXPECT_STREQ(test, get_param(test, matrix_mdev,
					   VFIO_AP_MIG_CARDS),
			   "0000000,0e92000");
}

/* set(): the mask parameters reach the host's set_matrix, nothing else. */
static void vfio_ap_mig_glue_test_set(struct kunit *test)
{
	struct ap_matrix_mdev *matrix_mdev = mdev_new(test, "1,5", "0-3", "0");
	struct fake_host *fh = fake_host_new(test, &two_cex8, matrix_mdev);
	struct migc_value val = MIGC_STR_VALUE("2-4,7");
	DECLARE_BITMAP(want, AP_DEVICES);

	parse_mask(test, "2-4,7", want);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_set(matrix_mdev,
						   VFIO_AP_MIG_ADAPTERS, &val),
			0);
	KUNIT_EXPECT_EQ(test, fh->set_which, VFIO_AP_CONFIG_APM);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(fh->set_m.apm, want, AP_DEVICES));
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_set(matrix_mdev,
						   VFIO_AP_MIG_DOMAINS, &val),
			0);
	KUNIT_EXPECT_EQ(test, fh->set_which, VFIO_AP_CONFIG_AQM);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(fh->set_m.aqm, want, AP_DOMAINS));
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_set(matrix_mdev,
						   VFIO_AP_MIG_CONTROL_DOMAINS,
						   &val), 0);
	KUNIT_EXPECT_EQ(test, fh->set_which, VFIO_AP_CONFIG_ADM);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(fh->set_m.adm, want, AP_DOMAINS));
	KUNIT_EXPECT_EQ(test, fh->sets, 3);

	/* refused before the host is asked */
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_set(matrix_mdev,
						   VFIO_AP_MIG_CARDS, &val),
			-EACCES);
	val.s = "1-";
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_set(matrix_mdev,
						   VFIO_AP_MIG_ADAPTERS, &val),
			-EINVAL);
	val.s = "256";
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_set(matrix_mdev,
						   VFIO_AP_MIG_DOMAINS, &val),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fh->sets, 3);

	/* the host's refusal (a guest uses the mdev) comes back unchanged */
	fh->set_ret = -EBUSY;
	val.s = "1";
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_set(matrix_mdev,
						   VFIO_AP_MIG_ADAPTERS, &val),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, fh->sets, 4);
}

/* A malformed source description is -EINVAL, not a verdict. */
static void vfio_ap_mig_glue_test_malformed(struct kunit *test)
{
	struct ap_matrix_mdev *matrix_mdev = mdev_new(test, "1,5", "0-3", "0");
	struct fake_host *fh = fake_host_new(test, &two_cex8, matrix_mdev);
	const struct migc_desc *src;
	struct migc_reason why = {};

	/* one card for two adapters */
	src = desc_of(test, DESC("1,5", "0-3", "0", "0e92000"));
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_host_snapshot(matrix_mdev), 0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_check(matrix_mdev, src, &why),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_host_type_check(src, &why),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fh->walks, 1);
}

/*
 * The VFIO migration of an mdev, driven as a VMM drives it: vfio_ap's own
 * VFIO callbacks (init(), close_device(), ioctl()) on a fake matrix
 * device, the mdev core's config-only migration they set up, the
 * description the source's snapshot makes on its fake host as the data,
 * the destination's device check on its own fake host, and vfio_ap's own
 * configuration-write wrapper. Not run: probe(), which needs the AP bus.
 */

/* Undo use_fake_matrix_dev() */
static void drop_fake_matrix_dev(void *unused)
{
	matrix_dev = NULL;
}

/*
 * The matrix device vfio_ap's VFIO callbacks lock and read: a fake one
 * while the test runs, where the AP bus gave vfio_ap none (no AP
 * instructions, as under QEMU's s390x emulation). On a host where
 * vfio_ap has a matrix device, the test is skipped: it must not touch it.
 */
static void use_fake_matrix_dev(struct kunit *test)
{
	struct fake_world *w = test->priv;
	struct ap_matrix_dev *md;

	if (w->matrix_dev)
		return;
	if (matrix_dev)
		kunit_skip(test, "vfio_ap runs on an AP bus here");
	md = kunit_kzalloc(test, sizeof(*md), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, md);
	mutex_init(&md->mdevs_lock);
	mutex_init(&md->guests_lock);
	INIT_LIST_HEAD(&md->mdev_list);
	md->info.apxa = 1;
	md->info.na = 255;
	md->info.nd = 255;
	matrix_dev = md;
	w->matrix_dev = md;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							drop_fake_matrix_dev,
							NULL), 0);
}

/*
 * An mdev with the masks of @src on the host @spec, set up as vfio_ap's
 * probe() would: its matrix_mdev is the driver data, its VFIO device has
 * vfio_ap's VFIO callbacks and was initialised by their init().
 */
static struct ap_matrix_mdev *mig_mdev_new(struct kunit *test,
					   const struct host_spec *spec,
					   const struct migc_desc *src)
{
	struct ap_matrix_mdev *matrix_mdev;
	struct mdev_device *mdev;

	use_fake_matrix_dev(test);
	matrix_mdev = mdev_new(test, src->params[VFIO_AP_MIG_ADAPTERS].value.s,
			       src->params[VFIO_AP_MIG_DOMAINS].value.s,
			       src->params[VFIO_AP_MIG_CONTROL_DOMAINS].value.s);
	fake_host_new(test, spec, matrix_mdev);
	mdev = mdev_migration_kunit_mdev(test, &vfio_ap_mig_ops,
					 &vfio_ap_mig_caps, "vfio_ap-kunit",
					 matrix_mdev);
	matrix_mdev->vdev.ops = &vfio_ap_matrix_dev_ops;
	matrix_mdev->vdev.dev = &mdev->dev;
	KUNIT_ASSERT_EQ(test, matrix_mdev->vdev.ops->init(&matrix_mdev->vdev),
			0);
	KUNIT_ASSERT_PTR_EQ(test, matrix_mdev->mdev, mdev);
	return matrix_mdev;
}

/* The VMM closes the device: vfio_ap's close_device() */
static void mig_close(struct ap_matrix_mdev *matrix_mdev)
{
	matrix_mdev->vdev.ops->close_device(&matrix_mdev->vdev);
}

static enum vfio_device_mig_state mig_state(struct kunit *test,
					    struct ap_matrix_mdev *matrix_mdev)
{
	return mdev_migration_kunit_state(test, &matrix_mdev->vdev);
}

/* A state change of @matrix_mdev, on its host */
static struct file *mig_set(struct kunit *test,
			    struct ap_matrix_mdev *matrix_mdev,
			    enum vfio_device_mig_state state)
{
	on(host_of(matrix_mdev));
	return mdev_migration_kunit_set_state(test, &matrix_mdev->vdev, state);
}

/* A write of a migration/params file of @matrix_mdev, on its host */
static int mig_param(struct kunit *test, struct ap_matrix_mdev *matrix_mdev,
		     const char *name, const char *val)
{
	on(host_of(matrix_mdev));
	return mdev_migration_kunit_param(test, matrix_mdev->mdev, name, val);
}

static ssize_t mig_read(struct file *filp, char __user *ubuf, size_t len)
{
	return filp->f_op->read(filp, ubuf, len, NULL);
}

/* Write @len bytes in pieces of @step; the first error, else the total. */
static ssize_t mig_write(struct file *filp, const char __user *ubuf,
			 size_t len, size_t step)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = filp->f_op->write(filp, ubuf + off, min(step, len - off),
				      NULL);
		if (n <= 0)
			return n ? n : -EIO;
		off += n;
	}
	return off;
}

/* A write of @buf to the mdev's sysfs attribute @name: its store() */
static ssize_t mig_attr_write(struct ap_matrix_mdev *matrix_mdev,
			      const char *name, const char *buf)
{
	struct attribute **a = vfio_ap_mdev_attr_groups[0]->attrs;
	struct device_attribute *da;

	for (; *a; a++) {
		if (strcmp((*a)->name, name))
			continue;
		da = container_of(*a, struct device_attribute, attr);
		return da->store(&matrix_mdev->mdev->dev, da, buf, strlen(buf));
	}
	KUNIT_FAIL(kunit_get_current_test(), "no attribute %s", name);
	return -ENOENT;
}

/*
 * A configuration write through vfio_ap's own attributes: assign_adapter
 * of an adapter the mdev has (the real store() returns 3 and changes
 * nothing). When that is refused, every other configuration attribute
 * must be refused too, with values their store() would refuse otherwise.
 */
static ssize_t mig_config_write(struct ap_matrix_mdev *matrix_mdev)
{
	static const char * const others[][2] = {
		{ "unassign_adapter", "0x100" },
		{ "assign_domain", "0x100" },
		{ "unassign_domain", "0x100" },
		{ "assign_control_domain", "0x100" },
		{ "unassign_control_domain", "0x100" },
		{ "ap_config", "x" },
	};
	ssize_t ret = mig_attr_write(matrix_mdev, "assign_adapter", "0x1");
	unsigned int i;

	for (i = 0; ret == -EBUSY && i < ARRAY_SIZE(others); i++)
		KUNIT_EXPECT_EQ_MSG(kunit_get_current_test(),
				    mig_attr_write(matrix_mdev, others[i][0],
						   others[i][1]),
				    -EBUSY, "%s", others[i][0]);
	return ret;
}

/* The VMM ends a migration on the destination: STOP, then RUNNING. */
static void mig_finish(struct kunit *test, struct ap_matrix_mdev *dst)
{
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP));
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, mig_state(test, dst), VFIO_DEVICE_STATE_RUNNING);
}

/* The source's whole migration data in STOP_COPY, at @ubuf. */
static ssize_t mig_save(struct kunit *test, struct ap_matrix_mdev *src,
			char __user *ubuf)
{
	struct file *filp;
	ssize_t len;

	filp = mig_set(test, src, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(filp));
	len = mig_read(filp, ubuf, PAGE_SIZE);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_EXPECT_EQ(test, mig_read(filp, ubuf + len, 1), 0);
	return len;
}

/* The masks of @matrix_mdev are those of @src, and no set() happened. */
static void expect_untouched(struct kunit *test,
			     struct ap_matrix_mdev *matrix_mdev,
			     const struct migc_desc *src, const char *aqm)
{
	struct ap_matrix_mdev *want;

	want = mdev_new(test, src->params[VFIO_AP_MIG_ADAPTERS].value.s,
			aqm ? aqm : src->params[VFIO_AP_MIG_DOMAINS].value.s,
			src->params[VFIO_AP_MIG_CONTROL_DOMAINS].value.s);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(matrix_mdev->matrix.apm,
					     want->matrix.apm, AP_DEVICES));
	KUNIT_EXPECT_TRUE(test, bitmap_equal(matrix_mdev->matrix.aqm,
					     want->matrix.aqm, AP_DOMAINS));
	KUNIT_EXPECT_TRUE(test, bitmap_equal(matrix_mdev->matrix.adm,
					     want->matrix.adm, AP_DOMAINS));
	KUNIT_EXPECT_EQ(test, host_of(matrix_mdev)->sets, 0);
}

/*
 * CEX8 to CEX8: PRE_COPY, then STOP_COPY on the same fd; the data is the
 * source's description; the destination takes it in pieces of any size.
 */
static void vfio_ap_mig_vfio_test_migrate(struct kunit *test)
{
	static const char doc[] = SRC_CEX8 "\n";
	const struct migc_desc *desc = desc_of(test, SRC_CEX8);
	struct ap_matrix_mdev *src = mig_mdev_new(test, &two_cex8, desc);
	struct ap_matrix_mdev *dst = mig_mdev_new(test, &two_cex8, desc);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, 2 * PAGE_SIZE);
	static const size_t steps[] = { 1, 5, 12, PAGE_SIZE };
	struct vfio_device *vdev;
	struct file *sf, *df;
	unsigned long size;
	char *block;
	ssize_t len;
	size_t i;
	int ret;

	vdev = &src->vdev;
	KUNIT_EXPECT_EQ(test, vdev->migration_flags,
			MDEV_MIGRATION_CONFIG_FLAGS);
	KUNIT_EXPECT_PTR_EQ(test, vdev->mig_ops, &mdev_migration_config_ops);
	KUNIT_EXPECT_EQ(test, mig_state(test, src), VFIO_DEVICE_STATE_RUNNING);
	ret = vdev->mig_ops->migration_get_data_size(vdev, &size);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, size, 12 + strlen(doc));

	sf = mig_set(test, src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	/* the configuration is frozen: assign_* and ap_config get -EBUSY */
	KUNIT_EXPECT_EQ(test, mig_config_write(src), -EBUSY);
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_precopy(test, sf, ubuf),
			(long)size);
	len = mig_read(sf, ubuf + 64, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, len, (ssize_t)size);
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_precopy(test, sf, ubuf), 0);
	KUNIT_EXPECT_EQ(test, mig_read(sf, ubuf, 1), -ENOMSG);
	KUNIT_EXPECT_NULL(test, mig_set(test, src, VFIO_DEVICE_STATE_STOP_COPY));
	KUNIT_EXPECT_EQ(test, mig_read(sf, ubuf, 1), 0);
	KUNIT_EXPECT_EQ(test, mig_config_write(src), -EBUSY);
	/* the runtime masks are frozen too; their current value is taken */
	KUNIT_EXPECT_EQ(test, mig_param(test, src, "adapters", "1"), -EBUSY);
	KUNIT_EXPECT_EQ(test, mig_param(test, src, "adapters", "1,5"), 3);
	KUNIT_EXPECT_EQ(test, host_of(src)->sets, 0);

	/* the data: the stream header, then the description */
	block = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_ASSERT_EQ(test, copy_from_user(block, ubuf + 64, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(block, "MDMG", 4), 0);
	KUNIT_EXPECT_STREQ(test, block + 12, doc);

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		df = mig_set(test, dst, VFIO_DEVICE_STATE_RESUMING);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
		KUNIT_EXPECT_EQ(test, mig_config_write(dst), -EBUSY);
		KUNIT_EXPECT_EQ_MSG(test, mig_write(df, ubuf + 64, len,
						    steps[i]), len,
				    "pieces of %zu bytes", steps[i]);
		mig_finish(test, dst);
		KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, 1, 1), -ENODEV);
	}
	expect_untouched(test, dst, desc, NULL);
	KUNIT_EXPECT_EQ(test, mig_config_write(dst), 3);

	/* the source runs on after all, and takes writes again */
	KUNIT_EXPECT_NULL(test, mig_set(test, src, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, mig_read(sf, ubuf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, mig_config_write(src), 3);
	/* and a mask write while it runs: the hot plug of ap_config */
	KUNIT_EXPECT_EQ(test, mig_param(test, src, "domains", "0-2"), 3);
	KUNIT_EXPECT_EQ(test, host_of(src)->sets, 1);
}

/*
 * Every source and destination host of the check table: the source's
 * data in STOP_COPY, the destination in RESUMING takes it, or refuses it
 * with -EPROTO for good and stays in RESUMING, untouched, until the VMM
 * closes it.
 */
static void vfio_ap_mig_vfio_test_hosts(struct kunit *test)
{
	const struct check_case *c = test->param_value;
	const struct migc_desc *desc = desc_of(test, c->src);
	struct ap_matrix_mdev *src, *dst;
	char __user *ubuf = mdev_migration_kunit_ubuf(test, 2 * PAGE_SIZE);
	struct vfio_ap_mig_config cfg;
	struct host_spec src_host;
	unsigned long apid;
	struct file *df;
	ssize_t len;

	/* the source's host has exactly its queues and cards */
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_from_desc(desc, &cfg), 0);
	apid = find_first_bit_inv(cfg.apm, AP_DEVICES);
	src_host = (struct host_spec) {
		.apm = desc->params[VFIO_AP_MIG_ADAPTERS].value.s,
		.aqm = desc->params[VFIO_AP_MIG_DOMAINS].value.s,
		.card = cfg.cards[apid],
	};
	src = mig_mdev_new(test, &src_host, desc);
	dst = mig_mdev_new(test, &c->host, desc);
	if (c->aqm)
		parse_mask(test, c->aqm, dst->matrix.aqm);

	len = mig_save(test, src, ubuf);
	df = mig_set(test, dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, len, 7),
			c->dev.ret ? c->dev.ret : len);
	if (!c->dev.ret) {
		mig_finish(test, dst);
	} else {
		KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, len, len), -EPROTO);
		KUNIT_EXPECT_PTR_EQ(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP),
				    ERR_PTR(-EPROTO));
		KUNIT_EXPECT_EQ(test, mig_state(test, dst),
				VFIO_DEVICE_STATE_RESUMING);
		KUNIT_EXPECT_EQ(test, mig_config_write(dst), -EBUSY);
		/* the VMM gives up */
		mig_close(dst);
	}
	KUNIT_EXPECT_EQ(test, mig_state(test, dst), VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, 1, 1), -ENODEV);
	expect_untouched(test, dst, desc, c->aqm);
	KUNIT_EXPECT_EQ(test, mig_config_write(dst), 3);
}

static void fake_queue_release(struct device *dev)
{
}

static void fake_queue_del(void *data)
{
	struct ap_device *apdev = data;

	device_del(&apdev->device);
	put_device(&apdev->device);
}

/*
 * The queue @apqn of @matrix_mdev's configuration, bound to vfio_ap as
 * vfio_ap_mdev_probe_queue() leaves it: a device with a vfio_ap_queue as
 * its driver data, linked to the mdev. vfio_ap_mdev_remove_queue() frees
 * the vfio_ap_queue; the device goes when the test ends.
 */
static struct ap_device *fake_queue_new(struct kunit *test,
					struct ap_matrix_mdev *matrix_mdev,
					unsigned long apqn)
{
	struct vfio_ap_queue *q;
	struct ap_device *apdev;

	apdev = kunit_kzalloc(test, sizeof(*apdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, apdev);
	device_initialize(&apdev->device);
	apdev->device.release = fake_queue_release;
	KUNIT_ASSERT_EQ(test, dev_set_name(&apdev->device, "vfio_ap-kunit.%04lx",
					   apqn), 0);
	KUNIT_ASSERT_EQ(test, device_add(&apdev->device), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_queue_del,
							apdev), 0);
	q = kzalloc_obj(*q);
	KUNIT_ASSERT_NOT_NULL(test, q);
	q->matrix_mdev = matrix_mdev;
	q->apqn = apqn;
	q->saved_isc = VFIO_AP_ISC_INVALID;
	hash_add(matrix_mdev->qtable.queues, &q->mdev_qnode, apqn);
	dev_set_drvdata(&apdev->device, q);
	return apdev;
}

/*
 * A queue of the source's configuration leaves the host during the
 * migration, through vfio_ap's own vfio_ap_mdev_remove_queue() (the queue
 * is not in the guest's APCB and not in the host's configuration, so no
 * AP instruction is issued): the data fd and the next state change report
 * -ENODEV; closing the device ends it.
 */
static void vfio_ap_mig_vfio_test_queue_gone(struct kunit *test)
{
	const struct migc_desc *desc = desc_of(test, SRC_CEX8);
	struct ap_matrix_mdev *src = mig_mdev_new(test, &two_cex8, desc);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, 2 * PAGE_SIZE);
	struct ap_device *apdev = fake_queue_new(test, src, 0x0502);
	struct file *sf;

	sf = mig_set(test, src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	vfio_ap_mdev_remove_queue(apdev);
	KUNIT_EXPECT_NULL(test, dev_get_drvdata(&apdev->device));
	KUNIT_EXPECT_TRUE(test, hash_empty(src->qtable.queues));
	KUNIT_EXPECT_EQ(test, mig_read(sf, ubuf, PAGE_SIZE), -ENODEV);
	KUNIT_EXPECT_PTR_EQ(test, mig_set(test, src, VFIO_DEVICE_STATE_STOP_COPY),
			    ERR_PTR(-ENODEV));
	KUNIT_EXPECT_EQ(test, mig_config_write(src), -EBUSY);
	mig_close(src);
	KUNIT_EXPECT_EQ(test, mig_state(test, src), VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_EQ(test, mig_read(sf, ubuf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, mig_config_write(src), 3);
}

/*
 * VFIO_DEVICE_RESET in the middle of a migration, through vfio_ap's
 * ioctl(): the device is RUNNING again, the data fd is done, the
 * configuration takes writes, and interrupt state a stream brought is
 * never applied.
 */
static void vfio_ap_mig_vfio_test_reset(struct kunit *test)
{
	const struct migc_desc *desc = desc_of(test, SRC_CEX8);
	struct ap_matrix_mdev *src = mig_mdev_new(test, &two_cex8, desc);
	struct ap_matrix_mdev *dst = mig_mdev_new(test, &two_cex8, desc);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, 2 * PAGE_SIZE);
	struct vfio_device *vdev = &src->vdev;
	struct file *sf, *df;
	ssize_t len;

	sf = mig_set(test, src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	KUNIT_EXPECT_EQ(test, mig_config_write(src), -EBUSY);
	KUNIT_EXPECT_EQ(test, vdev->ops->ioctl(vdev, VFIO_DEVICE_RESET, 0), 0);
	KUNIT_EXPECT_EQ(test, mig_state(test, src), VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_EQ(test, mig_read(sf, ubuf, PAGE_SIZE), -ENODEV);
	KUNIT_EXPECT_EQ(test, mig_config_write(src), 3);

	/* a destination reset in STOP: the interrupt state it took is gone */
	host_of(src)->nr_irqs = 1;
	host_of(src)->irqs[0] = (struct vfio_ap_mig_irq) {
		.apqn = 0x0100, .isc = 3, .nib = 0x10000,
	};
	len = mig_save(test, src, ubuf);
	df = mig_set(test, dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, len, len), len);
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP));
	KUNIT_EXPECT_NOT_NULL(test, dst->mig_irqs);
	vdev = &dst->vdev;
	KUNIT_EXPECT_EQ(test, vdev->ops->ioctl(vdev, VFIO_DEVICE_RESET, 0), 0);
	KUNIT_EXPECT_EQ(test, mig_state(test, dst), VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_NULL(test, dst->mig_irqs);
	KUNIT_EXPECT_EQ(test, mig_config_write(dst), 3);
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP));
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, host_of(dst)->set_irqs, 0);
	KUNIT_EXPECT_EQ(test, host_of(dst)->nr_irqs, 0);
}

/* Breaks of a block of two entries: header @h, first entry @e */
static void irq_bad_version(u8 *h, u8 *e)
{
	put_unaligned_le16(2, h);
}

static void irq_bad_reserved(u8 *h, u8 *e)
{
	put_unaligned_le16(1, h + 2);
}

static void irq_bad_count(u8 *h, u8 *e)
{
	put_unaligned_le32(1, h + 4);
}

static void irq_bad_isc(u8 *h, u8 *e)
{
	e[2] = 8;
}

static void irq_bad_entry(u8 *h, u8 *e)
{
	e[3] = 1;
}

static void irq_bad_nib(u8 *h, u8 *e)
{
	put_unaligned_le64(0, e + 4);
}

static void irq_bad_twice(u8 *h, u8 *e)
{
	memcpy(e + VFIO_AP_MIG_IRQ_ENTRY, e, 2);
}

static void (* const irq_bad[])(u8 *h, u8 *e) = {
	irq_bad_version, irq_bad_reserved, irq_bad_count, irq_bad_isc,
	irq_bad_entry, irq_bad_nib, irq_bad_twice,
};

/* A stream whose interrupt block @dst must refuse before touching anything */
static void irqs_refused(struct kunit *test, struct ap_matrix_mdev *dst,
			 char __user *ubuf, const u8 *stream, ssize_t len)
{
	struct file *df;

	KUNIT_ASSERT_EQ(test, copy_to_user(ubuf, stream, len), 0);
	df = mig_set(test, dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, len, len), len);
	KUNIT_EXPECT_PTR_EQ(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP),
			    ERR_PTR(-EPROTO));
	mig_close(dst);
}

/*
 * The interrupt state the source's guest set (PQAP(AQIC)) on two of its
 * eight queues: in the driver block after the description, applied on
 * the destination when it leaves STOP, on exactly those queues; a
 * destination that cannot re-enable them stays in STOP until it can, and
 * saved again meanwhile sends them on; blocks cut short, too long or
 * naming a queue outside the configuration are refused with EPROTO before
 * anything is applied.
 */
static void vfio_ap_mig_vfio_test_irqs(struct kunit *test)
{
	static const struct vfio_ap_mig_irq irqs[] = {
		{ .apqn = 0x0100, .isc = 3, .nib = 0x10000 },
		{ .apqn = 0x0502, .isc = 7, .nib = 0x20008 },
	};
	const struct migc_desc *desc = desc_of(test, SRC_CEX8);
	struct ap_matrix_mdev *src = mig_mdev_new(test, &two_cex8, desc);
	struct ap_matrix_mdev *dst = mig_mdev_new(test, &two_cex8, desc);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, 2 * PAGE_SIZE);
	size_t desc_len = 12 + strlen(SRC_CEX8 "\n"), blk;
	struct fake_host *sh = host_of(src), *dh = host_of(dst);
	u8 *data, *bad, *e;
	struct file *df;
	unsigned int i;
	ssize_t len;

	memcpy(sh->irqs, irqs, sizeof(irqs));
	sh->nr_irqs = ARRAY_SIZE(irqs);
	len = mig_save(test, src, ubuf);
	blk = 8 + VFIO_AP_MIG_IRQ_HDR + 2 * VFIO_AP_MIG_IRQ_ENTRY;
	KUNIT_ASSERT_EQ(test, len, (ssize_t)(desc_len + blk));
	data = kunit_kzalloc(test, len, GFP_KERNEL);
	bad = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, data && bad);
	KUNIT_ASSERT_EQ(test, copy_from_user(data, ubuf, len), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(data + desc_len),
			MDEV_MIGRATION_BLOCK_MAGIC);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(data + desc_len + 4),
			blk - 8);
	KUNIT_EXPECT_NULL(test, mig_set(test, src, VFIO_DEVICE_STATE_RUNNING));

	/* cut short, too long, a queue outside the configuration */
	df = mig_set(test, dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, len - 1, 7), len - 1);
	KUNIT_EXPECT_PTR_EQ(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP),
			    ERR_PTR(-EPROTO));
	mig_close(dst);

	memcpy(bad, data, len);
	put_unaligned_le32(VFIO_AP_MIG_IRQ_HDR + 65537 * VFIO_AP_MIG_IRQ_ENTRY,
			   bad + desc_len + 4);
	KUNIT_ASSERT_EQ(test, copy_to_user(ubuf, bad, len), 0);
	df = mig_set(test, dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, len, len), -EPROTO);
	mig_close(dst);

	memcpy(bad, data, len);
	put_unaligned_le16(0x0702, bad + desc_len + 8 + VFIO_AP_MIG_IRQ_HDR +
			   VFIO_AP_MIG_IRQ_ENTRY);
	KUNIT_ASSERT_EQ(test, copy_to_user(ubuf, bad, len), 0);
	df = mig_set(test, dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, len, 5), len);
	KUNIT_EXPECT_PTR_EQ(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP),
			    ERR_PTR(-EPROTO));
	mig_close(dst);

	/* vfio_ap's own checks of a block the core framed correctly */
	e = bad + desc_len + 8;
	for (i = 0; i < ARRAY_SIZE(irq_bad); i++) {
		memcpy(bad, data, len);
		irq_bad[i](e, e + VFIO_AP_MIG_IRQ_HDR);
		irqs_refused(test, dst, ubuf, bad, len);
	}
	/* shorter than its own header (3 bytes, framed) */
	memcpy(bad, data, len);
	put_unaligned_le32(3, bad + desc_len + 4);
	irqs_refused(test, dst, ubuf, bad, desc_len + 8 + 3);
	KUNIT_EXPECT_EQ(test, dh->set_irqs, 0);
	KUNIT_EXPECT_EQ(test, dh->nr_irqs, 0);

	/* the destination cannot re-enable them: it stays in STOP */
	KUNIT_ASSERT_EQ(test, copy_to_user(ubuf, data, len), 0);
	df = mig_set(test, dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, len, 12), len);
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP));
	dh->set_irqs_ret = -EIO;
	KUNIT_EXPECT_PTR_EQ(test,
			    mig_set(test, dst, VFIO_DEVICE_STATE_RUNNING),
			    ERR_PTR(-EIO));
	KUNIT_EXPECT_EQ(test, mig_state(test, dst), VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, dh->nr_irqs, 0);

	/*
	 * saved again before it ran: the interrupt state it received goes on,
	 * not the none its queues have
	 */
	KUNIT_ASSERT_EQ(test, mig_save(test, dst, ubuf), len);
	KUNIT_ASSERT_EQ(test, copy_from_user(bad, ubuf, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(bad, data, len), 0);
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP));

	/* once it can, exactly the source's queues get their interrupts */
	dh->set_irqs_ret = 0;
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, dh->set_irqs, 2);
	KUNIT_ASSERT_EQ(test, dh->nr_irqs, ARRAY_SIZE(irqs));
	for (i = 0; i < ARRAY_SIZE(irqs); i++) {
		KUNIT_EXPECT_EQ(test, dh->irqs[i].apqn, irqs[i].apqn);
		KUNIT_EXPECT_EQ(test, dh->irqs[i].isc, irqs[i].isc);
		KUNIT_EXPECT_EQ(test, dh->irqs[i].nib, irqs[i].nib);
	}
	KUNIT_EXPECT_NULL(test, dst->mig_irqs);

	/* a source whose guest enabled none sends no block */
	sh->nr_irqs = 0;
	KUNIT_EXPECT_EQ(test, mig_save(test, src, ubuf), (ssize_t)desc_len);
	KUNIT_EXPECT_NULL(test, mig_set(test, src, VFIO_DEVICE_STATE_RUNNING));
}

/* A queue of @matrix_mdev's queue table, as probe() leaves it; no device */
static struct vfio_ap_queue *irq_queue_new(struct kunit *test,
					   struct ap_matrix_mdev *matrix_mdev,
					   unsigned long apqn)
{
	struct vfio_ap_queue *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, q);
	q->matrix_mdev = matrix_mdev;
	q->apqn = apqn;
	q->saved_isc = VFIO_AP_ISC_INVALID;
	hash_add(matrix_mdev->qtable.queues, &q->mdev_qnode, apqn);
	return q;
}

static void drop_fake_kvm(void *data)
{
	struct ap_matrix_mdev *matrix_mdev = data;

	matrix_mdev->kvm = NULL;
}

/*
 * The interrupt state through vfio_ap's own vfio_ap_mdev_get_irqs() and
 * vfio_ap_mdev_set_irqs() on the queues of its queue table; only the AP
 * instructions (the resets, AQIC) are stand-ins. The source's guest
 * enabled interrupts on two of eight queues, and a third is being reset
 * (its ISC already invalid): two go. A destination without a guest, then
 * one whose AQIC fails on a queue, stays in STOP with no queue enabled;
 * then exactly the two queues get the source's ISC and NIB, after a reset.
 */
static void vfio_ap_mig_vfio_test_irqs_queues(struct kunit *test)
{
	const struct migc_desc *desc = desc_of(test, SRC_CEX8);
	struct ap_matrix_mdev *src = mig_mdev_new(test, &two_cex8, desc);
	struct ap_matrix_mdev *dst = mig_mdev_new(test, &two_cex8, desc);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, PAGE_SIZE);
	size_t desc_len = 12 + strlen(SRC_CEX8 "\n");
	struct vfio_ap_queue *sq[8], *dq[8];
	struct fake_host *dh = host_of(dst);
	struct file *df;
	unsigned int i;
	ssize_t len;

	kunit_deactivate_static_stub(test, vfio_ap_mdev_get_irqs);
	kunit_deactivate_static_stub(test, vfio_ap_mdev_set_irqs);
	kunit_activate_static_stub(test, vfio_ap_mig_reset_queues,
				   fake_reset_queues);
	kunit_activate_static_stub(test, vfio_ap_mig_aqic, fake_aqic);
	for (i = 0; i < ARRAY_SIZE(sq); i++) {
		/* 01.0000 - 01.0003, 05.0000 - 05.0003 */
		sq[i] = irq_queue_new(test, src, AP_MKQID(i < 4 ? 1 : 5, i % 4));
		dq[i] = irq_queue_new(test, dst, AP_MKQID(i < 4 ? 1 : 5, i % 4));
	}
	sq[0]->saved_iova = 0x10000;
	sq[0]->saved_isc = 3;
	sq[6]->saved_iova = 0x20008;
	sq[6]->saved_isc = 7;
	sq[3]->saved_iova = 0x30000;	/* a reset is freeing it */

	len = mig_save(test, src, ubuf);
	KUNIT_EXPECT_EQ(test, len, (ssize_t)(desc_len + 8 + VFIO_AP_MIG_IRQ_HDR +
					     2 * VFIO_AP_MIG_IRQ_ENTRY));
	KUNIT_EXPECT_NULL(test, mig_set(test, src, VFIO_DEVICE_STATE_RUNNING));

	/* no guest uses the destination */
	df = mig_set(test, dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, mig_write(df, ubuf, len, len), len);
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_STOP));
	KUNIT_EXPECT_PTR_EQ(test, mig_set(test, dst, VFIO_DEVICE_STATE_RUNNING),
			    ERR_PTR(-ENODEV));
	KUNIT_EXPECT_EQ(test, dh->resets, 0);

	/* a guest, and the second AQIC fails: the first is disabled again */
	dst->kvm = kunit_kzalloc(test, sizeof(*dst->kvm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dst->kvm);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, drop_fake_kvm,
							dst), 0);
	dh->aqic_fail = 2;
	KUNIT_EXPECT_PTR_EQ(test, mig_set(test, dst, VFIO_DEVICE_STATE_RUNNING),
			    ERR_PTR(-EIO));
	KUNIT_EXPECT_EQ(test, mig_state(test, dst), VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, dh->resets, 2);
	KUNIT_EXPECT_EQ(test, dh->enables, 2);
	KUNIT_EXPECT_EQ(test, dh->disables, 1);
	for (i = 0; i < ARRAY_SIZE(dq); i++)
		KUNIT_EXPECT_EQ(test, dq[i]->saved_iova, 0);

	/* then it can: exactly the source's two, reset first */
	dh->aqic_fail = 0;
	KUNIT_EXPECT_NULL(test, mig_set(test, dst, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, dh->resets, 4);
	for (i = 0; i < ARRAY_SIZE(dq); i++) {
		KUNIT_EXPECT_EQ(test, dq[i]->saved_iova,
				i == 3 ? 0 : sq[i]->saved_iova);
		if (dq[i]->saved_iova)
			KUNIT_EXPECT_EQ(test, dq[i]->saved_isc, sq[i]->saved_isc);
	}
	KUNIT_EXPECT_NULL(test, dst->mig_irqs);
}

static struct kunit_case vfio_ap_mig_vfio_test_cases[] = {
	KUNIT_CASE(vfio_ap_mig_vfio_test_migrate),
	KUNIT_CASE_PARAM(vfio_ap_mig_vfio_test_hosts, check_gen_params),
	KUNIT_CASE(vfio_ap_mig_vfio_test_queue_gone),
	KUNIT_CASE(vfio_ap_mig_vfio_test_reset),
	KUNIT_CASE(vfio_ap_mig_vfio_test_irqs),
	KUNIT_CASE(vfio_ap_mig_vfio_test_irqs_queues),
	{}
};

static struct kunit_suite vfio_ap_mig_vfio_test_suite = {
	.name = "vfio_ap_migration_vfio",
	.init = fake_world_init,
	.test_cases = vfio_ap_mig_vfio_test_cases,
};

static struct kunit_case vfio_ap_mig_glue_test_cases[] = {
	KUNIT_CASE_PARAM(vfio_ap_mig_glue_test_check, check_gen_params),
	KUNIT_CASE(vfio_ap_mig_glue_test_round_trip),
	KUNIT_CASE(vfio_ap_mig_glue_test_empty),
	KUNIT_CASE(vfio_ap_mig_glue_test_changed_during_snapshot),
	KUNIT_CASE(vfio_ap_mig_glue_test_reads_show_snapshot),
	KUNIT_CASE(vfio_ap_mig_glue_test_no_card),
	KUNIT_CASE(vfio_ap_mig_glue_test_set),
	KUNIT_CASE(vfio_ap_mig_glue_test_malformed),
	{}
};

static struct kunit_suite vfio_ap_mig_glue_test_suite = {
	.name = "vfio_ap_migration_glue",
	.init = fake_world_init,
	.test_cases = vfio_ap_mig_glue_test_cases,
};

kunit_test_suites(&vfio_ap_mig_glue_test_suite, &vfio_ap_mig_vfio_test_suite);

/* vfio_ap and the engine export what these tests call to KUnit only */
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests of the vfio_ap migration glue");
MODULE_LICENSE("GPL");
