#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lifetime of a device's migration files, as udev and mdevctl see it:
# every file exists when the device's one "add" uevent is sent, and reads
# and takes writes from its "bind" uevent on (a handler of that event
# uses them at once, while the write to "create" is still returning); the
# files refuse with ENODEV once the driver is unbound through sysfs, and
# nothing is left behind by a removal.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
T2=$(mdev_type_dir mtty 2)
if [ ! -e "$T2/migration_info.json" ]; then
	ktap_skip_all "mtty without migration_info.json"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 19
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

# events OUT ACTION UUID: how many ACTION uevents of the device OUT shows.
events() {
	grep -c "^event $2 .*/$3\$" <<< "$1"
}

# The files to expect, and a new device's values: what a device of the
# type has once all is done.
first=$(mdev_create mtty 2)
files=(migration_info.json)
writes=()
for p in $(ls "$MDEV_DEVICES/$first/migration/params"); do
	files+=("migration/params/$p")
	writes+=("write:migration/params/$p=$(cat "$MDEV_DEVICES/$first/migration/params/$p")")
done
mdev_remove "$first"
check "an mtty-2 device has parameter files" test "${#files[@]}" -gt 1

# add: every file exists when the event is handled, and there is one add.
u=$(cat /proc/sys/kernel/random/uuid)
out=$("$DIR/uevent_watch" add mdev "echo $u > $T2/create" \
	"${files[@]/#/exists:}")
rc=$?
MDEV_CREATED+=("$u")
ktap_print_msg "$(tr '\n' ';' <<< "$out")"
expect_eq "the add uevent is for the new device" "$u" \
	"$(sed -n 's#^devpath .*/##p' <<< "$out")"
expect_eq "every migration file exists when the add uevent is handled" 0 "$rc"
expect_eq "... all ${#files[@]} of them" "${#files[@]}" \
	"$(grep -c '^exists:.* ok$' <<< "$out")"
expect_eq "creating a device sends exactly one add uevent" 1 \
	"$(events "$out" add "$u")"
mdev_remove "$u"

# bind: from the handler of the event, every file reads and every
# parameter takes its current value, as a udev rule or mdevctl would.
u=$(cat /proc/sys/kernel/random/uuid)
out=$("$DIR/uevent_watch" bind mdev "echo $u > $T2/create" \
	"${files[@]/#/read:}" "${writes[@]}")
rc=$?
MDEV_CREATED+=("$u")
ktap_print_msg "$(tr '\n' ';' <<< "$out")"
expect_eq "the bind uevent is for the new device" "$u" \
	"$(sed -n 's#^devpath .*/##p' <<< "$out")"
expect_eq "from the bind uevent every file reads and every write is taken" \
	0 "$rc"
expect_eq "... ${#files[@]} reads" "${#files[@]}" \
	"$(grep -c '^read:.* ok$' <<< "$out")"
expect_eq "... ${#writes[@]} writes" "${#writes[@]}" \
	"$(grep -c '^write:.* ok$' <<< "$out")"
expect_eq "... and one add and one bind uevent were sent" "1 1" \
	"$(events "$out" add "$u") $(events "$out" bind "$u")"

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
