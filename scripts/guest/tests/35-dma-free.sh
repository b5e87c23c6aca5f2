#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A device whose DMA outlives a buffer, and one that raises interrupts.
#
# edu performs a DMA about 100 ms after its command register is written.
# Start a transfer into a coherent buffer, free the buffer at once, and let
# the page be reused by a zeroed canary allocation: memscope clears bus
# mastering before any DMA buffer is freed, so the late transfer must not
# land in the canary. (The default 32-bit mask is used so that the buffer
# and the canary come from the same zone and the page is likely reused;
# guest RAM is below edu's 28-bit DMA limit anyway.)
#
# memscope services no interrupts: INTx is disabled at probe (PCI_COMMAND
# bit 10), so edu's "raise interrupt" cannot leave a level interrupt
# asserted with no handler.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control
edu=$(t_find_edu)
[ -n "$edu" ] || { t_fail "edu is present"; return 0; }
DEV=${edu##*/}
B=$(t_bar_region "$DEV")
XFER=1024

hexpat() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%02x", (i * 29 + 7) % 255 + 1 }'
}
zeros() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "00" }'
}
# edu_start SRC DST CMD: program one transfer of XFER bytes, do not wait.
edu_start() {
	echo 8 >$M/$B/width
	wr $M/$B/regs "0x80 $1" >/dev/null &&
	wr $M/$B/regs "0x88 $2" >/dev/null &&
	wr $M/$B/regs "0x90 $XFER" >/dev/null &&
	wr $M/$B/regs "0x98 $3" >/dev/null
	_rc=$?
	echo 4 >$M/$B/width
	return $_rc
}
# edu_idle: wait until the command register's run bit clears (5 s bound).
edu_idle() {
	_i=0
	while [ $((0x$(rd -o 0x98 -n 4 $M/$B/data | cut -c1-2) & 1)) = 1 ]; do
		[ $_i -lt 100 ] || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
}

echo memscope >"$edu/driver_override"
t_check "bind edu to memscope" \
	sh -c "echo $DEV >/sys/bus/pci/drivers_probe && [ -e $M/$B/regs ]" || return 0

# INTx off, and a raised interrupt goes nowhere.
cmd=$(rd -o 4 -n 2 "$edu/config")
t_eq "PCI_COMMAND: INTx disabled (bit 10) once bound" 4 \
	"$((0x${cmd#??} & 4))"
t_eq "PCI_COMMAND: bus mastering off until the first DMA buffer" 0 \
	"$((0x${cmd%??} & 4))"
t_check "edu: raise interrupt (0x60)" ok_wr $M/$B/regs "0x60 1"
sleep 0.2
t_match "edu: the interrupt status register holds it" '^00000024: 00000001$' \
	"$(grep '^00000024: ' $M/$B/regs)"
t_check "edu: acknowledge it (0x64)" ok_wr $M/$B/regs "0x64 1"
t_eq "no 'nobody cared' in the kernel log" 0 "$(dmesg | grep -c 'nobody cared')"

# The late DMA.
t_check "dma src coherent 4K" ok_wr $C "dma src $DEV coherent 4K"
t_check "dma dst coherent 4K" ok_wr $C "dma dst $DEV coherent 4K"
cmd=$(rd -o 4 -n 2 "$edu/config")
t_eq "PCI_COMMAND: bus mastering on with DMA buffers" 4 "$((0x${cmd%??} & 4))"
src=$(sed -n 's/^bus: //p' $M/src/info)
dst=$(sed -n 's/^bus: //p' $M/dst/info)
dstphys=$(sed -n 's/^phys: //p' $M/dst/info)
t_eq "fill src" OK "$(wr -x $M/src/data "$(hexpat $XFER)")"
t_check "edu DMA: src -> edu's buffer" edu_start "$src" 0x40000 1
t_check "edu DMA finished" edu_idle
t_check "start edu DMA: edu's buffer -> dst (lands in about 100 ms)" \
	edu_start 0x40000 "$dst" 3
# Free and canary from one process, back to back: a process started in
# between would take pages of its own and the freed one would go elsewhere.
exec 3>$C
printf 'free dst\n' >&3
rc1=$?
printf 'alloc canary pages 4K\n' >&3
rc2=$?
exec 3>&-
t_eq "free dst at once, then a zeroed canary page (alloc canary pages 4K)" \
	"0 0" "$rc1 $rc2"
canphys=$(sed -n 's/^phys: //p' $M/canary/info)
t_diag "dst was at $dstphys, the canary is at $canphys"
t_match "bus mastering was cleared before the free" '^bus-master: no$' \
	"$(cat $M/devices/$DEV/info)"
edu_idle
sleep 0.3
t_eq "the late DMA did not land in the canary" "$(zeros $XFER)" \
	"$(rd -n $XFER $M/canary/data)"
if [ "$canphys" = "$dstphys" ]; then
	t_pass "the canary reused the freed buffer's page (the check above is meaningful)"
else
	t_skip "the canary reused the freed buffer's page" "allocator gave another page"
fi

wr $C "free canary" >/dev/null
echo "$DEV" >/sys/bus/pci/drivers/memscope/unbind
echo >"$edu/driver_override"
t_eq "no region of edu is left" "" "$(grep -E "^($B|src|dst|canary) " $M/regions)"
