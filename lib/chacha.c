/* ChaCha20 (RFC 8439) and Poly1305, for lib/aead.c. BearSSL has both, but
 * its ChaCha20 runs 4 blocks at a time on SSE2 and its Poly1305 on 32-bit
 * limbs: about 3 s of CPU per GiB here, where a backup is encrypted at the
 * speed of the dump. This file runs 8 blocks at a time on AVX2 and
 * Poly1305 on 64-bit limbs, and picks lib/chacha_avx512.c's sixteen-block
 * paths where the CPU has AVX-512; tests/unit/unit-age.c checks every path
 * against RFC 8439's vectors and BearSSL. */
#include <cpuid.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <immintrin.h>

#include "aead.h"
#include "chacha.h"
#include "chacha_simd.h"

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int
env_off(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") != 0;
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
 * the bytes done (a multiple of 512), s[12] advanced past them. The state
 * is sixteen named variables rather than an array, so that the compiler
 * keeps it in registers. */
__attribute__((target("avx2"))) static size_t
xor8_avx2(uint32_t s[16], unsigned char *buf, size_t len)
{
	const V r16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13,
	    2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
	const V r8 = _mm256_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14,
	    3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
	V ctr = ADD(_mm256_set1_epi32((int)s[12]), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
	size_t done = 0;

	for (; len - done >= 512; done += 512) {
		V x0 = _mm256_set1_epi32((int)s[0]), x1 = _mm256_set1_epi32((int)s[1]);
		V x2 = _mm256_set1_epi32((int)s[2]), x3 = _mm256_set1_epi32((int)s[3]);
		V x4 = _mm256_set1_epi32((int)s[4]), x5 = _mm256_set1_epi32((int)s[5]);
		V x6 = _mm256_set1_epi32((int)s[6]), x7 = _mm256_set1_epi32((int)s[7]);
		V x8 = _mm256_set1_epi32((int)s[8]), x9 = _mm256_set1_epi32((int)s[9]);
		V x10 = _mm256_set1_epi32((int)s[10]), x11 = _mm256_set1_epi32((int)s[11]);
		V x12 = ctr, x13 = _mm256_set1_epi32((int)s[13]);
		V x14 = _mm256_set1_epi32((int)s[14]), x15 = _mm256_set1_epi32((int)s[15]);
		V x[16], lo[8], hi[8];

		for (int i = 0; i < 10; i++) {
			QR8(x0, x4, x8, x12); QR8(x1, x5, x9, x13);
			QR8(x2, x6, x10, x14); QR8(x3, x7, x11, x15);
			QR8(x0, x5, x10, x15); QR8(x1, x6, x11, x12);
			QR8(x2, x7, x8, x13); QR8(x3, x4, x9, x14);
		}
		x[0] = ADD(x0, _mm256_set1_epi32((int)s[0])), x[1] = ADD(x1, _mm256_set1_epi32((int)s[1]));
		x[2] = ADD(x2, _mm256_set1_epi32((int)s[2])), x[3] = ADD(x3, _mm256_set1_epi32((int)s[3]));
		x[4] = ADD(x4, _mm256_set1_epi32((int)s[4])), x[5] = ADD(x5, _mm256_set1_epi32((int)s[5]));
		x[6] = ADD(x6, _mm256_set1_epi32((int)s[6])), x[7] = ADD(x7, _mm256_set1_epi32((int)s[7]));
		x[8] = ADD(x8, _mm256_set1_epi32((int)s[8])), x[9] = ADD(x9, _mm256_set1_epi32((int)s[9]));
		x[10] = ADD(x10, _mm256_set1_epi32((int)s[10])), x[11] = ADD(x11, _mm256_set1_epi32((int)s[11]));
		x[12] = ADD(x12, ctr), x[13] = ADD(x13, _mm256_set1_epi32((int)s[13]));
		x[14] = ADD(x14, _mm256_set1_epi32((int)s[14])), x[15] = ADD(x15, _mm256_set1_epi32((int)s[15]));
		transpose(x, lo);
		transpose(x + 8, hi);
		for (int j = 0; j < 8; j++) {
			V *p = (V *)(buf + done + 64 * j);

			_mm256_storeu_si256(p, XOR(_mm256_loadu_si256(p), lo[j]));
			_mm256_storeu_si256(p + 1, XOR(_mm256_loadu_si256(p + 1), hi[j]));
		}
		ctr = ADD(ctr, _mm256_set1_epi32(8));
	}
	s[12] += (uint32_t)(done / 64);
	return done;
}

/* 0: portable, 1: AVX2, 2: AVX-512F; decided once per process. The
 * kernel must save the registers too (XCR0: ymm for AVX2, opmask and zmm
 * for AVX-512). PGOPS_NO_AVX512=1 keeps to AVX2, PGOPS_NO_AVX2=1 to the
 * portable code: the tests run every path on one machine. */
static int
simd_level(void)
{
	static int cached = -1;
	int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);

	if (v < 0) {
		unsigned a, b = 0, c = 0, d, lo = 0, hi = 0;

		v = 0;
		if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE)) {
			__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
			if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
				b = 0;
		}
		if (!env_off("PGOPS_NO_AVX2") && (b & bit_AVX2) && (lo & 0x6) == 0x6) {
			v = 1;
			if (!env_off("PGOPS_NO_AVX512") && (b & bit_AVX512F) && (lo & 0xe6) == 0xe6)
				v = 2;
		}
		__atomic_store_n(&cached, v, __ATOMIC_RELAXED);
		(void)hi;
	}
	return v;
}

int
chacha20_simd(void)
{
	return simd_level();
}

void
chacha20_xor(const unsigned char key[32], const unsigned char nonce[12], uint32_t counter, unsigned char *buf,
    size_t len)
{
	uint32_t s[16];
	unsigned char ks[64];
	size_t done = 0;

	state_init(s, key, nonce, counter);
	if (simd_level() >= 2)
		done = chacha16_xor(s, buf, len);
	if (simd_level() >= 1)
		done += xor8_avx2(s, buf + done, len - done);
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

/* Poly1305 eight blocks at a time on AVX2, in radix 2^26: each 64-bit lane
 * accumulates every eighth block, multiplied by r^8 between steps; at the
 * end each lane is multiplied by the power of r its blocks lack and the
 * lanes summed, which is Horner's rule reordered. */
#define M26 POLY26_MASK

void
poly26_mul(uint64_t o[5], const uint64_t a[5], const uint64_t b[5])
{
	uint64_t s1 = b[1] * 5, s2 = b[2] * 5, s3 = b[3] * 5, s4 = b[4] * 5, d[5], c;

	d[0] = a[0] * b[0] + a[1] * s4 + a[2] * s3 + a[3] * s2 + a[4] * s1;
	d[1] = a[0] * b[1] + a[1] * b[0] + a[2] * s4 + a[3] * s3 + a[4] * s2;
	d[2] = a[0] * b[2] + a[1] * b[1] + a[2] * b[0] + a[3] * s4 + a[4] * s3;
	d[3] = a[0] * b[3] + a[1] * b[2] + a[2] * b[1] + a[3] * b[0] + a[4] * s4;
	d[4] = a[0] * b[4] + a[1] * b[3] + a[2] * b[2] + a[3] * b[1] + a[4] * b[0];
	for (int i = 0; i < 4; i++) {
		c = d[i] >> 26;
		d[i] &= M26;
		d[i + 1] += c;
	}
	c = d[4] >> 26;
	d[4] &= M26;
	d[0] += c * 5;
	c = d[0] >> 26;
	d[0] &= M26;
	d[1] += c;
	memcpy(o, d, sizeof d);
}

/* The top limb takes what is above 2^104. */
void
poly26_split(uint64_t l[5], uint64_t h0, uint64_t h1, uint64_t h2)
{
	l[0] = h0 & M26;
	l[1] = h0 >> 26 & M26;
	l[2] = (h0 >> 52 | h1 << 12) & M26;
	l[3] = h1 >> 14 & M26;
	l[4] = h1 >> 40 | h2 << 24;
}

#define MUL _mm256_mul_epu32
#define ADD64 _mm256_add_epi64

/* d = h * (r, s) lane by lane, carried back to limbs of about 26 bits. */
__attribute__((target("avx2"))) static inline void
mulv(V h[5], const V r[5], const V s[5])
{
	const V mask = _mm256_set1_epi64x((long long)M26);
	V d0, d1, d2, d3, d4, c;

	d0 = ADD64(ADD64(ADD64(MUL(h[0], r[0]), MUL(h[1], s[4])), ADD64(MUL(h[2], s[3]), MUL(h[3], s[2]))), MUL(h[4], s[1]));
	d1 = ADD64(ADD64(ADD64(MUL(h[0], r[1]), MUL(h[1], r[0])), ADD64(MUL(h[2], s[4]), MUL(h[3], s[3]))), MUL(h[4], s[2]));
	d2 = ADD64(ADD64(ADD64(MUL(h[0], r[2]), MUL(h[1], r[1])), ADD64(MUL(h[2], r[0]), MUL(h[3], s[4]))), MUL(h[4], s[3]));
	d3 = ADD64(ADD64(ADD64(MUL(h[0], r[3]), MUL(h[1], r[2])), ADD64(MUL(h[2], r[1]), MUL(h[3], r[0]))), MUL(h[4], s[4]));
	d4 = ADD64(ADD64(ADD64(MUL(h[0], r[4]), MUL(h[1], r[3])), ADD64(MUL(h[2], r[2]), MUL(h[3], r[1]))), MUL(h[4], r[0]));
	c = _mm256_srli_epi64(d0, 26); d0 = _mm256_and_si256(d0, mask); d1 = ADD64(d1, c);
	c = _mm256_srli_epi64(d1, 26); d1 = _mm256_and_si256(d1, mask); d2 = ADD64(d2, c);
	c = _mm256_srli_epi64(d2, 26); d2 = _mm256_and_si256(d2, mask); d3 = ADD64(d3, c);
	c = _mm256_srli_epi64(d3, 26); d3 = _mm256_and_si256(d3, mask); d4 = ADD64(d4, c);
	c = _mm256_srli_epi64(d4, 26); d4 = _mm256_and_si256(d4, mask);
	d0 = ADD64(d0, ADD64(c, _mm256_slli_epi64(c, 2)));
	c = _mm256_srli_epi64(d0, 26); d0 = _mm256_and_si256(d0, mask); d1 = ADD64(d1, c);
	h[0] = d0, h[1] = d1, h[2] = d2, h[3] = d3, h[4] = d4;
}

/* Adds the four blocks at m, one a lane, with the 2^128 bit. */
__attribute__((target("avx2"))) static inline void
addv(V h[5], const unsigned char *m)
{
	const V mask = _mm256_set1_epi64x((long long)M26);
	V a = _mm256_loadu_si256((const V *)m), b = _mm256_loadu_si256((const V *)(m + 32));
	V lo = _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(a, b), 0xd8);
	V hi = _mm256_permute4x64_epi64(_mm256_unpackhi_epi64(a, b), 0xd8);

	h[0] = ADD64(h[0], _mm256_and_si256(lo, mask));
	h[1] = ADD64(h[1], _mm256_and_si256(_mm256_srli_epi64(lo, 26), mask));
	h[2] = ADD64(h[2], _mm256_and_si256(_mm256_or_si256(_mm256_srli_epi64(lo, 52), _mm256_slli_epi64(hi, 12)), mask));
	h[3] = ADD64(h[3], _mm256_and_si256(_mm256_srli_epi64(hi, 14), mask));
	h[4] = ADD64(h[4], _mm256_or_si256(_mm256_srli_epi64(hi, 40), _mm256_set1_epi64x(1 << 24)));
}

void
poly26_join(struct poly1305 *p, const uint64_t t[5])
{
	typedef unsigned __int128 u128;
	uint64_t c;
	u128 x;

	x = (u128)t[0] + ((u128)t[1] << 26) + ((u128)t[2] << 52);
	p->h0 = (uint64_t)x;
	x = (x >> 64) + ((u128)t[3] << 14) + ((u128)t[4] << 40);
	p->h1 = (uint64_t)x;
	p->h2 = (uint64_t)(x >> 64);
	/* The scalar path multiplies h2 by r0: keep it small, as its own
	 * carry step would. */
	c = (p->h2 >> 2) * 5;
	p->h2 &= 3;
	x = (u128)p->h0 + c;
	p->h0 = (uint64_t)x;
	x = (u128)p->h1 + (uint64_t)(x >> 64);
	p->h1 = (uint64_t)x;
	p->h2 += (uint64_t)(x >> 64);
}

/* len: a multiple of 128, at least 128. Two accumulators of four lanes
 * each take alternate groups of four blocks, so that one's multiplication
 * need not wait for the other's: a and b times r^8 per step, and at the
 * end lane j of a times r^(8-j), of b times r^(4-j). */
__attribute__((target("avx2"))) static void
blocks_avx2(struct poly1305 *p, const unsigned char *m, size_t len)
{
	uint64_t r[8][5], h0[5], t[5];
	V R[5], S[5], a[5], b[5];

	poly26_split(r[0], p->r0, p->r1, 0);
	for (int k = 1; k < 8; k++)
		poly26_mul(r[k], r[k - 1], r[0]);
	poly26_split(h0, p->h0, p->h1, p->h2);
	for (int i = 0; i < 5; i++) {
		R[i] = _mm256_set1_epi64x((long long)r[7][i]);
		S[i] = _mm256_set1_epi64x((long long)(r[7][i] * 5));
		a[i] = _mm256_setr_epi64x((long long)h0[i], 0, 0, 0);
		b[i] = _mm256_setzero_si256();
	}
	addv(a, m);
	addv(b, m + 64);
	for (m += 128, len -= 128; len > 0; m += 128, len -= 128) {
		mulv(a, R, S);
		mulv(b, R, S);
		addv(a, m);
		addv(b, m + 64);
	}
	for (int i = 0; i < 5; i++) {
		R[i] = _mm256_setr_epi64x((long long)r[7][i], (long long)r[6][i], (long long)r[5][i], (long long)r[4][i]);
		S[i] = _mm256_setr_epi64x((long long)(r[7][i] * 5), (long long)(r[6][i] * 5), (long long)(r[5][i] * 5),
		    (long long)(r[4][i] * 5));
	}
	mulv(a, R, S);
	for (int i = 0; i < 5; i++) {
		R[i] = _mm256_setr_epi64x((long long)r[3][i], (long long)r[2][i], (long long)r[1][i], (long long)r[0][i]);
		S[i] = _mm256_setr_epi64x((long long)(r[3][i] * 5), (long long)(r[2][i] * 5), (long long)(r[1][i] * 5),
		    (long long)(r[0][i] * 5));
	}
	mulv(b, R, S);
	for (int i = 0; i < 5; i++) {
		uint64_t lane[4];

		_mm256_storeu_si256((V *)lane, ADD64(a[i], b[i]));
		t[i] = lane[0] + lane[1] + lane[2] + lane[3];
	}
	poly26_join(p, t);
	explicit_bzero(r, sizeof r);
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
	if (len >= 512 && simd_level() >= 2) {
		size_t v = len & ~(size_t)255;

		poly16_blocks(p, m, v);
		m += v;
		len -= v;
	}
	if (len >= 256 && simd_level() >= 1) {
		size_t v = len & ~(size_t)127;

		blocks_avx2(p, m, v);
		m += v;
		len -= v;
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
