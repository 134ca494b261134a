#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build mdev.ko and the samples out of tree against the Debian kernel's
# headers, as a vendor or distribution user would (in the Debian 13
# chroot that has them, see setup.sh), and lay them out in a
# module root where they override Debian's through updates/:
#   $OUT/stock/modroot/lib/modules/$KVER/{updates/,modules.dep,...}
# The build folder holds symlinks to the assembled tree, never objects in it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=$(stock_kver)
KDIR=/lib/modules/$KVER/build
B=$OUT/stock/build
[ -d "$TRIXIE$KDIR" ] || die "$TRIXIE$KDIR missing: run make setup"

# Mirror the folders we build, as symlinks to the assembled sources.
link_dir() {
	mkdir -p "$B/$1"
	find "$TREE/$1" -maxdepth 1 -type f | while read -r f; do
		ln -sfn "$f" "$B/$1/${f##*/}"
	done
	# Drop links whose target left the tree.
	find "$B/$1" -maxdepth 1 -xtype l -delete
}
link_dir drivers/vfio/mdev
link_dir samples/vfio-mdev
# Test-only modules of the selftests and benchmarks (not for upstream).
link_dir tools/testing/selftests/mdev/test_modules
# Headers we add or change shadow the Debian ones (see NOSTDINC_FLAGS).
mkdir -p "$B/include/linux"
find "$B/include/linux" -maxdepth 1 -type l -delete
grep '^include/linux/' "$OUT/linux.touched" | while read -r f; do
	ln -sfn "$TREE/$f" "$B/$f"
done
echo 'obj-m += drivers/vfio/mdev/ samples/vfio-mdev/' \
	'tools/testing/selftests/mdev/test_modules/' > "$B/Kbuild"
# Objects built before a header was shadowed depend on Debian's copy of
# it, so kbuild would not rebuild them: start over when the set changes.
shadowed=$(cd "$B" && find include -type l | sort | sha256sum)
if [ "$(cat "$B/.shadowed" 2>/dev/null)" != "$shadowed" ]; then
	find "$B" \( -name '*.o' -o -name '*.ko' \) -delete
	echo "$shadowed" > "$B/.shadowed"
fi

in_trixie make -s -C "$KDIR" M="$B" -j"$JOBS" \
	NOSTDINC_FLAGS="-nostdinc -I$B/include" \
	CONFIG_VFIO_MDEV=m \
	CONFIG_SAMPLE_VFIO_MDEV_MTTY=m \
	CONFIG_SAMPLE_VFIO_MDEV_MDPY=m \
	CONFIG_SAMPLE_VFIO_MDEV_MBOCHS=m \
	modules

# Module root: ours in updates/, over Debian's.
mapfile -t KOS < <(find "$B" -name '*.ko')
DEP=$(stock_modroot stock "${KOS[@]}")
modinfo -b "$DEP" -k "$KVER" -F filename mdev | grep -q updates/ ||
	die "depmod does not prefer updates/mdev.ko"
