#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency stress of the migration attributes, for MDEV_STRESS_SECONDS
# (40 by default), then nothing may have leaked or warned. In parallel:
# - two readers of every migration file of every mtty and mdpy type and
#   device; a description must always read whole;
# - parameter writers on two mtty devices (runtime and create parameters);
# - checks racing with them: one device's description written to another
#   device and to the types;
# - device create/remove loops on mtty-1 and mdpy-xga, each new device's
#   files read and written before it goes;
# - migrations and migration state changes between two of the mtty devices
#   (mig_client migrate and hold), which freeze the runtime parameters;
# - module unload attempts: rmmod mtty while a VFIO fd is open must fail
#   with EBUSY; with only sysfs files held open it fails with EBUSY or
#   succeeds, the open files then fail to read, and mtty is loaded again
#   and its devices made again. Not the unload itself on a kernel with
#   CONFIG_DEBUG_KOBJECT_RELEASE: the mtty sample (as in Linux 7.2)
#   keeps its parent device and its mdev types in module data, whose
#   kobject releases would run after rmmod freed it.
# Each worker's operations are fork-free shell builtins where possible and
# every errno is checked against what the ABI allows at that moment. Then:
# the devices still migrate, the kernel log has no splat, lockdep is still
# on and a kmemleak scan finds nothing (the last two on a debug kernel).

source "$(dirname "$(readlink -f "$0")")/mdev_lib.sh"

ktap_print_header
mdev_require_parent mtty
if [ ! -e "$(mdev_type_dir mtty 2)/migration_info.json" ]; then
	ktap_skip_all "mtty without migration_info.json"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 15

DURATION=${MDEV_STRESS_SECONDS:-40}
DELAYED_RELEASE=0
if grep -qw kobject_delayed_cleanup /proc/kallsyms; then
	DELAYED_RELEASE=1
	ktap_print_msg "CONFIG_DEBUG_KOBJECT_RELEASE: mtty is not unloaded"
fi
MIG=$DIR/mig_client
TMP=$(mktemp -d)
cleanup() {
	[ -d "$MDEV_CLASS/mtty" ] || modprobe mtty
	mdev_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT

# The fixed devices; made again with the same UUIDs after mtty is unloaded.
A=$(cat /proc/sys/kernel/random/uuid)	# mtty-2: parameters written
B=$(cat /proc/sys/kernel/random/uuid)	# mtty-2: migration destination
C=$(cat /proc/sys/kernel/random/uuid)	# mtty-1: held open during rmmod
make_fixed() {
	local u
	for u in "$A:2" "$B:2" "$C:1"; do
		[ -e "$MDEV_DEVICES/${u%:*}" ] ||
			echo "${u%:*}" > "$(mdev_type_dir mtty "${u#*:}")/create"
	done
}
make_fixed
check "the fixed devices exist" test -e "$MDEV_DEVICES/$A" \
	-a -e "$MDEV_DEVICES/$B" -a -e "$MDEV_DEVICES/$C"
M=$(mdev_create mdpy vga 2> /dev/null)
kmsg_mark
END=$((SECONDS + DURATION))

# The worker's errno of the last failed write, from its error file.
last_errno() {
	local msg=
	read -r msg < "$ERRF"
	errno_of "$msg"
}

# bad WHAT: an unexpected result; the first ten are printed.
bad() {
	errors=$((errors + 1))
	[ $errors -le 10 ] && echo "# $WORKER: $*"
}

# put FILE VALUE ALLOWED...: write; the errno must be one of ALLOWED.
put() {
	local f=$1 v=$2 e
	shift 2
	ops=$((ops + 1))
	if printf %s "$v" 2> "$ERRF" > "$f"; then
		e=OK
	else
		e=$(last_errno)
	fi
	LAST=$e
	case " $* " in
	*" $e "*) ;;
	*) bad "$f <- '$v': $e" ;;
	esac
}

# A worker: NAME FUNCTION; runs FUNCTION until the end, then writes
# "ops errors extra" to $TMP/NAME.
worker() {
	(
		WORKER=$1 ERRF=$TMP/$1.err ops=0 errors=0 extra=
		while [ $SECONDS -lt $END ]; do
			"$2"
		done
		echo "$ops $errors $extra" > "$TMP/$1"
	) &
}

# The file of a device being removed, or made (or mtty being unloaded):
# ENOENT, ENODEV, or EACCES (bash opens with O_CREAT, and the device's
# sysfs folder may be there before or after the file).
GONE="ENOENT ENODEV EACCES"
read_all() {
	local f x
	for f in "$MDEV_CLASS"/{mtty,mdpy}/mdev_supported_types/*/migration_info.json \
		 "$MDEV_DEVICES"/*/migration_info.json \
		 "$MDEV_DEVICES"/*/migration/params/*; do
		x=
		IFS= read -r -d '' x 2> /dev/null < "$f"
		ops=$((ops + 1))
		case $f in
		"$MDEV_DEVICES"/*/migration_info.json)
			case $x in
			'' | '{"model": "kernel.org/samples/'*'}}'$'\n') ;;
			*) bad "torn description in $f: '$x'" ;;
			esac
			;;
		esac
	done
}

write_params() {
	local P=$MDEV_DEVICES/$A/migration/params Q=$MDEV_DEVICES/$C/migration/params
	local v
	for v in false off 0 n on true; do
		put "$P/config-state" $v OK EBUSY $GONE
	done
	# A's fifo-size stays at B's (16) so that A can migrate to B: its
	# current value, which a write leaves alone even after open.
	put "$P/fifo-size" 16 OK $GONE
	put "$Q/config-state" y OK EBUSY $GONE
	put "$Q/fifo-size" $((ops % 16 + 1)) OK EBUSY $GONE
	put "$P/fifo-size" 17 EPROTO $GONE
	put "$P/nr-ports" 2 OK $GONE
	put "$P/nr-ports" 1 EPROTO $GONE
}

run_checks() {
	local d=
	IFS= read -r -d '' d 2> /dev/null < "$MDEV_DEVICES/$A/migration_info.json"
	[ -n "$d" ] || { sleep 0.1; return; }
	put "$MDEV_DEVICES/$B/migration_info.json" "$d" OK EPROTO $GONE
	put "$MDEV_DEVICES/$A/migration_info.json" "$d" OK EPROTO $GONE
	put "$(mdev_type_dir mtty 2)/migration_info.json" "$d" OK $GONE
	put "$(mdev_type_dir mtty 1)/migration_info.json" "$d" EPROTO $GONE
}

create_remove() {
	local u D x t
	for t in "mtty 1" "mdpy xga"; do
		read -r u < /proc/sys/kernel/random/uuid
		put "$(mdev_type_dir $t)/create" "$u" OK EUSERS $GONE
		[ "$LAST" = OK ] || continue
		D=$MDEV_DEVICES/$u
		for x in "$D"/migration_info.json "$D"/migration/params/*; do
			IFS= read -r -d '' x 2> /dev/null < "$x"
		done
		x=
		IFS= read -r -d '' x 2> /dev/null < "$D/migration_info.json"
		[ -n "$x" ] && put "$D/migration_info.json" "$x" OK $GONE
		[ -e "$D/migration/params/config-state" ] &&
			put "$D/migration/params/config-state" off OK $GONE
		put "$D/remove" 1 OK $GONE
	done
}

# mig_client: 0 migrated, 1 cannot open (busy, or gone with mtty),
# 2 refused (A's config-state, being written, differs from B's), 3 failed
# (mtty unloaded under it). hold: 0 held, 1 cannot open or reach the
# state; its 3 (the device did not return to RUNNING) is a failure.
# Exits are noted as migrate-N and hold-N.
run_migrate() {
	local rc what=migrate
	ops=$((ops + 1))
	if [ $((ops % 2)) = 0 ]; then
		"$MIG" migrate "$A" "$B" > "$ERRF" 2>&1
	else
		what=hold
		"$MIG" hold "$A" STOP_COPY -- "sleep 0.2" > "$ERRF" 2>&1
	fi
	rc=$?
	extra="$extra $what-$rc"
	if [ $rc -gt 3 ] || { [ $what = hold ] && [ $rc -gt 1 ]; }; then
		bad "mig_client $what exit $rc: $(tail -n 3 "$ERRF" | xargs)"
	fi
}

# rmmod mtty: the output of a refusal must say the module is in use.
run_unload() {
	local rc out fd1 fd2 x
	ops=$((ops + 1))
	# A VFIO fd open on C: the module is in use.
	if [ -e "$MDEV_DEVICES/$C" ]; then
		out=$("$MIG" hold "$C" STOP -- "rmmod mtty 2>&1; exit 0" 2>&1)
		case $out in
		*"in use"*) extra="$extra held-busy" ;;
		*"not RUNNING"* | *"cannot open"* | *"Device or resource busy"*) ;;
		*) bad "rmmod with a VFIO fd open: $(echo "$out" | tail -n 2 | xargs)" ;;
		esac
	fi
	[ -d "$MDEV_CLASS/mtty" ] || { modprobe mtty; make_fixed; }
	# With CONFIG_DEBUG_KOBJECT_RELEASE every kobject release runs 1-4 s
	# after its last put: mtty's parent device and types are in module
	# data, which rmmod frees first (see the note at the top).
	[ "$DELAYED_RELEASE" = 1 ] && { sleep 0.5; return; }
	# Only sysfs files held open: EBUSY or a clean unload.
	if ! exec {fd1}< "$MDEV_DEVICES/$A/migration_info.json" ||
	   ! exec {fd2}< "$MDEV_DEVICES/$A/migration/params/config-state"; then
		bad "the files of $A are missing"
		return
	fi
	out=$(rmmod mtty 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		extra="$extra unloaded"
		x=
		IFS= read -r -d '' x 2> /dev/null <&$fd1
		[ -z "$x" ] || bad "a file of a removed device still reads '$x'"
		modprobe mtty || bad "modprobe mtty failed"
		make_fixed 2> /dev/null || bad "cannot make the devices again"
	else
		case $out in
		# kmod checks the refcount first; the syscall may still see a
		# user that came since: EAGAIN.
		*"in use"* | *"Resource temporarily unavailable"*)
			extra="$extra busy" ;;
		*) bad "rmmod mtty: $out" ;;
		esac
	fi
	exec {fd1}<&- {fd2}<&-
	sleep 0.5
}

worker readers1 read_all
worker readers2 read_all
worker params write_params
worker checks run_checks
worker create create_remove
worker migrate run_migrate
worker unload run_unload
wait

# report NAME DESCRIPTION: one result per worker.
report() {
	local ops errors extra
	read -r ops errors extra < "$TMP/$1"
	ktap_print_msg "$1: $ops operations, $errors unexpected${3:+, $3}"
	expect_eq "$2" "0 yes" "${errors:-missing} $([ "${ops:-0}" -gt 0 ] && echo yes)"
}
read -r _ _ migs < "$TMP/migrate"
read -r _ _ unloads < "$TMP/unload"
ktap_print_msg "stressed for $DURATION s"
report readers1 "reader 1: descriptions read whole, no unexpected error"
report readers2 "reader 2: descriptions read whole, no unexpected error"
report params "parameter writers: only the errnos the ABI allows"
report checks "checks racing with parameter writes: OK or EPROTO only"
report create "create/remove loops: only the errnos the ABI allows"
report migrate "migrations and state changes: no crash" \
	"exits: $(tr ' ' '\n' <<< "$migs" | sort | uniq -c | xargs)"
migrated=$(tr ' ' '\n' <<< "$migs" | grep -c '^migrate-0$')
held=$(tr ' ' '\n' <<< "$migs" | grep -c '^hold-0$')
ktap_print_msg "$migrated migrations completed during the stress, $held holds"
check "migrations completed during the stress" test "$migrated" -gt 0
check "STOP_COPY holds completed during the stress" test "$held" -gt 0
report unload "rmmod mtty: EBUSY while in use, else a clean unload" \
	"$(tr ' ' '\n' <<< "$unloads" | sort | uniq -c | xargs)"
check "rmmod with a VFIO fd open was refused at least once" \
	grep -qw held-busy <<< "$unloads"

# Afterwards everything still works.
[ -d "$MDEV_CLASS/mtty" ] || modprobe mtty
S=$(mdev_create mtty 2)
D=$(mdev_create mtty 2)
mig_run "after the stress new devices still migrate" 0 migrate --poke 0:7:0x5a \
	--peek 0:7:1 "$S" "$D"

cleanup
trap - EXIT
check_kmsg_clean "no kernel warning, lockdep or sanitizer report"
if [ -r /proc/lockdep_stats ]; then
	expect_eq "lockdep is still on (debug_locks)" 1 \
		"$(awk '/debug_locks:/ { print $2 }' /proc/lockdep_stats)"
else
	ktap_test_skip "lockdep is still on (no lockdep in this kernel)"
fi
# kmemleak reports objects at least 5 s old.
[ -w /sys/kernel/debug/kmemleak ] && sleep 5
check_kmemleak "no leak: kmemleak scan after all devices are gone"

ktap_finished
