#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# edu on virt's PCIe host, bound to memscope: a 32-bit mask (RAM starts at
# 1 GiB; QEMU runs edu with dma_mask=0xffffffff), coherent and streaming
# round trips through edu's DMA engine, each transfer one `ops` program
# that waits for the engine with a poll, compared byte for byte; the
# buffers placed in System RAM by the layout. Booted with
# memscope_noncoherent=1 the PCIe host has no dma-coherent property:
# streaming buffers need syncs (need-sync: yes), coherent buffers are
# uncached remaps, and the round trips must still match.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control
noncoherent=0
grep -q 'memscope_noncoherent=1' /proc/cmdline && noncoherent=1
edu=$(t_find_edu)
[ -n "$edu" ] || { t_fail "edu is present"; return 0; }
DEV=${edu##*/}
B=$(t_bar_region "$DEV")
XFER=1024

# xfer SRC DST CMD: one edu transfer of XFER bytes as one program.
xfer() {
	wr -e $M/$B/ops "w 0x80 $1\nw 0x88 $2\nw 0x90 $XFER\nw 0x98 $3\npoll 0x98 0x1 0x0 2000000 1000\n"
}

echo memscope >"$edu/driver_override"
t_check "bind edu to memscope" \
	sh -c "echo $DEV >/sys/bus/pci/drivers_probe && [ -e $M/$B/regs ]" || return 0
t_eq "BAR0 shows edu's ID" "00000000: 010000ed" "$(head -n 1 $M/$B/regs)"
t_check "dmamask $DEV 32" ok_wr $C "dmamask $DEV 32"

# Coherent: RAM (src) -> edu -> RAM (dst).
t_check "dma src, dst coherent 4K" sh -c "echo dma src $DEV coherent 4K >$C && echo dma dst $DEV coherent 4K >$C"
src=$(sed -n 's/^bus: //p' $M/src/info)
dst=$(sed -n 's/^bus: //p' $M/dst/info)
head -c $XFER /dev/urandom >/tmp/payload
dd if=/tmp/payload of=$M/src/data 2>/dev/null
t_check "ops: DMA src -> edu (poll for the engine)" xfer "$src" 0x40000 1
t_check "ops: DMA edu -> dst" xfer 0x40000 "$dst" 3
dd if=$M/dst/data of=/tmp/back bs=$XFER count=1 2>/dev/null
t_check "coherent round trip matches byte for byte" cmp /tmp/payload /tmp/back
# The CPU physical address of the pages, from the DMA API: with the
# dma-coherent property gone, the CPU address is an uncached remap and
# virt_to_phys() of it would be wrong.
srcphys=$(sed -n 's/^phys: //p' $M/src/info)
t_match "layout places src in System RAM by its pages, bus beside" \
	"^\|  \|  src +coherent +$(printf '%016x' "$srcphys") bus $src " \
	"$(sed -n '/^physical memory/,/^device windows/p' $M/layout)"

# Streaming: to-device buffer -> edu -> from-device buffer, with syncs.
t_check "dma tx stream to-device, rx stream from-device" \
	sh -c "echo dma tx $DEV stream 4K to-device >$C && echo dma rx $DEV stream 4K from-device >$C"
want=no
[ $noncoherent = 1 ] && want=yes
t_match "tx: need-sync $want (dma_need_sync)" "^need-sync: $want$" "$(cat $M/tx/info)"
head -c $XFER /dev/urandom >/tmp/payload2
t_check "sync tx cpu; fill tx; sync tx device" sh -c \
	"echo sync tx cpu >$C && dd if=/tmp/payload2 of=$M/tx/data 2>/dev/null && echo sync tx device >$C"
tx=$(sed -n 's/^bus: //p' $M/tx/info)
rx=$(sed -n 's/^bus: //p' $M/rx/info)
t_check "ops: DMA tx -> edu" xfer "$tx" 0x40000 1
t_check "ops: DMA edu -> rx" xfer 0x40000 "$rx" 3
t_check "sync rx cpu" ok_wr $C "sync rx cpu"
dd if=$M/rx/data of=/tmp/back2 bs=$XFER count=1 2>/dev/null
t_check "streaming round trip matches byte for byte" cmp /tmp/payload2 /tmp/back2

t_check "unbind edu with live buffers" sh -c "echo $DEV >/sys/bus/pci/drivers/memscope/unbind"
echo >"$edu/driver_override"
t_eq "unbind freed every buffer" "" "$(cat $M/regions)"
