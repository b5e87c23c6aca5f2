// SPDX-License-Identifier: GPL-2.0
/*
 * memscope-bench - time memscope against the tools it replaces, in one run.
 *
 *   memscope-bench REGS_FILE DATA_FILE RESOURCE0 PHYS NREGS
 *
 * 1. Dump NREGS 32-bit registers: one `cat REGS_FILE` (open, read to EOF,
 *    close) against NREGS runs of `devmem PHYS+4*i 32` (busybox, a process
 *    per access, as people do it today).
 * 2. Read a whole BAR: pread() of DATA_FILE to EOF against volatile 32-bit
 *    loads through an mmap of sysfs RESOURCE0.
 *
 * Each side is repeated and the best time kept (the guest has one vCPU
 * under TCG; the minimum is the least disturbed). Prints the times and the
 * ratios; it measures, it does not judge.
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t read_all(const char *path, char *buf, size_t len)
{
	size_t total = 0;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	/* read(), not pread(): regs is a stream and cannot be seeked. */
	while (total < len && (n = read(fd, buf + total, len - total)) > 0)
		total += n;
	if (n < 0) {
		perror(path);
		exit(1);
	}
	close(fd);
	return total;
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

int main(int argc, char **argv)
{
	double t, best_regs = 1e9, best_devmem = 1e9, best_data = 1e9,
	       best_mmap = 1e9;
	unsigned long phys, nregs, i;
	volatile uint32_t *map;
	size_t bar_len, got;
	struct stat st;
	uint32_t sum = 0;
	char *buf;
	int r, fd;

	if (argc != 6) {
		fprintf(stderr, "usage: memscope-bench REGS DATA RESOURCE0 PHYS NREGS\n");
		return 1;
	}
	phys = strtoul(argv[4], NULL, 0);
	nregs = strtoul(argv[5], NULL, 0);
	fd = open(argv[3], O_RDONLY | O_SYNC);
	if (fd < 0 || fstat(fd, &st)) {
		perror(argv[3]);
		return 1;
	}
	bar_len = st.st_size;
	buf = malloc(bar_len + 65536);
	map = mmap(NULL, bar_len, PROT_READ, MAP_SHARED, fd, 0);
	if (!buf || map == MAP_FAILED) {
		perror("mmap resource0");
		return 1;
	}

	for (r = 0; r < REPEAT; r++) {
		t = now();
		got = read_all(argv[1], buf, 65536);
		t = now() - t;
		if (got != nregs * strlen("00000000: 00000000\n")) {
			fprintf(stderr, "regs: %zu bytes, not %lu lines\n", got, nregs);
			return 1;
		}
		best_regs = t < best_regs ? t : best_regs;

		t = now();
		for (i = 0; i < nregs; i++)
			devmem(phys + 4 * i);
		t = now() - t;
		best_devmem = t < best_devmem ? t : best_devmem;

		t = now();
		got = read_all(argv[2], buf, bar_len);
		t = now() - t;
		if (got != bar_len) {
			fprintf(stderr, "data: %zu bytes, not %zu\n", got, bar_len);
			return 1;
		}
		best_data = t < best_data ? t : best_data;

		t = now();
		for (i = 0; i < bar_len / 4; i++)
			sum += map[i];
		t = now() - t;
		best_mmap = t < best_mmap ? t : best_mmap;
	}

	printf("dump %lu registers: memscope regs %.3f ms, devmem %.1f ms: memscope %.0fx faster\n",
	       nregs, best_regs * 1e3, best_devmem * 1e3, best_devmem / best_regs);
	printf("read %zu KiB BAR: memscope data %.1f ms, mmap of resource0 %.1f ms: memscope at %.2fx the speed of mmap\n",
	       bar_len / 1024, best_data * 1e3, best_mmap * 1e3,
	       best_mmap / best_data);
	printf("(checksum %08x; best of %d runs each)\n", sum, REPEAT);
	return 0;
}
