// SPDX-License-Identifier: GPL-2.0
/*
 * memscope control command parser: text in, struct memscope_cmd out.
 *
 * Everything here is a pure function of its input so that KUnit can walk
 * the whole grammar; checks that depend on the running system (is the
 * range RAM, is the device bound) belong to the backends.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "memscope.h"

#define MEMSCOPE_MAX_TOKENS	9

struct memscope_tokens {
	char *tok[MEMSCOPE_MAX_TOKENS];
	unsigned int n;
};

/**
 * memscope_why() - write a one-line reason and return an error
 * @why: buffer for the reason
 * @len: size of @why
 * @err: the error to return
 * @fmt: printf-style format of the reason
 *
 * The parsers have no side effects: they hand their reason back to the
 * caller, which records it.
 *
 * Context: Any context.
 * Return: @err.
 */
int memscope_why(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(why, len, fmt, args);
	va_end(args);
	return err;
}

/**
 * memscope_name_valid() - check a region name against the naming rules
 * @name: NUL-terminated candidate
 *
 * Context: Any context.
 * Return: true if @name matches [a-z0-9_-]{1,31} and is not reserved.
 */
bool memscope_name_valid(const char *name)
{
	size_t len = strnlen(name, MEMSCOPE_NAME_MAX + 1);
	size_t i;

	if (!len || len > MEMSCOPE_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
		    c != '_' && c != '-')
			return false;
	}
	return !memscope_name_reserved(name);
}
EXPORT_SYMBOL_IF_KUNIT(memscope_name_valid);

/**
 * memscope_parse_u64() - parse a number the way every command does
 * @tok: the token: decimal or 0x-prefixed hex, no leading zero
 * @suffix: accept a K, M or G suffix (1024-based)
 * @val: result
 * @why: buffer for the reason on failure
 * @why_len: size of @why
 *
 * A leading zero is refused rather than read as octal, and a suffix that
 * would push the value past 64 bits is an overflow like any other.
 *
 * Context: Any context.
 * Return: 0, -EINVAL for malformed text or -ERANGE for overflow.
 */
int memscope_parse_u64(const char *tok, bool suffix, u64 *val,
		       char *why, size_t why_len)
{
	unsigned int shift = 0;
	char num[32];
	size_t len;
	int ret;

	len = strnlen(tok, sizeof(num));
	if (len == sizeof(num))
		return memscope_why(why, why_len, -ERANGE,
				    "number '%.8s...' is too long", tok);
	if (!len || !isdigit(tok[0]))
		return memscope_why(why, why_len, -EINVAL,
				    "'%s' is not a number", tok);
	if (tok[0] == '0' && len > 1 && tok[1] != 'x')
		return memscope_why(why, why_len, -EINVAL,
				    "'%s': leading zero (use 0x for hex)", tok);

	memcpy(num, tok, len + 1);
	if (suffix) {
		switch (num[len - 1]) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		}
		if (shift)
			num[--len] = '\0';
	}

	ret = kstrtou64(num, 0, val);
	if (ret == -ERANGE)
		return memscope_why(why, why_len, -ERANGE,
				    "'%s' does not fit in 64 bits", tok);
	if (ret)
		return memscope_why(why, why_len, -EINVAL,
				    "'%s' is not a number", tok);
	if (check_shl_overflow(*val, shift, val))
		return memscope_why(why, why_len, -ERANGE,
				    "'%s' does not fit in 64 bits", tok);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memscope_parse_u64);

static int memscope_parse_name(const char *tok, char *name, char *why,
			       size_t why_len)
{
	if (!memscope_name_valid(tok))
		return memscope_why(why, why_len, -EINVAL,
				    "bad region name '%.40s' (want [a-z0-9_-]{1,%d}, not reserved)",
				    tok, MEMSCOPE_NAME_MAX);
	strscpy(name, tok, MEMSCOPE_NAME_MAX + 1);
	return 0;
}

/* Device names as buses print them: 0000:00:03.0, serial8250, foo.0 ... */
static int memscope_parse_dev(const char *tok, char *dev, char *why,
			      size_t why_len)
{
	size_t len = strnlen(tok, MEMSCOPE_DEV_NAME_MAX + 1);
	size_t i;

	if (len > MEMSCOPE_DEV_NAME_MAX)
		goto bad;
	for (i = 0; i < len; i++)
		if (!isalnum(tok[i]) && !strchr(":._-", tok[i]))
			goto bad;
	strscpy(dev, tok, MEMSCOPE_DEV_NAME_MAX + 1);
	return 0;
bad:
	return memscope_why(why, why_len, -EINVAL, "bad device name '%.40s'",
			    tok);
}

static int memscope_parse_size(const char *tok, u64 *size, char *why,
			       size_t why_len)
{
	int ret = memscope_parse_u64(tok, true, size, why, why_len);

	if (ret)
		return ret;
	if (!*size)
		return memscope_why(why, why_len, -EINVAL, "size is zero");
	/* Every mapping and allocation call takes a size_t. */
	if (*size > SIZE_MAX)
		return memscope_why(why, why_len, -ERANGE,
				    "size %#llx does not fit this kernel's size_t",
				    *size);
	return 0;
}

/* map and io: NAME ADDR SIZE [width=N] [wc] [rw] [force] */
static int memscope_parse_window(struct memscope_tokens *t,
				 struct memscope_cmd *cmd, char *why,
				 size_t why_len)
{
	bool port = cmd->verb == MEMSCOPE_CMD_IO;
	const char *verb = port ? "io" : "map";
	u64 last, width;
	unsigned int i;
	int ret;

	if (t->n < 4)
		return memscope_why(why, why_len, -EINVAL,
				    "usage: %s NAME %s SIZE [options]", verb,
				    port ? "PORT" : "PHYS");
	ret = memscope_parse_name(t->tok[1], cmd->name, why, why_len);
	if (!ret)
		ret = memscope_parse_u64(t->tok[2], true, &cmd->addr, why,
					 why_len);
	if (!ret)
		ret = memscope_parse_size(t->tok[3], &cmd->size, why, why_len);
	if (ret)
		return ret;

	for (i = 4; i < t->n; i++) {
		const char *opt = t->tok[i];
		unsigned int bit;

		if (str_has_prefix(opt, "width=")) {
			bit = MEMSCOPE_OPT_WIDTH;
		} else if (!strcmp(opt, "wc") && !port) {
			bit = MEMSCOPE_OPT_WC;
		} else if (!strcmp(opt, "rw")) {
			bit = MEMSCOPE_OPT_RW;
		} else if (!strcmp(opt, "force")) {
			bit = MEMSCOPE_OPT_FORCE;
		} else {
			return memscope_why(why, why_len, -EINVAL,
					    "%s: unknown option '%.32s'", verb,
					    opt);
		}
		if (cmd->opts & bit)
			return memscope_why(why, why_len, -EINVAL,
					    "%s: option '%.32s' given twice",
					    verb, opt);
		cmd->opts |= bit;
		if (bit != MEMSCOPE_OPT_WIDTH)
			continue;

		ret = memscope_parse_u64(opt + strlen("width="), false, &width,
					 why, why_len);
		if (ret)
			return ret;
		if (width != 1 && width != 2 && width != 4 && width != 8)
			return memscope_why(why, why_len, -EINVAL,
					    "%s: width must be 1, 2, 4 or 8",
					    verb);
		cmd->width = width;
	}

	/* Ports default to bytes, device memory to 32-bit registers. */
	if (!cmd->width)
		cmd->width = port ? 1 : 4;
	if (port && cmd->width == 8)
		return memscope_why(why, why_len, -EINVAL,
				    "io: width 8: there is no 64-bit port access");
	if (check_add_overflow(cmd->addr, cmd->size - 1, &last))
		return memscope_why(why, why_len, -ERANGE,
				    "%s: %#llx + %#llx wraps around", verb,
				    cmd->addr, cmd->size);
	if (!IS_ALIGNED(cmd->addr, cmd->width) ||
	    !IS_ALIGNED(cmd->size, cmd->width))
		return memscope_why(why, why_len, -EINVAL,
				    "%s: address and size must be multiples of width %u",
				    verb, cmd->width);
	return 0;
}

static int memscope_parse_map(struct memscope_tokens *t,
			      struct memscope_cmd *cmd, char *why,
			      size_t why_len)
{
	cmd->kind = MEMSCOPE_KIND_MMIO;
	return memscope_parse_window(t, cmd, why, why_len);
}

static int memscope_parse_io(struct memscope_tokens *t,
			     struct memscope_cmd *cmd, char *why,
			     size_t why_len)
{
	cmd->kind = MEMSCOPE_KIND_PIO;
	return memscope_parse_window(t, cmd, why, why_len);
}

static const struct {
	const char *name;
	enum memscope_kind kind;
	unsigned int opts;
} memscope_alloc_kinds[] = {
	{ "kmalloc", MEMSCOPE_KIND_KMALLOC, 0 },
	{ "kzalloc", MEMSCOPE_KIND_KMALLOC, MEMSCOPE_OPT_ZERO },
	{ "vmalloc", MEMSCOPE_KIND_VMALLOC, 0 },
	{ "vzalloc", MEMSCOPE_KIND_VMALLOC, MEMSCOPE_OPT_ZERO },
	{ "pages", MEMSCOPE_KIND_PAGES, 0 },
	{ "slab", MEMSCOPE_KIND_SLAB, 0 },
};

/* alloc NAME KIND SIZE */
static int memscope_parse_alloc(struct memscope_tokens *t,
				struct memscope_cmd *cmd, char *why,
				size_t why_len)
{
	unsigned int i;
	int ret;

	if (t->n != 4)
		return memscope_why(why, why_len, -EINVAL,
				    "usage: alloc NAME kmalloc|kzalloc|vmalloc|vzalloc|pages|slab SIZE");
	ret = memscope_parse_name(t->tok[1], cmd->name, why, why_len);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(memscope_alloc_kinds); i++) {
		if (!strcmp(t->tok[2], memscope_alloc_kinds[i].name)) {
			cmd->kind = memscope_alloc_kinds[i].kind;
			cmd->opts = memscope_alloc_kinds[i].opts;
			return memscope_parse_size(t->tok[3], &cmd->size, why,
						   why_len);
		}
	}
	return memscope_why(why, why_len, -EINVAL,
			    "alloc: unknown allocator '%.32s'", t->tok[2]);
}

static const char *const memscope_dir_names[] = {
	[DMA_BIDIRECTIONAL] = "bidirectional",
	[DMA_TO_DEVICE] = "to-device",
	[DMA_FROM_DEVICE] = "from-device",
};

/**
 * memscope_dma_dir_name() - the name `dma` takes for a DMA direction
 * @dir: the direction
 *
 * Context: Any context.
 * Return: the name, or "none" for DMA_NONE and anything unknown.
 */
const char *memscope_dma_dir_name(enum dma_data_direction dir)
{
	if (dir >= ARRAY_SIZE(memscope_dir_names) || !memscope_dir_names[dir])
		return "none";
	return memscope_dir_names[dir];
}

/* dma NAME DEV coherent SIZE | dma NAME DEV stream SIZE DIR */
static int memscope_parse_dma(struct memscope_tokens *t,
			      struct memscope_cmd *cmd, char *why,
			      size_t why_len)
{
	int ret, dir;

	if (t->n < 5)
		goto usage;
	ret = memscope_parse_name(t->tok[1], cmd->name, why, why_len);
	if (!ret)
		ret = memscope_parse_dev(t->tok[2], cmd->dev, why, why_len);
	if (ret)
		return ret;

	if (!strcmp(t->tok[3], "coherent") && t->n == 5) {
		cmd->kind = MEMSCOPE_KIND_COHERENT;
		cmd->dir = DMA_BIDIRECTIONAL;
		return memscope_parse_size(t->tok[4], &cmd->size, why, why_len);
	}
	if (strcmp(t->tok[3], "stream") || t->n != 6)
		goto usage;

	cmd->kind = MEMSCOPE_KIND_STREAM;
	ret = memscope_parse_size(t->tok[4], &cmd->size, why, why_len);
	if (ret)
		return ret;
	dir = match_string(memscope_dir_names, ARRAY_SIZE(memscope_dir_names),
			   t->tok[5]);
	if (dir < 0)
		return memscope_why(why, why_len, -EINVAL,
				    "dma: unknown direction '%.32s'", t->tok[5]);
	cmd->dir = dir;
	return 0;
usage:
	return memscope_why(why, why_len, -EINVAL,
			    "usage: dma NAME DEV coherent SIZE | dma NAME DEV stream SIZE to-device|from-device|bidirectional");
}

/* dmamask DEV BITS */
static int memscope_parse_dmamask(struct memscope_tokens *t,
				  struct memscope_cmd *cmd, char *why,
				  size_t why_len)
{
	u64 bits;
	int ret;

	if (t->n != 3)
		return memscope_why(why, why_len, -EINVAL,
				    "usage: dmamask DEV BITS");
	ret = memscope_parse_dev(t->tok[1], cmd->dev, why, why_len);
	if (!ret)
		ret = memscope_parse_u64(t->tok[2], false, &bits, why, why_len);
	if (ret)
		return ret;
	if (bits < 8 || bits > 64)
		return memscope_why(why, why_len, -ERANGE,
				    "dmamask: %llu bits is outside 8..64", bits);
	cmd->mask_bits = bits;
	return 0;
}

/* sync NAME cpu|device */
static int memscope_parse_sync(struct memscope_tokens *t,
			       struct memscope_cmd *cmd, char *why,
			       size_t why_len)
{
	int ret;

	if (t->n != 3)
		return memscope_why(why, why_len, -EINVAL,
				    "usage: sync NAME cpu|device");
	ret = memscope_parse_name(t->tok[1], cmd->name, why, why_len);
	if (ret)
		return ret;
	if (!strcmp(t->tok[2], "cpu"))
		cmd->to_device = false;
	else if (!strcmp(t->tok[2], "device"))
		cmd->to_device = true;
	else
		return memscope_why(why, why_len, -EINVAL,
				    "sync: want cpu or device, not '%.32s'",
				    t->tok[2]);
	return 0;
}

/* free NAME */
static int memscope_parse_free(struct memscope_tokens *t,
			       struct memscope_cmd *cmd, char *why,
			       size_t why_len)
{
	if (t->n != 2)
		return memscope_why(why, why_len, -EINVAL, "usage: free NAME");
	return memscope_parse_name(t->tok[1], cmd->name, why, why_len);
}

static const struct {
	const char *verb;
	enum memscope_verb id;
	int (*parse)(struct memscope_tokens *t, struct memscope_cmd *cmd,
		     char *why, size_t why_len);
} memscope_verbs[] = {
	{ "map", MEMSCOPE_CMD_MAP, memscope_parse_map },
	{ "io", MEMSCOPE_CMD_IO, memscope_parse_io },
	{ "alloc", MEMSCOPE_CMD_ALLOC, memscope_parse_alloc },
	{ "dma", MEMSCOPE_CMD_DMA, memscope_parse_dma },
	{ "dmamask", MEMSCOPE_CMD_DMAMASK, memscope_parse_dmamask },
	{ "sync", MEMSCOPE_CMD_SYNC, memscope_parse_sync },
	{ "free", MEMSCOPE_CMD_FREE, memscope_parse_free },
};

/**
 * memscope_verb_name() - the word of a command verb
 * @verb: the verb
 *
 * Context: Any context.
 * Return: the word `control` takes for @verb.
 */
const char *memscope_verb_name(enum memscope_verb verb)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(memscope_verbs); i++)
		if (memscope_verbs[i].id == verb)
			return memscope_verbs[i].verb;
	return "?";
}

/*
 * Names ending in -bar<N> are kept for the BARs and memory resources of
 * bound devices (<dev>-bar<N>), so that a region a user creates cannot
 * take one first and leave the device without it.
 */
static bool memscope_name_is_bar(const char *name)
{
	const char *p = strrchr(name, '-');

	if (!p || strncmp(p, "-bar", 4) || !p[4])
		return false;
	for (p += 4; *p; p++)
		if (!isdigit(*p))
			return false;
	return true;
}

/**
 * memscope_cmd_parse() - parse one control command
 * @text: the command, NUL-terminated; blanks, tabs and newlines separate
 *	words, so the newline echo(1) adds is harmless
 * @cmd: filled on success; contents undefined on failure
 * @why: buffer for a one-line reason on failure
 * @why_len: size of @why
 *
 * Context: Any context; no side effects.
 * Return: 0 on success, -EINVAL for malformed commands, -ERANGE for
 * numbers or ranges that overflow.
 */
int memscope_cmd_parse(const char *text, struct memscope_cmd *cmd,
		       char *why, size_t why_len)
{
	char buf[MEMSCOPE_CMD_MAX + 1];
	struct memscope_tokens t = {};
	char *cur = buf, *tok;
	unsigned int i;
	size_t len;
	int ret;

	memset(cmd, 0, sizeof(*cmd));
	len = strnlen(text, sizeof(buf));
	if (len == sizeof(buf))
		return memscope_why(why, why_len, -EINVAL,
				    "command longer than %d bytes",
				    MEMSCOPE_CMD_MAX);
	memcpy(buf, text, len + 1);
	for (i = 0; i < len; i++)
		if (!isprint(buf[i]) && !isspace(buf[i]))
			return memscope_why(why, why_len, -EINVAL,
					    "command contains a control character");

	while ((tok = strsep(&cur, " \t\n"))) {
		if (!*tok)
			continue;
		if (t.n == MEMSCOPE_MAX_TOKENS)
			return memscope_why(why, why_len, -EINVAL,
					    "too many arguments");
		t.tok[t.n++] = tok;
	}
	if (!t.n)
		return memscope_why(why, why_len, -EINVAL, "empty command");

	for (i = 0; i < ARRAY_SIZE(memscope_verbs); i++) {
		if (!strcmp(t.tok[0], memscope_verbs[i].verb)) {
			cmd->verb = memscope_verbs[i].id;
			ret = memscope_verbs[i].parse(&t, cmd, why, why_len);
			if (!ret && cmd->verb != MEMSCOPE_CMD_FREE &&
			    cmd->verb != MEMSCOPE_CMD_SYNC &&
			    memscope_name_is_bar(cmd->name))
				return memscope_why(why, why_len, -EINVAL,
						    "name '%s' is kept for a device's BAR (<dev>-bar<N>)",
						    cmd->name);
			return ret;
		}
	}
	return memscope_why(why, why_len, -EINVAL, "unknown command '%.32s'",
			    t.tok[0]);
}
EXPORT_SYMBOL_IF_KUNIT(memscope_cmd_parse);
