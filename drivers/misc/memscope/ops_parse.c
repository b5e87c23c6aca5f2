// SPDX-License-Identifier: GPL-2.0
/*
 * memscope program parser: the text of one `ops` write in, a checked
 * list of accesses out.
 *
 * Like the command parser it has no side effects beyond the allocation
 * it returns: everything that can be known before touching the device
 * (syntax, offsets, alignment, values that fit, time bounds) is checked
 * here, so that a program with an error anywhere runs nothing.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "memscope.h"

#define MEMSCOPE_OP_MAX_TOKENS	6

/**
 * struct memscope_op_syntax - the shape of one kind of line
 * @word: the line's first word
 * @code: the operation it stands for
 * @min_args: arguments after the word that must be there
 * @max_args: arguments after the word that may be there
 * @usage: the line's grammar, for the reason
 */
struct memscope_op_syntax {
	const char *word;
	enum memscope_op_code code;
	unsigned int min_args;
	unsigned int max_args;
	const char *usage;
};

static const struct memscope_op_syntax memscope_op_syntax[] = {
	{ "r", MEMSCOPE_OP_READ, 1, 1, "r OFF" },
	{ "w", MEMSCOPE_OP_WRITE, 2, 2, "w OFF VAL" },
	{ "rmw", MEMSCOPE_OP_RMW, 3, 3, "rmw OFF MASK VAL" },
	{ "poll", MEMSCOPE_OP_POLL, 4, 5,
	  "poll OFF MASK VAL TIMEOUT_US [INTERVAL_US]" },
	{ "delay", MEMSCOPE_OP_DELAY, 1, 1, "delay US" },
};

/**
 * memscope_op_name() - the word a program uses for an operation
 * @code: the operation
 *
 * Context: Any context.
 * Return: "r", "w", "rmw", "poll" or "delay".
 */
const char *memscope_op_name(enum memscope_op_code code)
{
	return memscope_op_syntax[code].word;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_op_name);

/* Parse a number of a line, naming the line in the reason. */
static int memscope_op_number(const char *tok, unsigned int line, u64 *val,
			      char *why, size_t why_len)
{
	char num_why[MEMSCOPE_WHY_MAX];
	int ret;

	ret = memscope_parse_u64(tok, false, val, num_why, sizeof(num_why));
	if (ret)
		return memscope_why(why, why_len, ret, "line %u: %s", line,
				    num_why);
	return 0;
}

/* A value or mask must fit in one access of the program's width. */
static int memscope_op_fits(u64 val, unsigned int width, unsigned int line,
			    const char *what, char *why, size_t why_len)
{
	if (width < 8 && val >> (width * 8))
		return memscope_why(why, why_len, -ERANGE,
				    "line %u: %s %#llx does not fit in %u bytes",
				    line, what, val, width);
	return 0;
}

static int memscope_op_offset(struct memscope_op *op, const char *tok,
			      unsigned int width, u64 size, char *why,
			      size_t why_len)
{
	int ret;

	ret = memscope_op_number(tok, op->line, &op->off, why, why_len);
	if (ret)
		return ret;
	if (!IS_ALIGNED(op->off, width))
		return memscope_why(why, why_len, -EINVAL,
				    "line %u: offset %#llx is not a multiple of width %u",
				    op->line, op->off, width);
	if (op->off >= size || size - op->off < width)
		return memscope_why(why, why_len, -EINVAL,
				    "line %u: offset %#llx is past the end (size %#llx)",
				    op->line, op->off, size);
	return 0;
}

/* Microseconds: a number no larger than @max. */
static int memscope_op_us(const char *tok, unsigned int line, u32 max,
			  u32 *us, char *why, size_t why_len)
{
	u64 val;
	int ret;

	ret = memscope_op_number(tok, line, &val, why, why_len);
	if (ret)
		return ret;
	if (val > max)
		return memscope_why(why, why_len, -ERANGE,
				    "line %u: %llu us is more than %u", line, val,
				    max);
	*us = val;
	return 0;
}

/* The arguments of one line, after its word. */
static int memscope_op_args(struct memscope_op *op, char **arg,
			    unsigned int nargs, unsigned int width, u64 size,
			    char *why, size_t why_len)
{
	int ret;

	if (op->code == MEMSCOPE_OP_DELAY)
		return memscope_op_us(arg[0], op->line, MEMSCOPE_DELAY_MAX_US,
				      &op->us, why, why_len);

	ret = memscope_op_offset(op, arg[0], width, size, why, why_len);
	if (ret || op->code == MEMSCOPE_OP_READ)
		return ret;
	if (op->code == MEMSCOPE_OP_WRITE) {
		ret = memscope_op_number(arg[1], op->line, &op->val, why,
					 why_len);
		return ret ?: memscope_op_fits(op->val, width, op->line,
					       "value", why, why_len);
	}

	/* rmw and poll: OFF MASK VAL, and VAL only within MASK. */
	ret = memscope_op_number(arg[1], op->line, &op->mask, why, why_len) ?:
	      memscope_op_number(arg[2], op->line, &op->val, why, why_len) ?:
	      memscope_op_fits(op->mask, width, op->line, "mask", why,
			       why_len) ?:
	      memscope_op_fits(op->val, width, op->line, "value", why,
			       why_len);
	if (ret)
		return ret;
	if (op->val & ~op->mask)
		return memscope_why(why, why_len, -EINVAL,
				    "line %u: value %#llx has bits outside mask %#llx",
				    op->line, op->val, op->mask);
	if (op->code == MEMSCOPE_OP_RMW)
		return 0;

	ret = memscope_op_us(arg[3], op->line, MEMSCOPE_PROG_MAX_US, &op->us,
			     why, why_len);
	if (ret)
		return ret;
	/* read_poll_timeout() would take a timeout of 0 as "forever". */
	if (!op->us)
		return memscope_why(why, why_len, -EINVAL,
				    "line %u: a poll timeout is at least 1 us",
				    op->line);
	op->interval_us = min_t(u32, MEMSCOPE_POLL_INTERVAL_US, op->us);
	if (nargs < 5)
		return 0;
	ret = memscope_op_us(arg[4], op->line, op->us, &op->interval_us, why,
			     why_len);
	if (ret)
		return ret;
	if (!op->interval_us)
		return memscope_why(why, why_len, -EINVAL,
				    "line %u: a poll interval is at least 1 us",
				    op->line);
	return 0;
}

/* One line that is neither blank, a comment nor `dry`. */
static int memscope_op_parse(struct memscope_op *op, char *text,
			     unsigned int width, u64 size, char *why,
			     size_t why_len)
{
	const struct memscope_op_syntax *syn = NULL;
	char *tok[MEMSCOPE_OP_MAX_TOKENS];
	unsigned int n = 0, i;
	char *word;

	while ((word = strsep(&text, " \t"))) {
		if (!*word)
			continue;
		if (n == ARRAY_SIZE(tok))
			return memscope_why(why, why_len, -EINVAL,
					    "line %u: too many words", op->line);
		tok[n++] = word;
	}
	for (i = 0; i < ARRAY_SIZE(memscope_op_syntax); i++)
		if (!strcmp(tok[0], memscope_op_syntax[i].word))
			syn = &memscope_op_syntax[i];
	if (!syn)
		return memscope_why(why, why_len, -EINVAL,
				    "line %u: unknown operation '%.16s'",
				    op->line, tok[0]);
	if (n - 1 < syn->min_args || n - 1 > syn->max_args)
		return memscope_why(why, why_len, -EINVAL, "line %u: want '%s'",
				    op->line, syn->usage);
	op->code = syn->code;
	return memscope_op_args(op, tok + 1, n - 1, width, size, why, why_len);
}

/* Cut a line's comment and surrounding blanks. */
static char *memscope_line_strip(char *line)
{
	char *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	return strim(line);
}

/**
 * memscope_prog_parse() - parse and check one `ops` program
 * @text: the program, NUL-terminated, at most MEMSCOPE_PROG_MAX_BYTES
 * @width: the region's access width
 * @size: the region's size in bytes
 * @progp: the program on success, to free with memscope_prog_free()
 * @why: buffer for a one-line reason, naming the line, on failure
 * @why_len: size of @why
 *
 * A program is lines of ``r OFF``, ``w OFF VAL``, ``rmw OFF MASK VAL``,
 * ``poll OFF MASK VAL TIMEOUT_US [INTERVAL_US]`` and ``delay US``, with
 * blank lines and ``#`` comments; a first line ``dry`` makes it a dry
 * run. Every offset, value and time is checked against @width, @size and
 * the program's bounds here: an error anywhere refuses the whole program.
 *
 * Context: Process context; may sleep (allocates).
 * Return: 0, -EINVAL for a malformed line, -ERANGE for a number that does
 * not fit, -E2BIG for a program over its bounds, -ENOMEM.
 */
int memscope_prog_parse(const char *text, unsigned int width, u64 size,
			struct memscope_prog **progp, char *why, size_t why_len)
{
	unsigned int lineno = 0, max_ops;
	struct memscope_prog *p;
	char *buf, *cur, *line;
	u64 total_us = 0;
	const char *c;
	size_t len;
	int ret;

	len = strnlen(text, MEMSCOPE_PROG_MAX_BYTES + 1);
	if (len > MEMSCOPE_PROG_MAX_BYTES)
		return memscope_why(why, why_len, -E2BIG,
				    "a program is at most %d bytes",
				    MEMSCOPE_PROG_MAX_BYTES);
	for (c = text; c < text + len; c++)
		if (!isprint(*c) && *c != '\n' && *c != '\t')
			return memscope_why(why, why_len, -EINVAL,
					    "program contains a control character");

	/* An operation takes at least two bytes ("r 0" and a newline). */
	max_ops = min_t(unsigned int, MEMSCOPE_PROG_MAX_OPS, 1 + len / 2);
	p = kvzalloc(struct_size(p, op, max_ops), GFP_KERNEL_ACCOUNT);
	buf = kmemdup_nul(text, len, GFP_KERNEL);
	if (!p || !buf) {
		ret = -ENOMEM;
		goto free;
	}
	p->width = width;

	cur = buf;
	while ((line = strsep(&cur, "\n"))) {
		struct memscope_op *op;

		lineno++;
		line = memscope_line_strip(line);
		if (!*line)
			continue;
		if (!strcmp(line, "dry")) {
			if (p->n || p->dry) {
				ret = memscope_why(why, why_len, -EINVAL,
						   "line %u: 'dry' must be the program's first line",
						   lineno);
				goto free;
			}
			p->dry = true;
			continue;
		}
		if (p->n == max_ops) {
			ret = memscope_why(why, why_len, -E2BIG,
					   "line %u: a program has at most %d operations",
					   lineno, MEMSCOPE_PROG_MAX_OPS);
			goto free;
		}
		op = &p->op[p->n];
		op->line = lineno;
		ret = memscope_op_parse(op, line, width, size, why, why_len);
		if (ret)
			goto free;
		p->n++;
		if (op->code == MEMSCOPE_OP_WRITE || op->code == MEMSCOPE_OP_RMW)
			p->writes = true;
		if (op->code == MEMSCOPE_OP_POLL || op->code == MEMSCOPE_OP_DELAY)
			total_us += op->us;
		if (total_us > MEMSCOPE_PROG_MAX_US) {
			ret = memscope_why(why, why_len, -E2BIG,
					   "line %u: polls and delays add up to more than %d us",
					   lineno, MEMSCOPE_PROG_MAX_US);
			goto free;
		}
	}
	if (!p->n) {
		ret = memscope_why(why, why_len, -EINVAL,
				   "the program has no operation");
		goto free;
	}
	kfree(buf);
	*progp = p;
	return 0;

free:
	kfree(buf);
	kvfree(p);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_prog_parse);

/**
 * memscope_prog_free() - free a program from memscope_prog_parse()
 * @p: the program, or NULL
 *
 * Context: Process context.
 */
void memscope_prog_free(struct memscope_prog *p)
{
	kvfree(p);
}
EXPORT_SYMBOL_IF_KUNIT(memscope_prog_free);
