#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Devices and DMA, through sysfs and debugfs only: hand edu to memscope,
# read its BAR, see memory decoding gate the accesses, state a 28-bit mask,
# copy buffers through edu's DMA engine (coherent, then streaming with the
# syncs the ownership rules need), and unbind under a live mapping.
# With swiotlb=force on the command line, streaming buffers need syncs
# (need-sync: yes), a buffer above dma_max_mapping_size() is refused, and
# the copies must still be right. Behind an IOMMU (intel_iommu=on) bus
# addresses are IOVAs: they differ from the CPU physical addresses, and
# layout still places the buffers in System RAM by their pages.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
edu=$(t_find_edu)
[ -n "$edu" ] || { t_fail "edu is present"; return 0; }
DEV=${edu##*/}
# 0000:00:03.0 -> 00-03-0-bar0
B=$(t_bar_region "$DEV")
XFER=1024

hexpat() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%02x", (s + i * 13) % 256 }'
}

# reg OFF: the value edu's register OFF holds (regs line, hex digits).
reg() {
	sed -n "s/^$(printf '%08x' "$1"): //p" $M/$B/regs
}

# edu_dma SRC DST CMD: one transfer of XFER bytes; waits for completion.
edu_dma() {
	echo 8 >$M/$B/width
	wr $M/$B/regs "0x80 $1" >/dev/null &&
	wr $M/$B/regs "0x88 $2" >/dev/null &&
	wr $M/$B/regs "0x90 $XFER" >/dev/null &&
	wr $M/$B/regs "0x98 $3" >/dev/null || return 1
	# Poll the command register's start bit (first byte, bit 0) through
	# one 8-byte pread of data; edu finishes on a 100 ms timer.
	_i=0
	while [ $((0x$(rd -o 0x98 -n 8 $M/$B/data | cut -c1-2) & 1)) = 1 ]; do
		[ $_i -lt 100 ] || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
	echo 4 >$M/$B/width
}

# Hand edu over the way vfio-pci users do.
t_check "driver_override = memscope" sh -c "echo memscope >$edu/driver_override"
t_check "drivers_probe binds edu to memscope" \
	sh -c "echo $DEV >/sys/bus/pci/drivers_probe && [ -e $edu/driver ] && [ \$(basename \$(readlink $edu/driver)) = memscope ]"
t_match "devices/$DEV/info shows the default 32-bit mask" '^dma-mask-bits: 32$' \
	"$(cat $M/devices/$DEV/info)"
t_match "regions lists BAR0 as a bar region" "^$B bar 0x100000 " "$(cat $M/regions)"
t_match "devices/$DEV/info lists its BAR region" "^region: $B bar 0x100000 " \
	"$(cat $M/devices/$DEV/info)"
t_eq "BAR0 shows edu's ID" "00000000: 010000ed" "$(head -n 1 $M/$B/regs)"

# Memory decoding off in the command register: accesses are EIO, not ~0.
cmd=$(rd -o 4 -n 2 $edu/config)
lo=$((0x${cmd%??}))
t_check "memory decoding switched off through sysfs config space" \
	wr -o 4 -x $edu/config "$(printf '%02x' $((lo & ~2)))${cmd#??}"
t_errno "a BAR read with decoding off is EIO" EIO rd -n 4 $M/$B/data
t_errno "a regs dump with decoding off is EIO" EIO rd -n 64 $M/$B/regs
t_match "last_error names the command register" 'decoding is off' "$(cat $M/last_error)"
t_check "memory decoding switched back on" wr -o 4 -x $edu/config "$cmd"
t_eq "BAR0 reads again" 010000ed "$(reg 0)"

t_check "dmamask 28 (edu masks DMA addresses to 28 bits)" wr $M/control "dmamask $DEV 28"
t_match "devices/$DEV/info shows 28 bits" '^dma-mask-bits: 28$' "$(cat $M/devices/$DEV/info)"

# Coherent buffers: RAM -> edu's buffer at 0x40000 -> RAM.
t_check "dma c1 coherent" wr $M/control "dma c1 $DEV coherent 4K"
t_check "dma c2 coherent" wr $M/control "dma c2 $DEV coherent 4K"
t_match "bus mastering on with the first buffer" '^bus-master: yes$' "$(cat $M/devices/$DEV/info)"
c1=$(sed -n 's/^bus: //p' $M/c1/info)
c2=$(sed -n 's/^bus: //p' $M/c2/info)
t_match "c1 has a bus address below 2^28" '^0x[0-9a-f]{1,7}$' "$c1"
t_match "c1 info shows the CPU address" '^cpu: ffff[0-9a-f]{12}$' "$(cat $M/c1/info)"
pat=$(hexpat $XFER 5)
t_eq "fill c1 through data" OK "$(wr -x $M/c1/data "$pat")"
t_check "edu DMA: c1 -> edu buffer" edu_dma "$c1" 0x40000 1
t_check "edu DMA: edu buffer -> c2" edu_dma 0x40000 "$c2" 3
t_eq "c2 holds c1's bytes, byte for byte" "$pat" "$(rd -n $XFER $M/c2/data)"
t_errno "dmamask cannot change under live buffers" EBUSY wr $M/control "dmamask $DEV 32"

# Streaming buffers: the device owns them until synced for the CPU.
t_check "dma s1 stream to-device" wr $M/control "dma s1 $DEV stream 4K to-device"
t_check "dma s2 stream from-device" wr $M/control "dma s2 $DEV stream 4K from-device"
info=$(cat $M/s1/info)
t_match "s1 is owned by the device once mapped" '^owner: device$' "$info"
if grep -q 'swiotlb=[^ ]*force' /proc/cmdline; then
	t_match "swiotlb=force: s1 needs syncs (a bounce buffer)" '^need-sync: yes$' "$info"
	t_errno "swiotlb=force: a stream buffer above dma_max_mapping_size is ERANGE" \
		ERANGE wr $M/control "dma sbig $DEV stream 512K to-device"
	t_match "last_error names dma_max_mapping_size's limit" 'maps at most' \
		"$(cat $M/last_error)"
	t_eq "... with no warning in the kernel log" 0 \
		"$(dmesg | grep -cE 'swiotlb buffer is full|WARNING:')"
else
	t_match "s1 info names its allocator" '^allocator: ' "$info"
fi
t_match "s1 info has the CPU physical address" '^phys: 0x[0-9a-f]+$' "$info"
t_match "s1 info has the bus address" '^bus: 0x[0-9a-f]+$' "$info"
if [ -n "$(ls /sys/class/iommu 2>/dev/null)" ]; then
	t_diag "an IOMMU is active: $(ls /sys/class/iommu)"
	c1phys=$(sed -n 's/^phys: //p' $M/c1/info)
	t_check "IOMMU: c1's bus address ($c1) is an IOVA, not its CPU address ($c1phys)" \
		[ "$c1" != "$c1phys" ]
	t_match "IOMMU: layout places c1 in System RAM by its pages, bus beside" \
		"^\|  \|  c1 +coherent +$(printf '%016x' "$c1phys") bus $c1 " \
		"$(sed -n '/^physical memory/,/^device windows/p' $M/layout)"
fi
pat=$(hexpat $XFER 9)
t_errno "CPU write while the device owns s1 is EBUSY" EBUSY wr -x $M/s1/data "$pat"
t_errno "sync to the owner it has is EINVAL" EINVAL wr $M/control "sync s1 device"
t_check "sync s1 cpu" wr $M/control "sync s1 cpu"
t_eq "fill s1 through data" OK "$(wr -x $M/s1/data "$pat")"
t_check "sync s1 device" wr $M/control "sync s1 device"
s1=$(sed -n 's/^bus: //p' $M/s1/info)
s2=$(sed -n 's/^bus: //p' $M/s2/info)
t_check "edu DMA: s1 -> edu buffer" edu_dma "$s1" 0x40000 1
t_check "edu DMA: edu buffer -> s2" edu_dma 0x40000 "$s2" 3
t_errno "CPU read while the device owns s2 is EBUSY" EBUSY rd -n 16 $M/s2/data
t_check "sync s2 cpu" wr $M/control "sync s2 cpu"
t_eq "s2 holds s1's bytes after the syncs" "$pat" "$(rd -n $XFER $M/s2/data)"
t_errno "a stream buffer cannot be mapped" ENODEV mmap-peek $M/s2/data 0 4096
t_errno "sync of a coherent buffer is EINVAL" EINVAL wr $M/control "sync c1 cpu"

# Freeing: never what the device owns, and never with mastering left on.
t_match "devices/$DEV/info: INTx is disabled" '^interrupts: none' \
	"$(cat $M/devices/$DEV/info)"
t_errno "free of a stream buffer the device owns is EBUSY" EBUSY \
	wr $M/control "free s1"
t_match "last_error: sync it for the CPU first" 'sync s1 cpu first' \
	"$(cat $M/last_error)"
t_check "free c2 (a coherent buffer)" wr $M/control "free c2"
t_match "bus mastering is cleared before a buffer is freed" \
	'^bus-master: no$' "$(cat $M/devices/$DEV/info)"

# dma-iommu describes a buffer of 100 bytes with a 100-byte segment: the
# mapping must still show the buffer's page, never page 0. (Any boot: the
# direct mapping rounds up itself.)
t_check "dma codd coherent 100 (not a page multiple)" \
	wr $M/control "dma codd $DEV coherent 100"
pat=$(hexpat 100 3)
t_eq "fill codd through data" OK "$(wr -x $M/codd/data "$pat")"
t_eq "a mapping of codd shows its own bytes" "$pat" \
	"$(mmap-peek $M/codd/data 0 100)"
t_check "free codd" wr $M/control "free codd"

# Unbind while c1 is mapped: the next touch is SIGBUS, not stale memory.
exec 4<$M/c1/data
rm -f /tmp/go30 && mkfifo /tmp/go30
mmap-peek $M/c1/data 0 4096 hold /tmp/go30 >/tmp/peek30.out 2>&1 &
peek=$!
if t_wait_for /tmp/peek30.out '^mapped$'; then
	t_check "unbind edu with live buffers and a live mapping" \
		sh -c "echo $DEV >/sys/bus/pci/drivers/memscope/unbind"
	echo >/tmp/go30
	wait $peek
	st=$?
	t_eq "the mapping's next access is SIGBUS (exit 3)" 3 "$st"
	t_match "mmap-peek reported SIGBUS" '^SIGBUS$' "$(cat /tmp/peek30.out)"
else
	t_fail "mmap-peek mapped c1" "$(cat /tmp/peek30.out)"
	kill $peek 2>/dev/null
	echo $DEV >/sys/bus/pci/drivers/memscope/unbind
fi
out=$(dd bs=16 count=1 <&4 2>&1 >/dev/null)
t_eq "data read of a region torn down with its device is ENODEV" ENODEV \
	"$(t_errname "$out")"
exec 4<&-
t_eq "unbind freed every region of the device" "" \
	"$(grep -E "^($B|c1|c2|s1|s2) " $M/regions)"
t_check "devices/$DEV is gone" sh -c "[ ! -e $M/devices/$DEV ]"
t_errno "its buffers' names are free again (sync: ENOENT)" ENOENT wr $M/control "sync s1 cpu"
echo >$edu/driver_override
