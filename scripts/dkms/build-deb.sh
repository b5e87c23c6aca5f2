#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the memscope-dkms package, built from the overlay's
# drivers/misc/memscope (the same sources the series adds; the KUnit
# suites stay out: distribution kernels have no KUnit).
#
#   build-deb.sh [OUT_DIR]    (default: the current directory)
#
# Prints the path of the .deb. Needs dpkg-deb only.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

out=$(cd "${1:-.}" && pwd)
ver=$(memscope_version)
src_dir="$MEMSCOPE_REPO/drivers/misc/memscope"
stage=$(mktemp -d "${TMPDIR:-/tmp}/memscope-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"

usrc="$stage/usr/src/memscope-$ver"
mkdir -p "$usrc" "$stage/DEBIAN" "$stage/usr/share/doc/memscope-dkms"
cp "$src_dir"/*.c "$src_dir"/*.h "$src_dir/Makefile" "$usrc/"
cp "$MEMSCOPE_REPO/scripts/dkms/Kbuild" "$usrc/Kbuild"
sed "s/@VERSION@/$ver/g" "$MEMSCOPE_REPO/scripts/dkms/dkms.conf.in" >"$usrc/dkms.conf"
cp "$MEMSCOPE_REPO/Documentation/misc-devices/memscope.rst" \
	"$stage/usr/share/doc/memscope-dkms/"
gzip -9n "$stage/usr/share/doc/memscope-dkms/memscope.rst"
cat >"$stage/usr/share/doc/memscope-dkms/copyright" <<EOT
memscope: SPDX-License-Identifier: GPL-2.0 (see the headers of the sources).
On Debian systems the license is in /usr/share/common-licenses/GPL-2.
EOT

size=$(du -sk "$stage/usr" | cut -f1)
cat >"$stage/DEBIAN/control" <<EOT
Package: memscope-dkms
Version: $ver
Architecture: all
Section: kernel
Priority: optional
Depends: dkms (>= 3.0)
Installed-Size: $size
Maintainer: memscope developers <memscope@example.org>
Description: memscope kernel module (DKMS): MMIO, DMA and kernel memory from debugfs
 memscope lets root see and exercise every class of memory a kernel
 driver touches, from a shell: device register windows at an exact
 width, the DMA buffers of a device handed to it, kernel allocations and
 their physical layout, programs of register accesses and trace events.
 Device writes are built only on request (MEMSCOPE_WRITE=y in
 /etc/default/memscope-dkms).
EOT
# What dh-dkms generates: DKMS's own scripts add, build and install the
# module for every kernel that has headers, and remove it on removal.
cat >"$stage/DEBIAN/postinst" <<EOT
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	/usr/lib/dkms/common.postinst memscope $ver "" "" "\$2"
fi
EOT
cat >"$stage/DEBIAN/prerm" <<EOT
#!/bin/sh
set -e
case "\$1" in
remove|upgrade|deconfigure)
	if dkms status -m memscope -v $ver | grep -q memscope; then
		dkms remove -m memscope -v $ver --all || true
	fi
	;;
esac
EOT
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm"
deb="$out/memscope-dkms_${ver}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
