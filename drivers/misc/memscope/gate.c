// SPDX-License-Identifier: GPL-2.0
/*
 * memscope gates: the permission every file asks at open, kernel
 * lockdown, who may see physical addresses, and the refusal log that
 * `last_error` shows, per session.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "memscope.h"

/*
 * The latest refusal of each of the last few sessions. `last_error`
 * shows its reader the latest refusal of the reader's own session (a
 * shell and the cat it runs share one), so that two users, or a user and
 * a script, do not read each other's reasons; a reader whose session has
 * none sees the latest refusal of anyone.
 */
#define MEMSCOPE_WHY_SESSIONS	8

struct memscope_why {
	pid_t session;
	u64 seq;		/* 0: never used */
	char text[MEMSCOPE_WHY_MAX];
};

static DEFINE_SPINLOCK(memscope_last_error_lock);
static struct memscope_why memscope_whys[MEMSCOPE_WHY_SESSIONS];
static u64 memscope_why_seq;	/* under memscope_last_error_lock */

/* The session of the task asking, in the initial namespace. */
static pid_t memscope_session(void)
{
	return in_task() ? task_session_nr_ns(current, &init_pid_ns) : 0;
}

/**
 * memscope_deny() - refuse a command or an access, recording why
 * @err: the negative errno to return
 * @fmt: printf-style one-line reason
 * @...: arguments for @fmt
 *
 * The reason goes to `last_error`, where the caller's session finds it,
 * and at debug level to the kernel log.
 *
 * Context: Any context.
 * Return: @err, so callers can write ``return memscope_deny(...)``.
 */
int memscope_deny(int err, const char *fmt, ...)
{
	struct memscope_why *end = memscope_whys + MEMSCOPE_WHY_SESSIONS;
	struct memscope_why *slot, *oldest = memscope_whys;
	pid_t session = memscope_session();
	char why[MEMSCOPE_WHY_MAX];
	unsigned long flags;
	va_list args;

	va_start(args, fmt);
	vsnprintf(why, sizeof(why), fmt, args);
	va_end(args);

	spin_lock_irqsave(&memscope_last_error_lock, flags);
	/* The session's own slot, or else the one unused for longest. */
	for (slot = memscope_whys; slot < end; slot++) {
		if (slot->seq && slot->session == session)
			break;
		if (slot->seq < oldest->seq)
			oldest = slot;
	}
	if (slot == end)
		slot = oldest;
	slot->session = session;
	slot->seq = ++memscope_why_seq;
	strscpy(slot->text, why);
	spin_unlock_irqrestore(&memscope_last_error_lock, flags);
	/* A typo is not news for the kernel log: dynamic debug can show it. */
	pr_debug("%s (%pe)\n", why, ERR_PTR(err));
	return err;
}

/**
 * memscope_locked_down() - ask kernel lockdown whether raw access is allowed
 *
 * Asked at the time of every map, mmap and write, not only at open:
 * debugfs checks its own lockdown reason only when a file is opened.
 *
 * Context: Process context.
 * Return: true if LOCKDOWN_DEV_MEM is in force.
 */
bool memscope_locked_down(void)
{
	KUNIT_STATIC_STUB_REDIRECT(memscope_locked_down);
	return security_locked_down(LOCKDOWN_DEV_MEM) != 0;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_locked_down);

/**
 * memscope_locked_down_kcore() - ask whether kernel memory may be read
 *
 * Kernel memory regions are unreadable under confidentiality lockdown,
 * as /proc/kcore is.
 *
 * Context: Process context.
 * Return: true if LOCKDOWN_KCORE is in force.
 */
bool memscope_locked_down_kcore(void)
{
	KUNIT_STATIC_STUB_REDIRECT(memscope_locked_down_kcore);
	return security_locked_down(LOCKDOWN_KCORE) != 0;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_locked_down_kcore);

/**
 * memscope_may_see_phys() - may this reader see physical addresses?
 * @m: the seq_file being shown
 *
 * /proc/iomem's rule: physical addresses and page frames are shown to an
 * opener with CAP_SYS_ADMIN, and as zero to anyone else.
 *
 * Context: Process context.
 * Return: true if real addresses may be printed.
 */
bool memscope_may_see_phys(struct seq_file *m)
{
	return m->file && file_ns_capable(m->file, &init_user_ns,
					  CAP_SYS_ADMIN);
}

/**
 * memscope_check_lockdown() - refuse an operation under kernel lockdown
 * @what: the operation, for the reason
 *
 * Context: Process context.
 * Return: 0 if allowed, -EPERM (with the reason recorded) if locked down.
 */
int memscope_check_lockdown(const char *what)
{
	if (memscope_locked_down())
		return memscope_deny(-EPERM, "%s: refused by kernel lockdown",
				     what);
	return 0;
}

/**
 * memscope_open_check() - the permission every memscope file asks at open
 * @file: the file being opened
 *
 * CAP_SYS_RAWIO is checked against the credentials of the opener, not of
 * whoever later reads or writes the descriptor.
 *
 * Context: Process context.
 * Return: 0 if the opener may use memscope, -EPERM otherwise.
 */
int memscope_open_check(struct file *file)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_RAWIO))
		return memscope_deny(-EPERM, "open: CAP_SYS_RAWIO required");
	return 0;
}

/**
 * memscope_root_open() - open() of a root file that keeps no state
 * @inode: the file's inode
 * @file: the file being opened
 *
 * Context: Process context.
 * Return: 0 or -EPERM, as memscope_open_check().
 */
int memscope_root_open(struct inode *inode, struct file *file)
{
	return memscope_open_check(file);
}

static ssize_t memscope_last_error_read(struct file *file, char __user *buf,
					size_t count, loff_t *ppos)
{
	const struct memscope_why *slot, *own = NULL, *latest = NULL;
	pid_t session = memscope_session();
	char text[MEMSCOPE_WHY_MAX + 1];
	size_t len = 0;

	spin_lock_irq(&memscope_last_error_lock);
	for (slot = memscope_whys;
	     slot < memscope_whys + MEMSCOPE_WHY_SESSIONS; slot++) {
		if (!slot->seq)
			continue;
		if (slot->session == session)
			own = slot;
		if (!latest || slot->seq > latest->seq)
			latest = slot;
	}
	slot = own ?: latest;
	if (slot)
		len = strscpy(text, slot->text, MEMSCOPE_WHY_MAX);
	spin_unlock_irq(&memscope_last_error_lock);
	if (len)
		text[len++] = '\n';
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

const struct file_operations memscope_last_error_fops = {
	.owner = THIS_MODULE,
	.open = memscope_root_open,
	.read = memscope_last_error_read,
	.llseek = default_llseek,
};
