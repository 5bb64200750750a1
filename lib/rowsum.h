/* A checksum of a table's rows in COPY text form that does not depend on
 * their order: each row (without its newline) is hashed to 64 bits and the
 * hashes are added. pgdump-stream writes the sum after each COPY block;
 * pgrestore-stream's drill recomputes it over the block it read and over
 * COPY ... TO STDOUT of the restored table, so a row changed in the dump
 * or lost on the way in shows, while rows that come back in another order
 * (a table rewritten, a partition routed) do not matter.
 *
 * It catches accidents (corruption, truncation, a row edited by hand), not
 * an adversary who can also rewrite the sum. */
#ifndef PGOPS_ROWSUM_H
#define PGOPS_ROWSUM_H

#include <stddef.h>
#include <stdint.h>

struct rowsum {
	uint64_t rows, sum;
	/* the row being hashed */
	uint64_t h, len;
	unsigned char carry[8];
	size_t ncarry;
};

void rowsum_init(struct rowsum *r);
/* COPY text cut anywhere: rows end at each '\n'. */
void rowsum_feed(struct rowsum *r, const void *buf, size_t n);
/* A piece of the current row (no newline in it), and its end: for
 * callers that find the newlines themselves. */
void rowsum_part(struct rowsum *r, const void *buf, size_t n);
void rowsum_end(struct rowsum *r);
/* One whole row, with or without its newline. */
void rowsum_row(struct rowsum *r, const void *buf, size_t n);
/* Bytes of a row not yet ended by a newline. */
uint64_t rowsum_pending(const struct rowsum *r);

#endif
