#include <string.h>

#include "bech32.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static unsigned long
polymod_step(unsigned long c, unsigned v)
{
	static const unsigned long gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };
	unsigned long top = c >> 25;

	c = (c & 0x1ffffff) << 5 ^ v;
	for (int i = 0; i < 5; i++)
		if (top >> i & 1)
			c ^= gen[i];
	return c;
}

/* The checksum state after the expanded human-readable part. */
static unsigned long
polymod_hrp(const char *hrp, size_t hlen)
{
	unsigned long c = 1;

	for (size_t i = 0; i < hlen; i++)
		c = polymod_step(c, (unsigned char)hrp[i] >> 5);
	c = polymod_step(c, 0);
	for (size_t i = 0; i < hlen; i++)
		c = polymod_step(c, hrp[i] & 31);
	return c;
}

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

int
bech32_encode(char *out, size_t cap, const char *hrp, const void *data, size_t n, int upper)
{
	const unsigned char *d = data;
	size_t hlen = strlen(hrp), ngroups = (n * 8 + 4) / 5, len = 0;
	unsigned long c;
	unsigned acc = 0;
	int bits = 0;

	if (hlen < 1 || hlen > 83 || hlen + 1 + ngroups + 6 + 1 > cap)
		return -1;
	for (size_t i = 0; i < hlen; i++) {
		if (hrp[i] < 33 || hrp[i] > 126)
			return -1;
		out[len++] = (char)lower(hrp[i]);
	}
	c = polymod_hrp(out, hlen);
	out[len++] = '1';
	for (size_t i = 0; i < n || bits > 0; ) {
		unsigned v;

		if (bits < 5 && i < n) {
			acc = (acc << 8 | d[i++]) & 0xfff;
			bits += 8;
		}
		if (bits >= 5) {
			v = acc >> (bits - 5) & 31;
			bits -= 5;
		} else {
			v = acc << (5 - bits) & 31; /* the last group, zero-padded */
			bits = 0;
		}
		c = polymod_step(c, v);
		out[len++] = charset[v];
	}
	for (int i = 0; i < 6; i++)
		c = polymod_step(c, 0);
	c ^= 1;
	for (int i = 0; i < 6; i++)
		out[len++] = charset[c >> (5 * (5 - i)) & 31];
	out[len] = 0;
	if (upper)
		for (size_t i = 0; i < len; i++)
			if (out[i] >= 'a' && out[i] <= 'z')
				out[i] = (char)(out[i] - 32);
	return (int)len;
}

ssize_t
bech32_decode(const char *s, size_t n, char *hrp, size_t hcap, void *data, size_t dcap)
{
	unsigned char *d = data;
	size_t sep = 0, len = 0;
	int has_lower = 0, has_upper = 0, bits = 0;
	unsigned long c;
	unsigned acc = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < 33 || s[i] > 126)
			return -1;
		has_lower |= s[i] >= 'a' && s[i] <= 'z';
		has_upper |= s[i] >= 'A' && s[i] <= 'Z';
		if (s[i] == '1')
			sep = i;
	}
	if (has_lower && has_upper)
		return -1;
	if (sep < 1 || sep + 7 > n || sep + 1 > hcap)
		return -1;
	for (size_t i = 0; i < sep; i++)
		hrp[i] = (char)lower(s[i]);
	hrp[sep] = 0;
	c = polymod_hrp(hrp, sep);
	for (size_t i = sep + 1; i < n; i++) {
		const char *p = strchr(charset, lower(s[i]));
		unsigned v;

		if (!p || !*p)
			return -1;
		v = (unsigned)(p - charset);
		c = polymod_step(c, v);
		if (i + 6 >= n)
			continue; /* the checksum */
		acc = (acc << 5 | v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			if (len >= dcap)
				return -1;
			bits -= 8;
			d[len++] = (unsigned char)(acc >> bits);
		}
	}
	if (c != 1 || bits >= 5 || (acc & ((1u << bits) - 1)))
		return -1;
	return (ssize_t)len;
}
