#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install what the project needs on a bare Debian 12 machine. Idempotent:
# quiet and quick when everything is present. The Linux 7.2 parts come
# from Debian 13 (trixie-backports) and are kept in $CACHE (see lib.sh):
# a Debian 13 chroot to build modules against the stock kernel's headers,
# and the stock kernel, its modules and linux-source-7.2 unpacked from
# Debian's packages. Nothing of Debian 13 is installed on the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Build tools, the VM and the clients the tests drive.
PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils
	rsync perl python3 sparse clang llvm lld libclang-rt-dev
	qemu-system-x86 socat busybox-static mdevctl util-linux jq
	python3-sphinx python3-docutils python3-ply python3-git
	debootstrap
)
# Extra sets, asked for by the stage that needs them.
case "${1:-}" in
s390) PKGS+=(gcc-s390x-linux-gnu qemu-system-s390x) ;;
esac

# QEMU >= 10.0 drives VFIO migration v2 of mdev devices (7.2, bookworm's
# own, cannot): it comes from bookworm-backports, pinned so that only
# QEMU and the firmware it needs are taken from there. The test VM runs
# on the same QEMU, as the guest sees the host's root.
QEMU_MIN=1:10.0
BPO_LIST=/etc/apt/sources.list.d/mdev-bookworm-backports.sources
BPO_PIN=/etc/apt/preferences.d/mdev-qemu-backports
bpo_list="Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
bpo_pin="Package: qemu-system qemu-system-* qemu-utils qemu-block-extra seabios opensbi
Pin: release n=bookworm-backports
Pin-Priority: 990"
apt_changed=0
if [ "$(cat "$BPO_LIST" 2>/dev/null)" != "$bpo_list" ]; then
	echo "$bpo_list" > "$BPO_LIST"
	apt_changed=1
fi
if [ "$(cat "$BPO_PIN" 2>/dev/null)" != "$bpo_pin" ]; then
	echo "$bpo_pin" > "$BPO_PIN"
	apt_changed=1
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' ||
		missing+=("$p")
done
for p in "${PKGS[@]}"; do
	case $p in
	qemu-system-*)
		v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
		[ -z "$v" ] || dpkg --compare-versions "$v" ge "$QEMU_MIN" ||
			missing+=("$p")
		;;
	esac
done
if [ ${#missing[@]} -gt 0 ] || [ $apt_changed = 1 ]; then
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The test VM lays its module roots over the host's /lib/modules, which a
# machine without an installed kernel does not have.
mkdir -p /lib/modules

# The Debian 13 chroot, with the stock kernel's headers (and so its
# kbuild tools, gcc-14 and glibc) from trixie-backports.
TRIXIE_PKGS="gcc-14,make,libc6-dev,libelf-dev,bc,xz-utils,kmod,ca-certificates"
TRIXIE_STAMP="$TRIXIE_PKGS linux-headers-$STOCK_KVER=$STOCK_DEBVER"
if [ "$(cat "$TRIXIE/.mdev-stamp" 2>/dev/null)" != "$TRIXIE_STAMP" ]; then
	echo "setup: making the Debian 13 chroot $TRIXIE"
	rm -rf "$TRIXIE.new"
	mkdir -p "$CACHE"
	debootstrap --variant=minbase --include="$TRIXIE_PKGS" trixie \
		"$TRIXIE.new" http://deb.debian.org/debian >/dev/null
	echo 'deb http://deb.debian.org/debian trixie-backports main' \
		> "$TRIXIE.new/etc/apt/sources.list.d/trixie-backports.list"
	chroot "$TRIXIE.new" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive chroot "$TRIXIE.new" apt-get install \
		-y -qq --no-install-recommends \
		"linux-headers-$STOCK_KVER=$STOCK_DEBVER" >/dev/null
	echo "$TRIXIE_STAMP" > "$TRIXIE.new/.mdev-stamp"
	rm -rf "$TRIXIE"
	mv "$TRIXIE.new" "$TRIXIE"
fi

# The stock kernel (image and modules) and the source, unpacked from
# Debian's packages of the same version into $STOCK: boot/vmlinuz-KVER,
# lib/modules/KVER/ (with the headers package's modules.order and
# modules.builtin*, and a depmod for the initramfs), usr/src/.
STOCK_STAMP="$STOCK_KVER $STOCK_DEBVER"
if [ "$(cat "$STOCK/.mdev-stamp" 2>/dev/null)" != "$STOCK_STAMP" ]; then
	echo "setup: unpacking Linux $STOCK_KVER into $STOCK"
	debs=$TRIXIE/root/mdev-debs
	rm -rf "$debs" "$STOCK.new"
	mkdir -p "$debs" "$STOCK.new/boot" "$STOCK.new/lib/modules"
	chroot "$TRIXIE" sh -c "cd /root/mdev-debs && apt-get download -qq \
		linux-source-$KBASE=$STOCK_DEBVER \
		linux-binary-$STOCK_KVER=$STOCK_DEBVER \
		linux-modules-$STOCK_KVER=$STOCK_DEBVER" 2>/dev/null
	for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$STOCK.new/pkg"; done
	m=$STOCK.new/pkg/usr/lib/modules/$STOCK_KVER
	mv "$m/vmlinuz" "$STOCK.new/boot/vmlinuz-$STOCK_KVER"
	mv "$m" "$STOCK.new/lib/modules/"
	mv "$STOCK.new/pkg/usr/src" "$STOCK.new/usr-src"
	mkdir -p "$STOCK.new/usr"
	mv "$STOCK.new/usr-src" "$STOCK.new/usr/src"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$TRIXIE/usr/lib/modules/$STOCK_KVER/$f" \
			"$STOCK.new/lib/modules/$STOCK_KVER/"
	done
	depmod -b "$STOCK.new" "$STOCK_KVER"
	rm -rf "$STOCK.new/pkg" "$debs"
	echo "$STOCK_STAMP" > "$STOCK.new/.mdev-stamp"
	rm -rf "$STOCK"
	mv "$STOCK.new" "$STOCK"
fi
