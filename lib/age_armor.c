/* age's ASCII armor: PEM-style lines of 64 columns of padded base64. */
#include <stdio.h>
#include <string.h>

#include "age.h"
#include "enc.h"

enum { BEFORE, BODY, NEED_END, AFTER, FAILED };
#define WS_MAX 1024

size_t
age_armor_begin(struct age_armor_enc *a, char *out)
{
	a->npend = 0;
	memcpy(out, AGE_ARMOR_BEGIN "\n", sizeof AGE_ARMOR_BEGIN);
	return sizeof AGE_ARMOR_BEGIN;
}

static size_t
put_line(char *out, const unsigned char *in, size_t n)
{
	base64_encode(out, in, n);
	size_t len = strlen(out);

	out[len] = '\n';
	return len + 1;
}

size_t
age_armor_feed(struct age_armor_enc *a, const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t len = 0;

	if (a->npend) {
		size_t take = 48 - a->npend < n ? 48 - a->npend : n;

		memcpy(a->pend + a->npend, p, take);
		a->npend += take, p += take, n -= take;
		if (a->npend < 48)
			return 0;
		len += put_line(out, a->pend, 48);
		a->npend = 0;
	}
	for (; n >= 48; p += 48, n -= 48)
		len += put_line(out + len, p, 48);
	memcpy(a->pend, p, n);
	a->npend = n;
	return len;
}

size_t
age_armor_end(struct age_armor_enc *a, char *out)
{
	size_t len = 0;

	/* The last line is shorter than 64 columns (empty when the data
	 * fills whole lines would read as a line of its own, so none then). */
	if (a->npend)
		len = put_line(out, a->pend, a->npend);
	memcpy(out + len, AGE_ARMOR_END "\n", sizeof AGE_ARMOR_END);
	a->npend = 0;
	return len + sizeof AGE_ARMOR_END;
}

void
age_armor_dec_init(struct age_armor_dec *d)
{
	memset(d, 0, sizeof *d);
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static ssize_t
dec_fail(struct age_armor_dec *d, const char *msg)
{
	snprintf(d->err, sizeof d->err, "invalid armor: %s", msg);
	d->state = FAILED;
	return -1;
}

/* One complete line (without its LF, and CR). Returns the bytes decoded
 * into out, or -1. */
static ssize_t
dec_line(struct age_armor_dec *d, char *line, size_t len, unsigned char *out)
{
	char chk[BASE64_LEN(48)];
	ssize_t n;
	int blank = 1;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	for (size_t i = 0; i < len; i++)
		blank &= is_ws(line[i]);
	switch (d->state) {
	case BEFORE:
		if (blank) {
			if ((d->ws += len + 1) > WS_MAX)
				return dec_fail(d, "too much whitespace before the first line");
			return 0;
		}
		if (len != sizeof AGE_ARMOR_BEGIN - 1 || memcmp(line, AGE_ARMOR_BEGIN, len) != 0)
			return dec_fail(d, "the first line is not " AGE_ARMOR_BEGIN);
		d->state = BODY;
		return 0;
	case BODY:
	case NEED_END:
		if (len == sizeof AGE_ARMOR_END - 1 && memcmp(line, AGE_ARMOR_END, len) == 0) {
			d->state = AFTER;
			d->ws = 0;
			return 0;
		}
		if (d->state == NEED_END)
			return dec_fail(d, "a line shorter than 64 columns is not followed by the closing line");
		if (len > 64)
			return dec_fail(d, "a line longer than 64 columns");
		line[len] = 0;
		if ((n = base64_decode(out, 48, line, len)) < 0)
			return dec_fail(d, "a line that is not base64");
		base64_encode(chk, out, (size_t)n);
		if (strcmp(chk, line) != 0)
			return dec_fail(d, "a line that is not canonical base64");
		if (n < 48)
			d->state = NEED_END;
		return n;
	case AFTER:
		if (!blank)
			return dec_fail(d, "data after the closing line");
		if ((d->ws += len + 1) > WS_MAX)
			return dec_fail(d, "too much whitespace after the closing line");
		return 0;
	}
	return -1;
}

ssize_t
age_armor_dec_feed(struct age_armor_dec *d, const void *in, size_t n, unsigned char *out)
{
	const char *p = in;
	size_t len = 0;

	if (d->state == FAILED)
		return -1;
	for (size_t i = 0; i < n; i++) {
		ssize_t r;

		if (p[i] != '\n') {
			/* In the body a line holds at most 64 columns and a CR;
			 * before and after, whitespace is counted as it comes. */
			if (d->llen >= sizeof d->line - 1) {
				int blank = is_ws(p[i]);

				for (size_t k = 0; k < d->llen; k++)
					blank &= is_ws(d->line[k]);
				if (blank && (d->state == BEFORE || d->state == AFTER)) {
					if (++d->ws > WS_MAX)
						return dec_fail(d, "too much whitespace around the armor");
					continue;
				}
				if (d->state == BODY || d->state == NEED_END)
					return dec_fail(d, "a line longer than 64 columns");
				if (d->state == BEFORE)
					return dec_fail(d, "the first line is not " AGE_ARMOR_BEGIN);
				return dec_fail(d, "data after the closing line");
			}
			d->line[d->llen++] = p[i];
			continue;
		}
		if ((r = dec_line(d, d->line, d->llen, out + len)) < 0)
			return -1;
		len += (size_t)r;
		d->llen = 0;
	}
	return (ssize_t)len;
}

int
age_armor_dec_finish(struct age_armor_dec *d)
{
	unsigned char out[48];

	/* A last line without its newline is a line too. */
	if (d->llen > 0 && d->state != FAILED) {
		if (dec_line(d, d->line, d->llen, out) < 0)
			return -1;
		d->llen = 0;
	}
	if (d->state == AFTER)
		return 0;
	if (d->state != FAILED)
		dec_fail(d, d->state == BEFORE ? "no " AGE_ARMOR_BEGIN " line" : "the armored file is cut short (no closing line)");
	return -1;
}
