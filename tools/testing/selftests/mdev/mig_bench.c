// SPDX-License-Identifier: GPL-2.0
/*
 * Throughput of a VFIO migration of a framebuffer device (mdpy) against a
 * plain memcpy() of the same number of bytes, the cost of the description
 * check at the start of the stream, and the downtime. Not a test: it
 * prints a table of medians.
 *
 *   mig_bench [-r RUNS] [-c CHUNK] [-n CHECKS] <src-uuid> <dst-uuid>
 *
 * Both devices must be RUNNING, of the same type, and have their
 * framebuffer in region 0 (BAR0). Per run:
 *
 * - save: the time of the read()s of a whole STOP_COPY stream (the
 *   device already in STOP_COPY), CHUNK bytes each (default 1 MiB), into
 *   a buffer written once before;
 * - restore: the time of the write()s of that stream into the destination
 *   in RESUMING, CHUNK bytes each, plus RESUMING -> STOP;
 * - memcpy: memcpy() of as many bytes between two buffers written once
 *   before; on x86-64 also a copy with "rep movsb", the instruction the
 *   kernel's copy_to_user() and copy_from_user() use on CPUs with fast
 *   string moves (ERMS/FSRM): under an emulator it may be much slower
 *   than the vector loads and stores of memcpy();
 * - check: in a fresh RESUMING session, the time of one write() of just
 *   the description block (header and description, as the source sent
 *   it), against the time of one write() of as many framebuffer bytes
 *   once the description was accepted; VFIO_DEVICE_RESET ends each
 *   session. Median of CHECKS (default 50) sessions;
 * - downtime: from the source leaving RUNNING (RUNNING -> STOP without
 *   PRE_COPY; PRE_COPY -> STOP_COPY after the initial bytes were read and
 *   written, with PRE_COPY) to the destination's RESUMING -> STOP
 *   returning, with the whole rest of the stream read and written in
 *   between. The source is idle: no page is written during PRE_COPY.
 *
 * The destination's framebuffer is compared with the source's after the
 * first restore; a difference is an error. Exit status 0, or 1 on any
 * error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "vfio_util.h"

#define MAX_RUNS	101
#define MAX_CHECKS	1001
#define DESC_HDR_LEN	12

static size_t chunk = 1 << 20;

struct dev {
	struct vfio_dev v;
	int data_fd;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int fail(const char *what)
{
	fprintf(stderr, "mig_bench: %s: %s\n", what, strerror(errno));
	return -1;
}

/* Move @d to @state; keep a new data_fd, close it on leaving a session. */
static int set_state(struct dev *d, __u32 state)
{
	int fd;

	if (vfio_mig_set_state(&d->v, state, &fd)) {
		fprintf(stderr, "mig_bench: %s -> %s: %s\n", d->v.uuid,
			vfio_mig_state_name(state), strerror(errno));
		return -1;
	}
	if (fd >= 0) {
		if (d->data_fd >= 0)
			close(d->data_fd);
		d->data_fd = fd;
	} else if (state == VFIO_DEVICE_STATE_RUNNING ||
		   state == VFIO_DEVICE_STATE_STOP) {
		if (d->data_fd >= 0)
			close(d->data_fd);
		d->data_fd = -1;
	}
	return 0;
}

static int set_states(struct dev *d, const __u32 *states, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (set_state(d, states[i]))
			return -1;
	return 0;
}

/* Read the data_fd into @buf until EOF (or ENOMSG with @precopy). */
static ssize_t read_stream(struct dev *d, unsigned char *buf, size_t cap,
			   size_t max)
{
	size_t len = 0;
	ssize_t n;

	while (len < max) {
		n = read(d->data_fd, buf + len,
			 cap - len < chunk ? cap - len : chunk);
		if (n < 0 && errno == ENOMSG)
			break;
		if (n < 0)
			return fail("read");
		if (!n)
			break;
		len += n;
		if (len == cap) {
			errno = EFBIG;
			return fail("read: stream larger than the buffer");
		}
	}
	return len;
}

static int write_all(struct dev *d, const unsigned char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(d->data_fd, buf, len < chunk ? len : chunk);
		if (n <= 0)
			return fail("write");
		buf += n;
		len -= n;
	}
	return 0;
}

static const __u32 to_stop_copy[] = {
	VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY,
};

static const __u32 to_resuming[] = {
	VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RESUMING,
};

static const __u32 to_running[] = {
	VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING,
};

/* A timed STOP_COPY save into @buf: its length, or -1. */
static ssize_t timed_save(struct dev *src, unsigned char *buf, size_t cap,
			  double *t)
{
	ssize_t len;
	double t0;

	if (set_states(src, to_stop_copy, 2))
		return -1;
	t0 = now();
	len = read_stream(src, buf, cap, cap);
	*t = now() - t0;
	if (set_states(src, to_running, 2))
		return -1;
	return len;
}

static int timed_restore(struct dev *dst, const unsigned char *buf,
			 size_t len, double *t)
{
	double t0;

	if (set_states(dst, to_resuming, 2))
		return -1;
	t0 = now();
	if (write_all(dst, buf, len) ||
	    set_state(dst, VFIO_DEVICE_STATE_STOP))
		return -1;
	*t = now() - t0;
	return set_state(dst, VFIO_DEVICE_STATE_RUNNING);
}

static int reset(struct dev *d)
{
	if (ioctl(d->v.device, VFIO_DEVICE_RESET))
		return fail("VFIO_DEVICE_RESET");
	if (d->data_fd >= 0)
		close(d->data_fd);
	d->data_fd = -1;
	return 0;
}

/*
 * One RESUMING session: the time of one write() of the description block
 * (@desc_len bytes) and of one write() of as many framebuffer bytes.
 */
static int timed_check(struct dev *dst, const unsigned char *buf,
		       size_t desc_len, double *t_desc, double *t_data)
{
	const size_t rec = 24;	/* mdpy's record header */
	double t0;

	if (set_states(dst, to_resuming, 2))
		return -1;
	t0 = now();
	if (write(dst->data_fd, buf, desc_len) != (ssize_t)desc_len)
		return fail("write of the description");
	*t_desc = now() - t0;
	if (write(dst->data_fd, buf + desc_len, rec) != (ssize_t)rec)
		return fail("write of a record header");
	t0 = now();
	if (write(dst->data_fd, buf + desc_len + rec, desc_len) !=
	    (ssize_t)desc_len)
		return fail("write of framebuffer bytes");
	*t_data = now() - t0;
	return reset(dst);
}

/*
 * Downtime: source leaves RUNNING (or PRE_COPY) -> destination loaded.
 * The whole stream goes through @buf, chunk by chunk.
 */
static int downtime(struct dev *src, struct dev *dst, unsigned char *buf,
		    size_t cap, bool precopy, double *t)
{
	ssize_t n;
	double t0;

	if (set_states(dst, to_resuming, 2))
		return -1;
	if (precopy) {
		if (set_state(src, VFIO_DEVICE_STATE_PRE_COPY))
			return -1;
		n = read_stream(src, buf, cap, cap);
		if (n < 0 || write_all(dst, buf, n))
			return -1;
		t0 = now();
		if (set_state(src, VFIO_DEVICE_STATE_STOP_COPY))
			return -1;
	} else {
		t0 = now();
		if (set_states(src, to_stop_copy, 2))
			return -1;
	}
	do {
		n = read_stream(src, buf, cap, chunk);
		if (n < 0 || write_all(dst, buf, n))
			return -1;
	} while (n);
	if (set_state(dst, VFIO_DEVICE_STATE_STOP))
		return -1;
	*t = now() - t0;
	if (set_states(src, to_running, 2) ||
	    set_state(dst, VFIO_DEVICE_STATE_RUNNING))
		return -1;
	return 0;
}

static unsigned char *map_fb(struct dev *d, size_t *size)
{
	__u64 base, len;
	void *p;

	if (vfio_region(&d->v, VFIO_PCI_BAR0_REGION_INDEX,
			VFIO_REGION_INFO_FLAG_MMAP, &base, &len)) {
		fail("region 0");
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d->v.device,
		 base);
	if (p == MAP_FAILED) {
		fail("mmap");
		return NULL;
	}
	*size = len;
	return p;
}

static int open_dev(struct dev *d, const char *uuid)
{
	__u32 state;

	d->data_fd = -1;
	if (vfio_dev_open(&d->v, uuid))
		return -1;
	if (vfio_mig_get_state(&d->v, &state))
		return fail("get state");
	if (state != VFIO_DEVICE_STATE_RUNNING) {
		fprintf(stderr, "mig_bench: %s is not RUNNING\n", uuid);
		return -1;
	}
	return 0;
}

/* What the kernel's user copies do on x86-64 with ERMS/FSRM */
static void copy_movsb(void *dst, const void *src, size_t len)
{
#ifdef __x86_64__
	asm volatile("rep movsb"
		     : "+D" (dst), "+S" (src), "+c" (len) : : "memory");
#else
	memcpy(dst, src, len);
#endif
}

static double mbs(size_t bytes, double t)
{
	return bytes / t / 1e6;
}

struct results {
	double save[MAX_RUNS], restore[MAX_RUNS], copy[MAX_RUNS];
	double movsb[MAX_RUNS];
	double down[MAX_RUNS], down_pc[MAX_RUNS];
	double desc[MAX_CHECKS], data[MAX_CHECKS];
};

static int fill_and_verify(struct dev *src, struct dev *dst, size_t *fb_size,
			   unsigned char **sfb, unsigned char **dfb)
{
	size_t i, dsize;

	*sfb = map_fb(src, fb_size);
	*dfb = map_fb(dst, &dsize);
	if (!*sfb || !*dfb)
		return -1;
	if (dsize != *fb_size) {
		fprintf(stderr, "mig_bench: framebuffers differ in size\n");
		return -1;
	}
	for (i = 0; i < *fb_size; i++)
		(*sfb)[i] = i * 7 + (i >> 12);
	memset(*dfb, 0, dsize);
	return 0;
}

static void print_table(struct results *r, int runs, int checks,
			size_t len, size_t fb_size, size_t desc_len)
{
	double copy = median(r->copy, runs), save = median(r->save, runs);
	double restore = median(r->restore, runs);
	double movsb = median(r->movsb, runs);
	double desc = median(r->desc, checks), data = median(r->data, checks);

	printf("mdpy migration benchmark: stream %zu bytes ", len);
	printf("(framebuffer %zu, description block %zu), ", fb_size, desc_len);
	printf("%d runs, %zu-byte chunks, medians\n", runs, chunk);
	printf("%-44s %12s %12s %10s\n", "", "time", "MB/s", "vs memcpy");
	printf("%-44s %9.3f ms %12.0f %10.2f\n", "memcpy() of the same bytes",
	       copy * 1e3, mbs(len, copy), 1.0);
#ifdef __x86_64__
	printf("%-44s %9.3f ms %12.0f %10.2f\n",
	       "rep movsb of the same bytes (user copies)", movsb * 1e3,
	       mbs(len, movsb), copy / movsb);
#endif
	printf("%-44s %9.3f ms %12.0f %10.2f\n",
	       "save: read() of the STOP_COPY stream", save * 1e3,
	       mbs(len, save), copy / save);
	printf("%-44s %9.3f ms %12.0f %10.2f\n",
	       "restore: write() of the stream + load", restore * 1e3,
	       mbs(len, restore), copy / restore);
	printf("description check: write() of the %zu-byte description ",
	       desc_len);
	printf("block %.1f us, of %zu framebuffer bytes %.1f us: ",
	       desc * 1e6, desc_len, data * 1e6);
	printf("the check adds %.1f us (%.3f%% of a restore), median of %d\n",
	       (desc - data) * 1e6, (desc - data) / restore * 100, checks);
	printf("downtime (source stops -> destination loaded): ");
	printf("without PRE_COPY %.3f ms, with PRE_COPY (idle guest) %.3f ms\n",
	       median(r->down, runs) * 1e3, median(r->down_pc, runs) * 1e3);
}

int main(int argc, char **argv)
{
	static struct results r;
	struct dev src, dst;
	unsigned char *buf, *copy, *sfb, *dfb;
	size_t fb_size, cap, desc_len;
	int c, i, runs = 5, checks = 50;
	ssize_t len = 0;
	double t;

	while ((c = getopt(argc, argv, "r:c:n:")) != -1) {
		switch (c) {
		case 'r':
			runs = atoi(optarg);
			break;
		case 'c':
			chunk = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			checks = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || runs < 1 || runs > MAX_RUNS || !chunk ||
	    checks < 1 || checks > MAX_CHECKS)
		goto usage;
	if (open_dev(&src, argv[optind]) || open_dev(&dst, argv[optind + 1]) ||
	    fill_and_verify(&src, &dst, &fb_size, &sfb, &dfb))
		return 1;
	cap = fb_size * 2 + (1 << 20);
	buf = malloc(cap);
	copy = malloc(cap);
	if (!buf || !copy) {
		fail("malloc");
		return 1;
	}
	memset(buf, 1, cap);
	memset(copy, 2, cap);

	for (i = 0; i < runs; i++) {
		len = timed_save(&src, buf, cap, &r.save[i]);
		if (len < 0 || timed_restore(&dst, buf, len, &r.restore[i]))
			return 1;
		if (!i && memcmp(sfb, dfb, fb_size)) {
			fprintf(stderr, "mig_bench: the destination's framebuffer differs\n");
			return 1;
		}
		t = now();
		memcpy(copy, buf, len);
		r.copy[i] = now() - t;
		t = now();
		copy_movsb(copy, buf, len);
		r.movsb[i] = now() - t;
		if (downtime(&src, &dst, copy, cap, false, &r.down[i]) ||
		    downtime(&src, &dst, copy, cap, true, &r.down_pc[i]))
			return 1;
	}
	desc_len = DESC_HDR_LEN + (buf[8] | buf[9] << 8 | buf[10] << 16 |
				   (size_t)buf[11] << 24);
	for (i = 0; i < checks; i++)
		if (timed_check(&dst, buf, desc_len, &r.desc[i], &r.data[i]))
			return 1;
	print_table(&r, runs, checks, len, fb_size, desc_len);
	return 0;
usage:
	fprintf(stderr, "usage: mig_bench [-r RUNS] [-c CHUNK] [-n CHECKS] ");
	fprintf(stderr, "<src-uuid> <dst-uuid>\n");
	return 1;
}
