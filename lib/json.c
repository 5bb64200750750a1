#include <string.h>

#include "enc.h"
#include "json.h"

#define JSON_DEPTH 32

struct scan {
	const char *b;
	size_t n, i;
};

static void
ws(struct scan *s)
{
	while (s->i < s->n && (s->b[s->i] == ' ' || s->b[s->i] == '\t' || s->b[s->i] == '\n' || s->b[s->i] == '\r'))
		s->i++;
}

static int
hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		int d = hex_digit(p[k]);

		if (d < 0)
			return -1;
		*v = *v * 16 + (unsigned)d;
	}
	return 0;
}

/* A string at s->i; decoded into out when out is not NULL. */
static int
str(struct scan *s, char *out, size_t cap, size_t *olen)
{
	size_t o = 0;

	if (s->i >= s->n || s->b[s->i] != '"')
		return -1;
	s->i++;
	while (s->i < s->n) {
		unsigned char c = (unsigned char)s->b[s->i++];
		char tmp[4];
		size_t tl = 1;

		if (c == '"') {
			if (out)
				out[o] = 0;
			if (olen)
				*olen = o;
			return 0;
		}
		if (c < 0x20)
			return -1;
		tmp[0] = (char)c;
		if (c == '\\') {
			if (s->i >= s->n)
				return -1;
			c = (unsigned char)s->b[s->i++];
			switch (c) {
			case '"': case '\\': case '/': tmp[0] = (char)c; break;
			case 'b': tmp[0] = '\b'; break;
			case 'f': tmp[0] = '\f'; break;
			case 'n': tmp[0] = '\n'; break;
			case 'r': tmp[0] = '\r'; break;
			case 't': tmp[0] = '\t'; break;
			case 'u': {
				unsigned v;
				int w;

				if (s->n - s->i < 4 || hex4(s->b + s->i, &v) < 0)
					return -1;
				s->i += 4;
				/* Credentials are ASCII; other escapes are kept as
				 * UTF-8 (a \u escape stays within the BMP; surrogate
				 * pairs are refused). */
				w = utf8_encode(tmp, sizeof tmp, v);
				if (w < 0)
					return -1;
				tl = (size_t)w;
				break;
			}
			default:
				return -1;
			}
		}
		if (out) {
			if (o + tl >= cap)
				return -1;
			memcpy(out + o, tmp, tl);
		}
		o += tl;
	}
	return -1;
}

static int value(struct scan *s, int depth);

static int
number(struct scan *s)
{
	size_t st = s->i;

	if (s->i < s->n && s->b[s->i] == '-')
		s->i++;
	while (s->i < s->n && ((s->b[s->i] >= '0' && s->b[s->i] <= '9') || s->b[s->i] == '.' ||
	    s->b[s->i] == 'e' || s->b[s->i] == 'E' || s->b[s->i] == '+' || s->b[s->i] == '-'))
		s->i++;
	return s->i > st && s->b[s->i - 1] >= '0' && s->b[s->i - 1] <= '9' ? 0 : -1;
}

static int
lit(struct scan *s, const char *w)
{
	size_t l = strlen(w);

	if (s->n - s->i < l || memcmp(s->b + s->i, w, l) != 0)
		return -1;
	s->i += l;
	return 0;
}

static int
container(struct scan *s, int depth, int obj)
{
	char close = obj ? '}' : ']';

	if (depth > JSON_DEPTH)
		return -1;
	s->i++;
	ws(s);
	if (s->i < s->n && s->b[s->i] == close) {
		s->i++;
		return 0;
	}
	for (;;) {
		ws(s);
		if (obj) {
			if (str(s, NULL, 0, NULL) < 0)
				return -1;
			ws(s);
			if (s->i >= s->n || s->b[s->i] != ':')
				return -1;
			s->i++;
		}
		if (value(s, depth + 1) < 0)
			return -1;
		ws(s);
		if (s->i >= s->n)
			return -1;
		if (s->b[s->i] == ',') {
			s->i++;
			continue;
		}
		if (s->b[s->i] == close) {
			s->i++;
			return 0;
		}
		return -1;
	}
}

static int
value(struct scan *s, int depth)
{
	ws(s);
	if (s->i >= s->n)
		return -1;
	switch (s->b[s->i]) {
	case '{': return container(s, depth, 1);
	case '[': return container(s, depth, 0);
	case '"': return str(s, NULL, 0, NULL);
	case 't': return lit(s, "true");
	case 'f': return lit(s, "false");
	case 'n': return lit(s, "null");
	default: return number(s);
	}
}

int
json_get_string(const char *buf, size_t n, const char *name, char *out, size_t cap)
{
	struct scan s = { buf, n, 0 };
	int found = 0;
	char key[128];

	ws(&s);
	if (s.i >= n || buf[s.i] != '{')
		return -1;
	s.i++;
	ws(&s);
	if (s.i < n && buf[s.i] == '}') {
		s.i++;
		goto tail;
	}
	for (;;) {
		size_t kl;

		ws(&s);
		if (str(&s, key, sizeof key, &kl) < 0)
			return -1;
		ws(&s);
		if (s.i >= n || buf[s.i] != ':')
			return -1;
		s.i++;
		ws(&s);
		if (!found && strcmp(key, name) == 0 && strlen(key) == kl && s.i < n && buf[s.i] == '"') {
			if (str(&s, out, cap, NULL) < 0)
				return -1;
			found = 1;
		} else if (value(&s, 1) < 0) {
			return -1;
		}
		ws(&s);
		if (s.i >= n)
			return -1;
		if (buf[s.i] == ',') {
			s.i++;
			continue;
		}
		if (buf[s.i] == '}') {
			s.i++;
			break;
		}
		return -1;
	}
tail:
	ws(&s);
	return s.i == n ? found : -1;
}
