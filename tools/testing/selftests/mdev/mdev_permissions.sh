#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Permissions of every migration attribute of every mtty and mdpy type and
# of a device of each type: the file modes (0644 for every one, readonly
# parameters included: writes are idempotent); a non-root user (uid
# 65534) reads every file as root does and gets EACCES on every write,
# even of a value root may write, and the file then reads as before; root
# may write a readonly parameter's current value.

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
if [ ! -e "$(mdev_type_dir mtty 2)/migration_info.json" ]; then
	ktap_skip_all "mtty without migration_info.json"
	exit "$KSFT_SKIP"
fi
if ! command -v setpriv > /dev/null; then
	ktap_skip_all "no setpriv (util-linux) to run as a non-root user"
	exit "$KSFT_SKIP"
fi
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# FILE NAME MODE VALUE [readonly]: VALUE is what root may write to FILE.
FILES=() NAMES=() MODES=() VALUES=() RO=()
add() {
	FILES+=("$1") NAMES+=("$2") MODES+=("$3") VALUES+=("$4") RO+=("${5:-}")
}
nr_readonly=0
for t in "$MDEV_CLASS"/{mtty,mdpy}/mdev_supported_types/*; do
	[ -e "$t/migration_info.json" ] || continue
	name=${t##*/}
	parent=${t%/mdev_supported_types/*}
	parent=${parent##*/}
	if [ "$(cat "$t/available_instances")" -eq 0 ]; then
		ktap_print_msg "no $name device left to make"
		continue
	fi
	u=$(mdev_create "$parent" "${name#"$parent"-}") ||
		ktap_exit_fail_msg "cannot make a $name device"
	D=$MDEV_DEVICES/$u
	desc=$(cat "$D/migration_info.json")
	caps=$(cat "$t/migration_info.json")
	add "$t/migration_info.json" "$name type migration_info.json" 644 "$desc"
	add "$D/migration_info.json" "$name device migration_info.json" 644 "$desc"
	for p in "$D"/migration/params/*; do
		ro="\"${p##*/}\": {\"type\": \"[a-z]*\", \"access\": \"readonly\""
		if grep -q "$ro" <<< "$caps"; then
			nr_readonly=$((nr_readonly + 1))
			ro=readonly
		else
			ro=
		fi
		add "$p" "$name device params/${p##*/}" 644 "$(cat "$p")" $ro
	done
done

# mtty's nr-ports and mdpy's geometry are readonly: none found means the
# test lost its readonly cases.
[ "$nr_readonly" -gt 0 ] || ktap_exit_fail_msg "no readonly parameter found"
ktap_set_plan $((${#FILES[@]} * 2 + nr_readonly))

# As the non-root user, in one process: every file's content, then what a
# write of the value root may write gets.
ARGS=() CONTENT=()
for i in "${!FILES[@]}"; do
	IFS= read -r "CONTENT[$i]" < "${FILES[$i]}"
	ARGS+=("${FILES[$i]}" "${VALUES[$i]}")
done
NOBODY_OUT=$("${NOBODY[@]}" bash -c '
	while [ $# -gt 0 ]; do
		c=
		IFS= read -r c 2> /dev/null < "$1"
		printf "%s\n" "$c"
		if err=$( { printf %s "$2" > "$1"; } 2>&1 ); then
			echo OK
		else
			echo "$err"
		fi
		shift 2
	done' _ "${ARGS[@]}" 2>&1)
mapfile -t NOBODY_LINES <<< "$NOBODY_OUT"
mapfile -t MODES_NOW < <(stat -L -c %a "${FILES[@]}")

for i in "${!FILES[@]}"; do
	f=${FILES[$i]} n=${NAMES[$i]}
	expect_eq "$n: mode ${MODES[$i]}" "${MODES[$i]}" "${MODES_NOW[$i]}"
	expect_eq "$n: non-root reads it, its write gets EACCES, unchanged" \
		"${CONTENT[$i]}|EACCES|${CONTENT[$i]}" \
		"${NOBODY_LINES[$((2 * i))]}|$(errno_of \
			"${NOBODY_LINES[$((2 * i + 1))]}")|$(cat "$f")"
	if [ -n "${RO[$i]}" ]; then
		expect_write "$n: readonly, root writes its value, unchanged" \
			"$f" "${VALUES[$i]}" OK "$f"
	fi
done

ktap_finished
