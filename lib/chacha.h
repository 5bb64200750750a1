/* ChaCha20 and Poly1305 (RFC 8439), the primitives under lib/aead.h. */
#ifndef PGOPS_CHACHA_H
#define PGOPS_CHACHA_H
#include <stddef.h>
#include <stdint.h>
/* XORs len bytes of key stream, from block counter on, into buf: 16
 * blocks at a time on AVX-512, 8 on AVX2, unless PGOPS_NO_AVX512=1 or
 * PGOPS_NO_AVX2=1 is in the environment. */
void chacha20_xor(const unsigned char key[32], const unsigned char nonce[12], uint32_t counter, unsigned char *buf,
    size_t len);
/* The path chacha20_xor and poly1305_update take: 0 portable, 1 AVX2,
 * 2 AVX-512. */
int chacha20_simd(void);

struct poly1305 {
	uint64_t r0, r1, s0, s1, h0, h1, h2;
	unsigned char buf[16];
	size_t n;
};
void poly1305_init(struct poly1305 *p, const unsigned char key[32]);
void poly1305_update(struct poly1305 *p, const void *data, size_t len);
/* Writes the tag and wipes p. */
void poly1305_final(struct poly1305 *p, unsigned char tag[16]);
#endif
