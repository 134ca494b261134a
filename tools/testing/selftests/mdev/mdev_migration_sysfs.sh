#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Migration compatibility through sysfs with cat and echo, on mtty: the
# JSON files, the management flow of finding and configuring a
# destination, every errno class with the state read back after each
# rejected write, and permissions.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
T1=$(mdev_type_dir mtty 1)
T2=$(mdev_type_dir mtty 2)
if [ ! -e "$T2/migration_info.json" ]; then
	ktap_skip_all "mtty without migration_info.json"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 52

M='"kernel.org/samples/mtty"'
caps() {
	printf '%s' "{\"models\": {$M: {\"params\": {" \
		"\"nr-ports\": {\"type\": \"int\", \"access\": \"readonly\", " \
		"\"allowed_values\": [$1], \"init_value\": $1}, " \
		"\"fifo-size\": {\"type\": \"int\", \"access\": \"create\", " \
		"\"allowed_values\": [\"1-16\"], \"init_value\": 16, \"off_value\": 16}, " \
		"\"config-state\": {\"type\": \"bool\", \"access\": \"runtime\", " \
		"\"init_value\": true, \"off_value\": false}}}}}"
	echo
}

# Capabilities of the types.
expect_eq "mtty-2 migration_info.json lists the model and parameters" \
	"$(caps 2)" "$(cat "$T2/migration_info.json")"
expect_eq "mtty-1 allows one port only" "$(caps 1)" \
	"$(cat "$T1/migration_info.json")"
expect_eq "type migration_info.json is 0644" 644 \
	"$(stat -c %a "$T2/migration_info.json")"
check "nothing new directly under mdev_supported_types" \
	test -z "$(ls "$(dirname "$T2")" | grep -v '^mtty-[12]$')"

# A new device describes itself with its initial values.
SRC=$(mdev_create mtty 2)
S=$MDEV_DEVICES/$SRC
P=$S/migration/params
DESC="{\"model\": $M, \"params\": {\"nr-ports\": 2, \"config-state\": true}}"
expect_eq "device description at creation" "$DESC" \
	"$(cat "$S/migration_info.json")"
expect_eq "nr-ports reads 2" 2 "$(cat "$P/nr-ports")"
expect_eq "fifo-size reads 16" 16 "$(cat "$P/fifo-size")"
expect_eq "config-state reads true" true "$(cat "$P/config-state")"
expect_eq "parameter modes: 0644 whatever the access class" "644 644 644" \
	"$(stat -c %a "$P/nr-ports" "$P/fifo-size" "$P/config-state" | xargs)"
reads=$(for i in 1 2 3; do cat "$S/migration_info.json" "$P"/*; done | sort -u | wc -l)
expect_eq "repeated reads give the same values" 4 "$reads"

# The management flow: find the types that can take this device.
cat "$S/migration_info.json" > /tmp/desc.json
expect_write "type check: mtty-2 accepts the 2-port device" \
	"$T2/migration_info.json" "$(cat /tmp/desc.json)" OK
kmsg_mark
expect_write "type check: mtty-1 refuses it with EPROTO" \
	"$T1/migration_info.json" "$(cat /tmp/desc.json)" EPROTO
check "the refusal is logged with rule, parameter and both values" \
	grep -q "mtty-1: migration check failed: rule 2, .*'nr-ports': source 2, destination" \
	<(kmsg_since_mark)
expect_eq "the type checks created no device" 1 \
	"$(ls "$MDEV_DEVICES" | wc -l)"

DST=$(mdev_create mtty 2)
D=$MDEV_DEVICES/$DST
Q=$D/migration/params
expect_write "device check: a fresh mtty-2 accepts the source" \
	"$D/migration_info.json" "$(cat /tmp/desc.json)" OK

# A runtime parameter the source has turned off must be off here too.
expect_write "config-state takes 'off' (kstrtobool spelling)" \
	"$P/config-state" off OK
expect_eq "config-state reads false" false "$(cat "$P/config-state")"
expect_eq "config-state at off_value leaves the description" \
	"{\"model\": $M, \"params\": {\"nr-ports\": 2}}" \
	"$(cat "$S/migration_info.json")"
expect_write "device check: source without config-state, destination on: EPROTO" \
	"$D/migration_info.json" "$(cat "$S/migration_info.json")" EPROTO \
	"$D/migration_info.json"
echo false > "$Q/config-state"
expect_write "device check passes once the destination turns it off" \
	"$D/migration_info.json" "$(cat "$S/migration_info.json")" OK
echo 1 > "$P/config-state"
echo true > "$Q/config-state"

# create parameters: writable until the device is first opened.
expect_write "fifo-size 8 is accepted before open" "$P/fifo-size" 8 OK
expect_eq "the description lists fifo-size once it leaves off_value" \
	"{\"model\": $M, \"params\": {\"nr-ports\": 2, \"fifo-size\": 8, \"config-state\": true}}" \
	"$(cat "$S/migration_info.json")"
expect_write "device check: fifo-size differs: EPROTO" \
	"$D/migration_info.json" "$(cat "$S/migration_info.json")" EPROTO \
	"$Q/fifo-size"
check "opening the source through VFIO" "$DIR/vfio_open" "$SRC"
expect_write "fifo-size after open: EBUSY" "$P/fifo-size" 4 EBUSY \
	"$P/fifo-size" "$S/migration_info.json"
expect_write "fifo-size after open: its current value succeeds" \
	"$P/fifo-size" 8 OK "$P/fifo-size" "$S/migration_info.json"
expect_write "runtime config-state is still writable after open" \
	"$P/config-state" false OK
echo true > "$P/config-state"

# Malformed input: EINVAL, nothing changes.
ALL=("$P/fifo-size" "$P/config-state" "$S/migration_info.json")
expect_write "config-state 'maybe': EINVAL" "$P/config-state" maybe EINVAL "${ALL[@]}"
expect_write "fifo-size '0x10': EINVAL (decimal only)" "$Q/fifo-size" 0x10 EINVAL \
	"$Q/fifo-size"
expect_write "fifo-size ' 8': EINVAL" "$Q/fifo-size" " 8" EINVAL "$Q/fifo-size"
expect_write "fifo-size 99999999999999999999: EINVAL" "$Q/fifo-size" \
	99999999999999999999 EINVAL "$Q/fifo-size"
expect_write "type: not JSON: EINVAL" "$T2/migration_info.json" "nonsense" EINVAL
expect_write "type: duplicate key: EINVAL" "$T2/migration_info.json" \
	"{\"model\": $M, \"model\": $M}" EINVAL
expect_write "device: params not an object: EINVAL" "$D/migration_info.json" \
	"{\"model\": $M, \"params\": [1]}" EINVAL "$D/migration_info.json"
expect_write "device: trailing garbage: EINVAL" "$D/migration_info.json" \
	"$(cat /tmp/desc.json) x" EINVAL "$D/migration_info.json"

# Well-formed but incompatible: EPROTO, nothing changes.
expect_write "fifo-size 17 (not allowed): EPROTO" "$Q/fifo-size" 17 EPROTO \
	"$Q/fifo-size"
expect_write "device: other model: EPROTO" "$D/migration_info.json" \
	'{"model": "kernel.org/samples/mdpy", "params": {}}' EPROTO \
	"$D/migration_info.json"
TURBO='"turbo": true'
kmsg_mark
expect_write "type: unknown parameter: EPROTO" "$T2/migration_info.json" \
	"{\"model\": $M, \"params\": {\"nr-ports\": 2, \"config-state\": true, $TURBO}}" EPROTO
LINE="mtty-2: migration check failed: rule 2, unknown parameter:"
LINE+=" parameter 'turbo': source true, destination (absent)"
check "... logged with the destination's side absent" grep -qF "$LINE" \
	<(kmsg_since_mark)
# A value of the wrong type is malformed input: EINVAL, and not logged.
kmsg_mark
expect_write "type: nr-ports as a string: EINVAL" "$T2/migration_info.json" \
	"{\"model\": $M, \"params\": {\"nr-ports\": \"2\"}}" EINVAL
expect_eq "... and nothing is logged" "" \
	"$(kmsg_since_mark | grep 'migration check failed')"
# Rule 3 on the type side: nr-ports has no off_value, so a description
# that leaves it out fits no type, while one that lists it does.
kmsg_mark
expect_write "type: nr-ports (no off_value) left out: EPROTO" \
	"$T2/migration_info.json" \
	"{\"model\": $M, \"params\": {\"config-state\": true}}" EPROTO
LINE="mtty-2: migration check failed: rule 3, parameter missing:"
LINE+=" parameter 'nr-ports': source (absent), destination [2]"
check "... logged as rule 3 for nr-ports, the source's side absent" \
	grep -qF "$LINE" <(kmsg_since_mark)
expect_eq "no check is logged with an empty side" "" \
	"$(kmsg_since_mark | grep -E 'source ,|destination $')"
expect_write "type: the same with nr-ports 2: accepted" \
	"$T2/migration_info.json" \
	"{\"model\": $M, \"params\": {\"nr-ports\": 2, \"config-state\": true}}" OK

# runtime parameters while frozen (the device out of RUNNING): the current
# value succeeds, another one is EBUSY.
# (mig_client runs the command with sh; /usr/bin/printf names the errno)
out=$("$DIR/mig_client" hold "$SRC" STOP -- \
	"/usr/bin/printf true > $P/config-state && echo same: OK;
	 /usr/bin/printf false > $P/config-state" 2>&1)
check "frozen config-state: writing its current value succeeds" \
	grep -q "same: OK" <<< "$out"
expect_eq "frozen config-state: another value gets EBUSY, unchanged" \
	"EBUSY true" "$(errno_of "$(grep 'printf:' <<< "$out")") $(cat "$P/config-state")"

# Permissions: readonly parameters and non-root writers.
expect_write "readonly nr-ports: its current value succeeds" "$P/nr-ports" 2 OK \
	"$P/nr-ports" "$S/migration_info.json"
expect_write "readonly nr-ports: another value gets EPROTO" "$P/nr-ports" 1 \
	EPROTO "$P/nr-ports" "$S/migration_info.json"
if command -v setpriv > /dev/null; then
	NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	check "a non-root user reads the description" \
		"${NOBODY[@]}" grep -q '"model"' "$S/migration_info.json"
	got=$("${NOBODY[@]}" bash -c "echo false > $P/config-state" 2>&1)
	expect_eq "a non-root writer gets EACCES, value unchanged" \
		"EACCES true" "$(errno_of "$got") $(cat "$P/config-state")"
else
	ktap_test_skip "a non-root user reads the description (no setpriv)"
	ktap_test_skip "a non-root writer gets EACCES (no setpriv)"
fi

mdev_remove "$DST"
check "removing the device removes its migration files" test ! -e "$Q"

ktap_finished
