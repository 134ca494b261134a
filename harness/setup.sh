#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install what the project needs on a bare Debian 12 machine. Idempotent:
# quiet and quick when everything is present.
set -euo pipefail

# Build tools, the VM and the clients the tests drive.
PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils
	rsync perl python3 sparse clang llvm lld libclang-rt-dev
	qemu-system-x86 socat busybox-static mdevctl util-linux jq
	python3-sphinx python3-docutils python3-ply python3-git
	linux-source-6.12 linux-headers-6.12-amd64 linux-image-6.12-amd64
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

# The source, the headers and the image must be one and the same version.
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }
kimg=$(dpkg-query -W -f='${Depends}' linux-image-6.12-amd64 | sed 's/[ ,(].*//')
src_v=$(ver linux-source-6.12)
img_v=$(ver "$kimg")
hdr_v=$(ver "linux-headers-${kimg#linux-image-}")
if [ "$src_v" != "$img_v" ] || [ "$src_v" != "$hdr_v" ]; then
	echo "setup: version mismatch: linux-source-6.12 $src_v," \
	     "$kimg $img_v, headers $hdr_v" >&2
	echo "setup: install matching versions, e.g." \
	     "apt-get install linux-source-6.12=$img_v" >&2
	exit 1
fi
