/* Reading an age header and unwrapping its file key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "enc.h"
#include "log.h"
#include "xmem.h"

#define MAX_ARGS 64

/* The next line of buf from *pos: its length, or -1 when no newline yet. */
static ssize_t
next_line(const unsigned char *buf, size_t n, size_t pos)
{
	const unsigned char *nl = memchr(buf + pos, '\n', n - pos);

	return nl ? nl - (buf + pos) : -1;
}

static void
add_stanza(struct age_header *h, const unsigned char *line, size_t len)
{
	struct age_stanza *s;
	size_t i = 3;

	int nargs = 1;

	for (size_t k = 3; k < len; k++)
		nargs += line[k] == ' ';
	h->st = xrealloc(h->st, (size_t)(h->n + 1) * sizeof *h->st);
	s = &h->st[h->n++];
	memset(s, 0, sizeof *s);
	s->args = xcalloc((size_t)nargs, sizeof *s->args);
	while (i < len) {
		size_t j = i;

		while (j < len && line[j] != ' ')
			j++;
		s->args[s->nargs++] = xstrndup((const char *)line + i, j - i);
		i = j + 1;
	}
}

/* A stanza line's arguments: "-> " then one or more arguments of
 * printable US-ASCII, each separated by one space. */
static int
args_ok(const unsigned char *line, size_t len)
{
	int nargs = 1;

	if (len < 4 || line[len - 1] == ' ')
		return 0;
	for (size_t i = 3; i < len; i++) {
		if (line[i] == ' ') {
			if (line[i - 1] == ' ' || ++nargs > MAX_ARGS)
				return 0;
		} else if (line[i] < 33 || line[i] > 126) {
			return 0;
		}
	}
	return 1;
}

enum age_parse
age_header_parse(struct age_header *h, const unsigned char *buf, size_t n, char *err, size_t cap)
{
	static const char magic[] = "age-encryption.org/";
	size_t pos, ml = sizeof AGE_MAGIC - 1;
	ssize_t len;

	memset(h, 0, sizeof *h);
	if (memcmp(buf, magic, n < sizeof magic - 1 ? n : sizeof magic - 1) != 0) {
		snprintf(err, cap, "not an age file (no \"age-encryption.org/v1\" line)");
		return AGE_NOTAGE;
	}
	if ((len = next_line(buf, n, 0)) < 0)
		return n > 256 ? age_errf(err, cap, AGE_BAD, "malformed age header: first line too long") : AGE_MORE;
	if ((size_t)len + 1 != ml || memcmp(buf, AGE_MAGIC, ml) != 0)
		return age_errf(err, cap, AGE_BAD, "unsupported age format version \"%.*s\"", len > 40 ? 40 : (int)len, buf);
	pos = ml;
	for (;;) {
		const unsigned char *line = buf + pos;

		if ((len = next_line(buf, n, pos)) < 0)
			goto more;
		if (len >= 3 && memcmp(line, "---", 3) == 0) {
			char m[44];

			if (len != 4 + 43 || line[3] != ' ')
				goto malformed_mac;
			memcpy(m, line + 4, 43);
			if (base64_raw_decode(h->mac, sizeof h->mac, m, 43) != 32)
				goto malformed_mac;
			if (h->n == 0) {
				age_header_free(h);
				return age_errf(err, cap, AGE_BAD, "malformed age header: no recipient stanzas");
			}
			h->maclen = pos + 3;
			h->len = pos + (size_t)len + 1;
			return AGE_OK;
		}
		if (len < 3 || memcmp(line, "-> ", 3) != 0 || !args_ok(line, (size_t)len)) {
			age_header_free(h);
			return age_errf(err, cap, AGE_BAD, "malformed age header line %d", h->n + 2);
		}
		add_stanza(h, line, (size_t)len);
		pos += (size_t)len + 1;
		/* The body: full lines of 64 columns, ended by a shorter one. */
		for (;;) {
			struct age_stanza *s = &h->st[h->n - 1];
			unsigned char b[48];
			ssize_t bl;

			if ((len = next_line(buf, n, pos)) < 0)
				goto more;
			if (len > 64 || (bl = base64_raw_decode(b, sizeof b, (const char *)buf + pos, (size_t)len)) < 0) {
				age_header_free(h);
				return age_errf(err, cap, AGE_BAD, "malformed age header: a stanza body line is not base64 of 64 columns or less");
			}
			s->body = xrealloc(s->body, s->blen + (size_t)bl + 1);
			memcpy(s->body + s->blen, b, (size_t)bl);
			s->blen += (size_t)bl;
			pos += (size_t)len + 1;
			if (len < 64)
				break;
		}
	}
more:
	age_header_free(h);
	if (n >= AGE_HEADER_MAX)
		return age_errf(err, cap, AGE_BAD, "age header longer than %d bytes", AGE_HEADER_MAX);
	return AGE_MORE;
malformed_mac:
	age_header_free(h);
	return age_errf(err, cap, AGE_BAD, "malformed age header: bad MAC line");
}

void
age_header_free(struct age_header *h)
{
	for (int i = 0; i < h->n; i++) {
		for (int k = 0; k < h->st[i].nargs; k++)
			free(h->st[i].args[k]);
		free(h->st[i].args);
		free(h->st[i].body);
	}
	free(h->st);
	h->st = NULL;
	h->n = 0;
}

int
age_header_scrypt(const struct age_header *h)
{
	for (int i = 0; i < h->n; i++)
		if (strcmp(h->st[i].args[0], "scrypt") == 0)
			return 1;
	return 0;
}

/* The work factor argument: decimal without leading zeros, 1-30. */
static int
parse_logn(const char *a)
{
	int v = 0;

	if (!*a || (a[0] == '0') || strlen(a) > 2)
		return -1;
	for (; *a; a++) {
		if (*a < '0' || *a > '9')
			return -1;
		v = v * 10 + (*a - '0');
	}
	return v >= 1 && v <= 30 ? v : -1;
}

static int
unwrap_scrypt(const struct age_header *h, const char *pass, size_t plen, unsigned max_logn,
    unsigned char fk[16], char *err, size_t cap)
{
	const struct age_stanza *s = &h->st[0];
	unsigned char s16[16], wk[32];
	int logn, r;

	if (h->n != 1)
		return age_errf(err, cap, EX_DATAERR, "malformed age header: an scrypt stanza must be the only one");
	if (s->nargs != 3 || base64_raw_decode(s16, sizeof s16, s->args[1], strlen(s->args[1])) != 16
	    || (logn = parse_logn(s->args[2])) < 0 || s->blen != 32)
		return age_errf(err, cap, EX_DATAERR, "malformed age header: bad scrypt stanza");
	if ((unsigned)logn > max_logn)
		return age_errf(err, cap, EX_DATAERR, "the passphrase's scrypt work factor 2^%d is over the ceiling 2^%u "
		    "(%llu MiB of memory; --max-work-factor raises it)", logn, max_logn,
		    (unsigned long long)(1024ull << logn >> 20));
	if (!pass)
		return age_errf(err, cap, EX_NOPERM, "the file is encrypted with a passphrase; none was given");
	if (age_scrypt_key(wk, pass, plen, s16, (unsigned)logn) < 0)
		return age_errf(err, cap, EX_SOFTWARE, "scrypt: cannot allocate %llu MiB", (unsigned long long)(1024ull << logn >> 20));
	r = age_body_open(fk, wk, s->body);
	explicit_bzero(wk, sizeof wk);
	return r < 0 ? age_errf(err, cap, EX_NOPERM, "incorrect passphrase") : 0;
}

static int
unwrap_x25519(const struct age_header *h, const struct age_keys *ids, unsigned char fk[16], char *err, size_t cap)
{
	int others = 0;

	for (int i = 0; i < h->n; i++) {
		const struct age_stanza *s = &h->st[i];
		unsigned char epk[32], shared[32], wk[32];

		if (strcmp(s->args[0], "X25519") != 0) {
			others++;
			continue;
		}
		if (s->nargs != 2 || base64_raw_decode(epk, sizeof epk, s->args[1], strlen(s->args[1])) != 32
		    || s->blen != 32)
			return age_errf(err, cap, EX_DATAERR, "malformed age header: bad X25519 stanza");
		for (int k = 0; k < ids->n; k++) {
			if (age_x25519(shared, ids->sk[k], epk) < 0)
				return age_errf(err, cap, EX_DATAERR, "malformed age header: X25519 share is a low-order point");
			age_x25519_wrap_key(wk, shared, epk, ids->pk[k]);
			if (age_body_open(fk, wk, s->body) == 0) {
				explicit_bzero(wk, sizeof wk);
				explicit_bzero(shared, sizeof shared);
				return 0;
			}
		}
		explicit_bzero(wk, sizeof wk);
		explicit_bzero(shared, sizeof shared);
	}
	if (ids->n == 0)
		return age_errf(err, cap, EX_NOPERM, "no identity given (-i) for a file encrypted to recipients");
	return age_errf(err, cap, EX_NOPERM, "no identity matches the file's recipients (%d identit%s tried against %d "
	    "X25519 stanza%s%s)", ids->n, ids->n == 1 ? "y" : "ies", h->n - others, h->n - others == 1 ? "" : "s",
	    others ? ", others of types agecrypt does not read" : "");
}

int
age_unwrap(const struct age_header *h, const unsigned char *buf, const struct age_keys *ids,
    const char *pass, size_t plen, unsigned max_logn, unsigned char fk[16], char *err, size_t cap)
{
	unsigned char mac[32];
	unsigned diff = 0;
	int ex;

	ex = age_header_scrypt(h) ? unwrap_scrypt(h, pass, plen, max_logn, fk, err, cap)
	    : unwrap_x25519(h, ids, fk, err, cap);
	if (ex)
		return ex;
	age_header_mac(mac, fk, buf, h->maclen);
	for (int i = 0; i < 32; i++)
		diff |= (unsigned)(mac[i] ^ h->mac[i]);
	if (diff) {
		explicit_bzero(fk, 16);
		return age_errf(err, cap, EX_DATAERR, "the age header's MAC does not match: the header was altered");
	}
	return 0;
}
