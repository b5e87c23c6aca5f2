/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared bits of memscope-fuzz and memscope-race (guest helpers, static):
 * a seeded generator, errno buckets, the machine's targets (edu, its BAR,
 * COM2's scratch register) and small file helpers.
 *
 * What may be written (the rule both tools follow): kernel memory regions
 * anywhere, COM2's scratch register (port 0x2ff, one byte) and edu's BAR0
 * at offsets 0x04 and 0x08 only. Never the console UART (0x3f8-0x3ff),
 * edu's DMA (0x80-0x98) or interrupt (0x20, 0x60, 0x64) registers, never
 * lockdown.
 */
#ifndef MEMSCOPE_GUEST_FUZZ_H
#define MEMSCOPE_GUEST_FUZZ_H

#include "common.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS_DIR		"/sys/kernel/debug/memscope"
#define PCI_DEVS	"/sys/bus/pci/devices"
#define MS_PCI_DRV	"/sys/bus/pci/drivers/memscope"
#define SCRATCH_PORT	0x2ffULL
#define CONSOLE_LO	0x3f8ULL
#define CONSOLE_HI	0x3ffULL

/* xorshift64*, seeded through splitmix64 so that close seeds diverge. */
static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct rng {
	uint64_t s;
};

static inline void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed * 0x100000001b3ULL + stream;

	r->s = splitmix64(&x) | 1;
}

static inline uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n); 0 when n is 0. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* True with probability pct percent. */
static inline int rng_pct(struct rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}

#define RNG_PICK(r, arr) ((arr)[rng_below((r), sizeof(arr) / sizeof((arr)[0]))])

/*
 * Errno buckets for histograms: 0 success, 1..133 errnos, then the
 * kernel-internal codes 512..537 that must never reach user space, and
 * one bucket for anything else.
 */
#define NR_ERRS		(134 + 26 + 1)
static inline unsigned int err_bucket(int e)
{
	if (e >= 0 && e < 134)
		return e;
	if (e >= 512 && e < 538)
		return 134 + e - 512;
	return NR_ERRS - 1;
}

static inline int bucket_errno(unsigned int b)
{
	if (b < 134)
		return b;
	if (b < 160)
		return 512 + b - 134;
	return -1;
}

static inline const char *bucket_name(unsigned int b)
{
	static char buf[24];

	if (b == 0)
		return "ok";
	if (b == NR_ERRS - 1)
		return "E?";
	switch (bucket_errno(b)) {
	case 513: return "ERESTARTNOINTR";
	case 514: return "ERESTARTNOHAND";
	case 515: return "ENOIOCTLCMD";
	case 516: return "ERESTART_RESTARTBLOCK";
	case 517: return "EPROBE_DEFER";
	case 518: return "EOPENSTALE";
	case 519: return "ENOPARAM";
	case 521: return "EBADHANDLE";
	case 523: return "EBADCOOKIE";
	case 525: return "ETOOSMALL";
	case 526: return "ESERVERFAULT";
	case 527: return "EBADTYPE";
	case 528: return "EJUKEBOX";
	case 529: return "EIOCBQUEUED";
	case 530: return "ERECALLCONFLICT";
	}
	snprintf(buf, sizeof(buf), "%s", errname(bucket_errno(b)));
	return buf;
}

/* A kernel-internal errno reached user space: always a defect. */
static inline int err_is_internal(int e)
{
	return e >= 512;
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read a small file into buf (NUL-terminated); length or -errno. */
static inline int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY), e;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	return n;
}

/* One open + one write(2) + close; 0 or -errno (short writes are 0). */
static inline int write_str(const char *path, const char *s, size_t len)
{
	int fd = open(path, O_WRONLY), e = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, len) < 0)
		e = -errno;
	close(fd);
	return e;
}

/* The machine: edu's PCI name, sysfs directory, BAR0, BAR region name. */
struct machine {
	char edu[64];		/* "0000:00:03.0", empty without edu */
	char edu_dir[160];	/* /sys/bus/pci/devices/0000:00:03.0 */
	char bar_name[32];	/* "00-03-0-bar0" */
	uint64_t bar0, bar0_size;
	unsigned int phys_bits;	/* from /proc/cpuinfo, 36 if unknown */
	char ko[256];		/* $MEMSCOPE_KO, empty if unset */
};

static inline int hexfile_is(const char *dir, const char *file, const char *want)
{
	char path[320], buf[32];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	return !strncmp(buf, want, strlen(want));
}

static inline void machine_probe(struct machine *m)
{
	struct dirent *de;
	char buf[4096], *p;
	DIR *d;

	memset(m, 0, sizeof(*m));
	m->phys_bits = 36;
	if (read_small("/proc/cpuinfo", buf, sizeof(buf)) > 0 &&
	    (p = strstr(buf, "address sizes")) && (p = strchr(p, ':')))
		m->phys_bits = strtoul(p + 1, NULL, 10) ?: 36;
	if (getenv("MEMSCOPE_KO"))
		snprintf(m->ko, sizeof(m->ko), "%s", getenv("MEMSCOPE_KO"));

	d = opendir(PCI_DEVS);
	while (d && (de = readdir(d))) {
		char dir[300];

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", PCI_DEVS, de->d_name);
		if (!hexfile_is(dir, "vendor", "0x1234") ||
		    !hexfile_is(dir, "device", "0x11e8"))
			continue;
		snprintf(m->edu, sizeof(m->edu), "%.63s", de->d_name);
		snprintf(m->edu_dir, sizeof(m->edu_dir), "%.159s", dir);
		break;
	}
	if (d)
		closedir(d);
	if (m->edu[0]) {
		char path[200];
		unsigned long long start = 0, end = 0;
		const char *s = strchr(m->edu, ':');
		size_t i, j = 0;

		snprintf(path, sizeof(path), "%s/resource", m->edu_dir);
		if (read_small(path, buf, sizeof(buf)) > 0 &&
		    sscanf(buf, "%llx %llx", &start, &end) == 2 && end > start) {
			m->bar0 = start;
			m->bar0_size = end - start + 1;
		}
		/* 0000:00:03.0 -> 00-03-0-bar0 */
		s = s ? s + 1 : m->edu;
		for (i = 0; s[i] && j < sizeof(m->bar_name) - 6; i++)
			m->bar_name[j++] = (s[i] == ':' || s[i] == '.') ? '-' : s[i];
		snprintf(m->bar_name + j, sizeof(m->bar_name) - j, "-bar0");
	}
}

/* Is memscope loaded (its debugfs directory present)? */
static inline int memscope_loaded(void)
{
	struct stat st;

	return !stat(MS_DIR "/control", &st);
}

static inline int ms_rmmod(void)
{
	return syscall(SYS_delete_module, "memscope", O_NONBLOCK) ? -errno : 0;
}

static inline int ms_insmod(const struct machine *m)
{
	int fd, ret = 0;

	if (!m->ko[0])
		return -ENOENT;
	fd = open(m->ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		ret = -errno;
	close(fd);
	return ret;
}

/* Write a control command with one write(2) on a fresh descriptor. */
static inline int ms_ctl(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(cmd) - 1)
		return -E2BIG;
	cmd[n++] = '\n';
	return write_str(MS_DIR "/control", cmd, n);
}

/* Bind edu to memscope (driver_override + drivers_probe); 0 or -errno. */
static inline int edu_bind(const struct machine *m)
{
	char path[300];
	int ret;

	snprintf(path, sizeof(path), "%s/driver_override", m->edu_dir);
	ret = write_str(path, "memscope\n", 9);
	if (ret)
		return ret;
	return write_str("/sys/bus/pci/drivers_probe", m->edu, strlen(m->edu));
}

static inline int edu_unbind(const struct machine *m)
{
	return write_str(MS_PCI_DRV "/unbind", m->edu, strlen(m->edu));
}

static inline int edu_bound(const struct machine *m)
{
	char path[300], link[300];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", m->edu_dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	return strstr(link, "/memscope") != NULL;
}

#endif /* MEMSCOPE_GUEST_FUZZ_H */
