# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The debug guest's boot, for scripts/test.sh and scripts/fuzz.sh (sourced
# after scripts/lib.sh): run-tests.sh settings as NAME=VALUE words, used as
#	env "${DEBUG_GUEST_ENV[@]}" GUEST_TESTS_DIR=... run-tests.sh TREE
#
# tinyconfig + config.fragment + debug.fragment (KASAN, lockdep, UBSAN,
# kmemleak, DMA-API debug, SMP, PREEMPT), built in $BUILD_DIR/guest-debug;
# two vCPUs; 512 MiB (KASAN's shadow and kmemleak's objects need more than
# 256 MiB), so edu's DMA mask is widened to 32 bits; panic_on_warn=1 and
# oops=panic: the first WARN, KASAN or UBSAN report or oops ends the boot,
# and the host counts it from the console.
# shellcheck disable=SC2034,SC2054 # used by the callers; commas are QEMU's
DEBUG_GUEST_ENV=(
	GUEST_BUILD_DIR="$BUILD_DIR/guest-debug"
	GUEST_EXTRA_FRAGMENTS="$MEMSCOPE_REPO/scripts/guest/debug.fragment"
	GUEST_RUN_NAME=debug
	GUEST_MEM=512M
	GUEST_SMP=2
	GUEST_EDU=edu,dma_mask=0xffffffff
)
# Kernel arguments of the debug boot; callers add theirs after these.
# acpi=noirq: on this kernel, evaluating the PCI root's _PRT (QEMU's AML
# builds it in a 128-round loop) outlasts ACPICA's 30 s loop timeout, so
# every bind of edu took 31 s and ended with "PCI INT A: no GSI"; the
# BIOS's $PIR table routes edu's (unused) INTx instantly.
# slub_debug=-: KASAN already red-zones, poisons (quarantine) and records
# the allocation and free stacks of every object; SLUB's own debugging
# on top (run-tests.sh's slub_debug=FZPU) halved the rate of system calls.
# shellcheck disable=SC2034 # used by the callers
DEBUG_GUEST_APPEND="panic_on_warn=1 oops=panic acpi=noirq slub_debug=-"
