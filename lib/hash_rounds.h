/* The pieces of MD5 and of SHA-256 on the SHA extensions that more than one
 * file needs: the block buffering and padding both hashes share (lib/md5.c,
 * lib/hash.c), and the round code of each, used by its own block loop and by
 * hash_part (lib/hash_part.c), which runs both hashes in one loop. Private
 * to lib/. */
#ifndef PGOPS_HASH_ROUNDS_H
#define PGOPS_HASH_ROUNDS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

extern const uint32_t md5_T[64];     /* RFC 1321's sine table */
extern const uint32_t sha256_K[64];  /* FIPS 180-4's round constants */

/* The block loops of lib/md5.c and lib/hash.c (the latter only where
 * sha256_accelerated() says the CPU has the SHA extensions). */
typedef void hash_blocks_fn(uint32_t *st, const unsigned char *p, size_t nblocks);
hash_blocks_fn md5_blocks;
hash_blocks_fn sha256_ni_blocks;

/* MD5 and SHA-256 take their input in 64-byte blocks. hash_feed adds n
 * bytes to a hash whose state is st, with *count bytes so far and the
 * last count % 64 of them in buf: it completes the buffered block, runs
 * the whole blocks straight from the input, and keeps the rest. */
static inline void
hash_feed(hash_blocks_fn *blocks, uint32_t *st, uint64_t *count, unsigned char buf[64], const void *in, size_t n)
{
	const unsigned char *p = in;
	size_t fill = (size_t)(*count & 63);

	/* Empty input may come with a NULL pointer, which memcpy must not
	 * see even for 0 bytes. */
	if (n == 0)
		return;
	*count += n;
	if (fill) {
		size_t k = 64 - fill < n ? 64 - fill : n;

		memcpy(buf + fill, p, k);
		p += k;
		n -= k;
		if (fill + k < 64)
			return;
		blocks(st, buf, 1);
	}
	if (n >= 64) {
		blocks(st, p, n / 64);
		p += n & ~(size_t)63;
		n &= 63;
	}
	memcpy(buf, p, n);
}

/* The padding both append: 0x80, zeros up to 56 mod 64, then the length
 * in bits, big-endian for SHA-256 and little-endian for MD5. Returns the
 * padding's length. */
static inline size_t
hash_padding(unsigned char pad[72], uint64_t count, int big_endian)
{
	uint64_t bits = count * 8;
	size_t padlen = (size_t)((count & 63) < 56 ? 56 - (count & 63) : 120 - (count & 63));

	memset(pad, 0, 72);
	pad[0] = 0x80;
	for (int i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (unsigned char)(bits >> (big_endian ? 56 - 8 * i : 8 * i));
	return padlen + 8;
}

static inline uint32_t
md5_rol(uint32_t x, int s)
{
	return (x << s) | (x >> (32 - s));
}

static inline uint32_t
md5_le32(const unsigned char *p)
{
	/* Compilers turn this into one load on little-endian CPUs. */
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One MD5 step: a = b + rol(a + f + x[k] + T[i], s). The message word and
 * the constant are added before the round function, and each round
 * function below combines b, the newest word, last: the previous step's
 * result is the one value a step waits for, and it enters at the end. */
#define MD5_STEP(f, a, b, c, d, k, s, i) \
	do { \
		(a) += x[k] + md5_T[i]; \
		(a) += f; \
		(a) = md5_rol((a), (s)) + (b); \
	} while (0)

/* Steps 4g to 4g+3 of a block, over the locals a, b, c, d and x[16]; g is a
 * constant once the caller's loop is unrolled, so the branches fold away.
 * G(b, c, d) = (b & d) | (c & ~d): the two halves never share a bit, so
 * they are added separately, c & ~d before b arrives. */
#define MD5_GROUP(g) \
	do { \
		const int i_ = 4 * (g); \
		if ((g) < 4) { \
			MD5_STEP(d ^ (b & (c ^ d)), a, b, c, d, i_, 7, i_); \
			MD5_STEP(c ^ (a & (b ^ c)), d, a, b, c, i_ + 1, 12, i_ + 1); \
			MD5_STEP(b ^ (d & (a ^ b)), c, d, a, b, i_ + 2, 17, i_ + 2); \
			MD5_STEP(a ^ (c & (d ^ a)), b, c, d, a, i_ + 3, 22, i_ + 3); \
		} else if ((g) < 8) { \
			MD5_STEP((c & ~d) + (b & d), a, b, c, d, (5 * i_ + 1) & 15, 5, i_); \
			MD5_STEP((b & ~c) + (a & c), d, a, b, c, (5 * i_ + 6) & 15, 9, i_ + 1); \
			MD5_STEP((a & ~b) + (d & b), c, d, a, b, (5 * i_ + 11) & 15, 14, i_ + 2); \
			MD5_STEP((d & ~a) + (c & a), b, c, d, a, (5 * i_ + 16) & 15, 20, i_ + 3); \
		} else if ((g) < 12) { \
			MD5_STEP(b ^ (c ^ d), a, b, c, d, (3 * i_ + 5) & 15, 4, i_); \
			MD5_STEP(a ^ (b ^ c), d, a, b, c, (3 * i_ + 8) & 15, 11, i_ + 1); \
			MD5_STEP(d ^ (a ^ b), c, d, a, b, (3 * i_ + 11) & 15, 16, i_ + 2); \
			MD5_STEP(c ^ (d ^ a), b, c, d, a, (3 * i_ + 14) & 15, 23, i_ + 3); \
		} else { \
			MD5_STEP(c ^ (b | ~d), a, b, c, d, (7 * i_) & 15, 6, i_); \
			MD5_STEP(b ^ (a | ~c), d, a, b, c, (7 * i_ + 7) & 15, 10, i_ + 1); \
			MD5_STEP(a ^ (d | ~b), c, d, a, b, (7 * i_ + 14) & 15, 15, i_ + 2); \
			MD5_STEP(d ^ (c | ~a), b, c, d, a, (7 * i_ + 21) & 15, 21, i_ + 3); \
		} \
	} while (0)

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_SHANI_CODE 1
#include <immintrin.h>

/* Rounds 4g to 4g+3 of SHA-256 on the SHA extensions, for the block at p.
 * The state is in the ABEF/CDGH register pair (S0, S1) sha256rnds2 wants;
 * W holds the last four groups of message words, from which
 * sha256msg1/msg2 derive the next, as FIPS 180-4's schedule does. Needs
 * the local bswap (the byte order shuffle); g folds as in MD5_GROUP. */
#define SHA256_GROUP(S0, S1, W, p, g) \
	do { \
		__m128i m_; \
		if ((g) < 4) { \
			W[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((p) + 16 * (g))), bswap); \
		} else { \
			__m128i t_ = _mm_sha256msg1_epu32(W[(g) & 3], W[((g) + 1) & 3]); \
			t_ = _mm_add_epi32(t_, _mm_alignr_epi8(W[((g) + 3) & 3], W[((g) + 2) & 3], 4)); \
			W[(g) & 3] = _mm_sha256msg2_epu32(t_, W[((g) + 3) & 3]); \
		} \
		m_ = _mm_add_epi32(W[(g) & 3], _mm_loadu_si128((const __m128i *)&sha256_K[4 * (g)])); \
		S1 = _mm_sha256rnds2_epu32(S1, S0, m_); \
		S0 = _mm_sha256rnds2_epu32(S0, S1, _mm_shuffle_epi32(m_, 0x0E)); \
	} while (0)

#define SHA256_BSWAP _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL)

/* h[0..7] to the ABEF/CDGH pair and back. */
__attribute__((target("sha,sse4.1,ssse3"))) static inline void
sha256_ni_load(const uint32_t st[8], __m128i *s0, __m128i *s1)
{
	__m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]), 0xB1);

	*s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]), 0x1B);
	*s0 = _mm_alignr_epi8(t, *s1, 8);
	*s1 = _mm_blend_epi16(*s1, t, 0xF0);
}

__attribute__((target("sha,sse4.1,ssse3"))) static inline void
sha256_ni_store(uint32_t st[8], __m128i s0, __m128i s1)
{
	__m128i t = _mm_shuffle_epi32(s0, 0x1B);

	s1 = _mm_shuffle_epi32(s1, 0xB1);
	s0 = _mm_blend_epi16(t, s1, 0xF0);
	s1 = _mm_alignr_epi8(s1, t, 8);
	_mm_storeu_si128((__m128i *)&st[0], s0);
	_mm_storeu_si128((__m128i *)&st[4], s1);
}
#else
#define HAVE_SHANI_CODE 0
#endif

#endif
