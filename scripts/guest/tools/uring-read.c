// SPDX-License-Identifier: GPL-2.0
/*
 * uring-read - one io_uring read at an explicit offset, reporting the errno
 * by name.
 *
 *   uring-read FILE OFFSET LENGTH
 *
 * Opens FILE read-only and submits one IORING_OP_READ of LENGTH bytes at
 * OFFSET. io_uring passes an explicit offset to ->read_iter() even for a
 * file opened with nonseekable_open(), where pread(2) would fail with
 * ESPIPE in the VFS: the way to check that a driver does not serve such a
 * read by replaying (and re-reading) everything before OFFSET.
 *
 * Output: the bytes read, as they are (stdout); or "ENAME" for a failed
 * read, "open ENAME" or "io_uring ENAME" for a failed setup.
 * Exit status: 0 read, 1 failed with an errno, 2 usage.
 */
#include "common.h"

#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: uring-read FILE OFFSET LENGTH\n");
	exit(2);
}

static int fail(const char *what)
{
	printf("%s%s%s\n", what, *what ? " " : "", errname(errno));
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long long off, len;
	struct io_uring_params p = { 0 };
	struct io_uring_sqe *sqes, *sqe;
	struct io_uring_cqe *cqe;
	unsigned int *sq_tail, *sq_array, *cq_head, *cq_tail;
	void *sq, *cq, *buf;
	int fd, ring;

	if (argc != 4 || parse_u64(argv[2], &off) || parse_u64(argv[3], &len) ||
	    !len || len > (1 << 20))
		usage();
	buf = malloc(len);
	if (!buf)
		return fail("malloc");
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return fail("open");

	ring = syscall(__NR_io_uring_setup, 1, &p);
	if (ring < 0)
		return fail("io_uring");
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned int),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(*cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqe), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return fail("io_uring");

	sq_tail = sq + p.sq_off.tail;
	sq_array = sq + p.sq_off.array;
	cq_head = cq + p.cq_off.head;
	cq_tail = cq + p.cq_off.tail;

	sqe = &sqes[0];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_READ;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)buf;
	sqe->len = len;
	sqe->off = off;
	sq_array[0] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);

	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return fail("io_uring");
	if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
		errno = EIO;
		return fail("io_uring no completion:");
	}
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
	      (*cq_head & (p.cq_entries - 1));
	if (cqe->res < 0) {
		errno = -cqe->res;
		return fail("");
	}
	fwrite(buf, 1, cqe->res, stdout);
	return 0;
}
