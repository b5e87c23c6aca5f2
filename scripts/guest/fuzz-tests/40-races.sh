#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Targeted races (tools/memscope-race.c), each with three processes and
# at least 10,000 iterations of its teardown (memscope_race_iterations=N
# on the kernel command line changes that): free vs reads and faults,
# unbind vs stream sync, width vs data, layout vs free, rmmod vs open
# files, bind vs free of the BAR region it publishes. A race passes when
# no call saw an errno it does not allow, every value read was right and
# every process finished.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

iters=10000
# shellcheck disable=SC2013 # the command line is words, not lines
for arg in $(cat /proc/cmdline); do
	case $arg in
	memscope_race_iterations=*)	iters=${arg#*=} ;;
	esac
done

for race in $(memscope-race -l); do
	t_diag "race $race: $iters iterations"
	memscope-race -i "$iters" "$race" >/tmp/race.out 2>&1
	rc=$?
	grep '^# ' /tmp/race.out
	line=$(sed -n "s/^# race $race: \([0-9][0-9]* .* s (.*\)$/\1/p" /tmp/race.out | head -n 1)
	if [ $rc = 0 ] && grep -q "^race $race: ok$" /tmp/race.out; then
		t_pass "race $race: $line"
	else
		t_fail "race $race (exit $rc)" "$(grep -v '^#   ' /tmp/race.out)"
	fi
done
t_eq "memscope holds nothing after the races" "" "$(cat /sys/kernel/debug/memscope/regions)"
