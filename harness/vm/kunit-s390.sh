#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the s390 kernel of build-s390.sh under qemu-system-s390x (TCG). The
# KUnit suites built into it run at boot and the kernel powers off after
# them. Print their KTAP results prefixed with "kunit: " (as
# harness/vm/kunit.sh does on x86) and fail on a failed test, a missing
# suite or a kernel splat.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

KERNEL=$OUT/s390/build/arch/s390/boot/bzImage
SUITES=(migcompat mdev_migration vfio_ap_migration vfio_ap_migration_glue vfio_ap_migration_vfio)
TIMEOUT=${TIMEOUT:-600}
[ -r "$KERNEL" ] || die "s390 kernel not built: run harness/build-s390.sh"
mkdir -p "$OUT/vm"
CONSOLE=$OUT/vm/s390-console.log

set +e
timeout --foreground "$TIMEOUT" qemu-system-s390x -nodefaults -nographic \
	-no-reboot -machine s390-ccw-virtio -cpu qemu -m 1024 \
	-kernel "$KERNEL" -serial stdio \
	-append "console=ttyS0 kunit_shutdown=poweroff panic=-1" \
	< /dev/null > "$CONSOLE" 2>&1
rc=$?
set -e
tr -d '\r' < "$CONSOLE" > "$CONSOLE.txt"
[ $rc -eq 0 ] || { tail -n 40 "$CONSOLE.txt" >&2; die "qemu-system-s390x exited with $rc"; }

# KTAP from the first "KTAP version" on: suites at the top level, cases
# indented by four.
sed -n '/^ *KTAP version/,$p' "$CONSOLE.txt" |
	grep -E '^ *(KTAP|#|[0-9]+\.\.|ok |not ok )' | sed 's/^/kunit: /'
fail=0
for s in "${SUITES[@]}"; do
	if ! grep -Eq "^ok [0-9]+ $s\$" "$CONSOLE.txt"; then
		log "suite $s did not pass"
		fail=1
	fi
done
SPLAT='BUG:|WARNING:|KASAN|UBSAN|Oops|Kernel panic|Call Trace|possible (circular|recursive) locking'
if grep -E -q "$SPLAT" "$CONSOLE.txt"; then
	log "kernel splat in the s390 kernel's log:"
	grep -E -B5 -A30 "$SPLAT" "$CONSOLE.txt" | head -n 100 >&2
	fail=1
fi
exit $fail
