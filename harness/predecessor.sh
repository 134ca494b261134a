#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Migration between this mtty and Linux 7.2's own, unmodified mtty (see
# tools/testing/selftests/mdev/mdev_predecessor.sh): three boots of the
# stock Debian kernel, the older mtty with Debian's own mdev.ko, then
# ours, then the older one again; the streams go from boot to boot
# through a shared folder.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$REPO/harness/build-upstream.sh"
SHARE=$OUT/upstream/share
rm -rf "$SHARE"
mkdir -p "$SHARE"
T="MDEV_SHARE=/run/share out/kselftest/mdev/mdev_predecessor.sh"
OLDER=$OUT/upstream/modroot
MODS="vfio vfio_iommu_type1 mdev mtty"

# One boot per phase, its KTAP one level down as in run_kselftest.sh, so
# harness/count.awk counts its tests.
rc=0 n=0
phase() {
	local name=$1 r

	shift
	n=$((n + 1))
	set +e
	"$REPO/harness/vm/run.sh" -k stock -t 600 -s "$SHARE" -m "$MODS" \
		"$@" -- "$T $name" 2>&1 | sed -u 's/^/# /'
	r=${PIPESTATUS[0]}
	set -e
	if [ "$r" = 0 ]; then
		echo "ok $n selftests: mdev: mdev_predecessor.sh $name"
	else
		echo "not ok $n selftests: mdev: mdev_predecessor.sh $name # exit=$r"
		rc=1
	fi
}

echo "TAP version 13"
echo "1..3"
phase older-save -r "$OLDER"
phase ours
phase older-load -r "$OLDER"
ls -l "$SHARE" | sed 's/^/# stream files: /'
exit $rc
