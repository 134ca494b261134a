#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mdev core as users see it: parents and types appear, devices are
# created and removed through create/remove, bad input is refused.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
ktap_set_plan 9

T2=$(mdev_type_dir mtty 2)
check "mtty types mtty-1 and mtty-2 exist" \
	test -d "$(mdev_type_dir mtty 1)" -a -d "$T2"
expect_eq "mtty-2 device_api" "vfio-pci" "$(cat "$T2/device_api")"
avail=$(cat "$T2/available_instances")

u=$(mdev_create mtty 2)
check "create makes the device" test -n "$u" -a -d "$MDEV_DEVICES/$u"
expect_eq "device links to its type" "$(readlink -f "$T2")" \
	"$(readlink -f "$MDEV_DEVICES/$u/mdev_type")"
expect_eq "available_instances drops by one" \
	"$((avail - 1))" "$(cat "$T2/available_instances")"
expect_eq "creating the same UUID again is EEXIST" EEXIST \
	"$(write_errno "$T2/create" "$u")"

mdev_remove "$u"
check "remove deletes the device" test ! -e "$MDEV_DEVICES/$u"

before=$(ls "$MDEV_DEVICES" | wc -l)
expect_eq "a malformed UUID is EINVAL" EINVAL \
	"$(write_errno "$T2/create" "not-a-uuid-but-exactly-36-characters")"
expect_eq "nothing was created by the rejected write" "$before" \
	"$(ls "$MDEV_DEVICES" | wc -l)"

ktap_finished
