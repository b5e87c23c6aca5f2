// SPDX-License-Identifier: GPL-2.0
/*
 * memscope core: module init and exit, the debugfs root and the region
 * registry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "memscope.h"

#define CREATE_TRACE_POINTS
#include "memscope_trace.h"

const char *const memscope_kind_names[MEMSCOPE_NR_KINDS] = {
	[MEMSCOPE_KIND_MMIO] = "mmio",
	[MEMSCOPE_KIND_PIO] = "pio",
	[MEMSCOPE_KIND_BAR] = "bar",
	[MEMSCOPE_KIND_KMALLOC] = "kmalloc",
	[MEMSCOPE_KIND_VMALLOC] = "vmalloc",
	[MEMSCOPE_KIND_PAGES] = "pages",
	[MEMSCOPE_KIND_SLAB] = "slab",
	[MEMSCOPE_KIND_COHERENT] = "coherent",
	[MEMSCOPE_KIND_STREAM] = "stream",
};

/*
 * One backend per kind. A kind whose backend is not built here is
 * refused by `control` with a reason.
 */
static const struct memscope_backend *const memscope_backends[MEMSCOPE_NR_KINDS] = {
	[MEMSCOPE_KIND_MMIO] = &memscope_mmio_backend,
#ifdef CONFIG_HAS_IOPORT_MAP
	[MEMSCOPE_KIND_PIO] = &memscope_pio_backend,
#endif
	[MEMSCOPE_KIND_KMALLOC] = &memscope_kmalloc_backend,
	[MEMSCOPE_KIND_VMALLOC] = &memscope_vmalloc_backend,
	[MEMSCOPE_KIND_PAGES] = &memscope_pages_backend,
	[MEMSCOPE_KIND_SLAB] = &memscope_slab_backend,
	[MEMSCOPE_KIND_COHERENT] = &memscope_coherent_backend,
	[MEMSCOPE_KIND_STREAM] = &memscope_stream_backend,
};

/* The registry: every live region, by name. */
static LIST_HEAD(memscope_regions);
static DEFINE_MUTEX(memscope_lock);
static struct kmem_cache *memscope_region_cache;
static struct dentry *memscope_root;

/* How many regions may exist; account.c bounds what they hold. */
static unsigned int max_regions = 256;
module_param(max_regions, uint, 0644);
MODULE_PARM_DESC(max_regions, "Regions that may exist at once, not counting the BARs of bound devices (default 256)");

static unsigned int memscope_nr_regions;	/* under memscope_lock */

/* -ENOSPC, with the reason, once max_regions regions exist. */
static int memscope_regions_full(const char *name)
{
	lockdep_assert_held(&memscope_lock);
	if (memscope_nr_regions < READ_ONCE(max_regions))
		return 0;
	return memscope_deny(-ENOSPC, "%s: %u regions exist (max_regions)",
			     name, memscope_nr_regions);
}

/**
 * memscope_regions_room() - refuse a new region once max_regions exist
 * @name: the region asked for, for the reason
 *
 * Asked before a backend allocates anything; registration asks again.
 *
 * Context: Process context; takes memscope_lock.
 * Return: 0, or -ENOSPC (reason recorded) when max_regions regions exist.
 */
int memscope_regions_room(const char *name)
{
	guard(mutex)(&memscope_lock);
	return memscope_regions_full(name);
}

/**
 * memscope_backend_get() - the backend of a region kind
 * @kind: region kind
 *
 * Context: Any context.
 * Return: the backend, or NULL if this kernel cannot create @kind.
 */
const struct memscope_backend *memscope_backend_get(enum memscope_kind kind)
{
	if (kind >= MEMSCOPE_NR_KINDS)
		return NULL;
	return memscope_backends[kind];
}
EXPORT_SYMBOL_IF_KUNIT(memscope_backend_get);

/**
 * memscope_region_alloc() - allocate an empty region record
 *
 * Context: Process context; may sleep.
 * Return: the record with one reference held, or NULL.
 */
struct memscope_region *memscope_region_alloc(void)
{
	struct memscope_region *r;

	r = kmem_cache_zalloc(memscope_region_cache, GFP_KERNEL);
	if (!r)
		return NULL;
	INIT_LIST_HEAD(&r->node);
	kref_init(&r->ref);
	mutex_init(&r->lock);
	mutex_init(&r->prog_lock);
	atomic_set(&r->mappings, 0);
	r->width = 1;
	return r;
}

static void memscope_region_release(struct kref *ref)
{
	struct memscope_region *r = container_of(ref, struct memscope_region,
						 ref);

	memscope_prog_free(r->prog);
	mutex_destroy(&r->prog_lock);
	mutex_destroy(&r->lock);
	kmem_cache_free(memscope_region_cache, r);
}

/**
 * memscope_region_put() - drop a reference on a region record
 * @r: the region
 *
 * Context: Process context.
 */
void memscope_region_put(struct memscope_region *r)
{
	kref_put(&r->ref, memscope_region_release);
}
EXPORT_SYMBOL_IF_KUNIT(memscope_region_put);

static struct memscope_region *memscope_region_lookup(const char *name)
{
	struct memscope_region *r;

	lockdep_assert_held(&memscope_lock);
	list_for_each_entry(r, &memscope_regions, node)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

/**
 * memscope_region_find() - look a region up by name
 * @name: region name
 *
 * Context: Process context; takes memscope_lock.
 * Return: the region with a reference the caller must put, or NULL.
 */
struct memscope_region *memscope_region_find(const char *name)
{
	struct memscope_region *r;

	guard(mutex)(&memscope_lock);
	r = memscope_region_lookup(name);
	if (r)
		kref_get(&r->ref);
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_region_find);

/**
 * memscope_region_register() - publish a created region
 * @r: region whose backend create() succeeded
 *
 * On failure the caller still owns @r and must destroy it.
 *
 * Context: Process context; takes memscope_lock.
 * Return: 0, -EEXIST if the name is taken, or -ENOSPC once max_regions
 * regions exist.
 */
int memscope_region_register(struct memscope_region *r)
{
	int ret;

	guard(mutex)(&memscope_lock);
	if (memscope_region_lookup(r->name))
		return memscope_deny(-EEXIST, "region '%s' already exists",
				     r->name);
	/* BARs come with a device and are bounded by it. */
	if (r->kind != MEMSCOPE_KIND_BAR) {
		ret = memscope_regions_full(r->name);
		if (ret)
			return ret;
	}
	memscope_region_files_create(r);
	list_add_tail(&r->node, &memscope_regions);
	if (r->kind != MEMSCOPE_KIND_BAR)
		memscope_nr_regions++;
	r->published = true;
	trace_memscope_region_create(r);
	return 0;
}

/*
 * Take @r out of the registry and release its memory. Called with the
 * region already marked dead and unreachable by name.
 */
static void memscope_region_destroy(struct memscope_region *r)
{
	if (r->kind != MEMSCOPE_KIND_BAR) {
		scoped_guard(mutex, &memscope_lock)
			memscope_nr_regions--;
	}
	/*
	 * Waits for every file operation in flight; later ones fail in
	 * debugfs_file_get() and never reach the backend.
	 */
	debugfs_remove(r->dir);
	trace_memscope_region_free(r);
	r->ops->destroy(r);
	memscope_region_put(r);
}

/**
 * memscope_region_free() - free a region at the user's request
 * @name: region name
 *
 * Context: Process context; takes memscope_lock.
 * Return: 0, -ENOENT if there is no such region, -EBUSY if one of its
 * files is open or it is mapped.
 */
int memscope_region_free(const char *name)
{
	struct memscope_region *r;
	int mapped;

	scoped_guard(mutex, &memscope_lock) {
		r = memscope_region_lookup(name);
		if (!r)
			return memscope_deny(-ENOENT, "free: no region '%s'",
					     name);
		guard(mutex)(&r->lock);
		mapped = atomic_read(&r->mappings);
		if (r->users || mapped)
			return memscope_deny(-EBUSY,
					     "free: '%s' is open (%d) or mapped (%d)",
					     name, r->users, mapped);
		if (r->ops->free_check) {
			int ret = r->ops->free_check(r);

			if (ret)
				return ret;
		}
		r->dead = true;
		list_del_init(&r->node);
	}
	memscope_region_destroy(r);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_region_free);

/**
 * memscope_regions_show_owned() - list the regions of a device
 * @m: seq_file to print to
 * @owner: the device
 *
 * Context: Process context; takes memscope_lock.
 */
void memscope_regions_show_owned(struct seq_file *m,
				 struct memscope_device *owner)
{
	struct memscope_region *r;

	guard(mutex)(&memscope_lock);
	list_for_each_entry(r, &memscope_regions, node)
		if (r->owner == owner)
			seq_printf(m, "region: %s %s %#llx %#llx\n", r->name,
				   r->ops->name, r->size,
				   memscope_may_see_phys(m) ? r->phys : 0);
}

/*
 * Take regions out of the registry and destroy them: those of @owner,
 * or with @all every one (module exit, when nothing can be open any
 * more). Each is marked dead under its lock first, so that no file or
 * fault reaches it again, and user mappings are zapped: a later touch
 * is SIGBUS.
 */
static void memscope_regions_kill(struct memscope_device *owner, bool all)
{
	struct memscope_region *r, *tmp;
	LIST_HEAD(doomed);

	scoped_guard(mutex, &memscope_lock) {
		list_for_each_entry_safe(r, tmp, &memscope_regions, node) {
			if (!all && r->owner != owner)
				continue;
			scoped_guard(mutex, &r->lock)
				r->dead = true;
			list_move_tail(&r->node, &doomed);
		}
	}
	list_for_each_entry_safe(r, tmp, &doomed, node) {
		list_del_init(&r->node);
		if (!IS_ERR_OR_NULL(r->data))
			unmap_mapping_range(d_inode(r->data)->i_mapping, 0, 0, 1);
		memscope_region_destroy(r);
	}
}

/**
 * memscope_regions_kill_owned() - tear down every region of a device
 * @owner: the device going away
 *
 * For regions whose memory goes with the device, in use or not: they are
 * marked dead (faults answer SIGBUS, open files fail), their user
 * mappings are zapped, and their memory is released before the device
 * is. Allocates nothing, so it cannot fail.
 *
 * Context: Process context; memscope_dev_lock held.
 */
void memscope_regions_kill_owned(struct memscope_device *owner)
{
	lockdep_assert_held(&memscope_dev_lock);
	memscope_regions_kill(owner, false);
}

/**
 * memscope_debugfs_root() - the memscope debugfs directory
 *
 * Context: Any context.
 * Return: the directory dentry.
 */
struct dentry *memscope_debugfs_root(void)
{
	return memscope_root;
}

static int memscope_regions_show(struct seq_file *m, void *unused)
{
	struct memscope_region *r;

	guard(mutex)(&memscope_lock);
	list_for_each_entry(r, &memscope_regions, node) {
		seq_printf(m, "%s %s %#llx %#llx ", r->name, r->ops->name,
			   r->size, memscope_may_see_phys(m) ? r->phys : 0);
		memscope_flags_show(m, r);
		seq_putc(m, '\n');
	}
	return 0;
}

static int memscope_layout_seq_show(struct seq_file *m, void *unused)
{
	memscope_layout_user_show(m);
	/*
	 * Held throughout, so that no region is freed, nor its memory,
	 * while the picture walks its page frames.
	 */
	guard(mutex)(&memscope_lock);
	return memscope_layout_show(m, &memscope_regions);
}

static int memscope_regions_open(struct inode *inode, struct file *file)
{
	return memscope_open_check(file) ?:
	       single_open(file, memscope_regions_show, NULL);
}

static const struct file_operations memscope_regions_fops = {
	.owner = THIS_MODULE,
	.open = memscope_regions_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int memscope_layout_open(struct inode *inode, struct file *file)
{
	return memscope_open_check(file) ?:
	       single_open(file, memscope_layout_seq_show, NULL);
}

static const struct file_operations memscope_layout_fops = {
	.owner = THIS_MODULE,
	.open = memscope_layout_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * The files of memscope's debugfs root, created at init. Region
 * directories sit beside them, so their names are no region's.
 */
static const struct memscope_root_file {
	const char *name;
	umode_t mode;
	bool unsafe;
	const struct file_operations *fops;
} memscope_root_files[] = {
	/*
	 * "Unsafe": debugfs's proxy forwards ->write() but not ->write_iter(),
	 * and control needs no protection from removal (open files pin the
	 * module, and only module exit removes it).
	 */
	{ "control", 0600, true, &memscope_control_fops },
	{ "regions", 0400, false, &memscope_regions_fops },
	{ "layout", 0400, false, &memscope_layout_fops },
	{ "last_error", 0400, false, &memscope_last_error_fops },
};

/**
 * memscope_name_reserved() - is @name taken by an entry of memscope's root?
 * @name: a candidate region name
 *
 * Context: Any context.
 * Return: true if a file or directory of the root has that name.
 */
bool memscope_name_reserved(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(memscope_root_files); i++)
		if (!strcmp(name, memscope_root_files[i].name))
			return true;
	return !strcmp(name, MEMSCOPE_DEVICES_DIR);
}

static int __init memscope_init(void)
{
	unsigned int i;
	int ret;

	memscope_account_init();

	memscope_region_cache = KMEM_CACHE(memscope_region, 0);
	if (!memscope_region_cache)
		return -ENOMEM;

	memscope_root = debugfs_create_dir("memscope", NULL);
	ret = memscope_devices_init();
	if (ret)
		goto remove_root;

	/* Commands are taken only once nothing can fail any more. */
	for (i = 0; i < ARRAY_SIZE(memscope_root_files); i++) {
		const struct memscope_root_file *f = &memscope_root_files[i];

		if (f->unsafe)
			debugfs_create_file_unsafe(f->name, f->mode, memscope_root,
						   NULL, f->fops);
		else
			debugfs_create_file(f->name, f->mode, memscope_root,
					    NULL, f->fops);
	}
	pr_info("%s\n", MEMSCOPE_WRITES);
	return 0;

remove_root:
	debugfs_remove(memscope_root);
	kmem_cache_destroy(memscope_region_cache);
	return ret;
}

static void __exit memscope_exit(void)
{
	/*
	 * Open files and mappings hold a module reference, so nothing can
	 * reach a region any more. Unbinding the devices frees their regions.
	 */
	memscope_devices_exit();
	memscope_regions_kill(NULL, true);
	debugfs_remove(memscope_root);
	kmem_cache_destroy(memscope_region_cache);
}

module_init(memscope_init);
module_exit(memscope_exit);

MODULE_DESCRIPTION("Inspect and exercise MMIO, port, DMA and kernel memory");
MODULE_LICENSE("GPL");
