#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host check "com2-contains HEX": the bytes the guest sent through COM2
# (I/O port 0x2f8, QEMU's second -serial file) contain the byte string HEX.
#
# Called by scripts/guest/run-tests.sh for each guest line
#	HOSTCHECK com2-contains HEX DESC
# with GUEST_COM2 (the COM2 file) and GUEST_CONSOLE (the cleaned console
# log) in the environment. Exit 0: passed; anything else: failed, with
# stdout/stderr shown as the reason.
set -euo pipefail

want=${1,,}
[[ $want =~ ^([0-9a-f]{2})+$ ]] || { echo "bad hex string '$1'"; exit 2; }

# " 4d 45 ..." on both sides keeps the match on byte boundaries.
have=" $(od -An -v -tx1 "$GUEST_COM2" | tr -s ' \n' ' ' | sed 's/^ //')"
# shellcheck disable=SC2001 # one space after every byte pair
want=" $(sed 's/../& /g' <<<"$want")"
[[ $have == *"$want"* ]] && exit 0

echo "COM2 received $(stat -c %s "$GUEST_COM2") bytes, not$want"
echo "first bytes:${have:0:96}"
exit 1
