#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The upstream submission: a git format-patch series with a cover letter
# against the pristine 7.2 tree, in out/series/*.patch. patches/series is
# the series: each patches/ file is one commit, in that order, with the
# patch file's own message. A patch file adds the repository's new files
# it names in lines of the form
#
#	new-file: <path or glob>
#
# between its "---" and its diff (git am and patch(1) ignore them), whole
# and as they are in the repository now: the repository files are the
# only copy of their content. Every new file must be claimed by exactly
# one patch, or this fails, so nothing is dropped silently. The selftests'
# TARGETS gets mdev in the patch that adds its Makefile; the MAINTAINERS
# section (harness/series/MAINTAINERS) grows with the files of each
# patch. The cover letter's text is harness/series/cover-letter.txt.
#
# Then the series is verified in out/series/pristine, a git tree of the
# unpacked linux-source-7.2: git am on a fresh branch, after every patch
# an incremental build of what it touches (x86: drivers/vfio/mdev/ and
# samples/vfio-mdev/; s390 cross build: drivers/s390/crypto/ and
# drivers/vfio/mdev/; the mdev selftests; the userspace engine test; the
# documentation), and checkpatch.pl --strict on every patch.
#
#   series.sh [--no-verify]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

S=$OUT/series
P=$S/pristine			# git tree: tag "pristine" is the tarball
SER=$REPO/harness/series	# messages, cover letter, MAINTAINERS entry
VERIFY=1
[ "${1:-}" = --no-verify ] && VERIFY=0

# checkpatch rules that are about kernel code, for the patches of
# userspace tests and tools (the list and why: harness/userspace-ignore.sh).
. "$REPO/harness/userspace-ignore.sh"
# Data files go as binary patches: test inputs with CRs, NULs and
# invalid UTF-8 must reach the tree byte for byte, and mail does not
# carry them.
BINARY=("tools/testing/migcompat/fuzz/corpus/**")

cd "$REPO"
mapfile -t SERIES < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' patches/series)
mapfile -t FILES < <(git ls-files --cached --others --exclude-standard -- \
	"${KERNEL_DIRS[@]}" | while read -r f; do [ -f "$f" ] && echo "$f"; done)
NPATCHES=${#SERIES[@]}

# new_files <patch>: its new-file: patterns, from between "---" and the
# diff.
new_files() {
	awk '/^---$/ { p = 1; next }
	     /^diff --git / { exit }
	     p && sub(/^new-file: */, "") { print }' "$1"
}
userspace() { [[ $1 == tools/* && $1 != tools/testing/selftests/*/test_modules/* ]]; }

declare -A STEP_FILES OWNER CHECKPATCH_IGNORE
SELFTESTS_PATCH=
bad=0
for n in $(seq 1 "$NPATCHES"); do
	p=${SERIES[n - 1]}
	[ -f "patches/$p" ] || { log "in patches/series but missing: $p"; bad=1; continue; }
	while IFS= read -r pat; do
		hit=0
		for f in "${FILES[@]}"; do
			# shellcheck disable=SC2053
			[[ $f == $pat ]] || continue
			hit=1
			if [ -n "${OWNER[$f]:-}" ]; then
				[ "${OWNER[$f]}" = "$n" ] && continue
				log "$f: claimed by patches/${SERIES[OWNER[$f] - 1]} and patches/$p"
				bad=1
				continue
			fi
			OWNER[$f]=$n
			STEP_FILES[$n]+="$f"$'\n'
			userspace "$f" && CHECKPATCH_IGNORE[$n]=$USERSPACE_IGNORE
			[ "$f" = tools/testing/selftests/mdev/Makefile ] && SELFTESTS_PATCH=$n
		done
		[ $hit = 1 ] || { log "patches/$p: new-file: $pat matches no file"; bad=1; }
	done < <(new_files "patches/$p")
	[ -n "${STEP_FILES[$n]:-}" ] || grep -q '^diff --git ' "patches/$p" ||
		{ log "patches/$p adds no file and has no diff"; bad=1; }
done
for f in "${FILES[@]}"; do
	[ -n "${OWNER[$f]:-}" ] ||
		{ log "no patch claims $f (a new-file: line in patches/)"; bad=1; }
done
for f in patches/*; do
	[ "$f" = patches/series ] && continue
	printf '%s\n' "${SERIES[@]}" | grep -qxF "${f#patches/}" ||
		{ log "not in patches/series: $f"; bad=1; }
done
[ $bad = 0 ] || die "fix the new-file: lines of patches/"

# 1. The pristine git tree, made once.
if ! git -C "$P" rev-parse -q --verify refs/tags/pristine >/dev/null 2>&1; then
	[ -r "$SRC_TAR" ] || die "$SRC_TAR missing: run make setup"
	log "unpacking $SRC_TAR into a git tree"
	rm -rf "$P" "$P.tmp"
	mkdir -p "$P.tmp"
	tar -xJf "$SRC_TAR" -C "$P.tmp" --strip-components=1
	git -C "$P.tmp" init -q -b upstream
	git -C "$P.tmp" add -f -A .
	git -C "$P.tmp" -c user.name=pristine -c user.email=pristine@localhost \
		commit -q -m "Linux $KBASE ($(basename "$SRC_TAR") $STOCK_DEBVER)"
	git -C "$P.tmp" tag pristine
	mv "$P.tmp" "$P"
fi
G=(git -C "$P")
printf '%s binary\n' "${BINARY[@]}" > "$P/.git/info/attributes"

# 2. The commits, built in a private index: the work tree is not touched.
export GIT_INDEX_FILE=$S/gen.index
rm -f "$GIT_INDEX_FILE"
"${G[@]}" read-tree pristine

mailinfo() {	# <patch> <msg out>: prints the header fields
	git mailinfo "$2" /dev/null < "$1"
}
# The author and Signed-off-by are whoever runs this: patches/ carries
# no identity of its own.
AUTHOR_NAME=$(git config user.name || true)
AUTHOR_EMAIL=$(git config user.email || true)
[ -n "$AUTHOR_NAME" ] && [ -n "$AUTHOR_EMAIL" ] ||
	die "set git config user.name and user.email: the series is signed off" \
	    "by the person who runs make series"
export GIT_AUTHOR_NAME=$AUTHOR_NAME GIT_AUTHOR_EMAIL=$AUTHOR_EMAIL
export GIT_COMMITTER_NAME=$AUTHOR_NAME GIT_COMMITTER_EMAIL=$AUTHOR_EMAIL
date0=$(git log -1 --format=%at)
SOB="Signed-off-by: $AUTHOR_NAME <$AUTHOR_EMAIL>"

# The MAINTAINERS section of the project: its F: lines that match a file
# of the tree in the index, inserted after VFIO MEDIATED DEVICE DRIVERS.
maintainers() {
	local sect head fl=() l
	sect=$(sed -e '/^#/d' -e "s/@AUTHOR@/$AUTHOR_NAME <$AUTHOR_EMAIL>/" \
		"$SER/MAINTAINERS")
	head=$(grep -v '^F:' <<< "$sect")
	while IFS= read -r l; do
		[ -n "$("${G[@]}" ls-files -- "${l#F:	}" | head -1)" ] && fl+=("$l")
	done < <(grep '^F:' <<< "$sect")
	[ ${#fl[@]} -gt 0 ] || return 0
	sect=$(printf '%s\n' "$head" && printf '%s\n' "${fl[@]}" | LC_ALL=C sort)
	"${G[@]}" show pristine:MAINTAINERS | awk -v sect="$sect" '
		/^VFIO MEDIATED DEVICE DRIVERS$/ { in_s = 1 }
		in_s && /^$/ { print; print sect; in_s = 0; done = 1 }
		{ print }
		END { if (!done) exit 1 }' > "$S/MAINTAINERS" ||
		die "MAINTAINERS: no VFIO MEDIATED DEVICE DRIVERS section"
	"${G[@]}" update-index --add --cacheinfo \
		"100644,$("${G[@]}" hash-object -w "$S/MAINTAINERS"),MAINTAINERS"
}

# mdev in the selftests' TARGETS, in order, if upstream does not have it.
selftests_target() {
	local mk=tools/testing/selftests/Makefile
	"${G[@]}" show "pristine:$mk" > "$S/selftests.mk"
	grep -qx 'TARGETS += mdev' "$S/selftests.mk" && return 0
	awk '
		!done && /^TARGETS \+= / && $3 > "mdev" && prev < "mdev" {
			print "TARGETS += mdev"; done = 1
		}
		/^TARGETS \+= / { prev = $3 }
		{ print }
		END { if (!done) exit 1 }' "$S/selftests.mk" > "$S/selftests.mk.new" ||
		die "cannot place mdev in $mk"
	"${G[@]}" update-index --cacheinfo \
		"100644,$("${G[@]}" hash-object -w "$S/selftests.mk.new"),$mk"
}

rm -f "$S"/*.patch "$S"/msg.*
parent=$("${G[@]}" rev-parse pristine)
for n in $(seq 1 "$NPATCHES"); do
	p=${SERIES[n - 1]}
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		mode=100644
		[ -x "$f" ] && mode=100755
		"${G[@]}" update-index --add --cacheinfo \
			"$mode,$("${G[@]}" hash-object -w -- "$REPO/$f"),$f"
	done <<< "${STEP_FILES[$n]:-}"
	if grep -q '^diff --git ' "patches/$p"; then
		"${G[@]}" apply --cached "$REPO/patches/$p" ||
			die "patches/$p does not apply"
	fi
	[ "$n" = "$SELFTESTS_PATCH" ] && selftests_target
	maintainers

	# The message: the patch file's subject and body, then the sign-off
	# as the last trailer (after Fixes:, Cc: and the like).
	msg=$S/msg.$n
	subj=$(mailinfo "patches/$p" "$msg.body" | sed -n 's/^Subject: //p')
	[ -n "$subj" ] || die "patches/$p has no Subject:"
	{ echo "$subj"; echo; cat "$msg.body"; } |
		git interpret-trailers --if-exists addIfDifferent \
			--trailer "$SOB" > "$msg"
	rm -f "$msg.body"
	tree=$("${G[@]}" write-tree)
	export GIT_AUTHOR_DATE="@$((date0 + n)) +0000" GIT_COMMITTER_DATE="@$((date0 + n)) +0000"
	parent=$("${G[@]}" commit-tree "$tree" -p "$parent" -F "$msg")
done
rm -f "$S"/msg.* "$S/MAINTAINERS" "$S"/selftests.mk*
"${G[@]}" update-ref refs/heads/series "$parent"
unset GIT_INDEX_FILE
rm -f "$S/gen.index"

# 3. format-patch, and the cover letter's text from the template.
"${G[@]}" format-patch -q --cover-letter -O "$P/scripts/git.orderFile" \
	--base=pristine -o "$S" pristine..series
cover=$S/0000-cover-letter.patch
awk -v tmpl="$SER/cover-letter.txt" '
	BEGIN {
		while ((getline l < tmpl) > 0) {
			if (subj == "") { subj = l; continue }
			blurb = blurb l "\n"
		}
		sub(/^\n+/, "", blurb); sub(/\n+$/, "", blurb)
	}
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subj) }
	/^\*\*\* BLURB HERE \*\*\*$/ { print blurb; next }
	{ print }' "$cover" > "$cover.new"
mv "$cover.new" "$cover"
grep -q '\*\*\* .* HERE \*\*\*' "$cover" && die "cover letter template not applied"
log "series in $S:"
(cd "$S" && ls -1 ./*.patch | sed 's#^\./#  #')
[ $VERIFY = 1 ] || exit 0

# 4. Verify: git am on a fresh branch, build after every patch, checkpatch.
X86=$S/build-x86
S390=$S/build-s390
SELF=$S/selftests
BLOG=$S/build.log
mkdir -p "$X86" "$S390" "$SELF"
: > "$BLOG"
MK86=(make -s -C "$P" O="$X86" -j"$JOBS")
MK390=(make -s -C "$P" O="$S390" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- -j"$JOBS")

# x86: the debug kernel's configuration (tinyconfig + the selftests'
# config + debug options), or tinyconfig + the selftests' config if that
# was never built; plus everything the series touches.
[ -f "$S/x86.seed" ] || x86_seed_config "$S/x86.seed" "$X86" "${MK86[@]}"
command -v s390x-linux-gnu-gcc >/dev/null || "$REPO/harness/setup.sh" s390

# require <config> <symbol=value>...: each symbol the tree's Kconfig knows
require() {
	local cfg=$1 s; shift
	for s in "$@"; do
		grep -rqx --include='Kconfig*' "config ${s%%=*}" \
			"$P/drivers/vfio" "$P/samples" "$P/arch/s390" "$P/drivers/s390" ||
			continue
		grep -qx "CONFIG_$s" "$cfg" || die "CONFIG_$s not set in $cfg"
	done
}

build_x86() {
	cp "$S/x86.seed" "$X86/.config"
	"${MK86[@]}" olddefconfig >/dev/null
	require "$X86/.config" VFIO=m VFIO_MDEV=m SAMPLE_VFIO_MDEV_MTTY=m \
		SAMPLE_VFIO_MDEV_MDPY=m SAMPLE_VFIO_MDEV_MBOCHS=m \
		MIGCOMPAT_KUNIT_TEST=m
	"${MK86[@]}" drivers/vfio/mdev/ samples/vfio-mdev/ 2>> "$BLOG"
}

build_s390() {
	cp "$REPO/harness/kconfig/s390.config" "$S390/.config"
	"${MK390[@]}" olddefconfig >/dev/null
	require "$S390/.config" VFIO_MDEV=y VFIO_AP=y MIGCOMPAT_KUNIT_TEST=y \
		VFIO_AP_KUNIT_TEST=y VFIO_AP_MIG_KUNIT_TEST=y
	"${MK390[@]}" drivers/s390/crypto/ drivers/vfio/mdev/ 2>> "$BLOG"
}

build_selftests() {
	make -s -C "$P" O="$SELF/uapi-build" INSTALL_HDR_PATH="$SELF/uapi" \
		headers_install
	rm -rf "$SELF/build"
	make -s -C "$P/tools/testing/selftests" TARGETS=mdev O="$SELF/build" \
		KHDR_INCLUDES="-isystem $SELF/uapi/include" 2>> "$BLOG"
	# The test-only modules are kernel code: compile them for x86.
	make -s -C "$P" O="$X86" M="$P/tools/testing/selftests/mdev/test_modules" \
		test_mdev_params.o 2>> "$BLOG"
}

# The project's documents this patch's tree has: the ABI entry comes with
# the core (patch 7), the guide later.
build_docs() {
	local d docs=()

	for d in Documentation/driver-api/vfio-mediated-device-migration.rst \
		 Documentation/ABI/testing/sysfs-bus-mdev-migration \
		 Documentation/arch/s390/vfio-ap.rst; do
		[ -f "$P/$d" ] && docs+=("$d")
	done
	"$REPO/harness/docs-check.sh" "$P" "$S/docs" "${docs[@]}"
}

# A file has a MAINTAINERS section of its own (not THE REST).
covered() {
	(cd "$P" && PATH=/usr/bin:$PATH scripts/get_maintainer.pl --no-git --no-git-fallback \
		--sections -f "$1" 2>/dev/null) |
		grep -v -e '^[A-Z]:' -e '^THE REST$' | grep -q '^[A-Z0-9]'
}

checkpatch() {	# <patch file> <patch number>
	local out ign=${CHECKPATCH_IGNORE[$2]:-} f
	# The Fixes: ids are upstream's, from its public history, which the
	# pristine tree (a tarball) does not have.
	ign=${ign:+$ign,}UNKNOWN_COMMIT_ID
	# spdxcheck.py wants the distribution's python3 (python3-ply, -git)
	out=$(cd "$P" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict -q --show-types \
		--ignore "$ign" "$1" 2>&1) && return 0
	# New files under an existing MAINTAINERS pattern need no update
	# (vfio_ap: drivers/s390/crypto/vfio_ap*): accept that warning alone
	# if every new file has a section.
	if [ "$(grep -c '^\(ERROR\|WARNING\|CHECK\):' <<< "$out")" = 1 ] &&
	   grep -q '^WARNING:FILE_PATH_CHANGES:' <<< "$out"; then
		for f in $(awk '/^diff --git / { f = substr($3, 3) }
				/^new file mode/ { print f }' "$1"); do
			covered "$f" || { echo "$out"; return 1; }
		done
		log "  new files are covered by MAINTAINERS as they are"
		return 0
	fi
	echo "$out"
	return 1
}

"${G[@]}" checkout -q -f -B series-am pristine
"${G[@]}" clean -q -f -d -x
fail=0
for patch in "$S"/0*.patch; do
	[ "$patch" = "$cover" ] && continue
	n=$((10#$(basename "$patch" | cut -c1-4)))
	name=$(basename "$patch")
	t0=$SECONDS
	f0=$fail
	"${G[@]}" -c user.name=series -c user.email=series@localhost \
		am -q --whitespace=error "$patch" || { "${G[@]}" am --abort; die "$name does not apply"; }
	touched=$("${G[@]}" diff --name-only HEAD~1 HEAD)
	what=()
	if grep -q '^\(include\|drivers/vfio\|samples\)/' <<< "$touched"; then
		build_x86 || { log "$name: x86 build failed"; fail=1; }
		what+=(x86)
	fi
	if grep -q '^\(include/linux/\(mdev\|migcompat\)\|drivers/vfio\|drivers/s390\|arch/s390\)' <<< "$touched"; then
		build_s390 || { log "$name: s390 build failed"; fail=1; }
		what+=(s390)
	fi
	if grep -q '^tools/testing/selftests/' <<< "$touched"; then
		build_selftests || { log "$name: selftests build failed"; fail=1; }
		what+=(selftests)
	fi
	if grep -q '^tools/testing/migcompat/' <<< "$touched"; then
		make -s -C "$P/tools/testing/migcompat" check > "$S/migcompat.log" 2>&1 ||
			{ cat "$S/migcompat.log" >&2; log "$name: migcompat check failed"; fail=1; }
		what+=(migcompat)
	fi
	if grep -q '^Documentation/' <<< "$touched"; then
		build_docs || { log "$name: documentation check failed"; fail=1; }
		what+=(docs)
	fi
	checkpatch "$patch" "$n" || { log "$name: checkpatch"; fail=1; }
	[ "$fail" = "$f0" ] &&
		log "$name: applies, builds (${what[*]:-nothing to build}), checkpatch clean" \
			"in $((SECONDS - t0)) s"
done
if grep -E '(warning|error):' "$BLOG" >&2; then
	log "build warnings: $BLOG"
	fail=1
fi
[ $fail = 0 ] || die "the series does not verify"
log "the series applies with git am and builds at every step"
"${G[@]}" diff --shortstat pristine series

# 5. The newest linux-source-7.* Debian carries (from the Debian 13
# chroot's lists: trixie-backports): the series must apply there with git
# am, and its final state build for x86 and s390, as a maintainer would
# try it on mainline.
NEWEST=$(chroot "$TRIXIE" apt-cache search --names-only '^linux-source-7\.[0-9]+$' |
	awk '{ print $1 }' | sort -V | tail -n 1)
NEWEST_V=$(chroot "$TRIXIE" apt-cache policy "$NEWEST" |
	awk '/Candidate:/ { print $2 }')
N=$S/newest
if [ "$(cat "$N/.version" 2>/dev/null)" != "$NEWEST $NEWEST_V" ]; then
	log "fetching $NEWEST $NEWEST_V"
	rm -rf "$N" "$TRIXIE/root/mdev-newest"
	mkdir -p "$N/tree" "$TRIXIE/root/mdev-newest"
	chroot "$TRIXIE" sh -c "cd /root/mdev-newest &&
		apt-get download -qq $NEWEST=$NEWEST_V" 2>/dev/null
	dpkg-deb --fsys-tarfile "$TRIXIE"/root/mdev-newest/*.deb |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$N/tree" --strip-components=1
	rm -rf "$TRIXIE/root/mdev-newest"
	git -C "$N/tree" init -q -b upstream
	git -C "$N/tree" add -f -A .
	git -C "$N/tree" -c user.name=newest -c user.email=newest@localhost \
		commit -q -m "$NEWEST $NEWEST_V"
	git -C "$N/tree" tag base
	echo "$NEWEST $NEWEST_V" > "$N/.version"
fi
NG=(git -C "$N/tree")
"${NG[@]}" checkout -q -f -B series-am base
"${NG[@]}" clean -q -f -d -x
for patch in "$S"/0*.patch; do
	[ "$patch" = "$cover" ] && continue
	"${NG[@]}" -c user.name=series -c user.email=series@localhost \
		am -q "$patch" >> "$N/am.log" 2>&1 || {
		"${NG[@]}" am --abort
		die "$NEWEST $NEWEST_V: $(basename "$patch") does not apply"
	}
done
P=$N/tree X86=$N/build-x86 S390=$N/build-s390 BLOG=$N/build.log
mkdir -p "$X86" "$S390"
: > "$BLOG"
MK86=(make -s -C "$P" O="$X86" -j"$JOBS")
MK390=(make -s -C "$P" O="$S390" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- -j"$JOBS")
build_x86 && build_s390 || die "$NEWEST $NEWEST_V: the series does not build"
if grep -E '(warning|error):' "$BLOG" >&2; then
	die "$NEWEST $NEWEST_V: build warnings, see $BLOG"
fi
log "$NEWEST $NEWEST_V: the series applies with git am and builds (x86, s390)"
