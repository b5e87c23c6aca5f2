#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# make bench, inside the guest: memscope against busybox devmem (register
# dump) and against an mmap of sysfs resource0 (whole-BAR read), in one
# boot. Prints the measurements; it checks only that the runs worked.

# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
EDU=/sys/bus/pci/devices/0000:00:03.0
read -r bar0 _ <"$EDU/resource"
echo 1 >"$EDU/enable" 2>/dev/null

t_check "bench: map 256 edu registers" sh -c "echo map bench256 $bar0 0x400 >$M/control"
t_check "bench: map the whole edu BAR" sh -c "echo map benchbar $bar0 1M >$M/control"
if out=$(memscope-bench $M/bench256/regs $M/benchbar/data "$EDU/resource0" "$bar0" 256 2>&1); then
	t_pass "bench: measurements taken"
else
	t_fail "bench: measurements taken" "$out"
fi
printf '%s\n' "$out" | while IFS= read -r l; do
	echo "BENCH $l"
done
echo "free bench256" >$M/control
echo "free benchbar" >$M/control
