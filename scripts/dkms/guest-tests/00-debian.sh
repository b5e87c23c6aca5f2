#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian's own kernel with the DKMS-built memscope.ko: the module loads,
# taints the kernel as an unsigned out-of-tree module and nothing else,
# and says
# whether device writes were built in (memscope_variant=ro|rw on the
# command line says which build this boot has).
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
variant=$(sed -n 's/.*memscope_variant=\([a-z]*\).*/\1/p' /proc/cmdline)

t_eq "Debian's kernel is running" "6.12.117+deb12-amd64" "$(uname -r)"
t_check "memscope.ko (DKMS) is loaded" grep -q '^memscope ' /proc/modules
# What any DKMS module does to Debian's kernel, and nothing else before
# the first device write: TAINT_OOT_MODULE (O, 4096) and
# TAINT_UNSIGNED_MODULE (E, 8192).
t_eq "the only taints are O and E: an unsigned out-of-tree module" 12288 \
	"$(cat /proc/sys/kernel/tainted)"
case $variant in
rw) want="device writes: built in (CONFIG_MEMSCOPE_WRITE)" ;;
*) want="device writes: not built in (read-only)" ;;
esac
t_eq "control's text says which build this is ($variant)" "$want" \
	"$(head -n 1 $M/control)"
t_check "the kernel log says it too" sh -c "dmesg | grep -qF 'memscope: $want'"
t_eq "lockdown is off on this boot" "[none] integrity confidentiality" \
	"$(cat /sys/kernel/security/lockdown)"
