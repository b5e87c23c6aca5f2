// SPDX-License-Identifier: GPL-2.0
/*
 * memscope `ops`: a program of register accesses in one write(2).
 *
 * Bring-up is sequences: a block initialised by a series of writes, a
 * bit set without touching its neighbours, a wait for "ready". A program
 * is parsed and checked whole (ops_parse.c), then passes the gates of a
 * `regs` write once, and only then runs, line by line, stopping at the
 * first failure. Reading `ops` shows what each line did, until the next
 * program.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/iopoll.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <kunit/visibility.h>

#include "memscope.h"
#include "memscope_trace.h"

/**
 * struct memscope_ops_file - one open `ops` file
 * @r: the region
 * @unterminated: a program without a final newline was written
 */
struct memscope_ops_file {
	struct memscope_region *r;
	bool unterminated;
};

/* One traced access of a line. */
static int memscope_ops_read(struct memscope_region *r, u64 off, u64 *val)
{
	int ret = r->ops->reg_read(r, off, val);

	if (!ret)
		trace_memscope_access(r, off, r->width, *val, false,
				      MEMSCOPE_VIA_OPS);
	return ret;
}

static int memscope_ops_write(struct memscope_region *r, u64 off, u64 val)
{
	int ret = r->ops->reg_write(r, off, val);

	if (!ret)
		trace_memscope_access(r, off, r->width, val, true,
				      MEMSCOPE_VIA_OPS);
	return ret;
}

/* One read of a poll; a fatal signal ends the wait like a match would. */
static int memscope_ops_poll_read(struct memscope_region *r, u64 off,
				  u64 *val)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	return memscope_ops_read(r, off, val);
}

static int memscope_ops_poll(struct memscope_region *r, struct memscope_op *op)
{
	ktime_t start = ktime_get();
	int ret, err;

	/* read_poll_timeout(): one more read after the timeout, then give up. */
	ret = read_poll_timeout(memscope_ops_poll_read, err,
				err || (op->got & op->mask) == op->val,
				op->interval_us, op->us, false, r, op->off,
				&op->got);
	op->took_us = ktime_us_delta(ktime_get(), start);
	return err ?: ret;
}

/* Run one line; the device is ready and every check has passed. */
static int memscope_ops_step(struct memscope_region *r, struct memscope_op *op,
			     bool *tainted)
{
	ktime_t start;
	u64 val;
	int ret;

	if (op->code != MEMSCOPE_OP_READ && op->code != MEMSCOPE_OP_DELAY &&
	    op->code != MEMSCOPE_OP_POLL && !*tainted) {
		memscope_device_write_taint(r);
		*tainted = true;
	}

	switch (op->code) {
	case MEMSCOPE_OP_READ:
		return memscope_ops_read(r, op->off, &op->got);
	case MEMSCOPE_OP_WRITE:
		return memscope_ops_write(r, op->off, op->val);
	case MEMSCOPE_OP_RMW:
		ret = memscope_ops_read(r, op->off, &op->got);
		if (ret)
			return ret;
		val = (op->got & ~op->mask) | op->val;
		return memscope_ops_write(r, op->off, val);
	case MEMSCOPE_OP_POLL:
		return memscope_ops_poll(r, op);
	case MEMSCOPE_OP_DELAY:
		start = ktime_get();
		fsleep(op->us);
		op->took_us = ktime_us_delta(ktime_get(), start);
		return 0;
	}
	return -EINVAL;
}

/**
 * memscope_prog_run() - pass a program through the gates, then run it
 * @r: an io region
 * @p: a program parsed for @r's width and size
 *
 * The gates of a `regs` write apply once, before the first access: a
 * program that writes needs CONFIG_MEMSCOPE_WRITE, an rw window and no
 * lockdown, and the device must be ready. A dry run passes the same gates
 * and marks every line as reported, touching nothing. Otherwise the lines
 * run in order until one fails; the taint comes right before the first
 * write.
 *
 * Context: Process context; sleeps in polls and delays.
 * Return: 0, or the error of the gate or the line that stopped the program
 * (-ETIMEDOUT for a poll, -EINTR on a fatal signal), recorded.
 */
int memscope_prog_run(struct memscope_region *r, struct memscope_prog *p)
{
	bool tainted = false;
	unsigned int i;
	int ret = 0;

	if (p->writes) {
		ret = memscope_device_write_check(r);
		if (ret)
			return ret;
	}
	ret = memscope_access_begin(r);
	if (ret)
		return ret;
	for (i = 0; i < p->n; i++) {
		struct memscope_op *op = &p->op[i];

		if (!p->dry) {
			ret = fatal_signal_pending(current) ? -EINTR :
			      memscope_ops_step(r, op, &tainted);
		}
		op->err = ret;
		op->done = true;
		if (ret)
			break;
	}
	memscope_access_end(r);
	if (ret == -ETIMEDOUT)
		return memscope_deny(ret,
				     "%s: ops line %u: poll timed out, last value %#llx",
				     r->name, p->op[i].line, p->op[i].got);
	if (ret)
		return memscope_deny(ret, "%s: ops line %u: failed (%d)",
				     r->name, p->op[i].line, ret);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_prog_run);

/* The accesses a dry run would make. */
static void memscope_ops_show_dry(struct seq_file *m, struct memscope_op *op,
				  unsigned int width)
{
	int digits = width * 2;

	switch (op->code) {
	case MEMSCOPE_OP_READ:
		seq_puts(m, "would read");
		break;
	case MEMSCOPE_OP_WRITE:
		seq_printf(m, "would write %0*llx", digits, op->val);
		break;
	case MEMSCOPE_OP_RMW:
		seq_printf(m, "would read, then write (old & ~%0*llx) | %0*llx",
			   digits, op->mask, digits, op->val);
		break;
	case MEMSCOPE_OP_POLL:
		seq_printf(m, "would read until (v & %0*llx) == %0*llx, at most %uus every %uus",
			   digits, op->mask, digits, op->val, op->us,
			   op->interval_us);
		break;
	case MEMSCOPE_OP_DELAY:
		seq_printf(m, "would wait %uus", op->us);
		break;
	}
}

/* What a line did: the value it read or wrote, and how long it waited. */
static void memscope_ops_show_done(struct seq_file *m, struct memscope_op *op,
				   unsigned int width)
{
	int digits = width * 2;

	switch (op->code) {
	case MEMSCOPE_OP_READ:
		seq_printf(m, "%0*llx", digits, op->got);
		break;
	case MEMSCOPE_OP_WRITE:
		seq_printf(m, "%0*llx", digits, op->val);
		break;
	case MEMSCOPE_OP_RMW:
		seq_printf(m, "%0*llx old=%0*llx", digits,
			   (op->got & ~op->mask) | op->val, digits, op->got);
		break;
	case MEMSCOPE_OP_POLL:
		seq_printf(m, "%0*llx took=%uus", digits, op->got, op->took_us);
		break;
	case MEMSCOPE_OP_DELAY:
		seq_printf(m, "took=%uus", op->took_us);
		break;
	}
}

/*
 * One line per line of the program that ran: "LINE OP OFFSET RESULT",
 * the offset as in `regs`, "-" for a delay. A failed line ends with its
 * error.
 */
static int memscope_ops_show(struct seq_file *m, void *unused)
{
	struct memscope_ops_file *of = m->private;
	struct memscope_region *r = of->r;
	struct memscope_prog *p;
	unsigned int i;

	guard(mutex)(&r->prog_lock);
	p = r->prog;
	for (i = 0; p && i < p->n && p->op[i].done; i++) {
		struct memscope_op *op = &p->op[i];

		seq_printf(m, "%u %s ", op->line, memscope_op_name(op->code));
		if (op->code == MEMSCOPE_OP_DELAY)
			seq_puts(m, "- ");
		else
			seq_printf(m, "%08llx ", op->off);
		if (p->dry)
			memscope_ops_show_dry(m, op, p->width);
		else if (op->err && op->code != MEMSCOPE_OP_POLL)
			seq_puts(m, "-");
		else
			memscope_ops_show_done(m, op, p->width);
		if (op->err == -ETIMEDOUT)
			seq_puts(m, " timeout");
		else if (op->err)
			seq_printf(m, " error=%d", op->err);
		seq_putc(m, '\n');
	}
	return 0;
}

static int memscope_ops_open(struct inode *inode, struct file *file)
{
	struct memscope_ops_file *of;
	int ret;

	of = kzalloc(sizeof(*of), GFP_KERNEL);
	if (!of)
		return -ENOMEM;
	ret = memscope_file_get(inode, file);
	if (ret)
		goto free_of;
	of->r = inode->i_private;
	ret = single_open(file, memscope_ops_show, of);
	if (ret)
		goto close_region;
	return 0;

close_region:
	memscope_file_close(of->r);
free_of:
	kfree(of);
	return ret;
}

static int memscope_ops_release(struct inode *inode, struct file *file)
{
	struct memscope_ops_file *of = ((struct seq_file *)file->private_data)->private;

	single_release(inode, file);
	memscope_file_close(of->r);
	kfree(of);
	return 0;
}

/* Keep @p's results for readers of `ops`, in place of the last ones. */
static void memscope_ops_keep(struct memscope_region *r,
			      struct memscope_prog *p)
{
	struct memscope_prog *old;

	old = r->prog;
	r->prog = p;
	memscope_prog_free(old);
}

/* One write(2) is one whole program. */
static ssize_t memscope_ops_write_iter(struct kiocb *iocb,
				       struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct memscope_ops_file *of = ((struct seq_file *)file->private_data)->private;
	struct dentry *dentry = file->f_path.dentry;
	size_t count = iov_iter_count(from);
	struct memscope_region *r = of->r;
	char why[MEMSCOPE_WHY_MAX];
	struct memscope_prog *p;
	char *text;
	int ret;

	text = kmalloc(MEMSCOPE_PROG_MAX_BYTES + 1, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	ret = memscope_text_copy(r->name, text, MEMSCOPE_PROG_MAX_BYTES + 1,
				 from, &of->unterminated, true);
	if (!ret) {
		ret = memscope_prog_parse(text, READ_ONCE(r->width), r->size,
					  &p, why, sizeof(why));
		if (ret)
			memscope_deny(ret, "%s: ops: %s", r->name, why);
	}
	kfree(text);

	if (mutex_lock_interruptible(&r->prog_lock)) {
		if (!ret)
			memscope_prog_free(p);
		return -EINTR;
	}
	if (ret) {
		/* A refused program ran nothing: it has no results. */
		memscope_ops_keep(r, NULL);
	} else {
		if (debugfs_file_get(dentry)) {
			ret = memscope_deny(-ENODEV, "%s: the region is gone",
					    r->name);
		} else {
			ret = memscope_prog_run(r, p);
			debugfs_file_put(dentry);
		}
		memscope_ops_keep(r, p);
	}
	mutex_unlock(&r->prog_lock);
	return ret ? ret : count;
}

/*
 * The `ops` file of an io region. Created "unsafe" like the region's
 * other files: a program holds the debugfs file only while it runs.
 */
const struct file_operations memscope_ops_fops = {
	.owner = THIS_MODULE,
	.open = memscope_ops_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write_iter = memscope_ops_write_iter,
	.release = memscope_ops_release,
};
