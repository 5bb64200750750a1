#include <stdlib.h>
#include <string.h>

#include <bearssl_hmac.h>

#include "scrypt.h"

void
pbkdf2_sha256(const void *pass, size_t plen, const void *salt, size_t slen, uint32_t iterations,
    void *out, size_t olen)
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	unsigned char *o = out, u[32], t[32], ctr[4];

	br_hmac_key_init(&kc, &br_sha256_vtable, pass, plen);
	for (uint32_t block = 1; olen > 0; block++) {
		size_t take = olen < 32 ? olen : 32;

		ctr[0] = (unsigned char)(block >> 24), ctr[1] = (unsigned char)(block >> 16);
		ctr[2] = (unsigned char)(block >> 8), ctr[3] = (unsigned char)block;
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, salt, slen);
		br_hmac_update(&hc, ctr, 4);
		br_hmac_out(&hc, u);
		memcpy(t, u, 32);
		for (uint32_t i = 1; i < iterations; i++) {
			br_hmac_init(&hc, &kc, 0);
			br_hmac_update(&hc, u, 32);
			br_hmac_out(&hc, u);
			for (int k = 0; k < 32; k++)
				t[k] ^= u[k];
		}
		memcpy(o, t, take);
		o += take, olen -= take;
	}
	explicit_bzero(&kc, sizeof kc);
	explicit_bzero(&hc, sizeof hc);
	explicit_bzero(u, sizeof u);
	explicit_bzero(t, sizeof t);
}

#define R(a, b) (((a) << (b)) | ((a) >> (32 - (b))))

/* Salsa20/8 on one 64-byte block, in place. */
static void
salsa8(uint32_t b[16])
{
	uint32_t x[16];

	memcpy(x, b, sizeof x);
	for (int i = 0; i < 8; i += 2) {
		x[4] ^= R(x[0] + x[12], 7);  x[8] ^= R(x[4] + x[0], 9);
		x[12] ^= R(x[8] + x[4], 13); x[0] ^= R(x[12] + x[8], 18);
		x[9] ^= R(x[5] + x[1], 7);   x[13] ^= R(x[9] + x[5], 9);
		x[1] ^= R(x[13] + x[9], 13); x[5] ^= R(x[1] + x[13], 18);
		x[14] ^= R(x[10] + x[6], 7); x[2] ^= R(x[14] + x[10], 9);
		x[6] ^= R(x[2] + x[14], 13); x[10] ^= R(x[6] + x[2], 18);
		x[3] ^= R(x[15] + x[11], 7); x[7] ^= R(x[3] + x[15], 9);
		x[11] ^= R(x[7] + x[3], 13); x[15] ^= R(x[11] + x[7], 18);
		x[1] ^= R(x[0] + x[3], 7);   x[2] ^= R(x[1] + x[0], 9);
		x[3] ^= R(x[2] + x[1], 13);  x[0] ^= R(x[3] + x[2], 18);
		x[6] ^= R(x[5] + x[4], 7);   x[7] ^= R(x[6] + x[5], 9);
		x[4] ^= R(x[7] + x[6], 13);  x[5] ^= R(x[4] + x[7], 18);
		x[11] ^= R(x[10] + x[9], 7); x[8] ^= R(x[11] + x[10], 9);
		x[9] ^= R(x[8] + x[11], 13); x[10] ^= R(x[9] + x[8], 18);
		x[12] ^= R(x[15] + x[14], 7); x[13] ^= R(x[12] + x[15], 9);
		x[14] ^= R(x[13] + x[12], 13); x[15] ^= R(x[14] + x[13], 18);
	}
	for (int i = 0; i < 16; i++)
		b[i] += x[i];
}

/* BlockMix: in (2r blocks) to out, even blocks first, then odd ones. */
static void
blockmix(const uint32_t *in, uint32_t *out, uint32_t r)
{
	uint32_t x[16];

	memcpy(x, in + (2 * r - 1) * 16, 64);
	for (uint32_t i = 0; i < 2 * r; i++) {
		for (int k = 0; k < 16; k++)
			x[k] ^= in[i * 16 + k];
		salsa8(x);
		memcpy(out + ((i & 1) * r + i / 2) * 16, x, 64);
	}
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
romix(unsigned char *b, uint32_t r, uint64_t n, uint32_t *v, uint32_t *x, uint32_t *y)
{
	size_t words = 32 * (size_t)r;

	for (size_t i = 0; i < words; i++)
		x[i] = le32(b + 4 * i);
	for (uint64_t i = 0; i < n; i++) {
		memcpy(v + i * words, x, words * 4);
		blockmix(x, y, r);
		memcpy(x, y, words * 4);
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t j = x[(2 * r - 1) * 16] & (n - 1);

		for (size_t k = 0; k < words; k++)
			x[k] ^= v[j * words + k];
		blockmix(x, y, r);
		memcpy(x, y, words * 4);
	}
	for (size_t i = 0; i < words; i++) {
		b[4 * i] = (unsigned char)x[i], b[4 * i + 1] = (unsigned char)(x[i] >> 8);
		b[4 * i + 2] = (unsigned char)(x[i] >> 16), b[4 * i + 3] = (unsigned char)(x[i] >> 24);
	}
}

int
scrypt(const void *pass, size_t plen, const void *salt, size_t slen, unsigned logn, uint32_t r, uint32_t p,
    void *out, size_t olen)
{
	uint64_t n = (uint64_t)1 << logn;
	size_t blen, vlen;
	unsigned char *b;
	uint32_t *v, *xy;

	if (logn < 1 || logn > 30 || r == 0 || p == 0 || (uint64_t)r * p >= (1u << 30) || r > (1u << 20))
		return -1;
	if (n > SIZE_MAX / 128 / r)
		return -1;
	blen = (size_t)128 * r * p;
	vlen = (size_t)(128 * r * n);
	b = malloc(blen);
	xy = malloc(256 * (size_t)r);
	v = malloc(vlen);
	if (!b || !xy || !v) {
		free(b), free(xy), free(v);
		return -1;
	}
	pbkdf2_sha256(pass, plen, salt, slen, 1, b, blen);
	for (uint32_t i = 0; i < p; i++)
		romix(b + (size_t)128 * r * i, r, n, v, xy, xy + 32 * (size_t)r);
	pbkdf2_sha256(pass, plen, b, blen, 1, out, olen);
	explicit_bzero(b, blen);
	explicit_bzero(xy, 256 * (size_t)r);
	explicit_bzero(v, vlen);
	free(b), free(xy), free(v);
	return 0;
}
