#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark (not a test) of the migration compatibility checks on the
# stock kernel: the cost of each sysfs operation against a trivial sysfs
# read, finding a destination type with the type check against the old
# create-configure-check-remove method, and the device check with 1, 8,
# 32 and 64 parameters (the test_mdev_params test module). Prints
# check_bench's table of medians; see BENCHMARKS.md.
#
#   bench-checks.sh [ROUNDS]           on the host: boots the stock kernel
#   bench-checks.sh --guest [ROUNDS]   inside the VM
#
# Needs the stock modules and the selftests built (make bench-checks does).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" != --guest ]; then
	rounds=${1:-7}
	exec "$REPO/harness/vm/run.sh" -k stock \
		-m "vfio vfio_iommu_type1 mdev mtty mdpy mbochs test_mdev_params" -- \
		"$REPO/harness/bench-checks.sh --guest $rounds"
fi

rounds=${2:-7}
BENCH=$OUT/kselftest/mdev/check_bench
TYPES=/sys/class/mdev_bus
[ -x "$BENCH" ] || die "$BENCH missing: run make selftests"
[ -d "$TYPES/mtty/mdev_supported_types/mtty-2" ] || die "no mtty-2 type: is mtty loaded?"
[ -d "$TYPES/test_mdev_params" ] || die "test_mdev_params is not loaded: run make modules"

P=$TYPES/test_mdev_params/mdev_supported_types/test_mdev_params
echo "kernel $(uname -r), $(nproc) vCPUs (QEMU, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
"$BENCH" -r "$rounds" -t "$TYPES/mtty/mdev_supported_types/mtty-2" \
	-p config-state -m "$P-1" -m "$P-8" -m "$P-32" -m "$P-64"
