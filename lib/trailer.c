#include <stdio.h>
#include <string.h>

#include "trailer.h"

size_t
trailer_format(char buf[TRAILER_MAX], uint64_t before)
{
	int n = snprintf(buf, TRAILER_MAX, TRAILER_PREFIX "%llu" TRAILER_SUFFIX,
	    (unsigned long long)before);

	return (size_t)n;
}

void
trailer_init(struct trailer_tail *t)
{
	memset(t, 0, sizeof *t);
}

void
trailer_feed(struct trailer_tail *t, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	t->total += n;
	if (n >= TRAILER_MAX) {
		memcpy(t->tail, p + n - TRAILER_MAX, TRAILER_MAX);
		t->n = TRAILER_MAX;
		return;
	}
	if (t->n + n > TRAILER_MAX) {
		size_t drop = t->n + n - TRAILER_MAX;

		memmove(t->tail, t->tail + drop, t->n - drop);
		t->n -= drop;
	}
	memcpy(t->tail + t->n, p, n);
	t->n += n;
}

enum trailer_status
trailer_check(const struct trailer_tail *t, uint64_t *claimed)
{
	const size_t plen = sizeof TRAILER_PREFIX - 1, slen = sizeof TRAILER_SUFFIX - 1;
	const unsigned char *line = NULL;
	uint64_t v = 0;
	size_t i, digits;

	if (t->n < plen + slen + 1 || t->tail[t->n - 1] != '\n')
		return TRAILER_MISSING;
	/* The trailer is the last line: find the newline before it, if any. */
	for (i = t->n - 1; i > 0; i--)
		if (t->tail[i - 1] == '\n')
			break;
	line = t->tail + i;
	if (i == 0 && t->total != t->n)
		return TRAILER_MISSING; /* line longer than the window: not ours */
	if ((size_t)(t->tail + t->n - line) < plen + slen + 1 ||
	    memcmp(line, TRAILER_PREFIX, plen) != 0)
		return TRAILER_MISSING;
	for (digits = 0; line[plen + digits] >= '0' && line[plen + digits] <= '9'; digits++) {
		if (digits >= 20)
			return TRAILER_MISSING;
		v = v * 10 + (uint64_t)(line[plen + digits] - '0');
	}
	if (digits == 0 || (size_t)(t->tail + t->n - line) != plen + digits + slen ||
	    memcmp(line + plen + digits, TRAILER_SUFFIX, slen) != 0)
		return TRAILER_MISSING;
	if (v != t->total - (uint64_t)(t->tail + t->n - line)) {
		if (claimed)
			*claimed = v;
		return TRAILER_WRONG_SIZE;
	}
	return TRAILER_OK;
}
