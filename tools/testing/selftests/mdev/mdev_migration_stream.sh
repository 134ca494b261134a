#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The stream enforces: real VFIO migrations between mtty devices with
# mig_client (the uAPI as a VMM drives it). Guest-visible state moves, a
# destination refuses an incompatible, truncated, corrupted or foreign
# stream with EPROTO before it takes any state, the source is RUNNING
# again after a failure, and runtime parameters are frozen while a device
# migrates.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
if [ ! -e "$(mdev_type_dir mtty 2)/migration_info.json" ]; then
	ktap_skip_all "mtty without migration_info.json"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 48

MIG=$DIR/mig_client
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; mdev_cleanup' EXIT
# Port 0 of mtty: scratch register at 7, FIFO control at 2, THR/RBR at 0,
# line status at 5 (bit 0: data ready).
POKE=(--poke 0:7:0x5a --poke 0:2:0x01 --poke 0:0:0x41,0x42)


# 1. Compatible migrations, with several chunkings of the stream.
for chunks in 4096 1 1,7,13 4096:--no-precopy; do
	opt=()
	case $chunks in *:*) opt=("${chunks#*:}"); chunks=${chunks%%:*} ;; esac
	S=$(mdev_create mtty 2)
	D=$(mdev_create mtty 2)
	mig_run "mtty-2 -> mtty-2, chunks $chunks ${opt[*]}" 0 migrate -c "$chunks" \
		"${opt[@]}" "${POKE[@]}" --peek 0:7:1 --peek 0:5:1 --peek 0:0:2 "$S" "$D"
	has "scratch register and FIFO bytes arrive (chunks $chunks ${opt[*]})" \
		"peek 0:0: 41 42"
	has "... and the scratch register (chunks $chunks ${opt[*]})" \
		"peek 0:7: 5a"
	mdev_remove "$S"
	mdev_remove "$D"
done

# 2. An aborted migration leaves the source running with its state.
S=$(mdev_create mtty 2)
D=$(mdev_create mtty 2)
mig_run "aborted migration exits 4" 4 migrate --abort-after 20 --poke 0:7:0x33 \
	--peek-src 0:7:1 "$S" "$D"
has_src_restored "the source is RUNNING again after the abort"
has "the source's state is intact after the abort" "peek-src 0:7: 33"

# 3. An incompatible destination: caught by the pre-check...
D1=$(mdev_create mtty 1)
expect_write "pre-check: mtty-2 source on an mtty-1 device: EPROTO" \
	"$MDEV_DEVICES/$D1/migration_info.json" \
	"$(cat "$MDEV_DEVICES/$S/migration_info.json")" EPROTO
# ... and by the stream alone when the pre-check is skipped.
kmsg_mark
mig_run "stream: mtty-2 -> mtty-1 is refused (exit 2)" 2 migrate --poke 0:7:0x44 \
	--peek-src 0:7:1 "$S" "$D1"
has "the destination's write fails with EPROTO" "Protocol error"
has "the destination stays in RESUMING" "dst: state RESUMING"
has_src_restored "the source is RUNNING again"
has "the source's state is intact" "peek-src 0:7: 44"
check "the destination logged why" grep -q "rule 2.*nr-ports" <(kmsg_since_mark)

# 4. Truncated, corrupted and foreign streams.
mig_run "save a stream" 0 migrate --save "$TMP/good" --poke 0:7:0x66 "$S"
size=$(stat -c %s "$TMP/good")
head -c 8 "$TMP/good" > "$TMP/short"
mig_run "a stream cut inside the header is refused" 2 migrate --load "$TMP/short" "$D"
head -c $((size - 3)) "$TMP/good" > "$TMP/cut"
mig_run "a stream cut inside the device state is refused" 3 migrate --load "$TMP/cut" "$D"
has "... with EINVAL" "Invalid argument (EINVAL)"
cp "$TMP/good" "$TMP/flip"
printf '\x21' | dd of="$TMP/flip" bs=1 seek=40 conv=notrunc status=none
mig_run "a bit-flipped description is refused" 2 migrate --load "$TMP/flip" "$D"
{ printf 'XXXX'; tail -c +5 "$TMP/good"; } > "$TMP/foreign"
mig_run "a stream with a foreign magic is refused" 2 migrate --load "$TMP/foreign" "$D"
head -c 300 /dev/urandom > "$TMP/random"
mig_run "random bytes are refused" 2 migrate --load "$TMP/random" "$D"
# The description and a bad tail in one write(): the write takes the
# description's bytes alone (a short write), the tail then fails alone.
{ cat "$TMP/good"; head -c 64 /dev/zero; } > "$TMP/long"
dlen=$((12 + $(od -An -tu4 -j8 -N4 "$TMP/good")))
mig_run "a description and a bad tail in one write: refused" 3 migrate \
	-c 4096 --load "$TMP/long" "$D"
has "... the write takes the description alone (a short write)" \
	"dst: short write: $dlen of $((size + 64)) bytes"
has "... the tail is refused by the next write" \
	"dst: $dlen bytes of the stream accepted"
mig_run "the same destination then takes the good stream" 0 migrate \
	--load "$TMP/good" --peek 0:7:1 "$D"
has "... and its state" "peek 0:7: 66"

# 5. config-state: a new source to a destination that only takes it off.
mdev_remove "$D"
D=$(mdev_create mtty 2)
P=$MDEV_DEVICES/$S/migration/params
echo false > "$MDEV_DEVICES/$D/migration/params/config-state"
mig_run "config-state on -> off destination: refused" 2 migrate "$S" "$D"
echo false > "$P/config-state"
mig_run "after turning it off on the source: migrates" 0 migrate \
	--poke 0:2:0x01 --poke 0:0:0x41 --poke 7:0x3c:0x0b --peek 0:5:1 \
	--peek 7:0x3c:1 "$S" "$D"
has "the FIFO is carried (the older format has it): data ready" "peek 0:5: 01"
has "the interrupt line is not: the destination's default" "peek 7:0x3c: 00"
echo true > "$P/config-state"

# 6. Runtime parameters are frozen while a device migrates.
for state in PRE_COPY STOP_COPY RESUMING; do
	err=$("$MIG" hold "$S" "$state" -- \
		"/usr/bin/printf false > $P/config-state" 2>&1 >/dev/null)
	expect_eq "config-state write in $state: EBUSY, value kept" \
		"EBUSY true" "$(errno_of "$err") $(cat "$P/config-state")"
done
expect_write "config-state is writable again once RUNNING" "$P/config-state" \
	false OK

# 7. Closing a device in RESUMING returns it to RUNNING: the next user
# starts as after a reset (an mtty that kept RESUMING let that user's
# RESUMING -> STOP load from the session the close had ended).
mig_run "hold a device in RESUMING" 0 hold "$D" RESUMING -- true
has "... it reached RESUMING" "dev: STOP -> RESUMING$"
mig_run "a device closed in RESUMING" 0 state "$D"
has "... is RUNNING again" "dev: state RUNNING"

# 8. Removal while the device migrates: the files go at once, the removal
# completes once the user closed the device, which moves it back to
# RUNNING (and so unfreezes it) after the files are gone. Each step waits
# for the state it expects (at most 10 s), not for a fixed time.
"$MIG" hold "$S" STOP_COPY -- \
	"(echo 1 > $MDEV_DEVICES/$S/remove &); for i in \$(seq 100); do
		[ -e $P ] || exit 0; sleep 0.1; done; exit 1" > /dev/null 2>&1
rc=$?
check "removing a migrating device: its files go while it is open" \
	test $rc -eq 0
check "... the device goes once it is closed" \
	wait_until 10 test ! -e "$MDEV_DEVICES/$S"

ktap_finished
