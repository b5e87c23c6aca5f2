#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# After the campaign: rmmod releases everything, then kmemleak (whose
# window 00-debug.sh opened) finds nothing unreferenced, the DMA API
# debugger counted no error, and memscope loads again. A kmemleak report
# is printed raw as well, so that the host counts it as a splat.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

K=/sys/kernel/debug/kmemleak
edu=$(t_find_edu)
[ -z "$edu" ] || [ ! -e "$edu/driver" ] ||
	echo "${edu##*/}" >/sys/bus/pci/drivers/memscope/unbind
t_check "rmmod memscope after the campaign" rmmod memscope
if [ -w $K ]; then
	# Objects are reported once older than 5 s; two scans settle it.
	sleep 6
	echo scan >$K
	echo scan >$K
	report=$(cat $K)
	if [ -z "$report" ]; then
		t_pass "kmemleak: nothing unreferenced after the campaign"
	else
		printf '%s\n' "$report" | head -n 200
		t_fail "kmemleak: nothing unreferenced after the campaign" \
			"$(printf '%s\n' "$report" | grep -c 'unreferenced object') objects"
	fi
else
	t_fail "kmemleak is available"
fi
if [ -r /sys/kernel/debug/dma-api/error_count ]; then
	t_eq "DMA API debug: error_count is 0" 0 \
		"$(cat /sys/kernel/debug/dma-api/error_count)"
fi
t_check "insmod memscope again" insmod "$MEMSCOPE_KO"
