#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check the series the way a maintainer would: it applies, the overlay
# matches it, and every prefix of it configures, builds with W=1 and
# sparse without a warning, links as a module, passes checkpatch --strict
# and kernel-doc -Wall. Leaves $CHECK_TREE at the last patch and the guest
# kernel in $BUILD_DIR/guest built from it.
#
# A patch whose checks all passed is not checked again while nothing they
# read has changed: its source tree, its patch file, this script, the
# guest kernel's configuration and the compilers (see check_key); its
# results are replayed, marked "(unchanged)". CHECK_SERIES_FRESH=1 checks
# every patch again.
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

PASSED_DIR="$MEMSCOPE_CACHE/check-passed"
mkdir -p "$PASSED_DIR"
tools=$( { gcc --version; sparse --version; clang --version; spatch --version; } 2>&1 |
	sha256sum)
# The inputs of a group of checks: the tree it builds, the text checkpatch
# reads, how it is checked and with what.
check_key() {
	{
		git -C "$CHECK_TREE" rev-parse "$1^{tree}"
		cat "$2" "$0" "$MEMSCOPE_REPO/scripts/lib.sh" \
			"$MEMSCOPE_REPO/scripts/guest/build-kernel.sh" \
			"$MEMSCOPE_REPO/scripts/guest/config.fragment"
		echo "$tools"
	} | sha256sum | cut -c1-40
}
# The results of one group: kept until the group is done, and stored under
# its key when every check in it passed.
results=()
group_failed=0
c_pass() {
	results+=("$*")
	t_pass "$*"
}
c_fail() {
	group_failed=1
	t_fail "$*"
}
c_replay() {
	local line
	[ -z "${CHECK_SERIES_FRESH:-}" ] && [ -s "$PASSED_DIR/$1" ] || return 1
	while IFS= read -r line; do
		t_pass "$line (unchanged)"
	done < "$PASSED_DIR/$1"
}
c_store() {
	if [ "$group_failed" = 0 ] && [ ${#results[@]} -gt 0 ]; then
		printf '%s\n' "${results[@]}" > "$PASSED_DIR/$1"
	fi
	results=()
	group_failed=0
}

for i in "${!commits[@]}"; do
	n=$((i + 1))
	p=${patches[$i]}
	name="patch $n/${#commits[@]} ($(basename "$p" .patch | cut -c6-40))"
	log="$LOG_DIR/patch-$n"
	key=$(check_key "${commits[$i]}" "$p")
	c_replay "$key" && continue
	git -C "$CHECK_TREE" checkout -q --detach "${commits[$i]}"

	# The options resolve as the fragment asks.
	kmake olddefconfig > "$log.config" 2>&1
	if grep -qx 'CONFIG_MEMSCOPE=m' "$GUEST_BUILD/.config" &&
	   grep -qx 'CONFIG_MEMSCOPE_KUNIT_TEST=m' "$GUEST_BUILD/.config"; then
		c_pass "$name: MEMSCOPE=m and MEMSCOPE_KUNIT_TEST=m resolve"
	else
		c_fail "$name: MEMSCOPE=m and MEMSCOPE_KUNIT_TEST=m resolve"
	fi

	# Rebuild every object so that each warning is seen on every run.
	rm -rf "$GUEST_BUILD/drivers/misc/memscope"
	if kmake W=1 C=2 drivers/misc/memscope/ > "$log.w1" 2>&1 &&
	   ! grep -E 'warning|error' "$log.w1"; then
		c_pass "$name: builds with W=1 and C=2 (sparse), no warnings"
	else
		tail -20 "$log.w1"
		c_fail "$name: builds with W=1 and C=2 (sparse), no warnings"
	fi

	if kmake modules > "$log.modules" 2>&1 &&
	   ! grep -E 'WARNING|ERROR|warning|error' "$log.modules" &&
	   [ -f "$GUEST_BUILD/drivers/misc/memscope/memscope.ko" ]; then
		c_pass "$name: memscope.ko links (modpost clean)"
	else
		tail -20 "$log.modules"
		c_fail "$name: memscope.ko links (modpost clean)"
	fi

	ignore=()
	[ "$n" -gt 1 ] && ignore=(--ignore FILE_PATH_CHANGES)
	if (cd "$CHECK_TREE" && scripts/checkpatch.pl --strict -q "${ignore[@]}" \
		"$p") > "$log.checkpatch" 2>&1; then
		c_pass "$name: checkpatch --strict clean"
	else
		cat "$log.checkpatch"
		c_fail "$name: checkpatch --strict clean"
	fi

	mapfile -t srcs < <(cd "$CHECK_TREE" &&
		find drivers/misc/memscope -name '*.[ch]' | sort)
	if (cd "$CHECK_TREE" && scripts/kernel-doc -none -Wall "${srcs[@]}") \
		> "$log.kdoc" 2>&1 && [ ! -s "$log.kdoc" ]; then
		c_pass "$name: kernel-doc -Wall clean"
	else
		cat "$log.kdoc"
		c_fail "$name: kernel-doc -Wall clean"
	fi
	c_store "$key"
done

# What the kernel's build bots run besides gcc: coccicheck and a clang
# W=1 build of the driver and its tests, at the last patch.
git -C "$CHECK_TREE" checkout -q --detach "$head"
key=$(check_key "$head" /dev/null)
if ! c_replay "$key"; then
	log="$LOG_DIR/coccicheck"
	if (cd "$CHECK_TREE" && nice -n 10 make -s coccicheck MODE=report \
		M=drivers/misc/memscope J="$JOBS") > "$log" 2>&1 &&
	   ! grep -E 'drivers/misc/memscope/.*:[0-9]+' "$log"; then
		c_pass "series: coccicheck MODE=report finds nothing"
	else
		tail -5 "$log"
		c_fail "series: coccicheck MODE=report finds nothing"
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
		c_pass "series: clang W=1 builds the driver and its tests, no warnings"
	else
		tail -20 "$log"
		c_fail "series: clang W=1 builds the driver and its tests, no warnings"
	fi
	c_store "$key"
fi

# Back to the whole series for the tests that follow.
git -C "$CHECK_TREE" checkout -q --detach "$head"
"$MEMSCOPE_REPO/scripts/guest/build-kernel.sh" "$CHECK_TREE" "$GUEST_BUILD" \
	> "$LOG_DIR/guest-build.log" 2>&1 ||
	{ tail -30 "$LOG_DIR/guest-build.log"; die "guest kernel rebuild failed"; }
