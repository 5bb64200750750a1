/* Plaintext in, age ciphertext out, one chunk at a time. */
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "io.h"
#include "xmem.h"

void
age_reader_init(struct age_reader *r, int fd, struct age_enc *e,
    void (*feed)(void *arg, const unsigned char *buf, size_t n), void *arg)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->enc = e;
	r->feed = feed;
	r->arg = arg;
	r->buf = xmalloc(AGE_CCHUNK);
}

/* The next chunk, sealed, in r->buf; one byte read ahead tells whether it
 * is the final one. 0, or -1 on a read error. */
static int
next_chunk(struct age_reader *r)
{
	size_t got = 0;
	ssize_t k;
	int last;

	if (r->has_carry) {
		r->buf[0] = r->carry;
		r->has_carry = 0;
		got = 1;
	}
	if ((k = io_read_full(r->fd, r->buf + got, AGE_CHUNK - got)) < 0)
		return -1;
	got += (size_t)k;
	last = got < AGE_CHUNK;
	if (!last) {
		if ((k = io_read_full(r->fd, &r->carry, 1)) < 0)
			return -1;
		r->has_carry = k == 1;
		last = k == 0;
	}
	if (r->feed && got)
		r->feed(r->arg, r->buf, got);
	age_chunk_seal(r->enc->key, r->counter++, last, r->buf, got);
	r->len = got + AGE_TAG;
	r->pos = 0;
	r->eof = last;
	r->started = 1;
	return 0;
}

ssize_t
age_reader_read(struct age_reader *r, void *buf, size_t n)
{
	size_t take;

	if (r->hpos < r->enc->hlen) {
		take = r->enc->hlen - r->hpos < n ? r->enc->hlen - r->hpos : n;
		memcpy(buf, r->enc->header + r->hpos, take);
		r->hpos += take;
		return (ssize_t)take;
	}
	if (r->pos == r->len) {
		if (r->started && r->eof)
			return 0;
		if (next_chunk(r) < 0)
			return -1;
	}
	take = r->len - r->pos < n ? r->len - r->pos : n;
	memcpy(buf, r->buf + r->pos, take);
	r->pos += take;
	return (ssize_t)take;
}

void
age_reader_free(struct age_reader *r)
{
	if (r->buf) {
		explicit_bzero(r->buf, AGE_CCHUNK);
		free(r->buf);
	}
	r->buf = NULL;
}
