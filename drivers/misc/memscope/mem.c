// SPDX-License-Identifier: GPL-2.0
/*
 * memscope kernel memory: kmalloc, vmalloc, page and slab regions.
 *
 * Each kind is allocated exactly the way a driver would, and shown with
 * where it landed: its virtual address, the page frames behind it (as
 * runs of consecutive frames) and whether it is physically contiguous.
 * Sizes are checked before the allocator is called, so an impossible
 * request is refused with a reason instead of a WARN or an OOM, and the
 * memory is charged to the memory cgroup of the one who asked for it.
 */
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poison.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string_choices.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "memscope.h"

/* Runs listed in `info` before the rest is only counted. */
#define MEMSCOPE_INFO_RUNS	16
/* Distinct object sizes, each a kmem_cache of its own, at once. */
#define MEMSCOPE_SLAB_CACHES_MAX	16

/**
 * memscope_pfn_run_add() - extend a run of page frames by one frame
 * @cur: the run being built; count 0 when empty
 * @pfn: the next frame, in address order
 * @done: receives the finished run when @pfn starts a new one
 *
 * Context: Any context.
 * Return: true if a run ended and was stored in @done.
 */
bool memscope_pfn_run_add(struct memscope_pfn_run *cur, unsigned long pfn,
			  struct memscope_pfn_run *done)
{
	if (cur->count && pfn == cur->start + cur->count) {
		cur->count++;
		return false;
	}
	*done = *cur;
	cur->start = pfn;
	cur->count = 1;
	return done->count != 0;
}

/**
 * memscope_pfn_runs() - fold page frame numbers into runs of consecutive ones
 * @pfns: frame numbers in address order
 * @n: number of entries in @pfns
 * @runs: where to store the runs; may be NULL to only count them
 * @max_runs: capacity of @runs; runs past it are counted, not stored
 *
 * Context: Any context.
 * Return: the number of runs.
 */
unsigned int memscope_pfn_runs(const unsigned long *pfns, unsigned int n,
			       struct memscope_pfn_run *runs,
			       unsigned int max_runs)
{
	struct memscope_pfn_run cur = {}, done;
	unsigned int i, nr = 0;

	for (i = 0; i < n; i++) {
		if (memscope_pfn_run_add(&cur, pfns[i], &done)) {
			if (runs && nr < max_runs)
				runs[nr] = done;
			nr++;
		}
	}
	if (cur.count) {
		if (runs && nr < max_runs)
			runs[nr] = cur;
		nr++;
	}
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_pfn_runs);

/* Pages a memory region spans, from the page holding its first byte. */
static unsigned long memscope_mem_nr_pages(struct memscope_region *r)
{
	return DIV_ROUND_UP(offset_in_page(r->vaddr) + r->size, PAGE_SIZE);
}

static unsigned long memscope_mem_pfn(struct memscope_region *r,
				      unsigned long i)
{
	void *addr = PTR_ALIGN_DOWN(r->vaddr, PAGE_SIZE) + i * PAGE_SIZE;

	/* The backend knows best (a coherent buffer: the DMA API's pages). */
	if (r->ops->pfn)
		return r->ops->pfn(r, i);
	if (is_vmalloc_addr(addr))
		return vmalloc_to_pfn(addr);
	return PHYS_PFN(virt_to_phys(addr));
}

/**
 * memscope_region_pfn_runs() - the page frame runs behind a memory region
 * @r: a kmalloc, vmalloc, pages or slab region
 * @runs: where to store the runs; may be NULL
 * @max_runs: capacity of @runs
 *
 * Context: Process context.
 * Return: the number of runs; 1 means physically contiguous.
 */
unsigned int memscope_region_pfn_runs(struct memscope_region *r,
				      struct memscope_pfn_run *runs,
				      unsigned int max_runs)
{
	unsigned long i, n = memscope_mem_nr_pages(r);
	struct memscope_pfn_run cur = {}, done;
	unsigned int nr = 0;

	for (i = 0; i < n; i++) {
		if (memscope_pfn_run_add(&cur, memscope_mem_pfn(r, i), &done)) {
			if (runs && nr < max_runs)
				runs[nr] = done;
			nr++;
		}
		if (!(i % 1024))
			cond_resched();
	}
	if (runs && nr < max_runs)
		runs[nr] = cur;
	return nr + 1;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_region_pfn_runs);

/* Common `info` lines of every memory kind. */
static void memscope_mem_show_layout(struct memscope_region *r,
				     struct seq_file *m)
{
	struct memscope_pfn_run runs[MEMSCOPE_INFO_RUNS];
	bool show = memscope_may_see_phys(m);
	unsigned int i, nr;

	seq_printf(m, "virt: %pK\n", r->vaddr);
	nr = memscope_region_pfn_runs(r, runs, ARRAY_SIZE(runs));
	/* /proc/iomem's rule: frames are zero to a reader without CAP_SYS_ADMIN. */
	for (i = 0; !show && i < nr && i < ARRAY_SIZE(runs); i++)
		runs[i].start = 0;
	if (nr == 1)
		seq_printf(m, "phys: %#llx\n",
			   show ? (u64)PFN_PHYS(runs[0].start) +
				  offset_in_page(r->vaddr) : 0);
	seq_printf(m, "pages: %lu\n", memscope_mem_nr_pages(r));
	seq_printf(m, "contiguous: %s\n", str_yes_no(nr == 1));
	seq_printf(m, "runs: %u\n", nr);
	for (i = 0; i < nr && i < ARRAY_SIZE(runs); i++)
		seq_printf(m, "pfn %#lx-%#lx (%lu page%s)\n", runs[i].start,
			   runs[i].start + runs[i].count - 1, runs[i].count,
			   str_plural(runs[i].count));
	if (nr > ARRAY_SIZE(runs))
		seq_printf(m, "pfn ... (%u more runs)\n",
			   nr - (unsigned int)ARRAY_SIZE(runs));
}

/**
 * memscope_linear_read() - read a region with one linear kernel mapping
 * @r: the region; @r->vaddr maps all of it
 * @off: byte offset
 * @buf: kernel buffer
 * @len: bytes, within the region (checked by the caller)
 *
 * Context: Any context.
 * Return: 0.
 */
int memscope_linear_read(struct memscope_region *r, u64 off, void *buf,
			 size_t len)
{
	memcpy(buf, r->vaddr + off, len);
	return 0;
}

/**
 * memscope_linear_write() - write a region with one linear kernel mapping
 * @r: the region; @r->vaddr maps all of it
 * @off: byte offset
 * @buf: kernel buffer
 * @len: bytes, within the region (checked by the caller)
 *
 * Context: Any context.
 * Return: 0.
 */
int memscope_linear_write(struct memscope_region *r, u64 off, const void *buf,
			  size_t len)
{
	memcpy(r->vaddr + off, buf, len);
	return 0;
}

/*
 * kmalloc / kzalloc. kmalloc() does not clear what it returns, but the
 * old contents are somebody else's heap data: memscope fills the object
 * with POISON_INUSE, the byte slub_debug uses for memory nobody has
 * written yet, so the lesson stays visible and the data stays private.
 */
static int memscope_kmalloc_create(struct memscope_region *r,
				   const struct memscope_cmd *cmd)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN;

	if (cmd->size > KMALLOC_MAX_SIZE)
		return memscope_deny(-ERANGE,
				     "alloc %s: kmalloc takes at most %lu bytes",
				     cmd->name, KMALLOC_MAX_SIZE);
	if (cmd->opts & MEMSCOPE_OPT_ZERO) {
		gfp |= __GFP_ZERO;
		r->flags |= MEMSCOPE_REGION_ZEROED;
	}
	r->vaddr = kmalloc(cmd->size, gfp);
	if (!r->vaddr)
		return memscope_deny(-ENOMEM, "alloc %s: kmalloc(%llu) failed",
				     cmd->name, cmd->size);
	if (!(gfp & __GFP_ZERO))
		memset(r->vaddr, POISON_INUSE, cmd->size);
	r->phys = virt_to_phys(r->vaddr);
	memscope_stats_add(r->kind, ksize(r->vaddr), 1);
	return 0;
}

static void memscope_kmalloc_destroy(struct memscope_region *r)
{
	memscope_stats_add(r->kind, -(long)ksize(r->vaddr), -1);
	kfree(r->vaddr);
}

static void memscope_kmalloc_show_info(struct memscope_region *r,
				       struct seq_file *m)
{
	bool zeroed = r->flags & MEMSCOPE_REGION_ZEROED;

	seq_printf(m, "allocator: %s\n", zeroed ? "kzalloc" : "kmalloc");
	/* What a driver would have found there: stale data, shown as poison. */
	if (!zeroed)
		seq_printf(m, "poison: %#x\n", POISON_INUSE);
	seq_printf(m, "real-size: %zu\n", ksize(r->vaddr));
	memscope_mem_show_layout(r, m);
}

const struct memscope_backend memscope_kmalloc_backend = {
	.name = "kmalloc",
	.linear = true,
	.create = memscope_kmalloc_create,
	.destroy = memscope_kmalloc_destroy,
	.read = memscope_linear_read,
	.write = memscope_linear_write,
	.mmap_refusal = "slab memory cannot be mapped to user space",
	.show_info = memscope_kmalloc_show_info,
};

/*
 * vmalloc / vzalloc: both through vmalloc_user(), which zeroes the area
 * and marks it VM_USERMAP so that remap_vmalloc_range() may map it.
 * vmalloc_user() takes no gfp flags: no __GFP_NOWARN and no memcg
 * charge, so besides max_kind_bytes the size is capped at a quarter of
 * RAM, whatever the module parameter says.
 */
static int memscope_vmalloc_create(struct memscope_region *r,
				   const struct memscope_cmd *cmd)
{
	u64 cap = PFN_PHYS((u64)totalram_pages()) / 4;

	if (cmd->size > cap)
		return memscope_deny(-ERANGE,
				     "alloc %s: vmalloc is capped at a quarter of RAM (%llu bytes)",
				     cmd->name, cap);
	r->vaddr = vmalloc_user(cmd->size);
	if (!r->vaddr)
		return memscope_deny(-ENOMEM, "alloc %s: vmalloc_user(%llu) failed",
				     cmd->name, cmd->size);
	r->flags |= MEMSCOPE_REGION_ZEROED;
	r->phys = PFN_PHYS((u64)vmalloc_to_pfn(r->vaddr));
	memscope_stats_add(r->kind, PAGE_ALIGN(cmd->size), 1);
	return 0;
}

static void memscope_vmalloc_destroy(struct memscope_region *r)
{
	memscope_stats_add(r->kind, -(long)PAGE_ALIGN(r->size), -1);
	vfree(r->vaddr);
}

static int memscope_vmalloc_mmap(struct memscope_region *r,
				 struct vm_area_struct *vma)
{
	return remap_vmalloc_range(vma, r->vaddr, vma->vm_pgoff);
}

static void memscope_vmalloc_show_info(struct memscope_region *r,
				       struct seq_file *m)
{
	seq_puts(m, "allocator: vmalloc_user\n");
	seq_printf(m, "real-size: %llu\n", PAGE_ALIGN(r->size));
	memscope_mem_show_layout(r, m);
}

const struct memscope_backend memscope_vmalloc_backend = {
	.name = "vmalloc",
	.linear = true,
	.create = memscope_vmalloc_create,
	.destroy = memscope_vmalloc_destroy,
	.read = memscope_linear_read,
	.write = memscope_linear_write,
	.mmap = memscope_vmalloc_mmap,
	.show_info = memscope_vmalloc_show_info,
};

/*
 * pages: alloc_pages() of the order the size needs. Without __GFP_HIGHMEM
 * the pages are lowmem, so page_address() maps them all and they are read
 * and written like any linear region.
 */
static int memscope_pages_create(struct memscope_region *r,
				 const struct memscope_cmd *cmd)
{
	unsigned int order;
	struct page *page;

	if (cmd->size > PAGE_SIZE << MAX_PAGE_ORDER)
		return memscope_deny(-ERANGE,
				     "alloc %s: alloc_pages takes at most order %d (%lu bytes)",
				     cmd->name, MAX_PAGE_ORDER,
				     PAGE_SIZE << MAX_PAGE_ORDER);
	order = get_order(cmd->size);
	page = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN,
			   order);
	if (!page)
		return memscope_deny(-ENOMEM, "alloc %s: alloc_pages(order %u) failed",
				     cmd->name, order);
	r->priv = page;
	r->vaddr = page_address(page);
	r->phys = page_to_phys(page);
	r->flags |= MEMSCOPE_REGION_ZEROED;
	memscope_stats_add(r->kind, PAGE_SIZE << order, 1);
	return 0;
}

static void memscope_pages_destroy(struct memscope_region *r)
{
	unsigned int order = get_order(r->size);

	memscope_stats_add(r->kind, -(long)(PAGE_SIZE << order), -1);
	__free_pages(r->priv, order);
}

/* Mapped frame by frame at fault time (see memscope_vm_fault()). */
static unsigned long memscope_pages_pfn(struct memscope_region *r,
					unsigned long pgoff)
{
	return page_to_pfn((struct page *)r->priv) + pgoff;
}

static void memscope_pages_show_info(struct memscope_region *r,
				     struct seq_file *m)
{
	unsigned int order = get_order(r->size);

	seq_printf(m, "allocator: alloc_pages (order %u)\n", order);
	seq_printf(m, "real-size: %lu\n", PAGE_SIZE << order);
	memscope_mem_show_layout(r, m);
}

const struct memscope_backend memscope_pages_backend = {
	.name = "pages",
	.create = memscope_pages_create,
	.destroy = memscope_pages_destroy,
	.read = memscope_linear_read,
	.write = memscope_linear_write,
	.pfn = memscope_pages_pfn,
	.show_info = memscope_pages_show_info,
};

/*
 * slab: one kmem_cache per object size, created with SLAB_NO_MERGE on
 * first use (so it shows under its own name in /proc/slabinfo) and
 * destroyed with its last object.
 */
struct memscope_slab_cache {
	struct list_head node;
	struct kmem_cache *cache;
	unsigned int size;
	unsigned int objects;
	char name[24];
};

static LIST_HEAD(memscope_slab_caches);
static DEFINE_MUTEX(memscope_slab_lock);

static struct memscope_slab_cache *memscope_slab_get(unsigned int size)
{
	struct memscope_slab_cache *c;
	unsigned int n = 0;

	guard(mutex)(&memscope_slab_lock);
	list_for_each_entry(c, &memscope_slab_caches, node) {
		if (c->size == size) {
			c->objects++;
			return c;
		}
		n++;
	}
	if (n >= MEMSCOPE_SLAB_CACHES_MAX)
		return ERR_PTR(-ENOSPC);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "memscope-%u", size);
	c->cache = kmem_cache_create(c->name, size, 0, SLAB_NO_MERGE, NULL);
	if (!c->cache) {
		kfree(c);
		return NULL;
	}
	c->size = size;
	c->objects = 1;
	list_add(&c->node, &memscope_slab_caches);
	return c;
}

static void memscope_slab_put(struct memscope_slab_cache *c)
{
	guard(mutex)(&memscope_slab_lock);
	if (--c->objects)
		return;
	list_del(&c->node);
	kmem_cache_destroy(c->cache);
	kfree(c);
}

static int memscope_slab_create(struct memscope_region *r,
				const struct memscope_cmd *cmd)
{
	struct memscope_slab_cache *c;

	if (cmd->size > KMALLOC_MAX_CACHE_SIZE)
		return memscope_deny(-ERANGE,
				     "alloc %s: slab objects are at most %lu bytes",
				     cmd->name, KMALLOC_MAX_CACHE_SIZE);
	c = memscope_slab_get(cmd->size);
	if (IS_ERR(c))
		return memscope_deny(PTR_ERR(c),
				     "alloc %s: %d slab object sizes are in use; free one first",
				     cmd->name, MEMSCOPE_SLAB_CACHES_MAX);
	if (!c)
		return memscope_deny(-ENOMEM, "alloc %s: cannot create a cache",
				     cmd->name);
	r->vaddr = kmem_cache_zalloc(c->cache,
				     GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!r->vaddr) {
		memscope_slab_put(c);
		return memscope_deny(-ENOMEM, "alloc %s: kmem_cache_alloc failed",
				     cmd->name);
	}
	r->priv = c;
	r->phys = virt_to_phys(r->vaddr);
	r->flags |= MEMSCOPE_REGION_ZEROED;
	memscope_stats_add(r->kind, kmem_cache_size(c->cache), 1);
	return 0;
}

static void memscope_slab_destroy(struct memscope_region *r)
{
	struct memscope_slab_cache *c = r->priv;

	memscope_stats_add(r->kind, -(long)kmem_cache_size(c->cache), -1);
	kmem_cache_free(c->cache, r->vaddr);
	memscope_slab_put(c);
}

static void memscope_slab_show_info(struct memscope_region *r,
				    struct seq_file *m)
{
	struct memscope_slab_cache *c = r->priv;

	seq_puts(m, "allocator: kmem_cache_zalloc\n");
	seq_printf(m, "cache: %s\n", c->name);
	seq_printf(m, "real-size: %u\n", kmem_cache_size(c->cache));
	memscope_mem_show_layout(r, m);
}

const struct memscope_backend memscope_slab_backend = {
	.name = "slab",
	.create = memscope_slab_create,
	.destroy = memscope_slab_destroy,
	.read = memscope_linear_read,
	.write = memscope_linear_write,
	.mmap_refusal = "slab memory cannot be mapped to user space",
	.show_info = memscope_slab_show_info,
};
