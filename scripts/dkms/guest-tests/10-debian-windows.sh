#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Register windows on Debian's kernel, which has CONFIG_IO_STRICT_DEVMEM:
# a range a driver owns (the console UART at 0x3f8) is refused outright,
# reads included, as /dev/mem does there; edu's BAR and the HPET, which no
# driver owns, read at their exact width; System RAM is refused. With the
# write build, COM2 carries the UART log to the host, one regs write per
# byte; without it, every write is refused with its reason.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control
variant=$(sed -n 's/.*memscope_variant=\([a-z]*\).*/\1/p' /proc/cmdline)

edu=$(t_find_edu)
[ -n "$edu" ] || { t_fail "edu is present"; return 0; }
echo 1 >"$edu/enable"
read -r bar0 _ <"$edu/resource"
bar0=$(printf '0x%x' $((bar0)))

t_check "map e $bar0 0x100 (read-only)" ok_wr $C "map e $bar0 0x100"
t_eq "edu's ID at width 4" "00000000: 010000ed" "$(head -n 1 $M/e/regs)"
t_check "ops reads it too" ok_wr -e $M/e/ops 'r 0\n'
t_eq "ops result" "1 r 00000000 010000ed" "$(cat $M/e/ops)"
t_errno "regs write to a read-only window" EPERM wr $M/e/regs "0x4 1"

t_errno "io of the console UART (busy, IO_STRICT_DEVMEM): refused, reads too" \
	EBUSY wr $C "io con 0x3f8 8"
t_match "last_error says why" 'busy' "$(cat $M/last_error)"
t_errno "a window over System RAM" EPERM wr $C "map ram 0x100000 0x1000"

if ok_wr $C "map hp 0xfed00000 0x400" >/dev/null; then
	a=$(sed -n 's/^000000f0: //p' $M/hp/regs)
	sleep 0.1
	b=$(sed -n 's/^000000f0: //p' $M/hp/regs)
	t_check "the HPET counter moves ($a -> $b)" [ -n "$a" ] && [ "$((0x$b))" -gt "$((0x$a))" ]
	t_check "free hp" ok_wr $C "free hp"
else
	t_fail "map hp 0xfed00000 0x400 (the HPET, read-only)" "$(cat $M/last_error)"
fi

# memscope's own request of edu's BAR makes it busy for a second window.
t_errno "a second window on the same range is busy: refused" EBUSY \
	wr $C "map e2 $bar0 0x100"
t_check "free e" ok_wr $C "free e"

if [ "$variant" = rw ]; then
	t_check "map ew $bar0 0x100 rw force" ok_wr $C "map ew $bar0 0x100 rw force"
	t_check "edu liveness: write 0x12345678" ok_wr $M/ew/regs "0x4 0x12345678"
	t_eq "edu liveness: reads the NOT" "00000004: edcba987" "$(sed -n 2p $M/ew/regs)"
	t_check "io com2 0x2f8 8 rw" ok_wr $C "io com2 0x2f8 8 rw"
	hex=$(t_hex "memscope on Debian's kernel")
	t_check "the UART log, one regs write per byte" t_uart_send $M/com2 "$hex"
	t_hostcheck com2-contains "$hex" \
		"Debian: the UART log reached the host, one regs write per byte"
	t_check "free ew com2" sh -c "echo free ew >$C && echo free com2 >$C"
else
	t_errno "map rw without CONFIG_MEMSCOPE_WRITE" EPERM \
		wr $C "map ew $bar0 0x100 rw force"
	t_match "last_error names the option" 'rw needs CONFIG_MEMSCOPE_WRITE' \
		"$(cat $M/last_error)"
	t_errno "io rw without CONFIG_MEMSCOPE_WRITE" EPERM wr $C "io com2 0x2f8 8 rw"
fi
t_eq "no regions left" "" "$(cat $M/regions)"
