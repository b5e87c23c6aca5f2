#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: from a fresh machine to a guided tour of memscope in a QEMU
# guest. `make demo ARGS=shell` boots the same guest into a shell.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-tour}
case $mode in
tour|shell) ;;
*) die "usage: make demo [ARGS=shell] [ARCH=arm64]" ;;
esac

"$MEMSCOPE_REPO/scripts/deps.sh"
"$MEMSCOPE_REPO/scripts/prepare-base.sh"
"$MEMSCOPE_REPO/scripts/series.sh" check

# The first kernel build takes minutes: show progress and an estimate
# (the last build's time when there was one), not silence.
build="$BUILD_DIR/guest"
tour="$MEMSCOPE_REPO/scripts/demo/guest"
if [ "$GUEST_ARCH" = arm64 ]; then
	guest_arm64_deps || die "installing the arm64 tools failed"
	build="$BUILD_DIR/guest-arm64"
	# The arm64 tour, with the narration helpers of the x86 one.
	tour="$BUILD_DIR/demo-arm64-tour"
	rm -rf "$tour" && mkdir -p "$tour"
	cp "$MEMSCOPE_REPO"/scripts/demo/guest-arm64/*.sh \
		"$MEMSCOPE_REPO/scripts/demo/guest/tour-lib" "$tour/"
fi
timing="$MEMSCOPE_CACHE/guest-build-seconds"
estimate=$(cat "$timing" 2>/dev/null || echo 360)
msg "building the guest kernel in $build (last time: ${estimate} s)"
start=$SECONDS
"$MEMSCOPE_REPO/scripts/guest/build-kernel.sh" "$CHECK_TREE" "$build" \
	> "$BUILD_DIR/demo-build.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 15
	kill -0 "$pid" 2>/dev/null || break
	elapsed=$((SECONDS - start))
	left=$((estimate > elapsed ? estimate - elapsed : 0))
	msg "  ... ${elapsed} s elapsed, about ${left} s left ($(grep -c '' "$BUILD_DIR/demo-build.log") log lines)"
done
if ! wait "$pid"; then
	tail -30 "$BUILD_DIR/demo-build.log"
	die "guest kernel build failed (log: $BUILD_DIR/demo-build.log)"
fi
echo $((SECONDS - start > 30 ? SECONDS - start : estimate)) > "$timing"

if [ "$mode" = shell ]; then
	exec env GUEST_INTERACTIVE=1 GUEST_SKIP_BUILD=1 GUEST_RUN_NAME=demo-shell \
		"$MEMSCOPE_REPO/scripts/guest/run-tests.sh" "$CHECK_TREE" "$build"
fi

status=0
env GUEST_SKIP_BUILD=1 GUEST_RUN_NAME=demo GUEST_VERBOSE=tour \
	GUEST_TESTS_DIR="$tour" \
	GUEST_RESULT_FILE="$BUILD_DIR/demo-result" \
	"$MEMSCOPE_REPO/scripts/guest/run-tests.sh" "$CHECK_TREE" "$build" || status=$?

echo
echo "=== the host side of the UART log: what QEMU's second serial port wrote"
echo "\$ cat $build/demo-com2.out"
cat "$build/demo-com2.out" 2>/dev/null || echo "(nothing)"
echo
echo "=== summary: $(cat "$BUILD_DIR/demo-result" 2>/dev/null || echo 'no result')"
if [ "$status" = 0 ]; then
	echo "demo: every step did what it said"
	echo "(the guest's whole console log: $build/demo-console.log)"
else
	echo "=== the end of the guest's console log ($build/demo-console.log)"
	tail -n 40 "$build/demo-console.log"
	echo "demo: some steps failed (see above)"
fi
exit "$status"
