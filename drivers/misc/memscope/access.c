// SPDX-License-Identifier: GPL-2.0
/*
 * memscope device access: exactly one access of the region's width per
 * register, for `regs`, `data` and `ops` of every io kind (mmio and pio
 * windows, the BARs of bound devices).
 */
#include <linux/io.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "memscope.h"
#include "memscope_trace.h"

/*
 * A port cookie (a pio region, an I/O BAR) needs ioreadX()/iowriteX(),
 * which tell ports from memory on every access; device memory takes the
 * readX()/writeX() accessors directly. Either way one call is exactly one
 * access of the width: a 64-bit access exists only as readq()/writeq() on
 * memory (x86 has no 64-bit port I/O, and ioread64() would split in two).
 */
static __always_inline u64 memscope_io_get(const void __iomem *addr,
					   unsigned int width, bool port)
{
	switch (width) {
	case 1:
		return port ? ioread8(addr) : readb(addr);
	case 2:
		return port ? ioread16(addr) : readw(addr);
	case 4:
		return port ? ioread32(addr) : readl(addr);
#ifdef CONFIG_64BIT
	case 8:
		return readq(addr);
#endif
	}
	return 0;
}

static __always_inline void memscope_io_put(void __iomem *addr, u64 val,
					    unsigned int width, bool port)
{
	switch (width) {
	case 1:
		port ? iowrite8(val, addr) : writeb(val, addr);
		return;
	case 2:
		port ? iowrite16(val, addr) : writew(val, addr);
		return;
	case 4:
		port ? iowrite32(val, addr) : writel(val, addr);
		return;
#ifdef CONFIG_64BIT
	case 8:
		writeq(val, addr);
		return;
#endif
	}
}

/* Bytes of `data` are in the order the device holds them (little-endian). */
static __always_inline u64 memscope_buf_get(const void *buf, unsigned int width)
{
	switch (width) {
	case 1:
		return *(const u8 *)buf;
	case 2:
		return get_unaligned_le16(buf);
	case 4:
		return get_unaligned_le32(buf);
	}
	return get_unaligned_le64(buf);
}

static __always_inline void memscope_buf_put(void *buf, u64 val,
					     unsigned int width)
{
	switch (width) {
	case 1:
		*(u8 *)buf = val;
		return;
	case 2:
		put_unaligned_le16(val, buf);
		return;
	case 4:
		put_unaligned_le32(val, buf);
		return;
	}
	put_unaligned_le64(val, buf);
}

static bool memscope_io_width_ok(const struct memscope_region *r)
{
	return r->width <= 8 && (r->ops->widths & BIT(r->width));
}

/**
 * memscope_io_reg_read() - one device read of exactly the region's width
 * @r: an io region
 * @off: byte offset, checked by the caller
 * @val: the value read
 *
 * Context: Process context.
 * Return: 0, or -EINVAL for a width the region cannot have.
 */
int memscope_io_reg_read(struct memscope_region *r, u64 off, u64 *val)
{
	if (!memscope_io_width_ok(r))
		return -EINVAL;
	*val = memscope_io_get(r->iomem + off, r->width, memscope_region_is_port(r));
	return 0;
}

/**
 * memscope_io_reg_write() - one device write of exactly the region's width
 * @r: an io region
 * @off: byte offset, checked by the caller
 * @val: the value, checked to fit by the caller
 *
 * Context: Process context.
 * Return: 0, or -EINVAL for a width the region cannot have.
 */
int memscope_io_reg_write(struct memscope_region *r, u64 off, u64 val)
{
	if (!memscope_io_width_ok(r))
		return -EINVAL;
	memscope_io_put(r->iomem + off, val, r->width, memscope_region_is_port(r));
	return 0;
}

/*
 * One tight loop per (width, port) pair, generated from one body: the
 * accessor is chosen once per chunk, not per unit, so that reading a
 * memory-backed BAR costs little more than the loads themselves.
 */
static __always_inline void memscope_io_read_units(struct memscope_region *r,
						   u64 off, void *buf,
						   size_t len,
						   unsigned int width,
						   bool port)
{
	const void __iomem *addr = r->iomem + off;
	size_t i;

	for (i = 0; i < len; i += width)
		memscope_buf_put(buf + i, memscope_io_get(addr + i, width, port),
				 width);
}

static __always_inline void memscope_io_write_units(struct memscope_region *r,
						    u64 off, const void *buf,
						    size_t len,
						    unsigned int width,
						    bool port)
{
	void __iomem *addr = r->iomem + off;
	size_t i;

	for (i = 0; i < len; i += width)
		memscope_io_put(addr + i, memscope_buf_get(buf + i, width), width,
				port);
}

/*
 * The trace of a chunk comes from the bounce buffer, which holds exactly
 * the values read or written, in order: the access loops stay free of
 * even a disabled tracepoint's call.
 */
static void memscope_io_trace_units(struct memscope_region *r, u64 off,
				    const void *buf, size_t len, bool write)
{
	unsigned int width = r->width;
	size_t i;

	if (!trace_memscope_access_enabled())
		return;
	for (i = 0; i < len; i += width)
		trace_memscope_access(r, off + i, width,
				      memscope_buf_get(buf + i, width), write,
				      MEMSCOPE_VIA_DATA);
}

/* One chunk in either direction: @rbuf to read into, or @wbuf to write. */
static __always_inline void memscope_io_move(struct memscope_region *r,
					     u64 off, void *rbuf,
					     const void *wbuf, size_t len,
					     unsigned int width, bool port)
{
	if (rbuf)
		memscope_io_read_units(r, off, rbuf, len, width, port);
	else
		memscope_io_write_units(r, off, wbuf, len, width, port);
}

/* The one place that turns a region's width and space into its loop. */
static int memscope_io_units(struct memscope_region *r, u64 off, void *rbuf,
			     const void *wbuf, size_t len)
{
	bool port = memscope_region_is_port(r);

	if (!memscope_io_width_ok(r))
		return -EINVAL;
	switch (r->width) {
	case 1:
		if (port)
			memscope_io_move(r, off, rbuf, wbuf, len, 1, true);
		else
			memscope_io_move(r, off, rbuf, wbuf, len, 1, false);
		break;
	case 2:
		if (port)
			memscope_io_move(r, off, rbuf, wbuf, len, 2, true);
		else
			memscope_io_move(r, off, rbuf, wbuf, len, 2, false);
		break;
	case 4:
		if (port)
			memscope_io_move(r, off, rbuf, wbuf, len, 4, true);
		else
			memscope_io_move(r, off, rbuf, wbuf, len, 4, false);
		break;
	default:
		memscope_io_move(r, off, rbuf, wbuf, len, 8, false);
		break;
	}
	memscope_io_trace_units(r, off, rbuf ?: wbuf, len, !rbuf);
	return 0;
}

/**
 * memscope_io_read() - `data` of device memory: one access per width unit
 * @r: an io region
 * @off: byte offset, a multiple of the width
 * @buf: kernel buffer
 * @len: bytes, a multiple of the width
 *
 * Context: Process context.
 * Return: 0, or -EINVAL for a width the region cannot have.
 */
int memscope_io_read(struct memscope_region *r, u64 off, void *buf, size_t len)
{
	return memscope_io_units(r, off, buf, NULL, len);
}

/*
 * Memory windows straight into user space, without faulting: the loads
 * are inline (no call may run with user access open), and the registers
 * of each 8 bytes, read one by one in order, reach the user in one store.
 * Returns the bytes read from the device; *@stored says how many reached
 * @ubuf, and the registers read whose store faulted are left in *@last.
 * Reads and stores interleave: a buffer that is itself a writable mapping
 * of the window sees each store before the reads after it.
 */
static __always_inline size_t memscope_io_read_units_user(struct memscope_region *r,
							  u64 off,
							  char __user *ubuf,
							  size_t len,
							  unsigned int width,
							  size_t *stored,
							  u64 *last)
{
	const void __iomem *addr = r->iomem + off;
	unsigned int j;
	size_t i;
	u64 v;

	*stored = 0;
	if (!user_access_begin(ubuf, len))
		return 0;
	for (i = 0; i + 8 <= len; i += 8) {
		v = 0;
		for (j = 0; j < 8; j += width)
			v |= memscope_io_get(addr + i + j, width, false) <<
			     (j * 8);
		unsafe_put_user((__force u64)cpu_to_le64(v),
				(u64 __user *)(ubuf + i), group_fault);
	}
	for (; i < len; i += width) {
		v = memscope_io_get(addr + i, width, false);
		switch (width) {
		case 1:
			unsafe_put_user((u8)v, (u8 __user *)(ubuf + i),
					unit_fault);
			break;
		case 2:
			unsafe_put_user((__force u16)cpu_to_le16(v),
					(u16 __user *)(ubuf + i), unit_fault);
			break;
		default:
			unsafe_put_user((__force u32)cpu_to_le32(v),
					(u32 __user *)(ubuf + i), unit_fault);
			break;
		}
	}
	user_access_end();
	*stored = len;
	return len;
group_fault:
	user_access_end();
	*stored = i;
	*last = v;
	return i + 8;
unit_fault:
	user_access_end();
	*stored = i;
	*last = v;
	return i + width;
}

/**
 * memscope_io_read_user() - `data` of a memory window straight to user space
 * @r: an io region of memory, not of ports
 * @off: byte offset, a multiple of the width
 * @ubuf: user buffer of @len bytes, best faulted in by the caller
 * @buf: kernel buffer of @len bytes, for what cannot go straight
 * @len: bytes, a multiple of the width
 * @stored: set to the bytes stored to @ubuf
 *
 * Every register is read exactly once. Stores to @ubuf never fault, so
 * that the caller may hold the file meanwhile: from the first store that
 * would, that register and all after it go to @buf, whose first @len
 * minus *@stored bytes the caller copies once it has let go.
 *
 * Context: Process context.
 * Return: 0, or -EINVAL for a width the region cannot have.
 */
int memscope_io_read_user(struct memscope_region *r, u64 off,
			  char __user *ubuf, void *buf, size_t len,
			  size_t *stored)
{
	size_t read = 0, n, got, put;
	u64 last = 0;

	*stored = 0;
	if (!memscope_io_width_ok(r) || memscope_region_is_port(r))
		return -EINVAL;
	/*
	 * The trace takes its values from @buf (see memscope_io_units()), and
	 * with MMIO access tracing readX() calls out: no call may run with
	 * user access open.
	 */
	if (IS_ENABLED(CONFIG_TRACE_MMIO_ACCESS) ||
	    trace_memscope_access_enabled())
		return memscope_io_units(r, off, buf, NULL, len);

	/* User access stays open for a page's worth of registers at most. */
	while (read < len) {
		n = min_t(size_t, len - read, PAGE_SIZE);
		pagefault_disable();
		switch (r->width) {
		case 1:
			got = memscope_io_read_units_user(r, off + read,
							  ubuf + read, n, 1,
							  &put, &last);
			break;
		case 2:
			got = memscope_io_read_units_user(r, off + read,
							  ubuf + read, n, 2,
							  &put, &last);
			break;
		case 4:
			got = memscope_io_read_units_user(r, off + read,
							  ubuf + read, n, 4,
							  &put, &last);
			break;
		default:
			got = memscope_io_read_units_user(r, off + read,
							  ubuf + read, n, 8,
							  &put, &last);
			break;
		}
		pagefault_enable();
		read += got;
		*stored += put;
		if (put < n)
			break;
	}
	if (read > *stored)
		memscope_buf_put(buf, last, read - *stored);
	if (read < len)
		memscope_io_units(r, off + read, buf + (read - *stored), NULL,
				  len - read);
	return 0;
}

/**
 * memscope_io_write() - `data` writes of device memory, one per width unit
 * @r: an io region
 * @off: byte offset, a multiple of the width
 * @buf: kernel buffer
 * @len: bytes, a multiple of the width
 *
 * Context: Process context.
 * Return: 0, or -EINVAL for a width the region cannot have.
 */
int memscope_io_write(struct memscope_region *r, u64 off, const void *buf,
		      size_t len)
{
	return memscope_io_units(r, off, NULL, buf, len);
}
