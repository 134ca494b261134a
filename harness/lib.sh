# SPDX-License-Identifier: GPL-2.0-only
# Shared settings of the harness scripts; sourced, not run.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$REPO/out}
TREE=$OUT/linux			# assembled source tree, never built in
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
# Repository folders that mirror the kernel tree.
KERNEL_DIRS=(arch drivers include samples tools Documentation)
JOBS=${JOBS:-$(nproc)}

# The Debian kernel the stock modules are built for and booted with.
stock_kver() {
	dpkg-query -W -f='${Depends}' linux-image-6.12-amd64 |
		sed -e 's/[ ,(].*//' -e 's/^linux-image-//'
}

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "$*"; exit 1; }
