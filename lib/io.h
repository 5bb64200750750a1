/* Reads and writes that handle short counts and EINTR, so every caller
 * checks exactly one result. A pending SIGINT/SIGTERM interrupts them: they
 * return -1 with errno EINTR and the caller ends its work. */
#ifndef PGOPS_IO_H
#define PGOPS_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all n bytes; 0, or -1 with errno (EPIPE and ENOSPC included). */
int io_write_all(int fd, const void *buf, size_t n);
/* One read(2); retries EINTR unless a signal was caught. */
ssize_t io_read(int fd, void *buf, size_t n);
/* Reads until n bytes or end of input; returns the count or -1. */
ssize_t io_read_full(int fd, void *buf, size_t n);
/* Names the file being read for messages: "-" is "(stdin)". */
const char *io_name(const char *path);

#endif
