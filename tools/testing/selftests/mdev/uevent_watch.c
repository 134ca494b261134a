// SPDX-License-Identifier: GPL-2.0
/*
 * Use files of a device from the handler of its uevent, as a udev rule
 * would:
 *
 *   uevent_watch <action> <subsystem> <command> [<op>...]
 *
 * Listens to the kernel's uevents, starts <command> with sh -c, and on the
 * first <action> event (add, remove, bind, ...) of <subsystem> runs each
 * <op> at once, while the command may still be running (a write to
 * "create" returns only after the driver's probe and the bind event).
 * Paths are relative to the device's sysfs folder:
 *
 *   exists:<file>       does the file exist?
 *   read:<file>         read it
 *   write:<file>=<val>  write <val> to it (no newline, as mdevctl writes)
 *
 * Then it keeps listening until the command has exited and no event came
 * for 500 ms, and prints "devpath <path>", one line per <op>:
 * "<op> ok" or "<op> <errno name>", and one "event <action> <devpath>"
 * line per event of <subsystem> seen from the start, so a test can count
 * them.
 *
 * Exit status: 0 every op succeeded, 1 one failed, 2 no such event within
 * 10 s or an error (message on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define UEVENT_BUF 8192
#define MAX_EVENTS 64

struct event {
	char action[16];
	char devpath[512];
};

static struct event events[MAX_EVENTS];
static int nr_events;

/* The value of @key in a uevent of @len bytes, or NULL. */
static const char *uevent_get(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key);
	size_t off = strlen(buf) + 1;	/* skip "action@devpath" */

	while (off < len) {
		const char *kv = buf + off;

		if (!strncmp(kv, key, klen) && kv[klen] == '=')
			return kv + klen + 1;
		off += strlen(kv) + 1;
	}
	return NULL;
}

static int uevent_open(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* the kernel's own uevents */
	};
	int fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);

	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("uevent socket");
		return -1;
	}
	return fd;
}

/*
 * Receive one event within @ms milliseconds and record it if it is of
 * @subsystem. Return the recorded event, NULL for another one, or
 * (void *)-1 on timeout or error.
 */
static struct event *uevent_next(int fd, const char *subsystem, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	const char *act, *sub, *path;
	char buf[UEVENT_BUF];
	struct event *e;
	ssize_t n;

	if (poll(&pfd, 1, ms) != 1)
		return (void *)-1;
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return (void *)-1;
	buf[n] = '\0';
	act = uevent_get(buf, n, "ACTION");
	sub = uevent_get(buf, n, "SUBSYSTEM");
	path = uevent_get(buf, n, "DEVPATH");
	if (!act || !sub || !path || strcmp(sub, subsystem) ||
	    nr_events == MAX_EVENTS)
		return NULL;
	e = &events[nr_events++];
	snprintf(e->action, sizeof(e->action), "%s", act);
	snprintf(e->devpath, sizeof(e->devpath), "%s", path);
	return e;
}

static const char *errno_name(int err)
{
	switch (err) {
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case EPROTO: return "EPROTO";
	case EACCES: return "EACCES";
	default: return "error";
	}
}

/* Run one op on the device at @devpath: 0 or an errno. */
static int run_op(const char *devpath, const char *op)
{
	char path[1024], buf[4096], val[256] = "";
	const char *arg = strchr(op, ':');
	const char *eq;
	ssize_t n;
	int fd, ret = 0;

	if (!arg)
		return EINVAL;
	arg++;
	eq = strchr(arg, '=');
	if (!strncmp(op, "write:", 6) && eq) {
		snprintf(val, sizeof(val), "%s", eq + 1);
		snprintf(path, sizeof(path), "/sys%s/%.*s", devpath,
			 (int)(eq - arg), arg);
	} else {
		snprintf(path, sizeof(path), "/sys%s/%s", devpath, arg);
	}
	if (!strncmp(op, "exists:", 7))
		return access(path, F_OK) ? errno : 0;
	if (!strncmp(op, "read:", 5)) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return errno;
		n = read(fd, buf, sizeof(buf));
		ret = n < 0 ? errno : 0;
		close(fd);
		return ret;
	}
	if (!strncmp(op, "write:", 6) && eq) {
		fd = open(path, O_WRONLY);
		if (fd < 0)
			return errno;
		n = write(fd, val, strlen(val));
		ret = n < 0 ? errno : 0;
		close(fd);
		return ret;
	}
	return EINVAL;
}

int main(int argc, char **argv)
{
	struct event *e, *first = NULL;
	int fd, i, status, failed = 0;
	bool exited = false;
	int *results;
	pid_t child;

	if (argc < 4) {
		fprintf(stderr,
			"usage: %s <action> <subsystem> <command> [<op>...]\n",
			argv[0]);
		return 2;
	}
	results = calloc(argc, sizeof(*results));
	fd = uevent_open();
	if (!results || fd < 0)
		return 2;
	child = fork();
	if (child < 0) {
		perror("fork");
		return 2;
	}
	if (!child) {
		execl("/bin/sh", "sh", "-c", argv[3], (char *)NULL);
		_exit(127);
	}
	/* The handler: the ops run as soon as the event is received. */
	while (!first) {
		e = uevent_next(fd, argv[2], 10000);
		if (e == (void *)-1) {
			fprintf(stderr, "no %s event of %s\n", argv[1], argv[2]);
			return 2;
		}
		if (e && !strcmp(e->action, argv[1]))
			first = e;
	}
	for (i = 4; i < argc; i++)
		results[i] = run_op(first->devpath, argv[i]);
	/* Every later event, until the command is done and all is quiet. */
	for (;;) {
		if (!exited && waitpid(child, &status, WNOHANG) == child)
			exited = true;
		e = uevent_next(fd, argv[2], exited ? 500 : 100);
		if (e == (void *)-1 && exited)
			break;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "command failed: %s\n", argv[3]);
		return 2;
	}
	printf("devpath %s\n", first->devpath);
	for (i = 4; i < argc; i++) {
		printf("%s %s\n", argv[i],
		       results[i] ? errno_name(results[i]) : "ok");
		failed |= !!results[i];
	}
	for (i = 0; i < nr_events; i++)
		printf("event %s %s\n", events[i].action, events[i].devpath);
	free(results);
	return failed;
}
