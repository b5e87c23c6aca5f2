#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guided tour of `make demo`, run inside the guest (busybox ash) by
# /init like a test script: every step prints the command it runs and the
# command's real output, and checks what it claims, so the demo fails
# when memscope does not do what the tour says.

# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
EDU=0000:00:03.0
MSG="hello from memscope, one regs write per byte"

# shellcheck source=scripts/demo/guest/tour-lib
. /tests/tour-lib

edu_bar0() {
	read -r start _ </sys/bus/pci/devices/$EDU/resource
	printf '%s\n' "$start"
}

cd $M || exit 1

say "memscope is loaded: its files in $M"
run ls $M
run cat control

say "edu's registers through an mmio window (ioremap), 4 bytes at a time"
BAR0=$(edu_bar0)
run "echo map edu $BAR0 0x100 rw force > control"
run "grep -E '^(kind|phys|virt|width|flags):' edu/info"
run "head -n 3 edu/regs"
t_eq "tour: edu ID register reads 0x010000ed" "00000000: 010000ed" "$(head -n 1 edu/regs)"
say "edu's liveness register returns the bitwise NOT of what was written"
run "echo 0x4 0x12345678 > edu/regs"
run "sed -n 2p edu/regs"
t_eq "tour: liveness register inverts 0x12345678" "00000004: edcba987" "$(sed -n 2p edu/regs)"

say "the HPET main counter (read-only window, offset 0xf0) moves on its own"
run "echo map hpet 0xfed00000 0x400 > control"
c1=$(grep '^000000f0' hpet/regs)
run "grep '^000000f0' hpet/regs"
c2=$(grep '^000000f0' hpet/regs)
run "grep '^000000f0' hpet/regs"
if [ "$((0x${c2#*: }))" -gt "$((0x${c1#*: }))" ]; then
	t_pass "tour: HPET counter increased (${c1#*: } -> ${c2#*: })"
else
	t_fail "tour: HPET counter increased" "$c1" "$c2"
fi

say "the UART log: COM2 as a port window (ioport_map), one regs write per byte"
run "echo io com2 0x2f8 8 rw > control"
run "grep -E '^(kind|port|cookie|mapping):' com2/info"
printf '$ for each byte of "%s": echo 0x0 0xNN > com2/regs\n' "$MSG"
t_uart_send com2 "$(t_hex "$MSG")"
t_hostcheck com2-contains "$(t_hex "$MSG")" \
	"tour: the message arrived in the host's COM2 file"
echo "(the host shows what the second serial port received after the guest exits)"

say "kernel memory: kmalloc, vmalloc, pages and slab, and where each landed"
run "echo alloc kbuf kmalloc 100 > control"
run "echo alloc vbuf vmalloc 64K > control"
run "echo alloc pbuf pages 16K > control"
run "echo alloc sbuf slab 96 > control"
for r in kbuf vbuf pbuf sbuf; do
	run "grep -E '^(kind|allocator|virt|phys|real-size|contiguous|runs|pfn)' $r/info"
done
t_match "tour: a pages region is one run of frames" '^runs: 1$' "$(cat pbuf/info)"
run "printf 'memscope was here' | dd of=vbuf/data bs=17 seek=1 2>/dev/null; dd if=vbuf/data bs=17 skip=1 count=1 2>/dev/null; echo"
t_eq "tour: vmalloc data round trip" "memscope was here" \
	"$(dd if=vbuf/data bs=17 skip=1 count=1 2>/dev/null)"
run "mmap-peek vbuf/data 0 32"

say "the address-space picture, every region placed by the kernel"
run cat layout
t_match "tour: layout places the kmalloc buffer in the direct map" \
	'kbuf +kmalloc' "$(sed -n '/^kernel virtual/,/vmalloc\/ioremap/p' layout)"

say "DMA: hand edu to memscope, then copy a buffer through edu's DMA engine"
run "echo free edu > control"
run "echo memscope > /sys/bus/pci/devices/$EDU/driver_override"
run "echo $EDU > /sys/bus/pci/drivers_probe"
run "cat devices/$EDU/info"
run "echo dmamask $EDU 28 > control"
run "echo dma src $EDU coherent 4K > control"
run "echo dma dst $EDU coherent 4K > control"
run "grep -E '^(kind|cpu|phys|bus|device):' src/info"
run "grep -E '^(cpu|bus):' dst/info"
src=$(sed -n 's/^bus: //p' src/info)
dst=$(sed -n 's/^bus: //p' dst/info)
B=00-03-0-bar0
run "head -c 1024 /dev/urandom > /tmp/payload; dd if=/tmp/payload of=src/data 2>/dev/null"
run "echo 8 > $B/width"
edu_dma() {
	run "echo 0x80 $1 > $B/regs; echo 0x88 $2 > $B/regs; echo 0x90 1024 > $B/regs; echo 0x98 $3 > $B/regs"
	i=0
	while [ $i -lt 100 ] && [ $((0x$(sed -n 's/^00000098: //p' $B/regs) & 1)) = 1 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
echo "# RAM (src) -> edu's buffer at 0x40000, then edu -> RAM (dst)"
edu_dma "$src" 0x40000 1
edu_dma 0x40000 "$dst" 3
run "cmp /tmp/payload dst/data && echo 'dst == src: 1024 bytes through the device'"
dd if=dst/data of=/tmp/back bs=1024 count=1 2>/dev/null
t_check "tour: edu DMA round trip through coherent buffers" cmp /tmp/payload /tmp/back

say "a streaming buffer belongs to the device until synced for the CPU"
run "echo dma st $EDU stream 4K from-device > control"
run "grep -E '^(bus|direction|owner|bounced):' st/info"
refused "tour: CPU read of a device-owned stream buffer is EBUSY" EBUSY \
	"rd -n 16 st/data"
run "echo sync st cpu > control"
run "grep '^owner:' st/info"

say "bring-up as one program: a dry run first, then the real run, traced"
printf '%s\n' "# edu: its ID, the liveness check, then 5! computed by the device" \
	"r 0" "w 0x4 0x12345678" "r 0x4" "w 0x8 5" \
	"poll 0x20 0x1 0x0 1000000 100" "r 0x8" >/tmp/bringup
{ echo dry; cat /tmp/bringup; } >/tmp/bringup-dry
T=/sys/kernel/tracing
run "echo 4 > $B/width"
run cat /tmp/bringup-dry
run "cat /tmp/bringup-dry > $B/ops; cat $B/ops"
echo >$T/trace
run "echo 1 > $T/events/memscope/enable"
run "cat /tmp/bringup > $B/ops; cat $B/ops"
run "echo 0 > $T/events/memscope/enable"
run "grep -o 'memscope_access: .*' $T/trace"
t_eq "tour: edu computed 5! = 0x78 in one program" "7 r 00000008 00000078" \
	"$(tail -n 1 $B/ops)"
t_eq "tour: the trace shows the program's first access" \
	"memscope_access: $B bar ops read off=0x0 width=4 val=0x10000ed" \
	"$(grep -o 'memscope_access: .*' $T/trace | head -n 1)"

say "what memscope refuses"
refused "tour: a window over System RAM is refused" EPERM \
	"wr control 'map ram 0x100000 0x1000'"
refused "tour: a write to a window mapped without rw is refused" EPERM \
	"wr hpet/regs '0xf0 0'"

say "clean up: unbind edu (its buffers go with it) and free the rest"
run "echo $EDU > /sys/bus/pci/drivers/memscope/unbind"
for r in hpet com2 kbuf vbuf pbuf sbuf; do
	echo "free $r" >control
done
run "cat regions; grep -E 'objects [1-9]' layout || echo 'memscope holds nothing'"
t_eq "tour: every region freed" "" "$(cat regions)"
