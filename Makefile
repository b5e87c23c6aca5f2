# SPDX-License-Identifier: GPL-2.0
# memscope: the two commands, and the pieces they are made of.
# Builds and caches live in $(MEMSCOPE_CACHE), ~/.cache/memscope by default.

.PHONY: demo test bench check-series kunit guest docs series-edit series-export help

ARGS ?=

help:
	@echo "make demo    boot a QEMU guest with the series and tour memscope"
	@echo "             (make demo ARGS=shell: a shell in the guest instead)"
	@echo "make test    everything: series checks, KUnit, guest tests, docs"
	@echo "make bench   memscope against devmem and sysfs resource0 mmap"

demo:
	@bash scripts/demo.sh $(ARGS)

test:
	@bash scripts/test.sh

bench:
	@bash scripts/bench.sh

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
