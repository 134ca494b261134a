#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the libFuzzer harnesses of the migration compatibility engine, one
# after the other, one process each (the machine is shared with kernel
# builds).  Called by "make fuzz-short" and "make fuzz-long".
#
#   run.sh SECONDS RUNS HARNESS...
#
# SECONDS bounds each harness in time (0: no bound), RUNS in executions (0:
# no bound).  Each harness starts from a copy of its seed corpus in
# corpus/<harness>/, in FUZZ_OUT (default: a new temporary folder), so the
# repository is never modified; new inputs and crash inputs land there.
# A crash input is printed in hex and kept.  Ends with "N passed, N
# failed" and exits non-zero if any harness failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:?seconds}
runs=${2:?runs}
shift 2
max_len=${FUZZ_MAX_LEN:-4200}

if [ -n "${FUZZ_OUT:-}" ]; then
	out=$FUZZ_OUT
	mkdir -p "$out"
	keep=1
else
	out=$(mktemp -d /tmp/migcompat-fuzz.XXXXXX)
	keep=0
fi

passed=0
failed=0
for h in "$@"; do
	dir=$out/$h
	rm -rf "$dir"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	cp "$here/corpus/$h"/* "$dir/corpus/"
	args=(-max_len="$max_len" -dict="$here/migcompat.dict"
	      -artifact_prefix="$dir/artifacts/" -print_final_stats=1
	      -timeout=25 -use_value_profile=1)
	[ "$seconds" != 0 ] && args+=(-max_total_time="$seconds")
	[ "$runs" != 0 ] && args+=(-runs="$runs")

	start=$(date +%s.%N)
	"$here/$h" "${args[@]}" "$dir/corpus" > "$dir/log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" |
		tail -n 1)
	corpus=$(ls "$dir/corpus" | wc -l)
	printf '%s: %s executions in %.1f s, corpus %s files\n' "$h" \
		"${execs:-?}" "$(awk "BEGIN { print $end - $start }")" "$corpus"

	crashes=$(find "$dir/artifacts" -type f | sort)
	if [ $rc -eq 0 ] && [ -z "$crashes" ]; then
		echo "ok - $h"
		passed=$((passed + 1))
		continue
	fi
	echo "not ok - $h (exit $rc), log: $dir/log"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*property violated|.*runtime error)' \
		"$dir/log" | head -n 5 | sed 's/^/# /'
	for f in $crashes; do
		echo "# crash input $f:"
		od -An -tx1 -v "$f" | sed 's/^/#  /'
	done
	failed=$((failed + 1))
	keep=1
done

if [ $keep -eq 1 ]; then
	echo "# output kept in $out"
else
	rm -rf "$out"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
