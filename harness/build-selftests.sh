#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build and install the mdev kselftests from the assembled tree into
# $OUT/kselftest (run_kselftest.sh and friends), outside the source tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The C tests need the uapi headers of our tree, not the distribution's.
if [ ! -f "$OUT/uapi/include/linux/vfio.h" ] ||
   [ "$TREE/include/uapi/linux/vfio.h" -nt "$OUT/uapi/include/linux/vfio.h" ]; then
	make -s -C "$TREE" O="$OUT/uapi-build" INSTALL_HDR_PATH="$OUT/uapi" \
		headers_install
fi
rm -rf "$OUT/kselftest"
make -s -C "$TREE/tools/testing/selftests" TARGETS=mdev \
	O="$OUT/kselftest-build" KSFT_INSTALL_PATH="$OUT/kselftest" \
	KHDR_INCLUDES="-isystem $OUT/uapi/include" install >/dev/null
