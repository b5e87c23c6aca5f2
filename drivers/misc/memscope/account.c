// SPDX-License-Identifier: GPL-2.0
/*
 * memscope accounting: what memscope holds, per kind (kmemleak cannot see
 * pages or DMA buffers), and the limits on what one user may make it
 * hold, checked before anything is allocated or mapped.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/seqlock.h>
#include <linux/sizes.h>
#include <kunit/visibility.h>

#include "memscope.h"

/*
 * What memscope holds, because kmemleak cannot see pages or DMA buffers.
 * A kind's bytes and objects change together under one seqlock, so that
 * `layout` never shows the bytes of one region beside a count of none.
 */
struct memscope_stats {
	long bytes;
	int objects;
};

static struct memscope_stats memscope_stats[MEMSCOPE_NR_KINDS];
static DEFINE_SEQLOCK(memscope_stats_lock);

/* What regions of one kind hold now. */
static long memscope_stats_bytes(enum memscope_kind kind)
{
	unsigned int seq;
	long bytes;

	do {
		seq = read_seqbegin(&memscope_stats_lock);
		bytes = memscope_stats[kind].bytes;
	} while (read_seqretry(&memscope_stats_lock, seq));
	return bytes;
}

/*
 * What one user may make memscope hold, with max_regions (core.c). Every
 * request is checked against these before anything is allocated or
 * mapped, so that a typo or a hostile script gets a refusal instead of a
 * WARN, an OOM kill or page tables for hundreds of GiB of address space.
 */
static unsigned long max_kind_bytes;
module_param(max_kind_bytes, ulong, 0644);
MODULE_PARM_DESC(max_kind_bytes, "Bytes of kernel memory or DMA buffers per region kind (default: 1/16 of RAM)");

static unsigned long max_window = SZ_256M;
module_param(max_window, ulong, 0644);
MODULE_PARM_DESC(max_window, "Largest map or io window without force, bytes (default 256 MiB)");

/*
 * What mapping a window of @size bytes costs the kernel itself: a page
 * table entry per page, and under KASAN_VMALLOC shadow for the whole
 * area, which alloc_vmap_area() populates for ioremap() too (a byte per
 * eight with generic KASAN).
 */
static u64 memscope_window_cost(u64 size)
{
	u64 cost = size / PAGE_SIZE * sizeof(pte_t);

	if (IS_ENABLED(CONFIG_KASAN_VMALLOC))
		cost += size / 8;
	return cost;
}

/**
 * memscope_limits_check() - refuse a request over memscope's limits
 * @cmd: a parsed map, io, alloc or dma command
 *
 * Checked before the backend allocates or maps anything. Callers hold
 * memscope_dev_lock, which serialises every creation, so the bytes
 * counted here cannot be taken by a concurrent command.
 *
 * Context: Process context; memscope_dev_lock held.
 * Return: 0, -E2BIG for a window over max_window without force, -ENOMEM
 * for a window whose page tables would take over a quarter of the memory
 * available, or -ENOSPC when the kind's byte budget or the region count
 * is used up.
 */
int memscope_limits_check(const struct memscope_cmd *cmd)
{
	const char *kind = memscope_kind_names[cmd->kind];
	unsigned long budget = READ_ONCE(max_kind_bytes);
	unsigned long avail;
	long held;
	int ret;

	ret = memscope_regions_room(cmd->name);
	if (ret)
		return ret;

	if (cmd->kind == MEMSCOPE_KIND_MMIO || cmd->kind == MEMSCOPE_KIND_PIO) {
		if (cmd->size > READ_ONCE(max_window) &&
		    !(cmd->opts & MEMSCOPE_OPT_FORCE))
			return memscope_deny(-E2BIG,
					     "%s: a %#llx-byte window is over max_window (%#llx); add force",
					     cmd->name, cmd->size, memscope_max_window());
		/* Not even with force: ioremap() cannot fail gently. */
		avail = si_mem_available() * PAGE_SIZE;
		if (cmd->kind == MEMSCOPE_KIND_MMIO &&
		    memscope_window_cost(cmd->size) > avail / 4)
			return memscope_deny(-ENOMEM,
					     "%s: mapping %#llx bytes takes %llu KiB of page tables%s; %lu KiB of memory is available",
					     cmd->name, cmd->size,
					     memscope_window_cost(cmd->size) / SZ_1K,
					     IS_ENABLED(CONFIG_KASAN_VMALLOC) ?
					     " and KASAN shadow" : "",
					     avail / SZ_1K);
		return 0;
	}

	held = memscope_stats_bytes(cmd->kind);
	if (cmd->size > budget || held > budget - cmd->size)
		return memscope_deny(-ENOSPC,
				     "%s: %s regions hold %ld bytes; %#llx more is over max_kind_bytes (%lu)",
				     cmd->name, kind, held, cmd->size, budget);
	return 0;
}

/**
 * memscope_max_window() - the largest window mapped without force
 *
 * Also the largest BAR or platform resource mapped whole at probe.
 *
 * Context: Any context.
 * Return: the max_window module parameter, in bytes.
 */
u64 memscope_max_window(void)
{
	return READ_ONCE(max_window);
}

/**
 * memscope_stats_add() - account memory memscope holds
 * @kind: region kind the memory belongs to
 * @bytes: bytes acquired (negative when released)
 * @objects: objects acquired (negative when released)
 *
 * Context: Any context.
 */
void memscope_stats_add(enum memscope_kind kind, long bytes, int objects)
{
	unsigned long flags;

	write_seqlock_irqsave(&memscope_stats_lock, flags);
	memscope_stats[kind].bytes += bytes;
	memscope_stats[kind].objects += objects;
	write_sequnlock_irqrestore(&memscope_stats_lock, flags);
}

/* One consistent picture of every kind at once. */
static void memscope_stats_snapshot(struct memscope_stats *snap)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&memscope_stats_lock);
		memcpy(snap, memscope_stats, sizeof(memscope_stats));
	} while (read_seqretry(&memscope_stats_lock, seq));
}

/**
 * memscope_stats_show() - print what memscope holds, one kind per line
 * @m: seq_file to print to
 *
 * Context: Process context.
 */
void memscope_stats_show(struct seq_file *m)
{
	struct memscope_stats snap[MEMSCOPE_NR_KINDS];
	int kind;

	memscope_stats_snapshot(snap);
	for (kind = 0; kind < MEMSCOPE_NR_KINDS; kind++)
		seq_printf(m, "|  %-8s objects %d bytes %ld\n",
			   memscope_kind_names[kind], snap[kind].objects,
			   snap[kind].bytes);
}

/**
 * memscope_stats_total() - count the objects memscope holds
 *
 * Context: Any context.
 * Return: the number of live objects of every kind together.
 */
int memscope_stats_total(void)
{
	struct memscope_stats snap[MEMSCOPE_NR_KINDS];
	int kind, total = 0;

	memscope_stats_snapshot(snap);
	for (kind = 0; kind < MEMSCOPE_NR_KINDS; kind++)
		total += snap[kind].objects;
	return total;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_stats_total);

/**
 * memscope_account_init() - settle the limits that depend on the machine
 *
 * Context: Module init.
 */
void memscope_account_init(void)
{
	/* 1/16 of RAM per kind: all kinds together stay well below OOM. */
	if (!max_kind_bytes)
		max_kind_bytes = min_t(u64, PFN_PHYS((u64)totalram_pages()) / 16,
				       SZ_1G);
}
