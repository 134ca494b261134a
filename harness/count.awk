# SPDX-License-Identifier: GPL-2.0-only
#
# Count real tests in KTAP output of run_kselftest.sh ("# ok N ..." lines
# are the tests inside one selftest program) and of KUnit suites ("kunit:"
# lines from harness/vm/kunit.sh; test cases sit one level below a suite).
# A program that fails or is skipped without reporting any test of its own
# counts as one failure or skip. Prints "pass fail skip".
function result(line, lvl) {
	if (line ~ /# SKIP/) { skip++; lskip[lvl]++ }
	else if (line ~ /^not ok/) { fail++; lfail[lvl]++ }
	else { pass++ }
	seen[lvl]++
}
/^# (ok|not ok) [0-9]+ / { sub(/^# /, ""); result($0, 1); next }
/^kunit:     (ok|not ok) [0-9]+ / { sub(/^kunit: +/, ""); result($0, 1); next }
/^(ok|not ok) [0-9]+ selftests: / {
	if (!seen[1]) {
		if ($0 ~ /# SKIP/) skip++
		else if ($0 ~ /^not ok/) fail++
	} else if ($0 ~ /^not ok/ && !lfail[1]) {
		fail++
	}
	delete seen; delete lfail; delete lskip
	next
}
/^kunit: (ok|not ok) [0-9]+ / {
	if (!seen[1] && $0 ~ /not ok/) fail++
	delete seen; delete lfail; delete lskip
	next
}
END { printf "%d %d %d\n", pass, fail, skip }
