#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# make bench, inside the guest: every measurement of the table in one boot.
# Prints "BENCH ID MEMSCOPE_NS ANCHOR_NS" lines for scripts/bench.sh; it
# checks only that each run worked (a benchmark measures, a test checks).

# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control
BARE=/sys/kernel/debug/memscope_bench/ioread32_1024

# bench ID ARGS...: one memscope-bench run, its numbers as a BENCH line.
bench() {
	_id=$1
	shift
	if _out=$(memscope-bench "$@" 2>/tmp/bench.err); then
		t_pass "bench $_id: measured"
		echo "BENCH $_id $_out"
	else
		t_fail "bench $_id: measured" "$_out" "$(cat /tmp/bench.err)"
	fi
}

# find_pci VENDOR DEVICE: the sysfs directory of the first such device.
find_pci() {
	for _d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$_d/vendor")" = "$1" ] && [ "$(cat "$_d/device")" = "$2" ]; then
			echo "$_d"
			return
		fi
	done
}

# bar_start DIR N: the start address of BAR N.
bar_start() {
	sed -n "$(($2 + 1))p" "$1/resource" | cut -d' ' -f1
}

edu=$(find_pci 0x1234 0x11e8)
ivs=$(find_pci 0x1af4 0x1110)
[ -n "$edu" ] || t_fail "bench: edu is present"
[ -n "$ivs" ] || t_fail "bench: ivshmem-plain is present"
echo 1 >"$edu/enable" 2>/dev/null
echo 1 >"$ivs/enable" 2>/dev/null
bar0=$(bar_start "$edu" 0)
bar2=$(bar_start "$ivs" 2)

# P1: a whole BAR through data against loads through an mmap of it, on a
# BAR whose every access traps (edu) and on a memory-backed one (ivshmem).
ok_wr $C "map bedu $bar0 1M" && bench P1 data $M/bedu/data "$edu/resource0"
ok_wr $C "map bivs $bar2 1M" && bench P1m data $M/bivs/data "$ivs/resource2"

# P2: a 256-register dump against devmem, a process per register.
ok_wr $C "map b256 $bar0 0x400" && bench P2 regs $M/b256/regs "$bar0" 256

# P3: 64 MiB of vmalloc memory through data against memcpy of its mmap.
echo $((128 << 20)) >/sys/module/memscope/parameters/max_kind_bytes
ok_wr $C "alloc bvm vmalloc 64M" && bench P3 vmalloc $M/bvm/data $((64 << 20))
ok_wr $C "free bvm"

# P4: one ops write of 1024 reads against a bare in-kernel loop of 1024
# ioread32(), on the same window.
for w in "P4 $bar0" "P4m $bar2"; do
	id=${w% *}
	phys=${w#* }
	if insmod /lib/bench/memscope_bench.ko phys="$phys"; then
		ok_wr $C "map bops $phys 0x1000" &&
			bench "$id" ops $M/bops/ops $BARE
		ok_wr $C "free bops"
		rmmod memscope_bench
	else
		t_fail "bench $id: insmod memscope_bench.ko phys=$phys"
	fi
done

# P5: the 256-register dump with memscope's trace events on, then off.
bench P5 trace $M/b256/regs /sys/kernel/tracing/events/memscope/enable

for n in bedu bivs b256; do
	ok_wr $C "free $n"
done
