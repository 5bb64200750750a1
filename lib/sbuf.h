/* A growable string for building SQL and messages whose length is not known
 * in advance. Growth goes through xrealloc, so it dies (exit 70) rather than
 * returning a half-built string; the contents are always NUL-terminated. */
#ifndef PGOPS_SBUF_H
#define PGOPS_SBUF_H

#include <stddef.h>

struct sbuf {
	char *s;     /* NUL-terminated once anything was added; NULL before */
	size_t len, cap;
};

void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_putc(struct sbuf *b, char c);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The contents, "" when nothing was added. */
const char *sbuf_str(const struct sbuf *b);
/* Empty it, keeping the memory. */
void sbuf_reset(struct sbuf *b);
/* Hand the string to the caller (who frees it); the sbuf is empty again. */
char *sbuf_take(struct sbuf *b);
void sbuf_free(struct sbuf *b);
/* Appends s as a JSON string, quotes included (escaped as log lines are). */
void sbuf_json(struct sbuf *b, const char *s);
/* Appends s as the value of a Prometheus label, without the quotes:
 * backslash, double quote and newline escaped as the text format wants. */
void sbuf_label(struct sbuf *b, const char *s);

#endif
