#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The older implementation, for real: Linux 7.2's own mtty sample, built
# out of tree from the unpacked linux-source-7.2 without any patch,
# against the Debian kernel's headers (in the Debian 13 chroot). Its
# module root holds mtty.ko alone, so a VM booted with it loads Debian's
# own vfio and mdev.ko:
#   $OUT/upstream/modroot/lib/modules/$KVER/{updates/mtty.ko,modules.dep,...}
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=$(stock_kver)
KDIR=/lib/modules/$KVER/build
SRC=$OUT/linux.orig/samples/vfio-mdev/mtty.c
B=$OUT/upstream/build
[ -d "$TRIXIE$KDIR" ] || die "$TRIXIE$KDIR missing: run make setup"
# linux.orig: the files of the unpacked tarball that the tree changes,
# as assemble.sh copied them before any patch.
[ -r "$SRC" ] || die "$SRC missing: run make assemble"

mkdir -p "$B"
cp "$SRC" "$B/mtty.c"
echo 'obj-m += mtty.o' > "$B/Kbuild"
in_trixie make -s -C "$KDIR" M="$B" modules

DEP=$(stock_modroot upstream "$B/mtty.ko")
modinfo -b "$DEP" -k "$KVER" -F filename mdev |
	grep -q "/lib/modules/$KVER/kernel/drivers/vfio/mdev/mdev.ko" ||
	die "the upstream module root does not use Debian's mdev.ko"
