#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Assemble the kernel tree: unpack linux-source-7.2 once, lay the
# project's new files over it and apply patches/series. Only files whose
# content changes are rewritten, so O= builds stay incremental; files the
# project no longer touches go back to their pristine content.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ORIG=$OUT/linux.orig		# pristine copies of every file we touched
STAGE=$OUT/linux.stage
TOUCHED=$OUT/linux.touched	# paths laid over the tree last time

[ -r "$SRC_TAR" ] || die "$SRC_TAR missing: run make setup"
if [ ! -e "$TREE/.unpacked" ]; then
	log "unpacking $SRC_TAR"
	rm -rf "$TREE" "$ORIG" "$TOUCHED"
	mkdir -p "$TREE"
	tar -xJf "$SRC_TAR" -C "$TREE" --strip-components=1
	touch "$TREE/.unpacked"
fi
mkdir -p "$ORIG"

# Pristine content of $1 into $2, or nothing if upstream has no such file.
pristine() {
	if [ -e "$ORIG/$1" ]; then
		cp "$ORIG/$1" "$2"
	elif [ ! -e "$ORIG/$1.absent" ]; then
		if [ -e "$TREE/$1" ]; then
			mkdir -p "$(dirname "$ORIG/$1")"
			cp "$TREE/$1" "$ORIG/$1"
			cp "$TREE/$1" "$2"
		else
			mkdir -p "$(dirname "$ORIG/$1")"
			touch "$ORIG/$1.absent"
		fi
	fi
}

# 1. Stage the new files and the pristine files the patches change.
rm -rf "$STAGE"
mkdir -p "$STAGE"
cd "$REPO"
git ls-files --cached --others --exclude-standard -- "${KERNEL_DIRS[@]}" |
	while read -r f; do [ -f "$f" ] && echo "$f"; done > "$STAGE.new"
series=()
if [ -f patches/series ]; then
	mapfile -t series < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' patches/series)
fi
for p in "${series[@]}"; do
	sed -n 's#^+++ b/\([^[:space:]]*\).*#\1#p' "patches/$p"
done | sort -u > "$STAGE.patched"
while read -r f; do
	mkdir -p "$(dirname "$STAGE/$f")"
	pristine "$f" "$STAGE/$f"
done < "$STAGE.patched"
while read -r f; do
	mkdir -p "$(dirname "$STAGE/$f")"
	[ -e "$ORIG/$f" ] || [ -e "$ORIG/$f.absent" ] || pristine "$f" /dev/null
	cp "$f" "$STAGE/$f"
done < "$STAGE.new"

# 2. Apply the series on the staged files.
for p in "${series[@]}"; do
	# A patch that only adds new files (new-file: lines) has no diff;
	# one whose diff has no "diff --git" line would be taken for it.
	if ! grep -q '^diff --git ' "patches/$p"; then
		grep -q '^+++ ' "patches/$p" &&
			die "patch $p: its diff needs a 'diff --git a/F b/F' line per file (see README)"
		continue
	fi
	patch -d "$STAGE" -p1 -s -N --no-backup-if-mismatch -r - < "patches/$p" ||
		die "patch $p does not apply"
done

# 3. Copy what changed into the tree; restore what is no longer ours.
(cd "$STAGE" && find . -type f | sed 's#^\./##' | sort) > "$STAGE.all"
while read -r f; do
	if ! cmp -s "$STAGE/$f" "$TREE/$f"; then
		mkdir -p "$(dirname "$TREE/$f")"
		cp "$STAGE/$f" "$TREE/$f"
	fi
done < "$STAGE.all"
if [ -f "$TOUCHED" ]; then
	comm -23 "$TOUCHED" "$STAGE.all" | while read -r f; do
		if [ -e "$ORIG/$f" ]; then
			cmp -s "$ORIG/$f" "$TREE/$f" || cp "$ORIG/$f" "$TREE/$f"
		else
			rm -f "$TREE/$f"
		fi
	done
fi
mv "$STAGE.all" "$TOUCHED"
rm -rf "$STAGE" "$STAGE.new" "$STAGE.patched"
