#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series on arm64 (QEMU virt), from Debian's archive only: the cross
# compiler, qemu-system-arm, dtc and an arm64 busybox. Builds the arm64
# guest kernel from the checked series, checks the driver with W=1 there,
# boots it with edu and a pci-serial, then boots it again with the PCIe
# host's dma-coherent property removed from the device tree; runs the
# KUnit suites on arm64 (kunit.py with kunit/arm64-edu.py) in between.
#
#   scripts/arm64.sh [full|subset]    (make test-arm64: full; make test:
#                                      subset = all but the non-coherent boot)
# Results go to $MEMSCOPE_RESULTS like the other steps.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-full}
export GUEST_ARCH=arm64
# On its own (make test-arm64): count the results here and end with the
# "N passed, M failed" line and a matching exit status.
own_results=
if [ -z "${MEMSCOPE_RESULTS:-}" ]; then
	export MEMSCOPE_RESULTS
	MEMSCOPE_RESULTS=$(mktemp)
	own_results=$MEMSCOPE_RESULTS
	summary() {
		local p f
		p=$(grep -c '^PASS' "$own_results")
		f=$(grep -c '^FAIL' "$own_results")
		rm -f "$own_results"
		echo "$p passed, $f failed"
		if [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
			exit 0
		fi
		exit 1
	}
	trap 'summary' EXIT
fi
build="$BUILD_DIR/guest-arm64"
guest="$MEMSCOPE_REPO/scripts/guest"

# boot NAME TESTS... [-- VAR=VALUE...]: one arm64 boot with those tests.
boot() {
	local name=$1 dir="$BUILD_DIR/$1-tests" result="$BUILD_DIR/guest-result-$1" p f
	shift
	rm -rf "$dir" && mkdir -p "$dir"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		cp "$1" "$dir/"
		shift
	done
	[ $# -gt 0 ] && shift
	rm -f "$result"
	env "$@" GUEST_SKIP_BUILD=1 GUEST_RUN_NAME="$name" GUEST_TESTS_DIR="$dir" \
		GUEST_RESULT_FILE="$result" \
		"$guest/run-tests.sh" "$CHECK_TREE" "$build" || true
	[ -s "$result" ] || { t_fail "arm64 ($name): guest finished with a result"; return; }
	p=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' "$result")
	f=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' "$result")
	t_counts "arm64 guest ($name)" "${p:-0}" "${f:-0}"
}

if ! guest_arm64_deps; then
	t_fail "arm64: cross compiler, qemu-system-arm, dtc and busybox:arm64 installed"
	exit 1
fi
if ! "$guest/build-kernel.sh" "$CHECK_TREE" "$build"; then
	t_fail "arm64: the guest kernel builds"
	exit 1
fi
t_pass "arm64: the guest kernel builds ($(cat "$build/include/config/kernel.release"))"

# The driver again with W=1: warning-free on arm64 too.
rm -f "$build"/drivers/misc/memscope/*.o "$build"/drivers/misc/memscope/memscope.ko
if out=$(nice make -s -C "$CHECK_TREE" O="$build" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc" \
		W=1 drivers/misc/memscope/ 2>&1) && ! grep -q 'warning:' <<<"$out"; then
	t_pass "arm64: the driver builds with W=1, no warnings"
else
	printf '%s\n' "$out" | head -30
	t_fail "arm64: the driver builds with W=1, no warnings"
fi
nice make -s -C "$CHECK_TREE" O="$build" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	CC="ccache aarch64-linux-gnu-gcc" modules >/dev/null 2>&1

boot arm64 "$guest"/arm64-tests/*.sh "$guest"/tests/20-memory.sh \
	"$guest"/tests/15-bad-input.sh "$guest"/tests/90-lockdown.sh
# KUnit on arm64: the suites against edu on virt's PCIe host.
"$MEMSCOPE_REPO/scripts/run-kunit.sh" arm64 || t_fail "arm64: kunit.py ran"
[ "$mode" = full ] || exit 0

# Non-coherent DMA: virt's device tree without the PCIe host's
# dma-coherent property. The machine's own tree, dumped with the same
# devices, edited with dtc.
dtb="$BUILD_DIR/arm64-noncoherent.dtb"
if qemu-system-aarch64 -M virt,dumpdtb="$dtb.orig" -cpu cortex-a57 -m 512M -nic none \
	-device edu,dma_mask=0xffffffff -device pci-serial >/dev/null 2>&1 &&
   dtc -q -I dtb -O dts "$dtb.orig" |
	awk '/pcie@/ { in_pcie = 1 } in_pcie && /dma-coherent;/ { dropped = 1; next }
	     { print } END { exit !dropped }' >"$dtb.dts" &&
   dtc -q -I dts -O dtb -o "$dtb" "$dtb.dts"; then
	t_pass "arm64: virt's device tree without dma-coherent on the PCIe host"
	boot arm64-noncoherent "$guest"/arm64-tests/30-arm64-dma.sh -- \
		GUEST_QEMU_ARGS="-dtb $dtb" GUEST_APPEND="memscope_noncoherent=1"
else
	t_fail "arm64: virt's device tree without dma-coherent on the PCIe host"
fi
