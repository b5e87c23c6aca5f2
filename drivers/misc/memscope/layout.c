// SPDX-License-Identifier: GPL-2.0
/*
 * memscope layout: the address spaces of this boot, drawn as text.
 *
 * From the reader's own process down to the devices: where memscope's
 * user mappings landed, the kernel's virtual ranges (direct map,
 * vmalloc/ioremap, modules), physical memory and the device windows.
 * Every live region is placed by asking the kernel where its address
 * belongs (is_vmalloc_addr(), virt_addr_valid(), the resource tree),
 * never by memscope's own idea of the memory map.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/vmalloc.h>

#include "memscope.h"

/*
 * The registry is walked once per section under memscope_lock, in the
 * order regions were made: no array of them, however many there are.
 */
struct memscope_layout {
	struct seq_file *m;
	struct list_head *regions;
};

static const char *memscope_size_str(u64 size, char *buf, size_t len)
{
	if (size >= SZ_1M && IS_ALIGNED(size, SZ_1M))
		snprintf(buf, len, "%llu MiB", size >> 20);
	else if (size >= SZ_1K && IS_ALIGNED(size, SZ_1K))
		snprintf(buf, len, "%llu KiB", size >> 10);
	else
		snprintf(buf, len, "%llu B", size);
	return buf;
}

/* The kernel virtual address a region is reached through, if any. */
static const void *memscope_region_kva(struct memscope_region *r)
{
	return r->ops->device_regs ? (const void __force *)r->iomem : r->vaddr;
}

static void memscope_layout_entry(struct seq_file *m, struct memscope_region *r,
				  const char *where)
{
	char size[24];

	seq_printf(m, "|  |  %-16s %-8s %s  %s\n", r->name, r->ops->name, where,
		   memscope_size_str(r->size, size, sizeof(size)));
}

/**
 * memscope_layout_user_show() - the reader's own memscope mappings
 * @m: the `layout` seq_file
 *
 * The first part of the picture, drawn before memscope_lock is taken, so
 * that the reader's mmap lock is never taken under it. No registry lock
 * is needed: a region stays alive while it is mapped (the mapping's file
 * holds it).
 *
 * Context: Process context; takes the reader's mmap lock.
 */
void memscope_layout_user_show(struct seq_file *m)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct vma_iterator vmi;
	unsigned int shown = 0;

	seq_printf(m, "user space: pid %d (%s), memscope mappings\n",
		   task_pid_nr(current), current->comm);
	if (mm) {
		vma_iter_init(&vmi, mm, 0);
		mmap_read_lock(mm);
		for_each_vma(vmi, vma) {
			struct memscope_region *r = memscope_vma_region(vma);

			if (!r)
				continue;
			seq_printf(m, "|  %016lx-%016lx  %-16s %-8s %s data +%#lx\n",
				   vma->vm_start, vma->vm_end, r->name,
				   r->ops->name,
				   vma->vm_flags & VM_WRITE ? "rw" : "ro",
				   vma->vm_pgoff << PAGE_SHIFT);
			shown++;
		}
		mmap_read_unlock(mm);
	}
	if (!shown)
		seq_puts(m, "|  (none: mmap a region's data file to see it here)\n");
	seq_puts(m, "|\nv  page tables\n");
}

/* Port space as kernel addresses (arm64's PCI_IOBASE), or NULL (x86). */
static const void __iomem *memscope_port_window(void)
{
#ifdef PCI_IOBASE
	return PCI_IOBASE;
#else
	return NULL;
#endif
}

static void memscope_layout_kernel(struct memscope_layout *l)
{
	struct seq_file *m = l->m;
	struct memscope_region *r;
	char where[24];

	seq_puts(m, "kernel virtual\n");
	seq_printf(m, "|  direct map        %pK-%pK\n", (void *)PAGE_OFFSET,
		   high_memory - 1);
	list_for_each_entry(r, l->regions, node) {
		const void *kva = memscope_region_kva(r);

		if (!memscope_region_is_port(r) && virt_addr_valid(kva)) {
			snprintf(where, sizeof(where), "%pK", kva);
			memscope_layout_entry(m, r, where);
		}
	}
	seq_printf(m, "|  vmalloc/ioremap   %pK-%pK\n", (void *)VMALLOC_START,
		   (void *)VMALLOC_END);
	list_for_each_entry(r, l->regions, node) {
		const void *kva = memscope_region_kva(r);

		if (!memscope_region_is_port(r) && is_vmalloc_addr(kva)) {
			snprintf(where, sizeof(where), "%pK", kva);
			memscope_layout_entry(m, r, where);
		}
	}
#ifdef MODULES_VADDR
	seq_printf(m, "|  modules           %pK-%pK\n", (void *)MODULES_VADDR,
		   (void *)(MODULES_END - 1));
#endif
	/*
	 * Where ports are memory-mapped (arm64: PCI_IOBASE), port space is a
	 * window of kernel addresses and ioport_map()'s cookies point into
	 * it; elsewhere (x86) a cookie is not an address.
	 */
	if (memscope_port_window())
		seq_printf(m, "|  PCI I/O window    %pK-%pK\n",
			   memscope_port_window(),
			   memscope_port_window() + IO_SPACE_LIMIT);
	list_for_each_entry(r, l->regions, node) {
		const void *kva = memscope_region_kva(r);

		if (!memscope_region_is_port(r))
			continue;
		snprintf(where, sizeof(where), "%pK", kva);
		if (memscope_port_window())
			memscope_layout_entry(m, r, where);
		else
			seq_printf(m, "|  port cookie: %s %s (not a mapping)\n",
				   r->name, where);
	}
	seq_puts(m, "|\nv  virt_to_phys(), vmalloc_to_pfn(), page tables\n");
}

/*
 * One System RAM range and the regions whose memory lies in it, placed by
 * their CPU physical address; a DMA buffer shows the bus address the
 * device uses beside it (an IOVA behind an IOMMU).
 */
static int memscope_layout_ram(struct resource *res, void *arg)
{
	struct memscope_layout *l = arg;
	bool show = memscope_may_see_phys(l->m);
	struct seq_file *m = l->m;
	struct memscope_region *r;
	char where[64];

	seq_printf(m, "|  System RAM        %016llx-%016llx\n",
		   show ? (u64)res->start : 0, show ? (u64)res->end : 0);
	list_for_each_entry(r, l->regions, node) {
		u64 phys = show ? r->phys : 0;
		unsigned int runs;

		size_t len;

		if (r->ops->device_regs || !r->phys || r->phys < res->start ||
		    r->phys > res->end)
			continue;
		runs = memscope_region_pfn_runs(r, NULL, 0);
		if (runs == 1)
			len = scnprintf(where, sizeof(where), "%016llx", phys);
		else
			len = scnprintf(where, sizeof(where),
					"%016llx (1st of %u runs)", phys, runs);
		if (r->owner)
			scnprintf(where + len, sizeof(where) - len, " bus %#llx",
				  show ? (u64)r->bus : 0);
		memscope_layout_entry(m, r, where);
	}
	return 0;
}

static void memscope_layout_phys(struct memscope_layout *l)
{
	bool show = memscope_may_see_phys(l->m);
	struct seq_file *m = l->m;
	struct memscope_region *r;

	seq_puts(m, "physical memory\n");
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM, 0, U64_MAX,
			    l, memscope_layout_ram);
	seq_puts(m, "|\nv  the bus: MMIO and port windows\n");

	seq_puts(m, "device windows\n");
	list_for_each_entry(r, l->regions, node) {
		u64 phys = show ? r->phys : 0;

		if (!r->ops->device_regs)
			continue;
		if (memscope_region_is_port(r))
			seq_printf(m, "|  port %04llx-%04llx          %-16s %-8s %s\n",
				   phys, phys + r->size - 1, r->name,
				   r->ops->name,
				   r->flags & MEMSCOPE_REGION_RW ? "rw" : "ro");
		else
			seq_printf(m, "|  mmio %016llx-%016llx  %-16s %-8s %s\n",
				   phys, phys + r->size - 1, r->name,
				   r->ops->name,
				   r->flags & MEMSCOPE_REGION_RW ? "rw" : "ro");
	}
	seq_puts(m, "\n");
}

/**
 * memscope_layout_show() - print the address-space picture
 * @m: seq_file to print to
 * @regions: the registry's list of live regions
 *
 * Everything but the reader's own mappings (memscope_layout_user_show()).
 *
 * Context: Process context; memscope_lock held.
 * Return: 0.
 */
int memscope_layout_show(struct seq_file *m, struct list_head *regions)
{
	struct memscope_layout l = { .m = m, .regions = regions };
	struct memscope_region *r;
	unsigned int mappings = 0;

	memscope_layout_kernel(&l);
	memscope_layout_phys(&l);

	seq_puts(m, "memscope holds\n");
	memscope_stats_show(m);
	list_for_each_entry(r, regions, node)
		mappings += atomic_read(&r->mappings);
	seq_printf(m, "|  mappings %u\n", mappings);
	return 0;
}
