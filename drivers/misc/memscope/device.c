// SPDX-License-Identifier: GPL-2.0
/*
 * memscope devices: what every device bound to memscope has - its
 * directory under devices/, its BARs (or memory resources) as `bar`
 * regions, bus mastering for its DMA buffers - and the registration
 * of the PCI (pci.c) and platform (platform.c) drivers that bind it.
 *
 * A device's DMA buffers (dma.c) belong to it: on unbind, user
 * mappings are zapped and every buffer is freed inside remove(),
 * before the device goes away.
 */
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string_choices.h>

#include "memscope.h"

/* Serialises device lookup and region creation against unbind. */
DEFINE_MUTEX(memscope_dev_lock);
static LIST_HEAD(memscope_devices);
static struct dentry *memscope_devices_dir;

/**
 * memscope_device_find() - a device bound to memscope, by its bus name
 * @name: the name the bus shows (0000:00:03.0, foo.0 ...)
 *
 * Context: Process context; memscope_dev_lock held.
 * Return: the device, or NULL (reason recorded) if no such device is bound.
 */
struct memscope_device *memscope_device_find(const char *name)
{
	struct memscope_device *md;

	lockdep_assert_held(&memscope_dev_lock);
	list_for_each_entry(md, &memscope_devices, node)
		if (!strcmp(dev_name(md->dev), name))
			return md;
	memscope_deny(-ENODEV, "%s: no such device bound to memscope", name);
	return NULL;
}

/*
 * Can the device answer an access to its BARs? With decoding off or the
 * device out of D0 a read returns all-ones; say so instead. Checked once
 * per read(2) or write(2), not per register. Power is not taken here: a
 * bound device holds a runtime PM reference for as long as it is bound
 * (the one the PCI core takes around probe, which memscope keeps, or the
 * platform driver's own), so it does not suspend under a user.
 */
static int memscope_bar_begin(struct memscope_region *r)
{
	struct memscope_device *md = r->owner;
	struct pci_dev *pdev;
	u16 cmd, want;

	if (!dev_is_pci(md->dev))
		return 0;

	pdev = to_pci_dev(md->dev);
	want = r->flags & MEMSCOPE_REGION_PORT ? PCI_COMMAND_IO :
						 PCI_COMMAND_MEMORY;
	if (pdev->current_state != PCI_D0)
		return memscope_deny(-EIO, "%s: %s is in D%d, not D0", r->name,
				     pci_name(pdev), pdev->current_state);
	if (pci_read_config_word(pdev, PCI_COMMAND, &cmd) ||
	    PCI_POSSIBLE_ERROR(cmd))
		return memscope_deny(-EIO, "%s: %s does not answer config reads",
				     r->name, pci_name(pdev));
	if (!(cmd & want))
		return memscope_deny(-EIO, "%s: %s decoding is off in the command register",
				     r->name, want == PCI_COMMAND_IO ? "I/O" : "memory");
	return 0;
}

static void memscope_bar_destroy(struct memscope_region *r)
{
	/* The mapping is devres-managed and goes with the device. */
	memscope_stats_add(r->kind, -r->size, -1);
}

static void memscope_bar_show_info(struct memscope_region *r,
				   struct seq_file *m)
{
	struct memscope_device *md = r->owner;

	u64 phys = memscope_may_see_phys(m) ? r->phys : 0;

	seq_printf(m, "device: %s\n", dev_name(md->dev));
	seq_printf(m, "%s: %#llx-%#llx\n",
		   r->flags & MEMSCOPE_REGION_PORT ? "port" : "phys", phys,
		   phys + r->size - 1);
	seq_printf(m, "virt: %pK\n", (void __force *)r->iomem);
}

static int memscope_bar_mmap(struct memscope_region *r,
			     struct vm_area_struct *vma)
{
	return memscope_mmio_backend.mmap(r, vma);
}

static unsigned long memscope_bar_pfn(struct memscope_region *r,
				      unsigned long pgoff)
{
	return memscope_mmio_backend.pfn(r, pgoff);
}

static const struct memscope_backend memscope_bar_backend = {
	.name = "bar",
	.device_regs = true,
	.widths = BIT(1) | BIT(2) | BIT(4) |
		  (IS_ENABLED(CONFIG_64BIT) ? BIT(8) : 0),
	.destroy = memscope_bar_destroy,
	.read = memscope_io_read,
	.read_user = memscope_io_read_user,
	.write = memscope_io_write,
	.reg_read = memscope_io_reg_read,
	.reg_write = memscope_io_reg_write,
	.begin = memscope_bar_begin,
	.mmap = memscope_bar_mmap,
	.pfn = memscope_bar_pfn,
	.show_info = memscope_bar_show_info,
};

/* An I/O BAR: port space, so no 64-bit access and no mmap. */
static const struct memscope_backend memscope_bar_io_backend = {
	.name = "bar",
	.device_regs = true,
	.widths = BIT(1) | BIT(2) | BIT(4),
	.destroy = memscope_bar_destroy,
	.read = memscope_io_read,
	.write = memscope_io_write,
	.reg_read = memscope_io_reg_read,
	.reg_write = memscope_io_reg_write,
	.begin = memscope_bar_begin,
	.mmap_refusal = "port I/O space cannot be mapped into memory",
	.show_info = memscope_bar_show_info,
};

/* Region names from device names: 0000:00:03.0 -> 00-03-0. */
static void memscope_device_short_name(struct device *dev, char *buf,
				       size_t len)
{
	const char *name = dev_name(dev);
	size_t i, j = 0;

	if (dev_is_pci(dev) && str_has_prefix(name, "0000:"))
		name += strlen("0000:");
	for (i = 0; name[i] && j + 1 < len; i++) {
		char c = tolower(name[i]);

		buf[j++] = isalnum(c) || c == '_' ? c : '-';
	}
	buf[j] = '\0';
}

/**
 * memscope_device_skip() - record a BAR or resource left out
 * @md: the device
 * @what: "BAR" or "resource"
 * @index: the number of the BAR or resource
 * @why: the reason, for the log and info
 * @err: the errno that made it fail
 *
 * A BAR or resource left out: the device stays usable without it.
 *
 * Context: Process context.
 */
void memscope_device_skip(struct memscope_device *md, const char *what,
			  unsigned int index, const char *why, int err)
{
	size_t len = strlen(md->skipped);

	dev_info(md->dev, "%s %u skipped: %s (%pe)\n", what, index, why,
		 ERR_PTR(err));
	scnprintf(md->skipped + len, sizeof(md->skipped) - len,
		  "skipped: %s %u: %s (%pe)\n", what, index, why, ERR_PTR(err));
}

/**
 * memscope_bar_add() - make a BAR or memory resource a region
 * @md: the device
 * @index: the number of the BAR or resource
 * @iomem: its mapping
 * @res: its resource
 *
 * A BAR or memory resource as a region; one that cannot be is skipped.
 *
 * Context: Process context.
 */
void memscope_bar_add(struct memscope_device *md, unsigned int index,
		      void __iomem *iomem, const struct resource *res)
{
	bool port = resource_type(res) == IORESOURCE_IO;
	struct memscope_region *r;
	char short_name[20];
	int ret;

	r = memscope_region_alloc();
	if (!r) {
		memscope_device_skip(md, "BAR", index, "no memory for its region",
				     -ENOMEM);
		return;
	}
	memscope_device_short_name(md->dev, short_name, sizeof(short_name));
	snprintf(r->name, sizeof(r->name), "%s-bar%u", short_name, index);
	r->kind = MEMSCOPE_KIND_BAR;
	r->ops = port ? &memscope_bar_io_backend : &memscope_bar_backend;
	r->owner = md;
	r->iomem = iomem;
	r->phys = res->start;
	r->size = resource_size(res);
	/*
	 * Memory: the widest of 4, 2 and 1 that both address and size allow.
	 * Ports: 1, as for `io` windows; a 16550's registers are bytes, and a
	 * wider port write would reach its neighbours too.
	 */
	r->width = port ? 1 : 4;
	while ((r->phys | r->size) & (r->width - 1))
		r->width /= 2;
	if (port)
		r->flags |= MEMSCOPE_REGION_PORT;
	/* The device was handed over: its registers are the user's. */
	if (IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		r->flags |= MEMSCOPE_REGION_RW;

	/* Counted before it is published: a `free` may take it at once. */
	memscope_stats_add(r->kind, r->size, 1);
	/* A user's region may have taken the name first. */
	ret = memscope_region_register(r);
	if (ret) {
		memscope_device_skip(md, "BAR", index, "its region cannot be registered",
				     ret);
		memscope_stats_add(r->kind, -r->size, -1);
		memscope_region_put(r);
		return;
	}
}

static int memscope_device_info_show(struct seq_file *m, void *unused)
{
	struct memscope_device *md = m->private;
	struct dentry *dentry = m->file->f_path.dentry;

	/* Gone once remove() has begun; held for this show only. */
	if (debugfs_file_get(dentry))
		return -ENODEV;
	seq_printf(m, "device: %s\n", dev_name(md->dev));
	seq_printf(m, "bus: %s\n", md->dev->bus->name);
	/* Commands change these under memscope_dev_lock; a snapshot will do. */
	seq_printf(m, "dma-mask-bits: %u\n", READ_ONCE(md->mask_bits));
	seq_printf(m, "bus-master: %s\n", str_yes_no(READ_ONCE(md->master)));
	seq_puts(m, "interrupts: none (INTx disabled; memscope handles no interrupts)\n");
	seq_puts(m, md->skipped);
	memscope_regions_show_owned(m, md);
	debugfs_file_put(dentry);
	return 0;
}

static int memscope_device_info_open(struct inode *inode, struct file *file)
{
	return memscope_open_check(file) ?:
	       single_open(file, memscope_device_info_show, inode->i_private);
}

static const struct file_operations memscope_device_info_fops = {
	.owner = THIS_MODULE,
	.open = memscope_device_info_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * memscope_device_add() - take a device being bound
 * @dev: the device being bound
 *
 * Context: Process context.
 * Return: the device, or an ERR_PTR() on failure.
 */
struct memscope_device *memscope_device_add(struct device *dev)
{
	struct memscope_device *md;
	int ret;

	md = devm_kzalloc(dev, sizeof(*md), GFP_KERNEL);
	if (!md)
		return ERR_PTR(-ENOMEM);
	md->dev = dev;
	/* Given back on unbind, as kernel/dma/map_benchmark.c does. */
	md->saved_mask = dma_get_mask(dev);
	md->saved_coherent_mask = dev->coherent_dma_mask;
	/* memscope never guesses: the user states the real limit. */
	md->mask_bits = 32;
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32));
	if (ret)
		dev_warn(dev, "no 32-bit DMA mask; set one with dmamask\n");

	INIT_LIST_HEAD(&md->node);
	return md;
}

/**
 * memscope_device_publish() - let commands name a bound device
 * @md: the device
 *
 * Commands can name the device from now on: its regions all exist.
 *
 * Context: Process context; takes memscope_dev_lock.
 */
void memscope_device_publish(struct memscope_device *md)
{
	/*
	 * info shows what probe found, so it appears once probe is done
	 * with @md. "Unsafe": the show holds the file only while it runs,
	 * never across a copy to user space that remove() would wait for.
	 */
	md->dir = debugfs_create_dir(dev_name(md->dev), memscope_devices_dir);
	debugfs_create_file_unsafe("info", 0400, md->dir, md,
				   &memscope_device_info_fops);
	guard(mutex)(&memscope_dev_lock);
	list_add_tail(&md->node, &memscope_devices);
}

/**
 * memscope_device_remove() - release everything of a device being unbound
 * @md: the device
 *
 * Everything of the device's goes before remove() returns: user mappings
 * are zapped (a later touch is SIGBUS, not stale memory), DMA buffers are
 * freed while the device still exists, BAR regions unpublished before
 * devres unmaps them.
 *
 * Context: Process context; takes memscope_dev_lock.
 */
void memscope_device_remove(struct memscope_device *md)
{
	guard(mutex)(&memscope_dev_lock);
	list_del_init(&md->node);
	/* Stop any DMA the user started before its buffers go away. */
	memscope_device_stop_master(md);
	memscope_regions_kill_owned(md);
	debugfs_remove(md->dir);
	if (md->dev->dma_mask)
		dma_set_mask(md->dev, md->saved_mask);
	dma_set_coherent_mask(md->dev, md->saved_coherent_mask);
}

/**
 * memscope_device_set_master() - let the device master the bus
 * @md: the device
 *
 * Called when the device gets a DMA buffer. Enabling bus mastering is a
 * device write: without CONFIG_MEMSCOPE_WRITE buffers can be made and
 * shown, but the device cannot reach them.
 *
 * Context: Process context; memscope_dev_lock held.
 */
void memscope_device_set_master(struct memscope_device *md)
{
	lockdep_assert_held(&memscope_dev_lock);
	if (md->master || !IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		return;
	if (dev_is_pci(md->dev))
		pci_set_master(to_pci_dev(md->dev));
	md->master = true;
}

/**
 * memscope_device_stop_master() - stop the device's DMA before a buffer goes
 * @md: the device
 *
 * A DMA the user programmed may still be on its way (edu's lands about
 * 100 ms after the command): no buffer returns to the allocator while the
 * device can master into it. The next DMA buffer turns mastering back on.
 *
 * Context: Process context; memscope_dev_lock held.
 */
void memscope_device_stop_master(struct memscope_device *md)
{
	if (!md->master)
		return;
	if (dev_is_pci(md->dev))
		pci_clear_master(to_pci_dev(md->dev));
	md->master = false;
}

/**
 * memscope_devices_init() - register the PCI and platform drivers
 *
 * Context: Module init.
 * Return: 0 or a negative errno.
 */
int memscope_devices_init(void)
{
	int ret;

	memscope_devices_dir = debugfs_create_dir(MEMSCOPE_DEVICES_DIR,
						  memscope_debugfs_root());
	ret = platform_driver_register(&memscope_platform_driver);
	if (ret)
		return ret;
	if (IS_ENABLED(CONFIG_PCI)) {
		ret = pci_register_driver(&memscope_pci_driver);
		if (ret)
			platform_driver_unregister(&memscope_platform_driver);
	}
	return ret;
}

/**
 * memscope_devices_exit() - unbind every device and unregister the drivers
 *
 * Context: Module exit.
 */
void memscope_devices_exit(void)
{
	if (IS_ENABLED(CONFIG_PCI))
		pci_unregister_driver(&memscope_pci_driver);
	platform_driver_unregister(&memscope_platform_driver);
}
