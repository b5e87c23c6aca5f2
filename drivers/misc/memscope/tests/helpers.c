// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by memscope's KUnit suites: run a command as `control`
 * would, create regions that are freed when the test ends, pass or fail,
 * and open and drive a region's files as a process would.
 */
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/mount.h>
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
 * memscope_kunit_edu_find() - QEMU's edu device, or skip the test
 * @test: the running test
 *
 * Context: Process context.
 * Return: the device, with a reference the caller drops. Skips the test
 * without PCI or without edu (QEMU's -device edu).
 */
struct pci_dev *memscope_kunit_edu_find(struct kunit *test)
{
	struct pci_dev *pdev;

	if (!IS_ENABLED(CONFIG_PCI))
		kunit_skip(test, "edu is a PCI device (QEMU x86_64 or arm64 virt)");
	pdev = pci_get_device(EDU_VENDOR, EDU_DEVICE, NULL);
	if (!pdev)
		kunit_skip(test, "no edu device (QEMU's -device edu)");
	return pdev;
}

/**
 * memscope_kunit_edu() - QEMU's edu device, enabled for the test
 * @test: the running test
 *
 * The firmware may leave memory decoding off (qboot does); the device is
 * enabled as its driver would, and disabled again when the test ends.
 *
 * Context: Process context.
 * Return: the device; skips the test as memscope_kunit_edu_find() does.
 */
struct pci_dev *memscope_kunit_edu(struct kunit *test)
{
	struct pci_dev *pdev = memscope_kunit_edu_find(test);

	if (pci_enable_device(pdev)) {
		pci_dev_put(pdev);
		KUNIT_FAIL_AND_ABORT(test, "cannot enable edu");
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							memscope_kunit_edu_disable,
							pdev), 0);
	return pdev;
}

static void memscope_kunit_unmount(void *mnt)
{
	kern_unmount(mnt);
}

/*
 * A file is closed synchronously, so that its region is no longer open
 * when the next cleanup step frees it.
 */
static void memscope_kunit_fput(void *file)
{
	__fput_sync(file);
}

/*
 * The test thread's mm, and with it every mapping, goes before cleanup
 * runs; a kthread's last fput() of a mapped file is deferred to a work
 * item, which must have run before the region is freed.
 */
static void memscope_kunit_flush(void *unused)
{
	flush_delayed_fput();
}

/**
 * memscope_kunit_open() - open a region's file as a process would
 * @test: the running test
 * @r: the region
 * @name: the file in the region's directory: "data", "width" ...
 * @flags: open flags, O_RDONLY or O_RDWR
 *
 * KUnit runs before anything mounts debugfs: the file is opened on a
 * kernel mount of it, through debugfs's own open, so the region's
 * file_operations are what the returned file calls.
 *
 * Context: Process context.
 * Return: the file, closed (and any mapping of it gone) when the test
 * ends, before the region is freed.
 */
struct file *memscope_kunit_open(struct kunit *test, struct memscope_region *r,
				 const char *name, int flags)
{
	struct file_system_type *type = get_fs_type("debugfs");
	struct path path;
	struct file *file;

	KUNIT_ASSERT_NOT_NULL(test, type);
	/* debugfs is built in: get_fs_type() took no module reference. */
	path.mnt = kern_mount(type);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, path.mnt);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memscope_kunit_unmount,
							path.mnt), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memscope_kunit_flush,
							NULL), 0);

	path.dentry = debugfs_lookup(name, r->dir);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, path.dentry);
	file = dentry_open(&path, flags, current_cred());
	dput(path.dentry);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memscope_kunit_fput,
							file), 0);
	return file;
}

/**
 * memscope_kunit_close() - close a file of memscope_kunit_open() early
 * @test: the running test
 * @file: the file
 *
 * Context: Process context.
 */
void memscope_kunit_close(struct kunit *test, struct file *file)
{
	kunit_release_action(test, memscope_kunit_fput, file);
}

/**
 * memscope_kunit_user() - a page of user memory for __user buffers
 * @test: the running test
 *
 * Context: Process context; attaches an mm to the test thread.
 * Return: the address, mapped until the test ends.
 */
char __user *memscope_kunit_user(struct kunit *test)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "no user memory for the test");
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	return (char __user *)addr;
}
