#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mdpy, the virtual display sample, migrates: the compatibility files of
# its model (kernel.org/samples/mdpy, resolution and format fixed by the
# type), real VFIO migrations of its framebuffer (filled through the
# mapping of BAR0 and compared byte for byte on the destination) in any
# chunking, with pages written during PRE_COPY (also read, then written
# again after a second pass sent them), an aborted migration that
# leaves the source intact, and mdpy-vga <-> mdpy-xga refused by the type
# check, the device check and the stream.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mdpy
TV=$(mdev_type_dir mdpy vga)
TX=$(mdev_type_dir mdpy xga)
TH=$(mdev_type_dir mdpy hd)
if [ ! -e "$TV/migration_info.json" ]; then
	ktap_skip_all "mdpy without migration_info.json"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 66

MIG=$DIR/mig_client
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; mdev_cleanup' EXIT
M='"kernel.org/samples/mdpy"'
FB_VGA=2097152		# 640x480x4, rounded up to a power of two
FB_HD=8388608		# 1920x1080x4, likewise

caps() {
	local ro='"access": "readonly"'

	printf '%s' "{\"models\": {$M: {\"params\": {" \
		"\"width\": {\"type\": \"int\", $ro, " \
		"\"allowed_values\": [$1], \"init_value\": $1}, " \
		"\"height\": {\"type\": \"int\", $ro, " \
		"\"allowed_values\": [$2], \"init_value\": $2}, " \
		"\"format\": {\"type\": \"str\", $ro, " \
		"\"allowed_values\": [\"xrgb8888\"], \"init_value\": \"xrgb8888\"}}}}}"
	echo
}
desc() {
	printf '%s' "{\"model\": $M, " \
		"\"params\": {\"width\": $1, \"height\": $2, \"format\": \"xrgb8888\"}}"
	echo
}


# 1. The compatibility files.
expect_eq "mdpy-vga migration_info.json" "$(caps 640 480)" \
	"$(cat "$TV/migration_info.json")"
expect_eq "mdpy-xga migration_info.json" "$(caps 1024 768)" \
	"$(cat "$TX/migration_info.json")"
expect_eq "mdpy-hd migration_info.json" "$(caps 1920 1080)" \
	"$(cat "$TH/migration_info.json")"
S=$(mdev_create mdpy vga)
SD=$MDEV_DEVICES/$S
P=$SD/migration/params
expect_eq "vga device description" "$(desc 640 480)" \
	"$(cat "$SD/migration_info.json")"
PF=("$P/width" "$P/height" "$P/format")
expect_eq "parameters and their modes" "640 480 xrgb8888 644 644 644" \
	"$(cat "${PF[@]}" | xargs) $(stat -c %a "${PF[@]}" | xargs)"
expect_write "width is readonly: another value gets EPROTO" "$P/width" 1024 \
	EPROTO "$P/width" "$SD/migration_info.json"
expect_write "... its own value succeeds, nothing changes" "$P/width" 640 OK \
	"$P/width" "$SD/migration_info.json"

# 2. The type check.
DESC=$(cat "$SD/migration_info.json")
expect_write "type check: mdpy-vga takes a vga device" \
	"$TV/migration_info.json" "$DESC" OK "$TV/migration_info.json"
kmsg_mark
expect_write "type check: mdpy-xga refuses it with EPROTO" \
	"$TX/migration_info.json" "$DESC" EPROTO "$TX/migration_info.json"
check "the refusal names the width and both values" grep -q \
	"mdpy-xga: migration check failed: rule 2, .*'width': source 640, destination \[1024\]" \
	<(kmsg_since_mark)
expect_write "type check: mdpy-hd refuses it with EPROTO" \
	"$TH/migration_info.json" "$DESC" EPROTO "$TH/migration_info.json"

# 3. The device check.
X=$(mdev_create mdpy xga)
XD=$MDEV_DEVICES/$X
expect_write "device check: an xga device refuses a vga source: EPROTO" \
	"$XD/migration_info.json" "$DESC" EPROTO "$XD/migration_info.json"
expect_write "device check: a vga device refuses an xga source: EPROTO" \
	"$SD/migration_info.json" "$(cat "$XD/migration_info.json")" EPROTO \
	"$SD/migration_info.json"
D=$(mdev_create mdpy vga)
expect_write "device check: a vga device takes a vga source" \
	"$MDEV_DEVICES/$D/migration_info.json" "$DESC" OK

# 4. Migrations: the framebuffer arrives byte for byte, in any chunking.
seed=1
for chunks in 4096 1,4093,65536 33554432 1,4093,65536:--no-precopy; do
	opt=()
	case $chunks in *:*) opt=("${chunks#*:}"); chunks=${chunks%%:*} ;; esac
	mig_run "vga -> vga, chunks $chunks ${opt[*]}" 0 migrate -c "$chunks" \
		"${opt[@]}" --fill-fb 0:$seed --check-fb 0 "$S" "$D"
	has "the framebuffer arrives (chunks $chunks ${opt[*]})" \
		"check-fb 0: $FB_VGA bytes identical"
	seed=$((seed + 1))
done
stream=$(sed -n 's/^src: end of stream after \([0-9]*\) bytes$/\1/p' <<< "$OUT")
expect_eq "MIG_DATA_SIZE is the length of a STOP_COPY stream" "${stream:-none}" \
	"$(sed -n 's/^src: stop_copy_length //p' <<< "$OUT")"
mig_run "the destination keeps the framebuffer once closed" 0 \
	fb "$D" check 0:$((seed - 1))

# 5. PRE_COPY: the framebuffer goes while the guest runs, STOP_COPY
# carries only the pages written since.
mig_run "pages written during PRE_COPY migrate" 0 migrate --fill-fb 0:11 \
	--dirty-fb 0:12 --check-fb 0 "$S" "$D"
has "... through PRE_COPY" "src: using PRE_COPY"
has "the destination has the written pages" \
	"check-fb 0: $FB_VGA bytes identical"
sc=$(awk '/^src: read [0-9]+ bytes \(STOP_COPY\)$/ { n += $3 } END { print n + 0 }' <<< "$OUT")
pages=$(sed -n 's/^dirty-fb 0: \([0-9]*\) pages.*/\1/p' <<< "$OUT")
check "STOP_COPY carries the written pages, not the whole framebuffer ($sc bytes)" \
	test "${pages:-0}" -gt 0 -a "$sc" -ge $((pages * 4096)) \
	-a "$sc" -lt $((FB_VGA / 2))
# A second pass sends the written pages and must rearm their tracking:
# pages read, then written after it, are lost from the dirty set if the
# pass did not unmap them or if a read maps a page writable unnoted.
mig_run "pages read, then written after a second PRE_COPY pass, migrate" 0 \
	migrate --fill-fb 0:14 --dirty-fb 0:15 --redirty-fb 0:16 --check-fb 0 \
	"$S" "$D"
pages=$(sed -n 's/^redirty-fb 0: \([0-9]*\) pages.*/\1/p' <<< "$OUT")
dp=$(sed -n 's/^src: dirty pass: \([0-9]*\) bytes$/\1/p' <<< "$OUT")
check "the second pass sends the written pages (${dp:-no} bytes)" \
	test "${pages:-0}" -gt 0 -a "${dp:-0}" -ge $((pages * 4096)) \
	-a "${dp:-0}" -lt $((FB_VGA / 2))
sc=$(awk '/^src: read [0-9]+ bytes \(STOP_COPY\)$/ { n += $3 } END { print n + 0 }' <<< "$OUT")
check "STOP_COPY carries them again ($sc bytes)" \
	test "${pages:-0}" -gt 0 -a "$sc" -ge $((pages * 4096)) \
	-a "$sc" -lt $((FB_VGA / 2))
has "the destination has what was written after the second pass" \
	"check-fb 0: $FB_VGA bytes identical"
mig_run "an idle source: PRE_COPY leaves little for STOP_COPY" 0 migrate \
	--fill-fb 0:13 --check-fb 0 "$S" "$D"
sc=$(awk '/^src: read [0-9]+ bytes \(STOP_COPY\)$/ { n += $3 } END { print n + 0 }' <<< "$OUT")
check "... only the config space and the end ($sc bytes)" \
	test "$sc" -gt 0 -a "$sc" -lt 1024

# 6. mdpy-hd, 8 MiB of framebuffer.
mdev_remove "$X"
H1=$(mdev_create mdpy hd)
H2=$(mdev_create mdpy hd)
mig_run "hd -> hd" 0 migrate -c 65536,1048576 --fill-fb 0:21 --check-fb 0 \
	"$H1" "$H2"
has "the hd framebuffer arrives" "check-fb 0: $FB_HD bytes identical"
mig_run "hd -> hd without PRE_COPY" 0 migrate --no-precopy -c 4194304 \
	--fill-fb 0:22 --check-fb 0 "$H1" "$H2"
has "... also without PRE_COPY" "check-fb 0: $FB_HD bytes identical"
mdev_remove "$H1"
mdev_remove "$H2"

# 7. An aborted migration leaves the source running, framebuffer intact.
mig_run "migration aborted inside the framebuffer exits 4" 4 migrate \
	--abort-after 1000000 --fill-fb 0:31 "$S" "$D"
has_src_restored "the source is RUNNING again"
mig_run "the source's framebuffer is intact" 0 fb "$S" check 0:31
mig_run "the aborted destination is RUNNING again once closed" 0 state "$D"
has "... state RUNNING" "dev: state RUNNING"

# 8. vga <-> xga: the stream alone refuses it when the checks are skipped.
X=$(mdev_create mdpy xga)
mig_run "fill the xga device's framebuffer" 0 fb "$X" fill 0:41
kmsg_mark
mig_run "stream: vga -> xga is refused (exit 2)" 2 migrate --fill-fb 0:42 \
	"$S" "$X"
has "the destination's write fails with EPROTO" "Protocol error (EPROTO)"
has "the destination stays in RESUMING" "dst: state RESUMING"
has_src_restored "the source is RUNNING again"
check "the destination logged why" grep -q "rule 2.*'width'" \
	<(kmsg_since_mark)
mig_run "the source's framebuffer is intact" 0 fb "$S" check 0:42
mig_run "the destination's framebuffer is untouched" 0 fb "$X" check 0:41
mig_run "stream: xga -> vga is refused (exit 2)" 2 migrate "$X" "$S"
has "... the vga destination stays in RESUMING" "dst: state RESUMING"

# 9. Truncated and corrupted streams; then the good one.
mig_run "save a stream" 0 migrate --save "$TMP/good" --fill-fb 0:51 "$S"
size=$(stat -c %s "$TMP/good")
head -c 20 "$TMP/good" > "$TMP/cut-desc"
mig_run "a stream cut inside the description is refused (EPROTO)" 2 \
	migrate --load "$TMP/cut-desc" "$D"
head -c $((size / 2)) "$TMP/good" > "$TMP/cut-fb"
mig_run "a stream cut inside the framebuffer is refused" 3 \
	migrate --load "$TMP/cut-fb" "$D"
has "... with EINVAL on RESUMING -> STOP" "RESUMING -> STOP: Invalid argument"
head -c $((size - 24)) "$TMP/good" > "$TMP/no-end"
mig_run "a stream without its end record is refused" 3 \
	migrate --load "$TMP/no-end" "$D"
{ cat "$TMP/good"; printf 'x'; } > "$TMP/trailing"
mig_run "a byte after the end record is refused" 3 \
	migrate --load "$TMP/trailing" "$D"
has "... with EINVAL on write()" "dst: write of .*Invalid argument (EINVAL)"
mig_run "the same destination then takes the good stream" 0 \
	migrate --load "$TMP/good" "$D"
mig_run "... and has the framebuffer" 0 fb "$D" check 0:51

# 10. Closing a device in RESUMING returns it to RUNNING.
mig_run "hold a device in RESUMING" 0 hold "$D" RESUMING -- true
has "... it reached RESUMING" "dev: STOP -> RESUMING$"
mig_run "a device closed in RESUMING" 0 state "$D"
has "... is RUNNING again" "dev: state RUNNING"

ktap_finished
