/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as iSCSI (RFC
 * 3720) and S3's x-amz-checksum-crc32c define it. With SSE4.2 the CPU's
 * crc32 instruction does 8 bytes a cycle or so; otherwise a table, a byte
 * at a time. Combining two CRCs (S3's full-object CRC of a multipart
 * upload from its parts' CRCs) is zlib's method, in GF(2): append len2
 * zero bytes to crc1 by squaring a shift operator, then xor in crc2. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define POLY 0x82F63B78u

static uint32_t table[256];
static int have_table, use_hw = -1;

static void
table_make(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
		table[i] = c;
	}
	have_table = 1;
}

#if defined(__x86_64__)
#include <cpuid.h>

__attribute__((target("sse4.2"))) static uint32_t
crc_hw(uint32_t crc, const unsigned char *p, size_t n)
{
	uint64_t c = crc;

	for (; n && ((uintptr_t)p & 7); n--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
	}
	for (; n; n--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return (uint32_t)c;
}

static int
hw_present(void)
{
	unsigned a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2);
}
#else
static uint32_t
crc_hw(uint32_t crc, const unsigned char *p, size_t n)
{
	(void)p, (void)n;
	return crc;
}

static int
hw_present(void)
{
	return 0;
}
#endif

int
crc32c_portable(void)
{
	const char *off = getenv("PGOPS_NO_SSE42");

	return off && strcmp(off, "1") == 0;
}

uint32_t
crc32c_update(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	/* Decided once; every thread comes to the same answer. */
	if (use_hw < 0)
		use_hw = hw_present() && !crc32c_portable();
	crc = ~crc;
	if (use_hw)
		return ~crc_hw(crc, p, n);
	if (!have_table)
		table_make();
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t
gf2_times(const uint32_t *mat, uint32_t vec)
{
	uint32_t sum = 0;

	for (; vec; vec >>= 1, mat++)
		if (vec & 1)
			sum ^= *mat;
	return sum;
}

static void
gf2_square(uint32_t *sq, const uint32_t *mat)
{
	for (int n = 0; n < 32; n++)
		sq[n] = gf2_times(mat, mat[n]);
}

uint32_t
crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2)
{
	uint32_t even[32], odd[32], row = 1;

	if (len2 == 0)
		return crc1;
	/* The operator for one zero bit, then two, then four. */
	odd[0] = POLY;
	for (int n = 1; n < 32; n++, row <<= 1)
		odd[n] = row;
	gf2_square(even, odd);
	gf2_square(odd, even);
	/* Apply len2 zero bytes, squaring as the bits of len2 go by. */
	do {
		gf2_square(even, odd);
		if (len2 & 1)
			crc1 = gf2_times(even, crc1);
		len2 >>= 1;
		if (!len2)
			break;
		gf2_square(odd, even);
		if (len2 & 1)
			crc1 = gf2_times(odd, crc1);
		len2 >>= 1;
	} while (len2);
	return crc1 ^ crc2;
}
