// SPDX-License-Identifier: GPL-2.0
/*
 * wr - exactly one write(2) to a file, reporting the errno by name.
 *
 *   wr [-o OFFSET | -v SPLIT] [-e | -x] FILE STRING
 *
 * Writes STRING as given (no newline is added) with one write(2), or one
 * pwrite(2) at OFFSET with -o, or one writev(2) of two segments split
 * after byte SPLIT with -v (one system call that the VFS hands to a
 * driver without ->write_iter() as two ->write() calls). -e interprets \n \t \\ \0 and \xHH in
 * STRING; -x takes STRING as hex bytes ("00ff7f"). The file is opened
 * O_WRONLY, never created or truncated.
 *
 * Output (stdout, one line):  OK          all bytes written
 *                             SHORT N     only N bytes written
 *                             ENAME       write failed (e.g. EINVAL)
 *                             open ENAME  open failed
 * Exit status: 0 written (fully or short), 1 failed with an errno, 2 usage.
 *
 * A shell "echo > file" reports failures as localised strerror() text and
 * may split or retry writes; this gives the tests the exact syscall result.
 */
#include "common.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode STRING in place; returns the length or -1 on a bad escape. */
static long decode(char *s, int escapes, int hex)
{
	char *in = s, *out = s;

	if (hex) {
		for (; in[0]; in += 2) {
			if (hexval(in[0]) < 0 || !in[1] || hexval(in[1]) < 0)
				return -1;
			*out++ = hexval(in[0]) << 4 | hexval(in[1]);
		}
		return out - s;
	}
	if (!escapes)
		return strlen(s);
	while (*in) {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		switch (in[1]) {
		case 'n':
			*out++ = '\n';
			break;
		case 't':
			*out++ = '\t';
			break;
		case '\\':
			*out++ = '\\';
			break;
		case '0':
			*out++ = '\0';
			break;
		case 'x':
			if (hexval(in[2]) < 0 || hexval(in[3]) < 0)
				return -1;
			*out++ = hexval(in[2]) << 4 | hexval(in[3]);
			in += 2;
			break;
		default:
			return -1;
		}
		in += 2;
	}
	return out - s;
}

static void usage(void)
{
	fprintf(stderr, "usage: wr [-o OFFSET | -v SPLIT] [-e | -x] FILE STRING\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long off = 0, split = 0;
	int use_off = 0, use_split = 0, escapes = 0, hex = 0, fd, opt;
	long len;
	ssize_t n;

	while ((opt = getopt(argc, argv, "+o:v:ex")) != -1) {
		switch (opt) {
		case 'o':
			if (parse_u64(optarg, &off))
				usage();
			use_off = 1;
			break;
		case 'v':
			if (parse_u64(optarg, &split))
				usage();
			use_split = 1;
			break;
		case 'e':
			escapes = 1;
			break;
		case 'x':
			hex = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || (escapes && hex) || (use_off && use_split))
		usage();
	len = decode(argv[optind + 1], escapes, hex);
	if (len < 0 || (use_split && split > (unsigned long long)len))
		usage();

	fd = open(argv[optind], O_WRONLY);
	if (fd < 0) {
		printf("open %s\n", errname(errno));
		return 1;
	}
	if (use_off) {
		n = pwrite(fd, argv[optind + 1], len, off);
	} else if (use_split) {
		struct iovec v[2] = {
			{ argv[optind + 1], split },
			{ argv[optind + 1] + split, len - split },
		};

		n = writev(fd, v, 2);
	} else
		n = write(fd, argv[optind + 1], len);
	if (n < 0) {
		printf("%s\n", errname(errno));
		return 1;
	}
	if (n < len)
		printf("SHORT %zd\n", n);
	else
		printf("OK\n");
	return 0;
}
