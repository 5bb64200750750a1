/* Test and benchmark helper: compress stdin to stdout with lib/gz's parallel
 * indexed writer (what pgdump-stream -Z uses). Not installed.
 *   gzwrite [-l LEVEL] [-j THREADS] [-c CHUNK] */
#include <getopt.h>
#include <unistd.h>

#include "gz.h"
#include "io.h"
#include "log.h"
#include "opt.h"

static int
out(void *arg, const void *buf, size_t n)
{
	(void)arg;
	return io_write_all(1, buf, n);
}

int
main(int argc, char **argv)
{
	static unsigned char buf[1 << 20];
	int c, level = 6, threads = 2;
	size_t chunk = GZ_CHUNK_DEFAULT;
	struct gz_writer w;
	ssize_t n;

	log_init(argv[0]);
	while ((c = getopt(argc, argv, "l:j:c:")) != -1) {
		switch (c) {
		case 'l': level = (int)opt_uint("-l", optarg, 0, 12); break;
		case 'j': threads = (int)opt_uint("-j", optarg, 1, 32); break;
		case 'c': chunk = opt_size("-c", optarg); break;
		default: opt_usage_error("usage: gzwrite [-l LEVEL] [-j THREADS] [-c CHUNK]");
		}
	}
	gz_writer_init(&w, level, threads, chunk, out, NULL);
	while ((n = io_read(0, buf, sizeof buf)) > 0)
		if (gz_writer_write(&w, buf, (size_t)n) < 0)
			die_errno(EX_IOERR, "write error: stdout");
	if (n < 0)
		die_errno(EX_IOERR, "read error: stdin");
	if (gz_writer_finish(&w) < 0)
		die_errno(EX_IOERR, "write error: stdout");
	gz_writer_free(&w);
	return 0;
}
