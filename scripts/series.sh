#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Maintain the patch series. patches/ is what users `git am`; drivers/,
# Documentation/ and MAINTAINERS.snippet are the same files as they stand
# after the last patch. Edit the series as git commits in the work tree:
#
#   scripts/series.sh edit     # git am patches/ into $MEMSCOPE_CACHE/work
#   cd ~/.cache/memscope/work  # edit; git commit --fixup=<sha>, or a new
#                              # commit; git rebase -i --autosquash
#                              # memscope-base
#   scripts/series.sh export   # write patches/, the cover letter and the
#                              # overlay back into this repository
#   scripts/series.sh check    # fail if patches/ and the overlay disagree
#   scripts/series.sh sign "Name <email>"   # a copy signed by its poster
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GIT_ID=(-c user.name="Memscope Developers" -c user.email="memscope@example.org")

# A worktree of the base tree, reset to the base commit, with the series
# applied on top. $1: directory, $2: branch name (empty: detached).
apply_series() {
	local dir=$1 branch=$2

	if [ ! -e "$dir/.git" ]; then
		git -C "$BASE_TREE" worktree prune
		git -C "$BASE_TREE" worktree add -q --detach "$dir" "$BASE_TAG"
	fi
	git -C "$dir" am --abort >/dev/null 2>&1 || true
	if [ -n "$branch" ]; then
		git -C "$dir" checkout -q -f -B "$branch" "$BASE_TAG"
	else
		git -C "$dir" checkout -q -f --detach "$BASE_TAG"
	fi
	git -C "$dir" clean -q -fdx
	mapfile -t patches < <(series_patches)
	[ ${#patches[@]} -gt 0 ] || die "no patches in $MEMSCOPE_REPO/patches"
	git -C "$dir" "${GIT_ID[@]}" am -q --keep-cr "${patches[@]}" ||
		die "the series does not apply onto $BASE_TAG"
}

# Files of the overlay: what the series touches under drivers/ and
# Documentation/. Its other files (MAINTAINERS, lib/Kconfig.debug's one
# source line) live only in patches/; MAINTAINERS.snippet shows the one.
series_files() {
	git -C "$1" diff --name-only "$BASE_TAG" HEAD -- drivers Documentation
}

# The MAINTAINERS entry the series adds.
maintainers_snippet() {
	git -C "$1" diff -U0 "$BASE_TAG" HEAD -- MAINTAINERS |
		sed -n '/^+++/d; s/^+//p'
}

cmd_edit() {
	if [ -e "$WORK_TREE/.git" ] && [ "${1:-}" != --force ]; then
		if [ -n "$(git -C "$WORK_TREE" status --porcelain)" ]; then
			die "$WORK_TREE has uncommitted changes (use --force to drop them)"
		fi
		if [ "$(git -C "$WORK_TREE" rev-list --count "$BASE_TAG"..HEAD)" != \
		     "$(series_patches | wc -l)" ]; then
			die "$WORK_TREE holds a different number of commits than patches/; export first or use --force"
		fi
	fi
	apply_series "$WORK_TREE" memscope
	git -C "$WORK_TREE" config user.name "Memscope Developers"
	git -C "$WORK_TREE" config user.email memscope@example.org
	msg "series applied in $WORK_TREE (branch memscope)"
}

cmd_export() {
	local tmp f n
	[ -z "$(git -C "$WORK_TREE" status --porcelain --untracked-files=no)" ] ||
		die "$WORK_TREE has uncommitted changes; commit them first"

	tmp=$(mktemp -d)
	git -C "$WORK_TREE" format-patch -q --zero-commit --cover-letter \
		--base="$BASE_TAG" -o "$tmp" "$BASE_TAG"..HEAD
	# The cover letter's subject and blurb live in scripts/cover-letter.txt:
	# its first line is the subject, the rest the body.
	python3 - "$tmp"/0000-cover-letter.patch \
		"$MEMSCOPE_REPO/scripts/cover-letter.txt" <<'PY'
import sys
cover, tmpl = sys.argv[1:]
lines = open(tmpl).read().split('\n')
subject, body = lines[0], '\n'.join(lines[2:]).rstrip('\n')
text = open(cover).read()
text = text.replace('*** SUBJECT HERE ***', subject)
text = text.replace('*** BLURB HERE ***', body)
open(cover, 'w').write(text)
PY
	rm -rf "$MEMSCOPE_REPO/patches"
	mv "$tmp" "$MEMSCOPE_REPO/patches"

	# The overlay: exactly the files the series touches.
	rm -rf "$MEMSCOPE_REPO/drivers" "$MEMSCOPE_REPO/Documentation"
	n=0
	while read -r f; do
		mkdir -p "$MEMSCOPE_REPO/$(dirname "$f")"
		cp "$WORK_TREE/$f" "$MEMSCOPE_REPO/$f"
		n=$((n + 1))
	done < <(series_files "$WORK_TREE")
	maintainers_snippet "$WORK_TREE" > "$MEMSCOPE_REPO/MAINTAINERS.snippet"
	msg "exported $(series_patches | wc -l) patches and $n overlay files"
}

# The series as its poster sends it: From:, Signed-off-by: and the
# MAINTAINERS entry carry the poster's identity, not the project's
# placeholder (the DCO needs a real person). The identity is $1, or
# MEMSCOPE_AUTHOR, or git's user.name and user.email; the signed copy goes
# to $2 (default $BUILD_DIR/outgoing), patches/ stay as they are.
cmd_sign() {
	local id=${1:-${MEMSCOPE_AUTHOR:-}} out=${2:-$BUILD_DIR/outgoing} f name email
	if [ -z "$id" ]; then
		name=$(git -C "$MEMSCOPE_REPO" config user.name || true)
		email=$(git -C "$MEMSCOPE_REPO" config user.email || true)
		[ -n "$name" ] && [ -n "$email" ] && id="$name <$email>"
	fi
	[[ $id =~ ^[^\<\>]+\ \<[^\<\>@\ ]+@[^\<\>\ ]+\>$ ]] ||
		die "usage: $0 sign \"Your Name <you@example.org>\" [DIR] (or set MEMSCOPE_AUTHOR, or git's user.name and user.email)"
	rm -rf "$out"
	mkdir -p "$out"
	for f in "$MEMSCOPE_REPO"/patches/*.patch; do
		ID="$id" perl -pe 's/^(From|Signed-off-by): Memscope Developers <memscope\@example\.org>$/$1: $ENV{ID}/;
			s/^([+ ])M:\tMemscope Developers <memscope\@example\.org>$/$1M:\t$ENV{ID}/' \
			"$f" >"$out/${f##*/}"
	done
	if grep -l 'memscope@example\.org' "$out"/*.patch >/dev/null; then
		die "a placeholder identity is left in $out"
	fi
	msg "the series, signed by $id: $out"
}

# patches/ applied onto the base must give exactly the overlay.
cmd_check() {
	local bad=0 f
	apply_series "$CHECK_TREE" ""

	diff <(series_files "$CHECK_TREE" | sort) \
	     <(cd "$MEMSCOPE_REPO" && find drivers Documentation -type f 2>/dev/null | sort) ||
		{ msg "the overlay and the series touch different files"; bad=1; }
	while read -r f; do
		if ! cmp -s "$CHECK_TREE/$f" "$MEMSCOPE_REPO/$f"; then
			msg "overlay differs from the series: $f"
			diff -u "$CHECK_TREE/$f" "$MEMSCOPE_REPO/$f" | head -20 >&2 || true
			bad=1
		fi
	done < <(series_files "$CHECK_TREE")
	if ! diff -u <(maintainers_snippet "$CHECK_TREE") \
		"$MEMSCOPE_REPO/MAINTAINERS.snippet" >&2; then
		msg "MAINTAINERS.snippet differs from the series"
		bad=1
	fi
	[ $bad = 0 ] || die "patches/ and the overlay disagree (run scripts/series.sh export)"
	msg "series applies; overlay matches ($(series_patches | wc -l) patches)"
}

"$MEMSCOPE_REPO/scripts/prepare-base.sh"
case "${1:-}" in
edit)	shift; cmd_edit "$@" ;;
export)	cmd_export ;;
check)	cmd_check ;;
sign)	shift; cmd_sign "$@" ;;
*)	echo "usage: $0 edit [--force] | export | check | sign [\"NAME <EMAIL>\"] [DIR]" >&2; exit 2 ;;
esac
