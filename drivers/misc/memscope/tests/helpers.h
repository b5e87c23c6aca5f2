/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MEMSCOPE_KUNIT_HELPERS_H
#define _MEMSCOPE_KUNIT_HELPERS_H

#include <linux/compiler_types.h>

struct file;
struct kunit;
struct memscope_region;

/* Parse and run one control command; the parse itself must succeed. */
int memscope_kunit_run(struct kunit *test, const char *text);

/*
 * Create region @name with @text and return it with a reference; both the
 * reference and the region are dropped when the test ends.
 */
struct memscope_region *memscope_kunit_region(struct kunit *test,
					      const char *name,
					      const char *text);

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8

struct pci_dev;

/*
 * QEMU's edu device, enabled (memory decoding on) for the test; skips
 * the test without PCI or without edu.
 */
struct pci_dev *memscope_kunit_edu(struct kunit *test);

/* QEMU's edu device with a reference, not enabled; skips without it. */
struct pci_dev *memscope_kunit_edu_find(struct kunit *test);

/*
 * Open file @name of region @r as a process would; it is closed, and its
 * mappings are gone, when the test ends, before the region is freed.
 */
struct file *memscope_kunit_open(struct kunit *test, struct memscope_region *r,
				 const char *name, int flags);
void memscope_kunit_close(struct kunit *test, struct file *file);

/* A page of user memory for the file operations' __user buffers. */
char __user *memscope_kunit_user(struct kunit *test);

#endif /* _MEMSCOPE_KUNIT_HELPERS_H */
