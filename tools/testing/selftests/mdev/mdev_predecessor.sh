#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Migration between this mtty and the mtty of Linux 7.2, unmodified (the
# predecessor: its stream has no description). The two cannot share a
# kernel (each needs its own mdev.ko), so the test runs in three boots,
# one phase each, and the streams go from boot to boot as files in
# MDEV_SHARE (harness/predecessor.sh runs the boots):
#
#   older-save  the older mtty, on Debian's mdev.ko: saves a stream with
#               mig_client and a paused VM with QEMU;
#   ours        this mtty: takes both at its off values, refuses them with
#               config-state on (the device untouched, then resuming a
#               good stream), sends the older stream byte for byte at its
#               off values, and saves its own streams for the next phase;
#   older-load  the older mtty again: takes this mtty's stream at its off
#               values, with mig_client and with QEMU, and refuses the
#               streams with config-state on.
#
#   MDEV_SHARE=/run/share mdev_predecessor.sh older-save|ours|older-load
#
# The device state is put in through the VM's (or mig_client's) view of
# the device and read back on the destination: the line control and
# scratch registers and three bytes in the receive FIFO of port 0, and,
# with config-state on, the PCI interrupt line.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"
source "$DIR/qemu_lib.sh"

PHASE=${1:-}
SHARE=${MDEV_SHARE:-}
MODEL=kernel.org/samples/mtty
SEED=0x5a
# mig_client: the registers of port 0 and three bytes into its FIFO.
POKE=(--poke 0:3:0x03 --poke "0:7:$SEED" --poke 0:0:0x41,0x42,0x43)
PEEK=(--peek 0:3:1 --peek 0:7:1 --peek 0:5:1 --peek 0:0:3 --peek 0:5:1)
# The older stream: a 24-byte header, then 36 bytes per port.
OLDER_LEN=$((24 + 2 * 36))

ktap_print_header
case $PHASE in
older-save) plan=5 ;;
ours) plan=32 ;;
older-load) plan=10 ;;
*)
	ktap_skip_all "needs a phase (older-save, ours, older-load) and" \
		"the older mtty in its own boot: harness/predecessor.sh runs it"
	exit "$KSFT_SKIP"
	;;
esac
if [ -z "$SHARE" ] || [ ! -d "$SHARE" ] || [ ! -w "$SHARE" ]; then
	ktap_skip_all "MDEV_SHARE is not a writable folder"
	exit "$KSFT_SKIP"
fi
mdev_require_parent mtty
qemu_require
ktap_set_plan "$plan"
qemu_choose_vfio_props

TYPE=$(mdev_type_dir mtty 2)

# config_state UUID [VALUE]: set, then print, the device's config-state.
config_state() {
	local f=$MDEV_DEVICES/$1/migration/params/config-state

	[ -n "${2:-}" ] && printf '%s' "$2" > "$f"
	cat "$f"
}

# new_ours VALUE: a dual port device with config-state VALUE.
new_ours() {
	local u

	u=$(mdev_create mtty 2) || return 1
	[ "$(config_state "$u" "$1")" = "$1" ] || return 1
	echo "$u"
}

# state_arrived NAME: the last mig_client output peeked the state POKE
# put in: LCR, SCR, data ready, the three bytes, then an empty FIFO.
state_arrived() {
	local lsr

	lsr=$(grep '^peek 0:5: ' <<< "$OUT" | tail -n 1)
	if grep -qx 'peek 0:3: 03' <<< "$OUT" &&
	   grep -qx "peek 0:7: ${SEED#0x}" <<< "$OUT" &&
	   grep -qx 'peek 0:5: 01' <<< "$OUT" &&
	   grep -qx 'peek 0:0: 41 42 43' <<< "$OUT" &&
	   [ $((0x${lsr#peek 0:5: } & 1)) = 0 ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: not the state put in:"
		echo "$OUT" | grep '^peek' | sed 's/^/# /'
		ktap_test_fail "$1"
	fi
}

# refused NAME: the last mig_client run failed on the destination's side
# (exit 2: EPROTO; 3: another errno; the older mtty has its own).
refused() {
	if [ "$MIG_RC" = 2 ] || [ "$MIG_RC" = 3 ]; then
		grep -m1 '^dst: .*(E[A-Z]*)$' <<< "$OUT" | sed 's/^/# /'
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: mig_client exit $MIG_RC"
		echo "$OUT" | sed 's/^/# /'
		ktap_test_fail "$1"
	fi
}

mig() {
	MIG_RC=0
	OUT=$("$DIR/mig_client" "$@" 2>&1) || MIG_RC=$?
}

# mig_ok NAME: the last mig_client run succeeded.
mig_ok() {
	if [ "$MIG_RC" = 0 ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: mig_client exit $MIG_RC"
		echo "$OUT" | sed 's/^/# /'
		ktap_test_fail "$1"
	fi
}

# qemu_save NAME UUID SEED FILE [VALUE]: a paused VM with the state from
# SEED saved to FILE; the source VM then runs on.
qemu_save() {
	MIG_STATUS=
	qemu_start "$1" "$2" && mtty_put "$1" "$3" && qmp "$1" stop &&
	qmp "$1" migrate-set-parameters \
		'{"avail-switchover-bandwidth": 1073741824}' &&
	qmp "$1" migrate "{\"uri\": \"file:$4\"}" && migrate_wait "$1"
}

# qemu_load NAME UUID FILE: a destination loads FILE and runs. It stays
# after a failure, which MIG_INFO then explains.
qemu_load() {
	MIG_STATUS=
	qemu_start "$1" "$2" -incoming defer &&
	qmp "$1" migrate-incoming \
		"{\"uri\": \"file:$3\", \"exit-on-error\": false}" &&
	migrate_wait "$1" && [ "$MIG_STATUS" = completed ] && qmp "$1" cont
}

# mig_error_has TEXT: the failed migration's error says TEXT.
mig_error_has() {
	local e

	e=$(jq -r '."error-desc" // ""' <<< "$MIG_INFO")
	ktap_print_msg "QEMU: $e"
	grep -q -- "$1" <<< "$e"
}

older_is_loaded() {
	# The older mtty has no migration compatibility files.
	[ -d "$TYPE" ] && [ ! -e "$TYPE/migration_info.json" ]
}

# Phase 1, the older mtty: the streams the next phase must take.
older_save() {
	local s q

	check "the older mtty (no migration_info.json) is loaded" older_is_loaded
	s=$(mdev_create mtty 2) || ktap_exit_fail_msg "cannot create a device"
	mig migrate "${POKE[@]}" --save "$SHARE/older.bin" "$s"
	mig_ok "older mtty: stream saved by mig_client"
	expect_eq "... $OLDER_LEN bytes (header and two port records)" \
		"$OLDER_LEN" "$(stat -c %s "$SHARE/older.bin" 2>/dev/null)"
	mdev_remove "$s"
	q=$(mdev_create mtty 2) || ktap_exit_fail_msg "cannot create a device"
	qemu_save src "$q" 0x21 "$SHARE/older.qemu"
	expect_eq "older mtty: paused VM saved by QEMU" completed "$MIG_STATUS"
	check "... and the VM runs on with its device state" \
		eval 'qmp src cont && mtty_check src 0x21'
	qemu_stop src
}

# Phase 2, this mtty.
ours() {
	local d u v magic

	check "this mtty (with migration_info.json) is loaded" \
		[ -e "$TYPE/migration_info.json" ]
	[ -s "$SHARE/older.bin" ] && [ -s "$SHARE/older.qemu" ] ||
		ktap_exit_fail_msg "no streams of the older mtty in $SHARE"

	# The type check: what the older stream implies (nr-ports only).
	expect_write "type check: {model, nr-ports 2} fits type 2" \
		"$TYPE/migration_info.json" \
		"{\"model\": \"$MODEL\", \"params\": {\"nr-ports\": 2}}" OK
	expect_write "... not type 1 (EPROTO)" \
		"$(mdev_type_dir mtty 1)/migration_info.json" \
		"{\"model\": \"$MODEL\", \"params\": {\"nr-ports\": 2}}" EPROTO

	# At the off values: the older stream, byte for byte.
	u=$(new_ours false) || ktap_exit_fail_msg "cannot create a device"
	mig migrate "${POKE[@]}" --save "$SHARE/ours-older.bin" "$u"
	mig_ok "off values: stream saved"
	check "... byte for byte the older mtty's ($OLDER_LEN bytes)" \
		cmp "$SHARE/older.bin" "$SHARE/ours-older.bin"
	mdev_remove "$u"

	# The older stream into a device at its off values.
	d=$(new_ours false) || ktap_exit_fail_msg "cannot create a device"
	mig migrate "${PEEK[@]}" --load "$SHARE/older.bin" "$d"
	mig_ok "older stream -> off values: taken"
	state_arrived "... registers and FIFO arrived"
	mdev_remove "$d"

	# With config-state on: refused before any state is taken.
	v=$(new_ours true) || ktap_exit_fail_msg "cannot create a device"
	kmsg_mark
	mig migrate --load "$SHARE/older.bin" "$v"
	expect_eq "older stream -> config-state on: refused (EPROTO)" 2 \
		"$MIG_RC"
	check "... the log says a stream of the predecessor, config-state" \
		eval 'kmsg_since_mark | grep -q "a stream of the predecessor.*config-state"'
	expect_eq "... config-state still on" true "$(config_state "$v")"
	mig migrate --peek-src 0:7:1 --peek-src 0:5:1 --save /dev/null "$v"
	check "... the device untouched (scratch register 0, FIFO empty)" \
		eval '[ "$MIG_RC" = 0 ] && grep -qx "peek-src 0:7: 00" <<< "$OUT" &&
		      grep -q "^peek-src 0:5: .[02468ace]$" <<< "$OUT"'
	# A stream with config-state on, with the interrupt line set.
	u=$(new_ours true) || ktap_exit_fail_msg "cannot create a device"
	mig migrate "${POKE[@]}" --poke 7:0x3c:0x0b \
		--save "$SHARE/ours-new.bin" "$u"
	magic=$(head -c 4 "$SHARE/ours-new.bin" 2>/dev/null)
	expect_eq "config-state on: the stream starts with the description" \
		MDMG "$magic"
	mig migrate "${PEEK[@]}" --peek 7:0x3c:1 \
		--load "$SHARE/ours-new.bin" "$v"
	mig_ok "... the refusing device then takes it"
	state_arrived "... registers and FIFO arrived"
	has "... and the interrupt line, which the older stream forgot" \
		'^peek 7:0x3c: 0b$'
	mdev_remove "$u"
	mdev_remove "$v"

	# What config-state adds: the interrupt line, between two of ours.
	u=$(new_ours false) && v=$(new_ours false) ||
		ktap_exit_fail_msg "cannot create a device"
	mig migrate --poke 7:0x3c:0x0b --peek 7:0x3c:1 "$u" "$v"
	has "config-state off: the interrupt line is lost (older behaviour)" \
		'^peek 7:0x3c: 00$'
	mdev_remove "$u"
	mdev_remove "$v"

	# QEMU: the older paused VM into a device at its off values.
	d=$(new_ours false) || ktap_exit_fail_msg "cannot create a device"
	qemu_load dst "$d" "$SHARE/older.qemu"
	expect_eq "QEMU: older VM -> off values: completed" completed \
		"$MIG_STATUS"
	check "... with the device state" mtty_check dst 0x21 peek
	# Then the runtime parameter goes on, and the VM migrates on with it.
	expect_write "... config-state on while the VM runs" \
		"$MDEV_DEVICES/$d/migration/params/config-state" true OK
	pci_cfg_writel dst 0x3c 0x0000010b
	u=$(new_ours true) || ktap_exit_fail_msg "cannot create a device"
	qemu_start dst2 "$u" -incoming defer &&
	migrate_caps dst return-path switchover-ack &&
	migrate_caps dst2 return-path switchover-ack &&
	qmp dst2 migrate-incoming "{\"uri\": \"unix:$QEMU_DIR/n.sock\"}" &&
	qmp dst migrate "{\"uri\": \"unix:$QEMU_DIR/n.sock\"}" &&
	migrate_wait dst
	expect_eq "... to a new destination with config-state on: completed" \
		completed "$MIG_STATUS"
	check "... with the device state" eval \
		'qemu_wait_runstate dst2 running && mtty_check dst2 0x21'
	check "... and the interrupt line" eval \
		'pci_cfg_readl dst2 0x3c && [ $((QTEST_VAL & 0xff)) = 11 ]'
	qemu_stop dst
	qemu_stop dst2
	mdev_remove "$d"
	mdev_remove "$u"

	# QEMU: the older VM into a device with config-state on: refused.
	v=$(new_ours true) || ktap_exit_fail_msg "cannot create a device"
	qemu_load bad "$v" "$SHARE/older.qemu"
	expect_eq "QEMU: older VM -> config-state on: failed" failed \
		"$MIG_STATUS"
	check "... with Protocol error" mig_error_has "Protocol error"
	qemu_stop bad
	expect_eq "... config-state still on" true "$(config_state "$v")"

	# QEMU: this mtty's paused VMs for the older mtty, the source runs on.
	u=$(new_ours false) || ktap_exit_fail_msg "cannot create a device"
	qemu_save src "$u" 0x31 "$SHARE/ours-older.qemu"
	expect_eq "QEMU: off values: paused VM saved" completed "$MIG_STATUS"
	check "... and runs on with its device state" \
		eval 'qmp src cont && mtty_check src 0x31 peek'
	qemu_stop src
	mdev_remove "$u"
	u=$(new_ours true) || ktap_exit_fail_msg "cannot create a device"
	qemu_save src "$u" 0x41 "$SHARE/ours-new.qemu"
	expect_eq "QEMU: config-state on: paused VM saved" completed \
		"$MIG_STATUS"
	check "... and runs on with its device state" \
		eval 'qmp src cont && mtty_check src 0x41 peek'
	qemu_stop src
	mdev_remove "$u"
	# The device that refused the older VM takes a good one.
	qemu_load dst "$v" "$SHARE/ours-new.qemu"
	expect_eq "QEMU: the refusing device then takes a good VM" completed \
		"$MIG_STATUS"
	check "... with the device state" mtty_check dst 0x41
	qemu_stop dst
	mdev_remove "$v"
	check_kmsg_clean "no kernel warnings"
}

# Phase 3, the older mtty again: this mtty's streams.
older_load() {
	local d

	check "the older mtty (no migration_info.json) is loaded" older_is_loaded
	[ -s "$SHARE/ours-older.bin" ] && [ -s "$SHARE/ours-older.qemu" ] ||
		ktap_exit_fail_msg "no streams of this mtty in $SHARE"
	d=$(mdev_create mtty 2) || ktap_exit_fail_msg "cannot create a device"
	mig migrate "${PEEK[@]}" --load "$SHARE/ours-older.bin" "$d"
	mig_ok "this mtty's stream at off values -> older mtty: taken"
	state_arrived "... registers and FIFO arrived"
	mdev_remove "$d"
	d=$(mdev_create mtty 2) || ktap_exit_fail_msg "cannot create a device"
	mig migrate --load "$SHARE/ours-new.bin" "$d"
	refused "config-state on -> older mtty: refused"
	# The older mtty leaves a refusing device in RESUMING: a new one.
	d=$(mdev_create mtty 2) || ktap_exit_fail_msg "cannot create a device"
	qemu_load dst "$d" "$SHARE/ours-older.qemu"
	expect_eq "QEMU: this mtty's VM at off values -> older mtty: completed" \
		completed "$MIG_STATUS"
	check "... with the device state" mtty_check dst 0x31
	qemu_stop dst
	d=$(mdev_create mtty 2) || ktap_exit_fail_msg "cannot create a device"
	qemu_load bad "$d" "$SHARE/ours-new.qemu"
	expect_eq "QEMU: config-state on -> older mtty: failed" failed \
		"$MIG_STATUS"
	check "... with an error from the older mtty" \
		mig_error_has "load of migration failed"
	qemu_stop bad
	check_kmsg_clean "no kernel warnings"
	check "the older mtty is still the one loaded" older_is_loaded
}

case $PHASE in
older-save) older_save ;;
ours) ours ;;
older-load) older_load ;;
esac
ktap_finished
