// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by memscope's KUnit suites: run a command as `control`
 * would, and create regions that are freed when the test ends, pass or
 * fail.
 */
#include <kunit/test.h>
#include <linux/pci.h>

#include "../memscope.h"
#include "helpers.h"

/**
 * memscope_kunit_run() - run one control command as a write to `control`
 * @test: the running test; a command that does not parse fails it
 * @text: the command
 *
 * Context: Process context.
 * Return: what the command returned: 0 or a negative errno.
 */
int memscope_kunit_run(struct kunit *test, const char *text)
{
	char why[MEMSCOPE_WHY_MAX];
	struct memscope_cmd cmd;
	int ret;

	ret = memscope_cmd_parse(text, &cmd, why, sizeof(why));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: %s", text, why);
	return memscope_cmd_run(&cmd);
}

static void memscope_kunit_free(void *name)
{
	memscope_region_free(name);
}

static void memscope_kunit_put(void *r)
{
	memscope_region_put(r);
}

/**
 * memscope_kunit_region() - create a region that lives as long as the test
 * @test: the running test; a failed creation fails it
 * @name: the region's name, as in @text
 * @text: the command that creates it
 *
 * Context: Process context.
 * Return: the region, with a reference that is dropped (and the region
 * freed) when the test ends, pass or fail.
 */
struct memscope_region *memscope_kunit_region(struct kunit *test,
					      const char *name,
					      const char *text)
{
	struct memscope_region *r;

	KUNIT_ASSERT_EQ(test, memscope_kunit_run(test, text), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memscope_kunit_free,
							(void *)name), 0);
	r = memscope_region_find(name);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memscope_kunit_put,
							r), 0);
	return r;
}

static void memscope_kunit_edu_disable(void *pdev)
{
	pci_disable_device(pdev);
	pci_dev_put(pdev);
}

/**
 * memscope_kunit_edu() - QEMU's edu device, enabled for the test
 * @test: the running test
 *
 * The firmware may leave memory decoding off (qboot does); the device is
 * enabled as its driver would, and disabled again when the test ends.
 *
 * Context: Process context.
 * Return: the device. Skips the test without PCI or edu (kunit.py runs
 * with kunit/x86_64-edu.py and kunit/arm64-edu.py, and
 * scripts/run-kunit.sh checks that the edu cases ran there).
 */
struct pci_dev *memscope_kunit_edu(struct kunit *test)
{
	struct pci_dev *pdev;

	if (!IS_ENABLED(CONFIG_PCI))
		kunit_skip(test, "edu is a PCI device (QEMU x86_64 or arm64 virt)");
	pdev = pci_get_device(EDU_VENDOR, EDU_DEVICE, NULL);
	if (!pdev)
		kunit_skip(test, "no edu device (QEMU's -device edu)");
	if (pci_enable_device(pdev)) {
		pci_dev_put(pdev);
		KUNIT_FAIL_AND_ABORT(test, "cannot enable edu");
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							memscope_kunit_edu_disable,
							pdev), 0);
	return pdev;
}
