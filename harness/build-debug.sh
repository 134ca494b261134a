#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the debug kernel from the assembled tree in $OUT/debug/build:
# tinyconfig + the selftests' config + harness/kconfig/debug.config.
# make's own dependency tracking keeps rebuilds incremental; the config is
# regenerated only when a fragment changes. Modules go to a module root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

B=$OUT/debug/build
MODROOT=$OUT/debug/modroot
FRAGS=("$TREE/tools/testing/selftests/mdev/config"
       "$REPO/harness/kconfig/debug.config")
[ -d "$TREE/kernel" ] || die "assembled tree missing: run make assemble"
mkdir -p "$B"

stamp=$(cat "${FRAGS[@]}" "$TREE/Makefile" | sha256sum | cut -c1-16)
if [ "$(cat "$B/.config-stamp" 2>/dev/null)" != "$stamp" ]; then
	log "configuring"
	make -s -C "$TREE" O="$B" tinyconfig >/dev/null
	"$TREE/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" \
		"${FRAGS[@]}" >/dev/null
	make -s -C "$TREE" O="$B" olddefconfig >/dev/null
	# Every option asked for must have survived olddefconfig.
	bad=0
	while IFS= read -r l; do
		case "$l" in
		CONFIG_*=n) if grep -q "^${l%=n}=" "$B/.config"; then
				log "still set: ${l%=n}"; bad=1
			fi ;;
		CONFIG_*) grep -qxF "$l" "$B/.config" || { log "not set: $l"; bad=1; } ;;
		esac
	done < <(cat "${FRAGS[@]}")
	[ $bad = 0 ] || die "config fragments not satisfied"
	echo "$stamp" > "$B/.config-stamp"
fi

make -s -C "$TREE" O="$B" -j"$JOBS" bzImage modules
rm -rf "$MODROOT.new"
make -s -C "$TREE" O="$B" INSTALL_MOD_PATH="$MODROOT.new" modules_install \
	>/dev/null

# Test-only modules of the selftests (not part of the tree): built as an
# external module against this kernel, from a folder of symlinks so no
# object lands in the sources, and installed into the same module root.
T=$OUT/debug/test_modules
mkdir -p "$T"
find "$T" -maxdepth 1 -type l -delete
for f in "$TREE"/tools/testing/selftests/mdev/test_modules/*; do
	ln -sfn "$f" "$T/${f##*/}"
done
make -s -C "$B" M="$T" -j"$JOBS" modules
make -s -C "$B" M="$T" INSTALL_MOD_PATH="$MODROOT.new" modules_install \
	>/dev/null
rm -rf "$MODROOT"
mv "$MODROOT.new" "$MODROOT"
