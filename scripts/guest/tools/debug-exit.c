// SPDX-License-Identifier: GPL-2.0
/*
 * debug-exit - leave QEMU through isa-debug-exit (iobase 0xf4).
 *
 *   debug-exit CODE
 *
 * Writes the byte CODE to I/O port 0xf4; QEMU exits at once with status
 * (CODE << 1) | 1. If file descriptor 9 is open on /dev/port it is used:
 * /init opens it before any test runs, because once a test has raised
 * kernel lockdown a new open of /dev/port is refused (LOCKDOWN_DEV_MEM is
 * checked at open only). Returns only on failure (exit status 1).
 */
#include "common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT	0xf4
#define KEPT_FD		9

static int port_fd(void)
{
	struct stat st;

	if (!fstat(KEPT_FD, &st) && S_ISCHR(st.st_mode) &&
	    major(st.st_rdev) == 1 && minor(st.st_rdev) == 4)
		return KEPT_FD;
	return open("/dev/port", O_WRONLY);
}

int main(int argc, char **argv)
{
	unsigned long long code;
	unsigned char byte;
	int fd;

	if (argc != 2 || parse_u64(argv[1], &code) || code > 255) {
		fprintf(stderr, "usage: debug-exit CODE (0-255)\n");
		return 2;
	}
	byte = code;
	fd = port_fd();
	if (fd < 0) {
		fprintf(stderr, "debug-exit: /dev/port: %s\n", errname(errno));
		return 1;
	}
	if (pwrite(fd, &byte, 1, DEBUG_EXIT_PORT) != 1)
		fprintf(stderr, "debug-exit: write: %s\n", errname(errno));
	else
		fprintf(stderr, "debug-exit: still running after the write\n");
	return 1;
}
