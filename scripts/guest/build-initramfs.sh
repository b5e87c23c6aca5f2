#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the memscope guest's initramfs from a built kernel tree.
#
#   scripts/guest/build-initramfs.sh BUILD_DIR OUT.cpio.gz
#
# Contents: static busybox with its applet links, /init (scripts/guest/init),
# the test library (/lib/guest/lib.sh), the test scripts (/tests, from
# $GUEST_TESTS_DIR, default scripts/guest/tests), the helper programs
# compiled from scripts/guest/tools/*.c (into /bin), and the kernel's
# modules (modules_install, with depmod; unsigned, see config.fragment).
#
# memscope.ko must be among the modules unless MEMSCOPE_ALLOW_NO_MODULE=1.
# The archive is written by the kernel's own usr/gen_init_cpio, which
# makes /dev/console and root ownership without needing root or mknod.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

[ $# -eq 2 ] || die "usage: ${0##*/} BUILD_DIR OUT.cpio.gz"
build=$(cd "$1" && pwd -P) || die "no build directory: $1"
out=$2
guest="$MEMSCOPE_REPO/scripts/guest"
tests_dir=${GUEST_TESTS_DIR:-$guest/tests}
busybox=${GUEST_BUSYBOX:-/bin/busybox}
if [ "$GUEST_ARCH" = arm64 ] && [ -z "${GUEST_BUSYBOX:-}" ]; then
	busybox="$MEMSCOPE_CACHE/arm64/busybox"
fi
gen_cpio="$build/usr/gen_init_cpio"
tools_out="$build/guest-tools"

[ -f "$build/.config" ] || die "$build is not a built kernel tree"
[ -x "$gen_cpio" ] || die "$gen_cpio missing (CONFIG_BLK_DEV_INITRD build?)"
[ -d "$tests_dir" ] || die "no test directory: $tests_dir"
# A dynamically linked busybox would fail in the guest with a bare
# "not found"; catch that here.
if readelf -l "$busybox" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	die "$busybox is not static (install busybox-static)"
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/memscope-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc,root} \
	"$stage"/{lib/guest,tests}

# busybox and its applets, as links to /bin/busybox.
cp "$busybox" "$stage/bin/busybox"
# The applet list of the host's busybox (the same Debian version): a
# busybox of another architecture cannot run here.
for applet in $(/bin/busybox --list-full); do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

# Helpers: static so they need no libc in the guest; rebuilt only when a
# source or a shared header changed.
mkdir -p "$tools_out"
# GUEST_EXTRA_TOOLS: more helper sources (space separated), e.g. make bench's.
# shellcheck disable=SC2086 # word splitting intended
for src in "$guest"/tools/*.c ${GUEST_EXTRA_TOOLS:-}; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	bin="$tools_out/$name"
	stale=0
	for dep in "$src" "$guest"/tools/*.h; do
		[ -e "$dep" ] && [ "$dep" -nt "$bin" ] && stale=1
	done
	if [ ! -x "$bin" ] || [ $stale = 1 ]; then
		"$GUEST_TOOLS_CC" -static -O2 -Wall -Werror -s -o "$bin" "$src" ||
			die "compiling $src failed"
	fi
	if [ -e "$stage/bin/$name" ] || [ -L "$stage/bin/$name" ]; then
		msg "warning: helper $name replaces busybox's applet"
		rm -f "$stage/bin/$name"
	fi
	cp "$bin" "$stage/bin/$name"
done

# GUEST_MODULE_KO: a memscope.ko built elsewhere (DKMS, for a kernel that
# is not $build's), loaded instead of $build's modules.
if [ -n "${GUEST_MODULE_KO:-}" ]; then
	mkdir -p "$stage/lib/modules"
	cp "$GUEST_MODULE_KO" "$stage/lib/modules/memscope.ko"
else
	# Modules. The same CC as build-kernel.sh, or kbuild would re-run Kconfig.
	nice -n 10 make -s -C "$build" ARCH="$GUEST_KARCH" \
		CROSS_COMPILE="$GUEST_CROSS" CC="ccache ${GUEST_CROSS}gcc" \
		INSTALL_MOD_PATH="$stage" modules_install >/dev/null
	# "build" points into this host's build directory: meaningless in the guest.
	rm -f "$stage"/lib/modules/*/build
fi
ko=$(cd "$stage" && find lib/modules -name memscope.ko | head -n 1)
if [ -z "$ko" ]; then
	[ "${MEMSCOPE_ALLOW_NO_MODULE:-0}" = 1 ] ||
		die "memscope.ko not built in $build (CONFIG_MEMSCOPE=m missing?)"
	msg "no memscope.ko (allowed by MEMSCOPE_ALLOW_NO_MODULE=1)"
	printf 'MEMSCOPE_KO=\n' >"$stage/etc/memscope-guest.conf"
else
	printf 'MEMSCOPE_KO=/%s\n' "$ko" >"$stage/etc/memscope-guest.conf"
fi

# GUEST_EXTRA_FILES: "SRC:DEST" pairs (space separated), e.g. make bench's
# module.
for pair in ${GUEST_EXTRA_FILES:-}; do
	mkdir -p "$stage/$(dirname "${pair#*:}")"
	cp "${pair%%:*}" "$stage/${pair#*:}"
done
install -m 0755 "$guest/init" "$stage/init"
install -m 0644 "$guest/lib.sh" "$stage/lib/guest/lib.sh"
cp -R "$tests_dir"/. "$stage/tests/"

# gen_init_cpio's list format: one entry per line, owner 0:0.
gen_list() {
	local type mode path target

	echo "nod /dev/console 0600 0 0 c 5 1"
	(cd "$stage" && find . -mindepth 1 -printf '%y %m %P %l\n') | sort -k3 |
	while read -r type mode path target; do
		case $type in
		d) echo "dir /$path $mode 0 0" ;;
		f) echo "file /$path $stage/$path $mode 0 0" ;;
		l) echo "slink /$path $target $mode 0 0" ;;
		*) die "unsupported file type '$type': $path" ;;
		esac
	done
}
if (cd "$stage" && find . -name '* *' | grep -q .); then
	die "file names with spaces cannot go into the initramfs list"
fi

mkdir -p "$(dirname "$out")"
gen_list >"$stage.list"
trap 'rm -rf "$stage" "$stage.list"' EXIT
"$gen_cpio" "$stage.list" | gzip -n -6 >"$out.tmp"
mv "$out.tmp" "$out"
msg "initramfs $out ($(du -k "$out" | cut -f1) KiB; tests from $tests_dir)"
