#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Quality gates on every file the project adds to or changes in the kernel
# tree (the `gates` stage of harness/test.sh), each one a test:
#
#   1 checkpatch --strict -f on the new kernel files
#   2 checkpatch --strict on each patch of patches/series (the patched
#     upstream files are judged by what the patches change)
#   3 checkpatch --strict -f on the userspace tests and tools, without the
#     kernel-only rules listed in USERSPACE_IGNORE
#   4 kernel-doc -none -Wall on the new .c/.h files; on the patched ones,
#     no warning that the pristine file does not have
#   5 W=1 x86 build of drivers/vfio/mdev/ and samples/vfio-mdev/: no
#     warning in a project file
#   6 sparse (C=2) on the same folders: no warning in a project file
#   7 the documentation builds with Sphinx, kernel-doc and ABI files
#     included, without a warning (harness/docs-check.sh)
#   8 the guide's table of adoption sizes states the sizes the patches
#     and new files have (harness/adoption-sizes.sh)
#
# vfio_ap is built for s390, with W=1, by harness/build-s390.sh. Prints
# "ok N name"/"not ok N name" per gate, the problems found, and closes
# with "N passed, N failed". Runs on the assembled tree (make assemble).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ORIG=$OUT/linux.orig
G=$OUT/gates
B=$G/build
MK=(make -s -C "$TREE" O="$B" -j"$JOBS")
DIRS=(drivers/vfio/mdev/ samples/vfio-mdev/)
# checkpatch rules about kernel code only: USERSPACE_IGNORE, with reasons.
. "$(dirname "$0")/userspace-ignore.sh"

[ -d "$TREE/kernel" ] || die "assembled tree missing: run make assemble"
mkdir -p "$G"
cd "$REPO" || exit 1

# The files: new ones (repository), patched ones (patches/series).
mapfile -t NEW < <(git ls-files --cached --others --exclude-standard -- \
	"${KERNEL_DIRS[@]}" | while read -r f; do
		[ -f "$f" ] && grep -Iq . "$f" && echo "$f"; done)
mapfile -t SERIES < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' patches/series)
mapfile -t PATCHED < <(for p in "${SERIES[@]}"; do
	sed -n 's#^+++ b/\([^[:space:]]*\).*#\1#p' "patches/$p"; done | sort -u)
userspace() { [[ $1 == tools/* && $1 != tools/testing/selftests/*/test_modules/* ]]; }
KNEW=() UNEW=() DOCS=()
for f in "${NEW[@]}"; do
	case $f in
	Documentation/*) DOCS+=("$f"); KNEW+=("$f") ;;
	*/fuzz/corpus/*|*.dict|*/.gitignore|*/settings|*/config) ;;
	*) if userspace "$f"; then UNEW+=("$f"); else KNEW+=("$f"); fi ;;
	esac
done
# Project files in the x86 build: new and patched files there, and the
# new headers.
OURS=$(printf '%s\n' "${NEW[@]}" "${PATCHED[@]}" |
	grep -E '^(drivers/vfio/mdev|samples/vfio-mdev|include)/' | sort -u |
	sed 's/\./\\./g' | paste -s -d '|')

n=0 pass=0 failn=0
result() {	# <ok?> <name> <detail>
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2: $3"; pass=$((pass + 1))
	else
		echo "not ok $n $2: $3"; failn=$((failn + 1))
	fi
}
count() { grep -c "$@" || true; }
diag() { sed 's/^/# /'; }

echo "TAP version 13"
echo "1..8"

# checkpatch <log> <args...>: run it in the tree, summary of problems.
checkpatch() {
	local log=$1; shift
	(cd "$TREE" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict -q --show-types \
		--no-summary "$@") > "$log" 2>&1
	printf '%s errors, %s warnings, %s checks' "$(count '^ERROR:' "$log")" \
		"$(count '^WARNING:' "$log")" "$(count '^CHECK:' "$log")"
}
problems() { count -E '^(ERROR|WARNING|CHECK):' "$1"; }

# 1-3: checkpatch.
t=$SECONDS
s=$(checkpatch "$G/checkpatch-new.log" -f "${KNEW[@]}")
diag < "$G/checkpatch-new.log"
result "$(problems "$G/checkpatch-new.log")" checkpatch-new \
	"${#KNEW[@]} files, $s, $((SECONDS - t)) s"

t=$SECONDS
: > "$G/checkpatch-patches.log"
for p in "${SERIES[@]}"; do
	# patches/ carries no identity: make series adds the author and
	# Signed-off-by of whoever runs it.
	# A patch that only adds new files has no diff of its own: its
	# files are checked by gate 1 or 3.
	# The Fixes: ids are upstream's, from its public history, which this
	# tree (a tarball) does not have: UNKNOWN_COMMIT_ID cannot be checked.
	ign=MISSING_SIGN_OFF,UNKNOWN_COMMIT_ID
	grep -q '^diff --git ' "$REPO/patches/$p" || ign=$ign,NOT_UNIFIED_DIFF
	checkpatch "$G/cp.log" --ignore "$ign" "$REPO/patches/$p" >/dev/null
	[ -s "$G/cp.log" ] && { echo "patches/$p:"; cat "$G/cp.log"; } >> "$G/checkpatch-patches.log"
done
rm -f "$G/cp.log"
diag < "$G/checkpatch-patches.log"
result "$(problems "$G/checkpatch-patches.log")" checkpatch-patches \
	"${#SERIES[@]} patches ($(printf '%s\n' "${PATCHED[@]}" | grep -c .) upstream files), $(count '^ERROR:' "$G/checkpatch-patches.log") errors, $(count '^WARNING:' "$G/checkpatch-patches.log") warnings, $(count '^CHECK:' "$G/checkpatch-patches.log") checks, $((SECONDS - t)) s"

t=$SECONDS
s=$(checkpatch "$G/checkpatch-user.log" --ignore "$USERSPACE_IGNORE" -f "${UNEW[@]}")
diag < "$G/checkpatch-user.log"
result "$(problems "$G/checkpatch-user.log")" checkpatch-userspace \
	"${#UNEW[@]} files, $s, $((SECONDS - t)) s"

# 4: kernel-doc.
t=$SECONDS
: > "$G/kernel-doc.log"
kd() { "$TREE/scripts/kernel-doc" -none -Wall "$1" 2>&1 |
	sed -e "s#^$TREE/##" -e "s#^$ORIG/##"; }
nkd=0
for f in "${NEW[@]}" "${PATCHED[@]}"; do
	case $f in *.c|*.h) ;; *) continue ;; esac
	nkd=$((nkd + 1))
	if [ -f "$ORIG/$f" ]; then
		# Warnings of the pristine file, line numbers aside, are not ours.
		comm -13 <(cd "$ORIG" && kd "$f" | sed -E 's/:[0-9]+([: ])/:\1/' | sort) \
			 <(cd "$TREE" && kd "$f" | sed -E 's/:[0-9]+([: ])/:\1/' | sort)
	else
		(cd "$TREE" && kd "$f")
	fi >> "$G/kernel-doc.log"
done
diag < "$G/kernel-doc.log"
w=$(grep -c . "$G/kernel-doc.log" || true)
result "$w" kernel-doc "$nkd files, $w warnings, $((SECONDS - t)) s"

# 5-6: W=1 and sparse, x86, on a configuration like the debug kernel's.
t=$SECONDS
if [ ! -f "$B/.config" ]; then
	mkdir -p "$B"
	x86_seed_config "$G/x86.seed" "$B" "${MK[@]}"
	cp "$G/x86.seed" "$B/.config"
	"${MK[@]}" olddefconfig >/dev/null
fi
# Our objects are compiled again every time, so their warnings show.
for f in $(printf '%s\n' "${NEW[@]}" "${PATCHED[@]}" | grep -E '^(drivers/vfio/mdev|samples/vfio-mdev)/.*\.c$'); do
	rm -f "$B/${f%.c}.o"
done
# O= builds name the sources by their absolute path.
ourwarn() {
	sed "s#^$TREE/##" "$1" | grep -E "^($OURS):[0-9]+:([0-9]+:)? (warning|error)"
}
"${MK[@]}" W=1 "${DIRS[@]}" > "$G/w1.log" 2>&1
rc=$?
ourwarn "$G/w1.log" > "$G/w1.ours"
[ $rc = 0 ] || { cat "$G/w1.log" >> "$G/w1.ours"; echo "build failed" >> "$G/w1.ours"; }
diag < "$G/w1.ours"
w=$(count -E '(warning|error|failed)' "$G/w1.ours")
result "$w" w1-x86 "${DIRS[*]}, $w warnings in project files, $((SECONDS - t)) s"

t=$SECONDS
"${MK[@]}" W=1 C=2 "${DIRS[@]}" > "$G/sparse.log" 2>&1
rc=$?
ourwarn "$G/sparse.log" > "$G/sparse.ours"
[ $rc = 0 ] || { cat "$G/sparse.log" >> "$G/sparse.ours"; echo "build failed" >> "$G/sparse.ours"; }
diag < "$G/sparse.ours"
w=$(count -E '(warning|error|failed)' "$G/sparse.ours")
result "$w" sparse "${DIRS[*]}, $w warnings in project files, $((SECONDS - t)) s"

# 7: documentation.
t=$SECONDS
out=$("$REPO/harness/docs-check.sh" "$TREE" "$G/docs" "${DOCS[@]}" 2>&1)
rc=$?
diag <<< "$out"
result "$rc" docs "${DOCS[*]}: $(sed -n 's/^documentation: //p' <<< "$out"), $((SECONDS - t)) s"

# 8: the guide's adoption sizes are those of the series.
out=$("$REPO/harness/adoption-sizes.sh" 2>&1)
rc=$?
diag <<< "$out"
result "$rc" sizes "$(tail -1 <<< "$out")"

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
