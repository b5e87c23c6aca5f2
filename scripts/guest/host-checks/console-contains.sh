#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# HOSTCHECK console-contains HEX: the guest's console log (the UART the
# kernel also prints on) holds the bytes HEX, in order, somewhere.
set -euo pipefail

want=${1,,}
[[ $want =~ ^([0-9a-f]{2})+$ ]] || { echo "bad hex string '$1'"; exit 2; }
text=$(printf "$(sed 's/../\\x&/g' <<<"$want")")
grep -qF -- "$text" "$GUEST_CONSOLE" && exit 0
echo "the console log does not hold '$text'"
exit 1
