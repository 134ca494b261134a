#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Live migration with QEMU as the VMM, as users run it: two QEMUs on this
# host, each with its own mdev (-device vfio-pci,sysfsdev=...), driven
# over QMP. For mtty and mdpy: a running VM over a unix socket (with
# return-path and switchover-ack, both devices have PRE_COPY), a paused
# VM over file:, an incompatible destination that QEMU must refuse with
# the source running on intact, and migrate_cancel in the middle. The
# device state is put in and read back through the VM's view of the
# device (PCI config space and BARs over the qtest protocol): bytes in
# mtty's FIFO and its registers, a pattern in mdpy's framebuffer written
# through QEMU's mapping of BAR0. Once, the test-only test_mdev_config, a
# device whose migration state is its configuration (as vfio_ap's): a
# refused and a completed migration, and its configuration frozen while
# the VM is paused.
#
# QEMU's defaults are used where the kernel allows them: device dirty
# tracking needs CONFIG_IOMMUFD_DRIVER (see qemu_vfio_defaults_work).
#
# MDEV_QEMU_SCENARIOS picks scenarios (default: all of them, below); a
# slow kernel (KASAN under TCG) may run fewer.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"
source "$DIR/qemu_lib.sh"

ktap_print_header
modprobe -q test_mdev_config 2>/dev/null
mdev_require_parent mtty
mdev_require_parent mdpy
qemu_require
if [ ! -e "$(mdev_type_dir mdpy vga)/migration_info.json" ]; then
	ktap_skip_all "mdpy without migration support"
	exit "$KSFT_SKIP"
fi
# Scenarios and their number of results (per driver, but the first).
declare -A RESULTS=([frozen_while_paused]=4 [running_unix]=4 [paused_file]=5
		   [incompatible]=7 [cancelled]=6 [config_only]=15)
# Scenarios that run once, not once per driver.
ONCE="frozen_while_paused config_only"
ALL="frozen_while_paused running_unix paused_file incompatible cancelled
     config_only"
SCENARIOS=${MDEV_QEMU_SCENARIOS:-$ALL}
plan=2
for sc in $SCENARIOS; do
	if [ -z "${RESULTS[$sc]:-}" ]; then
		ktap_exit_fail_msg "unknown scenario $sc"
	fi
	n=${RESULTS[$sc]}
	[[ " $ONCE " == *" $sc "* ]] || n=$((n * 2))
	plan=$((plan + n))
done
ktap_set_plan "$plan"

qemu_choose_vfio_props

MDPY_FB=0xe0000000	# where the "firmware" puts mdpy's BAR0 (the framebuffer)

# mdpy: dwords in pages across the framebuffer and a 16 KiB run of one
# byte, all from SEED, written through QEMU's mapping of BAR0 (which
# must be an mmap of the device, not a trapped region).
MDPY_OFFS="0x0 0x7010 0x12344 0x1ffffc"
MDPY_RUN=0x40000
mdpy_put() {
	local o

	pci_map_bar0 "$1" "$MDPY_FB" MEM &&
	qmp "$1" human-monitor-command '{"command-line": "info mtree"}' ||
		return 1
	if ! grep -q 'BAR 0 mmaps\[0\]' <<< "$QMP_RET"; then
		ktap_print_msg "$1: QEMU does not map mdpy's BAR0"
		return 1
	fi
	for o in $MDPY_OFFS; do
		qtest "$1" writel $((MDPY_FB + o)) $(((o * 2654435761 + $2) & 0xffffffff)) ||
			return 1
	done
	qtest "$1" memset $((MDPY_FB + MDPY_RUN)) 16384 "$2"
}

mdpy_check() {
	local o want

	for o in $MDPY_OFFS; do
		qtest_expect "$1" "framebuffer dword at $o" "readl $((MDPY_FB + o))" \
			$(((o * 2654435761 + $2) & 0xffffffff)) || return 1
	done
	qtest "$1" read $((MDPY_FB + MDPY_RUN)) 16384 || return 1
	want=$(printf '%02x' "$2")
	if [[ ! "$QTEST_VAL" =~ ^0x($want)+$ ]] || [ ${#QTEST_VAL} -ne 32770 ]; then
		ktap_print_msg "$1: the 16 KiB run at $MDPY_RUN is not all $want"
		return 1
	fi
}

# Per driver: its parent and type, and for an incompatible destination
# either a parameter to write to it or another type.
declare -A TYPE=([mtty]=2 [mdpy]=vga)
declare -A BAD_TYPE=([mtty]=2 [mdpy]=xga)
declare -A BAD_PARAM=([mtty]="config-state false" [mdpy]=)

new_mdev() {
	mdev_create "$1" "${2:-${TYPE[$1]}}"
}

# report NAME: QEMU's own figures of the migration that just ended.
report() {
	ktap_print_msg "$1: $(jq -r '"downtime \(.downtime // "-") ms," +
		" total-time \(.["total-time"] // "-") ms," +
		" vfio.transferred \(.vfio.transferred // "-") bytes"' <<< "$MIG_INFO")"
}

# transferred_ok: the last migration moved device data.
transferred_ok() {
	[ "$(jq -r '.vfio.transferred // 0' <<< "$MIG_INFO")" -gt 0 ]
}

# unix_migrate SRC DST: migrate over a unix socket with return-path and
# switchover-ack on both sides; MIG_STATUS says how it ended.
unix_migrate() {
	local sock=$QEMU_DIR/$2.sock

	migrate_caps "$1" return-path switchover-ack &&
	migrate_caps "$2" return-path switchover-ack &&
	qmp "$2" migrate-incoming "{\"uri\": \"unix:$sock\", \"exit-on-error\": true}" &&
	qmp "$1" migrate "{\"uri\": \"unix:$sock\"}" &&
	migrate_wait "$1"
}

# remove_all UUID...: the machines are gone; remove their devices.
remove_all() {
	local u

	for u in "$@"; do
		mdev_remove "$u"
	done
}

# 1. A running VM over a unix socket: the destination runs on with the
# state the source's device had.
running_unix() {
	local drv=$1 s d
	MIG_STATUS= MIG_INFO={}

	s=$(new_mdev "$drv") && d=$(new_mdev "$drv") || return 1
	qemu_start src "$s" && "${drv}_put" src 0x11 &&
	qemu_start dst "$d" -incoming defer && unix_migrate src dst
	expect_eq "$drv: running VM over unix: completed" completed "$MIG_STATUS"
	report "$drv running, unix"
	check "$drv: ... vfio.transferred > 0" transferred_ok
	check "$drv: ... the destination runs" qemu_wait_runstate dst running
	check "$drv: ... with the device state" "${drv}_check" dst 0x11
	qemu_stop src
	qemu_stop dst
	remove_all "$s" "$d"
}

# 2. A paused VM to a file, then from the file: the destination is
# paused too, with the state.
paused_file() {
	local drv=$1 s d img=$QEMU_DIR/$1.img
	MIG_STATUS= MIG_INFO={}

	s=$(new_mdev "$drv") && d=$(new_mdev "$drv") || return 1
	# A paused VM moves no RAM once it is saved, so QEMU's measured
	# bandwidth, and with it the state it sends at switchover, drops
	# towards zero: mdpy's 2 MiB of STOP_COPY data may then never go.
	# Tell QEMU the bandwidth, as a management tool saving a VM does.
	qemu_start src "$s" && "${drv}_put" src 0x22 && qmp src stop &&
	qmp src migrate-set-parameters \
		'{"avail-switchover-bandwidth": 1073741824}' &&
	qmp src migrate "{\"uri\": \"file:$img\"}" && migrate_wait src
	expect_eq "$drv: paused VM to file: completed" completed "$MIG_STATUS"
	report "$drv paused, file"
	check "$drv: ... vfio.transferred > 0" transferred_ok
	qemu_stop src
	MIG_STATUS=
	qemu_start dst "$d" -incoming defer &&
	qmp dst migrate-incoming "{\"uri\": \"file:$img\"}" && migrate_wait dst
	expect_eq "$drv: ... loaded from the file" completed "$MIG_STATUS"
	check "$drv: ... the destination is paused" qemu_wait_runstate dst paused
	# QEMU leaves a paused destination's device in RESUMING: it takes
	# the state when the VM runs, and only then can a guest see it.
	qmp dst cont
	check "$drv: ... and once resumed has the device state" \
		"${drv}_check" dst 0x22
	qemu_stop dst
	remove_all "$s" "$d"
}

# 3. An incompatible destination: the migration fails with the
# destination's "Protocol error", the source runs on with its state,
# and a compatible destination then takes it.
incompatible() {
	local drv=$1 s d g pname pval
	MIG_STATUS= MIG_INFO={}

	s=$(new_mdev "$drv") && d=$(new_mdev "$drv" "${BAD_TYPE[$drv]}") &&
	g=$(new_mdev "$drv") || return 1
	if [ -n "${BAD_PARAM[$drv]}" ]; then
		read -r pname pval <<< "${BAD_PARAM[$drv]}"
		printf '%s' "$pval" > "$MDEV_DEVICES/$d/migration/params/$pname" ||
			ktap_print_msg "$drv: cannot set $pname to $pval"
	fi
	qemu_start src "$s" && "${drv}_put" src 0x33 &&
	qemu_start bad "$d" -incoming defer && unix_migrate src bad
	expect_eq "$drv: incompatible destination: migration failed" failed \
		"$MIG_STATUS"
	check "$drv: ... the destination exits" qemu_exited bad
	check "$drv: ... saying Protocol error" qemu_log_has bad "Protocol error"
	check "$drv: ... the source runs on" qemu_wait_runstate src running
	check "$drv: ... with its device state" "${drv}_check" src 0x33 peek
	qemu_stop bad
	qemu_start dst "$g" -incoming defer && unix_migrate src dst
	expect_eq "$drv: ... a compatible destination then: completed" \
		completed "$MIG_STATUS"
	check "$drv: ... with the device state" "${drv}_check" dst 0x33
	qemu_stop src
	qemu_stop dst
	remove_all "$s" "$d" "$g"
}

# 4. migrate_cancel in the middle (32 MiB of guest RAM that is not zero
# and a bandwidth of 64 KiB/s keep it there): the source runs on, its
# device works, a later migration ends.
cancelled() {
	local drv=$1 s d g
	MIG_STATUS= MIG_INFO={}

	s=$(new_mdev "$drv") && d=$(new_mdev "$drv") && g=$(new_mdev "$drv") ||
		return 1
	qemu_start src "$s" && "${drv}_put" src 0x44 &&
	qtest src memset 0x100000 0x2000000 0xa5 &&
	qmp src migrate-set-parameters '{"max-bandwidth": 65536}' &&
	qemu_start dst "$d" -incoming defer &&
	migrate_caps src return-path switchover-ack &&
	migrate_caps dst return-path switchover-ack &&
	qmp dst migrate-incoming "{\"uri\": \"unix:$QEMU_DIR/c.sock\"}" &&
	qmp src migrate "{\"uri\": \"unix:$QEMU_DIR/c.sock\"}"
	check "$drv: slow migration: active" migrate_active src
	qmp src migrate_cancel && migrate_wait src
	expect_eq "$drv: ... migrate_cancel: cancelled" cancelled "$MIG_STATUS"
	check "$drv: ... the source runs on" qemu_wait_runstate src running
	check "$drv: ... its device works, with its state" "${drv}_check" src 0x44
	qemu_stop dst
	# The next one starts slow too, and the state changes while it is
	# active, with the device in PRE_COPY (QEMU puts it there before the
	# migration is active): mdpy's write tracking must catch those pages.
	qemu_start dst "$g" -incoming defer &&
	migrate_caps dst return-path switchover-ack &&
	qmp dst migrate-incoming "{\"uri\": \"unix:$QEMU_DIR/d.sock\"}" &&
	qmp src migrate "{\"uri\": \"unix:$QEMU_DIR/d.sock\"}" &&
	migrate_active src && "${drv}_put" src 0x55 && migrate_active src &&
	qmp src migrate-set-parameters '{"max-bandwidth": 1073741824}' &&
	migrate_wait src
	expect_eq "$drv: ... a later one, state changed in it: completed" \
		completed "$MIG_STATUS"
	check "$drv: ... with the device state of the end" "${drv}_check" dst 0x55
	qemu_stop src
	qemu_stop dst
	remove_all "$s" "$d" "$g"
}

# start_paused UUID: the source VM with that device, paused.
start_paused() {
	qemu_start src "$1" && qmp src stop
}

# 5. A paused VM's device is out of RUNNING (QEMU stops it), so its
# runtime parameters are frozen until the VM runs again.
frozen_while_paused() {
	local s p

	s=$(new_mdev mtty) || return 1
	p=$MDEV_DEVICES/$s/migration/params/config-state
	check "mtty: a VM started and paused" start_paused "$s"
	expect_write "mtty: a paused VM's runtime parameter is frozen" \
		"$p" false EBUSY "$p"
	qmp src cont
	expect_write "mtty: ... and writable once the VM runs" "$p" false OK
	expect_eq "mtty: ... with the value written" false "$(cat "$p")"
	qemu_stop src
	remove_all "$s"
}

# 6. A device whose whole migration state is its configuration, as
# vfio_ap's: the test-only driver test_mdev_config, on the mdev core's
# config-only migration, which QEMU's vfio-pci takes as a PCI function
# with a configuration space only. The data QEMU moves is the device's
# description; a destination configured otherwise refuses it; while the
# VM is paused the driver's own configuration file gets EBUSY.
cfg_new() {
	local u p

	u=$(mdev_create test_mdev_config cfg) || return 1
	p=$MDEV_DEVICES/$u/migration/params
	printf '%s' "$1" > "$p/level" && printf '%s' "$2" > "$p/label" ||
		return 1
	echo "$u"
}

cfg_params() {
	local p=$MDEV_DEVICES/$1/migration/params

	echo "level=$(cat "$p/level") label=$(cat "$p/label")"
}

# cfg_ids NAME: the device's vendor and device ID, as the VM reads them
cfg_ids() {
	pci_cfg_readl "$1" 0 || return 1
	printf '0x%08x' $((QTEST_VAL))
}

config_only() {
	local s d g len shift
	# No DMA logging of its own (VFIO_DEVICE_FEATURE_DMA_LOGGING), as
	# vfio_ap: without the IOMMU's dirty tracking QEMU refuses it unless
	# told to migrate it anyway.
	local QEMU_VFIO_PROPS=",enable-migration=on"

	if [ ! -d "$MDEV_CLASS/test_mdev_config" ]; then
		ktap_print_msg "config-only: module test_mdev_config not loaded"
		return 1
	fi
	s=$(cfg_new 7 vm) && d=$(cfg_new 9 vm) && g=$(cfg_new 8 vm) || return 1
	shift=$MDEV_DEVICES/$s/shift
	qemu_start src "$s"
	expect_eq "config-only: QEMU's vfio-pci takes the device (IDs 1b36:10ff)" \
		0x10ff1b36 "$(cfg_ids src)"
	qmp src stop
	expect_write "config-only: paused VM: the driver's own file gets EBUSY" \
		"$shift" 1 EBUSY "$MDEV_DEVICES/$s/migration/params/level"
	qmp src cont
	expect_write "config-only: ... and is taken once the VM runs" \
		"$shift" 1 OK
	expect_eq "config-only: ... the level is 8 now" "level=8 label=vm" \
		"$(cfg_params "$s")"

	qemu_start bad "$d" -incoming defer && unix_migrate src bad
	expect_eq "config-only: a destination at level 9: migration failed" \
		failed "$MIG_STATUS"
	check "config-only: ... the destination exits, saying Protocol error" \
		qemu_log_has bad "Protocol error"
	check "config-only: ... the source runs on" qemu_wait_runstate src running
	expect_eq "config-only: ... both configurations unchanged" \
		"level=8 label=vm level=9 label=vm" \
		"$(cfg_params "$s") $(cfg_params "$d")"
	qemu_stop bad

	len=$(($(wc -c < "$MDEV_DEVICES/$s/migration_info.json") + 12))
	qemu_start dst "$g" -incoming defer && unix_migrate src dst
	report config-only
	expect_eq "config-only: a destination at level 8: completed" \
		completed "$MIG_STATUS"
	expect_eq "config-only: ... QEMU moved the description block, $len bytes" \
		"$len" "$(jq -r '.vfio.transferred // 0' <<< "$MIG_INFO")"
	check "config-only: ... the destination runs" qemu_wait_runstate dst running
	expect_eq "config-only: ... and its VM sees the device" 0x10ff1b36 \
		"$(cfg_ids dst)"
	expect_write "config-only: the source, migrated away: still frozen" \
		"$shift" 1 EBUSY "$MDEV_DEVICES/$s/migration/params/level"
	qemu_stop src
	expect_write "config-only: ... until its VM is gone (device closed)" \
		"$shift" -1 OK
	expect_eq "config-only: ... the source's level is 7 again" \
		"level=7 label=vm" "$(cfg_params "$s")"
	qemu_stop dst
	remove_all "$s" "$d" "$g"
}

# run SCENARIO [DRIVER]: a scenario that stopped early (no device left
# to make, say) still reports all its results: as failures.
run() {
	local first=$KTAP_TESTNO

	"$@"
	while [ $((KTAP_TESTNO - first)) -lt "${RESULTS[$1]}" ]; do
		ktap_test_fail "$*: not reached"
	done
}

kmsg_mark
for sc in $SCENARIOS; do
	if [[ " $ONCE " == *" $sc "* ]]; then
		run "$sc"
		continue
	fi
	for drv in mtty mdpy; do
		run "$sc" "$drv"
	done
done
check_kmsg_clean "no kernel splat during the QEMU migrations"
check "no QEMU left running" qemu_none_left

ktap_finished
