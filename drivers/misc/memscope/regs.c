// SPDX-License-Identifier: GPL-2.0
/*
 * memscope `regs` and `width`: a window's registers as text, one access
 * of the region's width per register, and the width itself.
 *
 * Offsets and widths are checked here, before the backend is called, so
 * every io kind refuses them the same way.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <kunit/visibility.h>

#include "memscope.h"
#include "memscope_trace.h"

/* Checks shared by `regs` and `data` for one access at @off. */
static int memscope_check_offset(struct memscope_region *r, u64 off,
				 unsigned int width)
{
	if (!IS_ALIGNED(off, width))
		return memscope_deny(-EINVAL,
				     "%s: offset %#llx is not a multiple of width %u",
				     r->name, off, width);
	if (off >= r->size || r->size - off < width)
		return memscope_deny(-EINVAL,
				     "%s: offset %#llx is past the end (size %#llx)",
				     r->name, off, r->size);
	return 0;
}

/* One checked read, the device already made ready by the caller. */
static int memscope_reg_read_one(struct memscope_region *r, u64 off, u64 *val)
{
	int ret = memscope_check_offset(r, off, r->width) ?:
		  r->ops->reg_read(r, off, val);

	if (!ret)
		trace_memscope_access(r, off, r->width, *val, false,
				      MEMSCOPE_VIA_REGS);
	return ret;
}

/**
 * memscope_reg_read() - one checked register read at the region's width
 * @r: an io region
 * @off: byte offset, a multiple of the width
 * @val: the value read
 *
 * Context: Process context.
 * Return: 0, -EINVAL for a misaligned or out-of-range offset (recorded),
 * -EIO if the device cannot answer, or the backend's error.
 */
int memscope_reg_read(struct memscope_region *r, u64 off, u64 *val)
{
	int ret = memscope_check_offset(r, off, r->width) ?:
		  memscope_access_begin(r);

	if (ret)
		return ret;
	ret = r->ops->reg_read(r, off, val);
	memscope_access_end(r);
	if (!ret)
		trace_memscope_access(r, off, r->width, *val, false,
				      MEMSCOPE_VIA_REGS);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_reg_read);

/**
 * memscope_reg_write() - one checked register write at the region's width
 * @r: an io region
 * @off: byte offset, a multiple of the width
 * @val: the value, which must fit in the width
 *
 * Exactly one device access: no read before, no split, nothing wider.
 *
 * Context: Process context.
 * Return: 0, -EINVAL for a bad offset, -ERANGE for a value that does not
 * fit, -EPERM when writes are not allowed, -EIO if the device cannot
 * answer, or the backend's error.
 */
int memscope_reg_write(struct memscope_region *r, u64 off, u64 val)
{
	unsigned int width = r->width;
	int ret;

	ret = memscope_check_offset(r, off, width);
	if (ret)
		return ret;
	if (width < 8 && val >> (width * 8))
		return memscope_deny(-ERANGE, "%s: %#llx does not fit in %u bytes",
				     r->name, val, width);
	ret = memscope_device_write_check(r) ?: memscope_access_begin(r);
	if (ret)
		return ret;
	memscope_device_write_taint(r);
	ret = r->ops->reg_write(r, off, val);
	memscope_access_end(r);
	if (!ret)
		trace_memscope_access(r, off, width, val, true,
				      MEMSCOPE_VIA_REGS);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_reg_write);

/*
 * The device is made ready (and the file held against teardown) once per
 * read(2), from start to stop: seq_file copies to user space only after
 * stop, so a stalled copy never holds up a device's remove().
 */
static int memscope_regs_begin(struct seq_file *m)
{
	struct memscope_regs_iter *it = m->private;
	struct dentry *dentry = m->file->f_path.dentry;
	int ret;

	if (it->begun)
		return 0;
	if (debugfs_file_get(dentry))
		return memscope_deny(-ENODEV, "%s: the region is gone",
				     it->r->name);
	ret = memscope_access_begin(it->r);
	if (ret) {
		debugfs_file_put(dentry);
		return ret;
	}
	it->begun = true;
	return 0;
}

/*
 * regs: one register per line. seq_file replays show() for a record
 * that did not fit its buffer; the cache makes sure such a replay prints
 * the value already read instead of touching the device again, since a
 * read can have side effects (FIFOs, clear-on-read status).
 */
static void *memscope_regs_start(struct seq_file *m, loff_t *pos)
{
	struct memscope_regs_iter *it = m->private;

	int ret;

	/* A new pass over the registers reads them all again. */
	if (!*pos)
		it->cached = -1;

	if (*pos >= div_u64(it->r->size, it->r->width))
		return NULL;
	ret = memscope_regs_begin(m);
	return ret ? ERR_PTR(ret) : pos;
}

static void *memscope_regs_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return memscope_regs_start(m, pos);
}

static void memscope_regs_stop(struct seq_file *m, void *v)
{
	struct memscope_regs_iter *it = m->private;

	if (!it->begun)
		return;
	memscope_access_end(it->r);
	debugfs_file_put(m->file->f_path.dentry);
	it->begun = false;
}

VISIBLE_IF_KUNIT int memscope_regs_show(struct seq_file *m, void *v)
{
	struct memscope_regs_iter *it = m->private;
	unsigned int width = it->r->width;
	loff_t idx = *(loff_t *)v;
	u64 off = (u64)idx * width;
	int ret;

	if (it->cached != idx) {
		ret = memscope_reg_read_one(it->r, off, &it->value);
		if (ret)
			return ret;
		it->cached = idx;
	}
	seq_printf(m, "%08llx: %0*llx\n", off, width * 2, it->value);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_regs_show);

/*
 * seq_file serves a read at any position by producing, and here reading,
 * every earlier line first. nonseekable_open() stops lseek() and pread(),
 * but not io_uring's reads at an explicit offset: refuse every read that
 * is neither a fresh start nor where the previous one ended.
 */
static ssize_t memscope_regs_read(struct file *file, char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct memscope_regs_iter *it = m->private;

	/* it->read_lock: no other reader moves read_pos in between. */
	guard(mutex)(&it->read_lock);
	if (*ppos && *ppos != m->read_pos)
		return memscope_deny(-ESPIPE,
				     "%s: regs is read in order from the start",
				     it->r->name);
	return seq_read(file, buf, count, ppos);
}

static const struct seq_operations memscope_regs_sops = {
	.start = memscope_regs_start,
	.next = memscope_regs_next,
	.stop = memscope_regs_stop,
	.show = memscope_regs_show,
};

static int memscope_regs_open(struct inode *inode, struct file *file)
{
	struct memscope_region *r = inode->i_private;
	struct memscope_regs_iter *it;
	int ret;

	ret = memscope_file_get(inode, file);
	if (ret)
		return ret;
	it = __seq_open_private(file, &memscope_regs_sops, sizeof(*it));
	if (!it) {
		memscope_file_close(r);
		return -ENOMEM;
	}
	it->r = r;
	it->cached = -1;
	mutex_init(&it->read_lock);
	/*
	 * No seeking: seq_file would replay every earlier line, reading
	 * registers nobody asked for. Dumps are read from the start.
	 */
	return nonseekable_open(inode, file);
}

static int memscope_regs_release(struct inode *inode, struct file *file)
{
	struct memscope_regs_iter *it = ((struct seq_file *)file->private_data)->private;
	struct memscope_region *r = it->r;

	mutex_destroy(&it->read_lock);
	seq_release_private(inode, file);
	memscope_file_close(r);
	return 0;
}

/* "OFFSET VALUE": exactly one write of the region's width. */
static ssize_t memscope_regs_write_iter(struct kiocb *iocb,
					struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	size_t count = iov_iter_count(from);
	struct seq_file *m = file->private_data;
	struct memscope_regs_iter *it = m->private;
	struct memscope_region *r = it->r;
	char text[64], why[MEMSCOPE_WHY_MAX];
	char *cur = text, *off_tok, *val_tok;
	u64 off, val;
	int ret;

	ret = memscope_text_copy(r->name, text, sizeof(text), from,
				 &it->unterminated, false);
	if (ret)
		return ret;

	off_tok = strsep(&cur, " \t");
	val_tok = cur ? strim(cur) : NULL;
	if (!val_tok || !*off_tok || strpbrk(val_tok, " \t"))
		return memscope_deny(-EINVAL, "%s: regs: want 'OFFSET VALUE'",
				     r->name);
	ret = memscope_parse_u64(off_tok, false, &off, why, sizeof(why)) ?:
	      memscope_parse_u64(val_tok, false, &val, why, sizeof(why));
	if (ret)
		return memscope_deny(ret, "%s: regs: %s", r->name, why);
	if (debugfs_file_get(file->f_path.dentry))
		return memscope_deny(-ENODEV, "%s: the region is gone", r->name);
	ret = memscope_reg_write(r, off, val);
	debugfs_file_put(file->f_path.dentry);
	return ret ? ret : count;
}

const struct file_operations memscope_regs_fops = {
	.owner = THIS_MODULE,
	.open = memscope_regs_open,
	.read = memscope_regs_read,
	.write_iter = memscope_regs_write_iter,
	.release = memscope_regs_release,
};

/* width: the access size `regs` and `data` use from the next open on. */
static ssize_t memscope_width_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct memscope_region *r = file->private_data;
	char text[4];
	int len;

	len = scnprintf(text, sizeof(text), "%u\n", READ_ONCE(r->width));
	return simple_read_from_buffer(ubuf, count, ppos, text, len);
}

static ssize_t memscope_width_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct memscope_region *r = file->private_data;
	unsigned int width;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 10, &width);
	if (ret)
		return memscope_deny(ret, "%s: width: not a number", r->name);
	ret = memscope_check_lockdown(r->name);
	if (ret)
		return ret;
	if (width > 8 || !(r->ops->widths & BIT(width)))
		return memscope_deny(-EINVAL,
				     "%s: width %u is not supported by %s regions",
				     r->name, width, r->ops->name);
	if (!IS_ALIGNED(r->phys, width) || !IS_ALIGNED(r->size, width))
		return memscope_deny(-EINVAL,
				     "%s: address and size are not multiples of %u",
				     r->name, width);

	/* Accesses in flight must all use one width: only this file open. */
	guard(mutex)(&r->lock);
	if (r->users > 1 || atomic_read(&r->mappings))
		return memscope_deny(-EBUSY,
				     "%s: width: close the region's other files first",
				     r->name);
	WRITE_ONCE(r->width, width);
	return count;
}

const struct file_operations memscope_width_fops = {
	.owner = THIS_MODULE,
	.open = memscope_file_open,
	.read = memscope_width_read,
	.write = memscope_width_write,
	.llseek = default_llseek,
	.release = memscope_file_release,
};
