/* A progress meter on stderr: only when stderr is a terminal or the user
 * asked with --progress, never in pipes or cron. Redrawn at most five times
 * a second so that it costs nothing on the hot path. */
#ifndef PGOPS_PROGRESS_H
#define PGOPS_PROGRESS_H

#include <stdint.h>

struct progress {
	int on;
	int tty;
	uint64_t total;   /* 0 when unknown */
	uint64_t start, last;
	char label[64];
};

/* force: --progress given. total: expected bytes, or 0. */
void progress_init(struct progress *p, const char *label, uint64_t total, int force);
void progress_update(struct progress *p, uint64_t done);
/* Final line (newline on a terminal). */
void progress_end(struct progress *p, uint64_t done);
/* "1.5 GiB" style; buf of at least 16 bytes. */
void progress_human(char *buf, unsigned long size, uint64_t bytes);

#endif
