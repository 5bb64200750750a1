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

/* The value of one hex digit (either case), or -1. */
int hex_digit(char c);
/* Writes code point cp as UTF-8 into out (room bytes); returns the bytes
 * written, or -1 for NUL, a surrogate, a value past U+10FFFF or no room. */
int utf8_encode(char *out, size_t room, unsigned long cp);

#endif
