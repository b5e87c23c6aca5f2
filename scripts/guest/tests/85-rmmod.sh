#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# rmmod with everything live releases everything: regions of every kind,
# a bound device with DMA buffers, claimed I/O ranges. The module is then
# loaded again for the tests that follow.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
edu=$(t_find_edu)
DEV=${edu##*/}

wr $M/control "map rm-hpet 0xfed00000 0x400" >/dev/null
wr $M/control "io rm-com2 0x2f8 8" >/dev/null
for kind in kmalloc vmalloc pages slab; do
	wr $M/control "alloc rm-$kind $kind 8K" >/dev/null
done
echo memscope >"$edu/driver_override"
echo "$DEV" >/sys/bus/pci/drivers_probe
wr $M/control "dma rm-c $DEV coherent 4K" >/dev/null
wr $M/control "dma rm-s $DEV stream 4K bidirectional" >/dev/null
t_eq "eight regions and edu's BAR are live" 9 "$(grep -c '' $M/regions)"
t_check "/proc/iomem shows memscope's claims" grep -q ' : memscope$' /proc/iomem

t_check "rmmod memscope with everything live" rmmod memscope
t_check "memscope's debugfs directory is gone" sh -c "[ ! -e $M ]"
t_check "edu is unbound" sh -c "[ ! -e $edu/driver ]"
t_check "no memscope claim is left in /proc/iomem" sh -c '! grep -q memscope /proc/iomem'
t_check "no memscope claim is left in /proc/ioports" sh -c '! grep -q memscope /proc/ioports'
t_check "no memscope slab cache is left" \
	sh -c '! grep -q "^memscope-" /proc/slabinfo 2>/dev/null && ! ls -d /sys/kernel/slab/memscope-* 2>/dev/null'
if [ -r /sys/kernel/debug/dma-api/error_count ]; then
	t_eq "DMA API debug: error_count is 0 after rmmod" 0 \
		"$(cat /sys/kernel/debug/dma-api/error_count)"
fi
echo >"$edu/driver_override"
t_check "insmod memscope again" insmod "$MEMSCOPE_KO"
t_eq "a fresh memscope holds nothing" "" "$(cat $M/regions)"
