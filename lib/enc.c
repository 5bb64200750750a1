#include "enc.h"

static const char hexdig[] = "0123456789abcdef";
static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
hex_encode(char *out, const void *in, size_t n)
{
	const unsigned char *p = in;

	for (size_t i = 0; i < n; i++) {
		*out++ = hexdig[p[i] >> 4];
		*out++ = hexdig[p[i] & 15];
	}
	*out = 0;
}

int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t
hex_decode(void *out, size_t cap, const char *in, size_t n)
{
	unsigned char *o = out;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_digit(in[i]), lo = hex_digit(in[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		o[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (ssize_t)(n / 2);
}

void
base64_encode(char *out, const void *in, size_t n)
{
	const unsigned char *p = in;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		*out++ = b64[v >> 18], *out++ = b64[v >> 12 & 63];
		*out++ = b64[v >> 6 & 63], *out++ = b64[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);

		*out++ = b64[v >> 18], *out++ = b64[v >> 12 & 63];
		*out++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
		*out++ = '=';
	}
	*out = 0;
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

ssize_t
base64_decode(void *out, size_t cap, const char *in, size_t n)
{
	unsigned char *o = out;
	size_t len = 0;

	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0, pad++;
				continue;
			}
			if (pad || (v[k] = b64val(in[i + k])) < 0)
				return -1;
		}
		unsigned w = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
		if (len + 3 - (size_t)pad > cap)
			return -1;
		o[len++] = (unsigned char)(w >> 16);
		if (pad < 2)
			o[len++] = (unsigned char)(w >> 8);
		if (pad < 1)
			o[len++] = (unsigned char)w;
	}
	return (ssize_t)len;
}

int
utf8_encode(char *out, size_t room, unsigned long cp)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	if (cp < 0x80 && room >= 1) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800 && room >= 2) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 63));
		return 2;
	}
	if (cp < 0x10000 && room >= 3) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 63));
		out[2] = (char)(0x80 | (cp & 63));
		return 3;
	}
	if (cp >= 0x10000 && room >= 4) {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 63));
		out[2] = (char)(0x80 | ((cp >> 6) & 63));
		out[3] = (char)(0x80 | (cp & 63));
		return 4;
	}
	return -1;
}

void
base64_raw_encode(char *out, const void *in, size_t n)
{
	const unsigned char *p = in;
	size_t full = n - n % 3;

	/* The whole groups as base64_encode writes them, then the tail's two
	 * or three characters without padding (out has no room for it). */
	base64_encode(out, p, full);
	out += full / 3 * 4;
	if (n % 3) {
		unsigned v = (unsigned)p[full] << 16 | (n % 3 == 2 ? (unsigned)p[full + 1] << 8 : 0);

		*out++ = b64[v >> 18], *out++ = b64[v >> 12 & 63];
		if (n % 3 == 2)
			*out++ = b64[v >> 6 & 63];
	}
	*out = 0;
}

ssize_t
base64_raw_decode(void *out, size_t cap, const char *in, size_t n)
{
	unsigned char *o = out;
	size_t len = 0, i = 0;

	if (n % 4 == 1)
		return -1;
	while (i < n) {
		size_t k = n - i < 4 ? n - i : 4;
		unsigned w = 0;

		for (size_t j = 0; j < 4; j++) {
			int v = j < k ? b64val(in[i + j]) : 0;

			if (v < 0)
				return -1;
			w = w << 6 | (unsigned)v;
		}
		/* The bits past the last byte must be zero: one string per value. */
		if ((k == 2 && (w & 0xffff)) || (k == 3 && (w & 0xff)))
			return -1;
		if (len + k - 1 > cap)
			return -1;
		o[len++] = (unsigned char)(w >> 16);
		if (k > 2)
			o[len++] = (unsigned char)(w >> 8);
		if (k > 3)
			o[len++] = (unsigned char)w;
		i += k;
	}
	return (ssize_t)len;
}
