#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The project's test command: every stage named (default: all), each
# building what it needs first. Prints each stage's output live, then one
# line per stage and the closing "N passed, N failed, N skipped" line.
#
#   test.sh [host] [stock] [debug] [s390] [gates]   T=<test.sh>: one kselftest
set -uo pipefail
. "$(dirname "$0")/lib.sh"

STAGES=("$@")
[ ${#STAGES[@]} -gt 0 ] || STAGES=(host stock debug s390 gates)
LOGS=$OUT/logs
KSFT="out/kselftest/run_kselftest.sh${T:+ -t mdev:$T}"
KUNIT_MODULES="migcompat_kunit mdev_migration_test"
# QEMU migrations on the debug kernel (KASAN, lockdep, under TCG) take
# about five times as long as on the stock kernel: there, QEMU's defaults
# (device dirty tracking) in a running migration, for mtty and mdpy;
# the stock kernel runs every scenario.
DEBUG_QEMU_SCENARIOS="running_unix config_only"
mkdir -p "$LOGS"

run_stage() {
	case $1 in
	host)
		# The engine's unit test, then a short libFuzzer run of each
		# harness (make -C tools/testing/migcompat fuzz-long: long run).
		make -s -C "$REPO/tools/testing/migcompat" check &&
		make -s -C "$REPO/tools/testing/migcompat" fuzz-short \
			FUZZ_SECONDS="${FUZZ_SECONDS:-15}"
		;;
	stock)
		# Then migration to and from Linux 7.2's own mtty, in boots
		# of their own (not with T=).
		"$REPO/harness/build-stock.sh" || return 1
		local rc=0
		"$REPO/harness/vm/run.sh" -k stock -- "$KSFT" || rc=1
		if [ -z "${T:-}" ]; then
			"$REPO/harness/predecessor.sh" || rc=1
		fi
		return $rc
		;;
	debug)
		# One boot runs the KUnit suites and every kselftest: about
		# 20 minutes on Linux 7.2 with KASAN and lockdep under TCG, so
		# the guard against a hang is 40.
		"$REPO/harness/build-debug.sh" &&
		"$REPO/harness/vm/run.sh" -k debug -t 2400 -- \
			"harness/vm/kunit.sh $KUNIT_MODULES;" \
			"MDEV_QEMU_SCENARIOS='$DEBUG_QEMU_SCENARIOS' $KSFT"
		;;
	s390)
		# vfio_ap and the framework cross-built for s390, their KUnit
		# suites run under qemu-system-s390x.
		"$REPO/harness/build-s390.sh" &&
		"$REPO/harness/vm/kunit-s390.sh"
		;;
	gates)
		# checkpatch, kernel-doc, W=1, sparse and Sphinx on every
		# file the project adds or changes.
		"$REPO/harness/gates.sh"
		;;
	*) log "unknown stage $1"; return 1 ;;
	esac
}

extra=
[[ " ${STAGES[*]} " == *" s390 "* ]] && extra=s390
"$REPO/harness/setup.sh" $extra || exit 1
"$REPO/harness/assemble.sh" || exit 1
"$REPO/harness/build-selftests.sh" || exit 1

tp=0 tf=0 ts=0 summary=()
for s in "${STAGES[@]}"; do
	echo "=== stage $s"
	start=$SECONDS
	cd "$REPO"
	run_stage "$s" 2>&1 | tee "$LOGS/$s.log"
	rc=${PIPESTATUS[0]}
	if [ "$s" = host ] || [ "$s" = gates ]; then
		read -r p f k < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' \
			"$LOGS/$s.log" | awk '{ p += $1; f += $2 } END { print p, f, 0 }')
	else
		read -r p f k < <(awk -f "$REPO/harness/count.awk" "$LOGS/$s.log")
	fi
	p=${p:-0} f=${f:-0} k=${k:-0}
	# A stage that fails without a failing test (build error, splat,
	# crash) counts as one failure of its own.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		summary+=("$s: FAILED (exit $rc) outside the tests, see $LOGS/$s.log")
	fi
	summary+=("$s: $p passed, $f failed, $k skipped in $((SECONDS - start)) s")
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + k))
done

# Every failed result, with the lines it printed before it, where the
# end of a long log shows them: CI keeps only that end.
if [ "$tf" -gt 0 ]; then
	echo "=== failed results (and up to 4 lines before each)"
	for s in "${STAGES[@]}"; do
		grep -B 4 -E '^[# ]*not ok ' "$LOGS/$s.log" 2> /dev/null |
			sed "s/^/$s: /"
	done | tail -n 80
fi
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$tp passed, $tf failed, $ts skipped"
[ "$tf" -eq 0 ] && [ "$tp" -gt 0 ]
