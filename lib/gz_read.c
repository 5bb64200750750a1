/* The gzip reader: a push-style state machine over the compressed bytes.
 *
 * Members with our "PG" index subfield are copied whole into a job slot and
 * inflated by libdeflate on the pool; their output is emitted in order.
 * Everything else is inflated by zlib as it streams past. The fast path only
 * ever says "this member is fine": when a job fails for any reason (bad
 * index, bad data, CRC), the reader re-feeds the bytes from that member on
 * through the streaming path, which then gives the verdict and the message
 * exactly as for any other gzip file. To make that replay possible, every
 * byte consumed since the oldest unfinished job is kept: in the job slots
 * and, for a header being parsed, in a small header buffer. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>
#include <zlib.h>

#include "gz.h"
#include "hash.h"
#include "log.h"
#include "xmem.h"

#define HDR_KEEP 4096
#define ZOUT (256u << 10)

#define FHCRC 0x02
#define FEXTRA 0x04
#define FNAME 0x08
#define FCOMMENT 0x10

enum {
	S_MAGIC,   /* the 10 fixed header bytes (or what follows the last member) */
	S_XLEN, S_EXTRA, S_NAME, S_COMMENT, S_HCRC,
	S_BODY,    /* streaming inflate */
	S_TRAILER, /* CRC-32 and ISIZE of a streamed member */
	S_JOB,     /* copying an indexed member into a job slot */
	S_ZEROS,   /* zero padding after the last member */
	S_IGNORE   /* allowed trailing garbage */
};

struct job {
	struct pool_job pj; /* first: the pool hands it back to job_run */
	struct gz_reader_state *s;
	unsigned char *raw; /* header, deflate data and trailer of the member */
	size_t rawcap, fill, need, hdr_len;
	unsigned char *out;
	size_t outcap;
	uint32_t isize;
	uint64_t member, offset;
	int inuse, ok;
};

struct gz_reader_state {
	int state, stream_only, allow_garbage;
	uint64_t pos;    /* offset of the next byte consumed */
	uint64_t member; /* 1-based number of the member being parsed */
	uint64_t mstart; /* its offset */
	gz_sink sink;
	void *sink_arg;

	unsigned char raw[HDR_KEEP]; /* bytes since the end of the last member */
	size_t rawlen;
	int raw_over;
	unsigned char fixed[10];
	size_t nfixed, need;
	unsigned flg, parts, xlen;
	unsigned char two[2];
	uint32_t hcrc;

	z_stream z;
	int zinit;
	unsigned char *zout;
	uint32_t crc;
	uint64_t msize;
	unsigned char trl[8];

	struct pool pool;
	struct libdeflate_decompressor **dec;
	int ndec;
	struct job *slots;
	int nslots;
	struct job **q; /* submitted jobs in file order, a ring */
	int qhead, qlen;
	struct job *filling;
};

static void feed_inner(struct gz_reader *r, const unsigned char *p, size_t n);
static void stream_begin(struct gz_reader *r);

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
fail(struct gz_reader *r, enum gz_status st, uint64_t member, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	if (r->status != GZ_OK)
		return;
	r->status = st;
	r->err_member = member;
	r->err_offset = off;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
}

static void
emit(struct gz_reader *r, const void *buf, size_t n)
{
	struct gz_reader_state *s = r->s;

	r->out_bytes += n;
	if (s->sink && n && s->sink(s->sink_arg, buf, n) < 0) {
		r->sink_errno = errno;
		fail(r, GZ_SINK_ERROR, s->member, s->pos, "write to the output: %s", strerror(errno));
	}
}

static void
member_begin(struct gz_reader_state *s)
{
	s->state = S_MAGIC;
	s->member++;
	s->mstart = s->pos;
	s->rawlen = 0;
	s->raw_over = 0;
	s->nfixed = 0;
	s->hcrc = 0;
}

static void
job_run(struct pool_job *pj, int worker)
{
	struct job *j = (struct job *)pj;
	size_t dlen = j->need - j->hdr_len - 8, used = 0;
	const unsigned char *body = j->raw + j->hdr_len;
	enum libdeflate_result res;

	res = libdeflate_deflate_decompress_ex(j->s->dec[worker], body, dlen, j->out,
	    j->isize, &used, NULL);
	j->ok = res == LIBDEFLATE_SUCCESS && used == dlen &&
	    le32(body + dlen) == libdeflate_crc32(0, j->out, j->isize) &&
	    le32(body + dlen + 4) == j->isize;
}

/* Re-feeds everything from the failed oldest job on through the streaming
 * path, which decides. From here on the reader only streams. */
static void
replay(struct gz_reader *r)
{
	struct gz_reader_state *s = r->s;
	struct job *order[64];
	unsigned char hdr[HDR_KEEP];
	size_t hdrlen = s->rawlen;
	int n = s->qlen;

	for (int i = 0; i < n; i++) {
		order[i] = s->q[(s->qhead + i) % s->nslots];
		pool_wait(&s->pool, &order[i]->pj);
	}
	memcpy(hdr, s->raw, hdrlen);
	s->qlen = 0;
	s->stream_only = 1;

	/* Resume as if the failed member's header had just been parsed. */
	s->member = order[0]->member;
	s->mstart = order[0]->offset;
	s->pos = order[0]->offset + order[0]->hdr_len;
	s->raw_over = 0;
	stream_begin(r);
	feed_inner(r, order[0]->raw + order[0]->hdr_len, order[0]->fill - order[0]->hdr_len);
	for (int i = 1; i < n; i++)
		feed_inner(r, order[i]->raw, order[i]->fill);
	feed_inner(r, hdr, hdrlen);
	for (int i = 0; i < n; i++)
		order[i]->inuse = 0;
}

/* Emits finished jobs in order, blocking while more than keep are queued.
 * Returns 1 when a failed job made it replay: the caller's state is then
 * stale and it must return to the feed loop. */
static int
drain(struct gz_reader *r, int keep)
{
	struct gz_reader_state *s = r->s;

	while (s->qlen > 0 && r->status == GZ_OK) {
		struct job *j = s->q[s->qhead];

		if (s->qlen <= keep && !pool_done(&s->pool, &j->pj))
			break;
		pool_wait(&s->pool, &j->pj);
		if (!j->ok) {
			replay(r);
			return 1;
		}
		emit(r, j->out, j->isize);
		r->members++;
		r->indexed++;
		j->inuse = 0;
		s->qhead = (s->qhead + 1) % s->nslots;
		s->qlen--;
	}
	return 0;
}

static void
stream_begin(struct gz_reader *r)
{
	struct gz_reader_state *s = r->s;

	if (!s->zinit) {
		memset(&s->z, 0, sizeof s->z);
		if (inflateInit2(&s->z, -15) != Z_OK)
			die(EX_SOFTWARE, "zlib inflateInit2 failed");
		s->zout = xmalloc(ZOUT);
		s->zinit = 1;
	} else {
		inflateReset(&s->z);
	}
	s->state = S_BODY;
	s->crc = 0;
	s->msize = 0;
	s->rawlen = 0;
}

/* Finds our index subfield in the FEXTRA field; malformed subfields are not
 * an error (gzip ignores FEXTRA contents), only a reason to stream. */
static int
find_index(const unsigned char *x, size_t xlen, uint32_t *mlen, uint32_t *isize)
{
	size_t i = 0;

	while (i + 4 <= xlen) {
		size_t len = (size_t)x[i + 2] | (size_t)x[i + 3] << 8;

		if (i + 4 + len > xlen)
			return 0;
		if (x[i] == 'P' && x[i + 1] == 'G' && len == 8) {
			*mlen = le32(x + i + 4);
			*isize = le32(x + i + 8);
			return 1;
		}
		i += 4 + len;
	}
	return 0;
}

static void
header_done(struct gz_reader *r)
{
	struct gz_reader_state *s = r->s;
	uint32_t mlen, isize;
	struct job *j = NULL;

	if (!s->stream_only && !s->raw_over && (s->flg & FEXTRA) &&
	    find_index(s->raw + 12, s->xlen, &mlen, &isize) &&
	    isize <= GZ_INDEX_MAX && mlen > s->rawlen + 8 &&
	    mlen - s->rawlen - 8 <= (size_t)isize + isize / 8 + 1024) {
		/* A free slot; waiting for one may replay, then we stream. */
		while (s->qlen >= s->nslots)
			if (drain(r, s->nslots - 1) || r->status != GZ_OK)
				return;
		for (int i = 0; i < s->nslots; i++)
			if (!s->slots[i].inuse) {
				j = &s->slots[i];
				break;
			}
		if (!j)
			die(EX_SOFTWARE, "gzip reader: no free job slot");
		if (j->rawcap < mlen) {
			j->raw = xrealloc(j->raw, mlen);
			j->rawcap = mlen;
		}
		if (j->outcap < isize || !j->out) {
			j->out = xrealloc(j->out, isize);
			j->outcap = isize;
		}
		memcpy(j->raw, s->raw, s->rawlen);
		j->fill = j->hdr_len = s->rawlen;
		j->need = mlen;
		j->isize = isize;
		j->member = s->member;
		j->offset = s->mstart;
		j->inuse = 1;
		j->ok = 0;
		j->pj.queued = 0;
		s->filling = j;
		s->rawlen = 0;
		s->state = S_JOB;
		return;
	}
	if (drain(r, 0) || r->status != GZ_OK)
		return;
	stream_begin(r);
}

/* Moves to the next optional header part the flags announce. */
static void
next_part(struct gz_reader *r)
{
	struct gz_reader_state *s = r->s;

	if (s->parts & FEXTRA) {
		s->parts &= ~FEXTRA;
		s->state = S_XLEN, s->need = 2;
	} else if (s->parts & FNAME) {
		s->parts &= ~FNAME;
		s->state = S_NAME;
	} else if (s->parts & FCOMMENT) {
		s->parts &= ~FCOMMENT;
		s->state = S_COMMENT;
	} else if (s->parts & FHCRC) {
		s->parts &= ~FHCRC;
		s->state = S_HCRC, s->need = 2;
	} else {
		header_done(r);
	}
}

/* Something other than a member where a member could start. */
static void
not_member(struct gz_reader *r)
{
	struct gz_reader_state *s = r->s;

	if (drain(r, 0) || r->status != GZ_OK)
		return;
	if (s->member == 1) {
		fail(r, GZ_CORRUPT, 1, s->mstart, "not in gzip format");
	} else if (s->allow_garbage) {
		r->trailing += s->pos - s->mstart;
		s->state = S_IGNORE;
	} else {
		fail(r, GZ_CORRUPT, s->member - 1, s->mstart,
		    "trailing garbage after the last gzip member");
	}
}

static void
header_byte(struct gz_reader *r, unsigned char c)
{
	struct gz_reader_state *s = r->s;

	s->pos++;
	if (!s->raw_over) {
		s->raw[s->rawlen++] = c;
		if (s->rawlen == HDR_KEEP) {
			/* Too long to keep for a replay: settle every job first. */
			if (drain(r, 0) || r->status != GZ_OK)
				return;
			s->raw_over = 1;
		}
	}
	if (s->state != S_HCRC)
		s->hcrc = crc32_update(s->hcrc, &c, 1);

	switch (s->state) {
	case S_MAGIC:
		if (s->nfixed == 0 && s->member > 1 && c == 0) {
			if (drain(r, 0) || r->status != GZ_OK)
				return;
			r->trailing++;
			s->state = S_ZEROS;
			return;
		}
		s->fixed[s->nfixed++] = c;
		if ((s->nfixed == 1 && c != 0x1f) || (s->nfixed == 2 && c != 0x8b)) {
			not_member(r);
			return;
		}
		if (s->nfixed < 10)
			return;
		if (s->fixed[2] != 8 || (s->fixed[3] & 0xe0)) {
			if (drain(r, 0) || r->status != GZ_OK)
				return;
			if (s->fixed[2] != 8)
				fail(r, GZ_CORRUPT, s->member, s->mstart + 2,
				    "unknown compression method %u", s->fixed[2]);
			else
				fail(r, GZ_CORRUPT, s->member, s->mstart + 3,
				    "reserved header flags set (FLG 0x%02x)", s->fixed[3]);
			return;
		}
		s->flg = s->parts = s->fixed[3];
		s->xlen = 0;
		next_part(r);
		return;
	case S_XLEN:
		s->two[2 - s->need--] = c;
		if (s->need)
			return;
		s->xlen = (unsigned)s->two[0] | (unsigned)s->two[1] << 8;
		if (s->xlen == 0)
			next_part(r);
		else
			s->state = S_EXTRA, s->need = s->xlen;
		return;
	case S_EXTRA:
		if (--s->need == 0)
			next_part(r);
		return;
	case S_NAME:
	case S_COMMENT:
		if (c == 0)
			next_part(r);
		return;
	case S_HCRC:
		s->two[2 - s->need--] = c;
		if (s->need)
			return;
		if (((unsigned)s->two[0] | (unsigned)s->two[1] << 8) != (s->hcrc & 0xffff)) {
			if (drain(r, 0) || r->status != GZ_OK)
				return;
			fail(r, GZ_CORRUPT, s->member, s->pos - 2,
			    "header CRC mismatch (stored 0x%04x, computed 0x%04x)",
			    (unsigned)s->two[0] | (unsigned)s->two[1] << 8, s->hcrc & 0xffff);
			return;
		}
		next_part(r);
		return;
	}
}

static size_t
inflate_some(struct gz_reader *r, const unsigned char *p, size_t n)
{
	struct gz_reader_state *s = r->s;
	z_stream *z = &s->z;

	z->next_in = (unsigned char *)p;
	z->avail_in = n > 0x40000000 ? 0x40000000 : (unsigned)n;
	n = z->avail_in;
	for (;;) {
		int ret;
		size_t produced, used;

		z->next_out = s->zout;
		z->avail_out = ZOUT;
		ret = inflate(z, Z_NO_FLUSH);
		produced = ZOUT - z->avail_out;
		used = n - z->avail_in;
		if (produced) {
			s->crc = crc32_update(s->crc, s->zout, produced);
			s->msize += produced;
			emit(r, s->zout, produced);
			if (r->status != GZ_OK)
				return n;
		}
		if (ret == Z_STREAM_END) {
			s->pos += used;
			s->state = S_TRAILER;
			s->need = 8;
			return used;
		}
		if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT) {
			fail(r, GZ_CORRUPT, s->member, s->pos + used, "invalid deflate data: %s",
			    z->msg ? z->msg : "bad stream");
			return n;
		}
		if (ret == Z_MEM_ERROR)
			die(EX_SOFTWARE, "zlib: out of memory");
		if (z->avail_in == 0 && z->avail_out != 0) {
			s->pos += n;
			return n;
		}
	}
}

static void
trailer_done(struct gz_reader *r)
{
	struct gz_reader_state *s = r->s;
	uint32_t crc = le32(s->trl), isize = le32(s->trl + 4);

	if (crc != s->crc) {
		fail(r, GZ_CORRUPT, s->member, s->pos - 8,
		    "CRC-32 mismatch (stored %08x, computed %08x)", crc, s->crc);
		return;
	}
	if (isize != (uint32_t)s->msize) {
		fail(r, GZ_CORRUPT, s->member, s->pos - 4,
		    "length mismatch (ISIZE %u, decompressed %u mod 2^32)", isize,
		    (uint32_t)s->msize);
		return;
	}
	r->members++;
	member_begin(s);
}

static void
feed_inner(struct gz_reader *r, const unsigned char *p, size_t n)
{
	struct gz_reader_state *s = r->s;

	while (n > 0 && r->status == GZ_OK) {
		size_t k;

		switch (s->state) {
		case S_BODY:
			k = inflate_some(r, p, n);
			p += k, n -= k;
			break;
		case S_TRAILER:
			s->trl[8 - s->need--] = *p++;
			n--;
			s->pos++;
			if (!s->need)
				trailer_done(r);
			break;
		case S_JOB: {
			struct job *j = s->filling;

			k = j->need - j->fill < n ? j->need - j->fill : n;
			memcpy(j->raw + j->fill, p, k);
			j->fill += k, s->pos += k, p += k, n -= k;
			if (j->fill < j->need)
				break;
			j->pj.run = job_run;
			s->q[(s->qhead + s->qlen) % s->nslots] = j;
			s->qlen++;
			s->filling = NULL;
			member_begin(s);
			pool_submit(&s->pool, &j->pj);
			drain(r, s->nslots);
			break;
		}
		case S_ZEROS:
			for (k = 0; k < n && p[k] == 0; k++)
				;
			r->trailing += k, s->pos += k, p += k, n -= k;
			if (n == 0)
				break;
			if (s->allow_garbage) {
				s->state = S_IGNORE;
				break;
			}
			fail(r, GZ_CORRUPT, s->member - 1, s->pos,
			    "trailing garbage after the last gzip member");
			return;
		case S_IGNORE:
			r->trailing += n, s->pos += n;
			return;
		default:
			header_byte(r, *p++);
			n--;
			break;
		}
	}
}

void
gz_reader_init(struct gz_reader *r, int threads, int allow_trailing_garbage, gz_sink sink,
    void *sink_arg)
{
	struct gz_reader_state *s = xcalloc(1, sizeof *s);

	memset(r, 0, sizeof *r);
	r->s = s;
	s->allow_garbage = allow_trailing_garbage;
	s->sink = sink;
	s->sink_arg = sink_arg;
	if (threads > 32)
		threads = 32;
	pool_start(&s->pool, threads > 1 ? threads : 0);
	s->ndec = threads > 1 ? threads : 1;
	s->dec = xcalloc((size_t)s->ndec, sizeof *s->dec);
	for (int i = 0; i < s->ndec; i++)
		if (!(s->dec[i] = libdeflate_alloc_decompressor()))
			die(EX_SOFTWARE, "out of memory for a decompressor");
	s->nslots = threads > 1 ? threads + 2 : 1;
	s->slots = xcalloc((size_t)s->nslots, sizeof *s->slots);
	s->q = xcalloc((size_t)s->nslots, sizeof *s->q);
	for (int i = 0; i < s->nslots; i++)
		s->slots[i].s = s;
	member_begin(s);
}

enum gz_status
gz_reader_feed(struct gz_reader *r, const void *buf, size_t n)
{
	feed_inner(r, buf, n);
	r->in_bytes = r->s->pos;
	return r->status;
}

enum gz_status
gz_reader_finish(struct gz_reader *r)
{
	struct gz_reader_state *s = r->s;

	if (r->status != GZ_OK)
		return r->status;
	if (s->state == S_JOB) {
		/* A member cut short: queue it as failed so the replay streams it
		 * and reports exactly where the input ends. */
		struct job *j = s->filling;

		j->ok = 0;
		j->pj.queued = 0;
		s->q[(s->qhead + s->qlen) % s->nslots] = j;
		s->qlen++;
		s->filling = NULL;
	}
	while (drain(r, 0))
		;
	r->in_bytes = s->pos;
	if (r->status != GZ_OK)
		return r->status;
	switch (s->state) {
	case S_MAGIC:
		if (s->nfixed == 0 && s->member == 1)
			fail(r, GZ_TRUNCATED, 1, 0, "empty input: no gzip member");
		else if (s->nfixed > 0 && s->member > 1 && s->allow_garbage)
			r->trailing += s->nfixed;
		else if (s->nfixed > 0)
			fail(r, GZ_TRUNCATED, s->member, s->pos,
			    "truncated: input ends inside the member header");
		break;
	case S_XLEN:
	case S_EXTRA:
	case S_NAME:
	case S_COMMENT:
	case S_HCRC:
		fail(r, GZ_TRUNCATED, s->member, s->pos,
		    "truncated: input ends inside the member header");
		break;
	case S_BODY:
		fail(r, GZ_TRUNCATED, s->member, s->pos,
		    "truncated: input ends inside the compressed data");
		break;
	case S_TRAILER:
		fail(r, GZ_TRUNCATED, s->member, s->pos,
		    "truncated: input ends inside the member trailer (CRC-32, ISIZE)");
		break;
	default:
		break;
	}
	return r->status;
}

void
gz_reader_free(struct gz_reader *r)
{
	struct gz_reader_state *s = r->s;

	if (!s)
		return;
	for (int i = 0; i < s->nslots; i++)
		pool_wait(&s->pool, &s->slots[i].pj);
	pool_stop(&s->pool);
	for (int i = 0; i < s->nslots; i++) {
		free(s->slots[i].raw);
		free(s->slots[i].out);
	}
	for (int i = 0; i < s->ndec; i++)
		libdeflate_free_decompressor(s->dec[i]);
	if (s->zinit) {
		inflateEnd(&s->z);
		free(s->zout);
	}
	free(s->dec);
	free(s->slots);
	free(s->q);
	free(s);
	r->s = NULL;
}
