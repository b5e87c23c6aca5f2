#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# arm64 on QEMU's virt, every address read from the device tree: a
# virtio-mmio transport at exact width, the console PL011 as a busy
# window (its peripheral ID; then the UART log written to its data
# register one regs write per byte, each after an ops poll of the TX FIFO
# flag), fw_cfg as a device-tree platform device bound through
# driver_override (the signature one byte per access, and the byte order
# of wider accesses), the pci-serial 16550 whose I/O BAR is reached
# through PCI_IOBASE (the UART log to the host's file), and a window over
# RAM refused.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control
DT=/proc/device-tree

# dt_reg NODE: "ADDRESS SIZE" of the node's first reg entry (two cells
# each on virt), in hex.
dt_reg() {
	_h=$(od -An -tx1 -v "$1/reg" | tr -d ' \n')
	echo "0x${_h%"${_h#????????????????}"} 0x$(echo "$_h" | cut -c17-32)"
}

# --- virtio-mmio: magic, version, device ID at width 4
vm=$(ls -d $DT/virtio_mmio@* 2>/dev/null | sort | head -n 1)
if [ -n "$vm" ]; then
	set -- $(dt_reg "$vm")
	t_check "map vm $1 $2 (virtio-mmio, from the device tree)" ok_wr $C "map vm $1 $2"
	t_eq "virtio-mmio magic 'virt' at width 4" "00000000: 74726976" \
		"$(sed -n 1p $M/vm/regs)"
	t_match "virtio-mmio version 1 or 2" '^00000004: 0000000[12]$' "$(sed -n 2p $M/vm/regs)"
	t_eq "virtio-mmio device ID 0: no device behind this transport" \
		"00000008: 00000000" "$(sed -n 3p $M/vm/regs)"
	t_check "free vm" ok_wr $C "free vm"
else
	t_fail "the device tree has a virtio_mmio node"
fi

# --- the console PL011: busy, read-only without force; then the UART log
uart=$(ls -d $DT/pl011@* 2>/dev/null | head -n 1)
if [ -n "$uart" ]; then
	set -- $(dt_reg "$uart")
	ubase=$1
	t_check "map u0 $ubase 0x1000 (the console PL011, read-only)" \
		ok_wr $C "map u0 $ubase 0x1000"
	t_match "regions: u0 is read-only and busy (the pl011 driver owns it)" \
		'^u0 mmio 0x1000 0x[0-9a-f]+ ro,busy$' "$(grep '^u0 ' $M/regions)"
	t_check "ops: the peripheral ID registers" ok_wr -e $M/u0/ops 'r 0xfe0\nr 0xfe4\n'
	t_eq "PL011 peripheral ID 0x11, 0x10" "1 r 00000fe0 00000011
2 r 00000fe4 00000010" "$(cat $M/u0/ops)"
	t_check "free u0" ok_wr $C "free u0"
	t_errno "rw on the busy PL011 without force" EBUSY wr $C "map uw $ubase 0x1000 rw"
	t_check "map uw $ubase 0x1000 rw force" ok_wr $C "map uw $ubase 0x1000 rw force"
	hex=$(t_hex "memscope UART log on the PL011")
	# TXFF (flag register bit 5) clear, then one write of each byte. The
	# console is this UART: end the line (CR LF) so that the next TAP
	# line starts on its own.
	t_check "UART log: every byte polled and written" \
		t_uart_send $M/uw "${hex}0d0a" 'poll 0x18 0x20 0x0 100000\n'
	t_hostcheck console-contains "$hex" "PL011 UART log reached the host's console log"
	t_check "free uw" ok_wr $C "free uw"
else
	t_fail "the device tree has a pl011 node"
fi

# --- fw_cfg: a device-tree platform device bound through driver_override
fw=$(ls -d /sys/bus/platform/devices/*.fw-cfg 2>/dev/null | head -n 1)
if [ -n "$fw" ]; then
	fdev=${fw##*/}
	F=$(t_bar_region "$fdev")
	echo memscope >"$fw/driver_override"
	if t_check "bind $fdev to memscope" \
		sh -c "echo $fdev >/sys/bus/platform/drivers_probe && [ -e $M/$F/regs ]"; then
		t_match "devices/$fdev/info lists its resource region" "^region: $F bar 0x18 " \
			"$(cat $M/devices/$fdev/info)"
		# The selector is a 16-bit big-endian register at 8: key 0, the
		# signature, then one byte per data read at 0.
		echo 2 >$M/$F/width
		t_check "select the signature (key 0)" ok_wr $M/$F/regs "0x8 0x0"
		echo 1 >$M/$F/width
		t_check "ops: four 1-byte reads of the data register" \
			ok_wr -e $M/$F/ops 'r 0\nr 0\nr 0\nr 0\n'
		t_eq "fw_cfg signature 'QEMU', one byte per access" \
			"51 45 4d 55" "$(cut -d' ' -f4 $M/$F/ops | tr '\n' ' ' | sed 's/ $//')"
		# The data register is big-endian: a 2-byte read holds "QE" in
		# memory order, which readw() gives as 0x4551.
		echo 2 >$M/$F/width
		t_check "reselect the signature, 2-byte reads" \
			ok_wr -e $M/$F/ops 'w 0x8 0x0\nr 0\nr 0\n'
		t_eq "byte order of 2-byte reads: 'QE' 'MU' as 0x4551 0x554d" \
			"4551 554d" "$(sed -n '2,3p' $M/$F/ops | cut -d' ' -f4 | tr '\n' ' ' | sed 's/ $//')"
		echo "$fdev" >/sys/bus/platform/drivers/memscope/unbind
	fi
	echo >"$fw/driver_override"
else
	t_fail "a fw-cfg platform device exists"
fi

# --- pci-serial (1b36:0002): its I/O BAR through PCI_IOBASE, the UART log
ps=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat $d/vendor)" = 0x1b36 ] && [ "$(cat $d/device)" = 0x0002 ]; then
		ps=$d
	fi
done
if [ -n "$ps" ]; then
	PDEV=${ps##*/}
	P=$(t_bar_region "$PDEV")
	echo memscope >"$ps/driver_override"
	if t_check "bind the pci-serial $PDEV to memscope" \
		sh -c "echo $PDEV >/sys/bus/pci/drivers_probe && [ -e $M/$P/regs ]"; then
		t_match "its BAR0 is port space (flags port)" "^$P bar 0x8 0x[0-9a-f]+ .*port" \
			"$(grep "^$P " $M/regions)"
		t_match "info: a port BAR" '^port: 0x' "$(cat $M/$P/info)"
		# A 16550's registers are bytes: an I/O BAR starts at width 1.
		t_eq "an I/O BAR's default width is 1" 1 "$(cat $M/$P/width)"
		hex=$(t_hex "memscope UART log through PCI_IOBASE")
		# THR empty (LSR bit 5), then one write of each byte.
		layout=$(sed -n '/^|  PCI I\/O window/,/^|$/p' $M/layout)
		t_match "layout: the PCI I/O window (PCI_IOBASE), the port BAR in it" \
			"^\|  \|  $P +bar " "$layout"
		t_check "pci-serial UART log: every byte polled and written" \
			t_uart_send $M/$P "$hex" 'poll 0x5 0x20 0x20 100000\n'
		t_hostcheck com2-contains "$hex" "pci-serial UART log reached the host's file"
		echo "$PDEV" >/sys/bus/pci/drivers/memscope/unbind
	fi
	echo >"$ps/driver_override"
else
	t_fail "a pci-serial (1b36:0002) is present"
fi

t_errno "a window over System RAM (1 GiB on virt)" EPERM wr $C "map ram 0x40000000 0x1000"
t_eq "no regions left" "" "$(cat $M/regions)"
