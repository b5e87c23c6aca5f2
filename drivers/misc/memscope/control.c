// SPDX-License-Identifier: GPL-2.0
/*
 * memscope control: the `control` file. A command flows one way: it is
 * copied from user space, parsed (parse.c), checked against the gates
 * and limits, and handed to the registry and a backend.
 *
 * Creating a region is the same for every kind: the backend sets it up,
 * the core publishes it. Verbs whose support is not built are refused.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <kunit/visibility.h>

#include "memscope.h"

static int memscope_cmd_create(const struct memscope_cmd *cmd)
{
	const struct memscope_backend *ops = memscope_backend_get(cmd->kind);
	struct memscope_region *r;
	int ret;

	if (!ops)
		return memscope_deny(-EOPNOTSUPP,
				     "%s: %s regions are not supported by this kernel",
				     memscope_verb_name(cmd->verb),
				     memscope_kind_names[cmd->kind]);

	/* Refuse a taken name before touching any hardware. */
	r = memscope_region_find(cmd->name);
	if (r) {
		memscope_region_put(r);
		return memscope_deny(-EEXIST, "region '%s' already exists",
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
		return memscope_deny(-EOPNOTSUPP,
				     "%s: not supported by this kernel",
				     memscope_verb_name(cmd->verb));
	/*
	 * Under lockdown nothing new may be mapped, allocated or handed to
	 * a device; what only reduces exposure (free, taking a buffer back
	 * from the device) stays allowed.
	 */
	if (!reduces) {
		ret = memscope_check_lockdown(memscope_verb_name(cmd->verb));
		if (ret)
			return ret;
	}

	/* A device cannot go away while a command creates or frees its buffers. */
	guard(mutex)(&memscope_dev_lock);
	return memscope_cmd_handlers[cmd->verb](cmd);
}
EXPORT_SYMBOL_IF_KUNIT(memscope_cmd_run);

static const char memscope_control_help[] =
	MEMSCOPE_WRITES "\n\n"
	"map    NAME PHYS SIZE [width=N] [wc] [rw] [force]\n"
	"io     NAME PORT SIZE [width=N] [rw] [force]\n"
	"alloc  NAME kmalloc|kzalloc|vmalloc|vzalloc|pages|slab SIZE\n"
	"dma    NAME DEV coherent SIZE\n"
	"dma    NAME DEV stream SIZE to-device|from-device|bidirectional\n"
	"dmamask DEV BITS\n"
	"sync   NAME cpu|device\n"
	"free   NAME\n"
	"\n"
	"NAME/ops (io kinds), one program per write, one line each of:\n"
	"r OFF | w OFF VAL | rmw OFF MASK VAL | delay US\n"
	"poll OFF MASK VAL TIMEOUT_US [INTERVAL_US]\n"
	"a first line 'dry' checks and reports, touching nothing\n"
	"\n"
	"trace events: memscope:memscope_access (every device access),\n"
	"memscope_region_create, memscope_region_free, memscope_dma_sync\n";

/**
 * struct memscope_control_file - state of one open `control` file
 * @unterminated: a write without a newline was seen
 */
struct memscope_control_file {
	bool unterminated;
};

static int memscope_control_open(struct inode *inode, struct file *file)
{
	struct memscope_control_file *cf;
	int ret = memscope_open_check(file);

	if (ret)
		return ret;
	cf = kzalloc(sizeof(*cf), GFP_KERNEL_ACCOUNT);
	if (!cf)
		return -ENOMEM;
	file->private_data = cf;
	return 0;
}

static int memscope_control_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t memscope_control_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	return simple_read_from_buffer(buf, count, ppos, memscope_control_help,
				       sizeof(memscope_control_help) - 1);
}

/**
 * memscope_text_copy() - take one command or program from a write(2)
 * @what: the file, for the reason
 * @text: buffer of @size bytes for the NUL-terminated text
 * @size: size of @text
 * @from: the bytes of one write(2) or writev(2), all of them
 * @unterminated: per open file: a write without a final newline was seen
 * @lines: the text is a program of several lines, not one command
 *
 * One write(2) or writev(2) is one complete command (or program): a NUL
 * byte, a second line in a command, or text longer than @text are
 * refused, never cut short. (The files have ->write_iter(), so writev()
 * arrives here whole instead of one segment per ->write().) The text may
 * end in one newline; after a write without one, whether it succeeded or
 * not, the rest of the stream is refused, since it could only be the tail
 * of a command split over several writes.
 *
 * Context: Process context.
 * Return: 0 or a negative errno, with the reason recorded.
 */
int memscope_text_copy(const char *what, char *text, size_t size,
		       struct iov_iter *from, bool *unterminated, bool lines)
{
	size_t count = iov_iter_count(from);
	char *nl;

	if (*unterminated)
		return memscope_deny(-EINVAL,
				     "%s: this write continues one without a newline; one %s per write(2)",
				     what, lines ? "program" : "command");
	if (!count || count >= size)
		return memscope_deny(-EINVAL, "%s: a %s is 1 to %zu bytes",
				     what, lines ? "program" : "command",
				     size - 1);
	if (!copy_from_iter_full(text, count, from))
		return -EFAULT;
	text[count] = '\0';
	if (memchr(text, '\0', count))
		return memscope_deny(-EINVAL, "%s: text contains a NUL byte",
				     what);
	nl = strchr(text, '\n');
	if (!lines && nl && nl != text + count - 1)
		return memscope_deny(-EINVAL,
				     "%s: more than one line; one command per write(2)",
				     what);
	if (text[count - 1] != '\n')
		*unterminated = true;
	return 0;
}

static ssize_t memscope_control_write_iter(struct kiocb *iocb,
					   struct iov_iter *from)
{
	struct memscope_control_file *cf = iocb->ki_filp->private_data;
	size_t count = iov_iter_count(from);
	char text[MEMSCOPE_CMD_MAX + 1];
	char why[MEMSCOPE_WHY_MAX];
	struct memscope_cmd cmd;
	int ret;

	ret = memscope_text_copy("control", text, sizeof(text), from,
				 &cf->unterminated, false);
	if (ret)
		return ret;

	ret = memscope_cmd_parse(text, &cmd, why, sizeof(why));
	if (ret)
		return memscope_deny(ret, "%s", why);
	ret = memscope_cmd_run(&cmd);
	return ret ? ret : count;
}

const struct file_operations memscope_control_fops = {
	.owner = THIS_MODULE,
	.open = memscope_control_open,
	.read = memscope_control_read,
	.write_iter = memscope_control_write_iter,
	.llseek = default_llseek,
	.release = memscope_control_release,
};
