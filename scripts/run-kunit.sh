#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run memscope's KUnit suites with kunit.py on UML and on x86_64 under
# QEMU (with the edu device), from the series applied in $CHECK_TREE, and
# once more on UML with CONFIG_MEMSCOPE_WRITE=n, where the write-gate suite
# proves every device-write path refused. arm64 (QEMU virt with edu, cross
# built) runs from make test-arm64.
#   scripts/run-kunit.sh [uml|uml-nowrite|x86_64|arm64]...
#                                      (default: uml uml-nowrite x86_64)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KCONFIG="$MEMSCOPE_REPO/kunit/memscope.kunitconfig"
SRC="${KUNIT_SRC:-$CHECK_TREE}"
LOG_DIR="$BUILD_DIR/kunit-logs"
mkdir -p "$LOG_DIR"

run_one() {
	local arch=$1 log="$LOG_DIR/$1.log" line passed failed skipped errors
	# The two UML runs share one build: only what depends on
	# CONFIG_MEMSCOPE_WRITE is rebuilt when the option flips.
	local bdir="$BUILD_DIR/kunit-${arch%-nowrite}"
	local cc="ccache gcc"
	[ "$arch" = arm64 ] && cc="ccache aarch64-linux-gnu-gcc"
	local args=(run --kunitconfig="$KCONFIG" --build_dir="$bdir"
		    --jobs="$JOBS" --make_options=CC="$cc" --timeout=600)

	if [ "$arch" = uml-nowrite ]; then
		args+=(--kconfig_add=CONFIG_MEMSCOPE_WRITE=n)
	fi
	if [ "$arch" = x86_64 ]; then
		# KASAN needs a non-tiny slab; check that it stuck below.
		args+=(--qemu_config="$MEMSCOPE_REPO/kunit/x86_64-edu.py"
		       --kconfig_add=CONFIG_KASAN=y)
	fi
	if [ "$arch" = arm64 ]; then
		guest_arm64_deps || { t_fail "kunit $arch: cross tools installed"; return; }
		args+=(--qemu_config="$MEMSCOPE_REPO/kunit/arm64-edu.py"
		       --cross_compile=aarch64-linux-gnu-)
	fi
	msg "kunit.py on $arch (log: $log)"
	(cd "$SRC" && nice -n 10 python3 tools/testing/kunit/kunit.py "${args[@]}") \
		> "$log" 2>&1 || true

	if [ "$arch" = x86_64 ] &&
	   ! grep -qx 'CONFIG_KASAN=y' "$bdir/.config"; then
		t_fail "kunit $arch: CONFIG_KASAN=y in the test kernel"
	fi
	if [ "$arch" = uml-nowrite ]; then
		grep -qx '# CONFIG_MEMSCOPE_WRITE is not set' "$bdir/.config" ||
			t_fail "kunit $arch: CONFIG_MEMSCOPE_WRITE=n in the test kernel"
		# The gate suite must run here, not skip.
		for c in regs_data mmap rw_window; do
			grep -q "\[PASSED\] memscope_write_${c}_test" "$log" ||
				t_fail "kunit $arch: memscope_write_${c}_test ran and passed"
		done
	fi
	# Cases skip where their device cannot exist; where it does, they
	# must have run: the fake device on UML, edu on x86_64 and arm64.
	case $arch in
	uml) musts="memscope_access_exact_width_test memscope_access_read_user_test memscope_ops_order_test memscope_files_data_end_test memscope_files_mmap_test memscope_files_kcore_test" ;;
	x86_64|arm64) musts="memscope_access_edu_test memscope_dma_bind_test memscope_dma_coherent_roundtrip_test memscope_dma_stream_roundtrip_test memscope_files_mmap_io_test memscope_files_width_test memscope_files_claim_test memscope_files_taint_order_test memscope_files_kcore_test memscope_dma_unbind_mapped_test" ;;
	*) musts= ;;
	esac
	for c in $musts; do
		grep -q "\[PASSED\] $c\$" "$log" ||
			t_fail "kunit $arch: $c ran and passed (not skipped)"
	done
	line=$(grep -o 'Testing complete\. Ran [0-9]* tests: .*' "$log" | tail -1) || true
	if [ -z "$line" ]; then
		tail -40 "$log"
		t_fail "kunit $arch: kunit.py finished (no result line)"
		return
	fi
	passed=$(grep -o 'passed: [0-9]*' <<<"$line" | grep -o '[0-9]*' || echo 0)
	failed=$(grep -o 'failed: [0-9]*' <<<"$line" | grep -o '[0-9]*' || echo 0)
	skipped=$(grep -o 'skipped: [0-9]*' <<<"$line" | grep -o '[0-9]*' || echo 0)
	# kunit.py counts results it could not parse as errors: failures too.
	errors=$(grep -o 'errors: [0-9]*' <<<"$line" | grep -o '[0-9]*' || echo 0)
	failed=$((failed + errors))
	grep -E '^\[[0-9:]+\] +(\[(PASSED|FAILED|SKIPPED)\]|=+ \[(PASSED|FAILED)\])' "$log" |
		grep -v '^\[[0-9:]*\] *\[PASSED\]' || true
	[ "$failed" = 0 ] || grep -B2 -A12 'FAILED\|# .*: EXPECTATION FAILED\|ASSERTION FAILED' "$log" | head -60
	msg "kunit $arch: $line"
	# Suites skip only what cannot exist on this arch (logic_iomem on
	# x86, edu on UML); a missing device on its own arch is a failure.
	t_counts "kunit $arch" "$passed" "$failed"
}

archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(uml uml-nowrite x86_64)
for a in "${archs[@]}"; do
	run_one "$a"
done
