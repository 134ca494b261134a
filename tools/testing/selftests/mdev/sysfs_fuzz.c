// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzer of the mdev migration attributes and of the migration stream, for
 * mdev_sysfs_fuzz.sh:
 *
 *   sysfs_fuzz [-s SEED] [-t SECONDS] [-n WRITES] [-N STREAMS] [-x]
 *              [-o UUID]... [-T TYPEDIR]... [-m FILE:UUID]... [UUID...]
 *
 * Targets: the migration_info.json of every type folder TYPEDIR, and the
 * migration_info.json and every migration/params/<name> file of every
 * device UUID. Each write is one open(), one write() and one close(), the
 * bytes being a mutation of the real documents read from those files (bit
 * flips, inserted, deleted and duplicated bytes, truncation, duplicate
 * keys, huge numbers, deep nesting, non-UTF-8, NUL bytes, empty, exactly a
 * page and more), a generated description or parameter value, or random
 * bytes.
 *
 * After every write the state is read back and compared with a model:
 * - a JSON file takes the write (write() returns the bytes sysfs passed
 *   on) or refuses it with EINVAL or EPROTO, and nothing changes: the type's
 *   capabilities, the device's description and its parameters read as
 *   before; a description a device accepted is accepted by its type too;
 * - a parameter write gets the errno the ABI gives for those bytes (EINVAL,
 *   EPROTO, and for another value than the current one EPROTO for a
 *   readonly parameter and EBUSY for a create parameter of a device given
 *   with -o; the current value always succeeds), computed here from the
 *   type's capabilities; if it
 *   is taken, the file reads the value written, the other parameters are
 *   unchanged, and the device accepts its new description and, if the
 *   value changed, refuses its old one with EPROTO;
 * - every 32 writes, every file of every target reads as expected.
 *
 * -m FILE:UUID: streams saved from a source (mig_client migrate --save)
 * are mutated (the description re-framed or not, the header, the device
 * state, truncated, extended, random) and written in random chunks into
 * device UUID in RESUMING through the VFIO migration uAPI, followed by
 * RESUMING -> STOP. A refused stream fails with EPROTO, EINVAL or ENOMEM;
 * the device is RUNNING again once closed, its description and parameters
 * unchanged. A device that took a stream with its device state intact is
 * run, its registers read and written; with -x also one that took mutated
 * device state (mtty trusts its FIFO indices: see mdev_sysfs_fuzz.sh).
 * Every 8th stream is the saved one, which must load.
 *
 * The sysfs writes run for 70% of SECONDS (default 30), the streams for
 * the rest; -n and -N give exact counts instead, to replay a run: the
 * sequence of writes depends only on SEED (default: from the clock), so
 * "-s SEED -n WRITES -N STREAMS" with the same targets repeats it.
 *
 * Output: "# ..." diagnostics, then one line per target, "PASS <target>:
 * ..." or "FAIL <target>: ...", then "# writes: N" and the replay line.
 * Exit status: 0 if every target passed, 1 otherwise, 2 on a usage or set-up
 * error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "vfio_util.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096
#define BUF_MAX		(3 * PAGE)
#define MAX_DEVS	16
#define MAX_TYPES	16
#define MAX_PARAMS	16
#define MAX_RANGES	64
#define MAX_STREAMS	4
#define MAX_FAILS	5	/* diagnostics printed per target */
#define STR_MAX		2048	/* MIGC_STR_MAX */
#define HDR_LEN		12	/* magic, version, reserved, length */

/* Copy a string into an array, truncated to fit. */
#define COPY(dst, src)	snprintf(dst, sizeof(dst), "%.*s", (int)sizeof(dst) - 1, src)

struct buf {
	size_t len;
	unsigned char d[BUF_MAX];
};

struct target {
	char name[128];
	unsigned long writes;
	unsigned long taken;
	unsigned int fails;
};

struct param {
	struct target t;
	char path[PATH_MAX];
	char name[64];
	char type;		/* b, i, s */
	char access;		/* c(reate), r(untime), o (readonly) */
	unsigned int nr_ranges;
	long long min[MAX_RANGES], max[MAX_RANGES];
	char value[64 + STR_MAX];	/* as read: value and newline */
};

struct dev {
	struct target t;
	char uuid[64];
	char path[PATH_MAX];		/* its migration_info.json */
	int type;			/* index in types[] */
	bool opened;			/* create parameters are fixed */
	bool fuzz;			/* a write target (not a stream target) */
	char desc[PAGE + 1];
	unsigned int nr_params;
	struct param params[MAX_PARAMS];
};

struct type {
	struct target t;
	char path[PATH_MAX];		/* its migration_info.json */
	bool fuzz;
	char caps[PAGE + 1];
};

struct stream {
	struct target t;
	int dev;
	unsigned char *data;
	size_t len;
	size_t desc_len;
	unsigned long writes;		/* write() calls into data fds */
};

static struct type types[MAX_TYPES];
static unsigned int nr_types;
static struct dev devs[MAX_DEVS];
static unsigned int nr_devs;
static struct stream streams[MAX_STREAMS];
static unsigned int nr_streams;
static unsigned long total_writes;
static bool global_fail;
static bool run_mutated;	/* -x */
static struct target global_t = { .name = "consistency" };

/* Documents read from the files: the seeds of the mutations. */
static struct buf corpus[MAX_TYPES + MAX_DEVS];
static unsigned int nr_corpus;

/* xorshift64*, one state per phase so a phase replays on its own. */
static __u64 rng;

static __u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static size_t below(size_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int one_in)
{
	return below(one_in) == 0;
}

static void seed_rng(__u64 seed, __u64 phase)
{
	rng = (seed + 1) * 0x9e3779b97f4a7c15ULL ^ phase;
	if (!rng)
		rng = 1;
	rnd();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(struct target *t, const char *fmt, ...)
{
	va_list ap;

	global_fail = true;
	if (t->fails++ >= MAX_FAILS)
		return;
	printf("# %s: ", t->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* A printable copy of some bytes, for the diagnostics. */
static const char *show(const unsigned char *d, size_t len)
{
	static char out[4][200];
	static unsigned int which;
	char *o = out[which++ % 4];
	size_t i, n = 0;

	for (i = 0; i < len && n < sizeof(out[0]) - 12; i++) {
		if (d[i] >= 0x20 && d[i] < 0x7f && d[i] != '\\')
			o[n++] = d[i];
		else
			n += sprintf(o + n, "\\x%02x", d[i]);
	}
	if (i < len)
		n += sprintf(o + n, "...(%zu)", len);
	o[n] = '\0';
	return o;
}

static const char *ename(int err)
{
	const char *n = vfio_errno_name(err);

	return n ? n : strerror(err);
}

/* Read a whole file; return its length or -errno. */
static ssize_t read_file(const char *path, char *out, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while ((size_t)len < size - 1) {
		n = read(fd, out + len, size - 1 - len);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	out[len] = '\0';
	return len;
}

/* One write as a shell user makes it: 0 or the errno; *ret what write() said. */
static int write_file(const char *path, const void *d, size_t len,
		      ssize_t *ret)
{
	int fd, err = 0;

	total_writes++;
	*ret = -1;
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	*ret = write(fd, d, len);
	if (*ret < 0)
		err = errno;
	close(fd);
	return err;
}

/* ---- the model of the parameters, from the type's capabilities ---- */

static const char *find_after(const char *from, const char *end,
			      const char *what)
{
	const char *p = strstr(from, what);

	return p && p < end ? p + strlen(what) : NULL;
}

static int param_spec(struct param *p, const char *caps)
{
	char key[80];
	const char *s, *e, *a;

	snprintf(key, sizeof(key), "\"%s\": {", p->name);
	s = strstr(caps, key);
	if (!s)
		return -1;
	s += strlen(key);
	e = strchr(s, '}');
	if (!e)
		return -1;
	a = find_after(s, e, "\"type\": \"");
	if (!a)
		return -1;
	p->type = *a;
	a = find_after(s, e, "\"access\": \"");
	if (!a)
		return -1;
	p->access = *a == 'r' && a[1] == 'e' ? 'o' : *a;
	a = find_after(s, e, "\"allowed_values\": [");
	p->nr_ranges = 0;
	while (a && *a != ']' && p->nr_ranges < MAX_RANGES) {
		long long lo, hi;

		if (p->type == 'i' && sscanf(a, "\"%lld-%lld\"", &lo, &hi) == 2) {
			p->min[p->nr_ranges] = lo;
			p->max[p->nr_ranges++] = hi;
		} else if (p->type == 'i' && *a != '"') {
			lo = strtoll(a, NULL, 10);
			p->min[p->nr_ranges] = lo;
			p->max[p->nr_ranges++] = lo;
		} else if (p->type == 'b') {
			lo = !strncmp(a, "true", 4);
			p->min[p->nr_ranges] = lo;
			p->max[p->nr_ranges++] = lo;
		} else {
			/* a str list: the model below accepts any outcome */
			p->nr_ranges = 0;
			break;
		}
		a = strpbrk(a, ",]");
		if (a && *a == ',')
			a += 2;
	}
	return 0;
}

static bool allowed(const struct param *p, long long v)
{
	unsigned int i;

	if (!p->nr_ranges)
		return true;
	for (i = 0; i < p->nr_ranges; i++)
		if (v >= p->min[i] && v <= p->max[i])
			return true;
	return false;
}

#define ANY_OUTCOME	1

static const char * const bool_words[] = {
	"true", "false", "y", "n", "yes", "no", "1", "0", "on", "off",
};

/*
 * The -errno the ABI gives a write of @d to @p (ANY_OUTCOME: OK, EINVAL or
 * EPROTO, for a str parameter), and the value it then reads in @canon.
 */
static int expect_param(const struct dev *dv, const struct param *p,
			const unsigned char *d, size_t len, char *canon)
{
	long long v = 0;
	size_t i, start = 0;
	bool neg = false;
	int err = 0;

	if (len > PAGE)
		len = PAGE;
	if (len > STR_MAX + 1)
		return -EINVAL;
	if (len && d[len - 1] == '\n')
		len--;
	switch (p->type) {
	case 'b':
		err = -EINVAL;
		for (i = 0; i < ARRAY_SIZE(bool_words); i++) {
			if (strlen(bool_words[i]) == len &&
			    !strncasecmp((const char *)d, bool_words[i], len)) {
				err = 0;
				v = i % 2 == 0;
				break;
			}
		}
		if (err)
			return err;
		sprintf(canon, "%s\n", v ? "true" : "false");
		break;
	case 'i':
		if (len && d[0] == '-') {
			neg = true;
			start = 1;
		}
		if (start == len)
			return -EINVAL;
		for (i = start; i < len; i++) {
			unsigned int dig = d[i] - '0';

			if (dig > 9)
				return -EINVAL;
			/* accumulate negatively: -2^63 fits, 2^63 does not */
			if (v < (LLONG_MIN + (long long)dig) / 10)
				return -EINVAL;
			v = v * 10 - dig;
		}
		if (!neg) {
			if (v == LLONG_MIN)
				return -EINVAL;
			v = -v;
		}
		sprintf(canon, "%lld\n", v);
		break;
	default:
		if (memchr(d, '\n', len) || memchr(d, '\0', len))
			return -EINVAL;
		memcpy(canon, d, len);
		canon[len] = '\n';
		canon[len + 1] = '\0';
		return ANY_OUTCOME;
	}
	if (!allowed(p, v))
		return -EPROTO;
	if (!strcmp(canon, p->value))	/* writes are idempotent */
		return 0;
	if (p->access == 'o')
		return -EPROTO;
	if (p->access == 'c' && dv->opened)
		return -EBUSY;
	return 0;
}

/* ---- mutations ---- */

static const char * const tokens[] = {
	"{", "}", "[", "]", ":", ",", "\"", "\\", " ", "\n", "\t", "\r",
	"\"model\"", "\"models\"", "\"params\"", "\"type\"", "\"access\"",
	"\"init_value\"", "\"off_value\"", "\"allowed_values\"", "\"int\"",
	"\"bool\"", "\"str\"", "\"readonly\"", "\"create\"", "\"runtime\"",
	"true", "false", "null", "0", "-0", "1", "-1", "2", "16", "17", "1e3",
	"1.5", "0x10", "+1", "01", "-", "9223372036854775807",
	"-9223372036854775808", "9223372036854775808", "-9223372036854775809",
	"18446744073709551616", "99999999999999999999999999999999999999",
	"\"1-16\"", "\"16-1\"", "\"-5--1\"", "\"\"", "\"\\u0000\"",
	"\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\uffff\"", "\"\\\"\"",
	"\"\\n\"", "\"\\x41\"", "\"\\u00e9\"", "\"kernel.org/samples/mtty\"",
	"\"kernel.org/samples/mdpy\"", "\"kernel.org/samples/mtty/\"",
	"\"nr-ports\"", "\"fifo-size\"", "\"config-state\"", "\"width\"",
	"\"height\"", "\"format\"", "\"XR24\"", "\"Nr-ports\"",
	"\"a-very-long-parameter-name-of-33-b\"", "\"x\": 1", ", \"x\": {}",
	"\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
	"\xef\xbb\xbf", "\xc3\xa9",
};

static const char * const numbers[] = {
	"0", "-0", "1", "-1", "2", "15", "16", "17", "32", "255", "256",
	"65536", "2147483647", "2147483648", "-2147483649", "4294967296",
	"9223372036854775807", "-9223372036854775808", "9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"000000000000000000000000016", "-00000000000000000000000000001",
	"123456789012345678901234567890", "1e3", "1.0", "0x10", "+16", "1_6",
};

static const char * const bad_bytes[] = {
	"\xff", "\xfe", "\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80",
	"\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80",
	"\xe2\x82", "\xc3",
};

static const char * const spaces[] = {
	" ", "\n", "\t", "\r", "\x0b", "\f", "\t\n\t",
};

static const char * const odd_values[] = {
	"", " 8", "8\t", "tru", "yess", "2", "-", "--1", "offf", "o", "t", "XR24",
	"\"true\"",
};

static const char * const endings[] = {
	"\n", "\n", "\n\n", "\r\n", "\t\n",
};

static void insert(struct buf *b, size_t at, const void *d, size_t len)
{
	if (at > b->len)
		at = b->len;
	if (len > BUF_MAX - b->len)
		len = BUF_MAX - b->len;
	memmove(b->d + at + len, b->d + at, b->len - at);
	memcpy(b->d + at, d, len);
	b->len += len;
}

static void erase(struct buf *b, size_t at, size_t len)
{
	if (at >= b->len)
		return;
	if (len > b->len - at)
		len = b->len - at;
	memmove(b->d + at, b->d + at + len, b->len - at - len);
	b->len -= len;
}

static void insert_str(struct buf *b, size_t at, const char *s)
{
	insert(b, at, s, strlen(s));
}

/* A random position, biased towards structure: after a quote or colon. */
static size_t spot(const struct buf *b)
{
	size_t at = below(b->len + 1), i;

	if (chance(2))
		return at;
	for (i = at; i < b->len; i++)
		if (b->d[i] == '"' || b->d[i] == ':' || b->d[i] == '{' ||
		    b->d[i] == ',')
			return i + 1;
	return at;
}

static void replace_number(struct buf *b)
{
	size_t i, start = below(b->len + 1), end;

	for (i = start; i < b->len; i++)
		if ((b->d[i] >= '0' && b->d[i] <= '9') || b->d[i] == '-')
			break;
	if (i >= b->len) {
		insert_str(b, spot(b), numbers[below(ARRAY_SIZE(numbers))]);
		return;
	}
	for (end = i + 1; end < b->len; end++)
		if (!(b->d[end] >= '0' && b->d[end] <= '9'))
			break;
	erase(b, i, end - i);
	insert_str(b, i, numbers[below(ARRAY_SIZE(numbers))]);
}

/* Repeat a '"key": value' member right after itself. */
static void duplicate_key(struct buf *b)
{
	size_t i, j, start = below(b->len + 1);
	unsigned char tmp[PAGE];

	for (i = start; i + 3 < b->len; i++)
		if (b->d[i] == '"' && (b->d[i ? i - 1 : 0] == '{' ||
				       b->d[i ? i - 1 : 0] == ' '))
			break;
	if (i + 3 >= b->len)
		i = 0;
	for (j = i + 1; j < b->len; j++)
		if (b->d[j] == ',' || b->d[j] == '}')
			break;
	if (j >= b->len || j - i > sizeof(tmp) - 2)
		return;
	memcpy(tmp, b->d + i, j - i);
	tmp[j - i] = ',';
	tmp[j - i + 1] = ' ';
	insert(b, i, tmp, j - i + 2);
}

static void nest(struct buf *b)
{
	size_t depth = 1 + below(chance(3) ? 200 : 12), i, at = spot(b);
	struct buf *w = malloc(sizeof(*w));
	bool obj = chance(2);

	if (!w)
		return;
	w->len = 0;
	for (i = 0; i < depth; i++)
		insert_str(w, w->len, obj ? "{\"a\": " : "[");
	insert_str(w, w->len, chance(2) ? "1" : "{}");
	for (i = 0; i < depth; i++)
		insert_str(w, w->len, obj ? "}" : "]");
	if (chance(3)) {
		/* the whole document nested */
		insert(b, 0, w->d, depth * (obj ? 6 : 1));
		insert(b, b->len, w->d + w->len - depth, depth);
	} else {
		insert(b, at, w->d, w->len);
	}
	free(w);
}

/* Exactly a page, or one byte either side of it, or two pages. */
static void pad(struct buf *b)
{
	static const size_t sizes[] = { PAGE - 1, PAGE, PAGE, PAGE + 1,
					2 * PAGE, STR_MAX, STR_MAX + 1,
					STR_MAX + 2 };
	size_t want = sizes[below(ARRAY_SIZE(sizes))], at;
	unsigned char c = chance(2) ? ' ' : 'a';

	if (b->len > want) {
		b->len = want;
		return;
	}
	/* in whitespace before the end, or inside the first string */
	at = c == ' ' ? b->len - (b->len && chance(2)) : 0;
	if (c == 'a') {
		unsigned char *q = memchr(b->d, '"', b->len);

		at = q ? (size_t)(q - b->d) + 1 : 0;
	}
	while (b->len < want) {
		unsigned char fill[256];
		size_t n = want - b->len < sizeof(fill) ? want - b->len :
			   sizeof(fill);

		memset(fill, c, n);
		insert(b, at, fill, n);
	}
}

static void random_bytes(struct buf *b)
{
	size_t i;

	b->len = chance(4) ? below(BUF_MAX) : below(64);
	for (i = 0; i < b->len; i++)
		b->d[i] = chance(2) ? rnd() : " {}[]\":,0123456789-aetrufnlsx\n"[below(31)];
}

static void mutate_once(struct buf *b)
{
	size_t at = below(b->len + 1), n;
	const struct buf *other;
	unsigned char c;

	switch (below(20)) {
	case 0:
		if (b->len)
			b->d[below(b->len)] ^= 1 << below(8);
		break;
	case 1:
		if (b->len)
			b->d[below(b->len)] = rnd();
		break;
	case 2:
		n = 1 + below(8);
		while (n--) {
			c = rnd();
			insert(b, at, &c, 1);
		}
		break;
	case 3:
		erase(b, at, 1 + below(chance(2) ? 4 : 64));
		break;
	case 4:
		b->len = below(b->len + 1);
		break;
	case 5:
		n = below(b->len - at + 1);
		if (n) {
			unsigned char tmp[BUF_MAX];

			memcpy(tmp, b->d + at, n);
			insert(b, below(b->len + 1), tmp, n);
		}
		break;
	case 6:
	case 7:
		insert_str(b, spot(b), tokens[below(ARRAY_SIZE(tokens))]);
		break;
	case 8:
	case 9:
		replace_number(b);
		break;
	case 10:
		duplicate_key(b);
		break;
	case 11:
		nest(b);
		break;
	case 12:
		insert_str(b, chance(2) ? spot(b) : at,
			   bad_bytes[below(ARRAY_SIZE(bad_bytes))]);
		break;
	case 13:
		c = 0;
		insert(b, chance(2) ? at : b->len, &c, 1);
		break;
	case 14:
		pad(b);
		break;
	case 15:
		b->len = 0;
		break;
	case 16:
		random_bytes(b);
		break;
	case 17:
		/* splice in a piece of another document */
		other = &corpus[below(nr_corpus)];
		n = below(other->len + 1);
		erase(b, at, below(b->len - at + 1));
		insert(b, at, other->d + n, below(other->len - n + 1));
		break;
	case 18:
		if (b->len) {
			n = below(b->len);
			if ((b->d[n] | 0x20) >= 'a' && (b->d[n] | 0x20) <= 'z')
				b->d[n] ^= 0x20;
		}
		break;
	default:
		/* whitespace games */
		insert_str(b, spot(b), spaces[below(ARRAY_SIZE(spaces))]);
		break;
	}
}

static void mutate(struct buf *b)
{
	unsigned int n = 1 + (chance(3) ? below(6) : 0);

	while (n--)
		mutate_once(b);
}

static void add_member(struct buf *b, const struct param *p, bool exact)
{
	char tmp[96];

	if (exact) {
		snprintf(tmp, sizeof(tmp), "\"%s\": %.*s", p->name,
			 (int)strcspn(p->value, "\n"), p->value);
		if (p->type == 's')
			snprintf(tmp, sizeof(tmp), "\"%s\": \"%.*s\"", p->name,
				 (int)strcspn(p->value, "\n"), p->value);
	} else {
		snprintf(tmp, sizeof(tmp), "\"%s\": %s", p->name,
			 chance(3) ? (chance(2) ? "true" : "false") :
			 chance(4) ? "\"XR24\"" :
			 numbers[below(ARRAY_SIZE(numbers))]);
	}
	insert_str(b, b->len, tmp);
}

/*
 * A description generated from a device's real values: the same values in
 * another order and spacing, some left out or changed, unknown top-level
 * keys; many of these are accepted.
 */
static void generate_desc(struct buf *b, const struct dev *dv)
{
	unsigned int i, n = 0, order[MAX_PARAMS];
	const char *model = strstr(dv->desc, "\"model\": \"");
	int mlen = 0;

	b->len = 0;
	if (model) {
		model += 10;
		mlen = strcspn(model, "\"");
	}
	insert_str(b, 0, chance(4) ? "{\"x-future\": [1, {\"y\": null}], " :
		   "{");
	if (chance(8))
		insert_str(b, b->len, "\"params\": {");
	if (!chance(10)) {
		char tmp[200];

		snprintf(tmp, sizeof(tmp), "\"model\":%s\"%.*s\"",
			 chance(2) ? " " : "", mlen, model ? model : "");
		insert_str(b, b->len, tmp);
	}
	insert_str(b, b->len, ", \"params\": {");
	for (i = 0; i < dv->nr_params; i++)
		order[i] = i;
	for (i = dv->nr_params; i > 1; i--) {
		unsigned int j = below(i), t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	for (i = 0; i < dv->nr_params; i++) {
		const struct param *p = &dv->params[order[i]];

		if (chance(6))
			continue;
		if (n++)
			insert_str(b, b->len, chance(5) ? ",\n" : ", ");
		add_member(b, p, !chance(6));
	}
	insert_str(b, b->len, chance(10) ? "}, \"z\": \"\\u00e9\"}\n" : "}}");
	if (chance(3))
		mutate_once(b);
}

/* Bytes for a parameter file: a word or number, then maybe mutated. */
static void generate_value(struct buf *b, const struct param *p)
{
	const char *w;
	char tmp[64];
	size_t i;

	b->len = 0;
	switch (below(5)) {
	case 0:
		w = bool_words[below(ARRAY_SIZE(bool_words))];
		for (i = 0; w[i] && i < sizeof(tmp) - 1; i++)
			tmp[i] = chance(3) ? w[i] ^ 0x20 * !!(w[i] >= 'a') : w[i];
		tmp[i] = '\0';
		insert_str(b, 0, tmp);
		break;
	case 1:
		snprintf(tmp, sizeof(tmp), "%lld", (long long)below(40) - 5);
		insert_str(b, 0, tmp);
		break;
	case 2:
		insert_str(b, 0, numbers[below(ARRAY_SIZE(numbers))]);
		break;
	case 3:
		insert(b, 0, p->value, strcspn(p->value, "\n"));
		break;
	default:
		insert_str(b, 0, odd_values[below(ARRAY_SIZE(odd_values))]);
		break;
	}
	if (chance(2))
		insert_str(b, b->len, endings[below(ARRAY_SIZE(endings))]);
	if (chance(3))
		mutate(b);
}

/* ---- state checks ---- */

static void read_dev(struct dev *dv, char *desc, char values[][64 + STR_MAX])
{
	unsigned int i;
	ssize_t n;

	n = read_file(dv->path, desc, PAGE + 1);
	if (n < 0)
		sprintf(desc, "<read error %s>", ename(-n));
	for (i = 0; i < dv->nr_params; i++) {
		n = read_file(dv->params[i].path, values[i], 64 + STR_MAX);
		if (n < 0)
			sprintf(values[i], "<read error %s>", ename(-n));
	}
}

static char cur_desc[PAGE + 1];
static char cur_values[MAX_PARAMS][64 + STR_MAX];

/* The device reads as its model says; @t takes the blame. */
static bool check_dev(struct target *t, struct dev *dv, const char *after)
{
	bool ok = true;
	unsigned int i;

	read_dev(dv, cur_desc, cur_values);
	if (strcmp(cur_desc, dv->desc)) {
		fail(t, "%s: %s description changed from %s to %s", after,
		     dv->uuid, dv->desc, cur_desc);
		COPY(dv->desc, cur_desc);
		ok = false;
	}
	for (i = 0; i < dv->nr_params; i++) {
		struct param *p = &dv->params[i];

		if (strcmp(cur_values[i], p->value)) {
			fail(t, "%s: %s %s changed from '%s' to '%s'", after,
			     dv->uuid, p->name, show((void *)p->value,
						     strlen(p->value)),
			     show((void *)cur_values[i],
				  strlen(cur_values[i])));
			COPY(p->value, cur_values[i]);
			ok = false;
		}
	}
	return ok;
}

static bool check_type(struct target *t, struct type *ty, const char *after)
{
	static char caps[PAGE + 1];
	ssize_t n = read_file(ty->path, caps, sizeof(caps));

	if (n < 0 || strcmp(caps, ty->caps)) {
		fail(t, "%s: %s capabilities changed to %s", after, ty->path,
		     n < 0 ? ename(-n) : caps);
		return false;
	}
	return true;
}

static void check_all(struct target *t, const char *after)
{
	unsigned int i;

	for (i = 0; i < nr_types; i++)
		check_type(t, &types[i], after);
	for (i = 0; i < nr_devs; i++)
		check_dev(t, &devs[i], after);
}

/* A JSON file took @len bytes (-1) or refused them with EINVAL/EPROTO. */
static int json_write(struct target *t, const char *path, const struct buf *b,
		      const char *what)
{
	size_t want = b->len > PAGE ? PAGE : b->len;
	ssize_t ret;
	int err = write_file(path, b->d, b->len, &ret);

	t->writes++;
	if (!err && (size_t)ret == want) {
		t->taken++;
		return 0;
	}
	if (err == EINVAL || err == EPROTO)
		return err;
	fail(t, "%s: write of %zu bytes returned %zd (%s): %s", what, b->len,
	     ret, err ? ename(err) : "short", show(b->d, b->len));
	return err ? err : EIO;
}

static struct buf wb, wb2;

static void fuzz_type(struct type *ty)
{
	struct dev *dv = &devs[below(nr_devs)];

	if (chance(3))
		generate_desc(&wb, dv);
	else
		wb = corpus[below(nr_corpus)];
	mutate(&wb);
	json_write(&ty->t, ty->path, &wb, "type write");
	check_type(&ty->t, ty, "after a type write");
}

static void fuzz_dev_json(struct dev *dv)
{
	struct dev *src = chance(4) ? &devs[below(nr_devs)] : dv;

	if (chance(2)) {
		generate_desc(&wb, src);
	} else {
		wb = corpus[below(nr_corpus)];
		mutate(&wb);
	}
	if (json_write(&dv->t, dv->path, &wb, "device write") == 0 &&
	    wb.len) {
		/* what a device of the type takes, the type takes */
		struct type *ty = &types[dv->type];

		if (json_write(&dv->t, ty->path, &wb, "type write") != 0)
			fail(&dv->t, "the device took it, %s did not: %s",
			     ty->path, show(wb.d, wb.len));
	}
	check_dev(&dv->t, dv, "after a device write");
}

static void fuzz_param(struct dev *dv, struct param *p)
{
	char canon[64 + STR_MAX], old_desc[PAGE + 1];
	int want, err;
	ssize_t ret;

	generate_value(&wb, p);
	want = expect_param(dv, p, wb.d, wb.len, canon);
	err = write_file(p->path, wb.d, wb.len, &ret);
	p->t.writes++;
	if (!wb.len) {
		/* sysfs does not call the driver for an empty write */
		if (err || ret)
			fail(&p->t, "empty write: %zd (%s)", ret, ename(err));
		check_dev(&p->t, dv, "after an empty write");
		return;
	}
	if (want != ANY_OUTCOME && err != -want) {
		fail(&p->t, "write of '%s': expected %s, got %s",
		     show(wb.d, wb.len), want ? ename(-want) : "OK",
		     err ? ename(err) : "OK");
	} else if (!err && (size_t)ret != (wb.len > PAGE ? PAGE : wb.len)) {
		fail(&p->t, "write of %zu bytes returned %zd", wb.len, ret);
	} else if (want == ANY_OUTCOME && err && err != EINVAL &&
		   err != EPROTO) {
		fail(&p->t, "write of '%s': %s", show(wb.d, wb.len),
		     ename(err));
	}
	if (err) {
		check_dev(&p->t, dv, "after a refused write");
		return;
	}
	p->t.taken++;
	if (strcmp(p->value, canon)) {
		COPY(old_desc, dv->desc);
		COPY(p->value, canon);
		read_dev(dv, cur_desc, cur_values);
		COPY(dv->desc, cur_desc);
		check_dev(&p->t, dv, "after a write that changed the value");
		/* the device takes its new description, not its old one */
		wb2.len = strlen(dv->desc);
		memcpy(wb2.d, dv->desc, wb2.len);
		err = json_write(&p->t, dv->path, &wb2, "own description");
		if (err)
			fail(&p->t, "the device refuses its own description %s: %s",
			     dv->desc, ename(err));
		wb2.len = strlen(old_desc);
		memcpy(wb2.d, old_desc, wb2.len);
		err = json_write(&p->t, dv->path, &wb2, "old description");
		if (err != EPROTO)
			fail(&p->t, "after %s -> '%s': its old description %s: %s",
			     p->name, show((void *)canon, strlen(canon)),
			     old_desc, err ? ename(err) : "accepted");
	} else {
		check_dev(&p->t, dv, "after a write of the same value");
	}
}

/* ---- streams ---- */

static int load_stream(struct stream *st, const unsigned char *data,
		       size_t len, bool exercise, int *w_err, int *s_err)
{
	struct dev *dv = &devs[st->dev];
	struct vfio_dev vd;
	__u32 state = 0;
	size_t done = 0;
	int fd = -1, nofd;

	*w_err = *s_err = 0;
	if (vfio_dev_open_as(&vd, dv->uuid, st->t.name)) {
		fail(&st->t, "cannot open %s: %s", dv->uuid, ename(errno));
		return -1;
	}
	if (vfio_mig_get_state(&vd, &state) ||
	    state != VFIO_DEVICE_STATE_RUNNING) {
		fail(&st->t, "%s opens in state %s", dv->uuid,
		     vfio_mig_state_name(state));
		vfio_dev_close(&vd);
		return -1;
	}
	if (vfio_mig_set_state(&vd, VFIO_DEVICE_STATE_STOP, &fd) ||
	    vfio_mig_set_state(&vd, VFIO_DEVICE_STATE_RESUMING, &fd) ||
	    fd < 0) {
		fail(&st->t, "%s: cannot reach RESUMING: %s", dv->uuid,
		     ename(errno));
		vfio_dev_close(&vd);
		return -1;
	}
	while (done < len) {
		size_t n = chance(3) ? len - done :
			   chance(2) ? 1 + below(4096) : 1 + below(40);
		ssize_t ret;

		if (n > len - done)
			n = len - done;
		ret = write(fd, data + done, n);
		st->writes++;
		total_writes++;
		if (ret < 0) {
			*w_err = errno;
			break;
		}
		if (ret == 0) {
			*w_err = ENOSPC;
			break;
		}
		done += ret;
	}
	if (!*w_err && vfio_mig_set_state(&vd, VFIO_DEVICE_STATE_STOP, &nofd))
		*s_err = errno;
	close(fd);
	if (!*w_err && !*s_err) {
		if (vfio_mig_set_state(&vd, VFIO_DEVICE_STATE_RUNNING, &nofd)) {
			fail(&st->t, "STOP -> RUNNING: %s", ename(errno));
		} else if (exercise) {
			/* the guest runs on whatever state it got */
			unsigned int r, i;
			unsigned char c;
			__u64 off, size;

			for (r = 0; r < 2; r++) {
				if (vfio_region(&vd, r, VFIO_REGION_INFO_FLAG_READ |
						VFIO_REGION_INFO_FLAG_WRITE,
						&off, &size) || !size)
					continue;
				for (i = 0; i < 24; i++) {
					c = rnd();
					if (i % 3 == 0 &&
					    pwrite(vd.device, &c, 1, off) < 0)
						break;
					if (pread(vd.device, &c, 1,
						  off + (i < 8 && size >= 8 ? i : 0)) < 0)
						break;
				}
			}
		}
	}
	vfio_dev_close(&vd);
	return 0;
}

/* Mutate a saved stream; return whether its device state is intact. */
static bool build_stream(struct stream *st, struct buf *desc,
			 unsigned char *out, size_t *len)
{
	size_t rest = st->len - HDR_LEN - st->desc_len, at;
	unsigned int how = below(10);
	__u32 dlen;

	memcpy(out, st->data, HDR_LEN);
	if (how < 5) {
		/* a mutated description, re-framed (mostly) */
		memcpy(desc->d, st->data + HDR_LEN, st->desc_len);
		desc->len = st->desc_len;
		if (chance(3))
			generate_desc(desc, &devs[st->dev]);
		else
			mutate(desc);
		if (desc->len > PAGE + 16)
			desc->len = PAGE + 16;
		dlen = chance(5) ? st->desc_len : desc->len;
		memcpy(out + 8, &dlen, 4);
		memcpy(out + HDR_LEN, desc->d, desc->len);
		memcpy(out + HDR_LEN + desc->len,
		       st->data + HDR_LEN + st->desc_len, rest);
		*len = HDR_LEN + desc->len + rest;
		return true;
	}
	memcpy(out, st->data, st->len);
	*len = st->len;
	switch (how) {
	case 5:
		/* the header */
		at = below(HDR_LEN);
		if (chance(2))
			out[at] ^= 1 << below(8);
		else
			out[at] = rnd();
		if (chance(3)) {
			const __u32 lens[] = { 0, 1, PAGE, PAGE + 1, 0xffffffff,
					       st->desc_len - 1, st->desc_len + 1 };

			dlen = lens[below(ARRAY_SIZE(lens))];
			memcpy(out + 8, &dlen, 4);
		}
		return true;
	case 6:
	case 7:
		/* the device state */
		for (at = 1 + below(8); at; at--)
			out[HDR_LEN + st->desc_len + below(rest + 1)] ^=
				chance(2) ? 0xff : 1 << below(8);
		return false;
	case 8:
		*len = chance(2) ? below(st->len) :
		       HDR_LEN + st->desc_len + below(rest + 1);
		if (chance(3))
			*len = st->len + 1 + below(4096);
		for (at = st->len; at < *len; at++)
			out[at] = rnd();
		return *len <= st->len;
	default:
		*len = below(HDR_LEN + st->desc_len + 64);
		for (at = 0; at < *len; at++)
			out[at] = rnd();
		return false;
	}
}

static void fuzz_stream(struct stream *st, bool good)
{
	static struct buf desc;
	unsigned char *data = malloc(st->len + 2 * PAGE + 64);
	bool intact = true;
	size_t len;
	int w_err, s_err;

	if (!data) {
		fail(&st->t, "out of memory");
		return;
	}
	if (good) {
		memcpy(data, st->data, st->len);
		len = st->len;
	} else {
		intact = build_stream(st, &desc, data, &len);
	}
	if (!load_stream(st, data, len, intact || run_mutated, &w_err, &s_err)) {
		st->t.writes++;
		if (!w_err && !s_err)
			st->t.taken++;
		if (good && (w_err || s_err))
			fail(&st->t, "the saved stream was refused: %s",
			     ename(w_err ? w_err : s_err));
		if (w_err && w_err != EPROTO && w_err != EINVAL &&
		    w_err != ENOMEM)
			fail(&st->t, "write into RESUMING: %s", ename(w_err));
		if (s_err && s_err != EPROTO && s_err != EINVAL)
			fail(&st->t, "RESUMING -> STOP: %s", ename(s_err));
		if (st->t.fails && st->t.fails <= MAX_FAILS && (w_err || s_err))
			printf("#   stream of %zu bytes: %s\n", len,
			       show(data, len < 120 ? len : 120));
	}
	check_dev(&st->t, &devs[st->dev], "after a stream");
	free(data);
}

/* ---- set-up ---- */

static void add_corpus(const char *s)
{
	struct buf *b = &corpus[nr_corpus++];

	b->len = strlen(s);
	memcpy(b->d, s, b->len);
}

static int add_type(const char *given)
{
	char path[PATH_MAX];
	const char *tn;
	struct type *ty;
	unsigned int i;

	if (!realpath(given, path)) {
		fprintf(stderr, "%s: %s\n", given, strerror(errno));
		return -1;
	}
	for (i = 0; i < nr_types; i++)
		if (!strcmp(types[i].path, path))
			return i;
	if (nr_types == MAX_TYPES)
		return -1;
	ty = &types[nr_types];
	snprintf(ty->path, sizeof(ty->path), "%s", path);
	tn = strstr(path, "mdev_supported_types/");
	tn = tn ? tn + 21 : path;
	snprintf(ty->t.name, sizeof(ty->t.name), "%.*s type migration_info.json",
		 (int)strcspn(tn, "/") % 64, tn);
	if (read_file(path, ty->caps, sizeof(ty->caps)) <= 0) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	add_corpus(ty->caps);
	return nr_types++;
}

static int add_dev(const char *uuid, bool fuzz)
{
	char link[PATH_MAX], target[PATH_MAX], dir[PATH_MAX];
	struct dev *dv;
	struct dirent *e;
	ssize_t n;
	DIR *d;

	for (n = 0; n < nr_devs; n++) {
		if (!strcmp(devs[n].uuid, uuid)) {
			devs[n].fuzz |= fuzz;
			return n;
		}
	}
	if (nr_devs == MAX_DEVS)
		return -1;
	dv = &devs[nr_devs];
	snprintf(dv->uuid, sizeof(dv->uuid), "%s", uuid);
	dv->fuzz = fuzz;
	snprintf(dv->path, sizeof(dv->path),
		 "/sys/bus/mdev/devices/%s/migration_info.json", uuid);
	snprintf(link, sizeof(link), "/sys/bus/mdev/devices/%s/mdev_type",
		 uuid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", link, strerror(errno));
		return -1;
	}
	target[n] = '\0';
	/* ../../../devices/.../mdev_supported_types/<type> */
	snprintf(dir, sizeof(dir), "/sys/bus/mdev/devices/%.40s/%.2000s/migration_info.json",
		 uuid, target);
	dv->type = add_type(dir);
	if (dv->type < 0)
		return -1;
	snprintf(dv->t.name, sizeof(dv->t.name), "%.*s device migration_info.json",
		 (int)strcspn(types[dv->type].t.name, " "), types[dv->type].t.name);
	snprintf(dir, sizeof(dir), "/sys/bus/mdev/devices/%s/migration/params",
		 uuid);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) && dv->nr_params < MAX_PARAMS) {
		struct param *p = &dv->params[dv->nr_params];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p->name, sizeof(p->name), "%.63s", e->d_name);
		snprintf(p->path, sizeof(p->path), "%.3000s/%.63s", dir, e->d_name);
		snprintf(p->t.name, sizeof(p->t.name), "%.*s device params/%.63s",
			 (int)strcspn(types[dv->type].t.name, " "),
			 types[dv->type].t.name, e->d_name);
		if (param_spec(p, types[dv->type].caps)) {
			fprintf(stderr, "%s: not in the type's capabilities\n",
				p->path);
			closedir(d);
			return -1;
		}
		dv->nr_params++;
	}
	closedir(d);
	read_dev(dv, dv->desc, cur_values);
	for (n = 0; n < dv->nr_params; n++)
		COPY(dv->params[n].value, cur_values[n]);
	add_corpus(dv->desc);
	return nr_devs++;
}

static int add_stream(char *arg)
{
	char *colon = strrchr(arg, ':');
	struct stream *st;
	__u32 dlen;
	long len = -1;
	FILE *f;

	if (!colon || nr_streams == MAX_STREAMS)
		return -1;
	*colon = '\0';
	st = &streams[nr_streams];
	st->dev = add_dev(colon + 1, false);
	if (st->dev < 0)
		return -1;
	snprintf(st->t.name, sizeof(st->t.name), "%.*s streams into RESUMING",
		 (int)strcspn(types[devs[st->dev].type].t.name, " "),
		 types[devs[st->dev].type].t.name);
	f = fopen(arg, "r");
	if (f && !fseek(f, 0, SEEK_END))
		len = ftell(f);
	if (len < HDR_LEN) {
		fprintf(stderr, "%s: cannot read\n", arg);
		return -1;
	}
	rewind(f);
	st->data = malloc(len);
	if (!st->data || fread(st->data, 1, len, f) != (size_t)len)
		return -1;
	fclose(f);
	st->len = len;
	memcpy(&dlen, st->data + 8, 4);
	if (dlen > PAGE || HDR_LEN + dlen > (size_t)len) {
		fprintf(stderr, "%s: no description header\n", arg);
		return -1;
	}
	st->desc_len = dlen;
	nr_streams++;
	return 0;
}

static int print_usage(void)
{
	fprintf(stderr, "Usage: sysfs_fuzz [-s SEED] [-t SECONDS] [-n WRITES] [-N STREAMS]\n"
		"                  [-x] [-o UUID]... [-T TYPEDIR]... [-m FILE:UUID]... [UUID...]\n");
	return 2;
}

static void report(struct target *t, const char *unit)
{
	/* A target never written was not tested. */
	printf("%s %s: %lu %s, %lu taken\n",
	       t->fails || !t->writes ? "FAIL" : "PASS",
	       t->name, t->writes, unit, t->taken);
}

int main(int argc, char **argv)
{
	unsigned long max_writes = 0, max_streams = 0, n, nr_sys = 0, nr_st = 0;
	char *opened[MAX_DEVS], path[PATH_MAX];
	unsigned int nr_opened = 0, i, j, nr_targets;
	double seconds = 30, start, sys_end, end;
	__u64 seed = (__u64)time(NULL) ^ getpid();
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	vfio_log = fopen("/dev/null", "w");
	while ((c = getopt(argc, argv, "s:t:n:N:o:T:m:x")) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'n':
			max_writes = strtoul(optarg, NULL, 0);
			break;
		case 'N':
			max_streams = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			if (nr_opened < MAX_DEVS)
				opened[nr_opened++] = optarg;
			break;
		case 'T':
			snprintf(path, sizeof(path), "%s/migration_info.json",
				 optarg);
			if (add_type(path) < 0)
				return 2;
			types[nr_types - 1].fuzz = true;
			break;
		case 'm':
			if (add_stream(optarg))
				return print_usage();
			break;
		case 'x':
			run_mutated = true;
			break;
		default:
			return print_usage();
		}
	}
	for (; optind < argc; optind++)
		if (add_dev(argv[optind], true) < 0)
			return 2;
	for (i = 0; i < nr_devs; i++)
		for (j = 0; j < nr_opened; j++)
			if (!strcmp(devs[i].uuid, opened[j]))
				devs[i].opened = true;
	nr_targets = 0;
	for (i = 0; i < nr_types; i++)
		nr_targets += types[i].fuzz;
	for (i = 0; i < nr_devs; i++)
		if (devs[i].fuzz)
			nr_targets += 1 + devs[i].nr_params;
	if (!nr_targets && !nr_streams)
		return print_usage();
	printf("# seed %llu, %.0f s, %u types, %u devices, %u streams\n",
	       (unsigned long long)seed, seconds, nr_types, nr_devs,
	       nr_streams);

	start = now();
	end = start + seconds;
	sys_end = nr_streams ? start + seconds * 0.7 : end;
	seed_rng(seed, 1);
	for (n = 0; nr_targets; n++) {
		unsigned int k = below(nr_targets);

		if (max_writes ? n >= max_writes : (n % 16 == 0 && now() > sys_end))
			break;
		for (i = 0; i < nr_types; i++) {
			if (types[i].fuzz && !k--) {
				fuzz_type(&types[i]);
				goto next;
			}
		}
		for (i = 0; i < nr_devs; i++) {
			if (!devs[i].fuzz)
				continue;
			if (!k--) {
				fuzz_dev_json(&devs[i]);
				goto next;
			}
			for (j = 0; j < devs[i].nr_params; j++) {
				if (!k--) {
					fuzz_param(&devs[i], &devs[i].params[j]);
					goto next;
				}
			}
		}
next:
		if (n % 32 == 31)
			check_all(&global_t, "global check");
	}
	nr_sys = n;
	seed_rng(seed, 2);
	for (n = 0; nr_streams; n++) {
		if (max_streams ? n >= max_streams : now() > end)
			break;
		fuzz_stream(&streams[n % nr_streams], n / nr_streams % 8 == 0);
	}
	nr_st = n;
	check_all(&global_t, "final check");

	for (i = 0; i < nr_types; i++)
		if (types[i].fuzz)
			report(&types[i].t, "writes");
	for (i = 0; i < nr_devs; i++) {
		if (!devs[i].fuzz)
			continue;
		report(&devs[i].t, "writes");
		for (j = 0; j < devs[i].nr_params; j++)
			report(&devs[i].params[j].t, "writes");
	}
	for (i = 0; i < nr_streams; i++)
		report(&streams[i].t, "streams");
	printf("# writes: %lu in %.1f s (%lu sysfs iterations, %lu streams)\n",
	       total_writes, now() - start, nr_sys, nr_st);
	printf("# replay: sysfs_fuzz -s %llu -n %lu -N %lu ...\n",
	       (unsigned long long)seed, nr_sys, nr_st);
	return global_fail ? 1 : 0;
}
