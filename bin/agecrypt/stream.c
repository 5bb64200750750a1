/* The payload, in parallel: chunks are read in batches of BATCH_CHUNKS,
 * each batch sealed or opened by a worker, and written in order by the
 * main thread. Memory: 2 * jobs batches of 1 MiB (plus the header and the
 * armor's line buffers), whatever the size of the stream.
 *
 * Decryption writes a batch only after every chunk in it has verified,
 * and of a batch with a bad chunk only the chunks before it; nothing after
 * the first chunk that fails to verify ever reaches the output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agecrypt.h"
#include "io.h"
#include "log.h"
#include "pool.h"
#include "progress.h"
#include "sig.h"
#include "xmem.h"

#define BATCH_CHUNKS 16

struct batch {
	struct pool_job job;      /* first: the worker gets the batch from it */
	unsigned char *buf;       /* chunk i at i * AGE_CCHUNK */
	size_t len[BATCH_CHUNKS]; /* bytes in chunk i: plaintext to seal, ciphertext to open */
	int n;
	int final;                /* the batch's last chunk ends the stream */
	int bad;                  /* decryption: first chunk that failed, or -1 */
	int trailing;             /* ... and it was a final chunk with data after it */
	int empty;                /* ... or an empty final chunk after others */
	uint64_t first;           /* counter of chunk 0 */
	const unsigned char *key;
	int decrypt;
};

/* Input: the file as it is, or through the armor decoder; bytes pushed
 * back after the header are read first. */
struct src {
	int fd, armored, eof;
	struct age_armor_dec ad;
	unsigned char *pend;
	size_t plen, ppos;
	unsigned char raw[AGE_CHUNK];
};

static void
batch_run(struct pool_job *job, int worker)
{
	struct batch *b = (struct batch *)job;

	(void)worker;
	b->bad = -1;
	b->trailing = b->empty = 0;
	for (int i = 0; i < b->n; i++) {
		unsigned char *c = b->buf + (size_t)i * AGE_CCHUNK;
		int last = b->final && i == b->n - 1;

		if (!b->decrypt) {
			age_chunk_seal(b->key, b->first + (uint64_t)i, last, c, b->len[i]);
			continue;
		}
		if (age_chunk_open(b->key, b->first + (uint64_t)i, last, c, b->len[i]) == 0) {
			/* age writes an empty final chunk only in an empty file. */
			if (last && b->len[i] == AGE_TAG && b->first + (uint64_t)i > 0) {
				b->bad = i;
				b->empty = 1;
				return;
			}
			continue;
		}
		/* A full chunk that opens as the final one, with more after it:
		 * data appended to a complete file. */
		b->trailing = !last && b->len[i] == AGE_CCHUNK
		    && age_chunk_open(b->key, b->first + (uint64_t)i, 1, c, b->len[i]) == 0;
		b->bad = i;
		return;
	}
}

struct pipeline {
	struct pool pool;
	struct batch *ring;
	int nring;
	uint64_t head, tail;      /* batches filled, batches written */
	struct age_armor_enc armor; /* -a: the encoder, and its lines */
	char *armor_buf;
	struct progress pr;       /* over the input's bytes */
};

static void
pipeline_start(struct pipeline *p, const unsigned char *key, int decrypt, int in)
{
	struct stat st;

	p->nring = 2 * opt.jobs;
	p->ring = xcalloc((size_t)p->nring, sizeof *p->ring);
	for (int i = 0; i < p->nring; i++) {
		p->ring[i].buf = xmalloc((size_t)BATCH_CHUNKS * AGE_CCHUNK);
		p->ring[i].job.run = batch_run;
		p->ring[i].key = key;
		p->ring[i].decrypt = decrypt;
	}
	p->head = p->tail = 0;
	p->armor_buf = NULL;
	progress_init(&p->pr, io_name(opt.input), fstat(in, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0,
	    opt.progress);
	/* While it waits for a batch, the main thread seals or opens those
	 * no worker has taken yet: -j N is N - 1 workers and this thread. */
	pool_start(&p->pool, opt.jobs - 1);
}

static void
pipeline_stop(struct pipeline *p)
{
	pool_stop(&p->pool);
	for (int i = 0; i < p->nring; i++) {
		/* Plaintext (one side or the other) is wiped before it is freed. */
		explicit_bzero(p->ring[i].buf, (size_t)BATCH_CHUNKS * AGE_CCHUNK);
		free(p->ring[i].buf);
	}
	free(p->ring);
	free(p->armor_buf);
}

/* Before any exit from the middle of the work: workers stopped, and a
 * caught signal ends the program here. */
static void
pipeline_abort(struct pipeline *p)
{
	int e = errno;

	pipeline_stop(p);
	if (sig_caught())
		sig_exit();
	errno = e;
}

static const char *
out_name(void)
{
	return opt.output ? opt.output : "(stdout)";
}

static void
out_write(struct pipeline *p, int out, const void *buf, size_t n)
{
	if (io_write_all(out, buf, n) < 0) {
		pipeline_abort(p);
		die_errno(EX_IOERR, "write %s", out_name());
	}
}

/* Ciphertext on its way out, through the armor's lines with -a. */
static void
emit(struct pipeline *p, int out, const void *buf, size_t n)
{
	if (!p->armor_buf) {
		out_write(p, out, buf, n);
		return;
	}
	for (size_t off = 0; off < n; off += AGE_CHUNK) {
		size_t take = n - off < AGE_CHUNK ? n - off : AGE_CHUNK;

		out_write(p, out, p->armor_buf, age_armor_feed(&p->armor, (const char *)buf + off, take, p->armor_buf));
	}
}

/* Reads chunks of size bytes into b from fd (encryption: plaintext) or src
 * (decryption), one byte of look-ahead kept in *carry between batches so
 * that the chunk before the end is known to be the final one. */
struct reader {
	int fd;
	struct src *src;
	size_t size;
	int carry, has_carry, started, done;
	uint64_t chunks, bytes;
};

static ssize_t src_read_full(struct src *s, void *buf, size_t n);

static ssize_t
reader_read(struct reader *r, unsigned char *buf, size_t n)
{
	size_t got = 0;
	ssize_t k;

	if (r->has_carry && n > 0) {
		buf[0] = (unsigned char)r->carry;
		r->has_carry = 0;
		got = 1;
	}
	k = r->src ? src_read_full(r->src, buf + got, n - got) : io_read_full(r->fd, buf + got, n - got);
	if (k > 0)
		r->bytes += (uint64_t)k;
	return k < 0 ? -1 : (ssize_t)got + k;
}

/* 0, or -1 on a read error (errno; a signal shows as EINTR). */
static int
reader_fill(struct reader *r, struct batch *b)
{
	b->n = 0;
	b->final = 0;
	b->first = r->chunks;
	while (b->n < BATCH_CHUNKS) {
		unsigned char *c = b->buf + (size_t)b->n * AGE_CCHUNK;
		ssize_t g = reader_read(r, c, r->size);

		if (g < 0)
			return -1;
		if (g == 0 && r->started) {
			/* The chunk before was full and the input ends there. */
			b->final = 1;
			break;
		}
		r->started = 1;
		b->len[b->n++] = (size_t)g;
		r->chunks++;
		if ((size_t)g < r->size) {
			b->final = 1;
			break;
		}
	}
	if (!b->final) {
		unsigned char one;
		ssize_t g = reader_read(r, &one, 1);

		if (g < 0)
			return -1;
		if (g == 0)
			b->final = 1;
		else
			r->carry = one, r->has_carry = 1;
	}
	r->done = b->final;
	return 0;
}

static void
encrypt_emit(struct pipeline *p, int out, struct batch *b)
{
	size_t n = (size_t)(b->n - 1) * AGE_CCHUNK + b->len[b->n - 1] + AGE_TAG;

	pool_wait_helping(&p->pool, &b->job, opt.jobs);
	emit(p, out, b->buf, n);
}

/* The work both ways: batches filled in order, sealed or opened by the
 * pool, written in order by emit, at most nring of them in flight. */
static void
pipeline_run(struct pipeline *p, struct reader *r, int out, void (*emit_batch)(struct pipeline *, int, struct batch *))
{
	uint64_t nring = (uint64_t)p->nring;

	while (!r->done) {
		struct batch *b;

		if (sig_caught())
			pipeline_abort(p);
		if (p->head - p->tail == nring)
			emit_batch(p, out, &p->ring[p->tail++ % nring]);
		b = &p->ring[p->head % nring];
		if (reader_fill(r, b) < 0) {
			pipeline_abort(p);
			die_errno(EX_IOERR, "read %s", io_name(opt.input));
		}
		pool_submit(&p->pool, &b->job);
		p->head++;
		progress_update(&p->pr, r->bytes);
	}
	while (p->tail < p->head)
		emit_batch(p, out, &p->ring[p->tail++ % nring]);
	progress_end(&p->pr, r->bytes);
}

void
stream_encrypt(int in, int out, const struct age_enc *e)
{
	struct pipeline p;
	struct reader r = { .fd = in, .size = AGE_CHUNK };

	pipeline_start(&p, e->key, 0, in);
	if (opt.armor) {
		p.armor_buf = xmalloc(AGE_ARMOR_ROOM(AGE_CHUNK));
		out_write(&p, out, p.armor_buf, age_armor_begin(&p.armor, p.armor_buf));
	}
	emit(&p, out, e->header, e->hlen);
	pipeline_run(&p, &r, out, encrypt_emit);
	if (p.armor_buf)
		out_write(&p, out, p.armor_buf, age_armor_end(&p.armor, p.armor_buf));
	pipeline_stop(&p);
}

/* Armored input is decoded a raw read at a time; bytes set aside by the
 * header's reader are served first. */
static ssize_t
src_read(struct src *s, void *buf, size_t n)
{
	if (s->ppos < s->plen) {
		size_t take = s->plen - s->ppos < n ? s->plen - s->ppos : n;

		memcpy(buf, s->pend + s->ppos, take);
		s->ppos += take;
		return (ssize_t)take;
	}
	if (!s->armored)
		return s->eof ? 0 : io_read(s->fd, buf, n);
	while (!s->eof) {
		ssize_t r = io_read(s->fd, s->raw, sizeof s->raw);

		if (r < 0)
			return -1;
		if (r == 0) {
			s->eof = 1;
			if (age_armor_dec_finish(&s->ad) < 0)
				die(EX_DATAERR, "%s: %s", io_name(opt.input), s->ad.err);
			return 0;
		}
		s->pend = xrealloc(s->pend, (size_t)r + 48);
		if ((r = age_armor_dec_feed(&s->ad, s->raw, (size_t)r, s->pend)) < 0)
			die(EX_DATAERR, "%s: %s", io_name(opt.input), s->ad.err);
		s->plen = (size_t)r, s->ppos = 0;
		if (r > 0)
			return src_read(s, buf, n);
	}
	return 0;
}

static ssize_t
src_read_full(struct src *s, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = src_read(s, (char *)buf + got, n - got);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The first bytes decide: age's binary header, armor, or not age at all. */
static void
src_open(struct src *s, int fd)
{
	ssize_t n;

	memset(s, 0, sizeof *s);
	s->fd = fd;
	n = io_read_full(fd, s->raw, 1100);
	if (n < 0)
		die_errno(sig_caught() ? 0 : EX_IOERR, "read %s", io_name(opt.input));
	if (n == 0)
		die(EX_DATAERR, "%s is empty, not an age file", io_name(opt.input));
	if (!age_sniff(s->raw, (size_t)n))
		die(EX_DATAERR, "%s is not an age file (no \"age-encryption.org/v1\" line or armor)", io_name(opt.input));
	s->pend = xmalloc((size_t)n + 48);
	if (memcmp(s->raw, "age-encryption.org/", 19) == 0) {
		memcpy(s->pend, s->raw, (size_t)n);
		s->plen = (size_t)n;
		return;
	}
	s->armored = 1;
	age_armor_dec_init(&s->ad);
	if ((n = age_armor_dec_feed(&s->ad, s->raw, (size_t)n, s->pend)) < 0)
		die(EX_DATAERR, "%s: %s", io_name(opt.input), s->ad.err);
	s->plen = (size_t)n;
}

/* The header, read until it parses; the bytes after it are pushed back. */
static void
read_header(struct src *s, struct age_header *h, unsigned char **hbuf, size_t *hlen)
{
	size_t cap = 4096, len = 0;
	unsigned char *buf = xmalloc(cap);
	char err[200];

	for (;;) {
		ssize_t r;
		enum age_parse st;

		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = src_read(s, buf + len, cap - len > AGE_HEADER_MAX - len + 1 ? AGE_HEADER_MAX - len + 1 : cap - len);
		if (r < 0) {
			if (sig_caught())
				sig_exit();
			die_errno(EX_IOERR, "read %s", io_name(opt.input));
		}
		len += (size_t)r;
		st = len ? age_header_parse(h, buf, len, err, sizeof err) : AGE_MORE;
		if (st == AGE_OK)
			break;
		if (st == AGE_NOTAGE || st == AGE_BAD)
			die(EX_DATAERR, "%s: %s", io_name(opt.input), err);
		if (r == 0)
			die(EX_DATAERR, "%s: the age header is cut short", io_name(opt.input));
	}
	/* What was read past the header goes back in front of the payload. */
	{
		size_t rest = len - h->len;
		unsigned char *p = xmalloc(rest + (s->plen - s->ppos) + 48);

		memcpy(p, buf + h->len, rest);
		memcpy(p + rest, s->pend + s->ppos, s->plen - s->ppos);
		free(s->pend);
		s->pend = p;
		s->plen = rest + s->plen - s->ppos;
		s->ppos = 0;
	}
	*hbuf = buf;
	*hlen = len;
}

static void
unwrap(const struct age_header *h, const unsigned char *hbuf, unsigned char fk[16])
{
	char pass[1024], err[300];
	ssize_t plen = -1;
	int ex;

	if (age_header_scrypt(h)) {
		if (opt.identities.n > 0)
			log_warn("%s is encrypted with a passphrase; the identities (-i) are not used", io_name(opt.input));
		/* The ceiling is checked before anyone is asked. */
		ex = age_unwrap(h, hbuf, &opt.identities, NULL, 0, opt.max_work_factor, fk, err, sizeof err);
		if (ex == EX_NOPERM && (plen = pass_get(pass, sizeof pass, 0, err, sizeof err)) >= 0)
			ex = age_unwrap(h, hbuf, &opt.identities, pass, (size_t)plen, opt.max_work_factor, fk, err,
			    sizeof err);
		explicit_bzero(pass, sizeof pass);
	} else {
		ex = age_unwrap(h, hbuf, &opt.identities, NULL, 0, opt.max_work_factor, fk, err, sizeof err);
	}
	if (ex)
		die(ex, "%s: %s", io_name(opt.input), err);
}

static void
decrypt_emit(struct pipeline *p, int out, struct batch *b)
{
	int upto;

	pool_wait_helping(&p->pool, &b->job, opt.jobs);
	upto = b->bad < 0 ? b->n : b->bad;
	for (int i = 0; i < upto; i++)
		out_write(p, out, b->buf + (size_t)i * AGE_CCHUNK, b->len[i] - AGE_TAG);
	if (b->bad < 0)
		return;
	{
		/* Everything about the bad chunk is read before the batches go. */
		uint64_t c = b->first + (uint64_t)b->bad;
		int last = b->final && b->bad == b->n - 1, empty = b->empty, trailing = b->trailing;
		int none = c == 0 && b->len[0] == 0;

		pipeline_abort(p);
		if (none)
			die(EX_DATAERR, "%s: the file is truncated (no payload after the header)", io_name(opt.input));
		if (empty)
			die(EX_DATAERR, "%s: an empty final chunk (chunk %llu) after others, which age never writes",
			    io_name(opt.input), (unsigned long long)c);
		if (trailing)
			die(EX_DATAERR, "%s: data after the final chunk (chunk %llu); the plaintext before it was written",
			    io_name(opt.input), (unsigned long long)c);
		if (last)
			die(EX_DATAERR, "%s: chunk %llu, the last one read, does not verify: the file is truncated or "
			    "corrupt; %llu bytes of plaintext before it were written", io_name(opt.input),
			    (unsigned long long)c, (unsigned long long)c * AGE_CHUNK);
		die(EX_DATAERR, "%s: chunk %llu does not verify: the file is corrupt; %llu bytes of plaintext before it "
		    "were written", io_name(opt.input), (unsigned long long)c, (unsigned long long)c * AGE_CHUNK);
	}
}

void
stream_decrypt(int in, int out)
{
	struct src *s = xmalloc(sizeof *s);
	struct age_header h;
	struct pipeline p;
	struct reader r = { .src = s, .size = AGE_CCHUNK };
	unsigned char *hbuf, nonce[AGE_NONCE], fk[16], key[32];
	size_t hlen;

	src_open(s, in);
	read_header(s, &h, &hbuf, &hlen);
	unwrap(&h, hbuf, fk);
	age_header_free(&h);
	free(hbuf);
	if (src_read_full(s, nonce, sizeof nonce) != sizeof nonce)
		die(EX_DATAERR, "%s: the file is truncated (no payload after the header)", io_name(opt.input));
	age_payload_key(fk, nonce, key);
	explicit_bzero(fk, sizeof fk);
	pipeline_start(&p, key, 1, in);
	pipeline_run(&p, &r, out, decrypt_emit);
	pipeline_stop(&p);
	explicit_bzero(key, sizeof key);
	free(s->pend);
	free(s);
}
