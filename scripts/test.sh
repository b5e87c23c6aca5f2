#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test: install, prepare the base, check the series patch by patch,
# run KUnit on UML and x86_64, boot the guest twice (the second time with
# bounce buffering forced), build the documentation. Ends with one line
# "N passed, M failed" and a non-zero exit on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

start=$SECONDS
export MEMSCOPE_RESULTS
MEMSCOPE_RESULTS=$(mktemp)
trap 'rm -f "$MEMSCOPE_RESULTS"' EXIT

step() {
	local name=$1
	shift
	msg "== $name ($((SECONDS - start)) s so far)"
	if ! "$@"; then
		t_fail "$name: completed"
	fi
}

"$MEMSCOPE_REPO/scripts/deps.sh" || die "installing dependencies failed"
"$MEMSCOPE_REPO/scripts/prepare-base.sh" || die "preparing the base tree failed"

# One guest boot; its per-test counts join the totals.
guest() {
	local label=$1 result="$BUILD_DIR/guest-result-$1" p f
	shift
	rm -f "$result"
	env GUEST_RESULT_FILE="$result" "$@" \
		"$MEMSCOPE_REPO/scripts/guest/run-tests.sh" "$CHECK_TREE"
	if [ ! -s "$result" ]; then
		t_fail "guest ($label): finished with a result"
		return 1
	fi
	p=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' "$result")
	f=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' "$result")
	t_counts "guest ($label)" "${p:-0}" "${f:-0}"
	return 0
}

step "series checks" "$MEMSCOPE_REPO/scripts/check-series.sh"
if [ -f "$BUILD_DIR/guest/arch/x86/boot/bzImage" ]; then
	step "guest tests" guest default GUEST_SKIP_BUILD=1 GUEST_RUN_NAME=guest
	# The second boot forces bounce buffering: only what DMA touches.
	swdir="$BUILD_DIR/swiotlb-tests"
	rm -rf "$swdir" && mkdir -p "$swdir"
	cp "$MEMSCOPE_REPO"/scripts/guest/tests/{00-boot,30-dma,80-leaks}.sh "$swdir"
	step "guest tests, swiotlb=force" guest swiotlb GUEST_SKIP_BUILD=1 \
		GUEST_RUN_NAME=swiotlb GUEST_TESTS_DIR="$swdir" \
		GUEST_APPEND="swiotlb=2048,force"
else
	t_fail "guest kernel built"
fi
step "kunit" "$MEMSCOPE_REPO/scripts/run-kunit.sh"
step "docs" "$MEMSCOPE_REPO/scripts/check-docs.sh"

passed=$(grep -c '^PASS' "$MEMSCOPE_RESULTS")
failed=$(grep -c '^FAIL' "$MEMSCOPE_RESULTS")
echo
grep '^FAIL' "$MEMSCOPE_RESULTS" | sed 's/^FAIL/failed:/' || true
msg "finished in $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
