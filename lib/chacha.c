/* ChaCha20 (RFC 8439) and Poly1305, for lib/aead.c. BearSSL has both, but
 * its ChaCha20 runs 4 blocks at a time on SSE2 and its Poly1305 on 32-bit
 * limbs: about 3 s of CPU per GiB here, where a backup is encrypted at the
 * speed of the dump. This file runs 8 blocks at a time on AVX2 and
 * Poly1305 on 64-bit limbs; tests/unit/unit-age.c checks both paths
 * against RFC 8439's vectors and BearSSL. */
#include <cpuid.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <immintrin.h>

#include "aead.h"
#include "chacha.h"

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

#define ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d) \
	a += b; d ^= a; d = ROTL(d, 16); c += d; b ^= c; b = ROTL(b, 12); \
	a += b; d ^= a; d = ROTL(d, 8);  c += d; b ^= c; b = ROTL(b, 7)

static void
state_init(uint32_t s[16], const unsigned char key[32], const unsigned char nonce[12], uint32_t counter)
{
	s[0] = 0x61707865, s[1] = 0x3320646e, s[2] = 0x79622d32, s[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		s[4 + i] = le32(key + 4 * i);
	s[12] = counter;
	s[13] = le32(nonce), s[14] = le32(nonce + 4), s[15] = le32(nonce + 8);
}

/* One 64-byte block of key stream. */
static void
block(const uint32_t s[16], unsigned char out[64])
{
	uint32_t x[16];

	memcpy(x, s, sizeof x);
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]); QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]); QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]); QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]); QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + s[i];

		out[4 * i] = (unsigned char)v, out[4 * i + 1] = (unsigned char)(v >> 8);
		out[4 * i + 2] = (unsigned char)(v >> 16), out[4 * i + 3] = (unsigned char)(v >> 24);
	}
	explicit_bzero(x, sizeof x);
}

#define V __m256i
#define ADD _mm256_add_epi32
#define XOR _mm256_xor_si256
#define ROT(v, n) _mm256_or_si256(_mm256_slli_epi32(v, n), _mm256_srli_epi32(v, 32 - (n)))
#define QR8(a, b, c, d) \
	a = ADD(a, b); d = XOR(d, a); d = _mm256_shuffle_epi8(d, r16); \
	c = ADD(c, d); b = XOR(b, c); b = ROT(b, 12); \
	a = ADD(a, b); d = XOR(d, a); d = _mm256_shuffle_epi8(d, r8); \
	c = ADD(c, d); b = XOR(b, c); b = ROT(b, 7)

/* out[j] for block j: words 0-7 of lanes j from v[0..8). */
__attribute__((target("avx2"))) static inline void
transpose(V v[8], V out[8])
{
	V t0 = _mm256_unpacklo_epi32(v[0], v[1]), t1 = _mm256_unpackhi_epi32(v[0], v[1]);
	V t2 = _mm256_unpacklo_epi32(v[2], v[3]), t3 = _mm256_unpackhi_epi32(v[2], v[3]);
	V t4 = _mm256_unpacklo_epi32(v[4], v[5]), t5 = _mm256_unpackhi_epi32(v[4], v[5]);
	V t6 = _mm256_unpacklo_epi32(v[6], v[7]), t7 = _mm256_unpackhi_epi32(v[6], v[7]);
	V u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
	V u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
	V u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
	V u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);

	out[0] = _mm256_permute2x128_si256(u0, u4, 0x20), out[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
	out[1] = _mm256_permute2x128_si256(u1, u5, 0x20), out[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
	out[2] = _mm256_permute2x128_si256(u2, u6, 0x20), out[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
	out[3] = _mm256_permute2x128_si256(u3, u7, 0x20), out[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

/* Eight blocks (512 bytes) at a time, one block per 32-bit lane; returns
 * the bytes done (a multiple of 512), s[12] advanced past them. */
__attribute__((target("avx2"))) static size_t
xor8_avx2(uint32_t s[16], unsigned char *buf, size_t len)
{
	const V r16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13,
	    2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
	const V r8 = _mm256_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14,
	    3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
	size_t done = 0;
	V in[16];

	for (int i = 0; i < 16; i++)
		in[i] = _mm256_set1_epi32((int)s[i]);
	in[12] = ADD(in[12], _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
	for (; len - done >= 512; done += 512) {
		V x[16], lo[8], hi[8];

		memcpy(x, in, sizeof x);
		for (int i = 0; i < 10; i++) {
			QR8(x[0], x[4], x[8], x[12]); QR8(x[1], x[5], x[9], x[13]);
			QR8(x[2], x[6], x[10], x[14]); QR8(x[3], x[7], x[11], x[15]);
			QR8(x[0], x[5], x[10], x[15]); QR8(x[1], x[6], x[11], x[12]);
			QR8(x[2], x[7], x[8], x[13]); QR8(x[3], x[4], x[9], x[14]);
		}
		for (int i = 0; i < 16; i++)
			x[i] = ADD(x[i], in[i]);
		transpose(x, lo);
		transpose(x + 8, hi);
		for (int j = 0; j < 8; j++) {
			V *p = (V *)(buf + done + 64 * j);

			_mm256_storeu_si256(p, XOR(_mm256_loadu_si256(p), lo[j]));
			_mm256_storeu_si256(p + 1, XOR(_mm256_loadu_si256(p + 1), hi[j]));
		}
		in[12] = ADD(in[12], _mm256_set1_epi32(8));
	}
	s[12] += (uint32_t)(done / 64);
	return done;
}

static int
have_avx2(void)
{
	static int cached = -1;
	int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	unsigned a, b, c, d;

	if (v < 0) {
		const char *off = getenv("PGOPS_NO_AVX2");

		v = !(off && *off && strcmp(off, "0") != 0) && __get_cpuid_count(7, 0, &a, &b, &c, &d)
		    && (b & bit_AVX2) && __get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE);
		__atomic_store_n(&cached, v, __ATOMIC_RELAXED);
	}
	return v;
}

int
chacha20_avx2(void)
{
	return have_avx2();
}

void
chacha20_xor(const unsigned char key[32], const unsigned char nonce[12], uint32_t counter, unsigned char *buf,
    size_t len)
{
	uint32_t s[16];
	unsigned char ks[64];
	size_t done = 0;

	state_init(s, key, nonce, counter);
	if (have_avx2())
		done = xor8_avx2(s, buf, len);
	for (; done < len; done += 64) {
		size_t take = len - done < 64 ? len - done : 64;

		block(s, ks);
		s[12]++;
		for (size_t i = 0; i < take; i++)
			buf[done + i] ^= ks[i];
	}
	explicit_bzero(s, sizeof s);
	explicit_bzero(ks, sizeof ks);
}

/* Poly1305 on 64-bit limbs: h = h0 + h1 * 2^64 + h2 * 2^128, and 2^130
 * folded back as 5 (r1's low two bits are clear, so r1 * 5/4 is exact). */
void
poly1305_init(struct poly1305 *p, const unsigned char key[32])
{
	p->r0 = le64(key) & 0x0ffffffc0fffffffULL;
	p->r1 = le64(key + 8) & 0x0ffffffc0ffffffcULL;
	p->s0 = le64(key + 16);
	p->s1 = le64(key + 24);
	p->h0 = p->h1 = p->h2 = 0;
	p->n = 0;
}

static void
blocks(struct poly1305 *p, const unsigned char *m, size_t len, uint64_t hibit)
{
	typedef unsigned __int128 u128;
	uint64_t r0 = p->r0, r1 = p->r1, s1 = r1 + (r1 >> 2), h0 = p->h0, h1 = p->h1, h2 = p->h2;

	for (; len >= 16; m += 16, len -= 16) {
		u128 d0, d1;
		uint64_t c;

		d0 = (u128)h0 + le64(m);
		h0 = (uint64_t)d0;
		d1 = (u128)h1 + le64(m + 8) + (uint64_t)(d0 >> 64);
		h1 = (uint64_t)d1;
		h2 += (uint64_t)(d1 >> 64) + hibit;

		d0 = (u128)h0 * r0 + (u128)h1 * s1;
		d1 = (u128)h0 * r1 + (u128)h1 * r0 + (u128)h2 * s1;
		h2 = h2 * r0;
		h0 = (uint64_t)d0;
		d1 += (uint64_t)(d0 >> 64);
		h1 = (uint64_t)d1;
		h2 += (uint64_t)(d1 >> 64);
		c = (h2 >> 2) + (h2 & ~(uint64_t)3);
		h2 &= 3;
		h0 += c;
		c = h0 < c;
		h1 += c;
		c = h1 < c;
		h2 += c;
	}
	p->h0 = h0, p->h1 = h1, p->h2 = h2;
}

void
poly1305_update(struct poly1305 *p, const void *data, size_t len)
{
	const unsigned char *m = data;

	if (p->n) {
		size_t take = 16 - p->n < len ? 16 - p->n : len;

		memcpy(p->buf + p->n, m, take);
		p->n += take, m += take, len -= take;
		if (p->n < 16)
			return;
		blocks(p, p->buf, 16, 1);
		p->n = 0;
	}
	blocks(p, m, len & ~(size_t)15, 1);
	m += len & ~(size_t)15;
	len &= 15;
	memcpy(p->buf, m, len);
	p->n = len;
}

void
poly1305_final(struct poly1305 *p, unsigned char tag[16])
{
	typedef unsigned __int128 u128;
	uint64_t g0, g1, g2, mask, h0, h1;
	u128 t;

	if (p->n) {
		p->buf[p->n] = 1;
		memset(p->buf + p->n + 1, 0, 15 - p->n);
		blocks(p, p->buf, 16, 0);
	}
	/* h mod p: h - p = h + 5 - 2^130; keep it when that does not borrow. */
	t = (u128)p->h0 + 5;
	g0 = (uint64_t)t;
	t = (u128)p->h1 + (uint64_t)(t >> 64);
	g1 = (uint64_t)t;
	g2 = p->h2 + (uint64_t)(t >> 64);
	mask = 0 - (g2 >> 2);  /* all ones when h >= p */
	h0 = (p->h0 & ~mask) | (g0 & mask);
	h1 = (p->h1 & ~mask) | (g1 & mask);
	t = (u128)h0 + p->s0;
	h0 = (uint64_t)t;
	h1 = h1 + p->s1 + (uint64_t)(t >> 64);
	for (int i = 0; i < 8; i++) {
		tag[i] = (unsigned char)(h0 >> (8 * i));
		tag[8 + i] = (unsigned char)(h1 >> (8 * i));
	}
	explicit_bzero(p, sizeof *p);
}
