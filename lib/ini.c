#include <string.h>
#include <strings.h>

#include "ini.h"

static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

int
ini_get(const char *buf, size_t n, const char *section, const char *key, char *out, size_t cap)
{
	const char *p = buf, *end = buf + n;
	int in = 0;
	char parent[64] = "";

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *s = p, *e = le;
		int indented = p < le && (*p == ' ' || *p == '\t');

		p = nl ? nl + 1 : end;
		trim(&s, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (*s == '[' && !indented) {
			const char *c = memchr(s, ']', (size_t)(e - s));

			in = 0;
			if (c) {
				const char *ns = s + 1, *ne = c;

				trim(&ns, &ne);
				in = (size_t)(ne - ns) == strlen(section) && memcmp(ns, section, (size_t)(ne - ns)) == 0;
			}
			parent[0] = 0;
			continue;
		}
		if (!in)
			continue;
		{
			const char *eq = memchr(s, '=', (size_t)(e - s)), *ks = s, *ke, *vs, *ve = e;
			char full[160];
			size_t kl;

			if (!eq)
				continue;
			ke = eq;
			vs = eq + 1;
			trim(&ks, &ke);
			trim(&vs, &ve);
			kl = (size_t)(ke - ks);
			if (!indented) {
				/* "s3 =" with nothing after it opens nested settings. */
				if (vs == ve && kl < sizeof parent) {
					memcpy(parent, ks, kl);
					parent[kl] = 0;
				} else {
					parent[0] = 0;
				}
				if (kl >= sizeof full)
					continue;
				memcpy(full, ks, kl);
				full[kl] = 0;
			} else {
				if (!parent[0] || strlen(parent) + 1 + kl >= sizeof full)
					continue;
				strcpy(full, parent);
				strcat(full, ".");
				strncat(full, ks, kl);
			}
			if (strcasecmp(full, key) != 0)
				continue;
			if ((size_t)(ve - vs) >= cap)
				return -1;
			memcpy(out, vs, (size_t)(ve - vs));
			out[ve - vs] = 0;
			return 1;
		}
	}
	return 0;
}
