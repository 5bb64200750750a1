/* Hex and base64 (RFC 4648, standard alphabet with padding). Encoders write
 * a terminating NUL; decoders return the decoded length or -1 on any
 * character outside the alphabet, bad padding, or an output that would not
 * fit. */
#ifndef PGOPS_ENC_H
#define PGOPS_ENC_H

#include <stddef.h>
#include <sys/types.h>

#define HEX_LEN(n) ((n) * 2 + 1)
#define BASE64_LEN(n) ((((n) + 2) / 3) * 4 + 1)

void hex_encode(char *out, const void *in, size_t n);
ssize_t hex_decode(void *out, size_t cap, const char *in, size_t n);
void base64_encode(char *out, const void *in, size_t n);
ssize_t base64_decode(void *out, size_t cap, const char *in, size_t n);

/* Base64 without padding, as age writes it; the decoder refuses padding
 * and any value with more than one spelling (non-zero unused bits). */
#define BASE64_RAW_LEN(n) (((n) * 4 + 2) / 3 + 1)
void base64_raw_encode(char *out, const void *in, size_t n);
ssize_t base64_raw_decode(void *out, size_t cap, const char *in, size_t n);
/* The value of one hex digit (either case), or -1. */
int hex_digit(char c);
/* Writes code point cp as UTF-8 into out (room bytes); returns the bytes
 * written, or -1 for NUL, a surrogate, a value past U+10FFFF or no room. */
int utf8_encode(char *out, size_t room, unsigned long cp);

#endif
