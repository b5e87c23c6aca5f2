// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the `ops` program parser: every kind of line, the
 * bounds of a program, and every way a line can be wrong (each naming
 * its line).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../memscope.h"

struct memscope_ops_parse_case {
	const char *text;
	unsigned int width;	/* 0: 4 */
	int err;
	unsigned int bad_line;	/* the line the reason must name */
	/* Expected when err == 0: the count, flags and the last operation. */
	unsigned int n;
	bool dry;
	bool writes;
	enum memscope_op_code code;
	unsigned int line;
	u64 off;
	u64 mask;
	u64 val;
	u32 us;
	u32 interval_us;
};

/* A program of one operation on its first line. */
#define OK(t, c, o, m, v) \
	{ .text = t, .n = 1, .code = c, .line = 1, .off = o, .mask = m, \
	  .val = v }
#define BAD(t, e, l) { .text = t, .err = e, .bad_line = l }

static const struct memscope_ops_parse_case memscope_ops_parse_cases[] = {
	/* every operation */
	OK("r 0", MEMSCOPE_OP_READ, 0, 0, 0),
	OK("r 0x4\n", MEMSCOPE_OP_READ, 4, 0, 0),
	{ .text = "w 0x10 0xdeadbeef", .n = 1, .writes = true,
	  .code = MEMSCOPE_OP_WRITE, .line = 1, .off = 0x10,
	  .val = 0xdeadbeef },
	{ .text = "rmw 0x20 0xff 0x12", .n = 1, .writes = true,
	  .code = MEMSCOPE_OP_RMW, .line = 1, .off = 0x20, .mask = 0xff,
	  .val = 0x12 },
	{ .text = "poll 0x20 0x1 0x1 1000", .n = 1, .code = MEMSCOPE_OP_POLL,
	  .line = 1, .off = 0x20, .mask = 1, .val = 1, .us = 1000,
	  .interval_us = 10 },
	{ .text = "poll 0x20 1 0 1000 100", .n = 1, .code = MEMSCOPE_OP_POLL,
	  .line = 1, .off = 0x20, .mask = 1, .val = 0, .us = 1000,
	  .interval_us = 100 },
	{ .text = "poll 0 1 1 5", .n = 1, .code = MEMSCOPE_OP_POLL, .line = 1,
	  .mask = 1, .val = 1, .us = 5, .interval_us = 5 },
	{ .text = "poll 0 1 1 5 5", .n = 1, .code = MEMSCOPE_OP_POLL,
	  .line = 1, .mask = 1, .val = 1, .us = 5, .interval_us = 5 },
	{ .text = "poll 0 0xffffffff 0xffffffff 10000000", .n = 1,
	  .code = MEMSCOPE_OP_POLL, .line = 1, .mask = 0xffffffff,
	  .val = 0xffffffff, .us = 10000000, .interval_us = 10 },
	{ .text = "delay 5", .n = 1, .code = MEMSCOPE_OP_DELAY, .line = 1,
	  .us = 5 },
	{ .text = "delay 1000000", .n = 1, .code = MEMSCOPE_OP_DELAY,
	  .line = 1, .us = 1000000 },
	/* comments, blank lines, blanks, the last unit */
	{ .text = "# init\n\nr 0\n", .n = 1, .code = MEMSCOPE_OP_READ,
	  .line = 3 },
	{ .text = "r 0 # id register", .n = 1, .code = MEMSCOPE_OP_READ,
	  .line = 1 },
	{ .text = "  r\t0x8\t\t\n\t\n", .n = 1, .code = MEMSCOPE_OP_READ,
	  .line = 1, .off = 8 },
	OK("r 0xfc", MEMSCOPE_OP_READ, 0xfc, 0, 0),
	{ .text = "r 0\nw 4 1\nr 8\n", .n = 3, .writes = true,
	  .code = MEMSCOPE_OP_READ, .line = 3, .off = 8 },
	/* dry runs */
	{ .text = "dry\nr 0", .n = 1, .dry = true, .code = MEMSCOPE_OP_READ,
	  .line = 2 },
	{ .text = "# c\ndry\n# c\nw 0 1", .n = 1, .dry = true, .writes = true,
	  .code = MEMSCOPE_OP_WRITE, .line = 4, .val = 1 },
	{ .text = "  dry\t\nr 0", .n = 1, .dry = true, .code = MEMSCOPE_OP_READ,
	  .line = 2 },
	/* other widths */
	{ .text = "w 0xff 0xff", .width = 1, .n = 1, .writes = true,
	  .code = MEMSCOPE_OP_WRITE, .line = 1, .off = 0xff, .val = 0xff },
	{ .text = "rmw 0x2 0xffff 0", .width = 2, .n = 1, .writes = true,
	  .code = MEMSCOPE_OP_RMW, .line = 1, .off = 2, .mask = 0xffff },
	{ .text = "w 0x8 0xffffffffffffffff", .width = 8, .n = 1,
	  .writes = true, .code = MEMSCOPE_OP_WRITE, .line = 1, .off = 8,
	  .val = U64_MAX },

	/* nothing to do */
	BAD("", -EINVAL, 0),
	BAD("\n\n", -EINVAL, 0),
	BAD("# only a comment\n", -EINVAL, 0),
	BAD("dry\n", -EINVAL, 0),
	/* unknown words and wrong argument counts */
	BAD("x 0", -EINVAL, 1),
	BAD("R 0", -EINVAL, 1),
	BAD("r", -EINVAL, 1),
	BAD("r 0 1", -EINVAL, 1),
	BAD("w 0", -EINVAL, 1),
	BAD("rmw 0 1", -EINVAL, 1),
	BAD("poll 0 1 1", -EINVAL, 1),
	BAD("poll 0 1 1 10 10 10", -EINVAL, 1),
	BAD("delay", -EINVAL, 1),
	BAD("w 0 1 2 3 4 5 6", -EINVAL, 1),
	BAD("r 0\nr 4\nbogus", -EINVAL, 3),
	BAD("r 0\ndry", -EINVAL, 2),
	BAD("dry\ndry\nr 0", -EINVAL, 2),
	BAD("r 0\x01", -EINVAL, 0),
	/* numbers */
	BAD("r 010", -EINVAL, 1),
	BAD("r -4", -EINVAL, 1),
	BAD("r 0x", -EINVAL, 1),
	BAD("r 4K", -EINVAL, 1),
	BAD("delay 99999999999999999999", -ERANGE, 1),
	/* offsets: alignment and the end of the region */
	BAD("r 2", -EINVAL, 1),
	BAD("\n\nw 6 0", -EINVAL, 3),
	BAD("r 0x100", -EINVAL, 1),
	BAD("r 0xfffffffffffffffc", -EINVAL, 1),
	/* values and masks that do not fit, bits outside the mask */
	BAD("w 0 0x100000000", -ERANGE, 1),
	{ .text = "w 0 0x100", .width = 1, .err = -ERANGE, .bad_line = 1 },
	BAD("rmw 0 0x100000000 0", -ERANGE, 1),
	BAD("rmw 0 0xf 0x10", -EINVAL, 1),
	BAD("poll 0 1 2 100", -EINVAL, 1),
	/* time bounds */
	BAD("poll 0 1 1 0", -EINVAL, 1),
	BAD("poll 0 1 1 10000001", -ERANGE, 1),
	BAD("poll 0 1 1 100 101", -ERANGE, 1),
	BAD("poll 0 1 1 100 0", -EINVAL, 1),
	BAD("delay 1000001", -ERANGE, 1),
	BAD("poll 0 1 1 6000000\npoll 0 1 1 5000000", -E2BIG, 2),
	BAD("delay 1000000\ndelay 1000000\ndelay 1000000\ndelay 1000000\n"
	    "delay 1000000\ndelay 1000000\ndelay 1000000\ndelay 1000000\n"
	    "delay 1000000\ndelay 1000000\ndelay 1", -E2BIG, 11),
};

static void memscope_ops_parse_case_desc(const struct memscope_ops_parse_case *c,
					 char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%.*s", KUNIT_PARAM_DESC_SIZE - 1,
		 c->text);
	/* KTAP: one line, and no '#', which would start a directive. */
	strreplace(desc, '\n', '|');
	strreplace(desc, '\t', ' ');
	strreplace(desc, '#', '~');
}

KUNIT_ARRAY_PARAM(memscope_ops_parse, memscope_ops_parse_cases,
		  memscope_ops_parse_case_desc);

static void memscope_ops_parse_test(struct kunit *test)
{
	const struct memscope_ops_parse_case *c = test->param_value;
	unsigned int width = c->width ?: 4;
	char why[MEMSCOPE_WHY_MAX] = "";
	struct memscope_prog *p = NULL;
	const struct memscope_op *op;
	char line[24];
	int ret;

	ret = memscope_prog_parse(c->text, width, 0x100, &p, why, sizeof(why));
	KUNIT_ASSERT_EQ_MSG(test, ret, c->err, "reason: %s", why);
	if (ret) {
		KUNIT_EXPECT_NULL(test, p);
		KUNIT_EXPECT_NE(test, why[0], '\0');
		if (c->bad_line) {
			snprintf(line, sizeof(line), "line %u:", c->bad_line);
			KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, line),
						  "reason: %s", why);
		}
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, p->n, c->n);
	KUNIT_EXPECT_EQ(test, p->dry, c->dry);
	KUNIT_EXPECT_EQ(test, p->writes, c->writes);
	KUNIT_EXPECT_EQ(test, p->width, width);
	op = &p->op[p->n - 1];
	KUNIT_EXPECT_EQ(test, op->code, c->code);
	KUNIT_EXPECT_EQ(test, op->line, c->line);
	KUNIT_EXPECT_EQ(test, op->off, c->off);
	KUNIT_EXPECT_EQ(test, op->mask, c->mask);
	KUNIT_EXPECT_EQ(test, op->val, c->val);
	KUNIT_EXPECT_EQ(test, op->us, c->us);
	KUNIT_EXPECT_EQ(test, op->interval_us, c->interval_us);
	KUNIT_EXPECT_FALSE(test, op->done);
	memscope_prog_free(p);
}

/* A program of @n lines "r 0", in a kunit-managed buffer. */
static char *memscope_ops_reads(struct kunit *test, unsigned int n)
{
	char *text = kunit_kzalloc(test, 4 * n + 1, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, text);
	for (i = 0; i < n; i++)
		memcpy(text + 4 * i, "r 0\n", 4);
	return text;
}

/* The bounds: 1024 operations fill 4096 bytes; one byte more is refused. */
static void memscope_ops_parse_bounds_test(struct kunit *test)
{
	char why[MEMSCOPE_WHY_MAX] = "";
	struct memscope_prog *p = NULL;
	char *text;

	text = memscope_ops_reads(test, MEMSCOPE_PROG_MAX_OPS);
	KUNIT_EXPECT_EQ(test, strlen(text), MEMSCOPE_PROG_MAX_BYTES);
	KUNIT_ASSERT_EQ_MSG(test, memscope_prog_parse(text, 4, 0x100, &p, why,
						      sizeof(why)), 0,
			    "reason: %s", why);
	KUNIT_EXPECT_EQ(test, p->n, MEMSCOPE_PROG_MAX_OPS);
	KUNIT_EXPECT_EQ(test, p->op[MEMSCOPE_PROG_MAX_OPS - 1].line,
			MEMSCOPE_PROG_MAX_OPS);
	memscope_prog_free(p);

	/* A program of 4097 bytes is refused whatever it holds. */
	text = kunit_kzalloc(test, MEMSCOPE_PROG_MAX_BYTES + 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, text);
	memset(text, '\n', MEMSCOPE_PROG_MAX_BYTES + 1);
	memcpy(text, "r 0", 3);
	p = NULL;
	KUNIT_EXPECT_EQ(test, memscope_prog_parse(text, 4, 0x100, &p, why,
						  sizeof(why)), -E2BIG);
	KUNIT_EXPECT_NULL(test, p);
}

static void memscope_ops_parse_names_test(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, memscope_op_name(MEMSCOPE_OP_READ), "r");
	KUNIT_EXPECT_STREQ(test, memscope_op_name(MEMSCOPE_OP_WRITE), "w");
	KUNIT_EXPECT_STREQ(test, memscope_op_name(MEMSCOPE_OP_RMW), "rmw");
	KUNIT_EXPECT_STREQ(test, memscope_op_name(MEMSCOPE_OP_POLL), "poll");
	KUNIT_EXPECT_STREQ(test, memscope_op_name(MEMSCOPE_OP_DELAY), "delay");
}

static struct kunit_case memscope_ops_parse_test_cases[] = {
	KUNIT_CASE_PARAM(memscope_ops_parse_test,
			 memscope_ops_parse_gen_params),
	KUNIT_CASE(memscope_ops_parse_bounds_test),
	KUNIT_CASE(memscope_ops_parse_names_test),
	{}
};

static struct kunit_suite memscope_ops_parse_suite = {
	.name = "memscope_ops_parse",
	.test_cases = memscope_ops_parse_test_cases,
};

kunit_test_suite(memscope_ops_parse_suite);
