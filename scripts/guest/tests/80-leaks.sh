#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs after the others and before lockdown: nothing leaked. memscope's
# own counters are zero, the DMA API debug layer saw no error, and a
# kmemleak scan after a round of every kind (recipe from the toolchain
# notes: scan=off, clear, work, wait > 5 s, scan twice) reports nothing.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
K=/sys/kernel/debug/kmemleak

if [ -w $K ]; then
	echo scan=off >$K
	echo clear >$K
	for kind in kmalloc kzalloc vmalloc vzalloc pages slab; do
		wr $M/control "alloc leak-$kind $kind 5000" >/dev/null
		rd -n 64 $M/leak-$kind/info >/dev/null
		wr $M/control "free leak-$kind" >/dev/null
	done
	wr $M/control "map leak-win 0xfed00000 0x400" >/dev/null
	wr $M/control "free leak-win" >/dev/null
	sleep 6
	echo scan >$K
	echo scan >$K
	report=$(cat $K)
	t_eq "kmemleak reports nothing of memscope's" "" \
		"$(printf '%s\n' "$report" | grep -B2 -A12 'memscope' | head -40)"
else
	t_fail "kmemleak is available" "no $K"
fi

t_eq "memscope holds nothing" "" "$(cat $M/regions)"
t_eq "layout: every counter is zero" "" \
	"$(sed -n '/^memscope holds/,$p' $M/layout | grep -E 'objects [1-9]|bytes [1-9]|mappings [1-9]')"
if [ -r /sys/kernel/debug/dma-api/error_count ]; then
	t_eq "DMA API debug: error_count is 0" 0 "$(cat /sys/kernel/debug/dma-api/error_count)"
else
	t_fail "DMA API debug is available"
fi
t_eq "the kernel log has no DMA-API report" "" "$(dmesg | grep 'DMA-API' | grep -v -e 'preallocated' -e 'debugging enabled' | head -5)"
