// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for memscope's per-region files, driven as user space
 * drives them: the debugfs file is opened, read and written through its
 * file_operations with user memory (kunit_vm_mmap()), and mapped with
 * vm_mmap(). What the other suites check by calling memscope's functions,
 * these check at the file interface: the end of a region, truncation,
 * mmap bounds and sharing, the claim rules of a busy range, and the
 * refusals of width and free while a file is open.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include "../memscope.h"
#include "helpers.h"

static ssize_t memscope_files_pwrite(struct file *file, char __user *ubuf,
				     const void *src, size_t len, loff_t pos)
{
	if (copy_to_user(ubuf, src, len))
		return -EFAULT;
	return file->f_op->write(file, ubuf, len, &pos);
}

static ssize_t memscope_files_pread(struct file *file, char __user *ubuf,
				    void *dst, size_t len, loff_t pos)
{
	ssize_t ret = file->f_op->read(file, ubuf, len, &pos);

	if (ret > 0 && copy_from_user(dst, ubuf, ret))
		return -EFAULT;
	return ret;
}

/* A window called @name over edu's BAR0: "map NAME BAR0 @rest". */
static struct memscope_region *memscope_files_edu_map(struct kunit *test,
						      struct pci_dev *pdev,
						      const char *name,
						      const char *rest)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "map %s %#llx %s", name,
		 (u64)pci_resource_start(pdev, 0), rest);
	return memscope_kunit_region(test, name, cmd);
}

/* data: the end of a region is EOF for reads and ENOSPC for writes. */
static void memscope_files_data_end_test(struct kunit *test)
{
	static const u8 pattern[16] = { 0xa5, 0x5a, 1, 2, 3, 4, 5, 6,
					7, 8, 9, 10, 11, 12, 13, 14 };
	struct memscope_region *r;
	char __user *ubuf;
	struct file *file;
	u8 back[16];

	r = memscope_kunit_region(test, "kf_end", "alloc kf_end kzalloc 8192");
	file = memscope_kunit_open(test, r, "data", O_RDWR);
	ubuf = memscope_kunit_user(test);

	/* A write over the end is cut short at the end, not refused. */
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(file, ubuf, pattern, 16,
						    8192 - 8), 8);
	/* At the end: a write is ENOSPC, an empty one is 0, a read is EOF. */
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(file, ubuf, pattern, 1,
						    8192), -ENOSPC);
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(file, ubuf, pattern, 0,
						    8192), 0);
	KUNIT_EXPECT_EQ(test, memscope_files_pread(file, ubuf, back, 16, 8192),
			0);
	KUNIT_EXPECT_EQ(test, memscope_files_pread(file, ubuf, back, 16,
						   1 << 20), 0);

	/* A read over the end is cut short, and returns what was written. */
	memset(back, 0xee, sizeof(back));
	KUNIT_EXPECT_EQ(test, memscope_files_pread(file, ubuf, back, 16,
						   8192 - 8), 8);
	KUNIT_EXPECT_MEMEQ(test, back, pattern, 8);
	KUNIT_EXPECT_EQ(test, back[8], 0xee);

	/* Nothing before the start. */
	KUNIT_EXPECT_EQ(test, memscope_files_pread(file, ubuf, back, 1, -1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(file, ubuf, pattern, 1, -1),
			-EINVAL);

	/* The region was opened, so it cannot be freed under the file. */
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, "free kf_end"), -EBUSY);
}

/*
 * mmap: a mapping shows the bytes written through data, only MAP_SHARED
 * for kinds whose frames are inserted at fault time (pages), never past
 * the end, and a mapped region cannot be freed. Slab memory is never
 * mapped.
 */
static void memscope_files_mmap_test(struct kunit *test)
{
	static const char *const cmds[] = {
		"alloc pf_map pages 8192", "alloc vf_map vmalloc 12288",
	};
	static const char *const names[] = { "pf_map", "vf_map" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		struct memscope_region *r;
		unsigned long addr, size;
		u8 pattern[64], back[64];
		char __user *ubuf;
		struct file *file;
		char free_cmd[32];

		r = memscope_kunit_region(test, names[i], cmds[i]);
		size = r->size;
		file = memscope_kunit_open(test, r, "data", O_RDWR);
		ubuf = memscope_kunit_user(test);
		get_random_bytes(pattern, sizeof(pattern));
		KUNIT_ASSERT_EQ(test, memscope_files_pwrite(file, ubuf, pattern,
							    sizeof(pattern),
							    PAGE_SIZE),
				(ssize_t)sizeof(pattern));

		/* Past the end, whole or by offset. */
		addr = kunit_vm_mmap(test, file, 0, size + PAGE_SIZE, PROT_READ,
				     MAP_SHARED, 0);
		KUNIT_EXPECT_EQ(test, addr, (unsigned long)-EINVAL);
		addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ,
				     MAP_SHARED, size);
		KUNIT_EXPECT_EQ(test, addr, (unsigned long)-EINVAL);
		if (!r->ops->mmap) {
			/* Inserted at fault time: no private copy. */
			addr = kunit_vm_mmap(test, file, 0, size, PROT_READ,
					     MAP_PRIVATE, 0);
			KUNIT_EXPECT_EQ(test, addr, (unsigned long)-EINVAL);
		}

		addr = kunit_vm_mmap(test, file, 0, size, PROT_READ, MAP_SHARED,
				     0);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "%s: mmap %ld",
				       names[i], (long)addr);
		KUNIT_EXPECT_EQ(test, atomic_read(&r->mappings), 1);
		memset(back, 0, sizeof(back));
		KUNIT_EXPECT_EQ(test, copy_from_user(back,
						     (void __user *)addr + PAGE_SIZE,
						     sizeof(back)), 0);
		KUNIT_EXPECT_MEMEQ(test, back, pattern, sizeof(pattern));

		snprintf(free_cmd, sizeof(free_cmd), "free %s", names[i]);
		KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, free_cmd), -EBUSY);
	}
}

static void memscope_files_mmap_slab_test(struct kunit *test)
{
	struct memscope_region *r;
	struct file *file;

	r = memscope_kunit_region(test, "kf_map", "alloc kf_map kmalloc 4096");
	file = memscope_kunit_open(test, r, "data", O_RDWR);
	KUNIT_EXPECT_EQ(test, kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ,
					    MAP_SHARED, 0),
			(unsigned long)-ENODEV);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->mappings), 0);
}

/*
 * A device window mapped without PROT_WRITE stays read-only: memscope
 * clears VM_MAYWRITE, so mprotect() cannot make it writable later (the
 * write gate runs only at mmap()). A window without rw is not mapped
 * writable at all. Needs a device window: edu's BAR0 under QEMU.
 */
static void memscope_files_mmap_io_test(struct kunit *test)
{
	struct pci_dev *pdev = memscope_kunit_edu(test);
	vm_flags_t flags = 0, want;
	struct vm_area_struct *vma;
	struct memscope_region *r;
	struct file *file;
	unsigned long addr;

	r = memscope_files_edu_map(test, pdev, "ew_mmap", "0x1000 width=4");
	file = memscope_kunit_open(test, r, "data", O_RDWR);

	addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED, 0);
	KUNIT_EXPECT_EQ(test, addr, (unsigned long)-EPERM);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->mappings), 0);

	addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap %ld", (long)addr);
	mmap_read_lock(current->mm);
	vma = find_vma(current->mm, addr);
	if (vma)
		flags = vma->vm_flags;
	mmap_read_unlock(current->mm);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_FALSE(test, flags & (VM_MAYWRITE | VM_WRITE));
	want = VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND;
	KUNIT_EXPECT_EQ(test, flags & want, want);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->mappings), 1);
}

/*
 * width: changed only while no other file of the region is open or
 * mapped, and only to a width the window's size and alignment allow.
 * Needs a device window: edu's BAR0 under QEMU.
 */
static void memscope_files_width_test(struct kunit *test)
{
	struct pci_dev *pdev = memscope_kunit_edu(test);
	struct file *width, *data;
	struct memscope_region *r;
	char __user *ubuf;

	r = memscope_files_edu_map(test, pdev, "ew_width", "0x100 width=4");
	width = memscope_kunit_open(test, r, "width", O_RDWR);
	ubuf = memscope_kunit_user(test);

	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(width, ubuf, "3\n", 2, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(width, ubuf, "16", 2, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(r->width), 4);

	/* Another open file of the region pins its width. */
	data = memscope_kunit_open(test, r, "data", O_RDONLY);
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(width, ubuf, "2\n", 2, 0),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, READ_ONCE(r->width), 4);
	memscope_kunit_close(test, data);

	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(width, ubuf, "2\n", 2, 0),
			2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(r->width), 2);
}

static void memscope_files_release_busy(void *phys)
{
	release_mem_region((resource_size_t)(uintptr_t)phys, SZ_4K);
}

/*
 * /dev/mem's rules for a range someone else requested: refused outright
 * with CONFIG_IO_STRICT_DEVMEM, otherwise mapped read-only and marked
 * busy, and rw only with force. Needs a device window: edu's BAR0, made
 * busy by the test itself.
 */
static void memscope_files_claim_test(struct kunit *test)
{
	struct pci_dev *pdev = memscope_kunit_edu(test);
	resource_size_t phys = pci_resource_start(pdev, 0);
	struct memscope_region *r;
	char cmd[96];

	KUNIT_ASSERT_NOT_NULL(test, request_mem_region(phys, SZ_4K, "kunit"));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							memscope_files_release_busy,
							(void *)(uintptr_t)phys), 0);

	snprintf(cmd, sizeof(cmd), "map kc_ro %#llx 0x1000", (u64)phys);
	if (IS_ENABLED(CONFIG_IO_STRICT_DEVMEM)) {
		KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, cmd), -EBUSY);
		KUNIT_EXPECT_NULL(test, memscope_region_find("kc_ro"));
		return;
	}
	r = memscope_kunit_region(test, "kc_ro", cmd);
	KUNIT_EXPECT_TRUE(test, r->flags & MEMSCOPE_REGION_BUSY);
	KUNIT_EXPECT_FALSE(test, r->flags & (MEMSCOPE_REGION_RW |
					     MEMSCOPE_REGION_FORCED));

	snprintf(cmd, sizeof(cmd), "map kc_rw %#llx 0x1000 rw", (u64)phys);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, cmd),
			IS_ENABLED(CONFIG_MEMSCOPE_WRITE) ? -EBUSY : -EPERM);
	KUNIT_EXPECT_NULL(test, memscope_region_find("kc_rw"));
	if (!IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		return;

	snprintf(cmd, sizeof(cmd), "map kc_force %#llx 0x1000 rw force",
		 (u64)phys);
	r = memscope_kunit_region(test, "kc_force", cmd);
	KUNIT_EXPECT_EQ(test, r->flags & (MEMSCOPE_REGION_RW |
					  MEMSCOPE_REGION_BUSY |
					  MEMSCOPE_REGION_FORCED),
			MEMSCOPE_REGION_RW | MEMSCOPE_REGION_BUSY |
			MEMSCOPE_REGION_FORCED);
}

static unsigned int memscope_files_taints;

static void memscope_files_count_taint(struct memscope_region *r)
{
	memscope_files_taints++;
}

/*
 * data on a device window moves whole registers: an offset or a length
 * that is not a multiple of the width is refused, and a read returns the
 * registers themselves (edu's ID at 0). Needs edu's BAR0 under QEMU.
 */
static void memscope_files_data_units_test(struct kunit *test)
{
	struct pci_dev *pdev = memscope_kunit_edu(test);
	struct memscope_region *r;
	char __user *ubuf;
	struct file *file;
	u32 regs[2];

	r = memscope_files_edu_map(test, pdev, "ew_units", "0x100 width=4");
	file = memscope_kunit_open(test, r, "data", O_RDONLY);
	ubuf = memscope_kunit_user(test);

	KUNIT_EXPECT_EQ(test, memscope_files_pread(file, ubuf, regs, 4, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_files_pread(file, ubuf, regs, 6, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_files_pread(file, ubuf, regs, 2, 0),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, memscope_files_pread(file, ubuf, regs, 8, 0), 8);
	KUNIT_EXPECT_EQ(test, regs[0], 0x010000ed);
}

/*
 * A device write taints the kernel only once every check has passed: no
 * refused write taints, and an accepted one taints before it reaches the
 * device. The taint is counted through a stub, so the test kernel itself
 * stays untainted. Needs edu's BAR0 under QEMU.
 */
static void memscope_files_taint_order_test(struct kunit *test)
{
	struct pci_dev *pdev = memscope_kunit_edu(test);
	struct memscope_region *ro, *rw;
	struct file *ro_data, *rw_data;
	char __user *ubuf;
	u32 val = 0x12345678;

	if (!IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		kunit_skip(test, "device writes are not built in");
	ro = memscope_files_edu_map(test, pdev, "ew_ro", "0x100 width=4");
	/* A BAR is a range the kernel describes: rw needs force. */
	rw = memscope_files_edu_map(test, pdev, "ew_rw",
				    "0x100 width=4 rw force");
	ro_data = memscope_kunit_open(test, ro, "data", O_RDWR);
	rw_data = memscope_kunit_open(test, rw, "data", O_RDWR);
	ubuf = memscope_kunit_user(test);

	memscope_files_taints = 0;
	kunit_activate_static_stub(test, memscope_device_write_taint,
				   memscope_files_count_taint);
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(ro_data, ubuf, &val, 4, 4),
			-EPERM);
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(rw_data, ubuf, &val, 4, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(rw_data, ubuf, &val, 4,
						    0x100), -ENOSPC);
	KUNIT_EXPECT_EQ(test, memscope_files_taints, 0);

	/* edu's liveness register (0x04) answers the inverse of a write. */
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(rw_data, ubuf, &val, 4, 4),
			4);
	KUNIT_EXPECT_EQ(test, memscope_files_taints, 1);
	KUNIT_EXPECT_EQ(test, memscope_files_pread(rw_data, ubuf, &val, 4, 4),
			4);
	KUNIT_EXPECT_EQ(test, val, ~0x12345678U);
}

static bool memscope_files_locked_down(void)
{
	return true;
}

/*
 * Under confidentiality lockdown kernel memory cannot be read through
 * `data`, as /proc/kcore cannot; the same file reads again once the
 * lockdown is gone, so the refusal is the lockdown's.
 */
static void memscope_files_kcore_test(struct kunit *test)
{
	static const u8 pattern[4] = { 0xde, 0xad, 0xbe, 0xef };
	struct memscope_region *r;
	char __user *ubuf;
	struct file *file;
	u8 buf[4];

	r = memscope_kunit_region(test, "fk_kcore",
				  "alloc fk_kcore kzalloc 64");
	memcpy(r->vaddr, pattern, sizeof(pattern));
	file = memscope_kunit_open(test, r, "data", O_RDONLY);
	ubuf = memscope_kunit_user(test);

	kunit_activate_static_stub(test, memscope_locked_down_kcore,
				   memscope_files_locked_down);
	memset(buf, 0, sizeof(buf));
	KUNIT_EXPECT_EQ(test, memscope_files_pread(file, ubuf, buf, 4, 0),
			-EPERM);
	KUNIT_EXPECT_EQ(test, buf[0], 0);

	kunit_deactivate_static_stub(test, memscope_locked_down_kcore);
	KUNIT_ASSERT_EQ(test, memscope_files_pread(file, ubuf, buf, 4, 0), 4);
	KUNIT_EXPECT_MEMEQ(test, buf, pattern, sizeof(pattern));
}

static struct kunit_case memscope_files_cases[] = {
	KUNIT_CASE(memscope_files_data_end_test),
	KUNIT_CASE(memscope_files_mmap_test),
	KUNIT_CASE(memscope_files_mmap_slab_test),
	KUNIT_CASE(memscope_files_mmap_io_test),
	KUNIT_CASE(memscope_files_width_test),
	KUNIT_CASE(memscope_files_claim_test),
	KUNIT_CASE(memscope_files_data_units_test),
	KUNIT_CASE(memscope_files_taint_order_test),
	KUNIT_CASE(memscope_files_kcore_test),
	{}
};

static struct kunit_suite memscope_files_suite = {
	.name = "memscope_files",
	.test_cases = memscope_files_cases,
};

kunit_test_suite(memscope_files_suite);
