/* lib/enc: hex and base64 against RFC 4648's test vectors, and bad input. */
#include <string.h>

#include "enc.h"
#include "tap.h"

int
main(void)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const b64[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	char out[64];
	unsigned char bin[64];
	ssize_t n;

	tap_plan(27);
	for (int i = 0; i < 7; i++) {
		base64_encode(out, plain[i], strlen(plain[i]));
		tap_is_str(out, b64[i], "base64 encode RFC 4648 vector");
		n = base64_decode(bin, sizeof bin, b64[i], strlen(b64[i]));
		tap_is_mem(bin, n < 0 ? 0 : (size_t)n, plain[i], strlen(plain[i]), "base64 decode RFC 4648 vector");
	}
	tap_ok(base64_decode(bin, sizeof bin, "Zm9", 3) == -1, "base64: length not a multiple of 4");
	tap_ok(base64_decode(bin, sizeof bin, "Zm=v", 4) == -1, "base64: padding in the middle");
	tap_ok(base64_decode(bin, sizeof bin, "Zm9v!A==", 8) == -1, "base64: character outside the alphabet");
	tap_ok(base64_decode(bin, 2, "Zm9v", 4) == -1, "base64: output does not fit");

	hex_encode(out, "\x00\xff\x10\xab", 4);
	tap_is_str(out, "00ff10ab", "hex encode");
	n = hex_decode(bin, sizeof bin, "00FF10ab", 8);
	tap_is_mem(bin, n < 0 ? 0 : (size_t)n, "\x00\xff\x10\xab", 4, "hex decode, either case");
	tap_ok(hex_decode(bin, sizeof bin, "0g", 2) == -1, "hex: bad digit");
	tap_ok(hex_decode(bin, sizeof bin, "abc", 3) == -1, "hex: odd length");
	tap_ok(hex_decode(bin, 1, "abcd", 4) == -1, "hex: output does not fit");
	{
		static const char *const raw[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
		char small[16];
		int bad = 0;

		for (int i = 0; i < 7; i++) {
			/* Exactly BASE64_RAW_LEN: no room for padding. */
			memset(small, '#', sizeof small);
			base64_raw_encode(small, plain[i], strlen(plain[i]));
			bad += strcmp(small, raw[i]) != 0 || (size_t)BASE64_RAW_LEN(strlen(plain[i])) != strlen(raw[i]) + 1;
			n = base64_raw_decode(bin, sizeof bin, raw[i], strlen(raw[i]));
			bad += n != (ssize_t)strlen(plain[i]) || memcmp(bin, plain[i], (size_t)n) != 0;
		}
		tap_ok(bad == 0, "unpadded base64: RFC 4648's vectors both ways, in BASE64_RAW_LEN bytes");
		tap_ok(base64_raw_decode(bin, sizeof bin, "Zh", 2) == -1 && base64_raw_decode(bin, sizeof bin, "Zm9=", 4) == -1,
		    "unpadded base64: non-zero unused bits and padding are refused");
		tap_ok(base64_raw_decode(bin, sizeof bin, "Z", 1) == -1, "unpadded base64: a lone character is refused");
	}
	tap_ok(1, "done");
	return tap_done();
}
