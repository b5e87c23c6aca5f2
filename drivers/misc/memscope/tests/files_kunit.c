// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for memscope's per-region files, driven as user space
 * drives them: the debugfs file is opened, read and written through its
 * file_operations with user memory (kunit_vm_mmap()), and mapped with
 * vm_mmap(). What the other suites check by calling memscope's functions,
 * these check at the file interface: the end of a region, truncation,
 * mmap bounds and sharing, and the refusals of width and free while a
 * file is open.
 */
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/uaccess.h>

#include "../memscope.h"
#include "helpers.h"

/* debugfs, mounted by the suite: KUnit runs before anything mounts it. */
static struct vfsmount *memscope_files_mnt;

static int memscope_files_suite_init(struct kunit_suite *suite)
{
	struct file_system_type *type = get_fs_type("debugfs");

	if (!type)
		return -ENODEV;
	/* debugfs is built in: get_fs_type() took no module reference. */
	memscope_files_mnt = kern_mount(type);
	return PTR_ERR_OR_ZERO(memscope_files_mnt);
}

static void memscope_files_suite_exit(struct kunit_suite *suite)
{
	if (!IS_ERR_OR_NULL(memscope_files_mnt))
		kern_unmount(memscope_files_mnt);
}

/*
 * A file closed by the test: synchronously, so that the region is no
 * longer open when the next cleanup step frees it.
 */
static void memscope_files_fput(void *file)
{
	__fput_sync(file);
}

/*
 * Mappings are unmapped by kunit_vm_mmap()'s cleanup, and a kthread's
 * last fput() of a mapped file is deferred: flush it before the region
 * is freed.
 */
static void memscope_files_flush(void *unused)
{
	flush_delayed_fput();
}

static struct file *memscope_files_open(struct kunit *test,
					struct memscope_region *r,
					const char *name, int flags)
{
	struct path path = { .mnt = memscope_files_mnt };
	struct file *file;

	path.dentry = debugfs_lookup(name, r->dir);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, path.dentry);
	file = dentry_open(&path, flags, current_cred());
	dput(path.dentry);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memscope_files_fput,
							file), 0);
	return file;
}

/* A page of user memory for the file operations' __user buffers. */
static char __user *memscope_files_user(struct kunit *test)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "no user memory for the test");
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	return (char __user *)addr;
}

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

/* A region freed when the test ends, after its files and mappings. */
static struct memscope_region *memscope_files_region(struct kunit *test,
						     const char *name,
						     const char *text)
{
	struct memscope_region *r = memscope_kunit_region(test, name, text);

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memscope_files_flush,
							NULL), 0);
	return r;
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

	r = memscope_files_region(test, "kf_end", "alloc kf_end kzalloc 8192");
	file = memscope_files_open(test, r, "data", O_RDWR);
	ubuf = memscope_files_user(test);

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

		r = memscope_files_region(test, names[i], cmds[i]);
		size = r->size;
		file = memscope_files_open(test, r, "data", O_RDWR);
		ubuf = memscope_files_user(test);
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

	r = memscope_files_region(test, "kf_map", "alloc kf_map kmalloc 4096");
	file = memscope_files_open(test, r, "data", O_RDWR);
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
	char cmd[80];

	snprintf(cmd, sizeof(cmd), "map ew_mmap %#llx 0x1000 width=4",
		 (u64)pci_resource_start(pdev, 0));
	r = memscope_files_region(test, "ew_mmap", cmd);
	file = memscope_files_open(test, r, "data", O_RDWR);

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
	char cmd[80];

	snprintf(cmd, sizeof(cmd), "map ew_width %#llx 0x100 width=4",
		 (u64)pci_resource_start(pdev, 0));
	r = memscope_files_region(test, "ew_width", cmd);
	width = memscope_files_open(test, r, "width", O_RDWR);
	ubuf = memscope_files_user(test);

	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(width, ubuf, "3\n", 2, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(width, ubuf, "16", 2, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(r->width), 4);

	/* Another open file of the region pins its width. */
	data = memscope_files_open(test, r, "data", O_RDONLY);
	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(width, ubuf, "2\n", 2, 0),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, READ_ONCE(r->width), 4);
	kunit_release_action(test, memscope_files_fput, data);

	KUNIT_EXPECT_EQ(test, memscope_files_pwrite(width, ubuf, "2\n", 2, 0),
			2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(r->width), 2);
}

static struct kunit_case memscope_files_cases[] = {
	KUNIT_CASE(memscope_files_data_end_test),
	KUNIT_CASE(memscope_files_mmap_test),
	KUNIT_CASE(memscope_files_mmap_slab_test),
	KUNIT_CASE(memscope_files_mmap_io_test),
	KUNIT_CASE(memscope_files_width_test),
	{}
};

static struct kunit_suite memscope_files_suite = {
	.name = "memscope_files",
	.suite_init = memscope_files_suite_init,
	.suite_exit = memscope_files_suite_exit,
	.test_cases = memscope_files_cases,
};

kunit_test_suite(memscope_files_suite);
