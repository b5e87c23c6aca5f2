#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guided tour of `make demo ARCH=arm64` on QEMU's virt machine: every
# address read from the device tree or sysfs, every step showing its
# command and real output and checking what it claims.

# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
DT=/proc/device-tree
T=/sys/kernel/tracing

# shellcheck source=scripts/demo/guest/tour-lib
. /tests/tour-lib

# dt_reg NODE: "ADDRESS SIZE" of the node's first reg entry.
dt_reg() {
	_h=$(od -An -tx1 -v "$1/reg" | tr -d ' \n')
	echo "0x${_h%"${_h#????????????????}"} 0x$(echo "$_h" | cut -c17-32)"
}

# pci_find VENDOR DEVICE: the sysfs directory of the first such device.
pci_find() {
	for _d in /sys/bus/pci/devices/*; do
		if [ "$(cat $_d/vendor)" = "$1" ] && [ "$(cat $_d/device)" = "$2" ]; then
			echo "$_d"
			return
		fi
	done
}

cd $M || exit 1

say "memscope on arm64 (QEMU virt): its files in $M"
run "uname -m; head -n 1 control"

say "a virtio-mmio transport, its address from the device tree"
vm=$(ls -d $DT/virtio_mmio@* | sort | head -n 1)
set -- $(dt_reg "$vm")
run "echo map vm $1 0x200 > control"
run "head -n 3 vm/regs"
t_eq "tour: virtio-mmio magic 'virt'" "00000000: 74726976" "$(head -n 1 vm/regs)"

say "the console PL011: a busy window, read-only; its peripheral ID by one ops program"
set -- $(dt_reg "$(ls -d $DT/pl011@* | head -n 1)")
UART=$1
run "echo map uart $UART 0x1000 > control"
run "grep '^uart ' regions"
run "printf 'r 0xfe0\nr 0xfe4\n' > uart/ops; cat uart/ops"
t_eq "tour: PL011 peripheral ID 0x11" "1 r 00000fe0 00000011" "$(head -n 1 uart/ops)"

say "fw_cfg, a device-tree platform device, handed to memscope; its signature one byte per read"
FW=$(basename "$(ls -d /sys/bus/platform/devices/*.fw-cfg | head -n 1)")
F=$(t_bar_region "$FW")
run "echo memscope > /sys/bus/platform/devices/$FW/driver_override"
run "echo $FW > /sys/bus/platform/drivers_probe"
run "cat devices/$FW/info"
run "echo 2 > $F/width; echo 0x8 0x0 > $F/regs; echo 1 > $F/width"
run "printf 'r 0\nr 0\nr 0\nr 0\n' > $F/ops; cat $F/ops"
t_eq "tour: fw_cfg signature QEMU" "51 45 4d 55" \
	"$(cut -d' ' -f4 $F/ops | tr '\n' ' ' | sed 's/ $//')"
run "echo $FW > /sys/bus/platform/drivers/memscope/unbind"

say "the UART log through PCI_IOBASE: a pci-serial's I/O BAR, one regs write per byte"
PS=$(pci_find 0x1b36 0x0002)
PDEV=${PS##*/}
P=$(t_bar_region "$PDEV")
MSG="hello from memscope on arm64, through PCI_IOBASE"
run "echo memscope > $PS/driver_override; echo $PDEV > /sys/bus/pci/drivers_probe"
run "grep -E '^(kind|port|width|flags):' $P/info"
printf '$ for each byte of "%s": poll the LSR, echo 0x0 0xNN > %s/regs\n' "$MSG" "$P"
t_uart_send $P "$(t_hex "$MSG")" 'poll 0x5 0x20 0x20 100000\n'
t_hostcheck com2-contains "$(t_hex "$MSG")" \
	"tour: the message arrived in the host's file"
run "echo $PDEV > /sys/bus/pci/drivers/memscope/unbind"

say "DMA: edu on the PCIe host, one ops program per transfer, traced"
EDU=$(t_find_edu)
DEV=${EDU##*/}
B=$(t_bar_region "$DEV")
run "echo memscope > $EDU/driver_override; echo $DEV > /sys/bus/pci/drivers_probe"
run "echo dmamask $DEV 32 > control"
run "echo dma src $DEV coherent 4K > control; echo dma dst $DEV coherent 4K > control"
run "grep -E '^(cpu|phys|bus):' src/info"
src=$(sed -n 's/^bus: //p' src/info)
dst=$(sed -n 's/^bus: //p' dst/info)
run "head -c 1024 /dev/urandom > /tmp/payload; dd if=/tmp/payload of=src/data 2>/dev/null"
echo >$T/trace
run "echo 1 > $T/events/memscope/enable"
run "printf 'w 0x80 $src\nw 0x88 0x40000\nw 0x90 1024\nw 0x98 1\npoll 0x98 0x1 0x0 2000000 1000\n' > $B/ops; cat $B/ops"
run "printf 'w 0x80 0x40000\nw 0x88 $dst\nw 0x90 1024\nw 0x98 3\npoll 0x98 0x1 0x0 2000000 1000\n' > $B/ops"
run "echo 0 > $T/events/memscope/enable"
run "grep -o 'memscope_access: .*' $T/trace | head -n 6"
run "cmp /tmp/payload dst/data 2>/dev/null; dd if=dst/data bs=1024 count=1 2>/dev/null | cmp - /tmp/payload && echo 'dst == src: 1024 bytes through the device'"
dd if=dst/data of=/tmp/back bs=1024 count=1 2>/dev/null
t_check "tour: edu DMA round trip on arm64" cmp /tmp/payload /tmp/back

say "the address-space picture on arm64: linear map, vmalloc, the PCI I/O window"
run "echo alloc kbuf kmalloc 100 > control; echo alloc vbuf vmalloc 64K > control"
run cat layout

say "clean up"
run "echo $DEV > /sys/bus/pci/drivers/memscope/unbind"
for r in vm uart kbuf vbuf; do
	echo "free $r" >control
done
run "cat regions; echo '(none left)'"
t_eq "tour: every region freed" "" "$(cat regions)"
