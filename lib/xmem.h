/* Heap helpers that die (exit 70) instead of returning NULL, so callers never
 * carry half-handled allocation failures. */
#ifndef PGOPS_XMEM_H
#define PGOPS_XMEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* The first n bytes of s (which must have them), NUL-terminated. */
char *xstrndup(const char *s, size_t n);

#endif
