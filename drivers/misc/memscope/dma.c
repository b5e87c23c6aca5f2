// SPDX-License-Identifier: GPL-2.0
/*
 * memscope DMA buffers of a bound device: coherent and streaming.
 *
 * Every mapping is made by the DMA API for the device it is meant for,
 * so the bus address shown is the one the device must be programmed with,
 * bounce buffering included. A streaming buffer has an owner: after
 * mapping, and after `sync NAME device`, the device owns it and the CPU
 * may not touch it; `sync NAME cpu` hands it back.
 */
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <kunit/visibility.h>

#include "memscope.h"

/* A DMA buffer is one allocation: at most MAX_PAGE_ORDER pages. */
#define MEMSCOPE_DMA_MAX	(PAGE_SIZE << MAX_PAGE_ORDER)

static const char *const memscope_dma_dir_names[] = {
	[DMA_BIDIRECTIONAL] = "bidirectional",
	[DMA_TO_DEVICE] = "to-device",
	[DMA_FROM_DEVICE] = "from-device",
	[DMA_NONE] = "none",
};

/**
 * struct memscope_dma - the DMA side of a coherent or stream region
 * @md: the device the buffer is mapped for
 * @handle: the bus address the device uses
 * @dir: direction of a stream mapping
 * @order: page order of a stream buffer
 * @device_owns: a stream buffer currently belongs to the device
 */
struct memscope_dma {
	struct memscope_device *md;
	dma_addr_t handle;
	enum dma_data_direction dir;
	unsigned int order;
	bool device_owns;
};

/* The DMA side of a new buffer, for a device bound to memscope. */
static struct memscope_dma *memscope_dma_new(const struct memscope_cmd *cmd)
{
	struct memscope_dma *d;

	if (cmd->size > MEMSCOPE_DMA_MAX)
		return ERR_PTR(memscope_fail(-ERANGE,
					     "dma %s: a DMA buffer is at most %lu bytes",
					     cmd->name, MEMSCOPE_DMA_MAX));
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->md = memscope_device_find(cmd->dev);
	if (!d->md) {
		kfree(d);
		return ERR_PTR(-ENODEV);
	}
	return d;
}

static int memscope_coherent_create(struct memscope_region *r,
				    const struct memscope_cmd *cmd)
{
	struct memscope_dma *d;
	int ret;

	d = memscope_dma_new(cmd);
	if (IS_ERR(d))
		return PTR_ERR(d);

	r->vaddr = dma_alloc_coherent(d->md->dev, cmd->size, &d->handle,
				      GFP_KERNEL | __GFP_NOWARN);
	if (!r->vaddr) {
		ret = memscope_fail(-ENOMEM,
				    "dma %s: dma_alloc_coherent(%llu) failed for %s",
				    cmd->name, cmd->size, cmd->dev);
		goto free_dma;
	}
	d->dir = DMA_BIDIRECTIONAL;
	r->priv = d;
	r->owner = d->md;
	r->phys = d->handle;
	r->flags |= MEMSCOPE_REGION_ZEROED;
	memscope_device_set_master(d->md);
	d->md->buffers++;
	memscope_stats_add(r->kind, PAGE_ALIGN(cmd->size), 1);
	return 0;

free_dma:
	kfree(d);
	return ret;
}

static void memscope_coherent_destroy(struct memscope_region *r)
{
	struct memscope_dma *d = r->priv;

	memscope_device_stop_master(d->md);
	dma_free_coherent(d->md->dev, r->size, r->vaddr, d->handle);
	d->md->buffers--;
	memscope_stats_add(r->kind, -(long)PAGE_ALIGN(r->size), -1);
	kfree(d);
}

/*
 * The buffer is freed when its device goes away, mapped or not, so its
 * frames are inserted at fault time (see memscope_vm_fault()) instead of
 * dma_mmap_coherent() filling the mapping up front. That needs the
 * buffer in the direct map, as coherent memory is on cache-coherent
 * platforms such as x86.
 */
static int memscope_coherent_mmap(struct memscope_region *r,
				  struct vm_area_struct *vma)
{
	if (!virt_addr_valid(r->vaddr))
		return memscope_fail(-ENODEV,
				     "%s: mmap: coherent memory outside the direct map is not supported",
				     r->name);
	return 0;
}

static unsigned long memscope_coherent_pfn(struct memscope_region *r,
					   unsigned long pgoff)
{
	return PHYS_PFN(virt_to_phys(r->vaddr)) + pgoff;
}

static void memscope_dma_show_common(struct memscope_region *r,
				     struct seq_file *m)
{
	struct memscope_dma *d = r->priv;
	bool show = memscope_may_see_phys(m);

	seq_printf(m, "device: %s\n", dev_name(d->md->dev));
	seq_printf(m, "cpu: %pK\n", r->vaddr);
	if (virt_addr_valid(r->vaddr))
		seq_printf(m, "phys: %#llx\n",
			   show ? (u64)virt_to_phys(r->vaddr) : 0);
	seq_printf(m, "bus: %#llx\n", show ? (u64)d->handle : 0);
	seq_printf(m, "mask-bits: %u\n", d->md->mask_bits);
}

static void memscope_coherent_show_info(struct memscope_region *r,
					struct seq_file *m)
{
	seq_puts(m, "allocator: dma_alloc_coherent\n");
	memscope_dma_show_common(r, m);
}

const struct memscope_backend memscope_coherent_backend = {
	.name = "coherent",
	.create = memscope_coherent_create,
	.destroy = memscope_coherent_destroy,
	.read = memscope_linear_read,
	.write = memscope_linear_write,
	.mmap = memscope_coherent_mmap,
	.pfn = memscope_coherent_pfn,
	.show_info = memscope_coherent_show_info,
};
EXPORT_SYMBOL_IF_KUNIT(memscope_coherent_backend);

/*
 * The zone a streaming buffer must come from for the device to reach it
 * without bouncing: ZONE_DMA below 32 bits, ZONE_DMA32 below 64.
 */
static gfp_t memscope_stream_gfp(unsigned int mask_bits)
{
	if (mask_bits < 32 && IS_ENABLED(CONFIG_ZONE_DMA))
		return GFP_DMA;
	if (mask_bits < 64 && IS_ENABLED(CONFIG_ZONE_DMA32))
		return GFP_DMA32;
	return 0;
}

static int memscope_stream_create(struct memscope_region *r,
				  const struct memscope_cmd *cmd)
{
	struct memscope_dma *d;
	int ret;

	d = memscope_dma_new(cmd);
	if (IS_ERR(d))
		return PTR_ERR(d);

	d->order = get_order(cmd->size);
	r->vaddr = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO |
					    __GFP_NOWARN |
					    memscope_stream_gfp(d->md->mask_bits),
					    d->order);
	if (!r->vaddr) {
		ret = memscope_fail(-ENOMEM, "dma %s: no memory below the %u-bit mask",
				    cmd->name, d->md->mask_bits);
		goto free_dma;
	}

	d->dir = cmd->dir;
	d->handle = dma_map_single(d->md->dev, r->vaddr, cmd->size, d->dir);
	if (dma_mapping_error(d->md->dev, d->handle)) {
		ret = memscope_fail(-EIO, "dma %s: dma_map_single failed for %s",
				    cmd->name, cmd->dev);
		goto free_pages;
	}
	d->device_owns = true;
	r->priv = d;
	r->owner = d->md;
	r->phys = d->handle;
	r->flags |= MEMSCOPE_REGION_ZEROED;
	memscope_device_set_master(d->md);
	d->md->buffers++;
	memscope_stats_add(r->kind, PAGE_SIZE << d->order, 1);
	return 0;

free_pages:
	free_pages((unsigned long)r->vaddr, d->order);
free_dma:
	kfree(d);
	return ret;
}

static void memscope_stream_destroy(struct memscope_region *r)
{
	struct memscope_dma *d = r->priv;

	memscope_device_stop_master(d->md);
	dma_unmap_single(d->md->dev, d->handle, r->size, d->dir);
	free_pages((unsigned long)r->vaddr, d->order);
	d->md->buffers--;
	memscope_stats_add(r->kind, -(long)(PAGE_SIZE << d->order), -1);
	kfree(d);
}

/* The CPU may touch a streaming buffer only while it owns it. */
static int memscope_stream_access(struct memscope_region *r, u64 off,
				  void *buf, size_t len, bool write)
{
	struct memscope_dma *d = r->priv;

	guard(mutex)(&r->lock);
	if (d->device_owns)
		return memscope_fail(-EBUSY,
				     "%s: the device owns the buffer; sync %s cpu first",
				     r->name, r->name);
	if (write)
		memcpy(r->vaddr + off, buf, len);
	else
		memcpy(buf, r->vaddr + off, len);
	return 0;
}

static int memscope_stream_read(struct memscope_region *r, u64 off,
				void *buf, size_t len)
{
	return memscope_stream_access(r, off, buf, len, false);
}

static int memscope_stream_write(struct memscope_region *r, u64 off,
				 const void *buf, size_t len)
{
	return memscope_stream_access(r, off, (void *)buf, len, true);
}

/* Freeing a buffer the device owns would pull it from under a DMA. */
static int memscope_stream_free_check(struct memscope_region *r)
{
	struct memscope_dma *d = r->priv;

	lockdep_assert_held(&r->lock);
	if (d->device_owns)
		return memscope_fail(-EBUSY,
				     "free: the device owns '%s'; sync %s cpu first",
				     r->name, r->name);
	return 0;
}

static void memscope_stream_show_info(struct memscope_region *r,
				      struct seq_file *m)
{
	struct memscope_dma *d = r->priv;
	bool need_sync = dma_need_sync(d->md->dev, d->handle);

	seq_puts(m, "allocator: __get_free_pages + dma_map_single\n");
	memscope_dma_show_common(r, m);
	seq_printf(m, "direction: %s\n", memscope_dma_dir_names[d->dir]);
	seq_printf(m, "owner: %s\n", d->device_owns ? "device" : "cpu");
	seq_printf(m, "need-sync: %s\n", need_sync ? "yes" : "no");
	/*
	 * On a cache-coherent device without an IOMMU the only reason to
	 * need syncs, and a bus address other than the buffer's physical
	 * address, is a bounce buffer.
	 */
	seq_printf(m, "bounced: %s\n",
		   need_sync && d->handle != virt_to_phys(r->vaddr) ? "yes" : "no");
}

const struct memscope_backend memscope_stream_backend = {
	.name = "stream",
	.create = memscope_stream_create,
	.destroy = memscope_stream_destroy,
	.read = memscope_stream_read,
	.write = memscope_stream_write,
	.free_check = memscope_stream_free_check,
	.mmap_refusal = "a streaming mapping is owned by the DMA API; use a coherent buffer",
	.show_info = memscope_stream_show_info,
};
EXPORT_SYMBOL_IF_KUNIT(memscope_stream_backend);

/**
 * memscope_dma_sync() - hand a streaming buffer to the CPU or the device
 * @cmd: a parsed `sync NAME cpu|device`
 *
 * Context: Process context; memscope_dev_lock held.
 * Return: 0, -ENOENT, -EINVAL for a region that is not a stream buffer or
 * already has that owner.
 */
int memscope_dma_sync(const struct memscope_cmd *cmd)
{
	struct memscope_region *r;
	struct memscope_dma *d;
	int ret = 0;

	r = memscope_region_find(cmd->name);
	if (!r)
		return memscope_fail(-ENOENT, "sync: no region '%s'", cmd->name);
	if (r->kind != MEMSCOPE_KIND_STREAM) {
		ret = memscope_fail(-EINVAL, "sync: '%s' is a %s region, not stream",
				    cmd->name, r->ops->name);
		goto put;
	}

	d = r->priv;
	scoped_guard(mutex, &r->lock) {
		if (d->device_owns == cmd->to_device) {
			ret = memscope_fail(-EINVAL, "sync: the %s already owns '%s'",
					    cmd->to_device ? "device" : "cpu",
					    cmd->name);
			break;
		}
		if (cmd->to_device)
			dma_sync_single_for_device(d->md->dev, d->handle, r->size,
						   d->dir);
		else
			dma_sync_single_for_cpu(d->md->dev, d->handle, r->size,
						d->dir);
		d->device_owns = cmd->to_device;
	}
put:
	memscope_region_put(r);
	return ret;
}

/**
 * memscope_dma_set_mask() - state the device's DMA addressing limit
 * @cmd: a parsed `dmamask DEV BITS`
 *
 * On x86 without an IOMMU every mask "succeeds": the kernel cannot know
 * what the device really decodes, so the user says it.
 *
 * Context: Process context; memscope_dev_lock held.
 * Return: 0, -ENODEV, -EBUSY while the device has buffers, or -EIO if the
 * platform cannot honour the mask.
 */
int memscope_dma_set_mask(const struct memscope_cmd *cmd)
{
	struct memscope_device *md = memscope_device_find(cmd->dev);
	int ret;

	if (!md)
		return -ENODEV;
	if (md->buffers)
		return memscope_fail(-EBUSY,
				     "dmamask: %s has %u DMA buffers allocated under the old mask",
				     cmd->dev, md->buffers);
	ret = dma_set_mask_and_coherent(md->dev, DMA_BIT_MASK(cmd->mask_bits));
	if (ret)
		return memscope_fail(-EIO, "dmamask: %s cannot do %u-bit DMA",
				     cmd->dev, cmd->mask_bits);
	md->mask_bits = cmd->mask_bits;
	return 0;
}
