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
#include <linux/cc_platform.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/scatterlist.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/string_choices.h>

#include "memscope.h"
#include "memscope_trace.h"

/* A DMA buffer is one allocation, of at most order MAX_PAGE_ORDER. */
#define MEMSCOPE_DMA_MAX	(PAGE_SIZE << MAX_PAGE_ORDER)

/**
 * struct memscope_dma - the DMA side of a coherent or stream region
 * @md: the device the buffer is mapped for
 * @handle: the bus address the device uses
 * @dir: direction of a stream mapping
 * @order: page order of a stream buffer
 * @device_owns: a stream buffer currently belongs to the device
 * @sgt: the pages of a coherent buffer, as the DMA API describes them;
 *	no entries if it could not say
 * @pages: a stream buffer from dma_alloc_pages(), NULL if it is memscope's
 *	own pages mapped with dma_map_single()
 */
struct memscope_dma {
	struct memscope_device *md;
	dma_addr_t handle;
	enum dma_data_direction dir;
	unsigned int order;
	bool device_owns;
	struct sg_table sgt;
	struct page *pages;
};

/* The DMA side of a new buffer, for a device bound to memscope. */
static struct memscope_dma *memscope_dma_new(const struct memscope_cmd *cmd)
{
	struct memscope_dma *d;

	if (cmd->size > MEMSCOPE_DMA_MAX)
		return ERR_PTR(memscope_deny(-ERANGE,
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

/* A new buffer is the region's: count it against its device and kind. */
static void memscope_dma_attach(struct memscope_region *r,
				struct memscope_dma *d, long bytes)
{
	r->priv = d;
	r->owner = d->md;
	r->bus = d->handle;
	r->flags |= MEMSCOPE_REGION_ZEROED;
	d->md->buffers++;
	memscope_stats_add(r->kind, bytes, 1);
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
		ret = memscope_deny(-ENOMEM,
				    "dma %s: dma_alloc_coherent(%llu) failed for %s",
				    cmd->name, cmd->size, cmd->dev);
		goto free_dma;
	}
	d->dir = DMA_BIDIRECTIONAL;
	/*
	 * The CPU address may be a vmap, a pool or an uncached alias: only
	 * the DMA API can say which pages are behind it. Without an answer
	 * the buffer still works, but is neither mapped nor placed.
	 */
	if (dma_get_sgtable(d->md->dev, &d->sgt, r->vaddr, d->handle,
			    cmd->size))
		d->sgt.orig_nents = 0;
	else
		r->phys = sg_phys(d->sgt.sgl);
	memscope_dma_attach(r, d, PAGE_ALIGN(cmd->size));
	return 0;

free_dma:
	kfree(d);
	return ret;
}

static void memscope_coherent_destroy(struct memscope_region *r)
{
	struct memscope_dma *d = r->priv;

	/* A buffer never published was never the device's to reach. */
	if (r->published)
		memscope_device_stop_master(d->md);
	if (d->sgt.orig_nents)
		sg_free_table(&d->sgt);
	dma_free_coherent(d->md->dev, r->size, r->vaddr, d->handle);
	d->md->buffers--;
	memscope_stats_add(r->kind, -(long)PAGE_ALIGN(r->size), -1);
	kfree(d);
}

/*
 * The buffer is freed when its device goes away, mapped or not, so its
 * frames are inserted at fault time (see memscope_vm_fault()) instead of
 * dma_mmap_coherent() filling the mapping up front. The frames are the
 * ones dma_get_sgtable() named, and the protection is what dma_pgprot()
 * would choose. That answer needs dev_is_dma_coherent() and, with memory
 * encryption, force_dma_unencrypted(), which modules cannot call: there
 * memscope refuses to map rather than guess.
 */
static int memscope_coherent_mmap(struct memscope_region *r,
				  struct vm_area_struct *vma)
{
	struct memscope_dma *d = r->priv;

	if (!d->sgt.orig_nents)
		return memscope_deny(-ENODEV,
				     "%s: mmap: the DMA API cannot name the buffer's pages",
				     r->name);
	if (cc_platform_has(CC_ATTR_MEM_ENCRYPT))
		return memscope_deny(-ENODEV,
				     "%s: mmap: with memory encryption the buffer's protection is the DMA API's to choose",
				     r->name);
	if (!dev_is_dma_coherent(d->md->dev))
		vma->vm_page_prot = pgprot_dmacoherent(vma->vm_page_prot);
	return 0;
}

static unsigned long memscope_coherent_pfn(struct memscope_region *r,
					   unsigned long pgoff)
{
	struct memscope_dma *d = r->priv;
	struct scatterlist *sg;
	unsigned int i;

	/* Segments need not end on a page boundary (dma-iommu uses the size). */
	for_each_sgtable_sg(&d->sgt, sg, i) {
		unsigned long pages = DIV_ROUND_UP(sg->offset + sg->length,
						   PAGE_SIZE);

		if (pgoff < pages)
			return page_to_pfn(sg_page(sg)) + pgoff;
		pgoff -= pages;
	}
	return MEMSCOPE_NO_PFN;
}

/*
 * Bus mastering comes on only once a buffer is published: a command that
 * fails after the allocation must not change the device's state.
 */
static void memscope_dma_publish(struct memscope_region *r)
{
	struct memscope_dma *d = r->priv;

	memscope_device_set_master(d->md);
}

static void memscope_dma_show_common(struct memscope_region *r,
				     struct seq_file *m)
{
	struct memscope_dma *d = r->priv;
	bool show = memscope_may_see_phys(m);

	/* Where the CPU finds the buffer, and where the device does. */
	seq_printf(m, "device: %s\n", dev_name(d->md->dev));
	seq_printf(m, "cpu: %pK\n", r->vaddr);
	if (r->phys)
		seq_printf(m, "phys: %#llx\n", show ? r->phys : 0);
	seq_printf(m, "bus: %#llx\n", show ? (u64)d->handle : 0);
	seq_printf(m, "mask-bits: %u\n", READ_ONCE(d->md->mask_bits));
}

static void memscope_coherent_show_info(struct memscope_region *r,
					struct seq_file *m)
{
	seq_puts(m, "allocator: dma_alloc_coherent\n");
	memscope_dma_show_common(r, m);
}

const struct memscope_backend memscope_coherent_backend = {
	.name = "coherent",
	.linear = true,
	.create = memscope_coherent_create,
	.destroy = memscope_coherent_destroy,
	.read = memscope_linear_read,
	.write = memscope_linear_write,
	.mmap = memscope_coherent_mmap,
	.pfn = memscope_coherent_pfn,
	.publish = memscope_dma_publish,
	.show_info = memscope_coherent_show_info,
};

/*
 * Ordinary memory, as a driver's own buffers are, mapped with
 * dma_map_single(): reaching it is the DMA API's job (an IOMMU, or a
 * bounce buffer below the mask), not a zone memscope would pick. Only
 * where the mask cannot reach all memory and there is no bounce buffer
 * (dma_map_single() would WARN and fail) does the DMA API choose the
 * pages, with dma_alloc_pages().
 */
static int memscope_stream_get_pages(struct memscope_region *r,
				     struct memscope_dma *d,
				     const struct memscope_cmd *cmd)
{
	struct device *dev = d->md->dev;

	if (dma_addressing_limited(dev) &&
	    dma_max_mapping_size(dev) == SIZE_MAX) {
		d->pages = dma_alloc_pages(dev, cmd->size, &d->handle, d->dir,
					   GFP_KERNEL | __GFP_NOWARN);
		if (!d->pages)
			return memscope_deny(-ENOMEM,
					     "dma %s: dma_alloc_pages(%llu) failed for %s",
					     cmd->name, cmd->size, cmd->dev);
		r->vaddr = page_address(d->pages);
		memset(r->vaddr, 0, cmd->size);
		dma_sync_single_for_device(dev, d->handle, cmd->size, d->dir);
		return 0;
	}

	r->vaddr = (void *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO |
					    __GFP_NOWARN, d->order);
	if (!r->vaddr)
		return memscope_deny(-ENOMEM,
				     "dma %s: __get_free_pages(order %u) failed",
				     cmd->name, d->order);
	d->handle = dma_map_single(dev, r->vaddr, cmd->size, d->dir);
	if (dma_mapping_error(dev, d->handle)) {
		free_pages((unsigned long)r->vaddr, d->order);
		return memscope_deny(-EIO, "dma %s: dma_map_single failed for %s",
				     cmd->name, cmd->dev);
	}
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
	/* Above it dma_map_single() fails with a warning (swiotlb full). */
	if (cmd->size > dma_max_mapping_size(d->md->dev)) {
		ret = memscope_deny(-ERANGE,
				    "dma %s: %s maps at most %zu bytes at once",
				    cmd->name, cmd->dev,
				    dma_max_mapping_size(d->md->dev));
		goto free_dma;
	}

	d->dir = cmd->dir;
	d->order = get_order(cmd->size);
	ret = memscope_stream_get_pages(r, d, cmd);
	if (ret)
		goto free_dma;
	d->device_owns = true;
	r->phys = virt_to_phys(r->vaddr);
	memscope_dma_attach(r, d, PAGE_SIZE << d->order);
	return 0;

free_dma:
	kfree(d);
	return ret;
}

static void memscope_stream_destroy(struct memscope_region *r)
{
	struct memscope_dma *d = r->priv;

	if (r->published)
		memscope_device_stop_master(d->md);
	if (d->pages) {
		dma_free_pages(d->md->dev, r->size, d->pages, d->handle, d->dir);
	} else {
		dma_unmap_single(d->md->dev, d->handle, r->size, d->dir);
		free_pages((unsigned long)r->vaddr, d->order);
	}
	d->md->buffers--;
	memscope_stats_add(r->kind, -(long)(PAGE_SIZE << d->order), -1);
	kfree(d);
}

/* The CPU may touch a streaming buffer only while it owns it. */
static int memscope_stream_cpu_check(struct memscope_region *r)
{
	struct memscope_dma *d = r->priv;

	lockdep_assert_held(&r->lock);
	if (!d->device_owns)
		return 0;
	return memscope_deny(-EBUSY,
			     "%s: the device owns the buffer; sync %s cpu first",
			     r->name, r->name);
}

static int memscope_stream_read(struct memscope_region *r, u64 off,
				void *buf, size_t len)
{
	int ret;

	guard(mutex)(&r->lock);
	ret = memscope_stream_cpu_check(r);
	if (!ret)
		memcpy(buf, r->vaddr + off, len);
	return ret;
}

static int memscope_stream_write(struct memscope_region *r, u64 off,
				 const void *buf, size_t len)
{
	int ret;

	guard(mutex)(&r->lock);
	ret = memscope_stream_cpu_check(r);
	if (!ret)
		memcpy(r->vaddr + off, buf, len);
	return ret;
}

/* Freeing a buffer the device owns would pull it from under a DMA. */
static int memscope_stream_free_check(struct memscope_region *r)
{
	struct memscope_dma *d = r->priv;

	lockdep_assert_held(&r->lock);
	if (d->device_owns)
		return memscope_deny(-EBUSY,
				     "free: the device owns '%s'; sync %s cpu first",
				     r->name, r->name);
	return 0;
}

static void memscope_stream_show_info(struct memscope_region *r,
				      struct seq_file *m)
{
	struct memscope_dma *d = r->priv;
	bool need_sync = dma_need_sync(d->md->dev, d->handle);

	seq_printf(m, "allocator: %s\n", d->pages ? "dma_alloc_pages" :
		   "__get_free_pages + dma_map_single");
	memscope_dma_show_common(r, m);
	seq_printf(m, "direction: %s\n", memscope_dma_dir_name(d->dir));
	seq_printf(m, "owner: %s\n", d->device_owns ? "device" : "cpu");
	/* All the API tells: syncs copy (a bounce buffer) or flush (a cache). */
	seq_printf(m, "need-sync: %s\n", str_yes_no(need_sync));
}

const struct memscope_backend memscope_stream_backend = {
	.name = "stream",
	.create = memscope_stream_create,
	.destroy = memscope_stream_destroy,
	.read = memscope_stream_read,
	.write = memscope_stream_write,
	.free_check = memscope_stream_free_check,
	.publish = memscope_dma_publish,
	.mmap_refusal = "a streaming mapping is owned by the DMA API; use a coherent buffer",
	.show_info = memscope_stream_show_info,
};

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
		return memscope_deny(-ENOENT, "sync: no region '%s'", cmd->name);
	if (r->kind != MEMSCOPE_KIND_STREAM) {
		ret = memscope_deny(-EINVAL, "sync: '%s' is a %s region, not stream",
				    cmd->name, r->ops->name);
		goto put;
	}

	d = r->priv;
	scoped_guard(mutex, &r->lock) {
		if (d->device_owns == cmd->to_device) {
			ret = memscope_deny(-EINVAL, "sync: the %s already owns '%s'",
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
		trace_memscope_dma_sync(r, cmd->to_device);
	}
put:
	memscope_region_put(r);
	return ret;
}

/**
 * memscope_dma_set_mask() - state the device's DMA addressing limit
 * @cmd: a parsed `dmamask DEV BITS`
 *
 * The kernel cannot know what a device really decodes: a mask the
 * platform can serve is accepted even if the device decodes less (on x86
 * without an IOMMU, any mask from ZONE_DMA's 24 bits up), so the user
 * says it. The mask memscope found at probe is restored on unbind.
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
		return memscope_deny(-EBUSY,
				     "dmamask: %s has %u DMA buffers allocated under the old mask",
				     cmd->dev, md->buffers);
	ret = dma_set_mask_and_coherent(md->dev, DMA_BIT_MASK(cmd->mask_bits));
	if (ret)
		return memscope_deny(-EIO, "dmamask: %s cannot do %u-bit DMA",
				     cmd->dev, cmd->mask_bits);
	md->mask_bits = cmd->mask_bits;
	return 0;
}
