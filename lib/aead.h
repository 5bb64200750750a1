/* ChaCha20-Poly1305 (RFC 8439) with a 12-byte nonce and no additional
 * data: the AEAD of age's payload chunks and stanza bodies. */
#ifndef PGOPS_AEAD_H
#define PGOPS_AEAD_H
#include <stddef.h>
/* Encrypts buf in place and writes the 16-byte tag. */
void aead_seal(const unsigned char key[32], const unsigned char nonce[12], unsigned char *buf, size_t len,
    unsigned char tag[16]);
/* Checks tag, then decrypts buf in place: 0, or -1 with buf untouched
 * when the tag does not match (compared in constant time). */
int aead_open(const unsigned char key[32], const unsigned char nonce[12], unsigned char *buf, size_t len,
    const unsigned char tag[16]);
/* The ChaCha20-Poly1305 in use, for tests: "avx512", "avx2" or "portable". */
const char *aead_impl(void);
#endif
