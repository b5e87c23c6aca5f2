#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the guest once and measure memscope against the tools
# it replaces (busybox devmem, an mmap of sysfs resource0), side by side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$MEMSCOPE_REPO/scripts/deps.sh"
"$MEMSCOPE_REPO/scripts/prepare-base.sh"
"$MEMSCOPE_REPO/scripts/series.sh" check
"$MEMSCOPE_REPO/scripts/guest/build-kernel.sh" "$CHECK_TREE" "$BUILD_DIR/guest"
env GUEST_SKIP_BUILD=1 GUEST_RUN_NAME=bench \
	GUEST_TESTS_DIR="$MEMSCOPE_REPO/scripts/bench/guest" \
	GUEST_EXTRA_TOOLS="$MEMSCOPE_REPO/scripts/bench/memscope-bench.c" \
	GUEST_RESULT_FILE="$BUILD_DIR/bench-result" \
	"$MEMSCOPE_REPO/scripts/guest/run-tests.sh" "$CHECK_TREE" >/dev/null || true
echo "memscope bench (one boot, QEMU TCG; best of 5 runs each):"
sed -n 's/\r//; s/^.*BENCH //p' "$BUILD_DIR/guest/bench-console.log"
grep -q 'failed=0' "$BUILD_DIR/bench-result"
