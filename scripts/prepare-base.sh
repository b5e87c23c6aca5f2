#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prepare the pinned base kernel tree in the cache: extracted from Debian's
# linux-source package, one git commit tagged memscope-base. Idempotent.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$MEMSCOPE_REPO/scripts/deps.sh"

if git -C "$BASE_TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1; then
	exit 0
fi

tarball=$(ls /usr/src/linux-source-6.12.tar.xz)
msg "extracting $tarball into $BASE_TREE"
rm -rf "$BASE_TREE.tmp"
mkdir -p "$BASE_TREE.tmp"
tar -xf "$tarball" -C "$BASE_TREE.tmp" --strip-components=1

cd "$BASE_TREE.tmp"
# Debian appends "ignore everything at the top level" to .gitignore; with it
# new files of the series would stay untracked. Drop that block.
sed -i '/^# Debian packaging/,$d' .gitignore
git init -q -b base
git -c user.name=memscope -c user.email=memscope@localhost add -A
version=$(make -s kernelversion)
# Fixed identity and dates: the same package gives the same base commit on
# every machine, so the cover letter's base-commit means something.
GIT_AUTHOR_DATE="2025-01-01T00:00:00Z" GIT_COMMITTER_DATE="2025-01-01T00:00:00Z" \
git -c user.name=memscope -c user.email=memscope@localhost \
	commit -q -m "Linux $version (Debian linux-source-6.12)"
git tag "$BASE_TAG"
cd /
rm -rf "$BASE_TREE"
mv "$BASE_TREE.tmp" "$BASE_TREE"
msg "base tree ready: Linux $version at $(git -C "$BASE_TREE" rev-parse --short HEAD)"
