# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the mdev selftests: KTAP output, mdev sysfs paths, and writes
# that report the errno the kernel returned, the way a shell user sees it.

DIR="$(dirname "$(readlink -f "$0")")"
source "$DIR/../kselftest/ktap_helpers.sh"

MDEV_CLASS=/sys/class/mdev_bus
MDEV_DEVICES=/sys/bus/mdev/devices
export LC_ALL=C

# Created devices, removed again on exit whatever happens. mdev_create
# mostly runs in a command substitution, where it cannot add to
# MDEV_CREATED: every device that was not there when the test started
# goes too.
MDEV_CREATED=()
MDEV_BEFORE=$(ls "$MDEV_DEVICES" 2> /dev/null)

mdev_cleanup() {
	local u
	for u in "${MDEV_CREATED[@]}" $(ls "$MDEV_DEVICES" 2> /dev/null); do
		grep -qx -- "$u" <<< "$MDEV_BEFORE" && continue
		[ -e "$MDEV_DEVICES/$u/remove" ] &&
			echo 1 > "$MDEV_DEVICES/$u/remove" 2>/dev/null
	done
	return 0
}
trap mdev_cleanup EXIT

# mdev_type_dir PARENT TYPE: sysfs folder of an mdev type.
mdev_type_dir() {
	echo "$MDEV_CLASS/$1/mdev_supported_types/$1-$2"
}

# mdev_require_parent PARENT: skip the whole test if the parent is absent.
mdev_require_parent() {
	if [ ! -d "$MDEV_CLASS/$1" ]; then
		ktap_skip_all "mdev parent $1 not present (load its module)"
		exit "$KSFT_SKIP"
	fi
}

# errno_of MESSAGE: the errno name behind a shell write error message.
errno_of() {
	case "$1" in
	*"Invalid argument"*) echo EINVAL ;;
	*"Protocol error"*) echo EPROTO ;;
	*"Device or resource busy"*) echo EBUSY ;;
	*"Permission denied"*) echo EACCES ;;
	*"No such device"*) echo ENODEV ;;
	*"File exists"*) echo EEXIST ;;
	*"No such file or directory"*) echo ENOENT ;;
	*"Operation not permitted"*) echo EPERM ;;
	*"Too many users"*) echo EUSERS ;;
	*"Cannot allocate memory"*) echo ENOMEM ;;
	*) echo "unknown($1)" ;;
	esac
}

# write_errno FILE VALUE: write VALUE (no newline) the way mdevctl does and
# print OK or the errno name of the failed write.
write_errno() {
	local err
	if err=$( (printf '%s' "$2" > "$1") 2>&1); then
		echo OK
	else
		errno_of "$err"
	fi
}

# mdev_create PARENT TYPE: create a device, print its UUID. A removed
# device gives its instance back when it is released, which a kernel with
# CONFIG_DEBUG_KOBJECT_RELEASE delays by up to 4 s: while the type has no
# instance left, wait for one that much.
mdev_create() {
	local u i t
	u=$(cat /proc/sys/kernel/random/uuid)
	t=$(mdev_type_dir "$1" "$2")
	for ((i = 0; i < 25; i++)); do
		[ "$(cat "$t/available_instances")" != 0 ] && break
		sleep 0.2
	done
	echo "$u" > "$t/create" || return 1
	MDEV_CREATED+=("$u")
	echo "$u"
}

# wait_until SECONDS COMMAND...: poll COMMAND every 0.1 s until it
# succeeds (status 0) or SECONDS pass (status 1). A bound, not a delay.
wait_until() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# mdev_remove UUID
mdev_remove() {
	echo 1 > "$MDEV_DEVICES/$1/remove"
}

# check DESCRIPTION COMMAND...: one KTAP test result from a command.
check() {
	local desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc"
	fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected '$2', got '$3'"
		ktap_test_fail "$1"
	fi
}

# expect_write DESCRIPTION FILE VALUE ERRNO [STATE_FILE...]: the write gets
# ERRNO (or OK), and every STATE_FILE reads the same before and after.
expect_write() {
	local desc=$1 file=$2 value=$3 want=$4 f got ok=1
	shift 4
	local -a before=()
	for f in "$@"; do
		before+=("$(cat "$f")")
	done
	got=$(write_errno "$file" "$value")
	if [ "$got" != "$want" ]; then
		ktap_print_msg "$desc: expected $want, got $got"
		ok=0
	fi
	local i=0
	for f in "$@"; do
		if [ "$(cat "$f")" != "${before[$i]}" ]; then
			ktap_print_msg "$desc: $f changed to '$(cat "$f")'"
			ok=0
		fi
		i=$((i + 1))
	done
	if [ $ok = 1 ]; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc"
	fi
}

# kmsg_records: the records of the kernel's log buffer, one a line as
# "SEQ MESSAGE", read from /dev/kmsg without waiting. Record numbers keep
# counting when the buffer wraps, which dmesg's line numbers do not (a
# debug kernel running every test wraps it).
kmsg_records() {
	dd if=/dev/kmsg iflag=nonblock bs=16384 2> /dev/null |
		sed -n 's/^[0-9]*,\([0-9]*\),[^;]*;/\1 /p'
}

# kmsg_mark / kmsg_since_mark: the kernel log written since the mark
# (KMSG_MARK: the number of the last record then, -1 for none).
kmsg_mark() {
	KMSG_MARK=$(kmsg_records | tail -n 1 | cut -d ' ' -f 1)
	KMSG_MARK=${KMSG_MARK:--1}
}
kmsg_since_mark() {
	kmsg_records | awk -v m="$KMSG_MARK" '$1 > m { sub(/^[0-9]+ /, ""); print }'
}

# mig_run NAME EXPECTED_EXIT ARGS...: run mig_client ARGS, keep its output
# in $OUT, and pass if it exits as expected.
mig_run() {
	local name=$1 want=$2 rc=0
	shift 2
	OUT=$("$DIR/mig_client" "$@" 2>&1) || rc=$?
	if [ "$rc" = "$want" ]; then
		ktap_test_pass "$name"
	else
		ktap_print_msg "$name: exit $rc, expected $want"
		echo "$OUT" | sed 's/^/# /'
		ktap_test_fail "$name"
	fi
}

# has NAME PATTERN: the last mig_run output matches PATTERN.
has() {
	if grep -q -- "$2" <<< "$OUT"; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: no '$2' in:"
		echo "$OUT" | sed 's/^/# /'
		ktap_test_fail "$1"
	fi
}

# has_src_restored NAME: after a failed or aborted migration, the last
# mig_client run put the source back to RUNNING and read it back so.
has_src_restored() {
	local last
	last=$(grep '^src: state ' <<< "$OUT" | tail -n 1)
	if grep -qx 'src: back to RUNNING' <<< "$OUT" &&
	   [ "$last" = "src: state RUNNING" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: source not restored (last: '$last')"
		ktap_test_fail "$1"
	fi
}

# What the VM runner (and a human) calls a kernel splat.
KMSG_SPLAT='BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|Kernel panic'
KMSG_SPLAT+='|possible (circular|recursive) locking|inconsistent lock state'
KMSG_SPLAT+='|suspicious RCU|sleeping function called|INFO: task .* blocked'
KMSG_SPLAT+='|lock held when returning|unreferenced object|Call Trace'

# check_kmsg_clean DESCRIPTION: no splat in the kernel log since the mark.
check_kmsg_clean() {
	local splat
	if ! dmesg > /dev/null; then
		ktap_print_msg "$1: cannot read the kernel log"
		ktap_test_fail "$1"
		return
	fi
	splat=$(kmsg_since_mark | grep -E -A20 "$KMSG_SPLAT" | head -n 60)
	if [ -z "$splat" ]; then
		ktap_test_pass "$1"
	else
		echo "$splat" | sed 's/^/# /'
		ktap_test_fail "$1"
	fi
}

# check_kmemleak DESCRIPTION: a kmemleak scan finds nothing (skip without
# kmemleak). Two scans, as an object is reported once it was seen
# unreferenced twice; the report is not cleared, so the VM runner's own
# scan at the end still sees it.
check_kmemleak() {
	local km=/sys/kernel/debug/kmemleak report
	if [ ! -w "$km" ]; then
		ktap_test_skip "$1 (no kmemleak in this kernel)"
		return
	fi
	echo scan > "$km"
	sleep 1
	echo scan > "$km"
	report=$(cat "$km")
	if [ -z "$report" ]; then
		ktap_test_pass "$1"
	else
		echo "$report" | head -n 60 | sed 's/^/# /'
		ktap_test_fail "$1"
	fi
}
