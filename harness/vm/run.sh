#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot a kernel under qemu-system-x86_64 (TCG) with the host root shared
# read-only over 9p, load the mdev modules, run a command inside and return
# its exit status and output. Any kernel splat (KASAN, lockdep, WARN, BUG,
# kmemleak report, ...) fails the run and is printed, even if the command
# passed.
#
#   run.sh [-k stock|debug] [-m "modules to load"] [-t timeout]
#          [-r module-root] [-s share] -- command...
#
# -r: the module root laid over the kernel's own modules instead of ours
# (harness/build-upstream.sh makes one with Linux 7.2's unmodified mtty);
# -s: a host folder the guest sees read-write at /run/share, to hand files
# from one boot to the next.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

KIND=stock
MODULES="vfio vfio_iommu_type1 mdev mtty mdpy mbochs"
TIMEOUT=1200
MODROOT_ARG=
SHARE=
while getopts "k:m:t:r:s:" o; do
	case $o in
	k) KIND=$OPTARG ;;
	m) MODULES=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	r) MODROOT_ARG=$(readlink -f "$OPTARG") ;;
	s) SHARE=$(readlink -f "$OPTARG") ;;
	*) die "usage: $0 [-k stock|debug] [-m modules] [-t secs] [-r modroot] [-s share] -- cmd" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || die "no command"

case $KIND in
stock)
	KVER=$(stock_kver)
	KERNEL=$STOCK/boot/vmlinuz-$KVER
	MODROOT=$OUT/stock/modroot
	KMODS=$STOCK/lib/modules	# Debian's own, under ours
	;;
debug)
	KERNEL=$OUT/debug/build/arch/x86/boot/bzImage
	MODROOT=$OUT/debug/modroot
	KVER=$(ls "$MODROOT/lib/modules" 2>/dev/null | head -n1)
	KMODS=
	;;
*) die "unknown kernel $KIND" ;;
esac
[ -n "$MODROOT_ARG" ] && MODROOT=$MODROOT_ARG
[ -r "$KERNEL" ] && [ -d "$MODROOT/lib/modules/$KVER" ] ||
	die "$KIND kernel not built: run make $KIND"

# initramfs: busybox, /init and, for the stock kernel, the 9p modules.
initramfs() {
	local dir=$OUT/vm/initramfs-$KIND img=$OUT/vm/initramfs-$KIND.cpio.gz
	if [ -s "$img" ] && [ "$img" -nt "$REPO/harness/vm/init" ] &&
	   [ "$img" -nt "$KERNEL" ] && [ "$img" -nt "$0" ]; then
		echo "$img"; return
	fi
	rm -rf "$dir"
	mkdir -p "$dir"/{bin,proc,sys,dev,newroot,modules}
	cp /bin/busybox "$dir/bin/busybox"
	cp "$REPO/harness/vm/init" "$dir/init"
	chmod +x "$dir/init"
	if [ "$KIND" = stock ]; then
		# Debian's own modules: the module root only adds ours.
		# overlay lays that module root over them in the guest.
		for m in 9pnet_virtio 9p overlay; do
			modprobe -d "$STOCK" -S "$KVER" --show-depends "$m"
		done |
		awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' |
		while read -r ko; do
			local name=${ko##*/}
			name=${name%.xz}
			case "$ko" in
			*.xz) xz -dc "$ko" > "$dir/modules/$name" ;;
			*) cp "$ko" "$dir/modules/$name" ;;
			esac
			echo "$name" >> "$dir/modules/order"
		done
	fi
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) > "$img"
	echo "$img"
}

mkdir -p "$OUT/vm"
INITRD=$(initramfs)
RUN=$(mktemp -d "$OUT/vm/run.XXXXXX")
trap '[ -n "${VM_KEEP:-}" ] || rm -rf "$RUN"' EXIT
printf '%s\n' "$*" > "$RUN/cmd"
cat > "$RUN/env" <<EOT
VM_MODROOT='$MODROOT'
VM_KMODS='$KMODS'
VM_MODULES='$MODULES'
VM_CWD='$PWD'
EOT

SHARE_ARGS=()
SHARE_CMDLINE=
if [ -n "$SHARE" ]; then
	[ -d "$SHARE" ] || die "no folder $SHARE"
	SHARE_ARGS=(-virtfs "local,path=$SHARE,mount_tag=share,security_model=none")
	SHARE_CMDLINE=" vm.share=1"
fi

# The command's output streams live, what it prints of the kernel log
# (dmesg) included; the kernel itself prints only emergencies to the
# console (loglevel=1), and its whole log is checked below.
set +e
timeout --foreground "$TIMEOUT" qemu-system-x86_64 \
	-machine q35 -cpu max,la57=off -smp 2 -m 2G -nographic -no-reboot \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 loglevel=1 panic=-1 vm.guest=$REPO/harness/vm/guest.sh$SHARE_CMDLINE" \
	-virtfs local,path=/,mount_tag=hostroot,readonly=on,security_model=none,multidevs=remap \
	-virtfs "local,path=$RUN,mount_tag=vmout,security_model=none" \
	"${SHARE_ARGS[@]}" \
	-nic none < /dev/null 2>&1 | tee "$RUN/console" |
	sed -u -e 's/\r$//' -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' \
	    -e '/^guest: done/d' \
	    -e '/SeaBIOS\|^Booting from ROM\|^Probing EDD/d'
rc=${PIPESTATUS[0]}
set -e
if [ $rc -ne 0 ]; then
	log "qemu exited with $rc (124: timeout after ${TIMEOUT}s)"
	tail -n 50 "$RUN/console" >&2
	exit 1
fi
[ -f "$RUN/rc" ] || { log "the guest did not finish"; exit 1; }

# Splats: anything in the kernel log or in the kmemleak report.
SPLAT='BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|Kernel panic|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU|sleeping function called|INFO: task .* blocked|lock held when returning|unreferenced object|Call Trace'
splat=0
if grep -E -q "$SPLAT" "$RUN/dmesg" 2>/dev/null; then
	log "kernel splat in the $KIND kernel's log:"
	grep -E -B5 -A40 "$SPLAT" "$RUN/dmesg" | head -n 200 >&2
	splat=1
fi
if [ -s "$RUN/kmemleak" ]; then
	log "kmemleak report:"
	head -n 100 "$RUN/kmemleak" >&2
	splat=1
fi
[ -n "${VM_KEEP_LOG:-}" ] && cp "$RUN/dmesg" "$VM_KEEP_LOG"
cmd_rc=$(cat "$RUN/rc")
[ $splat = 0 ] || exit 1
exit "$cmd_rc"
