# SPDX-License-Identifier: GPL-2.0
# Common settings for memscope's scripts; sourced, never run.

# Debian's tools first: the kernel's helper scripts (spdxcheck.py for
# checkpatch, kunit.py, Sphinx) need the python3 that Debian's packages
# (python3-ply, python3-git, python3-sphinx) are installed for.
export PATH="/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

MEMSCOPE_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEMSCOPE_CACHE="${MEMSCOPE_CACHE:-$HOME/.cache/memscope}"
# The pristine base tree: one commit, tagged, that the series applies onto.
BASE_TREE="$MEMSCOPE_CACHE/linux"
BASE_TAG="memscope-base"
# Where the series is applied for checking; a worktree of BASE_TREE.
CHECK_TREE="$MEMSCOPE_CACHE/check"
# Where developers edit the series (scripts/series.sh).
WORK_TREE="$MEMSCOPE_CACHE/work"
BUILD_DIR="$MEMSCOPE_CACHE/build"
JOBS="${JOBS:-$(nproc)}"

# The guest's architecture: x86_64 (default) or arm64 (QEMU virt, built
# with Debian's cross compiler). Everything arch-specific of the guest
# scripts comes from here.
GUEST_ARCH="${GUEST_ARCH:-x86_64}"
case $GUEST_ARCH in
x86_64)
	GUEST_KARCH=x86_64 GUEST_CROSS= GUEST_IMAGE=arch/x86/boot/bzImage
	GUEST_IMAGE_TARGET=bzImage GUEST_TOOLS_CC=gcc
	;;
arm64)
	GUEST_KARCH=arm64 GUEST_CROSS=aarch64-linux-gnu- GUEST_IMAGE=arch/arm64/boot/Image
	GUEST_IMAGE_TARGET=Image GUEST_TOOLS_CC=aarch64-linux-gnu-gcc
	;;
*)
	echo "GUEST_ARCH must be x86_64 or arm64, not '$GUEST_ARCH'" >&2
	exit 2
	;;
esac

export CCACHE_DIR="${CCACHE_DIR:-$MEMSCOPE_CACHE/ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
# ccache hashes the compiler's path too; keep the kernel's own timestamp
# macros from defeating it.
export KBUILD_BUILD_TIMESTAMP="${KBUILD_BUILD_TIMESTAMP:-2024-01-01}"
export KBUILD_BUILD_USER=memscope KBUILD_BUILD_HOST=memscope

msg() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { msg "error: $*"; exit 1; }

# The patches of the series, in order, without the cover letter.
series_patches() {
	find "$MEMSCOPE_REPO/patches" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name '0000-*' | sort
}

# The version of memscope's sources: the number of patches of the series
# and a hash of what it adds to drivers/misc/memscope (the DKMS package's
# version, never typed by hand).
memscope_version() {
	local n h
	n=$(series_patches | wc -l)
	h=$(cd "$MEMSCOPE_REPO" && find drivers/misc/memscope -type f ! -path '*/tests/*' |
		LC_ALL=C sort | xargs cat | sha256sum | cut -c1-8)
	echo "0.$n+g$h"
}

# Test results: one line per check, "PASS desc" or "FAIL desc", appended
# to $MEMSCOPE_RESULTS when the test driver set it, and printed.
t_pass() {
	printf 'PASS: %s\n' "$*"
	[ -z "${MEMSCOPE_RESULTS:-}" ] || printf 'PASS %s\n' "$*" >> "$MEMSCOPE_RESULTS"
}
t_fail() {
	printf 'FAIL: %s\n' "$*"
	[ -z "${MEMSCOPE_RESULTS:-}" ] || printf 'FAIL %s\n' "$*" >> "$MEMSCOPE_RESULTS"
}
# Record an external count of passed and failed tests under one label.
t_counts() {
	local label=$1 passed=$2 failed=$3 i
	printf '%s: %d passed, %d failed\n' "$label" "$passed" "$failed"
	[ -z "${MEMSCOPE_RESULTS:-}" ] && return
	for ((i = 0; i < passed; i++)); do echo "PASS $label #$i"; done >> "$MEMSCOPE_RESULTS"
	for ((i = 0; i < failed; i++)); do echo "FAIL $label #$i"; done >> "$MEMSCOPE_RESULTS"
}

# The arm64 guest's tools, from Debian's archive: the cross compiler,
# qemu-system-arm, dtc, and an arm64 busybox in the cache.
guest_arm64_deps() {
	local pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
		    device-tree-compiler) missing=() p deb
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing+=("$p")
	done
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64 || return 1
		missing+=(update)
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq || return 1
		missing=("${missing[@]/update/}")
		# shellcheck disable=SC2068 # drop the empty word
		apt-get install -y -qq --no-install-recommends ${missing[@]} >/dev/null ||
			return 1
	fi
	if [ ! -x "$MEMSCOPE_CACHE/arm64/busybox" ]; then
		mkdir -p "$MEMSCOPE_CACHE/arm64" && chmod 0777 "$MEMSCOPE_CACHE/arm64"
		(cd "$MEMSCOPE_CACHE/arm64" && rm -f busybox-static_*.deb &&
		 apt-get download -q busybox-static:arm64 2>&1 >/dev/null | grep -v unsandboxed
		 deb=$(ls busybox-static_*_arm64.deb) &&
		 dpkg-deb --fsys-tarfile "$deb" | tar -xO ./bin/busybox >busybox.new &&
		 chmod 0755 busybox.new && mv busybox.new busybox) || return 1
	fi
}
