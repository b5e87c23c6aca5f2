/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared bits of the memscope guest test helpers (static, run in the
 * busybox initramfs). Tests compare errno *names*, never strerror() text,
 * so a check does not depend on the C library's wording.
 */
#ifndef MEMSCOPE_GUEST_COMMON_H
#define MEMSCOPE_GUEST_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline const char *errname(int err)
{
	static char buf[16];
	const char *name;

	/*
	 * Kernel-internal codes must never reach user space; give them
	 * their kernel names so that such a leak reads as what it is.
	 */
	switch (err) {
	case 512:
		return "ERESTARTSYS";
	case 524:
		return "ENOTSUPP";
	}
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

/* Parse a whole unsigned number, decimal or 0x-hex; 0 on success. */
static inline int parse_u64(const char *s, unsigned long long *val)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*val = strtoull(s, &end, 0);
	return (errno || *end) ? -1 : 0;
}

/* Print bytes as one lowercase hex string, like "xxd -p" without breaks. */
static inline void print_hex(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", buf[i]);
	putchar('\n');
}

#endif /* MEMSCOPE_GUEST_COMMON_H */
