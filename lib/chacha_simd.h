/* Inside lib/chacha.c and lib/chacha_avx512.c only: the AVX-512 paths, and
 * the radix-2^26 Poly1305 helpers both vector paths share. */
#ifndef PGOPS_CHACHA_SIMD_H
#define PGOPS_CHACHA_SIMD_H
#include <stddef.h>
#include <stdint.h>

#include "chacha.h"

#define POLY26_MASK 0x3ffffffULL

/* Sixteen blocks (1024 bytes) at a time; returns the bytes done (a
 * multiple of 1024), s[12] advanced past them. */
size_t chacha16_xor(uint32_t s[16], unsigned char *buf, size_t len);
/* len: a multiple of 256, at least 256. */
void poly16_blocks(struct poly1305 *p, const unsigned char *m, size_t len);

/* a * b mod 2^130 - 5 in radix 2^26, partly reduced (limbs below 2^27). */
void poly26_mul(uint64_t o[5], const uint64_t a[5], const uint64_t b[5]);
/* 130 bits as h0 + h1 * 2^64 + h2 * 2^128, to five limbs of 26 bits. */
void poly26_split(uint64_t l[5], uint64_t h0, uint64_t h1, uint64_t h2);
/* The lanes' sums, limb by limb, back into p's 64-bit accumulator. */
void poly26_join(struct poly1305 *p, const uint64_t t[5]);
#endif
