/* Hashes: SHA-256 and HMAC-SHA-256 for checksums and request signing, MD5
 * (lib/md5.c) for S3's Content-MD5, CRC-32 (libdeflate's, which uses PCLMUL
 * where the CPU has it) for gzip.
 *
 * Hashing is the CPU cost of a signed upload: every byte goes through
 * SHA-256 twice (per part for the signature, whole for the object's
 * checksum) and MD5 once. On CPUs with the SHA extensions SHA-256 runs on
 * them, about six times faster than BearSSL's portable code, which remains
 * the fallback; PGOPS_NO_SHANI=1 in the environment forces the fallback,
 * and tests/unit/unit-hash.c checks both. */
#ifndef PGOPS_HASH_H
#define PGOPS_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl_hash.h>

struct sha256 {
	int ni;               /* the SHA extensions are in use */
	uint32_t h[8];
	uint64_t count;       /* bytes so far */
	unsigned char buf[64];
	br_sha256_context br; /* the portable path */
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *buf, size_t n);
void sha256_final(struct sha256 *h, unsigned char out[32]);
void sha256_buf(const void *buf, size_t n, unsigned char out[32]);
/* 1 when sha256_* run on the CPU's SHA extensions. */
int sha256_accelerated(void);

void hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[32]);

/* lib/md5.c */
struct md5 {
	uint32_t s[4];
	uint64_t count;       /* bytes so far */
	unsigned char buf[64];
};
void md5_init(struct md5 *h);
void md5_update(struct md5 *h, const void *buf, size_t n);
void md5_final(struct md5 *h, unsigned char out[16]);

/* One part of an upload in one pass (lib/hash_part.c): the part's MD5 and
 * SHA-256 into md5 and sha, and the whole object's SHA-256 carried on over
 * it. The same results as the three hashes one after the other, in about
 * the time of MD5 alone when the SHA extensions are in use and whole has
 * taken a multiple of 64 bytes so far. */
void hash_part(struct sha256 *whole, const void *buf, size_t n, unsigned char md5[16], unsigned char sha[32]);

/* crc32_update(0, buf, n) starts a CRC; feed the result back to continue. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t n);

/* CRC-32C (lib/crc32c.c), the same way: crc32c_update(0, buf, n). On the
 * CPU's SSE4.2 instruction where it has one; PGOPS_NO_SSE42=1 in the
 * environment forces the table (crc32c_portable() says so), and
 * tests/unit/unit-hash.c checks both against RFC 3720's vectors. */
uint32_t crc32c_update(uint32_t crc, const void *buf, size_t n);
int crc32c_portable(void);
/* The CRC-32C of A followed by B, from crc(A), crc(B) and B's length. */
uint32_t crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2);

#endif
