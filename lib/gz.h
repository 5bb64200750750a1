/* gzip (RFC 1952) reading and writing.
 *
 * The writer cuts its input into chunks (4 MiB by default) and compresses
 * each independently with libdeflate as a gzip member of its own, on a pool
 * of threads, writing members in order. Each member's header carries an
 * FEXTRA subfield "PG" (LEN 8) holding the member's total length and its
 * uncompressed length, both little-endian 32-bit, so a reader can find
 * member boundaries without inflating. gzip, pigz and zcat read such files
 * as ordinary multi-member gzip.
 *
 * The reader is fed bytes as they arrive (push style, so that uploaders and
 * restorers can verify what they pass along) and checks every member:
 * header (reserved flags, method, FEXTRA, FNAME, FCOMMENT, FHCRC), deflate
 * data, CRC-32 and ISIZE, then what follows the last member (nothing or
 * zero padding; anything else is corruption unless garbage is allowed).
 * Members written by our writer are inflated in parallel with libdeflate;
 * all others, and any indexed member that fails that fast path, go through
 * streaming zlib inflate, which alone decides verdicts and messages.
 *
 * Memory: about 1 MiB for streamed members; for indexed members at most
 * (threads + 2) x (member length + uncompressed length), and members that
 * claim more than GZ_INDEX_MAX uncompressed bytes are streamed instead. */
#ifndef PGOPS_GZ_H
#define PGOPS_GZ_H

#include <stddef.h>
#include <stdint.h>

#include "pool.h"

#define GZ_CHUNK_DEFAULT (4u << 20)
#define GZ_CHUNK_MAX (64u << 20)
#define GZ_INDEX_MAX GZ_CHUNK_MAX

/* Output callback: return 0, or -1 with errno set to stop the work. */
typedef int (*gz_sink)(void *arg, const void *buf, size_t n);

enum gz_status { GZ_OK, GZ_CORRUPT, GZ_TRUNCATED, GZ_SINK_ERROR };

struct gz_reader_state;

struct gz_reader {
	/* results, valid after gz_reader_finish (and after a failed feed) */
	enum gz_status status;
	uint64_t members;        /* members verified */
	uint64_t indexed;        /* of which through the parallel path */
	uint64_t in_bytes;       /* compressed bytes consumed */
	uint64_t out_bytes;      /* decompressed bytes */
	uint64_t trailing;       /* zero padding or allowed garbage after the last member */
	uint64_t err_member;     /* 1-based member of the error, 0 if none */
	uint64_t err_offset;     /* compressed byte offset of the error */
	int sink_errno;
	char err[256];           /* the reason, without file name */
	struct gz_reader_state *s;
};

/* threads: workers for indexed members (0 or 1: in the caller's thread).
 * sink may be NULL when only the verdict matters. */
void gz_reader_init(struct gz_reader *r, int threads, int allow_trailing_garbage,
    gz_sink sink, void *sink_arg);
/* Consumes all n bytes; returns r->status (GZ_OK while all is well so far). */
enum gz_status gz_reader_feed(struct gz_reader *r, const void *buf, size_t n);
/* End of input: finishes outstanding members and sets the verdict. */
enum gz_status gz_reader_finish(struct gz_reader *r);
void gz_reader_free(struct gz_reader *r);

struct gz_writer_state;

struct gz_writer {
	uint64_t in_bytes, out_bytes, members;
	int sink_errno;
	struct gz_writer_state *s;
};

/* level 0-12 (libdeflate's scale; 6 is gzip's default), threads 0/1 inline,
 * chunk: uncompressed bytes per member (1 KiB to GZ_CHUNK_MAX). */
void gz_writer_init(struct gz_writer *w, int level, int threads, size_t chunk,
    gz_sink sink, void *sink_arg);
/* 0, or -1 when the sink failed (w->sink_errno). */
int gz_writer_write(struct gz_writer *w, const void *buf, size_t n);
/* Writes the last member (an empty one if nothing was written at all). */
int gz_writer_finish(struct gz_writer *w);
void gz_writer_free(struct gz_writer *w);

/* Reading an indexed stream from its end (a ranged read of an object's
 * tail): buf holds the stream's bytes from offset base on. Returns the
 * offset at which the indexed member that ends exactly at offset end
 * begins, or -1 when no such member header lies in buf. A member of
 * another writer is never found: its header has no length to match. */
int64_t gz_member_before(const unsigned char *buf, size_t n, uint64_t base, uint64_t end);

#endif
