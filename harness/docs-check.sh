#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The project's documentation parses without a single warning: a Sphinx
# build, with the kernel's own conf.py and extensions, of just the given
# .rst files (their kernel-doc directives included) and of the given
# Documentation/ABI files through the kernel-abi directive, as
# "make htmldocs" would render them.
#
#   docs-check.sh <kernel tree> <work dir> <file relative to the tree>...
#
# Prints the warnings; exits non-zero if there is any.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 3 ] || die "usage: ${0##*/} <tree> <work dir> <file>..."
T=$(cd "$1" && pwd)
W=$2
shift 2
SPHINX=/usr/bin/sphinx-build
[ -x "$SPHINX" ] || die "sphinx-build missing: run make setup (python3-sphinx)"

rm -rf "$W"
mkdir -p "$W/src" "$W/srctree/Documentation/ABI/testing"
ln -s "$T/scripts" "$W/srctree/scripts"
# Linux 7.2's Sphinx extensions import their parsers from tools/lib/python.
ln -s "$T/tools" "$W/srctree/tools"
docs=() abi=0
for f in "$@"; do
	[ -f "$T/$f" ] || die "$T/$f missing"
	case $f in
	Documentation/ABI/*)
		cp "$T/$f" "$W/srctree/Documentation/ABI/testing/"
		abi=1 ;;
	Documentation/*.rst)
		# The source folder stands for Documentation/, as in htmldocs.
		f=${f#Documentation/}
		mkdir -p "$W/src/$(dirname "$f")"
		cp "$T/Documentation/$f" "$W/src/$f"
		docs+=("${f%.rst}") ;;
	*) die "not documentation: $f" ;;
	esac
done
if [ $abi = 1 ]; then
	printf '%s\n' "ABI files" "=========" "" ".. kernel-abi:: ABI/testing" \
		> "$W/src/abi.rst"
	docs+=(abi)
fi
{
	printf '%s\n' "Documentation check" "===================" "" \
		".. toctree::" "   :maxdepth: 1" ""
	printf '   %s\n' "${docs[@]}"
} > "$W/src/index.rst"

# The kernel's conf.py, read from its own folder, then pointed at the
# tree for kernel-doc and at the ABI files above for kernel-abi.
cat > "$W/src/conf.py" <<EOC
import os
_here = os.getcwd()
_file = __file__
os.chdir("$T/Documentation")
# Linux 7.2's conf.py finds its extensions from its own __file__.
__file__ = "$T/Documentation/conf.py"
try:
    exec(compile(open("conf.py").read(), "$T/Documentation/conf.py", "exec"))
finally:
    os.chdir(_here)
    __file__ = _file
# Not needed for the project's documents, and noisy out of the full tree
# (graphviz missing, the translations menu of the full book; Linux 7.2's
# maintainers_include wants its source folder inside Documentation/).
extensions = [e for e in extensions
              if e not in ("kfigure", "translations", "maintainers_include")]
html_logo = None
html_favicon = None
templates_path = ["$T/Documentation/sphinx/templates"]
master_doc = "index"
root_doc = "index"
exclude_patterns = []
kerneldoc_srctree = "$T"
kerneldoc_bin = "$T/scripts/kernel-doc"
html_theme = "alabaster"
html_static_path = []
html_css_files = []
EOC

srctree=$W/srctree "$SPHINX" -q -b html -j 1 -c "$W/src" -w "$W/warnings" \
	"$W/src" "$W/html" > "$W/sphinx.log" 2>&1 || true
# Sphinx failing without a warning (an exception) counts as one.
if [ ! -f "$W/html/index.html" ]; then
	cat "$W/sphinx.log" >> "$W/warnings"
	echo "sphinx-build failed" >> "$W/warnings"
fi
n=$(grep -c . "$W/warnings" || true)
sed "s#$W/src/##; s#$W/srctree/##" "$W/warnings" >&2
echo "documentation: $n warnings (${#docs[@]} documents)"
[ "$n" = 0 ]
