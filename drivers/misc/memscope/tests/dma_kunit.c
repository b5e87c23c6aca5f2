// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for memscope's device binding and DMA buffers, driving the
 * DMA engine of QEMU's edu device (-device edu on x86_64 or arm64 virt):
 * RAM -> edu's buffer at 0x40000 -> RAM, compared byte for byte.
 */
#include <kunit/platform_device.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/uaccess.h>

#include "../memscope.h"
#include "helpers.h"

#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_START	0x01
#define EDU_DMA_TO_RAM	0x02
#define EDU_BUFFER	0x40000
#define XFER		1024

/*
 * The DMA mask edu decodes: 28 bits by default, served from ZONE_DMA or
 * swiotlb on x86_64. QEMU's arm64 virt machine has no RAM below 1 GiB, so
 * kunit/arm64-edu.py gives edu dma_mask=0xffffffff there.
 */
#define EDU_DMA_BITS	(IS_ENABLED(CONFIG_X86) ? 28 : 32)

static void edu_unbind(void *data)
{
	struct pci_dev *pdev = data;

	device_release_driver(&pdev->dev);
	device_set_driver_override(&pdev->dev, "");
	pci_dev_put(pdev);
}

/* Hand edu to memscope the way a user does: driver_override, then probe. */
static struct pci_dev *edu_bind(struct kunit *test)
{
	struct pci_dev *pdev = memscope_kunit_edu_find(test);

	KUNIT_ASSERT_EQ(test, device_set_driver_override(&pdev->dev, "memscope"), 0);
	KUNIT_ASSERT_EQ(test, device_attach(&pdev->dev), 1);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, edu_unbind, pdev), 0);
	return pdev;
}

static struct memscope_region *find(struct kunit *test, const char *name)
{
	struct memscope_region *r = memscope_region_find(name);

	KUNIT_ASSERT_NOT_NULL_MSG(test, r, "no region %s", name);
	memscope_region_put(r);	/* the device's remove() frees it */
	return r;
}

/* Run a command with the bound edu's name substituted for %s. */
static int edu_run(struct kunit *test, struct pci_dev *pdev, const char *fmt)
{
	char text[96];

	snprintf(text, sizeof(text), fmt, pci_name(pdev));
	return memscope_kunit_run(test, text);
}

/* State the mask edu really decodes, as a user must. */
static int edu_set_mask(struct kunit *test, struct pci_dev *pdev)
{
	char text[64];

	snprintf(text, sizeof(text), "dmamask %s %u", pci_name(pdev),
		 EDU_DMA_BITS);
	return memscope_kunit_run(test, text);
}

/* memscope names BAR regions after the device: 0000:00:03.0 -> 00-03-0. */
static struct memscope_region *edu_bar0(struct kunit *test,
					struct pci_dev *pdev)
{
	char name[32];

	snprintf(name, sizeof(name), "%02x-%02x-%x-bar0", pdev->bus->number,
		 PCI_SLOT(pdev->devfn), PCI_FUNC(pdev->devfn));
	return find(test, name);
}

static u64 edu_read(struct kunit *test, struct memscope_region *bar, u64 off)
{
	u64 val = 0;

	KUNIT_EXPECT_EQ(test, memscope_reg_read(bar, off, &val), 0);
	return val;
}

/* One edu DMA transfer, programmed through memscope's register path. */
static void edu_dma(struct kunit *test, struct memscope_region *bar, u64 src,
		    u64 dst, unsigned int cmd)
{
	unsigned int waited;

	bar->width = 8;
	KUNIT_ASSERT_EQ(test, memscope_reg_write(bar, EDU_DMA_SRC, src), 0);
	KUNIT_ASSERT_EQ(test, memscope_reg_write(bar, EDU_DMA_DST, dst), 0);
	KUNIT_ASSERT_EQ(test, memscope_reg_write(bar, EDU_DMA_COUNT, XFER), 0);
	KUNIT_ASSERT_EQ(test, memscope_reg_write(bar, EDU_DMA_CMD,
						 EDU_DMA_START | cmd), 0);
	/* edu completes a transfer on a 100 ms timer. */
	for (waited = 0; waited < 5000; waited += 10) {
		if (!(edu_read(test, bar, EDU_DMA_CMD) & EDU_DMA_START))
			break;
		usleep_range(10000, 20000);
	}
	bar->width = 4;
	KUNIT_ASSERT_LT_MSG(test, waited, 5000, "edu DMA did not complete");
}

static void fill(u8 *buf, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = seed + i * 13;
}

/* Binding maps BAR0; unbinding with live buffers frees everything. */
static void memscope_dma_bind_test(struct kunit *test)
{
	char bar_name[MEMSCOPE_NAME_MAX + 1];
	int before = memscope_stats_total();
	struct memscope_region *bar;
	struct pci_dev *pdev;

	pdev = edu_bind(test);
	bar = edu_bar0(test, pdev);
	/* The region goes with the device: keep its name, not a pointer. */
	strscpy(bar_name, bar->name);
	KUNIT_EXPECT_EQ(test, edu_read(test, bar, 0), 0x010000ed);
	KUNIT_EXPECT_EQ(test, bar->phys, pci_resource_start(pdev, 0));

	KUNIT_ASSERT_EQ(test, edu_run(test, pdev, "dma c %s coherent 4K"), 0);
	KUNIT_ASSERT_EQ(test, edu_run(test, pdev, "dma s %s stream 4K to-device"), 0);
	KUNIT_EXPECT_GT(test, memscope_stats_total(), before + 2);

	device_release_driver(&pdev->dev);
	KUNIT_EXPECT_NULL(test, memscope_region_find(bar_name));
	KUNIT_EXPECT_NULL(test, memscope_region_find("c"));
	KUNIT_EXPECT_NULL(test, memscope_region_find("s"));
	KUNIT_EXPECT_EQ(test, memscope_stats_total(), before);
}

/*
 * Unbinding tears a device's regions down under a live mapping of one:
 * the mapping's frames are zapped and the next touch faults (SIGBUS in a
 * process, -EFAULT here) instead of reaching a BAR memscope no longer
 * owns.
 */
static void memscope_dma_unbind_mapped_test(struct kunit *test)
{
	struct memscope_region *bar;
	struct pci_dev *pdev;
	unsigned long addr;
	struct file *file;
	u32 id = 0;

	pdev = edu_bind(test);
	bar = edu_bar0(test, pdev);
	/* The open file keeps the region, not the BAR, past the unbind. */
	file = memscope_kunit_open(test, bar, "data", O_RDONLY);
	addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ, MAP_SHARED,
			     0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap %ld",
			       (long)addr);
	/* One 32-bit load: edu answers only 4-byte reads of its ID. */
	KUNIT_ASSERT_EQ(test, get_user(id, (u32 __user *)addr), 0);
	KUNIT_EXPECT_EQ(test, id, 0x010000ed);

	device_release_driver(&pdev->dev);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(bar->dead));
	KUNIT_EXPECT_EQ(test, get_user(id, (u32 __user *)addr), -EFAULT);
}

/* edu's DMA engine is programmed through its registers: device writes. */
static void edu_need_writes(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		kunit_skip(test, "edu's DMA engine needs CONFIG_MEMSCOPE_WRITE");
}

static void memscope_dma_coherent_roundtrip_test(struct kunit *test)
{
	struct memscope_region *bar, *c1, *c2;
	struct pci_dev *pdev;
	u8 *in, *out;

	edu_need_writes(test);
	pdev = edu_bind(test);
	bar = edu_bar0(test, pdev);
	KUNIT_ASSERT_EQ(test, edu_set_mask(test, pdev), 0);
	KUNIT_ASSERT_EQ(test, edu_run(test, pdev, "dma c1 %s coherent 4K"), 0);
	KUNIT_ASSERT_EQ(test, edu_run(test, pdev, "dma c2 %s coherent 4K"), 0);
	c1 = find(test, "c1");
	c2 = find(test, "c2");
	KUNIT_EXPECT_LT(test, c1->bus + c1->size - 1,
			1ULL << EDU_DMA_BITS);
	/* The mask cannot change under live buffers. */
	KUNIT_EXPECT_EQ(test, edu_run(test, pdev, "dmamask %s 32"), -EBUSY);

	in = kunit_kmalloc(test, XFER, GFP_KERNEL);
	out = kunit_kzalloc(test, XFER, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	fill(in, XFER, 0x5a);
	KUNIT_ASSERT_EQ(test, c1->ops->write(c1, 0, in, XFER), 0);

	edu_dma(test, bar, c1->bus, EDU_BUFFER, 0);
	edu_dma(test, bar, EDU_BUFFER, c2->bus, EDU_DMA_TO_RAM);
	KUNIT_ASSERT_EQ(test, c2->ops->read(c2, 0, out, XFER), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, XFER);
}

static void memscope_dma_stream_roundtrip_test(struct kunit *test)
{
	struct memscope_region *bar, *s1, *s2;
	struct pci_dev *pdev;
	u8 *in, *out;

	edu_need_writes(test);
	pdev = edu_bind(test);
	bar = edu_bar0(test, pdev);
	KUNIT_ASSERT_EQ(test, edu_set_mask(test, pdev), 0);
	KUNIT_ASSERT_EQ(test, edu_run(test, pdev, "dma s1 %s stream 4K to-device"), 0);
	KUNIT_ASSERT_EQ(test, edu_run(test, pdev, "dma s2 %s stream 4K from-device"), 0);
	s1 = find(test, "s1");
	s2 = find(test, "s2");
	in = kunit_kmalloc(test, XFER, GFP_KERNEL);
	out = kunit_kzalloc(test, XFER, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	fill(in, XFER, 0xc3);

	/* Mapped buffers belong to the device: the CPU must ask first. */
	KUNIT_EXPECT_EQ(test, s1->ops->write(s1, 0, in, XFER), -EBUSY);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, "sync s1 device"), -EINVAL);
	KUNIT_ASSERT_EQ(test, memscope_kunit_run(test, "sync s1 cpu"), 0);
	KUNIT_ASSERT_EQ(test, s1->ops->write(s1, 0, in, XFER), 0);
	KUNIT_ASSERT_EQ(test, memscope_kunit_run(test, "sync s1 device"), 0);

	edu_dma(test, bar, s1->bus, EDU_BUFFER, 0);
	edu_dma(test, bar, EDU_BUFFER, s2->bus, EDU_DMA_TO_RAM);
	KUNIT_EXPECT_EQ(test, s2->ops->read(s2, 0, out, XFER), -EBUSY);
	KUNIT_ASSERT_EQ(test, memscope_kunit_run(test, "sync s2 cpu"), 0);
	KUNIT_ASSERT_EQ(test, s2->ops->read(s2, 0, out, XFER), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, XFER);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, "sync c1 cpu"), -ENOENT);
}

/* Commands naming a device memscope does not own are refused. */
static void memscope_dma_unbound_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, "dma x nosuchdev coherent 4K"), -ENODEV);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, "dmamask nosuchdev 32"), -ENODEV);
	KUNIT_EXPECT_NULL(test, memscope_region_find("x"));
}

/* The platform driver maps a device's memory resources as bar regions. */
static void memscope_dma_platform_test(struct kunit *test)
{
	struct platform_device *pdev;
	struct memscope_region *bar;
	struct pci_dev *edu;
	struct resource res;

	/* The resource is edu's BAR0, with decoding on. */
	edu = memscope_kunit_edu(test);
	res = DEFINE_RES_MEM(pci_resource_start(edu, 0), 0x1000);

	pdev = kunit_platform_device_alloc(test, "memscope-kunit",
					   PLATFORM_DEVID_NONE);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	KUNIT_ASSERT_EQ(test, platform_device_add_resources(pdev, &res, 1), 0);
	KUNIT_ASSERT_EQ(test, device_set_driver_override(&pdev->dev, "memscope"), 0);
	KUNIT_ASSERT_EQ(test, kunit_platform_device_add(test, pdev), 0);

	bar = find(test, "memscope-kunit-bar0");
	KUNIT_EXPECT_EQ(test, bar->size, 0x1000);
	KUNIT_EXPECT_EQ(test, edu_read(test, bar, 0), 0x010000ed);

	device_release_driver(&pdev->dev);
	KUNIT_EXPECT_NULL(test, memscope_region_find("memscope-kunit-bar0"));
}

static struct kunit_case memscope_dma_test_cases[] = {
	KUNIT_CASE(memscope_dma_bind_test),
	KUNIT_CASE(memscope_dma_unbind_mapped_test),
	KUNIT_CASE_SLOW(memscope_dma_coherent_roundtrip_test),
	KUNIT_CASE_SLOW(memscope_dma_stream_roundtrip_test),
	KUNIT_CASE(memscope_dma_unbound_test),
	KUNIT_CASE(memscope_dma_platform_test),
	{}
};

static struct kunit_suite memscope_dma_suite = {
	.name = "memscope_dma",
	.test_cases = memscope_dma_test_cases,
};

kunit_test_suite(memscope_dma_suite);
