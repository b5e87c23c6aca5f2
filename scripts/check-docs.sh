#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The documentation builds without a warning, and get_maintainer.pl names
# memscope's MAINTAINERS entry for every patch of the series.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log="$BUILD_DIR/docs.log"
mkdir -p "$BUILD_DIR"
if nice make -C "$CHECK_TREE" O="$BUILD_DIR/docs" SPHINXDIRS=misc-devices \
	htmldocs > "$log" 2>&1 &&
   [ -f "$BUILD_DIR/docs/Documentation/output/misc-devices/memscope.html" ] &&
   ! grep -Ei 'warning|error' "$log"; then
	t_pass "docs: make SPHINXDIRS=misc-devices htmldocs, zero warnings"
else
	tail -20 "$log"
	t_fail "docs: make SPHINXDIRS=misc-devices htmldocs, zero warnings"
fi

while read -r p; do
	name=$(basename "$p" .patch)
	if (cd "$CHECK_TREE" && scripts/get_maintainer.pl --no-git --no-git-fallback "$p") |
	   grep -q 'memscope@example.org'; then
		t_pass "get_maintainer.pl names memscope's entry for $name"
	else
		t_fail "get_maintainer.pl names memscope's entry for $name"
	fi
done < <(series_patches)
