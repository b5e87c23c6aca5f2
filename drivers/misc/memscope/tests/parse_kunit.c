// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the memscope command parser: every valid form of every
 * command, and every way a command can be malformed.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include "../memscope.h"

struct memscope_parse_case {
	const char *text;
	int err;
	/* Expected fields when err == 0. */
	enum memscope_verb verb;
	enum memscope_kind kind;
	const char *name;
	const char *dev;
	u64 addr;
	u64 size;
	unsigned int width;
	unsigned int opts;
	unsigned int mask_bits;
	enum dma_data_direction dir;
	bool to_device;
};

#define OK_MAP(t, n, a, s, w, o) \
	{ .text = t, .verb = MEMSCOPE_CMD_MAP, .kind = MEMSCOPE_KIND_MMIO, \
	  .name = n, .addr = a, .size = s, .width = w, .opts = o }
#define OK_IO(t, n, a, s, w, o) \
	{ .text = t, .verb = MEMSCOPE_CMD_IO, .kind = MEMSCOPE_KIND_PIO, \
	  .name = n, .addr = a, .size = s, .width = w, .opts = o }
#define OK_ALLOC(t, n, k, s, o) \
	{ .text = t, .verb = MEMSCOPE_CMD_ALLOC, .kind = k, .name = n, \
	  .size = s, .opts = o }
#define BAD(t, e) { .text = t, .err = e }

static const struct memscope_parse_case memscope_parse_cases[] = {
	/* map: every option, defaults, suffixes, hex and decimal */
	OK_MAP("map edu 0xfea00000 0x100000", "edu", 0xfea00000, 0x100000, 4, 0),
	OK_MAP("map edu 0xfea00000 1M\n", "edu", 0xfea00000, SZ_1M, 4, 0),
	OK_MAP("map a 4096 4K width=8", "a", 4096, SZ_4K, 8,
	       MEMSCOPE_OPT_WIDTH),
	OK_MAP("map a-b_c 0x1000 0x10 width=1 wc rw force", "a-b_c", 0x1000,
	       0x10, 1, MEMSCOPE_OPT_WIDTH | MEMSCOPE_OPT_WC |
	       MEMSCOPE_OPT_RW | MEMSCOPE_OPT_FORCE),
	OK_MAP("  map\tx 0x0 1G  rw  ", "x", 0, SZ_1G, 4, MEMSCOPE_OPT_RW),
	OK_MAP("map hpet 0xfed00000 0x400 width=2", "hpet", 0xfed00000, 0x400,
	       2, MEMSCOPE_OPT_WIDTH),
	OK_MAP("map top 0xfffffffffffff000 0x1000", "top",
	       0xfffffffffffff000ULL, 0x1000, 4, 0),
	/* io: defaults to byte width, no wc */
	OK_IO("io com2 0x2f8 8", "com2", 0x2f8, 8, 1, 0),
	OK_IO("io com2 0x2f8 8 rw force", "com2", 0x2f8, 8, 1,
	      MEMSCOPE_OPT_RW | MEMSCOPE_OPT_FORCE),
	OK_IO("io fw 0x510 2 width=2 rw", "fw", 0x510, 2, 2,
	      MEMSCOPE_OPT_WIDTH | MEMSCOPE_OPT_RW),
	OK_IO("io p 0xcf8 8 width=4", "p", 0xcf8, 8, 4, MEMSCOPE_OPT_WIDTH),
	/* alloc: every allocator */
	OK_ALLOC("alloc k kmalloc 100", "k", MEMSCOPE_KIND_KMALLOC, 100, 0),
	OK_ALLOC("alloc k kzalloc 1K", "k", MEMSCOPE_KIND_KMALLOC, SZ_1K,
		 MEMSCOPE_OPT_ZERO),
	OK_ALLOC("alloc v vmalloc 1M", "v", MEMSCOPE_KIND_VMALLOC, SZ_1M, 0),
	OK_ALLOC("alloc v vzalloc 0x3000", "v", MEMSCOPE_KIND_VMALLOC, 0x3000,
		 MEMSCOPE_OPT_ZERO),
	OK_ALLOC("alloc p pages 16K", "p", MEMSCOPE_KIND_PAGES, SZ_16K, 0),
	OK_ALLOC("alloc s slab 96", "s", MEMSCOPE_KIND_SLAB, 96, 0),
	/* dma */
	{ .text = "dma c 0000:00:03.0 coherent 4K", .verb = MEMSCOPE_CMD_DMA,
	  .kind = MEMSCOPE_KIND_COHERENT, .name = "c", .dev = "0000:00:03.0",
	  .size = SZ_4K, .dir = DMA_BIDIRECTIONAL },
	{ .text = "dma s 0000:00:03.0 stream 0x800 to-device",
	  .verb = MEMSCOPE_CMD_DMA, .kind = MEMSCOPE_KIND_STREAM, .name = "s",
	  .dev = "0000:00:03.0", .size = 0x800, .dir = DMA_TO_DEVICE },
	{ .text = "dma s foo.0 stream 1 from-device", .verb = MEMSCOPE_CMD_DMA,
	  .kind = MEMSCOPE_KIND_STREAM, .name = "s", .dev = "foo.0", .size = 1,
	  .dir = DMA_FROM_DEVICE },
	{ .text = "dma s d stream 1 bidirectional", .verb = MEMSCOPE_CMD_DMA,
	  .kind = MEMSCOPE_KIND_STREAM, .name = "s", .dev = "d", .size = 1,
	  .dir = DMA_BIDIRECTIONAL },
	/* dmamask, sync, free */
	{ .text = "dmamask 0000:00:03.0 28", .verb = MEMSCOPE_CMD_DMAMASK,
	  .dev = "0000:00:03.0", .mask_bits = 28 },
	{ .text = "dmamask d 64", .verb = MEMSCOPE_CMD_DMAMASK, .dev = "d",
	  .mask_bits = 64 },
	{ .text = "sync s cpu", .verb = MEMSCOPE_CMD_SYNC, .name = "s" },
	{ .text = "sync s device", .verb = MEMSCOPE_CMD_SYNC, .name = "s",
	  .to_device = true },
	{ .text = "free edu", .verb = MEMSCOPE_CMD_FREE, .name = "edu" },
	/* a device's BAR can be freed, not created */
	{ .text = "free 00-03-0-bar0", .verb = MEMSCOPE_CMD_FREE,
	  .name = "00-03-0-bar0" },
	OK_ALLOC("alloc x-barn kmalloc 64", "x-barn", MEMSCOPE_KIND_KMALLOC, 64,
		 0),
	{ .text = "free abcdefghijklmnopqrstuvwxyz01234",
	  .verb = MEMSCOPE_CMD_FREE, .name = "abcdefghijklmnopqrstuvwxyz01234" },
	{ .text = "free 0", .verb = MEMSCOPE_CMD_FREE, .name = "0" },

	/* unknown verbs, empty input, junk */
	BAD("", -EINVAL),
	BAD(" \t ", -EINVAL),
	BAD("\n", -EINVAL),
	BAD("mapp a 0x1000 4", -EINVAL),
	BAD("MAP a 0x1000 4", -EINVAL),
	BAD("map\x01 a 0x1000 4", -EINVAL),
	/* names: bad characters, reserved, too long, missing */
	BAD("map A 0x1000 4", -EINVAL),
	BAD("map a/b 0x1000 4", -EINVAL),
	BAD("map a.b 0x1000 4", -EINVAL),
	BAD("map control 0x1000 4", -EINVAL),
	BAD("alloc regions kmalloc 4", -EINVAL),
	BAD("alloc layout kmalloc 4", -EINVAL),
	BAD("free last_error", -EINVAL),
	BAD("free devices", -EINVAL),
	BAD("map x-bar0 0x1000 4", -EINVAL),
	BAD("alloc 00-03-0-bar12 kmalloc 64", -EINVAL),
	BAD("dma 00-03-0-bar1 d coherent 4K", -EINVAL),
	BAD("free abcdefghijklmnopqrstuvwxyz012345", -EINVAL),
	BAD("free", -EINVAL),
	/* numbers: malformed, leading zero, overflow alone and by suffix */
	BAD("map a 0x 4", -EINVAL),
	BAD("map a 0x1000 0x", -EINVAL),
	BAD("map a 010 4", -EINVAL),
	BAD("map a 0x1000 04", -EINVAL),
	BAD("map a -4096 4", -EINVAL),
	BAD("map a +4096 4", -EINVAL),
	BAD("map a 0x1000 4k", -EINVAL),
	BAD("map a 0x1000 4KB", -EINVAL),
	BAD("map a 0x1000 K", -EINVAL),
	BAD("map a 0x1000 0xg", -EINVAL),
	BAD("map a 0x10000000000000000 4", -ERANGE),
	BAD("map a 18446744073709551616 4", -ERANGE),
	BAD("map a 0x1000 17179869184G", -ERANGE),
	BAD("map a 0x1000 0x400000000000000K", -ERANGE),
	BAD("map a 0x1000 0x00000000000000000000000000001000", -ERANGE),
	/* sizes of zero, ranges that wrap */
	BAD("map a 0x1000 0", -EINVAL),
	BAD("map a 0x1000 0K", -EINVAL),
	BAD("alloc k kmalloc 0", -EINVAL),
	BAD("dma c d coherent 0", -EINVAL),
	BAD("map a 0xfffffffffffff000 0x2000", -ERANGE),
	BAD("io a 0xffffffffffffffff 2", -ERANGE),
	/* widths and alignment */
	BAD("map a 0x1000 4 width=3", -EINVAL),
	BAD("map a 0x1000 4 width=16", -EINVAL),
	BAD("map a 0x1000 4 width=", -EINVAL),
	BAD("map a 0x1000 4 width=04", -EINVAL),
	BAD("map a 0x1002 4", -EINVAL),
	BAD("map a 0x1000 6", -EINVAL),
	BAD("map a 0x1004 8 width=8", -EINVAL),
	BAD("io a 0x2f8 8 width=8", -EINVAL),
	BAD("io a 0x2f9 2 width=2", -EINVAL),
	/* options: unknown, repeated, misplaced */
	BAD("map a 0x1000 4 ro", -EINVAL),
	BAD("map a 0x1000 4 rw rw", -EINVAL),
	BAD("map a 0x1000 4 width=4 width=4", -EINVAL),
	BAD("map a 0x1000 4 width=4 width=8", -EINVAL),
	BAD("io a 0x2f8 8 wc", -EINVAL),
	BAD("map a 0x1000", -EINVAL),
	BAD("map a 0x1000 4 rw wc force width=4 x", -EINVAL),
	BAD("map a 0x1000 4 rw wc force width=4 x y", -EINVAL),
	/* alloc */
	BAD("alloc k kmallocc 4", -EINVAL),
	BAD("alloc k 4", -EINVAL),
	BAD("alloc k kmalloc 4 extra", -EINVAL),
	/* dma, dmamask, sync */
	BAD("dma c d coherent", -EINVAL),
	BAD("dma c d coherent 4K to-device", -EINVAL),
	BAD("dma s d stream 4K", -EINVAL),
	BAD("dma s d stream 4K sideways", -EINVAL),
	BAD("dma s d streaming 4K to-device", -EINVAL),
	BAD("dma s d/x coherent 4K", -EINVAL),
	BAD("dma s 0123456789012345678901234567890123456789012345678901234567890123 coherent 4K",
	    -EINVAL),
	BAD("dmamask d 7", -ERANGE),
	BAD("dmamask d 65", -ERANGE),
	{ .text = "dmamask d 0x20", .verb = MEMSCOPE_CMD_DMAMASK, .dev = "d",
	  .mask_bits = 32 },
	BAD("dmamask d", -EINVAL),
	BAD("dmamask d 32 extra", -EINVAL),
	BAD("sync s", -EINVAL),
	BAD("sync s gpu", -EINVAL),
	BAD("sync s cpu now", -EINVAL),
	/* trailing garbage */
	BAD("free a b", -EINVAL),
	BAD("io a 0x2f8 8 rw junk", -EINVAL),
};

static void memscope_parse_case_desc(const struct memscope_parse_case *c,
				     char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->text);
}

KUNIT_ARRAY_PARAM(memscope_parse, memscope_parse_cases,
		  memscope_parse_case_desc);

static void memscope_parse_test(struct kunit *test)
{
	const struct memscope_parse_case *c = test->param_value;
	char why[MEMSCOPE_WHY_MAX] = "";
	struct memscope_cmd cmd;
	int ret;

	ret = memscope_cmd_parse(c->text, &cmd, why, sizeof(why));
	KUNIT_ASSERT_EQ_MSG(test, ret, c->err, "reason: %s", why);
	if (ret) {
		/* A refusal always says why. */
		KUNIT_EXPECT_GT(test, strlen(why), 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, cmd.verb, c->verb);
	KUNIT_EXPECT_EQ(test, cmd.kind, c->kind);
	KUNIT_EXPECT_STREQ(test, cmd.name, c->name ?: "");
	KUNIT_EXPECT_STREQ(test, cmd.dev, c->dev ?: "");
	KUNIT_EXPECT_EQ(test, cmd.addr, c->addr);
	KUNIT_EXPECT_EQ(test, cmd.size, c->size);
	KUNIT_EXPECT_EQ(test, cmd.width, c->width);
	KUNIT_EXPECT_EQ(test, cmd.opts, c->opts);
	KUNIT_EXPECT_EQ(test, cmd.mask_bits, c->mask_bits);
	KUNIT_EXPECT_EQ(test, cmd.dir, c->dir);
	KUNIT_EXPECT_EQ(test, cmd.to_device, c->to_device);
}

/* Numbers on their own: the suffix arithmetic at its edges. */
static void memscope_parse_u64_test(struct kunit *test)
{
	char why[MEMSCOPE_WHY_MAX];
	u64 v;

	KUNIT_EXPECT_EQ(test, memscope_parse_u64("0", true, &v, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, v, 0);
	KUNIT_EXPECT_EQ(test, memscope_parse_u64("16777215G", true, &v, why,
						 sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, v, 16777215ULL << 30);
	KUNIT_EXPECT_EQ(test, memscope_parse_u64("17179869183G", true, &v, why,
						 sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, v, 17179869183ULL << 30);
	KUNIT_EXPECT_EQ(test, memscope_parse_u64("17179869184G", true, &v, why,
						 sizeof(why)), -ERANGE);
	KUNIT_EXPECT_EQ(test, memscope_parse_u64("0xffffffffffffffff", false,
						 &v, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, v, U64_MAX);
	KUNIT_EXPECT_EQ(test, memscope_parse_u64("4K", false, &v, why,
						 sizeof(why)), -EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_parse_u64("1M", true, &v, why,
						 sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, v, SZ_1M);
}

static void memscope_parse_name_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, memscope_name_valid("edu-bar0"));
	KUNIT_EXPECT_TRUE(test, memscope_name_valid("a_1"));
	KUNIT_EXPECT_FALSE(test, memscope_name_valid(""));
	KUNIT_EXPECT_FALSE(test, memscope_name_valid("control"));
	KUNIT_EXPECT_FALSE(test, memscope_name_valid("Edu"));
	KUNIT_EXPECT_FALSE(test, memscope_name_valid("a b"));
	KUNIT_EXPECT_FALSE(test, memscope_name_valid(".."));
}

static struct kunit_case memscope_parse_test_cases[] = {
	KUNIT_CASE_PARAM(memscope_parse_test, memscope_parse_gen_params),
	KUNIT_CASE(memscope_parse_u64_test),
	KUNIT_CASE(memscope_parse_name_test),
	{}
};

static struct kunit_suite memscope_parse_suite = {
	.name = "memscope_parse",
	.test_cases = memscope_parse_test_cases,
};

kunit_test_suite(memscope_parse_suite);

MODULE_DESCRIPTION("KUnit tests for memscope");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
