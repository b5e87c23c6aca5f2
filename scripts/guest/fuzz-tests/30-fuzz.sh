#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The seeded fuzzer (tools/memscope-fuzz.c) against memscope, several
# processes at once. Its parameters come from the kernel command line
# (words without a dot reach no kernel code):
#   memscope_fuzz_seed=S       seed (default 1)
#   memscope_fuzz_seconds=N    run time (default 120)
#   memscope_fuzz_workers=W    processes (default 2)
#   memscope_fuzz_flags=F      more options, commas for blanks ("-K")
# One TAP line: the fuzzer found nothing (no kernel-internal errno, no
# worker died or hung, every region freed afterwards). Kernel reports are
# counted by the host from the console (panic_on_warn ends the boot).
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

seed=1 secs=120 workers=2 flags=
# shellcheck disable=SC2013 # the command line is words, not lines
for arg in $(cat /proc/cmdline); do
	case $arg in
	memscope_fuzz_seed=*)		seed=${arg#*=} ;;
	memscope_fuzz_seconds=*)	secs=${arg#*=} ;;
	memscope_fuzz_workers=*)	workers=${arg#*=} ;;
	memscope_fuzz_flags=*)		flags=$(echo "${arg#*=}" | tr , ' ') ;;
	esac
done

t_diag "memscope-fuzz -s $seed -t $secs -w $workers $flags"
# Live on the console (a panic must not hide how far it got), and kept.
# shellcheck disable=SC2086 # flags are words
{ memscope-fuzz -s "$seed" -t "$secs" -w "$workers" $flags; echo $? >/tmp/fuzz.rc; } 2>&1 |
	tee /tmp/fuzz.out
rc=$(cat /tmp/fuzz.rc)
summary=$(sed -n 's/^# fuzz result: //p' /tmp/fuzz.out)
done=$(sed -n 's/^# fuzz done: //p' /tmp/fuzz.out)
if [ "$rc" = 0 ]; then
	t_pass "memscope-fuzz seed $seed: $done; $summary"
else
	t_fail "memscope-fuzz seed $seed (exit $rc): ${summary:-no summary}" \
		"$(grep -E 'FINDING|died|busy|cannot' /tmp/fuzz.out)"
fi
t_eq "memscope holds nothing after the fuzz" "" "$(cat /sys/kernel/debug/memscope/regions)"
