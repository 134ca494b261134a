#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mdevctl, unchanged, configures migration parameters through its attrs:
# it writes each attribute (without a newline) right after create. A
# definition made from a source's description, readonly parameters
# included, starts (writes are idempotent).

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
ktap_set_plan 11

U=$(cat /proc/sys/kernel/random/uuid)
V=$(cat /proc/sys/kernel/random/uuid)
MDEV_CREATED+=("$U" "$V")
trap 'for u in $U $V; do mdevctl stop -u $u; mdevctl undefine -u $u; done 2>/dev/null
      mdev_cleanup' EXIT

check "mdevctl define an mtty-2 device" \
	mdevctl define -u "$U" -p mtty -t mtty-2
check "mdevctl modify adds attrs migration/params/fifo-size and config-state" \
	bash -c "mdevctl modify -u $U --addattr=migration/params/fifo-size --value=4 &&
		 mdevctl modify -u $U --addattr=migration/params/config-state --value=false"
check "mdevctl start" mdevctl start -u "$U"
P=$MDEV_DEVICES/$U/migration/params
expect_eq "fifo-size read back from sysfs" 4 "$(cat "$P/fifo-size" 2>&1)"
expect_eq "config-state read back from sysfs" false "$(cat "$P/config-state" 2>&1)"
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

# A definition copied from a source's description: every parameter it
# lists becomes an attr, nr-ports (readonly) too.
S=$(mdev_create mtty 2)
echo 8 > "$MDEV_DEVICES/$S/migration/params/fifo-size"
DESC=$(cat "$MDEV_DEVICES/$S/migration_info.json")
expect_eq "the source's description carries fifo-size 8 and nr-ports 2" "8 2" \
	"$(jq -r '"\(.params["fifo-size"]) \(.params["nr-ports"])"' <<< "$DESC")"
mdevctl define -u "$V" -p mtty -t mtty-2
jq -r '.params | to_entries[] | "\(.key) \(.value)"' <<< "$DESC" |
while read -r k v; do
	mdevctl modify -u "$V" --addattr="migration/params/$k" --value="$v"
done > /dev/null
check "a definition with every parameter of a source's description starts" \
	mdevctl start -u "$V"
expect_write "... and the device accepts the source's description" \
	"$MDEV_DEVICES/$V/migration_info.json" "$DESC" OK
mdevctl stop -u "$V"
for _ in $(jq -r '.params | keys[]' <<< "$DESC"); do
	mdevctl modify -u "$V" --delattr > /dev/null
done
mdevctl modify -u "$V" --addattr=migration/params/nr-ports --value=1 > /dev/null
rc=0
mdevctl start -u "$V" 2> /dev/null || rc=$?
check "with nr-ports 1 (readonly, another value) start fails, no device left" \
	test $rc -ne 0 -a ! -e "$MDEV_DEVICES/$V"

ktap_finished
