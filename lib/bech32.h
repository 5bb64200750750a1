/* Bech32 (BIP 173), the encoding of age's recipients ("age1...") and
 * identities ("AGE-SECRET-KEY-1..."). Without BIP 173's 90-character limit,
 * as age uses it; a string must be all lower or all upper case. */
#ifndef PGOPS_BECH32_H
#define PGOPS_BECH32_H
#include <stddef.h>
#include <sys/types.h>
/* Writes hrp, "1", data in 5-bit groups and the checksum, NUL-terminated,
 * in upper case when upper; returns the length, or -1 when cap is short or
 * hrp is not 1-83 characters of US-ASCII 33-126. */
int bech32_encode(char *out, size_t cap, const char *hrp, const void *data, size_t n, int upper);
/* Decodes s[0..n): the human-readable part, lower-cased, into hrp (hcap
 * with its NUL) and the bytes into data; returns their count, or -1 for a
 * bad checksum, mixed case, a character outside the alphabet, padding
 * bits that are not zero, or a result that does not fit. */
ssize_t bech32_decode(const char *s, size_t n, char *hrp, size_t hcap, void *data, size_t dcap);
#endif
