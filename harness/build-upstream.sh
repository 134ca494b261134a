#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The older implementation, for real: Linux 6.12's own mtty sample, built
# out of tree from the unpacked linux-source-6.12 without any patch,
# against the Debian kernel's headers. Its module root holds mtty.ko alone,
# so a VM booted with it loads Debian's own vfio and mdev.ko:
#   $OUT/upstream/modroot/lib/modules/$KVER/{updates/mtty.ko,modules.dep,...}
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=$(stock_kver)
KDIR=/lib/modules/$KVER/build
SRC=$OUT/linux.orig/samples/vfio-mdev/mtty.c
B=$OUT/upstream/build
MODROOT=$OUT/upstream/modroot
[ -d "$KDIR" ] || die "$KDIR missing: run make setup"
# linux.orig: the files of the unpacked tarball that the tree changes,
# as assemble.sh copied them before any patch.
[ -r "$SRC" ] || die "$SRC missing: run make assemble"

mkdir -p "$B"
cp "$SRC" "$B/mtty.c"
echo 'obj-m += mtty.o' > "$B/Kbuild"
make -s -C "$KDIR" M="$B" modules

D=$MODROOT/lib/modules/$KVER
DEP=$OUT/upstream/depmod/lib/modules/$KVER
rm -rf "$MODROOT" "$OUT/upstream/depmod"
mkdir -p "$D/updates" "$DEP/updates"
ln -s "/lib/modules/$KVER/kernel" "$DEP/kernel"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "/lib/modules/$KVER/$f" "$DEP/$f"
done
cp "$B/mtty.ko" "$DEP/updates/"
depmod -b "$OUT/upstream/depmod" "$KVER"
modinfo -b "$OUT/upstream/depmod" -k "$KVER" -F filename mdev |
	grep -q "/lib/modules/$KVER/kernel/drivers/vfio/mdev/mdev.ko" ||
	die "the upstream module root does not use Debian's mdev.ko"
cp -r "$DEP/updates" "$DEP"/modules.* "$D/"
