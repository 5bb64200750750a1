#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <bearssl_ec.h>
#include <bearssl_kdf.h>

#include "aead.h"
#include "age.h"
#include "bech32.h"
#include "enc.h"
#include "hash.h"
#include "log.h"
#include "scrypt.h"
#include "xmem.h"

#define X25519_LABEL "age-encryption.org/v1/X25519"
#define SCRYPT_LABEL "age-encryption.org/v1/scrypt"

int
age_sniff(const void *buf, size_t n)
{
	const char *p = buf;
	size_t i = 0;

	if (n >= 19 && memcmp(p, "age-encryption.org/", 19) == 0)
		return 1;
	while (i < n && i < 1024 && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return n - i >= sizeof AGE_ARMOR_BEGIN - 1 && memcmp(p + i, AGE_ARMOR_BEGIN, sizeof AGE_ARMOR_BEGIN - 1) == 0;
}

void
age_random(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die_errno(EX_SOFTWARE, "getrandom");
		p += r, n -= (size_t)r;
	}
}

void
age_x25519_public(unsigned char pk[32], const unsigned char sk[32])
{
	br_ec_c25519_m31.mulgen(pk, sk, 32, BR_EC_curve25519);
}

int
age_x25519(unsigned char out[32], const unsigned char sk[32], const unsigned char point[32])
{
	unsigned acc = 0;

	memcpy(out, point, 32);
	if (!br_ec_c25519_m31.mul(out, 32, sk, 32, BR_EC_curve25519))
		return -1;
	for (int i = 0; i < 32; i++)
		acc |= out[i];
	return acc ? 0 : -1;
}

static void
hkdf(unsigned char *out, size_t olen, const void *ikm, size_t ilen, const void *salt, size_t slen,
    const char *info)
{
	br_hkdf_context hc;

	br_hkdf_init(&hc, &br_sha256_vtable, salt, slen);
	br_hkdf_inject(&hc, ikm, ilen);
	br_hkdf_flip(&hc);
	br_hkdf_produce(&hc, info, strlen(info), out, olen);
	explicit_bzero(&hc, sizeof hc);
}

int
age_errf(char *err, size_t cap, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return ret;
}

void
age_x25519_wrap_key(unsigned char wk[32], const unsigned char shared[32], const unsigned char share[32],
    const unsigned char pk[32])
{
	unsigned char salt[64];

	memcpy(salt, share, 32);
	memcpy(salt + 32, pk, 32);
	hkdf(wk, 32, shared, 32, salt, 64, X25519_LABEL);
}

/* scrypt's salt: age's label, then the stanza's 16 bytes. */
int
age_scrypt_key(unsigned char wk[32], const char *pass, size_t plen, const unsigned char s16[16], unsigned logn)
{
	unsigned char salt[sizeof SCRYPT_LABEL - 1 + 16];

	memcpy(salt, SCRYPT_LABEL, sizeof SCRYPT_LABEL - 1);
	memcpy(salt + sizeof SCRYPT_LABEL - 1, s16, 16);
	return scrypt(pass, plen, salt, sizeof salt, logn, 8, 1, wk, 32);
}

void
age_header_mac(unsigned char mac[32], const unsigned char file_key[16], const void *buf, size_t len)
{
	unsigned char hk[32];

	hkdf(hk, 32, file_key, 16, "", 0, "header");
	hmac_sha256(hk, 32, buf, len, mac);
	explicit_bzero(hk, sizeof hk);
}

/* A stanza body: the file key sealed with the wrap key and a zero nonce. */
static const unsigned char zero_nonce[12];

void
age_body_seal(unsigned char body[32], const unsigned char wk[32], const unsigned char file_key[16])
{
	memcpy(body, file_key, 16);
	aead_seal(wk, zero_nonce, body, 16, body + 16);
}

int
age_body_open(unsigned char file_key[16], const unsigned char wk[32], const unsigned char body[32])
{
	unsigned char b[32];

	memcpy(b, body, 32);
	if (aead_open(wk, zero_nonce, b, 16, b + 16) < 0)
		return -1;
	memcpy(file_key, b, 16);
	explicit_bzero(b, sizeof b);
	return 0;
}

int
age_recipient_parse(const char *s, unsigned char pk[32])
{
	char hrp[8];

	return bech32_decode(s, strlen(s), hrp, sizeof hrp, pk, 32) == 32 && strcmp(hrp, "age") == 0
	    && s[0] == 'a' ? 0 : -1;
}

int
age_identity_parse(const char *s, unsigned char sk[32])
{
	char hrp[20];

	return bech32_decode(s, strlen(s), hrp, sizeof hrp, sk, 32) == 32 && strcmp(hrp, "age-secret-key-") == 0
	    && s[0] == 'A' ? 0 : -1;
}

void
age_recipient_format(char out[AGE_RECIPIENT_SIZE], const unsigned char pk[32])
{
	bech32_encode(out, AGE_RECIPIENT_SIZE, "age", pk, 32, 0);
}

void
age_identity_format(char out[AGE_IDENTITY_SIZE], const unsigned char sk[32])
{
	bech32_encode(out, AGE_IDENTITY_SIZE, "AGE-SECRET-KEY-", sk, 32, 1);
}

/* Appends a stanza body: raw base64 in lines of 64 columns, the last one
 * shorter (empty when the body fills whole lines). */
static size_t
put_body(char *out, const unsigned char *body, size_t n)
{
	char b[BASE64_RAW_LEN(256)];
	size_t len = 0, bl;

	base64_raw_encode(b, body, n);
	bl = strlen(b);
	for (size_t i = 0; i <= bl; i += 64) {
		size_t take = bl - i < 64 ? bl - i : 64;

		memcpy(out + len, b + i, take);
		len += take;
		out[len++] = '\n';
		if (take < 64)
			break;
	}
	return len;
}

/* The header's end: the MAC line and the payload nonce; derives the
 * payload key. hdr has room for it. */
static void
enc_finish(struct age_enc *e, const unsigned char file_key[16])
{
	unsigned char mac[32], nonce[AGE_NONCE];
	char m[BASE64_RAW_LEN(32)];

	memcpy(e->header + e->hlen, "---", 3);
	e->hlen += 3;
	age_header_mac(mac, file_key, e->header, e->hlen);
	base64_raw_encode(m, mac, 32);
	e->hlen += (size_t)sprintf(e->header + e->hlen, " %s\n", m);
	age_random(nonce, sizeof nonce);
	memcpy(e->header + e->hlen, nonce, sizeof nonce);
	e->hlen += sizeof nonce;
	age_payload_key(file_key, nonce, e->key);
}

void
age_enc_x25519(struct age_enc *e, const struct age_keys *r)
{
	unsigned char fk[16], esk[32], epk[32], shared[32], wk[32], body[32];
	char a[BASE64_RAW_LEN(32)];

	age_random(fk, sizeof fk);
	e->header = xmalloc(sizeof AGE_MAGIC + (size_t)r->n * 200 + 100);
	e->hlen = (size_t)sprintf(e->header, "%s", AGE_MAGIC);
	for (int i = 0; i < r->n; i++) {
		age_random(esk, sizeof esk);
		age_x25519_public(epk, esk);
		if (age_x25519(shared, esk, r->pk[i]) < 0) /* age_keys refuses such recipients */
			die(EX_DATAERR, "recipient %d is a low-order point", i + 1);
		age_x25519_wrap_key(wk, shared, epk, r->pk[i]);
		age_body_seal(body, wk, fk);
		base64_raw_encode(a, epk, 32);
		e->hlen += (size_t)sprintf(e->header + e->hlen, "-> X25519 %s\n", a);
		e->hlen += put_body(e->header + e->hlen, body, 32);
	}
	enc_finish(e, fk);
	explicit_bzero(fk, sizeof fk);
	explicit_bzero(esk, sizeof esk);
	explicit_bzero(shared, sizeof shared);
	explicit_bzero(wk, sizeof wk);
}

int
age_enc_scrypt(struct age_enc *e, const char *pass, size_t plen, unsigned logn)
{
	unsigned char fk[16], s16[16], wk[32], body[32];
	char a[BASE64_RAW_LEN(16)];

	age_random(fk, sizeof fk);
	age_random(s16, sizeof s16);
	if (age_scrypt_key(wk, pass, plen, s16, logn) < 0)
		return -1;
	age_body_seal(body, wk, fk);
	e->header = xmalloc(sizeof AGE_MAGIC + 300);
	base64_raw_encode(a, s16, 16);
	e->hlen = (size_t)sprintf(e->header, "%s-> scrypt %s %u\n", AGE_MAGIC, a, logn);
	e->hlen += put_body(e->header + e->hlen, body, 32);
	enc_finish(e, fk);
	explicit_bzero(fk, sizeof fk);
	explicit_bzero(wk, sizeof wk);
	return 0;
}

void
age_enc_free(struct age_enc *e)
{
	explicit_bzero(e->key, sizeof e->key);
	free(e->header);
	e->header = NULL;
}

void
age_payload_key(const unsigned char file_key[16], const unsigned char nonce[AGE_NONCE], unsigned char key[32])
{
	hkdf(key, 32, file_key, 16, nonce, AGE_NONCE, "payload");
}

/* STREAM's nonce: an 11-byte big-endian counter, then the last-chunk flag. */
static void
chunk_nonce(unsigned char n[12], uint64_t counter, int last)
{
	memset(n, 0, 3);
	for (int i = 0; i < 8; i++)
		n[3 + i] = (unsigned char)(counter >> (56 - 8 * i));
	n[11] = last ? 1 : 0;
}

void
age_chunk_seal(const unsigned char key[32], uint64_t counter, int last, unsigned char *buf, size_t len)
{
	unsigned char n[12];

	chunk_nonce(n, counter, last);
	aead_seal(key, n, buf, len, buf + len);
}

int
age_chunk_open(const unsigned char key[32], uint64_t counter, int last, unsigned char *buf, size_t clen)
{
	unsigned char n[12];

	if (clen < AGE_TAG)
		return -1;
	chunk_nonce(n, counter, last);
	return aead_open(key, n, buf, clen - AGE_TAG, buf + clen - AGE_TAG);
}
