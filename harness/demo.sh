#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The main job, run inside the VM: the management flow of the guide with
# cat and echo (jq only to walk the description's parameters).
set -u
export LC_ALL=C
step() { printf '\n### %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; eval "$@"; }
# try CMD: run a write, print OK or the errno text the shell reports.
try() {
	local err
	printf '$ %s\n' "$*"
	if err=$(eval "$@" 2>&1); then
		echo "  -> OK"
	else
		echo "  -> refused: ${err##*: }"
		return 1
	fi
}
new_uuid() { cat /proc/sys/kernel/random/uuid; }
TYPES=/sys/class/mdev_bus/mtty/mdev_supported_types
DEVS=/sys/bus/mdev/devices

step "mdev parents and their types"
for t in /sys/class/mdev_bus/*/mdev_supported_types/*; do
	m=no
	[ -e "$t/migration_info.json" ] && m=yes
	printf '%-44s %-9s %3s available, migration_info.json: %s\n' \
		"${t#/sys/class/mdev_bus/}" "$(cat "$t/device_api")" \
		"$(cat "$t/available_instances")" "$m"
done

step "capabilities of the mtty types"
show "cat $TYPES/mtty-1/migration_info.json"
show "cat $TYPES/mtty-2/migration_info.json"

step "source host: a 2-port mtty device and its description"
SRC=$(new_uuid)
show "echo $SRC > $TYPES/mtty-2/create"
show "cat $DEVS/$SRC/migration_info.json | tee /tmp/desc.json"
show "grep . $DEVS/$SRC/migration/params/*"

step "destination host: which types can take it? (nothing is created)"
for t in /sys/class/mdev_bus/*/mdev_supported_types/*; do
	[ -e "$t/migration_info.json" ] || continue
	try "cat /tmp/desc.json > $t/migration_info.json" && TARGET=$t
done
echo "kernel log of the refusals:"
dmesg | grep 'migration check failed' | tail -n 3 | sed 's/^/  /'

step "create the destination on ${TARGET##*/}, configure it from the description, confirm"
DST=$(new_uuid)
show "echo $DST > $TARGET/create"
# One loop over the description, readonly parameters included: writing
# the value a parameter already has succeeds.
for name in $(jq -r '.params | keys[]' /tmp/desc.json); do
	show "echo $(jq -r ".params[\"$name\"]" /tmp/desc.json) > $DEVS/$DST/migration/params/$name"
done
try "cat /tmp/desc.json > $DEVS/$DST/migration_info.json"

step "an incompatible destination: a 1-port device"
BAD=$(new_uuid)
show "echo $BAD > $TYPES/mtty-1/create"
try "cat /tmp/desc.json > $DEVS/$BAD/migration_info.json"
dmesg | grep 'migration check failed' | tail -n 1 | sed 's/^/  kernel log: /'

step "a destination configured differently: config-state off"
show "echo off > $DEVS/$DST/migration/params/config-state"
try "cat /tmp/desc.json > $DEVS/$DST/migration_info.json"
dmesg | grep 'migration check failed' | tail -n 1 | sed 's/^/  kernel log: /'

step "a real migration of the source to the destination (VFIO uAPI)"
MIG=out/kselftest/mdev/mig_client
show "echo on > $DEVS/$DST/migration/params/config-state"
echo "program the source's UART: scratch register 0x5a, FIFO on, 'hi' queued"
show "$MIG migrate -c 64 --poke 0:7:0x5a --poke 0:2:0x01 --poke 0:0:0x68,0x69 --peek 0:7:1 --peek 0:0:2 $SRC $DST"

step "the same migration to the 1-port device: the stream refuses it"
show "$MIG migrate $SRC $BAD; echo \"exit status \$?\""

step "a live migration through QEMU 10, the VMM users run"
# The selftests' QEMU helpers: machines driven over QMP, the device
# programmed over the qtest protocol as a guest driver would.
ktap_print_msg() { echo "  $*"; }
mdev_cleanup() { :; }
MDEV_DEVICES=$DEVS
. out/kselftest/mdev/qemu_lib.sh
if ! qemu_vfio_defaults_work; then
	QEMU_VFIO_PROPS=",enable-migration=on,x-device-dirty-page-tracking=off"
	echo "this kernel has no CONFIG_IOMMUFD_DRIVER (no device dirty" \
	     "tracking): vfio-pci gets ${QEMU_VFIO_PROPS#,}"
fi
demo_qmp() {
	echo "  $1 <- {\"execute\": \"$2\"${3:+, \"arguments\": $3}}"
	qmp "$@" && echo "  $1 -> $QMP_RET"
}
echo "source: -device vfio-pci,sysfsdev=$DEVS/$SRC,addr=$QEMU_SLOT$QEMU_VFIO_PROPS"
qemu_start src "$SRC" || exit 1
echo "destination: the same with $DST, and -incoming defer"
qemu_start dst "$DST" -incoming defer || exit 1
echo "the guest programs the source's UART: FIFO cleared, scratch register 0xa7, 'ok' sent"
pci_map_bar0 src 0xc000 IO && qtest src outb 0xc002 0x07 &&
	qtest src outb 0xc007 0xa7 &&
	qtest src outb 0xc000 0x6f && qtest src outb 0xc000 0x6b
for m in src dst; do
	demo_qmp $m migrate-set-capabilities \
		'{"capabilities": [{"capability": "return-path", "state": true}, {"capability": "switchover-ack", "state": true}]}'
done
demo_qmp dst migrate-incoming "{\"uri\": \"unix:$QEMU_DIR/mig.sock\"}"
demo_qmp src migrate "{\"uri\": \"unix:$QEMU_DIR/mig.sock\"}"
migrate_wait src
echo "  src: $(jq -c '{status, downtime, "total-time", vfio}' <<< "$MIG_INFO")"
qemu_wait_runstate dst running && echo "  dst: $(qemu_runstate dst)"
qtest dst inb 0xc007 && echo "the destination's guest reads: scratch $QTEST_VAL," \
	"FIFO $(qtest dst inb 0xc000 && echo "$QTEST_VAL") $(qtest dst inb 0xc000 && echo "$QTEST_VAL")"
qemu_stop src
qemu_stop dst

step "the same with QEMU to the 1-port device: the stream refuses it"
qemu_start src "$SRC" && qemu_start bad "$BAD" -incoming defer || exit 1
demo_qmp bad migrate-incoming "{\"uri\": \"unix:$QEMU_DIR/bad.sock\"}"
demo_qmp src migrate "{\"uri\": \"unix:$QEMU_DIR/bad.sock\"}"
migrate_wait src
echo "  src: status $MIG_STATUS, VM $(qemu_runstate src)"
qemu_exited bad
grep -h 'Protocol error' "$QEMU_DIR/bad/log" | sed 's/^/  destination QEMU: /'
dmesg | grep 'migration check failed' | tail -n 1 | sed 's/^/  kernel log: /'
qemu_stop src
qemu_stop bad

for u in $SRC $DST $BAD; do echo 1 > "$DEVS/$u/remove"; done
