#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check the series the way a maintainer would: it applies, the overlay
# matches it, and every prefix of it configures, builds with W=1 and
# sparse without a warning, links as a module, passes checkpatch --strict
# and kernel-doc -Wall. Leaves $CHECK_TREE at the last patch and the guest
# kernel in $BUILD_DIR/guest built from it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GUEST_BUILD="$BUILD_DIR/guest"
LOG_DIR="$BUILD_DIR/check-logs"
mkdir -p "$LOG_DIR"

if "$MEMSCOPE_REPO/scripts/series.sh" check; then
	t_pass "series: git am onto $BASE_TAG; overlay matches patches/"
else
	t_fail "series: git am onto $BASE_TAG; overlay matches patches/"
	exit 1
fi

mapfile -t patches < <(series_patches)
mapfile -t commits < <(git -C "$CHECK_TREE" rev-list --reverse "$BASE_TAG"..HEAD)
[ ${#patches[@]} = ${#commits[@]} ] || die "patch and commit counts differ"
head=${commits[-1]}

# The full guest kernel at the last patch: vmlinux and Module.symvers let
# modpost catch a call to a symbol that is not exported to modules.
"$MEMSCOPE_REPO/scripts/guest/build-kernel.sh" "$CHECK_TREE" "$GUEST_BUILD" \
	> "$LOG_DIR/guest-build.log" 2>&1 ||
	{ tail -30 "$LOG_DIR/guest-build.log"; die "guest kernel build failed"; }

kmake() {
	nice -n 10 make -s -C "$CHECK_TREE" O="$GUEST_BUILD" ARCH=x86_64 -j"$JOBS" \
		CC="ccache gcc" "$@"
}

for i in "${!commits[@]}"; do
	n=$((i + 1))
	p=${patches[$i]}
	name="patch $n/${#commits[@]} ($(basename "$p" .patch | cut -c6-40))"
	log="$LOG_DIR/patch-$n"
	git -C "$CHECK_TREE" checkout -q --detach "${commits[$i]}"

	# The options resolve as the fragment asks.
	kmake olddefconfig > "$log.config" 2>&1
	if grep -qx 'CONFIG_MEMSCOPE=m' "$GUEST_BUILD/.config" &&
	   grep -qx 'CONFIG_MEMSCOPE_KUNIT_TEST=m' "$GUEST_BUILD/.config"; then
		t_pass "$name: MEMSCOPE=m and MEMSCOPE_KUNIT_TEST=m resolve"
	else
		t_fail "$name: MEMSCOPE=m and MEMSCOPE_KUNIT_TEST=m resolve"
	fi

	# Rebuild every object so that each warning is seen on every run.
	rm -rf "$GUEST_BUILD/drivers/misc/memscope"
	if kmake W=1 C=2 drivers/misc/memscope/ > "$log.w1" 2>&1 &&
	   ! grep -E 'warning|error' "$log.w1"; then
		t_pass "$name: builds with W=1 and C=2 (sparse), no warnings"
	else
		tail -20 "$log.w1"
		t_fail "$name: builds with W=1 and C=2 (sparse), no warnings"
	fi

	if kmake modules > "$log.modules" 2>&1 &&
	   ! grep -E 'WARNING|ERROR|warning|error' "$log.modules" &&
	   [ -f "$GUEST_BUILD/drivers/misc/memscope/memscope.ko" ]; then
		t_pass "$name: memscope.ko links (modpost clean)"
	else
		tail -20 "$log.modules"
		t_fail "$name: memscope.ko links (modpost clean)"
	fi

	ignore=()
	[ "$n" -gt 1 ] && ignore=(--ignore FILE_PATH_CHANGES)
	if (cd "$CHECK_TREE" && scripts/checkpatch.pl --strict -q "${ignore[@]}" \
		"$p") > "$log.checkpatch" 2>&1; then
		t_pass "$name: checkpatch --strict clean"
	else
		cat "$log.checkpatch"
		t_fail "$name: checkpatch --strict clean"
	fi

	mapfile -t srcs < <(cd "$CHECK_TREE" &&
		find drivers/misc/memscope -name '*.[ch]' | sort)
	if (cd "$CHECK_TREE" && scripts/kernel-doc -none -Wall "${srcs[@]}") \
		> "$log.kdoc" 2>&1 && [ ! -s "$log.kdoc" ]; then
		t_pass "$name: kernel-doc -Wall clean"
	else
		cat "$log.kdoc"
		t_fail "$name: kernel-doc -Wall clean"
	fi
done

# What the kernel's build bots run besides gcc: coccicheck and a clang
# W=1 build of the driver and its tests, at the last patch.
git -C "$CHECK_TREE" checkout -q --detach "$head"
log="$LOG_DIR/coccicheck"
if (cd "$CHECK_TREE" && nice -n 10 make -s coccicheck MODE=report \
	M=drivers/misc/memscope J="$JOBS") > "$log" 2>&1 &&
   ! grep -E 'drivers/misc/memscope/.*:[0-9]+' "$log"; then
	t_pass "series: coccicheck MODE=report finds nothing"
else
	tail -5 "$log"
	t_fail "series: coccicheck MODE=report finds nothing"
fi
clang_build="$BUILD_DIR/clang"
log="$LOG_DIR/clang-w1"
mkdir -p "$clang_build"
cp "$GUEST_BUILD/.config" "$clang_build/.config"
clmake() {
	nice -n 10 make -s -C "$CHECK_TREE" O="$clang_build" ARCH=x86_64 LLVM=1 \
		CC="ccache clang" -j"$JOBS" "$@"
}
rm -rf "$clang_build/drivers/misc/memscope"
if { clmake olddefconfig prepare && clmake W=1 drivers/misc/memscope/; } \
	> "$log" 2>&1 && ! grep -E 'warning|error' "$log"; then
	t_pass "series: clang W=1 builds the driver and its tests, no warnings"
else
	tail -20 "$log"
	t_fail "series: clang W=1 builds the driver and its tests, no warnings"
fi

# Back to the whole series for the tests that follow.
git -C "$CHECK_TREE" checkout -q --detach "$head"
"$MEMSCOPE_REPO/scripts/guest/build-kernel.sh" "$CHECK_TREE" "$GUEST_BUILD" \
	> "$LOG_DIR/guest-build.log" 2>&1 ||
	{ tail -30 "$LOG_DIR/guest-build.log"; die "guest kernel rebuild failed"; }
