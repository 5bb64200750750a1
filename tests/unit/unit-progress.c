/* lib/progress: silent off a terminal unless forced; human sizes. */
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "tap.h"

int
main(void)
{
	struct progress p;
	char buf[32], out[512];
	int fds[2], saved;
	ssize_t n;

	tap_plan(6);
	progress_human(buf, sizeof buf, 512);
	tap_is_str(buf, "512 B", "bytes");
	progress_human(buf, sizeof buf, 3ULL << 29);
	tap_is_str(buf, "1.5 GiB", "GiB with one decimal");

	pipe(fds);
	saved = dup(2);
	dup2(fds[1], 2);
	progress_init(&p, "db.sql.gz", 1000, 0);
	progress_update(&p, 10);
	progress_end(&p, 1000);
	write(2, "|", 1);
	progress_init(&p, "db.sql.gz", 1000, 1);
	progress_end(&p, 1000);
	dup2(saved, 2);
	close(fds[1]);
	n = read(fds[0], out, sizeof out - 1);
	out[n > 0 ? n : 0] = 0;
	tap_ok(!p.tty, "stderr is not a terminal here");
	tap_ok(out[0] == '|', "not forced: nothing written");
	tap_ok(strstr(out, "|db.sql.gz: 1000 B 100% ") != NULL, "forced: a final line with percent");
	tap_ok(out[n - 1] == '\n' && !strchr(out, '\r'), "off a terminal: plain lines, no carriage returns");
	return tap_done();
}
