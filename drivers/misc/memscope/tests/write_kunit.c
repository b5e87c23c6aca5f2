// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the device-write gate when CONFIG_MEMSCOPE_WRITE=n.
 *
 * A kernel built without memscope's device writes must refuse every path
 * that would reach a device: `regs` writes, `data` writes, writable
 * mappings, rw windows, and bus mastering for DMA buffers. The suite runs
 * in a kernel with CONFIG_MEMSCOPE_WRITE=n (scripts/run-kunit.sh builds
 * one on UML) and skips in one with it.
 */
#include <kunit/platform_device.h>
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "../memscope.h"
#include "helpers.h"

#define WRITE_KUNIT_DEV	"memscope-kunit-nowrite"

static void memscope_write_need_disabled(struct kunit *test)
{
	if (IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		kunit_skip(test, "CONFIG_MEMSCOPE_WRITE=y: device writes are built in");
}

/*
 * A device window as a bound device's BAR would be: rw, page aligned, and
 * never touched (no iomem), since every path must stop at the gate.
 */
static struct memscope_region *memscope_write_region(struct kunit *test)
{
	struct memscope_region *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	strscpy(r->name, "kunit-nowrite");
	r->kind = MEMSCOPE_KIND_MMIO;
	r->ops = memscope_backend_get(MEMSCOPE_KIND_MMIO);
	KUNIT_ASSERT_NOT_NULL(test, r->ops);
	r->size = PAGE_SIZE;
	r->width = 4;
	r->phys = 0x100000000ULL;
	r->flags = MEMSCOPE_REGION_RW;
	mutex_init(&r->lock);
	atomic_set(&r->mappings, 0);
	return r;
}

/* regs and data writes meet one gate; it refuses without touching iomem. */
static void memscope_write_regs_data_test(struct kunit *test)
{
	struct memscope_region *r;

	memscope_write_need_disabled(test);
	r = memscope_write_region(test);
	KUNIT_EXPECT_EQ(test, memscope_device_write_check(r), -EPERM);
	KUNIT_EXPECT_EQ(test, memscope_reg_write(r, 0, 1), -EPERM);
}

/* A writable shared mapping of device memory is refused at mmap(). */
static void memscope_write_mmap_test(struct kunit *test)
{
	struct vm_area_struct *vma;
	struct memscope_region *r;

	memscope_write_need_disabled(test);
	r = memscope_write_region(test);
	vma = kunit_kzalloc(test, sizeof(*vma), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	vma->vm_start = 0x10000000;
	vma->vm_end = vma->vm_start + PAGE_SIZE;
	vm_flags_init(vma, VM_READ | VM_WRITE | VM_SHARED | VM_MAYREAD |
		      VM_MAYWRITE | VM_MAYSHARE);
	KUNIT_EXPECT_EQ(test, memscope_data_mmap_locked(r, vma), -EPERM);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->mappings), 0);
	KUNIT_EXPECT_NULL(test, vma->vm_ops);
}

/* rw windows are refused at `map` and `io`, before anything is mapped. */
static void memscope_write_rw_window_test(struct kunit *test)
{
	memscope_write_need_disabled(test);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, "map kunit-nw 0x100000000 0x1000 rw"),
			-EPERM);
	KUNIT_EXPECT_NULL(test, memscope_region_find("kunit-nw"));
}

/* A DMA buffer may be made and shown, but the device cannot master. */
static void memscope_write_bus_master_test(struct kunit *test)
{
	struct platform_device *pdev;
	struct memscope_device *md;
	int ret;

	memscope_write_need_disabled(test);
	pdev = kunit_platform_device_alloc(test, WRITE_KUNIT_DEV,
					   PLATFORM_DEVID_NONE);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	KUNIT_ASSERT_EQ(test, device_set_driver_override(&pdev->dev, "memscope"), 0);
	KUNIT_ASSERT_EQ(test, kunit_platform_device_add(test, pdev), 0);
	KUNIT_ASSERT_NOT_NULL(test, pdev->dev.driver);

	ret = memscope_kunit_run(test, "dma kunit-nwc " WRITE_KUNIT_DEV " coherent 4K");
	if (ret == -ENOMEM) {
		device_release_driver(&pdev->dev);
		kunit_skip(test, "no coherent DMA memory for a platform device here");
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	/* The command is done: nothing changes md->master under us. */
	md = platform_get_drvdata(pdev);
	KUNIT_ASSERT_NOT_NULL(test, md);
	KUNIT_EXPECT_FALSE(test, md->master);
	device_release_driver(&pdev->dev);
	KUNIT_EXPECT_NULL(test, memscope_region_find("kunit-nwc"));
}

static struct kunit_case memscope_write_test_cases[] = {
	KUNIT_CASE(memscope_write_regs_data_test),
	KUNIT_CASE(memscope_write_mmap_test),
	KUNIT_CASE(memscope_write_rw_window_test),
	KUNIT_CASE(memscope_write_bus_master_test),
	{}
};

static struct kunit_suite memscope_write_suite = {
	.name = "memscope_write_gate",
	.test_cases = memscope_write_test_cases,
};

kunit_test_suite(memscope_write_suite);
