#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mdev core's config-only VFIO migration, on the test-only driver
# test_mdev_config (a device whose migration state is its configuration,
# as vfio_ap's), driven by mig_client as a VMM does: every arc of the
# migration FSM; migrations with and without PRE_COPY, through the P2P
# states and with combination transitions, the stream written in chunks
# of 1 byte to the whole block; refusals (an incompatible destination, a
# foreign stream, bytes after the description, an incomplete stream),
# after each of which the state is read back; a migration abandoned
# mid-stream; and the driver's own configuration file refused with EBUSY
# while a device is not RUNNING.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
modprobe -q test_mdev_config 2>/dev/null
mdev_require_parent test_mdev_config
ktap_set_plan 149

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; mdev_cleanup' EXIT
kmsg_mark

# params UUID: the device's configuration on one line
params() {
	local p=$MDEV_DEVICES/$1/migration/params
	echo "level=$(cat "$p/level") label=$(cat "$p/label") width=$(cat "$p/width")"
}

# config UUID LEVEL LABEL WIDTH
config() {
	local p=$MDEV_DEVICES/$1/migration/params
	echo "$2" > "$p/level" && echo "$3" > "$p/label" && echo "$4" > "$p/width"
}

# new UUID: a device configured as LEVEL LABEL WIDTH
new() {
	local u
	u=$(mdev_create test_mdev_config cfg) || return 1
	config "$u" "$@" || return 1
	echo "$u"
}

# blocklen UUID: the length of the device's stream: header and description
blocklen() {
	echo $(($(wc -c < "$MDEV_DEVICES/$1/migration_info.json") + 12))
}

# A write from a command mig_client runs mid-migration: OK or the error.
cat > "$TMP/try" << 'EOF'
#!/bin/bash
# try FILE VALUE OUT
if err=$( (printf '%s' "$2" > "$1") 2>&1); then echo OK > "$3"; else echo "$err" > "$3"; fi
EOF
chmod +x "$TMP/try"

# 1. Every arc of the FSM between the seven states.
S=$(new 3 fsm 2)
mig_run "fsm: every arc between the seven states" 0 fsm "$S"
grep '^fsm: ' <<< "$OUT" | sed 's/^/# /'
expect_eq "fsm: 49 arcs walked, none failed" "fsm: 49 arcs, 0 failed" \
	"$(grep '^fsm: [0-9]* arcs' <<< "$OUT")"
reached=$(grep -c ': ok (\(new\|data\|no\|session\)' <<< "$OUT")
refused=$(grep -c ': ok (refused: Invalid argument (EINVAL), still STOP_COPY)' <<< "$OUT")
expect_eq "fsm: 47 arcs reach their state, 2 (STOP_COPY -> PRE_COPY*) refused" \
	"47 2" "$reached $refused"
has "fsm: RESUMING -> STOP without a stream: EPROTO" \
	"RESUMING -> STOP without a stream: Protocol error (EPROTO)"
has "fsm: ... and the device stays in RESUMING" "fsm: then the state is RESUMING"
has "fsm: PRE_COPY -> STOP_COPY continues the data_fd to EOF" \
	"fsm: PRE_COPY -> STOP_COPY: ok (data_fd continues"
expect_eq "fsm: the device's configuration is unchanged" \
	"level=3 label=fsm width=2" "$(params "$S")"
mdev_remove "$S"

# 2. Migrations: every way a VMM may go, chunks of 1 byte to the whole block.
n=0
for variant in "stop-copy:--no-precopy" "pre-copy:--end-read" \
	       "p2p:--no-precopy --p2p" "p2p-pre-copy:--p2p --end-read" \
	       "combination:--no-precopy --combo"; do
	name=${variant%%:*}
	read -r -a vopt <<< "${variant#*:}"
	for chunks in 1 13 whole; do
		n=$((n + 1))
		S=$(new $((100 + n)) "src-$n" 4)
		D=$(new $((100 + n)) "src-$n" 4)
		before=$(params "$S")
		len=$(blocklen "$S")
		c=$chunks
		[ "$c" = whole ] && c=$len
		mig_run "$name, chunks of $chunks: migrated" 0 migrate -c "$c" \
			"${vopt[@]}" "$S" "$D"
		size=$(sed -n 's/^src: stop_copy_length //p' <<< "$OUT")
		sent=$(sed -n 's/^migrate: done, \([0-9]*\) bytes/\1/p' <<< "$OUT")
		expect_eq "$name, chunks of $chunks: destination = source, data size $len" \
			"$before $len $len $before" \
			"$(params "$D") $size $sent $(params "$S")"
		if [ "$chunks" = whole ]; then
			case $name in
			*pre-copy)
				has "$name: PRE_COPY offers the block as initial bytes" \
					"src: precopy info: initial_bytes $len dirty_bytes 0"
				has "$name: then none are left" \
					"src: precopy info: initial_bytes 0 dirty_bytes 0"
				has "$name: a read at the end of the pre-copy data: ENOMSG" \
					"pre-copy data: No message of desired type (ENOMSG)"
				has "$name: STOP_COPY continues the data_fd" \
					"src: data_fd continues"
				has "$name: no precopy info in STOP_COPY: EINVAL" \
					"precopy info in STOP_COPY: Invalid argument (EINVAL)"
				has "$name: EOF, and EOF again" "src: read after EOF: 0 (EOF)"
				[ "$name" = p2p-pre-copy ] &&
					has "$name: PRE_COPY -> PRE_COPY_P2P -> STOP_COPY" \
						"src: PRE_COPY_P2P -> STOP_COPY"
				;;
			p2p)
				has "$name: the source went through RUNNING_P2P" \
					"src: RUNNING -> RUNNING_P2P"
				has "$name: the destination came back through RUNNING_P2P" \
					"dst: RUNNING_P2P -> RUNNING"
				;;
			combination)
				has "$name: the destination went RUNNING -> RESUMING in one step" \
					"dst: RUNNING -> RESUMING"
				has "$name: and RESUMING -> RUNNING in one step" \
					"dst: RESUMING -> RUNNING"
				;;
			esac
		fi
		mdev_remove "$S"
		mdev_remove "$D"
	done
done

# 3. An incompatible destination refuses the stream and stays in RESUMING,
# untouched, its data_fd refusing every later write; its configuration
# and the source's are read while both still migrate.
S=$(new 7 same 2)
D=$(new 8 same 2)
sbefore=$(params "$S")
dbefore=$(params "$D")
T="$TMP/try $MDEV_DEVICES/$D/migration/params/level 7 $TMP/dlevel;"
T+=" $TMP/try $MDEV_DEVICES/$D/shift 1 $TMP/dshift;"
T+=" $TMP/try $MDEV_DEVICES/$S/shift 1 $TMP/sshift;"
T+=" cat $MDEV_DEVICES/$D/migration/params/level > $TMP/during"
mig_run "incompatible destination (level 8, source 7): refused, exit 2" 2 \
	migrate -c 5 --write-on --then "$T" "$S" "$D"
has "the write that completes the description: EPROTO" \
	"dst: write of [0-9]* bytes: Protocol error (EPROTO)"
has "a later write on that data_fd: EPROTO again" \
	"dst: write after the refusal: Protocol error (EPROTO)"
has "the destination stays in RESUMING" "dst: state RESUMING"
expect_eq "its level, read while in RESUMING, is unchanged" 8 "$(cat "$TMP/during")"
expect_eq "changing its level while in RESUMING: EBUSY" EBUSY \
	"$(errno_of "$(cat "$TMP/dlevel")")"
expect_eq "its own shift file while in RESUMING: EBUSY" EBUSY \
	"$(errno_of "$(cat "$TMP/dshift")")"
expect_eq "the source's shift file while it migrates: EBUSY" EBUSY \
	"$(errno_of "$(cat "$TMP/sshift")")"
has_src_restored "the source is RUNNING again"
expect_eq "both configurations are unchanged" "$sbefore $dbefore" \
	"$(params "$S") $(params "$D")"
echo 7 > "$MDEV_DEVICES/$D/migration/params/level"
mig_run "a fresh RESUMING data_fd of the reconfigured destination accepts" 0 \
	migrate -c 5 "$S" "$D"
expect_eq "... and the destination equals the source" "$sbefore" "$(params "$D")"

# 4. Streams that are not this device's: a foreign one and another model.
printf 'QEMU migration stream, not a description' > "$TMP/foreign"
mig_run "a foreign stream: refused, exit 2" 2 migrate --load "$TMP/foreign" "$D"
has "... with EPROTO" "Protocol error (EPROTO)"
desc='{"model": "kernel.org/samples/mtty", "params": {"nr-ports": 2}}'
hex=$(printf '%08x' ${#desc})
printf "MDMG\x01\x00\x00\x00\x${hex:6:2}\x${hex:4:2}\x${hex:2:2}\x${hex:0:2}%s" \
	"$desc" > "$TMP/mtty"
mig_run "a framed description of another model: refused, exit 2" 2 \
	migrate -c 1 --load "$TMP/mtty" "$D"
has "... with EPROTO" "Protocol error (EPROTO)"
expect_eq "the destination's configuration is unchanged" "$sbefore" "$(params "$D")"

# 5. After the description comes the driver's block or nothing: 8 bytes
# that are no block header are refused.
len=$(blocklen "$S")
mig_run "8 bytes after the description, no block header: refused (exit 2)" 2 \
	migrate -c "$len" --extra 8 "$S" "$D"
has "... the write of the extra bytes: EPROTO" \
	"dst: write of 8 bytes: Protocol error (EPROTO)"
has "... after the $len bytes of the block" "dst: $len bytes of the stream accepted"
has_src_restored "the source is RUNNING again after the extra bytes"
# A framed description that is no JSON: refused, and logged.
desc='not a description'
hex=$(printf '%08x' ${#desc})
printf "MDMG\x01\x00\x00\x00\x${hex:6:2}\x${hex:4:2}\x${hex:2:2}\x${hex:0:2}%s" \
	"$desc" > "$TMP/nonsense"
mark=$KMSG_MARK
kmsg_mark
mig_run "a framed description that does not parse: refused, exit 2" 2 \
	migrate --load "$TMP/nonsense" "$D"
check "... logged as malformed" grep -q \
	"migration stream: the description is malformed" <(kmsg_since_mark)
KMSG_MARK=$mark

# 6. An incomplete stream: RESUMING -> STOP fails, the device stays.
for cut in 5 $((len - 1)); do
	mig_run "a stream cut after $cut bytes: aborted (exit 4)" 4 \
		migrate -c 3 --abort-after "$cut" --try-finish "$S" "$D"
	has "... RESUMING -> STOP: EPROTO" \
		"dst: RESUMING -> STOP: Protocol error (EPROTO)"
	has "... the destination stays in RESUMING" "dst: state RESUMING"
	has_src_restored "... the source is RUNNING again"
done
expect_eq "both configurations are unchanged after the aborts" \
	"$sbefore $sbefore" "$(params "$S") $(params "$D")"

# 7. A migration abandoned mid-stream (every fd closed), then a new one.
mig_run "saving abandoned after 3 bytes" 4 migrate --save "$TMP/part" \
	--abort-after 3 "$S"
mig_run "the destination abandoned mid-stream" 4 migrate --abort-after 30 "$S" "$D"
mig_run "a closed destination is RUNNING again" 0 state "$D"
has "... reads so" "dev: state RUNNING"
mig_run "then a new migration works" 0 migrate -c 64 "$S" "$D"
expect_eq "... and the destination equals the source" "$sbefore" "$(params "$D")"

# 8. The driver's own configuration file: EBUSY while not RUNNING.
for state in STOP STOP_COPY RESUMING RUNNING_P2P PRE_COPY PRE_COPY_P2P; do
	mig_run "hold in $state" 0 hold "$S" "$state" -- \
		"$TMP/try $MDEV_DEVICES/$S/shift 5 $TMP/shift"
	expect_eq "shift in $state: EBUSY, level unchanged" "EBUSY 7" \
		"$(errno_of "$(cat "$TMP/shift")") $(cat "$MDEV_DEVICES/$S/migration/params/level")"
done
expect_write "shift while RUNNING: accepted" "$MDEV_DEVICES/$S/shift" 5 OK
expect_eq "... the level moved by 5" 12 "$(cat "$MDEV_DEVICES/$S/migration/params/level")"
mig_run "the source changed: the old destination refuses it" 2 migrate "$S" "$D"
echo 12 > "$MDEV_DEVICES/$D/migration/params/level"
mig_run "reconfigured, it accepts it" 0 migrate "$S" "$D"

# 9. Part of the configuration goes away during a migration (vfio_ap: a
# queue leaves the host): the migration fails, the next one works.
F="$MDEV_DEVICES/$S/fail"
echo 71 > "$F"
mig_run "a failure while RUNNING changes nothing: migrated" 0 migrate "$S" "$D"
mig_run "failed in STOP_COPY: the migration fails (exit 3)" 3 \
	migrate --no-precopy --combo --mid "echo 71 > $F" "$S" "$D"
has "... the data_fd's read: the failure's EPROTO" \
	"src: read (STOP_COPY): Protocol error (EPROTO)"
has_src_restored "... the source is RUNNING again"
mig_run "failed in RUNNING_P2P: the migration fails (exit 3)" 3 \
	migrate --no-precopy --p2p --mid "echo 71 > $F" "$S" "$D"
has "... the next state change: EPROTO" \
	"src: RUNNING_P2P -> STOP: Protocol error (EPROTO)"
has_src_restored "... the source is RUNNING again"
mig_run "failed in PRE_COPY: the migration fails (exit 3)" 3 \
	migrate --mid "echo 5 > $F" "$S" "$D"
has "... the data_fd: EIO" "PRECOPY_INFO: Input/output error (EIO)"
has_src_restored "... the source is RUNNING again"
mig_run "the destination failed in RESUMING: refused (exit 2)" 2 \
	migrate --dst-mid "echo 71 > $MDEV_DEVICES/$D/fail" "$S" "$D"
has "... its data_fd's write: EPROTO" \
	"dst: write of [0-9]* bytes: Protocol error (EPROTO)"
mig_run "then a migration works again" 0 migrate "$S" "$D"
expect_eq "... and the destination equals the source" "$(params "$S")" \
	"$(params "$D")"

# 10. State beyond the configuration: "irq" migrates in the driver block,
# saved when the source enters STOP_COPY, applied when the destination
# leaves STOP.
I=$MDEV_DEVICES/$S/irq
J=$MDEV_DEVICES/$D/irq
echo 0 > "$J"
echo 5 > "$I"
mig_run "irq 5: migrated in the driver block" 0 migrate -c 7 "$S" "$D"
expect_eq "... the destination's irq is 5" 5 "$(cat "$J")"
mig_run "irq set to 9 after the source left RUNNING: migrated" 0 \
	migrate --mid "echo 9 > $I" "$S" "$D"
expect_eq "... the destination has what the source had in STOP_COPY, 9" 9 \
	"$(cat "$J")"
mig_run "the stream with irq 9 saved" 0 migrate --save "$TMP/irq" "$S"
len=$(blocklen "$S")
expect_eq "... the description and a block of 8 + 8 bytes" $((len + 16)) \
	"$(wc -c < "$TMP/irq")"
expect_eq "... framed by MDDB" MDDB \
	"$(dd if="$TMP/irq" bs=1 skip="$len" count=4 2> /dev/null)"
echo 0 > "$J"
mig_run "... loaded into the destination" 0 migrate --load "$TMP/irq" "$D"
expect_eq "... its irq is 9" 9 "$(cat "$J")"
# corrupt BYTES OFFSET: the saved stream with BYTES (printf escapes) at OFFSET
corrupt() {
	cp "$TMP/irq" "$TMP/bad"
	printf "$1" | dd of="$TMP/bad" bs=1 seek="$2" conv=notrunc 2> /dev/null
}
echo 0 > "$J"
corrupt '\x2c\x01' $((len + 12))
mig_run "a block with irq 300: refused (exit 2)" 2 migrate --load "$TMP/bad" "$D"
has "... on RESUMING -> STOP: EPROTO" \
	"dst: RESUMING -> STOP: Protocol error (EPROTO)"
corrupt '\x02' $((len + 8))
mig_run "a block of version 2: refused (exit 2)" 2 migrate --load "$TMP/bad" "$D"
corrupt '\x09' $((len + 4))
mig_run "a block longer than the driver takes: refused on write (exit 2)" 2 \
	migrate --load "$TMP/bad" "$D"
has "... EPROTO" "dst: write of [0-9]* bytes: Protocol error (EPROTO)"
head -c $((len + 15)) "$TMP/irq" > "$TMP/bad"
mig_run "a block cut short: refused (exit 2)" 2 migrate --load "$TMP/bad" "$D"
has "... on RESUMING -> STOP: EPROTO" \
	"dst: RESUMING -> STOP: Protocol error (EPROTO)"
expect_eq "the refused blocks changed nothing: irq 0" 0 "$(cat "$J")"
echo 5 > "$MDEV_DEVICES/$D/resume_fail"
mig_run "the destination cannot resume the block: the migration fails" 3 \
	migrate --load "$TMP/irq" "$D"
has "... STOP -> RUNNING: EIO" "dst: STOP -> RUNNING: Input/output error (EIO)"
expect_eq "... its irq is unchanged" 0 "$(cat "$J")"
echo 0 > "$MDEV_DEVICES/$D/resume_fail"
mig_run "once it can: migrated" 0 migrate --load "$TMP/irq" "$D"
expect_eq "... its irq is 9" 9 "$(cat "$J")"
echo 0 > "$I"
mig_run "irq 0: no block is sent" 0 migrate --save "$TMP/noirq" "$S"
expect_eq "... the stream is the description alone" "$len" \
	"$(wc -c < "$TMP/noirq")"
mig_run "... and it resets the destination's irq" 0 migrate --load "$TMP/noirq" "$D"
expect_eq "... to 0" 0 "$(cat "$J")"

check_kmsg_clean "no kernel warning during the config-only migrations"
ktap_finished
