// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for memscope's kernel memory regions: every allocator,
 * the page frame runs and contiguity they report, the size limits, and
 * memscope's own accounting.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../memscope.h"
#include "helpers.h"

struct memscope_alloc_case {
	const char *cmd;
	bool zeroed;
};

static const struct memscope_alloc_case memscope_alloc_cases[] = {
	{ "alloc t kmalloc 100", false },
	{ "alloc t kzalloc 3000", true },
	{ "alloc t vmalloc 20000", true },
	{ "alloc t vzalloc 4096", true },
	{ "alloc t pages 16K", true },
	{ "alloc t pages 1", true },
	{ "alloc t slab 96", true },
	{ "alloc t slab 2K", true },
};

static void memscope_alloc_case_desc(const struct memscope_alloc_case *c,
				     char *desc)
{
	strscpy(desc, c->cmd, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(memscope_alloc, memscope_alloc_cases,
		  memscope_alloc_case_desc);

/* Create, fill, read back, free: and nothing stays behind. */
static void memscope_alloc_roundtrip_test(struct kunit *test)
{
	const struct memscope_alloc_case *c = test->param_value;
	struct memscope_region *r;
	int before = memscope_stats_total();
	u8 *in, *out;
	size_t i;

	/* Freed when the test ends even if it fails: no EEXIST for the next. */
	r = memscope_kunit_region(test, "t", c->cmd);
	KUNIT_EXPECT_EQ(test, memscope_stats_total(), before + 1);

	in = kunit_kmalloc(test, r->size, GFP_KERNEL);
	out = kunit_kmalloc(test, r->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);

	if (c->zeroed) {
		KUNIT_ASSERT_EQ(test, r->ops->read(r, 0, out, r->size), 0);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(out, 0, r->size));
	}
	for (i = 0; i < r->size; i++)
		in[i] = i * 7 + 3;
	KUNIT_ASSERT_EQ(test, r->ops->write(r, 0, in, r->size), 0);
	memset(out, 0, r->size);
	KUNIT_ASSERT_EQ(test, r->ops->read(r, 0, out, r->size), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, r->size);
	/* An unaligned piece in the middle, across a page where there is one. */
	if (r->size > PAGE_SIZE + 16) {
		KUNIT_ASSERT_EQ(test, r->ops->read(r, PAGE_SIZE - 5, out, 16), 0);
		KUNIT_EXPECT_MEMEQ(test, out, in + PAGE_SIZE - 5, 16);
	}

	KUNIT_EXPECT_EQ(test, memscope_region_free("t"), 0);
	KUNIT_EXPECT_NULL(test, memscope_region_find("t"));
	KUNIT_EXPECT_EQ(test, memscope_stats_total(), before);
}

struct memscope_runs_case {
	const char *desc;
	unsigned long pfns[8];
	unsigned int n;
	unsigned int nr_runs;
	struct memscope_pfn_run runs[8];
};

static const struct memscope_runs_case memscope_runs_cases[] = {
	{ "one page", { 5 }, 1, 1, { { 5, 1 } } },
	{ "one run", { 5, 6, 7, 8 }, 4, 1, { { 5, 4 } } },
	{ "several runs", { 5, 6, 9, 10, 11, 20 }, 6, 3,
	  { { 5, 2 }, { 9, 3 }, { 20, 1 } } },
	{ "single pages", { 1, 3, 5, 7 }, 4, 4,
	  { { 1, 1 }, { 3, 1 }, { 5, 1 }, { 7, 1 } } },
	{ "descending", { 9, 8, 7 }, 3, 3, { { 9, 1 }, { 8, 1 }, { 7, 1 } } },
	{ "repeated frame", { 4, 4, 5 }, 3, 2, { { 4, 1 }, { 4, 2 } } },
	{ "pfn zero", { 0, 1, 3 }, 3, 2, { { 0, 2 }, { 3, 1 } } },
};

static void memscope_runs_case_desc(const struct memscope_runs_case *c,
				    char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(memscope_runs, memscope_runs_cases, memscope_runs_case_desc);

static void memscope_alloc_runs_test(struct kunit *test)
{
	const struct memscope_runs_case *c = test->param_value;
	struct memscope_pfn_run runs[8] = {};
	unsigned int i, nr;

	nr = memscope_pfn_runs(c->pfns, c->n, runs, ARRAY_SIZE(runs));
	KUNIT_ASSERT_EQ(test, nr, c->nr_runs);
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_EQ(test, runs[i].start, c->runs[i].start);
		KUNIT_EXPECT_EQ(test, runs[i].count, c->runs[i].count);
	}
	/*
	 * Counting alone, and storing fewer than there are, agree; a short
	 * array is filled as far as it goes and not one entry further.
	 */
	KUNIT_EXPECT_EQ(test, memscope_pfn_runs(c->pfns, c->n, NULL, 0), nr);
	memset(runs, 0xa5, sizeof(runs));
	KUNIT_EXPECT_EQ(test, memscope_pfn_runs(c->pfns, c->n, runs, 1), nr);
	KUNIT_EXPECT_EQ(test, runs[0].start, c->runs[0].start);
	KUNIT_EXPECT_EQ(test, runs[0].count, c->runs[0].count);
	KUNIT_EXPECT_EQ(test, runs[1].start, 0xa5a5a5a5a5a5a5a5UL);
}

/* The runs of a real vmalloc buffer match vmalloc_to_pfn() page by page. */
static void memscope_alloc_vmalloc_runs_test(struct kunit *test)
{
	const unsigned int pages = 64;
	struct memscope_pfn_run *runs;
	struct memscope_region *r;
	unsigned int nr, i, page = 0;
	unsigned long j;

	r = memscope_kunit_region(test, "t", "alloc t vmalloc 256K");
	runs = kunit_kcalloc(test, pages, sizeof(*runs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, runs);

	nr = memscope_region_pfn_runs(r, runs, pages);
	KUNIT_ASSERT_GE(test, nr, 1);
	KUNIT_ASSERT_LE(test, nr, pages);
	for (i = 0; i < nr; i++) {
		for (j = 0; j < runs[i].count; j++, page++)
			KUNIT_EXPECT_EQ(test, runs[i].start + j,
					vmalloc_to_pfn(r->vaddr + page * PAGE_SIZE));
		if (i)	/* a run ends where the frames stop being consecutive */
			KUNIT_EXPECT_NE(test, runs[i].start,
					runs[i - 1].start + runs[i - 1].count);
	}
	KUNIT_EXPECT_EQ(test, page, pages);
}

/* Page and kmalloc allocations are physically contiguous: one run. */
static void memscope_alloc_contiguous_test(struct kunit *test)
{
	struct memscope_pfn_run run;
	struct memscope_region *r;

	r = memscope_kunit_region(test, "t", "alloc t pages 32K");
	KUNIT_EXPECT_EQ(test, memscope_region_pfn_runs(r, &run, 1), 1);
	KUNIT_EXPECT_EQ(test, run.count, 8);
	KUNIT_EXPECT_EQ(test, PFN_PHYS(run.start), r->phys);

	r = memscope_kunit_region(test, "k", "alloc k kmalloc 8K");
	KUNIT_EXPECT_EQ(test, memscope_region_pfn_runs(r, &run, 1), 1);
	KUNIT_EXPECT_EQ(test, PFN_PHYS(run.start) + offset_in_page(r->vaddr),
			r->phys);
}

/* Impossible sizes are refused before the allocator runs; nothing stays. */
static void memscope_alloc_limits_test(struct kunit *test)
{
	int before = memscope_stats_total();
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "alloc t kmalloc %lu", KMALLOC_MAX_SIZE + 1);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, cmd), -ERANGE);
	snprintf(cmd, sizeof(cmd), "alloc t pages %lu",
		 (PAGE_SIZE << MAX_PAGE_ORDER) + 1);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, cmd), -ERANGE);
	snprintf(cmd, sizeof(cmd), "alloc t slab %lu",
		 KMALLOC_MAX_CACHE_SIZE + 1);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, cmd), -ERANGE);
	/* Over max_kind_bytes: refused before vmalloc's own cap is reached. */
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, "alloc t vmalloc 1024G"),
			-ENOSPC);
	KUNIT_EXPECT_NULL(test, memscope_region_find("t"));
	KUNIT_EXPECT_EQ(test, memscope_stats_total(), before);
}

/* kmalloc and slab memory can never be mapped to user space. */
static void memscope_alloc_mmap_refused_test(struct kunit *test)
{
	static const char *const kinds[] = { "kmalloc", "slab" };
	struct vm_area_struct vma = {};
	struct memscope_region *r;
	char cmd[48];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		snprintf(cmd, sizeof(cmd), "alloc t%u %s 64", i, kinds[i]);
		r = memscope_kunit_region(test, i ? "t1" : "t0", cmd);
		/* Refused before the VMA is looked at: an empty one will do. */
		mutex_lock(&r->lock);
		KUNIT_EXPECT_EQ(test, memscope_data_mmap_locked(r, &vma), -ENODEV);
		mutex_unlock(&r->lock);
		KUNIT_EXPECT_EQ(test, atomic_read(&r->mappings), 0);
		KUNIT_EXPECT_NULL(test, vma.vm_ops);
	}
}

static int memscope_alloc_objects_at_start;

static int memscope_alloc_suite_init(struct kunit_suite *suite)
{
	memscope_alloc_objects_at_start = memscope_stats_total();
	return 0;
}

/*
 * Runs last: every region the suite made is gone. Compared with what
 * memscope held when the suite began, whatever other suites left.
 */
static void memscope_alloc_counters_back_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, memscope_stats_total(),
			memscope_alloc_objects_at_start);
}

static struct kunit_case memscope_alloc_test_cases[] = {
	KUNIT_CASE_PARAM(memscope_alloc_roundtrip_test, memscope_alloc_gen_params),
	KUNIT_CASE_PARAM(memscope_alloc_runs_test, memscope_runs_gen_params),
	KUNIT_CASE(memscope_alloc_vmalloc_runs_test),
	KUNIT_CASE(memscope_alloc_contiguous_test),
	KUNIT_CASE(memscope_alloc_limits_test),
	KUNIT_CASE(memscope_alloc_mmap_refused_test),
	KUNIT_CASE(memscope_alloc_counters_back_test),
	{}
};

static struct kunit_suite memscope_alloc_suite = {
	.name = "memscope_alloc",
	.suite_init = memscope_alloc_suite_init,
	.test_cases = memscope_alloc_test_cases,
};

kunit_test_suite(memscope_alloc_suite);
