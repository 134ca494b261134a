// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of the mdev migration compatibility checks, against the floor of a
 * trivial sysfs read, and of finding a destination type for a device. Not
 * a test: it prints a table of medians.
 *
 *   check_bench [-r ROUNDS] [-n ITERS] [-f FINDS] [-o OLD_FINDS]
 *               -t TYPE -p PARAM [-m TYPE]...
 *
 * TYPE is an mdev type folder, e.g.
 * /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2. The program
 * creates one device of -t TYPE and one of each -m TYPE, and removes them
 * on exit. Every operation is timed in the same loop: ITERS times
 * open(), one pread() or write(), close(); the time of one operation is the
 * loop's time divided by ITERS, and the table shows the median of ROUNDS
 * loops. Operations:
 *
 * - floor: read of the type's device_api;
 * - read of the type's and of the device's migration_info.json;
 * - write of the device's own description (compatible) to the type and to
 *   the device;
 * - write of an incompatible description (the device's own plus an
 *   unknown parameter, rule 2) to the type and to the device: EPROTO;
 * - write of the current value of migration/params/PARAM.
 *
 * Finding a destination, for the description of the -t device: every
 * search walks /sys/class/mdev_bus/<parent>/mdev_supported_types/ and
 * takes the types that have a migration_info.json as candidates, then
 *
 * - type check: writes the description to each candidate's
 *   migration_info.json (nothing is created);
 * - the migration_version method, the only one it allowed: for each
 *   candidate, create a device, write each parameter of the description
 *   to its migration/params/ file (read-only ones are left to the check),
 *   write the description to the device, remove the device.
 *
 * Both must find the same types. Median of ROUNDS searches of FINDS and
 * OLD_FINDS iterations.
 *
 * Scaling: for each -m TYPE, in order of their number of parameters (the
 * test_mdev_params types with 1, 8, 32 and 64), the device check of the
 * device's own description, per parameter and per extra parameter. The
 * growth is linear or better if an extra parameter of the last step costs
 * at most 1.5 times one of the step before.
 *
 * Exit status 0, or 1 on any error, including an unexpected result of a
 * check.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS	101
#define MAX_DEVS	8
#define MAX_TYPES	64
#define MAX_PARAMS	64
#define DOC_MAX		4096
#define MDEV_BUS	"/sys/class/mdev_bus"
#define MDEV_DEVICES	"/sys/bus/mdev/devices"
#define UNKNOWN_PARAM	"\"check-bench-unknown\": 1"

static int rounds = 7;
static long iters = 2000;
static long finds = 100;
static long old_finds = 10;

static char created[MAX_DEVS][37];
static int nr_created;

struct op {
	const char *name;
	const char *path;
	const char *data;	/* NULL: read */
	size_t len;
	int err;		/* errno a write must fail with, or 0 */
	double t;		/* median seconds per operation */
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

static void die(const char *what, const char *path)
{
	fprintf(stderr, "check_bench: %s %s: %s\n", what, path,
		strerror(errno));
	exit(1);
}

/* One operation: open, read or write once, close. Returns 0 or an errno. */
static int op_once(const char *path, const char *data, size_t len)
{
	char buf[DOC_MAX + 1];
	ssize_t n;
	int fd, err = 0;

	fd = open(path, data ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return errno;
	if (data)
		n = write(fd, data, len);
	else
		n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0)
		err = errno;
	else if (data && (size_t)n != len)
		err = EIO;
	close(fd);
	return err;
}

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

static int write_str(const char *path, const char *s)
{
	errno = op_once(path, s, strlen(s));
	return errno ? -1 : 0;
}

static void set_op(struct op *op, const char *name, const char *path,
		   const char *data, int err)
{
	*op = (struct op){
		.name = name, .path = path, .data = data,
		.len = data ? strlen(data) : 0, .err = err,
	};
}

/*
 * Time @iters iterations of every operation, @rounds times; keep medians.
 * The operations take turns within a round, so a slow spell of the host
 * hits all of them alike.
 */
static void time_ops(struct op *ops, int nr)
{
	static double t[MAX_DEVS + 8][MAX_ROUNDS];
	double start;
	int i, r, err;
	long k;

	for (i = 0; i < nr; i++) {
		err = op_once(ops[i].path, ops[i].data, ops[i].len);
		if (err != ops[i].err) {
			fprintf(stderr, "check_bench: %s: %s (expected %s)\n",
				ops[i].name, strerror(err),
				strerror(ops[i].err));
			exit(1);
		}
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nr; i++) {
			start = now();
			for (k = 0; k < iters; k++)
				op_once(ops[i].path, ops[i].data, ops[i].len);
			t[i][r] = (now() - start) / iters;
		}
	}
	for (i = 0; i < nr; i++)
		ops[i].t = median(t[i], rounds);
}

static void new_uuid(char *uuid)
{
	char buf[64];

	if (read_file("/proc/sys/kernel/random/uuid", buf, sizeof(buf)) < 36)
		die("read", "/proc/sys/kernel/random/uuid");
	memcpy(uuid, buf, 36);
	uuid[36] = 0;
}

static int create_dev(const char *type, char *uuid)
{
	char path[PATH_MAX];

	new_uuid(uuid);
	snprintf(path, sizeof(path), "%s/create", type);
	return write_str(path, uuid);
}

static int remove_dev(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/remove", uuid);
	return write_str(path, "1");
}

static void remove_created(void)
{
	while (nr_created)
		remove_dev(created[--nr_created]);
}

/* Create a device the program removes on exit. */
static const char *bench_dev(const char *type)
{
	char *uuid = created[nr_created];

	if (nr_created == MAX_DEVS) {
		errno = ENOSPC;
		die("too many devices:", type);
	}
	if (create_dev(type, uuid))
		die("create a device of", type);
	nr_created++;
	return uuid;
}

static char *dev_path(const char *uuid, const char *file)
{
	char *p;

	if (asprintf(&p, MDEV_DEVICES "/%s/%s", uuid, file) < 0)
		die("asprintf", file);
	return p;
}

static char *type_path(const char *type, const char *file)
{
	char *p;

	if (asprintf(&p, "%s/%s", type, file) < 0)
		die("asprintf", file);
	return p;
}

/* The description of a device, and the same with an unknown parameter. */
static void describe(const char *uuid, char *desc, char *bad)
{
	char *path = dev_path(uuid, "migration_info.json");
	char *end;
	int n;

	n = read_file(path, desc, DOC_MAX);
	if (n < 0)
		die("read", path);
	end = strstr(desc, "}}");
	if (!end || end == desc) {
		errno = EINVAL;
		die("unexpected description in", path);
	}
	n = end - desc;
	snprintf(bad, DOC_MAX, "%.*s%s%s%s", n, desc,
		 desc[n - 1] == '{' ? "" : ", ", UNKNOWN_PARAM, end);
	free(path);
}

/* A parameter of a description, as written to its migration/params file. */
struct param {
	char name[64];
	char value[DOC_MAX];
};

/*
 * Split a description as the kernel prints it: {"model": "...", "params":
 * {"name": value, ...}}. String values lose their quotes; only \" and \\
 * escapes are undone, enough for the samples.
 */
static int parse_params(const char *desc, struct param *p)
{
	const char *s = strstr(desc, "\"params\": {");
	int nr = 0;
	size_t i;

	if (!s)
		return -1;
	s += strlen("\"params\": {");
	while (*s == '"') {
		if (nr == MAX_PARAMS)
			return -1;
		for (s++, i = 0; *s && *s != '"' && i < sizeof(p->name) - 1;)
			p[nr].name[i++] = *s++;
		p[nr].name[i] = 0;
		if (strncmp(s, "\": ", 3))
			return -1;
		s += 3;
		i = 0;
		if (*s == '"') {
			for (s++; *s && *s != '"' && i < DOC_MAX - 1; s++) {
				if (*s == '\\' && s[1])
					s++;
				p[nr].value[i++] = *s;
			}
			if (*s++ != '"')
				return -1;
		} else {
			while (*s && *s != ',' && *s != '}' &&
			       i < DOC_MAX - 1)
				p[nr].value[i++] = *s++;
		}
		p[nr++].value[i] = 0;
		if (!strncmp(s, ", ", 2))
			s += 2;
	}
	return *s == '}' ? nr : -1;
}

struct types {
	int nr;
	char path[MAX_TYPES][PATH_MAX];
	bool ok[MAX_TYPES];
};

/* The types of the host that support migration. */
static void candidates(struct types *t)
{
	char path[PATH_MAX];
	struct dirent *pe, *te;
	DIR *parents, *types;

	t->nr = 0;
	parents = opendir(MDEV_BUS);
	if (!parents)
		die("open", MDEV_BUS);
	while ((pe = readdir(parents))) {
		if (pe->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), MDEV_BUS "/%s/mdev_supported_types",
			 pe->d_name);
		types = opendir(path);
		if (!types)
			continue;
		while ((te = readdir(types)) && t->nr < MAX_TYPES) {
			char *p = t->path[t->nr];

			if (te->d_name[0] == '.')
				continue;
			if (snprintf(p, PATH_MAX, "%s/%s/migration_info.json",
				     path, te->d_name) >= PATH_MAX)
				continue;
			if (!access(p, F_OK)) {
				p[strlen(p) - strlen("/migration_info.json")] = 0;
				t->ok[t->nr++] = false;
			}
		}
		closedir(types);
	}
	closedir(parents);
}

/* Which types can receive @desc: a write to each type's file. */
static void find_by_type(struct types *t, const char *desc)
{
	char path[PATH_MAX];
	int i;

	candidates(t);
	for (i = 0; i < t->nr; i++) {
		snprintf(path, sizeof(path), "%s/migration_info.json",
			 t->path[i]);
		t->ok[i] = !op_once(path, desc, strlen(desc));
	}
}

/* Which types can receive @desc: create, configure, check, remove. */
static void find_by_device(struct types *t, const char *desc,
			   const struct param *p, int nr)
{
	char uuid[37], path[PATH_MAX];
	struct stat st;
	int i, k;

	candidates(t);
	for (i = 0; i < t->nr; i++) {
		if (create_dev(t->path[i], uuid))
			continue;	/* none available: cannot tell */
		for (k = 0; k < nr; k++) {
			snprintf(path, sizeof(path),
				 MDEV_DEVICES "/%s/migration/params/%s", uuid,
				 p[k].name);
			if (stat(path, &st))
				break;		/* unknown parameter */
			if (!(st.st_mode & 0200))
				continue;	/* read-only: compared below */
			if (write_str(path, p[k].value))
				break;		/* value not allowed */
		}
		if (k == nr) {
			snprintf(path, sizeof(path),
				 MDEV_DEVICES "/%s/migration_info.json", uuid);
			t->ok[i] = !op_once(path, desc, strlen(desc));
		}
		if (remove_dev(uuid))
			die("remove", uuid);
	}
}

static double time_find(struct types *t, const char *desc,
			const struct param *p, int nr, long n)
{
	double v[MAX_ROUNDS], start;
	int r;
	long k;

	for (r = 0; r < rounds; r++) {
		start = now();
		for (k = 0; k < n; k++) {
			if (p)
				find_by_device(t, desc, p, nr);
			else
				find_by_type(t, desc);
		}
		v[r] = (now() - start) / n;
	}
	return median(v, rounds);
}

static const char *type_name(const char *type)
{
	const char *s = strrchr(type, '/');

	return s ? s + 1 : type;
}

static void print_op(const struct op *op, double floor)
{
	printf("%-52s %9.1f us %8.2fx\n", op->name, op->t * 1e6,
	       op->t / floor);
}

static int print_usage(void)
{
	fprintf(stderr, "usage: check_bench [-r ROUNDS] [-n ITERS] [-f FINDS] ");
	fprintf(stderr, "[-o OLD_FINDS] -t TYPE -p PARAM [-m TYPE]...\n");
	return 1;
}

int main(int argc, char **argv)
{
	static char desc[DOC_MAX], bad[DOC_MAX], val[DOC_MAX];
	static struct param params[MAX_PARAMS];
	static struct types by_type, by_dev;
	const char *type = NULL, *param = NULL, *scale[MAX_DEVS];
	double t_type, t_dev, floor, worst = 0, c[MAX_DEVS], m[MAX_DEVS];
	int nr_scale = 0, nr_params[MAX_DEVS], nr, i, o;
	struct op ops[8], sops[MAX_DEVS];
	const char *uuid;
	bool same = true;
	char *ppath;

	while ((o = getopt(argc, argv, "r:n:f:o:t:p:m:")) != -1) {
		switch (o) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			iters = atol(optarg);
			break;
		case 'f':
			finds = atol(optarg);
			break;
		case 'o':
			old_finds = atol(optarg);
			break;
		case 't':
			type = optarg;
			break;
		case 'p':
			param = optarg;
			break;
		case 'm':
			if (nr_scale == MAX_DEVS - 1)
				return print_usage();
			scale[nr_scale++] = optarg;
			break;
		default:
			return print_usage();
		}
	}
	if (!type || !param || optind != argc || rounds < 1 ||
	    rounds > MAX_ROUNDS || iters < 1 || finds < 1 || old_finds < 1)
		return print_usage();
	atexit(remove_created);

	uuid = bench_dev(type);
	describe(uuid, desc, bad);
	ppath = dev_path(uuid, "migration/params/");
	ppath = realloc(ppath, strlen(ppath) + strlen(param) + 1);
	strcat(ppath, param);
	if (read_file(ppath, val, sizeof(val)) < 0)
		die("read", ppath);

	set_op(&ops[0], "floor: read of the type's device_api",
	       type_path(type, "device_api"), NULL, 0);
	set_op(&ops[1], "read of the type's migration_info.json",
	       type_path(type, "migration_info.json"), NULL, 0);
	set_op(&ops[2], "read of the device's migration_info.json",
	       dev_path(uuid, "migration_info.json"), NULL, 0);
	set_op(&ops[3], "write of a compatible description to the type",
	       ops[1].path, desc, 0);
	set_op(&ops[4], "write of a compatible description to the device",
	       ops[2].path, desc, 0);
	set_op(&ops[5], "write of an incompatible one to the type (EPROTO)",
	       ops[1].path, bad, EPROTO);
	set_op(&ops[6], "write of an incompatible one to the device (EPROTO)",
	       ops[2].path, bad, EPROTO);
	set_op(&ops[7], "write of one parameter (migration/params/)",
	       ppath, val, 0);
	time_ops(ops, 8);
	floor = ops[0].t;

	nr = parse_params(desc, params);
	if (nr < 0) {
		errno = EINVAL;
		die("cannot parse the description of", uuid);
	}
	find_by_type(&by_type, desc);
	find_by_device(&by_dev, desc, params, nr);
	t_type = time_find(&by_type, desc, NULL, 0, finds);
	t_dev = time_find(&by_dev, desc, params, nr, old_finds);

	for (i = 0; i < nr_scale; i++) {
		const char *u = bench_dev(scale[i]);
		char *sdesc = malloc(DOC_MAX), *sbad = malloc(DOC_MAX);

		if (!sdesc || !sbad)
			die("malloc", scale[i]);
		describe(u, sdesc, sbad);
		nr_params[i] = parse_params(sdesc, params);
		set_op(&sops[i], type_name(scale[i]),
		       dev_path(u, "migration_info.json"), sdesc, 0);
		free(sbad);
	}
	time_ops(sops, nr_scale);

	printf("mdev migration compatibility checks: %ld iterations of ",
	       iters);
	printf("open/read or write/close, median of %d rounds\n", rounds);
	printf("type %s, parameter %s, description %zu bytes\n",
	       type_name(type), param, strlen(desc));
	printf("%-52s %12s %9s\n", "", "per op", "vs floor");
	for (i = 0; i < 8; i++) {
		print_op(&ops[i], floor);
		if (ops[i].t / floor > worst)
			worst = ops[i].t / floor;
	}
	printf("goal: every operation within 5x the floor: %s (worst %.2fx)\n\n",
	       worst <= 5 ? "met" : "NOT met", worst);

	printf("finding a destination among %d types with migration_info.json (of %s):\n",
	       by_type.nr, MDEV_BUS);
	printf("%-52s %9.3f ms\n", "type check, nothing created", t_type * 1e3);
	printf("%-52s %9.3f ms\n", "create, configure, check, remove each type",
	       t_dev * 1e3);
	printf("type check is %.1fx faster (goal >= 20x: %s); compatible:",
	       t_dev / t_type, t_dev / t_type >= 20 ? "met" : "NOT met");
	for (i = 0; i < by_type.nr; i++) {
		if (by_type.ok[i])
			printf(" %s", type_name(by_type.path[i]));
		if (strcmp(by_type.path[i], by_dev.path[i]) ||
		    by_type.ok[i] != by_dev.ok[i])
			same = false;
	}
	printf("%s\n", same ? "" : " (the two methods DIFFER)");

	if (nr_scale) {
		printf("\nscaling: device check (write of the device's own description)\n");
		printf("%-20s %6s %12s %9s %12s %14s\n", "type", "params",
		       "per op", "vs floor", "per param", "per extra one");
	}
	for (i = 0; i < nr_scale; i++) {
		c[i] = sops[i].t * 1e6;
		printf("%-20s %6d %9.1f us %8.2fx %9.2f us", sops[i].name,
		       nr_params[i], c[i], sops[i].t / floor,
		       c[i] / nr_params[i]);
		if (i && nr_params[i] > nr_params[i - 1]) {
			m[i] = (c[i] - c[i - 1]) / (nr_params[i] - nr_params[i - 1]);
			printf(" %11.3f us", m[i]);
		}
		printf("\n");
	}
	/*
	 * Linear: an extra parameter costs the same at any size. A quadratic
	 * term would make the last step's extra parameter cost several times
	 * the previous step's (2.4x from 8-32 to 32-64).
	 */
	if (nr_scale >= 3) {
		i = nr_scale - 1;
		printf("growth: an extra parameter costs %.3f us from %d to %d, ",
		       m[i - 1], nr_params[i - 2], nr_params[i - 1]);
		printf("%.3f us from %d to %d (%.2fx): %s\n", m[i],
		       nr_params[i - 1], nr_params[i], m[i] / m[i - 1],
		       m[i - 1] <= 0 ? "undetermined (noise)" :
		       m[i] <= 1.5 * m[i - 1] ? "linear or better" :
		       "WORSE than linear");
	}
	return same ? 0 : 1;
}
