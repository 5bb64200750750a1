/* The dump stream: a buffer in front of the gzip writer or the file
 * descriptor, counting the uncompressed bytes the trailer states. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "log.h"
#include "pgdump.h"
#include "sig.h"
#include "trailer.h"

/* Chunks of 1 MiB keep the gzip writer's memory, (threads + 1) x (chunk +
 * bound), near 6 MiB at -j2; larger chunks compress no better here. */
#define GZ_CHUNK (1u << 20)

static int
fd_sink(void *arg, const void *buf, size_t n)
{
	struct out *o = arg;

	return io_write_all(o->fd, buf, n);
}

static _Noreturn void
write_failed(struct out *o, int err)
{
	if (sig_caught())
		sig_exit();
	errno = err;
	die_errno(EX_IOERR, "write to %s", o->name);
}

static void
flush(struct out *o)
{
	int r;

	if (o->n == 0)
		return;
	if (o->gzip)
		r = gz_writer_write(&o->gz, o->buf, o->n) < 0 ? -1 : 0;
	else
		r = io_write_all(o->fd, o->buf, o->n);
	if (r < 0)
		write_failed(o, o->gzip ? o->gz.sink_errno : errno);
	o->n = 0;
	if (o->prog)
		progress_update(o->prog, o->bytes);
}

void
out_open(struct out *o, const char *file, int mode, int level, int threads, struct progress *prog)
{
	o->fd = 1;
	o->name = "stdout";
	o->n = 0;
	o->bytes = 0;
	o->prog = prog;
	o->use_file = file && strcmp(file, "-") != 0;
	if (o->use_file) {
		if (outfile_open(&o->file, file, mode) < 0)
			die_errno(EX_CANTCREAT, "cannot create %s", file);
		o->fd = o->file.fd;
		o->name = file;
	}
	o->gzip = level > 0;
	if (o->gzip)
		gz_writer_init(&o->gz, level, threads, GZ_CHUNK, fd_sink, o);
}

void
out_write(struct out *o, const void *p, size_t n)
{
	o->bytes += n;
	if (n >= sizeof o->buf) {
		flush(o);
		int r = o->gzip ? gz_writer_write(&o->gz, p, n) : io_write_all(o->fd, p, n);
		if (r < 0)
			write_failed(o, o->gzip ? o->gz.sink_errno : errno);
		return;
	}
	if (o->n + n > sizeof o->buf)
		flush(o);
	memcpy(o->buf + o->n, p, n);
	o->n += n;
}

void
out_puts(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

void
out_finish(struct out *o)
{
	char t[TRAILER_MAX];
	size_t n = trailer_format(t, o->bytes);

	out_write(o, t, n);
	flush(o);
	if (o->gzip && gz_writer_finish(&o->gz) < 0)
		write_failed(o, o->gz.sink_errno);
	if (o->gzip)
		gz_writer_free(&o->gz);
	if (sig_caught())
		sig_exit();
	if (o->use_file && outfile_commit(&o->file) < 0)
		die_errno(EX_IOERR, "write to %s", o->name);
}
