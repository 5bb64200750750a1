/* The completion trailer of a pgdump-stream dump: its last line, written only
 * after everything else succeeded, so that readers (gzverify
 * --require-trailer, s3put --require-trailer, pgrestore-stream) can tell a
 * complete dump from a truncated one. It is a SQL comment, so psql and
 * pgrestore-stream execute nothing for it:
 *
 *   -- pgdump-stream: dump complete (N bytes before this line)\n
 *
 * N is the exact number of bytes of the dump before the trailer line, which
 * also catches a dump cut short and then followed by some other dump's
 * trailer. */
#ifndef PGOPS_TRAILER_H
#define PGOPS_TRAILER_H

#include <stddef.h>
#include <stdint.h>

#define TRAILER_PREFIX "-- pgdump-stream: dump complete ("
#define TRAILER_SUFFIX " bytes before this line)\n"
#define TRAILER_MAX 96

/* Formats the trailer line for a dump of `before` bytes; returns its length. */
size_t trailer_format(char buf[TRAILER_MAX], uint64_t before);

/* Follows the end of a stream without keeping it. */
struct trailer_tail {
	uint64_t total;
	size_t n;
	unsigned char tail[TRAILER_MAX];
};

enum trailer_status { TRAILER_OK, TRAILER_MISSING, TRAILER_WRONG_SIZE };

void trailer_init(struct trailer_tail *t);
void trailer_feed(struct trailer_tail *t, const void *buf, size_t n);
/* On TRAILER_WRONG_SIZE, *claimed gets the byte count the line states. */
enum trailer_status trailer_check(const struct trailer_tail *t, uint64_t *claimed);

#endif
