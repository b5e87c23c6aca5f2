// SPDX-License-Identifier: GPL-2.0
/*
 * memscope per-region files: each region's directory, `info`, the
 * reference an open file holds, and the gates a device access passes.
 * `regs` and `width` are in regs.c, `data` in data.c, `ops` in ops.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/panic.h>
#include <linux/seq_file.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "memscope.h"
#include "memscope_trace.h"

static const char *const memscope_flag_names[] = {
	"rw", "wc", "forced", "busy", "zeroed", "port",
};

/**
 * memscope_flags_show() - print a region's flags as a comma-separated list
 * @m: seq_file to print to
 * @r: the region
 *
 * Context: Any context.
 */
void memscope_flags_show(struct seq_file *m, struct memscope_region *r)
{
	bool first = true;
	unsigned int i;

	if (r->ops->device_regs && !(r->flags & MEMSCOPE_REGION_RW)) {
		seq_puts(m, "ro");
		first = false;
	}
	for (i = 0; i < ARRAY_SIZE(memscope_flag_names); i++) {
		if (!(r->flags & BIT(i)))
			continue;
		seq_printf(m, "%s%s", first ? "" : ",", memscope_flag_names[i]);
		first = false;
	}
	if (first)
		seq_puts(m, "-");
}

/**
 * memscope_file_get() - take a region's reference for an open file
 * @inode: the file's inode; i_private is the region
 * @file: the file being opened
 *
 * A dead region (freed, or its device gone) can no longer be opened.
 *
 * Context: Process context.
 * Return: 0, -EPERM without CAP_SYS_RAWIO, -ENODEV for a dead region.
 */
int memscope_file_get(struct inode *inode, struct file *file)
{
	struct dentry *dentry = file->f_path.dentry;
	struct memscope_region *r = inode->i_private;
	int ret;

	ret = memscope_open_check(file);
	if (ret)
		return ret;

	/*
	 * The files are created "unsafe" (debugfs holds no reference across
	 * their operations); the region under i_private is alive only while
	 * its files are, so the open itself is bracketed.
	 */
	if (debugfs_file_get(dentry))
		return -ENODEV;
	scoped_guard(mutex, &r->lock) {
		if (r->dead) {
			ret = -ENODEV;
		} else {
			r->users++;
			kref_get(&r->ref);
		}
	}
	debugfs_file_put(dentry);
	return ret;
}

/**
 * memscope_file_open() - open() of a region file that is not a seq_file
 * @inode: the file's inode; i_private is the region
 * @file: the file being opened; its private_data becomes the region
 *
 * Context: Process context.
 * Return: 0 or a negative errno, as memscope_file_get().
 */
int memscope_file_open(struct inode *inode, struct file *file)
{
	int ret = memscope_file_get(inode, file);

	if (!ret)
		file->private_data = inode->i_private;
	return ret;
}

/**
 * memscope_file_close() - drop what memscope_file_get() took
 * @r: the region
 *
 * Context: Process context.
 */
void memscope_file_close(struct memscope_region *r)
{
	scoped_guard(mutex, &r->lock)
		r->users--;
	memscope_region_put(r);
}

/**
 * memscope_file_release() - release() paired with memscope_file_open()
 * @inode: the file's inode
 * @file: the file being released
 *
 * Context: Process context.
 * Return: 0.
 */
int memscope_file_release(struct inode *inode, struct file *file)
{
	memscope_file_close(file->private_data);
	return 0;
}

/**
 * memscope_device_write_check() - the gate every device write passes
 * @r: the region to be written
 *
 * Device writes must be built in, allowed by lockdown, and asked for when
 * the window was created. It changes nothing: the taint comes later, once
 * every other check has passed too.
 *
 * Context: Process context.
 * Return: 0, or -EPERM with the reason recorded.
 */
int memscope_device_write_check(struct memscope_region *r)
{
	int ret;

	if (!IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		return memscope_deny(-EPERM,
				     "%s: device writes are not built in (CONFIG_MEMSCOPE_WRITE=n)",
				     r->name);
	ret = memscope_check_lockdown(r->name);
	if (ret)
		return ret;
	if (!(r->flags & MEMSCOPE_REGION_RW))
		return memscope_deny(-EPERM, "%s: read-only (map it with rw)",
				     r->name);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_device_write_check);

/**
 * memscope_device_write_taint() - a device write is about to happen
 * @r: the region written through
 *
 * Taint the kernel, as regmap's debugfs does, and say once which region
 * did it. Never called before a refusal.
 *
 * Context: Any context.
 */
void memscope_device_write_taint(struct memscope_region *r)
{
	KUNIT_STATIC_STUB_REDIRECT(memscope_device_write_taint, r);
	pr_warn_once("device write through region %s, tainting the kernel\n",
		     r->name);
	add_taint(TAINT_USER, LOCKDEP_STILL_OK);
}
EXPORT_SYMBOL_IF_KUNIT(memscope_device_write_taint);

/**
 * memscope_access_begin() - make the device ready for accesses
 * @r: the region
 *
 * A BAR must be powered and decoding; other kinds need nothing.
 *
 * Context: Process context.
 * Return: 0, or why the device cannot be accessed (recorded).
 */
int memscope_access_begin(struct memscope_region *r)
{
	return r->ops->begin ? r->ops->begin(r) : 0;
}

/**
 * memscope_access_end() - undo memscope_access_begin()
 * @r: the region
 *
 * Context: Process context.
 */
void memscope_access_end(struct memscope_region *r)
{
	if (r->ops->end)
		r->ops->end(r);
}

/*
 * info: key: value lines, common ones first, then the backend's. The
 * backend's data goes with its device: hold the file while showing it,
 * but not across the copy to user space that seq_file does afterwards.
 */
static int memscope_info_show(struct seq_file *m, void *unused)
{
	struct memscope_region *r = m->private;
	struct dentry *dentry = m->file->f_path.dentry;

	if (debugfs_file_get(dentry))
		return -ENODEV;
	seq_printf(m, "name: %s\n", r->name);
	seq_printf(m, "kind: %s\n", r->ops->name);
	seq_printf(m, "size: %#llx\n", r->size);
	seq_printf(m, "width: %u\n", r->width);
	seq_puts(m, "flags: ");
	memscope_flags_show(m, r);
	seq_putc(m, '\n');
	if (r->ops->show_info)
		r->ops->show_info(r, m);
	seq_printf(m, "mmap: %s\n", r->ops->mmap || r->ops->pfn ? "yes" :
		   r->ops->mmap_refusal ?: "no");
	seq_printf(m, "mappings: %d\n", atomic_read(&r->mappings));
	debugfs_file_put(dentry);
	return 0;
}

static int memscope_info_open(struct inode *inode, struct file *file)
{
	struct memscope_region *r = inode->i_private;
	int ret;

	ret = memscope_file_get(inode, file);
	if (ret)
		return ret;
	ret = single_open(file, memscope_info_show, r);
	if (ret)
		memscope_file_close(r);
	return ret;
}

static int memscope_info_release(struct inode *inode, struct file *file)
{
	struct memscope_region *r = ((struct seq_file *)file->private_data)->private;

	single_release(inode, file);
	memscope_file_close(r);
	return 0;
}

static const struct file_operations memscope_info_fops = {
	.owner = THIS_MODULE,
	.open = memscope_info_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = memscope_info_release,
};

/**
 * memscope_region_files_create() - create a region's debugfs directory
 * @r: the region, not yet published
 *
 * Nothing here is checked, as debugfs asks of its users: a region whose
 * files could not be created is still listed in `regions` and can be
 * freed.
 *
 * Context: Process context; called with memscope_lock held.
 */
void memscope_region_files_create(struct memscope_region *r)
{
	struct dentry *dir;

	dir = debugfs_create_dir(r->name, memscope_debugfs_root());

	/*
	 * All "unsafe": debugfs's proxy would hold the file, and with it a
	 * device's remove(), across user copies. Each operation holds it
	 * only around what touches the region's memory or device.
	 */
	debugfs_create_file_unsafe("info", 0400, dir, r, &memscope_info_fops);
	r->data = debugfs_create_file_unsafe("data", 0600, dir, r,
					     &memscope_data_fops);
	if (r->ops->device_regs) {
		debugfs_create_file_unsafe("regs", 0600, dir, r,
					   &memscope_regs_fops);
		debugfs_create_file_unsafe("width", 0600, dir, r,
					   &memscope_width_fops);
		debugfs_create_file_unsafe("ops", 0600, dir, r,
					   &memscope_ops_fops);
	}
	r->dir = dir;
}
