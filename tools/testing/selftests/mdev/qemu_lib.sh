# SPDX-License-Identifier: GPL-2.0
#
# QEMU as the VMM of the mdev migration tests: start a tiny machine with
# one mdev (-device vfio-pci,sysfsdev=...), drive it over QMP, and read
# and write its PCI config space and BARs over the qtest protocol, as a
# guest driver would. The guest is a 64 KiB firmware whose one CPU halts
# at the reset vector (Debian's QEMU has no qtest accelerator, and no
# guest code should touch the device): every device access is one the
# test makes, through QEMU's memory API and so through QEMU's mapping of
# the device's regions.
#
# Both sockets are spoken through socat, one persistent connection each,
# over a pair of FIFOs, so several QEMUs can be driven at once. A QEMU
# that does not answer in time is taken for dead: its connections are
# closed and every later command to it fails at once. Every QEMU and
# socat started here is killed when the test exits, before the mdev
# library removes the devices (removing a device QEMU holds would hang).
#
# Needs mdev_lib.sh first; uses socat and jq.

QEMU=${QEMU:-qemu-system-x86_64}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-60}	# seconds for one answer or migration
QEMU_SLOT=0x4				# PCI slot of the mdev, on both sides
QEMU_DIR=$(mktemp -d)
declare -A QEMU_PID QEMU_FD QEMU_DEAD	# QEMU_PID[NAME.qmp]: its socat
QEMU_STARTED=()		# every QEMU and socat started, to check and kill
MIG_STATUS= MIG_INFO={} QMP_STATUS= QMP_RET= QTEST_VAL=
# A write to the connection of a QEMU that died must fail, not kill us.
trap '' PIPE

# The firmware: cli; hlt; jmp back to the hlt, at 0xfff0 (the reset vector).
QEMU_BIOS=$QEMU_DIR/halt.bin
{
	head -c 65520 /dev/zero
	printf '\xfa\xf4\xeb\xfd'
	head -c 12 /dev/zero
} > "$QEMU_BIOS"

# Extra vfio-pci properties: QEMU's defaults where the kernel allows
# them (see qemu_vfio_defaults_work), else set by the test.
QEMU_VFIO_PROPS=

qemu_cleanup() {
	local p

	qemu_closefds
	for p in "${QEMU_STARTED[@]}"; do
		kill -9 "$p" 2> /dev/null
		wait "$p" 2> /dev/null
	done
	rm -rf "$QEMU_DIR"
	mdev_cleanup
}
trap qemu_cleanup EXIT

# qemu_require: skip the whole test without QEMU >= 10.0 (the version
# Debian 12 has in bookworm-backports; bookworm's 7.2 has no VFIO
# migration v2 of mdevs, which QEMU has since 8.1), socat or jq.
qemu_require() {
	local v t

	for t in "$QEMU" socat jq; do
		if ! command -v "$t" > /dev/null; then
			ktap_skip_all "$t not installed"
			exit "$KSFT_SKIP"
		fi
	done
	v=$("$QEMU" --version | sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p')
	if [ "${v:-0}" -lt 10 ]; then
		ktap_skip_all "QEMU $v: this test needs 10.0 or later"
		exit "$KSFT_SKIP"
	fi
}

# qemu_vfio_defaults_work: QEMU's default, device dirty tracking
# (VFIO_DEVICE_FEATURE_DMA_LOGGING), works only if the VFIO core has the
# real iova_bitmap, i.e. the kernel has CONFIG_IOMMUFD_DRIVER; without it
# every DMA-logging report fails with EOPNOTSUPP and so does migration.
qemu_vfio_defaults_work() {
	grep -qw iova_bitmap_alloc /proc/kallsyms
}

# qemu_fail NAME MESSAGE: QEMU NAME misbehaved; say so with its own log.
qemu_fail() {
	ktap_print_msg "qemu $1: $2"
	sed 's/^/# qemu '"$1"': /' "$QEMU_DIR/$1/log" 2> /dev/null | tail -n 20
}

# qemu_threads NAME: where NAME's threads wait, to tell a stuck kernel
# call (a data fd read, a state change) from a QEMU that waits itself.
qemu_threads() {
	local t pid=${QEMU_PID[$1]:-}

	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 0
	for t in /proc/"$pid"/task/*; do
		ktap_print_msg "qemu $1: thread $(cat "$t/comm") in" \
			"$(cat "$t/wchan" 2> /dev/null)" \
			"$(head -n 4 "$t/stack" 2> /dev/null |
			   sed 's/^\[<[0-9a-f]*>\] //' | xargs)"
	done
	qmp "$1" query-migrate > /dev/null 2>&1 &&
		ktap_print_msg "qemu $1: ${QMP_RET:0:400}"
	return 0
}

# qemu_closefds: close this shell's connections (in a child that is
# about to become QEMU or socat, so that it holds none of them).
qemu_closefds() {
	local fd

	for fd in "${QEMU_FD[@]}"; do
		exec {fd}>&-
	done
}

# qemu_connect NAME SOCKET: a persistent connection to a QEMU socket,
# written through QEMU_FD[NAME.SOCKET.in], read through ...out.
qemu_connect() {
	local d=$QEMU_DIR/$1 k=$2 fd

	mkfifo "$d/$k.in" "$d/$k.out"
	(qemu_closefds; exec socat -t "$QEMU_TIMEOUT" \
		"UNIX-CONNECT:$d/$k.sock,retry=50,interval=0.1" - \
		< "$d/$k.in" > "$d/$k.out" 2>> "$d/log") &
	QEMU_STARTED+=("$!")
	QEMU_PID[$1.$k]=$!
	exec {fd}> "$d/$k.in"
	QEMU_FD[$1.$k.in]=$fd
	exec {fd}< "$d/$k.out"
	QEMU_FD[$1.$k.out]=$fd
}

# qemu_disconnect NAME: close the connections to QEMU NAME.
qemu_disconnect() {
	local k fd

	for k in qmp.in qmp.out qtest.in qtest.out; do
		fd=${QEMU_FD[$1.$k]:-}
		[ -n "$fd" ] && exec {fd}>&-
		unset "QEMU_FD[$1.$k]"
	done
}

# qemu_alive NAME: QEMU NAME was started and has answered every command
# in time (an answer that comes late would be taken for the next one's).
qemu_alive() {
	[ -n "${QEMU_FD[$1.qmp.out]:-}" ] && [ -z "${QEMU_DEAD[$1]:-}" ]
}

# qemu_recv NAME SOCKET: one line from the socket (without CR) in REPLY.
qemu_recv() {
	if ! read -r -t "$QEMU_TIMEOUT" -u "${QEMU_FD[$1.$2.out]}" REPLY; then
		qemu_fail "$1" "no answer on $2 (QEMU died or hangs)"
		QEMU_DEAD[$1]=1
		qemu_disconnect "$1"
		return 1
	fi
	REPLY=${REPLY%$'\r'}
}

# qmp NAME COMMAND [ARGUMENTS_JSON]: run a QMP command; its "return"
# value (JSON) in QMP_RET. Events that come first go to NAME/events.
qmp() {
	local name=$1 cmd=$2 args=${3:-"{}"}

	qemu_alive "$name" || return 1
	printf '{"execute": "%s", "arguments": %s}\n' "$cmd" "$args" \
		>&"${QEMU_FD[$name.qmp.in]}" || {
		qemu_fail "$name" "cannot send $cmd"
		return 1
	}
	# One JSON object a line, "return" or "error" first in an answer
	# and "event" after "timestamp" in an event: no parser needed.
	while qemu_recv "$name" qmp; do
		case $REPLY in
		'{"return": '*)
			QMP_RET=${REPLY#'{"return": '}
			QMP_RET=${QMP_RET%\}}
			return 0
			;;
		*'"event": '*)
			echo "$REPLY" >> "$QEMU_DIR/$name/events"
			;;
		*)
			qemu_fail "$name" "$cmd: $REPLY"
			return 1
			;;
		esac
	done
	return 1
}

# qmp_status NAME COMMAND: the top-level "status" of COMMAND's return
# value (query-status, query-migrate), in QMP_STATUS.
qmp_status() {
	QMP_STATUS=
	qmp "$1" "$2" || return 1
	if [[ $QMP_RET =~ ^\{(.*,\ )?\"status\":\ \"([a-z-]+)\" ]]; then
		QMP_STATUS=${BASH_REMATCH[2]}
	else
		QMP_STATUS=none
	fi
}

# qtest NAME COMMAND...: one qtest command ("outb 0xc000 0x41",
# "readl 0xe0000000", ...); the value it returns, if any, in QTEST_VAL.
qtest() {
	local name=$1

	shift
	QTEST_VAL=
	qemu_alive "$name" || return 1
	echo "$*" >&"${QEMU_FD[$name.qtest.in]}" || {
		qemu_fail "$name" "cannot send qtest $*"
		return 1
	}
	qemu_recv "$name" qtest || return 1
	case $REPLY in
	OK) QTEST_VAL= ;;
	"OK 0x"*)
		QTEST_VAL=${REPLY#OK }
		if [[ ! $QTEST_VAL =~ ^0x[0-9a-fA-F]+$ ]]; then
			qemu_fail "$name" "qtest $*: $REPLY"
			return 1
		fi
		;;
	*)
		qemu_fail "$name" "qtest $*: $REPLY"
		return 1
		;;
	esac
}

# PCI configuration space of the mdev, through the PC's 0xcf8/0xcfc ports.
pci_cfg_writel() {
	qtest "$1" outl 0xcf8 $((0x80000000 | (QEMU_SLOT << 11) | $2)) &&
	qtest "$1" outl 0xcfc "$3"
}
pci_cfg_readl() {
	qtest "$1" outl 0xcf8 $((0x80000000 | (QEMU_SLOT << 11) | $2)) &&
	qtest "$1" inl 0xcfc
}

# pci_map_bar0 NAME ADDRESS IO|MEM: what a guest's firmware does: place
# BAR0 and turn decoding on.
pci_map_bar0() {
	local cmd=1

	[ "$3" = MEM ] && cmd=2
	pci_cfg_writel "$1" 0x10 "$2" && pci_cfg_writel "$1" 0x04 "$cmd"
}

# qemu_start NAME UUID [QEMU_ARGS...]: start a machine with the mdev
# UUID at QEMU_SLOT, connected and past the QMP handshake.
qemu_start() {
	local name=$1 d=$QEMU_DIR/$1 i
	local dev="vfio-pci,sysfsdev=$MDEV_DEVICES/$2,id=mdev0,addr=$QEMU_SLOT"

	shift 2
	rm -rf "$d"
	mkdir -p "$d"
	unset "QEMU_DEAD[$name]"
	(qemu_closefds; exec "$QEMU" -M pc -accel tcg,tb-size=16 -m 64M -bios "$QEMU_BIOS" \
		-nodefaults -no-user-config -display none \
		-qmp "unix:$d/qmp.sock,server=on,wait=off" \
		-qtest "unix:$d/qtest.sock,server=on,wait=off" -qtest-log none \
		-device "$dev$QEMU_VFIO_PROPS" \
		"$@" > "$d/log" 2>&1) &
	QEMU_PID[$name]=$!
	QEMU_STARTED+=("$!")
	for ((i = 0; i < QEMU_TIMEOUT * 10; i++)); do
		[ -S "$d/qmp.sock" ] && [ -S "$d/qtest.sock" ] && break
		if ! kill -0 "${QEMU_PID[$name]}" 2> /dev/null; then
			qemu_fail "$name" "exited at start"
			return 1
		fi
		sleep 0.1
	done
	if [ ! -S "$d/qtest.sock" ]; then
		qemu_fail "$name" "no QMP or qtest socket after ${QEMU_TIMEOUT}s"
		return 1
	fi
	qemu_connect "$name" qmp
	qemu_connect "$name" qtest
	qemu_recv "$name" qmp || return 1	# the greeting
	qmp "$name" qmp_capabilities
}

# qemu_exited NAME: QEMU NAME ends by itself within the timeout.
qemu_exited() {
	local i

	for ((i = 0; i < QEMU_TIMEOUT * 10; i++)); do
		kill -0 "${QEMU_PID[$1]}" 2> /dev/null || break
		sleep 0.1
	done
	! kill -0 "${QEMU_PID[$1]}" 2> /dev/null
}

# qemu_stop NAME: quit QEMU NAME (kill it if it does not go) and close
# the connections.
qemu_stop() {
	local name=$1

	[ -n "${QEMU_PID[$name]:-}" ] || return 0
	if kill -0 "${QEMU_PID[$name]}" 2> /dev/null; then
		qmp "$name" quit > /dev/null 2>&1
		qemu_exited "$name" || kill -9 "${QEMU_PID[$name]}" 2> /dev/null
	fi
	wait "${QEMU_PID[$name]}" 2> /dev/null
	qemu_disconnect "$name"
	# Both ends of the socat connections are closed now: they end.
	wait "${QEMU_PID[$name.qmp]}" "${QEMU_PID[$name.qtest]}" 2> /dev/null
	unset "QEMU_PID[$name]" "QEMU_PID[$name.qmp]" "QEMU_PID[$name.qtest]"
}

# qemu_none_left: every QEMU and socat this test started has ended.
qemu_none_left() {
	local p

	for p in "${QEMU_STARTED[@]}"; do
		if kill -0 "$p" 2> /dev/null; then
			ktap_print_msg "process $p ($(cat /proc/"$p"/comm)) still runs"
			return 1
		fi
	done
}

# qemu_log_has NAME PATTERN: QEMU NAME's own output matches PATTERN.
qemu_log_has() {
	grep -q -- "$2" "$QEMU_DIR/$1/log"
}

# migrate_caps NAME [CAP...]: set these migration capabilities on.
migrate_caps() {
	local name=$1 caps= c

	shift
	for c in "$@"; do
		caps+="${caps:+, }{\"capability\": \"$c\", \"state\": true}"
	done
	qmp "$name" migrate-set-capabilities "{\"capabilities\": [$caps]}"
}

# migrate_wait NAME: wait until NAME's migration ends; its status in
# MIG_STATUS and its query-migrate answer in MIG_INFO.
migrate_wait() {
	local i

	MIG_STATUS= MIG_INFO={}
	for ((i = 0; i < QEMU_TIMEOUT * 5; i++)); do
		qmp_status "$1" query-migrate || return 1
		MIG_INFO=$QMP_RET
		MIG_STATUS=$QMP_STATUS
		case $MIG_STATUS in
		completed | failed | cancelled) return 0 ;;
		esac
		sleep 0.2
	done
	qemu_fail "$1" "migration still $MIG_STATUS after ${QEMU_TIMEOUT}s"
	qemu_threads "$1"
	return 1
}

# migrate_active NAME: NAME's migration is (or becomes) active, not over.
migrate_active() {
	local i

	for ((i = 0; i < QEMU_TIMEOUT * 5; i++)); do
		qmp_status "$1" query-migrate || return 1
		case $QMP_STATUS in
		active) return 0 ;;
		none | setup) sleep 0.2 ;;
		*) break ;;
		esac
	done
	ktap_print_msg "qemu $1: migration $QMP_STATUS, expected active"
	return 1
}

# qemu_runstate NAME: print the VM's run state (running, paused...).
qemu_runstate() {
	qmp_status "$1" query-status && echo "$QMP_STATUS"
}

# qemu_wait_runstate NAME STATE: NAME is in STATE, or reaches it within
# the timeout from a state on the way (an incoming migration).
qemu_wait_runstate() {
	local i

	for ((i = 0; i < QEMU_TIMEOUT * 5; i++)); do
		qmp_status "$1" query-status || return 1
		[ "$QMP_STATUS" = "$2" ] && return 0
		case $QMP_STATUS in
		inmigrate | prelaunch | finish-migrate) sleep 0.2 ;;
		*) break ;;
		esac
	done
	ktap_print_msg "qemu $1: run state $QMP_STATUS, expected $2"
	return 1
}

# qemu_choose_vfio_props: QEMU's defaults where the kernel allows them,
# else the vfio-pci properties that migrate without device dirty tracking.
qemu_choose_vfio_props() {
	if qemu_vfio_defaults_work; then
		ktap_print_msg "QEMU's defaults: this kernel has" \
			"CONFIG_IOMMUFD_DRIVER, so device dirty tracking works"
		return
	fi
	QEMU_VFIO_PROPS=",enable-migration=on,x-device-dirty-page-tracking=off"
	ktap_print_msg "this kernel has no CONFIG_IOMMUFD_DRIVER: every" \
		"DMA-logging report is EOPNOTSUPP, so QEMU's default (device" \
		"dirty tracking) cannot migrate; vfio-pci gets" \
		"${QEMU_VFIO_PROPS#,}"
}

MTTY_IO=0xc000		# where the "firmware" puts mtty's BAR0 (I/O)

# mtty: registers and FIFO of port 0 (a 16550; what is sent is looped back
# into the receive FIFO). put: LCR, the scratch register and three bytes
# in the FIFO, all from SEED; check: all of them read back, the FIFO in
# order and then empty (or, with "peek", without consuming the FIFO).
mtty_put() {
	local b

	pci_map_bar0 "$1" "$MTTY_IO" IO &&
	qtest "$1" outb $((MTTY_IO + 3)) 0x03 &&
	qtest "$1" outb $((MTTY_IO + 7)) "$2" || return 1
	for b in 1 2 3; do
		qtest "$1" outb "$MTTY_IO" $(((b * 37 + $2) & 0xff)) || return 1
	done
}

# qtest_expect NAME WHAT COMMAND EXPECTED: one read gives EXPECTED.
qtest_expect() {
	qtest "$1" $3 || return 1
	if [ $((QTEST_VAL)) -ne $(($4)) ]; then
		ktap_print_msg "$1: $2 is $QTEST_VAL, expected $4"
		return 1
	fi
}

mtty_check() {
	local b

	qtest_expect "$1" LCR "inb $((MTTY_IO + 3))" 0x03 &&
	qtest_expect "$1" SCR "inb $((MTTY_IO + 7))" "$2" &&
	qtest_expect "$1" "LSR data ready" "inb $((MTTY_IO + 5))" 0x01 ||
		return 1
	[ "${3:-}" = peek ] && return 0
	for b in 1 2 3; do
		qtest_expect "$1" "FIFO byte $b" "inb $MTTY_IO" \
			$(((b * 37 + $2) & 0xff)) || return 1
	done
	qtest "$1" inb $((MTTY_IO + 5)) || return 1
	if [ $((QTEST_VAL & 1)) -ne 0 ]; then
		ktap_print_msg "$1: the FIFO has more than the three bytes"
		return 1
	fi
}
