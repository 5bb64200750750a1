#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "xmem.h"

#define TEMP_MARK ".tmp-"

static struct outfile *open_files;
static int hooked;

static void
unlink_all(void)
{
	for (struct outfile *o = open_files; o; o = o->next)
		if (o->tmp)
			unlink(o->tmp);
}

static void
forget(struct outfile *o)
{
	for (struct outfile **pp = &open_files; *pp; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			break;
		}
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	o->fd = -1;
}

static int
open_direct(struct outfile *o, const char *path)
{
	o->fd = open(path, O_WRONLY | O_CLOEXEC);
	if (o->fd < 0)
		return -1;
	o->path = xstrdup(path);
	return 0;
}

int
outfile_open(struct outfile *o, const char *path, int mode)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t n = strlen(path);
	unsigned seed = (unsigned)getpid() ^ (unsigned)(uintptr_t)o;
	struct stat st;

	memset(o, 0, sizeof *o);
	o->fd = -1;
	if (stat(path, &st) == 0) {
		/* rename(2) cannot put a file over a directory: say so now,
		 * not after the whole dump has been written beside it. */
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		/* A device or a named pipe (-o /dev/null, /dev/stdout, a
		 * FIFO another program reads) is written in place: renaming
		 * a file over it would replace the node itself, /dev/null
		 * with a regular file for everyone on the host. */
		if (!S_ISREG(st.st_mode))
			return open_direct(o, path);
	}
	o->path = xstrdup(path);
	o->tmp = xmalloc(n + 12);
	for (int tries = 0; tries < 100; tries++) {
		char suffix[7];

		for (int i = 0; i < 6; i++) {
			seed = seed * 1103515245u + 12345u + (unsigned)tries;
			suffix[i] = set[(seed >> 16) % (sizeof set - 1)];
		}
		suffix[6] = 0;
		snprintf(o->tmp, n + 12, "%s" TEMP_MARK "%s", path, suffix);
		o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (o->fd >= 0 || errno != EEXIST)
			break;
	}
	if (o->fd < 0) {
		int e = errno;

		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		errno = e;
		return -1;
	}
	if (!hooked) {
		atexit(unlink_all);
		hooked = 1;
	}
	o->next = open_files;
	open_files = o;
	return 0;
}

int
outfile_commit(struct outfile *o)
{
	int e;

	if (!o->tmp) {
		/* Written in place: a pipe or a character device cannot be
		 * fsynced (EINVAL), and there is nothing to rename. */
		e = fsync(o->fd) < 0 && errno != EINVAL && errno != EROFS ? errno : 0;
		if (close(o->fd) < 0 && !e)
			e = errno;
		forget(o);
		errno = e;
		return e ? -1 : 0;
	}
	if (fsync(o->fd) < 0 || close(o->fd) < 0) {
		e = errno;
		o->fd = -1;
		goto fail;
	}
	o->fd = -1;
	if (rename(o->tmp, o->path) < 0) {
		e = errno;
		goto fail;
	}
	forget(o);
	return 0;
fail:
	unlink(o->tmp);
	forget(o);
	errno = e;
	return -1;
}

void
outfile_abort(struct outfile *o)
{
	if (!o->path)
		return;
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	forget(o);
}

int
outfile_is_temp(const char *name)
{
	return strstr(name, TEMP_MARK) != NULL;
}
