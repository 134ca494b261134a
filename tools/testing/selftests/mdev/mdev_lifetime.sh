#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lifetime of a device's migration files, as udev and mdevctl see it:
# every file is there when the device's "add" uevent is sent, the files
# refuse with ENODEV once the driver is unbound through sysfs, and
# nothing is left behind by a removal.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
T2=$(mdev_type_dir mtty 2)
if [ ! -e "$T2/migration_info.json" ]; then
	ktap_skip_all "mtty without migration_info.json"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 13
kmsg_mark

# read_errno FILE: OK, or the errno name of a failed read.
read_errno() {
	local err
	if err=$( (cat "$1" > /dev/null) 2>&1); then
		echo OK
	else
		errno_of "$err"
	fi
}

# The files to expect: what a device of the type has once all is done.
first=$(mdev_create mtty 2)
files=(migration_info.json)
for p in $(ls "$MDEV_DEVICES/$first/migration/params"); do
	files+=("migration/params/$p")
done
mdev_remove "$first"
check "an mtty-2 device has parameter files" test "${#files[@]}" -gt 1

u=$(cat /proc/sys/kernel/random/uuid)
out=$("$DIR/uevent_watch" add mdev "echo $u > $T2/create" "${files[@]}")
rc=$?
MDEV_CREATED+=("$u")
ktap_print_msg "$(tr '\n' ';' <<< "$out")"
expect_eq "the add uevent is for the new device" "$u" \
	"$(sed -n 's#^devpath .*/##p' <<< "$out")"
expect_eq "every migration file is there when the add uevent is handled" 0 "$rc"
expect_eq "... and the handler saw ${#files[@]} of them" "${#files[@]}" \
	"$(grep -c '^present ' <<< "$out")"

D=$MDEV_DEVICES/$u
desc=$(cat "$D/migration_info.json")
nr=$(cat "$D/migration/params/nr-ports")
expect_eq "the device reads its description" OK \
	"$(read_errno "$D/migration_info.json")"

# Unbound through sysfs: the files stay until removal but reach no driver.
echo "$u" > /sys/bus/mdev/drivers/mtty/unbind
check "unbind through sysfs detaches the driver" test ! -e "$D/driver"
expect_eq "migration_info.json after unbind is ENODEV" ENODEV \
	"$(read_errno "$D/migration_info.json")"
expect_eq "a params file after unbind is ENODEV" ENODEV \
	"$(read_errno "$D/migration/params/nr-ports")"
expect_eq "writing a parameter after unbind is ENODEV" ENODEV \
	"$(write_errno "$D/migration/params/nr-ports" "$nr")"
expect_eq "a device check after unbind is ENODEV" ENODEV \
	"$(write_errno "$D/migration_info.json" "$desc")"

out=$("$DIR/uevent_watch" remove mdev "echo 1 > $D/remove")
expect_eq "remove sends a remove uevent for the device" "$u" \
	"$(sed -n 's#^devpath .*/##p' <<< "$out")"
check "nothing of the device is left in sysfs" \
	test -z "$(find /sys/bus/mdev/devices "$T2/devices" /sys/devices \
		-name "$u" 2>/dev/null)"

check_kmsg_clean "no kernel splat"
ktap_finished
