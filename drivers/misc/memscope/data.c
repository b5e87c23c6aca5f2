// SPDX-License-Identifier: GPL-2.0
/*
 * memscope `data`: a region's bytes by pread/pwrite, and its mmap, whose
 * frames are inserted at fault time.
 *
 * Positions, sizes and alignment are checked here, before the backend is
 * called, so every kind refuses them the same way.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "memscope.h"

/*
 * Bytes moved per backend call on `data`: bounds the bounce buffer and
 * the time a device's remove() may wait for one chunk.
 */
#define MEMSCOPE_CHUNK		SZ_64K

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
		return memscope_deny(-EINVAL, "%s: negative offset", r->name);
	if (r->ops->device_regs &&
	    (!IS_ALIGNED(pos, width) || !IS_ALIGNED(len, width)))
		return memscope_deny(-EINVAL,
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
 * With @ubuf given, a read goes straight into user space instead, one
 * copy rather than two, but only without faulting, for the same reason;
 * *@direct says how much got there. Kernel memory that lies linear behind
 * r->vaddr is copied whole or not at all (the caller reads it again
 * through @buf); a memory window reads each register once, and what it
 * could not store is left at the start of @buf.
 */
static int memscope_data_chunk(struct file *file, u64 off, void *buf,
			       char __user *ubuf, size_t n, bool write,
			       size_t *direct)
{
	struct memscope_region *r = file->private_data;
	struct dentry *dentry = file->f_path.dentry;
	int ret;

	/* A removed file: the region was freed with its device. */
	if (debugfs_file_get(dentry))
		return memscope_deny(-ENODEV, "%s: the region is gone",
				     r->name);
	if (!write && !r->ops->device_regs && memscope_locked_down_kcore())
		ret = memscope_deny(-EPERM,
				    "%s: kernel memory is unreadable under confidentiality lockdown",
				    r->name);
	else if (!write)
		ret = 0;
	else if (r->ops->device_regs)
		ret = memscope_device_write_check(r);
	else
		ret = memscope_check_lockdown(r->name);
	if (!ret)
		ret = memscope_access_begin(r);
	if (ret)
		goto put;
	if (write && r->ops->device_regs)
		memscope_device_write_taint(r);
	if (ubuf && r->ops->read_user)
		ret = r->ops->read_user(r, off, ubuf, buf, n, direct);
	else if (ubuf)
		*direct = copy_to_user_nofault(ubuf, r->vaddr + off, n) ? 0 : n;
	else if (write)
		ret = r->ops->write(r, off, buf, n);
	else
		ret = r->ops->read(r, off, buf, n);
	memscope_access_end(r);
put:
	debugfs_file_put(dentry);
	return ret;
}

/*
 * A chunk is done: count it, then let a long transfer be interrupted and
 * not hog the CPU.
 */
static int memscope_data_next(size_t n, size_t *done, loff_t *ppos)
{
	*done += n;
	*ppos += n;
	if (fatal_signal_pending(current))
		return -EINTR;
	cond_resched();
	return 0;
}

/* The bounce buffer, on first need: linear memory may never need one. */
static int memscope_data_bounce(void **buf, size_t count)
{
	if (!*buf)
		*buf = kvmalloc(min_t(size_t, count, MEMSCOPE_CHUNK),
				GFP_KERNEL);
	return *buf ? 0 : -ENOMEM;
}

static ssize_t memscope_data_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct memscope_region *r = file->private_data;
	bool prefault = false;
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
		bool straight = r->ops->read_user || r->ops->linear;
		size_t direct = 0;

		/*
		 * A chunk goes straight to the reader only where the pages are
		 * present. Once one was not, the next chunks are faulted in
		 * first, without a write: the buffer may map device registers.
		 */
		if (straight && prefault)
			fault_in_safe_writeable(ubuf + done, n);
		/* A window's registers land there if a store faults. */
		ret = r->ops->linear ? 0 : memscope_data_bounce(&buf, count);
		if (!ret && straight)
			ret = memscope_data_chunk(file, *ppos, buf, ubuf + done,
						  n, false, &direct);
		/* Linear memory whose pages are still not there: bounced. */
		if (!ret && r->ops->linear && direct < n)
			ret = memscope_data_bounce(&buf, count);
		if (!ret && (!straight || (r->ops->linear && direct < n)))
			ret = memscope_data_chunk(file, *ppos, buf, NULL, n,
						  false, NULL);
		if (straight && direct < n)
			prefault = true;
		if (!ret && direct < n &&
		    copy_to_user(ubuf + done + direct, buf, n - direct)) {
			/* What reached the reader counts; the rest is lost. */
			done += direct;
			*ppos += direct;
			ret = -EFAULT;
		}
		if (!ret)
			ret = memscope_data_next(n, &done, ppos);
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
	void *buf = NULL;
	size_t done = 0;
	int ret;

	ret = memscope_data_check(r, *ppos, count);
	if (ret || !count)
		return ret;
	if (*ppos >= r->size)
		return memscope_deny(-ENOSPC, "%s: write at %#llx is past the end",
				     r->name, (u64)*ppos);
	count = min_t(u64, count, r->size - *ppos);

	ret = memscope_data_bounce(&buf, count);
	if (ret)
		return ret;
	while (done < count) {
		size_t n = min_t(size_t, count - done, MEMSCOPE_CHUNK);

		if (copy_from_user(buf, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		ret = memscope_data_chunk(file, *ppos, buf, NULL, n, true,
					  NULL);
		if (!ret)
			ret = memscope_data_next(n, &done, ppos);
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

	unsigned long pfn;

	/* Lockdown raised after mmap() reaches pages not yet touched. */
	if (!r->ops->pfn || memscope_locked_down())
		return VM_FAULT_SIGBUS;
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
		return memscope_deny(-ENODEV, "%s: mmap: %s", r->name,
				     r->ops->mmap_refusal ?: "not mappable");
	ret = memscope_check_lockdown(r->name);
	if (ret)
		return ret;
	if (check_shl_overflow((u64)vma->vm_pgoff, PAGE_SHIFT, &off) ||
	    off >= r->size || len > PAGE_ALIGN(r->size) - off)
		return memscope_deny(-EINVAL,
				     "%s: mmap of %#lx bytes at %#llx is past the end",
				     r->name, len, (u64)vma->vm_pgoff << PAGE_SHIFT);

	/*
	 * Frames inserted at fault time cannot be copied on write, and a
	 * private copy of device registers would mean nothing anyway. (A
	 * MAP_SHARED mapping of a file opened read-only keeps only
	 * VM_MAYSHARE.)
	 */
	if (r->ops->pfn && !(vma->vm_flags & VM_MAYSHARE))
		return memscope_deny(-EINVAL, "%s: mmap: MAP_SHARED only",
				     r->name);
	if (r->ops->device_regs && (vma->vm_flags & VM_WRITE)) {
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
	if (r->ops->device_regs) {
		/* A read-only mapping stays read-only: no mprotect() later. */
		if (vma->vm_flags & VM_WRITE)
			memscope_device_write_taint(r);
		else
			vm_flags_clear(vma, VM_MAYWRITE);
	}
	if (r->ops->pfn)
		vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
			     (r->ops->device_regs ? VM_IO : 0));
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
		return memscope_deny(-ENODEV, "%s: the region is gone",
				     r->name);
	scoped_guard(mutex, &r->lock)
		ret = memscope_data_mmap_locked(r, vma);
	debugfs_file_put(dentry);
	return ret;
}

const struct file_operations memscope_data_fops = {
	.owner = THIS_MODULE,
	.open = memscope_file_open,
	.read = memscope_data_read,
	.write = memscope_data_write,
	.llseek = memscope_data_llseek,
	.mmap = memscope_data_mmap,
	.release = memscope_file_release,
};
