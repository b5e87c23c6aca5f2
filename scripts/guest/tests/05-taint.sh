#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Taint only after every check: runs before any test writes a device, so
# that TAINT_USER (bit 6 of /proc/sys/kernel/tainted, "U") is still clear.
# Refused device writes - a writable mmap of a window that is not page
# aligned, a regs write past the end or to a read-only window, a BAR write
# while the device does not decode - must leave it clear; the first real
# write sets it.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control

taint_u() {
	echo $((($(cat /proc/sys/kernel/tainted) >> 6) & 1))
}

edu=$(t_find_edu)
t_check "edu (1234:11e8) found" [ -n "$edu" ] || return 0
DEV=${edu##*/}
B=$(t_bar_region "$DEV")
read -r start _ <"$edu/resource"
bar0=$(printf '0x%x' $((start)))
if ! t_eq "TAINT_USER is clear before any device write" 0 "$(taint_u)"; then
	return 0
fi

[ "$(cat "$edu/enable")" = 1 ] || echo 1 >"$edu/enable"
t_check "map tw $bar0 0x100 rw force" ok_wr "$C" "map tw $bar0 0x100 rw force"
t_check "map tro $bar0 0x100 (read-only)" ok_wr "$C" "map tro $bar0 0x100"
t_errno "writable mmap of a window that is not page aligned is EINVAL" \
	EINVAL mmap-peek "$M/tw/data" 0 16 rw
t_eq "... and did not taint" 0 "$(taint_u)"
t_errno "regs write past the end is EINVAL" EINVAL wr "$M/tw/regs" "0x100 0x1"
t_errno "regs write to a read-only window is EPERM" EPERM wr "$M/tro/regs" "0x4 0x1"
t_errno "data write to a read-only window is EPERM" EPERM \
	wr -x "$M/tro/data" 01000000
t_eq "... and did not taint" 0 "$(taint_u)"
wr "$C" "free tw" >/dev/null
wr "$C" "free tro" >/dev/null

# A BAR write while the device does not decode: EIO, no taint.
echo memscope >"$edu/driver_override"
if t_check "bind edu to memscope" sh -c "echo $DEV >/sys/bus/pci/drivers_probe && [ -e $M/$B/regs ]"; then
	cmd=$(rd -n 2 -o 4 "$edu/config")
	lo=$((0x${cmd%??}))
	wr -o 4 -x "$edu/config" "$(printf '%02x' $((lo & ~2)))${cmd#??}" >/dev/null
	t_errno "a BAR regs write with decoding off is EIO" EIO \
		wr "$M/$B/regs" "0x4 0x1"
	t_errno "a BAR data write with decoding off is EIO" EIO \
		wr -x "$M/$B/data" 01000000
	t_eq "... and did not taint" 0 "$(taint_u)"
	wr -o 4 -x "$edu/config" "$cmd" >/dev/null
	t_check "with decoding on, the same write works" \
		ok_wr "$M/$B/regs" "0x4 0x1"
	t_eq "the first device write set TAINT_USER" 1 "$(taint_u)"
	echo "$DEV" >/sys/bus/pci/drivers/memscope/unbind
fi
echo >"$edu/driver_override"
