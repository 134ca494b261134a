#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The driver-api guide's table "Measured size of each adoption" states
# the sizes of the adoptions as they are: every "(patch NNNN)" row's
# lines added by that patch (lines starting with '+', minus the '+++'
# lines), and every new file named with a size, "``name.c`` (N)" or a
# "``name.c`` (new)" row, its wc -l.
#
#   adoption-sizes.sh
#
# Prints each figure, "ok" or "stale: the guide says X, it is Y"; exits
# non-zero if any is stale or cannot be found.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO"

GUIDE=Documentation/driver-api/vfio-mediated-device-migration.rst
table=$(sed -n '/^Measured size of each adoption/,/^Tables$/p' "$GUIDE")
[ -n "$table" ] || die "no adoption table in $GUIDE"

bad=0 n=0
check() {	# <what> <stated> <actual>
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok: $1: $3"
	else
		echo "stale: $1: the guide says $2, it is $3"
		bad=1
	fi
}

new_file() {	# the one new file of the repository with this name
	local f

	f=$(git ls-files -- "drivers/*/$1" "tools/*/$1" "samples/*/$1")
	[ "$(wc -w <<< "$f")" = 1 ] || die "$1: not exactly one new file"
	echo "$f"
}

# Rows "``x`` (patch NNNN)   LINES"
while read -r p stated; do
	f=$(ls patches/"$p"-*.patch)
	check "patch $p" "$stated" \
		$(($(grep -c '^+' "$f") - $(grep -c '^+++' "$f")))
done < <(sed -n 's/^``[^`]*`` (patch \([0-9]\{4\}\)) *\([0-9]\+\) .*/\1 \2/p' <<< "$table")

# Rows "``name`` (new)   LINES"
while read -r name stated; do
	check "$name" "$stated" "$(wc -l < "$(new_file "$name")")"
done < <(sed -n 's/^``\([^`]*\)`` (new) *\([0-9]\+\) .*/\1 \2/p' <<< "$table")

# "``name.c`` (N)" and "``name.h`` (N)" inside the text
while read -r name stated; do
	check "$name" "$stated" "$(wc -l < "$(new_file "$name")")"
done < <(grep -o '``[a-z0-9_]*\.[ch]`` ([0-9]\+)' <<< "$table" |
	 sed 's/``\(.*\)`` (\([0-9]*\))/\1 \2/')

[ "$n" -gt 0 ] || die "no sizes found in the table"
echo "adoption sizes: $n figures, $([ $bad = 0 ] && echo "all current" || echo "some stale")"
exit $bad
