#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest kernel and initramfs, boot them under QEMU (TCG) with
# the edu device, and judge the run from the logs after QEMU has exited.
#
#   scripts/guest/run-tests.sh SRC_TREE [BUILD_DIR]
#
# BUILD_DIR defaults to $GUEST_BUILD_DIR, then $BUILD_DIR/guest (lib.sh).
# Environment:
#   GUEST_APPEND       extra kernel arguments (after the defaults, so e.g.
#                      "8250.nr_uarts=2" overrides the default)
#   GUEST_QEMU_ARGS    extra QEMU arguments (word-split)
#   GUEST_MACHINE      QEMU machine (default "pc"; "q35" for an IOMMU)
#   GUEST_IOMMU=1      add QEMU's intel-iommu (before the PCI devices, as
#                      QEMU wants) and boot with intel_iommu=on; needs q35
#   GUEST_EDU          the edu -device value (default "edu"; e.g.
#                      "edu,dma_mask=0xffffffff")
#   GUEST_MEM          guest RAM (default 256M; edu masks DMA addresses to
#                      28 bits unless GUEST_EDU sets dma_mask)
#   GUEST_SMP          number of vCPUs (default 1)
#   GUEST_EXTRA_FRAGMENTS  config fragments applied after config.fragment
#                      (see build-kernel.sh), e.g. scripts/guest/debug.fragment
#   GUEST_TIMEOUT      bound on the whole boot, seconds (default 600)
#   GUEST_TEST_TIMEOUT bound on each test script in the guest (default 300)
#   GUEST_TESTS_DIR    guest test scripts (default scripts/guest/tests)
#   GUEST_RUN_NAME     names this run's files (default "guest"): BUILD_DIR/
#                      NAME-console.log, NAME-com2.out, NAME-initramfs.cpio.gz
#   GUEST_RESULT_FILE  where "passed=N failed=M" goes
#                      (default $BUILD_DIR/NAME-result, BUILD_DIR of lib.sh)
#   GUEST_SKIP_BUILD=1 boot the kernel already in BUILD_DIR
#   GUEST_VERBOSE=1    show the console while the guest runs; "tour": only
#                      what the guest's scripts print
#   GUEST_INTERACTIVE=1  console on stdio, a shell instead of the tests
#   MEMSCOPE_ALLOW_NO_MODULE=1  tree without memscope (see build-kernel.sh)
#
# Nothing here waits for prompts or relies on timing: the guest prints TAP
# lines, HOSTCHECK requests and one MEMSCOPE-GUEST-RESULT line, then leaves
# through isa-debug-exit; a missing or inconsistent piece is a failure.
# Kernel splats in the console log count as failures too.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

guest="$MEMSCOPE_REPO/scripts/guest"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	die "usage: ${0##*/} SRC_TREE [BUILD_DIR]"
fi
src=$1
kbuild=${2:-${GUEST_BUILD_DIR:-$BUILD_DIR/guest}}
mkdir -p "$kbuild"
kbuild=$(cd "$kbuild" && pwd -P)
name=${GUEST_RUN_NAME:-guest}
[[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad GUEST_RUN_NAME '$name'"
timeout_s=${GUEST_TIMEOUT:-600}
test_timeout=${GUEST_TEST_TIMEOUT:-300}
result_file=${GUEST_RESULT_FILE:-$BUILD_DIR/$name-result}
interactive=${GUEST_INTERACTIVE:-0}
tests_dir=$(cd "${GUEST_TESTS_DIR:-$guest/tests}" && pwd -P) ||
	die "no test directory: ${GUEST_TESTS_DIR:-}"
export GUEST_TESTS_DIR=$tests_dir

console="$kbuild/$name-console.log"
clean="$kbuild/$name-console.txt"
com2="$kbuild/$name-com2.out"
initrd="$kbuild/$name-initramfs.cpio.gz"
bzimage=${GUEST_KERNEL_IMAGE:-$kbuild/$GUEST_IMAGE}

write_result() {
	mkdir -p "$(dirname "$result_file")"
	printf 'passed=%d failed=%d\nskipped=%d\n' "$1" "$2" "$3" >"$result_file"
}
# A run that dies before judging counts as one failure, never as success.
[ "$interactive" = 1 ] || write_result 0 1 0

if [ "${GUEST_SKIP_BUILD:-0}" != 1 ]; then
	"$guest/build-kernel.sh" "$src" "$kbuild"
fi
[ -f "$bzimage" ] || die "no kernel at $bzimage"
"$guest/build-initramfs.sh" "$kbuild" "$initrd"

# 8250.nr_uarts=1 pnpacpi=off: ttyS0 is 0x3f8 (the console) whatever PNP
# would enumerate, and COM2 (0x2f8) stays unclaimed (absent from
# /proc/ioports) for the tests to own; bytes written to its THR land in
# the host's COM2 file. With nr_uarts=2 the serial driver would claim
# 0x2f8 ("serial", busy) and memscope's "io ... 0x2f8" would be EBUSY.
append="console=ttyS0 8250.nr_uarts=1 pnpacpi=off panic=-1"
# slub_debug: poison and red zones, so that a use after free or an
# overrun in memscope is a splat the host counts, not silent corruption.
append+=" slub_debug=FZPU memscope_test_timeout=$test_timeout"
# No NIC: nothing needs one, and without it edu sits at 00:03.0 (after
# the VGA at 00:02.0), BAR0 at 0xfea00000 as toolchain-notes.md records.
iommu=()
if [ "${GUEST_IOMMU:-0}" = 1 ]; then
	iommu=(-device intel-iommu)
	append+=" intel_iommu=on"
fi
# shellcheck disable=SC2054 # commas belong to QEMU option values
if [ "$GUEST_ARCH" = arm64 ]; then
	# QEMU's virt: one PL011 (the console); "COM2" is a pci-serial 16550
	# whose I/O BAR is reached through PCI_IOBASE. No isa-debug-exit: the
	# guest powers off and the result line alone says how it went. RAM
	# starts at 1 GiB, so edu must decode 32-bit DMA addresses.
	append="console=ttyAMA0 panic=-1 slub_debug=FZPU memscope_test_timeout=$test_timeout"
	qemu=(qemu-system-aarch64 -M "${GUEST_MACHINE:-virt}" -cpu cortex-a57 -accel tcg
		-m "${GUEST_MEM:-512M}" -smp "${GUEST_SMP:-1}" -nographic -no-reboot
		-kernel "$bzimage" -initrd "$initrd" -nic none
		-device "${GUEST_EDU:-edu,dma_mask=0xffffffff}")
	com2_args=(-chardev "file,id=com2,path=$com2" -device pci-serial,chardev=com2)
else
	qemu=(qemu-system-x86_64 -M "${GUEST_MACHINE:-pc}" -accel tcg -m "${GUEST_MEM:-256M}"
		-smp "${GUEST_SMP:-1}" -nographic -no-reboot
		-kernel "$bzimage" -initrd "$initrd" "${iommu[@]}"
		-nic none -device "${GUEST_EDU:-edu}" -device isa-debug-exit,iobase=0xf4,iosize=0x04)
	com2_args=(-serial "file:$com2")
fi
# shellcheck disable=SC2206 # GUEST_QEMU_ARGS is a list of words
extra_qemu=(${GUEST_QEMU_ARGS:-})
rm -f "$com2" "$console" "$clean"

if [ "$interactive" = 1 ]; then
	msg "interactive guest: console on stdio, Ctrl-A x quits QEMU"
	status=0
	"${qemu[@]}" -append "$append memscope_guest=shell ${GUEST_APPEND:-}" \
		-serial mon:stdio "${com2_args[@]}" "${extra_qemu[@]}" ||
		status=$?
	# 1 is isa-debug-exit code 0 (the shell was left normally).
	[ $status = 0 ] || [ $status = 1 ] || die "QEMU exit status $status"
	exit 0
fi

: >"$console"
msg "booting $name (timeout ${timeout_s} s): $console"
start=$SECONDS
timeout -k 10 "$timeout_s" "${qemu[@]}" -append "$append ${GUEST_APPEND:-}" \
	-serial "file:$console" "${com2_args[@]}" -monitor none \
	"${extra_qemu[@]}" </dev/null &
qpid=$!
tpid=
if [ "${GUEST_VERBOSE:-0}" = 1 ]; then
	tail -n +1 -f --pid="$qpid" "$console" &
	tpid=$!
elif [ "${GUEST_VERBOSE:-0}" = tour ]; then
	# What the guest's scripts print, from /init's first line on; the
	# firmware's and the kernel's lines stay in the console log.
	tail -n +1 -f --pid="$qpid" "$console" | LC_ALL=C awk '
		{ gsub(/\r|\033\[[0-9;?]*[A-Za-z]/, "") }
		/^TAP version/ { on = 1; next }
		on && !/^\[ *[0-9]+\.[0-9]+\]/ { print; fflush() }' &
	tpid=$!
fi
status=0
wait "$qpid" || status=$?
[ -z "$tpid" ] || wait "$tpid" || true
elapsed=$((SECONDS - start))
[ -f "$com2" ] || : >"$com2"

# Terminal escapes (SeaBIOS clears the screen), CRs and other controls.
LC_ALL=C sed -e 's/\x1b\[[0-?]*[ -\/]*[@-~]//g' -e 's/\x1b.//g' "$console" |
	LC_ALL=C tr -d '\000-\010\013-\037\177' >"$clean"

errors=()	# failures of the run itself, one each
indent() {
	sed "s/^/$1/"
}
last_lines() {
	echo "last console lines:"
	tail -n "${1:-20}" "$clean" | indent '  | '
}

# --- The guest's TAP stream: show it, count it.
grep -E '^((not )?ok [0-9]+|# |1\.\.[0-9]+$|TAP version)' "$clean" || true
n_ok=$(grep -cE '^ok [0-9]+ ' "$clean" || true)
n_skip=$(grep -cE '^ok [0-9]+ .*# SKIP' "$clean" || true)
n_notok=$(grep -cE '^not ok [0-9]+ ' "$clean" || true)
n_pass=$((n_ok - n_skip))

result=$(grep -E '^MEMSCOPE-GUEST-RESULT passed=[0-9]+ failed=[0-9]+' \
	"$clean" | tail -n 1 || true)
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	errors+=("guest did not finish within $timeout_s s; $(last_lines)")
elif [ -z "$result" ]; then
	errors+=("guest ended without a MEMSCOPE-GUEST-RESULT line (QEMU exit status $status: kernel panic, init died, QEMU failed?); $(last_lines 30)")
fi

g_pass=$n_pass g_fail=$n_notok g_skip=$n_skip
if [ -n "$result" ]; then
	g_pass=$(sed -E 's/.* passed=([0-9]+).*/\1/' <<<"$result")
	g_fail=$(sed -E 's/.* failed=([0-9]+).*/\1/' <<<"$result")
	if [[ $result == *skipped=* ]]; then
		g_skip=$(sed -E 's/.* skipped=([0-9]+).*/\1/' <<<"$result")
	fi
	if [ "$g_pass" != "$n_pass" ] || [ "$g_fail" != "$n_notok" ] ||
	   [ "$g_skip" != "$n_skip" ]; then
		errors+=("result line says passed=$g_pass failed=$g_fail skipped=$g_skip but the log has $n_pass passed, $n_notok failed, $n_skip skipped (TAP lines garbled by kernel output?)")
	fi
	# isa-debug-exit: QEMU exits with (code << 1) | 1; code 0 = all passed.
	want=1
	[ "$g_fail" = 0 ] || want=3
	# arm64's virt has none: the guest powers off, QEMU exits 0.
	[ "$GUEST_ARCH" != arm64 ] || want=0
	if [ "$status" != "$want" ]; then
		errors+=("QEMU exit status $status does not match the result line (expected $want for failed=$g_fail; 0 means the guest powered off or rebooted instead of using isa-debug-exit)")
	fi
fi

# --- Kernel splats: each one (from its first line to its end marker) is a
# failure. Protocol lines are not kernel output; DMA-API's informational
# boot lines are not splats. Beyond WARN/BUG/oops, KASAN and DMA-API: the
# reports of lockdep ("WARNING: possible circular locking dependency",
# "inconsistent lock state"), UBSAN, kmemleak (a report printed by a test),
# the hung task detector and the OOM killer.
splats=$(awk '
	/^((not )?ok [0-9]+|#|HOSTCHECK |MEMSCOPE-GUEST-RESULT |1\.\.)/ { next }
	/DMA-API: (preallocated [0-9]+ debug entries|debugging enabled by kernel config|dma_debug_entry pool grown|debugging disabled on kernel command line)/ { next }
	in_splat && (/---\[ end trace/ || /<\/TASK>/) { in_splat = 0; next }
	/WARNING:|BUG:|Oops|Call Trace|KASAN|DMA-API:|Kernel panic|possible circular locking|inconsistent lock state|UBSAN:|unreferenced object|blocked for more than|Out of memory|oom-kill/ {
		if (in_splat && NR - start < 100)
			next
		in_splat = 1
		start = NR
		print
	}' "$clean")
n_splat=0
if [ -n "$splats" ]; then
	n_splat=$(wc -l <<<"$splats")
	echo "kernel splats in $clean:"
	indent '  ' <<<"$splats"
fi

# --- Shell errors in test scripts ("line 12: t_eq: not found"): a script
# that calls something missing carries on and could pass by omission.
shell_errors=$(grep -E '^[^ ]+\.sh: .*line [0-9]+: ' "$clean" || true)
n_shell=0
if [ -n "$shell_errors" ]; then
	n_shell=$(wc -l <<<"$shell_errors")
	echo "shell errors in the guest test scripts:"
	indent '  ' <<<"$shell_errors"
fi

# --- Host-side checks requested by the guest, in order of appearance.
h_pass=0 h_fail=0
tapn=$((n_ok + n_notok))
while read -r _ check arg desc; do
	tapn=$((tapn + 1))
	script="$guest/host-checks/$check.sh"
	if [[ ! $check =~ ^[a-z0-9-]+$ ]] || [ ! -f "$script" ]; then
		out="no host check '$check' in ${guest#"$MEMSCOPE_REPO"/}/host-checks"
		ok=1
	else
		ok=0
		out=$(GUEST_COM2="$com2" GUEST_CONSOLE="$clean" bash "$script" \
			"$arg" 2>&1) || ok=1
	fi
	if [ $ok = 0 ]; then
		h_pass=$((h_pass + 1))
		echo "ok $tapn - host: $desc"
	else
		h_fail=$((h_fail + 1))
		echo "not ok $tapn - host: $desc"
		indent '#   ' <<<"$out"
	fi
done < <(grep -E '^HOSTCHECK ' "$clean" || true)

for e in "${errors[@]}"; do
	echo "error: $e"
done

passed=$((g_pass + h_pass))
failed=$((g_fail + h_fail + n_splat + n_shell + ${#errors[@]}))
write_result "$passed" "$failed" "$g_skip"
echo "guest: ran ${elapsed} s; logs: $console, $com2"
[ "$g_skip" = 0 ] || echo "guest: $g_skip skipped"
echo "guest: $passed passed, $failed failed"
[ "$failed" = 0 ]
