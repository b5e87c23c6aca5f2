#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the guest once and measure memscope against the tools
# and code it replaces, side by side, each figure with its goal. Measured
# on every run, never asserted by make test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$MEMSCOPE_REPO/scripts/deps.sh"
"$MEMSCOPE_REPO/scripts/prepare-base.sh"
"$MEMSCOPE_REPO/scripts/series.sh" check
"$MEMSCOPE_REPO/scripts/guest/build-kernel.sh" "$CHECK_TREE" "$BUILD_DIR/guest"

# The anchor of P4, a bare ioread32() loop, as a module of the guest kernel.
mod="$BUILD_DIR/bench-module"
mkdir -p "$mod"
cp "$MEMSCOPE_REPO"/scripts/bench/module/{Kbuild,memscope_bench.c} "$mod/"
make -s -C "$BUILD_DIR/guest" CC="ccache gcc" M="$mod" modules

# A memory-backed BAR: ivshmem-plain's BAR2, 1 MiB of a host file.
shm="$BUILD_DIR/bench-ivshmem"
truncate -s 1M "$shm"
env GUEST_SKIP_BUILD=1 GUEST_RUN_NAME=bench GUEST_MEM=512M \
	GUEST_QEMU_ARGS="-object memory-backend-file,id=ivs,size=1M,mem-path=$shm,share=on -device ivshmem-plain,memdev=ivs" \
	GUEST_TESTS_DIR="$MEMSCOPE_REPO/scripts/bench/guest" \
	GUEST_EXTRA_TOOLS="$MEMSCOPE_REPO/scripts/bench/memscope-bench.c" \
	GUEST_EXTRA_FILES="$mod/memscope_bench.ko:/lib/bench/memscope_bench.ko" \
	GUEST_RESULT_FILE="$BUILD_DIR/bench-result" \
	"$MEMSCOPE_REPO/scripts/guest/run-tests.sh" "$CHECK_TREE" >/dev/null || true

# ID  what  kind  goal: kind "speed" is anchor/memscope (higher is better),
# "time" is memscope/anchor (lower is better).
goals='P1  data of edu 1 MiB BAR (every access traps) vs mmap loads|speed|1.0
P1m data of ivshmem 1 MiB BAR (memory-backed) vs mmap loads|speed|0.5
P2  cat regs, 256 registers vs 256 busybox devmem runs|speed|1000
P3  data of a 64 MiB vmalloc region vs memcpy of its mmap|speed|0.5
P4  ops of 1024 r (edu) vs 1024 ioread32() in a kernel loop|time|1.5
P4m ops of 1024 r (ivshmem) vs 1024 ioread32() in a kernel loop|time|1.5
P5  cat regs of 256 registers, trace events on vs off|time|1.1'
echo "memscope bench (one boot, QEMU TCG, best of 5 runs each):"
sed -n 's/\r//; s/^.*BENCH //p' "$BUILD_DIR/guest/bench-console.log" |
awk -v goals="$goals" '
BEGIN {
	n = split(goals, g, "\n")
	for (i = 1; i <= n; i++) {
		split(g[i], f, "|")
		id = f[1]; sub(/ .*/, "", id)
		desc[id] = substr(f[1], 5); kind[id] = f[2]; goal[id] = f[3]
		order[i] = id
	}
	printf "%-4s %-58s %12s %12s %9s %8s %s\n", "", "measure", "memscope",
	       "anchor", "ratio", "goal", "met"
}
{ mem[$1] = $2; anc[$1] = $3 }
function ms(ns) { return sprintf("%.3f ms", ns / 1e6) }
END {
	for (i = 1; i <= n; i++) {
		id = order[i]
		if (!(id in mem)) {
			printf "%-4s %-58s %12s\n", id, desc[id], "not measured"
			continue
		}
		if (kind[id] == "speed") {
			r = mem[id] ? anc[id] / mem[id] : 0
			met = r >= goal[id]
			gs = ">=" goal[id] "x"
		} else {
			r = anc[id] ? mem[id] / anc[id] : 0
			met = r <= goal[id]
			gs = "<=" goal[id] "x"
		}
		printf "%-4s %-58s %12s %12s %8.2fx %8s %s\n", id, desc[id],
		       ms(mem[id]), ms(anc[id]), r, gs, met ? "yes" : "no"
	}
}'
grep -q 'failed=0' "$BUILD_DIR/bench-result"
