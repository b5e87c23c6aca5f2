#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what building, checking and booting the series needs, from
# Debian's archive only. Idempotent: does nothing when all is present.
set -euo pipefail

# The base kernel is pinned: every check in this repository is measured
# against exactly this source package.
KVER_PKG="linux-source-6.12"
KVER_PIN="${MEMSCOPE_KERNEL_PIN:-6.12.117-1~deb12u1}"

PKGS=(
	build-essential flex bison bc libelf-dev libssl-dev dwarves
	sparse kmod cpio ccache xz-utils git rsync python3
	qemu-system-x86 busybox-static pciutils
	python3-sphinx python3-sphinx-rtd-theme graphviz python3-ply python3-git
	coccinelle ocaml-nox clang lld dkms
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ "$(dpkg-query -W -f='${Version}' "$KVER_PKG" 2>/dev/null)" != "$KVER_PIN" ]; then
	missing+=("$KVER_PKG=$KVER_PIN")
fi

[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
