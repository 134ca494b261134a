#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mdevctl, unchanged, configures migration parameters through its attrs:
# it writes each attribute (without a newline) right after create.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
if ! command -v mdevctl > /dev/null; then
	ktap_skip_all "mdevctl not installed"
	exit "$KSFT_SKIP"
fi
if [ ! -e "$(mdev_type_dir mtty 2)/migration_info.json" ]; then
	ktap_skip_all "mtty without migration_info.json"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 7

U=$(cat /proc/sys/kernel/random/uuid)
MDEV_CREATED+=("$U")
trap 'mdevctl stop -u $U 2>/dev/null; mdevctl undefine -u $U 2>/dev/null; mdev_cleanup' EXIT

check "mdevctl define an mtty-2 device" \
	mdevctl define -u "$U" -p mtty -t mtty-2
check "mdevctl modify adds attrs migration/params/fifo-size and fifo-state" \
	bash -c "mdevctl modify -u $U --addattr=migration/params/fifo-size --value=4 &&
		 mdevctl modify -u $U --addattr=migration/params/fifo-state --value=false"
check "mdevctl start" mdevctl start -u "$U"
P=$MDEV_DEVICES/$U/migration/params
expect_eq "fifo-size read back from sysfs" 4 "$(cat "$P/fifo-size" 2>&1)"
expect_eq "fifo-state read back from sysfs" false "$(cat "$P/fifo-state" 2>&1)"
expect_eq "the description carries mdevctl's values" \
	'{"model": "kernel.org/samples/mtty", "params": {"nr-ports": 2, "fifo-size": 4}}' \
	"$(cat "$MDEV_DEVICES/$U/migration_info.json" 2>&1)"

# A definition with a value the type does not allow must not start.
mdevctl stop -u "$U"
mdevctl modify -u "$U" --delattr > /dev/null
mdevctl modify -u "$U" --delattr > /dev/null
mdevctl modify -u "$U" --addattr=migration/params/fifo-size --value=64 > /dev/null
rc=0
mdevctl start -u "$U" 2> /dev/null || rc=$?
check "mdevctl start with fifo-size 64 fails and leaves no device" \
	test $rc -ne 0 -a ! -e "$MDEV_DEVICES/$U"

ktap_finished
