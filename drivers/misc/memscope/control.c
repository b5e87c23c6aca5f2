// SPDX-License-Identifier: GPL-2.0
/*
 * memscope control: run a parsed command.
 *
 * Creating a region is the same for every kind: the backend sets it up,
 * the core publishes it. Verbs whose support is not built are refused.
 */
#include <linux/string.h>
#include <kunit/visibility.h>

#include "memscope.h"

static const char *const memscope_verb_names[] = {
	[MEMSCOPE_CMD_MAP] = "map",
	[MEMSCOPE_CMD_IO] = "io",
	[MEMSCOPE_CMD_ALLOC] = "alloc",
	[MEMSCOPE_CMD_DMA] = "dma",
	[MEMSCOPE_CMD_DMAMASK] = "dmamask",
	[MEMSCOPE_CMD_SYNC] = "sync",
	[MEMSCOPE_CMD_FREE] = "free",
};

static int memscope_cmd_create(const struct memscope_cmd *cmd)
{
	const struct memscope_backend *ops = memscope_backend_get(cmd->kind);
	struct memscope_region *r;
	int ret;

	if (!ops)
		return memscope_fail(-EOPNOTSUPP,
				     "%s: %s regions are not supported by this kernel",
				     memscope_verb_names[cmd->verb],
				     memscope_kind_names[cmd->kind]);

	/* Refuse a taken name before touching any hardware. */
	r = memscope_region_find(cmd->name);
	if (r) {
		memscope_region_put(r);
		return memscope_fail(-EEXIST, "region '%s' already exists",
				     cmd->name);
	}
	ret = memscope_limits_check(cmd);
	if (ret)
		return ret;

	r = memscope_region_alloc();
	if (!r)
		return -ENOMEM;
	strscpy(r->name, cmd->name);
	r->kind = cmd->kind;
	r->ops = ops;
	r->size = cmd->size;

	ret = ops->create(r, cmd);
	if (ret)
		goto put_region;
	ret = memscope_region_register(r);
	if (ret)
		goto destroy_region;
	if (ops->publish)
		ops->publish(r);
	return 0;

destroy_region:
	ops->destroy(r);
put_region:
	memscope_region_put(r);
	return ret;
}

static int memscope_cmd_free(const struct memscope_cmd *cmd)
{
	return memscope_region_free(cmd->name);
}

static int (*const memscope_cmd_handlers[])(const struct memscope_cmd *cmd) = {
	[MEMSCOPE_CMD_MAP] = memscope_cmd_create,
	[MEMSCOPE_CMD_IO] = memscope_cmd_create,
	[MEMSCOPE_CMD_ALLOC] = memscope_cmd_create,
	[MEMSCOPE_CMD_DMA] = memscope_cmd_create,
	[MEMSCOPE_CMD_DMAMASK] = memscope_dma_set_mask,
	[MEMSCOPE_CMD_SYNC] = memscope_dma_sync,
	[MEMSCOPE_CMD_FREE] = memscope_cmd_free,
};

/**
 * memscope_cmd_run() - carry out a parsed control command
 * @cmd: the command, as memscope_cmd_parse() left it
 *
 * Context: Process context; may sleep; takes memscope_dev_lock.
 * Return: 0 on success or a negative errno, with the reason recorded.
 */
int memscope_cmd_run(const struct memscope_cmd *cmd)
{
	bool reduces = cmd->verb == MEMSCOPE_CMD_FREE ||
		       (cmd->verb == MEMSCOPE_CMD_SYNC && !cmd->to_device);
	int ret;

	if (cmd->verb >= ARRAY_SIZE(memscope_cmd_handlers) ||
	    !memscope_cmd_handlers[cmd->verb])
		return memscope_fail(-EOPNOTSUPP,
				     "%s: not supported by this kernel",
				     memscope_verb_names[cmd->verb]);
	/*
	 * Under lockdown nothing new may be mapped, allocated or handed to
	 * a device; what only reduces exposure (free, taking a buffer back
	 * from the device) stays allowed.
	 */
	if (!reduces) {
		ret = memscope_check_lockdown(memscope_verb_names[cmd->verb]);
		if (ret)
			return ret;
	}

	/* A device cannot go away while a command creates or frees its buffers. */
	guard(mutex)(&memscope_dev_lock);
	return memscope_cmd_handlers[cmd->verb](cmd);
}
EXPORT_SYMBOL_IF_KUNIT(memscope_cmd_run);
