/* ChaCha20 sixteen blocks at a time and Poly1305 sixteen blocks a step on
 * AVX-512F, picked by lib/chacha.c when the CPU has it and the kernel saves
 * the zmm registers. On CPUs with full-width 512-bit units this does twice
 * the work of the AVX2 path per instruction, and each ChaCha rotation is one
 * instruction (vprold) where AVX2 needs two shifts and an or: agecrypt
 * spends about half the CPU per GiB. Same arithmetic as the AVX2 path, on
 * twice the lanes; tests/unit/unit-age.c checks all three paths against
 * BearSSL. */
#include <stdint.h>
#include <string.h>

#include <immintrin.h>

#include "chacha.h"
#include "chacha_simd.h"

#define AVX512 __attribute__((target("avx512f")))
#define Z __m512i
#define ADD _mm512_add_epi32
#define XOR _mm512_xor_si512
#define QR16(a, b, c, d) \
	a = ADD(a, b); d = _mm512_rol_epi32(XOR(d, a), 16); \
	c = ADD(c, d); b = _mm512_rol_epi32(XOR(b, c), 12); \
	a = ADD(a, b); d = _mm512_rol_epi32(XOR(d, a), 8); \
	c = ADD(c, d); b = _mm512_rol_epi32(XOR(b, c), 7)

/* v[i] holds word i of blocks 0-15, one a lane; out[j] gets the sixteen
 * words of block j. Pairs of words, then quarters of blocks inside each
 * 128-bit lane; then the 128-bit lanes of four vectors are transposed. */
AVX512 static inline void
transpose16(const Z v[16], Z out[16])
{
	Z t[16], u[16];

	for (int k = 0; k < 8; k++) {
		t[2 * k] = _mm512_unpacklo_epi32(v[2 * k], v[2 * k + 1]);
		t[2 * k + 1] = _mm512_unpackhi_epi32(v[2 * k], v[2 * k + 1]);
	}
	/* u[4m + b], 128-bit lane L: words 4m to 4m+3 of block 4L + b. */
	for (int m = 0; m < 4; m++) {
		u[4 * m] = _mm512_unpacklo_epi64(t[4 * m], t[4 * m + 2]);
		u[4 * m + 1] = _mm512_unpackhi_epi64(t[4 * m], t[4 * m + 2]);
		u[4 * m + 2] = _mm512_unpacklo_epi64(t[4 * m + 1], t[4 * m + 3]);
		u[4 * m + 3] = _mm512_unpackhi_epi64(t[4 * m + 1], t[4 * m + 3]);
	}
	for (int b = 0; b < 4; b++) {
		Z p0 = _mm512_shuffle_i32x4(u[b], u[4 + b], 0x44), p1 = _mm512_shuffle_i32x4(u[b], u[4 + b], 0xee);
		Z q0 = _mm512_shuffle_i32x4(u[8 + b], u[12 + b], 0x44), q1 = _mm512_shuffle_i32x4(u[8 + b], u[12 + b], 0xee);

		out[b] = _mm512_shuffle_i32x4(p0, q0, 0x88);
		out[4 + b] = _mm512_shuffle_i32x4(p0, q0, 0xdd);
		out[8 + b] = _mm512_shuffle_i32x4(p1, q1, 0x88);
		out[12 + b] = _mm512_shuffle_i32x4(p1, q1, 0xdd);
	}
}

AVX512 size_t
chacha16_xor(uint32_t s[16], unsigned char *buf, size_t len)
{
	Z ctr = ADD(_mm512_set1_epi32((int)s[12]),
	    _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
	size_t done = 0;

	for (; len - done >= 1024; done += 1024) {
		Z x0 = _mm512_set1_epi32((int)s[0]), x1 = _mm512_set1_epi32((int)s[1]);
		Z x2 = _mm512_set1_epi32((int)s[2]), x3 = _mm512_set1_epi32((int)s[3]);
		Z x4 = _mm512_set1_epi32((int)s[4]), x5 = _mm512_set1_epi32((int)s[5]);
		Z x6 = _mm512_set1_epi32((int)s[6]), x7 = _mm512_set1_epi32((int)s[7]);
		Z x8 = _mm512_set1_epi32((int)s[8]), x9 = _mm512_set1_epi32((int)s[9]);
		Z x10 = _mm512_set1_epi32((int)s[10]), x11 = _mm512_set1_epi32((int)s[11]);
		Z x12 = ctr, x13 = _mm512_set1_epi32((int)s[13]);
		Z x14 = _mm512_set1_epi32((int)s[14]), x15 = _mm512_set1_epi32((int)s[15]);
		Z x[16], o[16];

		for (int i = 0; i < 10; i++) {
			QR16(x0, x4, x8, x12); QR16(x1, x5, x9, x13);
			QR16(x2, x6, x10, x14); QR16(x3, x7, x11, x15);
			QR16(x0, x5, x10, x15); QR16(x1, x6, x11, x12);
			QR16(x2, x7, x8, x13); QR16(x3, x4, x9, x14);
		}
		x[0] = ADD(x0, _mm512_set1_epi32((int)s[0])), x[1] = ADD(x1, _mm512_set1_epi32((int)s[1]));
		x[2] = ADD(x2, _mm512_set1_epi32((int)s[2])), x[3] = ADD(x3, _mm512_set1_epi32((int)s[3]));
		x[4] = ADD(x4, _mm512_set1_epi32((int)s[4])), x[5] = ADD(x5, _mm512_set1_epi32((int)s[5]));
		x[6] = ADD(x6, _mm512_set1_epi32((int)s[6])), x[7] = ADD(x7, _mm512_set1_epi32((int)s[7]));
		x[8] = ADD(x8, _mm512_set1_epi32((int)s[8])), x[9] = ADD(x9, _mm512_set1_epi32((int)s[9]));
		x[10] = ADD(x10, _mm512_set1_epi32((int)s[10])), x[11] = ADD(x11, _mm512_set1_epi32((int)s[11]));
		x[12] = ADD(x12, ctr), x[13] = ADD(x13, _mm512_set1_epi32((int)s[13]));
		x[14] = ADD(x14, _mm512_set1_epi32((int)s[14])), x[15] = ADD(x15, _mm512_set1_epi32((int)s[15]));
		transpose16(x, o);
		for (int j = 0; j < 16; j++) {
			unsigned char *p = buf + done + 64 * j;

			_mm512_storeu_si512(p, XOR(_mm512_loadu_si512(p), o[j]));
		}
		ctr = ADD(ctr, _mm512_set1_epi32(16));
	}
	s[12] += (uint32_t)(done / 64);
	return done;
}

#define MUL _mm512_mul_epu32
#define ADD64 _mm512_add_epi64

/* h = h * (r, s) lane by lane, carried back to limbs of about 26 bits. */
AVX512 static inline void
mulz(Z h[5], const Z r[5], const Z s[5])
{
	const Z mask = _mm512_set1_epi64((long long)POLY26_MASK);
	Z d0, d1, d2, d3, d4, c;

	d0 = ADD64(ADD64(ADD64(MUL(h[0], r[0]), MUL(h[1], s[4])), ADD64(MUL(h[2], s[3]), MUL(h[3], s[2]))), MUL(h[4], s[1]));
	d1 = ADD64(ADD64(ADD64(MUL(h[0], r[1]), MUL(h[1], r[0])), ADD64(MUL(h[2], s[4]), MUL(h[3], s[3]))), MUL(h[4], s[2]));
	d2 = ADD64(ADD64(ADD64(MUL(h[0], r[2]), MUL(h[1], r[1])), ADD64(MUL(h[2], r[0]), MUL(h[3], s[4]))), MUL(h[4], s[3]));
	d3 = ADD64(ADD64(ADD64(MUL(h[0], r[3]), MUL(h[1], r[2])), ADD64(MUL(h[2], r[1]), MUL(h[3], r[0]))), MUL(h[4], s[4]));
	d4 = ADD64(ADD64(ADD64(MUL(h[0], r[4]), MUL(h[1], r[3])), ADD64(MUL(h[2], r[2]), MUL(h[3], r[1]))), MUL(h[4], r[0]));
	c = _mm512_srli_epi64(d0, 26); d0 = _mm512_and_si512(d0, mask); d1 = ADD64(d1, c);
	c = _mm512_srli_epi64(d1, 26); d1 = _mm512_and_si512(d1, mask); d2 = ADD64(d2, c);
	c = _mm512_srli_epi64(d2, 26); d2 = _mm512_and_si512(d2, mask); d3 = ADD64(d3, c);
	c = _mm512_srli_epi64(d3, 26); d3 = _mm512_and_si512(d3, mask); d4 = ADD64(d4, c);
	c = _mm512_srli_epi64(d4, 26); d4 = _mm512_and_si512(d4, mask);
	d0 = ADD64(d0, ADD64(c, _mm512_slli_epi64(c, 2)));
	c = _mm512_srli_epi64(d0, 26); d0 = _mm512_and_si512(d0, mask); d1 = ADD64(d1, c);
	h[0] = d0, h[1] = d1, h[2] = d2, h[3] = d3, h[4] = d4;
}

/* Adds the eight blocks at m, block j to lane j, with the 2^128 bit. */
AVX512 static inline void
addz(Z h[5], const unsigned char *m)
{
	const Z mask = _mm512_set1_epi64((long long)POLY26_MASK);
	Z a = _mm512_loadu_si512(m), b = _mm512_loadu_si512(m + 64);
	Z lo = _mm512_permutex2var_epi64(a, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), b);
	Z hi = _mm512_permutex2var_epi64(a, _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), b);

	h[0] = ADD64(h[0], _mm512_and_si512(lo, mask));
	h[1] = ADD64(h[1], _mm512_and_si512(_mm512_srli_epi64(lo, 26), mask));
	h[2] = ADD64(h[2], _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(lo, 52), _mm512_slli_epi64(hi, 12)), mask));
	h[3] = ADD64(h[3], _mm512_and_si512(_mm512_srli_epi64(hi, 14), mask));
	h[4] = ADD64(h[4], _mm512_or_si512(_mm512_srli_epi64(hi, 40), _mm512_set1_epi64(1 << 24)));
}

/* Lane j of v times r^(top - j), for the eight lanes. */
AVX512 static void
mul_tail(Z v[5], uint64_t r[16][5], int top)
{
	Z R[5], S[5];

	for (int i = 0; i < 5; i++) {
		uint64_t l[8], s[8];

		for (int j = 0; j < 8; j++)
			l[j] = r[top - j - 1][i], s[j] = l[j] * 5;
		R[i] = _mm512_loadu_si512(l);
		S[i] = _mm512_loadu_si512(s);
	}
	mulz(v, R, S);
}

/* len: a multiple of 256, at least 256. As the AVX2 path: two accumulators
 * of eight lanes take alternate groups of eight blocks, a and b times r^16
 * per step; at the end lane j of a times r^(16-j), of b times r^(8-j). */
AVX512 void
poly16_blocks(struct poly1305 *p, const unsigned char *m, size_t len)
{
	uint64_t r[16][5], h0[5], t[5];
	Z R[5], S[5], a[5], b[5];

	poly26_split(r[0], p->r0, p->r1, 0);
	for (int k = 1; k < 16; k++)
		poly26_mul(r[k], r[k - 1], r[0]);
	poly26_split(h0, p->h0, p->h1, p->h2);
	for (int i = 0; i < 5; i++) {
		R[i] = _mm512_set1_epi64((long long)r[15][i]);
		S[i] = _mm512_set1_epi64((long long)(r[15][i] * 5));
		a[i] = _mm512_setr_epi64((long long)h0[i], 0, 0, 0, 0, 0, 0, 0);
		b[i] = _mm512_setzero_si512();
	}
	addz(a, m);
	addz(b, m + 128);
	for (m += 256, len -= 256; len > 0; m += 256, len -= 256) {
		mulz(a, R, S);
		mulz(b, R, S);
		addz(a, m);
		addz(b, m + 128);
	}
	mul_tail(a, r, 16);
	mul_tail(b, r, 8);
	for (int i = 0; i < 5; i++)
		t[i] = (uint64_t)_mm512_reduce_add_epi64(ADD64(a[i], b[i]));
	poly26_join(p, t);
	explicit_bzero(r, sizeof r);
}
