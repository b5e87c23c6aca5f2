#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz SECONDS=N SEED=S [WORKERS=W] [FUZZ_FLAGS=...]: boot the debug
# guest (scripts/guest/debug-env.sh: KASAN, lockdep, UBSAN, kmemleak,
# DMA-API debug, two vCPUs, panic_on_warn) and run one long fuzz of
# memscope with that seed, then the leak checks; print the totals.
#
#   scripts/fuzz.sh SECONDS SEED [WORKERS [FLAGS]]
#
# FLAGS are memscope-fuzz options, commas for blanks (e.g. "-K"). The
# series is applied and checked out as make test does ($CHECK_TREE); the
# kernel is built incrementally in $BUILD_DIR/guest-debug. Exit status 0
# when the fuzz found nothing and the kernel reported nothing.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/guest/debug-env.sh
. "$MEMSCOPE_REPO/scripts/guest/debug-env.sh"

secs=${1:-600}
seed=${2:-1}
workers=${3:-2}
flags=${4:-}
[[ $secs =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ && $workers =~ ^[0-9]+$ ]] ||
	die "usage: ${0##*/} SECONDS SEED [WORKERS [FLAGS]]"
[[ $flags =~ ^[-,A-Za-z0-9]*$ ]] || die "bad FLAGS '$flags'"

"$MEMSCOPE_REPO/scripts/deps.sh" || die "installing dependencies failed"
"$MEMSCOPE_REPO/scripts/prepare-base.sh" || die "preparing the base tree failed"
"$MEMSCOPE_REPO/scripts/series.sh" check || die "the series does not apply"

dir="$BUILD_DIR/fuzz-tests"
rm -rf "$dir" && mkdir -p "$dir"
cp "$MEMSCOPE_REPO"/scripts/guest/fuzz-tests/{00-debug,30-fuzz,90-leaks}.sh "$dir"
result="$BUILD_DIR/fuzz-result"
append="$DEBUG_GUEST_APPEND memscope_fuzz_seconds=$secs memscope_fuzz_seed=$seed"
append+=" memscope_fuzz_workers=$workers"
[ -z "$flags" ] || append+=" memscope_fuzz_flags=$flags"

start=$SECONDS
status=0
env "${DEBUG_GUEST_ENV[@]}" GUEST_RUN_NAME=fuzz GUEST_TESTS_DIR="$dir" \
	GUEST_APPEND="$append" GUEST_RESULT_FILE="$result" \
	GUEST_TEST_TIMEOUT=$((secs + 900)) GUEST_TIMEOUT=$((secs + 1800)) \
	"$MEMSCOPE_REPO/scripts/guest/run-tests.sh" "$CHECK_TREE" || status=$?

log="$BUILD_DIR/guest-debug/fuzz-console.txt"
echo
msg "fuzz of seed $seed, $secs s, $workers workers: $((SECONDS - start)) s with the build and boot"
grep -E '^# (fuzz done|fuzz result|errno histogram overall|signals caught|FINDING)' \
	"$log" 2>/dev/null | sed 's/^# //' || true
grep -E '^(passed|failed)=' "$result" 2>/dev/null | tr '\n' ' '
echo
exit "$status"
