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
	qemu-system-x86 busybox-static mdevctl util-linux jq
	python3-sphinx python3-docutils python3-ply python3-git
	linux-source-6.12 linux-headers-6.12-amd64 linux-image-6.12-amd64
)
# Extra sets, asked for by the stage that needs them.
case "${1:-}" in
s390) PKGS+=(gcc-s390x-linux-gnu qemu-system-misc) ;;
esac

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
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
