#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Cross-build the assembled tree for s390 in $OUT/s390/build with vfio_ap,
# the mdev framework, the samples and their KUnit tests (harness/kconfig/
# s390.config on the architecture's defaults). Then build the touched
# folders again with W=1 and fail on any warning in a file the project
# touches: s390 is where vfio_ap lives, and it is big-endian.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

B=$OUT/s390/build
FRAG=$REPO/harness/kconfig/s390.config
MK=(make -s -C "$TREE" O="$B" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-)
# Folders with the project's files, and the pattern of its file names.
DIRS=(drivers/vfio/mdev/ drivers/s390/crypto/ samples/vfio-mdev/)
OURS='drivers/vfio/mdev/|drivers/s390/crypto/vfio_ap|samples/vfio-mdev/|include/linux/(mdev|migcompat)'
[ -d "$TREE/kernel" ] || die "assembled tree missing: run make assemble"
command -v s390x-linux-gnu-gcc >/dev/null || die "run harness/setup.sh s390"
mkdir -p "$B"

stamp=$(cat "$FRAG" "$TREE/Makefile" | sha256sum | cut -c1-16)
if [ "$(cat "$B/.config-stamp" 2>/dev/null)" != "$stamp" ]; then
	log "configuring"
	cp "$FRAG" "$B/.config"
	"${MK[@]}" olddefconfig >/dev/null
	bad=0
	while IFS= read -r l; do
		case "$l" in
		CONFIG_*=n) if grep -q "^${l%=n}=" "$B/.config"; then
				log "still set: ${l%=n}"; bad=1
			fi ;;
		CONFIG_*) grep -qxF "$l" "$B/.config" || { log "not set: $l"; bad=1; } ;;
		esac
	done < "$FRAG"
	[ $bad = 0 ] || die "config fragment not satisfied"
	echo "$stamp" > "$B/.config-stamp"
fi

log "building"
"${MK[@]}" -j"$JOBS" bzImage modules 2> "$B/build.log" ||
	{ cat "$B/build.log" >&2; die "s390 build failed"; }
log "W=1 build of ${DIRS[*]}"
"${MK[@]}" -j"$JOBS" W=1 "${DIRS[@]}" 2>> "$B/build.log" ||
	{ cat "$B/build.log" >&2; die "s390 W=1 build failed"; }
# O= builds name files by absolute path: match them relative to the tree.
if sed "s#^$TREE/##" "$B/build.log" |
	grep -E "^($OURS)[^:]*:[0-9]+:[0-9]+: (warning|error)" >&2; then
	die "warnings in the project's files (s390, W=1)"
fi
log "no warnings in the project's files"
