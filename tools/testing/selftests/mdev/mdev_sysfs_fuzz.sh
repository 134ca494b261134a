#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzzing in the running kernel: sysfs_fuzz writes mutated and random
# documents and values to every migration attribute of every mtty and mdpy
# type and of one device of each type (one of them opened once, so its
# create parameters are fixed), and mutated streams into devices in
# RESUMING. After each write a refused write changed nothing and a taken
# one changed exactly what was written (see sysfs_fuzz.c). One result per
# attribute, plus the kernel log. Bounded: MDEV_FUZZ_SECONDS (default 30);
# MDEV_FUZZ_SEED replays a run (the seed is printed).

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
if [ ! -e "$(mdev_type_dir mtty 2)/migration_info.json" ]; then
	ktap_skip_all "mtty without migration_info.json"
	exit "$KSFT_SKIP"
fi

SECONDS_MAX=${MDEV_FUZZ_SECONDS:-30}
SEED=${MDEV_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; mdev_cleanup' EXIT

# Every type with migration support, a device of each.
TYPES=() DEVS=() nr=0
declare -A DEV_OF
for t in "$MDEV_CLASS"/{mtty,mdpy}/mdev_supported_types/*; do
	[ -e "$t/migration_info.json" ] || continue
	TYPES+=("$t")
	nr=$((nr + 1))
	parent=${t%/mdev_supported_types/*}
	if [ "$(cat "$t/available_instances")" -eq 0 ]; then
		ktap_print_msg "no ${t##*/} device left to make: its type only"
		continue
	fi
	u=$(mdev_create "${parent##*/}" "${t##*/"${parent##*/}"-}") ||
		ktap_exit_fail_msg "cannot make a ${t##*/} device"
	DEVS+=("$u")
	DEV_OF[${t##*/}]=$u
	nr=$((nr + 1 + $(ls "$MDEV_DEVICES/$u/migration/params" | wc -l)))
done

# Streams to mutate: saved from a source, loaded into a device of the same
# type whose parameters stay those of the source: a new mtty-2 (the fuzz
# changes those of the mtty-2 above), the mdpy-vga above (readonly
# parameters only; mdpy takes four devices at most).
STREAMS=()
save_stream() {
	local s
	s=$(mdev_create "$1" "$2") && [ -n "$3" ] || return
	if "$DIR/mig_client" migrate --save "$TMP/$1-$2" "$s" > "$TMP/save" 2>&1; then
		STREAMS+=(-m "$TMP/$1-$2:$3")
	else
		sed 's/^/# /' "$TMP/save"
	fi
}
save_stream mtty 2 "$(mdev_create mtty 2)"
[ -n "${DEV_OF[mdpy-vga]}" ] && save_stream mdpy vga "${DEV_OF[mdpy-vga]}"

[ ${#STREAMS[@]} = 4 ] ||
	ktap_exit_fail_msg "an mtty-2 and an mdpy-vga stream were not both saved"
ktap_set_plan $((nr + ${#STREAMS[@]} / 2 + 6))

# The first device (mtty-1) was opened once: its fifo-size is fixed.
"$DIR/vfio_open" "${DEVS[0]}" || ktap_print_msg "cannot open ${DEVS[0]}"
kmsg_mark
results=0
while read -r line; do
	case $line in
	"PASS "*) ktap_test_pass "${line#PASS }"; results=$((results + 1)) ;;
	"FAIL "*) ktap_test_fail "${line#FAIL }"; results=$((results + 1)) ;;
	"EXIT "*) rc=${line#EXIT } ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done < <("$DIR/sysfs_fuzz" -s "$SEED" -t "$SECONDS_MAX" -o "${DEVS[0]}" \
	"${TYPES[@]/#/-T}" "${STREAMS[@]}" "${DEVS[@]}" 2>&1; echo "EXIT $?")
expect_eq "sysfs_fuzz ran to the end, every check held" "0 $nr" \
	"$rc $((results - ${#STREAMS[@]} / 2))"
check_kmsg_clean "no kernel warning, bug or sanitizer report during the fuzz"

# Found by this fuzzer with -x (fixed by patch 0011): mtty took the port
# records of a stream as they were, FIFO indices included; with rxtx.head
# of port 0 out of range the next THR write stored a byte beyond the FIFO,
# into the rest of struct mdev_state. The stream must be refused. After
# the description, the older stream's 24-byte header, then the record of
# port 0: registers, fifo[16], head (byte 24), tail, count, dlab (27),
# overrun, divisor, fcr, max_fifo_size, trigger level.
S=$(mdev_create mtty 2)
"$DIR/mig_client" migrate --save "$TMP/fifo" "$S" > /dev/null
dlen=$(od -An -tu4 -j8 -N4 "$TMP/fifo" | tr -d ' ')

# refused NAME OFFSET BYTE: the stream with byte OFFSET of port 0's
# record set to BYTE is refused by a new mtty-2, $D.
refused() {
	cp "$TMP/fifo" "$TMP/bad"
	printf "\\x$3" | dd of="$TMP/bad" bs=1 seek=$((12 + dlen + 24 + $2)) \
		conv=notrunc status=none
	D=$(mdev_create mtty 2)
	mig_run "$1" 3 migrate --load "$TMP/bad" "$D"
}
refused "mtty refuses a stream whose FIFO head is out of range" 24 ff
# Review of that fix: bools other than 0 or 1 and a count that does not
# match head and tail were taken too.
refused "mtty refuses a stream whose dlab is neither 0 nor 1" 27 02
refused "mtty refuses a stream whose FIFO count disagrees with head and tail" \
	26 05
mig_run "the refused destination still takes the unmodified stream" 0 \
	migrate --load "$TMP/fifo" "$D"

ktap_finished
