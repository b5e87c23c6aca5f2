// SPDX-License-Identifier: GPL-2.0
/*
 * memscope register windows: mmio (ioremap) and pio (ioport_map).
 *
 * A raw window is the dangerous kind: it can point anywhere. Before
 * anything is mapped it must lie within the CPU's address space and must
 * not touch System RAM or an exclusive range; memscope then requests the
 * range for itself and follows the kernel's /dev/mem policy for what it
 * could not get (see memscope_window_claim()).
 */
#include <linux/cpufeature.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/seq_file.h>

#include "memscope.h"

/*
 * The kernel's /dev/mem policy for a window, decided from memscope's own
 * request of the range (iomem_is_exclusive() is not exported, and a DKMS
 * build cannot add an export). @res is that request, NULL if it failed:
 * the range, or part of it, is owned by a driver, or it crosses the edge
 * of a range the kernel describes. Either way it counts as busy. A
 * request that nested inside a described range (a PCI BAR, the HPET, an
 * e820 reserved range) is not busy, but what lives there belongs to
 * somebody. A bus's address window (IORESOURCE_WINDOW: the PCI host
 * bridge's apertures, which cover nearly all of x86's port space) is not
 * such a description: it says where a bus decodes, not what is there.
 *
 * - busy with CONFIG_IO_STRICT_DEVMEM: refused, reads included, as
 *   /dev/mem does (iomem=relaxed cannot be seen from a module and does
 *   not change this);
 * - otherwise busy: read-only unless force;
 * - rw on anything described (busy or not): needs force.
 *
 * Nothing here changes the region unless every check passes.
 */
static int memscope_window_claim(struct memscope_region *r,
				 const struct memscope_cmd *cmd,
				 struct resource *res, struct resource *root)
{
	const char *verb = cmd->verb == MEMSCOPE_CMD_IO ? "io" : "map";
	bool force = cmd->opts & MEMSCOPE_OPT_FORCE;
	bool rw = cmd->opts & MEMSCOPE_OPT_RW;
	bool busy = !res;
	bool described = busy || (res->parent != root &&
				  !(res->parent->flags & IORESOURCE_WINDOW));
	u64 last = cmd->addr + cmd->size - 1;

	if (busy && IS_ENABLED(CONFIG_IO_STRICT_DEVMEM))
		return memscope_deny(-EBUSY,
				     "%s %s: %#llx-%#llx is busy and CONFIG_IO_STRICT_DEVMEM refuses it; bind its device instead",
				     verb, r->name, cmd->addr, last);
	if (rw && !IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		return memscope_deny(-EPERM,
				     "%s %s: rw needs CONFIG_MEMSCOPE_WRITE",
				     verb, r->name);
	if (rw && described && !force)
		return memscope_deny(-EBUSY,
				     "%s %s: %#llx-%#llx is %s; rw needs force",
				     verb, r->name, cmd->addr, last,
				     busy ? "busy (a driver's, or across an edge)" :
					    "a range the kernel describes");

	if (rw)
		r->flags |= MEMSCOPE_REGION_RW;
	if (busy)
		r->flags |= MEMSCOPE_REGION_BUSY;
	if (force && described)
		r->flags |= MEMSCOPE_REGION_FORCED;
	return 0;
}

/*
 * What every window does once its own checks have passed: request the
 * range from @root (a busy range stays unrequested), apply the claim
 * rules, map it with @map and count it. Undone whole on any failure.
 */
static int memscope_window_map(struct memscope_region *r,
			       const struct memscope_cmd *cmd,
			       struct resource *root,
			       void __iomem *(*map)(const struct memscope_cmd *cmd),
			       const char *how)
{
	struct resource *res;
	int ret;

	res = __request_region(root, cmd->addr, cmd->size, "memscope", 0);
	ret = memscope_window_claim(r, cmd, res, root);
	if (ret)
		goto release_region;

	r->width = cmd->width;
	r->phys = cmd->addr;
	r->priv = res;
	r->iomem = map(cmd);
	if (!r->iomem) {
		ret = memscope_deny(-ENOMEM, "%s %s: %s failed",
				    cmd->verb == MEMSCOPE_CMD_IO ? "io" : "map",
				    cmd->name, how);
		goto release_region;
	}
	memscope_stats_add(r->kind, cmd->size, 1);
	return 0;

release_region:
	if (res)
		__release_region(root, cmd->addr, cmd->size);
	return ret;
}

/* The other half of memscope_window_map(), once the window is unmapped. */
static void memscope_window_release(struct memscope_region *r,
				    struct resource *root)
{
	if (r->priv)
		__release_region(root, r->phys, r->size);
	memscope_stats_add(r->kind, -r->size, -1);
}

/*
 * The last physical address the CPU can reach. x86 ends iomem_resource
 * at MAXPHYADDR; arm64 leaves it at the top of phys_addr_t, so ask the
 * CPU's PARange there: a mapping beyond it faults on its first access.
 */
static u64 memscope_phys_end(void)
{
	u64 end = iomem_resource.end;
#ifdef CONFIG_ARM64
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	int parange = cpuid_feature_extract_unsigned_field(mmfr0,
							   ID_AA64MMFR0_EL1_PARANGE_SHIFT);

	end = min3(end, (u64)PHYS_MASK,
		   BIT_ULL(id_aa64mmfr0_parange_to_phys_shift(parange)) - 1);
#endif
	return end;
}

static void __iomem *memscope_mmio_map(const struct memscope_cmd *cmd)
{
	if (cmd->opts & MEMSCOPE_OPT_WC)
		return ioremap_wc(cmd->addr, cmd->size);
	return ioremap(cmd->addr, cmd->size);
}

/**
 * memscope_phys_refusal() - why a physical range may not be mapped at all
 * @start: first address of the range
 * @size: its size in bytes
 *
 * What every window is checked against before anything is mapped, a
 * `map` command's or a bound platform device's resource: ioremap() of
 * System RAM WARNs on x86, and an exclusive range is the kernel's alone.
 *
 * Context: Process context.
 * Return: NULL if the range may be mapped, or the reason it may not.
 */
const char *memscope_phys_refusal(resource_size_t start, size_t size)
{
	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return "overlaps System RAM";
	if (region_intersects(start, size, IORESOURCE_MEM | IORESOURCE_EXCLUSIVE,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return "overlaps an exclusive range";
	return NULL;
}

static int memscope_mmio_create(struct memscope_region *r,
				const struct memscope_cmd *cmd)
{
	u64 end = memscope_phys_end();
	phys_addr_t phys = cmd->addr;
	const char *why;
	int ret;

	ret = memscope_check_lockdown("map");
	if (ret)
		return ret;
	/*
	 * Beyond the CPU's physical addresses ioremap() WARNs, memtype
	 * reservation fails, or the page tables get reserved bits and the
	 * first access oopses.
	 */
	if (phys != cmd->addr || cmd->addr > end ||
	    cmd->size - 1 > end - cmd->addr)
		return memscope_deny(-ERANGE,
				     "map %s: %#llx-%#llx is beyond the CPU's physical addresses (up to %#llx)",
				     cmd->name, cmd->addr,
				     cmd->addr + cmd->size - 1, end);
	if (cmd->width == 8 && !IS_ENABLED(CONFIG_64BIT))
		return memscope_deny(-EINVAL,
				     "map %s: width 8 needs a 64-bit kernel",
				     cmd->name);
	why = memscope_phys_refusal(phys, cmd->size);
	if (why)
		return memscope_deny(-EPERM, "map %s: %#llx-%#llx %s", cmd->name,
				     cmd->addr, cmd->addr + cmd->size - 1, why);

	if (cmd->opts & MEMSCOPE_OPT_WC)
		r->flags |= MEMSCOPE_REGION_WC;
	return memscope_window_map(r, cmd, &iomem_resource, memscope_mmio_map,
				   "ioremap");
}

static void memscope_mmio_destroy(struct memscope_region *r)
{
	iounmap(r->iomem);
	memscope_window_release(r, &iomem_resource);
}

/*
 * Page-aligned windows only: a partial page would expose its neighbours.
 * The frames are inserted at fault time (see memscope_vm_fault()).
 */
static int memscope_mmio_mmap(struct memscope_region *r,
			      struct vm_area_struct *vma)
{
	if (!PAGE_ALIGNED(r->phys) || !PAGE_ALIGNED(r->size))
		return memscope_deny(-EINVAL,
				     "%s: mmap needs a page-aligned window",
				     r->name);
	/*
	 * Device memory is never encrypted: as io_remap_pfn_range() and
	 * vfio-pci do, or SME/SEV/TDX users would see ciphertext.
	 */
	if (r->flags & MEMSCOPE_REGION_WC)
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	else
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_page_prot = pgprot_decrypted(vma->vm_page_prot);
	return 0;
}

static unsigned long memscope_mmio_pfn(struct memscope_region *r,
				       unsigned long pgoff)
{
	return PHYS_PFN(r->phys) + pgoff;
}

static void memscope_mmio_show_info(struct memscope_region *r,
				    struct seq_file *m)
{
	u64 phys = memscope_may_see_phys(m) ? r->phys : 0;

	seq_printf(m, "phys: %#llx-%#llx\n", phys, phys + r->size - 1);
	seq_printf(m, "virt: %pK\n", (void __force *)r->iomem);
	seq_printf(m, "mapping: %s\n",
		   r->flags & MEMSCOPE_REGION_WC ? "ioremap_wc" : "ioremap");
}

const struct memscope_backend memscope_mmio_backend = {
	.name = "mmio",
	.device_regs = true,
	.widths = BIT(1) | BIT(2) | BIT(4) |
		  (IS_ENABLED(CONFIG_64BIT) ? BIT(8) : 0),
	.create = memscope_mmio_create,
	.destroy = memscope_mmio_destroy,
	.read = memscope_io_read,
	.read_user = memscope_io_read_user,
	.write = memscope_io_write,
	.reg_read = memscope_io_reg_read,
	.reg_write = memscope_io_reg_write,
	.mmap = memscope_mmio_mmap,
	.pfn = memscope_mmio_pfn,
	.show_info = memscope_mmio_show_info,
};

#ifdef CONFIG_HAS_IOPORT_MAP
static void __iomem *memscope_pio_map(const struct memscope_cmd *cmd)
{
	return ioport_map(cmd->addr, cmd->size);
}

static int memscope_pio_create(struct memscope_region *r,
			       const struct memscope_cmd *cmd)
{
	int ret;

	ret = memscope_check_lockdown("io");
	if (ret)
		return ret;
	if (cmd->addr > ioport_resource.end ||
	    cmd->size - 1 > ioport_resource.end - cmd->addr)
		return memscope_deny(-ERANGE,
				     "io %s: %#llx-%#llx is beyond port space (up to %#llx)",
				     cmd->name, cmd->addr,
				     cmd->addr + cmd->size - 1,
				     (u64)ioport_resource.end);
	/*
	 * lib/iomap.c tells ports from MMIO by the cookie's value, and the
	 * cookie of port 0 is the one value it calls a bad access (a WARN).
	 */
	if (IS_ENABLED(CONFIG_GENERIC_IOMAP) && !cmd->addr)
		return memscope_deny(-ERANGE,
				     "io %s: port 0 cannot be reached through ioport_map() on this architecture",
				     cmd->name);

	return memscope_window_map(r, cmd, &ioport_resource, memscope_pio_map,
				   "ioport_map");
}

static void memscope_pio_destroy(struct memscope_region *r)
{
	ioport_unmap(r->iomem);
	memscope_window_release(r, &ioport_resource);
}

static void memscope_pio_show_info(struct memscope_region *r,
				   struct seq_file *m)
{
	u64 port = memscope_may_see_phys(m) ? r->phys : 0;

	seq_printf(m, "port: %#llx-%#llx\n", port, port + r->size - 1);
	/* The cookie ioport_map() returned: what a driver would ioread*() */
	seq_printf(m, "cookie: %pK\n", (void __force *)r->iomem);
	seq_puts(m, "mapping: ioport_map\n");
}

const struct memscope_backend memscope_pio_backend = {
	.name = "pio",
	.device_regs = true,
	.widths = BIT(1) | BIT(2) | BIT(4),
	.create = memscope_pio_create,
	.destroy = memscope_pio_destroy,
	.read = memscope_io_read,
	.write = memscope_io_write,
	.reg_read = memscope_io_reg_read,
	.reg_write = memscope_io_reg_write,
	.mmap_refusal = "port I/O space cannot be mapped into memory",
	.show_info = memscope_pio_show_info,
};
#endif /* CONFIG_HAS_IOPORT_MAP */
