/* Hashes: SHA-256 and HMAC-SHA-256 (BearSSL) for checksums and request
 * signing, CRC-32 (libdeflate's, which uses PCLMUL where the CPU has it) for
 * gzip. */
#ifndef PGOPS_HASH_H
#define PGOPS_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl_hash.h>

struct sha256 {
	br_sha256_context br;
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *buf, size_t n);
void sha256_final(struct sha256 *h, unsigned char out[32]);
void sha256_buf(const void *buf, size_t n, unsigned char out[32]);

void hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[32]);

/* crc32_update(0, buf, n) starts a CRC; feed the result back to continue. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t n);

#endif
