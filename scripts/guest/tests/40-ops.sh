#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Programs and trace events: `ops` on COM2's scratch register (pio), the
# HPET (a read-only mmio window) and edu bound to memscope (bar); the
# result lines, a dry run that touches nothing, a refused program that
# runs nothing, a poll that times out, a fatal signal, and the exact
# sequence of memscope's trace events for a known program. The device's
# own state after each program is read back through `regs`, not `ops`.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control
TR=/sys/kernel/tracing

# scratch: COM2's scratch register as `regs` shows it (two hex digits).
scratch() {
	sed -n 's/^00000007: //p' $M/oc/regs
}

t_check "io oc 0x2f8 8 rw (COM2)" ok_wr $C "io oc 0x2f8 8 rw" || return 0

# --- results
t_check "ops: w, r, a comment, rmw, r in one write" \
	ok_wr -e $M/oc/ops 'w 0x7 0x5a\nr 0x7\n# set the high nibble\nrmw 0x7 0xf0 0xa0\nr 7\n'
t_eq "ops: one result line per line that ran" "1 w 00000007 5a
2 r 00000007 5a
4 rmw 00000007 aa old=5a
5 r 00000007 aa" "$(cat $M/oc/ops)"
t_eq "regs sees what the program left in the scratch register" aa "$(scratch)"
t_eq "ops: the results stay until the next program" "1 w 00000007 5a" \
	"$(head -n 1 $M/oc/ops)"

# --- dry run
t_check "ops: a dry run of every operation" \
	ok_wr -e $M/oc/ops 'dry\nw 0x7 0x11\nrmw 0x7 0xff 0x22\npoll 0x5 0x20 0x20 1000\ndelay 10\n'
t_eq "ops: the dry run says what it would do" "2 w 00000007 would write 11
3 rmw 00000007 would read, then write (old & ~ff) | 22
4 poll 00000005 would read until (v & 20) == 20, at most 1000us every 10us
5 delay - would wait 10us" "$(cat $M/oc/ops)"
t_eq "ops: the dry run wrote nothing" aa "$(scratch)"

# --- an error anywhere runs nothing
t_errno "ops: an unknown operation on line 3 refuses the program" EINVAL \
	wr -e $M/oc/ops 'w 0x7 0x33\nr 0x7\nbogus\n'
t_match "ops: last_error names line 3" 'oc: ops: line 3: unknown operation' \
	"$(cat $M/last_error)"
t_eq "ops: the refused program wrote nothing" aa "$(scratch)"
t_eq "ops: a refused program has no results" "" "$(cat $M/oc/ops)"

# --- poll: a match, a timeout that stops the program
t_check "ops: poll COM2's LSR for THR empty (bit 5)" \
	ok_wr -e $M/oc/ops 'poll 0x5 0x20 0x20 100000\n'
t_match "ops: the poll matched at once" '^1 poll 00000005 [0-9a-f]{2} took=[0-9]+us$' \
	"$(cat $M/oc/ops)"
t_errno "ops: a poll that never matches is ETIMEDOUT" ETIMEDOUT \
	wr -e $M/oc/ops 'r 0x7\npoll 0x7 0xff 0x00 2000 100\nw 0x7 0x11\n'
t_match "ops: last_error names the line and the last value" \
	'oc: ops line 2: poll timed out, last value 0xaa' "$(cat $M/last_error)"
res=$(cat $M/oc/ops)
t_match "ops: the timed-out poll is the last result, marked" \
	'^2 poll 00000007 aa took=[0-9]+us timeout$' "$(printf '%s\n' "$res" | tail -n 1)"
t_eq "ops: nothing ran after the failing line" 2 "$(printf '%s\n' "$res" | wc -l)"
took=$(printf '%s\n' "$res" | sed -n 's/.*took=\([0-9]*\)us.*/\1/p')
t_check "ops: the poll waited its 2000 us timeout ($took us)" [ "${took:-0}" -ge 2000 ]
t_eq "ops: the write after the timeout did not happen" aa "$(scratch)"
t_check "ops: delay 20000" ok_wr -e $M/oc/ops 'delay 20000\n'
took=$(sed -n 's/^1 delay - took=\([0-9]*\)us$/\1/p' $M/oc/ops)
t_check "ops: the delay took at least 20000 us ($took us)" [ "${took:-0}" -ge 20000 ]

# A fatal signal ends a long poll at once.
wr -e $M/oc/ops 'poll 0x7 0xff 0x00 9000000 1000\n' >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -9 $pid 2>/dev/null
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
t_check "ops: SIGKILL ends a 9 s poll within 2 s" sh -c "! kill -0 $pid 2>/dev/null"
wait $pid 2>/dev/null

# --- gates: a read-only window reads, and refuses any program that writes
t_check "map ohp 0xfed00000 0x400 (HPET, read-only)" ok_wr $C "map ohp 0xfed00000 0x400"
t_check "ops: reads on a read-only window" ok_wr -e $M/ohp/ops 'r 0\n'
t_eq "ops: the HPET's capabilities as regs shows them" \
	"1 r 00000000 $(sed -n 's/^00000000: //p' $M/ohp/regs)" "$(cat $M/ohp/ops)"
t_errno "ops: a program that writes a read-only window" EPERM \
	wr -e $M/ohp/ops 'r 0\nw 0x10 0\n'
t_errno "ops: a dry run passes the same gate" EPERM wr -e $M/ohp/ops 'dry\nw 0x10 0\n'
t_check "free ohp" ok_wr $C "free ohp"

# --- a BAR: edu bound to memscope; its factorial unit with a poll
edu=$(t_find_edu)
if [ -n "$edu" ]; then
	DEV=${edu##*/}
	B=$(t_bar_region "$DEV")
	echo memscope >"$edu/driver_override"
	if t_check "bind edu to memscope" \
		sh -c "echo $DEV >/sys/bus/pci/drivers_probe && [ -e $M/$B/ops ]"; then
		t_check "ops on a BAR: ID, liveness, factorial of 5 with a poll" \
			ok_wr -e $M/$B/ops 'r 0\nw 0x4 0x12345678\nr 0x4\nw 0x8 5\npoll 0x20 0x1 0x0 1000000 100\nr 0x8\n'
		res=$(cat $M/$B/ops)
		t_eq "ops on a BAR: ID and liveness" "1 r 00000000 010000ed
2 w 00000004 12345678
3 r 00000004 edcba987
4 w 00000008 00000005" "$(printf '%s\n' "$res" | head -n 4)"
		t_eq "ops on a BAR: 5! = 0x78 after the poll" "6 r 00000008 00000078" \
			"$(printf '%s\n' "$res" | tail -n 1)"
		if [ -d $TR/events/memscope ]; then
			echo 0 >$TR/tracing_on
			echo >$TR/trace
			echo 1 >$TR/events/memscope/enable
			echo 1 >$TR/tracing_on
			# A new stream buffer belongs to the device.
			echo "dma ost $DEV stream 4K to-device" >$C
			echo "sync ost cpu" >$C
			echo "sync ost device" >$C
			echo "sync ost cpu" >$C
			echo "free ost" >$C
			echo 0 >$TR/events/memscope/enable
			t_match "trace: a stream buffer's create, syncs and free" \
				'^memscope_region_create: ost stream size=0x1000 memscope_dma_sync: ost bus=0x[0-9a-f]+ size=0x1000 for=cpu memscope_dma_sync: ost bus=0x[0-9a-f]+ size=0x1000 for=device memscope_dma_sync: ost bus=0x[0-9a-f]+ size=0x1000 for=cpu memscope_region_free: ost stream size=0x1000 $' \
				"$(grep -o 'memscope_[a-z_]*: .*' $TR/trace | tr '\n' ' ')"
		fi
		echo "$DEV" >/sys/bus/pci/drivers/memscope/unbind
	fi
	echo >"$edu/driver_override"
else
	t_fail "edu is present"
fi

# --- trace events: exactly the accesses of a known program, in order
if [ -d $TR/events/memscope ]; then
	echo 0 >$TR/tracing_on
	echo >$TR/trace
	echo 1 >$TR/events/memscope/memscope_access/enable
	echo 1 >$TR/tracing_on
	ok_wr -e $M/oc/ops 'w 0x7 0x5a\nrmw 0x7 0xf0 0xa0\ndelay 1\nr 0x7\n' >/dev/null
	t_eq "trace: one event per access of the program, in order" \
		"memscope_access: oc pio ops write off=0x7 width=1 val=0x5a
memscope_access: oc pio ops read off=0x7 width=1 val=0x5a
memscope_access: oc pio ops write off=0x7 width=1 val=0xaa
memscope_access: oc pio ops read off=0x7 width=1 val=0xaa" \
		"$(grep -o 'memscope_access: .*' $TR/trace)"
	echo >$TR/trace
	ok_wr -e $M/oc/ops 'dry\nw 0x7 0x11\n' >/dev/null
	wr -e $M/oc/ops 'w 0x7 0x11\nbogus\n' >/dev/null
	t_eq "trace: a dry run and a refused program access nothing" "" \
		"$(grep -o 'memscope_access: .*' $TR/trace)"
	echo >$TR/trace
	ok_wr $M/oc/regs "0x7 0x3c" >/dev/null
	rd -o 4 -n 2 $M/oc/data >/dev/null
	t_eq "trace: regs and data accesses too, one per unit" \
		"memscope_access: oc pio regs write off=0x7 width=1 val=0x3c
memscope_access: oc pio data read off=0x4 width=1
memscope_access: oc pio data read off=0x5 width=1" \
		"$(grep -o 'memscope_access: .*' $TR/trace | sed '2,$s/ val=.*//')"
	echo 0 >$TR/events/memscope/memscope_access/enable
	echo >$TR/trace
else
	t_fail "tracefs has the memscope events" "$(ls $TR/events 2>&1 | head -n 5)"
fi

t_check "free oc" ok_wr $C "free oc"
