/* scrypt (RFC 7914), the key derivation of age's passphrase stanzas, and
 * the PBKDF2-HMAC-SHA256 it is built on. Memory: 128 * r * N bytes for V
 * plus 128 * r * (p + 1), all wiped before they are freed. */
#ifndef PGOPS_SCRYPT_H
#define PGOPS_SCRYPT_H
#include <stddef.h>
#include <stdint.h>
void pbkdf2_sha256(const void *pass, size_t plen, const void *salt, size_t slen, uint32_t iterations,
    void *out, size_t olen);
/* N = 2^logn. 0, or -1 when the parameters are out of range (logn 1-30,
 * r * p < 2^30) or the memory cannot be had. */
int scrypt(const void *pass, size_t plen, const void *salt, size_t slen, unsigned logn, uint32_t r, uint32_t p,
    void *out, size_t olen);
#endif
