// SPDX-License-Identifier: GPL-2.0
/*
 * rd - exactly one read(2) from a file, reporting the errno by name.
 *
 *   rd [-o OFFSET] [-n LEN] [-t] FILE
 *
 * One read(2) of up to LEN bytes (default 4096), or one pread(2) at OFFSET
 * with -o. Prints what was read as one lowercase hex string ("xxd -p"
 * without line breaks; an empty line at end of file), or the raw bytes
 * with -t.
 *
 * On failure prints ENAME (read) or "open ENAME" (open) on stdout.
 * Exit status: 0 read (possibly 0 bytes), 1 failed with an errno, 2 usage.
 *
 * cat and dd loop and retry; a test of short reads, EOF and per-call
 * errnos needs the single syscall.
 */
#include "common.h"

#include <fcntl.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: rd [-o OFFSET] [-n LEN] [-t] FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long off = 0, len = 4096;
	int use_off = 0, text = 0, fd, opt;
	unsigned char *buf;
	ssize_t n;

	while ((opt = getopt(argc, argv, "+o:n:t")) != -1) {
		switch (opt) {
		case 'o':
			if (parse_u64(optarg, &off))
				usage();
			use_off = 1;
			break;
		case 'n':
			/* Bounded: a typo must not allocate gigabytes. */
			if (parse_u64(optarg, &len) || len > 16 << 20)
				usage();
			break;
		case 't':
			text = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();

	buf = malloc(len ? len : 1);
	if (!buf)
		return 1;
	fd = open(argv[optind], O_RDONLY);
	if (fd < 0) {
		printf("open %s\n", errname(errno));
		return 1;
	}
	if (use_off)
		n = pread(fd, buf, len, off);
	else
		n = read(fd, buf, len);
	if (n < 0) {
		printf("%s\n", errname(errno));
		return 1;
	}
	if (text)
		fwrite(buf, 1, n, stdout);
	else
		print_hex(buf, n);
	return 0;
}
