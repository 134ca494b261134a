// SPDX-License-Identifier: GPL-2.0
/*
 * A VFIO migration v2 client that drives mdevs exactly as a VMM (QEMU)
 * does, for the mdev kselftests and the demo.
 *
 *   mig_client migrate [options] <src-uuid> <dst-uuid>
 *   mig_client migrate [options] --save FILE <src-uuid>
 *   mig_client migrate [options] --load FILE <dst-uuid>
 *   mig_client hold <uuid> <STATE> -- <shell command>
 *   mig_client state <uuid>
 *   mig_client fb <uuid> fill|check REGION:SEED
 *   mig_client fsm <uuid>
 *
 * Every device is opened in its own container (group, type1 IOMMU, device
 * fd). Options of migrate (they come before the uuids):
 *
 *   -c, --chunks LIST    comma-separated sizes of the write()s into the
 *                        destination's data fd, used cyclically over the
 *                        whole stream (default 4096); a write is shorter
 *                        than its size only at the end of the PRE_COPY
 *                        data and at the end of the stream
 *   --no-precopy         do not use PRE_COPY even if both devices have it
 *   --save FILE          source half only: save the stream to FILE, then
 *                        put the source back to RUNNING
 *   --load FILE          destination half only: resume the destination
 *                        from FILE, then STOP -> RUNNING
 *   --abort-after N      stop once N stream bytes were written to the
 *                        destination (read from the source with --save),
 *                        or at the end of a shorter stream, before the
 *                        destination leaves RESUMING; the bytes read are
 *                        still saved with --save
 *   --poke SPEC          write the source's registers before migrating
 *   --peek SPEC          read the destination's registers after a
 *                        successful migration (or load)
 *   --peek-src SPEC      read the source's registers at the end, after it
 *                        is back in RUNNING (abort, failure, --save) or
 *                        in STOP (success)
 *   --fill-fb REGION:SEED  map the source's region REGION and fill it
 *                        with the byte pattern of SEED before migrating
 *   --dirty-fb REGION:SEED  with PRE_COPY, once the initial bytes were
 *                        read: write the pattern of SEED into every third
 *                        page (0, 3, 6, ...) of the source's region,
 *                        through a mapping made before the migration
 *                        started, as a running guest would
 *   --redirty-fb REGION:SEED  with --dirty-fb of the same REGION: then
 *                        read the PRE_COPY data until the device reports
 *                        no dirty bytes (a second pass, which sends the
 *                        pages written), and then read a byte of each of
 *                        those pages and write the pattern of SEED into
 *                        it: the device must have rearmed its tracking
 *   --check-fb REGION    after a successful migration: compare the
 *                        destination's region with the source's, byte for
 *                        byte, through mappings of both
 *   --p2p                go through the P2P states as QEMU does: the
 *                        source RUNNING -> RUNNING_P2P -> STOP ->
 *                        STOP_COPY, or PRE_COPY -> PRE_COPY_P2P ->
 *                        STOP_COPY; the destination RUNNING ->
 *                        RUNNING_P2P -> STOP -> RESUMING, then RESUMING ->
 *                        STOP -> RUNNING_P2P -> RUNNING
 *   --combo              use combination transitions: the source RUNNING
 *                        -> STOP_COPY without PRE_COPY, the destination
 *                        RUNNING -> RESUMING and RESUMING -> RUNNING, each
 *                        in one set-state ioctl
 *   --end-read           with PRE_COPY, once no initial bytes are left,
 *                        read() once more: it must fail with ENOMSG (the
 *                        temporary end of the pre-copy data); in
 *                        STOP_COPY, VFIO_MIG_GET_PRECOPY_INFO must fail
 *                        with EINVAL and a read() after EOF must return 0
 *   --extra N            append N bytes (0xa5) to the stream before it is
 *                        written to the destination
 *   --try-finish         with --abort-after: request RESUMING -> STOP of
 *                        the destination after the last write anyway
 *   --write-on           after a write() refused with EPROTO, write() one
 *                        more byte and print the result
 *   --mid CMD            run CMD with system() right after the source's
 *                        first arc out of RUNNING
 *   --dst-mid CMD        run CMD with system() right after the
 *                        destination reached RESUMING
 *   --then CMD           run CMD with system() once the migration ended
 *                        (done, failed or aborted), before any device is
 *                        closed or the source is put back to RUNNING
 *   -v, --verbose        print every write() into the destination
 *
 * SPEC is REGION:OFFSET:BYTE[,BYTE...] for --poke and REGION:OFFSET:LEN
 * for the peeks: REGION is a decimal VFIO region index, OFFSET, BYTE and
 * LEN are decimal or 0x-prefixed hex. The offset is relative to the
 * region's offset from VFIO_DEVICE_GET_REGION_INFO. Accesses are byte-wide
 * register accesses: every byte is its own 1-byte pwrite()/pread() at the
 * same OFFSET, so "--poke 0:0:0x41,0x42" queues two bytes in mtty's THR
 * and "--peek 0:0:2" pops two bytes from its RBR. Output:
 * "poke 0:0: 41 42", "peek 0:7: 5a", "peek-src 0:7: 5a".
 *
 * migrate: both devices report VFIO_DEVICE_FEATURE_MIGRATION flags. The
 * destination goes RUNNING -> STOP -> RESUMING first, as an incoming VMM
 * does, so the stream is written into it as it is read. If both devices
 * support PRE_COPY, the source goes RUNNING -> PRE_COPY and the initial
 * bytes are read until VFIO_MIG_GET_PRECOPY_INFO reports none left (or
 * read() says ENOMSG), then PRE_COPY -> STOP_COPY; otherwise RUNNING ->
 * STOP -> STOP_COPY. Per the uAPI the set-state ioctl returns data_fd -1
 * when the existing data_fd continues ("src: data_fd continues"), or a new
 * one, which replaces the old one ("src: new data_fd"). The data_fd is
 * read to EOF. Then the source goes STOP_COPY -> STOP (before the
 * destination runs, as in QEMU) and the destination RESUMING -> STOP ->
 * RUNNING. A data_fd is closed when its device leaves the state that
 * opened it.
 *
 * On an error: the failed step is printed with its errno name, then the
 * destination's state ("dst: state RESUMING"), then the source is put back
 * to RUNNING ("src: back to RUNNING" and "src: state RUNNING"); the
 * destination is left as it is.
 *
 * hold: moves the device along valid arcs (from RUNNING: STOP; STOP,
 * STOP_COPY; STOP, RESUMING; PRE_COPY; RUNNING_P2P; PRE_COPY,
 * PRE_COPY_P2P), runs the command with system() while the data_fd stays
 * open, then requests RUNNING. RESUMING is not left through RESUMING ->
 * STOP, which needs a valid stream: the data_fd and the device are just
 * closed, and the driver's close_device decides. Upstream mtty (6.12 to
 * 7.2) only drops the data transfer session: the device stays in
 * RESUMING until a VFIO_DEVICE_RESET and the next opener sees
 * "dev: state RESUMING" (and its RESUMING -> STOP dereferences the
 * dropped session). With this
 * project's mtty, closing the device returns it to RUNNING. The same
 * applies to a destination left in RESUMING after a refused or aborted
 * stream when mig_client exits.
 *
 * state: prints "dev: state RUNNING" etc.
 *
 * fsm: walks every arc of the migration FSM between the seven states:
 * for each (FROM, TO) the device is reset (VFIO_DEVICE_RESET), moved to
 * FROM, its data_fd prepared (in RESUMING: the device's own stream, saved
 * first, written whole, of any size), then TO is requested. A state the
 * device's migration flags do not offer (PRE_COPY without
 * VFIO_MIGRATION_PRE_COPY, the P2P states without VFIO_MIGRATION_P2P) is
 * no FROM, and as a TO it must be refused with EINVAL, the device staying
 * in FROM. STOP_COPY -> PRE_COPY and
 * STOP_COPY -> PRE_COPY_P2P must fail; every other arc must reach TO and
 * return a new data_fd exactly when it starts a session (entering the
 * saving group or RESUMING); a data_fd that continues must deliver the
 * rest of the stream, one whose session ended must fail with ENODEV. One
 * line per arc, "fsm: FROM -> TO: ok (...)" or "fsm: FROM -> TO: FAIL:
 * ...", then "fsm: N arcs, N failed". Exit 3 if any failed.
 *
 * fb: fill a region through its mapping with the pattern of SEED, or
 * compare it with that pattern byte for byte, on a device that is not
 * migrating (a framebuffer keeps its content across opens).
 *
 * SEED is a decimal number; byte i of its pattern is byte i % 8 of a
 * 64-bit hash of SEED and i / 8, so two seeds differ almost everywhere.
 * Output of the region commands: "fill-fb 0: 2097152 bytes, seed 1",
 * "dirty-fb 0: 171 pages, seed 2", "src: dirty pass: 704520 bytes",
 * "redirty-fb 0: 171 pages, seed 3, bytes read sum to 21760",
 * "check-fb 0: 2097152 bytes identical",
 * "check-fb 0: 4096 of 2097152 bytes differ, first at 0x3000: 12 (src
 * 34)", "fb 0: 2097152 bytes match seed 1", "fb 0: 2097152 of 2097152
 * bytes differ from seed 1, first 0x0: 00 (seed 5a)".
 *
 * migrate and hold start only from RUNNING: a device found in another
 * state ("dst: not RUNNING, refusing to start", exit 1) was left there by
 * an earlier user and would need a VFIO_DEVICE_RESET, which a VMM does
 * but this client does not.
 *
 * All messages go to stdout, one line per step, prefixed "src:", "dst:"
 * or "dev:", e.g. "src: RUNNING -> PRE_COPY", "src: read 24 bytes
 * (PRE_COPY)", "dst: write of 4096 bytes: Protocol error (EPROTO)".
 *
 * Exit status: 0 success; 1 usage or setup error (cannot open a device,
 * region access, file I/O, hold cannot reach STATE); 2 the destination
 * refused the stream with EPROTO (on write() or on RESUMING -> STOP);
 * 3 any other migration error (hold: the device did not return to
 * RUNNING); 4 aborted by --abort-after; 5 --check-fb or fb check found a
 * difference. hold otherwise exits with the command's status (128 +
 * signal number if it was killed).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "vfio_util.h"

#define EXIT_SETUP	1
#define EXIT_REFUSED	2
#define EXIT_MIGRATION	3
#define EXIT_ABORTED	4
#define EXIT_MISMATCH	5

#define READ_SIZE	65536
#define MAX_SPECS	32
#define MAX_CHUNKS	64
#define MAX_ACCESS	4096

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })

/* One --poke or --peek. */
struct spec {
	char *text;		/* "REGION:OFFSET" as given */
	unsigned int region;
	unsigned long long offset;
	unsigned char *bytes;	/* --poke: the bytes to write */
	size_t len;
};

struct spec_list {
	const char *label;
	bool write;
	struct spec specs[MAX_SPECS];
	int nr;
};

/* One of the -fb options: a region and a pattern. */
struct fb_spec {
	bool set;
	unsigned int region;
	unsigned long long seed;
};

/* A region mapped through the device fd. */
struct fb_map {
	unsigned char *addr;
	size_t size;
};

static struct {
	const char *save;
	const char *load;
	bool no_precopy;
	bool verbose;
	bool p2p;
	bool combo;
	bool end_read;
	bool try_finish;
	bool write_on;
	size_t extra;
	const char *then;
	const char *mid;
	const char *dst_mid;
	bool has_abort;
	unsigned long long abort_after;
	size_t chunks[MAX_CHUNKS];
	int nr_chunks;
	struct spec_list poke, peek, peek_src;
	struct fb_spec fill_fb, dirty_fb, redirty_fb, check_fb;
} opt = {
	.poke = { .label = "poke", .write = true },
	.peek = { .label = "peek" },
	.peek_src = { .label = "peek-src" },
};

/* One device and its migration state as this client knows it. */
struct side {
	struct vfio_dev dev;
	__u32 state;
	__u64 flags;
	int data_fd;
	struct fb_map fb;	/* --fill-fb: kept for --dirty-fb */
};

/* The migration stream, buffered whole, and how far it was written. */
struct stream {
	unsigned char *buf;
	size_t len;		/* bytes read from the source or file */
	size_t cap;
	size_t sent;		/* bytes written to the destination */
	size_t writes;
	unsigned int chunk;	/* index of the next write's chunk size */
	struct side *dst;	/* NULL: nothing to write to */
	bool refused;		/* the destination said EPROTO */
};

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* "Protocol error (EPROTO)"; valid until the next call. */
static const char *err_str(int err)
{
	static char buf[128];
	const char *name = vfio_errno_name(err);

	if (name)
		snprintf(buf, sizeof(buf), "%s (%s)", strerror(err), name);
	else
		snprintf(buf, sizeof(buf), "%s (errno %d)", strerror(err), err);
	return buf;
}

static const char *state_name(__u32 state)
{
	return vfio_mig_state_name(state);
}

static int run(const char *cmd);

static int print_usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		printf("usage error: ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	say("usage: mig_client migrate [-c LIST] [--no-precopy] [--abort-after N]");
	say("           [--poke SPEC]... [--peek SPEC]... [--peek-src SPEC]... [-v]");
	say("           <src-uuid> <dst-uuid> | --save FILE <src-uuid> | --load FILE <dst-uuid>");
	say("           [--fill-fb REGION:SEED] [--dirty-fb REGION:SEED] [--check-fb REGION]");
	say("           [--redirty-fb REGION:SEED]");
	say("       mig_client hold <uuid> <STATE> -- <shell command>");
	say("       mig_client state <uuid>");
	say("       mig_client fb <uuid> fill|check REGION:SEED");
	say("       mig_client fsm <uuid>");
	say("       migrate options also: [--p2p] [--combo] [--end-read] [--extra N]");
	say("           [--try-finish] [--write-on] [--then CMD] [--mid CMD]");
	say("           [--dst-mid CMD]");
	return EXIT_SETUP;
}

/* Decimal or 0x-prefixed hex, at most @max. */
static int parse_num(const char *s, unsigned long long max,
		     unsigned long long *val)
{
	int base = 10;
	char *end;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
		base = 16;
		s += 2;
	}
	if (*s < '0' || (*s > '9' && base == 10) ||
	    (base == 16 && !strchr("0123456789abcdefABCDEF", *s)))
		return -1;
	errno = 0;
	*val = strtoull(s, &end, base);
	if (errno || *end || *val > max)
		return -1;
	return 0;
}

static int parse_chunks(const char *arg)
{
	char *list = strdup(arg), *tok, *save = NULL;
	unsigned long long val;

	opt.nr_chunks = 0;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (opt.nr_chunks == MAX_CHUNKS || parse_num(tok, 1 << 30, &val) ||
		    !val) {
			free(list);
			return -1;
		}
		opt.chunks[opt.nr_chunks++] = val;
	}
	free(list);
	return opt.nr_chunks ? 0 : -1;
}

static int parse_bytes(char *list, struct spec *sp)
{
	unsigned long long val;
	char *tok, *save = NULL;

	sp->bytes = malloc(strlen(list) + 1);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (parse_num(tok, 0xff, &val))
			return -1;
		sp->bytes[sp->len++] = val;
	}
	return sp->len ? 0 : -1;
}

/* REGION:OFFSET:BYTE[,BYTE...] or REGION:OFFSET:LEN */
static int parse_spec(struct spec_list *list, const char *arg)
{
	struct spec *sp = &list->specs[list->nr];
	unsigned long long region, len;
	char *copy, *off, *last;

	if (list->nr == MAX_SPECS)
		return -1;
	copy = strdup(arg);
	off = strchr(copy, ':');
	last = off ? strchr(off + 1, ':') : NULL;
	if (!last)
		goto bad;
	*off++ = '\0';
	*last++ = '\0';
	if (parse_num(copy, 0xffffffff, &region) || strchr(copy, 'x') ||
	    parse_num(off, UINT64_MAX, &sp->offset))
		goto bad;
	sp->region = region;
	if (list->write) {
		if (parse_bytes(last, sp))
			goto bad;
	} else {
		if (parse_num(last, MAX_ACCESS, &len) || !len)
			goto bad;
		sp->len = len;
	}
	sp->text = strndup(arg, strrchr(arg, ':') - arg);
	free(copy);
	list->nr++;
	return 0;
bad:
	free(copy);
	return -1;
}

static char *hex(const unsigned char *bytes, size_t len)
{
	static char buf[3 * MAX_ACCESS + 1];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < len; i++)
		sprintf(buf + 3 * i, " %02x", bytes[i]);
	return buf;
}

/* Byte-wide register accesses at one offset of a region. */
static int access_spec(struct side *s, struct spec_list *list,
		       struct spec *sp)
{
	unsigned char buf[MAX_ACCESS];
	__u64 base, size;
	size_t i;
	ssize_t n;

	if (vfio_region(&s->dev, sp->region, list->write ?
			VFIO_REGION_INFO_FLAG_WRITE : VFIO_REGION_INFO_FLAG_READ,
			&base, &size)) {
		say("%s %s: region %u: %s", list->label, sp->text, sp->region,
		    err_str(errno));
		return -1;
	}
	if (sp->offset >= size) {
		say("%s %s: offset beyond the region's 0x%llx bytes",
		    list->label, sp->text, (unsigned long long)size);
		return -1;
	}
	for (i = 0; i < sp->len; i++) {
		if (list->write)
			n = pwrite(s->dev.device, &sp->bytes[i], 1,
				   base + sp->offset);
		else
			n = pread(s->dev.device, &buf[i], 1, base + sp->offset);
		if (n != 1) {
			say("%s %s: %s", list->label, sp->text,
			    n < 0 ? err_str(errno) : "short access");
			return -1;
		}
	}
	say("%s %s:%s", list->label, sp->text,
	    hex(list->write ? sp->bytes : buf, sp->len));
	return 0;
}

static int access_specs(struct side *s, struct spec_list *list)
{
	int i;

	for (i = 0; i < list->nr; i++)
		if (access_spec(s, list, &list->specs[i]))
			return -1;
	return 0;
}

/* REGION:SEED, or REGION alone if !@need_seed */
static int parse_fb(struct fb_spec *fb, const char *arg, bool need_seed)
{
	unsigned long long region;
	char *copy = strdup(arg), *colon = strchr(copy, ':');
	int ret = -1;

	if (colon)
		*colon++ = '\0';
	if (colon ? parse_num(colon, UINT64_MAX, &fb->seed) : need_seed)
		goto out;
	if (parse_num(copy, 0xffffffff, &region) || strchr(copy, 'x'))
		goto out;
	fb->region = region;
	fb->set = true;
	ret = 0;
out:
	free(copy);
	return ret;
}

/* Word @i of the pattern of @seed (splitmix64). */
static uint64_t pattern_word(uint64_t seed, uint64_t i)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + i + 1;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned char pattern_byte(uint64_t seed, size_t off)
{
	return pattern_word(seed, off / 8) >> (off % 8 * 8);
}

/* Write the pattern of @seed into [@off, @off + @len), 8-byte aligned. */
static void pattern_fill(unsigned char *p, size_t off, size_t len,
			 uint64_t seed)
{
	size_t i;

	for (i = off / 8; i < (off + len) / 8; i++) {
		uint64_t w = pattern_word(seed, i);

		memcpy(p + i * 8, &w, 8);
	}
}

static int fb_map(struct side *s, unsigned int region, struct fb_map *map)
{
	__u64 base, size;
	void *addr;

	if (vfio_region(&s->dev, region, VFIO_REGION_INFO_FLAG_MMAP |
			VFIO_REGION_INFO_FLAG_WRITE, &base, &size)) {
		say("%s: region %u: %s", s->dev.name, region, err_str(errno));
		return -1;
	}
	addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    s->dev.device, base);
	if (addr == MAP_FAILED) {
		say("%s: mmap of region %u: %s", s->dev.name, region,
		    err_str(errno));
		return -1;
	}
	map->addr = addr;
	map->size = size;
	return 0;
}

static void fb_unmap(struct fb_map *map)
{
	if (map->addr)
		munmap(map->addr, map->size);
	map->addr = NULL;
}

/* --fill-fb: the mapping stays for --dirty-fb. */
static int fb_fill(struct side *src)
{
	if (!opt.fill_fb.set)
		return 0;
	if (fb_map(src, opt.fill_fb.region, &src->fb))
		return -1;
	pattern_fill(src->fb.addr, 0, src->fb.size, opt.fill_fb.seed);
	say("fill-fb %u: %zu bytes, seed %llu", opt.fill_fb.region,
	    src->fb.size, opt.fill_fb.seed);
	return 0;
}

/* --dirty-fb: every third page, through the mapping of --fill-fb. */
static int fb_dirty(struct side *src)
{
	size_t page = sysconf(_SC_PAGESIZE), off, n = 0;

	if (!opt.dirty_fb.set)
		return 0;
	if (!src->fb.addr && fb_map(src, opt.dirty_fb.region, &src->fb))
		return -1;
	for (off = 0; off < src->fb.size; off += 3 * page, n++)
		pattern_fill(src->fb.addr, off, page, opt.dirty_fb.seed);
	say("dirty-fb %u: %zu pages, seed %llu", opt.dirty_fb.region, n,
	    opt.dirty_fb.seed);
	return 0;
}

/*
 * --redirty-fb: the pages of --dirty-fb again, once sent by a second
 * pass: each is read first, so that a device that maps a page writable
 * on a read fault without noting it would miss the write.
 */
static void fb_redirty(struct side *src)
{
	size_t page = sysconf(_SC_PAGESIZE), off, n = 0;
	unsigned int sum = 0;	/* printed, so the reads are done */

	for (off = 0; off < src->fb.size; off += 3 * page, n++) {
		sum += src->fb.addr[off];
		pattern_fill(src->fb.addr, off, page, opt.redirty_fb.seed);
	}
	say("redirty-fb %u: %zu pages, seed %llu, bytes read sum to %u",
	    opt.redirty_fb.region, n, opt.redirty_fb.seed, sum);
}

/*
 * Compare @len bytes of @a with @b, or with the pattern of @seed if @b
 * is NULL: the number of bytes that differ, and the first one.
 */
static size_t fb_diff(const unsigned char *a, const unsigned char *b,
		      uint64_t seed, size_t len, size_t *first)
{
	size_t i, n = 0;

	if (b && !memcmp(a, b, len))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char want = b ? b[i] : pattern_byte(seed, i);

		if (a[i] != want && !n++)
			*first = i;
	}
	return n;
}

/* --check-fb: the destination's region equals the source's. */
static int fb_check(struct side *src, struct side *dst)
{
	struct fb_map s = {}, d = {};
	size_t n, first = 0;
	int ret = -1;

	if (!opt.check_fb.set)
		return 0;
	if (fb_map(src, opt.check_fb.region, &s) ||
	    fb_map(dst, opt.check_fb.region, &d))
		goto out;
	if (s.size != d.size) {
		say("check-fb %u: sizes differ: %zu (src %zu)",
		    opt.check_fb.region, d.size, s.size);
		goto out;
	}
	n = fb_diff(d.addr, s.addr, 0, d.size, &first);
	if (n)
		say("check-fb %u: %zu of %zu bytes differ, first at 0x%zx: %02x (src %02x)",
		    opt.check_fb.region, n, d.size, first, d.addr[first],
		    s.addr[first]);
	else
		say("check-fb %u: %zu bytes identical", opt.check_fb.region,
		    d.size);
	ret = n ? -1 : 0;
out:
	fb_unmap(&s);
	fb_unmap(&d);
	return ret;
}

static int side_open(struct side *s, const char *name, const char *uuid)
{
	s->data_fd = -1;
	if (vfio_dev_open_as(&s->dev, uuid, name))
		return -1;
	say("%s: opened %s", name, uuid);
	if (vfio_mig_get_state(&s->dev, &s->state)) {
		say("%s: get state: %s", name, err_str(errno));
		return -1;
	}
	say("%s: state %s", name, state_name(s->state));
	return 0;
}

/*
 * A device that does not start in RUNNING was left mid-migration by an
 * earlier user; a VMM would VFIO_DEVICE_RESET it first. Do not touch it:
 * mtty oopses on RESUMING -> STOP once its data_fd was closed.
 */
static int side_running(struct side *s)
{
	if (s->state == VFIO_DEVICE_STATE_RUNNING)
		return 0;
	say("%s: not RUNNING, refusing to start", s->dev.name);
	return -1;
}

static void side_close(struct side *s)
{
	fb_unmap(&s->fb);
	if (s->data_fd >= 0)
		close(s->data_fd);
	s->data_fd = -1;
	vfio_dev_close(&s->dev);
}

static int side_flags(struct side *s)
{
	if (vfio_mig_flags(&s->dev, &s->flags)) {
		say("%s: VFIO_DEVICE_FEATURE_MIGRATION: %s", s->dev.name,
		    err_str(errno));
		return -1;
	}
	say("%s: migration flags 0x%llx:%s%s%s", s->dev.name,
	    (unsigned long long)s->flags,
	    s->flags & VFIO_MIGRATION_STOP_COPY ? " STOP_COPY" : "",
	    s->flags & VFIO_MIGRATION_P2P ? " P2P" : "",
	    s->flags & VFIO_MIGRATION_PRE_COPY ? " PRE_COPY" : "");
	if (!(s->flags & VFIO_MIGRATION_STOP_COPY)) {
		say("%s: no STOP_COPY support", s->dev.name);
		return -1;
	}
	return 0;
}

static void side_data_size(struct side *s)
{
	__u64 len;

	if (vfio_mig_data_size(&s->dev, &len))
		say("%s: VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: %s", s->dev.name,
		    err_str(errno));
	else
		say("%s: stop_copy_length %llu", s->dev.name,
		    (unsigned long long)len);
}

static bool has_session(__u32 state)
{
	return state == VFIO_DEVICE_STATE_PRE_COPY ||
	       state == VFIO_DEVICE_STATE_PRE_COPY_P2P ||
	       state == VFIO_DEVICE_STATE_STOP_COPY ||
	       state == VFIO_DEVICE_STATE_RESUMING;
}

/* Keep or replace the data_fd after a transition to @state. */
static int side_take_fd(struct side *s, __u32 state, int fd)
{
	if (fd >= 0) {
		if (s->data_fd >= 0) {
			close(s->data_fd);
			say("%s: new data_fd, the previous one is closed",
			    s->dev.name);
		} else {
			say("%s: new data_fd", s->dev.name);
		}
		s->data_fd = fd;
	} else if (!has_session(state)) {
		if (s->data_fd >= 0)
			close(s->data_fd);
		s->data_fd = -1;
	} else if (s->data_fd >= 0) {
		say("%s: data_fd continues", s->dev.name);
	} else {
		say("%s: no data_fd for %s", s->dev.name, state_name(state));
		errno = EBADF;
		return -1;
	}
	return 0;
}

/* One set-state ioctl, printed as "src: RUNNING -> PRE_COPY". */
static int side_set(struct side *s, __u32 state)
{
	int fd;

	if (vfio_mig_set_state(&s->dev, state, &fd)) {
		say("%s: %s -> %s: %s", s->dev.name, state_name(s->state),
		    state_name(state), err_str(errno));
		return -1;
	}
	say("%s: %s -> %s", s->dev.name, state_name(s->state),
	    state_name(state));
	s->state = state;
	return side_take_fd(s, state, fd);
}

static void side_report(struct side *s)
{
	if (vfio_mig_get_state(&s->dev, &s->state))
		say("%s: state unknown: %s", s->dev.name, err_str(errno));
	else
		say("%s: state %s", s->dev.name, state_name(s->state));
}

/* After an error or abort: the source runs again, state intact. */
static void restore_src(struct side *src)
{
	int fd;

	if (vfio_mig_set_state(&src->dev, VFIO_DEVICE_STATE_RUNNING, &fd)) {
		say("src: back to RUNNING: %s", err_str(errno));
	} else {
		say("src: back to RUNNING");
		if (fd >= 0)
			close(fd);
		if (src->data_fd >= 0)
			close(src->data_fd);
		src->data_fd = -1;
	}
	side_report(src);
}

static bool reached_abort(struct stream *st)
{
	if (!opt.has_abort)
		return false;
	return (st->dst ? st->sent : st->len) >= opt.abort_after;
}

/* --write-on: a refusal is final for the data_fd */
static void write_on(int fd, const unsigned char *p)
{
	ssize_t w = write(fd, p, 1);

	say("dst: write after the refusal: %s",
	    w < 0 ? err_str(errno) : "accepted");
}

static int write_chunk(struct stream *st, size_t n)
{
	const unsigned char *p = st->buf + st->sent;
	ssize_t w;

	while (n) {
		w = write(st->dst->data_fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!w)
				errno = EIO;
			say("dst: write of %zu bytes: %s", n,
			    w ? err_str(errno) : "wrote nothing");
			if (errno == EPROTO) {
				st->refused = true;
				if (opt.write_on)
					write_on(st->dst->data_fd, p);
			}
			say("dst: %zu bytes of the stream accepted", st->sent);
			return -1;
		}
		if (opt.verbose)
			say("dst: wrote %zd bytes", w);
		if ((size_t)w < n)
			say("dst: short write: %zd of %zu bytes", w, n);
		st->sent += w;
		st->writes++;
		p += w;
		n -= w;
	}
	return 0;
}

/*
 * Write what was read so far in chunks of the -c sizes; a last chunk
 * shorter than its size only at @eof. Stops at the --abort-after point.
 */
static int forward(struct stream *st, bool eof)
{
	size_t want, left;

	if (!st->dst)
		return 0;
	while (st->sent < st->len && !reached_abort(st)) {
		want = opt.chunks[st->chunk % opt.nr_chunks];
		left = st->len - st->sent;
		if (opt.has_abort)
			want = MIN(want, opt.abort_after - st->sent);
		if (left < want && !eof)
			break;
		if (write_chunk(st, MIN(want, left)))
			return -1;
		st->chunk++;
	}
	return 0;
}

static int stream_reserve(struct stream *st, size_t more)
{
	unsigned char *buf;
	size_t cap = st->cap ? st->cap : READ_SIZE;

	while (cap - st->len < more)
		cap *= 2;
	if (cap == st->cap)
		return 0;
	buf = realloc(st->buf, cap);
	if (!buf)
		return -1;
	st->buf = buf;
	st->cap = cap;
	return 0;
}

/* One read() from the source's data_fd into the stream. */
static ssize_t read_some(struct side *src, struct stream *st, size_t max,
			 const char *phase)
{
	ssize_t n;

	if (opt.has_abort && !st->dst)
		max = MIN(max, opt.abort_after - st->len);
	if (stream_reserve(st, max)) {
		say("src: %s", err_str(ENOMEM));
		errno = ENOMEM;
		return -1;
	}
	do {
		n = read(src->data_fd, st->buf + st->len, max);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno != ENOMSG)
			say("src: read (%s): %s", phase, err_str(errno));
		return -1;
	}
	if (n)
		say("src: read %zd bytes (%s)", n, phase);
	st->len += n;
	return n;
}

/*
 * PRE_COPY: read the initial bytes until the device reports none left;
 * with @all, until it reports no dirty bytes either.
 */
static int read_precopy(struct side *src, struct stream *st, bool all)
{
	__u64 initial, dirty, left;
	ssize_t n;

	for (;;) {
		if (reached_abort(st))
			return 1;
		if (vfio_mig_precopy_info(src->data_fd, &initial, &dirty)) {
			say("src: VFIO_MIG_GET_PRECOPY_INFO: %s",
			    err_str(errno));
			return -1;
		}
		say("src: precopy info: initial_bytes %llu dirty_bytes %llu",
		    (unsigned long long)initial, (unsigned long long)dirty);
		left = initial + (all ? dirty : 0);
		if (!left)
			return 0;
		n = read_some(src, st, MIN(left, READ_SIZE), "PRE_COPY");
		if (n < 0 && errno == ENOMSG) {
			say("src: read (PRE_COPY): no data now (ENOMSG)");
			return 0;
		}
		if (n <= 0)
			return n;
		if (forward(st, false))
			return -1;
	}
}

/* --mid, --dst-mid: a command in the middle, once */
static void run_mid(const char **cmd)
{
	if (*cmd)
		run(*cmd);
	*cmd = NULL;
}

/* --end-read in PRE_COPY: the temporary end of the pre-copy data. */
static int precopy_end(struct side *src)
{
	unsigned char byte;
	ssize_t n;

	if (!opt.end_read)
		return 0;
	n = read(src->data_fd, &byte, 1);
	if (n < 0 && errno == ENOMSG) {
		say("src: read at the end of the pre-copy data: %s",
		    err_str(errno));
		return 0;
	}
	say("src: read at the end of the pre-copy data: %s, not ENOMSG",
	    n < 0 ? err_str(errno) : "data");
	return -1;
}

/* --end-read in STOP_COPY: no precopy info; after EOF, still EOF. */
static int stop_copy_checks(struct side *src, bool after_eof)
{
	unsigned char byte;
	__u64 initial, dirty;
	ssize_t n;

	if (!opt.end_read)
		return 0;
	if (after_eof) {
		n = read(src->data_fd, &byte, 1);
		say("src: read after EOF: %s", n < 0 ? err_str(errno) :
		    n ? "data" : "0 (EOF)");
		return n ? -1 : 0;
	}
	if (!vfio_mig_precopy_info(src->data_fd, &initial, &dirty)) {
		say("src: precopy info in STOP_COPY: succeeded, not EINVAL");
		return -1;
	}
	say("src: precopy info in STOP_COPY: %s", err_str(errno));
	return errno == EINVAL ? 0 : -1;
}

/* STOP_COPY: read the data_fd to EOF. */
static int stop_copy(struct side *src, struct stream *st)
{
	ssize_t n;

	for (;;) {
		if (reached_abort(st))
			return 1;
		n = read_some(src, st, READ_SIZE, "STOP_COPY");
		if (n < 0)
			return -1;
		if (!n)
			break;
		if (forward(st, false))
			return -1;
	}
	say("src: end of stream after %zu bytes", st->len);
	return stop_copy_checks(src, true);
}

/* The source half: 0 done, 1 --abort-after reached, -1 error. */
static int source_save(struct side *src, struct stream *st, bool use_precopy)
{
	int ret;

	if (use_precopy) {
		if (side_set(src, VFIO_DEVICE_STATE_PRE_COPY))
			return -1;
		run_mid(&opt.mid);
		ret = read_precopy(src, st, false);
		if (ret)
			return ret;
		/* the guest runs on while the initial data travels */
		if (fb_dirty(src))
			return -1;
		if (opt.redirty_fb.set) {
			size_t before = st->len;

			/* a second pass, and the guest writes on */
			ret = read_precopy(src, st, true);
			if (ret)
				return ret;
			say("src: dirty pass: %zu bytes", st->len - before);
			fb_redirty(src);
		}
		/* a VMM sends the precopy data before stopping the source */
		if (forward(st, true) || precopy_end(src))
			return -1;
		if (opt.p2p && side_set(src, VFIO_DEVICE_STATE_PRE_COPY_P2P))
			return -1;
	} else if (opt.dirty_fb.set) {
		say("dirty-fb: needs PRE_COPY");
		return -1;
	} else if (opt.combo) {
		say("src: RUNNING -> STOP_COPY in one step");
	} else if (opt.p2p) {
		if (side_set(src, VFIO_DEVICE_STATE_RUNNING_P2P))
			return -1;
		run_mid(&opt.mid);
		if (side_set(src, VFIO_DEVICE_STATE_STOP))
			return -1;
	} else if (side_set(src, VFIO_DEVICE_STATE_STOP)) {
		return -1;
	}
	if (!opt.combo)
		run_mid(&opt.mid);
	if (side_set(src, VFIO_DEVICE_STATE_STOP_COPY))
		return -1;
	run_mid(&opt.mid);
	if (stop_copy_checks(src, false))
		return -1;
	return stop_copy(src, st);
}

static int dst_prepare(struct side *dst)
{
	if (opt.combo) {
		if (side_set(dst, VFIO_DEVICE_STATE_RESUMING))
			return -1;
	} else if ((opt.p2p &&
		    side_set(dst, VFIO_DEVICE_STATE_RUNNING_P2P)) ||
		   side_set(dst, VFIO_DEVICE_STATE_STOP) ||
		   side_set(dst, VFIO_DEVICE_STATE_RESUMING)) {
		return -1;
	}
	run_mid(&opt.dst_mid);
	return 0;
}

static int dst_finish(struct side *dst, struct stream *st)
{
	if (side_set(dst, opt.combo ? VFIO_DEVICE_STATE_RUNNING :
		     VFIO_DEVICE_STATE_STOP)) {
		if (errno == EPROTO)
			st->refused = true;
		return -1;
	}
	if (opt.combo)
		return 0;
	if (opt.p2p && side_set(dst, VFIO_DEVICE_STATE_RUNNING_P2P))
		return -1;
	return side_set(dst, VFIO_DEVICE_STATE_RUNNING);
}

/* --extra: bytes after the end of the stream */
static int append_extra(struct stream *st)
{
	if (!opt.extra)
		return 0;
	if (stream_reserve(st, opt.extra)) {
		say("src: %s", err_str(ENOMEM));
		return -1;
	}
	memset(st->buf + st->len, 0xa5, opt.extra);
	st->len += opt.extra;
	say("src: appended %zu bytes to the stream", opt.extra);
	return 0;
}

/* --try-finish: leave RESUMING after an aborted stream */
static void try_finish(struct side *dst, struct stream *st)
{
	if (!opt.try_finish)
		return;
	say("dst: leaving RESUMING after %zu bytes", st->sent);
	if (!dst_finish(dst, st))
		say("dst: left RESUMING with an incomplete stream");
}

/* --then: the command, while every device is still open */
static void run_then(void)
{
	if (opt.then)
		run(opt.then);
}

/* Write the rest of the stream: 0 done, 1 abort, -1 error. */
static int dst_complete(struct stream *st)
{
	if (forward(st, true))
		return -1;
	say("dst: wrote %zu bytes in %zu write%s", st->sent, st->writes,
	    st->writes == 1 ? "" : "s");
	return opt.has_abort ? 1 : 0;
}

static bool want_precopy(struct side *src, struct side *dst)
{
	bool src_pc = src->flags & VFIO_MIGRATION_PRE_COPY;
	bool dst_pc = !dst || (dst->flags & VFIO_MIGRATION_PRE_COPY);

	if (opt.no_precopy)
		say("src: not using PRE_COPY: --no-precopy");
	else if (!src_pc || !dst_pc)
		say("src: not using PRE_COPY: not supported by %s",
		    !src_pc ? "src" : "dst");
	else
		say("src: using PRE_COPY");
	return !opt.no_precopy && src_pc && dst_pc;
}

static int do_migrate(const char *src_uuid, const char *dst_uuid)
{
	static struct side src, dst;
	struct stream st = { .dst = &dst };
	int ret;

	if (side_open(&src, "src", src_uuid) ||
	    side_open(&dst, "dst", dst_uuid) ||
	    side_running(&src) || side_running(&dst) ||
	    side_flags(&src) || side_flags(&dst))
		return EXIT_SETUP;
	side_data_size(&src);
	if (access_specs(&src, &opt.poke) || fb_fill(&src))
		return EXIT_SETUP;
	if (dst_prepare(&dst))
		goto fail;
	ret = source_save(&src, &st, want_precopy(&src, &dst));
	if (!ret)
		ret = append_extra(&st);
	if (!ret)
		ret = dst_complete(&st);
	if (ret > 0)
		goto abort;
	if (ret < 0 || side_set(&src, VFIO_DEVICE_STATE_STOP) ||
	    dst_finish(&dst, &st))
		goto fail;
	say("migrate: done, %zu bytes", st.len);
	run_then();
	ret = access_specs(&dst, &opt.peek) ||
	      access_specs(&src, &opt.peek_src) ? EXIT_SETUP : 0;
	if (!ret && fb_check(&src, &dst))
		ret = EXIT_MISMATCH;
	side_close(&src);
	side_close(&dst);
	return ret;
abort:
	say("abort: after %zu bytes", st.sent);
	try_finish(&dst, &st);
	ret = EXIT_ABORTED;
	goto restore;
fail:
	say("migrate: failed%s", st.refused ?
	    ", the destination refused the stream" : "");
	ret = st.refused ? EXIT_REFUSED : EXIT_MIGRATION;
restore:
	side_report(&dst);
	side_report(&src);
	run_then();
	restore_src(&src);
	access_specs(&src, &opt.peek_src);
	return ret;
}

static int save_file(const char *path, struct stream *st)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fwrite(st->buf, 1, st->len, f) == st->len;

	if (f && fclose(f))
		ok = false;
	if (!ok) {
		say("save: %s: %s", path, err_str(errno));
		return -1;
	}
	say("save: wrote %zu bytes to %s", st->len, path);
	return 0;
}

static int do_save(const char *uuid)
{
	static struct side src;
	struct stream st = {};
	int ret;

	if (side_open(&src, "src", uuid) || side_running(&src) ||
	    side_flags(&src))
		return EXIT_SETUP;
	side_data_size(&src);
	if (access_specs(&src, &opt.poke) || fb_fill(&src))
		return EXIT_SETUP;
	ret = source_save(&src, &st, want_precopy(&src, NULL));
	if (ret > 0) {
		say("abort: after %zu bytes", st.len);
		ret = EXIT_ABORTED;
	} else if (ret < 0) {
		say("save: failed");
		ret = EXIT_MIGRATION;
	}
	if (ret != EXIT_MIGRATION && save_file(opt.save, &st))
		ret = EXIT_SETUP;
	restore_src(&src);
	if (access_specs(&src, &opt.peek_src) && !ret)
		ret = EXIT_SETUP;
	side_close(&src);
	free(st.buf);
	return ret;
}

static int load_file(const char *path, struct stream *st)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = 1;

	while (fd >= 0 && n > 0) {
		if (stream_reserve(st, READ_SIZE)) {
			errno = ENOMEM;
			break;
		}
		n = read(fd, st->buf + st->len, READ_SIZE);
		if (n > 0)
			st->len += n;
	}
	if (fd < 0 || n) {
		say("load: %s: %s", path, err_str(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	say("load: read %zu bytes from %s", st->len, path);
	return 0;
}

static int do_load(const char *uuid)
{
	static struct side dst;
	struct stream st = { .dst = &dst };
	int ret;

	if (load_file(opt.load, &st) || side_open(&dst, "dst", uuid) ||
	    side_running(&dst) || side_flags(&dst))
		return EXIT_SETUP;
	if (dst_prepare(&dst) || append_extra(&st))
		goto fail;
	ret = dst_complete(&st);
	if (ret > 0) {
		say("abort: after %zu bytes", st.sent);
		try_finish(&dst, &st);
		side_report(&dst);
		run_then();
		return EXIT_ABORTED;
	}
	if (ret < 0 || dst_finish(&dst, &st))
		goto fail;
	say("load: done, %zu bytes", st.len);
	run_then();
	ret = access_specs(&dst, &opt.peek) ? EXIT_SETUP : 0;
	side_close(&dst);
	free(st.buf);
	return ret;
fail:
	say("load: failed%s", st.refused ?
	    ", the destination refused the stream" : "");
	side_report(&dst);
	run_then();
	return st.refused ? EXIT_REFUSED : EXIT_MIGRATION;
}

static const struct option long_opts[] = {
	{ "chunks", required_argument, NULL, 'c' },
	{ "no-precopy", no_argument, NULL, 'n' },
	{ "save", required_argument, NULL, 'S' },
	{ "load", required_argument, NULL, 'L' },
	{ "abort-after", required_argument, NULL, 'A' },
	{ "poke", required_argument, NULL, 'p' },
	{ "peek", required_argument, NULL, 'k' },
	{ "peek-src", required_argument, NULL, 'K' },
	{ "fill-fb", required_argument, NULL, 'F' },
	{ "dirty-fb", required_argument, NULL, 'D' },
	{ "redirty-fb", required_argument, NULL, 'R' },
	{ "check-fb", required_argument, NULL, 'C' },
	{ "p2p", no_argument, NULL, 'P' },
	{ "combo", no_argument, NULL, 'O' },
	{ "end-read", no_argument, NULL, 'E' },
	{ "extra", required_argument, NULL, 'X' },
	{ "try-finish", no_argument, NULL, 'T' },
	{ "write-on", no_argument, NULL, 'W' },
	{ "then", required_argument, NULL, 'H' },
	{ "mid", required_argument, NULL, 'M' },
	{ "dst-mid", required_argument, NULL, 'N' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

/* The options of the config-only migration tests. */
static int parse_option_cfg(int c, const char *arg)
{
	unsigned long long val;

	switch (c) {
	case 'P':
		opt.p2p = true;
		return 0;
	case 'O':
		opt.combo = true;
		return 0;
	case 'E':
		opt.end_read = true;
		return 0;
	case 'X':
		if (parse_num(arg, 1 << 20, &val))
			return -1;
		opt.extra = val;
		return 0;
	case 'T':
		opt.try_finish = true;
		return 0;
	case 'W':
		opt.write_on = true;
		return 0;
	case 'H':
		opt.then = arg;
		return 0;
	case 'M':
		opt.mid = arg;
		return 0;
	case 'N':
		opt.dst_mid = arg;
		return 0;
	}
	return -1;
}

static int parse_option(int c, const char *arg)
{
	switch (c) {
	case 'c':
		return parse_chunks(arg);
	case 'n':
		opt.no_precopy = true;
		return 0;
	case 'S':
		opt.save = arg;
		return 0;
	case 'L':
		opt.load = arg;
		return 0;
	case 'A':
		opt.has_abort = true;
		return parse_num(arg, SIZE_MAX, &opt.abort_after);
	case 'p':
		return parse_spec(&opt.poke, arg);
	case 'k':
		return parse_spec(&opt.peek, arg);
	case 'K':
		return parse_spec(&opt.peek_src, arg);
	case 'F':
		return parse_fb(&opt.fill_fb, arg, true);
	case 'D':
		return parse_fb(&opt.dirty_fb, arg, true);
	case 'R':
		return parse_fb(&opt.redirty_fb, arg, true);
	case 'C':
		return parse_fb(&opt.check_fb, arg, false);
	case 'v':
		opt.verbose = true;
		return 0;
	}
	return parse_option_cfg(c, arg);
}

static int cmd_migrate(int argc, char **argv)
{
	int c, nr_uuids;

	opt.chunks[0] = 4096;
	opt.nr_chunks = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:vh", long_opts, NULL)) != -1) {
		if (c == 'h')
			return print_usage(NULL) - EXIT_SETUP;
		if (c == '?')
			return print_usage("bad option %s", argv[optind - 1]);
		if (parse_option(c, optarg))
			return print_usage("bad option argument: %s", optarg);
	}
	nr_uuids = opt.save || opt.load ? 1 : 2;
	if (argc - optind != nr_uuids)
		return print_usage("migrate needs %d uuid(s)", nr_uuids);
	if (opt.save && opt.load)
		return print_usage("--save and --load exclude each other");
	if (opt.redirty_fb.set && (!opt.dirty_fb.set ||
				   opt.redirty_fb.region != opt.dirty_fb.region))
		return print_usage("--redirty-fb needs --dirty-fb of its region");
	if (opt.save && (opt.peek.nr || opt.check_fb.set))
		return print_usage("--peek and --check-fb need a destination");
	if (opt.load && (opt.poke.nr || opt.peek_src.nr || opt.fill_fb.set ||
			 opt.dirty_fb.set || opt.redirty_fb.set ||
			 opt.check_fb.set))
		return print_usage("--poke, --peek-src and the -fb options need a source");
	if (opt.save)
		return do_save(argv[optind]);
	if (opt.load)
		return do_load(argv[optind]);
	return do_migrate(argv[optind], argv[optind + 1]);
}

/* The explicit arcs from RUNNING to each state hold can reach. */
static const __u32 hold_paths[][3] = {
	[VFIO_DEVICE_STATE_RUNNING] = { 0 },
	[VFIO_DEVICE_STATE_STOP] = { VFIO_DEVICE_STATE_STOP },
	[VFIO_DEVICE_STATE_STOP_COPY] = { VFIO_DEVICE_STATE_STOP,
					  VFIO_DEVICE_STATE_STOP_COPY },
	[VFIO_DEVICE_STATE_RESUMING] = { VFIO_DEVICE_STATE_STOP,
					 VFIO_DEVICE_STATE_RESUMING },
	[VFIO_DEVICE_STATE_RUNNING_P2P] = { VFIO_DEVICE_STATE_RUNNING_P2P },
	[VFIO_DEVICE_STATE_PRE_COPY] = { VFIO_DEVICE_STATE_PRE_COPY },
	[VFIO_DEVICE_STATE_PRE_COPY_P2P] = { VFIO_DEVICE_STATE_PRE_COPY,
					     VFIO_DEVICE_STATE_PRE_COPY_P2P },
};

static char *join(int argc, char **argv)
{
	size_t len = 1;
	char *cmd;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	cmd = calloc(1, len);
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(cmd, " ");
		strcat(cmd, argv[i]);
	}
	return cmd;
}

static int run(const char *cmd)
{
	int status;

	say("dev: running: %s", cmd);
	fflush(stdout);
	status = system(cmd);
	if (status < 0) {
		say("dev: system: %s", err_str(errno));
		return EXIT_SETUP;
	}
	if (WIFSIGNALED(status))
		status = 128 + WTERMSIG(status);
	else
		status = WEXITSTATUS(status);
	say("dev: command exited with %d", status);
	return status;
}

static int hold_reach(struct side *dev, int target)
{
	const __u32 *step;

	for (step = hold_paths[target]; step < hold_paths[target] + 3 &&
	     *step; step++)
		if (side_set(dev, *step))
			return -1;
	return 0;
}

static int cmd_hold(int argc, char **argv)
{
	static struct side dev;
	int target, ret;
	char *cmd;

	if (argc < 4 || (!strcmp(argv[3], "--") && argc < 5))
		return print_usage("hold needs <uuid> <STATE> -- <command>");
	target = vfio_mig_state_parse(argv[2]);
	if (target < 0 || (size_t)target >= ARRAY_SIZE(hold_paths) ||
	    target == VFIO_DEVICE_STATE_ERROR)
		return print_usage("hold: bad state %s", argv[2]);
	cmd = strcmp(argv[3], "--") ? join(argc - 3, argv + 3) :
				      join(argc - 4, argv + 4);
	if (side_open(&dev, "dev", argv[1]) || side_running(&dev) ||
	    side_flags(&dev))
		return EXIT_SETUP;
	if (hold_reach(&dev, target)) {
		side_report(&dev);
		return EXIT_SETUP;
	}
	ret = run(cmd);
	free(cmd);
	if (target == VFIO_DEVICE_STATE_RESUMING) {
		say("dev: closing the device in RESUMING (RESUMING -> STOP needs a valid stream)");
		side_close(&dev);
		return ret;
	}
	if (target != VFIO_DEVICE_STATE_RUNNING &&
	    side_set(&dev, VFIO_DEVICE_STATE_RUNNING))
		ret = EXIT_MIGRATION;
	side_report(&dev);
	side_close(&dev);
	return ret;
}

static int cmd_state(int argc, char **argv)
{
	static struct side dev;

	if (argc != 2)
		return print_usage("state needs <uuid>");
	if (side_open(&dev, "dev", argv[1]))
		return EXIT_SETUP;
	side_close(&dev);
	return 0;
}

/* fb <uuid> fill|check REGION:SEED */
static int cmd_fb(int argc, char **argv)
{
	static struct side dev;
	struct fb_spec fb = {};
	size_t n, first = 0;
	bool fill;

	if (argc != 4 || (strcmp(argv[2], "fill") && strcmp(argv[2], "check")))
		return print_usage("fb needs <uuid> fill|check REGION:SEED");
	if (parse_fb(&fb, argv[3], true))
		return print_usage("fb: bad REGION:SEED %s", argv[3]);
	fill = !strcmp(argv[2], "fill");
	if (side_open(&dev, "dev", argv[1]) || fb_map(&dev, fb.region, &dev.fb))
		return EXIT_SETUP;
	n = 0;
	if (fill) {
		pattern_fill(dev.fb.addr, 0, dev.fb.size, fb.seed);
		say("fb %u: filled %zu bytes, seed %llu", fb.region,
		    dev.fb.size, fb.seed);
	} else {
		n = fb_diff(dev.fb.addr, NULL, fb.seed, dev.fb.size, &first);
	}
	if (n)
		say("fb %u: %zu of %zu bytes differ from seed %llu, first 0x%zx: %02x (seed %02x)",
		    fb.region, n, dev.fb.size, fb.seed, first,
		    dev.fb.addr[first], pattern_byte(fb.seed, first));
	else if (!fill)
		say("fb %u: %zu bytes match seed %llu", fb.region,
		    dev.fb.size, fb.seed);
	side_close(&dev);
	return n ? EXIT_MISMATCH : 0;
}

/* fsm: the states, and the arcs that start a data transfer session */
static const __u32 fsm_states[] = {
	VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP,
	VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_RESUMING,
	VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_PRE_COPY,
	VFIO_DEVICE_STATE_PRE_COPY_P2P,
};

/* The device's migration flags: which of the states it offers */
static __u64 fsm_flags;

static bool fsm_offered(__u32 s)
{
	bool p2p = fsm_flags & VFIO_MIGRATION_P2P;
	bool pre_copy = fsm_flags & VFIO_MIGRATION_PRE_COPY;

	switch (s) {
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return p2p;
	case VFIO_DEVICE_STATE_PRE_COPY:
		return pre_copy;
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		return p2p && pre_copy;
	default:
		return true;
	}
}

static bool fsm_saving(__u32 s)
{
	return s == VFIO_DEVICE_STATE_STOP_COPY ||
	       s == VFIO_DEVICE_STATE_PRE_COPY ||
	       s == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

static bool fsm_new_session(__u32 from, __u32 to)
{
	if (to == VFIO_DEVICE_STATE_RESUMING)
		return from != to;
	return fsm_saving(to) && !fsm_saving(from);
}

/* What a device's own stream looks like, for the arcs out of RESUMING. */
static struct stream fsm_stream;

static char fsm_msg[256];

static int fsm_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fsm_msg, sizeof(fsm_msg), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Read @fd until EOF (@eof) or ENOMSG, comparing with the stream's rest:
 * one byte more than the stream is enough to tell it is longer.
 */
static int fsm_read(int fd, size_t from, bool eof, size_t *got)
{
	unsigned char buf[READ_SIZE];
	size_t len = 0, left = fsm_stream.len - from, n_cmp;
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			n_cmp = MIN((size_t)n, left > len ? left - len : 0);
			if (n_cmp != (size_t)n ||
			    memcmp(buf, fsm_stream.buf + from + len, n_cmp))
				return fsm_fail("read %zu bytes, not the %zu of the stream",
						len + n, left);
			len += n;
			continue;
		}
		if (n == 0 && eof)
			break;
		if (n < 0 && errno == ENOMSG && !eof)
			break;
		return fsm_fail("read: %s", n ? err_str(errno) : "EOF in PRE_COPY");
	}
	*got = len;
	if (len != left)
		return fsm_fail("read %zu bytes, not the %zu of the stream",
				len, left);
	return 0;
}

/* The whole stream into a RESUMING data_fd, however the device splits it */
static int fsm_write_stream(int fd)
{
	size_t done = 0;
	ssize_t n;

	while (done < fsm_stream.len) {
		n = write(fd, fsm_stream.buf + done, fsm_stream.len - done);
		if (n <= 0)
			return fsm_fail("RESUMING: writing the stream at %zu: %s",
					done, n ? err_str(errno) : "0 bytes taken");
		done += n;
	}
	return 0;
}

static int fsm_reset(struct vfio_dev *dev)
{
	__u32 state;

	if (ioctl(dev->device, VFIO_DEVICE_RESET))
		return fsm_fail("VFIO_DEVICE_RESET: %s", err_str(errno));
	if (vfio_mig_get_state(dev, &state) ||
	    state != VFIO_DEVICE_STATE_RUNNING)
		return fsm_fail("not RUNNING after a reset");
	return 0;
}

/* Reach @from from RUNNING; *fd is its session's data_fd or -1. */
static int fsm_reach(struct vfio_dev *dev, __u32 from, int *fd, size_t *pos)
{
	__u32 state;
	*fd = -1;
	*pos = 0;
	if (vfio_mig_set_state(dev, from, fd))
		return fsm_fail("cannot reach %s: %s", state_name(from),
				err_str(errno));
	if (vfio_mig_get_state(dev, &state) || state != from)
		return fsm_fail("not in %s", state_name(from));
	if ((*fd >= 0) != (from != VFIO_DEVICE_STATE_RUNNING &&
			   fsm_new_session(VFIO_DEVICE_STATE_RUNNING, from)))
		return fsm_fail("RUNNING -> %s: data_fd %d", state_name(from),
				*fd);
	if (from == VFIO_DEVICE_STATE_RESUMING && fsm_write_stream(*fd))
		return -1;
	if (from == VFIO_DEVICE_STATE_PRE_COPY ||
	    from == VFIO_DEVICE_STATE_PRE_COPY_P2P) {
		/* read the first byte: the rest must follow on the same fd */
		unsigned char b;

		if (read(*fd, &b, 1) != 1 || b != fsm_stream.buf[0])
			return fsm_fail("%s: first byte", state_name(from));
		*pos = 1;
	}
	return 0;
}

/* The data_fd of an ended session: read() or write() fail with ENODEV. */
static int fsm_dead(int fd, __u32 from)
{
	unsigned char b = 0;
	ssize_t n;

	if (from == VFIO_DEVICE_STATE_RESUMING)
		n = write(fd, &b, 1);
	else
		n = read(fd, &b, 1);
	if (n >= 0 || errno != ENODEV)
		return fsm_fail("the data_fd of the ended session: %s",
				n >= 0 ? "works" : err_str(errno));
	return 0;
}

/* One arc; 0 ok (fsm_msg says what), -1 failed (fsm_msg says why). */
static int fsm_arc(struct vfio_dev *dev, __u32 from, __u32 to)
{
	bool refused = !fsm_offered(to) ||
		       (from == VFIO_DEVICE_STATE_STOP_COPY &&
			(to == VFIO_DEVICE_STATE_PRE_COPY ||
			 to == VFIO_DEVICE_STATE_PRE_COPY_P2P));
	int fd, nfd, ret = -1;
	size_t pos, got = 0;
	bool new_fd;
	__u32 state;

	if (fsm_reset(dev) || fsm_reach(dev, from, &fd, &pos))
		goto out_reset;
	if (vfio_mig_set_state(dev, to, &nfd)) {
		if (refused && errno == EINVAL &&
		    !vfio_mig_get_state(dev, &state) && state == from) {
			snprintf(fsm_msg, sizeof(fsm_msg),
				 "refused: %s, still %s", err_str(errno),
				 state_name(state));
			ret = 0;
		} else {
			fsm_fail("%s", err_str(errno));
		}
		goto out;
	}
	if (refused) {
		fsm_fail("accepted, must be refused");
		goto out;
	}
	if (vfio_mig_get_state(dev, &state) || state != to) {
		fsm_fail("state %s after the arc", state_name(state));
		goto out;
	}
	new_fd = nfd >= 0;
	if (new_fd != (from != to && fsm_new_session(from, to))) {
		fsm_fail("data_fd %d", nfd);
		goto out;
	}
	if (nfd >= 0 && fd >= 0 && fsm_dead(fd, from))
		goto out;
	if (nfd >= 0 && fsm_saving(to)) {
		if (fsm_read(nfd, 0, to == VFIO_DEVICE_STATE_STOP_COPY, &got))
			goto out;
		snprintf(fsm_msg, sizeof(fsm_msg), "new data_fd, %zu bytes%s",
			 got, to == VFIO_DEVICE_STATE_STOP_COPY ? ", EOF" :
			 ", ENOMSG");
	} else if (nfd >= 0) {
		snprintf(fsm_msg, sizeof(fsm_msg), "new data_fd");
	} else if (fd >= 0 && (fsm_saving(to) || to == from)) {
		if (from != VFIO_DEVICE_STATE_RESUMING &&
		    fsm_read(fd, pos, to == VFIO_DEVICE_STATE_STOP_COPY, &got))
			goto out;
		snprintf(fsm_msg, sizeof(fsm_msg),
			 "data_fd continues, %zu more bytes", got);
	} else if (fd >= 0) {
		if (fsm_dead(fd, from))
			goto out;
		snprintf(fsm_msg, sizeof(fsm_msg),
			 "session ended, its data_fd: ENODEV");
	} else {
		snprintf(fsm_msg, sizeof(fsm_msg), "no data_fd");
	}
	ret = 0;
out:
	if (nfd >= 0 && !refused)
		close(nfd);
out_reset:
	if (fd >= 0)
		close(fd);
	return ret;
}

/* The device's own stream, and RESUMING -> STOP without it. */
static int fsm_prepare(struct vfio_dev *dev)
{
	__u32 state;
	ssize_t n;
	int fd, fd2;

	if (fsm_reset(dev) ||
	    vfio_mig_set_state(dev, VFIO_DEVICE_STATE_STOP_COPY, &fd) || fd < 0)
		return -1;
	do {
		if (stream_reserve(&fsm_stream, READ_SIZE)) {
			close(fd);
			return fsm_fail("out of memory");
		}
		n = read(fd, fsm_stream.buf + fsm_stream.len, READ_SIZE);
		if (n > 0)
			fsm_stream.len += n;
	} while (n > 0);
	close(fd);
	say("fsm: the device's stream: %zu bytes", fsm_stream.len);
	if (n < 0 || !fsm_stream.len || fsm_reset(dev) ||
	    vfio_mig_set_state(dev, VFIO_DEVICE_STATE_RESUMING, &fd))
		return -1;
	if (!vfio_mig_set_state(dev, VFIO_DEVICE_STATE_STOP, &fd2)) {
		say("fsm: RESUMING -> STOP without a stream: accepted, must fail");
		close(fd);
		return -1;
	}
	say("fsm: RESUMING -> STOP without a stream: %s", err_str(errno));
	if (vfio_mig_get_state(dev, &state))
		return -1;
	say("fsm: then the state is %s", state_name(state));
	close(fd);
	return fsm_reset(dev);
}

static int cmd_fsm(int argc, char **argv)
{
	static struct side dev;
	size_t i, j, failed = 0, n = 0;

	if (argc != 2)
		return print_usage("fsm needs <uuid>");
	if (side_open(&dev, "dev", argv[1]) || side_flags(&dev))
		return EXIT_SETUP;
	fsm_flags = dev.flags;
	if (fsm_prepare(&dev.dev)) {
		say("fsm: cannot prepare: %s", fsm_msg);
		return EXIT_MIGRATION;
	}
	for (i = 0; i < ARRAY_SIZE(fsm_states); i++) {
		if (!fsm_offered(fsm_states[i])) {
			say("fsm: %s: not offered by the device, no arcs from it",
			    state_name(fsm_states[i]));
			continue;
		}
		for (j = 0; j < ARRAY_SIZE(fsm_states); j++) {
			__u32 from = fsm_states[i], to = fsm_states[j];
			int ret = fsm_arc(&dev.dev, from, to);

			n++;
			if (ret)
				failed++;
			say("fsm: %s -> %s: %s%s%s", state_name(from),
			    state_name(to), ret ? "FAIL: " : "ok (", fsm_msg,
			    ret ? "" : ")");
		}
	}
	fsm_reset(&dev.dev);
	side_close(&dev);
	say("fsm: %zu arcs, %zu failed", n, failed);
	return failed ? EXIT_MIGRATION : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	vfio_log = stdout;
	if (argc < 2)
		return print_usage("no command");
	if (!strcmp(argv[1], "migrate"))
		return cmd_migrate(argc - 1, argv + 1);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argc - 1, argv + 1);
	if (!strcmp(argv[1], "state"))
		return cmd_state(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fb"))
		return cmd_fb(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fsm"))
		return cmd_fsm(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return print_usage(NULL) - EXIT_SETUP;
	return print_usage("unknown command %s", argv[1]);
}
