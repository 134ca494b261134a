#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run inside the debug kernel: load the KUnit test modules given as
# arguments and print each suite's KTAP results, prefixed with "kunit: ".
rc=0
for m in "$@"; do
	modprobe "$m" || { echo "kunit: not ok 0 $m # module failed to load"; rc=1; continue; }
done
for r in /sys/kernel/debug/kunit/*/results; do
	[ -r "$r" ] || continue
	sed 's/^/kunit: /' "$r"
	grep -q '^not ok' "$r" && rc=1
done
exit $rc
