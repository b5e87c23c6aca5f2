// SPDX-License-Identifier: GPL-2.0
/*
 * mmap-peek - map a file and touch the mapping with CPU loads and stores.
 *
 *   mmap-peek FILE OFFSET LENGTH [r]           read and print
 *   mmap-peek FILE OFFSET LENGTH w HEXBYTE     fill with a byte pattern
 *   mmap-peek FILE OFFSET LENGTH rw            map read-write, read, print
 *   mmap-peek FILE OFFSET LENGTH hold [SECONDS|PATH]
 *
 * mmap(MAP_SHARED) of LENGTH bytes at file OFFSET (the kernel checks that
 * OFFSET is page aligned: a bad one shows up as "mmap: EINVAL"). Loads and
 * stores are volatile and 32 bits wide, with single bytes only for a
 * LENGTH tail that is not a multiple of 4: device registers (QEMU's edu)
 * reject 1- and 2-byte accesses.
 *
 * r, rw:  print the bytes as one lowercase hex string in memory order
 *         ("xxd -p" without line breaks). rw maps PROT_READ|PROT_WRITE from
 *         an O_RDWR open, to test that a writable mapping is (not) allowed.
 * w:      store HEXBYTE (e.g. a5) into every byte, msync, print "OK".
 * hold:   map read-only, print "mapped", then wait - for a line on stdin,
 *         SECONDS seconds, or a line from PATH (e.g. a FIFO) - then read
 *         the whole mapping again and print it. For "free/unbind while
 *         mapped": the second touch must give SIGBUS (exit 3), never stale
 *         or freed memory.
 *
 * Exit status: 0 ok; 1 usage; 2 mmap failed ("mmap: ENAME (N)" on stderr);
 * 3 SIGBUS ("SIGBUS" on stdout); 4 open or another call failed;
 * 5 SIGSEGV ("SIGSEGV" on stdout).
 */
#include "common.h"

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

static void on_signal(int sig)
{
	/* Only async-signal-safe calls here. */
	if (sig == SIGBUS) {
		write(STDOUT_FILENO, "SIGBUS\n", 7);
		_exit(3);
	}
	write(STDOUT_FILENO, "SIGSEGV\n", 8);
	_exit(5);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mmap-peek FILE OFFSET LENGTH [r | w HEXBYTE | rw | hold [SECONDS|PATH]]\n");
	exit(1);
}

static void peek(volatile unsigned char *map, unsigned char *buf, size_t len)
{
	size_t i = 0;

	for (; i + 4 <= len; i += 4) {
		uint32_t v = *(volatile uint32_t *)(map + i);

		memcpy(buf + i, &v, 4);
	}
	for (; i < len; i++)
		buf[i] = map[i];
	print_hex(buf, len);
}

static void poke(volatile unsigned char *map, unsigned char pat, size_t len)
{
	uint32_t v = pat * 0x01010101u;
	size_t i = 0;

	for (; i + 4 <= len; i += 4)
		*(volatile uint32_t *)(map + i) = v;
	for (; i < len; i++)
		map[i] = pat;
}

/* Block until told to go on: stdin, a number of seconds, or a path. */
static void wait_go(const char *arg)
{
	unsigned long long secs;
	char line[64];
	FILE *f = stdin;

	if (arg && !parse_u64(arg, &secs)) {
		sleep(secs);
		return;
	}
	if (arg) {
		f = fopen(arg, "r");
		if (!f) {
			fprintf(stderr, "open %s: %s\n", arg, errname(errno));
			exit(4);
		}
	}
	if (!fgets(line, sizeof(line), f))
		fprintf(stderr, "hold: end of input, touching anyway\n");
}

int main(int argc, char **argv)
{
	unsigned long long off, len, pat = 0;
	const char *mode = argc > 4 ? argv[4] : "r";
	int writable = 0, fd, prot = PROT_READ;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned char *buf;
	void *map;

	if (argc < 4 || parse_u64(argv[2], &off) || parse_u64(argv[3], &len))
		usage();
	if (!strcmp(mode, "r") || !strcmp(mode, "hold")) {
		if (argc > (!strcmp(mode, "hold") ? 6 : 5))
			usage();
	} else if (!strcmp(mode, "rw")) {
		if (argc != 5)
			usage();
		writable = 1;
	} else if (!strcmp(mode, "w")) {
		if (argc != 6 || !isxdigit((unsigned char)argv[5][0]) ||
		    strlen(argv[5]) > 2)
			usage();
		pat = strtoull(argv[5], NULL, 16);
		writable = 1;
	} else {
		usage();
	}
	if (writable)
		prot |= PROT_WRITE;

	buf = malloc(len ? len : 1);
	if (!buf)
		return 4;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	fd = open(argv[1], writable ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "open: %s (%d)\n", errname(errno), errno);
		return 4;
	}
	map = mmap(NULL, len, prot, MAP_SHARED, fd, off);
	if (map == MAP_FAILED) {
		fprintf(stderr, "mmap: %s (%d)\n", errname(errno), errno);
		return 2;
	}

	if (!strcmp(mode, "w")) {
		poke(map, pat, len);
		/*
		 * debugfs files have no fsync, so MS_SYNC fails with EINVAL
		 * there; the stores are already in the (uncached or RAM)
		 * memory, so only other failures matter.
		 */
		if (msync(map, len, MS_SYNC) && errno != EINVAL) {
			fprintf(stderr, "msync: %s (%d)\n", errname(errno), errno);
			return 4;
		}
		printf("OK\n");
	} else if (!strcmp(mode, "hold")) {
		printf("mapped\n");
		fflush(stdout);
		wait_go(argc > 5 ? argv[5] : NULL);
		peek(map, buf, len);
	} else {
		peek(map, buf, len);
	}
	return 0;
}
