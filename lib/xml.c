#include <string.h>

#include "enc.h"
#include "xml.h"

/* Finds "<tag" followed by '>', ' ' or '/' at or after *pos. */
static const char *
find_open(const char *buf, size_t n, size_t from, const char *tag, size_t tl)
{
	for (size_t i = from; i + tl + 2 <= n; i++) {
		const char *p = memchr(buf + i, '<', n - i);

		if (!p || (size_t)(p - buf) + tl + 2 > n)
			return NULL;
		i = (size_t)(p - buf);
		if (memcmp(p + 1, tag, tl) == 0 && (p[tl + 1] == '>' || p[tl + 1] == ' ' || p[tl + 1] == '/'))
			return p;
	}
	return NULL;
}

int
xml_span(const char *buf, size_t n, size_t *pos, const char *tag, size_t *start, size_t *len)
{
	size_t tl = strlen(tag);
	const char *o = find_open(buf, n, *pos, tag, tl), *gt, *c;

	if (!o)
		return 0;
	gt = memchr(o, '>', n - (size_t)(o - buf));
	if (!gt)
		return -1;
	if (gt[-1] == '/') { /* <Tag/>: empty */
		*start = (size_t)(gt + 1 - buf);
		*len = 0;
		*pos = *start;
		return 1;
	}
	/* The matching close: S3's containers do not nest an element inside
	 * one of the same name, so the first close tag ends it. */
	for (c = gt + 1; (size_t)(c - buf) + tl + 3 <= n; c++) {
		c = memchr(c, '<', n - (size_t)(c - buf));
		if (!c || (size_t)(c - buf) + tl + 3 > n)
			return -1;
		if (c[1] == '/' && memcmp(c + 2, tag, tl) == 0 && c[tl + 2] == '>') {
			*start = (size_t)(gt + 1 - buf);
			*len = (size_t)(c - gt - 1);
			*pos = (size_t)(c - buf) + tl + 3;
			return 1;
		}
	}
	return -1;
}

long
xml_decode(const char *in, size_t n, char *out, size_t cap)
{
	static const struct {
		const char *name;
		char c;
	} ent[] = { { "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' }, { "quot;", '"' }, { "apos;", '\'' } };
	size_t o = 0;

	if (cap == 0)
		return -1;
	for (size_t i = 0; i < n;) {
		if (in[i] != '&') {
			if (o + 1 >= cap)
				return -1;
			out[o++] = in[i++];
			continue;
		}
		{
			size_t rest = n - i - 1, k;
			const char *p = in + i + 1;
			int done = 0;

			for (k = 0; k < sizeof ent / sizeof ent[0]; k++) {
				size_t el = strlen(ent[k].name);

				if (rest >= el && memcmp(p, ent[k].name, el) == 0) {
					if (o + 1 >= cap)
						return -1;
					out[o++] = ent[k].c;
					i += 1 + el;
					done = 1;
					break;
				}
			}
			if (done)
				continue;
			if (rest >= 3 && p[0] == '#') {
				int hexa = p[1] == 'x' || p[1] == 'X';
				size_t j = hexa ? 2 : 1, digits = 0;
				unsigned long cp = 0;
				int w;

				for (; j < rest && p[j] != ';' && digits < 8; j++, digits++) {
					int v = hexa ? hex_digit(p[j]) : (p[j] >= '0' && p[j] <= '9' ? p[j] - '0' : -1);

					if (v < 0)
						return -1;
					cp = cp * (hexa ? 16 : 10) + (unsigned long)v;
				}
				if (j >= rest || p[j] != ';' || digits == 0)
					return -1;
				w = utf8_encode(out + o, cap - o - 1, cp);
				if (w < 0)
					return -1;
				o += (size_t)w;
				i += 1 + j + 1;
				continue;
			}
			return -1;
		}
	}
	out[o] = 0;
	return (long)o;
}

int
xml_next(const char *buf, size_t n, size_t *pos, const char *tag, char *out, size_t cap)
{
	size_t s, l, p = *pos;
	int r = xml_span(buf, n, &p, tag, &s, &l);

	if (r <= 0)
		return r;
	if (xml_decode(buf + s, l, out, cap) < 0)
		return -1;
	*pos = p;
	return 1;
}
