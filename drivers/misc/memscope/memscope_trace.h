/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope trace events: every device access made through `regs`, `data`
 * and `ops`, region creation and release, and DMA syncs.
 *
 * The header lives beside the driver, not in include/trace/events/, so
 * that the same sources build out of tree (DKMS) as well as in the tree.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM memscope

#if !defined(_MEMSCOPE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MEMSCOPE_TRACE_H

#include <linux/tracepoint.h>

#include "memscope.h"

/* Which file made an access. */
#define MEMSCOPE_VIA_REGS	0
#define MEMSCOPE_VIA_DATA	1
#define MEMSCOPE_VIA_OPS	2

TRACE_EVENT(memscope_access,
	    TP_PROTO(const struct memscope_region *r, u64 off,
		     unsigned int width, u64 val, bool write, unsigned int via),
	    TP_ARGS(r, off, width, val, write, via),
	    TP_STRUCT__entry(__string(name, r->name)
			     __string(kind, r->ops->name)
			     __field(u64, off)
			     __field(u64, val)
			     __field(u8, width)
			     __field(bool, write)
			     __field(u8, via)),
	    TP_fast_assign(__assign_str(name);
			   __assign_str(kind);
			   __entry->off = off;
			   __entry->val = val;
			   __entry->width = width;
			   __entry->write = write;
			   __entry->via = via;),
	    TP_printk("%s %s %s %s off=%#llx width=%u val=%#llx",
		      __get_str(name), __get_str(kind),
		      __print_symbolic(__entry->via,
				       { MEMSCOPE_VIA_REGS, "regs" },
				       { MEMSCOPE_VIA_DATA, "data" },
				       { MEMSCOPE_VIA_OPS, "ops" }),
		      __entry->write ? "write" : "read", __entry->off,
		      __entry->width, __entry->val)
);

DECLARE_EVENT_CLASS(memscope_region_class,
		    TP_PROTO(const struct memscope_region *r),
		    TP_ARGS(r),
		    TP_STRUCT__entry(__string(name, r->name)
				     __string(kind, r->ops->name)
				     __field(u64, size)),
		    TP_fast_assign(__assign_str(name);
				   __assign_str(kind);
				   __entry->size = r->size;),
		    TP_printk("%s %s size=%#llx", __get_str(name),
			      __get_str(kind), __entry->size)
);

DEFINE_EVENT(memscope_region_class, memscope_region_create,
	     TP_PROTO(const struct memscope_region *r),
	     TP_ARGS(r)
);

DEFINE_EVENT(memscope_region_class, memscope_region_free,
	     TP_PROTO(const struct memscope_region *r),
	     TP_ARGS(r)
);

TRACE_EVENT(memscope_dma_sync,
	    TP_PROTO(const struct memscope_region *r, bool to_device),
	    TP_ARGS(r, to_device),
	    TP_STRUCT__entry(__string(name, r->name)
			     __field(u64, bus)
			     __field(u64, size)
			     __field(bool, to_device)),
	    TP_fast_assign(__assign_str(name);
			   __entry->bus = r->bus;
			   __entry->size = r->size;
			   __entry->to_device = to_device;),
	    TP_printk("%s bus=%#llx size=%#llx for=%s", __get_str(name),
		      __entry->bus, __entry->size,
		      __entry->to_device ? "device" : "cpu")
);

#endif /* _MEMSCOPE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE memscope_trace
#include <trace/define_trace.h>
