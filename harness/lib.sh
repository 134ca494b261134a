# SPDX-License-Identifier: GPL-2.0-only
# Shared settings of the harness scripts; sourced, not run.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$REPO/out}
TREE=$OUT/linux			# assembled source tree, never built in
# The base: Linux 7.2 as Debian ships it. One version for the source,
# the stock kernel and its headers (trixie-backports keeps several).
KBASE=7.2
STOCK_KVER=7.2.12+deb13-amd64
STOCK_DEBVER=7.2.12-1~bpo13+1
# What make setup fetches and keeps across clones: a Debian 13 chroot
# (Debian 13's kbuild tools need its glibc and gcc-14) with the stock
# kernel's headers, and the stock kernel, its modules and the source
# unpacked from Debian's packages.
CACHE=${MDEV_CACHE:-/var/cache/mdev-migration}
TRIXIE=$CACHE/trixie-root
STOCK=$CACHE/stock-$STOCK_KVER	# boot/, lib/modules/$STOCK_KVER/, usr/src/
SRC_TAR=$STOCK/usr/src/linux-source-$KBASE.tar.xz
# Repository folders that mirror the kernel tree.
KERNEL_DIRS=(arch drivers include samples tools Documentation)
JOBS=${JOBS:-$(nproc)}

# The Debian kernel the stock modules are built for and booted with.
stock_kver() { echo "$STOCK_KVER"; }

# in_trixie CMD...: run CMD in the Debian 13 chroot, with $REPO and $OUT
# (and the stock headers' build folder) at the same paths as on the host.
in_trixie() {
	local d
	[ -x "$TRIXIE/usr/bin/make" ] || die "$TRIXIE missing: run make setup"
	for d in "$REPO" "$OUT"; do mkdir -p "$TRIXIE$d"; done
	unshare -m --propagation private sh -ec '
		root=$1 repo=$2 out=$3
		shift 3
		mount --rbind /dev "$root/dev"
		mount -t proc proc "$root/proc"
		mount --bind "$repo" "$root$repo"
		mount --bind "$out" "$root$out"
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 "$@"' sh "$TRIXIE" "$REPO" "$OUT" "$@"
}

# x86_seed_config DEST OBJDIR MAKE...: the x86 .config our folders are
# built with outside the debug kernel (gates, series): the debug kernel's
# if it was built, else tinyconfig (made by MAKE... in OBJDIR) plus the
# selftests' config; then the modules, samples and KUnit options forced
# on. The caller runs olddefconfig on it.
x86_seed_config() {
	local dest=$1 objdir=$2
	shift 2
	if [ -f "$OUT/debug/build/.config" ]; then
		cp "$OUT/debug/build/.config" "$dest"
	else
		"$@" tinyconfig >/dev/null
		cp "$objdir/.config" "$dest"
		cat "$REPO/tools/testing/selftests/mdev/config" >> "$dest"
	fi
	sed -i -E '/^(# )?CONFIG_(MODULES|VFIO|SAMPLES|SAMPLE_VFIO_MDEV_[A-Z]*|KUNIT|MIGCOMPAT_KUNIT_TEST|MDEV_MIGRATION_KUNIT_TEST)[= ]/d' \
		"$dest"
	cat >> "$dest" <<-EOC
	CONFIG_MODULES=y
	CONFIG_VFIO=m
	CONFIG_SAMPLES=y
	CONFIG_SAMPLE_VFIO_MDEV_MTTY=m
	CONFIG_SAMPLE_VFIO_MDEV_MDPY=m
	CONFIG_SAMPLE_VFIO_MDEV_MBOCHS=m
	CONFIG_KUNIT=y
	CONFIG_MIGCOMPAT_KUNIT_TEST=m
	CONFIG_MDEV_MIGRATION_KUNIT_TEST=m
	EOC
}

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "$*"; exit 1; }

# stock_modroot NAME KO...: a module root for the stock kernel in
# $OUT/NAME/modroot, with the modules KO in updates/, which depmod
# prefers over Debian's own. depmod runs in a scratch root where kernel/
# links to Debian's modules; the guest lays the module root over its own
# /lib/modules, so the root must not carry the link (it would point at
# itself there). Prints the scratch root, for modinfo -b.
stock_modroot() {
	local name=$1 kver d dep
	shift
	kver=$(stock_kver)
	d=$OUT/$name/modroot/lib/modules/$kver
	dep=$OUT/$name/depmod/lib/modules/$kver
	rm -rf "$OUT/$name/modroot" "$OUT/$name/depmod"
	mkdir -p "$d/updates" "$dep/updates"
	ln -s "$STOCK/lib/modules/$kver/kernel" "$dep/kernel"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$STOCK/lib/modules/$kver/$f" "$dep/$f"
	done
	cp "$@" "$dep/updates/"
	depmod -b "$OUT/$name/depmod" "$kver"
	cp -r "$dep/updates" "$dep"/modules.* "$d/"
	echo "$OUT/$name/depmod"
}
