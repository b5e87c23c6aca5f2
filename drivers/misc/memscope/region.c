// SPDX-License-Identifier: GPL-2.0
/*
 * memscope per-region files: info, regs, data and width (ops.c has ops).
 *
 * The same files serve every kind; the backend only moves the bytes. All
 * checks on user input happen here, before a backend is called, so every
 * kind refuses bad offsets, widths and sizes the same way.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/panic.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <kunit/visibility.h>

#include "memscope.h"
#include "memscope_trace.h"

/*
 * Bytes moved per backend call on `data`: bounds the bounce buffer and
 * the time a device's remove() may wait for one chunk.
 */
#define MEMSCOPE_CHUNK		SZ_64K

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

	if (r->ops->io && !(r->flags & MEMSCOPE_REGION_RW)) {
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

/* open() of the files that are not seq_files: private_data is the region. */
static int memscope_file_open(struct inode *inode, struct file *file)
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

static int memscope_file_release(struct inode *inode, struct file *file)
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
		return memscope_fail(-EPERM,
				     "%s: device writes are not built in (CONFIG_MEMSCOPE_WRITE=n)",
				     r->name);
	ret = memscope_check_lockdown(r->name);
	if (ret)
		return ret;
	if (!(r->flags & MEMSCOPE_REGION_RW))
		return memscope_fail(-EPERM, "%s: read-only (map it with rw)",
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
	pr_warn_once("device write through region %s, tainting the kernel\n",
		     r->name);
	add_taint(TAINT_USER, LOCKDEP_STILL_OK);
}

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

/* Checks shared by `regs` and `data` for one access at @off. */
static int memscope_check_offset(struct memscope_region *r, u64 off,
				 unsigned int width)
{
	if (!IS_ALIGNED(off, width))
		return memscope_fail(-EINVAL,
				     "%s: offset %#llx is not a multiple of width %u",
				     r->name, off, width);
	if (off >= r->size || r->size - off < width)
		return memscope_fail(-EINVAL,
				     "%s: offset %#llx is past the end (size %#llx)",
				     r->name, off, r->size);
	return 0;
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
		return memscope_fail(-ERANGE, "%s: %#llx does not fit in %u bytes",
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
		return memscope_fail(-ENODEV, "%s: the region is gone",
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
		return memscope_fail(-ESPIPE,
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
		return memscope_fail(-EINVAL, "%s: regs: want 'OFFSET VALUE'",
				     r->name);
	ret = memscope_parse_u64(off_tok, false, &off, why, sizeof(why)) ?:
	      memscope_parse_u64(val_tok, false, &val, why, sizeof(why));
	if (ret)
		return memscope_fail(ret, "%s: regs: %s", r->name, why);
	if (debugfs_file_get(file->f_path.dentry))
		return memscope_fail(-ENODEV, "%s: the region is gone", r->name);
	ret = memscope_reg_write(r, off, val);
	debugfs_file_put(file->f_path.dentry);
	return ret ? ret : count;
}

static const struct file_operations memscope_regs_fops = {
	.owner = THIS_MODULE,
	.open = memscope_regs_open,
	.read = memscope_regs_read,
	.write_iter = memscope_regs_write_iter,
	.release = memscope_regs_release,
};

/*
 * data: raw bytes, moved chunk by chunk through a bounce buffer; each
 * chunk's device access, not the user copy, holds the file (see
 * memscope_data_chunk()). debugfs's proxy would not forward mmap anyway.
 *
 * Offsets and lengths of device memory move whole registers.
 */
static int memscope_data_check(struct memscope_region *r, loff_t pos,
			       size_t len)
{
	unsigned int width = READ_ONCE(r->width);

	if (pos < 0)
		return memscope_fail(-EINVAL, "%s: negative offset", r->name);
	if (r->ops->io && (!IS_ALIGNED(pos, width) || !IS_ALIGNED(len, width)))
		return memscope_fail(-EINVAL,
				     "%s: data offset and length must be multiples of width %u",
				     r->name, width);
	return 0;
}

/*
 * One chunk of `data` between the device and the bounce buffer, bracketed
 * by debugfs_file_get()/put() so that a teardown waits for it. The copy
 * to or from user space stays outside: a stalled user copy must not hold
 * up a device's remove().
 *
 * Kernel memory that lies linear behind r->vaddr (@ubuf given) is read
 * straight into user space instead, one copy rather than two, but only
 * without faulting, for the same reason: where the user's pages are not
 * present, the chunk returns 1 and the caller takes the bounce buffer.
 */
static int memscope_data_chunk(struct file *file, u64 off, void *buf,
			       char __user *ubuf, size_t n, bool write)
{
	struct memscope_region *r = file->private_data;
	struct dentry *dentry = file->f_path.dentry;
	int ret;

	/* A removed file: the region was freed with its device. */
	if (debugfs_file_get(dentry))
		return memscope_fail(-ENODEV, "%s: the region is gone",
				     r->name);
	if (!write && !r->ops->io && memscope_locked_down_kcore())
		ret = memscope_fail(-EPERM,
				    "%s: kernel memory is unreadable under confidentiality lockdown",
				    r->name);
	else if (!write)
		ret = 0;
	else if (r->ops->io)
		ret = memscope_device_write_check(r);
	else
		ret = memscope_check_lockdown(r->name);
	if (!ret)
		ret = memscope_access_begin(r);
	if (ret)
		goto put;
	if (write && r->ops->io)
		memscope_device_write_taint(r);
	if (ubuf)
		ret = copy_to_user_nofault(ubuf, r->vaddr + off, n) ? 1 : 0;
	else if (write)
		ret = r->ops->write(r, off, buf, n);
	else
		ret = r->ops->read(r, off, buf, n);
	memscope_access_end(r);
put:
	debugfs_file_put(dentry);
	return ret;
}

/* Long transfers can be interrupted and do not hog the CPU. */
static int memscope_data_yield(void)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	cond_resched();
	return 0;
}

static ssize_t memscope_data_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct memscope_region *r = file->private_data;
	void *buf = NULL;
	size_t done = 0;
	int ret;

	ret = memscope_data_check(r, *ppos, count);
	if (ret)
		return ret;
	if (*ppos >= r->size)
		return 0;
	count = min_t(u64, count, r->size - *ppos);

	while (done < count) {
		size_t n = min_t(size_t, count - done, MEMSCOPE_CHUNK);

		ret = r->ops->linear ?
		      memscope_data_chunk(file, *ppos, NULL, ubuf + done, n,
					  false) : 1;
		if (ret == 1 && !buf) {
			buf = kvmalloc(min_t(size_t, count, MEMSCOPE_CHUNK),
				       GFP_KERNEL);
			if (!buf)
				ret = -ENOMEM;
		}
		if (ret == 1) {
			ret = memscope_data_chunk(file, *ppos, buf, NULL, n,
						  false);
			if (!ret && copy_to_user(ubuf + done, buf, n))
				ret = -EFAULT;
		}
		if (ret)
			break;
		done += n;
		*ppos += n;
		ret = memscope_data_yield();
		if (ret)
			break;
	}
	kvfree(buf);
	return done ? done : ret;
}

static ssize_t memscope_data_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct memscope_region *r = file->private_data;
	size_t done = 0;
	void *buf;
	int ret;

	ret = memscope_data_check(r, *ppos, count);
	if (ret || !count)
		return ret;
	if (*ppos >= r->size)
		return memscope_fail(-ENOSPC, "%s: write at %#llx is past the end",
				     r->name, (u64)*ppos);
	count = min_t(u64, count, r->size - *ppos);

	buf = kvmalloc(min_t(size_t, count, MEMSCOPE_CHUNK), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (done < count) {
		size_t n = min_t(size_t, count - done, MEMSCOPE_CHUNK);

		if (copy_from_user(buf, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		ret = memscope_data_chunk(file, *ppos, buf, NULL, n, true);
		if (ret)
			break;
		done += n;
		*ppos += n;
		ret = memscope_data_yield();
		if (ret)
			break;
	}
	kvfree(buf);
	return done ? done : ret;
}

static loff_t memscope_data_llseek(struct file *file, loff_t off, int whence)
{
	struct memscope_region *r = file->private_data;

	return fixed_size_llseek(file, off, whence, r->size);
}

/*
 * Every mapping is counted so that free can refuse while one lives; a
 * split VMA calls .open. After a forced teardown the pages are zapped and
 * any later touch lands in .fault, which answers SIGBUS.
 */
static void memscope_vm_open(struct vm_area_struct *vma)
{
	struct memscope_region *r = vma->vm_private_data;

	atomic_inc(&r->mappings);
}

static void memscope_vm_close(struct vm_area_struct *vma)
{
	struct memscope_region *r = vma->vm_private_data;

	atomic_dec(&r->mappings);
}

/*
 * Pages are inserted here, under the region lock, never at mmap time:
 * ->mmap() runs before the VMA is linked into the file's mapping, so
 * entries filled there could escape the zap of a concurrent teardown and
 * keep pointing at freed memory (vfio-pci inserts at fault time too).
 * Once the region is dead, or kernel lockdown forbids device memory,
 * every fault is SIGBUS.
 */
static vm_fault_t memscope_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct memscope_region *r = vma->vm_private_data;

	/* Lockdown raised after mmap() reaches pages not yet touched. */
	if (!r->ops->pfn || memscope_locked_down())
		return VM_FAULT_SIGBUS;
	unsigned long pfn;

	guard(mutex)(&r->lock);
	if (r->dead || vmf->pgoff >= DIV_ROUND_UP(r->size, PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	pfn = r->ops->pfn(r, vmf->pgoff);
	if (pfn == MEMSCOPE_NO_PFN)
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn(vma, vmf->address, pfn);
}

static const struct vm_operations_struct memscope_vm_ops = {
	.open = memscope_vm_open,
	.close = memscope_vm_close,
	.fault = memscope_vm_fault,
};

/**
 * memscope_vma_region() - the region a user mapping shows, if any
 * @vma: a VMA of the current process, under its mmap lock
 *
 * Context: Process context, mmap lock held.
 * Return: the region, or NULL if @vma is not a memscope mapping.
 */
struct memscope_region *memscope_vma_region(struct vm_area_struct *vma)
{
	return vma->vm_ops == &memscope_vm_ops ? vma->vm_private_data : NULL;
}

VISIBLE_IF_KUNIT int memscope_data_mmap_locked(struct memscope_region *r,
					       struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 off;
	int ret;

	if (r->dead)
		return -ENODEV;
	if (!r->ops->mmap && !r->ops->pfn)
		return memscope_fail(-ENODEV, "%s: mmap: %s", r->name,
				     r->ops->mmap_refusal ?: "not mappable");
	ret = memscope_check_lockdown(r->name);
	if (ret)
		return ret;
	if (check_shl_overflow((u64)vma->vm_pgoff, PAGE_SHIFT, &off) ||
	    off >= r->size || len > PAGE_ALIGN(r->size) - off)
		return memscope_fail(-EINVAL,
				     "%s: mmap of %#lx bytes at %#llx is past the end",
				     r->name, len, (u64)vma->vm_pgoff << PAGE_SHIFT);

	/*
	 * Frames inserted at fault time cannot be copied on write, and a
	 * private copy of device registers would mean nothing anyway. (A
	 * MAP_SHARED mapping of a file opened read-only keeps only
	 * VM_MAYSHARE.)
	 */
	if (r->ops->pfn && !(vma->vm_flags & VM_MAYSHARE))
		return memscope_fail(-EINVAL, "%s: mmap: MAP_SHARED only",
				     r->name);
	if (r->ops->io && (vma->vm_flags & VM_WRITE)) {
		ret = memscope_device_write_check(r);
		if (ret)
			return ret;
	}
	if (r->ops->mmap) {
		ret = r->ops->mmap(r, vma);
		if (ret)
			return ret;
	}

	/* Every check has passed: from here on the mmap cannot fail. */
	if (r->ops->io) {
		/* A read-only mapping stays read-only: no mprotect() later. */
		if (vma->vm_flags & VM_WRITE)
			memscope_device_write_taint(r);
		else
			vm_flags_clear(vma, VM_MAYWRITE);
	}
	if (r->ops->pfn)
		vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
			     (r->ops->io ? VM_IO : 0));
	/* A child must not inherit entries a teardown cannot see coming. */
	vm_flags_set(vma, VM_DONTCOPY);
	vma->vm_ops = &memscope_vm_ops;
	vma->vm_private_data = r;
	atomic_inc(&r->mappings);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_data_mmap_locked);

static int memscope_data_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct memscope_region *r = file->private_data;
	struct dentry *dentry = file->f_path.dentry;
	int ret;

	if (debugfs_file_get(dentry))
		return memscope_fail(-ENODEV, "%s: the region is gone",
				     r->name);
	scoped_guard(mutex, &r->lock)
		ret = memscope_data_mmap_locked(r, vma);
	debugfs_file_put(dentry);
	return ret;
}

static const struct file_operations memscope_data_fops = {
	.owner = THIS_MODULE,
	.open = memscope_file_open,
	.read = memscope_data_read,
	.write = memscope_data_write,
	.llseek = memscope_data_llseek,
	.mmap = memscope_data_mmap,
	.release = memscope_file_release,
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
		return memscope_fail(ret, "%s: width: not a number", r->name);
	ret = memscope_check_lockdown(r->name);
	if (ret)
		return ret;
	if (width > 8 || !(r->ops->widths & BIT(width)))
		return memscope_fail(-EINVAL,
				     "%s: width %u is not supported by %s regions",
				     r->name, width, r->ops->name);
	if (!IS_ALIGNED(r->phys, width) || !IS_ALIGNED(r->size, width))
		return memscope_fail(-EINVAL,
				     "%s: address and size are not multiples of %u",
				     r->name, width);

	/* Accesses in flight must all use one width: only this file open. */
	guard(mutex)(&r->lock);
	if (r->users > 1 || atomic_read(&r->mappings))
		return memscope_fail(-EBUSY,
				     "%s: width: close the region's other files first",
				     r->name);
	WRITE_ONCE(r->width, width);
	return count;
}

static const struct file_operations memscope_width_fops = {
	.owner = THIS_MODULE,
	.open = memscope_file_open,
	.read = memscope_width_read,
	.write = memscope_width_write,
	.llseek = default_llseek,
	.release = memscope_file_release,
};

/**
 * memscope_region_files_create() - create a region's debugfs directory
 * @r: the region, not yet published
 *
 * Context: Process context; called with memscope_lock held.
 * Return: 0 or a negative errno.
 */
int memscope_region_files_create(struct memscope_region *r)
{
	struct dentry *dir;

	dir = debugfs_create_dir(r->name, memscope_debugfs_root());
	if (IS_ERR(dir))
		return PTR_ERR(dir);

	/*
	 * All "unsafe": debugfs's proxy would hold the file, and with it a
	 * device's remove(), across user copies. Each operation holds it
	 * only around what touches the region's memory or device.
	 */
	debugfs_create_file_unsafe("info", 0400, dir, r, &memscope_info_fops);
	r->data = debugfs_create_file_unsafe("data", 0600, dir, r,
					     &memscope_data_fops);
	if (r->ops->io) {
		debugfs_create_file_unsafe("regs", 0600, dir, r,
					   &memscope_regs_fops);
		debugfs_create_file_unsafe("width", 0600, dir, r,
					   &memscope_width_fops);
		debugfs_create_file_unsafe("ops", 0600, dir, r,
					   &memscope_ops_fops);
	}
	r->dir = dir;
	return 0;
}
