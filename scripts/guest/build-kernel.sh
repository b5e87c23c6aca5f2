#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the memscope guest kernel: tinyconfig + scripts/guest/config.fragment
# (+ the fragments named in $GUEST_EXTRA_FRAGMENTS, space separated, applied
# in order after it: e.g. scripts/guest/debug.fragment for the debug guest),
# bzImage and modules, out of tree.
#
#   scripts/guest/build-kernel.sh SRC_TREE BUILD_DIR
#
# Incremental: the configuration step (tinyconfig + merge) is skipped when
# BUILD_DIR/.config was made from the same fragment and source tree, so a
# rebuild after a driver change only recompiles what changed. Every
# CONFIG_*= line of the fragments must be in the final .config (for an option
# set in several fragments, the last one's line counts); a missing one
# (a dependency not met, a typo) fails the build instead of silently giving
# a guest that does not test what it should. With MEMSCOPE_ALLOW_NO_MODULE=1
# the MEMSCOPE* options may be missing (tree without the series).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

[ $# -eq 2 ] || die "usage: ${0##*/} SRC_TREE BUILD_DIR"
src=$(cd "$1" && pwd -P) || die "no source tree: $1"
if [ ! -f "$src/Makefile" ] || [ ! -d "$src/arch/x86" ]; then
	die "not a kernel tree: $src"
fi
mkdir -p "$2"
build=$(cd "$2" && pwd -P)
frag="$MEMSCOPE_REPO/scripts/guest/config.fragment"
[ "$GUEST_ARCH" = x86_64 ] || frag="$MEMSCOPE_REPO/scripts/guest/$GUEST_ARCH.fragment"
frags=("$frag")
# shellcheck disable=SC2206 # a list of paths
extra=(${GUEST_EXTRA_FRAGMENTS:-})
for f in "${extra[@]}"; do
	[ -f "$f" ] || die "no config fragment: $f"
	frags+=("$(cd "$(dirname "$f")" && pwd -P)/$(basename "$f")")
done
stamp="$build/.memscope-guest-config"
start=$SECONDS

# The same CC on every make call: Kconfig records the compiler, and a
# different one would force a full reconfiguration and rebuild.
kmake() {
	nice -n 10 make -s -C "$src" O="$build" ARCH="$GUEST_KARCH" \
		CROSS_COMPILE="$GUEST_CROSS" CC="ccache ${GUEST_CROSS}gcc" \
		-j"$JOBS" "$@"
}

stamp_text() {
	printf '%s %s\n' "$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)" "$src"
}

configure() {
	msg "configuring $build (tinyconfig + ${frags[*]#"$MEMSCOPE_REPO"/})"
	rm -f "$stamp"
	kmake tinyconfig >/dev/null
	# -m: only merge; olddefconfig below resolves the dependencies.
	(cd "$src" && scripts/kconfig/merge_config.sh -m -O "$build" \
		"$build/.config" "${frags[@]}") >/dev/null
	kmake olddefconfig >/dev/null
	stamp_text >"$stamp"
}

# The fragments' assignments, the last line of each option winning ("# ...
# is not set" in a later fragment cancels an earlier "=y").
assignments() {
	cat "${frags[@]}" | awk '
		match($0, /^CONFIG_[A-Za-z0-9_]+=/) {
			o = substr($0, 1, RLENGTH - 1); v[o] = $0; order[++n] = o; next
		}
		match($0, /^# CONFIG_[A-Za-z0-9_]+ is not set/) {
			split($0, w, " "); v[w[2]] = ""; order[++n] = w[2]
		}
		END {
			for (i = 1; i <= n; i++)
				if (v[order[i]] != "" && !seen[order[i]]++)
					print v[order[i]]
		}'
}

# Print the fragments' assignments that are not in .config, one a line.
missing_options() {
	local line
	assignments | while IFS= read -r line; do
		grep -qxF -- "$line" "$build/.config" && continue
		if [ "${MEMSCOPE_ALLOW_NO_MODULE:-0}" = 1 ] &&
		   [[ $line == CONFIG_MEMSCOPE* ]]; then
			continue
		fi
		printf '%s\n' "$line"
	done
}

if [ -f "$build/.config" ] && [ -f "$stamp" ] &&
   [ "$(cat "$stamp")" = "$(stamp_text)" ]; then
	# New symbols in the tree (e.g. the series' Kconfig) get their
	# defaults without prompting.
	kmake olddefconfig >/dev/null
	if [ -n "$(missing_options)" ]; then
		# The tree's Kconfig changed under an unchanged fragment
		# (the series was applied after a plain build): start over.
		msg "reused .config lacks fragment options; reconfiguring"
		configure
	fi
else
	configure
fi

missing=$(missing_options)
if [ -n "$missing" ]; then
	msg "options of ${frags[*]##*/} that did not stick in $build/.config:"
	printf '  %s\n' "${missing//$'\n'/$'\n'  }" >&2
	die "kernel configuration incomplete (unmet dependencies or unknown options)"
fi

msg "building $GUEST_IMAGE_TARGET and modules in $build (-j$JOBS)"
kmake "$GUEST_IMAGE_TARGET" modules
[ -f "$build/$GUEST_IMAGE" ] || die "no $GUEST_IMAGE after build"
msg "kernel $(kmake kernelrelease) built in $((SECONDS - start)) s"
