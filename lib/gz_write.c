/* The parallel gzip writer: fixed-size chunks, each compressed by libdeflate
 * on the pool as an independent, indexed gzip member; members leave in
 * input order. Memory: (threads + 1) x (chunk + its compression bound). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "gz.h"
#include "log.h"
#include "xmem.h"

#define HDR_LEN 24 /* 10 fixed + XLEN + "PG" LEN=8 subfield */

struct wjob {
	struct pool_job pj;
	struct gz_writer_state *s;
	unsigned char *in, *out;
	size_t inlen, outlen, outcap;
	int inuse;
};

struct gz_writer_state {
	size_t chunk;
	gz_sink sink;
	void *sink_arg;
	struct pool pool;
	struct libdeflate_compressor **comp;
	int ncomp;
	struct wjob *slots, **q, *cur;
	int nslots, qhead, qlen, failed;
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

static void
wjob_run(struct pool_job *pj, int worker)
{
	static const unsigned char hdr[16] = {
		0x1f, 0x8b, 8, 0x04, 0, 0, 0, 0, 0, 0xff, 12, 0, 'P', 'G', 8, 0
	};
	struct wjob *j = (struct wjob *)pj;
	size_t d;

	memcpy(j->out, hdr, sizeof hdr);
	d = libdeflate_deflate_compress(j->s->comp[worker], j->in, j->inlen, j->out + HDR_LEN,
	    j->outcap - HDR_LEN - 8);
	if (d == 0)
		die(EX_SOFTWARE, "gzip writer: compressed chunk exceeds its bound");
	j->outlen = HDR_LEN + d + 8;
	put32(j->out + 16, (uint32_t)j->outlen);
	put32(j->out + 20, (uint32_t)j->inlen);
	put32(j->out + HDR_LEN + d, libdeflate_crc32(0, j->in, j->inlen));
	put32(j->out + HDR_LEN + d + 4, (uint32_t)j->inlen);
}

/* Writes finished members in order, blocking while more than keep wait. */
static void
drain(struct gz_writer *w, int keep)
{
	struct gz_writer_state *s = w->s;

	while (s->qlen > 0) {
		struct wjob *j = s->q[s->qhead];

		if (s->qlen <= keep && !pool_done(&s->pool, &j->pj))
			break;
		pool_wait(&s->pool, &j->pj);
		if (!s->failed) {
			if (s->sink(s->sink_arg, j->out, j->outlen) < 0) {
				s->failed = 1;
				w->sink_errno = errno;
			} else {
				w->out_bytes += j->outlen;
				w->members++;
			}
		}
		j->inuse = 0;
		s->qhead = (s->qhead + 1) % s->nslots;
		s->qlen--;
	}
}

static void
submit(struct gz_writer *w)
{
	struct gz_writer_state *s = w->s;
	struct wjob *j = s->cur;

	j->pj.run = wjob_run;
	s->q[(s->qhead + s->qlen) % s->nslots] = j;
	s->qlen++;
	s->cur = NULL;
	pool_submit(&s->pool, &j->pj);
	drain(w, s->nslots);
}

static void
take_slot(struct gz_writer *w)
{
	struct gz_writer_state *s = w->s;

	drain(w, s->nslots - 1);
	for (int i = 0; i < s->nslots; i++)
		if (!s->slots[i].inuse) {
			s->cur = &s->slots[i];
			s->cur->inuse = 1;
			s->cur->inlen = 0;
			return;
		}
	die(EX_SOFTWARE, "gzip writer: no free slot");
}

void
gz_writer_init(struct gz_writer *w, int level, int threads, size_t chunk, gz_sink sink,
    void *sink_arg)
{
	struct gz_writer_state *s = xcalloc(1, sizeof *s);

	memset(w, 0, sizeof *w);
	w->s = s;
	if (chunk < 1024)
		chunk = 1024;
	if (chunk > GZ_CHUNK_MAX)
		chunk = GZ_CHUNK_MAX;
	if (threads > 32)
		threads = 32;
	s->chunk = chunk;
	s->sink = sink;
	s->sink_arg = sink_arg;
	pool_start(&s->pool, threads > 1 ? threads : 0);
	s->ncomp = threads > 1 ? threads : 1;
	s->comp = xcalloc((size_t)s->ncomp, sizeof *s->comp);
	for (int i = 0; i < s->ncomp; i++)
		if (!(s->comp[i] = libdeflate_alloc_compressor(level)))
			die(EX_SOFTWARE, "cannot set up compression level %d", level);
	s->nslots = threads > 1 ? threads + 1 : 1;
	s->slots = xcalloc((size_t)s->nslots, sizeof *s->slots);
	s->q = xcalloc((size_t)s->nslots, sizeof *s->q);
	for (int i = 0; i < s->nslots; i++) {
		struct wjob *j = &s->slots[i];

		j->s = s;
		j->in = xmalloc(chunk);
		j->outcap = HDR_LEN + libdeflate_deflate_compress_bound(s->comp[0], chunk) + 8;
		j->out = xmalloc(j->outcap);
	}
}

int
gz_writer_write(struct gz_writer *w, const void *buf, size_t n)
{
	struct gz_writer_state *s = w->s;
	const unsigned char *p = buf;

	while (n > 0 && !s->failed) {
		size_t k;

		if (!s->cur)
			take_slot(w);
		k = s->chunk - s->cur->inlen < n ? s->chunk - s->cur->inlen : n;
		memcpy(s->cur->in + s->cur->inlen, p, k);
		s->cur->inlen += k, p += k, n -= k;
		w->in_bytes += k;
		if (s->cur->inlen == s->chunk)
			submit(w);
	}
	if (s->failed) {
		errno = w->sink_errno;
		return -1;
	}
	return 0;
}

int
gz_writer_finish(struct gz_writer *w)
{
	struct gz_writer_state *s = w->s;

	if (!s->failed && (s->cur || (w->members == 0 && s->qlen == 0))) {
		if (!s->cur)
			take_slot(w);
		submit(w);
	}
	drain(w, 0);
	if (s->failed) {
		errno = w->sink_errno;
		return -1;
	}
	return 0;
}

void
gz_writer_free(struct gz_writer *w)
{
	struct gz_writer_state *s = w->s;

	if (!s)
		return;
	for (int i = 0; i < s->nslots; i++)
		pool_wait(&s->pool, &s->slots[i].pj);
	pool_stop(&s->pool);
	for (int i = 0; i < s->nslots; i++) {
		free(s->slots[i].in);
		free(s->slots[i].out);
	}
	for (int i = 0; i < s->ncomp; i++)
		libdeflate_free_compressor(s->comp[i]);
	free(s->comp);
	free(s->slots);
	free(s->q);
	free(s);
	w->s = NULL;
}
