// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the mdev migration glue with a fake driver: the access
 * classes and idempotent writes of migration/params/<name>, the freeze,
 * the snapshot before every series of get() calls, the device check, and
 * the reassembly of the description at the start of a migration stream
 * in every split, with its final refusal, and the config-only VFIO
 * migration driven through its ops as a VMM does.
 */

#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/mdev.h>
#include <linux/mdev_migration.h>
#include <linux/mman.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>
#include <asm/byteorder.h>

#include "mdev_migration_priv.h"
#include "mdev_private.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

enum { FAKE_PORTS, FAKE_TURBO, FAKE_SERIAL, FAKE_NR_PARAMS };

static const struct migc_range fake_ports_ranges[] = { { 1, 4 } };

static const struct migc_value fake_serials[] = {
	MIGC_STR_VALUE("sn-1"), MIGC_STR_VALUE("sn-2"),
};

static const struct migc_param fake_params[FAKE_NR_PARAMS] = {
	[FAKE_PORTS] = {
		.name = "ports", .type = MIGC_INT, .access = MIGC_CREATE,
		.init_value = MIGC_INT_VALUE(2),
		.nr_allowed = 1, .ranges = fake_ports_ranges,
	},
	[FAKE_TURBO] = {
		.name = "turbo", .type = MIGC_BOOL, .access = MIGC_RUNTIME,
		.init_value = MIGC_BOOL_VALUE(true),
		.has_off = true, .off_value = MIGC_BOOL_VALUE(false),
	},
	[FAKE_SERIAL] = {
		.name = "serial", .type = MIGC_STR, .access = MIGC_READONLY,
		.init_value = MIGC_STR_VALUE("sn-1"),
		.nr_allowed = ARRAY_SIZE(fake_serials), .allowed = fake_serials,
	},
};

static const struct migc_model fake_model = {
	.name = "kunit.example/fake",
	.params = fake_params,
	.nr_params = FAKE_NR_PARAMS,
};

static const struct migc_caps fake_caps = {
	.models = &fake_model,
	.nr_models = 1,
};

/**
 * struct mdev_mig_fake - a fake driver's state of its mdev device
 * @mdev: the device, of mdev_migration_kunit_mdev()
 * @ports: current value of "ports"
 * @turbo: current value of "turbo"
 * @serial: current value of "serial"
 * @fresh: get() calls left from the last snapshot()
 * @unsnapshotted: get() calls without a snapshot() before them
 * @snapshots: snapshot() calls
 * @sets: set() calls
 * @check_ret: what check() returns
 * @irq: state beside the configuration, which the driver block carries
 * @kept: what the driver block's load() kept, until resume() or discard()
 * @saves: the driver block's save() calls
 * @resumes: the driver block's resume() calls
 * @discards: the driver block's discard() calls
 */
struct mdev_mig_fake {
	struct mdev_device *mdev;
	s64 ports;
	bool turbo;
	char serial[16];
	unsigned int fresh;
	unsigned int unsnapshotted;
	unsigned int snapshots;
	unsigned int sets;
	int check_ret;
	u32 irq;
	u32 kept;
	unsigned int saves;
	unsigned int resumes;
	unsigned int discards;
};

static struct mdev_mig_fake *to_fake(struct mdev_device *mdev)
{
	return dev_get_drvdata(&mdev->dev);
}

static int fake_snapshot(struct mdev_device *mdev)
{
	struct mdev_mig_fake *f = to_fake(mdev);

	f->snapshots++;
	f->fresh = FAKE_NR_PARAMS;
	return 0;
}

static int fake_get(struct mdev_device *mdev, unsigned int idx,
		    struct migc_value *v)
{
	struct mdev_mig_fake *f = to_fake(mdev);

	if (f->fresh)
		f->fresh--;
	else
		f->unsnapshotted++;
	v->type = fake_params[idx].type;
	switch (idx) {
	case FAKE_PORTS:
		v->i = f->ports;
		break;
	case FAKE_TURBO:
		v->b = f->turbo;
		break;
	default:
		v->s = f->serial;
		break;
	}
	return 0;
}

static int fake_set(struct mdev_device *mdev, unsigned int idx,
		    const struct migc_value *v)
{
	struct mdev_mig_fake *f = to_fake(mdev);

	f->sets++;
	if (idx == FAKE_PORTS)
		f->ports = v->i;
	else if (idx == FAKE_TURBO)
		f->turbo = v->b;
	else
		return -EIO;	/* the core never sets a readonly parameter */
	return 0;
}

static int fake_check(struct mdev_device *mdev, const struct migc_desc *src,
		      struct migc_reason *why)
{
	return to_fake(mdev)->check_ret;
}

static const struct mdev_migration_ops fake_ops = {
	.get = fake_get,
	.set = fake_set,
	.check = fake_check,
	.snapshot = fake_snapshot,
};

/*
 * The fake's predecessor stream starts with "OLD1" and the number of
 * ports (le32); its serial number is the one every such device had.
 * "OLDX" makes it imply a value of the wrong type, as a buggy driver.
 */
#define FAKE_OLD_LEN	8

static int fake_predecessor(struct mdev_device *mdev, const void *hdr,
			    size_t len, struct migc_value *implied)
{
	if (len != FAKE_OLD_LEN || memcmp(hdr, "OLD", 3))
		return -EPROTO;
	if (((const char *)hdr)[3] == 'X')
		implied[FAKE_PORTS] = (struct migc_value)MIGC_STR_VALUE("2");
	else if (((const char *)hdr)[3] == '1')
		implied[FAKE_PORTS] = (struct migc_value)
			MIGC_INT_VALUE(get_unaligned_le32(hdr + 4));
	else
		return -EPROTO;
	implied[FAKE_SERIAL] = (struct migc_value)MIGC_STR_VALUE("sn-1");
	return 0;
}

static const struct mdev_migration_ops fake_pred_ops = {
	.get = fake_get,
	.set = fake_set,
	.check = fake_check,
	.snapshot = fake_snapshot,
	.predecessor = fake_predecessor,
	.predecessor_len = FAKE_OLD_LEN,
};

/* A bound fake device with the initial values, freed after the test. */
static struct mdev_mig_fake *fake_new_ops(struct kunit *test,
					  const struct mdev_migration_ops *ops)
{
	struct mdev_mig_fake *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->ports = 2;
	f->turbo = true;
	strscpy(f->serial, "sn-1");
	f->mdev = mdev_migration_kunit_mdev(test, ops, &fake_caps, "kunit-mdev",
					    f);
	return f;
}

static struct mdev_mig_fake *fake_new(struct kunit *test)
{
	return fake_new_ops(test, &fake_ops);
}

/* Every get() followed a snapshot(); the state goes when the test ends. */
static void fake_done(struct kunit *test, struct mdev_mig_fake *f)
{
	KUNIT_EXPECT_EQ(test, f->unsnapshotted, 0);
}

static ssize_t fake_write(struct mdev_mig_fake *f, int idx, const char *val)
{
	return mdev_migration_param_store(f->mdev, &fake_params[idx], val,
					  strlen(val));
}

/* The params file of @idx, as cat shows it, in a buffer of the test. */
static const char *fake_read(struct kunit *test, struct mdev_mig_fake *f,
			     int idx)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	ssize_t ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ret = mdev_migration_param_show(f->mdev, &fake_params[idx], buf);
	if (ret < 0)
		snprintf(buf, PAGE_SIZE, "error %zd", ret);
	return buf;
}

static void mdev_mig_test_create_param(struct kunit *test)
{
	struct mdev_mig_fake *f = fake_new(test);

	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "3"), 1);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_PORTS), "3\n");
	KUNIT_EXPECT_EQ(test, f->sets, 1);

	mdev_migration_opened(f->mdev);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "4\n"), -EBUSY);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_PORTS), "3\n");
	/* The current value is always accepted, and nothing is set. */
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "3\n"), 2);
	KUNIT_EXPECT_EQ(test, f->sets, 1);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "1"), -EBUSY);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_PORTS), "3\n");
	fake_done(test, f);
}

static void mdev_mig_test_runtime_param(struct kunit *test)
{
	struct mdev_mig_fake *f = fake_new(test);

	mdev_migration_opened(f->mdev);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_TURBO, "off"), 3);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_TURBO), "false\n");

	mdev_migration_freeze(f->mdev, true);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_TURBO, "true"), -EBUSY);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_TURBO), "false\n");
	/* Any spelling of the current value is the current value. */
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_TURBO, "0"), 1);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_TURBO, "false"), 5);
	KUNIT_EXPECT_EQ(test, f->sets, 1);

	mdev_migration_freeze(f->mdev, false);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_TURBO, "y"), 1);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_TURBO), "true\n");
	KUNIT_EXPECT_EQ(test, f->sets, 2);
	fake_done(test, f);
}

static void mdev_mig_test_readonly_param(struct kunit *test)
{
	struct mdev_mig_fake *f = fake_new(test);

	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_SERIAL, "sn-2"), -EPROTO);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_SERIAL), "sn-1\n");
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_SERIAL, "sn-1\n"), 5);
	mdev_migration_opened(f->mdev);
	mdev_migration_freeze(f->mdev, true);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_SERIAL, "sn-1"), 4);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_SERIAL, "sn-3"), -EPROTO);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_SERIAL), "sn-1\n");
	KUNIT_EXPECT_EQ(test, f->sets, 0);
	fake_done(test, f);
}

static void mdev_mig_test_bad_values(struct kunit *test)
{
	struct mdev_mig_fake *f = fake_new(test);

	/* Outside allowed_values: EPROTO; not a value: EINVAL. */
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "5"), -EPROTO);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "two"), -EINVAL);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, ""), -EINVAL);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_TURBO, "maybe"), -EINVAL);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_PORTS), "2\n");
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_TURBO), "true\n");
	KUNIT_EXPECT_EQ(test, f->sets, 0);
	fake_done(test, f);
}

/*
 * Unbound, the files reach no driver; the driver's own calls still work
 * until its remove() returns; a new bind starts afresh.
 */
static void mdev_mig_test_unbound(struct kunit *test)
{
	struct mdev_mig_fake *f = fake_new(test);
	char buf[128];
	unsigned int snapshots;
	int len;

	len = mdev_migration_describe(f->mdev, buf, sizeof(buf));
	KUNIT_ASSERT_GT(test, len, 0);
	mdev_migration_opened(f->mdev);
	mdev_migration_freeze(f->mdev, true);
	mdev_migration_unbind(f->mdev);
	snapshots = f->snapshots;
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_PORTS), "error -19");
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "2"), -ENODEV);
	KUNIT_EXPECT_EQ(test, f->snapshots, snapshots);

	KUNIT_EXPECT_EQ(test, mdev_migration_check(f->mdev, buf, len), 0);
	KUNIT_EXPECT_EQ(test, mdev_migration_describe(f->mdev, buf,
						      sizeof(buf)), len);

	mdev_migration_bind(f->mdev);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "1"), 1);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_TURBO, "0"), 1);
	fake_done(test, f);
}

/*
 * An open between the driver's probe(), which registered its VFIO device,
 * and the bind that follows it counts: create parameters stay fixed.
 */
static void mdev_mig_test_open_during_bind(struct kunit *test)
{
	struct mdev_mig_fake *f = fake_new(test);

	mdev_migration_unbind(f->mdev);		/* as before probe() returned */
	mdev_migration_opened(f->mdev);
	mdev_migration_bind(f->mdev);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "3"), -EBUSY);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_PORTS), "2\n");
	KUNIT_EXPECT_EQ(test, f->sets, 0);
	/* A driver bound again after an unbind starts afresh. */
	mdev_migration_unbind(f->mdev);
	mdev_migration_bind(f->mdev);
	KUNIT_EXPECT_EQ(test, fake_write(f, FAKE_PORTS, "3"), 1);
	KUNIT_EXPECT_STREQ(test, fake_read(test, f, FAKE_PORTS), "3\n");
	fake_done(test, f);
}

/* A description is one snapshot: one snapshot() and then every get(). */
static void mdev_mig_test_snapshot(struct kunit *test)
{
	struct mdev_mig_fake *f = fake_new(test);
	char buf[256];
	unsigned int snapshots = f->snapshots;
	int len;

	len = mdev_migration_describe(f->mdev, buf, sizeof(buf));
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_EXPECT_EQ(test, f->snapshots, snapshots + 1);
	KUNIT_EXPECT_STREQ(test, buf,
			   "{\"model\": \"kunit.example/fake\", \"params\": {\"ports\": 2, \"turbo\": true, \"serial\": \"sn-1\"}}\n");
	KUNIT_EXPECT_EQ(test, mdev_migration_describe(f->mdev, buf, 10),
			-E2BIG);
	fake_done(test, f);
}

static void mdev_mig_test_check(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test), *dst = fake_new(test);
	char buf[256];
	int len;

	len = mdev_migration_describe(src->mdev, buf, sizeof(buf));
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_EXPECT_EQ(test, mdev_migration_check(dst->mdev, buf, len), 0);

	KUNIT_ASSERT_EQ(test, fake_write(dst, FAKE_PORTS, "3"), 1);
	KUNIT_EXPECT_EQ(test, mdev_migration_check(dst->mdev, buf, len),
			-EPROTO);
	KUNIT_ASSERT_EQ(test, fake_write(dst, FAKE_PORTS, "2"), 1);

	dst->check_ret = -EPROTO;
	KUNIT_EXPECT_EQ(test, mdev_migration_check(dst->mdev, buf, len),
			-EPROTO);
	dst->check_ret = 0;
	KUNIT_EXPECT_EQ(test, mdev_migration_check(dst->mdev, buf, len - 3),
			-EINVAL);
	/* A source without "turbo" predates it: only off on the destination. */
	len = scnprintf(buf, sizeof(buf),
			"{\"model\": \"kunit.example/fake\", \"params\": {\"ports\": 2, \"serial\": \"sn-1\"}}");
	KUNIT_EXPECT_EQ(test, mdev_migration_check(dst->mdev, buf, len),
			-EPROTO);
	KUNIT_ASSERT_EQ(test, fake_write(dst, FAKE_TURBO, "false"), 5);
	KUNIT_EXPECT_EQ(test, mdev_migration_check(dst->mdev, buf, len), 0);
	fake_done(test, src);
	fake_done(test, dst);
}

/* The stream's description block, in user memory, with @extra bytes after. */
struct fake_stream {
	char __user *ubuf;
	size_t len;
};

static void fake_stream_put(struct kunit *test, struct fake_stream *s,
			    const void *block, size_t len, size_t extra)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, len + extra + 1,
			     PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			     0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	s->ubuf = (char __user *)addr;
	s->len = len;
	KUNIT_ASSERT_EQ(test, copy_to_user(s->ubuf, block, len), 0);
	KUNIT_ASSERT_EQ(test, clear_user(s->ubuf + len, extra + 1), 0);
}

static void fake_stream_of(struct kunit *test, struct mdev_mig_fake *src,
			   struct fake_stream *s, size_t extra)
{
	size_t len;
	void *block = mdev_migration_stream_desc(src->mdev, &len);

	KUNIT_ASSERT_FALSE(test, IS_ERR(block));
	KUNIT_EXPECT_EQ(test, le32_to_cpup((const __le32 *)block),
			MDEV_MIGRATION_STREAM_MAGIC);
	fake_stream_put(test, s, block, len, extra);
	kfree(block);
}

/*
 * Feed @s in pieces of @first bytes and then @step bytes, with 5 bytes of
 * device state after the block: the description must take exactly its
 * own bytes, and nothing more once accepted. Return the first error.
 */
static int fake_feed(struct kunit *test, struct mdev_mig_fake *dst,
		     const struct fake_stream *s, size_t first, size_t step)
{
	struct mdev_migration_stream_in in = {};
	size_t off = 0, total = s->len + 5;
	ssize_t n;
	int ret = 0;

	while (off < total && !mdev_migration_stream_in_done(&in)) {
		size_t want = min(off ? step : first, total - off);

		n = mdev_migration_stream_in_write(dst->mdev, &in,
						   s->ubuf + off, want);
		if (n < 0) {
			ret = n;
			break;
		}
		KUNIT_EXPECT_LE(test, n, want);
		off += n;
		if (n < want)	/* the rest is device state */
			break;
	}
	if (!ret) {
		KUNIT_EXPECT_TRUE(test, mdev_migration_stream_in_done(&in));
		KUNIT_EXPECT_EQ(test, off, s->len);
		n = mdev_migration_stream_in_write(dst->mdev, &in,
						   s->ubuf + off, 5);
		KUNIT_EXPECT_EQ(test, n, 0);
	}
	mdev_migration_stream_in_free(&in);
	return ret;
}

static void mdev_mig_test_stream_splits(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test), *dst = fake_new(test);
	struct fake_stream s;
	size_t i;

	fake_stream_of(test, src, &s, 5);
	for (i = 1; i <= s.len + 5; i++)
		KUNIT_EXPECT_EQ_MSG(test, fake_feed(test, dst, &s, i, i), 0,
				    "pieces of %zu bytes", i);
	for (i = 1; i < s.len; i++)
		KUNIT_EXPECT_EQ_MSG(test, fake_feed(test, dst, &s, i, s.len),
				    0, "split at %zu", i);
	fake_done(test, src);
	fake_done(test, dst);
}

/* A refused description is final for the stream, whatever comes next. */
static void mdev_mig_test_stream_refusal(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test), *dst = fake_new(test);
	struct mdev_migration_stream_in in = {};
	struct fake_stream s;
	ssize_t n;
	size_t i;

	fake_stream_of(test, src, &s, 0);
	KUNIT_ASSERT_EQ(test, fake_write(dst, FAKE_PORTS, "4"), 1);
	for (i = 1; i <= s.len; i++)
		KUNIT_EXPECT_EQ_MSG(test, fake_feed(test, dst, &s, i, i),
				    -EPROTO, "pieces of %zu bytes", i);

	n = mdev_migration_stream_in_write(dst->mdev, &in, s.ubuf, s.len);
	KUNIT_EXPECT_EQ(test, n, -EPROTO);
	KUNIT_ASSERT_EQ(test, fake_write(dst, FAKE_PORTS, "2"), 1);
	/* The device would accept it now, but this stream stays refused. */
	n = mdev_migration_stream_in_write(dst->mdev, &in, s.ubuf, s.len);
	KUNIT_EXPECT_EQ(test, n, -EPROTO);
	n = mdev_migration_stream_in_write(dst->mdev, &in, s.ubuf, 1);
	KUNIT_EXPECT_EQ(test, n, -EPROTO);
	KUNIT_EXPECT_FALSE(test, mdev_migration_stream_in_done(&in));
	mdev_migration_stream_in_free(&in);
	/* A new stream is judged afresh. */
	KUNIT_EXPECT_EQ(test, fake_feed(test, dst, &s, s.len, s.len), 0);
	fake_done(test, src);
	fake_done(test, dst);
}

/*
 * A write whose bytes fault after some were taken reports those bytes (a
 * short write), and the stream goes on from there.
 */
static void mdev_mig_test_stream_fault(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test), *dst = fake_new(test);
	struct mdev_migration_stream_in in = {};
	const size_t magic = sizeof(__le32);
	struct fake_stream s;
	u8 m[sizeof(__le32)];
	unsigned long addr;
	char __user *edge;
	ssize_t n;

	fake_stream_of(test, src, &s, 0);
	/* Two pages, the second unmapped again: the magic ends the first. */
	addr = kunit_vm_mmap(test, NULL, 0, 2 * PAGE_SIZE,
			     PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			     0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, vm_munmap(addr + PAGE_SIZE, PAGE_SIZE), 0);
	edge = (char __user *)addr + PAGE_SIZE - magic;
	KUNIT_ASSERT_EQ(test, copy_from_user(m, s.ubuf, magic), 0);
	KUNIT_ASSERT_EQ(test, copy_to_user(edge, m, magic), 0);

	n = mdev_migration_stream_in_write(dst->mdev, &in, edge, s.len);
	KUNIT_EXPECT_EQ(test, n, magic);
	/* Nothing taken: a plain fault. */
	n = mdev_migration_stream_in_write(dst->mdev, &in, edge + magic, 8);
	KUNIT_EXPECT_EQ(test, n, -EFAULT);
	n = mdev_migration_stream_in_write(dst->mdev, &in, s.ubuf + magic,
					   s.len - magic);
	KUNIT_EXPECT_EQ(test, n, s.len - magic);
	KUNIT_EXPECT_TRUE(test, mdev_migration_stream_in_done(&in));
	mdev_migration_stream_in_free(&in);
	fake_done(test, src);
	fake_done(test, dst);
}

struct fake_hdr {
	__le32 magic;
	__le16 version;
	__le16 reserved;
	__le32 len;
} __packed;

/* Feed a header (and @doc) built from the fields given. */
static ssize_t fake_feed_hdr(struct kunit *test, struct mdev_mig_fake *dst,
			     u32 magic, u16 version, u16 reserved, u32 len,
			     const char *doc, size_t feed)
{
	struct mdev_migration_stream_in in = {};
	size_t dlen = doc ? strlen(doc) : 0;
	struct fake_stream s;
	struct fake_hdr *h;
	ssize_t ret;

	h = kunit_kzalloc(test, sizeof(*h) + dlen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->magic = cpu_to_le32(magic);
	h->version = cpu_to_le16(version);
	h->reserved = cpu_to_le16(reserved);
	h->len = cpu_to_le32(len);
	if (dlen)
		memcpy(h + 1, doc, dlen);
	fake_stream_put(test, &s, h, sizeof(*h) + dlen, 0);
	ret = mdev_migration_stream_in_write(dst->mdev, &in, s.ubuf,
					     min(feed, s.len));
	if (ret >= 0)
		KUNIT_EXPECT_FALSE(test, mdev_migration_stream_in_done(&in));
	mdev_migration_stream_in_free(&in);
	return ret;
}

static void mdev_mig_test_stream_headers(struct kunit *test)
{
	struct mdev_mig_fake *dst = fake_new(test);
	const u32 m = MDEV_MIGRATION_STREAM_MAGIC;
	const u16 v = MDEV_MIGRATION_STREAM_VERSION;
	const char *doc = "{\"model\": \"kunit.example/fake\", \"params\": {}}";
	u32 dl = strlen(doc);

	/* Truncated: a header or a description still incomplete. */
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v, 0, dl, doc, 11),
			11);
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v, 0, dl, doc,
					    12 + dl - 1), 12 + dl - 1);
	/* Foreign or unknown framing. */
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, ~m, v, 0, dl, doc, 64),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v + 1, 0, dl, doc,
					    64), -EPROTO);
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v, 1, dl, doc, 64),
			-EPROTO);
	/* Oversize and empty descriptions are refused at the header. */
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v, 0, MIGC_DOC_MAX + 1,
					    NULL, 12), -EPROTO);
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v, 0, U32_MAX, NULL,
					    12), -EPROTO);
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v, 0, 0, NULL, 12),
			-EPROTO);
	/* The largest length is taken, and waits for its bytes. */
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v, 0, MIGC_DOC_MAX,
					    NULL, 12), 12);
	/* A description that does not parse is a foreign stream. */
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v, 0, 3, "{x}", 64),
			-EPROTO);
	/* A well-formed one this device cannot accept: refused too. */
	KUNIT_EXPECT_EQ(test, fake_feed_hdr(test, dst, m, v, 0, dl, doc, 64),
			-EPROTO);
	fake_done(test, dst);
}

/* Feed an 8-byte predecessor header in pieces of @step bytes. */
static int fake_feed_old(struct kunit *test, struct mdev_mig_fake *dst,
			 const char *magic, u32 ports, size_t step)
{
	struct mdev_migration_stream_in in = {};
	u8 old[FAKE_OLD_LEN];
	struct fake_stream s;
	const void *hdr;
	size_t off = 0, len = 0;
	ssize_t n = 0;

	memcpy(old, magic, 4);
	put_unaligned_le32(ports, old + 4);
	fake_stream_put(test, &s, old, sizeof(old), 0);
	while (off < sizeof(old)) {
		n = mdev_migration_stream_in_write(dst->mdev, &in,
						   s.ubuf + off,
						   min(step, sizeof(old) - off));
		if (n <= 0)
			break;
		off += n;
	}
	if (off == sizeof(old)) {
		KUNIT_EXPECT_TRUE(test, mdev_migration_stream_in_done(&in));
		hdr = mdev_migration_stream_in_predecessor(&in, &len);
		KUNIT_EXPECT_EQ(test, len, sizeof(old));
		KUNIT_EXPECT_TRUE(test, hdr && !memcmp(hdr, old, sizeof(old)));
	}
	mdev_migration_stream_in_free(&in);
	return n < 0 ? n : 0;
}

/*
 * The device check names what is not at its off value only when that is
 * the refusal; after any other outcome the list is empty, not stale.
 */
static void mdev_mig_test_not_off(struct kunit *test)
{
	static const char wrong_type[] =
		"{\"model\":\"kunit.example/fake\",\"params\":{\"ports\":\"2\"}}";
	static const char no_turbo[] =
		"{\"model\":\"kunit.example/fake\",\"params\":{\"ports\":2,\"serial\":\"sn-1\"}}";
	struct mdev_mig_fake *f = fake_new(test);
	struct migc_reason why = {};
	struct migc_desc *src;
	char not_off[64];

	src = kunit_kzalloc(test, sizeof(*src), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_EQ(test, migc_desc_parse(wrong_type, strlen(wrong_type),
					      src), 0);
	strscpy(not_off, "stale");
	KUNIT_EXPECT_EQ(test, mdev_migration_check_device(f->mdev, src, &why,
							  false, not_off,
							  sizeof(not_off)),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, not_off, "");

	KUNIT_ASSERT_EQ(test, migc_desc_parse(no_turbo, strlen(no_turbo), src),
			0);
	strscpy(not_off, "stale");
	KUNIT_EXPECT_EQ(test, mdev_migration_check_device(f->mdev, src, &why,
							  false, not_off,
							  sizeof(not_off)),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, not_off, "turbo");
	KUNIT_ASSERT_EQ(test, fake_write(f, FAKE_TURBO, "false"), 5);
	strscpy(not_off, "stale");
	KUNIT_EXPECT_EQ(test, mdev_migration_check_device(f->mdev, src, &why,
							  false, not_off,
							  sizeof(not_off)),
			0);
	KUNIT_EXPECT_STREQ(test, not_off, "");
	fake_done(test, f);
}

/* A stream without the magic, from the model's predecessor. */
static void mdev_mig_test_predecessor(struct kunit *test)
{
	struct mdev_mig_fake *dst = fake_new_ops(test, &fake_pred_ops);
	struct mdev_mig_fake *plain = fake_new(test);
	struct fake_stream s;
	size_t i;

	/* turbo is on: the old format cannot say so, so it is refused. */
	for (i = 1; i <= FAKE_OLD_LEN; i++)
		KUNIT_EXPECT_EQ_MSG(test, fake_feed_old(test, dst, "OLD1", 2, i),
				    -EPROTO, "pieces of %zu bytes", i);
	KUNIT_EXPECT_EQ(test, mdev_migration_stream_predecessor(dst->mdev),
			0);
	KUNIT_ASSERT_EQ(test, fake_write(dst, FAKE_TURBO, "false"), 5);
	KUNIT_EXPECT_STREQ(test, fake_read(test, dst, FAKE_TURBO), "false\n");
	/* At the off values it sends, and takes, the old stream. */
	KUNIT_EXPECT_EQ(test, mdev_migration_stream_predecessor(dst->mdev),
			1);
	for (i = 1; i <= FAKE_OLD_LEN; i++)
		KUNIT_EXPECT_EQ_MSG(test, fake_feed_old(test, dst, "OLD1", 2, i),
				    0, "pieces of %zu bytes", i);
	/* What the old header says still counts, and a foreign one is not it. */
	KUNIT_EXPECT_EQ(test, fake_feed_old(test, dst, "OLD1", 3, 8), -EPROTO);
	KUNIT_EXPECT_EQ(test, fake_feed_old(test, dst, "OLD2", 2, 8), -EPROTO);
	/* A driver that implies a value of the wrong type gets no check. */
	KUNIT_EXPECT_EQ(test, fake_feed_old(test, dst, "OLDX", 2, 8), -EPROTO);
	/* A driver without a predecessor refuses the old stream. */
	KUNIT_ASSERT_EQ(test, fake_write(plain, FAKE_TURBO, "false"), 5);
	KUNIT_EXPECT_EQ(test, fake_feed_old(test, plain, "OLD1", 2, 8), -EPROTO);
	KUNIT_EXPECT_EQ(test, mdev_migration_stream_predecessor(plain->mdev),
			0);
	/* Streams with a description work as before. */
	fake_stream_of(test, plain, &s, 5);
	KUNIT_EXPECT_EQ(test, fake_feed(test, dst, &s, 3, 7), 0);
	fake_done(test, dst);
	fake_done(test, plain);
}

/* The config-only migration, driven through its VFIO ops as a VMM does. */

static struct vfio_device *fake_vdev(struct kunit *test,
				     struct mdev_mig_fake *f)
{
	struct vfio_device *vdev = kunit_kzalloc(test, sizeof(*vdev),
						 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vdev);
	vdev->dev = &f->mdev->dev;
	vdev->migration_flags = MDEV_MIGRATION_CONFIG_FLAGS;
	vdev->mig_ops = &mdev_migration_config_ops;
	return vdev;
}

static struct file *cfg_set(struct kunit *test, struct vfio_device *vdev,
			    enum vfio_device_mig_state state)
{
	return mdev_migration_kunit_set_state(test, vdev, state);
}

static ssize_t cfg_read(struct file *filp, char __user *ubuf, size_t len)
{
	return filp->f_op->read(filp, ubuf, len, NULL);
}

static ssize_t cfg_write(struct file *filp, const char __user *ubuf,
			 size_t len)
{
	return filp->f_op->write(filp, ubuf, len, NULL);
}

/*
 * A VMM may hold a data fd after its device was closed and removed: every
 * use then answers ENODEV and touches nothing of the device, and closing
 * it last frees the session alone.
 */
static void mdev_mig_test_config_fd_outlives(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test), *dst = fake_new(test);
	struct vfio_device *vs = fake_vdev(test, src), *vd = fake_vdev(test, dst);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, PAGE_SIZE);
	struct file *sf, *df;

	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	KUNIT_ASSERT_EQ(test, cfg_read(sf, ubuf, 4), 4);
	df = cfg_set(test, vd, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_ASSERT_EQ(test, cfg_write(df, ubuf, 4), 4);

	mdev_migration_kunit_remove(test, src->mdev);
	mdev_migration_kunit_remove(test, dst->mdev);
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf, PAGE_SIZE), -ENODEV);
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_precopy(test, sf, ubuf),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf + 4, 8), -ENODEV);
	/* The fds are closed when the test ends, after their devices. */
	fake_done(test, src);
	fake_done(test, dst);
}

/* A state change or a hold in a task of its own. */
struct cfg_task {
	struct mdev_device *mdev;
	struct vfio_device *vdev;	/* NULL: a hold, else a state change */
	enum vfio_device_mig_state state;
	struct file *filp;
	int ret;
	struct completion done;
};

static int cfg_task_fn(void *data)
{
	struct cfg_task *t = data;

	if (t->vdev) {
		t->filp = t->vdev->mig_ops->migration_set_state(t->vdev,
								t->state);
		t->ret = PTR_ERR_OR_ZERO(t->filp);
	} else {
		t->ret = mdev_migration_config_hold(t->mdev);
		if (!t->ret)
			mdev_migration_config_unhold(t->mdev);
	}
	complete(&t->done);
	return 0;
}

static void cfg_task_start(struct kunit *test, struct cfg_task *t)
{
	init_completion(&t->done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(cfg_task_fn, t,
						    "mdev-mig-kunit")));
}

/*
 * A hold counts a change, it locks nothing: a second change goes ahead at
 * once, and a migration starting meanwhile waits for the last unhold.
 */
static void mdev_mig_test_config_hold_count(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test);
	struct vfio_device *vs = fake_vdev(test, src);
	struct cfg_task second = { .mdev = src->mdev };
	struct cfg_task mig = { .mdev = src->mdev, .vdev = vs,
				.state = VFIO_DEVICE_STATE_PRE_COPY };
	unsigned long second_done;

	KUNIT_ASSERT_EQ(test, mdev_migration_config_hold(src->mdev), 0);
	cfg_task_start(test, &second);
	second_done = wait_for_completion_timeout(&second.done, 5 * HZ);
	KUNIT_EXPECT_TRUE(test, second_done);
	KUNIT_EXPECT_EQ(test, second.ret, 0);

	cfg_task_start(test, &mig);
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&mig.done,
							     HZ / 10));
	mdev_migration_config_unhold(src->mdev);
	/* Each task ends before its state on this stack goes. */
	if (!second_done)
		wait_for_completion(&second.done);
	wait_for_completion(&mig.done);
	KUNIT_ASSERT_EQ(test, mig.ret, 0);
	KUNIT_ASSERT_NOT_NULL(test, mig.filp);
	fput(mig.filp);
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_state(test, vs),
			VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_EXPECT_EQ(test, mdev_migration_config_hold(src->mdev), -EBUSY);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	fake_done(test, src);
}

/* mdev_migration_config_fail() from a hard interrupt: a one-shot hrtimer */
struct cfg_irq {
	struct hrtimer timer;
	struct mdev_device *mdev;
	struct completion done;
};

static enum hrtimer_restart cfg_irq_fail(struct hrtimer *timer)
{
	struct cfg_irq *c = container_of(timer, struct cfg_irq, timer);

	mdev_migration_config_fail(c->mdev, -ENODEV);
	complete(&c->done);
	return HRTIMER_NORESTART;
}

static void cfg_fail_in_hardirq(struct kunit *test, struct mdev_device *mdev)
{
	struct cfg_irq c = { .mdev = mdev };

	init_completion(&c.done);
	hrtimer_setup_on_stack(&c.timer, cfg_irq_fail, CLOCK_MONOTONIC,
			       HRTIMER_MODE_REL_HARD);
	hrtimer_start(&c.timer, us_to_ktime(10), HRTIMER_MODE_REL_HARD);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&c.done, 5 * HZ));
	hrtimer_cancel(&c.timer);
	destroy_hrtimer_on_stack(&c.timer);
}

/*
 * mdev_migration_config_fail() from a hard interrupt handler, while state
 * changes take the same lock in process context (lockdep, on the debug
 * kernel, reports a lock taken in hardirq context and with interrupts
 * on, or a sleeping lock in hardirq context).
 */
static void mdev_mig_test_config_fail_any_context(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test);
	struct vfio_device *vs = fake_vdev(test, src);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, PAGE_SIZE);
	struct file *sf;

	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	cfg_fail_in_hardirq(test, src->mdev);
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf, PAGE_SIZE), -ENODEV);
	KUNIT_EXPECT_TRUE(test, IS_ERR(cfg_set(test, vs,
					       VFIO_DEVICE_STATE_STOP_COPY)));
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	/* RUNNING again: a failure is a no-op, the next migration works. */
	cfg_fail_in_hardirq(test, src->mdev);
	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	KUNIT_EXPECT_GT(test, cfg_read(sf, ubuf, PAGE_SIZE), 0);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	fake_done(test, src);
}

/*
 * Only a driver that uses the config-only migration pays for its state:
 * it is made by the first call of its ops or of hold(), not with the
 * device.
 */
static void mdev_mig_test_config_lazy(struct kunit *test)
{
	struct mdev_mig_fake *f = fake_new(test), *g = fake_new(test);
	struct vfio_device *vg = fake_vdev(test, g);

	KUNIT_EXPECT_NULL(test, mdev_migration_config_of(f->mdev));
	mdev_migration_config_fail(f->mdev, -ENODEV);	/* a no-op */
	mdev_migration_config_reset(f->mdev);
	KUNIT_EXPECT_NULL(test, mdev_migration_config_of(f->mdev));
	KUNIT_ASSERT_EQ(test, mdev_migration_config_hold(f->mdev), 0);
	KUNIT_EXPECT_NOT_NULL(test, mdev_migration_config_of(f->mdev));
	mdev_migration_config_unhold(f->mdev);

	KUNIT_EXPECT_NULL(test, mdev_migration_config_of(g->mdev));
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_state(test, vg),
			VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_NOT_NULL(test, mdev_migration_config_of(g->mdev));
	fake_done(test, f);
	fake_done(test, g);
}

/* PRE_COPY, then STOP_COPY on the same fd, into a destination. */
static void mdev_mig_test_config_migrate(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test), *dst = fake_new(test);
	struct vfio_device *vs = fake_vdev(test, src), *vd = fake_vdev(test, dst);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, 2 * PAGE_SIZE);
	struct file *sf, *df;
	unsigned long size;
	ssize_t len;

	KUNIT_EXPECT_EQ(test, vs->mig_ops->migration_get_data_size(vs, &size),
			0);
	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_state(test, vs),
			VFIO_DEVICE_STATE_PRE_COPY);
	/* frozen: the driver's own files and the runtime parameters */
	KUNIT_EXPECT_EQ(test, mdev_migration_config_hold(src->mdev), -EBUSY);
	KUNIT_EXPECT_EQ(test, fake_write(src, FAKE_TURBO, "false"), -EBUSY);
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_precopy(test, sf, ubuf),
			(long)size);
	len = cfg_read(sf, ubuf + 64, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, len, (ssize_t)size);
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_precopy(test, sf, ubuf), 0);
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf, 1), -ENOMSG);
	/* PRE_COPY -> STOP_COPY is a combination: the fd continues */
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_STOP_COPY));
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf, 1), 0);
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_precopy(test, sf, ubuf),
			-EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, cfg_set(test, vs, VFIO_DEVICE_STATE_PRE_COPY),
			    ERR_PTR(-EINVAL));

	/* RUNNING -> RESUMING is a combination too */
	df = cfg_set(test, vd, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf + 64, len - 1), len - 1);
	KUNIT_EXPECT_PTR_EQ(test, cfg_set(test, vd, VFIO_DEVICE_STATE_STOP),
			    ERR_PTR(-EPROTO));
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_state(test, vd),
			VFIO_DEVICE_STATE_RESUMING);
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf + 63 + len, 2), 1);
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf + 64 + len, 1), -EINVAL);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vd, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, mdev_migration_config_hold(dst->mdev), 0);
	mdev_migration_config_unhold(dst->mdev);

	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, fake_write(src, FAKE_TURBO, "false"), 5);
	fake_done(test, src);
	fake_done(test, dst);
}

/* A refusal, a failure, a reset. */
static void mdev_mig_test_config_refusal(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test), *dst = fake_new(test);
	struct vfio_device *vs = fake_vdev(test, src), *vd = fake_vdev(test, dst);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, 2 * PAGE_SIZE);
	struct file *sf, *df;
	ssize_t len;

	dst->turbo = false;
	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	len = cfg_read(sf, ubuf, PAGE_SIZE);
	KUNIT_EXPECT_GT(test, len, 12);
	df = cfg_set(test, vd, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf, len), -EPROTO);
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf, 1), -EPROTO);
	KUNIT_EXPECT_PTR_EQ(test, cfg_set(test, vd, VFIO_DEVICE_STATE_STOP),
			    ERR_PTR(-EPROTO));
	KUNIT_EXPECT_FALSE(test, dst->turbo);
	mdev_migration_config_reset(dst->mdev);
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_state(test, vd),
			VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf, 1), -ENODEV);

	/* the source loses part of its configuration */
	mdev_migration_config_fail(src->mdev, -EIO);
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf, 1), -EIO);
	KUNIT_EXPECT_PTR_EQ(test, cfg_set(test, vs, VFIO_DEVICE_STATE_STOP),
			    ERR_PTR(-EIO));
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	/* a no-op while RUNNING */
	mdev_migration_config_fail(src->mdev, -EIO);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_STOP));
	KUNIT_EXPECT_EQ(test, mdev_migration_config_hold(src->mdev), -EBUSY);
	mdev_migration_config_reset(src->mdev);
	KUNIT_EXPECT_EQ(test, mdev_migration_config_hold(src->mdev), 0);
	mdev_migration_config_unhold(src->mdev);
	fake_done(test, src);
	fake_done(test, dst);
}

/* A poller of a data fd, as a VMM's poll() registers one. */
struct cfg_poller {
	poll_table pt;
	wait_queue_entry_t entry;
	wait_queue_head_t *head;
	struct completion woken;
};

static int cfg_poller_wake(wait_queue_entry_t *entry, unsigned int mode,
			   int sync, void *key)
{
	struct cfg_poller *p = container_of(entry, struct cfg_poller, entry);

	complete(&p->woken);
	return 0;
}

static void cfg_poller_queue(struct file *filp, wait_queue_head_t *head,
			     poll_table *pt)
{
	struct cfg_poller *p = container_of(pt, struct cfg_poller, pt);

	p->head = head;
	init_waitqueue_func_entry(&p->entry, cfg_poller_wake);
	add_wait_queue(head, &p->entry);
}

/*
 * poll() after ENOMSG: nothing until the VMM moves to STOP_COPY (then
 * EOF is readable) or the migration fails, which wakes the poller even
 * when reported from a hard interrupt; the destination always takes
 * writes; an ended session is EPOLLERR.
 */
static void mdev_mig_test_config_poll(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new(test), *dst = fake_new(test);
	struct vfio_device *vs = fake_vdev(test, src), *vd = fake_vdev(test, dst);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, PAGE_SIZE);
	struct cfg_poller p = {};
	struct file *sf, *df;

	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	KUNIT_EXPECT_EQ(test, vfs_poll(sf, NULL), EPOLLIN | EPOLLRDNORM);
	KUNIT_EXPECT_GT(test, cfg_read(sf, ubuf, PAGE_SIZE), 12);
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf, 1), -ENOMSG);

	init_completion(&p.woken);
	init_poll_funcptr(&p.pt, cfg_poller_queue);
	KUNIT_EXPECT_EQ(test, vfs_poll(sf, &p.pt), 0);
	KUNIT_ASSERT_NOT_NULL(test, p.head);
	cfg_fail_in_hardirq(test, src->mdev);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&p.woken, 5 * HZ));
	remove_wait_queue(p.head, &p.entry);
	KUNIT_EXPECT_EQ(test, vfs_poll(sf, NULL), EPOLLERR);
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf, 1), -ENODEV);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, vfs_poll(sf, NULL), EPOLLERR);

	/* PRE_COPY -> STOP_COPY on the same fd wakes its poller: EOF */
	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	KUNIT_EXPECT_GT(test, cfg_read(sf, ubuf, PAGE_SIZE), 12);
	reinit_completion(&p.woken);
	p.head = NULL;
	KUNIT_EXPECT_EQ(test, vfs_poll(sf, &p.pt), 0);
	KUNIT_ASSERT_NOT_NULL(test, p.head);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_STOP_COPY));
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&p.woken, 5 * HZ));
	remove_wait_queue(p.head, &p.entry);
	KUNIT_EXPECT_EQ(test, vfs_poll(sf, NULL), EPOLLIN | EPOLLRDNORM);
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf, 1), 0);

	df = cfg_set(test, vd, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	KUNIT_EXPECT_EQ(test, vfs_poll(df, NULL), EPOLLOUT | EPOLLWRNORM);
	mdev_migration_config_reset(dst->mdev);	/* as close_device() */
	KUNIT_EXPECT_EQ(test, vfs_poll(df, NULL), EPOLLERR);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	fake_done(test, src);
	fake_done(test, dst);
}

/* A driver block whose save() fails: the state change fails, nothing leaks */
static ssize_t fail_block_save(struct mdev_device *mdev, void *buf,
			       size_t size)
{
	to_fake(mdev)->sets++;
	return -EIO;
}

static int fail_block_load(struct mdev_device *mdev, const void *buf,
			   size_t len)
{
	return 0;
}

static const struct mdev_migration_config_block fail_block = {
	.max_len = 8,
	.save = fail_block_save,
	.load = fail_block_load,
};

static const struct mdev_migration_ops fail_block_ops = {
	.get = fake_get,
	.set = fake_set,
	.check = fake_check,
	.snapshot = fake_snapshot,
	.config_block = &fail_block,
};

/*
 * STOP -> STOP_COPY whose block cannot be made: EIO, the device stays in
 * STOP with no session, and the data fd made for it is freed (kmemleak on
 * the debug kernel reports the file otherwise).
 */
static void mdev_mig_test_config_save_fails(struct kunit *test)
{
	struct mdev_mig_fake *f = fake_new_ops(test, &fail_block_ops);
	struct vfio_device *vdev = fake_vdev(test, f);

	KUNIT_EXPECT_NULL(test, cfg_set(test, vdev, VFIO_DEVICE_STATE_STOP));
	KUNIT_EXPECT_PTR_EQ(test, cfg_set(test, vdev,
					  VFIO_DEVICE_STATE_STOP_COPY),
			    ERR_PTR(-EIO));
	KUNIT_EXPECT_EQ(test, f->sets, 1);
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_state(test, vdev),
			VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vdev, VFIO_DEVICE_STATE_RUNNING));
	fake_done(test, f);
}

/* A driver block of 4 bytes: load() keeps them for resume() or discard() */
static ssize_t keep_block_save(struct mdev_device *mdev, void *buf,
			       size_t size)
{
	struct mdev_mig_fake *f = to_fake(mdev);

	f->saves++;
	put_unaligned_le32(f->irq, buf);
	return 4;
}

static int keep_block_load(struct mdev_device *mdev, const void *buf,
			   size_t len)
{
	if (len != 4)
		return -EPROTO;
	to_fake(mdev)->kept = get_unaligned_le32(buf);
	return 0;
}

static int keep_block_resume(struct mdev_device *mdev)
{
	struct mdev_mig_fake *f = to_fake(mdev);

	f->resumes++;
	f->irq = f->kept;
	f->kept = 0;
	return 0;
}

static void keep_block_discard(struct mdev_device *mdev)
{
	struct mdev_mig_fake *f = to_fake(mdev);

	f->discards++;
	f->kept = 0;
}

static const struct mdev_migration_config_block keep_block = {
	.max_len = 4,
	.save = keep_block_save,
	.load = keep_block_load,
	.resume = keep_block_resume,
	.discard = keep_block_discard,
};

static const struct mdev_migration_ops keep_block_ops = {
	.get = fake_get,
	.set = fake_set,
	.check = fake_check,
	.snapshot = fake_snapshot,
	.config_block = &keep_block,
};

/*
 * The destination takes the source's stream up to STOP: load() ran. A
 * write() ends where the description does, as a VMM's loop sees it.
 */
static void keep_block_load_stream(struct kunit *test, struct vfio_device *vd,
				   char __user *ubuf, ssize_t len)
{
	struct file *df = cfg_set(test, vd, VFIO_DEVICE_STATE_RESUMING);
	ssize_t n, done = 0;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	while (done < len) {
		n = cfg_write(df, ubuf + done, len - done);
		KUNIT_ASSERT_GT(test, n, 0);
		done += n;
	}
	KUNIT_EXPECT_NULL(test, cfg_set(test, vd, VFIO_DEVICE_STATE_STOP));
}

/*
 * What load() kept and resume() did not apply is discarded, once, when the
 * device is reset or a new stream starts; after resume() nothing is.
 */
static void mdev_mig_test_config_discard(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new_ops(test, &keep_block_ops);
	struct mdev_mig_fake *dst = fake_new_ops(test, &keep_block_ops);
	struct vfio_device *vs = fake_vdev(test, src), *vd = fake_vdev(test, dst);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, PAGE_SIZE);
	struct file *sf;
	ssize_t len;

	src->irq = 3;
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_STOP));
	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	len = cfg_read(sf, ubuf, PAGE_SIZE);
	KUNIT_ASSERT_GT(test, len, 12);

	/* VFIO_DEVICE_RESET in STOP */
	keep_block_load_stream(test, vd, ubuf, len);
	KUNIT_EXPECT_EQ(test, dst->kept, 3);
	mdev_migration_config_reset(dst->mdev);
	KUNIT_EXPECT_EQ(test, dst->discards, 1);
	KUNIT_EXPECT_EQ(test, dst->kept, 0);

	/* STOP -> RESUMING: a new stream */
	keep_block_load_stream(test, vd, ubuf, len);
	KUNIT_EXPECT_EQ(test, dst->kept, 3);
	keep_block_load_stream(test, vd, ubuf, len);
	KUNIT_EXPECT_EQ(test, dst->discards, 2);
	KUNIT_EXPECT_EQ(test, dst->kept, 3);

	/* resumed: a later reset has nothing to discard */
	KUNIT_EXPECT_NULL(test, cfg_set(test, vd, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, dst->resumes, 1);
	mdev_migration_config_reset(dst->mdev);
	KUNIT_EXPECT_EQ(test, dst->discards, 2);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	fake_done(test, src);
	fake_done(test, dst);
}

/*
 * A destination saved again before it ran (RESUMING -> STOP -> STOP_COPY:
 * an incoming VM migrated on before it started) sends the block it loaded,
 * not what save() finds on a device that never applied it, and counts it
 * in MIG_DATA_SIZE; leaving STOP later still resumes it.
 */
static void mdev_mig_test_config_pending_resaved(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new_ops(test, &keep_block_ops);
	struct mdev_mig_fake *dst = fake_new_ops(test, &keep_block_ops);
	struct vfio_device *vs = fake_vdev(test, src), *vd = fake_vdev(test, dst);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, 2 * PAGE_SIZE);
	u8 *first, *again;
	unsigned long size;
	struct file *sf;
	ssize_t len;

	first = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	again = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, first && again);
	src->irq = 7;
	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	len = cfg_read(sf, ubuf, PAGE_SIZE);
	KUNIT_ASSERT_GT(test, len, 12);
	KUNIT_ASSERT_EQ(test, copy_from_user(first, ubuf, len), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(first + len - 4), 7);

	keep_block_load_stream(test, vd, ubuf, len);
	KUNIT_EXPECT_EQ(test, dst->kept, 7);
	KUNIT_EXPECT_EQ(test, vd->mig_ops->migration_get_data_size(vd, &size),
			0);
	KUNIT_EXPECT_EQ(test, size, (unsigned long)len);
	sf = cfg_set(test, vd, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	KUNIT_EXPECT_EQ(test, cfg_read(sf, ubuf + PAGE_SIZE, PAGE_SIZE), len);
	KUNIT_ASSERT_EQ(test, copy_from_user(again, ubuf + PAGE_SIZE, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(first, again, len), 0);
	KUNIT_EXPECT_EQ(test, dst->saves, 0);

	/* the second migration is given up: the destination runs, resumed */
	KUNIT_EXPECT_NULL(test, cfg_set(test, vd, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, dst->resumes, 1);
	KUNIT_EXPECT_EQ(test, dst->irq, 7);
	KUNIT_EXPECT_EQ(test, dst->discards, 0);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	fake_done(test, src);
	fake_done(test, dst);
}

static void *no_block_alloc(size_t len)
{
	return NULL;
}

/*
 * The block's memory cannot be had once its header arrived: ENOMEM, and
 * final, as a refusal is: every later write and RESUMING -> STOP fail the
 * same way, even once memory is there again, and nothing is written to a
 * block that does not exist. A reset and a new stream work again.
 */
static void mdev_mig_test_config_block_enomem(struct kunit *test)
{
	struct mdev_mig_fake *src = fake_new_ops(test, &keep_block_ops);
	struct mdev_mig_fake *dst = fake_new_ops(test, &keep_block_ops);
	struct vfio_device *vs = fake_vdev(test, src), *vd = fake_vdev(test, dst);
	char __user *ubuf = mdev_migration_kunit_ubuf(test, PAGE_SIZE);
	struct file *sf, *df;
	ssize_t len, desc;

	src->irq = 5;
	sf = cfg_set(test, vs, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sf));
	len = cfg_read(sf, ubuf, PAGE_SIZE);
	KUNIT_ASSERT_GT(test, len, 12);

	kunit_activate_static_stub(test, mdev_migration_config_block_alloc,
				   no_block_alloc);
	df = cfg_set(test, vd, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(df));
	desc = cfg_write(df, ubuf, len);
	KUNIT_ASSERT_EQ(test, desc, len - 8 - 4);	/* the description */
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf + desc, 8), -ENOMEM);
	kunit_deactivate_static_stub(test, mdev_migration_config_block_alloc);
	KUNIT_EXPECT_EQ(test, cfg_write(df, ubuf + desc + 8, 4), -ENOMEM);
	KUNIT_EXPECT_PTR_EQ(test, cfg_set(test, vd, VFIO_DEVICE_STATE_STOP),
			    ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_EQ(test, mdev_migration_kunit_state(test, vd),
			VFIO_DEVICE_STATE_RESUMING);
	KUNIT_EXPECT_EQ(test, dst->kept, 0);

	mdev_migration_config_reset(dst->mdev);
	keep_block_load_stream(test, vd, ubuf, len);
	KUNIT_EXPECT_EQ(test, dst->kept, 5);
	KUNIT_EXPECT_NULL(test, cfg_set(test, vd, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_NULL(test, cfg_set(test, vs, VFIO_DEVICE_STATE_RUNNING));
	fake_done(test, src);
	fake_done(test, dst);
}

/* The config-only ops of a VFIO device that is no mdev: ENODEV, no access. */
static void mdev_mig_test_config_not_mdev(struct kunit *test)
{
	const struct vfio_migration_ops *ops = &mdev_migration_config_ops;
	struct vfio_device *vdev;
	unsigned long size;
	enum vfio_device_mig_state state;

	vdev = kunit_kzalloc(test, sizeof(*vdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vdev);
	vdev->dev = kunit_device_register(test, "mdev_mig_not_mdev");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vdev->dev);
	KUNIT_EXPECT_EQ(test, ops->migration_get_state(vdev, &state), -ENODEV);
	KUNIT_EXPECT_EQ(test, ops->migration_get_data_size(vdev, &size),
			-ENODEV);
	KUNIT_EXPECT_PTR_EQ(test,
			    ops->migration_set_state(vdev, VFIO_DEVICE_STATE_STOP),
			    ERR_PTR(-ENODEV));
}

/* Tables that registration must refuse, and ones it must take. */
static const struct migc_range valid_one_to_four[] = { { 1, 4 } };
static const struct migc_value valid_colours[] = {
	MIGC_STR_VALUE("red"), MIGC_STR_VALUE("blue"),
};

struct valid_case {
	const char *what;
	struct migc_param param;
	bool no_get;
	bool check;
	int ret;
};

static const struct valid_case valid_cases[] = {
	{ "readonly, any value",
	  { .name = "serial", .type = MIGC_STR, .access = MIGC_READONLY,
	    .init_value = MIGC_STR_VALUE("x") }, .ret = -EINVAL },
	{ "readonly, any value, compared by check()",
	  { .name = "serial", .type = MIGC_STR, .access = MIGC_READONLY,
	    .init_value = MIGC_STR_VALUE("x"), .driver_compares = true },
	  .check = true },
	{ "readonly, two values",
	  { .name = "colour", .type = MIGC_STR, .access = MIGC_READONLY,
	    .init_value = MIGC_STR_VALUE("red"), .nr_allowed = 2,
	    .allowed = valid_colours } },
	{ "init_value outside allowed_values",
	  { .name = "ports", .type = MIGC_INT, .access = MIGC_CREATE,
	    .init_value = MIGC_INT_VALUE(5), .nr_allowed = 1,
	    .ranges = valid_one_to_four }, .ret = -EINVAL },
	{ "off_value outside allowed_values",
	  { .name = "ports", .type = MIGC_INT, .access = MIGC_CREATE,
	    .init_value = MIGC_INT_VALUE(2), .has_off = true,
	    .off_value = MIGC_INT_VALUE(0), .nr_allowed = 1,
	    .ranges = valid_one_to_four }, .ret = -EINVAL },
	{ "off_value of another type",
	  { .name = "turbo", .type = MIGC_BOOL, .access = MIGC_RUNTIME,
	    .init_value = MIGC_BOOL_VALUE(true), .has_off = true,
	    .off_value = MIGC_INT_VALUE(0) }, .ret = -EINVAL },
	{ "fixed int, no get()",
	  MIGC_PARAM_FIXED_INT("ports", 2), .no_get = true },
	{ "fixed str, no get()",
	  MIGC_PARAM_FIXED_STR("format", "xrgb8888"), .no_get = true },
	{ "fixed, but runtime",
	  { .name = "ports", .type = MIGC_INT, .access = MIGC_RUNTIME,
	    .init_value = MIGC_INT_VALUE(2), .fixed = true },
	  .no_get = true, .ret = -EINVAL },
	{ "readonly range, no get()",
	  { .name = "ports", .type = MIGC_INT, .access = MIGC_READONLY,
	    .init_value = MIGC_INT_VALUE(2), .nr_allowed = 1,
	    .ranges = valid_one_to_four }, .no_get = true, .ret = -EINVAL },
	{ "runtime, no set()",
	  { .name = "turbo", .type = MIGC_BOOL, .access = MIGC_RUNTIME,
	    .init_value = MIGC_BOOL_VALUE(true) }, .ret = -EINVAL },
};

static void valid_case_desc(const struct valid_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(valid, valid_cases, valid_case_desc);

static int valid_get(struct mdev_device *mdev, unsigned int idx,
		     struct migc_value *v)
{
	return -EIO;
}

/*
 * mdev_register_parent()'s check of the tables: one parameter, the
 * callbacks the case asks for (never set(), so writable ones lack it).
 */
static void mdev_mig_test_validate(struct kunit *test)
{
	const struct valid_case *c = test->param_value;
	struct mdev_migration_ops *ops;
	struct mdev_driver *drv;
	struct mdev_parent *parent;
	struct mdev_type *mtype, **types;
	struct migc_model *model;
	struct migc_caps *caps;
	char name[32];

	ops = kunit_kzalloc(test, sizeof(*ops), GFP_KERNEL);
	drv = kunit_kzalloc(test, sizeof(*drv), GFP_KERNEL);
	parent = kunit_kzalloc(test, sizeof(*parent), GFP_KERNEL);
	mtype = kunit_kzalloc(test, sizeof(*mtype), GFP_KERNEL);
	types = kunit_kzalloc(test, sizeof(*types), GFP_KERNEL);
	model = kunit_kzalloc(test, sizeof(*model), GFP_KERNEL);
	caps = kunit_kzalloc(test, sizeof(*caps), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, ops && drv && parent && mtype && types &&
			  model && caps);
	/* a released kunit device may linger: one name per case */
	snprintf(name, sizeof(name), "mdev_mig_validate%d",
		 (int)(c - valid_cases));
	parent->dev = kunit_device_register(test, name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, parent->dev);
	if (!c->no_get)
		ops->get = valid_get;
	if (c->check)
		ops->check = fake_check;
	*model = (struct migc_model){ "kunit.example/valid", &c->param, 1 };
	*caps = (struct migc_caps){ model, 1 };
	mtype->sysfs_name = "valid";
	mtype->migration_caps = caps;
	types[0] = mtype;
	drv->migration = ops;
	parent->mdev_driver = drv;
	parent->types = types;
	parent->nr_types = 1;
	KUNIT_EXPECT_EQ(test, mdev_migration_validate(parent), c->ret);
}

/* The initializers make their allowed values at file scope */
static const struct migc_param fixed_params[] = {
	MIGC_PARAM_FIXED_INT("width", 640),
	MIGC_PARAM_FIXED_STR("format", "xrgb8888"),
};

static const struct migc_model fixed_model = {
	"kunit.example/fixed", fixed_params, ARRAY_SIZE(fixed_params)
};

static const struct migc_caps fixed_caps = { &fixed_model, 1 };

/* A parameter fixed by the type is the core's: get() never sees it. */
static void mdev_mig_test_fixed_param(struct kunit *test)
{
	static const struct mdev_migration_ops ops = { .get = valid_get };
	const struct migc_param *params = fixed_params;
	struct mdev_device *mdev;
	char *buf;

	mdev = mdev_migration_kunit_mdev(test, &ops, &fixed_caps, "fixed",
					 NULL);
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, mdev_migration_param_show(mdev, &params[0], buf),
			4);
	KUNIT_EXPECT_STREQ(test, buf, "640\n");
	KUNIT_EXPECT_EQ(test, mdev_migration_param_show(mdev, &params[1], buf),
			9);
	KUNIT_EXPECT_STREQ(test, buf, "xrgb8888\n");
	KUNIT_EXPECT_GT(test, mdev_migration_describe(mdev, buf, PAGE_SIZE), 0);
	KUNIT_EXPECT_STREQ(test, buf,
			   "{\"model\": \"kunit.example/fixed\", \"params\": {\"width\": 640, \"format\": \"xrgb8888\"}}\n");
	/* The only value is the current one, and so writable. */
	KUNIT_EXPECT_EQ(test, mdev_migration_param_store(mdev, &params[0],
							 "640", 3), 3);
	KUNIT_EXPECT_EQ(test, mdev_migration_param_store(mdev, &params[0],
							 "641", 3), -EPROTO);
}

static struct kunit_case mdev_migration_test_cases[] = {
	KUNIT_CASE(mdev_mig_test_create_param),
	KUNIT_CASE(mdev_mig_test_runtime_param),
	KUNIT_CASE(mdev_mig_test_readonly_param),
	KUNIT_CASE(mdev_mig_test_bad_values),
	KUNIT_CASE(mdev_mig_test_unbound),
	KUNIT_CASE(mdev_mig_test_open_during_bind),
	KUNIT_CASE(mdev_mig_test_snapshot),
	KUNIT_CASE(mdev_mig_test_check),
	KUNIT_CASE(mdev_mig_test_stream_splits),
	KUNIT_CASE(mdev_mig_test_stream_refusal),
	KUNIT_CASE(mdev_mig_test_stream_fault),
	KUNIT_CASE(mdev_mig_test_stream_headers),
	KUNIT_CASE(mdev_mig_test_not_off),
	KUNIT_CASE(mdev_mig_test_predecessor),
	KUNIT_CASE(mdev_mig_test_config_migrate),
	KUNIT_CASE(mdev_mig_test_config_fd_outlives),
	KUNIT_CASE(mdev_mig_test_config_fail_any_context),
	KUNIT_CASE(mdev_mig_test_config_hold_count),
	KUNIT_CASE(mdev_mig_test_config_lazy),
	KUNIT_CASE(mdev_mig_test_config_refusal),
	KUNIT_CASE(mdev_mig_test_config_not_mdev),
	KUNIT_CASE(mdev_mig_test_config_poll),
	KUNIT_CASE(mdev_mig_test_config_save_fails),
	KUNIT_CASE(mdev_mig_test_config_discard),
	KUNIT_CASE(mdev_mig_test_config_block_enomem),
	KUNIT_CASE(mdev_mig_test_config_pending_resaved),
	KUNIT_CASE_PARAM(mdev_mig_test_validate, valid_gen_params),
	KUNIT_CASE(mdev_mig_test_fixed_param),
	{}
};

static struct kunit_suite mdev_migration_test_suite = {
	.name = "mdev_migration",
	.test_cases = mdev_migration_test_cases,
};

kunit_test_suite(mdev_migration_test_suite);

MODULE_DESCRIPTION("KUnit tests of the mdev migration sysfs glue and stream");
MODULE_LICENSE("GPL");
