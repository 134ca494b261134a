#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build and install the mdev kselftests from the assembled tree into
# $OUT/kselftest (run_kselftest.sh and friends), outside the source tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rm -rf "$OUT/kselftest"
make -s -C "$TREE/tools/testing/selftests" TARGETS=mdev \
	O="$OUT/kselftest-build" KSFT_INSTALL_PATH="$OUT/kselftest" install \
	>/dev/null
