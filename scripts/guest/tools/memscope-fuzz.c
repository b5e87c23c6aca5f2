// SPDX-License-Identifier: GPL-2.0
/*
 * memscope-fuzz - a seeded, grammar-based fuzzer of memscope's debugfs
 * interface, for the debug guest (KASAN, lockdep, UBSAN, kmemleak,
 * DMA-API debug, panic_on_warn).
 *
 *   memscope-fuzz [-s SEED] [-t SECONDS] [-n OPS] [-w WORKERS] [-K] [-v]
 *                 [-p SECONDS] [-o GROUPS] [-G N]
 *
 *   -s SEED     seed (default 1); worker W uses a generator derived from
 *               SEED and W: what a worker does is a function of the seed
 *               and of the kernel's answers. With -w 1 a run on the same
 *               kernel repeats the same system calls.
 *   -t SECONDS  run time (default 60); -n OPS stops each worker after OPS
 *               operations instead (or as well).
 *   -w WORKERS  processes working at once (default 2), plus short-lived
 *               children of fork operations.
 *   -K          keep away from the inputs of issue 10's section 1 defects
 *               (windows beyond the physical address space, port 0, huge
 *               sizes), for a driver that does not refuse them yet.
 *   -v          print every operation before doing it (reproducers).
 *   -p SECONDS  progress line every SECONDS (default 10; 0: none).
 *   -o LIST     only these operation groups (comma separated: ctl, file,
 *               mmap, bind, rmmod, root, dma, uring); default all.
 *   -G N        print N control commands as the generator makes them
 *               (escaped, with the filter's verdict) and exit; touches
 *               nothing.
 *
 * Operations: control commands from a grammar (map/io/alloc/dma/dmamask/
 * sync/free with valid and near-valid arguments), mutated commands
 * (garbage bytes, overlong, NUL, newlines, huge and negative numbers,
 * every suffix, leading zeros), split commands; reads, writes, lseeks,
 * preads, pwrites, readv, preadv2, pwritev and sendfile of every file of
 * every region (new files are found with readdir) and of the root files;
 * io_uring reads and writes at explicit offsets, some through io-wq;
 * mmap, munmap, mprotect, mremap, madvise and fork with mappings of
 * `data` touched under sigsetjmp (SIGBUS/SIGSEGV are counted);
 * long-lived descriptors; edu bound and unbound through driver_override,
 * drivers_probe and memscope's unbind; rmmod with files open and insmod
 * ($MEMSCOPE_KO) back; and, on worker 0, a controlled round trip through
 * edu's DMA engine (see op_dma()), compared byte for byte.
 *
 * Device writes stay on harmless targets (see fuzz.h): the class of every
 * region name is fixed by its spelling, "f<W><C><N>":
 *   k  kernel memory (alloc)             written anywhere
 *   d  DMA buffers of edu                written anywhere
 *   e  windows of edu's BAR0             written at 0x04..0x0b only
 *   s  COM2's scratch register (0x2ff)   written at offset 0 only
 *   r  read-only windows anywhere        never written
 * and edu's BAR region (00-03-0-bar0) is written at 0x04..0x0b only. Only
 * the grammar ever asks for "rw", and only for e and s names on their
 * target; mutated text never contains "rw" and never a port window over
 * the console UART.
 *
 * Output: lines starting with "# " (TAP comments): progress, then the
 * totals: operations (one fuzz action: a command, an open with 1-4 calls
 * on the descriptor, a held descriptor's calls, a mapping operation ...),
 * ops/s, the system calls they made (every call whose result the
 * histogram counts), a histogram of errnos per call and overall, the
 * time per group of operations, signals caught, DMA round trips, and
 * findings (kernel-internal errnos reaching user space, a DMA round trip
 * that differs, workers that died or hung, regions left afterwards).
 * Exit status 0 without findings, 1 with findings, 2 usage.
 */
#include "fuzz.h"

#include <limits.h>
#include <linux/io_uring.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* ---------------------------------------------------------------- stats */

#define OPS(X) \
	X(CTL) X(CTL_MUT) X(CTL_SPLIT) X(CTL_HELD) X(OPEN) X(READ) X(PREAD) \
	X(LSEEK) X(WRITE) X(PWRITE) X(REGS_W) X(WIDTH_W) X(CLOSE) X(HOLD) \
	X(MMAP) X(MUNMAP) X(MPROTECT) X(MREMAP) X(MADVISE) X(TOUCH) X(FORK) \
	X(OVERRIDE) X(PROBE) X(BIND) X(UNBIND) X(RMMOD) X(INSMOD) X(ROOT) \
	X(READDIR) X(DMA) X(READV) X(PREADV2) X(SENDFILE) X(WRITEV) \
	X(URING) X(URING_RD) X(URING_WR) X(OPS_W) X(SKIP)
#define X_ENUM(n) OP_##n,
#define X_NAME(n) #n,
enum { OPS(X_ENUM) NR_OPS };
static const char *const op_names[] = { OPS(X_NAME) };

#define MAX_WORKERS	16
#define MAX_FIND	8
enum { T_CTL, T_FILE, T_HELD, T_MMAP, T_MAPPING, T_ROOT, T_BIND, T_RMMOD,
       T_DMA, T_URING, NR_T };
static const char *const group_names[] = {
	"control", "file", "held", "mmap", "mapping", "root", "bind", "rmmod",
	"edu-dma", "io_uring",
};

struct wstats {
	uint64_t ops;
	uint64_t gops[NR_T];
	double gtime[NR_T];	/* seconds spent per group of operations */
	uint64_t cnt[NR_OPS][NR_ERRS];
	uint64_t sigbus, sigsegv;
	uint64_t children, child_signals;
	uint64_t findings;
	char finding[MAX_FIND][200];
	char cur[200];		/* the operation in progress */
	int done;
};
static struct wstats *all_stats, *st;

/*
 * Shared between workers: while worker 0 drives edu's DMA engine, nobody
 * sends a command, binds, unbinds or unloads (dma_lock -1); the others
 * hold it shared (> 0) for those and skip them while it is taken. A
 * device that loses its driver with a transfer pending would finish it
 * once bus mastering came back, and memscope stops bus mastering before
 * it frees any DMA buffer of the device (so another worker's free would
 * drop worker 0's transfer): effects of the fuzzer's own programming of
 * the device, not defects of memscope's.
 */
struct shared_ctl {
	int dma_lock;
	uint64_t dma_rounds, dma_ok, dma_mismatch;
};
static struct shared_ctl *ctl;

static int bind_lock_get(void)
{
	int v = __atomic_load_n(&ctl->dma_lock, __ATOMIC_SEQ_CST);

	while (v >= 0)
		if (__atomic_compare_exchange_n(&ctl->dma_lock, &v, v + 1, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return 1;
	return 0;
}

static void bind_lock_put(void)
{
	__atomic_sub_fetch(&ctl->dma_lock, 1, __ATOMIC_SEQ_CST);
}
static int worker_id, verbose, avoid_known;
static struct machine mach;
static struct rng R;
static double deadline;
static uint64_t max_ops;
static unsigned int op_groups = ~0u;
enum { G_CTL = 1, G_FILE = 2, G_MMAP = 4, G_BIND = 8, G_RMMOD = 16, G_ROOT = 32,
       G_DMA = 64, G_URING = 128 };

static void finding(const char *fmt, ...)
{
	uint64_t n = st->findings++;
	va_list ap;

	if (n >= MAX_FIND)
		return;
	va_start(ap, fmt);
	vsnprintf(st->finding[n], sizeof(st->finding[n]), fmt, ap);
	va_end(ap);
}

/* Record the result of one system call: ret < 0 means errno is set. */
static long rec(int op, long ret)
{
	int e = ret < 0 ? errno : 0;

	st->cnt[op][err_bucket(e)]++;
	if (err_is_internal(e))
		finding("%s returned kernel-internal errno %d (%s) [%s]",
			op_names[op], e, errname(e), st->cur);
	errno = e;
	return ret;
}

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->cur, sizeof(st->cur), fmt, ap);
	va_end(ap);
	if (verbose)
		fprintf(stderr, "# w%d %s\n", worker_id, st->cur);
}

/* ---------------------------------------------------------------- names */

/* Classes; see the comment at the top. */
#define CLASSES "kders"
static const unsigned int class_count[] = { 6, 6, 4, 2, 6 };

static void own_name(char *buf, size_t len, int w, char cls, unsigned int i)
{
	snprintf(buf, len, "f%d%c%u", w, cls, i);
}

/* The write class of a region name: k d e s r, b (edu's BAR), x. */
static char name_class(const char *name)
{
	if (mach.bar_name[0] && !strcmp(name, mach.bar_name))
		return 'b';
	if (name[0] == 'f' && name[1] >= '0' && name[1] <= '9' &&
	    strchr(CLASSES, name[2]) && name[2] &&
	    name[3] >= '0' && name[3] <= '9' && !name[4])
		return name[2];
	return 'x';
}

static int nr_workers = 2;

/* Any name a worker may touch: its own, another's, edu's BAR, junk. */
static void pick_name(char *buf, size_t len)
{
	static const char *const junk[] = {
		"nonexistent", "devices", "control", "last_error", ".", "f", "a-b_c",
		"0123456789abcdef0123456789abcde",
	};
	unsigned int p = rng_below(&R, 100);
	unsigned int c = rng_below(&R, 5);
	unsigned int i = rng_below(&R, class_count[c]);
	unsigned int w = rng_below(&R, nr_workers);
	unsigned int j = rng_below(&R, 8);

	if (p < 50)
		own_name(buf, len, worker_id, CLASSES[c], i);
	else if (p < 72)
		own_name(buf, len, w, CLASSES[c], i);
	else if (p < 88 && mach.bar_name[0])
		snprintf(buf, len, "%s", mach.bar_name);
	else if (p < 96)
		snprintf(buf, len, "%s", junk[j]);
	else
		snprintf(buf, len, "f%u%c%u", w, CLASSES[c], i + 7);
}

/* --------------------------------------------------------- the machine */

#define MAX_RANGES 48
static uint64_t iomem_start[MAX_RANGES], iomem_end[MAX_RANGES];
static unsigned int n_iomem;
static uint64_t ram_start[8];
static unsigned int n_ram;
static uint64_t ioport_start[MAX_RANGES];
static unsigned int n_ioport;

static void read_ranges(void)
{
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long a, b;

		if (sscanf(line, " %llx-%llx", &a, &b) != 2)
			continue;
		if (strstr(line, "System RAM")) {
			if (n_ram < 8)
				ram_start[n_ram++] = a;
		} else if (n_iomem < MAX_RANGES) {
			iomem_start[n_iomem] = a;
			iomem_end[n_iomem++] = b;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/ioports", "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long a, b;

		if (sscanf(line, " %llx-%llx", &a, &b) != 2)
			continue;
		if (b >= CONSOLE_LO && a <= CONSOLE_HI)
			continue;
		if (n_ioport < MAX_RANGES)
			ioport_start[n_ioport++] = a;
	}
	if (f)
		fclose(f);
}

/* ----------------------------------------------------- number spellings */

static const char *const hostile_numbers[] = {
	"0", "1", "-1", "-4096", "+4096", "4096", "0x0", "0x", "0x-1", "00",
	"007", "0x0001000", "00x1000", "1e3", "1.5", "0b101", "0o17", " ",
	"18446744073709551615", "18446744073709551616",
	"0xffffffffffffffff", "0x10000000000000000", "0x7fffffffffffffff",
	"0x8000000000000000", "4294967295", "4294967296", "2147483648",
	"99999999999999999999999999999999", "0xfffffffffffff000",
	"17179869183G", "17179869184G", "16383G", "16384G", "4G", "1G", "1M",
	"1K", "0K", "0x1K", "1KK", "1KB", "1k", "1m", "1g", "1T", "1P", "K",
	"0xK", "1K1", "4096K", "0x100000M", "0x400000000000G", "9007199254740992",
	"0x1000 ", "0x1000\t", "١٢٣",
};

static const char *const size_spellings[] = {
	"1", "2", "3", "4", "7", "8", "64", "100", "4095", "4096", "4097",
	"0x1000", "0x2000", "8K", "16K", "64K", "1M", "0x100000", "4M",
};

static const char *const huge_sizes[] = {
	"0", "16M", "64M", "256M", "1G", "4G", "64G", "1023G",
	"0xfffffffffffff000", "18446744073709551615", "17179869183G",
	"0x8000000000000000",
};

/* A size: mostly ordinary, sometimes hostile. */
static const char *pick_size(void)
{
	unsigned int p = rng_below(&R, 100);
	const char *a = RNG_PICK(&R, size_spellings);
	const char *b = RNG_PICK(&R, huge_sizes);
	const char *c = RNG_PICK(&R, hostile_numbers);

	return p < 80 ? a : p < 93 ? b : c;
}

/* --------------------------------------------------------- the grammar */

static const char *const alloc_kinds[] = {
	"kmalloc", "kzalloc", "vmalloc", "vzalloc", "pages", "slab",
};
static const char *const dirs[] = {
	"to-device", "from-device", "bidirectional",
};

/* Options of a read-only window (never rw). */
static void ro_options(char *out, size_t len, int port)
{
	static const char *const widths[] = {
		"", "", "", " width=1", " width=2", " width=4", " width=8",
		" width=3", " width=0", " width=", " width=0x4", " width=16",
		" width=04",
	};
	const char *w = RNG_PICK(&R, widths);
	int wc = !port && rng_pct(&R, 20);
	int force = rng_pct(&R, 15);
	int dup = rng_pct(&R, 3);

	snprintf(out, len, "%s%s%s%s", w, wc ? " wc" : "",
		 force ? " force" : "", dup ? " force force" : "");
}

/* A random port for a read-only window, never the console UART. */
static uint64_t pick_port(void)
{
	static const uint64_t ports[] = {
		0x2f8, 0x2f9, 0x2fa, 0x2fb, 0x2fc, 0x2fd, 0x2fe, 0x2ff, 0x70,
		0x80, 0x510, 0x511, 0x60, 0x64, 0xcf8, 0xcfc, 0x1f0, 0x170,
		0xf4, 0x92, 0x3c0, 0xffff, 0xfffe, 0xfff0, 0x10000, 0x10001,
		0x0, 0x1,
	};
	unsigned int p = rng_below(&R, 100);
	uint64_t a = RNG_PICK(&R, ports);
	uint64_t b = n_ioport ? ioport_start[rng_below(&R, n_ioport)] : 0x2f8;
	uint64_t c = rng_below(&R, 0x10000);

	if (p < 50)
		return a;
	if (p < 75)
		return b;
	return c;
}

/* A physical address for a read-only window. */
static uint64_t pick_phys(void)
{
	unsigned int p = rng_below(&R, 100);
	unsigned int i = rng_below(&R, n_iomem ? n_iomem : 1);
	uint64_t top = 1ULL << mach.phys_bits;
	uint64_t edge[] = {
		0, 0xa0000, 0xc0000, 0xf0000, 0xfed00000, 0xfec00000,
		0xfee00000, 0xfed000f0, top - 4096, top - 8192, top, top + 4096,
		1ULL << 52, (1ULL << 52) - 4096, 0xfffffffffffff000ULL,
		0xffffffffffffffffULL, mach.bar0 + mach.bar0_size,
		mach.bar0 + 0x1000, mach.bar0 + 0x80,
	};
	uint64_t e = RNG_PICK(&R, edge);
	uint64_t rnd = rng_next(&R);
	unsigned int j = rng_below(&R, n_ram ? n_ram : 1);

	if (p < 35 && n_iomem)
		return iomem_start[i] + (rng_pct(&R, 80) ? 0 : rnd % 0x1000 & ~3ULL);
	if (p < 55)
		return e;
	if (p < 65)
		return n_ram ? ram_start[j] + 0x10000 : 0x100000;
	if (p < 85)
		return (rnd % 0x100000000ULL) & ~0xfffULL;	/* below 4 GiB */
	return rnd % (1ULL << (mach.phys_bits + 1));
}

/*
 * One grammar command for this worker, valid or near-valid, with its
 * trailing newline (usually). Returns the length.
 */
static int grammar_cmd(char *out, size_t len)
{
	char name[40], opts[64], dev[80];
	unsigned int verb = rng_below(&R, 100);
	unsigned int i6 = rng_below(&R, 6), i4 = rng_below(&R, 4);
	unsigned int i2 = rng_below(&R, 2);
	int nl = rng_pct(&R, 92);
	int n;

	/* Near-valid device names: other slots, other spellings. */
	{
		static const char *const near_dev[] = {
			"0000:00:03.1", "0000:00:02.0", "00:03.0", "0000:00:03.0x",
			"0000:00:1f.0", "serial8250", "0000:00:01.0", "a.b",
		};
		const char *nd = RNG_PICK(&R, near_dev);

		snprintf(dev, sizeof(dev), "%s",
			 rng_pct(&R, 85) && mach.edu[0] ? mach.edu : nd);
	}

	if (verb < 20) {		/* alloc: kernel memory, class k */
		own_name(name, sizeof(name), worker_id, 'k', i6);
		n = snprintf(out, len, "alloc %s %s %s", name,
			     RNG_PICK(&R, alloc_kinds), pick_size());
	} else if (verb < 34) {		/* read-only windows, class r */
		uint64_t a;
		int port = rng_pct(&R, 35);
		const char *sz;

		own_name(name, sizeof(name), worker_id, 'r', i6);
		ro_options(opts, sizeof(opts), port);
		a = port ? pick_port() : pick_phys();
		sz = rng_pct(&R, 70) ? (port ? RNG_PICK(&R, ((const char *[]){ "1", "2", "4", "8", "0x10" }))
					    : RNG_PICK(&R, ((const char *[]){ "0x1000", "0x400", "4", "0x2000", "8", "0x100000" })))
				    : pick_size();
		n = snprintf(out, len, "%s %s %#llx %s%s", port ? "io" : "map",
			     name, (unsigned long long)a, sz, opts);
	} else if (verb < 42) {		/* edu's BAR0, class e: may be rw */
		static const char *const esz[] = {
			"0x1000", "0x1000", "4K", "0x100000", "1M", "0x2000",
			"0x100", "12", "0x100001", "2M", "0",
		};
		static const char *const eopt[] = {
			"", " rw", " rw force", " force", " wc", " wc rw",
			" rw wc force", " width=8 rw", " width=1 rw force",
			" width=2", " width=4 rw", " rw rw",
		};

		own_name(name, sizeof(name), worker_id, 'e', i4);
		n = snprintf(out, len, "map %s %#llx %s%s", name,
			     (unsigned long long)mach.bar0, RNG_PICK(&R, esz),
			     mach.bar0 ? RNG_PICK(&R, eopt) : "");
	} else if (verb < 47) {		/* COM2's scratch, class s: may be rw */
		static const char *const ssz[] = { "1", "1", "1", "2", "0x10", "0" };
		static const char *const sopt[] = {
			"", " rw", " rw force", " force", " width=1 rw",
			" width=2 rw", " width=4", " wc rw",
		};

		own_name(name, sizeof(name), worker_id, 's', i2);
		n = snprintf(out, len, "io %s %#llx %s%s", name, SCRATCH_PORT,
			     RNG_PICK(&R, ssz), RNG_PICK(&R, sopt));
	} else if (verb < 60) {		/* DMA buffers, class d */
		own_name(name, sizeof(name), worker_id, 'd', i6);
		if (rng_pct(&R, 50))
			n = snprintf(out, len, "dma %s %s coherent %s", name, dev,
				     pick_size());
		else
			n = snprintf(out, len, "dma %s %s stream %s %s", name, dev,
				     pick_size(), rng_pct(&R, 95) ? RNG_PICK(&R, dirs) :
				     "none");
	} else if (verb < 64) {
		static const char *const bits[] = {
			"32", "28", "24", "64", "40", "8", "7", "65", "0", "36",
			"0x20", "032", "-1",
		};

		n = snprintf(out, len, "dmamask %s %s", dev, RNG_PICK(&R, bits));
	} else if (verb < 76) {
		char any[40];
		static const char *const to[] = {
			"cpu", "device", "cpu", "device", "gpu", "",
		};

		pick_name(any, sizeof(any));
		own_name(name, sizeof(name), worker_id, 'd', i6);
		n = snprintf(out, len, "sync %s %s", rng_pct(&R, 70) ? name : any,
			     RNG_PICK(&R, to));
	} else {
		char any[40];

		pick_name(any, sizeof(any));
		n = snprintf(out, len, "free %s", any);
	}
	if (n >= (int)len - 1)
		n = len - 2;
	if (nl)
		out[n++] = '\n';
	out[n] = '\0';
	return n;
}

/* ------------------------------------------------- the safety filters */

/*
 * Every interpretation a parser could give a number token: kstrtou64
 * base 0 and 10 and 16, with or without a K/M/G/T suffix. Returns how
 * many values were stored.
 */
static int num_readings(const char *tok, uint64_t *v)
{
	static const int bases[] = { 0, 10, 16 };
	char buf[64], *end;
	int n = 0, b, shift = 0;
	size_t l = strlen(tok);

	if (!l || l >= sizeof(buf))
		return 0;
	memcpy(buf, tok, l + 1);
	switch (buf[l - 1]) {
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	case 'T': case 't': shift = 40; break;
	}
	for (b = 0; b < 3; b++) {
		int s;

		for (s = 0; s < 2; s++) {
			unsigned long long x;

			if (s && !shift)
				continue;
			if (s)
				buf[l - 1] = '\0';
			errno = 0;
			x = strtoull(buf, &end, bases[b]);
			if (s)
				buf[l - 1] = tok[l - 1];
			if (end == buf || errno)
				continue;
			if (*end && !(s == 0 && end == buf + l - 1 && shift))
				continue;
			if (s || (shift && *end)) {
				if (x >> (64 - shift))
					x = ~0ULL;
				else
					x <<= shift;
			}
			v[n++] = x;
		}
	}
	return n;
}

/* Split a command the way the driver does (up to a NUL, on blanks). */
static int tokens(const char *text, size_t len, char tok[][64], int max)
{
	int n = 0;
	size_t i = 0;

	while (i < len && text[i] && n < max) {
		size_t j = 0;

		while (i < len && (text[i] == ' ' || text[i] == '\t' ||
				   text[i] == '\n' || text[i] == '\r' ||
				   text[i] == '\v' || text[i] == '\f'))
			i++;
		if (i >= len || !text[i])
			break;
		while (i < len && text[i] && !strchr(" \t\n\r\v\f", text[i])) {
			if (j < 63)
				tok[n][j++] = text[i];
			i++;
		}
		tok[n++][j] = '\0';
	}
	return n;
}

/*
 * May this command text go to `control`? Mutated text never asks for rw
 * (the caller scrubs it); here: no port window over the console UART,
 * and with -K none of the known defects. Both interpretations of a NUL
 * (end of command, or refused) and every reading of the numbers count.
 */
static int text_allowed(const char *text, size_t len)
{
	char tok[10][64], flat[600];
	uint64_t a[6], s[6];
	int pass, na, ns, i, j, n;

	for (pass = 0; pass < 2; pass++) {
		const char *t = text;

		if (pass) {	/* NUL read as a blank */
			size_t k, m = len < sizeof(flat) ? len : sizeof(flat);

			for (k = 0; k < m; k++)
				flat[k] = text[k] ? text[k] : ' ';
			t = flat;
			len = m;
		}
		n = tokens(t, len, tok, 10);
		if (n < 2)
			continue;
		if (!strcmp(tok[0], "io") && n >= 4) {
			na = num_readings(tok[2], a);
			ns = num_readings(tok[3], s);
			for (i = 0; i < na; i++) {
				if (avoid_known && a[i] == 0)
					return 0;
				for (j = 0; j < ns; j++) {
					uint64_t last = a[i] + s[j] - 1;

					if (s[j] == 0)
						continue;
					if (last < a[i])
						last = ~0ULL;
					if (a[i] <= CONSOLE_HI && last >= CONSOLE_LO)
						return 0;
				}
			}
		}
		if (!avoid_known)
			continue;
		if (!strcmp(tok[0], "map") && n >= 4) {
			uint64_t top = 1ULL << mach.phys_bits;

			na = num_readings(tok[2], a);
			ns = num_readings(tok[3], s);
			for (i = 0; i < na; i++) {
				if (a[i] >= top - 0x100000)
					return 0;
				for (j = 0; j < ns; j++)
					if (s[j] > (64ULL << 20) ||
					    a[i] + s[j] > top - 0x100000)
						return 0;
			}
		}
		if ((!strcmp(tok[0], "alloc") && n >= 4) ||
		    (!strcmp(tok[0], "dma") && n >= 5)) {
			const char *sz = tok[0][0] == 'a' ? tok[3] : tok[4];

			ns = num_readings(sz, s);
			for (j = 0; j < ns; j++)
				if (s[j] > (1ULL << 20))
					return 0;
		}
	}
	return 1;
}

/* Mutated text must never ask for a writable window. */
static void scrub_rw(char *t, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if ((t[i] == 'r' || t[i] == 'R') && (t[i + 1] == 'w' || t[i + 1] == 'W'))
			t[i + 1] = '_';
}

static const char *const dict[] = {
	"map", "io", "alloc", "dma", "dmamask", "sync", "free", "kmalloc",
	"kzalloc", "vmalloc", "vzalloc", "pages", "slab", "coherent", "stream",
	"to-device", "from-device", "bidirectional", "cpu", "device", "force",
	"wc", "width=1", "width=2", "width=4", "width=8", "width=", "width=3",
	"r", "w", "ro", "RW", "control", "regions", "layout", "last_error",
	"devices", "f0k0", "f1k0", "f0d0", "f0e0", "f0r0", "A", "a b", "../x",
	"0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcde",
	"0000:00:03.0", "0000:00:03.0/../..", "%s%n", "\\", "\xff\xfe",
	"\xc3\xa9", "-", "_", "MAP", "Map",
};

/*
 * Mutate a grammar command in place (buffer of cap bytes); returns the
 * new length, which may exceed MEMSCOPE_CMD_MAX on purpose.
 */
static size_t mutate(char *t, size_t len, size_t cap)
{
	unsigned int rounds = 1 + rng_below(&R, 3), k;

	for (k = 0; k < rounds; k++) {
		unsigned int m = rng_below(&R, 15);
		size_t pos = rng_below(&R, len + 1), n, i;
		char tmp[128];

		switch (m) {
		case 0:		/* random byte */
			if (len)
				t[rng_below(&R, len)] = rng_next(&R);
			break;
		case 1:		/* insert random bytes */
			n = 1 + rng_below(&R, 8);
			if (len + n >= cap)
				break;
			memmove(t + pos + n, t + pos, len - pos);
			for (i = 0; i < n; i++)
				t[pos + i] = rng_next(&R);
			len += n;
			break;
		case 2:		/* delete a range */
			n = rng_below(&R, 8);
			if (pos + n > len)
				n = len - pos;
			memmove(t + pos, t + pos + n, len - pos - n);
			len -= n;
			break;
		case 3:		/* NUL */
			if (len + 1 >= cap)
				break;
			memmove(t + pos + 1, t + pos, len - pos);
			t[pos] = '\0';
			len++;
			break;
		case 4:		/* newline(s) inside, or a second command */
			if (len * 2 + 2 >= cap)
				break;
			if (rng_pct(&R, 50)) {
				memmove(t + pos + 1, t + pos, len - pos);
				t[pos] = '\n';
				len++;
			} else {
				memcpy(t + len, t, len);
				len *= 2;
			}
			break;
		case 5: {	/* replace a token with a hostile number */
			const char *num = RNG_PICK(&R, hostile_numbers);
			size_t a = pos, b, nl = strlen(num);

			while (a > 0 && t[a - 1] != ' ')
				a--;
			b = a;
			while (b < len && t[b] != ' ' && t[b] != '\n')
				b++;
			if (len - (b - a) + nl >= cap)
				break;
			memmove(t + a + nl, t + b, len - b);
			memcpy(t + a, num, nl);
			len = len - (b - a) + nl;
			break;
		}
		case 6: {	/* replace a token with a dictionary word */
			const char *w = RNG_PICK(&R, dict);
			size_t a = pos, b, wl = strlen(w);

			while (a > 0 && t[a - 1] != ' ')
				a--;
			b = a;
			while (b < len && t[b] != ' ' && t[b] != '\n')
				b++;
			if (len - (b - a) + wl >= cap)
				break;
			memmove(t + a + wl, t + b, len - b);
			memcpy(t + a, w, wl);
			len = len - (b - a) + wl;
			break;
		}
		case 7: {	/* overlong: pad to a boundary */
			static const size_t to[] = {
				254, 255, 256, 257, 511, 4095, 4096, 4097,
			};
			size_t want = RNG_PICK(&R, to);
			char pad = RNG_PICK(&R, ((const char[]){ ' ', 'a', '0', '\t', '\n' }));

			if (want >= cap)
				want = cap - 1;
			while (len < want)
				t[len++] = pad;
			break;
		}
		case 8:		/* separators */
			for (i = 0; i < len; i++)
				if (t[i] == ' ' && rng_pct(&R, 50))
					t[i] = RNG_PICK(&R, ((const char[]){ '\t', '\r', '\v', '\f', '\n' }));
			break;
		case 9:		/* leading / trailing blanks */
			if (len + 4 >= cap)
				break;
			memmove(t + 2, t, len);
			t[0] = ' ';
			t[1] = '\t';
			len += 2;
			t[len++] = ' ';
			break;
		case 10:	/* drop or double the newline */
			if (len && t[len - 1] == '\n')
				len--;
			else if (len + 2 < cap) {
				t[len++] = '\n';
				t[len++] = '\n';
			}
			break;
		case 11:	/* entirely garbage */
			n = rng_below(&R, 64);
			for (i = 0; i < n && i < cap; i++)
				t[i] = rng_next(&R);
			len = n;
			break;
		case 12:	/* a suffix on a number */
			n = snprintf(tmp, sizeof(tmp), "%c",
				     RNG_PICK(&R, ((const char[]){ 'K', 'M', 'G', 'k', 'T', 'x', '0' })));
			for (i = pos; i < len; i++)
				if (t[i] >= '0' && t[i] <= '9' &&
				    (i + 1 == len || t[i + 1] == ' ' || t[i + 1] == '\n'))
					break;
			if (i < len && len + 1 < cap) {
				memmove(t + i + 2, t + i + 1, len - i - 1);
				t[i + 1] = tmp[0];
				len++;
			}
			break;
		case 13:	/* leading zeros on a number */
			for (i = pos; i < len; i++)
				if (t[i] >= '0' && t[i] <= '9' && (i == 0 || t[i - 1] == ' '))
					break;
			if (i < len && len + 3 < cap) {
				memmove(t + i + 2, t + i, len - i);
				t[i] = '0';
				t[i + 1] = '0';
				len += 2;
			}
			break;
		default:	/* negative number */
			for (i = pos; i < len; i++)
				if (t[i] >= '0' && t[i] <= '9' && (i == 0 || t[i - 1] == ' '))
					break;
			if (i < len && len + 2 < cap) {
				memmove(t + i + 1, t + i, len - i);
				t[i] = '-';
				len++;
			}
			break;
		}
	}
	return len;
}

/* ------------------------------------------------------------- control */

/*
 * A long-lived control descriptor saves an open and a close per command
 * (about half the cost of one on the debug kernel). After a write that
 * did not end with a newline, the driver refuses every later write on
 * that descriptor: open a fresh one then.
 */
static int held_ctl = -1, held_ctl_dirty;

static void op_control_locked(void);

static void op_control(void)
{
	if (!bind_lock_get()) {
		rec(OP_SKIP, 0);
		return;
	}
	op_control_locked();
	bind_lock_put();
}

static void op_control_locked(void)
{
	static char buf[8192];
	unsigned int how = rng_below(&R, 100);
	size_t len = grammar_cmd(buf, 512);
	size_t cut = 1 + rng_below(&R, len > 1 ? len - 1 : 1);
	int op = OP_CTL, fd;

	if (how < 30) {
		op = OP_CTL_MUT;
		len = mutate(buf, len, sizeof(buf));
		scrub_rw(buf, len);
	} else if (how < 35) {
		op = OP_CTL_SPLIT;
	} else if (how < 85) {
		op = OP_CTL_HELD;
	}
	/* Mutated text goes through the held descriptor too, half the time. */
	if (op == OP_CTL_MUT && how % 2)
		op = OP_CTL_HELD;
	if (!text_allowed(buf, len)) {
		note("skip control (filtered)");
		rec(OP_SKIP, 0);
		return;
	}
	note("%s %.*s", op_names[op], (int)(len > 120 ? 120 : len), buf);

	if (op == OP_CTL_HELD) {
		if (held_ctl < 0 || held_ctl_dirty || how == 99) {
			if (held_ctl >= 0)
				close(held_ctl);
			held_ctl = open(MS_DIR "/control", O_RDWR);
		}
		rec(op, write(held_ctl, buf, len));
		held_ctl_dirty = !len || buf[len - 1] != '\n';
		return;
	}
	fd = open(MS_DIR "/control", rng_pct(&R, 90) ? O_WRONLY : O_RDWR);
	if (fd < 0) {
		rec(OP_OPEN, -1);
		return;
	}
	if (op == OP_CTL_SPLIT && how % 2) {
		struct iovec iov[2] = { { buf, cut }, { buf + cut, len - cut } };

		rec(OP_WRITEV, writev(fd, iov, 2));
	} else if (op == OP_CTL_SPLIT) {
		if (rec(op, write(fd, buf, cut)) >= 0)
			rec(op, write(fd, buf + cut, len - cut));
	} else {
		rec(op, write(fd, buf, len));
	}
	close(fd);
}

/* ---------------------------------------------------------------- files */

static char *iobuf;		/* 2 MiB + a guard page */
static int devnull = -1;
#define IOBUF_SIZE	(2u << 20)

static const int64_t hostile_offsets[] = {
	0, 0, 0, 1, 2, 3, 4, 8, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0x1001,
	0xffc, 0x2000, 0xfffff, 0x100000, 0x100001, 1LL << 32, 1LL << 40,
	(1LL << 62), INT64_MAX, INT64_MAX - 4095, -1, -4096, INT64_MIN,
};
static const size_t hostile_lengths[] = {
	0, 1, 2, 3, 4, 4, 4, 8, 8, 16, 63, 64, 100, 4095, 4096, 4096, 4097,
	8192, 65536,
};
/* Device windows: every 4 bytes is a trip into QEMU; mostly short. */
static const size_t io_lengths[] = {
	0, 1, 2, 3, 4, 4, 4, 4, 8, 8, 8, 12, 16, 16, 63, 64, 64, 100, 256,
	4095, 4096, 4097,
};

static int64_t pick_offset(void)
{
	return rng_pct(&R, 70) ? (int64_t)RNG_PICK(&R, hostile_offsets)
			       : (int64_t)(rng_below(&R, 0x2000) & ~3ULL);
}

/*
 * A length for a read or write. Huge ones (past the buffer into its
 * guard page: EFAULT after a part; SIZE_MAX; 1 MiB) are rarer on device
 * windows, where every 4 bytes are one trip into QEMU's device model.
 */
static size_t pick_length(char cls)
{
	unsigned int p = rng_below(&R, 10000);
	int mem = cls == 'k' || cls == 'd';
	size_t l = mem ? RNG_PICK(&R, hostile_lengths) : RNG_PICK(&R, io_lengths);

	if (!mem)
		p = p * 10 + 9;
	if (p >= 100 && p < 130 && !mem)
		return 65536;
	if (p < 20)
		return IOBUF_SIZE + 4096 * 4;
	if (p < 40)
		return SIZE_MAX;
	if (p < 100)
		return 1u << 20;
	return l;
}

/* A file of a region: readdir of its directory, one entry by index. */
static int pick_region_file(char *path, size_t len, char *name, size_t nlen,
			    char *file, size_t flen)
{
	unsigned int idx = rng_below(&R, 16);
	unsigned int fallback = rng_below(&R, 22);
	int use_readdir = rng_pct(&R, 15);
	static const char *const known[] = {
		"data", "data", "data", "data", "data", "data", "data", "data",
		"info", "info", "info", "info", "regs", "regs", "regs", "regs",
		"regs", "width", "width", "nope", "ops", "ops",
	};
	char dir[160];
	struct dirent *de;
	char entries[16][64];
	unsigned int n = 0;
	DIR *d;

	pick_name(name, nlen);
	snprintf(dir, sizeof(dir), MS_DIR "/%s", name);
	/* Mostly the files we know; readdir finds any new one. */
	d = use_readdir ? opendir(dir) : NULL;
	if (use_readdir)
		rec(OP_READDIR, d ? 0 : -1);
	while (d && (de = readdir(d)) && n < 16) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(entries[n++], sizeof(entries[0]), "%.63s", de->d_name);
	}
	if (d)
		closedir(d);
	if (n) {
		/* readdir order is the creation order on debugfs; sort. */
		unsigned int i, j;

		for (i = 1; i < n; i++)
			for (j = i; j > 0 && strcmp(entries[j - 1], entries[j]) > 0; j--) {
				char t[64];

				memcpy(t, entries[j], 64);
				memcpy(entries[j], entries[j - 1], 64);
				memcpy(entries[j - 1], t, 64);
			}
		snprintf(file, flen, "%s", entries[idx % n]);
	} else {
		snprintf(file, flen, "%s", known[fallback]);
	}
	return snprintf(path, len, "%s/%s", dir, file);
}

/*
 * An `ops` program of at most @size bytes: mostly grammar, some garbage
 * lines, sometimes a dry run, a missing final newline or a NUL byte.
 * Writes go only where the class allows them (COM2's scratch register,
 * edu's liveness and factorial registers); polls and delays stay short.
 */
static long ops_program(char cls, char *buf, size_t size)
{
	static const char *const garbage[] = {
		"bogus 4", "r", "r 4 4", "w 4", "rmw 4 1", "poll 4 1 1",
		"poll 4 1 1 0", "poll 4 1 2 10", "delay", "delay 1000001",
		"r 0x100000000000", "r -4", "r 04", "w 4 0x1ffffffffffffffff",
		"dry", "R 4", "r 4K", "poll 4 1 1 10000001", "w 4 1 2 3 4 5 6",
		"\x01", "rmw 4 0xf 0x10", "r 0xfffffffffffffffc", "r 2",
		"delay 99999999999999999999", "poll 0 0 0 1 2",
	};
	static const char *const eol[] = { "\n", "\n", "\n", " \n", "\t\n", " # c\n" };
	static const char *const reads[] = { "0", "4", "8", "0x20", "0x98", "0x0" };
	int writes = cls == 's' || cls == 'e' || cls == 'b';
	unsigned int lines = rng_pct(&R, 5) ? 100 + rng_below(&R, 300) :
			     1 + rng_below(&R, 12);
	uint64_t vmask = cls == 's' ? 0xff : 0xffffffff;
	size_t n = 0;
	unsigned int i;

	if (rng_pct(&R, 15))
		n += snprintf(buf, size, "dry\n");
	for (i = 0; i < lines && n < size - 128; i++) {
		unsigned int p = rng_below(&R, 100);
		const char *ro = cls == 's' ? "0" : RNG_PICK(&R, reads);
		const char *wo = cls == 's' ? "0" : rng_pct(&R, 50) ? "4" : "8";
		uint64_t m = rng_next(&R) & vmask, v = rng_next(&R) & m;

		if (p < 30 || (!writes && p < 55))
			n += snprintf(buf + n, size - n, "r %s", ro);
		else if (p < 45)
			n += snprintf(buf + n, size - n, "w %s %#llx", wo,
				      (unsigned long long)(rng_next(&R) & vmask));
		else if (p < 55)
			n += snprintf(buf + n, size - n, "rmw %s %#llx %#llx", wo,
				      (unsigned long long)m, (unsigned long long)v);
		else if (p < 65)
			n += snprintf(buf + n, size - n, "poll %s %#llx %#llx %u%s",
				      ro, (unsigned long long)m,
				      (unsigned long long)v,
				      (unsigned int)(1 + rng_below(&R, 200)),
				      rng_pct(&R, 50) ? " 5" : "");
		else if (p < 72)
			n += snprintf(buf + n, size - n, "delay %u",
				      (unsigned int)rng_below(&R, 50));
		else if (p < 80)
			n += snprintf(buf + n, size - n, "# comment %u", i);
		else if (p < 84)
			buf[n++] = '\0';
		else
			n += snprintf(buf + n, size - n, "%s", RNG_PICK(&R, garbage));
		n += snprintf(buf + n, size - n, "%s", RNG_PICK(&R, eol));
	}
	if (n && rng_pct(&R, 5))
		n--;			/* no final newline */
	if (n > 2 && rng_pct(&R, 3))
		buf[rng_below(&R, n)] = '\0';
	return n;
}

/*
 * A write that is safe for this (name class, file): fill buf, set the
 * offset; returns the length to write, or -1 when nothing may be written.
 */
static long safe_write(char cls, const char *file, char *buf, int64_t *off)
{
	unsigned int p = rng_below(&R, 100);
	int64_t o = pick_offset();
	size_t l = pick_length(cls);
	uint64_t v = rng_next(&R);
	unsigned int k = rng_below(&R, 3);
	size_t i;

	if (!strcmp(file, "width")) {
		static const struct { const char *s; int len; } w[] = {
			{ "1\n", 2 }, { "2\n", 2 }, { "4\n", 2 }, { "8\n", 2 },
			{ "4", 1 }, { "3\n", 2 }, { "0\n", 2 }, { "16\n", 3 },
			{ "-4\n", 3 }, { "\n", 1 }, { "", 0 }, { "0x4\n", 4 },
			{ "04\n", 3 }, { "99999999999\n", 12 }, { "4 4\n", 4 },
			{ "4\0", 2 }, { "1\n2\n", 4 }, { "8x\n", 3 },
		};
		unsigned int j = rng_below(&R, sizeof(w) / sizeof(w[0]));

		*off = p < 90 ? 0 : o;
		memcpy(buf, w[j].s, w[j].len + 1);
		return w[j].len;
	}
	if (!strcmp(file, "data")) {
		for (i = 0; i < 64; i++)
			buf[i] = rng_next(&R);
		switch (cls) {
		case 'k':
		case 'd':
			*off = o;
			if (l > IOBUF_SIZE && p < 50)
				l = 4096;
			return l > (size_t)LONG_MAX ? LONG_MAX : (long)l;
		case 'e':
		case 'b':
			*off = k == 2 ? 8 : 4;
			return k == 1 ? 8 : 4;
		case 's':
			*off = 0;
			return 1;
		}
		return -1;
	}
	if (!strcmp(file, "ops")) {
		if (cls != 's' && cls != 'e' && cls != 'b' && cls != 'r')
			return -1;
		*off = 0;
		return ops_program(cls, buf, 4096);
	}
	if (!strcmp(file, "regs")) {
		static const char *const offs4[] = { "4", "0x4", "0x04", "0x0000000000000004", "04" };
		static const char *const offs8[] = { "8", "0x8", "0x08", "08" };
		static const char *const offs0[] = { "0", "0x0", "0x00", "00" };
		static const char *const vals[] = {
			"0", "1", "0xffffffff", "0x100000000", "0xffffffffffffffff",
			"18446744073709551616", "-1", "0x", "x", "255", "256", "0xff",
			"07", "1K",
		};
		const char *ot, *vt = RNG_PICK(&R, vals);
		char vb[32];

		if (cls == 'e' || cls == 'b')
			ot = k ? RNG_PICK(&R, offs4) : RNG_PICK(&R, offs8);
		else if (cls == 's')
			ot = RNG_PICK(&R, offs0);
		else
			return -1;
		if (p < 40) {
			snprintf(vb, sizeof(vb), "%#llx", (unsigned long long)
				 (cls == 's' ? v & 0xff : v & 0xffffffff));
			vt = vb;
		}
		*off = 0;
		return snprintf(buf, 96, "%s%s%s%s", ot,
				RNG_PICK(&R, ((const char *[]){ " ", " ", "\t", "  " })),
				vt, RNG_PICK(&R, ((const char *[]){ "\n", "\n", "", " \n", "\n\n" })));
	}
	return -1;
}

#define MAX_HELD 12
struct held {
	int fd;
	char name[40];
	char file[40];
};
static struct held held[MAX_HELD];

/* Read / write / seek one descriptor of file `file` of region `name`. */
static void file_ops(int fd, const char *name, const char *file, unsigned int nops)
{
	char cls = name_class(name);
	unsigned int i;

	for (i = 0; i < nops; i++) {
		unsigned int what = rng_below(&R, 100);
		int64_t off = pick_offset();
		size_t l = pick_length(cls);
		unsigned int whence = rng_below(&R, 5);
		int badbuf = rng_pct(&R, 3);
		char *b = badbuf ? (char *)8 : iobuf;
		long wl;
		int64_t woff;

		if (what < 28) {
			note("read %s/%s len %zu", name, file, l);
			rec(OP_READ, read(fd, b, l));
		} else if (what < 35) {
			struct iovec iov[3] = {
				{ b, l / 2 }, { iobuf + 8192, l - l / 2 },
				{ iobuf + 16384, whence },
			};
			unsigned int sub = (uint64_t)off % 3;

			if (sub == 0) {
				note("readv %s/%s len %zu", name, file, l);
				rec(OP_READV, readv(fd, iov, 3));
			} else if (sub == 1) {
				static const int fl[] = {
					0, RWF_NOWAIT, RWF_HIPRI, RWF_DSYNC, RWF_APPEND,
					0x40000000,
				};

				note("preadv2 %s/%s len %zu", name, file, l);
				rec(OP_PREADV2, preadv2(fd, iov, 2, off % 2 ? off : -1,
						       fl[whence % 6]));
			} else {
				off_t o = off;

				note("sendfile %s/%s len %zu", name, file, l);
				rec(OP_SENDFILE, sendfile(devnull, fd, whence % 2 ? &o : NULL,
							  l > 65536 ? 65536 : l));
			}
		} else if (what < 60) {
			note("pread %s/%s off %lld len %zu", name, file, (long long)off, l);
			rec(OP_PREAD, pread(fd, b, l, off));
		} else if (what < 72) {
			static const int wh[] = { SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, 77 };

			note("lseek %s/%s %lld %d", name, file, (long long)off, wh[whence]);
			rec(OP_LSEEK, lseek(fd, off, wh[whence]));
		} else {
			wl = safe_write(cls, file, iobuf + IOBUF_SIZE - 4096, &woff);
			if (wl < 0)
				continue;
			if (!strcmp(file, "data") && (cls == 'k' || cls == 'd'))
				b = badbuf ? (char *)8 : iobuf;
			else
				b = iobuf + IOBUF_SIZE - 4096;
			if (!strcmp(file, "regs")) {
				note("write %s/%s '%.*s'", name, file, (int)wl, b);
				rec(OP_REGS_W, write(fd, b, wl));
			} else if (!strcmp(file, "width")) {
				note("write %s/%s '%.*s'", name, file, (int)wl, b);
				rec(OP_WIDTH_W, write(fd, b, wl));
			} else if (!strcmp(file, "ops")) {
				note("write %s/%s %ld bytes", name, file, wl);
				rec(OP_OPS_W, write(fd, b, wl));
			} else if (woff == 0 && rng_pct(&R, 30) &&
				   (cls == 'k' || cls == 'd')) {
				note("write %s/%s len %ld", name, file, wl);
				rec(OP_WRITE, write(fd, b, wl));
			} else if (whence == 4) {
				struct iovec iov[2] = { { b, wl / 2 }, { b + wl / 2, wl - wl / 2 } };

				note("pwritev %s/%s off %lld len %ld", name, file,
				     (long long)woff, wl);
				rec(OP_WRITEV, pwritev(fd, iov, 2, woff));
			} else {
				note("pwrite %s/%s off %lld len %ld", name, file,
				     (long long)woff, wl);
				rec(OP_PWRITE, pwrite(fd, b, wl, woff));
			}
		}
	}
}

static void op_file(void)
{
	char path[256], name[40], file[64];
	static const int modes[] = { O_RDONLY, O_RDONLY, O_RDWR, O_RDWR, O_WRONLY };
	int mode = RNG_PICK(&R, modes);
	unsigned int nops = 1 + rng_below(&R, 4);
	int hold = rng_pct(&R, 25);
	int fd;

	pick_region_file(path, sizeof(path), name, sizeof(name), file, sizeof(file));
	note("open %s %d", path, mode);
	fd = rec(OP_OPEN, open(path, mode));
	if (fd < 0)
		return;
	file_ops(fd, name, file, nops);
	if (hold) {
		unsigned int slot = rng_below(&R, MAX_HELD);

		if (held[slot].fd > 0)
			rec(OP_CLOSE, close(held[slot].fd));
		held[slot].fd = fd;
		snprintf(held[slot].name, sizeof(held[slot].name), "%s", name);
		snprintf(held[slot].file, sizeof(held[slot].file), "%.39s", file);
		rec(OP_HOLD, 0);
	} else {
		rec(OP_CLOSE, close(fd));
	}
}

static void op_held(void)
{
	unsigned int slot = rng_below(&R, MAX_HELD);
	unsigned int nops = 1 + rng_below(&R, 4);
	int drop = rng_pct(&R, 8);
	struct held *h = &held[slot];

	if (h->fd <= 0) {
		op_file();
		return;
	}
	note("held %s/%s", h->name, h->file);
	file_ops(h->fd, h->name, h->file, nops);
	if (drop) {
		rec(OP_CLOSE, close(h->fd));
		h->fd = 0;
	}
}

/* ------------------------------------------------------------ io_uring */

static struct {
	int fd;
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	unsigned int *sq_tail, *sq_array, *cq_head, *cq_tail;
	struct io_uring_cqe *cqes;
} ring = { .fd = -1 };

static int uring_init(void)
{
	void *sq, *cq;

	ring.fd = syscall(__NR_io_uring_setup, 8, &ring.p);
	if (ring.fd < 0)
		return -1;
	sq = mmap(NULL, ring.p.sq_off.array + ring.p.sq_entries * sizeof(unsigned int),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring.fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, ring.p.cq_off.cqes + ring.p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring.fd,
		  IORING_OFF_CQ_RING);
	ring.sqes = mmap(NULL, ring.p.sq_entries * sizeof(struct io_uring_sqe),
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring.fd,
			 IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || ring.sqes == MAP_FAILED) {
		close(ring.fd);
		ring.fd = -1;
		return -1;
	}
	ring.sq_tail = sq + ring.p.sq_off.tail;
	ring.sq_array = sq + ring.p.sq_off.array;
	ring.cq_head = cq + ring.p.cq_off.head;
	ring.cq_tail = cq + ring.p.cq_off.tail;
	ring.cqes = cq + ring.p.cq_off.cqes;
	return 0;
}

/*
 * A batch of 1-4 io_uring reads and writes: reads at explicit (or the
 * current) offsets of any region file - the path that bypasses read(2)'s
 * checks of nonseekable files - and writes under the same rules as
 * write(2): commands to control, bytes to kernel memory. IOSQE_ASYNC
 * sends some to io-wq's kernel threads.
 */
static void op_uring_locked(void);

static void op_uring(void)
{
	if (!bind_lock_get()) {
		rec(OP_SKIP, 0);
		return;
	}
	op_uring_locked();
	bind_lock_put();
}

static void op_uring_locked(void)
{
	static char cmd[4][512];
	int fds[4] = { -1, -1, -1, -1 }, wr[4] = { 0 };
	unsigned int n = 1 + rng_below(&R, 4), i, tail, head, got = 0;

	if (ring.fd < 0 && uring_init()) {
		rec(OP_URING, -1);
		return;
	}
	tail = *ring.sq_tail;
	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = &ring.sqes[(tail + i) & (ring.p.sq_entries - 1)];
		char path[256], name[40], file[64];
		unsigned int kind = rng_below(&R, 100);
		int64_t off = pick_offset();
		size_t l;
		char cls;

		memset(sqe, 0, sizeof(*sqe));
		sqe->flags = rng_pct(&R, 30) ? IOSQE_ASYNC : 0;
		sqe->user_data = i;
		if (kind < 25) {	/* a command */
			size_t len = grammar_cmd(cmd[i], sizeof(cmd[i]));

			fds[i] = open(MS_DIR "/control", O_WRONLY);
			sqe->opcode = IORING_OP_WRITE;
			sqe->addr = (uintptr_t)cmd[i];
			sqe->len = len;
			sqe->off = -1;
			if (!text_allowed(cmd[i], len))
				sqe->len = 0;
			note("uring write control %.*s", (int)len, cmd[i]);
		} else {
			pick_region_file(path, sizeof(path), name, sizeof(name),
					 file, sizeof(file));
			cls = name_class(name);
			l = pick_length(cls);
			if (l > IOBUF_SIZE)
				l = IOBUF_SIZE;
			fds[i] = open(path, kind < 40 && (cls == 'k' || cls == 'd') &&
				      !strcmp(file, "data") ? O_RDWR : O_RDONLY);
			sqe->opcode = IORING_OP_READ;
			sqe->addr = (uintptr_t)iobuf;
			sqe->len = l;
			sqe->off = rng_pct(&R, 20) ? (uint64_t)-1 : (uint64_t)off;
			if (kind < 40 && (cls == 'k' || cls == 'd') &&
			    !strcmp(file, "data"))
				sqe->opcode = IORING_OP_WRITE;
			note("uring %s %s off %lld len %zu",
			     sqe->opcode == IORING_OP_READ ? "read" : "write", path,
			     (long long)sqe->off, l);
		}
		sqe->fd = fds[i];
		wr[i] = sqe->opcode == IORING_OP_WRITE;
		ring.sq_array[(tail + i) & (ring.p.sq_entries - 1)] =
			(tail + i) & (ring.p.sq_entries - 1);
	}
	__atomic_store_n(ring.sq_tail, tail + n, __ATOMIC_RELEASE);
	if (rec(OP_URING, syscall(__NR_io_uring_enter, ring.fd, n, n,
				  IORING_ENTER_GETEVENTS, NULL, 0)) < 0) {
		/* Reap what completed anyway, so the ring stays in step. */
	}
	head = *ring.cq_head;
	while (head != __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE)) {
		struct io_uring_cqe *c = &ring.cqes[head & (ring.p.cq_entries - 1)];
		int op = c->user_data < 4 && wr[c->user_data] ? OP_URING_WR : OP_URING_RD;

		errno = c->res < 0 ? -c->res : 0;
		rec(op, c->res < 0 ? -1 : 0);
		head++;
		got++;
	}
	__atomic_store_n(ring.cq_head, head, __ATOMIC_RELEASE);
	if (got < n) {
		/* Left in flight (should not be): a fresh ring next time. */
		finding("io_uring: %u of %u completions missing [%s]", n - got, n,
			st->cur);
		close(ring.fd);
		ring.fd = -1;
	}
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Root files: control, regions, layout, last_error, devices/X/info. */
static void op_root(void)
{
	static const char *const files[] = {
		"control", "regions", "layout", "last_error", "layout", "regions",
		"devices", "devices/%s/info", "devices/%s/nope",
	};
	const char *f = RNG_PICK(&R, files);
	size_t chunk = RNG_PICK(&R, ((const size_t[]){ 1, 7, 64, 100, 4096, 65536 }));
	int64_t off = pick_offset();
	int use_pread = rng_pct(&R, 20);
	char path[256];
	int fd, loops = 0;
	ssize_t n;

	snprintf(path, sizeof(path), MS_DIR "/%s", f);
	if (strstr(f, "%s")) {
		char p2[256];

		snprintf(p2, sizeof(p2), path, mach.edu[0] ? mach.edu : "none");
		snprintf(path, sizeof(path), "%s", p2);
	}
	note("root %s chunk %zu", path, chunk);
	fd = rec(OP_ROOT, open(path, O_RDONLY));
	if (fd < 0)
		return;
	if (use_pread) {
		rec(OP_PREAD, pread(fd, iobuf, chunk, off));
	} else {
		do {
			n = rec(OP_READ, read(fd, iobuf, chunk));
		} while (n > 0 && ++loops < 64);
	}
	close(fd);
}

/* ------------------------------------------------------------- mappings */

#define MAX_MAPS 12
struct mapping {
	char *addr;
	size_t len;
	off_t off;	/* file offset of addr */
	int prot;
	int fd;
	char name[40];
};
static struct mapping maps[MAX_MAPS];
static char *reserve;		/* PROT_NONE area: targets of mremap moves */
#define RESERVE_SLOT	(16u << 20)

static void forget_overlaps(char *a, size_t len)
{
	unsigned int i;

	for (i = 0; i < MAX_MAPS; i++) {
		struct mapping *m = &maps[i];

		if (!m->addr || m->addr >= a + len || m->addr + m->len <= a)
			continue;
		if (m->fd > 0)
			close(m->fd);
		memset(m, 0, sizeof(*m));
	}
}

static int in_reserve(char *a)
{
	return a >= reserve && a < reserve + (size_t)MAX_MAPS * RESERVE_SLOT;
}

/*
 * Unmap a slot. Inside the reserve (after an mremap move) the hole is
 * filled again with PROT_NONE, so that the kernel never places another
 * mapping where a later move of this slot would land.
 */
static void drop_map(struct mapping *m)
{
	if (!m->addr)
		return;
	if (in_reserve(m->addr))
		rec(OP_MUNMAP, mmap(m->addr, m->len, PROT_NONE, MAP_PRIVATE |
				    MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
				    -1, 0) == MAP_FAILED ? -1 : 0);
	else
		rec(OP_MUNMAP, munmap(m->addr, m->len));
	if (m->fd > 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
}

static sigjmp_buf touch_env;
static volatile sig_atomic_t in_touch;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (in_touch)
		siglongjmp(touch_env, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Loads anywhere in the mapping; stores only where the class allows:
 * kernel memory (k, d) anywhere, edu's BAR (e, b) at 0x04 and 0x08 of the
 * window (so only in a mapping of page 0), never elsewhere.
 */
static void touch(struct mapping *m, unsigned int n, int store_ok)
{
	volatile uint32_t *p = (volatile uint32_t *)m->addr;
	char cls = name_class(m->name);
	size_t words = m->len / 4;
	uint64_t r[8];
	volatile unsigned int i;
	int sig, store, mode = rng_below(&R, 3);

	for (i = 0; i < 8; i++)
		r[i] = rng_next(&R);
	store = store_ok && (m->prot & PROT_WRITE) &&
		((cls == 'k' || cls == 'd') ||
		 ((cls == 'e' || cls == 'b') && m->off == 0 && m->len >= 12));
	if (!words)
		return;
	note("touch %s %p+%zu store %d", m->name, (void *)m->addr, m->len, store);
	sig = sigsetjmp(touch_env, 1);
	if (sig) {
		in_touch = 0;
		if (sig == SIGBUS)
			st->sigbus++;
		else
			st->sigsegv++;
		st->cnt[OP_TOUCH][err_bucket(sig == SIGBUS ? EFAULT : EACCES)]++;
		return;
	}
	in_touch = 1;
	for (i = 0; i < n; i++) {
		size_t w = r[i & 7] % words;

		if (mode == 1)		/* sweep: first word of each page */
			w = ((size_t)i * 1024) % words;
		(void)p[w];
		if (store) {
			if (cls == 'e' || cls == 'b')
				p[1 + (r[i & 7] >> 40) % 2] = (uint32_t)r[(i + 1) & 7];
			else
				p[w] = (uint32_t)r[(i + 1) & 7];
		}
	}
	in_touch = 0;
	st->cnt[OP_TOUCH][0]++;
}

static void op_mmap(void)
{
	static const size_t lens[] = {
		4096, 4096, 8192, 12288, 1, 100, 65536, 1 << 20, 16 << 20, 0,
	};
	static const off_t offs[] = {
		0, 0, 0, 0, 4096, 8192, 0x100000, 1, 0x7ffffffff000LL, -4096,
	};
	static const int prots[] = {
		PROT_READ, PROT_READ, PROT_READ | PROT_WRITE,
		PROT_READ | PROT_WRITE, PROT_WRITE, PROT_NONE,
		PROT_READ | PROT_EXEC,
	};
	unsigned int slot = rng_below(&R, MAX_MAPS);
	char path[256], name[40], *a;
	size_t len = RNG_PICK(&R, lens);
	off_t off = RNG_PICK(&R, offs);
	int prot = RNG_PICK(&R, prots);
	int priv = rng_pct(&R, 8), fixed = rng_pct(&R, 5);
	int rdwr = rng_pct(&R, 60), keep_fd = rng_pct(&R, 40);
	unsigned int other = rng_below(&R, MAX_MAPS);
	struct mapping *m = &maps[slot];
	int fd;

	pick_name(name, sizeof(name));
	snprintf(path, sizeof(path), MS_DIR "/%s/data", name);
	drop_map(m);
	note("mmap %s len %zu off %lld prot %d", path, len, (long long)off, prot);
	fd = rec(OP_OPEN, open(path, rdwr ? O_RDWR : O_RDONLY));
	if (fd < 0)
		return;
	a = NULL;
	if (fixed && maps[other].addr && maps[other].len >= len && len)
		a = maps[other].addr;
	if (a)		/* replaced, whether or not the new mapping succeeds */
		forget_overlaps(a, len);
	a = mmap(a, len, prot, (priv ? MAP_PRIVATE : MAP_SHARED) |
		 (a ? MAP_FIXED : 0), fd, off);
	if (rec(OP_MMAP, a == MAP_FAILED ? -1 : 0) < 0) {
		close(fd);
		return;
	}
	m->addr = a;
	m->len = (len + 4095) & ~(size_t)4095;
	m->off = off;
	m->prot = prot;
	snprintf(m->name, sizeof(m->name), "%s", name);
	if (keep_fd)
		m->fd = fd;
	else
		close(fd);
	touch(m, 1 + rng_below(&R, 4), 1);
}

static void op_mapping(void)
{
	unsigned int slot = rng_below(&R, MAX_MAPS), what = rng_below(&R, 100);
	struct mapping *m = &maps[slot];
	uint64_t r = rng_next(&R), r2 = rng_next(&R);
	int prot = RNG_PICK(&R, ((const int[]){ PROT_READ, PROT_READ | PROT_WRITE,
						PROT_NONE, PROT_WRITE }));
	size_t pages, pg;

	if (!m->addr) {
		op_mmap();
		return;
	}
	pages = m->len / 4096;
	pg = pages ? r % pages : 0;
	if (what < 45) {
		touch(m, 1 + r2 % 16, 1);
	} else if (what < 55) {
		note("munmap %s", m->name);
		if (pages > 2 && r2 % 2) {
			/* Split first (the middle page), then the tail. */
			char *mid = m->addr + 4096 * (1 + r2 % (pages - 2));

			rec(OP_MUNMAP, munmap(mid, 4096));
			rec(OP_MUNMAP, munmap(mid + 4096, m->addr + m->len - mid - 4096));
			m->len = mid - m->addr;
			touch(m, 2, 1);
		} else if (pages > 1 && r2 % 3 == 0) {
			rec(OP_MUNMAP, munmap(m->addr, 4096));
			m->addr += 4096;
			m->len -= 4096;
			m->off += 4096;
			touch(m, 2, 1);
		} else {
			drop_map(m);
		}
	} else if (what < 68) {
		size_t a = pages > 1 && r2 % 2 ? pg : 0;
		size_t l = a ? 4096 : m->len;

		note("mprotect %s %d", m->name, prot);
		if (rec(OP_MPROTECT, mprotect(m->addr + a * 4096, l, prot)) == 0 && !a)
			m->prot = prot;
		else if (!a || !(prot & PROT_WRITE))
			m->prot &= prot | PROT_READ;
		touch(m, 2, 1);
	} else if (what < 78) {
		unsigned int how = r2 % 5;
		size_t nl = how == 0 ? m->len * 2 : how == 1 && m->len > 4096 ?
			    m->len - 4096 : m->len;
		char *target = reserve + (size_t)slot * RESERVE_SLOT, *na;
		int flags = how == 0 ? MREMAP_MAYMOVE : how == 2 ?
			    MREMAP_MAYMOVE | MREMAP_FIXED : how == 3 ?
			    MREMAP_MAYMOVE | MREMAP_DONTUNMAP : 0;

		if (nl > RESERVE_SLOT)
			nl = m->len;
		note("mremap %s %zu->%zu flags %d", m->name, m->len, nl, flags);
		if (how == 2 || how == 3)
			na = mremap(m->addr, m->len, nl, flags, target);
		else
			na = mremap(m->addr, m->len, nl, flags);
		if (rec(OP_MREMAP, na == MAP_FAILED ? -1 : 0) == 0) {
			if (how == 3)	/* the old range stays, now empty */
				munmap(m->addr, m->len);
			m->addr = NULL;
			forget_overlaps(na, nl);
			m->addr = na;
			m->len = nl;
		}
		touch(m, 2, 1);
	} else if (what < 92) {
		static const int advs[] = {
			MADV_DOFORK, MADV_DONTFORK, MADV_DONTNEED, MADV_WILLNEED,
			MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_DOFORK,
			MADV_DONTNEED, MADV_REMOVE, MADV_FREE, MADV_COLD,
		};
		int adv = RNG_PICK(&R, advs);

		note("madvise %s %d", m->name, adv);
		/*
		 * POPULATE_WRITE faults pages in for writing without storing;
		 * harmless on every class.
		 */
		rec(OP_MADVISE, madvise(m->addr, m->len, adv));
		touch(m, 2, 1);
	} else {
		pid_t pid;
		int status;
		uint64_t cseed = rng_next(&R);

		note("fork (touching %s)", m->name);
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			/* The child touches what it inherited, then leaves. */
			unsigned int i;

			R.s = cseed | 1;
			for (i = 0; i < 1 + cseed % 3; i++) {
				struct mapping *c = &maps[rng_below(&R, MAX_MAPS)];

				if (c->addr)
					touch(c, 4, rng_pct(&R, 50));
			}
			if (cseed % 4 == 0)
				op_control();
			_exit(0);
		}
		if (rec(OP_FORK, pid < 0 ? -1 : 0) < 0)
			return;
		st->children++;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(status)) {
			st->child_signals++;
			if (WTERMSIG(status) != SIGKILL)
				finding("fork child died of signal %d [%s]",
					WTERMSIG(status), st->cur);
		}
	}
}

/* ------------------------------------------------------- bind, rmmod */

static void op_bind(void)
{
	unsigned int what = rng_below(&R, 100);
	static const char *const ov[] = {
		"memscope\n", "memscope\n", "memscope", "\n", "memscope-nope\n",
	};
	const char *o = RNG_PICK(&R, ov);
	char path[300];
	const char *dev = rng_pct(&R, 95) ? mach.edu : "0000:00:1f.7";

	if (!mach.edu[0])
		return;
	if (!bind_lock_get()) {
		rec(OP_SKIP, 0);	/* edu is doing DMA for worker 0 */
		return;
	}
	if (what < 20) {
		snprintf(path, sizeof(path), "%s/driver_override", mach.edu_dir);
		note("driver_override '%s'", o);
		errno = -write_str(path, o, strlen(o));
		rec(OP_OVERRIDE, errno ? -1 : 0);
	} else if (what < 50) {
		note("drivers_probe %s", dev);
		errno = -write_str("/sys/bus/pci/drivers_probe", dev, strlen(dev));
		rec(OP_PROBE, errno ? -1 : 0);
	} else if (what < 65) {
		note("bind %s", dev);
		errno = -write_str(MS_PCI_DRV "/bind", dev, strlen(dev));
		rec(OP_BIND, errno ? -1 : 0);
	} else {
		note("unbind %s", dev);
		errno = -write_str(MS_PCI_DRV "/unbind", dev, strlen(dev));
		rec(OP_UNBIND, errno ? -1 : 0);
	}
	bind_lock_put();
}

static void op_rmmod(void)
{
	int ret;

	if (!mach.ko[0])
		return;
	if (!bind_lock_get()) {
		rec(OP_SKIP, 0);
		return;
	}
	note("rmmod memscope");
	ret = ms_rmmod();
	errno = -ret;
	rec(OP_RMMOD, ret ? -1 : 0);
	if (!ret || !memscope_loaded()) {
		note("insmod %s", mach.ko);
		ret = ms_insmod(&mach);
		errno = -ret;
		rec(OP_INSMOD, ret ? -1 : 0);
	}
	bind_lock_put();
}

/* ------------------------------------------------------------ edu DMA */

/* The value of "KEY: VALUE" in text, or NULL. */
static const char *info_value(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ':' && p[kl + 1] == ' ')
			return p + kl + 2;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static int regs_write(int fd, uint64_t off, uint64_t val)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%#llx %#llx\n",
			 (unsigned long long)off, (unsigned long long)val);

	return rec(OP_DMA, write(fd, line, n)) == n ? 0 : -1;
}

/* One edu transfer of len bytes; wait until its command bit clears. */
static int edu_transfer(int rfd, int dfd, uint64_t src, uint64_t dst,
			uint64_t len, uint64_t cmd)
{
	uint64_t v = 1;
	int i;

	if (regs_write(rfd, 0x80, src) || regs_write(rfd, 0x88, dst) ||
	    regs_write(rfd, 0x90, len) || regs_write(rfd, 0x98, cmd))
		return -1;
	for (i = 0; i < 300 && (v & 1); i++) {
		usleep(10000);
		if (rec(OP_DMA, pread(dfd, &v, 8, 0x98)) != 8)
			return -1;
	}
	return v & 1 ? -1 : 0;
}

/*
 * The controlled step (worker 0): edu bound, two coherent buffers and an
 * 8-byte-wide rw window of BAR0, RAM -> edu -> RAM, the bytes compared.
 * Every descriptor stays open until the end, so no region can be freed
 * and replaced meanwhile; the window's info is checked before the first
 * register write, and nobody unbinds edu until the transfers are done.
 */
static void op_dma(void)
{
	static char info[3][2048];
	static const char *const names[3] = { "fzdw", "fzda", "fzdb" };
	unsigned char pat[1024], back[1024];
	int fd[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	uint64_t bus[3] = { 0 }, seed = rng_next(&R);
	const char *v;
	char path[128];
	int i, expected = 0, exp = 0;

	if (!mach.edu[0] || !mach.bar0)
		return;
	exp = 0;
	for (i = 0; !__atomic_compare_exchange_n(&ctl->dma_lock, &exp, -1, 0,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); i++) {
		if (exp < 0 || i > 200) {
			rec(OP_SKIP, 0);
			return;
		}
		exp = 0;
		usleep(1000);	/* the others' commands finish quickly */
	}
	note("edu dma round trip");
	ctl->dma_rounds++;
	if (!edu_bound(&mach))
		rec(OP_DMA, edu_bind(&mach) ? -1 : 0);
	rec(OP_DMA, ms_ctl("map %s %#llx 0x1000 width=8 rw force", names[0],
			   (unsigned long long)mach.bar0) ? -1 : 0);
	for (i = 1; i < 3; i++)
		rec(OP_DMA, ms_ctl("dma %s %s coherent 4K", names[i], mach.edu) ? -1 : 0);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), MS_DIR "/%s/%s", names[i],
			 i ? "data" : "regs");
		fd[i][0] = open(path, O_RDWR);
		snprintf(path, sizeof(path), MS_DIR "/%s/data", names[i]);
		fd[i][1] = open(path, i ? O_RDWR : O_RDONLY);
		snprintf(path, sizeof(path), MS_DIR "/%s/info", names[i]);
		if (fd[i][0] < 0 || fd[i][1] < 0 ||
		    read_small(path, info[i], sizeof(info[i])) < 0)
			goto out;
	}
	/* The window is ours, rw, 8 bytes wide, on BAR0; the buffers edu's. */
	v = info_value(info[0], "phys");
	if (!info_value(info[0], "kind") || strncmp(info_value(info[0], "kind"), "mmio\n", 5) ||
	    !v || strtoull(v, NULL, 0) != mach.bar0 ||
	    !info_value(info[0], "width") || strncmp(info_value(info[0], "width"), "8\n", 2) ||
	    !info_value(info[0], "flags") || !strstr(info_value(info[0], "flags"), "rw"))
		goto out;
	for (i = 1; i < 3; i++) {
		v = info_value(info[i], "kind");
		if (!v || strncmp(v, "coherent\n", 9) || !info_value(info[i], "bus"))
			goto out;
		bus[i] = strtoull(info_value(info[i], "bus"), NULL, 0);
		if (!bus[i])
			goto out;
	}
	for (i = 0; i < (int)sizeof(pat); i++) {
		pat[i] = (seed >> (i % 8 * 8)) + i;
		back[i] = ~pat[i];
	}
	if (rec(OP_DMA, pwrite(fd[1][0], pat, sizeof(pat), 0)) != sizeof(pat) ||
	    rec(OP_DMA, pwrite(fd[2][0], back, sizeof(back), 0)) != sizeof(back))
		goto out;
	expected = 1;
	/* RAM -> edu's buffer at 0x40000 (cmd 1), then back (cmd 3). */
	if (edu_transfer(fd[0][0], fd[0][1], bus[1], 0x40000, sizeof(pat), 1) ||
	    edu_transfer(fd[0][0], fd[0][1], 0x40000, bus[2], sizeof(pat), 3))
		goto out;
	if (rec(OP_DMA, pread(fd[2][0], back, sizeof(back), 0)) != sizeof(back))
		goto out;
	if (memcmp(pat, back, sizeof(pat))) {
		ctl->dma_mismatch++;
		finding("edu DMA round trip: the bytes differ (buses %#llx -> %#llx)",
			(unsigned long long)bus[1], (unsigned long long)bus[2]);
	} else {
		ctl->dma_ok++;
	}
	expected = 0;
out:
	if (expected)		/* a transfer may still be due: let edu finish */
		usleep(300000);
	for (i = 0; i < 3; i++) {
		if (fd[i][0] >= 0)
			close(fd[i][0]);
		if (fd[i][1] >= 0)
			close(fd[i][1]);
	}
	for (i = 0; i < 3; i++)
		ms_ctl("free %s", names[i]);
	__atomic_store_n(&ctl->dma_lock, 0, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------- workers */

static int stop_now(void)
{
	static unsigned int loops;

	if (max_ops && st->ops >= max_ops)
		return 1;
	return deadline && (loops++ & 7) == 0 && now_s() >= deadline;
}

/*
 * The mix of operations (per mille, cumulative). Opens, binds and edu's
 * DMA cost the most on the debug kernel; held descriptors the least.
 */
static const struct {
	unsigned int upto, group, need;
	void (*fn)(void);
} mix[] = {
	{ 300, T_CTL, G_CTL, op_control },
	{ 520, T_FILE, G_FILE, op_file },
	{ 750, T_HELD, G_FILE, op_held },
	{ 790, T_MMAP, G_MMAP, op_mmap },
	{ 915, T_MAPPING, G_MMAP, op_mapping },
	{ 955, T_ROOT, G_ROOT, op_root },
	{ 980, T_URING, G_URING, op_uring },
	{ 995, T_BIND, G_BIND, op_bind },
	{ 996, T_DMA, G_DMA, op_dma },
	{ 1000, T_RMMOD, G_RMMOD, op_rmmod },
};

static void worker(int id, uint64_t seed)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	unsigned int i;

	worker_id = id;
	st = &all_stats[id];
	rng_seed(&R, seed, id + 1);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* I/O buffer with a PROT_NONE guard page after it. */
	iobuf = mmap(NULL, IOBUF_SIZE + 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reserve = mmap(NULL, (size_t)MAX_MAPS * RESERVE_SLOT, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (iobuf == MAP_FAILED || reserve == MAP_FAILED) {
		finding("worker %d: no memory for its buffers", id);
		_exit(1);
	}
	mprotect(iobuf + IOBUF_SIZE, 4096, PROT_NONE);
	devnull = open("/dev/null", O_WRONLY);

	while (!stop_now()) {
		unsigned int g = rng_below(&R, 1000), t, k;
		double t0 = now_s();

		/* The mix, per mille; an operation of a group left out by -o
		 * (or edu's DMA on a worker other than 0) is not counted. */
		for (k = 0; g >= mix[k].upto; k++)
			;
		t = mix[k].group;
		if (!(op_groups & mix[k].need) || (t == T_DMA && id))
			continue;
		mix[k].fn();
		st->ops++;
		st->gops[t]++;
		st->gtime[t] += now_s() - t0;
	}

	/* Leave nothing behind: mappings, descriptors. */
	for (i = 0; i < MAX_MAPS; i++)
		drop_map(&maps[i]);
	for (i = 0; i < MAX_HELD; i++)
		if (held[i].fd > 0)
			close(held[i].fd);
	if (held_ctl >= 0)
		close(held_ctl);
	if (ring.fd >= 0)
		close(ring.fd);
	st->done = 1;
	_exit(0);
}

/* ------------------------------------------------------------- the end */

/* Free every region memscope still holds; unbind edu. */
static int cleanup(void)
{
	char buf[8192], *line, *save;
	int pass, left = 0;

	if (!memscope_loaded()) {
		int ret = ms_insmod(&mach);

		printf("# memscope was unloaded at the end; insmod: %s\n",
		       ret ? errname(-ret) : "ok");
	}
	if (mach.edu[0]) {
		char path[300];

		if (edu_bound(&mach))
			edu_unbind(&mach);
		snprintf(path, sizeof(path), "%s/driver_override", mach.edu_dir);
		write_str(path, "\n", 1);
	}
	for (pass = 0; pass < 3; pass++) {
		left = 0;
		if (read_small(MS_DIR "/regions", buf, sizeof(buf)) < 0)
			break;
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char name[64];

			if (sscanf(line, "%63s", name) != 1)
				continue;
			if (ms_ctl("free %s", name))
				left++;
		}
		if (!left)
			break;
	}
	return left;
}

/* -G: the generator's output, escaped, with the filter's verdict. */
static int dump_commands(uint64_t seed, uint64_t count)
{
	static char buf[8192];
	static struct wstats dummy;
	uint64_t k;

	st = &dummy;
	rng_seed(&R, seed, 1);
	for (k = 0; k < count; k++) {
		size_t len = grammar_cmd(buf, 512), i;
		int mut = rng_pct(&R, 30);

		if (mut) {
			len = mutate(buf, len, sizeof(buf));
			scrub_rw(buf, len);
		}
		printf("%s %s ", text_allowed(buf, len) ? "send" : "skip",
		       mut ? "mut" : "gram");
		for (i = 0; i < len && i < 300; i++) {
			unsigned char c = buf[i];

			if (c == '\\')
				printf("\\\\");
			else if (c >= 0x20 && c < 0x7f)
				putchar(c);
			else
				printf("\\x%02x", c);
		}
		printf("%s\n", len > 300 ? "..." : "");
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: memscope-fuzz [-s SEED] [-t SECONDS] [-n OPS] "
		"[-w WORKERS] [-K] [-v] [-p SECONDS] [-o GROUPS] [-G N]\n");
	exit(2);
}

static void totals(struct wstats *sum, int nw)
{
	int w, o, e;

	memset(sum, 0, sizeof(*sum));
	for (w = 0; w < nw; w++) {
		struct wstats *s = &all_stats[w];

		sum->ops += s->ops;
		sum->sigbus += s->sigbus;
		sum->sigsegv += s->sigsegv;
		sum->children += s->children;
		sum->child_signals += s->child_signals;
		sum->findings += s->findings;
		for (o = 0; o < NR_T; o++) {
			sum->gops[o] += s->gops[o];
			sum->gtime[o] += s->gtime[o];
		}
		for (o = 0; o < NR_OPS; o++)
			for (e = 0; e < NR_ERRS; e++)
				sum->cnt[o][e] += s->cnt[o][e];
	}
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1, secs = 60, n = 0, progress = 10, workers = 2;
	unsigned long long gen = 0;
	pid_t pids[MAX_WORKERS];
	struct wstats *sum;
	uint64_t calls = 0, overall[NR_ERRS] = { 0 };
	double t0, t1, next;
	int opt, w, o, e, failed = 0, alive;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "s:t:n:w:Kvp:o:G:")) != -1) {
		switch (opt) {
		case 's':
			if (parse_u64(optarg, &seed))
				usage();
			break;
		case 't':
			if (parse_u64(optarg, &secs))
				usage();
			break;
		case 'n':
			if (parse_u64(optarg, &n))
				usage();
			break;
		case 'w':
			if (parse_u64(optarg, &workers) || !workers ||
			    workers > MAX_WORKERS)
				usage();
			break;
		case 'K':
			avoid_known = 1;
			break;
		case 'G':
			if (parse_u64(optarg, &gen))
				usage();
			break;
		case 'v':
			verbose = 1;
			break;
		case 'p':
			if (parse_u64(optarg, &progress))
				usage();
			break;
		case 'o':
			op_groups = 0;
			for (char *g = strtok(optarg, ","); g; g = strtok(NULL, ","))
				op_groups |= !strcmp(g, "ctl") ? G_CTL :
					     !strcmp(g, "file") ? G_FILE :
					     !strcmp(g, "mmap") ? G_MMAP :
					     !strcmp(g, "bind") ? G_BIND :
					     !strcmp(g, "rmmod") ? G_RMMOD :
					     !strcmp(g, "root") ? G_ROOT :
					     !strcmp(g, "dma") ? G_DMA :
					     !strcmp(g, "uring") ? G_URING : (usage(), 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	nr_workers = workers;
	max_ops = n;

	machine_probe(&mach);
	read_ranges();
	if (gen)
		return dump_commands(seed, gen);
	if (!memscope_loaded()) {
		fprintf(stderr, "memscope-fuzz: %s is missing (memscope not loaded?)\n", MS_DIR);
		return 1;
	}
	all_stats = mmap(NULL, sizeof(*all_stats) * (MAX_WORKERS + 1),
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (all_stats == MAP_FAILED || ctl == MAP_FAILED)
		return 1;
	sum = &all_stats[MAX_WORKERS];
	printf("# memscope-fuzz: seed %llu, %llu s, %llu workers%s%s, edu %s "
	       "bar0 %#llx, %u physical address bits, module %s\n",
	       seed, secs, workers, n ? ", ops limit" : "",
	       avoid_known ? ", -K (known defects avoided)" : "",
	       mach.edu[0] ? mach.edu : "none", (unsigned long long)mach.bar0,
	       mach.phys_bits, mach.ko[0] ? mach.ko : "none (no rmmod)");
	printf("# reproduce: memscope-fuzz -s %llu -t %llu -w %llu%s%s\n", seed,
	       secs, workers, avoid_known ? " -K" : "", n ? " -n ..." : "");

	t0 = now_s();
	deadline = secs ? t0 + secs : 0;
	for (w = 0; w < nr_workers; w++) {
		fflush(NULL);
		pids[w] = fork();
		if (pids[w] == 0)
			worker(w, seed);
		if (pids[w] < 0) {
			perror("fork");
			return 1;
		}
	}

	/* Wait; report progress; a worker still busy long after the end hangs. */
	next = t0 + (progress ? progress : 1e9);
	alive = nr_workers;
	while (alive) {
		int status;
		pid_t p = waitpid(-1, &status, WNOHANG);

		if (p > 0) {
			for (w = 0; w < nr_workers; w++) {
				if (pids[w] != p)
					continue;
				pids[w] = 0;
				alive--;
				if (WIFSIGNALED(status) || WEXITSTATUS(status)) {
					printf("# worker %d died (%s %d) during: %s\n", w,
					       WIFSIGNALED(status) ? "signal" : "status",
					       WIFSIGNALED(status) ? WTERMSIG(status) :
					       WEXITSTATUS(status), all_stats[w].cur);
					failed++;
				}
			}
			continue;
		}
		usleep(100000);
		t1 = now_s();
		if (progress && t1 >= next) {
			totals(sum, nr_workers);
			printf("# fuzz: %.0f s, %llu ops, %.0f ops/s, %llu findings\n",
			       t1 - t0, (unsigned long long)sum->ops,
			       sum->ops / (t1 - t0), (unsigned long long)sum->findings);
			next += progress;
		}
		if (deadline && t1 > deadline + 120) {
			for (w = 0; w < nr_workers; w++) {
				if (!pids[w])
					continue;
				printf("# worker %d still busy 120 s after the end, in: %s\n",
				       w, all_stats[w].cur);
				kill(pids[w], SIGKILL);
				failed++;
			}
			deadline = 1e18;
		}
	}
	t1 = now_s();
	totals(sum, nr_workers);

	for (o = 0; o < NR_OPS; o++)
		for (e = 0; e < NR_ERRS; e++)
			if (o != OP_SKIP)
				calls += sum->cnt[o][e];
	printf("# fuzz done: seed %llu, %llu workers, %.1f s, %llu operations, "
	       "%.0f ops/s; %llu system calls, %.0f calls/s\n", seed, workers,
	       t1 - t0, (unsigned long long)sum->ops, sum->ops / (t1 - t0),
	       (unsigned long long)calls, calls / (t1 - t0));
	printf("# time per group of operations (all workers):");
	for (o = 0; o < NR_T; o++)
		if (sum->gops[o])
			printf(" %s %llu in %.1f s;", group_names[o],
			       (unsigned long long)sum->gops[o], sum->gtime[o]);
	printf("\n# errno histogram per operation (calls: ok, then errno:count):\n");
	for (o = 0; o < NR_OPS; o++) {
		char line[2048] = "";
		int len = 0;
		uint64_t tot = 0;

		for (e = 0; e < NR_ERRS; e++) {
			tot += sum->cnt[o][e];
			if (o != OP_SKIP)
				overall[e] += sum->cnt[o][e];
			if (e && sum->cnt[o][e])
				len += snprintf(line + len, sizeof(line) - len, " %s:%llu",
						bucket_name(e),
						(unsigned long long)sum->cnt[o][e]);
			if (len >= (int)sizeof(line))
				len = sizeof(line) - 1;
		}
		if (tot)
			printf("#   %-10s %8llu  ok:%llu%s\n", op_names[o],
			       (unsigned long long)tot,
			       (unsigned long long)sum->cnt[o][0], line);
	}
	printf("# errno histogram overall (%llu system calls):",
	       (unsigned long long)calls);
	for (e = 0; e < NR_ERRS; e++)
		if (overall[e])
			printf(" %s:%llu", bucket_name(e), (unsigned long long)overall[e]);
	printf("\n# edu DMA round trips (worker 0): %llu tried, %llu compared equal, "
	       "%llu differed", (unsigned long long)ctl->dma_rounds,
	       (unsigned long long)ctl->dma_ok, (unsigned long long)ctl->dma_mismatch);
	printf("\n# signals caught in mappings: SIGBUS %llu, SIGSEGV %llu; fork "
	       "children %llu (%llu killed)\n", (unsigned long long)sum->sigbus,
	       (unsigned long long)sum->sigsegv, (unsigned long long)sum->children,
	       (unsigned long long)sum->child_signals);
	for (w = 0; w < nr_workers; w++) {
		uint64_t i;

		for (i = 0; i < all_stats[w].findings && i < MAX_FIND; i++)
			printf("# FINDING (worker %d): %s\n", w, all_stats[w].finding[i]);
	}
	e = cleanup();
	if (e) {
		printf("# FINDING: %d regions could not be freed after the run\n", e);
		failed++;
	}
	printf("# fuzz result: %llu operations, %llu findings, %d failures\n",
	       (unsigned long long)sum->ops, (unsigned long long)sum->findings,
	       failed);
	return sum->findings || failed ? 1 : 0;
}
