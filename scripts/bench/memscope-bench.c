// SPDX-License-Identifier: GPL-2.0
/*
 * memscope-bench - time one memscope path against its anchor, in the guest.
 *
 *   memscope-bench data DATA_FILE RESOURCE_FILE
 *	pread() of DATA_FILE (a BAR window) to EOF against volatile 32-bit
 *	loads through an mmap of sysfs RESOURCE_FILE (P1)
 *   memscope-bench regs REGS_FILE PHYS N
 *	one `cat REGS_FILE` of N registers against N runs of busybox
 *	`devmem PHYS+4*i 32`, a process per access (P2)
 *   memscope-bench vmalloc DATA_FILE LEN
 *	read() of LEN bytes of a vmalloc region against memcpy() from an mmap
 *	of the same DATA_FILE (debugfs files have no size) (P3)
 *   memscope-bench ops OPS_FILE BARE_FILE
 *	one write of a program of 1024 "r 0" lines against the bare in-kernel
 *	loop of 1024 ioread32() that BARE_FILE (memscope_bench.ko) times (P4)
 *   memscope-bench trace REGS_FILE EVENTS_ENABLE
 *	one `cat REGS_FILE` with memscope's trace events off, then on (P5)
 *
 * Each side runs REPEAT times and the best time is kept (the guest has one
 * vCPU under TCG; the minimum is the least disturbed). Prints one line,
 * "MEMSCOPE_NS ANCHOR_NS": it measures, it does not judge.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPEAT 5

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die(path);
	return fd;
}

/* Read a whole file with read(): `regs` is a stream and cannot be seeked. */
static size_t read_all(const char *path, char *buf, size_t len)
{
	int fd = open_or_die(path, O_RDONLY);
	size_t total = 0;
	ssize_t n = 0;

	while (total < len && (n = read(fd, buf + total, len - total)) > 0)
		total += n;
	if (n < 0)
		die(path);
	close(fd);
	return total;
}

static off_t file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		die(path);
	return st.st_size;
}

static void write_file(const char *path, const char *text)
{
	int fd = open_or_die(path, O_WRONLY);

	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

static void devmem(unsigned long addr)
{
	char arg[32];
	pid_t pid;
	int status;

	snprintf(arg, sizeof(arg), "0x%lx", addr);
	pid = fork();
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execlp("devmem", "devmem", arg, "32", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "devmem %s failed\n", arg);
		exit(1);
	}
}

#define BEST(var, expr) do {					\
	double _t = now_ns();					\
	expr;							\
	_t = now_ns() - _t;					\
	if (_t < (var))						\
		(var) = _t;					\
} while (0)

static void bench_data(const char *data, const char *resource)
{
	size_t len = file_size(resource), i;
	double mem = 1e18, anchor = 1e18;
	volatile uint32_t *map;
	uint32_t sum = 0;
	char *buf = malloc(len);
	int fd, r;

	fd = open_or_die(resource, O_RDONLY | O_SYNC);
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (!buf || map == MAP_FAILED)
		die("mmap resource");
	for (r = 0; r < REPEAT; r++) {
		BEST(mem, if (read_all(data, buf, len) != len) {
			fprintf(stderr, "%s: short read\n", data);
			exit(1);
		});
		BEST(anchor, for (i = 0; i < len / 4; i++) sum += map[i]);
	}
	printf("%.0f %.0f\n", mem, anchor);
	fprintf(stderr, "checksum %08x\n", sum);
}

static void bench_regs(const char *regs, unsigned long phys, unsigned long n)
{
	double mem = 1e18, anchor = 1e18;
	char *buf = malloc(65536);
	unsigned long i;
	int r;

	for (r = 0; r < REPEAT; r++) {
		BEST(mem, if (read_all(regs, buf, 65536) !=
			      n * strlen("00000000: 00000000\n")) {
			fprintf(stderr, "%s: not %lu lines\n", regs, n);
			exit(1);
		});
		BEST(anchor, for (i = 0; i < n; i++) devmem(phys + 4 * i));
	}
	printf("%.0f %.0f\n", mem, anchor);
}

static void bench_vmalloc(const char *data, size_t len)
{
	double mem = 1e18, anchor = 1e18;
	char *buf = malloc(len), *map;
	int fd, r;

	fd = open_or_die(data, O_RDONLY);
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (!buf || map == MAP_FAILED)
		die("mmap data");
	memset(buf, 1, len);	/* fault the buffer in before timing */
	for (r = 0; r < REPEAT; r++) {
		BEST(mem, if (read_all(data, buf, len) != len) {
			fprintf(stderr, "%s: short read\n", data);
			exit(1);
		});
		BEST(anchor, memcpy(buf, map, len));
	}
	printf("%.0f %.0f\n", mem, anchor);
}

static void bench_ops(const char *ops, const char *bare)
{
	double mem = 1e18, anchor;
	char prog[4097], line[64];
	int fd, r, i;

	for (i = 0; i < 1024; i++)
		memcpy(prog + 4 * i, "r 0\n", 4);
	prog[4096] = '\0';
	fd = open_or_die(ops, O_WRONLY);
	for (r = 0; r < REPEAT; r++)
		BEST(mem, if (write(fd, prog, 4096) != 4096) die(ops));
	close(fd);
	if (!read_all(bare, line, sizeof(line) - 1))
		die(bare);
	anchor = strtod(line, NULL);
	printf("%.0f %.0f\n", mem, anchor);
}

static void bench_trace(const char *regs, const char *enable)
{
	double on = 1e18, off = 1e18;
	char *buf = malloc(65536);
	int r;

	/* Interleaved, so that drift hits both sides alike. */
	for (r = 0; r < REPEAT; r++) {
		write_file(enable, "0");
		BEST(off, read_all(regs, buf, 65536));
		write_file(enable, "1");
		BEST(on, read_all(regs, buf, 65536));
	}
	write_file(enable, "0");
	printf("%.0f %.0f\n", on, off);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "data") && argc == 4)
		bench_data(argv[2], argv[3]);
	else if (!strcmp(mode, "regs") && argc == 5)
		bench_regs(argv[2], strtoul(argv[3], NULL, 0),
			   strtoul(argv[4], NULL, 0));
	else if (!strcmp(mode, "vmalloc") && argc == 4)
		bench_vmalloc(argv[2], strtoul(argv[3], NULL, 0));
	else if (!strcmp(mode, "ops") && argc == 4)
		bench_ops(argv[2], argv[3]);
	else if (!strcmp(mode, "trace") && argc == 4)
		bench_trace(argv[2], argv[3]);
	else {
		fprintf(stderr, "usage: see the comment at the top of memscope-bench.c\n");
		return 2;
	}
	return 0;
}
