#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark (not a test) of the migration of an mdpy-hd framebuffer on
# the stock kernel: save and restore throughput against memcpy() of the
# same bytes in the same VM, the cost of the description check, and the
# downtime. Prints mig_bench's table of medians.
#
#   bench-mdpy.sh [RUNS]           on the host: boots the stock kernel
#   bench-mdpy.sh --guest [RUNS]   inside the VM
#
# Needs the stock modules and the selftests built (make bench-mdpy does).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" != --guest ]; then
	runs=${1:-7}
	exec "$REPO/harness/vm/run.sh" -k stock \
		-m "vfio vfio_iommu_type1 mdev mdpy" -- \
		"$REPO/harness/bench-mdpy.sh --guest $runs"
fi

runs=${2:-7}
BENCH=$OUT/kselftest/mdev/mig_bench
TYPE=/sys/class/mdev_bus/mdpy/mdev_supported_types/mdpy-hd
[ -x "$BENCH" ] || die "$BENCH missing: run make selftests"
[ -d "$TYPE" ] || die "no mdpy-hd type: is mdpy loaded?"

uuids=()
cleanup() {
	local u
	for u in "${uuids[@]}"; do
		echo 1 > "/sys/bus/mdev/devices/$u/remove" 2>/dev/null || true
	done
}
trap cleanup EXIT
for i in 1 2; do
	u=$(cat /proc/sys/kernel/random/uuid)
	echo "$u" > "$TYPE/create"
	uuids+=("$u")
done

echo "kernel $(uname -r), $(nproc) vCPUs (QEMU, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
"$BENCH" -r "$runs" "${uuids[@]}"
