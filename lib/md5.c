/* MD5 (RFC 1321) for S3's Content-MD5 and the part ETags it is compared
 * with. s3put hashes every byte it uploads with MD5 once, so this is a third
 * of the CPU an upload costs; BearSSL's portable MD5 ran at about 450 MB/s
 * on the CI machine, this one at about 650 MB/s (tests/unit/unit-hash.c
 * checks it against BearSSL's for every length and alignment).
 *
 * What makes it faster is the order of the additions, not the algorithm
 * (see MD5_STEP in lib/hash_rounds.h). */
#include <string.h>

#include "hash.h"
#include "hash_rounds.h"

const uint32_t md5_T[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

void
md5_blocks(uint32_t *st, const unsigned char *p, size_t nblocks)
{
	for (; nblocks; nblocks--, p += 64) {
		uint32_t x[16], a = st[0], b = st[1], c = st[2], d = st[3];

		for (int i = 0; i < 16; i++)
			x[i] = md5_le32(p + 4 * i);
#pragma GCC unroll 16
		for (int g = 0; g < 16; g++)
			MD5_GROUP(g);
		st[0] += a;
		st[1] += b;
		st[2] += c;
		st[3] += d;
	}
}

void
md5_init(struct md5 *h)
{
	h->s[0] = 0x67452301;
	h->s[1] = 0xefcdab89;
	h->s[2] = 0x98badcfe;
	h->s[3] = 0x10325476;
	h->count = 0;
}

void
md5_update(struct md5 *h, const void *buf, size_t n)
{
	hash_feed(md5_blocks, h->s, &h->count, h->buf, buf, n);
}

void
md5_final(struct md5 *h, unsigned char out[16])
{
	unsigned char pad[72];

	md5_update(h, pad, hash_padding(pad, h->count, 0));
	for (int i = 0; i < 4; i++) {
		out[4 * i] = (unsigned char)h->s[i];
		out[4 * i + 1] = (unsigned char)(h->s[i] >> 8);
		out[4 * i + 2] = (unsigned char)(h->s[i] >> 16);
		out[4 * i + 3] = (unsigned char)(h->s[i] >> 24);
	}
}
