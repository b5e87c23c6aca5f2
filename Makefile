# SPDX-License-Identifier: GPL-2.0
# memscope: the two commands, and the pieces they are made of.
# Builds and caches live in $(MEMSCOPE_CACHE), ~/.cache/memscope by default.

.PHONY: demo test test-arm64 bench fuzz deb check-series kunit guest docs series-edit series-export help

ARGS ?=
# make fuzz: run time in seconds, seed, processes, memscope-fuzz options
# (commas for blanks). SECONDS is passed as an argument: bash would take
# an exported SECONDS for its own clock.
SECONDS ?= 600
SEED ?= 1
WORKERS ?= 2
FUZZ_FLAGS ?=

help:
	@echo "make demo    boot a QEMU guest with the series and tour memscope"
	@echo "             (make demo ARCH=arm64: the tour on QEMU's arm64 virt)"
	@echo "             (make demo ARGS=shell: a shell in the guest instead)"
	@echo "make test    everything: series checks, KUnit, guest tests, docs"
	@echo "make test-arm64  the series on arm64 (QEMU virt): devices from the"
	@echo "             device tree, edu DMA, a non-coherent DMA boot, KUnit"
	@echo "make bench   every performance figure with its goal, in one boot"
	@echo "make deb     the memscope-dkms package, for Debian's own kernels"
	@echo "make fuzz    SECONDS=N SEED=S: a long fuzz on the debug guest"
	@echo "             (KASAN, lockdep, UBSAN, kmemleak, DMA-API debug)"

# make demo ARCH=arm64: the tour on QEMU's arm64 virt machine.
ARCH ?= x86_64
demo:
	@GUEST_ARCH=$(ARCH) bash scripts/demo.sh $(ARGS)

test:
	@bash scripts/test.sh

test-arm64:
	@bash scripts/deps.sh && bash scripts/prepare-base.sh && \
		bash scripts/series.sh check && bash scripts/arm64.sh full

bench:
	@bash scripts/bench.sh

deb:
	@bash scripts/dkms/build-deb.sh .

fuzz:
	@bash scripts/fuzz.sh "$(SECONDS)" "$(SEED)" "$(WORKERS)" "$(FUZZ_FLAGS)"

check-series:
	@bash scripts/check-series.sh

kunit:
	@bash scripts/run-kunit.sh

docs:
	@bash scripts/check-docs.sh

series-edit:
	@bash scripts/series.sh edit

series-export:
	@bash scripts/series.sh export
