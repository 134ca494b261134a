#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# PID 1 in the guest, on the host's root filesystem (read-only). Makes the
# few writable places tools need, points /lib/modules at the kernel's
# module root, runs the command from /run/vm/cmd, then records the exit
# status, a kmemleak scan and the kernel log in /run/vm for the host.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
V=/run/vm
. "$V/env"

# A private /tmp, but host folders we work in stay visible through it
# (a checkout under /tmp, as CI may clone there).
mkdir -p /run/host-tmp
mount --bind /tmp /run/host-tmp
mount -t tmpfs tmp /tmp
for p in "$VM_CWD" "$VM_MODROOT"; do
	case "$p" in
	/tmp/?*)
		top=${p#/tmp/}
		top=${top%%/*}
		if ! mountpoint -q "/tmp/$top"; then
			mkdir -p "/tmp/$top"
			mount --bind "/run/host-tmp/$top" "/tmp/$top"
		fi
		;;
	esac
done
mount -t tmpfs root /root
# mdevctl keeps its definitions here: writable, with the host's content.
if [ -d /etc/mdevctl.d ]; then
	cp -a /etc/mdevctl.d /tmp/mdevctl.d
	mount -t tmpfs etc-mdevctl /etc/mdevctl.d
	cp -a /tmp/mdevctl.d/. /etc/mdevctl.d/
	rm -rf /tmp/mdevctl.d
fi
mount -t tmpfs var-tmp /var/tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /dev/pts /dev/shm
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
# Our modules first, then the kernel's own (stock: Debian's 7.2 modules,
# unpacked by make setup; overlay.ko came in the initramfs), the host's.
modprobe -q overlay 2>/dev/null
mount -t overlay modules \
	-o "lowerdir=$VM_MODROOT/lib/modules${VM_KMODS:+:$VM_KMODS}:/lib/modules" \
	/lib/modules || echo "guest: cannot overlay /lib/modules"
loaded=1
for m in $VM_MODULES; do
	modprobe "$m" || { echo "guest: modprobe $m failed"; loaded=0; }
done

if [ $loaded = 1 ] && cd "$VM_CWD"; then
	echo "guest: $(uname -r) up, running: $(head -c 200 "$V/cmd")"
	bash "$V/cmd" < /dev/null 2>&1 | tee "$V/output"
	echo "${PIPESTATUS[0]}" > "$V/rc"
else
	echo 1 > "$V/rc"
fi

if [ -w /sys/kernel/debug/kmemleak ]; then
	# Two scans: kmemleak reports an object only once it was seen twice.
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$V/kmemleak"
fi
dmesg > "$V/dmesg"
sync
echo "guest: done"
busybox reboot -f
