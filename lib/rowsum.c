/* The row hash is MurmurHash3's 64-bit mixing applied to little-endian
 * 8-byte words, fed with a carry so that rows may arrive in pieces; its
 * quality is ample for telling changed rows apart, and it runs at several
 * GB/s, so a dump pays little for it. */
#include <string.h>

#include "rowsum.h"

#define C1 0x87c37b91114253d5ULL
#define C2 0x4cf5ad432745937fULL
/* A non-zero seed, so that an empty row (a table without columns) adds
 * something too. */
#define SEED 0x9e3779b97f4a7c15ULL

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
fmix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static uint64_t
word_mix(uint64_t h, const unsigned char *p)
{
	uint64_t k;

	memcpy(&k, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	k = __builtin_bswap64(k); /* the words are little-endian everywhere */
#endif
	k *= C1;
	k = rotl(k, 31);
	k *= C2;
	h ^= k;
	h = rotl(h, 27);
	return h * 5 + 0x52dce729;
}

void
rowsum_init(struct rowsum *r)
{
	memset(r, 0, sizeof *r);
	r->h = SEED;
}

void
rowsum_part(struct rowsum *r, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	r->len += n;
	if (r->ncarry) {
		size_t k = 8 - r->ncarry < n ? 8 - r->ncarry : n;

		memcpy(r->carry + r->ncarry, p, k);
		r->ncarry += k;
		p += k;
		n -= k;
		if (r->ncarry < 8)
			return;
		r->h = word_mix(r->h, r->carry);
		r->ncarry = 0;
	}
	for (; n >= 8; p += 8, n -= 8)
		r->h = word_mix(r->h, p);
	memcpy(r->carry, p, n);
	r->ncarry = n;
}

/* A row's hash h over len bytes into the sum. */
static void
row_add(struct rowsum *r, uint64_t h, uint64_t len)
{
	r->sum += fmix(h ^ len);
	r->rows++;
}

void
rowsum_end(struct rowsum *r)
{
	if (r->ncarry) {
		memset(r->carry + r->ncarry, 0, 8 - r->ncarry);
		r->h = word_mix(r->h, r->carry);
	}
	row_add(r, r->h, r->len);
	r->h = SEED;
	r->len = 0;
	r->ncarry = 0;
}

void
rowsum_feed(struct rowsum *r, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n) {
		const unsigned char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;

		rowsum_part(r, p, k);
		if (!nl)
			return;
		rowsum_end(r);
		p += k + 1;
		n -= k + 1;
	}
}

void
rowsum_row(struct rowsum *r, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint64_t h = SEED, len;

	if (n && p[n - 1] == '\n')
		n--;
	if (r->len || r->ncarry) {
		rowsum_part(r, buf, n);
		rowsum_end(r);
		return;
	}
	/* No row in pieces before it: the same hash without the carry, the
	 * dump's rows being hashed here one by one. */
	len = n;
	for (; n >= 8; p += 8, n -= 8)
		h = word_mix(h, p);
	if (n) {
		unsigned char last[8] = { 0 };

		memcpy(last, p, n);
		h = word_mix(h, last);
	}
	row_add(r, h, len);
}

uint64_t
rowsum_pending(const struct rowsum *r)
{
	return r->len;
}
