/* Output files that never look complete unless they are: data goes to a
 * temporary name beside the final one ("NAME.tmp-XXXXXX", same directory so
 * that rename(2) is atomic) and is renamed over NAME only by outfile_commit,
 * after fsync. A program that exits any other way (die, a signal handled
 * through sig_exit) removes its uncommitted temporary files at exit.
 * A path that is a device or a named pipe is written in place (no
 * temporary, nothing to remove): what was written before a failure has
 * reached the reader, as on standard output. */
#ifndef PGOPS_OUTFILE_H
#define PGOPS_OUTFILE_H

struct outfile {
	int fd;
	char *path, *tmp;
	struct outfile *next;
};

/* 0, or -1 with errno (the caller reports it, usually exit 73); EISDIR
 * when path is a directory. */
int outfile_open(struct outfile *o, const char *path, int mode);
/* fsync, close, rename. 0, or -1 with errno (the temporary is removed). */
int outfile_commit(struct outfile *o);
/* Close and remove the temporary file. */
void outfile_abort(struct outfile *o);
/* Is name one of these temporary files? Listings of finished outputs
 * (prune-backups, healthprobe backup:DIR) skip them. */
int outfile_is_temp(const char *name);

#endif
