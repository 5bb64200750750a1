/* lib/bech32, lib/scrypt, lib/chacha (with lib/aead) and lib/age: the
 * published vectors (BIP 173, RFC 7914, RFC 8439, RFC 7748), a key pair
 * made by age-keygen, BearSSL as a second implementation of ChaCha20 and
 * Poly1305 on each of our paths (AVX-512, AVX2, portable), the armor and the
 * header parser's refusals. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bearssl_block.h>

#include "aead.h"
#include "age.h"
#include "bech32.h"
#include "chacha.h"
#include "enc.h"
#include "scrypt.h"
#include "tap.h"

static const char age_identity[] = "AGE-SECRET-KEY-10KV79K65MQPF3KL8GJ802MRKD9H3R5ZZWS0RWYR3D759XS7FV9USNAGQM0";
static const char age_recipient[] = "age1l6wctyrl43atwfee3k3t33gfx45x2evkr0ugzc2ema9tp8uaugesyjn2h5";

static size_t
unhex(unsigned char *out, const char *hex)
{
	ssize_t n = hex_decode(out, 4096, hex, strlen(hex));

	return n < 0 ? 0 : (size_t)n;
}

static int
mem_hex(const void *got, size_t n, const char *hex)
{
	unsigned char want[4096];
	size_t wn = unhex(want, hex);

	return wn == n && memcmp(got, want, n) == 0;
}

/* Our ChaCha20-Poly1305 against BearSSL's for one length: sealed the
 * same, opened back, and a flipped bit refused with the buffer untouched. */
static int
one_vs_bearssl(size_t len)
{
	static unsigned char a[66000], b[66000], c[66000], keep[66000];
	unsigned char key[32], nonce[12], ta[16], tb[16], t[16];
	int bad = 0;

	for (size_t i = 0; i < len; i++)
		a[i] = (unsigned char)(i * 131 + 7);
	memset(key, (int)len, sizeof key);
	memset(nonce, (int)(len >> 3), sizeof nonce);
	memcpy(b, a, len);
	aead_seal(key, nonce, b, len, tb);
	memcpy(ta, tb, 16);
	memcpy(c, a, len);
	br_poly1305_ctmul_run(key, nonce, c, len, NULL, 0, t, br_chacha20_ct_run, 1);
	bad += memcmp(c, b, len) != 0 || memcmp(t, ta, 16) != 0;
	bad += aead_open(key, nonce, b, len, ta) != 0 || memcmp(a, b, len) != 0;
	if (len > 0) {
		aead_seal(key, nonce, b, len, tb);
		b[len / 2] ^= 1;
		memcpy(keep, b, len);
		bad += aead_open(key, nonce, b, len, tb) == 0 || memcmp(keep, b, len) != 0;
	}
	return bad;
}

/* Every length to 2200 bytes (the edges of the 16-, 8- and 1-block steps
 * of both ChaCha20 and Poly1305), then sparser to 65 KiB, and age's chunk
 * of 64 KiB and its neighbours: mismatches. */
static int
aead_vs_bearssl(void)
{
	int bad = 0;

	for (size_t len = 0; len <= 65900; len += len < 2200 ? 1 : len < 4400 ? 97 : 4093)
		bad += one_vs_bearssl(len);
	for (size_t len = 65535; len <= 65537; len++)
		bad += one_vs_bearssl(len);
	return bad;
}

/* The path the environment asks for (a forked child: the choice is made
 * once per process), checked against BearSSL. */
static int
path_ok(const char *env, int most)
{
	if (setenv(env, "1", 1) != 0 || chacha20_simd() > most)
		return 0;
	return aead_vs_bearssl() == 0;
}

static pid_t
path_child(const char *env, int most)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(path_ok(env, most) ? 0 : 1);
	return pid;
}

static int
child_ok(pid_t pid)
{
	int status;

	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void
test_bech32(void)
{
	static const char *const valid[] = {
		"A12UEL5L", "a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
	};
	static const char *const invalid[] = {
		"pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "A1G7SGD8", "10a06t8", "1qzzfhee",
		"A12uEL5L", "a12uel5m",
	};
	unsigned char d[64], pk[32], sk[32], pk2[32];
	char hrp[100], s[128];
	ssize_t n;
	int bad = 0;

	for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
		n = bech32_decode(valid[i], strlen(valid[i]), hrp, sizeof hrp, d, sizeof d);
		bad += n < 0;
		/* Encoding it back gives the same string, in its case. */
		if (n >= 0 && bech32_encode(s, sizeof s, hrp, d, (size_t)n, valid[i][0] == 'A') > 0)
			bad += strcmp(s, valid[i]) != 0;
	}
	tap_ok(bad == 0, "bech32: BIP 173's valid strings decode and encode back");
	bad = 0;
	for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
		bad += bech32_decode(invalid[i], strlen(invalid[i]), hrp, sizeof hrp, d, sizeof d) >= 0;
	tap_ok(bad == 0, "bech32: BIP 173's invalid strings (and mixed case, a bad checksum) are refused");

	tap_ok(age_identity_parse(age_identity, sk) == 0, "age-keygen's identity parses");
	tap_ok(age_recipient_parse(age_recipient, pk) == 0, "age-keygen's recipient parses");
	age_x25519_public(pk2, sk);
	tap_ok(memcmp(pk, pk2, 32) == 0, "the identity's public key is age-keygen's recipient");
	age_identity_format(s, sk);
	tap_is_str(s, age_identity, "identity formats back (upper case)");
	age_recipient_format(s, pk);
	tap_is_str(s, age_recipient, "recipient formats back");
	tap_ok(age_recipient_parse(age_identity, pk) < 0 && age_identity_parse(age_recipient, sk) < 0,
	    "an identity is not a recipient, nor the reverse");
}

static void
test_kdf(void)
{
	unsigned char out[64];

	pbkdf2_sha256("passwd", 6, "salt", 4, 1, out, 64);
	tap_ok(mem_hex(out, 64, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b64599"
	    "1664b39d77ef317c71b845b1e30bd509112041d3a19783"), "PBKDF2-HMAC-SHA256: RFC 7914 section 11");
	pbkdf2_sha256("Password", 8, "NaCl", 4, 80000, out, 64);
	tap_ok(mem_hex(out, 64, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549a"
	    "db841b51c9b3176a272bdebba1d078478f62b397f33c8d"), "PBKDF2-HMAC-SHA256: RFC 7914, 80000 iterations");
	tap_ok(scrypt("", 0, "", 0, 4, 1, 1, out, 64) == 0 && mem_hex(out, 64, "77d6576238657b203b19ca42c18a0497f16b484"
	    "4e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
	    "scrypt: RFC 7914 vector 1 (N=16, r=1, p=1)");
	tap_ok(scrypt("password", 8, "NaCl", 4, 10, 8, 16, out, 64) == 0 && mem_hex(out, 64, "fdbabe1c9d3472007856e71"
	    "90d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
	    "scrypt: RFC 7914 vector 2 (N=1024, r=8, p=16)");
	tap_ok(scrypt("pleaseletmein", 13, "SodiumChloride", 14, 14, 8, 1, out, 64) == 0 && mem_hex(out, 64,
	    "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d"
	    "651e40dfcf017b45575887"), "scrypt: RFC 7914 vector 3 (N=16384, r=8, p=1)");
	tap_ok(scrypt("x", 1, "y", 1, 0, 8, 1, out, 32) < 0 && scrypt("x", 1, "y", 1, 31, 8, 1, out, 32) < 0,
	    "scrypt: work factors outside 2^1..2^30 are refused");
}

static void
test_chacha(void)
{
	static const char pt[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
	    "future, sunscreen would be it.";
	unsigned char key[32], nonce[12], buf[200], tag[16], k2[32];
	struct poly1305 p;

	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)i;
	unhex(nonce, "000000000000004a00000000");
	memcpy(buf, pt, sizeof pt - 1);
	chacha20_xor(key, nonce, 1, buf, sizeof pt - 1);
	tap_ok(mem_hex(buf, sizeof pt - 1, "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524"
	    "733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce9"
	    "1ab77937365af90bbf74a35be6b40b8eedf2785e42874d"), "ChaCha20: RFC 8439 section 2.4.2");
	unhex(k2, "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
	poly1305_init(&p, k2);
	poly1305_update(&p, "Cryptographic ", 14);
	poly1305_update(&p, "Forum Research Group", 20);
	poly1305_final(&p, tag);
	tap_ok(mem_hex(tag, 16, "a8061dc1305136c6c22b8baf0c0127a9"), "Poly1305: RFC 8439 section 2.5.2, fed in pieces");
	memset(k2, 0, 32);
	k2[0] = 2;
	memset(buf, 0xff, 16);
	poly1305_init(&p, k2);
	poly1305_update(&p, buf, 16);
	poly1305_final(&p, tag);
	tap_ok(mem_hex(tag, 16, "03000000000000000000000000000000"), "Poly1305: h reaching p is reduced (RFC 8439 A.3)");
	memset(k2, 0, 32);
	k2[0] = 1;
	memset(buf, 0xff, 15), buf[15] = 0xfb, memset(buf + 16, 0xfe, 15), buf[31] = 1, memset(buf + 32, 0, 16);
	poly1305_init(&p, k2);
	poly1305_update(&p, buf, 48);
	poly1305_final(&p, tag);
	tap_ok(mem_hex(tag, 16, "fdfefefefefefefefefefefefefefefd"), "Poly1305: a carry through every limb");
	memset(k2, 0xff, 16), memset(k2 + 16, 0, 16);
	memset(buf, 0xff, 64);
	poly1305_init(&p, k2);
	poly1305_update(&p, buf, 64);
	poly1305_final(&p, tag);
	tap_ok(mem_hex(tag, 16, "910fe32bc15fa8d7bca8efe4c7e37eb1"), "Poly1305: the largest r with all-ones blocks");
	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)(0x80 + i);
	unhex(nonce, "070000004041424344454647");
	memcpy(buf, pt, sizeof pt - 1);
	aead_seal(key, nonce, buf, sizeof pt - 1, tag);
	tap_ok(mem_hex(buf, sizeof pt - 1, "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9"
	    "671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b"
	    "4831d7bc3ff4def08e4b7a9de576d26586cec64b6116") && mem_hex(tag, 16, "6a23a4681fd59456aea1d29f82477216"),
	    "ChaCha20-Poly1305: RFC 8439 section 2.8.2's key, nonce and text without the AAD");
	tap_ok(aead_vs_bearssl() == 0, "ChaCha20-Poly1305 (%s) = BearSSL's for 0-65900 bytes; a flipped bit is refused "
	    "and leaves the buffer as it was", aead_impl());
}

static void
test_x25519(void)
{
	unsigned char a[32], b[32], pa[32], pb[32], s1[32], s2[32], low[32] = { 0 };

	unhex(a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	unhex(b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
	age_x25519_public(pa, a);
	age_x25519_public(pb, b);
	tap_ok(mem_hex(pa, 32, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
	    && mem_hex(pb, 32, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"),
	    "X25519: RFC 7748 section 6.1 public keys");
	tap_ok(age_x25519(s1, a, pb) == 0 && age_x25519(s2, b, pa) == 0
	    && mem_hex(s1, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742") && memcmp(s1, s2, 32) == 0,
	    "X25519: RFC 7748 section 6.1 shared secret");
	tap_ok(age_x25519(s1, a, low) < 0, "X25519: a low-order point gives all zeros and is refused");
}

static void
test_armor(void)
{
	struct age_armor_enc e;
	struct age_armor_dec d;
	static char text[8000];
	unsigned char data[3000], back[8000];
	size_t tl = 0;
	ssize_t n, bl = 0;

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7);
	tl = age_armor_begin(&e, text);
	tl += age_armor_feed(&e, data, 100, text + tl);
	tl += age_armor_feed(&e, data + 100, sizeof data - 100, text + tl);
	tl += age_armor_end(&e, text + tl);
	age_armor_dec_init(&d);
	for (size_t i = 0; i < tl; i += 13) {
		n = age_armor_dec_feed(&d, text + i, tl - i < 13 ? tl - i : 13, back + bl);
		if (n < 0)
			break;
		bl += n;
	}
	tap_ok(age_armor_dec_finish(&d) == 0 && bl == sizeof data && memcmp(back, data, sizeof data) == 0,
	    "armor: 3000 bytes round trip, decoded 13 bytes at a time");
	{
		static const char *const bad[] = {
			"-----BEGIN AGE ENCRYPTED FILE-----\nYWJj\n",                              /* no end */
			"-----BEGIN AGE ENCRYPTED FILE-----\nYWJ\n-----END AGE ENCRYPTED FILE-----\n", /* not base64 */
			"-----BEGIN AGE ENCRYPTED FILE-----\nYWI=\nYWI=\n-----END AGE ENCRYPTED FILE-----\n", /* short line not last */
			"-----BEGIN AGE ENCRYPTED FILE-----\nYWJ=\n-----END AGE ENCRYPTED FILE-----\n", /* not canonical */
			"-----BEGIN AGE ENCRYPTED FILE-----\nYWJj\n-----END AGE ENCRYPTED FILE-----\nx\n", /* data after */
			"-----BEGIN AGE FILE-----\nYWJj\n-----END AGE ENCRYPTED FILE-----\n",        /* wrong first line */
		};
		int refused = 0;

		for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
			age_armor_dec_init(&d);
			refused += age_armor_dec_feed(&d, bad[i], strlen(bad[i]), back) < 0 || age_armor_dec_finish(&d) < 0;
		}
		tap_is_int(refused, sizeof bad / sizeof *bad, "armor: cut short, not base64, a short line before "
		    "the last, non-canonical padding, data after the end, a wrong first line: each refused");
	}
	{
		static const char ok[] = "\r\n  \n-----BEGIN AGE ENCRYPTED FILE-----\r\nYWJj\r\n"
		    "-----END AGE ENCRYPTED FILE-----\r\n \n";

		age_armor_dec_init(&d);
		n = age_armor_dec_feed(&d, ok, sizeof ok - 1, back);
		tap_ok(n == 3 && memcmp(back, "abc", 3) == 0 && age_armor_dec_finish(&d) == 0,
		    "armor: CRLF lines and whitespace around it are accepted, as age does");
	}
}

static void
test_header(void)
{
	struct age_keys r = { 0 }, ids = { 0 };
	struct age_enc e;
	struct age_header h;
	unsigned char fk[16], sk[32], pk[32];
	char err[200], copy[2000];
	int st;

	age_identity_parse(age_identity, sk);
	age_x25519_public(pk, sk);
	age_keys_add_recipient(&r, age_recipient);
	ids.n = 1, ids.pk = &pk, ids.sk = &sk;
	age_enc_x25519(&e, &r);
	st = age_header_parse(&h, (unsigned char *)e.header, e.hlen, err, sizeof err);
	tap_ok(st == AGE_OK && h.n == 1 && h.len == e.hlen - AGE_NONCE && strcmp(h.st[0].args[0], "X25519") == 0,
	    "header: ours parses, one X25519 stanza, the nonce after it");
	tap_ok(age_unwrap(&h, (unsigned char *)e.header, &ids, NULL, 0, 20, fk, err, sizeof err) == 0,
	    "header: the identity unwraps the file key and the MAC verifies");
	age_header_free(&h);
	tap_ok(age_header_parse(&h, (unsigned char *)e.header, e.hlen - AGE_NONCE - 5, err, sizeof err) == AGE_MORE,
	    "header: cut short asks for more");
	memcpy(copy, e.header, e.hlen);
	copy[e.hlen - AGE_NONCE - 10] ^= 1; /* in the MAC */
	st = age_header_parse(&h, (unsigned char *)copy, e.hlen, err, sizeof err);
	tap_ok(st == AGE_BAD || (st == AGE_OK && age_unwrap(&h, (unsigned char *)copy, &ids, NULL, 0, 20, fk, err,
	    sizeof err) == 65), "header: a MAC altered is refused (65)");
	if (st == AGE_OK)
		age_header_free(&h);
	tap_ok(age_header_parse(&h, (const unsigned char *)"PK\3\4 zip", 9, err, sizeof err) == AGE_NOTAGE,
	    "header: other data is not age");
	tap_ok(age_header_parse(&h, (const unsigned char *)"age-encryption.org/v2\n", 22, err, sizeof err) == AGE_BAD
	    && strstr(err, "version"), "header: another version is named");
	tap_ok(age_header_parse(&h, (const unsigned char *)"age-encryption.org/v1\n->  X25519\n\n--- ", 39, err,
	    sizeof err) == AGE_BAD, "header: an empty stanza argument is refused");
	age_enc_free(&e);
	age_keys_free(&r);
}

int
main(void)
{
	pid_t portable, avx2;

	tap_plan(36);
	portable = path_child("PGOPS_NO_AVX2", 0);
	avx2 = path_child("PGOPS_NO_AVX512", 1);
	test_bech32();
	test_kdf();
	test_chacha();
	test_x25519();
	test_armor();
	test_header();
	tap_ok(child_ok(portable), "with PGOPS_NO_AVX2=1 the portable ChaCha20-Poly1305 = BearSSL's");
	tap_ok(child_ok(avx2), "with PGOPS_NO_AVX512=1 the AVX2 (or portable) ChaCha20-Poly1305 = BearSSL's");
	return tap_done();
}
