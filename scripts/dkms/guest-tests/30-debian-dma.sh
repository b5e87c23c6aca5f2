#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# edu handed to memscope on Debian's kernel. With the write build: a
# 28-bit mask, two coherent buffers and a DMA round trip through edu's
# engine, programmed and waited for by two `ops` programs, compared byte
# for byte. Without it: the BAR reads, a buffer can be had, but bus
# mastering stays off and every device write is refused with its reason.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control
variant=$(sed -n 's/.*memscope_variant=\([a-z]*\).*/\1/p' /proc/cmdline)
edu=$(t_find_edu)
[ -n "$edu" ] || { t_fail "edu is present"; return 0; }
DEV=${edu##*/}
B=$(t_bar_region "$DEV")

echo memscope >"$edu/driver_override"
t_check "bind edu to memscope" \
	sh -c "echo $DEV >/sys/bus/pci/drivers_probe && [ -e $M/$B/regs ]" || return 0
t_eq "BAR0 shows edu's ID" "00000000: 010000ed" "$(head -n 1 $M/$B/regs)"
t_check "dmamask $DEV 28" ok_wr $C "dmamask $DEV 28"
t_check "dma src $DEV coherent 4K" ok_wr $C "dma src $DEV coherent 4K"
# PCI_COMMAND bit 2: bus mastering.
master=$(( $(rd -o 4 -n 1 "$edu/config" | sed 's/^/0x/') & 4 ))

if [ "$variant" = rw ]; then
	t_eq "bus mastering is on with a DMA buffer" 4 "$master"
	t_check "dma dst $DEV coherent 4K" ok_wr $C "dma dst $DEV coherent 4K"
	src=$(sed -n 's/^bus: //p' $M/src/info)
	dst=$(sed -n 's/^bus: //p' $M/dst/info)
	head -c 1024 /dev/urandom >/tmp/payload
	t_check "payload into src" sh -c "dd if=/tmp/payload of=$M/src/data 2>/dev/null"
	# RAM (src) -> edu's buffer at 0x40000, then back to RAM (dst): one
	# program each, the poll waiting for the command register's run bit.
	t_check "ops: DMA src -> edu" ok_wr -e $M/$B/ops \
		"w 0x80 $src\nw 0x88 0x40000\nw 0x90 1024\nw 0x98 1\npoll 0x98 0x1 0x0 2000000 1000\n"
	t_check "ops: DMA edu -> dst" ok_wr -e $M/$B/ops \
		"w 0x80 0x40000\nw 0x88 $dst\nw 0x90 1024\nw 0x98 3\npoll 0x98 0x1 0x0 2000000 1000\n"
	dd if=$M/dst/data of=/tmp/back bs=1024 count=1 2>/dev/null
	t_check "the DMA round trip matches byte for byte" cmp /tmp/payload /tmp/back
	t_check "free dst" ok_wr $C "free dst"
else
	t_eq "bus mastering stays off without CONFIG_MEMSCOPE_WRITE" 0 "$master"
	t_match "devices/$DEV/info says so" '^bus-master: no$' "$(cat $M/devices/$DEV/info)"
	t_errno "regs write to a BAR" EPERM wr $M/$B/regs "0x4 1"
	t_match "last_error: not built in" 'not built in' "$(cat $M/last_error)"
	t_errno "data write to a BAR" EPERM wr -o 4 -x $M/$B/data 01000000
	t_errno "an ops program that writes" EPERM wr -e $M/$B/ops 'r 0\nw 0x4 1\n'
	t_check "an ops program that only reads" ok_wr -e $M/$B/ops 'r 0\n'
	t_errno "a writable mmap of the BAR" EPERM mmap-peek $M/$B/data 0 4096 rw
	t_eq "no write reached edu: liveness still reads its reset value" \
		"00000004: 00000000" "$(sed -n 2p $M/$B/regs)"
fi
t_check "free src" ok_wr $C "free src"
t_check "unbind edu" sh -c "echo $DEV >/sys/bus/pci/drivers/memscope/unbind"
echo >"$edu/driver_override"
t_eq "no regions left" "" "$(cat $M/regions)"
