# SPDX-License-Identifier: GPL-2.0-only
#
# mdev live-migration compatibility: build, boot and test. See README.md.
# Everything is built under out/ (OUT=...); the assembled kernel tree in
# out/linux is never built in (O= folders only).

H := harness

.PHONY: all setup assemble modules debug selftests demo test test-host \
	test-stock test-debug test-s390 test-gates quick bench-mdpy bench-checks \
	series gates clean

all: demo

setup:
	@$(H)/setup.sh

assemble: setup
	@$(H)/assemble.sh

# Out-of-tree mdev.ko and samples for the stock Debian kernel.
modules: assemble
	@$(H)/build-stock.sh

# Our own debug kernel (KASAN, lockdep, kmemleak, KUnit).
debug: assemble
	@$(H)/build-debug.sh

selftests: assemble
	@$(H)/build-selftests.sh

# The main job: boot the stock kernel with our modules and show the flow.
demo: modules selftests
	@$(H)/vm/run.sh -k stock -- harness/demo.sh

# All tests (this is what CI runs). T=<test.sh> runs one kselftest.
test:
	@$(H)/test.sh

test-host test-stock test-debug test-s390 test-gates:
	@$(H)/test.sh $(@:test-%=%)

# Development loop: rebuild the stock modules, boot, run the kselftests.
quick:
	@$(H)/test.sh stock

# Benchmark of an mdpy-hd migration on the stock kernel (not a test):
# save/restore throughput against memcpy, description check, downtime.
bench-mdpy: modules selftests
	@$(H)/bench-mdpy.sh

# Benchmark of the compatibility checks on the stock kernel (not a test):
# cost against a trivial sysfs read, finding a destination type against
# creating a device of each type, scaling with the number of parameters.
bench-checks: modules selftests
	@$(H)/bench-checks.sh

# The upstream submission: out/series/*.patch, a git format-patch series
# with a cover letter against the pristine tree, checked to apply with
# git am and to build and pass checkpatch after every patch.
series: setup
	@$(H)/series.sh

# checkpatch, kernel-doc, W=1, sparse and Sphinx on the project's files
# (the gates stage of make test).
gates: assemble
	@$(H)/gates.sh

clean:
	rm -rf out
