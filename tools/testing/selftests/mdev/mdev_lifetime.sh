#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lifetime of a device's migration files, as udev and mdevctl see it:
# every file exists when the device's one "add" uevent is sent, and reads
# and takes writes from its "bind" uevent on (a handler of that event
# uses them at once, while the write to "create" is still returning); the
# files refuse with ENODEV once the driver is unbound through sysfs, and
# nothing is left behind by a removal. A creation that fails before the
# "add" uevent sends no "remove" uevent either. A driver whose VFIO
# device cannot migrate loses its migration files at its first bind.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
T2=$(mdev_type_dir mtty 2)
if [ ! -e "$T2/migration_info.json" ]; then
	ktap_skip_all "mtty without migration_info.json"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 31
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

# A creation that fails while migration/ is made (fail_function makes
# mdev_migration_add_dir() fail) sends neither add nor remove: udev never
# heard of the device.
FF=/sys/kernel/debug/fail_function
if [ -w "$FF/inject" ] &&
   grep -q '^mdev_migration_add_dir' "$FF/injectable" 2>/dev/null; then
	echo mdev_migration_add_dir > "$FF/inject"
	printf '%#x' -12 > "$FF/mdev_migration_add_dir/retval"
	echo 0 > "$FF/verbose"
	echo 100 > "$FF/probability"
	echo 1 > "$FF/interval"
	echo 1 > "$FF/times"
	u=$(cat /proc/sys/kernel/random/uuid)
	err=$(mktemp)
	out=$("$DIR/uevent_watch" remove mdev \
		"bash -c 'echo $u > $T2/create' 2> $err")
	rc=$?
	echo > "$FF/inject"
	ktap_print_msg "$(tr '\n' ';' <<< "$out")"
	expect_eq "create fails with ENOMEM when migration/ cannot be made" \
		ENOMEM "$(errno_of "$(cat "$err")")"
	rm -f "$err"
	expect_eq "... and sends no add and no remove uevent" "2 0 0" \
		"$rc $(events "$out" add "$u") $(events "$out" remove "$u")"
	check "... and leaves nothing in sysfs" \
		test -z "$(find /sys/bus/mdev/devices "$T2/devices" \
			/sys/devices -name "$u" 2>/dev/null)"
else
	for t in "create fails with ENOMEM when migration/ cannot be made" \
		 "... and sends no add and no remove uevent" \
		 "... and leaves nothing in sysfs"; do
		ktap_test_skip "$t (no fail_function for mdev.ko)"
	done
fi

# A driver that declares migration compatibility while its VFIO device
# cannot migrate (test_mdev_params with vfio_migration=0): the device
# works, and from its bind on neither it nor its type has migration
# files. The type stays so until its parent registers again (the module
# is not reloaded: with CONFIG_DEBUG_KOBJECT_RELEASE the release of its
# static types would outlive it), so types 32 and 1 serve only here.
withdrawn_tests=("the type file is there before a device is bound"
	"a device is created"
	"... without migration_info.json"
	"... without migration/"
	"... and its type lost migration_info.json"
	"... and the kernel log says why"
	"the next device of the type has no migration files either"
	"with VFIO migration again, a device of another type has every file"
	"... while the first type stays without")
VM=/sys/module/test_mdev_params/parameters/vfio_migration
modprobe -q test_mdev_params 2>/dev/null
if [ -w "$VM" ]; then
	TP=$(mdev_type_dir test_mdev_params 32)
	T1=$(mdev_type_dir test_mdev_params 1)
	check "${withdrawn_tests[0]}" test -e "$TP/migration_info.json"
	echo N > "$VM"
	mark=$KMSG_MARK
	kmsg_mark
	a=$(mdev_create test_mdev_params 32)
	check "${withdrawn_tests[1]}" test -n "$a" -a -e "$MDEV_DEVICES/$a/driver"
	check "${withdrawn_tests[2]}" test ! -e "$MDEV_DEVICES/$a/migration_info.json"
	check "${withdrawn_tests[3]}" test ! -e "$MDEV_DEVICES/$a/migration"
	check "${withdrawn_tests[4]}" test ! -e "$TP/migration_info.json"
	check "${withdrawn_tests[5]}" grep -q \
		"$a: type 32 declares migration compatibility, but its VFIO device cannot migrate" \
		<(kmsg_since_mark)
	KMSG_MARK=$mark
	b=$(mdev_create test_mdev_params 32)
	check "${withdrawn_tests[6]}" test -n "$b" -a \
		! -e "$MDEV_DEVICES/$b/migration_info.json" -a \
		! -e "$MDEV_DEVICES/$b/migration"
	echo Y > "$VM"
	c=$(mdev_create test_mdev_params 1)
	check "${withdrawn_tests[7]}" test -n "$c" -a \
		-e "$T1/migration_info.json" -a \
		-e "$MDEV_DEVICES/$c/migration_info.json" -a \
		-e "$MDEV_DEVICES/$c/migration/params/p0"
	d=$(mdev_create test_mdev_params 32)
	check "${withdrawn_tests[8]}" test -n "$d" -a \
		! -e "$TP/migration_info.json" -a \
		! -e "$MDEV_DEVICES/$d/migration_info.json"
	for u in "$a" "$b" "$c" "$d"; do
		[ -n "$u" ] && mdev_remove "$u"
	done
else
	for t in "${withdrawn_tests[@]}"; do
		ktap_test_skip "$t (no test_mdev_params)"
	done
fi

check_kmsg_clean "no kernel splat"
ktap_finished
