#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Kernel lockdown raised at run time. Runs last: lockdown cannot be lowered
# again in this boot, and the region made here cannot be freed once it is
# up (control refuses every command).
#
# debugfs checks LOCKDOWN_DEBUGFS only when a file is opened, and refuses
# every open of a file that is writable (mode 0600: control, regs, data,
# width) once lockdown is up. memscope's own LOCKDOWN_DEV_MEM check is met
# by descriptors opened before the raise: fds 4-8 below. (fd 9 belongs to
# /init: /dev/port for debug-exit.)
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control
LD=/sys/kernel/security/lockdown

# One write(2) through an inherited descriptor: busybox echo reports a
# failure as "write error: <strerror>", which t_errname maps to a name.
fd4() { echo "$1" >&4; }
fd5() { echo "$1" >&5; }
fd7() { echo "$1" >&7; }
fd8() { echo "$1" >&8; }

if ! grep -q '^memscope ' /proc/modules || [ ! -e "$C" ]; then
	t_skip "90-lockdown" "memscope is not loaded"
	return 0
fi
if ! t_eq "lockdown is off before this test" \
	"[none] integrity confidentiality" "$(cat "$LD" 2>&1)"; then
	return 0
fi

edu=$(t_find_edu)
t_check "edu (1234:11e8) found" [ -n "$edu" ] || return 0
read -r start _ <"$edu/resource"
bar0=$(printf '0x%x' $((start)))
[ "$(cat "$edu/enable")" = 1 ] || echo 1 >"$edu/enable"

# Before lockdown: an rw window, and descriptors on its files.
t_check "map lk $bar0 0x100 rw force" ok_wr "$C" "map lk $bar0 0x100 rw force" ||
	return 0
t_check "map lkp $bar0 0x2000 (read-only, two pages)" ok_wr "$C" "map lkp $bar0 0x2000"
t_check "alloc lkf kmalloc 64 (freed under lockdown)" ok_wr "$C" "alloc lkf kmalloc 64"
t_check "alloc lkk kzalloc 64 (read under confidentiality)" \
	ok_wr "$C" "alloc lkk kzalloc 64"
L=$M/lk
exec 4>"$C"
exec 5>"$L/regs"
exec 6<"$L/regs"
exec 7>"$L/width"
exec 8>"$L/data"
exec 3<"$M/lkk/data"
# A mapping made before lockdown whose second page is touched only after.
rm -f /tmp/go90 && mkfifo /tmp/go90
mmap-peek "$M/lkp/data" 0 0x2000 hold /tmp/go90 >/tmp/peek90.out 2>&1 &
peek=$!
t_wait_for /tmp/peek90.out '^mapped$' || t_fail "mmap-peek mapped lkp" "$(cat /tmp/peek90.out)"
t_check "before lockdown: a write through fd 5 (regs) works" \
	fd5 "0x4 0x11111111"
t_eq "before lockdown: liveness reads back eeeeeeee" "00000004: eeeeeeee" \
	"$(grep '^00000004: ' "$L/regs")"
t_check "before lockdown: a command through fd 4 (control) works" \
	fd4 "map lk2 $bar0 0x1000"
t_check "before lockdown: free lk2 through fd 4" fd4 "free lk2"
regions_before=$(cat "$M/regions")

# shellcheck disable=SC2317 # called through t_check
raise() { echo integrity >"$LD"; }
t_check "raise lockdown to integrity at run time" raise || {
	exec 4>&- 5>&- 6<&- 7>&- 8>&-
	return 0
}
t_eq "lockdown is now integrity" "none [integrity] confidentiality" \
	"$(cat "$LD")"

# memscope's own gate, reached through descriptors opened before.
t_errno "locked down: a map through fd 4 is refused by memscope" EPERM \
	fd4 "map lk3 $bar0 0x100"
t_match "last_error: map refused by kernel lockdown" \
	'^map: refused by kernel lockdown$' "$(cat "$M/last_error")"
t_check "locked down: free through fd 4 still works (it only reduces exposure)" \
	fd4 "free lkf"
regions_before=$(cat "$M/regions")
t_eq "locked down: lkf is gone" "" "$(grep '^lkf ' "$M/regions")"
echo >/tmp/go90
wait $peek
t_eq "locked down: a page first touched after the raise is SIGBUS (exit 3)" 3 $?
t_match "mmap-peek reported SIGBUS" '^SIGBUS$' "$(cat /tmp/peek90.out)"
t_errno "locked down: a regs write through fd 5 is refused" EPERM \
	fd5 "0x4 0x22222222"
t_match "last_error: the regs write was refused by lockdown" \
	'^lk: refused by kernel lockdown$' "$(cat "$M/last_error")"
t_errno "locked down: a width write through fd 7 is refused" EPERM fd7 8
# "abc\n": 4 bytes, one unit of width 4 (edu's ID register, read-only).
t_errno "locked down: a data write through fd 8 is refused" EPERM fd8 abc

# Reads keep working: regs through its earlier descriptor, the 0400 files
# by a new open.
regs=$(cat <&6)
t_eq "locked down: regs (fd 6) still reads the edu ID" "00000000: 010000ed" \
	"$(printf '%s\n' "$regs" | head -n 1)"
t_eq "locked down: the refused regs write did not reach the register" \
	"00000004: eeeeeeee" "$(printf '%s\n' "$regs" | grep '^00000004: ')"
t_eq "locked down: regions still reads, unchanged" "$regions_before" \
	"$(cat "$M/regions" 2>&1)"
t_match "locked down: lk/info still reads" '^width: 4$' \
	"$(cat "$L/info" 2>&1)"

# debugfs's own check, at open.
t_eq "locked down: debugfs refuses a new open of control for writing" \
	"open EPERM" "$(wr "$C" "free lk")"
t_eq "locked down: debugfs refuses a new open of regs (a 0600 file)" \
	"open EPERM" "$(rd "$L/regs")"
t_eq "locked down: debugfs refuses a new open of data (mmap-able)" \
	"open: EPERM (1)" "$(mmap-peek "$L/data" 0 16 2>&1)"

# Confidentiality lockdown: kernel memory is as unreadable as /proc/kcore.
t_eq "before confidentiality: lkk reads through fd 3 (first half)" 32 \
	"$(dd bs=32 count=1 <&3 2>/dev/null | wc -c | tr -d ' ')"
t_check "raise lockdown to confidentiality" sh -c "echo confidentiality >$LD"
out=$(dd bs=32 count=1 <&3 2>&1 >/dev/null)
t_eq "confidentiality: a kernel memory read through fd 3 is EPERM" EPERM \
	"$(t_errname "$out")"
t_match "last_error: kernel memory is unreadable" 'unreadable under confidentiality' \
	"$(cat "$M/last_error")"

exec 3<&- 4>&- 5>&- 6<&- 7>&- 8>&-
t_diag "regions lk, lkp and lkk stay: nothing new is accepted under lockdown"
