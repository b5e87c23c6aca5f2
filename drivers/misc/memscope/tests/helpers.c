// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by memscope's KUnit suites: run a command as `control`
 * would, and create regions that are freed when the test ends, pass or
 * fail.
 */
#include <kunit/test.h>

#include "../memscope.h"
#include "helpers.h"

/**
 * memscope_kunit_run() - run one control command as a write to `control`
 * @test: the running test; a command that does not parse fails it
 * @text: the command
 *
 * Context: Process context.
 * Return: what the command returned: 0 or a negative errno.
 */
int memscope_kunit_run(struct kunit *test, const char *text)
{
	char why[MEMSCOPE_WHY_MAX];
	struct memscope_cmd cmd;
	int ret;

	ret = memscope_cmd_parse(text, &cmd, why, sizeof(why));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: %s", text, why);
	return memscope_cmd_run(&cmd);
}

static void memscope_kunit_free(void *name)
{
	memscope_region_free(name);
}

static void memscope_kunit_put(void *r)
{
	memscope_region_put(r);
}

/**
 * memscope_kunit_region() - create a region that lives as long as the test
 * @test: the running test; a failed creation fails it
 * @name: the region's name, as in @text
 * @text: the command that creates it
 *
 * Context: Process context.
 * Return: the region, with a reference that is dropped (and the region
 * freed) when the test ends, pass or fail.
 */
struct memscope_region *memscope_kunit_region(struct kunit *test,
					      const char *name,
					      const char *text)
{
	struct memscope_region *r;

	KUNIT_ASSERT_EQ(test, memscope_kunit_run(test, text), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memscope_kunit_free,
							(void *)name), 0);
	r = memscope_region_find(name);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, memscope_kunit_put,
							r), 0);
	return r;
}
