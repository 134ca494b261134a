// SPDX-License-Identifier: GPL-2.0
/*
 * Open an mdev through the VFIO group uAPI as a VMM does, then close it:
 *
 *   vfio_open <uuid>
 *
 * Exit status: 0 opened and closed, 1 on any error (message on stderr).
 */
#include <stdio.h>

#include "vfio_util.h"

int main(int argc, char **argv)
{
	struct vfio_dev dev;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <mdev uuid>\n", argv[0]);
		return 1;
	}
	if (vfio_dev_open(&dev, argv[1]))
		return 1;
	vfio_dev_close(&dev);
	return 0;
}
