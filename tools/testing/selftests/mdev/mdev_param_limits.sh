#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Limits of parameter values and descriptions, on the test-only driver
# test_mdev_params (types with 1 to 64 int parameters and one with a str
# parameter): the longest string, strings whose JSON escapes would push
# the description past 4096 bytes, a model at the engine's maximum of 64
# parameters, and descriptions read while the driver changes its values
# behind the core's back. State is read back after every refused write.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
modprobe -q test_mdev_params 2>/dev/null
mdev_require_parent test_mdev_params
ktap_set_plan 20
kmsg_mark
TMP=$(mktemp -d)
trap 'kill "${shifter:-}" 2> /dev/null; rm -rf "$TMP"; mdev_cleanup' EXIT

# rep N CHAR: N times CHAR
rep() {
	printf '%*s' "$1" '' | tr ' ' "$2"
}

U=$(mdev_create test_mdev_params str)
D=$MDEV_DEVICES/$U
L=$D/migration/params/label
T=$(mdev_type_dir test_mdev_params str)
M='"kernel.org/selftests/mdev-str"'

expect_eq "a new device's label is empty" \
	"{\"model\": $M, \"params\": {\"label\": \"\"}}" \
	"$(cat "$D/migration_info.json")"
expect_write "a label of 2048 bytes is accepted" "$L" "$(rep 2048 a)" OK
expect_eq "it reads back" "$(rep 2048 a)" "$(cat "$L")"
expect_write "2049 bytes: EINVAL, nothing changes" "$L" "$(rep 2049 a)" \
	EINVAL "$L" "$D/migration_info.json"
# 2048 quotes print as 4096 bytes of escapes: no room for the rest.
expect_write "2048 quotes would not fit a description: EINVAL" "$L" \
	"$(rep 2048 '"')" EINVAL "$L" "$D/migration_info.json"
expect_write "1000 control characters (6000 bytes escaped): EINVAL" "$L" \
	"$(rep 1000 '\001')" EINVAL "$L" "$D/migration_info.json"
expect_write "2000 quotes fit" "$L" "$(rep 2000 '"')" OK
expect_eq "the description is JSON and carries the label" "$(rep 2000 '"')" \
	"$(jq -j .params.label "$D/migration_info.json")"
expect_write "600 control characters fit" "$L" "$(rep 600 '\001')" OK
expect_eq "they come back through JSON escapes" "$(rep 600 '\001' | od -An -c)" \
	"$(jq -j .params.label "$D/migration_info.json" | od -An -c)"
DESC=$(cat "$D/migration_info.json")
expect_write "the device accepts its own escaped description" \
	"$D/migration_info.json" "$DESC" OK
expect_write "so does the type" "$T/migration_info.json" "$DESC" OK
# The shell's printf would write "a\n" and "b" separately: one write().
before=$(cat "$L")
err=$( (printf 'a\nb' | dd of="$L" bs=64k iflag=fullblock status=none) 2>&1)
expect_eq "a label with a newline inside, in one write: EINVAL" EINVAL \
	"$(errno_of "$err")"
expect_eq "the label is unchanged" "$before" "$(cat "$L")"

# A model at the engine's maximum: 64 parameters.
U64=$(mdev_create test_mdev_params 64)
D64=$MDEV_DEVICES/$U64
DESC64=$(cat "$D64/migration_info.json")
expect_eq "a description of 64 parameters" 64 \
	"$(jq '.params | length' <<< "$DESC64")"
expect_write "the device accepts its own 64-parameter description" \
	"$D64/migration_info.json" "$DESC64" OK
echo 7 > "$D64/migration/params/p63"
expect_write "the last of 64 parameters differs: EPROTO" \
	"$D64/migration_info.json" "$DESC64" EPROTO \
	"$D64/migration/params/p63"

# A description is one snapshot: "shift" adds 1 to all 64 values at once,
# outside the migration callbacks (as vfio_ap's assign_adapter changes
# its configuration), while descriptions are read.
# One cat per description while the shifts run (jq is slow to start on
# the debug kernel); all are looked at afterwards.
echo 0 > "$D64/migration/params/p63"
start=$SECONDS
(while :; do echo 1 > "$D64/shift"; done) 2> /dev/null &
shifter=$!
for _ in $(seq 40); do
	cat "$D64/migration_info.json"
done > "$TMP/moments"
kill "$shifter"
wait "$shifter" 2> /dev/null
# Per description: its number of distinct values, then the value of p0.
jq -c '[.params[]] | [(unique | length), .[0]]' "$TMP/moments" > "$TMP/seen"
ktap_print_msg "40 descriptions read in $((SECONDS - start)) s"
# Expected: 40 descriptions parsed, none with more than one value.
expect_eq "40 descriptions read during shifts: none mixes two moments" \
	"40 0" "$(wc -l < "$TMP/seen") $(grep -vc '^\[1,' "$TMP/seen")"
n=$(cut -d, -f2 "$TMP/seen" | sort -u | wc -l)
check "the values moved while they were read ($n different)" test "$n" -gt 1

# A description near a page long: sysfs_emit() would warn on an overrun.
check_kmsg_clean "no kernel warning while printing long descriptions"
ktap_finished
