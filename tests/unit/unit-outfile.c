/* lib/outfile: the final name appears only on commit; abort leaves nothing;
 * a device or a named pipe is written in place, never replaced. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "tap.h"

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

int
main(void)
{
	char dir[] = "/tmp/pgops-outfile-XXXXXX", path[256], buf[16];
	struct outfile o;
	int fd;

	tap_plan(14);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/out.txt", dir);
	tap_ok(outfile_open(&o, path, 0644) == 0, "open");
	tap_ok(write(o.fd, "hello", 5) == 5, "write");
	tap_ok(access(path, F_OK) < 0, "final name absent before commit");
	tap_ok(outfile_commit(&o) == 0, "commit");
	fd = open(path, O_RDONLY);
	tap_ok(fd >= 0 && read(fd, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0,
	    "final name has the data after commit");
	close(fd);
	tap_ok(outfile_open(&o, path, 0644) == 0 && write(o.fd, "x", 1) == 1, "second open");
	outfile_abort(&o);
	tap_ok(count_entries(dir) == 1, "abort leaves only the committed file");
	snprintf(path, sizeof path, "%s/missing/out.txt", dir);
	tap_ok(outfile_open(&o, path, 0644) < 0 && errno == ENOENT, "missing directory: ENOENT");
	{
		struct stat st;

		tap_ok(outfile_open(&o, "/dev/null", 0644) == 0 && write(o.fd, "x", 1) == 1
		    && outfile_commit(&o) == 0, "/dev/null: written and committed");
		tap_ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is still a character device");
		tap_ok(outfile_open(&o, "/dev/null", 0644) == 0, "/dev/null opened again");
		outfile_abort(&o);
		tap_ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "abort leaves /dev/null alone");
	}
	snprintf(path, sizeof path, "%s/fifo", dir);
	if (mkfifo(path, 0600) == 0) {
		int rd = open(path, O_RDONLY | O_NONBLOCK);
		struct stat st;
		ssize_t got;

		tap_ok(outfile_open(&o, path, 0644) == 0 && write(o.fd, "pipe", 4) == 4 && outfile_commit(&o) == 0,
		    "named pipe: written in place and committed (fsync's EINVAL ignored)");
		got = read(rd, buf, sizeof buf);
		tap_ok(got == 4 && memcmp(buf, "pipe", 4) == 0 && stat(path, &st) == 0 && S_ISFIFO(st.st_mode)
		    && count_entries(dir) == 2, "the reader got the bytes; the pipe is still a pipe, no temporary beside it");
		close(rd);
		unlink(path);
	} else {
		tap_ok(0, "mkfifo");
		tap_ok(0, "mkfifo");
	}
	snprintf(path, sizeof path, "%s/out.txt", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
