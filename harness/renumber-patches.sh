#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Give every patch in patches/ the number of its place in patches/series
# (NNNN-, from 0001) and write patches/series again with the new names.
# The order is patches/series; the numbers are labels that follow it, so
# after inserting a new patch's name anywhere in patches/series:
#
#   harness/renumber-patches.sh
#
# Files tracked by git are renamed with git mv; nothing else changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO"

mapfile -t series < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' patches/series)
[ ${#series[@]} -gt 0 ] || die "patches/series is empty"

# Two passes through temporary names, so no rename overwrites a file.
new=()
n=0
for p in "${series[@]}"; do
	[ -f "patches/$p" ] || die "in patches/series but missing: $p"
	n=$((n + 1))
	new+=("$(printf '%04d' $n)-${p#[0-9][0-9][0-9][0-9]-}")
done

mv_one() {
	if git ls-files --error-unmatch "$1" >/dev/null 2>&1; then
		git mv "$1" "$2"
	else
		mv "$1" "$2"
	fi
}

for i in "${!series[@]}"; do
	[ "${series[i]}" = "${new[i]}" ] || mv_one "patches/${series[i]}" "patches/${new[i]}.renumber"
done
for i in "${!series[@]}"; do
	[ "${series[i]}" = "${new[i]}" ] || mv_one "patches/${new[i]}.renumber" "patches/${new[i]}"
done
printf '%s\n' "${new[@]}" > patches/series
log "patches/ renumbered: ${#new[@]} patches"
