/* What an S3 answer is, before its contents are believed: the root
 * element of an XML body (a 200 can carry an <Error>, a proxy's page or
 * nothing), and keys in encoding-type=url listings. */
#ifndef S3_ANSWER_H
#define S3_ANSWER_H

#include <stddef.h>

/* 1 when the body's root element is named root (after an optional
 * <?xml ...?> declaration, comments and white space), 0 otherwise. */
int s3_answer_root(const char *body, size_t n, const char *root);

/* Percent-decodes an encoding-type=url key in place ('+' is a space):
 * 0, -1 for a bad escape, -2 for an escape of a NUL byte (%00), which no
 * C string can hold (the key would read as a shorter one). */
int s3_answer_url_decode(char *s);

#endif
