#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test's DKMS step: memscope on the kernel a Debian 12 user runs.
#
# Builds the memscope-dkms package (make deb), builds the module with
# DKMS for Debian's own 6.12 kernel twice (read-only, and with
# MEMSCOPE_WRITE=y), against Debian's headers unpacked into the cache
# (never installed on the host, nor the kernel), then boots Debian's own
# vmlinuz under QEMU with each module and runs the guest checks that apply
# to that kernel (scripts/dkms/guest-tests, plus the shared ones named
# below). Debian's packages are pinned like the base tree and downloaded
# once into $MEMSCOPE_CACHE/debian.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

KVER=6.12.117+deb12-amd64
PKGVER=6.12.117-1~deb12u1
DEBS=(linux-image-$KVER-unsigned linux-headers-$KVER
      linux-headers-6.12.117+deb12-common linux-kbuild-6.12.117+deb12)
deb_dir="$MEMSCOPE_CACHE/debian"
root="$deb_dir/root"
work="$BUILD_DIR/dkms"
kdir="$root/usr/src/linux-headers-$KVER"
vmlinuz="$root/boot/vmlinuz-$KVER"

# --- Debian's kernel and headers, unpacked into the cache.
fetch_debian() {
	local p f
	mkdir -p "$deb_dir/pkgs"
	for p in "${DEBS[@]}"; do
		f=$(find "$deb_dir/pkgs" -name "${p}_*.deb" | head -n 1)
		if [ -z "$f" ]; then
			# _apt downloads into a directory it may write.
			chmod 0777 "$deb_dir/pkgs"
			# (apt warns that it downloads as root into /root.)
			(cd "$deb_dir/pkgs" && apt-get download -q "$p=$PKGVER" 2>&1 >/dev/null |
				grep -v 'unsandboxed as root'; exit "${PIPESTATUS[0]}") ||
				{ msg "Debian's archive does not have $p $PKGVER (any more?)"; return 1; }
		fi
	done
	[ -f "$root/.unpacked-$PKGVER" ] && return 0
	rm -rf "$root"
	mkdir -p "$root"
	for f in "$deb_dir"/pkgs/*.deb; do
		dpkg-deb -x "$f" "$root" || return 1
	done
	# The headers' Makefile includes the common half by absolute path.
	sed -i "s|/usr/src/|$root/usr/src/|" "$kdir/Makefile"
	# The image itself: only its vmlinuz is needed; its modules are not.
	rm -rf "$root/lib/modules/$KVER/kernel"
	touch "$root/.unpacked-$PKGVER"
}

# dkms_build VARIANT WRITE: build memscope.ko with DKMS into
# $work/memscope-VARIANT.ko.
dkms_build() {
	local variant=$1 write=$2 tree="$work/tree-$1" ko
	rm -rf "$tree"
	mkdir -p "$tree"
	dkms add -m memscope -v "$ver" --dkmstree "$tree" \
		--sourcetree "$work/pkg/usr/src" >"$work/dkms-$variant.log" 2>&1 &&
	MEMSCOPE_WRITE=$write dkms build -m memscope -v "$ver" -k "$KVER" \
		--dkmstree "$tree" --sourcetree "$work/pkg/usr/src" \
		--kernelsourcedir "$kdir" >>"$work/dkms-$variant.log" 2>&1 || {
		tail -n 30 "$work/dkms-$variant.log"
		find "$tree" -name make.log -exec tail -n 30 {} \;
		return 1
	}
	ko=$(find "$tree/memscope/$ver/$KVER" -name 'memscope.ko*' | head -n 1)
	[ -n "$ko" ] || return 1
	case $ko in
	*.xz) xz -dc "$ko" >"$work/memscope-$variant.ko" ;;
	*.zst) zstd -qdc "$ko" >"$work/memscope-$variant.ko" ;;
	*) cp "$ko" "$work/memscope-$variant.ko" ;;
	esac
	modinfo -F vermagic "$work/memscope-$variant.ko" | grep -q "^$KVER " || {
		msg "vermagic: $(modinfo -F vermagic "$work/memscope-$variant.ko")"
		return 1
	}
}

# boot VARIANT: Debian's vmlinuz with memscope-VARIANT.ko and the tests.
boot() {
	local variant=$1 tests="$work/tests-$1" result="$work/result-$1" p f
	rm -rf "$tests" && mkdir -p "$tests"
	cp "$MEMSCOPE_REPO"/scripts/dkms/guest-tests/*.sh "$tests/"
	# Debian's kernel has neither kmemleak nor DMA-API debug (80-leaks).
	cp "$MEMSCOPE_REPO"/scripts/guest/tests/20-memory.sh "$tests/"
	rm -f "$result"
	env GUEST_SKIP_BUILD=1 GUEST_RUN_NAME="debian-$variant" \
		GUEST_KERNEL_IMAGE="$vmlinuz" GUEST_MODULE_KO="$work/memscope-$variant.ko" \
		GUEST_TESTS_DIR="$tests" GUEST_RESULT_FILE="$result" \
		GUEST_APPEND="memscope_variant=$variant" GUEST_TIMEOUT=600 \
		"$MEMSCOPE_REPO/scripts/guest/run-tests.sh" "$CHECK_TREE" ||
		true
	[ -s "$result" ] || { t_fail "debian $variant: guest finished with a result"; return; }
	p=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' "$result")
	f=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' "$result")
	t_counts "Debian's $KVER kernel, DKMS module ($variant)" "${p:-0}" "${f:-0}"
}

mkdir -p "$work"
if ! fetch_debian; then
	t_fail "dkms: Debian's $KVER image and headers $PKGVER fetched"
	exit 1
fi
t_pass "dkms: Debian's $KVER image and headers $PKGVER unpacked in the cache"

rm -rf "$work/deb" "$work/pkg"
mkdir -p "$work/deb"
if ! deb=$("$MEMSCOPE_REPO/scripts/dkms/build-deb.sh" "$work/deb"); then
	t_fail "make deb: the memscope-dkms package is built"
	exit 1
fi
t_pass "make deb: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
dpkg-deb -x "$deb" "$work/pkg"
ver=$(dpkg-deb -f "$deb" Version)

for v in ro:n rw:y; do
	if dkms_build "${v%:*}" "${v#*:}"; then
		t_pass "dkms build memscope/$ver for $KVER (${v%:*})"
	else
		t_fail "dkms build memscope/$ver for $KVER (${v%:*})"
		continue
	fi
	boot "${v%:*}"
done
