/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope - inspect and exercise the memory a kernel driver touches
 *
 * Internal interface shared by the core, the command parser and the
 * backends. Every region kind is reached through one struct
 * memscope_backend; nothing outside a backend knows how a kind works.
 */
#ifndef _MEMSCOPE_H
#define _MEMSCOPE_H

#include <linux/atomic.h>
#include <linux/dma-direction.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct dentry;
struct file;
struct inode;
struct iov_iter;
struct pci_driver;
struct platform_driver;
struct resource;
struct seq_file;
struct vm_area_struct;

#define MEMSCOPE_NAME_MAX	31	/* region names: [a-z0-9_-]{1,31} */
#define MEMSCOPE_DEVICES_DIR	"devices"	/* bound devices, in the root */
#define MEMSCOPE_DEV_NAME_MAX	63	/* device names as the bus shows them */
#define MEMSCOPE_CMD_MAX	255	/* one control command, bytes */
#define MEMSCOPE_WHY_MAX	160	/* one refusal reason, bytes */
#define MEMSCOPE_NO_PFN		ULONG_MAX	/* no page frame behind a page */

/* Region kinds; the order is the order of memscope_kind_names[]. */
enum memscope_kind {
	MEMSCOPE_KIND_MMIO,
	MEMSCOPE_KIND_PIO,
	MEMSCOPE_KIND_BAR,
	MEMSCOPE_KIND_KMALLOC,
	MEMSCOPE_KIND_VMALLOC,
	MEMSCOPE_KIND_PAGES,
	MEMSCOPE_KIND_SLAB,
	MEMSCOPE_KIND_COHERENT,
	MEMSCOPE_KIND_STREAM,
	MEMSCOPE_NR_KINDS,
};

enum memscope_verb {
	MEMSCOPE_CMD_MAP,
	MEMSCOPE_CMD_IO,
	MEMSCOPE_CMD_ALLOC,
	MEMSCOPE_CMD_DMA,
	MEMSCOPE_CMD_DMAMASK,
	MEMSCOPE_CMD_SYNC,
	MEMSCOPE_CMD_FREE,
};

/* Options of map/io, and the zeroing variants of alloc. */
#define MEMSCOPE_OPT_WIDTH	BIT(0)
#define MEMSCOPE_OPT_WC		BIT(1)
#define MEMSCOPE_OPT_RW		BIT(2)
#define MEMSCOPE_OPT_FORCE	BIT(3)
#define MEMSCOPE_OPT_ZERO	BIT(4)

/**
 * struct memscope_cmd - one parsed control command
 * @verb: what to do
 * @kind: region kind to create (map, io, alloc, dma)
 * @name: region name (map, io, alloc, dma, sync, free)
 * @dev: device name (dma, dmamask)
 * @addr: physical address (map) or port (io)
 * @size: region size in bytes
 * @width: access width given with width=N, 0 if not given
 * @opts: MEMSCOPE_OPT_* flags
 * @mask_bits: DMA mask width (dmamask)
 * @dir: DMA direction (dma ... stream)
 * @to_device: sync target: true for "device", false for "cpu"
 *
 * The parser fills this from text and checks everything that does not
 * depend on the state of the system; it has no side effects.
 */
struct memscope_cmd {
	enum memscope_verb verb;
	enum memscope_kind kind;
	char name[MEMSCOPE_NAME_MAX + 1];
	char dev[MEMSCOPE_DEV_NAME_MAX + 1];
	u64 addr;
	u64 size;
	unsigned int width;
	unsigned int opts;
	unsigned int mask_bits;
	enum dma_data_direction dir;
	bool to_device;
};

/* Programs of `ops`: bytes per write(2), lines that access, time. */
#define MEMSCOPE_PROG_MAX_BYTES	4096
#define MEMSCOPE_PROG_MAX_OPS	1024
#define MEMSCOPE_PROG_MAX_US	10000000	/* polls and delays together */
#define MEMSCOPE_DELAY_MAX_US	1000000
#define MEMSCOPE_POLL_INTERVAL_US	10	/* when the line names none */

enum memscope_op_code {
	MEMSCOPE_OP_READ,
	MEMSCOPE_OP_WRITE,
	MEMSCOPE_OP_RMW,
	MEMSCOPE_OP_POLL,
	MEMSCOPE_OP_DELAY,
};

/**
 * struct memscope_op - one line of a program, and what running it gave
 * @code: the operation
 * @line: line number in the program text, from 1
 * @off: byte offset in the region (not for delay)
 * @mask: bits of rmw and poll
 * @val: value to write (w), bits to set (rmw), value to wait for (poll)
 * @us: poll timeout or delay, microseconds
 * @interval_us: time between two reads of a poll
 * @got: the value read (r, rmw's old value, poll's last value)
 * @took_us: how long a poll or delay took
 * @err: 0, or why this line stopped the program
 * @done: the line ran (or, in a dry run, was reported)
 */
struct memscope_op {
	enum memscope_op_code code;
	unsigned int line;
	u64 off;
	u64 mask;
	u64 val;
	u32 us;
	u32 interval_us;
	u64 got;
	u32 took_us;
	int err;
	bool done;
};

/**
 * struct memscope_prog - a parsed `ops` program and its results
 * @dry: check and report, touch nothing
 * @writes: some line writes the device
 * @width: the access width the program was checked against
 * @n: number of lines in @op
 * @op: the lines that do something, in order
 */
struct memscope_prog {
	bool dry;
	bool writes;
	unsigned int width;
	unsigned int n;
	struct memscope_op op[];
};

/* Region flags, shown in `regions` and `info`. */
#define MEMSCOPE_REGION_RW	BIT(0)	/* device writes allowed */
#define MEMSCOPE_REGION_WC	BIT(1)	/* mapped write-combined */
#define MEMSCOPE_REGION_FORCED	BIT(2)	/* mapped over a busy range */
#define MEMSCOPE_REGION_BUSY	BIT(3)	/* range owned by another driver */
#define MEMSCOPE_REGION_ZEROED	BIT(4)	/* allocated zeroed */
#define MEMSCOPE_REGION_PORT	BIT(5)	/* an I/O BAR: port space */

struct memscope_region;

/**
 * struct memscope_backend - what one region kind knows how to do
 * @name: kind name as shown to the user
 * @device_regs: the kind is a window on device registers (an "io kind"
 *	of the interface): the region has `regs` and `width` files, `data`
 *	moves whole width units, and writes are device writes
 * @linear: @vaddr maps the whole region, reading has no side effects and
 *	hardened usercopy lets it reach user space (kmalloc caches and
 *	vmalloc do, a kmem_cache without a usercopy region does not):
 *	`data` may copy it straight to user space
 * @widths: bitmask of the access widths in bytes the kind supports
 *	(BIT(1) | BIT(2) ...); memory kinds leave it 0
 * @create: set the region up from @cmd; on failure leave nothing behind
 * @destroy: release what @create acquired
 * @read: copy @len bytes at @off into @buf (a kernel buffer)
 * @write: copy @len bytes from @buf to @off
 * @read_user: like @read, but straight to the user buffer @ubuf, never
 *	faulting: what cannot be stored there goes to @buf (see
 *	memscope_io_read_user()); kinds without it read through @buf
 * @reg_read: exactly one access of the region's width at @off
 * @reg_write: exactly one write of the region's width at @off
 * @begin: make the device ready for accesses (power, decoding); called
 *	after every check of an access and before the taint of a write
 * @end: undo @begin
 * @free_check: refuse a user's free while the region cannot go (a
 *	streaming buffer the device owns); called under the region's lock
 * @mmap: prepare @vma (page protection); kinds whose pages are refcounted
 *	(vmalloc) may fill it here
 * @pfn: the page frame behind page @pgoff of the region, inserted at
 *	fault time, or MEMSCOPE_NO_PFN (the fault is SIGBUS); kinds with
 *	neither @mmap nor @pfn cannot be mapped
 * @publish: the region is registered and visible: hand it to the device
 *	(a DMA buffer: bus mastering on); never called for a region whose
 *	creation failed
 * @mmap_refusal: why the kind cannot be mapped, for the user
 * @show_info: print kind-specific `key: value` lines
 *
 * The core checks bounds, alignment, permissions and lockdown before it
 * calls @begin, then @read, @write, @reg_read, @reg_write or @mmap, and
 * holds a reference on the region throughout.
 */
struct memscope_backend {
	const char *name;
	bool device_regs;
	bool linear;
	unsigned int widths;
	int (*create)(struct memscope_region *r, const struct memscope_cmd *cmd);
	void (*destroy)(struct memscope_region *r);
	int (*read)(struct memscope_region *r, u64 off, void *buf, size_t len);
	int (*write)(struct memscope_region *r, u64 off, const void *buf,
		     size_t len);
	int (*read_user)(struct memscope_region *r, u64 off,
			 char __user *ubuf, void *buf, size_t len,
			 size_t *stored);
	int (*reg_read)(struct memscope_region *r, u64 off, u64 *val);
	int (*reg_write)(struct memscope_region *r, u64 off, u64 val);
	int (*begin)(struct memscope_region *r);
	void (*end)(struct memscope_region *r);
	int (*free_check)(struct memscope_region *r);
	int (*mmap)(struct memscope_region *r, struct vm_area_struct *vma);
	unsigned long (*pfn)(struct memscope_region *r, unsigned long pgoff);
	void (*publish)(struct memscope_region *r);
	const char *mmap_refusal;
	void (*show_info)(struct memscope_region *r, struct seq_file *m);
};

/**
 * struct memscope_region - a named, bounded range of memory and its backend
 * @node: entry in the registry, under memscope_lock
 * @ref: keeps the structure alive while files are open
 * @lock: serialises @users and @dead against free
 * @name: unique region name
 * @kind: region kind
 * @ops: the kind's backend
 * @size: size in bytes
 * @width: access width in bytes (io kinds), 1 for memory kinds
 * @flags: MEMSCOPE_REGION_* flags
 * @phys: physical address (CPU side) or port number, kind-dependent; 0 if
 *	the kernel cannot say
 * @bus: the address a device uses for a DMA buffer
 * @iomem: mapped device memory or port cookie (io kinds)
 * @vaddr: kernel virtual address (memory kinds)
 * @priv: backend-private data
 * @owner: the bound device the region belongs to, or NULL
 * @users: open per-region files
 * @mappings: live user-space mappings of `data`
 * @dead: set once the region is being torn down; files refuse access
 * @published: the region was registered (and possibly used) once
 * @dir: the region's debugfs directory
 * @data: the `data` file, whose mapping is zapped on forced teardown
 * @prog_lock: one `ops` program at a time; guards @prog
 * @prog: the last `ops` program and its results, or NULL
 */
struct memscope_region {
	struct list_head node;
	struct kref ref;
	struct mutex lock;	/* users, dead, faults, stream ownership */
	char name[MEMSCOPE_NAME_MAX + 1];
	enum memscope_kind kind;
	const struct memscope_backend *ops;
	u64 size;
	unsigned int width;
	unsigned int flags;
	u64 phys;
	dma_addr_t bus;
	void __iomem *iomem;
	void *vaddr;
	void *priv;
	struct memscope_device *owner;
	int users;
	atomic_t mappings;
	bool dead;
	bool published;
	struct dentry *dir;
	struct dentry *data;
	struct mutex prog_lock;	/* ops programs run one at a time */
	struct memscope_prog *prog;
};

/**
 * struct memscope_device - a device bound to memscope
 * @node: entry in the device list, under memscope_dev_lock
 * @dev: the device
 * @dir: its directory under devices/
 * @mask_bits: the DMA mask the user stated (default 32)
 * @buffers: live DMA buffers
 * @master: bus mastering has been enabled
 * @skipped: why BARs or resources were left out, one line each
 * @saved_mask: the streaming DMA mask found at probe, restored on unbind
 * @saved_coherent_mask: the same for the coherent mask
 */
struct memscope_device {
	struct list_head node;
	struct device *dev;
	struct dentry *dir;
	unsigned int mask_bits;
	unsigned int buffers;
	bool master;
	char skipped[256];
	u64 saved_mask;
	u64 saved_coherent_mask;
};

/* Port space: pio windows and the I/O BARs of bound devices. */
static inline bool memscope_region_is_port(const struct memscope_region *r)
{
	return r->kind == MEMSCOPE_KIND_PIO || (r->flags & MEMSCOPE_REGION_PORT);
}

extern const char *const memscope_kind_names[MEMSCOPE_NR_KINDS];

#if IS_ENABLED(CONFIG_MEMSCOPE_WRITE)
#define MEMSCOPE_WRITES	"device writes: built in (CONFIG_MEMSCOPE_WRITE)"
#else
#define MEMSCOPE_WRITES	"device writes: not built in (read-only)"
#endif

/* parse.c */
int memscope_cmd_parse(const char *text, struct memscope_cmd *cmd,
		       char *why, size_t why_len);
int memscope_parse_u64(const char *tok, bool suffix, u64 *val,
		       char *why, size_t why_len);
bool memscope_name_valid(const char *name);
const char *memscope_verb_name(enum memscope_verb verb);
const char *memscope_dma_dir_name(enum dma_data_direction dir);
__printf(4, 5) int memscope_why(char *why, size_t len, int err,
				const char *fmt, ...);

/* ops_parse.c */
int memscope_prog_parse(const char *text, unsigned int width, u64 size,
			struct memscope_prog **progp, char *why, size_t why_len);
void memscope_prog_free(struct memscope_prog *p);
const char *memscope_op_name(enum memscope_op_code code);

/* gate.c */
extern const struct file_operations memscope_last_error_fops;
__printf(2, 3) int memscope_deny(int err, const char *fmt, ...);
bool memscope_locked_down(void);
bool memscope_locked_down_kcore(void);
int memscope_check_lockdown(const char *what);
bool memscope_may_see_phys(struct seq_file *m);
int memscope_open_check(struct file *file);
int memscope_root_open(struct inode *inode, struct file *file);

/* account.c */
int memscope_limits_check(const struct memscope_cmd *cmd);
u64 memscope_max_window(void);
void memscope_stats_add(enum memscope_kind kind, long bytes, int objects);
void memscope_stats_show(struct seq_file *m);
int memscope_stats_total(void);
void memscope_account_init(void);

/* core.c */
const struct memscope_backend *memscope_backend_get(enum memscope_kind kind);
int memscope_regions_room(const char *name);
struct memscope_region *memscope_region_alloc(void);
void memscope_region_put(struct memscope_region *r);
int memscope_region_register(struct memscope_region *r);
int memscope_region_free(const char *name);
void memscope_regions_kill_owned(struct memscope_device *owner);
void memscope_regions_show_owned(struct seq_file *m,
				 struct memscope_device *owner);
struct memscope_region *memscope_region_find(const char *name);
struct dentry *memscope_debugfs_root(void);
bool memscope_name_reserved(const char *name);

/* access.c */
int memscope_io_reg_read(struct memscope_region *r, u64 off, u64 *val);
int memscope_io_reg_write(struct memscope_region *r, u64 off, u64 val);
int memscope_io_read(struct memscope_region *r, u64 off, void *buf,
		     size_t len);
int memscope_io_write(struct memscope_region *r, u64 off, const void *buf,
		      size_t len);
int memscope_io_read_user(struct memscope_region *r, u64 off,
			  char __user *ubuf, void *buf, size_t len,
			  size_t *stored);

/* io.c */
extern const struct memscope_backend memscope_mmio_backend;
const char *memscope_phys_refusal(resource_size_t start, size_t size);
extern const struct memscope_backend memscope_pio_backend;

/* mem.c */
extern const struct memscope_backend memscope_kmalloc_backend;
extern const struct memscope_backend memscope_vmalloc_backend;
extern const struct memscope_backend memscope_pages_backend;
extern const struct memscope_backend memscope_slab_backend;
int memscope_linear_read(struct memscope_region *r, u64 off, void *buf,
			 size_t len);
int memscope_linear_write(struct memscope_region *r, u64 off, const void *buf,
			  size_t len);

/**
 * struct memscope_pfn_run - consecutive page frames
 * @start: first page frame number
 * @count: number of frames
 */
struct memscope_pfn_run {
	unsigned long start;
	unsigned long count;
};

bool memscope_pfn_run_add(struct memscope_pfn_run *cur, unsigned long pfn,
			  struct memscope_pfn_run *done);
unsigned int memscope_pfn_runs(const unsigned long *pfns, unsigned int n,
			       struct memscope_pfn_run *runs,
			       unsigned int max_runs);
unsigned int memscope_region_pfn_runs(struct memscope_region *r,
				      struct memscope_pfn_run *runs,
				      unsigned int max_runs);

/* device.c */
extern struct mutex memscope_dev_lock;
struct memscope_device *memscope_device_find(const char *name);
void memscope_device_set_master(struct memscope_device *md);
void memscope_device_stop_master(struct memscope_device *md);
int memscope_devices_init(void);
void memscope_devices_exit(void);
void memscope_device_skip(struct memscope_device *md, const char *what,
			  unsigned int index, const char *why, int err);
void memscope_bar_add(struct memscope_device *md, unsigned int index,
		      void __iomem *iomem, const struct resource *res);
struct memscope_device *memscope_device_add(struct device *dev);
void memscope_device_publish(struct memscope_device *md);
void memscope_device_remove(struct memscope_device *md);

/* pci.c, platform.c */
extern struct pci_driver memscope_pci_driver;
extern struct platform_driver memscope_platform_driver;

/* dma.c */
extern const struct memscope_backend memscope_coherent_backend;
extern const struct memscope_backend memscope_stream_backend;
int memscope_dma_sync(const struct memscope_cmd *cmd);
int memscope_dma_set_mask(const struct memscope_cmd *cmd);

/* control.c */
extern const struct file_operations memscope_control_fops;
int memscope_cmd_run(const struct memscope_cmd *cmd);
int memscope_text_copy(const char *what, char *text, size_t size,
		       struct iov_iter *from, bool *unterminated, bool lines);

/* region.c */
void memscope_region_files_create(struct memscope_region *r);
int memscope_file_get(struct inode *inode, struct file *file);
void memscope_file_close(struct memscope_region *r);
void memscope_device_write_taint(struct memscope_region *r);
int memscope_access_begin(struct memscope_region *r);
void memscope_access_end(struct memscope_region *r);
int memscope_file_open(struct inode *inode, struct file *file);
int memscope_file_release(struct inode *inode, struct file *file);
int memscope_device_write_check(struct memscope_region *r);
void memscope_flags_show(struct seq_file *m, struct memscope_region *r);

/* regs.c */
extern const struct file_operations memscope_regs_fops;
extern const struct file_operations memscope_width_fops;
int memscope_reg_read(struct memscope_region *r, u64 off, u64 *val);
int memscope_reg_write(struct memscope_region *r, u64 off, u64 val);

/**
 * struct memscope_regs_iter - state of one open `regs` file
 * @r: the region
 * @cached: index of the register whose value @value holds, or -1
 * @value: the last value read
 * @read_lock: makes a read's position check and the read one step
 * @unterminated: a `regs` write without a newline was seen
 * @begun: the device was made ready for this read(2) (see regs_begin)
 */
struct memscope_regs_iter {
	struct memscope_region *r;
	loff_t cached;
	u64 value;
	struct mutex read_lock;	/* see memscope_regs_read_iter() */
	bool unterminated;
	bool begun;
};

/* data.c */
extern const struct file_operations memscope_data_fops;
struct memscope_region *memscope_vma_region(struct vm_area_struct *vma);

/* ops.c */
extern const struct file_operations memscope_ops_fops;
int memscope_prog_run(struct memscope_region *r, struct memscope_prog *p);

/* Visible to KUnit only (VISIBLE_IF_KUNIT). */
#if IS_ENABLED(CONFIG_KUNIT)
int memscope_regs_show(struct seq_file *m, void *v);
int memscope_data_mmap_locked(struct memscope_region *r,
			      struct vm_area_struct *vma);
#endif

/* layout.c */
int memscope_layout_show(struct seq_file *m, struct list_head *regions);
void memscope_layout_user_show(struct seq_file *m);

#endif /* _MEMSCOPE_H */
