// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_bench - the anchor of `make bench` P4: a bare in-kernel loop of
 * 1024 ioread32() at offset 0 of a window, timed with ktime. Built and
 * loaded by make bench only; not part of the series.
 *
 *   insmod memscope_bench.ko phys=0xfea00000
 *   cat /sys/kernel/debug/memscope_bench/ioread32_1024   # best of 5, ns
 */
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static unsigned long phys;
module_param(phys, ulong, 0444);
MODULE_PARM_DESC(phys, "physical address of the window");

static void __iomem *base;
static struct dentry *dir;

static int bench_show(struct seq_file *m, void *unused)
{
	u64 best = U64_MAX, t;
	u32 sum = 0;
	int r, i;

	for (r = 0; r < 5; r++) {
		t = ktime_get_ns();
		for (i = 0; i < 1024; i++)
			sum += ioread32(base);
		t = ktime_get_ns() - t;
		best = min(best, t);
	}
	seq_printf(m, "%llu %08x\n", best, sum);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bench);

static int __init bench_init(void)
{
	if (!phys)
		return -EINVAL;
	base = ioremap(phys, PAGE_SIZE);
	if (!base)
		return -ENOMEM;
	dir = debugfs_create_dir("memscope_bench", NULL);
	debugfs_create_file("ioread32_1024", 0400, dir, NULL, &bench_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove(dir);
	iounmap(base);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("memscope make bench: a bare ioread32() loop");
MODULE_LICENSE("GPL");
