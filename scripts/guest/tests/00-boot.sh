#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test: the guest is the machine every other test assumes (debugfs,
# the edu device and its BAR, HPET, lockdown available but off, COM2
# reaching the host, memscope's debugfs directory).
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

t_check "debugfs is mounted on /sys/kernel/debug" \
	grep -q '^debugfs /sys/kernel/debug debugfs ' /proc/mounts

# QEMU's edu device, 1234:11e8 (no lspci in busybox: read sysfs).
edu=$(t_find_edu)
if t_check "edu PCI device 1234:11e8 is present" [ -n "$edu" ]; then
	t_diag "edu at ${edu##*/}"
	# sysfs "resource": start end flags, one line per BAR; /proc/iomem
	# prints the same range as %08x-%08x and names it after the device.
	read -r start end _ <"$edu/resource"
	bar0=$(printf '%08x-%08x' "$start" "$end")
	t_check "/proc/iomem lists edu BAR0 $bar0" \
		grep -q "^ *$bar0 : ${edu##*/}\$" /proc/iomem
	t_eq "edu BAR0 is 1 MiB" $((0x100000)) $((end - start + 1))
fi

t_check "/proc/iomem lists the HPET at fed00000" \
	grep -q '^ *fed00000-fed003ff : ' /proc/iomem

if t_check "/sys/kernel/security/lockdown exists" \
	[ -r /sys/kernel/security/lockdown ]; then
	t_eq "lockdown is off at boot" "[none] integrity confidentiality" \
		"$(cat /sys/kernel/security/lockdown)"
fi

if grep -q '^memscope ' /proc/modules; then
	t_check "/sys/kernel/debug/memscope exists" \
		[ -d /sys/kernel/debug/memscope ]
else
	t_skip "/sys/kernel/debug/memscope exists" "memscope not loaded"
fi

# COM2 (0x2f8): bytes written to its transmit register end up in the
# host's COM2 file; /dev/port writes one byte per port, so one dd per byte.
msg=4d454d53434f50450a	# "MEMSCOPE\n"
hex=$msg
while [ -n "$hex" ]; do
	rest=${hex#??}
	byte=${hex%"$rest"}
	hex=$rest
	# shellcheck disable=SC2059 # the format is the octal escape
	printf "\\$(printf '%03o' "0x$byte")" |
		dd of=/dev/port bs=1 seek=$((0x2f8)) count=1 conv=notrunc 2>/dev/null
done
t_hostcheck com2-contains "$msg" "bytes written to COM2 reach the host"
