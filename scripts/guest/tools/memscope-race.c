// SPDX-License-Identifier: GPL-2.0
/*
 * memscope-race - targeted races against memscope, for the debug guest.
 *
 *   memscope-race [-i ITERATIONS] [-t SECONDS] RACE...
 *   memscope-race -l
 *
 * Each race runs three processes at once, started together: one tears
 * something down and builds it again in a loop, two use it in loops. One
 * iteration is one loop of one process (a create+free cycle, an open +
 * read + close, an mmap + touch + munmap, a sync ...); a race runs until
 * its processes have done ITERATIONS (default 10000) together, each of
 * them at least 1% of that. Every system call's result is checked against
 * the errnos the race allows (last_error is quoted on a surprise), and
 * the values read against what the device or buffer must hold; anything
 * else is a failure. -t bounds each race (default 900 s): a race that has
 * not done its iterations by then fails.
 *
 * Races (-l lists them):
 *   free-read    free vs `regs`/`data` reads vs page faults of a mapping
 *                (HPET window, vmalloc and pages regions in turn)
 *   unbind-sync  edu bound, a stream buffer made, edu unbound, vs `sync`
 *                of that buffer and CPU access to it
 *   width-data   `width` changes vs `data` reads and mappings (a window of
 *                edu's BAR0: every read must match one width's value)
 *   layout-free  create/free of every memory kind vs `layout`, `regions`
 *                and `info` reads
 *   rmmod-open   rmmod (and insmod back) vs opens, reads and commands
 *   bind-free    edu bound and unbound vs `free` of its BAR region (a
 *                region published in probe) vs the counts in `layout`
 *
 * Output: "# " lines: per race its iterations, time, and the results of
 * every operation (ok and errno counts); then "race NAME: ok" or
 * "race NAME: FAIL" with the first failures. Exit status 0 if every race
 * passed, 1 otherwise, 2 usage.
 *
 * Writes stay where fuzz.h allows: kernel memory only (no device write).
 */
#include "fuzz.h"

#include <setjmp.h>
#include <sys/mman.h>

#define B(e)	(1ULL << (e))
#define OK	B(0)

#define ROPS(X) \
	X(CREATE) X(FREE) X(OPEN) X(READ) X(WRITE) X(MMAP) X(TOUCH) X(WIDTH) \
	X(SYNC) X(BIND) X(UNBIND) X(DMA) X(LAYOUT) X(RMMOD) X(INSMOD) X(CTL)
#define X_ENUM(n) R_##n,
#define X_NAME(n) #n,
enum { ROPS(X_ENUM) NR_ROPS };
static const char *const rop_names[] = { ROPS(X_NAME) };

#define NPROC	3
struct shared {
	volatile int stop, go;
	int ready;
	uint64_t iters[NPROC];
	uint64_t cnt[NPROC][NR_ROPS][NR_ERRS];
	uint64_t nfail[NPROC];
	char fail[NPROC][4][240];
	uint64_t extra[NPROC];	/* race-specific counter (e.g. unloads) */
};
static struct shared *sh;
static int me;			/* process index: 0 main, 1-2 helpers */
static struct machine mach;

static void failf(const char *fmt, ...)
{
	uint64_t n = sh->nfail[me]++;
	va_list ap;

	if (n >= 4)
		return;
	va_start(ap, fmt);
	vsnprintf(sh->fail[me][n], sizeof(sh->fail[me][n]), fmt, ap);
	va_end(ap);
}

/* Check one result against the allowed errnos (bit 0: success). */
static long chk(int op, long ret, uint64_t allowed, const char *what)
{
	int e = ret < 0 ? errno : 0;
	char why[200];

	sh->cnt[me][op][err_bucket(e)]++;
	if (e >= 64 || !(allowed & B(e))) {
		if (read_small(MS_DIR "/last_error", why, sizeof(why)) < 0)
			why[0] = '\0';
		why[strcspn(why, "\n")] = '\0';
		failf("%s: %s: unexpected %s (last_error: %s)", rop_names[op],
		      what, e ? errname(e) : "success", why);
	}
	errno = e;
	return ret;
}

static int chk_ctl(int op, uint64_t allowed, const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	int n, ret;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	cmd[n++] = '\n';
	cmd[n] = '\0';
	ret = write_str(MS_DIR "/control", cmd, n);
	errno = -ret;
	chk(op, ret ? -1 : 0, allowed, cmd);
	return ret;
}

static sigjmp_buf touch_env;
static volatile sig_atomic_t in_touch;

static void on_fault(int sig)
{
	if (in_touch)
		siglongjmp(touch_env, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One 32-bit load; returns 0 and the value, or the signal. */
static int load32(volatile uint32_t *p, uint32_t *val)
{
	int sig = sigsetjmp(touch_env, 1);

	if (sig) {
		in_touch = 0;
		return sig;
	}
	in_touch = 1;
	*val = *p;
	in_touch = 0;
	return 0;
}

static ssize_t read_all(const char *path, char *buf, size_t len, int op,
			uint64_t open_ok, uint64_t read_ok)
{
	ssize_t n, got = 0;
	int fd = chk(R_OPEN, open(path, O_RDONLY), open_ok, path);

	if (fd < 0)
		return -1;
	do {
		n = chk(op, read(fd, buf + got, len - 1 - got), read_ok, path);
		if (n > 0)
			got += n;
	} while (n > 0 && (size_t)got < len - 1);
	buf[got] = '\0';
	close(fd);
	return n < 0 ? -1 : got;
}

/* --------------------------------------------------------------- races */

static uint32_t hpet_ref;

/* free vs regs/data reads vs page faults */
static const char *const fr_make[] = {
	"map rc-fr 0xfed00000 0x1000", "alloc rc-fr vmalloc 8K",
	"alloc rc-fr pages 8K",
};

/* Create NAME with cmd, then free it (retrying while it is busy). */
static int create_free(const char *cmd, const char *name)
{
	int ret;

	if (chk_ctl(R_CREATE, OK, "%s", cmd))
		return -1;
	do {
		ret = chk_ctl(R_FREE, OK | B(EBUSY), "free %s", name);
	} while (ret == -EBUSY && !sh->stop);
	return ret && ret != -EBUSY ? -1 : 0;
}

static void free_read_main(void)
{
	uint64_t i;

	for (i = 0; !sh->stop; i++) {
		if (create_free(fr_make[i % 3], "rc-fr"))
			break;
		sh->iters[me]++;
	}
}

static void free_read_regs(void)
{
	char buf[256], want[32];

	snprintf(want, sizeof(want), "00000000: %08x\n", hpet_ref);
	while (!sh->stop) {
		int fd = chk(R_OPEN, open(MS_DIR "/rc-fr/regs", O_RDONLY),
			     OK | B(ENOENT) | B(ENODEV), "rc-fr/regs");
		ssize_t n;

		if (fd >= 0) {
			n = chk(R_READ, read(fd, buf, 19), OK, "rc-fr/regs");
			if (n == 19 && memcmp(buf, want, 19))
				failf("regs: read '%.18s', want '%.18s'", buf, want);
			close(fd);
		}
		fd = chk(R_OPEN, open(MS_DIR "/rc-fr/data", O_RDONLY),
			 OK | B(ENOENT) | B(ENODEV), "rc-fr/data");
		if (fd >= 0) {
			chk(R_READ, pread(fd, buf, 64, 0), OK, "rc-fr/data");
			close(fd);
		}
		sh->iters[me]++;
	}
}

static void free_read_fault(void)
{
	while (!sh->stop) {
		int fd = chk(R_OPEN, open(MS_DIR "/rc-fr/data", O_RDONLY),
			     OK | B(ENOENT) | B(ENODEV), "rc-fr/data");
		void *map;
		uint32_t v;
		int sig;

		if (fd < 0) {
			sh->iters[me]++;
			continue;
		}
		map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);	/* the mapping keeps the file */
		if (chk(R_MMAP, map == MAP_FAILED ? -1 : 0, OK, "rc-fr/data") < 0)
			continue;
		sig = load32(map, &v);
		errno = sig == SIGBUS ? EFAULT : EACCES;
		chk(R_TOUCH, sig ? -1 : 0, OK, "first word of rc-fr");
		munmap(map, 4096);
		sh->iters[me]++;
	}
}

/* unbind vs stream sync */
static void unbind_sync_main(void)
{
	uint64_t i;

	for (i = 0; !sh->stop; i++) {
		int ret = edu_bind(&mach);

		errno = -ret;
		chk(R_BIND, ret ? -1 : 0, OK, "driver_override + drivers_probe");
		chk_ctl(R_DMA, OK, "dma rc-s %s stream 4K bidirectional", mach.edu);
		/* Let the helpers at it for a moment, every few rounds. */
		if (i % 4 == 0)
			usleep(1000);
		ret = edu_unbind(&mach);
		errno = -ret;
		chk(R_UNBIND, ret ? -1 : 0, OK, "unbind");
		sh->iters[me]++;
	}
}

static void unbind_sync_syncer(void)
{
	uint64_t k = 0;

	while (!sh->stop) {
		chk_ctl(R_SYNC, OK | B(ENOENT) | B(EINVAL), "sync rc-s %s",
			k++ & 1 ? "device" : "cpu");
		sh->iters[me]++;
	}
}

static void unbind_sync_data(void)
{
	unsigned char pat[64], back[64];
	uint64_t k = 0;
	const uint64_t dead = OK | B(EBUSY) | B(EIO) | B(ENODEV);

	while (!sh->stop) {
		int fd = chk(R_OPEN, open(MS_DIR "/rc-s/data", O_RDWR),
			     OK | B(ENOENT) | B(ENODEV), "rc-s/data");
		ssize_t w, r;
		int i;

		sh->iters[me]++;
		if (fd < 0)
			continue;
		for (i = 0; i < 64; i++)
			pat[i] = k * 7 + i;
		k++;
		w = chk(R_WRITE, pwrite(fd, pat, 64, 0), dead, "rc-s/data");
		r = chk(R_READ, pread(fd, back, 64, 0), dead, "rc-s/data");
		if (w == 64 && r == 64 && memcmp(pat, back, 64))
			failf("rc-s: read back %02x%02x%02x%02x..., wrote %02x%02x%02x%02x...",
			      back[0], back[1], back[2], back[3], pat[0], pat[1],
			      pat[2], pat[3]);
		close(fd);
	}
}

/* width vs data */
static unsigned char width_ref[9][8];	/* the 8 bytes at 0 for width 1, 2, 4, 8 */

static int set_width(int fd, unsigned int w)
{
	char s[4];
	int n = snprintf(s, sizeof(s), "%u\n", w);

	return pwrite(fd, s, n, 0) == n ? 0 : -errno;
}

static int width_setup(void)
{
	static const unsigned int ws[] = { 1, 2, 4, 8 };
	unsigned int i;
	int wfd, dfd, ret = 0;

	if (ms_ctl("map rc-w %#llx 0x1000", (unsigned long long)mach.bar0))
		return -1;
	for (i = 0; i < 4 && !ret; i++) {
		wfd = open(MS_DIR "/rc-w/width", O_RDWR);
		if (wfd < 0 || set_width(wfd, ws[i]))
			ret = -1;
		if (wfd >= 0)
			close(wfd);
		dfd = open(MS_DIR "/rc-w/data", O_RDONLY);
		if (dfd < 0 || pread(dfd, width_ref[ws[i]], 8, 0) != 8)
			ret = -1;
		if (dfd >= 0)
			close(dfd);
	}
	return ret;
}

/*
 * Change the width, then read through data: only this process changes
 * it, so after a change that succeeded the bytes must be that width's.
 */
static void width_main(void)
{
	static const unsigned int ws[] = { 1, 2, 4, 8 };
	int fd = chk(R_OPEN, open(MS_DIR "/rc-w/width", O_RDWR), OK, "rc-w/width");
	unsigned char buf[8];
	uint64_t i, changed = 0;

	if (fd < 0)
		return;
	for (i = 0; !sh->stop; i++) {
		unsigned int w = ws[(i * 7 + i / 4) % 4];
		int ret = set_width(fd, w), dfd;

		errno = -ret;
		if (chk(R_WIDTH, ret ? -1 : 0, OK | B(EBUSY), "rc-w/width") == 0)
			changed++;
		dfd = chk(R_OPEN, open(MS_DIR "/rc-w/data", O_RDONLY), OK, "rc-w/data");
		if (dfd >= 0) {
			if (chk(R_READ, pread(dfd, buf, 8, 0), OK, "rc-w/data") == 8 &&
			    !ret && memcmp(buf, width_ref[w], 8))
				failf("width %u set, but data reads %02x%02x%02x%02x%02x%02x%02x%02x",
				      w, buf[0], buf[1], buf[2], buf[3], buf[4],
				      buf[5], buf[6], buf[7]);
			close(dfd);
		}
		sh->iters[me]++;
	}
	sh->extra[0] = changed;
	close(fd);
}

static void width_reader(void)
{
	unsigned char buf[8];

	while (!sh->stop) {
		int fd = chk(R_OPEN, open(MS_DIR "/rc-w/data", O_RDONLY), OK,
			     "rc-w/data");
		ssize_t n;

		if (fd < 0)
			break;
		n = chk(R_READ, pread(fd, buf, 8, 0), OK, "rc-w/data");
		if (n == 8 && memcmp(buf, width_ref[1], 8) &&
		    memcmp(buf, width_ref[2], 8) && memcmp(buf, width_ref[4], 8) &&
		    memcmp(buf, width_ref[8], 8))
			failf("rc-w/data: %02x%02x%02x%02x%02x%02x%02x%02x matches no width",
			      buf[0], buf[1], buf[2], buf[3], buf[4], buf[5],
			      buf[6], buf[7]);
		close(fd);
		sh->iters[me]++;
	}
}

static void width_mapper(void)
{
	uint32_t want;

	memcpy(&want, width_ref[4], 4);
	while (!sh->stop) {
		int fd = chk(R_OPEN, open(MS_DIR "/rc-w/data", O_RDONLY), OK,
			     "rc-w/data");
		void *map;
		uint32_t v;
		int sig;

		if (fd < 0)
			break;
		map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (chk(R_MMAP, map == MAP_FAILED ? -1 : 0, OK, "rc-w/data") < 0)
			continue;
		sig = load32(map, &v);
		errno = sig == SIGBUS ? EFAULT : EACCES;
		if (chk(R_TOUCH, sig ? -1 : 0, OK, "rc-w mapping") == 0 && v != want)
			failf("rc-w mapping: %#x, want %#x", v, want);
		munmap(map, 4096);
		sh->iters[me]++;
	}
}

/* layout vs free */
static const char *const lf_make[] = {
	"alloc rc-l kmalloc 100", "alloc rc-l vmalloc 12K", "alloc rc-l pages 8K",
	"alloc rc-l slab 192", "map rc-l 0xfed00000 0x400", "alloc rc-l kzalloc 4K",
};

static void layout_main(void)
{
	uint64_t i;

	for (i = 0; !sh->stop; i++) {
		if (create_free(lf_make[i % 6], "rc-l"))
			break;
		sh->iters[me]++;
	}
}

static void layout_reader(void)
{
	static char buf[65536];
	uint64_t k = 0;

	while (!sh->stop) {
		const char *f = k++ % 3 ? MS_DIR "/layout" : MS_DIR "/regions";

		if (read_all(f, buf, sizeof(buf), R_LAYOUT, OK, OK) >= 0 &&
		    f[sizeof(MS_DIR)] == 'l' && !strstr(buf, "memscope holds"))
			failf("layout has no memscope section: '%.60s'", buf);
		sh->iters[me]++;
	}
}

static void layout_info(void)
{
	static char buf[4096];

	while (!sh->stop) {
		if (read_all(MS_DIR "/rc-l/info", buf, sizeof(buf), R_READ,
			     OK | B(ENOENT) | B(ENODEV), OK) >= 0 &&
		    strncmp(buf, "name: rc-l\n", 11))
			failf("rc-l/info: '%.40s'", buf);
		sh->iters[me]++;
	}
}

/* bind vs free of the BAR region the bind publishes */
static void bind_free_main(void)
{
	while (!sh->stop) {
		int ret = edu_bind(&mach);

		errno = -ret;
		chk(R_BIND, ret ? -1 : 0, OK, "driver_override + drivers_probe");
		ret = edu_unbind(&mach);
		errno = -ret;
		chk(R_UNBIND, ret ? -1 : 0, OK, "unbind");
		sh->iters[me]++;
	}
}

static void bind_free_freer(void)
{
	while (!sh->stop) {
		chk_ctl(R_FREE, OK | B(ENOENT), "free %s", mach.bar_name);
		sh->iters[me]++;
	}
}

/*
 * Only edu's BAR0 is ever a BAR region here: the count is 0 or 1 at every
 * moment, and the bytes match it (a region counted after it was freed
 * shows as -1 for a moment).
 */
static void bind_free_counter(void)
{
	static char buf[65536];
	const char *line;
	long long objects, bytes;

	while (!sh->stop) {
		sh->iters[me]++;
		if (read_all(MS_DIR "/layout", buf, sizeof(buf), R_LAYOUT, OK, OK) < 0)
			continue;
		line = strstr(buf, "|  bar ");
		if (!line || sscanf(line, "|  bar objects %lld bytes %lld",
				    &objects, &bytes) != 2) {
			failf("layout has no bar count: '%.60s'", line ? line : buf);
			continue;
		}
		if (objects < 0 || objects > 1 ||
		    bytes != objects * (long long)mach.bar0_size)
			failf("layout counts %lld BAR regions of %lld bytes (BAR0 is %llu)",
			      objects, bytes, (unsigned long long)mach.bar0_size);
	}
}

/* rmmod vs open files */
static void rmmod_main(void)
{
	while (!sh->stop) {
		int ret = ms_rmmod();

		errno = -ret;
		chk(R_RMMOD, ret ? -1 : 0, OK | B(EBUSY) | B(EAGAIN), "rmmod");
		if (ret)
			usleep(200);
		if (!ret) {
			sh->extra[0]++;
			ret = ms_insmod(&mach);
			errno = -ret;
			if (chk(R_INSMOD, ret ? -1 : 0, OK, mach.ko) < 0)
				break;
		}
		sh->iters[me]++;
	}
}

static void rmmod_user(void)
{
	static const char *const files[] = {
		MS_DIR "/control", MS_DIR "/regions", MS_DIR "/layout",
		MS_DIR "/last_error", MS_DIR "/rc-m/info", MS_DIR "/rc-m/data",
	};
	const uint64_t open_ok = OK | B(ENOENT) | B(ENODEV) | B(ENXIO);
	char buf[512];
	uint64_t k = me * 7;

	while (!sh->stop) {
		const char *f = files[k++ % 6];
		int fd;

		/* Leave gaps, or the module would never be free to go. */
		if (k % 4 == 0)
			usleep(1000 + (k * 337) % 3000);
		fd = chk(R_OPEN, open(f, O_RDWR), open_ok, f);
		sh->iters[me]++;
		if (fd < 0)
			continue;
		if (strstr(f, "control")) {
			/* The module is pinned while open: commands work. */
			chk(R_CTL, write(fd, "alloc rc-m kmalloc 64\n", 22),
			    OK | B(EEXIST), "alloc rc-m");
		} else {
			chk(R_READ, read(fd, buf, sizeof(buf)), OK, f);
		}
		close(fd);
	}
}

/* ---------------------------------------------------------- the driver */

struct race {
	const char *name;
	int needs_edu, needs_ko;
	int (*setup)(void);
	void (*proc[NPROC])(void);
	const char *what[NPROC];	/* what one loop of each process is */
};

static int no_setup(void)
{
	return 0;
}

static int free_read_setup(void)
{
	int fd;

	if (ms_ctl("map rc-ref 0xfed00000 0x400"))
		return -1;
	fd = open(MS_DIR "/rc-ref/data", O_RDONLY);
	if (fd < 0 || pread(fd, &hpet_ref, 4, 0) != 4)
		return -1;
	close(fd);
	return ms_ctl("free rc-ref");
}

static const struct race races[] = {
	{ "free-read", 0, 0, free_read_setup,
	  { free_read_main, free_read_regs, free_read_fault },
	  { "create+free", "regs+data reads", "mmap+faults" } },
	{ "unbind-sync", 1, 0, no_setup,
	  { unbind_sync_main, unbind_sync_syncer, unbind_sync_data },
	  { "bind+dma+unbind", "syncs", "data writes+reads" } },
	{ "width-data", 1, 0, width_setup,
	  { width_main, width_reader, width_mapper },
	  { "width changes+reads", "data reads", "mmap+loads" } },
	{ "layout-free", 0, 0, no_setup,
	  { layout_main, layout_reader, layout_info },
	  { "create+free", "layout/regions reads", "info reads" } },
	{ "rmmod-open", 0, 1, no_setup,
	  { rmmod_main, rmmod_user, rmmod_user },
	  { "rmmod(+insmod)", "opens", "opens" } },
	{ "bind-free", 1, 0, no_setup,
	  { bind_free_main, bind_free_freer, bind_free_counter },
	  { "bind+unbind", "frees of BAR0", "layout reads" } },
};
#define NR_RACES (sizeof(races) / sizeof(races[0]))

/* Leave memscope as a race found it: loaded, no rc-* regions, edu free. */
static void race_cleanup(void)
{
	static const char *const names[] = {
		"rc-fr", "rc-ref", "rc-s", "rc-w", "rc-l", "rc-m",
	};
	unsigned int i;

	if (!memscope_loaded())
		ms_insmod(&mach);
	if (mach.edu[0]) {
		char path[300];

		if (edu_bound(&mach))
			edu_unbind(&mach);
		snprintf(path, sizeof(path), "%s/driver_override", mach.edu_dir);
		write_str(path, "\n", 1);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ms_ctl("free %s", names[i]);
}

static uint64_t total_iters(void)
{
	uint64_t t = 0;
	int p;

	for (p = 0; p < NPROC; p++)
		t += sh->iters[p];
	return t;
}

static int run_race(const struct race *rc, uint64_t n, unsigned int limit)
{
	pid_t pids[NPROC] = { 0 };
	uint64_t least = n / 100 ? n / 100 : 1;
	double t0 = 0, t;
	int p, o, e, failed = 0;

	memset(sh, 0, sizeof(*sh));
	if (rc->needs_edu && !mach.edu[0]) {
		printf("# race %s: no edu device\nrace %s: FAIL\n", rc->name, rc->name);
		return 1;
	}
	if (rc->needs_ko && !mach.ko[0]) {
		printf("# race %s: MEMSCOPE_KO not set\nrace %s: FAIL\n", rc->name,
		       rc->name);
		return 1;
	}
	race_cleanup();
	if (rc->setup()) {
		printf("# race %s: setup failed (%s)\nrace %s: FAIL\n", rc->name,
		       errname(errno), rc->name);
		race_cleanup();
		return 1;
	}
	for (p = 0; p < NPROC; p++) {
		fflush(NULL);
		pids[p] = fork();
		if (pids[p] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[p])
			continue;
		me = p;
		signal(SIGBUS, on_fault);
		signal(SIGSEGV, on_fault);
		__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
		while (!sh->go)
			usleep(1000);
		rc->proc[p]();
		_exit(0);
	}
	/* All three start together. */
	while (__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST) < NPROC)
		usleep(1000);
	t0 = now_s();
	sh->go = 1;

	/* Until enough iterations, each process its share; then stop all. */
	for (;;) {
		int status, alive = 0, short_one = 0;

		for (p = 0; p < NPROC; p++) {
			if (!pids[p])
				continue;
			if (waitpid(pids[p], &status, WNOHANG) == pids[p]) {
				if (WIFSIGNALED(status) || WEXITSTATUS(status) ||
				    !sh->stop) {
					printf("# race %s: process %d ended early (%s %d)\n",
					       rc->name, p, WIFSIGNALED(status) ?
					       "signal" : "status", WIFSIGNALED(status) ?
					       WTERMSIG(status) : WEXITSTATUS(status));
					failed = 1;
					sh->stop = 1;
				}
				pids[p] = 0;
				continue;
			}
			alive++;
		}
		if (!alive)
			break;
		for (p = 0; p < NPROC; p++)
			short_one |= sh->iters[p] < least;
		if (!sh->stop && total_iters() >= n && !short_one)
			sh->stop = 1;
		t = now_s() - t0;
		if (t > limit && !sh->stop) {
			printf("# race %s: time limit %u s reached\n", rc->name, limit);
			failed = 1;
			sh->stop = 1;
		}
		if (t > limit + 60) {
			for (p = 0; p < NPROC; p++)
				if (pids[p]) {
					printf("# race %s: process %d hangs\n", rc->name, p);
					kill(pids[p], SIGKILL);
				}
			failed = 1;
		}
		usleep(20000);
	}
	t = now_s() - t0;

	printf("# race %s: %llu iterations in %.1f s (%.0f/s): %llu %s, %llu %s, %llu %s",
	       rc->name, (unsigned long long)total_iters(), t, total_iters() / t,
	       (unsigned long long)sh->iters[0], rc->what[0],
	       (unsigned long long)sh->iters[1], rc->what[1],
	       (unsigned long long)sh->iters[2], rc->what[2]);
	if (sh->extra[0])
		printf("; %llu %s", (unsigned long long)sh->extra[0],
		       !strcmp(rc->name, "rmmod-open") ? "unloads" : "changes");
	printf("\n");
	for (o = 0; o < NR_ROPS; o++) {
		uint64_t tot = 0, c[NR_ERRS] = { 0 };

		for (p = 0; p < NPROC; p++)
			for (e = 0; e < NR_ERRS; e++) {
				c[e] += sh->cnt[p][o][e];
				tot += sh->cnt[p][o][e];
			}
		if (!tot)
			continue;
		printf("#   %-7s %8llu  ok:%llu", rop_names[o],
		       (unsigned long long)tot, (unsigned long long)c[0]);
		for (e = 1; e < NR_ERRS; e++)
			if (c[e])
				printf(" %s:%llu", bucket_name(e), (unsigned long long)c[e]);
		printf("\n");
	}
	if (total_iters() < n) {
		printf("# race %s: only %llu of %llu iterations\n", rc->name,
		       (unsigned long long)total_iters(), (unsigned long long)n);
		failed = 1;
	}
	for (p = 0; p < NPROC; p++) {
		uint64_t i;

		if (sh->iters[p] < least) {
			printf("# race %s: process %d did only %llu loops\n", rc->name,
			       p, (unsigned long long)sh->iters[p]);
			failed = 1;
		}
		for (i = 0; i < sh->nfail[p] && i < 4; i++)
			printf("# race %s: process %d: %s\n", rc->name, p, sh->fail[p][i]);
		if (sh->nfail[p]) {
			printf("# race %s: process %d: %llu failures in all\n", rc->name,
			       p, (unsigned long long)sh->nfail[p]);
			failed = 1;
		}
	}
	race_cleanup();
	printf("race %s: %s\n", rc->name, failed ? "FAIL" : "ok");
	return failed;
}

static void usage(void)
{
	fprintf(stderr, "usage: memscope-race [-i ITERATIONS] [-t SECONDS] RACE...\n"
		"       memscope-race -l\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long n = 10000, limit = 900;
	int opt, i, failed = 0;
	unsigned int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "i:t:l")) != -1) {
		switch (opt) {
		case 'i':
			if (parse_u64(optarg, &n) || !n)
				usage();
			break;
		case 't':
			if (parse_u64(optarg, &limit) || !limit)
				usage();
			break;
		case 'l':
			for (r = 0; r < NR_RACES; r++)
				printf("%s\n", races[r].name);
			return 0;
		default:
			usage();
		}
	}
	if (optind == argc)
		usage();
	machine_probe(&mach);
	if (!memscope_loaded()) {
		fprintf(stderr, "memscope-race: %s is missing\n", MS_DIR);
		return 1;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	for (i = optind; i < argc; i++) {
		for (r = 0; r < NR_RACES; r++)
			if (!strcmp(argv[i], races[r].name))
				break;
		if (r == NR_RACES) {
			fprintf(stderr, "memscope-race: no race '%s' (-l lists them)\n",
				argv[i]);
			return 2;
		}
		failed |= run_race(&races[r], n, limit);
	}
	return failed;
}
