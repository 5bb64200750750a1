/* S3 answers' shapes (s3_answer.h). */
#include <string.h>

#include "enc.h"
#include "s3_answer.h"

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
s3_answer_root(const char *body, size_t n, const char *root)
{
	size_t i = 0, rl = strlen(root);

	for (;;) {
		while (i < n && space(body[i]))
			i++;
		if (i + 1 < n && body[i] == '<' && (body[i + 1] == '?' || body[i + 1] == '!')) {
			/* A declaration or comment: skip to its end. */
			const char *end = ">";
			size_t el, j = i + 2;

			if (body[i + 1] == '?')
				end = "?>";
			else if (i + 3 < n && body[i + 2] == '-' && body[i + 3] == '-')
				end = "-->";
			el = strlen(end);

			while (j + el <= n && memcmp(body + j, end, el) != 0)
				j++;
			if (j + el > n)
				return 0;
			i = j + el;
			continue;
		}
		break;
	}
	if (i >= n || body[i] != '<' || n - i - 1 < rl || memcmp(body + i + 1, root, rl) != 0)
		return 0;
	i += 1 + rl;
	return i < n && (body[i] == '>' || space(body[i]) || body[i] == '/');
}

int
s3_answer_url_decode(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '%') {
			int hi = hex_digit(s[1]), lo = hi < 0 ? -1 : hex_digit(s[2]);

			if (lo < 0)
				return -1;
			if (hi == 0 && lo == 0)
				return -2;
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else if (*s == '+') {
			*o++ = ' ';
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return 0;
}
