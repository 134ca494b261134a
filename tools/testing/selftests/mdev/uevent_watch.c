// SPDX-License-Identifier: GPL-2.0
/*
 * Check files of a device from the handler of its uevent, as a udev rule
 * would see them:
 *
 *   uevent_watch <action> <subsystem> <command> [<file>...]
 *
 * Listens to the kernel's uevents, starts <command> with sh -c, and on the
 * first <action> event (add, remove, bind, ...) of <subsystem> checks at
 * once, while the command may still be running (a write to "create" is
 * still probing the driver), whether each <file>, relative to the
 * device's sysfs folder, exists.
 * Prints "devpath <path>" and one "present <file>" or "missing <file>"
 * line per file.
 *
 * Exit status: 0 all files present, 1 one missing, 2 no such event within
 * 10 s or an error (message on stderr).
 */
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define UEVENT_BUF 8192

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

/* Wait for the event; fill @devpath. 0, or -1 on timeout or error. */
static int uevent_wait(int fd, const char *action, const char *subsystem,
		       char *devpath, size_t size)
{
	char buf[UEVENT_BUF];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, 10000) == 1) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
		const char *act, *sub, *path;

		if (n <= 0)
			break;
		buf[n] = '\0';
		act = uevent_get(buf, n, "ACTION");
		sub = uevent_get(buf, n, "SUBSYSTEM");
		path = uevent_get(buf, n, "DEVPATH");
		if (act && sub && path && !strcmp(act, action) &&
		    !strcmp(sub, subsystem)) {
			snprintf(devpath, size, "%s", path);
			return 0;
		}
	}
	fprintf(stderr, "no %s event of %s\n", action, subsystem);
	return -1;
}

int main(int argc, char **argv)
{
	char devpath[4096], path[8192];
	int fd, i, missing = 0;
	const char **state;
	int status;
	pid_t child;

	if (argc < 4) {
		fprintf(stderr,
			"usage: %s <action> <subsystem> <command> [<file>...]\n",
			argv[0]);
		return 2;
	}
	fd = uevent_open();
	if (fd < 0)
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
	if (uevent_wait(fd, argv[1], argv[2], devpath, sizeof(devpath)))
		return 2;
	/* Check every file first: the handler's view, not a later one. */
	state = calloc(argc, sizeof(*state));
	if (!state)
		return 2;
	for (i = 4; i < argc; i++) {
		snprintf(path, sizeof(path), "/sys%s/%s", devpath, argv[i]);
		state[i] = access(path, F_OK) ? "missing" : "present";
		missing |= state[i][0] == 'm';
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "command failed: %s\n", argv[3]);
		return 2;
	}
	printf("devpath %s\n", devpath);
	for (i = 4; i < argc; i++)
		printf("%s %s\n", state[i], argv[i]);
	free(state);
	return missing;
}
