#include <bearssl_hmac.h>
#include <libdeflate.h>

#include "hash.h"

void
sha256_init(struct sha256 *h)
{
	br_sha256_init(&h->br);
}

void
sha256_update(struct sha256 *h, const void *buf, size_t n)
{
	br_sha256_update(&h->br, buf, n);
}

void
sha256_final(struct sha256 *h, unsigned char out[32])
{
	br_sha256_out(&h->br, out);
}

void
sha256_buf(const void *buf, size_t n, unsigned char out[32])
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, buf, n);
	sha256_final(&h, out);
}

void
hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char out[32])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, mlen);
	br_hmac_out(&hc, out);
}

uint32_t
crc32_update(uint32_t crc, const void *buf, size_t n)
{
	return libdeflate_crc32(crc, buf, n);
}
