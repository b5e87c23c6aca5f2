// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for memscope's register access paths.
 *
 * On UML a fake device registered with logic_iomem records every access
 * (direction, size, offset, value), which proves exact widths, one access
 * per value and no read before a write. Under QEMU (x86_64, or arm64's
 * virt machine) the same paths drive the edu device for real.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#ifdef CONFIG_INDIRECT_IOMEM
#include <linux/logic_iomem.h>
#endif

#include "../memscope.h"
#include "helpers.h"

static bool memscope_kunit_locked(void)
{
	return true;
}

/*
 * logic_iomem regions cannot be removed: the fake device is registered only
 * when the tests are built in, never from a module that could go away.
 */
#if IS_ENABLED(CONFIG_INDIRECT_IOMEM) && IS_BUILTIN(CONFIG_MEMSCOPE_KUNIT_TEST)
#define MEMSCOPE_KUNIT_FAKE
#endif

#ifdef MEMSCOPE_KUNIT_FAKE
/* The fake device: 256 bytes of registers and a log of every access. */
#define FAKE_BASE	0x7f000000UL
#define FAKE_SIZE	0x100
#define FAKE_LOG	64

struct fake_access {
	bool write;
	unsigned int offset;
	int size;
	unsigned long val;
};

static struct {
	u8 regs[FAKE_SIZE];
	struct fake_access log[FAKE_LOG];
	unsigned int n;
} fake;

static void fake_log(bool write, unsigned int offset, int size,
		     unsigned long val)
{
	if (fake.n < FAKE_LOG)
		fake.log[fake.n] = (struct fake_access){ write, offset, size, val };
	fake.n++;
}

static unsigned long fake_read(void *priv, unsigned int offset, int size)
{
	unsigned long val = 0;

	memcpy(&val, fake.regs + offset, size);
	fake_log(false, offset, size, val);
	return val;
}

static void fake_write(void *priv, unsigned int offset, int size,
		       unsigned long val)
{
	memcpy(fake.regs + offset, &val, size);
	fake_log(true, offset, size, val);
}

static const struct logic_iomem_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
};

static long fake_map(unsigned long offset, size_t size,
		     const struct logic_iomem_ops **ops, void **priv)
{
	*ops = &fake_ops;
	*priv = NULL;
	return 0;
}

static const struct logic_iomem_region_ops fake_region_ops = {
	.map = fake_map,
};

static struct resource fake_res = DEFINE_RES_MEM_NAMED(FAKE_BASE, FAKE_SIZE,
						       "memscope-kunit-fake");

static int fake_register(void)
{
	/* logic_iomem regions cannot be removed: register once per boot. */
	static int registered = -EAGAIN;

	if (registered == -EAGAIN)
		registered = logic_iomem_add_region(&fake_res, &fake_region_ops);
	return registered;
}

static struct memscope_region *fake_region(struct kunit *test,
					   const char *opts)
{
	char text[96];

	if (strstr(opts, "rw") && !IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		kunit_skip(test, "rw windows need CONFIG_MEMSCOPE_WRITE");
	KUNIT_ASSERT_EQ(test, fake_register(), 0);
	/* The fake range is a resource the kernel describes: rw needs force. */
	snprintf(text, sizeof(text), "map fake %#lx %#x %s force", FAKE_BASE,
		 FAKE_SIZE, opts);
	memset(&fake, 0, sizeof(fake));
	return memscope_kunit_region(test, "fake", text);
}

/* Each width is one access of exactly that size, and a write is alone. */
static void memscope_access_exact_width_test(struct kunit *test)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	struct memscope_region *r = fake_region(test, "rw");
	unsigned int i;
	u64 val;

	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		unsigned int w = widths[i];
		u64 pattern = 0x8877665544332211ULL & GENMASK_ULL(w * 8 - 1, 0);

		r->width = w;
		fake.n = 0;
		KUNIT_ASSERT_EQ(test, memscope_reg_write(r, 0x10, pattern), 0);
		KUNIT_EXPECT_EQ(test, fake.n, 1);
		KUNIT_EXPECT_TRUE(test, fake.log[0].write);
		KUNIT_EXPECT_EQ(test, fake.log[0].size, w);
		KUNIT_EXPECT_EQ(test, fake.log[0].offset, 0x10);
		KUNIT_EXPECT_EQ(test, fake.log[0].val, pattern);

		fake.n = 0;
		KUNIT_ASSERT_EQ(test, memscope_reg_read(r, 0x10, &val), 0);
		KUNIT_EXPECT_EQ(test, fake.n, 1);
		KUNIT_EXPECT_FALSE(test, fake.log[0].write);
		KUNIT_EXPECT_EQ(test, fake.log[0].size, w);
		KUNIT_EXPECT_EQ(test, val, pattern);
	}
}

/* `data` moves whole registers: one access per width unit, in order. */
static void memscope_access_data_units_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "rw width=2");
	u8 out[8], in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned int i;

	KUNIT_ASSERT_EQ(test, r->ops->write(r, 0x20, in, sizeof(in)), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 4);
	for (i = 0; i < 4 && i < fake.n; i++) {
		KUNIT_EXPECT_TRUE(test, fake.log[i].write);
		KUNIT_EXPECT_EQ(test, fake.log[i].size, 2);
		KUNIT_EXPECT_EQ(test, fake.log[i].offset, 0x20 + 2 * i);
	}
	fake.n = 0;
	KUNIT_ASSERT_EQ(test, r->ops->read(r, 0x20, out, sizeof(out)), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 4);
	KUNIT_EXPECT_MEMEQ(test, out, in, sizeof(in));
}

/*
 * `data` of a memory window goes straight to user space, and a store that
 * would fault loses nothing: on user pages not yet faulted in, every
 * register is read exactly once into the bounce buffer instead; once the
 * pages are present, straight to them, again once each; and a store
 * that faults halfway loses none of the registers read for it.
 */
static void memscope_access_read_user_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "width=4");
	char __user *ubuf = memscope_kunit_user(test);
	u8 buf[64], out[64];
	size_t stored = 1;
	unsigned long addr;
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		fake.regs[i] = 0xa0 + i;
	memset(buf, 0, sizeof(buf));
	KUNIT_ASSERT_EQ(test, r->ops->read_user(r, 0, ubuf, buf, sizeof(buf),
						&stored), 0);
	KUNIT_EXPECT_EQ(test, stored, 0);
	KUNIT_EXPECT_EQ(test, fake.n, sizeof(buf) / 4);
	KUNIT_EXPECT_MEMEQ(test, buf, fake.regs, sizeof(buf));

	KUNIT_ASSERT_EQ(test, fault_in_writeable(ubuf, sizeof(out)), 0);
	fake.n = 0;
	KUNIT_ASSERT_EQ(test, r->ops->read_user(r, 0, ubuf, buf, sizeof(out),
						&stored), 0);
	KUNIT_EXPECT_EQ(test, stored, sizeof(out));
	KUNIT_EXPECT_EQ(test, fake.n, sizeof(out) / 4);
	KUNIT_ASSERT_EQ(test, copy_from_user(out, ubuf, sizeof(out)), 0);
	KUNIT_EXPECT_MEMEQ(test, out, fake.regs, sizeof(out));

	/*
	 * 16-bit registers across into a page not faulted in: the first
	 * 8 bytes' store faults, so they and the two registers after them
	 * land in the bounce buffer, each register read once.
	 */
	addr = kunit_vm_mmap(test, NULL, 0, 2 * PAGE_SIZE,
			     PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr) || !addr);
	ubuf = (char __user *)addr;
	KUNIT_ASSERT_EQ(test, fault_in_writeable(ubuf, PAGE_SIZE), 0);
	r->width = 2;
	fake.n = 0;
	memset(buf, 0, sizeof(buf));
	KUNIT_ASSERT_EQ(test, r->ops->read_user(r, 0x10, ubuf + PAGE_SIZE - 6,
						buf, 12, &stored), 0);
	KUNIT_EXPECT_EQ(test, stored, 0);
	KUNIT_EXPECT_EQ(test, fake.n, 6);
	KUNIT_EXPECT_MEMEQ(test, buf, fake.regs + 0x10, 12);
}

/* Refusals happen before the device is touched. */
static void memscope_access_refusal_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "rw");
	u64 val;

	KUNIT_EXPECT_EQ(test, memscope_reg_read(r, 2, &val), -EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_reg_write(r, 6, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_reg_read(r, FAKE_SIZE, &val), -EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_reg_read(r, U64_MAX - 3, &val), -EINVAL);
	KUNIT_EXPECT_EQ(test, memscope_reg_write(r, 0, 0x100000000ULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, fake.n, 0);
}

static void memscope_access_read_only_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "width=4");

	KUNIT_EXPECT_EQ(test, memscope_reg_write(r, 0, 1), -EPERM);
	KUNIT_EXPECT_EQ(test, fake.n, 0);
}

/*
 * seq_file replays show() for a record that did not fit; the register
 * must not be read again for the replay.
 */
static void memscope_access_regs_replay_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "rw");
	struct memscope_regs_iter it = { .r = r, .cached = -1 };
	struct seq_file m = { .private = &it };
	loff_t pos = 0;

	fake.regs[0] = 0xed;
	m.buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);

	m.size = 4;	/* too small for "00000000: 000000ed\n" */
	KUNIT_ASSERT_EQ(test, memscope_regs_show(&m, &pos), 0);
	KUNIT_EXPECT_TRUE(test, seq_has_overflowed(&m));
	KUNIT_EXPECT_EQ(test, fake.n, 1);

	m.count = 0;
	m.size = 64;	/* what seq_read does next: a bigger buffer, again */
	KUNIT_ASSERT_EQ(test, memscope_regs_show(&m, &pos), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 1);
	KUNIT_EXPECT_EQ(test, m.count, strlen("00000000: 000000ed\n"));
	KUNIT_EXPECT_MEMEQ(test, m.buf, "00000000: 000000ed\n", m.count);

	pos = 1;
	m.count = 0;
	KUNIT_ASSERT_EQ(test, memscope_regs_show(&m, &pos), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 2);
	KUNIT_EXPECT_EQ(test, fake.log[1].offset, 4);
}

static void memscope_access_lockdown_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "rw");
	char text[64];
	u64 val;

	kunit_activate_static_stub(test, memscope_locked_down,
				   memscope_kunit_locked);
	KUNIT_EXPECT_EQ(test, memscope_reg_write(r, 0, 1), -EPERM);
	KUNIT_EXPECT_EQ(test, fake.n, 0);
	snprintf(text, sizeof(text), "map fake2 %#lx 0x10", FAKE_BASE);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, text), -EPERM);
	KUNIT_EXPECT_NULL(test, memscope_region_find("fake2"));

	/* Reads are still allowed under lockdown. */
	KUNIT_EXPECT_EQ(test, memscope_reg_read(r, 0, &val), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 1);

	/* Once lockdown is lifted, the write goes through. */
	kunit_deactivate_static_stub(test, memscope_locked_down);
	KUNIT_EXPECT_EQ(test, memscope_reg_write(r, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 2);

	/* What only reduces exposure stays allowed under lockdown: free. */
	kunit_activate_static_stub(test, memscope_locked_down,
				   memscope_kunit_locked);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, "free fake"), 0);
	KUNIT_EXPECT_NULL(test, memscope_region_find("fake"));
}

KUNIT_DEFINE_ACTION_WRAPPER(memscope_kunit_prog_free, memscope_prog_free,
			    struct memscope_prog *);

/* Parse @text for @r (which must succeed), then run it. */
static int fake_prog_run(struct kunit *test, struct memscope_region *r,
			 const char *text, struct memscope_prog **pp)
{
	char why[MEMSCOPE_WHY_MAX] = "";

	KUNIT_ASSERT_EQ_MSG(test, memscope_prog_parse(text, r->width, r->size,
						      pp, why, sizeof(why)),
			    0, "reason: %s", why);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							memscope_kunit_prog_free,
							*pp), 0);
	fake.n = 0;
	return memscope_prog_run(r, *pp);
}

/* A program makes exactly its accesses, in order; rmw is one read, one write. */
static void memscope_ops_order_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "rw width=4");
	struct memscope_prog *p;

	fake.regs[8] = 0x0f;
	KUNIT_ASSERT_EQ(test, fake_prog_run(test, r,
					    "r 0\nw 4 0x11\nrmw 8 0xf0 0x30\n# c\nr 0xc\n",
					    &p), 0);
	KUNIT_ASSERT_EQ(test, fake.n, 5);
	KUNIT_EXPECT_FALSE(test, fake.log[0].write);
	KUNIT_EXPECT_EQ(test, fake.log[0].offset, 0);
	KUNIT_EXPECT_TRUE(test, fake.log[1].write);
	KUNIT_EXPECT_EQ(test, fake.log[1].offset, 4);
	KUNIT_EXPECT_EQ(test, fake.log[1].val, 0x11);
	KUNIT_EXPECT_FALSE(test, fake.log[2].write);
	KUNIT_EXPECT_EQ(test, fake.log[2].offset, 8);
	KUNIT_EXPECT_TRUE(test, fake.log[3].write);
	KUNIT_EXPECT_EQ(test, fake.log[3].offset, 8);
	KUNIT_EXPECT_EQ(test, fake.log[3].val, 0x3f);
	KUNIT_EXPECT_FALSE(test, fake.log[4].write);
	KUNIT_EXPECT_EQ(test, fake.log[4].offset, 0xc);
	KUNIT_EXPECT_EQ(test, fake.log[0].size, 4);
	KUNIT_EXPECT_EQ(test, fake.log[3].size, 4);
	KUNIT_EXPECT_EQ(test, p->op[2].got, 0x0f);
	KUNIT_EXPECT_TRUE(test, p->op[3].done);
}

/* A dry run passes the gates and touches nothing. */
static void memscope_ops_dry_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "rw");
	struct memscope_prog *p;

	KUNIT_ASSERT_EQ(test, fake_prog_run(test, r,
					    "dry\nr 0\nw 4 1\nrmw 8 1 1\npoll 0 1 1 10\ndelay 1\n",
					    &p), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 0);
	KUNIT_EXPECT_TRUE(test, p->op[4].done);
}

/* The gates apply before the first access, even a read. */
static void memscope_ops_gate_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "width=4");
	struct memscope_prog *p;

	KUNIT_EXPECT_EQ(test, fake_prog_run(test, r, "r 0\nw 4 1\n", &p),
			-EPERM);
	KUNIT_EXPECT_EQ(test, fake.n, 0);
	KUNIT_EXPECT_FALSE(test, p->op[0].done);
	KUNIT_EXPECT_EQ(test, fake_prog_run(test, r, "dry\nw 4 1\n", &p),
			-EPERM);
	/* A program that only reads runs on a read-only window. */
	KUNIT_EXPECT_EQ(test, fake_prog_run(test, r, "r 0\nr 4\n", &p), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 2);
}

static void memscope_ops_lockdown_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "rw");
	struct memscope_prog *p;

	kunit_activate_static_stub(test, memscope_locked_down,
				   memscope_kunit_locked);
	KUNIT_EXPECT_EQ(test, fake_prog_run(test, r, "r 0\nrmw 0 1 1\n", &p),
			-EPERM);
	KUNIT_EXPECT_EQ(test, fake.n, 0);
	KUNIT_EXPECT_EQ(test, fake_prog_run(test, r, "r 0\n", &p), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 1);
}

/* A poll that matches at once reads once; one that never does times out. */
static void memscope_ops_poll_test(struct kunit *test)
{
	struct memscope_region *r = fake_region(test, "rw width=4");
	struct memscope_prog *p;

	fake.regs[0x10] = 0x81;
	KUNIT_EXPECT_EQ(test, fake_prog_run(test, r, "poll 0x10 0x80 0x80 1000\n",
					    &p), 0);
	KUNIT_EXPECT_EQ(test, fake.n, 1);
	KUNIT_EXPECT_EQ(test, p->op[0].got, 0x81);

	/* Execution stops at the failing line: 0x18 is never read. */
	KUNIT_EXPECT_EQ(test, fake_prog_run(test, r,
					    "r 0\npoll 0x10 1 0 200 50\nr 0x18\n",
					    &p), -ETIMEDOUT);
	KUNIT_EXPECT_GE(test, fake.n, 3);
	KUNIT_EXPECT_EQ(test, fake.log[fake.n - 1].offset, 0x10);
	KUNIT_EXPECT_EQ(test, p->op[1].err, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, p->op[1].got, 0x81);
	KUNIT_EXPECT_GE(test, p->op[1].took_us, 200);
	KUNIT_EXPECT_FALSE(test, p->op[2].done);
}
#else
static void memscope_access_no_fake(struct kunit *test)
{
	kunit_skip(test, "the fake device needs logic_iomem (UML), built in");
}

#define memscope_access_exact_width_test memscope_access_no_fake
#define memscope_access_data_units_test memscope_access_no_fake
#define memscope_access_refusal_test memscope_access_no_fake
#define memscope_access_read_only_test memscope_access_no_fake
#define memscope_access_regs_replay_test memscope_access_no_fake
#define memscope_access_lockdown_test memscope_access_no_fake
#define memscope_ops_order_test memscope_access_no_fake
#define memscope_ops_dry_test memscope_access_no_fake
#define memscope_ops_gate_test memscope_access_no_fake
#define memscope_ops_lockdown_test memscope_access_no_fake
#define memscope_ops_poll_test memscope_access_no_fake
#define memscope_access_read_user_test memscope_access_no_fake
#endif /* MEMSCOPE_KUNIT_FAKE */

/* QEMU's edu device: ID register, liveness check and a 64-bit register. */
/* A raw window onto edu's BAR0, enabled as its driver would. */
static struct memscope_region *edu_region(struct kunit *test)
{
	struct pci_dev *pdev = memscope_kunit_edu(test);
	char text[96];

	if (!IS_ENABLED(CONFIG_MEMSCOPE_WRITE))
		kunit_skip(test, "rw windows need CONFIG_MEMSCOPE_WRITE");

	/* edu's BAR is described in /proc/iomem: rw needs force. */
	snprintf(text, sizeof(text), "map kunit-edu %#llx 0x100 rw force",
		 (u64)pci_resource_start(pdev, 0));
	return memscope_kunit_region(test, "kunit-edu", text);
}

static void memscope_access_edu_test(struct kunit *test)
{
	struct memscope_region *r = edu_region(test);
	u64 val;

	KUNIT_ASSERT_EQ(test, memscope_reg_read(r, 0x00, &val), 0);
	KUNIT_EXPECT_EQ(test, val, 0x010000ed);

	KUNIT_ASSERT_EQ(test, memscope_reg_write(r, 0x04, 0x12345678), 0);
	KUNIT_ASSERT_EQ(test, memscope_reg_read(r, 0x04, &val), 0);
	KUNIT_EXPECT_EQ(test, val, ~0x12345678U);

	/* 0x80, edu's DMA source address, takes a true 64-bit access. */
	r->width = 8;
	KUNIT_ASSERT_EQ(test, memscope_reg_write(r, 0x80, 0x1122334455667788ULL), 0);
	KUNIT_ASSERT_EQ(test, memscope_reg_read(r, 0x80, &val), 0);
	KUNIT_EXPECT_EQ(test, val, 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, memscope_reg_write(r, 0x84, 0), -EINVAL);
	r->width = 4;
}

static void memscope_access_edu_lockdown_test(struct kunit *test)
{
	struct memscope_region *r = edu_region(test);
	u64 val;

	KUNIT_ASSERT_EQ(test, memscope_reg_write(r, 0x04, 0xa5a5a5a5), 0);
	kunit_activate_static_stub(test, memscope_locked_down,
				   memscope_kunit_locked);
	KUNIT_EXPECT_EQ(test, memscope_reg_write(r, 0x04, 0), -EPERM);
	KUNIT_ASSERT_EQ(test, memscope_reg_read(r, 0x04, &val), 0);
	KUNIT_EXPECT_EQ(test, val, ~0xa5a5a5a5U);
}

/* A raw window onto System RAM is refused before ioremap is tried. */
static void memscope_access_ram_refused_test(struct kunit *test)
{
	void *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	phys_addr_t phys;
	char text[96];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	phys = virt_to_phys(buf) & PAGE_MASK;
	if (region_intersects(phys, PAGE_SIZE, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) == REGION_DISJOINT)
		kunit_skip(test, "this arch does not register System RAM");
	snprintf(text, sizeof(text), "map kunit-ram %#llx 0x1000", (u64)phys);
	KUNIT_EXPECT_EQ(test, memscope_kunit_run(test, text), -EPERM);
	KUNIT_EXPECT_NULL(test, memscope_region_find("kunit-ram"));
}

static struct kunit_case memscope_access_test_cases[] = {
	KUNIT_CASE(memscope_access_exact_width_test),
	KUNIT_CASE(memscope_access_data_units_test),
	KUNIT_CASE(memscope_access_read_user_test),
	KUNIT_CASE(memscope_access_refusal_test),
	KUNIT_CASE(memscope_access_read_only_test),
	KUNIT_CASE(memscope_access_regs_replay_test),
	KUNIT_CASE(memscope_access_lockdown_test),
	KUNIT_CASE(memscope_access_edu_test),
	KUNIT_CASE(memscope_access_edu_lockdown_test),
	KUNIT_CASE(memscope_access_ram_refused_test),
	{}
};

static struct kunit_suite memscope_access_suite = {
	.name = "memscope_access",
	.test_cases = memscope_access_test_cases,
};

static struct kunit_case memscope_ops_test_cases[] = {
	KUNIT_CASE(memscope_ops_order_test),
	KUNIT_CASE(memscope_ops_dry_test),
	KUNIT_CASE(memscope_ops_gate_test),
	KUNIT_CASE(memscope_ops_lockdown_test),
	KUNIT_CASE(memscope_ops_poll_test),
	{}
};

/* Programs of `ops`, counted on the fake device. */
static struct kunit_suite memscope_ops_suite = {
	.name = "memscope_ops",
	.test_cases = memscope_ops_test_cases,
};

kunit_test_suites(&memscope_access_suite, &memscope_ops_suite);
