#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The debug guest is the machine the campaign needs: two CPUs, the
# kernel's oracles armed (KASAN, lockdep, kmemleak, DMA-API debug) and
# panic_on_warn. Opens kmemleak's window: from here on, anything left
# unreferenced is reported by 90-leaks.sh (toolchain-notes.md's recipe).
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

t_eq "two CPUs online" 2 "$(grep -c '^processor' /proc/cpuinfo)"
t_match "booted with panic_on_warn=1" '(^| )panic_on_warn=1( |$)' \
	"$(cat /proc/cmdline)"
t_check "KASAN is active" sh -c 'dmesg | grep -q "KernelAddressSanitizer initialized"'
t_check "lockdep is active" sh -c 'dmesg | grep -q "Lock dependency validator"'
t_check "DMA API debug is active" [ -r /sys/kernel/debug/dma-api/error_count ]
t_check "memscope is a module" grep -q '^memscope ' /proc/modules
t_diag "memscope limits: $(cd /sys/module/memscope/parameters 2>/dev/null &&
	for p in *; do printf '%s=%s ' "$p" "$(cat "$p")"; done)"

K=/sys/kernel/debug/kmemleak
if t_check "kmemleak is available" [ -w $K ]; then
	echo scan=off >$K
	echo clear >$K
fi
