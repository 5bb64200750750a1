/* lib/hash and lib/md5: SHA-256 (FIPS 180-2 examples), HMAC-SHA-256
 * (RFC 4231 case 2), CRC-32 (the IEEE check value), MD5 (RFC 1321's test
 * suite) and incremental use, each checked against BearSSL's portable code
 * for every length and alignment up to a few blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enc.h"
#include "hash.h"
#include "tap.h"

static void
sha_is(const char *msg, const char *want)
{
	unsigned char d[32];
	char hex[65];

	sha256_buf(msg, strlen(msg), d);
	hex_encode(hex, d, 32);
	tap_is_str(hex, want, "sha256 test vector");
}

/* Every length 0-999 at odd alignments, fed in two pieces, against
 * BearSSL's portable code: MD5 if md5, else SHA-256 by whichever path
 * sha256_* took. Returns the number of mismatches. */
static int
mismatches_vs_bearssl(int md5)
{
	static unsigned char buf[1100];
	unsigned char d[32], d2[32];
	int bad = 0;

	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	for (size_t len = 0; len < 1000; len++) {
		const unsigned char *p = buf + len % 13;
		size_t k = len / 3;

		if (md5) {
			br_md5_context ref;
			struct md5 m;

			br_md5_init(&ref);
			br_md5_update(&ref, p, len);
			br_md5_out(&ref, d2);
			md5_init(&m);
			md5_update(&m, p, k);
			md5_update(&m, p + k, len - k);
			md5_final(&m, d);
			bad += memcmp(d, d2, 16) != 0;
		} else {
			br_sha256_context ref;
			struct sha256 h;

			br_sha256_init(&ref);
			br_sha256_update(&ref, p, len);
			br_sha256_out(&ref, d2);
			sha256_init(&h);
			sha256_update(&h, p, k);
			sha256_update(&h, p + k, len - k);
			sha256_final(&h, d);
			bad += memcmp(d, d2, 32) != 0;
		}
	}
	return bad;
}

/* hash_part against the three hashes one after the other: part lengths
 * around block boundaries and large, at two alignments, after whole has
 * taken aligned and unaligned prefixes, and two parts in a row. Returns the
 * number of mismatches. */
static int
hash_part_mismatches(void)
{
	static const size_t prefixes[] = { 0, 5, 63, 64, 131072 };
	static const size_t lens[] = { 0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 65553, 1 << 20 };
	static unsigned char data[(1 << 20) * 2 + 131072 + 8];
	int bad = 0;

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)((i * 2654435761u) >> 11);
	for (size_t pi = 0; pi < sizeof prefixes / sizeof prefixes[0]; pi++)
		for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
			for (size_t off = 0; off < 4; off += 3) {
				size_t pre = prefixes[pi], len = lens[li];
				const unsigned char *part = data + off + pre;
				struct sha256 whole, ref;
				struct md5 m;
				unsigned char md[16], sh[32], md_ref[16], sh_ref[32], w[32], w_ref[32];

				sha256_init(&whole);
				sha256_init(&ref);
				sha256_update(&whole, data + off, pre);
				sha256_update(&ref, data + off, 2 * len + pre);
				/* Two parts of the same length in a row. */
				for (int k = 0; k < 2; k++) {
					hash_part(&whole, part + k * len, len, md, sh);
					md5_init(&m);
					md5_update(&m, part + k * len, len);
					md5_final(&m, md_ref);
					sha256_buf(part + k * len, len, sh_ref);
					bad += memcmp(md, md_ref, 16) != 0 || memcmp(sh, sh_ref, 32) != 0;
				}
				sha256_final(&whole, w);
				sha256_final(&ref, w_ref);
				bad += memcmp(w, w_ref, 32) != 0;
			}
	return bad;
}

/* CRC-32C: RFC 3720's vectors (B.4), the check value, a CRC continued
 * across calls at every split and unaligned, and every combination of two
 * pieces of a pseudo-random buffer equal to the CRC of the whole: the
 * number of failures. */
static int
crc32c_mismatches(void)
{
	static const unsigned char iscsi[48] = {
		0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x14, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
		0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
	};
	unsigned char zero[32] = { 0 }, ones[32], inc[32], dec[32], buf[1000];
	uint32_t x = 12345, whole;
	int bad = 0;

	memset(ones, 0xff, sizeof ones);
	for (int i = 0; i < 32; i++)
		inc[i] = (unsigned char)i, dec[i] = (unsigned char)(31 - i);
	bad += crc32c_update(0, zero, 32) != 0x8a9136aa;
	bad += crc32c_update(0, ones, 32) != 0x62a8ab43;
	bad += crc32c_update(0, inc, 32) != 0x46dd794e;
	bad += crc32c_update(0, dec, 32) != 0x113fdb5c;
	bad += crc32c_update(0, iscsi, 48) != 0xd9963a56;
	bad += crc32c_update(0, "123456789", 9) != 0xe3069283;
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
	whole = crc32c_update(0, buf, sizeof buf);
	for (size_t k = 0; k <= sizeof buf; k += 7) {
		uint32_t a = crc32c_update(0, buf, k), b = crc32c_update(0, buf + k, sizeof buf - k);

		bad += crc32c_update(a, buf + k, sizeof buf - k) != whole;
		bad += crc32c_combine(a, b, sizeof buf - k) != whole;
	}
	bad += crc32c_update(0, buf + 1, 999) != crc32c_update(crc32c_update(0, buf + 1, 3), buf + 4, 996);
	return bad;
}

/* The portable path, in a child forked before anything is hashed: the
 * choice of path is made once per process. */
static int
portable_path_ok(void)
{
	if (setenv("PGOPS_NO_SHANI", "1", 1) != 0 || sha256_accelerated() ||
	    setenv("PGOPS_NO_SSE42", "1", 1) != 0 || !crc32c_portable())
		return 0;
	return mismatches_vs_bearssl(0) == 0 && hash_part_mismatches() == 0 && crc32c_mismatches() == 0;
}

int
main(void)
{
	unsigned char d[32], d2[32];
	char hex[65];
	struct sha256 h;
	static char big[1000000];

	pid_t child;
	int status = 0;

	tap_plan(20);
	fflush(stdout);
	if ((child = fork()) == 0)
		_exit(portable_path_ok() ? 0 : 1);
	sha_is("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha_is("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

	memset(big, 'a', sizeof big);
	sha256_init(&h);
	for (size_t i = 0; i < sizeof big; i += 333)
		sha256_update(&h, big + i, sizeof big - i < 333 ? sizeof big - i : 333);
	sha256_final(&h, d);
	sha256_buf(big, sizeof big, d2);
	hex_encode(hex, d, 32);
	tap_ok(memcmp(d, d2, 32) == 0 &&
	    strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
	    "sha256 of a million 'a', incremental = one-shot = FIPS value");

	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
	hex_encode(hex, d, 32);
	tap_is_str(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    "hmac-sha256 RFC 4231 test case 2");

	tap_is_int(crc32_update(0, "123456789", 9), 0xcbf43926, "crc32 check value");
	tap_is_int(crc32_update(crc32_update(0, "12345", 5), "6789", 4), 0xcbf43926,
	    "crc32 continued across calls");
	tap_ok(crc32c_mismatches() == 0, "crc32c: RFC 3720 vectors, check value, continued and combined at every split");
	tap_ok(mismatches_vs_bearssl(0) == 0, "sha256 (%s) = BearSSL's for lengths 0-999 in two pieces",
	    sha256_accelerated() ? "SHA extensions" : "portable");
	{
		static const char *const suite[][2] = {
			{ "", "d41d8cd98f00b204e9800998ecf8427e" },
			{ "a", "0cc175b9c0f1b6a831c399e269772661" },
			{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
			{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
			{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
			{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
			    "d174ab98d277d9f5a5611c2c9f419d9f" },
			{ "1234567890123456789012345678901234567890"
			  "1234567890123456789012345678901234567890",
			    "57edf4a22be3c955ac49da2e2107b67a" },
		};
		struct md5 m;

		for (size_t i = 0; i < sizeof suite / sizeof suite[0]; i++) {
			const char *msg = suite[i][0];
			size_t n = strlen(msg);

			md5_init(&m);
			md5_update(&m, msg, n / 2);
			md5_update(&m, msg + n / 2, n - n / 2);
			md5_final(&m, d);
			hex_encode(hex, d, 16);
			tap_is_str(hex, suite[i][1], "md5 RFC 1321 test suite");
		}
		tap_ok(mismatches_vs_bearssl(1) == 0, "md5 = BearSSL's for lengths 0-999 in two pieces");
		md5_init(&m);
		for (size_t i = 0; i < sizeof big; i += 333)
			md5_update(&m, big + i, sizeof big - i < 333 ? sizeof big - i : 333);
		md5_final(&m, d);
		hex_encode(hex, d, 16);
		tap_is_str(hex, "7707d6ae4e027c70eea2a935c2296f21", "md5 of a million 'a', incremental");
	}
	tap_ok(hash_part_mismatches() == 0, "hash_part (%s) = MD5, SHA-256 and the whole's SHA-256 one after the other",
	    sha256_accelerated() ? "one loop on the SHA extensions" : "portable");
	tap_ok(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "with PGOPS_NO_SHANI=1 and PGOPS_NO_SSE42=1: the portable SHA-256 = BearSSL's, hash_part agrees, "
	    "and the table CRC-32C passes the same checks");
	return tap_done();
}
