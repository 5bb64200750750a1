#include <string.h>

#include "aead.h"
#include "chacha.h"

/* RFC 8439 section 2.8 with no additional data: the Poly1305 key is the
 * first 32 bytes of block 0, the text is encrypted from block 1, and the
 * tag covers the ciphertext padded to 16 bytes and the two lengths. */
static void
tag_of(const unsigned char key[32], const unsigned char nonce[12], const unsigned char *ct, size_t len,
    unsigned char tag[16])
{
	static const unsigned char zero[16];
	unsigned char pk[64] = { 0 }, lens[16] = { 0 };
	struct poly1305 p;

	chacha20_xor(key, nonce, 0, pk, 64);
	poly1305_init(&p, pk);
	explicit_bzero(pk, sizeof pk);
	poly1305_update(&p, ct, len);
	if (len % 16)
		poly1305_update(&p, zero, 16 - len % 16);
	for (int i = 0; i < 8; i++)
		lens[8 + i] = (unsigned char)((uint64_t)len >> (8 * i));
	poly1305_update(&p, lens, 16);
	poly1305_final(&p, tag);
}

void
aead_seal(const unsigned char key[32], const unsigned char nonce[12], unsigned char *buf, size_t len,
    unsigned char tag[16])
{
	chacha20_xor(key, nonce, 1, buf, len);
	tag_of(key, nonce, buf, len, tag);
}

int
aead_open(const unsigned char key[32], const unsigned char nonce[12], unsigned char *buf, size_t len,
    const unsigned char tag[16])
{
	unsigned char t[16];
	unsigned diff = 0;

	tag_of(key, nonce, buf, len, t);
	for (int i = 0; i < 16; i++)
		diff |= (unsigned)(t[i] ^ tag[i]);
	if (diff)
		return -1;
	chacha20_xor(key, nonce, 1, buf, len);
	return 0;
}

const char *
aead_impl(void)
{
	static const char *const name[] = { "portable", "avx2", "avx512" };

	return name[chacha20_simd()];
}
